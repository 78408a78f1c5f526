//! The strict "parse a MIME type" algorithm, which decides whether a `Content-Type` is
//! CORS-safelisted.
//!
//! <https://mimesniff.spec.whatwg.org/#parse-a-mime-type>. Fetch deliberately uses this and not
//! "extract a MIME type" (<https://fetch.spec.whatwg.org/#cors-safelisted-request-header>), so
//! `text/plain,text/plain` fails (a comma inside the subtype) while `text/plain;` passes.

use crate::http::is_token_char;

/// A parsed MIME type: only the essence matters for the safelist.
#[derive(Debug, PartialEq, Eq)]
pub struct MimeType {
    /// `type/subtype`, lowercased.
    pub essence: String,
}

fn is_http_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' ')
}

fn is_token_code_point(c: char) -> bool {
    c.is_ascii() && is_token_char(c as u8)
}

/// Returns the MIME type, or `None` on failure. Parameters are parsed only as far as needed to
/// reject the inputs the algorithm rejects (none of them: parameter errors are skipped, not
/// fatal), so the result depends only on the type and subtype.
pub fn parse_mime_type(input: &str) -> Option<MimeType> {
    // 1. Remove leading and trailing HTTP whitespace.
    let input = input.trim_matches(is_http_whitespace);
    // 2-4. type: up to "/", non-empty, all token code points.
    let slash = input.find('/')?;
    let ty = &input[..slash];
    if ty.is_empty() || !ty.chars().all(is_token_code_point) {
        return None;
    }
    // 5-8. subtype: up to ";", trailing whitespace removed, non-empty, token code points.
    let rest = &input[slash + 1..];
    let subtype_end = rest.find(';').unwrap_or(rest.len());
    let subtype = rest[..subtype_end].trim_end_matches(is_http_whitespace);
    if subtype.is_empty() || !subtype.chars().all(is_token_code_point) {
        return None;
    }
    Some(MimeType {
        essence: format!(
            "{}/{}",
            ty.to_ascii_lowercase(),
            subtype.to_ascii_lowercase()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn essence(s: &str) -> Option<String> {
        parse_mime_type(s).map(|m| m.essence)
    }

    #[test]
    fn parameters_never_fail_the_parse() {
        assert_eq!(essence("text/plain;").as_deref(), Some("text/plain"));
        assert_eq!(essence("text/plain;garbage").as_deref(), Some("text/plain"));
        assert_eq!(
            essence("Text/Plain; charset=utf-8").as_deref(),
            Some("text/plain")
        );
        assert_eq!(
            essence(" multipart/form-data; boundary=x ").as_deref(),
            Some("multipart/form-data")
        );
    }

    #[test]
    fn commas_spaces_and_empty_parts_fail() {
        assert_eq!(essence("text/plain,text/plain"), None);
        assert_eq!(essence("text/plain, application/json"), None);
        assert_eq!(essence("text /plain"), None);
        assert_eq!(essence("/plain"), None);
        assert_eq!(essence("text/"), None);
        assert_eq!(essence(""), None);
        assert_eq!(essence("textplain"), None);
    }
}
