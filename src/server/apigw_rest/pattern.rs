//! The small part of Java regular expressions API Gateway's `selectionPattern` uses in
//! practice (`2\d{2}`, `4\d{2}|5\d{2}`, `.*Not Found.*`, `[45]\d\d`): literals, `.`, `\d`,
//! `\w`, `\s`, escapes, character classes with ranges, groups without nesting of alternation
//! beyond the top level, and the quantifiers `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`. The whole
//! input must match, as Java's `String.matches` requires.

#[derive(Clone, Debug)]
enum Atom {
    Any,
    Char(char),
    Class(Vec<(char, char)>, bool),
}

#[derive(Clone, Debug)]
struct Piece {
    atom: Atom,
    min: usize,
    max: usize,
}

/// Whether `pattern` matches all of `input`; `None` when the pattern uses syntax this matcher
/// does not read.
pub(crate) fn full_match(pattern: &str, input: &str) -> Option<bool> {
    // Matching recurses once per pattern piece; real selection patterns are short.
    if pattern.len() > 1024 || input.len() > 4096 {
        return None;
    }
    let text: Vec<char> = input.chars().collect();
    for alt in split_top(pattern)? {
        let pieces = compile(&alt)?;
        if match_here(&pieces, &text) {
            return Some(true);
        }
    }
    Some(false)
}

/// Splits on top-level `|`, dropping one level of enclosing parentheses around alternatives.
fn split_top(p: &str) -> Option<Vec<String>> {
    let p = p.trim();
    let inner = if p.starts_with('(') && p.ends_with(')') && !p[1..p.len() - 1].contains(['(', ')'])
    {
        &p[1..p.len() - 1]
    } else {
        p
    };
    if inner.contains(['(', ')']) {
        return None;
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                cur.push(chars.next()?);
            }
            '[' => {
                in_class = true;
                cur.push(c);
            }
            ']' => {
                in_class = false;
                cur.push(c);
            }
            '|' if !in_class => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    Some(out)
}

fn class_escape(c: char) -> Option<Atom> {
    Some(match c {
        'd' => Atom::Class(vec![('0', '9')], false),
        'D' => Atom::Class(vec![('0', '9')], true),
        'w' => Atom::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], false),
        'W' => Atom::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], true),
        's' => Atom::Class(
            vec![(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r')],
            false,
        ),
        'S' => Atom::Class(
            vec![(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r')],
            true,
        ),
        c if c.is_ascii_alphanumeric() => return None,
        c => Atom::Char(c),
    })
}

fn compile(p: &str) -> Option<Vec<Piece>> {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    let mut out: Vec<Piece> = Vec::new();
    while i < chars.len() {
        let atom = match chars[i] {
            '.' => Atom::Any,
            '\\' => {
                i += 1;
                class_escape(*chars.get(i)?)?
            }
            '[' => {
                i += 1;
                let negated = chars.get(i) == Some(&'^');
                if negated {
                    i += 1;
                }
                let mut ranges = Vec::new();
                while *chars.get(i)? != ']' {
                    let mut lo = chars[i];
                    if lo == '\\' {
                        i += 1;
                        match class_escape(*chars.get(i)?)? {
                            Atom::Class(r, false) => {
                                ranges.extend(r);
                                i += 1;
                                continue;
                            }
                            Atom::Char(c) => lo = c,
                            _ => return None,
                        }
                    }
                    if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']')
                    {
                        ranges.push((lo, chars[i + 2]));
                        i += 3;
                    } else {
                        ranges.push((lo, lo));
                        i += 1;
                    }
                }
                Atom::Class(ranges, negated)
            }
            '*' | '+' | '?' | '{' | '}' | ']' | '^' | '$' => return None,
            c => Atom::Char(c),
        };
        i += 1;
        let (min, max) = match chars.get(i) {
            Some('*') => {
                i += 1;
                (0, usize::MAX)
            }
            Some('+') => {
                i += 1;
                (1, usize::MAX)
            }
            Some('?') => {
                i += 1;
                (0, 1)
            }
            Some('{') => {
                let close = chars[i..].iter().position(|c| *c == '}')? + i;
                let body: String = chars[i + 1..close].iter().collect();
                i = close + 1;
                match body.split_once(',') {
                    None => {
                        let n = body.trim().parse().ok()?;
                        (n, n)
                    }
                    Some((a, "")) => (a.trim().parse().ok()?, usize::MAX),
                    Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
                }
            }
            _ => (1, 1),
        };
        out.push(Piece { atom, min, max });
    }
    Some(out)
}

fn atom_matches(a: &Atom, c: char) -> bool {
    match a {
        // Java's `.` does not match line terminators by default.
        Atom::Any => c != '\n' && c != '\r',
        Atom::Char(x) => *x == c,
        Atom::Class(ranges, negated) => {
            ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
        }
    }
}

fn match_here(pieces: &[Piece], text: &[char]) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return text.is_empty();
    };
    let mut count = 0;
    // Greedy with backtracking; inputs are status codes and short messages.
    let mut max_run = 0;
    while max_run < text.len() && max_run < first.max && atom_matches(&first.atom, text[max_run]) {
        max_run += 1;
    }
    let mut n = max_run;
    loop {
        if n >= first.min && match_here(rest, &text[n..]) {
            return true;
        }
        if n == 0 || n <= first.min {
            break;
        }
        n -= 1;
        count += 1;
        if count > 10_000 {
            break;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::full_match;

    #[test]
    fn common_selection_patterns() {
        assert_eq!(full_match(r"2\d{2}", "200"), Some(true));
        assert_eq!(full_match(r"2\d{2}", "2000"), Some(false));
        assert_eq!(full_match(r"4\d{2}|5\d{2}", "503"), Some(true));
        assert_eq!(full_match(r"[45]\d\d", "404"), Some(true));
        assert_eq!(
            full_match(".*Not Found.*", "Item Not Found here"),
            Some(true)
        );
        assert_eq!(full_match("400", "400"), Some(true));
        assert_eq!(full_match("400", "404"), Some(false));
        assert_eq!(full_match("(4..|5..)", "500"), Some(true));
        assert_eq!(full_match("a(b", "x"), None);
    }
}
