//! The console lines each browser prints when it blocks a request, byte for byte.
//!
//! Templates and their rules are in spec/browser-errors.md (§1 how a line is built, §2 the
//! reasons, §5 current Firefox keys) and the appendices of spec/browser-cors.md (what Chromium
//! 156, Firefox 153 ESR and WebKitGTK 2.50 were seen to print).

use super::cors_check::Failure;
use crate::scenario::{Api, Browser};
use crate::trace::{BlockReason, Stage};

/// Everything a console line can mention.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    /// The engine.
    pub browser: Browser,
    /// fetch or XHR.
    pub api: Api,
    /// The URL of the request that failed (the last one after redirects).
    pub url: &'a str,
    /// The first URL, when a redirect changed it.
    pub initial_url: Option<&'a str>,
    /// The serialized request origin.
    pub origin: &'a str,
    /// The status of the response that failed (0 when none arrived).
    pub status: u16,
    /// Whether the failure is on the preflight.
    pub stage: Stage,
}

/// The CORS line itself, and every line the engine prints for this failure, in order.
pub fn console_lines(ctx: &Context<'_>, failure: &Failure) -> (String, Vec<String>) {
    match ctx.browser {
        Browser::Chrome => {
            let line = chrome_line(ctx, failure);
            (
                line.clone(),
                vec![line, "Failed to load resource: net::ERR_FAILED".into()],
            )
        }
        Browser::Firefox => firefox_lines(ctx, failure),
        Browser::Safari => {
            let line = safari_reason(ctx, failure);
            (line.clone(), vec![line, safari_cannot_load(ctx)])
        }
    }
}

/// Blink's `EncodeHint`: printable ASCII as is, any other character as `\uXXXX` (uppercase
/// hex). A header value's byte 0xE9 is the character U+00E9 there.
fn encode_hint(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if (' '..='~').contains(&c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{:04X}", u32::from(c)));
        }
    }
    out
}

/// Chromium `GetErrorStringForConsoleMessage` (browser-errors.md §1, observed in Chromium 156).
fn chrome_line(ctx: &Context<'_>, f: &Failure) -> String {
    use BlockReason::*;
    let kind = match ctx.api {
        Api::Fetch => "fetch",
        Api::Xhr => "XMLHttpRequest",
    };
    let redirected = match ctx.initial_url {
        Some(initial) if initial != ctx.url => format!("(redirected from '{initial}') "),
        _ => String::new(),
    };
    let v = encode_hint(&f.param);
    let reason = match f.reason {
        MissingAllowOrigin => {
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.".into()
        }
        WildcardOriginWithCredentials => "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.".into(),
        MultipleAllowOrigin => format!("The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed."),
        InvalidAllowOriginValue => format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'."),
        AllowOriginMismatch => format!("The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin."),
        AllowCredentialsNotTrue => format!("The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'."),
        PreflightStatusNotOk => "It does not have HTTP ok status.".into(),
        PreflightRedirect => "Redirect is not allowed for a preflight request.".into(),
        AllowMethodsUnparsable => "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".into(),
        AllowHeadersUnparsable => "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".into(),
        MethodNotAllowed => format!("Method {v} is not allowed by Access-Control-Allow-Methods in preflight response."),
        HeaderNotAllowed | AuthorizationNotCoveredByWildcard => format!("Request header field {v} is not allowed by Access-Control-Allow-Headers in preflight response."),
        RedirectContainsCredentials => format!("Redirect location '{v}' contains a username and password, which is disallowed for cross-origin requests."),
        CorsDisabledScheme => format!("Cross origin requests are only supported for protocol schemes: {}.", f.param),
        DisallowedByMode => "Cross origin requests are not allowed by request mode.".into(),
        // Reported whole by the fetch itself (the line is the failure's parameter).
        InvalidRequest | TooManyRedirects | MixedContent => f.param.clone(),
    };
    // Only these failures get the preflight prefix (`IsPreflightError`): method, header and
    // parse failures do not.
    let prefixed = ctx.stage == Stage::Preflight
        && matches!(
            f.reason,
            MissingAllowOrigin
                | WildcardOriginWithCredentials
                | MultipleAllowOrigin
                | InvalidAllowOriginValue
                | AllowOriginMismatch
                | AllowCredentialsNotTrue
                | PreflightStatusNotOk
                | PreflightRedirect
        );
    let prefix = if prefixed {
        "Response to preflight request doesn't pass access control check: "
    } else {
        ""
    };
    let suffix = match (ctx.api, f.reason) {
        (Api::Fetch, MultipleAllowOrigin | InvalidAllowOriginValue | AllowOriginMismatch) => {
            " Have the server send the header with a valid value."
        }
        (Api::Xhr, WildcardOriginWithCredentials | AllowCredentialsNotTrue) => {
            " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."
        }
        _ => "",
    };
    format!(
        "Access to {kind} at '{}' {redirected}from origin '{}' has been blocked by CORS policy: {prefix}{reason}{suffix}",
        ctx.url, ctx.origin
    )
}

const FF_HEAD: &str =
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at";

/// Firefox `security.properties` keys (browser-errors.md §5) and the extra lines Firefox 153
/// prints after a failed preflight (browser-cors.md, Firefox appendix).
fn firefox_lines(ctx: &Context<'_>, f: &Failure) -> (String, Vec<String>) {
    use BlockReason::*;
    let url = ctx.url;
    let status = ctx.status;
    let line = |reason: &str| format!("{FF_HEAD} {url}. (Reason: {reason}).");
    let with_status =
        |reason: &str, s: &str| format!("{FF_HEAD} {url}. (Reason: {reason}). Status code: {s}.");
    let did_not_succeed = firefox_did_not_succeed(url);
    let main = match f.reason {
        MissingAllowOrigin => with_status(
            "CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing",
            &status.to_string(),
        ),
        WildcardOriginWithCredentials => format!("{FF_HEAD} \u{2018}{url}\u{2019}. (Reason: Credential is not supported if the CORS header \u{2018}Access-Control-Allow-Origin\u{2019} is \u{2018}*\u{2019})."),
        MultipleAllowOrigin => line("Multiple CORS header \u{2018}Access-Control-Allow-Origin\u{2019} not allowed"),
        InvalidAllowOriginValue | AllowOriginMismatch => line(&format!(
            "CORS header \u{2018}Access-Control-Allow-Origin\u{2019} does not match \u{2018}{}\u{2019}",
            f.param
        )),
        AllowCredentialsNotTrue => line("expected \u{2018}true\u{2019} in CORS header \u{2018}Access-Control-Allow-Credentials\u{2019}"),
        PreflightStatusNotOk => with_status("CORS preflight response did not succeed", &status.to_string()),
        PreflightRedirect => line("CORS request external redirect not allowed"),
        AllowMethodsUnparsable => line(&format!(
            "invalid token \u{2018}{}\u{2019} in CORS header \u{2018}Access-Control-Allow-Methods\u{2019}",
            f.param
        )),
        AllowHeadersUnparsable => line(&format!(
            "invalid token \u{2018}{}\u{2019} in CORS header \u{2018}Access-Control-Allow-Headers\u{2019}",
            f.param
        )),
        MethodNotAllowed => line("Did not find method in CORS header \u{2018}Access-Control-Allow-Methods\u{2019}"),
        HeaderNotAllowed | AuthorizationNotCoveredByWildcard => line(&format!(
            "header \u{2018}{}\u{2019} is not allowed according to header \u{2018}Access-Control-Allow-Headers\u{2019} from CORS preflight response",
            f.param
        )),
        CorsDisabledScheme => line("CORS request not http"),
        RedirectContainsCredentials | DisallowedByMode | InvalidRequest | TooManyRedirects
        | MixedContent => f.param.clone(),
    };
    let mut lines = vec![main.clone()];
    if ctx.stage == Stage::Preflight {
        if f.reason == PreflightRedirect {
            // After refusing the redirect Firefox reports a second check of the same response
            // when it fails, else that the preflight did not succeed (observed in Firefox 153).
            lines.push(match &f.also {
                Some(again) => firefox_lines(ctx, again).0,
                None => with_status(
                    "CORS preflight response did not succeed",
                    &status.to_string(),
                ),
            });
        } else if f.on_redirect {
            // A redirected preflight that fails its CORS check ends twice (observed).
            lines.push(did_not_succeed.clone());
        }
        lines.push(did_not_succeed);
    }
    (main, lines)
}

/// Firefox's closing line for a request that ended in a network error.
fn firefox_did_not_succeed(url: &str) -> String {
    format!("{FF_HEAD} {url}. (Reason: CORS request did not succeed). Status code: (null).")
}

/// WebKit's closing line for a blocked load.
fn safari_cannot_load(ctx: &Context<'_>) -> String {
    let api = match ctx.api {
        Api::Fetch => "Fetch API",
        Api::Xhr => "XMLHttpRequest",
    };
    format!(
        "{api} cannot load {} due to access control checks.",
        ctx.url
    )
}

/// The lines for a redirect the engine refuses to follow: its CORS check failed, or its
/// Location carries credentials or is not http(s). `ctx.url` is the URL that answered with the
/// redirect, `target` where it leads. Observed by the conformance suite: WebKitGTK 2.50 puts
/// `Cross-origin redirection to <target> denied by Cross-Origin Resource Sharing policy: `
/// before its reason; Firefox 153 ends with "CORS request did not succeed", and reports a
/// refused Location with that line alone.
pub fn redirect_refused_lines(
    ctx: &Context<'_>,
    f: &Failure,
    target: &str,
) -> (String, Vec<String>) {
    match ctx.browser {
        Browser::Chrome => console_lines(ctx, f),
        Browser::Firefox => match f.reason {
            BlockReason::RedirectContainsCredentials | BlockReason::CorsDisabledScheme => {
                let line = firefox_did_not_succeed(ctx.url);
                (line.clone(), vec![line])
            }
            _ => {
                let (main, mut lines) = firefox_lines(ctx, f);
                lines.push(firefox_did_not_succeed(ctx.url));
                (main, lines)
            }
        },
        Browser::Safari => {
            let line = format!(
                "Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing policy: {}",
                safari_reason(ctx, f)
            );
            (line.clone(), vec![line, safari_cannot_load(ctx)])
        }
    }
}

/// The lines for a request that redirected more than 20 times (`ctx.url`: the URL that
/// answered with the redirect refused), observed by the conformance suite. Chromium's network
/// stack refuses it with `net::ERR_TOO_MANY_REDIRECTS`.
pub fn too_many_redirects_lines(ctx: &Context<'_>) -> Vec<String> {
    match ctx.browser {
        Browser::Chrome => vec!["Failed to load resource: net::ERR_TOO_MANY_REDIRECTS".into()],
        Browser::Firefox => vec![firefox_did_not_succeed(ctx.url)],
        Browser::Safari => vec![
            "Load cannot follow more than 20 redirections".into(),
            safari_cannot_load(ctx),
        ],
    }
}

/// WebKit `CrossOriginAccessControl.cpp` texts (browser-errors.md §2, WebKitGTK appendix).
fn safari_reason(ctx: &Context<'_>, f: &Failure) -> String {
    use BlockReason::*;
    match f.reason {
        MissingAllowOrigin | AllowOriginMismatch | InvalidAllowOriginValue => format!(
            "Origin {} is not allowed by Access-Control-Allow-Origin. Status code: {}",
            ctx.origin, ctx.status
        ),
        WildcardOriginWithCredentials => {
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
                .into()
        }
        MultipleAllowOrigin => {
            "Access-Control-Allow-Origin cannot contain more than one origin.".into()
        }
        AllowCredentialsNotTrue => {
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".".into()
        }
        PreflightStatusNotOk | PreflightRedirect => {
            format!(
                "Preflight response is not successful. Status code: {}",
                ctx.status
            )
        }
        AllowMethodsUnparsable => format!(
            "Header Access-Control-Allow-Methods has an invalid value: {}",
            f.param
        ),
        AllowHeadersUnparsable => format!(
            "Header Access-Control-Allow-Headers has an invalid value: {}",
            f.param
        ),
        MethodNotAllowed => format!(
            "Method {} is not allowed by Access-Control-Allow-Methods.",
            f.param
        ),
        HeaderNotAllowed | AuthorizationNotCoveredByWildcard => format!(
            "Request header field {} is not allowed by Access-Control-Allow-Headers.",
            f.param
        ),
        RedirectContainsCredentials => format!("redirection URL {} has credentials", f.param),
        // The first URL: DocumentThreadableLoader refuses it before sending anything; a
        // redirect's Location: its redirect check.
        CorsDisabledScheme if ctx.stage == Stage::Request => {
            "Cross origin requests are only supported for HTTP.".into()
        }
        CorsDisabledScheme => {
            "not allowed to follow a cross-origin CORS redirection with non CORS scheme".into()
        }
        DisallowedByMode | InvalidRequest | TooManyRedirects | MixedContent => f.param.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(browser: Browser, api: Api, stage: Stage) -> Context<'static> {
        Context {
            browser,
            api,
            url: "https://api.example/data",
            initial_url: None,
            origin: "https://foo.example",
            status: 200,
            stage,
        }
    }

    fn fail(reason: BlockReason, param: &str) -> Failure {
        Failure::new(reason, param, String::new())
    }

    #[test]
    fn chrome_worked_examples() {
        let (line, lines) = console_lines(
            &ctx(Browser::Chrome, Api::Fetch, Stage::Response),
            &fail(BlockReason::MissingAllowOrigin, ""),
        );
        assert_eq!(line, "Access to fetch at 'https://api.example/data' from origin 'https://foo.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.");
        assert_eq!(lines[1], "Failed to load resource: net::ERR_FAILED");
        let (line, _) = console_lines(
            &ctx(Browser::Chrome, Api::Xhr, Stage::Response),
            &fail(BlockReason::WildcardOriginWithCredentials, "*"),
        );
        assert_eq!(line, "Access to XMLHttpRequest at 'https://api.example/data' from origin 'https://foo.example' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.");
        let (line, _) = console_lines(
            &ctx(Browser::Chrome, Api::Fetch, Stage::Preflight),
            &fail(BlockReason::PreflightStatusNotOk, ""),
        );
        assert!(line.ends_with("CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status."));
        let (line, _) = console_lines(
            &ctx(Browser::Chrome, Api::Fetch, Stage::Preflight),
            &fail(BlockReason::MethodNotAllowed, "patch"),
        );
        assert!(line.ends_with("CORS policy: Method patch is not allowed by Access-Control-Allow-Methods in preflight response."));
    }

    #[test]
    fn chrome_redirect_and_hint_encoding() {
        let mut c = ctx(Browser::Chrome, Api::Fetch, Stage::Response);
        c.url = "https://b.example/final";
        c.initial_url = Some("https://a.example/start");
        let (line, _) = console_lines(&c, &fail(BlockReason::AllowOriginMismatch, "caf\u{e9}"));
        assert_eq!(line, "Access to fetch at 'https://b.example/final' (redirected from 'https://a.example/start') from origin 'https://foo.example' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'caf\\u00E9' that is not equal to the supplied origin. Have the server send the header with a valid value.");
    }

    #[test]
    fn firefox_lines_and_quotes() {
        let (line, lines) = console_lines(
            &ctx(Browser::Firefox, Api::Fetch, Stage::Response),
            &fail(BlockReason::MissingAllowOrigin, ""),
        );
        assert_eq!(line, "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/data. (Reason: CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 200.");
        assert_eq!(lines.len(), 1);
        let mut c = ctx(Browser::Firefox, Api::Fetch, Stage::Preflight);
        c.status = 302;
        let (_, lines) = console_lines(&c, &fail(BlockReason::PreflightRedirect, ""));
        assert_eq!(lines.len(), 3);
        assert!(lines[1]
            .ends_with("(Reason: CORS preflight response did not succeed). Status code: 302."));
        assert!(lines[2].ends_with("(Reason: CORS request did not succeed). Status code: (null)."));
    }

    #[test]
    fn safari_two_lines() {
        let (line, lines) = console_lines(
            &ctx(Browser::Safari, Api::Fetch, Stage::Response),
            &fail(BlockReason::MissingAllowOrigin, ""),
        );
        assert_eq!(line, "Origin https://foo.example is not allowed by Access-Control-Allow-Origin. Status code: 200");
        assert_eq!(
            lines[1],
            "Fetch API cannot load https://api.example/data due to access control checks."
        );
    }
}
