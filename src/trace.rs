//! The output contract (design.md §4.2): everything that happened, in order, and the verdict.

use crate::http::{Request, Response};
use crate::scenario::Browser;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// What happened to one request, from the page's call to what its script can read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// `allowed` when script gets a usable response, `blocked` otherwise.
    pub outcome: Outcome,
    /// Whether the URL's origin differs from the page's.
    pub cross_origin: bool,
    /// The preflight, when one was needed (sent, or answered from the cache).
    pub preflight: Option<Preflight>,
    /// The actual request as sent, or `null` when it never left the browser.
    pub request: Option<Request>,
    /// The final response to the actual request, or `null` when none arrived.
    pub response: Option<Response>,
    /// Redirect hops of the actual request, each a request and its 3xx answer, in order.
    #[serde(default)]
    pub redirects: Vec<Hop>,
    /// Why the request was blocked, or `null`.
    pub blocked: Option<Blocked>,
    /// Response header names script can read, lowercased, in response order.
    pub readable_headers: Vec<String>,
    /// What script gets back.
    pub js: JsView,
    /// Every decision and check, in the order the browser makes them.
    pub steps: Vec<Step>,
    /// The engine simulated.
    pub browser: Browser,
    /// Traces of the scenario's later requests, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequence: Vec<Trace>,
}

/// Allowed or blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Script receives the response.
    Allowed,
    /// Script receives a network error (or a `TypeError` before anything is sent).
    Blocked,
}

/// The preflight exchange.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preflight {
    /// Each reason the request needs a preflight, in words.
    pub reasons: Vec<String>,
    /// The `OPTIONS` request, exactly as sent.
    pub request: Request,
    /// The server's answer (`null` when served from the cache).
    pub response: Option<Response>,
    /// Whether the browser's preflight cache answered instead of the network.
    pub from_cache: bool,
    /// Until when (seconds since the scenario's first request) the cached result covers this
    /// request; `null` when the result is not cached.
    pub cached_until: Option<f64>,
}

/// One hop of a redirected request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The request sent for this hop.
    pub request: Request,
    /// The 3xx response.
    pub response: Response,
}

/// Why a request was blocked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    /// Where: before sending (`request`), on the preflight, or on the actual response.
    pub stage: Stage,
    /// The reason id of spec/browser-errors.md §2.
    pub reason: BlockReason,
    /// The CORS console line exactly as the chosen browser prints it.
    pub console: String,
    /// Every console line the browser prints for this failure, in order.
    pub console_lines: Vec<String>,
    /// Other CORS lines the browser may print instead of `console` where its choice is not
    /// predictable (Chrome naming one of several disallowed request headers); usually empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
}

/// Where a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Before anything was sent.
    Request,
    /// On the preflight response.
    Preflight,
    /// On the actual response (or a redirect hop).
    Response,
}

/// Block reason ids (browser-errors.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    /// No `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// `*` with credentials `include`.
    WildcardOriginWithCredentials,
    /// Several origins (lines, commas or spaces).
    MultipleAllowOrigin,
    /// Not a URL at all.
    InvalidAllowOriginValue,
    /// Another origin, a trailing slash, other case, `null`.
    AllowOriginMismatch,
    /// Credentials `include` without `Access-Control-Allow-Credentials: true`.
    AllowCredentialsNotTrue,
    /// The preflight answered outside 200–299.
    PreflightStatusNotOk,
    /// The preflight answered with a redirect.
    PreflightRedirect,
    /// `Access-Control-Allow-Methods` does not parse.
    AllowMethodsUnparsable,
    /// `Access-Control-Allow-Headers` does not parse.
    AllowHeadersUnparsable,
    /// The method is not allowed by the preflight.
    MethodNotAllowed,
    /// A request header is not allowed by the preflight.
    HeaderNotAllowed,
    /// `Authorization` under `Access-Control-Allow-Headers: *` where the engine enforces the spec.
    AuthorizationNotCoveredByWildcard,
    /// A cross-origin redirect whose Location has a user or password.
    RedirectContainsCredentials,
    /// A CORS request to a scheme that cannot do CORS.
    CorsDisabledScheme,
    /// `mode: "same-origin"` to another origin.
    DisallowedByMode,
    /// The API refuses the request before sending it (a `TypeError`).
    InvalidRequest,
    /// More than 20 redirects.
    TooManyRedirects,
    /// An `https:` page fetching an `http:` URL (browser/mixed_content.rs).
    MixedContent,
}

impl BlockReason {
    /// The id as written in the contract.
    pub fn id(self) -> &'static str {
        match self {
            BlockReason::MissingAllowOrigin => "missing_allow_origin",
            BlockReason::WildcardOriginWithCredentials => "wildcard_origin_with_credentials",
            BlockReason::MultipleAllowOrigin => "multiple_allow_origin",
            BlockReason::InvalidAllowOriginValue => "invalid_allow_origin_value",
            BlockReason::AllowOriginMismatch => "allow_origin_mismatch",
            BlockReason::AllowCredentialsNotTrue => "allow_credentials_not_true",
            BlockReason::PreflightStatusNotOk => "preflight_status_not_ok",
            BlockReason::PreflightRedirect => "preflight_redirect",
            BlockReason::AllowMethodsUnparsable => "allow_methods_unparsable",
            BlockReason::AllowHeadersUnparsable => "allow_headers_unparsable",
            BlockReason::MethodNotAllowed => "method_not_allowed",
            BlockReason::HeaderNotAllowed => "header_not_allowed",
            BlockReason::AuthorizationNotCoveredByWildcard => {
                "authorization_not_covered_by_wildcard"
            }
            BlockReason::RedirectContainsCredentials => "redirect_contains_credentials",
            BlockReason::CorsDisabledScheme => "cors_disabled_scheme",
            BlockReason::DisallowedByMode => "disallowed_by_mode",
            BlockReason::InvalidRequest => "invalid_request",
            BlockReason::TooManyRedirects => "too_many_redirects",
            BlockReason::MixedContent => "mixed_content",
        }
    }
}

/// What the page's script receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsView {
    /// `basic`, `cors`, `opaque`, or `error`.
    pub response_type: String,
    /// `response.status` (0 for opaque responses and errors).
    pub status: u16,
    /// The rejection or exception text, e.g. `TypeError: Failed to fetch`.
    pub error: Option<String>,
    /// Whether the body is readable.
    pub body_readable: bool,
}

/// One step of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Which part of the timeline it belongs to.
    pub phase: Phase,
    /// A short title.
    pub title: Cow<'static, str>,
    /// Pass, fail or information.
    pub result: StepResult,
    /// The explanation, naming the values involved (fixed text stays borrowed, as for the
    /// title and source).
    pub detail: Cow<'static, str>,
    /// Where the rule comes from: a Fetch section, an engine's behaviour, an AWS document.
    pub source: Cow<'static, str>,
}

/// The parts of the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// What the script asked for, and what the browser makes of it.
    Page,
    /// The preflight request and the browser's checks of its response.
    Preflight,
    /// What the server decided, and why.
    Server,
    /// The actual request and the checks of its response.
    Actual,
    /// What script can read.
    Js,
}

/// Whether a step passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepResult {
    /// A check passed.
    Pass,
    /// A check failed: the request is blocked here.
    Fail,
    /// Information, or a decision that is neither.
    Info,
    /// Passed, with a warning the browser prints or the user should know.
    Warn,
}

/// Appends `items` separated by `", "`: the lists in the trace's sentences (header names, a
/// rule's methods) are written straight into the sentence instead of joined into a string first.
pub(crate) fn push_joined<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    push_separated(out, items, ", ");
}

/// Appends `items` separated by `separator` (see [`push_joined`]).
pub(crate) fn push_separated<'a>(
    out: &mut String,
    items: impl IntoIterator<Item = &'a str>,
    separator: &str,
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item);
    }
}
