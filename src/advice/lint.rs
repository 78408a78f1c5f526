//! Warnings about an S3 CORS configuration that S3 accepts but that is dangerous or can never
//! work. Findings are data beside the parsed configuration, never errors: S3 would store this
//! configuration as it is.

use crate::error::Span;
use crate::server::s3::{CorsRule, S3Config, Spanned};
use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably a mistake or a risk.
    Warning,
    /// Can never work, or opens the bucket to other sites.
    Error,
}

/// One finding, in the shape `cors-sim lint --format json` prints (design.md §4.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// A stable code, e.g. `origin-never-matches`.
    pub code: String,
    /// Severity.
    pub severity: Severity,
    /// 1-based line of the value it points at (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// What is wrong and why.
    pub message: String,
    /// What to change, when there is a clear change.
    pub fix: Option<String>,
}

fn finding(
    code: &str,
    severity: Severity,
    span: Option<Span>,
    message: String,
    fix: Option<String>,
) -> Finding {
    let span = span.unwrap_or(Span { line: 0, column: 0 });
    Finding {
        code: code.into(),
        severity,
        line: span.line,
        column: span.column,
        message,
        fix,
    }
}

/// Every finding for `config`, in document order.
pub fn lint(config: &S3Config) -> Vec<Finding> {
    let mut out = Vec::new();
    // Every pair of rules is compared (4,950 pairs for S3's 100), so each rule's value sets
    // are built once here rather than in every comparison.
    let sets: Vec<RuleSets> = config.rules.iter().map(RuleSets::of).collect();
    for (i, rule) in config.rules.iter().enumerate() {
        lint_rule(i, rule, &mut out);
        for (j, earlier) in sets[..i].iter().enumerate() {
            if same_rule(earlier, &sets[i]) {
                out.push(finding(
                    "duplicate-rule",
                    Severity::Warning,
                    rule.span,
                    format!("Rule {} repeats rule {} (same origins, methods and headers), so it is never used.", i + 1, j + 1),
                    Some(format!("Delete rule {}.", i + 1)),
                ));
                break;
            }
            if covers(earlier, &sets[i]) {
                out.push(finding(
                    "shadowed-rule",
                    Severity::Warning,
                    rule.span,
                    format!(
                        "Rule {} can never be used: S3 takes the first rule that matches, and rule {} matches every request rule {} matches (its origins, methods and headers include all of rule {}'s).",
                        i + 1, j + 1, i + 1, i + 1
                    ),
                    Some(format!("Move rule {} before rule {}, or delete it.", i + 1, j + 1)),
                ));
                break;
            }
        }
    }
    out.sort_by_key(|f| (f.line, f.column));
    out
}

fn values(list: &[Spanned<String>]) -> impl Iterator<Item = &str> {
    list.iter().map(|v| v.value.as_str())
}

fn has_method(rule: &CorsRule, m: &str) -> bool {
    values(&rule.allowed_methods).any(|v| v == m)
}

fn lint_rule(i: usize, rule: &CorsRule, out: &mut Vec<Finding>) {
    let n = i + 1;
    let writes: Vec<&str> = values(&rule.allowed_methods)
        .filter(|m| matches!(*m, "PUT" | "POST" | "DELETE"))
        .collect();
    for origin in &rule.allowed_origins {
        let o = origin.value.as_str();
        if o == "*" {
            if !writes.is_empty() {
                out.push(finding(
                    "wildcard-origin-with-write",
                    Severity::Warning,
                    origin.span,
                    format!("Rule {n} lets every website send {} requests to this bucket from its visitors' browsers. Requests still need valid signatures, but any page can drive uploads or deletes with credentials it obtains.", writes.join(", ")),
                    Some("List the origins of your own sites instead of *.".into()),
                ));
            }
            out.push(finding(
                "wildcard-origin-no-credentials",
                Severity::Info,
                origin.span,
                format!("Rule {n} answers Access-Control-Allow-Origin: *, which browsers refuse for requests with credentials (fetch credentials: 'include', XHR withCredentials)."),
                Some("Put a rule with your exact origin before this one if your pages send cookies.".into()),
            ));
            continue;
        }
        if o == "null" {
            out.push(finding(
                "null-origin-allowed",
                Severity::Warning,
                origin.span,
                format!("Rule {n} allows the origin null, which any sandboxed iframe, data: URL or file: page can claim."),
                Some("Remove the null origin.".into()),
            ));
            continue;
        }
        origin_shape(n, origin, out);
    }
    if values(&rule.allowed_headers).any(|h| h == "*") {
        let any_origin = values(&rule.allowed_origins).any(|o| o == "*");
        out.push(finding(
            "allowed-header-wildcard",
            if any_origin { Severity::Warning } else { Severity::Info },
            rule.allowed_headers.iter().find(|h| h.value == "*").and_then(|h| h.span),
            format!("Rule {n} allows every request header, including Authorization, x-amz-security-token and x-amz-server-side-encryption-customer-key{}.", if any_origin { ", from every website" } else { "" }),
            Some("List the headers your client really sends (for the AWS SDK: authorization, content-type, x-amz-*).".into()),
        ));
    }
    if (has_method(rule, "PUT") || has_method(rule, "POST"))
        && !values(&rule.expose_headers).any(|h| h.eq_ignore_ascii_case("etag"))
    {
        out.push(finding(
            "missing-expose-etag",
            Severity::Warning,
            rule.span,
            format!("Rule {n} allows uploads but does not expose ETag: browsers hide it, and multipart uploads (the AWS SDK's Upload, Uppy, FineUploader) need each part's ETag to complete."),
            Some("Add <ExposeHeader>ETag</ExposeHeader> (\"ExposeHeaders\": [\"ETag\"]).".into()),
        ));
    }
    if has_method(rule, "GET") && !has_method(rule, "HEAD") {
        out.push(finding(
            "head-not-allowed",
            Severity::Info,
            rule.span,
            format!("Rule {n} allows GET but not HEAD: S3 does not treat HEAD as GET, so HEAD responses (headObject, existence checks) get no CORS headers from this rule."),
            Some("Add HEAD to AllowedMethod if your pages send HEAD requests.".into()),
        ));
    }
    // The caps: Chrome 7200 s (kMaxTimeout), Firefox 86400 s, Safari 600 s
    // (maxPreflightCacheTimeout); spec/browser-cors.md, "Preflight cache".
    if let Some(age) = &rule.max_age_seconds {
        let said = match age.value {
            v if v > 7200 => Some((
                "Chrome caps it at 7200 s and Safari at 600 s; only Firefox honours up to 86400 s",
                "Use 7200 or less; a longer value changes nothing in Chrome or Safari.",
            )),
            v if v > 600 => Some((
                "Safari caps it at 600 s",
                "Nothing breaks: Safari sends the preflight again after 600 s. Use 600 or less if every browser should cache it alike.",
            )),
            _ => None,
        };
        if let Some((cap, fix)) = said {
            out.push(finding(
                "max-age-above-browser-cap",
                Severity::Info,
                age.span,
                format!(
                    "MaxAgeSeconds {} is more than some browsers honour: {cap}.",
                    age.value
                ),
                Some(fix.into()),
            ));
        }
    }
}

/// What a browser can send as Origin: `scheme://host[:port]`, lowercase, no default port, no
/// path (<https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin>).
fn origin_shape(n: usize, origin: &Spanned<String>, out: &mut Vec<Finding>) {
    let o = origin.value.as_str();
    let never = |why: String, fix: Option<String>, out: &mut Vec<Finding>| {
        out.push(finding(
            "origin-never-matches",
            Severity::Error,
            origin.span,
            format!("AllowedOrigin \"{o}\" in rule {n} can never match a browser's Origin header: {why}."),
            fix,
        ));
    };
    if o.chars().any(char::is_whitespace) {
        return never(
            "it contains whitespace".into(),
            Some(format!("Use \"{}\".", o.trim())),
            out,
        );
    }
    let Some((scheme, rest)) = o.split_once("://") else {
        if let Some(after) = o.strip_prefix('*') {
            if !after.is_empty() && !after.starts_with('.') {
                out.push(finding(
                    "wildcard-matches-lookalike",
                    Severity::Error,
                    origin.span,
                    format!("AllowedOrigin \"{o}\" in rule {n} matches any origin that ends with \"{after}\", so sites you do not own match too (for example https://evil{after})."),
                    Some(format!("Use \"https://*.{after}\" to allow only subdomains over https.")),
                ));
            }
        } else if !o.contains('*') {
            never(
                "a browser's Origin always starts with a scheme such as https://".into(),
                Some(format!("Use \"https://{o}\".")),
                out,
            );
        }
        return;
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if !path.is_empty() && !path.contains('*') {
        let why = if path == "/" {
            "it ends with a slash, and an origin never does".to_string()
        } else {
            format!("it has a path ({path}), and an origin never does")
        };
        never(why, Some(format!("Use \"{scheme}://{authority}\".")), out);
        return;
    }
    if o != o.to_ascii_lowercase() {
        never(
            "browsers send the scheme and host in lowercase, and S3 compares case-sensitively"
                .into(),
            Some(format!("Use \"{}\".", o.to_ascii_lowercase())),
            out,
        );
        return;
    }
    let default_port = match scheme {
        "https" => Some(":443"),
        "http" => Some(":80"),
        _ => None,
    };
    if let Some(port) = default_port {
        if let Some(host) = authority.strip_suffix(port) {
            never(
                format!("browsers omit the default port {}", &port[1..]),
                Some(format!("Use \"{scheme}://{host}\".")),
                out,
            );
            return;
        }
    }
    if scheme == "http" {
        let host = authority.split(':').next().unwrap_or("");
        if !matches!(host, "localhost" | "127.0.0.1" | "[::1]") && !host.ends_with(".localhost") {
            out.push(finding(
                "insecure-http-origin",
                Severity::Warning,
                origin.span,
                format!("AllowedOrigin \"{o}\" in rule {n} is plain http: anyone on the network path can inject script into that page and use your bucket as it."),
                Some(format!("Serve the site over https and allow \"https://{authority}\".")),
            ));
        }
    }
    if let Some(star) = authority.find('*') {
        let after = &authority[star + 1..];
        let host_wildcard = !authority[..star].ends_with(':');
        if host_wildcard && !(star == 0 && after.starts_with('.')) {
            let example = format!(
                "{scheme}://{}",
                authority.replacen('*', "evil", 1).replace("evil.", "evil-")
            );
            out.push(finding(
                "wildcard-matches-lookalike",
                Severity::Error,
                origin.span,
                format!("AllowedOrigin \"{o}\" in rule {n} puts * inside a host name, where it matches any characters, so sites you do not own match too (for example {example})."),
                Some(if after.is_empty() || after.starts_with('.') {
                    "List each host explicitly.".to_string()
                } else {
                    format!("Use \"{scheme}://*.{}\" to allow only subdomains.", after.trim_start_matches('.'))
                }),
            ));
        }
    }
}

fn set(list: &[Spanned<String>], fold: bool) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .map(|s| {
            if fold {
                s.value.to_ascii_lowercase()
            } else {
                s.value.clone()
            }
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// A rule's origins, methods and headers as sorted sets without repeats; header names, which
/// S3 compares case-insensitively, lowercased.
struct RuleSets {
    origins: Vec<Pattern>,
    methods: Vec<String>,
    headers: Vec<Pattern>,
}

impl RuleSets {
    fn of(rule: &CorsRule) -> RuleSets {
        let patterns = |list, fold| set(list, fold).into_iter().map(Pattern::new).collect();
        RuleSets {
            origins: patterns(&rule.allowed_origins, false),
            methods: set(&rule.allowed_methods, false),
            headers: patterns(&rule.allowed_headers, true),
        }
    }
}

/// A value in S3's one-wildcard syntax, with the place of its first `*` found once.
#[derive(PartialEq)]
struct Pattern {
    text: String,
    star: Option<usize>,
}

impl Pattern {
    fn new(text: String) -> Pattern {
        let star = text.find('*');
        Pattern { text, star }
    }

    /// The text before and after the first `*`.
    fn split(&self) -> Option<(&str, &str)> {
        self.star.map(|i| (&self.text[..i], &self.text[i + 1..]))
    }
}

fn same_rule(a: &RuleSets, b: &RuleSets) -> bool {
    a.origins == b.origins && a.methods == b.methods && a.headers == b.headers
}

/// Whether pattern `a` (S3's one-wildcard syntax) matches every string `b` matches.
#[cfg(test)]
fn pattern_covers(a: &str, b: &str) -> bool {
    covers_pattern(&Pattern::new(a.into()), &Pattern::new(b.into()))
}

/// Whether pattern `a` matches every string pattern `b` matches.
fn covers_pattern(a: &Pattern, b: &Pattern) -> bool {
    let Some((pre, suf)) = a.split() else {
        // A literal covers only itself.
        return a.text == b.text;
    };
    if a.text == "*" || a.text == b.text {
        return true;
    }
    match b.split() {
        // `b` is a literal: does `a` match it?
        None => {
            b.text.len() >= pre.len() + suf.len()
                && b.text.starts_with(pre)
                && b.text.ends_with(suf)
        }
        // `b` is a pattern: its fixed prefix and suffix must already satisfy `a`'s.
        Some((bpre, bsuf)) => bpre.starts_with(pre) && bsuf.ends_with(suf),
    }
}

/// Whether rule `a` matches every request rule `b` matches (origins, methods, headers).
fn covers(a: &RuleSets, b: &RuleSets) -> bool {
    let methods = || b.methods.iter().all(|bm| a.methods.contains(bm));
    let headers = || {
        b.headers
            .iter()
            .all(|bh| a.headers.iter().any(|ah| covers_pattern(ah, bh)))
    };
    let origins = || {
        b.origins
            .iter()
            .all(|bo| a.origins.iter().any(|ao| covers_pattern(ao, bo)))
    };
    // Origins first: they are what usually tells two rules apart.
    origins() && methods() && headers()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::s3::ConfigFormat;

    fn s(v: &str, line: u32) -> Spanned<String> {
        Spanned {
            value: v.into(),
            span: Some(Span { line, column: 5 }),
        }
    }

    fn rule(
        line: u32,
        origins: &[&str],
        methods: &[&str],
        headers: &[&str],
        expose: &[&str],
    ) -> CorsRule {
        CorsRule {
            span: Some(Span { line, column: 3 }),
            id: None,
            allowed_origins: origins.iter().map(|o| s(o, line + 1)).collect(),
            allowed_methods: methods.iter().map(|m| s(m, line + 2)).collect(),
            allowed_headers: headers.iter().map(|h| s(h, line + 3)).collect(),
            expose_headers: expose.iter().map(|h| s(h, line + 4)).collect(),
            max_age_seconds: None,
        }
    }

    fn codes(rules: Vec<CorsRule>) -> Vec<String> {
        lint(&S3Config {
            format: ConfigFormat::Xml,
            rules,
        })
        .into_iter()
        .map(|f| f.code)
        .collect()
    }

    /// One positive and one negative case per code.
    #[test]
    fn each_code_fires_on_its_case_and_not_on_the_fixed_one() {
        let table: Vec<(&str, Vec<CorsRule>, Vec<CorsRule>)> = vec![
            (
                "wildcard-origin-with-write",
                vec![rule(1, &["*"], &["PUT"], &[], &["ETag"])],
                vec![rule(
                    1,
                    &["https://app.example.com"],
                    &["PUT"],
                    &[],
                    &["ETag"],
                )],
            ),
            (
                "insecure-http-origin",
                vec![rule(
                    1,
                    &["http://app.example.com"],
                    &["GET", "HEAD"],
                    &[],
                    &[],
                )],
                vec![rule(
                    1,
                    &["http://localhost:3000"],
                    &["GET", "HEAD"],
                    &[],
                    &[],
                )],
            ),
            (
                "wildcard-matches-lookalike",
                vec![rule(
                    1,
                    &["https://*example.com"],
                    &["GET", "HEAD"],
                    &[],
                    &[],
                )],
                vec![rule(
                    1,
                    &["https://*.example.com"],
                    &["GET", "HEAD"],
                    &[],
                    &[],
                )],
            ),
            (
                "origin-never-matches",
                vec![rule(
                    1,
                    &["https://app.example.com/"],
                    &["GET", "HEAD"],
                    &[],
                    &[],
                )],
                vec![rule(
                    1,
                    &["https://app.example.com"],
                    &["GET", "HEAD"],
                    &[],
                    &[],
                )],
            ),
            (
                "shadowed-rule",
                vec![
                    rule(1, &["*"], &["GET", "HEAD"], &[], &[]),
                    rule(10, &["https://a.example"], &["GET"], &[], &[]),
                ],
                vec![
                    rule(1, &["https://a.example"], &["GET", "HEAD"], &[], &[]),
                    rule(10, &["*"], &["GET", "HEAD"], &[], &[]),
                ],
            ),
            (
                "duplicate-rule",
                vec![
                    rule(1, &["https://a.example"], &["GET", "HEAD"], &[], &[]),
                    rule(10, &["https://a.example"], &["HEAD", "GET"], &[], &[]),
                ],
                vec![
                    rule(1, &["https://a.example"], &["GET", "HEAD"], &[], &[]),
                    rule(10, &["https://b.example"], &["GET", "HEAD"], &[], &[]),
                ],
            ),
            (
                "allowed-header-wildcard",
                vec![rule(
                    1,
                    &["https://a.example"],
                    &["GET", "HEAD"],
                    &["*"],
                    &[],
                )],
                vec![rule(
                    1,
                    &["https://a.example"],
                    &["GET", "HEAD"],
                    &["content-type"],
                    &[],
                )],
            ),
            (
                "missing-expose-etag",
                vec![rule(1, &["https://a.example"], &["PUT"], &[], &[])],
                vec![rule(1, &["https://a.example"], &["PUT"], &[], &["ETag"])],
            ),
            (
                "head-not-allowed",
                vec![rule(1, &["https://a.example"], &["GET"], &[], &[])],
                vec![rule(1, &["https://a.example"], &["GET", "HEAD"], &[], &[])],
            ),
            (
                "null-origin-allowed",
                vec![rule(1, &["null"], &["GET", "HEAD"], &[], &[])],
                vec![rule(1, &["https://a.example"], &["GET", "HEAD"], &[], &[])],
            ),
            (
                "wildcard-origin-no-credentials",
                vec![rule(1, &["*"], &["GET", "HEAD"], &[], &[])],
                vec![rule(1, &["https://a.example"], &["GET", "HEAD"], &[], &[])],
            ),
        ];
        for (code, positive, negative) in table {
            assert!(
                codes(positive).iter().any(|c| c == code),
                "{code} should fire"
            );
            assert!(
                !codes(negative).iter().any(|c| c == code),
                "{code} should not fire"
            );
        }
    }

    #[test]
    fn max_age_above_caps() {
        let mut r = rule(1, &["https://a.example"], &["GET", "HEAD"], &[], &[]);
        r.max_age_seconds = Some(Spanned {
            value: 86400,
            span: None,
        });
        assert_eq!(codes(vec![r.clone()]), ["max-age-above-browser-cap"]);
        let fix = |r: &CorsRule| {
            let found = lint(&S3Config {
                format: ConfigFormat::Xml,
                rules: vec![r.clone()],
            });
            found[0].fix.clone().unwrap_or_default()
        };
        assert!(fix(&r).starts_with("Use 7200 or less"), "{}", fix(&r));
        // Under Chrome's cap only Safari's matters, and 7200 is not advice for 3000.
        r.max_age_seconds = Some(Spanned {
            value: 3000,
            span: None,
        });
        assert!(fix(&r).starts_with("Nothing breaks: Safari"), "{}", fix(&r));
        r.max_age_seconds = Some(Spanned {
            value: 600,
            span: None,
        });
        assert!(codes(vec![r]).is_empty());
    }

    #[test]
    fn origin_shapes_that_never_match() {
        for bad in [
            "https://App.example.com",
            "https://a.example:443",
            "a.example",
            "https://a.example/path",
            " https://a.example",
        ] {
            assert!(
                codes(vec![rule(1, &[bad], &["GET", "HEAD"], &[], &[])])
                    .contains(&"origin-never-matches".to_string()),
                "{bad}"
            );
        }
    }

    #[test]
    fn pattern_coverage() {
        assert!(pattern_covers("*", "https://a"));
        assert!(pattern_covers(
            "https://*.example.com",
            "https://a.example.com"
        ));
        assert!(pattern_covers(
            "https://*.example.com",
            "https://*.b.example.com"
        ));
        assert!(!pattern_covers(
            "https://*.example.com",
            "https://example.com"
        ));
        assert!(!pattern_covers(
            "https://a.example.com",
            "https://*.example.com"
        ));
    }
}
