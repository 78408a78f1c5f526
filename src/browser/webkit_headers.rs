//! WebKit's well-known HTTP header names, which decide how WebKit names a header it refuses.
//!
//! WebKit keeps request headers in an `HTTPHeaderMap` with two parts: the names listed in
//! `Source/WebCore/platform/network/HTTPHeaderNames.in` ("common" headers, stored by their
//! enum value and spelled as in that file) and every other name (spelled as the script wrote
//! it). Iteration visits the common part first, then the others, each in insertion order. So
//! when a preflight allows none of `X-Test` and `content-type`, WebKit's console names
//! `Content-Type` (observed in WebKitGTK 2.50 by the conformance suite).

/// The names of `HTTPHeaderNames.in` (WebKit, 2024 list) that a script can set.
const COMMON: &[&str] = &[
    "Accept",
    "Accept-Charset",
    "Accept-Language",
    "Accept-Encoding",
    "Accept-Ranges",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Age",
    "Authorization",
    "Cache-Control",
    "Connection",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-Security-Policy",
    "Content-Security-Policy-Report-Only",
    "Content-Type",
    "Content-Range",
    "Cookie",
    "Cookie2",
    "Cross-Origin-Resource-Policy",
    "Date",
    "DNT",
    "Default-Style",
    "ETag",
    "Expect",
    "Expires",
    "Host",
    "If-Match",
    "If-Modified-Since",
    "If-None-Match",
    "If-Range",
    "If-Unmodified-Since",
    "Keep-Alive",
    "Last-Event-ID",
    "Last-Modified",
    "Link",
    "Location",
    "Origin",
    "Ping-From",
    "Ping-To",
    "Purpose",
    "Pragma",
    "Proxy-Authorization",
    "Range",
    "Referer",
    "Referrer-Policy",
    "Refresh",
    "Sec-WebSocket-Accept",
    "Sec-WebSocket-Extensions",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Protocol",
    "Sec-WebSocket-Version",
    "Server-Timing",
    "Service-Worker",
    "Service-Worker-Allowed",
    "Set-Cookie",
    "Set-Cookie2",
    "SourceMap",
    "TE",
    "Timing-Allow-Origin",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Upgrade-Insecure-Requests",
    "User-Agent",
    "Vary",
    "Via",
    "X-Content-Type-Options",
    "X-DNS-Prefetch-Control",
    "X-Frame-Options",
    "X-SourceMap",
    "X-WebKit-CSP",
    "X-WebKit-CSP-Report-Only",
    "X-XSS-Protection",
    "X-Temp-Tablet",
];

/// WebKit's spelling of a well-known header name (matched case-insensitively), if it is one.
pub fn canonical(name: &str) -> Option<&'static str> {
    COMMON
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(name))
}

/// The first of `names` (author header names, in the script's order) that `pick` accepts, in
/// WebKit's iteration order, spelled as WebKit prints it.
pub fn first_in_map_order(names: &[&str], pick: impl Fn(&str) -> bool) -> Option<String> {
    names
        .iter()
        .filter_map(|n| canonical(n))
        .find(|n| pick(n))
        .or_else(|| {
            names
                .iter()
                .copied()
                .filter(|n| canonical(n).is_none())
                .find(|n| pick(n))
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_names_come_first_in_their_own_spelling() {
        let names = ["x-test-header1", "content-type"];
        let got = first_in_map_order(&names, |_| true);
        assert_eq!(got.as_deref(), Some("Content-Type"));
    }

    #[test]
    fn other_names_keep_the_scripts_spelling_and_order() {
        let names = ["X-B", "X-A"];
        let got = first_in_map_order(&names, |_| true);
        assert_eq!(got.as_deref(), Some("X-B"));
        let got = first_in_map_order(&names, |n| n == "X-A");
        assert_eq!(got.as_deref(), Some("X-A"));
    }
}
