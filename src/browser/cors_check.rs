//! The CORS check every CORS response must pass: `Access-Control-Allow-Origin` and, with
//! credentials, `Access-Control-Allow-Credentials`.
//!
//! <https://fetch.spec.whatwg.org/#concept-cors-check>. The standard has one failure; each
//! engine splits it into its own reasons, in its own order, and that choice decides the console
//! message, so the check is written once per engine (browser-cors.md §8).

use super::engine::Engine;
use crate::http::{HeaderList, Origin, Response};
use crate::scenario::Browser;
use crate::trace::BlockReason;

/// A failed check: the reason id, the value the console message quotes, and an explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The reason id (browser-errors.md §2), as this engine classifies the failure.
    pub reason: BlockReason,
    /// What the engine's message quotes: the ACAO or ACAC value, a method, a header name, or a
    /// token, depending on the reason.
    pub param: String,
    /// One sentence for the timeline.
    pub explanation: String,
    /// Other values the engine may quote instead of `param`, when which one it names is not
    /// predictable (Chrome naming one of several disallowed headers).
    pub others: Vec<String>,
    /// A second failure the engine reports for the same response (Firefox re-checks a
    /// redirected preflight).
    pub also: Option<Box<Failure>>,
    /// The failing response was a redirect (Firefox ends such a failed preflight twice).
    pub on_redirect: bool,
}

impl Failure {
    pub(crate) fn new(reason: BlockReason, param: impl Into<String>, explanation: String) -> Self {
        Failure {
            reason,
            param: param.into(),
            explanation,
            others: Vec::new(),
            also: None,
            on_redirect: false,
        }
    }
}

/// What passed, for the timeline.
pub type Passed = String;

/// Runs the engine's CORS check on `response` for a request from `origin`.
pub fn cors_check(
    engine: Engine,
    response: &Response,
    origin: &Origin,
    include_credentials: bool,
) -> Result<Passed, Failure> {
    match engine.browser() {
        Browser::Chrome => chrome(&response.headers, origin, include_credentials),
        Browser::Firefox => firefox(&response.headers, origin, include_credentials),
        Browser::Safari => safari(&response.headers, origin, include_credentials),
    }
}

const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";

fn credentials_check(headers: &HeaderList, include: bool, acao: &str) -> Result<Passed, Failure> {
    if !include {
        // `concat`, not `format!`: one of the sentences every allowed request writes.
        return Ok([
            "Access-Control-Allow-Origin: ",
            acao,
            " allows this origin; credentials are not included, so Access-Control-Allow-Credentials is not needed.",
        ]
        .concat());
    }
    match headers.get(ACAC) {
        Some(v) if v == "true" => Ok([
            "Access-Control-Allow-Origin: ",
            acao,
            " echoes the origin and Access-Control-Allow-Credentials is exactly true, as credentials: include requires.",
        ]
        .concat()),
        other => {
            let value = other.unwrap_or_default();
            let explanation = if value.is_empty() && !headers.contains(ACAC) {
                "The request includes credentials, so the response must carry Access-Control-Allow-Credentials: true; it has no such header.".to_string()
            } else {
                format!(
                    "The request includes credentials, so Access-Control-Allow-Credentials must be exactly true (lowercase, one line); it is {value:?}."
                )
            };
            Err(Failure::new(
                BlockReason::AllowCredentialsNotTrue,
                value,
                explanation,
            ))
        }
    }
}

/// Chromium `cors.cc` `CheckAccess`: the combined value (lines joined with `", "`), then
/// `*`, then a mismatch classified by its shape.
fn chrome(headers: &HeaderList, origin: &Origin, include: bool) -> Result<Passed, Failure> {
    let Some(value) = headers.get(ACAO) else {
        return Err(Failure::new(
            BlockReason::MissingAllowOrigin,
            "",
            "The response has no Access-Control-Allow-Origin header, so the page may not read it."
                .into(),
        ));
    };
    if value == "*" {
        if include {
            return Err(Failure::new(
                BlockReason::WildcardOriginWithCredentials,
                "*",
                "Access-Control-Allow-Origin is *, which never allows a request that includes credentials; the server must echo the exact origin.".into(),
            ));
        }
        return Ok(
            "Access-Control-Allow-Origin: * allows any origin for a request without credentials."
                .into(),
        );
    }
    let serialized = origin.serialize();
    if value != serialized {
        let lines = headers.count(ACAO);
        if value.contains(' ') || value.contains(',') {
            let how = if lines > 1 {
                format!("{lines} Access-Control-Allow-Origin lines, which Chrome combines into {value:?}")
            } else {
                format!("the value {value:?} lists more than one origin")
            };
            return Err(Failure::new(
                BlockReason::MultipleAllowOrigin,
                value.clone(),
                format!("The response has {how}; exactly one origin is allowed."),
            ));
        }
        if value != "null" && crate::http::parse_url(&value).is_err() {
            return Err(Failure::new(
                BlockReason::InvalidAllowOriginValue,
                value.clone(),
                format!("Access-Control-Allow-Origin is {value:?}, which is not an origin at all (Chrome cannot parse it as a URL)."),
            ));
        }
        return Err(Failure::new(
            BlockReason::AllowOriginMismatch,
            value.clone(),
            mismatch_explanation(&value, &serialized),
        ));
    }
    credentials_check(headers, include, &value)
}

/// Firefox `nsCORSListenerProxy::CheckRequestApproved`: repeated lines first, then absence,
/// `*` with credentials, mismatch (quoting the header's value), credentials.
fn firefox(headers: &HeaderList, origin: &Origin, include: bool) -> Result<Passed, Failure> {
    // Observed in Firefox 153: two lines spelled `Access-Control-Allow-Origin` are "multiple";
    // the same two lines spelled in lower case are combined and reported as a mismatch.
    let exact_lines = headers
        .iter()
        .filter(|(n, _)| *n == "Access-Control-Allow-Origin")
        .count();
    if exact_lines > 1 {
        return Err(Failure::new(
            BlockReason::MultipleAllowOrigin,
            "",
            format!("The response has {exact_lines} Access-Control-Allow-Origin lines; Firefox allows exactly one."),
        ));
    }
    let Some(value) = headers.get(ACAO) else {
        return Err(Failure::new(
            BlockReason::MissingAllowOrigin,
            "",
            "The response has no Access-Control-Allow-Origin header, so the page may not read it."
                .into(),
        ));
    };
    if include && value == "*" {
        return Err(Failure::new(
            BlockReason::WildcardOriginWithCredentials,
            "*",
            "Access-Control-Allow-Origin is *, which never allows a request that includes credentials; the server must echo the exact origin.".into(),
        ));
    }
    let serialized = origin.serialize();
    if (include || value != "*") && value != serialized {
        return Err(Failure::new(
            BlockReason::AllowOriginMismatch,
            value.clone(),
            mismatch_explanation(&value, &serialized),
        ));
    }
    if value == "*" {
        return Ok(
            "Access-Control-Allow-Origin: * allows any origin for a request without credentials."
                .into(),
        );
    }
    credentials_check(headers, include, &value)
}

/// WebKit `passesAccessControlCheck`: `*` without credentials passes; otherwise anything but
/// the exact origin fails, with a comma singled out.
fn safari(headers: &HeaderList, origin: &Origin, include: bool) -> Result<Passed, Failure> {
    let value = headers.get(ACAO);
    let text = value.clone().unwrap_or_default();
    if !include && text == "*" {
        return Ok(
            "Access-Control-Allow-Origin: * allows any origin for a request without credentials."
                .into(),
        );
    }
    let serialized = origin.serialize();
    if text != serialized {
        let failure = match value {
            None => Failure::new(
                BlockReason::MissingAllowOrigin,
                "",
                "The response has no Access-Control-Allow-Origin header, so the page may not read it.".into(),
            ),
            Some(v) if v == "*" => Failure::new(
                BlockReason::WildcardOriginWithCredentials,
                "*",
                "Access-Control-Allow-Origin is *, which never allows a request that includes credentials; the server must echo the exact origin.".into(),
            ),
            Some(v) if v.contains(',') => Failure::new(
                BlockReason::MultipleAllowOrigin,
                v.clone(),
                format!("Access-Control-Allow-Origin is {v:?}, which holds more than one origin; exactly one is allowed."),
            ),
            Some(v) => Failure::new(
                BlockReason::AllowOriginMismatch,
                v.clone(),
                mismatch_explanation(&v, &serialized),
            ),
        };
        return Err(failure);
    }
    credentials_check(headers, include, &text)
}

/// Says *how* an Allow-Origin value differs from the origin, since that is the fix.
fn mismatch_explanation(value: &str, origin: &str) -> String {
    let why = if value.trim_end_matches('/') == origin {
        "a serialized origin never ends with a slash".to_string()
    } else if value.eq_ignore_ascii_case(origin) {
        "the comparison is case-sensitive".to_string()
    } else if value == "null" {
        "null only matches an opaque origin (a sandboxed iframe, a file: page, a redirect-tainted request)".to_string()
    } else if origin == "null" {
        "this request's origin is opaque and serializes as null; only null or * can match it"
            .to_string()
    } else {
        format!("the browser compares it byte for byte with {origin}")
    };
    format!("Access-Control-Allow-Origin is {value:?} but the request's origin is {origin}: {why}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(lines: &[(&str, &str)]) -> Response {
        let mut r = Response::new(200);
        r.headers = lines
            .iter()
            .map(|&(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        r
    }

    fn reason(b: Browser, lines: &[(&str, &str)], include: bool) -> Option<(BlockReason, String)> {
        let origin = Origin::parse("https://foo.example").unwrap();
        cors_check(Engine(b), &resp(lines), &origin, include)
            .err()
            .map(|f| (f.reason, f.param))
    }

    #[test]
    fn chrome_classifies_each_shape() {
        use BlockReason::*;
        let c = Browser::Chrome;
        assert_eq!(reason(c, &[], false).unwrap().0, MissingAllowOrigin);
        assert_eq!(reason(c, &[(ACAO, " * ")], false), None);
        assert_eq!(
            reason(c, &[(ACAO, "*")], true).unwrap().0,
            WildcardOriginWithCredentials
        );
        assert_eq!(
            reason(
                c,
                &[(ACAO, "https://foo.example"), (ACAO, "https://foo.example")],
                false
            ),
            Some((
                MultipleAllowOrigin,
                "https://foo.example, https://foo.example".into()
            ))
        );
        assert_eq!(
            reason(c, &[(ACAO, "a b")], false).unwrap().0,
            MultipleAllowOrigin
        );
        assert_eq!(
            reason(c, &[(ACAO, "null")], false).unwrap().0,
            AllowOriginMismatch
        );
        assert_eq!(
            reason(c, &[(ACAO, "https://foo.example/")], false)
                .unwrap()
                .0,
            AllowOriginMismatch
        );
        assert_eq!(
            reason(c, &[(ACAO, "HTTPS://FOO.EXAMPLE")], false)
                .unwrap()
                .0,
            AllowOriginMismatch
        );
        for invalid in [
            "",
            "-",
            "**",
            "*.foo.example",
            "\"https://foo.example\"",
            "http://a:99999",
        ] {
            assert_eq!(
                reason(c, &[(ACAO, invalid)], false).unwrap().0,
                InvalidAllowOriginValue,
                "{invalid}"
            );
        }
        assert_eq!(
            reason(c, &[(ACAO, "https://foo.example"), (ACAC, "True")], true),
            Some((AllowCredentialsNotTrue, "True".into()))
        );
        assert_eq!(
            reason(
                c,
                &[
                    (ACAO, "https://foo.example"),
                    (ACAC, "true"),
                    (ACAC, "true")
                ],
                true
            ),
            Some((AllowCredentialsNotTrue, "true, true".into()))
        );
        assert_eq!(
            reason(c, &[(ACAO, "https://foo.example"), (ACAC, "true")], true),
            None
        );
    }

    #[test]
    fn firefox_counts_lines_and_quotes_the_value() {
        use BlockReason::*;
        let f = Browser::Firefox;
        assert_eq!(
            reason(
                f,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Access-Control-Allow-Origin", "*")
                ],
                false
            )
            .unwrap()
            .0,
            MultipleAllowOrigin
        );
        assert_eq!(
            reason(f, &[(ACAO, "a"), (ACAO, "b")], false),
            Some((AllowOriginMismatch, "a, b".into()))
        );
        assert_eq!(
            reason(f, &[(ACAO, "*, https://foo.example")], false)
                .unwrap()
                .0,
            AllowOriginMismatch
        );
    }

    #[test]
    fn safari_singles_out_commas_only() {
        use BlockReason::*;
        let s = Browser::Safari;
        assert_eq!(
            reason(s, &[(ACAO, "a, b")], false).unwrap().0,
            MultipleAllowOrigin
        );
        assert_eq!(
            reason(s, &[(ACAO, "a b")], false).unwrap().0,
            AllowOriginMismatch
        );
        assert_eq!(reason(s, &[], false).unwrap().0, MissingAllowOrigin);
    }
}
