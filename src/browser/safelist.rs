//! Which request headers a script may set, and which ones make a request need a preflight.

use super::engine::Engine;
use super::mime::parse_mime_type;
use crate::http::{HeaderList, Method};

/// <https://fetch.spec.whatwg.org/#forbidden-request-header>: the browser owns these; a script
/// setting one is silently ignored (`Headers` with the `request` guard, XHR `setRequestHeader`).
pub fn is_forbidden_request_header(name: &str, value: &str) -> bool {
    const NAMES: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    let lower = name.to_ascii_lowercase();
    if NAMES.contains(&lower.as_str()) || lower.starts_with("proxy-") || lower.starts_with("sec-") {
        return true;
    }
    // The method-override headers are forbidden only when one of their values names a
    // forbidden method.
    if matches!(
        lower.as_str(),
        "x-http-method" | "x-http-method-override" | "x-method-override"
    ) {
        return value
            .split(',')
            .map(|v| v.trim_matches(crate::http::is_http_whitespace))
            .any(|v| {
                matches!(
                    Method::normalize(v),
                    Err(crate::http::MethodError::Forbidden(_))
                )
            });
    }
    false
}

/// <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte>.
pub fn is_cors_unsafe_request_header_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09) || b"\"():<>?@[\\]{}".contains(&b) || b == 0x7f
}

/// <https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header-name>: what survives the
/// `request-no-cors` guard.
pub fn is_no_cors_safelisted_name(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "accept" | "accept-language" | "content-language" | "content-type"
    )
}

/// Whether `value` holds a comma that is not inside a quoted string.
fn has_unquoted_comma(value: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// Why one header is or is not CORS-safelisted, as words for the timeline.
pub fn safelist_verdict(engine: Engine, name: &str, value: &str) -> Result<(), String> {
    let lower = name.to_ascii_lowercase();
    // 1. A value longer than 128 bytes is never safelisted. Header values are byte strings:
    //    script's "é" is the one byte 0xE9 (isomorphic encoding), so bytes are characters here.
    let length = byte_length(value);
    if length > 128 {
        return Err(format!(
            "header {lower} is not CORS-safelisted: its value is {length} bytes, over the 128-byte limit"
        ));
    }
    let bytes = isomorphic_bytes(value);
    let bytes = bytes.as_slice();
    let ok = match lower.as_str() {
        "accept" => {
            if bytes.iter().any(|&b| is_cors_unsafe_request_header_byte(b)) {
                return Err(format!(
                    "header accept is not CORS-safelisted: its value holds a CORS-unsafe byte ({})",
                    first_unsafe_byte(bytes)
                ));
            }
            if engine.accept_rejects_non_ascii() && !value.is_ascii() {
                return Err(
                    "header accept is not CORS-safelisted in Firefox: its value holds a non-ASCII byte"
                        .into(),
                );
            }
            true
        }
        "accept-language" | "content-language" => bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        "content-type" => {
            if bytes.iter().any(|&b| is_cors_unsafe_request_header_byte(b)) {
                return Err(format!(
                    "header content-type is not CORS-safelisted: its value holds a CORS-unsafe byte ({})",
                    first_unsafe_byte(bytes)
                ));
            }
            // Gecko's `net_ParseRequestContentType` refuses a list of types: a comma outside a
            // quoted string makes the value unsafe, even where the standard's MIME parser
            // reads it as part of a parameter (observed in Firefox 153: XHR combines two
            // Content-Type lines into `text/plain;charset=UTF-8, application/json`).
            if engine.content_type_rejects_lists() && has_unquoted_comma(value) {
                return Err(
                    "header content-type is not CORS-safelisted in Firefox: its value is a list of types (it holds a comma)"
                        .into(),
                );
            }
            match parse_mime_type(value) {
                None => {
                    return Err(format!(
                        "header content-type is not CORS-safelisted: {value:?} is not a valid MIME type"
                    ))
                }
                Some(m) => {
                    if !matches!(
                        m.essence.as_str(),
                        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
                    ) {
                        return Err(format!(
                            "header content-type is not CORS-safelisted: {} is not application/x-www-form-urlencoded, multipart/form-data or text/plain",
                            m.essence
                        ));
                    }
                    true
                }
            }
        }
        "range" => is_simple_range(value, engine.range_unit_case_insensitive()),
        _ if engine.safelists_client_hints() => match lower.as_str() {
            // Chromium cors.cc IsCorsSafelistedHeader: client hints with their value rules.
            "device-memory" | "dpr" | "downlink" => is_decimal(value),
            "width" | "viewport-width" | "rtt" => {
                !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
            }
            "ect" => matches!(value, "slow-2g" | "2g" | "3g" | "4g"),
            "save-data" => value.eq_ignore_ascii_case("on"),
            "intervention" => true,
            _ => return Err(format!("header {lower} is not CORS-safelisted")),
        },
        _ => return Err(format!("header {lower} is not CORS-safelisted")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "header {lower} is not CORS-safelisted: the value {value:?} is not one the safelist allows"
        ))
    }
}

/// The length of a header value as the byte string fetch sends (one byte per character,
/// every character being at most U+00FF once the API has accepted the value).
pub fn byte_length(value: &str) -> usize {
    value.chars().count()
}

/// The value as bytes, one per character (the isomorphic encoding of
/// <https://infra.spec.whatwg.org/#isomorphic-encode>); characters above U+00FF, which the API
/// refuses before this point, become 0xFF.
fn isomorphic_bytes(value: &str) -> Vec<u8> {
    value
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(0xFF))
        .collect()
}

fn first_unsafe_byte(bytes: &[u8]) -> String {
    bytes
        .iter()
        .find(|&&b| is_cors_unsafe_request_header_byte(b))
        .map(|&b| {
            if b.is_ascii_graphic() {
                format!("'{}'", b as char)
            } else {
                format!("0x{b:02X}")
            }
        })
        .unwrap_or_default()
}

/// Chromium's `IsSimilarToDoubleABNF`: `1*DIGIT [ "." 1*DIGIT ]`.
fn is_decimal(value: &str) -> bool {
    let mut parts = value.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && parts.next().is_none_or(digits)
}

/// "Parse a single range header value" with whitespace not allowed, whose first position must
/// be non-null (<https://fetch.spec.whatwg.org/#simple-range-header-value>): `bytes=100-200` and
/// `bytes=200-` pass; `bytes=-200`, two ranges, spaces and `bytes=200-100` fail.
pub fn is_simple_range(value: &str, unit_case_insensitive: bool) -> bool {
    let unit_ok = value.len() >= 5
        && value.is_char_boundary(5)
        && if unit_case_insensitive {
            value[..5].eq_ignore_ascii_case("bytes")
        } else {
            &value[..5] == "bytes"
        };
    if !unit_ok {
        return false;
    }
    let Some(rest) = value[5..].strip_prefix('=') else {
        return false;
    };
    let start_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (start, rest) = rest.split_at(start_len);
    let Some(end) = rest.strip_prefix('-') else {
        return false;
    };
    if start.is_empty() || !end.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if end.is_empty() {
        return true;
    }
    // Compare as numbers without overflow: strip leading zeros, then by length, then lexically.
    let (s, e) = (start.trim_start_matches('0'), end.trim_start_matches('0'));
    (s.len(), s) <= (e.len(), e)
}

/// The result of <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names>, with the
/// reason for each name, as the engine computes it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UnsafeHeaders {
    /// Lowercased, byte-sorted names, deduplicated except where the engine does not (Firefox).
    pub names: Vec<String>,
    /// One sentence per header that is not safelisted (or turned unsafe by the 1,024 total).
    pub reasons: Vec<String>,
}

/// The CORS-unsafe request-header names of `headers` for `engine`.
pub fn cors_unsafe_request_header_names(engine: Engine, headers: &HeaderList) -> UnsafeHeaders {
    let checked = if engine.combines_repeated_request_headers() {
        headers.combined()
    } else {
        headers.clone()
    };
    let mut unsafe_names = Vec::new();
    let mut reasons = Vec::new();
    let mut potentially_unsafe = Vec::new();
    let mut safelist_value_size = 0usize;
    for (name, value) in checked.iter() {
        match safelist_verdict(engine, name, value) {
            Ok(()) => {
                potentially_unsafe.push(name.to_ascii_lowercase());
                safelist_value_size += byte_length(value);
            }
            Err(reason) => {
                unsafe_names.push(name.to_ascii_lowercase());
                reasons.push(reason);
            }
        }
    }
    if engine.applies_safelist_total() && safelist_value_size > 1024 {
        reasons.push(format!(
            "the safelisted header values total {safelist_value_size} bytes, over 1,024, so {} count as unsafe too",
            potentially_unsafe.join(", ")
        ));
        unsafe_names.extend(potentially_unsafe);
    }
    unsafe_names.sort();
    if engine.combines_repeated_request_headers() {
        unsafe_names.dedup();
    }
    UnsafeHeaders {
        names: unsafe_names,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Browser;

    const CHROME: Engine = Engine(Browser::Chrome);
    const FIREFOX: Engine = Engine(Browser::Firefox);
    const SAFARI: Engine = Engine(Browser::Safari);

    fn safe(e: Engine, n: &str, v: &str) -> bool {
        safelist_verdict(e, n, v).is_ok()
    }

    #[test]
    fn value_rules_of_the_spec() {
        assert!(safe(CHROME, "Accept", "*/*"));
        assert!(safe(CHROME, "Accept", "café"));
        assert!(!safe(FIREFOX, "Accept", "café"));
        assert!(safe(CHROME, "Accept", "a\tb"));
        assert!(!safe(CHROME, "Accept", "a(b"));
        assert!(safe(CHROME, "Accept", &"a".repeat(128)));
        assert!(!safe(CHROME, "Accept", &"a".repeat(129)));
        assert!(safe(CHROME, "Accept-Language", "fr-CH, fr;q=0.9, *"));
        assert!(!safe(CHROME, "Content-Language", "en_US"));
        assert!(safe(CHROME, "content-type", "text/plain;"));
        assert!(safe(CHROME, "content-type", "Text/Plain;charset=utf-8"));
        assert!(!safe(
            CHROME,
            "content-type",
            "text/plain; charset=\"utf-8\""
        ));
        assert!(!safe(CHROME, "content-type", "application/json"));
        assert!(!safe(
            CHROME,
            "content-type",
            "application/x-www-form-urlencoded;\u{7f}"
        ));
        assert!(!safe(CHROME, "content-type", ""));
        assert!(!safe(CHROME, "x-custom", "1"));
    }

    #[test]
    fn the_128_byte_limit_counts_bytes_of_the_byte_string() {
        // "é" is one byte (0xE9) in a header value.
        assert!(safe(CHROME, "Accept", &format!("{}é", "a".repeat(127))));
        assert!(!safe(CHROME, "Accept", &format!("{}é", "a".repeat(128))));
    }

    #[test]
    fn simple_ranges_only() {
        for ok in ["bytes=100-200", "bytes=200-", "bytes=0-0", "bytes=007-7"] {
            assert!(safe(CHROME, "Range", ok), "{ok}");
        }
        for bad in [
            "bytes=-200",
            "bytes=100-200,300-400",
            "bytes = 100-200",
            "bytes=200-100",
            "Bytes=0-10",
            "bytes=",
            "bytes=-",
            "items=0-1",
        ] {
            assert!(!safe(CHROME, "Range", bad), "{bad}");
        }
        assert!(safe(SAFARI, "Range", "Bytes=0-10"));
    }

    #[test]
    fn chrome_safelists_client_hints_the_others_do_not() {
        assert!(safe(CHROME, "DPR", "2.5"));
        assert!(!safe(CHROME, "DPR", "2."));
        assert!(safe(CHROME, "Width", "800"));
        assert!(safe(CHROME, "Save-Data", "on"));
        assert!(safe(CHROME, "ECT", "4g"));
        assert!(!safe(FIREFOX, "DPR", "2"));
        assert!(!safe(SAFARI, "Save-Data", "on"));
    }

    #[test]
    fn unsafe_names_are_lowercased_sorted_and_deduplicated() {
        let h: HeaderList = [
            ("X-B", "1"),
            ("Content-Type", "application/json"),
            ("x-b", "2"),
            ("Accept", "*/*"),
            ("X-A", "1"),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            cors_unsafe_request_header_names(CHROME, &h).names,
            ["content-type", "x-a", "x-b"]
        );
        assert_eq!(
            cors_unsafe_request_header_names(FIREFOX, &h).names,
            ["content-type", "x-a", "x-b", "x-b"]
        );
    }

    #[test]
    fn the_1024_byte_total_makes_safelisted_names_unsafe() {
        let digits = "1".repeat(128);
        let mut h: HeaderList = [
            ("Accept", "a".repeat(128)),
            ("Accept-Language", "b".repeat(128)),
            ("Content-Language", "c".repeat(128)),
            ("Content-Type", format!("text/plain;{}", "d".repeat(117))),
            ("Range", format!("bytes=0-{}", &digits[..120])),
            ("DPR", digits.clone()),
            ("Width", digits.clone()),
            ("Viewport-Width", digits.clone()),
        ]
        .into_iter()
        .collect();
        // Exactly 8 * 128 = 1,024 bytes: still safelisted.
        assert!(cors_unsafe_request_header_names(CHROME, &h)
            .names
            .is_empty());
        h.append("Device-Memory", "1");
        let names = cors_unsafe_request_header_names(CHROME, &h).names;
        assert_eq!(names.len(), 9, "{names:?}");
        assert_eq!(names[0], "accept");
        // Repeated lines are combined first: 2 * 100 + 2 bytes is over 128.
        let repeated: HeaderList = [("Accept", "e".repeat(100)), ("accept", "e".repeat(100))]
            .into_iter()
            .collect();
        assert_eq!(
            cors_unsafe_request_header_names(CHROME, &repeated).names,
            ["accept"]
        );
        assert!(cors_unsafe_request_header_names(FIREFOX, &repeated)
            .names
            .is_empty());
    }

    #[test]
    fn forbidden_headers() {
        assert!(is_forbidden_request_header("Cookie", "a=b"));
        assert!(is_forbidden_request_header("Sec-Fetch-Mode", "cors"));
        assert!(is_forbidden_request_header("Proxy-Authorization", "x"));
        assert!(is_forbidden_request_header(
            "X-HTTP-Method-Override",
            "GET, TRACE"
        ));
        assert!(!is_forbidden_request_header(
            "X-HTTP-Method-Override",
            "PATCH"
        ));
        assert!(!is_forbidden_request_header("Authorization", "Bearer x"));
    }
}
