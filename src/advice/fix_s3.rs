//! Candidate fixes for an S3 bucket CORS configuration, written into the user's own text.
//!
//! S3 uses the first rule whose origin, method and requested headers all match
//! (spec/s3-cors.md §3.4), so a blocked request is fixed either by widening one rule just
//! enough (an origin, a method, a header) or by adding a rule in front. Each candidate is an
//! edit of the pasted text at the place the parser recorded, so XML stays XML, JSON keeps its
//! layout, and comments survive.

use super::fix::Candidate;
use crate::error::{Error, LineIndex};
use crate::scenario::{Credentials, Scenario, ServerSpec};
use crate::server::s3::{self, ConfigFormat, CorsRule, S3Config, Spanned};
use crate::trace::Trace;
use std::borrow::Cow;

/// What a rule must allow for this request to pass.
struct Need {
    origin: String,
    method: String,
    headers: Vec<String>,
    include: bool,
}

/// A candidate whose text is written only when it is needed: against a 64 KB configuration
/// every text is a 64 KB copy, and there is a candidate for each rule, while the fix usually
/// needs only the cheapest.
pub struct Plan {
    cost: usize,
    explanation: String,
    text: PlanText,
}

/// How a plan's text comes about.
enum PlanText {
    /// Edits of the original text, checked to apply.
    Edits(Vec<Edit>),
    /// A whole new text.
    Whole(String),
}

impl Plan {
    /// Values added or changed.
    pub fn cost(&self) -> usize {
        self.cost
    }

    /// The candidate, its text written out from `text`, the original configuration.
    pub fn candidate(self, scenario: &Scenario, text: &str) -> Candidate {
        let fixed = match self.text {
            PlanText::Edits(edits) => build(text, edits),
            PlanText::Whole(t) => t,
        };
        candidate(scenario, fixed, self.cost, self.explanation)
    }
}

fn plan(text: String, cost: usize, explanation: String) -> Plan {
    Plan {
        cost,
        explanation,
        text: PlanText::Whole(text),
    }
}

/// The candidates for `scenario`, whose configuration text is `text`, blocked as `trace`, as
/// [`Plan`]s in preference order.
pub fn plans(scenario: &Scenario, text: &str, trace: &Trace) -> Result<Vec<Plan>, Error> {
    let need = need(scenario, trace);
    let config = s3::parse(text)?;
    let mut out = Vec::new();
    if !s3::ALLOWED_METHODS.contains(&need.method.as_str()) {
        return Ok(out);
    }
    let Some(config) = config else {
        let new = new_config_text(&need);
        out.push(plan(new, 2 + need.headers.len(), format!(
            "The bucket has no CORS configuration, so S3 answers every preflight 403 and adds no CORS header. Add one rule allowing {} {}{}.",
            need.origin, need.method, headers_phrase(&need.headers)
        )));
        return Ok(out);
    };
    let lines = LineIndex::new(text);
    for (i, rule) in config.rules.iter().enumerate() {
        if let Some(c) = widen_rule(text, &lines, &config, i, rule, &need) {
            out.push(c);
        }
    }
    // A new rule in front of every other wins whatever they say; one at the end only where
    // no earlier rule matches first. Both are simulated.
    let cost = 2 + need.headers.len();
    let explanation = format!(
        "Add a rule allowing {} {}{}",
        need.origin,
        need.method,
        headers_phrase(&need.headers)
    );
    if let Some(t) = insert_rule(text, &lines, &config, 0, &need) {
        out.push(plan(
            t,
            cost,
            format!("{explanation} before the others, since S3 uses the first rule that matches."),
        ));
    }
    if let Some(t) = insert_rule(text, &lines, &config, config.rules.len(), &need) {
        out.push(plan(t, cost, format!("{explanation} after the others.")));
    }
    Ok(out)
}

fn headers_phrase(headers: &[String]) -> String {
    if headers.is_empty() {
        String::new()
    } else {
        format!(" with the headers {}", headers.join(", "))
    }
}

fn candidate(scenario: &Scenario, text: String, cost: usize, explanation: String) -> Candidate {
    let server = match &scenario.server {
        ServerSpec::S3 {
            object, endpoint, ..
        } => ServerSpec::S3 {
            config: Some(text.clone()),
            object: *object,
            endpoint: *endpoint,
        },
        other => other.clone(),
    };
    Candidate {
        server,
        text,
        cost,
        explanation,
    }
}

/// The origin, method and headers S3 sees, from the trace (what the browser actually sent).
fn need(scenario: &Scenario, trace: &Trace) -> Need {
    let preflight = trace.preflight.as_ref().map(|p| &p.request.headers);
    let sent = trace.request.as_ref().map(|r| &r.headers);
    let origin = preflight
        .and_then(|h| h.get("origin"))
        .or_else(|| sent.and_then(|h| h.get("origin")))
        .map_or_else(|| scenario.request.origin.clone(), Cow::into_owned);
    let method = preflight
        .and_then(|h| h.get("access-control-request-method"))
        .map(Cow::into_owned)
        .or_else(|| trace.request.as_ref().map(|r| r.method.clone()))
        .unwrap_or_else(|| scenario.request.method.to_ascii_uppercase());
    let headers = preflight
        .and_then(|h| h.get("access-control-request-headers"))
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Need {
        origin,
        method,
        headers,
        include: scenario.request.credentials == Credentials::Include,
    }
}

/// Makes rule `i` match: adds what it lacks (or repairs an origin that differs only in a way
/// that can never match, such as a trailing slash), and replaces a `*` origin with the exact
/// origin when the request includes credentials.
fn widen_rule(
    text: &str,
    lines: &LineIndex<'_>,
    config: &S3Config,
    i: usize,
    rule: &CorsRule,
    need: &Need,
) -> Option<Plan> {
    let mut edits: Vec<Edit> = Vec::new();
    let mut said = Vec::new();
    let origin_ok = rule
        .allowed_origins
        .iter()
        .any(|o| s3::origin_matches(&o.value, &need.origin));
    let star = rule.allowed_origins.iter().find(|o| o.value == "*");
    if need.include && star.is_some() && origin_ok {
        // ACAO would be `*`, which credentials forbid: S3 echoes the origin only for a rule
        // without `*` (spec/s3-cors.md §4.1).
        let star = star?;
        edits.push(replace_value(
            text,
            lines,
            config.format,
            star,
            &need.origin,
        )?);
        said.push(format!("replace AllowedOrigin * with {} (with credentials, browsers refuse Access-Control-Allow-Origin: *, and S3 echoes the origin only from a rule without *); if other sites still need this rule, keep it and add a rule for {} before it instead", need.origin, need.origin));
    } else if !origin_ok {
        let near = rule.allowed_origins.iter().find(|o| {
            let v = o.value.trim().trim_end_matches('/').to_ascii_lowercase();
            v == need.origin
                || v.trim_end_matches(":443") == need.origin
                || v.trim_end_matches(":80") == need.origin
        });
        match near {
            Some(o) => {
                edits.push(replace_value(text, lines, config.format, o, &need.origin)?);
                said.push(format!("change AllowedOrigin {:?} to {:?}: an Origin header is exactly scheme://host[:port], lowercase, with no default port and no trailing slash", o.value, need.origin));
            }
            None => {
                edits.push(add_value(
                    text,
                    lines,
                    config.format,
                    rule,
                    List::Origins,
                    &need.origin,
                )?);
                said.push(format!("add AllowedOrigin {}", need.origin));
            }
        }
    }
    if !rule.allowed_methods.iter().any(|m| m.value == need.method) {
        edits.push(add_value(
            text,
            lines,
            config.format,
            rule,
            List::Methods,
            &need.method,
        )?);
        said.push(format!("add AllowedMethod {}", need.method));
    }
    for h in &need.headers {
        if !rule
            .allowed_headers
            .iter()
            .any(|a| s3::header_matches(&a.value, h))
        {
            edits.push(add_value(
                text,
                lines,
                config.format,
                rule,
                List::Headers,
                h,
            )?);
            said.push(format!("add AllowedHeader {h}"));
        }
    }
    if edits.is_empty() {
        return None;
    }
    let cost = edits.len();
    if !applicable(text, &mut edits) {
        return None;
    }
    let id = rule
        .id
        .as_ref()
        .map(|id| format!(" (ID {:?})", id.value))
        .unwrap_or_default();
    Some(Plan {
        cost,
        explanation: format!("In rule {}{id}, {}.", i + 1, said.join("; ")),
        text: PlanText::Edits(edits),
    })
}

/// Which list of a rule an edit adds to.
#[derive(Clone, Copy)]
enum List {
    Origins,
    Methods,
    Headers,
}

impl List {
    fn xml(self) -> &'static str {
        match self {
            List::Origins => "AllowedOrigin",
            List::Methods => "AllowedMethod",
            List::Headers => "AllowedHeader",
        }
    }

    fn json(self, format: ConfigFormat) -> &'static str {
        let _ = format; // The CloudFormation names of these three lists equal the s3api ones.
        match self {
            List::Origins => "AllowedOrigins",
            List::Methods => "AllowedMethods",
            List::Headers => "AllowedHeaders",
        }
    }

    fn values(self, rule: &CorsRule) -> &[Spanned<String>] {
        match self {
            List::Origins => &rule.allowed_origins,
            List::Methods => &rule.allowed_methods,
            List::Headers => &rule.allowed_headers,
        }
    }
}

/// An insertion or replacement at a byte range of the original text.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// Puts `edits` in the order they are applied (last first) and says whether they apply to
/// `text`: overlapping edits give up on the candidate.
fn applicable(text: &str, edits: &mut [Edit]) -> bool {
    edits.sort_by_key(|e| std::cmp::Reverse(e.start));
    let mut limit = text.len();
    for e in edits.iter() {
        if e.end > limit || e.start > e.end {
            return false;
        }
        limit = e.start;
    }
    true
}

/// `text` with `edits` applied, which [`applicable`] has ordered and checked.
fn build(text: &str, edits: Vec<Edit>) -> String {
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.start..e.end, &e.text);
    }
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// The byte range of the value `v` as written: for XML the element's text, for JSON the
/// string literal with its quotes.
fn value_range(
    text: &str,
    lines: &LineIndex<'_>,
    format: ConfigFormat,
    v: &Spanned<String>,
) -> Option<(usize, usize)> {
    let at = lines.offset(v.span?)?;
    if format == ConfigFormat::Xml {
        // The span is at the element or at its text: the text ends at the next `</`.
        let rest = &text[at..];
        let open_end = if rest.starts_with('<') {
            rest.find('>')? + 1
        } else {
            0
        };
        let start = at + open_end;
        let end = start + text[start..].find("</")?;
        Some((start, end))
    } else {
        let start = at + text[at..].find('"')?;
        let mut escaped = false;
        for (i, c) in text[start + 1..].char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return Some((start, start + 1 + i + 1)),
                _ => escaped = false,
            }
        }
        None
    }
}

fn replace_value(
    text: &str,
    lines: &LineIndex<'_>,
    format: ConfigFormat,
    v: &Spanned<String>,
    new: &str,
) -> Option<Edit> {
    let (start, end) = value_range(text, lines, format, v)?;
    let text = if format == ConfigFormat::Xml {
        xml_escape(new)
    } else {
        json_string(new)
    };
    Some(Edit { start, end, text })
}

/// The byte range of rule `rule` in the text: from its start to the next rule's start.
fn rule_range(
    text: &str,
    lines: &LineIndex<'_>,
    config: &S3Config,
    rule: &CorsRule,
) -> Option<(usize, usize)> {
    let start = lines.offset(rule.span?)?;
    let end = config
        .rules
        .iter()
        .filter_map(|r| r.span.and_then(|s| lines.offset(s)))
        .filter(|&o| o > start)
        .min()
        .unwrap_or(text.len());
    Some((start, end))
}

fn add_value(
    text: &str,
    lines: &LineIndex<'_>,
    format: ConfigFormat,
    rule: &CorsRule,
    list: List,
    value: &str,
) -> Option<Edit> {
    if let Some(last) = list.values(rule).last() {
        let (_, end) = value_range(text, lines, format, last)?;
        return Some(if format == ConfigFormat::Xml {
            // After the closing tag, on a new line with the same indentation.
            let close = end + text[end..].find('>')? + 1;
            let indent = lines.indent(lines.offset(last.span?)?);
            Edit {
                start: close,
                end: close,
                text: format!("\n{indent}<{0}>{1}</{0}>", list.xml(), xml_escape(value)),
            }
        } else {
            // In the same layout as the array: one per line, or inline.
            let after = &text[end..];
            let next = after.trim_start_matches([' ', '\t']);
            let multiline = next.starts_with('\n') || next.starts_with("\r\n") || {
                let to_comma = after.trim_start();
                to_comma.starts_with(',')
                    && to_comma[1..]
                        .trim_start_matches([' ', '\t'])
                        .starts_with(['\n', '\r'])
            };
            let sep = if multiline {
                format!(",\n{}", lines.indent(lines.offset(last.span?)?))
            } else {
                ", ".to_string()
            };
            Edit {
                start: end,
                end,
                text: format!("{sep}{}", json_string(value)),
            }
        });
    }
    // The list is empty or absent in this rule.
    let config_rule_start = lines.offset(rule.span?)?;
    let first_child = rule
        .allowed_origins
        .first()
        .or(rule.allowed_methods.first())
        .and_then(|v| v.span)
        .and_then(|s| lines.offset(s))?;
    let indent = lines.indent(first_child).to_string();
    if format == ConfigFormat::Xml {
        // Before the rule's closing tag.
        let close = config_rule_start + text[config_rule_start..].find("</CORSRule>")?;
        let line_start = text[..close].rfind('\n').map_or(close, |i| i + 1);
        let at = if text[line_start..close].trim().is_empty() {
            line_start
        } else {
            close
        };
        let prefix = if at == line_start { "" } else { "\n" };
        return Some(Edit {
            start: at,
            end: at,
            text: format!(
                "{prefix}{indent}<{0}>{1}</{0}>\n",
                list.xml(),
                xml_escape(value)
            ),
        });
    }
    let key = format!("\"{}\"", list.json(format));
    let rule_text_end = config_rule_start + text[config_rule_start..].find('}').unwrap_or(0);
    if let Some(k) = text[config_rule_start..rule_text_end].find(&key) {
        // Present but empty: `"AllowedHeaders": []`.
        let open = config_rule_start + k + text[config_rule_start + k..].find('[')? + 1;
        return Some(Edit {
            start: open,
            end: open,
            text: json_string(value),
        });
    }
    // Absent: a new key as the rule's first member.
    let open = config_rule_start + text[config_rule_start..].find('{')? + 1;
    let line_break = if text[open..first_child].contains('\n') {
        format!("\n{indent}")
    } else {
        " ".to_string()
    };
    Some(Edit {
        start: open,
        end: open,
        text: format!("{line_break}{key}: [{}],", json_string(value)),
    })
}

/// A whole new rule for `need`, inserted before rule `at` (or after the last one).
fn insert_rule(
    text: &str,
    lines: &LineIndex<'_>,
    config: &S3Config,
    at: usize,
    need: &Need,
) -> Option<String> {
    let anchor = config
        .rules
        .get(at.min(config.rules.len().checked_sub(1)?))?;
    let (rule_start, rule_end) = rule_range(text, lines, config, anchor)?;
    let indent = lines.indent(rule_start).to_string();
    let child = child_indent(lines, anchor).unwrap_or_else(|| format!("{indent}  "));
    let xml = config.format == ConfigFormat::Xml;
    let block = if xml {
        let mut b = format!("<CORSRule>\n{child}<AllowedOrigin>{}</AllowedOrigin>\n{child}<AllowedMethod>{}</AllowedMethod>\n", xml_escape(&need.origin), need.method);
        for h in &need.headers {
            b.push_str(&format!(
                "{child}<AllowedHeader>{}</AllowedHeader>\n",
                xml_escape(h)
            ));
        }
        b.push_str(&format!("{indent}</CORSRule>"));
        b
    } else {
        let headers: Vec<String> = need.headers.iter().map(|h| json_string(h)).collect();
        format!(
            "{{\n{child}\"AllowedHeaders\": [{}],\n{child}\"AllowedMethods\": [{}],\n{child}\"AllowedOrigins\": [{}]\n{indent}}}",
            headers.join(", "),
            json_string(&need.method),
            json_string(&need.origin)
        )
    };
    let mut out = text.to_string();
    if at < config.rules.len() {
        let sep = if xml {
            format!("\n{indent}")
        } else {
            format!(",\n{indent}")
        };
        out.insert_str(rule_start, &format!("{block}{sep}"));
    } else {
        // After the last rule: find where it ends.
        let end = if xml {
            rule_start + text[rule_start..rule_end].find("</CORSRule>")? + "</CORSRule>".len()
        } else {
            json_value_end(text, rule_start)?
        };
        let sep = if xml {
            format!("\n{indent}")
        } else {
            format!(",\n{indent}")
        };
        out.insert_str(end, &format!("{sep}{block}"));
    }
    Some(out)
}

fn child_indent(lines: &LineIndex<'_>, rule: &CorsRule) -> Option<String> {
    let child = rule.allowed_origins.first()?.span?;
    let rule_line = rule.span?.line;
    if child.line == rule_line {
        return None;
    }
    Some(lines.indent(lines.offset(child)?).to_string())
}

/// The end of the JSON object or array that starts at or after `start`.
fn json_value_end(text: &str, start: usize) -> Option<usize> {
    let open = start + text[start..].find(['{', '['])?;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[open..].char_indices() {
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// A configuration from nothing, in S3's XML.
fn new_config_text(need: &Need) -> String {
    let mut t = String::from("<CORSConfiguration>\n  <CORSRule>\n");
    t.push_str(&format!(
        "    <AllowedOrigin>{}</AllowedOrigin>\n",
        xml_escape(&need.origin)
    ));
    t.push_str(&format!(
        "    <AllowedMethod>{}</AllowedMethod>\n",
        need.method
    ));
    for h in &need.headers {
        t.push_str(&format!(
            "    <AllowedHeader>{}</AllowedHeader>\n",
            xml_escape(h)
        ));
    }
    t.push_str("  </CORSRule>\n</CORSConfiguration>\n");
    t
}
