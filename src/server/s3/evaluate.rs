//! Choosing the rule and building the CORS headers (spec §3.4, §4.1, §6 `find_rule` /
//! `cors_headers`).
//!
//! Rules are walked in document order and the **first** rule whose origin AND method AND every
//! requested header match wins (API_PutBucketCors; AWS-T Scality `sc-acah-star-rule-echo`).
//! Ceph RGW's "pick by origin, then fail" is a known deviation we do not copy (spec §3.4).
//! Only the matched rule's values are used: nothing is merged across rules.

use super::matching::{header_matches, origin_matches, origin_miss_hint, wildcard_matched_empty};
use super::wire::VARY;
use super::{CorsRule, S3Config, Spanned};
use crate::http::{HeaderSource, RuleMiss};
use crate::trace::push_joined;
use std::borrow::Cow;
use std::fmt::Write as _;

/// What a request asks of the CORS configuration.
#[derive(Clone, Debug)]
pub struct Query<'a> {
    /// The `Origin` header, verbatim.
    pub origin: &'a str,
    /// The method to match: `Access-Control-Request-Method` when present, else the request's.
    pub method: &'a str,
    /// Whether `method` came from `Access-Control-Request-Method`.
    pub method_from_acrm: bool,
    /// The requested header names, parsed and lowercased; empty when none.
    pub requested: &'a [String],
}

/// The outcome of the rule walk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Index of the first matching rule.
    pub matched: Option<usize>,
    /// Every rule before the match (all rules when none matched), with the first failed test.
    pub misses: Vec<RuleMiss>,
    /// UNVERIFIED behaviour the walk relied on.
    pub notes: Vec<String>,
}

/// UNVERIFIED (spec §3.5): origin case sensitivity.
pub const NOTE_ORIGIN_CASE: &str = "UNVERIFIED: S3 is modelled as comparing origins case-sensitively (every S3 implementation studied does; no AWS recording), so an AllowedOrigin that differs from the Origin only in letter case does not match.";
/// UNVERIFIED (spec §3.5, §7 #7): `*` standing for nothing.
pub const NOTE_EMPTY_WILDCARD: &str = "UNVERIFIED: a `*` in an AllowedOrigin or AllowedHeader is modelled as matching the empty string too (AWS-targeted tests say so; LocalStack requires at least one character).";
/// UNVERIFIED (spec §4.1, §7 #11): a rule that lists `*` next to explicit origins.
pub const NOTE_MIXED_STAR: &str = "UNVERIFIED: the matched rule lists `*` next to explicit origins; S3 is modelled as answering Access-Control-Allow-Origin: * (as LocalStack, Scality and s3rver do), which also means no Access-Control-Allow-Credentials.";
/// UNVERIFIED (spec §6, §9 item 6): `Access-Control-Request-Headers` present but empty.
pub const NOTE_EMPTY_ACRH: &str = "UNVERIFIED: Access-Control-Request-Headers is present but names no header; S3 is modelled as requesting no header and sending no Access-Control-Allow-Headers.";
/// UNVERIFIED (spec §9 item 10): `MaxAgeSeconds` of 0.
pub const NOTE_MAX_AGE_ZERO: &str =
    "UNVERIFIED: MaxAgeSeconds is 0; S3 is modelled as sending Access-Control-Max-Age: 0.";

/// Walks the rules in order and returns the first that matches, with the reason every earlier
/// rule failed.
pub fn select_rule(config: &S3Config, q: &Query<'_>) -> Selection {
    let mut selection = Selection::default();
    for (index, rule) in config.rules.iter().enumerate() {
        match first_failure(rule, index, q, &mut selection.notes) {
            None => {
                selection.matched = Some(index);
                return selection;
            }
            Some(miss) => selection.misses.push(miss),
        }
    }
    selection
}

fn push_note(notes: &mut Vec<String>, note: &str) {
    if !notes.iter().any(|n| n == note) {
        notes.push(note.to_string());
    }
}

/// The values joined with `", "`, in one allocation.
fn joined(values: &[Spanned<String>]) -> String {
    let mut out = String::with_capacity(values.iter().map(|v| v.value.len() + 2).sum());
    push_joined(&mut out, values.iter().map(|v| v.value.as_str()));
    out
}

/// How many values a rule-miss sentence quotes before it counts the rest.
const QUOTED_AT_MOST: usize = 8;

/// `"a", "b", "c"`, or for a long list its first [`QUOTED_AT_MOST`] values and how many more
/// there are. A rule of a 64 KB configuration may list hundreds of origins: the sentence names
/// the rule's line, and the values themselves are there in the editor.
fn quoted_list(values: &[Spanned<String>]) -> String {
    let shown = &values[..values.len().min(QUOTED_AT_MOST)];
    let mut out =
        String::with_capacity(shown.iter().map(|v| v.value.len() + 4).sum::<usize>() + 16);
    for (i, v) in shown.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(&v.value);
        out.push('"');
    }
    if let Some(rest) = values.len().checked_sub(shown.len()).filter(|&n| n > 0) {
        let _ = write!(out, " and {rest} more");
    }
    out
}

/// The first of origin, method, headers that fails for `rule`, or `None` when it matches.
fn first_failure(
    rule: &CorsRule,
    index: usize,
    q: &Query<'_>,
    notes: &mut Vec<String>,
) -> Option<RuleMiss> {
    let miss = |failed: &'static str, reason: String, span| RuleMiss {
        index,
        id: rule.id_text().map(str::to_string),
        failed: failed.into(),
        reason,
        span,
    };
    if !rule
        .allowed_origins
        .iter()
        .any(|o| origin_matches(&o.value, q.origin))
    {
        let hinted = rule
            .allowed_origins
            .iter()
            .find_map(|o| origin_miss_hint(&o.value, q.origin).map(|h| (o, h)));
        if let Some((o, _)) = &hinted {
            if o.value.eq_ignore_ascii_case(q.origin)
                || origin_matches(
                    &o.value.to_ascii_lowercase(),
                    &q.origin.to_ascii_lowercase(),
                )
            {
                push_note(notes, NOTE_ORIGIN_CASE);
            }
        }
        let reason = match (rule.allowed_origins.as_slice(), &hinted) {
            ([only], Some((_, hint))) => format!(
                "AllowedOrigin \"{}\" does not match Origin \"{}\": {hint}",
                only.value, q.origin
            ),
            ([only], None) => format!(
                "AllowedOrigin \"{}\" does not match Origin \"{}\"",
                only.value, q.origin
            ),
            (all, Some((o, hint))) => format!(
                "None of the AllowedOrigin values ({}) matches Origin \"{}\"; \"{}\": {hint}",
                quoted_list(all),
                q.origin,
                o.value
            ),
            (all, None) => format!(
                "None of the AllowedOrigin values ({}) matches Origin \"{}\"",
                quoted_list(all),
                q.origin
            ),
        };
        let span = hinted
            .map(|(o, _)| o.span)
            .or_else(|| rule.allowed_origins.first().map(|o| o.span))
            .flatten()
            .or(rule.span);
        return Some(miss("origin", reason, span));
    }
    if !rule.allowed_methods.iter().any(|m| m.value == q.method) {
        let methods = joined(&rule.allowed_methods);
        let what = if q.method_from_acrm {
            "Access-Control-Request-Method"
        } else {
            "the request method"
        };
        let mut reason = format!(
            "AllowedMethod {methods} does not include {what} {}",
            q.method
        );
        if q.method == "HEAD" && rule.allowed_methods.iter().any(|m| m.value == "GET") {
            reason.push_str(": HEAD is not implied by GET, it must be listed itself");
        } else if q.method == "GET" && rule.allowed_methods.iter().any(|m| m.value == "HEAD") {
            reason.push_str(": GET is not implied by HEAD, it must be listed itself");
        } else if q.method != q.method.to_ascii_uppercase()
            && rule
                .allowed_methods
                .iter()
                .any(|m| m.value.eq_ignore_ascii_case(q.method))
        {
            reason.push_str(": methods are compared case-sensitively");
        }
        let span = rule
            .allowed_methods
            .first()
            .and_then(|m| m.span)
            .or(rule.span);
        return Some(miss("method", reason, span));
    }
    let refused = q.requested.iter().find(|h| {
        !rule
            .allowed_headers
            .iter()
            .any(|p| header_matches(&p.value, h))
    });
    if let Some(h) = refused {
        let (reason, span) = if rule.allowed_headers.is_empty() {
            (
                format!("The rule has no AllowedHeader, so it allows no requested header, and Access-Control-Request-Headers asks for \"{h}\""),
                rule.span,
            )
        } else {
            (
                format!(
                    "Requested header \"{h}\" matches no AllowedHeader of the rule ({})",
                    quoted_list(&rule.allowed_headers)
                ),
                rule.allowed_headers
                    .first()
                    .and_then(|a| a.span)
                    .or(rule.span),
            )
        };
        return Some(miss("header", reason, span));
    }
    None
}

/// The CORS headers of a successful evaluation and where each came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grant {
    /// Header lines in S3's wire order (spec §4.1): ACAO, ACAM, ACAH, ACEH, ACMA, ACAC, Vary.
    /// Values are borrowed where they are fixed (`true`, S3's Vary).
    pub headers: Vec<(&'static str, Cow<'static, str>)>,
    /// Provenance of each header.
    pub sources: Vec<HeaderSource>,
    /// UNVERIFIED behaviour the headers rely on.
    pub notes: Vec<String>,
}

/// The headers S3 adds when `rule` matched (spec §4.1). `requested` is `None` when the
/// request carried no `Access-Control-Request-Headers`.
pub fn grant(rule: &CorsRule, origin: &str, requested: Option<&[String]>) -> Grant {
    // At most the seven headers of the wire order, each with its source.
    let mut g = Grant {
        headers: Vec::with_capacity(7),
        sources: Vec::with_capacity(7),
        notes: Vec::new(),
    };
    let add = |g: &mut Grant,
               name: &'static str,
               value: Cow<'static, str>,
               from: Cow<'static, str>,
               span| {
        g.headers.push((name, value));
        g.sources.push(HeaderSource {
            header: name.into(),
            from,
            span,
        });
    };
    let star = rule.allowed_origins.iter().find(|o| o.value == "*");
    let matched_origin = rule
        .allowed_origins
        .iter()
        .find(|o| o.value != "*" && origin_matches(&o.value, origin));
    if let Some(m) = matched_origin {
        if wildcard_matched_empty(&m.value, origin) {
            push_note(&mut g.notes, NOTE_EMPTY_WILDCARD);
        }
    }
    // ACAO is `*` when the rule contains the `*` origin, else the Origin exactly as sent, even
    // when a wildcard pattern matched it [REC `opt-random-wildcard-origin`,
    // `options_match_partial_origin`; API RESTCommonResponseHeaders].
    let origin_source = match star {
        Some(s) => {
            if matched_origin.is_some() {
                push_note(&mut g.notes, NOTE_MIXED_STAR);
            }
            add(
                &mut g,
                "Access-Control-Allow-Origin",
                "*".into(),
                "AllowedOrigin \"*\": S3 answers * instead of echoing the origin".into(),
                s.span,
            );
            None
        }
        None => {
            let (from, span) = match matched_origin {
                Some(m) if m.value == origin => (
                    [
                        "AllowedOrigin \"",
                        &m.value,
                        "\" equals the Origin, which S3 echoes",
                    ]
                    .concat(),
                    m.span,
                ),
                Some(m) => (
                    [
                        "AllowedOrigin \"",
                        &m.value,
                        "\" matches the Origin, which S3 echoes as sent",
                    ]
                    .concat(),
                    m.span,
                ),
                None => ("the request's Origin".to_string(), rule.span),
            };
            add(
                &mut g,
                "Access-Control-Allow-Origin",
                origin.to_string().into(),
                from.into(),
                span,
            );
            Some(span)
        }
    };
    // Every AllowedMethod of the rule, config order, ", " [REC; CAP s3proxy#343].
    let methods = joined(&rule.allowed_methods);
    add(
        &mut g,
        "Access-Control-Allow-Methods",
        methods.into(),
        "every AllowedMethod of the rule, in the order written".into(),
        rule.allowed_methods.first().and_then(|m| m.span),
    );
    // Only when the request asked: the requested names lowercased, never the rule's patterns
    // [REC ×4; AWS-T SC ×3].
    match requested {
        Some([]) => push_note(&mut g.notes, NOTE_EMPTY_ACRH),
        Some(names) => {
            for name in names {
                if rule.allowed_headers.iter().any(|p| {
                    p.value != "*" && wildcard_matched_empty(&p.value.to_ascii_lowercase(), name)
                }) {
                    push_note(&mut g.notes, NOTE_EMPTY_WILDCARD);
                }
            }
            add(
                &mut g,
                "Access-Control-Allow-Headers",
                names.join(", ").into(),
                "the names in Access-Control-Request-Headers, lowercased: S3 echoes what was asked, not the AllowedHeader patterns".into(),
                rule.allowed_headers.first().and_then(|h| h.span),
            );
        }
        None => {}
    }
    if !rule.expose_headers.is_empty() {
        let exposed = joined(&rule.expose_headers);
        add(
            &mut g,
            "Access-Control-Expose-Headers",
            exposed.into(),
            "every ExposeHeader of the rule, as written".into(),
            rule.expose_headers.first().and_then(|h| h.span),
        );
    }
    if let Some(age) = &rule.max_age_seconds {
        if age.value == 0 {
            push_note(&mut g.notes, NOTE_MAX_AGE_ZERO);
        }
        add(
            &mut g,
            "Access-Control-Max-Age",
            age.value.to_string().into(),
            "MaxAgeSeconds".into(),
            age.span,
        );
    }
    // Whenever ACAO is not `*`, whether or not the request carried credentials [REC].
    if let Some(span) = origin_source {
        add(
            &mut g,
            "Access-Control-Allow-Credentials",
            "true".into(),
            "S3 sends it whenever Access-Control-Allow-Origin echoes the origin; it cannot be turned off".into(),
            span,
        );
    }
    add(
        &mut g,
        "Vary",
        VARY.into(),
        "S3 sends this exact Vary on every successful CORS evaluation (and only then)".into(),
        rule.span,
    );
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Span;
    use crate::server::s3::ConfigFormat;

    fn sv(v: &str, line: u32) -> Spanned<String> {
        Spanned::new(v.to_string(), Some(Span { line, column: 1 }))
    }

    fn rule(origins: &[&str], methods: &[&str], headers: &[&str]) -> CorsRule {
        let mut r = CorsRule::empty(Some(Span { line: 1, column: 1 }));
        r.allowed_origins = origins.iter().map(|o| sv(o, 2)).collect();
        r.allowed_methods = methods.iter().map(|m| sv(m, 3)).collect();
        r.allowed_headers = headers.iter().map(|h| sv(h, 4)).collect();
        r
    }

    fn config(rules: Vec<CorsRule>) -> S3Config {
        S3Config {
            format: ConfigFormat::Xml,
            rules,
        }
    }

    fn q<'a>(origin: &'a str, method: &'a str, requested: &'a [String]) -> Query<'a> {
        Query {
            origin,
            method,
            method_from_acrm: true,
            requested,
        }
    }

    #[test]
    fn first_rule_matching_all_three_wins() {
        let c = config(vec![
            rule(&["https://a.example"], &["GET"], &[]),
            rule(&["*"], &["GET"], &["content-type"]),
            rule(&["*"], &["GET"], &["*"]),
        ]);
        let requested = vec!["x-custom".to_string()];
        let s = select_rule(&c, &q("https://a.example", "GET", &requested));
        assert_eq!(s.matched, Some(2));
        let failed: Vec<&str> = s.misses.iter().map(|m| m.failed.as_ref()).collect();
        assert_eq!(failed, vec!["header", "header"]);
        assert!(
            s.misses[0].reason.contains("no AllowedHeader"),
            "{}",
            s.misses[0].reason
        );
        assert!(
            s.misses[1].reason.contains("\"x-custom\""),
            "{}",
            s.misses[1].reason
        );
    }

    #[test]
    fn a_long_list_of_values_is_quoted_up_to_a_bound_and_counted() {
        let origins: Vec<String> = (0..300).map(|i| format!("https://s{i}.example")).collect();
        let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
        let c = config(vec![
            rule(&origins, &["GET"], &[]),
            rule(&origins[..QUOTED_AT_MOST], &["GET"], &[]),
        ]);
        let s = select_rule(&c, &q("https://app.example.com", "GET", &[]));
        assert_eq!(s.matched, None);
        let shown: Vec<String> = origins[..QUOTED_AT_MOST]
            .iter()
            .map(|o| format!("\"{o}\""))
            .collect();
        let shown = shown.join(", ");
        assert_eq!(
            s.misses[0].reason,
            format!("None of the AllowedOrigin values ({shown} and 292 more) matches Origin \"https://app.example.com\"")
        );
        assert_eq!(
            s.misses[1].reason,
            format!("None of the AllowedOrigin values ({shown}) matches Origin \"https://app.example.com\"")
        );
    }

    #[test]
    fn misses_name_the_value_and_point_at_it() {
        let c = config(vec![
            rule(&["https://app.example.com/"], &["GET"], &[]),
            rule(&["https://app.example.com"], &["GET", "PUT"], &[]),
        ]);
        let s = select_rule(&c, &q("https://app.example.com", "HEAD", &[]));
        assert_eq!(s.matched, None);
        assert_eq!(
            s.misses[0].reason,
            "AllowedOrigin \"https://app.example.com/\" does not match Origin \"https://app.example.com\": a trailing slash never matches"
        );
        assert_eq!(s.misses[0].span, Some(Span { line: 2, column: 1 }));
        assert_eq!(s.misses[1].failed, "method");
        assert_eq!(
            s.misses[1].reason,
            "AllowedMethod GET, PUT does not include Access-Control-Request-Method HEAD: HEAD is not implied by GET, it must be listed itself"
        );
        assert_eq!(s.misses[1].span, Some(Span { line: 3, column: 1 }));
    }

    #[test]
    fn head_is_not_implied_by_get() {
        let c = config(vec![rule(&["*"], &["GET"], &[])]);
        let s = select_rule(&c, &q("https://a", "HEAD", &[]));
        assert!(s.misses[0].reason.contains("HEAD is not implied by GET"));
    }

    #[test]
    fn case_near_miss_carries_a_note() {
        let c = config(vec![rule(&["https://App.example.com"], &["GET"], &[])]);
        let s = select_rule(&c, &q("https://app.example.com", "GET", &[]));
        assert_eq!(s.notes, vec![NOTE_ORIGIN_CASE.to_string()]);
    }

    #[test]
    fn grant_builds_the_exact_header_set_in_wire_order() {
        let mut r = rule(&["https://*.example.com"], &["GET", "PUT"], &["*"]);
        r.expose_headers = vec![sv("ETag", 5), sv("x-amz-version-id", 5)];
        r.max_age_seconds = Some(Spanned::new(3000, None));
        let requested = vec!["content-type".to_string(), "x-amz-date".to_string()];
        let g = grant(&r, "https://a.example.com", Some(&requested));
        let lines: Vec<(&str, &str)> = g.headers.iter().map(|(n, v)| (*n, v.as_ref())).collect();
        assert_eq!(
            lines,
            vec![
                ("Access-Control-Allow-Origin", "https://a.example.com"),
                ("Access-Control-Allow-Methods", "GET, PUT"),
                ("Access-Control-Allow-Headers", "content-type, x-amz-date"),
                ("Access-Control-Expose-Headers", "ETag, x-amz-version-id"),
                ("Access-Control-Max-Age", "3000"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", VARY),
            ]
        );
        assert_eq!(g.sources.len(), 7);
        assert!(g.notes.is_empty());
    }

    #[test]
    fn star_rules_answer_star_without_credentials() {
        let r = rule(&["https://a.example", "*"], &["GET"], &[]);
        let g = grant(&r, "https://a.example", None);
        assert_eq!(
            g.headers[0],
            ("Access-Control-Allow-Origin", Cow::Borrowed("*"))
        );
        assert!(!g
            .headers
            .iter()
            .any(|(n, _)| *n == "Access-Control-Allow-Credentials"));
        assert!(!g
            .headers
            .iter()
            .any(|(n, _)| *n == "Access-Control-Allow-Headers"));
        assert_eq!(g.notes, vec![NOTE_MIXED_STAR.to_string()]);
    }

    #[test]
    fn empty_acrh_sends_no_allow_headers_and_says_so() {
        let r = rule(&["*"], &["GET"], &[]);
        let g = grant(&r, "https://a", Some(&[]));
        assert!(!g
            .headers
            .iter()
            .any(|(n, _)| *n == "Access-Control-Allow-Headers"));
        assert_eq!(g.notes, vec![NOTE_EMPTY_ACRH.to_string()]);
    }
}
