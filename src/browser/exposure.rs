//! Which response headers script can read: the CORS filtered response.
//!
//! <https://fetch.spec.whatwg.org/#concept-filtered-response-cors>: the CORS-safelisted
//! response-header names plus whatever `Access-Control-Expose-Headers` lists, never
//! `Set-Cookie`; a basic (same-origin) response hides only `Set-Cookie`; an opaque one hides
//! everything.

use super::preflight::parse_token_list;
use crate::http::HeaderList;

/// <https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name>, including
/// `Content-Length` (Chromium `IsCorsSafelistedResponseHeaderName`; readable in Chromium 156).
pub const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// <https://fetch.spec.whatwg.org/#forbidden-response-header-name> (names in any case).
fn is_forbidden_response_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2")
}

/// What `Access-Control-Expose-Headers` does, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// No `Access-Control-Expose-Headers`.
    None,
    /// A list that does not parse: the whole header is ignored.
    Invalid(String),
    /// `*` without credentials: every header name.
    All,
    /// These names (lowercased).
    Names(Vec<String>),
}

/// Parses `Access-Control-Expose-Headers` as the CORS filter does.
pub fn exposure(headers: &HeaderList, include_credentials: bool) -> Exposure {
    match parse_token_list(headers, "access-control-expose-headers") {
        None => Exposure::None,
        Some(Err(bad)) => Exposure::Invalid(bad),
        Some(Ok(names)) => {
            if !include_credentials && names.iter().any(|n| n == "*") {
                Exposure::All
            } else {
                Exposure::Names(names.iter().map(|n| n.to_ascii_lowercase()).collect())
            }
        }
    }
}

/// Readable header names of a CORS response, lowercased, deduplicated, in response order.
pub fn cors_readable_headers(headers: &HeaderList, include_credentials: bool) -> Vec<String> {
    readable_given(headers, &exposure(headers, include_credentials))
}

/// [`cors_readable_headers`] for a caller that has already parsed the exposure of `headers`.
pub(crate) fn readable_given(headers: &HeaderList, exposed: &Exposure) -> Vec<String> {
    // Names are compared as written, case-insensitively, so only readable ones are copied.
    headers.lowercase_names_where(|name| {
        !is_forbidden_response_header(name)
            && (SAFELISTED_RESPONSE_HEADERS
                .iter()
                .any(|s| s.eq_ignore_ascii_case(name))
                || match exposed {
                    Exposure::All => true,
                    Exposure::Names(list) => list.iter().any(|l| l.eq_ignore_ascii_case(name)),
                    Exposure::None | Exposure::Invalid(_) => false,
                })
    })
}

/// Readable header names of a basic (same-origin) response.
pub fn basic_readable_headers(headers: &HeaderList) -> Vec<String> {
    headers.lowercase_names_where(|n| !is_forbidden_response_header(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(lines: &[(&str, &str)]) -> HeaderList {
        lines
            .iter()
            .map(|&(n, v)| (n.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn safelisted_plus_exposed_never_set_cookie() {
        let headers = h(&[
            ("Content-Type", "text/plain"),
            ("ETag", "\"x\""),
            ("Set-Cookie", "a=b"),
            ("Access-Control-Expose-Headers", "ETag, Set-Cookie"),
        ]);
        assert_eq!(
            cors_readable_headers(&headers, false),
            ["content-type", "etag"]
        );
    }

    #[test]
    fn star_exposes_everything_only_without_credentials() {
        let headers = h(&[
            ("Access-Control-Expose-Headers", "*"),
            ("Test", "X"),
            ("Set-Cookie", "X"),
        ]);
        assert_eq!(
            cors_readable_headers(&headers, false),
            ["access-control-expose-headers", "test"]
        );
        assert!(cors_readable_headers(&headers, true).is_empty());
    }

    #[test]
    fn an_invalid_token_discards_the_whole_list() {
        let headers = h(&[
            ("BB-8", "hey"),
            ("Access-Control-Expose-Headers", "\"bb-8\",bb-8"),
        ]);
        assert!(cors_readable_headers(&headers, false).is_empty());
    }
}
