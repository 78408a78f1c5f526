//! How S3 compares a request with a rule's patterns (spec §3.5-3.7, §6 `match_pattern`).
//!
//! * Origins: exact, case-sensitive string equality, or with one `*` a prefix + suffix match in
//!   which the `*` may stand for the empty string and for any characters, `.`, `:` and `/`
//!   included [COMPAT s3-tests `test_cors_origin_response`; AWS-T Scality corsPreflight.js].
//!   LocalStack's `.+` (at least one character) is a deviation we do not copy (spec §7 #7).
//! * Header names: the same wildcard rule, compared case-insensitively [REC
//!   `opt-get-allowed-diff-casing`].
//! * Methods are compared exactly elsewhere; there is no pattern for them.

use crate::http::is_http_whitespace;

/// Whether `value` matches `pattern`: `*` alone matches everything; one `*` inside matches any
/// run of characters, possibly empty; otherwise the strings must be equal. The prefix and the
/// suffix may not overlap (`ab*ba` does not match `aba`).
pub fn wildcard_match(pattern: &str, value: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.split_once('*') {
        None => pattern == value,
        Some((prefix, suffix)) => {
            value.len() >= prefix.len() + suffix.len()
                && value.starts_with(prefix)
                && value.ends_with(suffix)
        }
    }
}

/// True when `pattern` has a `*` that matched nothing in `value` (`*.example.com` against
/// `.example.com`): S3 behaviour there is from AWS-targeted tests, not recordings.
pub fn wildcard_matched_empty(pattern: &str, value: &str) -> bool {
    pattern != "*"
        && pattern
            .split_once('*')
            .is_some_and(|(p, s)| value.len() == p.len() + s.len())
        && wildcard_match(pattern, value)
}

/// `AllowedOrigin` against the request's `Origin`, case-sensitive.
///
/// UNVERIFIED (spec §3.5): case sensitivity. Every implementation studied is case-sensitive
/// and browsers send lowercase origins, so only an uppercase pattern is affected.
pub fn origin_matches(pattern: &str, origin: &str) -> bool {
    wildcard_match(pattern, origin)
}

/// `AllowedHeader` against one requested header name, ASCII case-insensitive.
pub fn header_matches(pattern: &str, name: &str) -> bool {
    wildcard_match(&pattern.to_ascii_lowercase(), &name.to_ascii_lowercase())
}

/// `Access-Control-Request-Headers` as S3 reads it: split on `,`, trim, drop empty items,
/// lowercase, keep order (`content-type,,expires` → two names) [REC
/// `opt-get-allowed-no-space`; AWS-T SC L583-621].
pub fn parse_request_headers(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|item| item.trim_matches(is_http_whitespace))
        .filter(|item| !item.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Why `pattern` does not match `origin`, when there is a reason worth telling a person.
pub fn origin_miss_hint(pattern: &str, origin: &str) -> Option<String> {
    if pattern.is_empty() {
        return Some("an empty AllowedOrigin matches only an empty Origin header".into());
    }
    if pattern.strip_suffix('/') == Some(origin) {
        return Some("a trailing slash never matches".into());
    }
    if wildcard_match(&pattern.to_ascii_lowercase(), &origin.to_ascii_lowercase()) {
        return Some(
            "S3 compares origins case-sensitively, and browsers send the scheme and host in lowercase"
                .into(),
        );
    }
    let (p_scheme, p_rest) = pattern.split_once("://")?;
    let (o_scheme, o_rest) = origin.split_once("://").unwrap_or(("", origin));
    if p_scheme != o_scheme && wildcard_match(p_rest, o_rest) {
        return Some(format!(
            "the scheme differs ({p_scheme} in the rule, {o_scheme} in the request)"
        ));
    }
    if p_rest.contains('/') && !p_rest.contains('*') {
        return Some(
            "an origin is only scheme://host[:port]; an AllowedOrigin with a path never matches"
                .into(),
        );
    }
    let strip_port = |s: &str| -> String {
        match s.rsplit_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host.to_string()
            }
            _ => s.to_string(),
        }
    };
    if p_scheme == o_scheme && strip_port(p_rest) == strip_port(o_rest) {
        return Some(
            "the port differs: S3 compares the whole string and does not treat a default port as equal to no port"
                .into(),
        );
    }
    if let Some((prefix, suffix)) = pattern.split_once('*') {
        return Some(format!(
            "the Origin must start with \"{prefix}\" and end with \"{suffix}\""
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_wildcards_follow_the_prefix_suffix_rule() {
        // (pattern, origin, matches): s3-tests test_cors_origin_response, Scality corsPreflight.js.
        let cases = [
            ("*", "https://anything.example", true),
            ("*", "null", true),
            ("*", "", true),
            ("*suffix", "foo.suffix", true),
            ("*suffix", "suffix", true),
            ("*suffix", "suffix.foo", false),
            ("start*end", "start12end", true),
            ("start*end", "startend", true),
            ("start*end", "0start12end", false),
            ("start*end", "start12end0", false),
            ("prefix*", "prefix", true),
            ("prefix*", "bla.prefix", false),
            ("*.allowedorigin.com", ".allowedorigin.com", true),
            (
                "http://*.allowedorigin.com",
                "http://.allowedorigin.comtest",
                false,
            ),
            (
                "http://www.allowedorigin.*",
                "http://www.allowedorigin.",
                true,
            ),
            (
                "http://www.allowedorigin.*",
                "testhttp://www.allowedorigin.",
                false,
            ),
            ("https://*.example.com", "https://a.b.example.com", true),
            ("https://*example.com", "https://evilexample.com", true),
            ("https://*.example.com", "https://a.example.com:8443", false),
            ("http://localhost:*", "http://localhost:5173", true),
            ("ab*ba", "aba", false),
            ("https://App.example.com", "https://app.example.com", false),
            ("https://app.example.com/", "https://app.example.com", false),
            ("http://test.com:80", "http://test.com", false),
            ("", "", true),
            ("", "https://a", false),
        ];
        for (pattern, origin, expected) in cases {
            assert_eq!(
                origin_matches(pattern, origin),
                expected,
                "{pattern} vs {origin}"
            );
        }
    }

    #[test]
    fn header_patterns_ignore_case() {
        let cases = [
            ("*", "x-anything", true),
            ("Content-Type", "content-type", true),
            ("x-amz-*", "X-AMZ-DATE", true),
            ("x-amz-*", "x-amz-", true),
            ("amz-*", "amz-meta-header-test", true),
            ("amz-*", "x-amz-date", false),
            ("*-id", "x-request-id", true),
            ("content-type", "content-length", false),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(
                header_matches(pattern, name),
                expected,
                "{pattern} vs {name}"
            );
        }
    }

    #[test]
    fn request_headers_are_split_trimmed_lowercased_and_emptied() {
        assert_eq!(
            parse_request_headers("content-type,,expires"),
            vec!["content-type", "expires"]
        );
        assert_eq!(
            parse_request_headers(" Authorization ,\tX-Amz-Date , "),
            vec!["authorization", "x-amz-date"]
        );
        assert!(parse_request_headers("").is_empty());
        assert!(parse_request_headers(" , ,").is_empty());
    }

    #[test]
    fn empty_wildcard_matches_are_detected() {
        assert!(wildcard_matched_empty("*.a.com", ".a.com"));
        assert!(!wildcard_matched_empty("*.a.com", "b.a.com"));
        assert!(!wildcard_matched_empty("*", ""));
        assert!(!wildcard_matched_empty("x", "x"));
    }

    #[test]
    fn hints_name_the_usual_mistakes() {
        let cases = [
            (
                "https://app.example.com/",
                "https://app.example.com",
                "trailing slash",
            ),
            (
                "https://App.example.com",
                "https://app.example.com",
                "case-sensitively",
            ),
            (
                "http://app.example.com",
                "https://app.example.com",
                "scheme differs",
            ),
            ("http://test.com:80", "http://test.com", "port differs"),
            ("https://a.example.com/app", "https://a.example.com", "path"),
            (
                "https://*.example.com",
                "https://example.com",
                "must start with",
            ),
            ("", "https://a", "empty AllowedOrigin"),
        ];
        for (pattern, origin, needle) in cases {
            let hint = origin_miss_hint(pattern, origin).unwrap_or_default();
            assert!(hint.contains(needle), "{pattern} vs {origin}: {hint}");
        }
        assert_eq!(
            origin_miss_hint("https://a.example", "https://b.example"),
            None
        );
    }
}
