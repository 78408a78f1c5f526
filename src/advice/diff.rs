//! The unified diff of a configuration and its fix, written by hand rather than with the
//! `similar` crate: a fix changes a few lines of a small document, so a longest-common-subsequence
//! table over the lines between the common head and tail is enough, and the web app is about
//! 5 KB gzipped smaller for it.
//!
//! The output is the usual unified format (GNU diffutils, "Detailed Unified"): `---`/`+++`
//! labels, `@@ -start,len +start,len @@` hunks with 3 lines of context, and
//! `\ No newline at end of file` after a last line without one.

/// The lines of context around each change.
const CONTEXT: usize = 3;

/// Beyond this many table cells (middle lines before × after), the middle is shown as removed
/// and added wholesale instead: still a correct diff, and bounded in time and memory.
const MAX_CELLS: usize = 1 << 20;

/// One line of the edit script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// In both texts (index in before, index in after).
    Same(usize, usize),
    /// Only in before.
    Removed(usize),
    /// Only in after.
    Added(usize),
}

/// A unified diff of `before` and `after` under the labels `from` and `to`; empty when the
/// texts are equal.
pub fn unified(before: &str, after: &str, from: &str, to: &str) -> String {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let ops = edit_script(&old, &new);
    let mut out = String::new();
    let changed: Vec<usize> = (0..ops.len())
        .filter(|&i| !matches!(ops[i], Op::Same(..)))
        .collect();
    if changed.is_empty() {
        return out;
    }
    out.push_str(&format!("--- {from}\n+++ {to}\n"));
    // Group changes whose gap is at most twice the context into one hunk.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        match groups.last_mut() {
            Some((_, end)) if i - *end <= 2 * CONTEXT => *end = i,
            _ => groups.push((i, i)),
        }
    }
    for (first, last) in groups {
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(ops.len());
        let hunk = &ops[start..end];
        let (old_start, new_start) = starts(&ops, start);
        let old_len = hunk.iter().filter(|o| !matches!(o, Op::Added(_))).count();
        let new_len = hunk.iter().filter(|o| !matches!(o, Op::Removed(_))).count();
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old_start, old_len),
            range(new_start, new_len)
        ));
        for op in hunk {
            let (sign, line) = match *op {
                Op::Same(i, _) => (' ', old[i]),
                Op::Removed(i) => ('-', old[i]),
                Op::Added(j) => ('+', new[j]),
            };
            out.push(sign);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// The 0-based line numbers in before and after where the op at `at` stands.
fn starts(ops: &[Op], at: usize) -> (usize, usize) {
    let old = ops[..at]
        .iter()
        .filter(|o| !matches!(o, Op::Added(_)))
        .count();
    let new = ops[..at]
        .iter()
        .filter(|o| !matches!(o, Op::Removed(_)))
        .count();
    (old, new)
}

/// `start,len` with GNU's conventions: 1-based, `,len` left out for one line, and the line
/// before for an empty range.
fn range(start: usize, len: usize) -> String {
    match len {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        _ => format!("{},{len}", start + 1),
    }
}

/// The shortest edit script: common head and tail, then a longest common subsequence of the
/// middle (removals before additions where both are possible, as diff tools print them).
fn edit_script(old: &[&str], new: &[&str]) -> Vec<Op> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Same(i, i)).collect();
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        ops.extend((0..a.len()).map(|i| Op::Removed(head + i)));
        ops.extend((0..b.len()).map(|j| Op::Added(head + j)));
    } else {
        // lcs[i][j]: the LCS length of a[i..] and b[j..].
        let width = b.len() + 1;
        let mut lcs = vec![0u32; (a.len() + 1) * width];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i * width + j] = if a[i] == b[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            if i < a.len() && j < b.len() && a[i] == b[j] {
                ops.push(Op::Same(head + i, head + j));
                i += 1;
                j += 1;
            } else if i < a.len()
                && (j == b.len() || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])
            {
                ops.push(Op::Removed(head + i));
                i += 1;
            } else {
                ops.push(Op::Added(head + j));
                j += 1;
            }
        }
    }
    let (old_tail, new_tail) = (old.len() - tail, new.len() - tail);
    ops.extend((0..tail).map(|k| Op::Same(old_tail + k, new_tail + k)));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a\nb\n", "a\nb\n", "x", "y"), "");
    }

    #[test]
    fn one_added_line_in_the_middle() {
        let before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let after = "1\n2\n3\n4\n4.5\n5\n6\n7\n8\n9\n";
        assert_eq!(
            unified(before, after, "config", "config (fixed)"),
            "--- config\n+++ config (fixed)\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+4.5\n 5\n 6\n 7\n"
        );
    }

    #[test]
    fn a_change_at_the_start_and_a_missing_final_newline() {
        assert_eq!(
            unified("a\nb", "A\nb", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n\\ No newline at end of file\n"
        );
        // Empty ranges point at the line before.
        assert_eq!(
            unified("", "a\n", "x", "y"),
            "--- x\n+++ y\n@@ -0,0 +1 @@\n+a\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks() {
        let before: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let after: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                19 => "nineteen\n".to_string(),
                _ => format!("{i}\n"),
            })
            .collect();
        let diff = unified(&before, &after, "x", "y");
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(diff.contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n"), "{diff}");
    }

    /// The same text as the `similar` crate (which this replaces) for the edits fixes make.
    #[test]
    fn matches_similar_on_configuration_edits() {
        let config = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/seeds/parse_policy/s3-spa-put-upload.txt"
        ))
        .unwrap();
        let lines: Vec<&str> = config.split_inclusive('\n').collect();
        let mut cases = vec![(config.clone(), config.trim_end().to_string())];
        for at in 0..lines.len() {
            let mut added = lines.clone();
            added.insert(at, "    <AllowedHeader>x-new</AllowedHeader>\n");
            cases.push((config.clone(), added.concat()));
            let mut removed = lines.clone();
            removed.remove(at);
            cases.push((config.clone(), removed.concat()));
            let mut both = lines.clone();
            both[at] = "  <CORSRule><ID>changed</ID>\n";
            both.insert(lines.len() / 2, "  <!-- moved -->\n");
            cases.push((config.clone(), both.concat()));
        }
        for (before, after) in cases {
            let want = similar::TextDiff::from_lines(&before, &after)
                .unified_diff()
                .context_radius(3)
                .header("config", "config (fixed)")
                .to_string();
            assert_eq!(
                unified(&before, &after, "config", "config (fixed)"),
                want,
                "{after}"
            );
        }
    }
}
