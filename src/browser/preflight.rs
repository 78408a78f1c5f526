//! The CORS preflight: the `OPTIONS` request the browser sends first, and the checks its
//! response must pass before the actual request may leave.
//!
//! <https://fetch.spec.whatwg.org/#cors-preflight-fetch-0>; engine order in browser-cors.md §6.

use super::cors_check::{cors_check, Failure};
use super::engine::Engine;
use crate::http::{is_http_whitespace, is_token, HeaderList, Method, Origin, Request, Response};
use crate::scenario::Browser;
use crate::trace::BlockReason;
use std::borrow::Cow;

/// Builds the preflight request (<https://fetch.spec.whatwg.org/#cors-preflight-fetch-0>
/// steps 1–3): `Accept: */*`, `Access-Control-Request-Method` (sent even for GET, HEAD and
/// POST), `Access-Control-Request-Headers` when there are unsafe names (lowercased, sorted,
/// joined with a bare comma, never "combined" with `", "`), and `Origin`. Safelisted headers
/// are not copied, and no credentials are sent.
pub fn preflight_request(
    url: &str,
    method: &Method,
    unsafe_names: &[String],
    origin: &Origin,
) -> Request {
    let mut headers = HeaderList::new();
    headers.append("Accept", "*/*");
    headers.append("Access-Control-Request-Method", method.as_str().to_owned());
    if !unsafe_names.is_empty() {
        headers.append("Access-Control-Request-Headers", unsafe_names.join(","));
    }
    headers.append("Origin", origin.serialize());
    // Every engine marks the preflight with Sec-Fetch-Mode: cors (Chromium
    // `CreatePreflightRequest`, WebKit `createAccessControlPreflightRequest`, Gecko's fetch
    // metadata). It is not part of the CORS contract but belongs in the raw view.
    headers.append("Sec-Fetch-Mode", "cors");
    Request {
        method: "OPTIONS".into(),
        url: url.to_string(),
        headers,
    }
}

/// "Extract header list values" for a `#token` list: combined lines split on commas, trimmed,
/// empty elements skipped. `Err` names the first element that is not a token.
/// `None` when the header is absent.
pub fn parse_token_list(headers: &HeaderList, name: &str) -> Option<Result<Vec<String>, String>> {
    let combined = headers.get(name)?;
    let mut out = Vec::new();
    for element in combined.split(',') {
        let element = element.trim_matches(is_http_whitespace);
        if element.is_empty() {
            continue;
        }
        if !is_token(element) {
            return Some(Err(element.to_string()));
        }
        out.push(element.to_string());
    }
    Some(Ok(out))
}

/// The request facts the checks need.
pub struct Asked<'a> {
    /// The actual request's method.
    pub method: &'a Method,
    /// Its CORS-unsafe header names, lowercased, in the engine's order.
    pub unsafe_names: &'a [String],
    /// The author's header names as written, for Safari's message (which quotes them as written).
    pub author_headers: &'a HeaderList,
    /// The page origin.
    pub origin: &'a Origin,
    /// The URL the preflight went to (a redirect's Location resolves against it).
    pub url: &'a url::Url,
    /// Whether credentials mode is `include` (the preflight itself never carries credentials,
    /// but its checks use the actual request's mode).
    pub include_credentials: bool,
}

/// A check that passed, or a warning, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Step title.
    pub title: Cow<'static, str>,
    /// Step detail.
    pub detail: String,
    /// Where the rule comes from.
    pub source: Cow<'static, str>,
    /// A warning rather than a plain pass.
    pub warn: bool,
}

fn note(
    title: impl Into<Cow<'static, str>>,
    detail: String,
    source: impl Into<Cow<'static, str>>,
) -> Note {
    Note {
        title: title.into(),
        detail,
        source: source.into(),
        warn: false,
    }
}

/// A failed preflight check: which check, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightFailure {
    /// The check's title.
    pub title: Cow<'static, str>,
    /// The failure (boxed: it is large, and the success path should stay small).
    pub failure: Box<Failure>,
    /// Where the rule comes from.
    pub source: Cow<'static, str>,
}

fn failed(
    title: impl Into<Cow<'static, str>>,
    failure: Failure,
    source: impl Into<Cow<'static, str>>,
) -> PreflightFailure {
    PreflightFailure {
        title: title.into(),
        failure: Box::new(failure),
        source: source.into(),
    }
}

/// What a successful preflight grants, for the cache and the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// `Access-Control-Allow-Methods` elements (absent: empty).
    pub methods: Vec<String>,
    /// `Access-Control-Allow-Headers` elements, lowercased.
    pub headers: Vec<String>,
    /// `Access-Control-Max-Age` as sent, if any.
    pub max_age: Option<String>,
}

/// The checks that passed, in order, and then what the preflight granted or the check that
/// failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightOutcome {
    /// Every check that passed (or warned), in the engine's order.
    pub notes: Vec<Note>,
    /// What the preflight grants, or the failed check.
    pub result: Result<Granted, PreflightFailure>,
}

/// Runs the engine's preflight checks in the engine's order.
pub fn check_preflight_response(
    engine: Engine,
    response: &Response,
    asked: &Asked<'_>,
) -> PreflightOutcome {
    let mut notes = Vec::new();
    let result = check(engine, response, asked, &mut notes);
    PreflightOutcome { notes, result }
}

const STATUS_SOURCE: &str = "Fetch #cors-preflight-fetch-0 (ok status); Fetch #ok-status";
const CHECK_SOURCE: &str = "Fetch #concept-cors-check";

fn status_check(response: &Response) -> Result<Note, PreflightFailure> {
    if response.is_ok_status() {
        Ok(note(
            "Preflight status is ok",
            format!(
                "The preflight answered {}, inside 200–299.",
                response.status
            ),
            STATUS_SOURCE,
        ))
    } else {
        Err(failed(
            "Preflight status is not ok",
            Failure::new(
                BlockReason::PreflightStatusNotOk,
                response.status.to_string(),
                format!(
                    "The preflight answered {}; a preflight must answer with a status from 200 to 299, whatever its headers say.",
                    response.status
                ),
            ),
            STATUS_SOURCE,
        ))
    }
}

fn check(
    engine: Engine,
    response: &Response,
    asked: &Asked<'_>,
    notes: &mut Vec<Note>,
) -> Result<Granted, PreflightFailure> {
    let browser = engine.browser();
    // 1. Redirects: Chrome and Safari refuse them before looking at any header; Firefox runs
    //    the CORS check on the redirect response first (its listener sees the redirect later).
    let redirect_failure = || {
        failed(
            "Preflight was redirected",
            Failure::new(
                BlockReason::PreflightRedirect,
                response.status.to_string(),
                format!(
                    "The preflight answered {} with a Location header. Browsers never follow a redirect on a preflight; the OPTIONS request must be answered directly.",
                    response.status
                ),
            ),
            "Fetch #cors-preflight-fetch-0 (a redirect is not an ok status)",
        )
    };
    if response.is_redirect() && browser != Browser::Firefox {
        return Err(redirect_failure());
    }
    // 2. Status and Allow-Origin, in the engine's order.
    let check_source = format!(
        "{CHECK_SOURCE}; {}; order: {}",
        engine.cors_check_source(),
        engine.preflight_source()
    );
    let run_cors_check = |notes: &mut Vec<Note>| -> Result<(), PreflightFailure> {
        match cors_check(engine, response, asked.origin, asked.include_credentials) {
            Ok(passed) => {
                notes.push(note(
                    "Preflight passes the CORS check",
                    passed,
                    check_source.clone(),
                ));
                Ok(())
            }
            Err(mut f) => {
                f.on_redirect = response.is_redirect();
                Err(failed(
                    "Preflight fails the CORS check",
                    f,
                    check_source.clone(),
                ))
            }
        }
    };
    if engine.preflight_status_before_allow_origin() {
        notes.push(status_check(response)?);
        run_cors_check(notes)?;
    } else {
        run_cors_check(notes)?;
        if response.is_redirect() {
            let mut refused = redirect_failure();
            let location = response.headers.get("location").unwrap_or_default();
            let cross_origin_location = crate::http::join_url(asked.url, &location)
                .is_ok_and(|to| !Origin::of_url(&to).same_origin(&Origin::of_url(asked.url)));
            if browser == Browser::Firefox && cross_origin_location {
                // Toward another origin, Firefox then checks the redirect response once more
                // as from an opaque origin, and reports that failure too (observed in Firefox
                // 153: "does not match ‘<ACAO>’" after "external redirect not allowed").
                if let Err(again) =
                    cors_check(engine, response, &Origin::Opaque, asked.include_credentials)
                {
                    refused.failure.also = Some(Box::new(again));
                }
            }
            return Err(refused);
        }
        notes.push(status_check(response)?);
    }
    // 3. Parse both lists. Firefox parses Allow-Headers only after the method check passes.
    let methods = parse_list(engine, response, "access-control-allow-methods")?;
    if browser != Browser::Firefox {
        parse_list(engine, response, "access-control-allow-headers")?;
    }
    // 4. Method.
    let method = asked.method.as_str();
    let star_ok = !asked.include_credentials && methods.iter().any(|m| m == "*");
    let method_source = "Fetch #cors-preflight-fetch-0 (method check)";
    if asked.method.is_cors_safelisted() {
        notes.push(note(
            "Method needs no permission",
            format!("{method} is CORS-safelisted, so Access-Control-Allow-Methods does not need to list it."),
            method_source,
        ));
    } else if methods.iter().any(|m| m == method) {
        notes.push(note(
            "Method is allowed",
            format!("Access-Control-Allow-Methods lists {method} (compared case-sensitively)."),
            method_source,
        ));
    } else if star_ok {
        notes.push(note(
            "Method is allowed by *",
            format!("Access-Control-Allow-Methods has *, which allows {method} because the request does not include credentials."),
            method_source,
        ));
    } else {
        let listed = if response.headers.contains("access-control-allow-methods") {
            format!("lists {}", display_list(&methods))
        } else {
            "is absent".to_string()
        };
        let mut why = format!(
            "The preflight's Access-Control-Allow-Methods {listed}, which does not allow {method}."
        );
        if methods.iter().any(|m| m.eq_ignore_ascii_case(method)) {
            why.push_str(&format!(
                " Methods compare case-sensitively: the script's {method} is not the server's {}.",
                methods
                    .iter()
                    .find(|m| m.eq_ignore_ascii_case(method))
                    .map_or("", |s| s.as_str())
            ));
        }
        if methods.iter().any(|m| m == "*") && asked.include_credentials {
            why.push_str(" * is only a wildcard for requests without credentials.");
        }
        return Err(failed(
            "Method is not allowed",
            Failure::new(BlockReason::MethodNotAllowed, method, why),
            method_source,
        ));
    }
    if browser == Browser::Firefox {
        parse_list(engine, response, "access-control-allow-headers")?;
    }
    let allowed_headers: Vec<String> =
        match parse_token_list(&response.headers, "access-control-allow-headers") {
            Some(Ok(v)) => v.into_iter().map(|h| h.to_ascii_lowercase()).collect(),
            _ => Vec::new(),
        };
    // 5. Headers.
    let header_source = "Fetch #cors-preflight-fetch-0 (header names check)";
    let star = allowed_headers.iter().any(|h| h == "*");
    let mut failures: Vec<&String> = Vec::new();
    for name in asked.unsafe_names {
        if allowed_headers.contains(name) {
            continue;
        }
        if star && !asked.include_credentials {
            if name == "authorization" {
                if engine.wildcard_covers_authorization() {
                    notes.push(Note {
                        title: "Authorization allowed by * (non-standard)".into(),
                        detail: authorization_wildcard_detail(browser),
                        source: "Fetch #cors-non-wildcard-request-header-name (engine default departs from it)".into(),
                        warn: true,
                    });
                    continue;
                }
            } else {
                continue;
            }
        }
        failures.push(name);
    }
    if let Some(first) = failures.first() {
        // Chrome and Firefox lowercase the name. WebKit names the first refused header in
        // its header map's order, spelled its own way (see `webkit_headers`).
        let param = match browser {
            Browser::Safari => super::webkit_headers::first_in_map_order(
                &asked
                    .author_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
                |n| failures.iter().any(|f| f.eq_ignore_ascii_case(n)),
            )
            .unwrap_or_else(|| first.to_string()),
            _ => first.to_string(),
        };
        let listed = if response.headers.contains("access-control-allow-headers") {
            format!("lists {}", display_list(&allowed_headers))
        } else {
            "is absent".to_string()
        };
        let mut why = format!(
            "The request sends {} but the preflight's Access-Control-Allow-Headers {listed}.",
            failures
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        if star && asked.include_credentials {
            why.push_str(" * is only a wildcard for requests without credentials.");
        }
        if failures.len() > 1 && browser == Browser::Chrome {
            why.push_str(" Several headers are missing; Chrome names one of them, and which one depends on its internal header order.");
        }
        let mut failure = Failure::new(BlockReason::HeaderNotAllowed, param, why);
        if browser == Browser::Chrome {
            // Chromium names the first failing header in its internal header-map order, which
            // depends on neither the script's order nor the alphabet (browser-cors.md §12.5,
            // confirmed by the conformance suite): every failing name is a possible message.
            failure.others = failures.iter().skip(1).map(|s| s.to_string()).collect();
        }
        return Err(failed(
            "Request header is not allowed",
            failure,
            header_source,
        ));
    }
    if !asked.unsafe_names.is_empty() {
        notes.push(note(
            "Request headers are allowed",
            format!(
                "Access-Control-Allow-Headers covers {}.",
                asked.unsafe_names.join(", ")
            ),
            header_source,
        ));
    }
    Ok(Granted {
        methods,
        headers: allowed_headers,
        max_age: response
            .headers
            .get("access-control-max-age")
            .map(Cow::into_owned),
    })
}

/// What a preflight response grants, read without checking the request against it: WebKit
/// caches a response that passed the status and Allow-Origin checks and parses even when the
/// request's method or headers then fail (`validatePreflightResponse` appends the entry before
/// it returns the method or header error), so the next request it covers skips the preflight
/// (observed in WebKitGTK 2.50 by the conformance suite).
pub fn granted_by(response: &Response) -> Granted {
    let list = |name: &str| match parse_token_list(&response.headers, name) {
        Some(Ok(v)) => v,
        _ => Vec::new(),
    };
    Granted {
        methods: list("access-control-allow-methods"),
        headers: list("access-control-allow-headers")
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect(),
        max_age: response
            .headers
            .get("access-control-max-age")
            .map(Cow::into_owned),
    }
}

fn authorization_wildcard_detail(browser: Browser) -> String {
    match browser {
        Browser::Chrome => "The Fetch standard says * never covers Authorization, but Chrome still lets it through (the CorsNonWildcardRequestHeadersSupport feature is off by default) and reports a DevTools issue: Authorization will not be covered by the wildcard symbol (*) in CORS `Access-Control-Allow-Headers` handling. List authorization explicitly.".into(),
        Browser::Firefox => "The Fetch standard says * never covers Authorization, but Firefox lets it through by default (network.cors_preflight.authorization_covered_by_wildcard is true since Firefox 115). List authorization explicitly.".into(),
        Browser::Safari => "The Fetch standard says * never covers Authorization, but WebKit lets * cover every header. List authorization explicitly.".into(),
    }
}

fn display_list(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_string()
    } else {
        items.join(", ")
    }
}

fn parse_list(
    engine: Engine,
    response: &Response,
    name: &str,
) -> Result<Vec<String>, PreflightFailure> {
    let (reason, display) = if name == "access-control-allow-methods" {
        (
            BlockReason::AllowMethodsUnparsable,
            "Access-Control-Allow-Methods",
        )
    } else {
        (
            BlockReason::AllowHeadersUnparsable,
            "Access-Control-Allow-Headers",
        )
    };
    match parse_token_list(&response.headers, name) {
        None => Ok(Vec::new()),
        Some(Ok(v)) => Ok(v),
        Some(Err(bad)) => {
            // Firefox quotes the bad token; Safari the whole value; Chrome neither.
            let param = match engine.browser() {
                Browser::Firefox => bad.clone(),
                _ => response.headers.get(name).unwrap_or_default().into_owned(),
            };
            Err(failed(
                format!("{display} does not parse"),
                Failure::new(
                    reason,
                    param,
                    format!("{display} must be a comma-separated list of tokens; {bad:?} is not a token (spaces, quotes and ; are not allowed), so the whole preflight fails, whatever the request needs."),
                ),
                "Fetch #cors-preflight-fetch-0; Fetch #extract-header-list-values",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lists_allow_empty_elements_and_reject_spaces() {
        let h: HeaderList = [("Access-Control-Allow-Methods", ",PUT,, GET ,")]
            .into_iter()
            .collect();
        assert_eq!(
            parse_token_list(&h, "access-control-allow-methods"),
            Some(Ok(vec!["PUT".to_string(), "GET".to_string()]))
        );
        let bad: HeaderList = [("Access-Control-Allow-Methods", "PUT GET")]
            .into_iter()
            .collect();
        assert_eq!(
            parse_token_list(&bad, "access-control-allow-methods"),
            Some(Err("PUT GET".to_string()))
        );
        assert_eq!(parse_token_list(&bad, "access-control-allow-headers"), None);
    }

    #[test]
    fn preflight_request_lists_unsafe_names_with_a_bare_comma() {
        let r = preflight_request(
            "https://b.example/x",
            &Method::normalize("put").unwrap(),
            &["content-type".into(), "x-amz-acl".into()],
            &Origin::parse("https://a.example").unwrap(),
        );
        assert_eq!(r.method, "OPTIONS");
        assert_eq!(
            r.headers.get("access-control-request-method").as_deref(),
            Some("PUT")
        );
        assert_eq!(
            r.headers.get("access-control-request-headers").as_deref(),
            Some("content-type,x-amz-acl")
        );
        assert_eq!(r.headers.get("accept").as_deref(), Some("*/*"));
        assert_eq!(
            r.headers.get("origin").as_deref(),
            Some("https://a.example")
        );
    }
}
