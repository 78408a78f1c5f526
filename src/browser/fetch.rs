//! The fetch itself: from the script's call to what it can read, step by step.
//!
//! This follows <https://fetch.spec.whatwg.org/#main-fetch> and the engine differences of
//! spec/browser-cors.md, asking the [`Server`] for each response. It is the only place that
//! orders the steps; the checks live in their own modules.

use super::console::{console_lines, redirect_refused_lines, too_many_redirects_lines, Context};
use super::cors_check::{cors_check, Failure};
use super::engine::Engine;
use super::exposure::{basic_readable_headers, exposure, readable_given, Exposure};
use super::preflight::{check_preflight_response, preflight_request, Asked};
use super::preflight_cache::{Lookup, PreflightCache, Query};
use super::safelist::{
    cors_unsafe_request_header_names, is_forbidden_request_header, is_no_cors_safelisted_name,
    safelist_verdict,
};
use crate::error::{Error, Span};
use crate::http::{HeaderList, Method, MethodError, Origin, Request, Response, Server};
use crate::scenario::{Api, BodyKind, BodySpec, Browser, Credentials, Mode, RequestSpec};
use crate::trace::{
    push_joined, push_separated, BlockReason, Blocked, Hop, JsView, Outcome, Phase, Preflight,
    Stage, Step, StepResult, Trace,
};
use std::borrow::Cow;
use std::fmt::Write as _;
use url::Url;

/// At most this many redirects are followed (<https://fetch.spec.whatwg.org/#http-redirect-fetch>).
const MAX_REDIRECTS: usize = 20;

/// The request headers Gecko never merges (nsHttpHeaderArray::IsSingletonHeader), less those
/// script cannot set: a repeated one goes out once, with one of its values.
const GECKO_SINGLETON_REQUEST_HEADERS: &[&str] = &[
    "content-type",
    "content-disposition",
    "user-agent",
    "authorization",
    "if-modified-since",
    "if-unmodified-since",
    "from",
    "location",
    "max-forwards",
];

/// Simulates one request of `browser` against `server`.
///
/// `Err` only for input that cannot be simulated at all (an origin or URL that is not one);
/// everything the browser itself refuses is a blocked [`Trace`].
pub fn fetch(
    spec: &RequestSpec,
    browser: Browser,
    server: &dyn Server,
    cache: &mut PreflightCache,
    now: f64,
) -> Result<Trace, Error> {
    let origin = Origin::parse(&spec.origin)
        .map_err(|e| Error::scenario(format!("request.origin: {e}"), None))?;
    let url = crate::http::parse_url(spec.url.trim()).map_err(|e| {
        Error::scenario(
            format!(
                "request.url: {:?} is not an absolute URL ({e}); write it like https://bucket.s3.amazonaws.com/key",
                spec.url
            ),
            None,
        )
    })?;
    let mut run = Run::new(spec, browser, origin, url);
    run.now = now;
    run.go(server, cache);
    Ok(run.finish())
}

/// One run's state: the request as it evolves and the trace being written.
struct Run<'a> {
    spec: &'a RequestSpec,
    engine: Engine,
    origin: Origin,
    url: Url,
    initial_url: Url,
    api: Api,
    mode: Mode,
    include: bool,
    method: Method,
    headers: HeaderList,
    use_preflight_flag: bool,
    /// The request needed a preflight at some hop (see
    /// `Engine::keeps_preflight_requirement_across_redirects`).
    needed_preflight: bool,
    /// The CORS-unsafe names of the request as the script made it (WebKit asks for them again
    /// after a redirect, even for headers the redirect removed).
    first_preflight_names: Option<Vec<String>>,
    /// What the preflight decision reads when it is not the headers sent: Firefox decides on
    /// the script's Content-Type before XHR rewrites its charset.
    decision_headers: Option<HeaderList>,
    /// Redirect-tainted origin: Origin is `null` from then on.
    tainted: bool,
    /// Response tainting is `cors` (once set by a cross-origin URL, it stays).
    cors_tainting: bool,
    /// Seconds since the scenario's first request.
    now: f64,
    trace: Trace,
}

impl<'a> Run<'a> {
    fn new(spec: &'a RequestSpec, browser: Browser, origin: Origin, url: Url) -> Run<'a> {
        Run {
            spec,
            engine: Engine(browser),
            origin,
            initial_url: url.clone(),
            url,
            api: spec.api,
            mode: spec.mode,
            include: spec.credentials == Credentials::Include,
            method: Method::get(),
            headers: HeaderList::new(),
            use_preflight_flag: false,
            needed_preflight: false,
            first_preflight_names: None,
            decision_headers: None,
            tainted: false,
            cors_tainting: false,
            now: 0.0,
            trace: Trace {
                outcome: Outcome::Allowed,
                cross_origin: false,
                preflight: None,
                request: None,
                response: None,
                redirects: Vec::new(),
                blocked: None,
                readable_headers: Vec::new(),
                js: JsView {
                    response_type: "error".into(),
                    status: 0,
                    error: None,
                    body_readable: false,
                },
                // A simple request writes about a dozen steps, a preflighted one about twenty:
                // one allocation instead of a growing vector's four.
                steps: Vec::with_capacity(24),
                browser,
                sequence: Vec::new(),
            },
        }
    }

    fn finish(self) -> Trace {
        self.trace
    }

    fn browser(&self) -> Browser {
        self.engine.browser()
    }

    fn step(
        &mut self,
        phase: Phase,
        title: impl Into<Cow<'static, str>>,
        result: StepResult,
        detail: impl Into<Cow<'static, str>>,
        source: impl Into<Cow<'static, str>>,
    ) {
        self.trace.steps.push(Step {
            phase,
            title: title.into(),
            result,
            detail: detail.into(),
            source: source.into(),
        });
    }

    /// The serialized request origin: `null` once a redirect tainted it
    /// (<https://fetch.spec.whatwg.org/#serializing-a-request-origin>).
    fn origin_header(&self) -> String {
        let mut out = String::new();
        self.push_origin_header(&mut out);
        out
    }

    /// Appends the Origin header's value ([`Self::origin_header`]) to a sentence.
    fn push_origin_header(&self, out: &mut String) {
        if self.tainted {
            out.push_str("null");
        } else {
            let _ = write!(out, "{}", self.origin);
        }
    }

    fn effective_origin(&self) -> Origin {
        if self.tainted {
            Origin::Opaque
        } else {
            self.origin.clone()
        }
    }

    /// The origin a preflight carries and is checked against (see
    /// `Engine::preflight_keeps_page_origin`).
    fn preflight_origin(&self) -> Origin {
        if self.engine.preflight_keeps_page_origin() {
            self.origin.clone()
        } else {
            self.effective_origin()
        }
    }

    fn preflight_origin_header(&self) -> String {
        match self.preflight_origin() {
            Origin::Opaque => "null".into(),
            o => o.serialize(),
        }
    }

    fn go(&mut self, server: &dyn Server, cache: &mut PreflightCache) {
        if !self.prepare() {
            return;
        }
        if self.url.scheme() == "data" {
            return self.data_url_fetch();
        }
        let url_origin = Origin::of_url(&self.url);
        let same_origin = self.origin.same_origin(&url_origin);
        self.trace.cross_origin = !same_origin;
        if same_origin {
            self.step(
                Phase::Page,
                "Same-origin request",
                StepResult::Info,
                format!(
                    "The page's origin {} is the URL's origin (same scheme, host and port), so CORS does not apply unless a redirect leaves this origin: no preflight, no Origin check, and script reads the whole response.",
                    self.origin
                ),
                "Fetch #main-fetch (same origin: basic fetch)",
            );
        } else {
            self.step(
                Phase::Page,
                "Cross-origin request",
                StepResult::Info,
                cross_origin_detail(&self.origin, &url_origin),
                "HTML #same-origin; Fetch #main-fetch",
            );
            if super::mixed_content::blocks(self.browser(), &self.origin, &self.url) {
                let url = self.url.clone();
                return self.block_mixed_content(&url, Stage::Request);
            }
            match self.mode {
                Mode::SameOrigin => return self.block_before_sending_mode(false),
                Mode::NoCors => return self.no_cors_fetch(server, 0),
                Mode::Cors => {}
            }
        }
        self.http_loop(server, cache);
    }

    /// Method, headers, body and API rules applied before anything is sent. Returns false when
    /// the API throws.
    fn prepare(&mut self) -> bool {
        let spec = self.spec;
        if self.api == Api::Xhr {
            if self.mode != Mode::Cors {
                self.step(
                    Phase::Page,
                    "XMLHttpRequest is always in cors mode",
                    StepResult::Info,
                    "XMLHttpRequest has no mode option: its requests use mode cors, so the mode setting is ignored.",
                    "XHR #the-send()-method",
                );
                self.mode = Mode::Cors;
            }
            if spec.credentials == Credentials::Omit {
                self.step(
                    Phase::Page,
                    "XMLHttpRequest cannot omit credentials",
                    StepResult::Info,
                    "XMLHttpRequest has only withCredentials: false means credentials mode same-origin, so omit is treated as same-origin.",
                    "XHR #the-send()-method",
                );
            }
        }
        // Method: token check, forbidden methods, normalization.
        self.method = match Method::normalize(spec.method.trim()) {
            Ok(m) => m,
            Err(e) => {
                let text = self.method_error_text(&e);
                self.block_type_error(
                    "The method is refused",
                    format!("{e} The API throws before sending anything."),
                    text,
                    "Fetch #dom-request (method); Fetch #forbidden-method",
                );
                return false;
            }
        };
        if self.method.as_str() != spec.method.trim() {
            let m = self.method.clone();
            self.step(
                Phase::Page,
                "Method normalized",
                StepResult::Info,
                format!(
                    "{:?} becomes {m}: fetch uppercases only DELETE, GET, HEAD, OPTIONS, POST and PUT.",
                    spec.method
                ),
                "Fetch #concept-method-normalize",
            );
        } else if self.method.as_str() != self.method.as_str().to_ascii_uppercase() {
            let m = self.method.clone();
            self.step(
                Phase::Page,
                "Method kept as written",
                StepResult::Warn,
                format!(
                    "{m} is not uppercased: fetch normalizes only DELETE, GET, HEAD, OPTIONS, POST and PUT, so the server sees {m}, and a server that allows {} does not allow {m}.",
                    m.as_str().to_ascii_uppercase()
                ),
                "Fetch #concept-method-normalize",
            );
        }
        if self.mode == Mode::NoCors && !self.method.is_cors_safelisted() {
            let text = match self.browser() {
                Browser::Chrome => format!("TypeError: Failed to execute 'fetch' on 'Window': '{}' is unsupported in no-cors mode.", self.method),
                Browser::Firefox => format!("TypeError: Window.fetch: Invalid request method {}.", self.method),
                Browser::Safari => "TypeError: Method must be GET, POST or HEAD in no-cors mode.".into(),
            };
            self.block_type_error(
                "no-cors allows only GET, HEAD and POST",
                format!("mode no-cors only allows CORS-safelisted methods; {} is not one, so fetch throws before sending.", self.method),
                text,
                "Fetch #dom-request (no-cors: method must be CORS-safelisted)",
            );
            return false;
        }
        // Headers: validity, forbidden names, the no-cors guard.
        let mut dropped = Vec::new();
        let mut kept = HeaderList::new();
        for (name, value) in spec.headers.iter() {
            if !crate::http::is_token(name) {
                let text = self.header_error_text(name, value, true);
                self.block_type_error(
                    "A header name is invalid",
                    format!("{name:?} is not a valid header name (an RFC 9110 token), so the API throws."),
                    text,
                    "Fetch #headers-validate",
                );
                return false;
            }
            if value.chars().any(|c| u32::from(c) > 0xFF) {
                // Header values are ByteStrings: WebIDL refuses any code point above U+00FF.
                let text = self.byte_string_error_text(name);
                self.block_type_error(
                    "A header value is not a byte string",
                    format!("The value of {name} holds a character above U+00FF; header values are byte strings, so the API throws."),
                    text,
                    "WebIDL #es-ByteString; Fetch #headers-validate",
                );
                return false;
            }
            // The value is normalized first (leading and trailing tabs, spaces, CR and LF
            // stripped), then validated: only a NUL, CR or LF left inside makes the API throw.
            if crate::http::normalize_value(value)
                .bytes()
                .any(|b| matches!(b, 0 | b'\r' | b'\n'))
            {
                let text = self.header_error_text(name, value, false);
                self.block_type_error(
                    "A header value is invalid",
                    format!("The value of {name} holds NUL, CR or LF, so the API throws."),
                    text,
                    "Fetch #concept-headers-append (normalize, then validate); Fetch #header-value",
                );
                return false;
            }
            let value = crate::http::normalize_value(value);
            if is_forbidden_request_header(name, value) {
                dropped.push(format!("{name} (a forbidden header: the browser owns it)"));
                continue;
            }
            // The request-no-cors guard checks the value the header would have after this
            // append (earlier lines and this one combined), so a second Accept line that makes
            // the combination unsafe is dropped on its own (Fetch #concept-headers-append).
            if self.mode == Mode::NoCors {
                let combined = match kept.get(name) {
                    Some(earlier) => format!("{earlier}, {value}"),
                    None => value.to_string(),
                };
                if !is_no_cors_safelisted_name(name)
                    || safelist_verdict(self.engine, name, &combined).is_err()
                {
                    dropped.push(format!("{name} (not allowed in no-cors mode)"));
                    continue;
                }
            }
            kept.append(name.to_owned(), value.to_owned());
        }
        if self.api == Api::Xhr && kept.combined().len() < kept.len() {
            // setRequestHeader() combines a repeated name into one `a, b` value
            // (XHR #the-setrequestheader()-method: "combine"), in every engine.
            kept = kept.combined();
            self.step(
                Phase::Page,
                "Repeated headers combined",
                StepResult::Info,
                "setRequestHeader() with a name already set appends to its value: the request carries one line per name, values joined with \", \".",
                "XHR #the-setrequestheader()-method (combine)",
            );
        }
        if !dropped.is_empty() {
            self.step(
                Phase::Page,
                "Headers dropped silently",
                StepResult::Warn,
                format!(
                    "The browser ignores {} without any error; the server never sees them.",
                    dropped.join(", ")
                ),
                "Fetch #forbidden-request-header; Fetch #concept-headers-append",
            );
        }
        self.headers = kept;
        // Body: implicit Content-Type, and the bodies that force a preflight.
        if let Some(body) = &spec.body {
            if matches!(self.method.as_str(), "GET" | "HEAD") {
                if self.api == Api::Fetch {
                    let text = match self.browser() {
                        Browser::Chrome => "TypeError: Failed to execute 'fetch' on 'Window': Request with GET/HEAD method cannot have body.".to_string(),
                        Browser::Firefox => "TypeError: Window.fetch: HEAD or GET Request cannot have a body.".to_string(),
                        Browser::Safari => format!("TypeError: Request has method '{}' and cannot have a body", self.method),
                    };
                    self.block_type_error(
                        "GET and HEAD cannot have a body",
                        "fetch() throws when a GET or HEAD request has a body.".into(),
                        text,
                        "Fetch #dom-request (GET/HEAD with a body)",
                    );
                    return false;
                }
                self.step(
                    Phase::Page,
                    "Body ignored",
                    StepResult::Info,
                    "XMLHttpRequest's send() ignores the body of a GET or HEAD request.",
                    "XHR #the-send()-method (GET/HEAD: body is null)",
                );
            } else {
                self.apply_body(body);
            }
        }
        // The upload listener flag forces a preflight only when there is a body to upload
        // (XHR send(): "If this's upload listener flag is set and req's body is non-null");
        // Firefox and WebKit do not look at the body.
        let has_body = (spec.body.is_some() && !matches!(self.method.as_str(), "GET" | "HEAD"))
            || !self.engine.upload_listeners_need_a_body();
        if self.api == Api::Xhr && spec.upload_listeners && !has_body {
            self.step(
                Phase::Page,
                "Upload listeners without a body",
                StepResult::Info,
                "An event listener on xhr.upload forces a preflight only when the request has a body; this one has none, so it changes nothing.",
                "XHR #the-send()-method (upload listener flag)",
            );
        }
        if self.api == Api::Xhr && spec.upload_listeners && has_body {
            self.use_preflight_flag = true;
            let bodiless = spec.body.is_none() || matches!(self.method.as_str(), "GET" | "HEAD");
            let (detail, source): (Cow<'static, str>, &str) = if bodiless {
                (
                    format!("An event listener on xhr.upload was registered before send(). The standard sets the use-CORS-preflight flag only when there is a body to upload; {} sets it anyway, so a cross-origin request is always preflighted.", self.browser().display_name()).into(),
                    "Engine behaviour (observed in Firefox 153 and WebKitGTK 2.50); XHR #the-send()-method (upload listener flag)",
                )
            } else {
                (
                    "An event listener on xhr.upload was registered before send(), which sets the use-CORS-preflight flag: a cross-origin request is then always preflighted.".into(),
                    "XHR #the-send()-method (upload listener flag)",
                )
            };
            self.step(
                Phase::Page,
                "Upload listeners force a preflight",
                StepResult::Info,
                detail,
                source,
            );
        }
        if self.engine.sends_header_values_as_utf8()
            && self.headers.iter().any(|(_, v)| !v.is_ascii())
        {
            self.step(
                Phase::Page,
                "Non-ASCII header values go out as UTF-8",
                StepResult::Warn,
                "Header values are byte strings, but WebKit encodes a character above U+007F as two bytes on the wire (é is sent as C3 A9; a server reading ISO-8859-1 sees Ã©). The CORS decision still counts one byte per character. Seen in WebKitGTK; Safari's own network stack was not observed and may differ.",
                "WebKit behaviour (observed in WebKitGTK 2.50); Fetch #concept-header-value",
            );
        }
        if self.include {
            let detail = match self.api {
                Api::Fetch => "credentials: include sends cookies and HTTP authentication to the other origin, and requires the response to echo the exact origin with Access-Control-Allow-Credentials: true.",
                Api::Xhr => "withCredentials = true sends cookies and HTTP authentication to the other origin, and requires the response to echo the exact origin with Access-Control-Allow-Credentials: true.",
            };
            self.step(
                Phase::Page,
                "Credentials included",
                StepResult::Info,
                detail,
                "Fetch #cors-protocol-and-credentials",
            );
        }
        true
    }

    fn apply_body(&mut self, body: &BodySpec) {
        let (kind, blob_type) = match body {
            BodySpec::Text(_) => (BodyKind::String, None),
            BodySpec::Typed { kind, blob_type } => (*kind, blob_type.clone()),
        };
        let implicit = match kind {
            BodyKind::String => Some("text/plain;charset=UTF-8".to_string()),
            BodyKind::Urlsearchparams => {
                Some("application/x-www-form-urlencoded;charset=UTF-8".to_string())
            }
            BodyKind::Formdata => {
                Some("multipart/form-data; boundary=----formdata-cors-sim-0123456789".to_string())
            }
            BodyKind::Blob => blob_type.filter(|t| !t.is_empty()),
            BodyKind::Buffer | BodyKind::Stream => None,
        };
        if let Some(ct) = implicit {
            // The Request constructor appends the body's type through the headers' guard, so in
            // no-cors mode a type that is not safelisted is dropped like a script's header
            // (Fetch #dom-request, "If type is non-null and this's headers's header list does
            // not contain `Content-Type`, then append"; observed in Chromium 156 and Firefox
            // 153; WebKit sends the body's type anyway).
            if self.mode == Mode::NoCors
                && !self.headers.contains("content-type")
                && !self.engine.body_type_skips_no_cors_guard()
                && safelist_verdict(self.engine, "content-type", &ct).is_err()
            {
                self.step(
                    Phase::Page,
                    "The body's Content-Type is dropped",
                    StepResult::Warn,
                    format!("The body would add Content-Type: {ct}, but in no-cors mode only a CORS-safelisted Content-Type may be set, so the request goes without one."),
                    "Fetch #dom-request (append through the request-no-cors guard)",
                );
            } else if !self.headers.contains("content-type") {
                self.step(
                    Phase::Page,
                    "Content-Type set by the body",
                    StepResult::Info,
                    format!("The body adds Content-Type: {ct}, since the script did not set one."),
                    "Fetch #concept-bodyinit-extract",
                );
                self.headers.append("Content-Type", ct);
            }
        }
        if self.api == Api::Xhr && kind == BodyKind::String {
            self.rewrite_xhr_charset();
        }
        if kind == BodyKind::Stream {
            self.use_preflight_flag = true;
            self.step(
                Phase::Page,
                "A stream body forces a preflight",
                StepResult::Info,
                "A ReadableStream body (with duplex: \"half\") sets the use-CORS-preflight flag.",
                "Fetch #dom-request (stream body sets use-CORS-preflight)",
            );
        }
    }

    /// XHR `send()` with a string body sets the charset parameter the script wrote in
    /// Content-Type to UTF-8 (XHR #the-send()-method, step 4.4). The standard leaves a
    /// `utf-8` in any case alone; Chromium rewrites every charset value, `utf-8` included
    /// (observed in Chromium 156).
    fn rewrite_xhr_charset(&mut self) {
        let Some(ct) = self.headers.get("content-type") else {
            return;
        };
        let mut out = String::with_capacity(ct.len());
        let mut changed = false;
        for (i, part) in ct.split(';').enumerate() {
            if i > 0 {
                out.push(';');
            }
            let trimmed = part.trim_start_matches(crate::http::is_http_whitespace);
            let lead = &part[..part.len() - trimmed.len()];
            match trimmed.split_once('=') {
                Some((name, value))
                    if i > 0
                        && name.eq_ignore_ascii_case("charset")
                        && (self.browser() == Browser::Chrome
                            || !value.trim_matches('"').eq_ignore_ascii_case("utf-8")) =>
                {
                    // A quoted value stays quoted (observed: charset="latin1" becomes
                    // charset="UTF-8", which is still not CORS-safelisted).
                    let utf8 = if value.starts_with('"') {
                        "\"UTF-8\""
                    } else {
                        "UTF-8"
                    };
                    changed |= value != utf8;
                    out.push_str(lead);
                    out.push_str(name);
                    out.push('=');
                    out.push_str(utf8);
                }
                _ => out.push_str(part),
            }
        }
        // Firefox and WebKit re-serialize a value whose charset was quoted, as the standard's
        // "serialize a MIME type" does: `text/plain; charset="latin1"` goes out as
        // `text/plain;charset=UTF-8`. Firefox still decides on the preflight from the script's
        // value; WebKit from the sent one (observed by the conformance suite).
        let quoted = ct.split(';').skip(1).any(|p| {
            p.trim_start_matches(crate::http::is_http_whitespace)
                .split_once('=')
                .is_some_and(|(n, v)| n.eq_ignore_ascii_case("charset") && v.starts_with('"'))
        });
        if changed && quoted && self.browser() != Browser::Chrome {
            out = ct
                .split(';')
                .enumerate()
                .map(|(i, part)| {
                    let part = part.trim_matches(crate::http::is_http_whitespace);
                    match part.split_once('=') {
                        Some((n, _)) if i > 0 && n.eq_ignore_ascii_case("charset") => {
                            format!("{}=UTF-8", n.to_ascii_lowercase())
                        }
                        _ => part.to_string(),
                    }
                })
                .collect::<Vec<_>>()
                .join(";");
            if self.browser() == Browser::Firefox {
                self.decision_headers = Some(self.headers.clone());
            }
        }
        if changed {
            self.step(
                Phase::Page,
                "XMLHttpRequest rewrites the charset",
                StepResult::Info,
                format!("With a string body, send() sends Content-Type: {out} instead of {ct}.{}", match (self.decision_headers.is_some(), quoted && self.browser() != Browser::Chrome) {
                    (true, _) => " Firefox decides on the preflight from the value the script set.",
                    (false, true) => " WebKit decides on the preflight from the value it sends.",
                    _ => "",
                }),
                if quoted && self.browser() != Browser::Chrome {
                    "XHR #the-send()-method (charset becomes UTF-8); engine behaviour (observed in Firefox 153 and WebKitGTK 2.50): the MIME type is re-serialized"
                } else {
                    "XHR #the-send()-method (charset becomes UTF-8)"
                },
            );
            self.headers.set("content-type", out);
        }
    }

    fn method_error_text(&self, e: &MethodError) -> String {
        let (m, forbidden) = match e {
            MethodError::NotAToken(m) => (m, false),
            MethodError::Forbidden(m) => (m, true),
        };
        match (self.api, self.browser(), forbidden) {
            (Api::Fetch, Browser::Chrome, true) => format!("TypeError: Failed to execute 'fetch' on 'Window': '{m}' HTTP method is unsupported."),
            (Api::Fetch, Browser::Chrome, false) => format!("TypeError: Failed to execute 'fetch' on 'Window': '{m}' is not a valid HTTP method."),
            (Api::Fetch, Browser::Firefox, _) => format!("TypeError: Window.fetch: Invalid request method {m}."),
            (Api::Fetch, Browser::Safari, true) => "TypeError: Method is forbidden.".into(),
            (Api::Fetch, Browser::Safari, false) => "TypeError: Method is not a valid HTTP token.".into(),
            (Api::Xhr, Browser::Chrome, true) => format!("SecurityError: Failed to execute 'open' on 'XMLHttpRequest': '{m}' HTTP method is unsupported."),
            (Api::Xhr, Browser::Chrome, false) => format!("SyntaxError: Failed to execute 'open' on 'XMLHttpRequest': '{m}' is not a valid HTTP method."),
            (Api::Xhr, _, true) => "SecurityError: The operation is insecure.".into(),
            // Observed in WebKitGTK 2.50 by the conformance suite.
            (Api::Xhr, Browser::Safari, false) => "SyntaxError: The string did not match the expected pattern.".into(),
            (Api::Xhr, _, false) => "SyntaxError: An invalid or illegal string was specified".into(),
        }
    }

    fn byte_string_error_text(&self, name: &str) -> String {
        match (self.api, self.browser()) {
            (Api::Fetch, Browser::Chrome) => "TypeError: Failed to execute 'fetch' on 'Window': Failed to read the 'headers' property from 'RequestInit': String contains non ISO-8859-1 code point.".into(),
            (Api::Xhr, Browser::Chrome) => "TypeError: Failed to execute 'setRequestHeader' on 'XMLHttpRequest': Value is not a valid ByteString.".into(),
            (Api::Fetch, _) => format!("TypeError: the value of header {name} is not a valid ByteString."),
            (Api::Xhr, _) => format!("TypeError: the value of header {name} is not a valid ByteString."),
        }
    }

    /// The exception for an invalid header name (`bad_name`) or value.
    ///
    /// Firefox and WebKit texts observed by the conformance suite (Firefox 153 ESR, WebKitGTK
    /// 2.50): Firefox quotes the lowercased name, and the value up to any NUL; its XHR says
    /// "Invalid header name." for a bad value too.
    fn header_error_text(&self, name: &str, value: &str, bad_name: bool) -> String {
        let value = crate::http::normalize_value(value);
        match (self.api, self.browser(), bad_name) {
            (Api::Fetch, Browser::Chrome, true) => "TypeError: Failed to execute 'fetch' on 'Window': Invalid name".into(),
            (Api::Fetch, Browser::Chrome, false) => "TypeError: Failed to execute 'fetch' on 'Window': Invalid value".into(),
            (Api::Fetch, Browser::Firefox, true) => format!("TypeError: Window.fetch: {} is an invalid header name.", name.to_ascii_lowercase()),
            (Api::Fetch, Browser::Firefox, false) => format!("TypeError: Window.fetch: {} is an invalid header value.", value.split('\0').next().unwrap_or_default()),
            (Api::Fetch, Browser::Safari, true) => format!("TypeError: Invalid header name: '{name}'"),
            (Api::Fetch, Browser::Safari, false) => format!("TypeError: Header '{name}' has invalid value: '{value}'"),
            (Api::Xhr, Browser::Chrome, true) => format!("SyntaxError: Failed to execute 'setRequestHeader' on 'XMLHttpRequest': '{name}' is not a valid HTTP header field name."),
            (Api::Xhr, Browser::Chrome, false) => format!("SyntaxError: Failed to execute 'setRequestHeader' on 'XMLHttpRequest': '{value}' is not a valid HTTP header field value."),
            (Api::Xhr, Browser::Firefox, _) => "SyntaxError: Invalid header name.".into(),
            (Api::Xhr, Browser::Safari, _) => "SyntaxError: The string did not match the expected pattern.".into(),
        }
    }

    /// The API throws: nothing is sent, and script gets the exception.
    fn block_type_error(
        &mut self,
        title: &'static str,
        detail: String,
        text: String,
        source: &'static str,
    ) {
        self.step(Phase::Page, title, StepResult::Fail, detail, source);
        self.trace.outcome = Outcome::Blocked;
        // fetch() rejects its promise; XHR's open()/setRequestHeader() throw synchronously.
        let uncaught = self.engine.uncaught_line(self.api, &text);
        self.trace.blocked = Some(Blocked {
            stage: Stage::Request,
            reason: BlockReason::InvalidRequest,
            console: uncaught.clone(),
            console_lines: vec![uncaught],
            alternatives: Vec::new(),
        });
        self.trace.js = JsView {
            response_type: "error".into(),
            status: 0,
            error: Some(text),
            body_readable: false,
        };
    }

    fn block_before_sending_mode(&mut self, after_redirect: bool) {
        let url = self.url.to_string();
        let origin = self.origin.serialize();
        let line = match self.browser() {
            // After a redirect, Blink's frame-level check reports it, with its trailing newline
            // (observed in Chromium 156 by the conformance suite).
            Browser::Chrome if after_redirect => format!("Unsafe attempt to load URL {url} from frame with URL {origin}/. Domains, protocols and ports must match.\n"),
            Browser::Chrome => format!("Fetch API cannot load {url}. Request mode is \"same-origin\" but the URL's origin is not same as the request origin {origin}."),
            Browser::Firefox => format!("Security Error: Content at {origin}/ may not load data from {url}."),
            // After a redirect, WebKit's document-level check reports it, then the load fails
            // (observed in WebKitGTK 2.50 by the conformance suite).
            Browser::Safari if after_redirect => format!("Unsafe attempt to load URL {url} from origin {origin}. Domains, protocols and ports must match.\n"),
            Browser::Safari => format!("Fetch API cannot load {url}."),
        };
        let mut lines = vec![line.clone()];
        if self.browser() == Browser::Safari && after_redirect {
            lines.push(format!(
                "Fetch API cannot load {url} due to access control checks."
            ));
        }
        self.step(
            Phase::Page,
            "mode same-origin refuses other origins",
            StepResult::Fail,
            "The request's mode is same-origin and the URL is cross-origin, so the fetch fails with a network error before anything is sent.",
            "Fetch #main-fetch (request's mode is \"same-origin\")",
        );
        self.network_error(Stage::Request, BlockReason::DisallowedByMode, line, lines);
    }

    /// `url` is http and the page https: blocked before anything is sent to it. `stage` is
    /// `Request` for the first URL and `Response` for a redirect's Location (the redirect itself
    /// was received).
    fn block_mixed_content(&mut self, url: &url::Url, stage: Stage) {
        let line = super::mixed_content::console_line(self.browser(), self.api, &self.origin, url);
        let detail = if self.browser() == Browser::Safari && super::mixed_content::is_loopback(url)
        {
            format!("The page is https and {url} is http. Safari treats even localhost and loopback addresses over http as insecure (unlike Chrome and Firefox), so it refuses the request before anything is sent: no preflight, no request, no CORS check.")
        } else {
            format!("The page is https and {url} is http, so the browser refuses the request before anything is sent: no preflight, no request, no CORS check. fetch() and XMLHttpRequest are never upgraded to https (only images, audio and video are).")
        };
        self.step(
            Phase::Page,
            "Mixed content blocked",
            StepResult::Fail,
            detail,
            "Mixed Content §4.4 (Should fetching request be blocked as mixed content?); Fetch #main-fetch",
        );
        self.network_error(stage, BlockReason::MixedContent, line.clone(), vec![line]);
    }

    fn block_scheme(&mut self) {
        let url = self.url.to_string();
        let scheme = self.url.scheme().to_string();
        self.step(
            Phase::Page,
            "The scheme cannot do CORS",
            StepResult::Fail,
            format!("{scheme}: URLs cannot be fetched cross-origin in cors mode; only http and https can."),
            "Fetch #main-fetch (scheme is not an HTTP(S) scheme)",
        );
        if (self.browser(), self.api) == (Browser::Chrome, Api::Fetch) {
            // Blink's FetchManager refuses the scheme before the network service's CORS code.
            let line =
                format!("Fetch API cannot load {url}. URL scheme \"{scheme}\" is not supported.");
            self.network_error(
                Stage::Request,
                BlockReason::CorsDisabledScheme,
                line.clone(),
                vec![line],
            );
            return;
        }
        let failure = Failure::new(
            BlockReason::CorsDisabledScheme,
            "http, data, isolated-app, chrome-extension, chrome, https, chrome-untrusted",
            String::new(),
        );
        self.block(Stage::Request, &failure, 0);
    }

    fn network_error(
        &mut self,
        stage: Stage,
        reason: BlockReason,
        console: String,
        lines: Vec<String>,
    ) {
        self.trace.outcome = Outcome::Blocked;
        self.trace.blocked = Some(Blocked {
            stage,
            reason,
            console,
            console_lines: lines,
            alternatives: Vec::new(),
        });
        let error = self.engine.network_error_text(self.api).to_string();
        self.trace.js = JsView {
            response_type: "error".into(),
            status: 0,
            error: Some(error.clone()),
            body_readable: false,
        };
        // A failure some engines do not report at all (for example a no-cors fetch in Firefox)
        // has no console line to point the reader to.
        let silent = self
            .trace
            .blocked
            .as_ref()
            .is_some_and(|b| b.console_lines.is_empty());
        let detail = match (self.api, silent) {
            (Api::Fetch, _) => format!(
                "The promise rejects with {error}{} {}",
                // Firefox's message ends with its own period.
                if error.ends_with('.') { "" } else { "." },
                if silent {
                    "Script sees no status, no headers and no reason, and the browser prints no console line for it."
                } else {
                    "Script sees no status, no headers and no reason: the reason is only in the console."
                }
            ),
            (Api::Xhr, false) => "The XMLHttpRequest fires error: status is 0, statusText is empty, and no header is readable. The reason is only in the console.".into(),
            (Api::Xhr, true) => "The XMLHttpRequest fires error: status is 0, statusText is empty, no header is readable, and the browser prints no console line for it.".into(),
        };
        self.step(
            Phase::Js,
            "Script gets a network error",
            StepResult::Fail,
            detail,
            "Fetch #concept-network-error",
        );
    }

    /// Blocks on a failed check, with the engine's console text.
    fn block(&mut self, stage: Stage, failure: &Failure, status: u16) {
        self.block_with(stage, failure, status, console_lines);
    }

    /// Blocks on a redirect the engine refuses to follow (see `redirect_refused_lines`).
    fn block_redirect(&mut self, failure: &Failure, status: u16, target: &str) {
        self.block_with(Stage::Response, failure, status, |ctx, f| {
            redirect_refused_lines(ctx, f, target)
        });
    }

    fn block_with(
        &mut self,
        stage: Stage,
        failure: &Failure,
        status: u16,
        render: impl Fn(&Context<'_>, &Failure) -> (String, Vec<String>),
    ) {
        // Chromium names the page's origin in the message even after a redirect tainted the
        // request's origin to null (observed in Chromium 156 by the conformance suite).
        let origin = if self.browser() == Browser::Chrome {
            self.origin.serialize()
        } else {
            self.origin_header()
        };
        let url = self.url.to_string();
        let initial = self.initial_url.to_string();
        let ctx = Context {
            browser: self.browser(),
            api: self.api,
            url: &url,
            initial_url: Some(&initial),
            origin: &origin,
            status,
            stage,
        };
        let (line, lines) = render(&ctx, failure);
        let alternatives = failure
            .others
            .iter()
            .map(|other| {
                let mut f = failure.clone();
                f.param = other.clone();
                render(&ctx, &f).0
            })
            .collect();
        self.network_error(stage, failure.reason, line, lines);
        if let Some(b) = self.trace.blocked.as_mut() {
            b.alternatives = alternatives;
        }
    }

    /// The author's request with the browser's Origin header, as sent.
    fn actual_request(&self, with_origin: bool) -> Request {
        let mut headers = self.headers.clone();
        // Chromium's HTTP cache re-serializes a single byte range it can parse (`bytes = 0-10`,
        // `Bytes=0-10` go out as `bytes=0-10`), after the CORS decision was made on the
        // script's value; it handles ranges only for GET, and not beside a validation header
        // (`HttpCache::Transaction`: "we don't support ranges and validation headers").
        // Observed in Chromium 156 by the conformance suite, seeds 1 and 7.
        let validation = [
            "if-modified-since",
            "if-none-match",
            "if-unmodified-since",
            "if-match",
            "if-range",
        ];
        if self.browser() == Browser::Chrome
            && self.method == "GET"
            && !validation.iter().any(|h| headers.contains(h))
        {
            if let Some(canonical) = headers.get("range").and_then(|v| canonical_range(&v)) {
                headers.set("range", canonical);
            }
        }
        if self.browser() == Browser::Firefox && self.api == Api::Fetch {
            // Gecko merges a repeated request header into `a, b`, except the names its header
            // array holds only once (nsHttpHeaderArray::IsSingletonHeader): there each line
            // replaces the one before, so the last value goes out. A Content-Type with a body
            // is then set again from the upload stream, with the first value (FetchDriver
            // `GetFirst("content-type")`). Observed in Firefox 153 by the conformance suite for
            // Content-Type and Authorization.
            let with_body =
                self.spec.body.is_some() && !matches!(self.method.as_str(), "GET" | "HEAD");
            for name in GECKO_SINGLETON_REQUEST_HEADERS {
                if headers.count(name) < 2 {
                    continue;
                }
                let first_wins = with_body && *name == "content-type";
                let sent = {
                    let mut values = headers.get_all(name);
                    if first_wins {
                        values.next()
                    } else {
                        values.last()
                    }
                    .map(str::to_string)
                };
                if let Some(v) = sent {
                    headers.set(name, v);
                }
            }
        }
        if self.engine.sends_header_values_as_utf8() {
            headers = utf8_on_the_wire(&headers);
        }
        if with_origin {
            headers.append("Origin", self.origin_header());
        }
        Request {
            method: self.method.to_string(),
            url: self.url.to_string(),
            headers,
        }
    }

    fn server_step(&mut self, response: &Response) {
        if let Some(p) = &response.provenance {
            // Written in place: with 100 rules this is a hundred lines, one per rule that did
            // not match, and temporary strings per line were most of a simulation's work.
            let rule_line =
                |detail: &mut String, index: usize, id: Option<&str>, span: Option<Span>| {
                    let _ = write!(detail, "\nRule {}", index + 1);
                    if let Some(id) = id {
                        let _ = write!(detail, " \"{id}\"");
                    }
                    if let Some(span) = span {
                        let _ = write!(detail, " (line {})", span.line);
                    }
                };
            let lines: usize = p
                .rejected_rules
                .iter()
                .map(|m| m.reason.len() + 32)
                .sum::<usize>()
                + p.notes.iter().map(|n| n.len() + 8).sum::<usize>();
            let mut detail = String::with_capacity(p.summary.len() + lines + 32);
            detail.push_str(&p.summary);
            for miss in &p.rejected_rules {
                rule_line(&mut detail, miss.index, miss.id.as_deref(), miss.span);
                detail.push_str(": ");
                detail.push_str(&miss.reason);
            }
            if let Some(m) = &p.matched_rule {
                rule_line(&mut detail, m.index, m.id.as_deref(), m.span);
                detail.push_str(" matched.");
            }
            for n in &p.notes {
                detail.push_str("\nNote: ");
                detail.push_str(n);
            }
            let source = match p.provider.as_ref() {
                "s3" => "Amazon S3 User Guide: How does Amazon S3 evaluate the CORS configuration",
                "apigw-http" => "API Gateway Developer Guide: Configuring CORS for an HTTP API",
                "apigw-rest" => "API Gateway Developer Guide: Enabling CORS for a REST API resource",
                "cloudfront" => "CloudFront Developer Guide: response headers policies and caching on request headers",
                "lambda-url" => "Lambda Developer Guide: Cross-origin resource sharing (CORS) for function URLs",
                _ => "The scenario's literal responses",
            };
            self.step(
                Phase::Server,
                server_answers(response.status),
                StepResult::Info,
                detail,
                source,
            );
        }
    }

    /// `mode: "no-cors"`: sent without a preflight; script gets an opaque response. `first_hop`
    /// is 0 for a URL of another origin, or the hop at which a same-origin request was
    /// redirected to another origin (its requests until then were basic ones).
    fn no_cors_fetch(&mut self, server: &dyn Server, first_hop: usize) {
        let mut hop = first_hop;
        let mut sent_origin = false;
        let mut same_origin_hop = false;
        let (request, response) = loop {
            // Origin goes only with methods other than GET and HEAD (`null` once tainted).
            // WebKit keeps the header on a request redirected within one origin even when the
            // redirect made it a GET, and drops it toward another origin (observed in
            // WebKitGTK 2.50 by the conformance suite).
            let with_origin = !matches!(self.method.as_str(), "GET" | "HEAD")
                || (sent_origin
                    && same_origin_hop
                    && self.engine.keeps_origin_header_across_redirects());
            sent_origin = with_origin;
            let request = self.actual_request(with_origin);
            let response = server.respond_to_hop_parsed(&request, &self.url, hop);
            self.server_step(&response);
            if !response.is_redirect() {
                break (request, response);
            }
            let from = Origin::of_url(&self.url);
            if !self.follow_redirect(request, response, hop) {
                return;
            }
            same_origin_hop = from.same_origin(&Origin::of_url(&self.url));
            hop += 1;
        };
        self.step(
            Phase::Actual,
            "No CORS check in no-cors mode",
            StepResult::Info,
            "mode no-cors never fails on CORS grounds: Access-Control-Allow-Origin is ignored and the response becomes opaque.",
            "Fetch #main-fetch (request's mode is \"no-cors\")",
        );
        self.trace.js = JsView {
            response_type: "opaque".into(),
            status: 0,
            error: None,
            body_readable: false,
        };
        self.step(
            Phase::Js,
            "Script gets an opaque response",
            StepResult::Info,
            format!(
                "The promise resolves with type \"opaque\": status 0 (the server said {}), no headers, an empty body. Good for <img>-like uses and fire-and-forget requests, useless for reading data.",
                response.status
            ),
            "Fetch #concept-filtered-response-opaque",
        );
        self.trace.request = Some(request);
        self.trace.response = Some(response);
    }

    /// Decides whether the current URL needs a preflight, consults the cache, and sends the
    /// preflight when the cache cannot answer. Returns false when the request is blocked.
    fn maybe_preflight(&mut self, server: &dyn Server, cache: &mut PreflightCache) -> bool {
        let basis = self.decision_headers.as_ref().unwrap_or(&self.headers);
        let unsafe_headers = cors_unsafe_request_header_names(self.engine, basis);
        let mut reasons = Vec::with_capacity(unsafe_headers.reasons.len() + 2);
        if self.use_preflight_flag {
            reasons.push("the use-CORS-preflight flag is set".to_string());
        }
        if !self.method.is_cors_safelisted() {
            reasons.push(format!(
                "method {} is not CORS-safelisted (only GET, HEAD and POST are)",
                self.method
            ));
        }
        let unsafe_names = unsafe_headers.names;
        reasons.extend(unsafe_headers.reasons);
        let unverified = self.engine.unverified_safelist_note(&self.headers);
        if reasons.is_empty() {
            self.step(
                Phase::Page,
                "No preflight needed",
                StepResult::Info,
                [
                    self.method.as_str(),
                    " with only CORS-safelisted headers is a simple request: it is sent directly, with an Origin header.",
                    &unverified,
                ]
                .concat(),
                "Fetch #main-fetch; Fetch #cors-safelisted-request-header",
            );
            return true;
        }
        if !unverified.is_empty() {
            reasons.push(unverified.trim().to_string());
        }
        self.needed_preflight = true;
        let origin_header = self.preflight_origin_header();
        let url = self.url.to_string();
        let query = Query {
            origin: &origin_header,
            url: &url,
            include: self.include,
            method: &self.method,
            forced: self.use_preflight_flag,
            unsafe_names: &unsafe_names,
        };
        // Chromium and Firefox do not consult the preflight cache for a conditional request (it
        // is a cache revalidation), though they still store the new result (observed in
        // Chromium 156 and Firefox 153).
        let conditional = [
            "if-none-match",
            "if-modified-since",
            "if-match",
            "if-unmodified-since",
            "if-range",
        ]
        .iter()
        .find(|h| self.headers.contains(h));
        let lookup = match conditional {
            Some(h) if self.engine.skips_preflight_cache_for_conditional_requests() => {
                Lookup::Miss(format!(
                    "{} does not use its preflight cache for a request carrying {h}",
                    self.browser().display_name()
                ))
            }
            _ => cache.lookup(self.now, &query),
        };
        // WebKitGTK 2.50 asks for the Access-Control-Request-Headers of the request as the
        // script made it on every preflight, Authorization or Content-Type a redirect removed
        // included (observed by the conformance suite).
        let asked_names = match &self.first_preflight_names {
            Some(first) if self.browser() == Browser::Safari => first.clone(),
            _ => unsafe_names.clone(),
        };
        self.first_preflight_names
            .get_or_insert_with(|| unsafe_names.clone());
        let request = preflight_request(&url, &self.method, &asked_names, &self.preflight_origin());
        match lookup {
            Lookup::Hit { valid_until } => {
                self.step(
                    Phase::Preflight,
                    "Preflight answered from the cache",
                    StepResult::Pass,
                    format!(
                        "A preflight would be needed, because {}; but a cached result from an earlier preflight covers this method and these headers until t = {} s (now t = {} s), so no OPTIONS request is sent.",
                        reasons.join("; "),
                        seconds(valid_until),
                        seconds(self.now)
                    ),
                    format!("Fetch #cors-preflight-cache; {}", self.engine.preflight_cache_source()),
                );
                self.trace.preflight = Some(Preflight {
                    reasons,
                    request,
                    response: None,
                    from_cache: true,
                    cached_until: Some(valid_until),
                });
                true
            }
            Lookup::Miss(why) => {
                let cache_note = if self.now > 0.0 || cache.has_entries() {
                    format!(" The preflight cache cannot answer: {why}.")
                } else {
                    String::new()
                };
                let mut detail = String::with_capacity(160 + cache_note.len());
                detail.push_str("The browser must ask first, because ");
                push_separated(&mut detail, reasons.iter().map(String::as_str), "; ");
                detail.push('.');
                detail.push_str(&cache_note);
                self.step(
                    Phase::Page,
                    "Preflight needed",
                    StepResult::Info,
                    detail,
                    "Fetch #http-fetch (makeCORSPreflight); Fetch #cors-unsafe-request-header-names",
                );
                self.send_preflight(server, cache, request, &unsafe_names, reasons)
            }
        }
    }

    /// Sends the preflight and checks its answer; false when it failed.
    fn send_preflight(
        &mut self,
        server: &dyn Server,
        cache: &mut PreflightCache,
        request: Request,
        unsafe_names: &[String],
        reasons: Vec<String>,
    ) -> bool {
        let mut detail = String::with_capacity(160 + self.url.as_str().len());
        detail.push_str("OPTIONS ");
        detail.push_str(self.url.as_str());
        detail.push_str(" with Access-Control-Request-Method: ");
        detail.push_str(self.method.as_str());
        if !unsafe_names.is_empty() {
            detail.push_str(" and Access-Control-Request-Headers: ");
            push_separated(&mut detail, unsafe_names.iter().map(String::as_str), ",");
        }
        detail.push_str(". It carries no cookies, whatever the credentials mode.");
        self.step(
            Phase::Preflight,
            "Preflight request sent",
            StepResult::Info,
            detail,
            "Fetch #cors-preflight-fetch-0",
        );
        let response = server.respond_to_hop_parsed(&request, &self.url, 0);
        self.server_step(&response);
        let status = response.status;
        let origin = self.preflight_origin();
        let asked = Asked {
            method: &self.method,
            unsafe_names,
            author_headers: &self.headers,
            origin: &origin,
            url: &self.url,
            include_credentials: self.include,
        };
        let checked = check_preflight_response(self.engine, &response, &asked);
        let outcome = checked.result;
        for n in checked.notes {
            let result = if n.warn {
                StepResult::Warn
            } else {
                StepResult::Pass
            };
            self.step(Phase::Preflight, n.title, result, n.detail, n.source);
        }
        let origin_header = self.preflight_origin_header();
        let url = self.url.to_string();
        let cached_until;
        let passed = match outcome {
            Ok(granted) => {
                let query = Query {
                    origin: &origin_header,
                    url: &url,
                    include: self.include,
                    method: &self.method,
                    forced: self.use_preflight_flag,
                    unsafe_names,
                };
                cached_until = cache.store(self.now, &query, &granted);
                let cached = self.cache_detail(granted.max_age.as_deref(), cached_until);
                self.step(
                    Phase::Preflight,
                    "Preflight passed",
                    StepResult::Pass,
                    format!("The actual request may be sent. {cached}"),
                    format!(
                        "Fetch #cors-preflight-fetch-0; Fetch #cors-preflight-cache; {}",
                        self.engine.preflight_cache_source()
                    ),
                );
                true
            }
            Err(f) => {
                self.step(
                    Phase::Preflight,
                    f.title,
                    StepResult::Fail,
                    format!(
                        "{} The actual request is never sent.",
                        f.failure.explanation
                    ),
                    f.source,
                );
                // A network error clears the cache entries for this origin and URL (Fetch,
                // Gecko). Chromium keeps them (see `clear_cache_after_failure`), though its
                // lookup has already erased an entry that could not serve this request. WebKit
                // stores the response's grant when only the method or a header failed
                // (`preflight::granted_by`).
                match self.browser() {
                    Browser::Chrome => {}
                    Browser::Safari
                        if matches!(
                            f.failure.reason,
                            BlockReason::MethodNotAllowed | BlockReason::HeaderNotAllowed
                        ) =>
                    {
                        // Stored as the response grants it: the "request's method when
                        // methods is null" rule is for a preflight that passed.
                        let query = Query {
                            origin: &origin_header,
                            url: &url,
                            include: self.include,
                            method: &self.method,
                            forced: false,
                            unsafe_names,
                        };
                        let granted = super::preflight::granted_by(&response);
                        if let Some(until) = cache.store(self.now, &query, &granted) {
                            self.step(
                                Phase::Preflight,
                                "WebKit caches this preflight anyway",
                                StepResult::Info,
                                format!("The response passed the status and Allow-Origin checks, so WebKit keeps what it allows until t = {} s, although this request needed more: a later request it covers skips the preflight.", seconds(until)),
                                "WebKit behaviour (observed in WebKitGTK 2.50): validatePreflightResponse caches the result before checking the method and headers",
                            );
                        }
                    }
                    Browser::Firefox | Browser::Safari => cache.clear(&origin_header, &url),
                }
                self.trace.preflight = Some(Preflight {
                    reasons,
                    request,
                    response: Some(response),
                    from_cache: false,
                    cached_until: None,
                });
                self.block(Stage::Preflight, &f.failure, status);
                return false;
            }
        };
        self.trace.preflight = Some(Preflight {
            reasons,
            request,
            response: Some(response),
            from_cache: false,
            cached_until,
        });
        passed
    }

    fn cache_detail(&self, max_age: Option<&str>, cached_until: Option<f64>) -> String {
        let cap = self.engine.max_age_cap();
        let name = self.browser().display_name();
        let header = match max_age {
            None => "There is no Access-Control-Max-Age, so the default of 5 seconds applies."
                .to_string(),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if n > cap => {
                    format!("Access-Control-Max-Age: {n} is capped at {cap} seconds by {name}.")
                }
                Ok(n) => format!("Access-Control-Max-Age is {n} seconds."),
                Err(_) => format!("Access-Control-Max-Age: {v:?} is not a number of seconds."),
            },
        };
        let long_url = self.browser() == Browser::Chrome
            && self.url.as_str().len() >= super::preflight_cache::CHROME_MAX_URL_LENGTH;
        match cached_until {
            None if long_url => format!("{header} Chrome does not cache the preflight of a URL of {} characters or more, so the next request is preflighted again.", super::preflight_cache::CHROME_MAX_URL_LENGTH),
            None => format!("{header} {name} does not cache this result."),
            Some(t) if t <= self.now => format!("{header} The cached result expires at once, so the next request is preflighted again."),
            Some(t) => format!("{header} {name} reuses this result for the same origin and URL until t = {} s.", seconds(t)),
        }
    }

    /// The request and its redirects, as a basic fetch while the URL is the page's origin and as
    /// a CORS fetch (with its preflight, once per URL) from the first cross-origin URL on; then
    /// the check of the final response.
    fn http_loop(&mut self, server: &dyn Server, cache: &mut PreflightCache) {
        // Firefox and WebKit decide once, from the request as the script made it, whether it
        // needs a preflight, even while it is still same-origin; a redirect to another origin
        // then preflights (and WebKit asks again for these header names). Observed by the
        // conformance suite: a same-origin OPTIONS turned into GET by a 303 toward another
        // origin is preflighted as GET, WebKit listing the Content-Encoding the 303 removed.
        if self.engine.keeps_preflight_requirement_across_redirects() {
            let basis = self.decision_headers.as_ref().unwrap_or(&self.headers);
            let unsafe_names = cors_unsafe_request_header_names(self.engine, basis).names;
            self.needed_preflight = self.use_preflight_flag
                || !self.method.is_cors_safelisted()
                || !unsafe_names.is_empty();
            self.first_preflight_names = Some(unsafe_names);
        }
        let mut hop = 0;
        let mut preflighted: Option<Url> = None;
        loop {
            let same = !self.cors_tainting && self.origin.is_origin_of(&self.url);
            if !same && !self.cors_tainting {
                if hop > 0 {
                    if self.mode == Mode::SameOrigin {
                        self.block_before_sending_mode(true);
                        return;
                    }
                    // Fetch #main-fetch: a request in no-cors mode whose current URL is not
                    // same-origin gets response tainting "opaque", not "cors", however it got
                    // there. So a same-origin no-cors request redirected away sends no Origin
                    // on a GET and resolves opaque (observed in Chromium 156).
                    if self.mode == Mode::NoCors {
                        self.step(
                            Phase::Actual,
                            "Now an opaque request",
                            StepResult::Info,
                            format!("The redirect leads to another origin, {}, and the request is in no-cors mode, so from here on it is sent without CORS: no preflight, no Origin on a GET or HEAD, and its response becomes opaque.", Origin::of_url(&self.url)),
                            "Fetch #main-fetch (request's mode is \"no-cors\": response tainting becomes opaque)",
                        );
                        // Chromium's network stack turns Origin into `null` on a redirect to
                        // another origin when no CORS layer applies Fetch's narrower rule
                        // (the request's origin is still the previous URL's here, so Fetch
                        // would keep it): a 307's POST goes with `Origin: null` (observed in
                        // Chromium 156; Firefox and WebKit send the page's origin).
                        if self.browser() == Browser::Chrome {
                            self.tainted = true;
                        }
                        self.no_cors_fetch(server, hop);
                        return;
                    }
                    self.step(
                        Phase::Actual,
                        "Now a CORS request",
                        StepResult::Info,
                        format!("The redirect leads to another origin, {}, so from here on the request is a CORS request: it carries Origin and its response must pass the CORS check.", Origin::of_url(&self.url)),
                        "Fetch #main-fetch (response tainting becomes cors)",
                    );
                }
                self.cors_tainting = true;
            }
            if self.cors_tainting {
                if !matches!(self.url.scheme(), "http" | "https") {
                    self.block_scheme();
                    return;
                }
                if preflighted.as_ref() != Some(&self.url) {
                    if !self.maybe_preflight(server, cache) {
                        return;
                    }
                    preflighted = Some(self.url.clone());
                }
            }
            // A CORS request always carries Origin; a same-origin one only when the method is
            // neither GET nor HEAD (Fetch #append-a-request-origin-header).
            let with_origin = self.cors_tainting || !matches!(self.method.as_str(), "GET" | "HEAD");
            let request = self.actual_request(with_origin);
            if hop == 0 {
                // Cookies go with include, and with same-origin while the fetch is still basic
                // (Fetch #concept-request-credentials-mode).
                let sends_cookies = self.include
                    || (!self.cors_tainting && self.spec.credentials != Credentials::Omit);
                let creds = if sends_cookies {
                    " Cookies and HTTP authentication for the target are attached."
                } else if self.cors_tainting {
                    " No cookies are attached (credentials are not include)."
                } else {
                    " No cookies are attached (credentials: omit)."
                };
                // `PUT https://… with Origin: https://….` and the cookies, in one buffer.
                let mut detail = String::with_capacity(
                    self.method.as_str().len() + self.url.as_str().len() + creds.len() + 64,
                );
                detail.push_str(self.method.as_str());
                detail.push(' ');
                detail.push_str(self.url.as_str());
                if with_origin {
                    detail.push_str(" with Origin: ");
                    self.push_origin_header(&mut detail);
                }
                detail.push('.');
                detail.push_str(creds);
                self.step(
                    Phase::Actual,
                    "Actual request sent",
                    StepResult::Info,
                    detail,
                    "Fetch #http-network-or-cache-fetch; Fetch #origin-header",
                );
            }
            let response = server.respond_to_hop_parsed(&request, &self.url, hop);
            self.server_step(&response);
            if response.is_redirect() {
                if !self.follow_redirect(request, response, hop) {
                    self.clear_cache_after_failure(cache);
                    return;
                }
                hop += 1;
                continue;
            }
            self.trace.request = Some(request);
            if !self.cors_tainting {
                self.read_basic(response);
                return;
            }
            let status = response.status;
            let source = self.engine.response_cors_check_source();
            match cors_check(
                self.engine,
                &response,
                &self.effective_origin(),
                self.include,
            ) {
                Ok(passed) => {
                    self.step(
                        Phase::Actual,
                        "Response passes the CORS check",
                        StepResult::Pass,
                        passed,
                        source,
                    );
                    self.read(&response);
                    self.trace.response = Some(response);
                }
                Err(f) => {
                    self.step(
                        Phase::Actual,
                        "Response fails the CORS check",
                        StepResult::Fail,
                        format!(
                            "{} The request did reach the server and had its effects (an upload is stored); only reading the response is blocked.",
                            f.explanation
                        ),
                        source,
                    );
                    self.trace.response = Some(response);
                    self.clear_cache_after_failure(cache);
                    self.block(Stage::Response, &f, status);
                }
            }
            return;
        }
    }

    /// Fetch clears the preflight cache entries of a request that ends in a network error
    /// (#main-fetch; Gecko `RemoveEntries`).
    fn clear_cache_after_failure(&mut self, cache: &mut PreflightCache) {
        if self.trace.preflight.is_some() && self.engine.failed_response_clears_preflight_cache() {
            cache.clear(&self.preflight_origin_header(), self.url.as_str());
        }
    }

    /// A `data:` URL: the browser answers it itself, whatever the mode, method or credentials
    /// (Fetch #main-fetch runs a scheme fetch for the data scheme before any mode or CORS
    /// step; Fetch #scheme-fetch). Observed in Chromium 156: fetch() and XMLHttpRequest get a
    /// basic 200 whose Content-Type and body are readable, for GET, HEAD, POST and PUT and in
    /// every mode.
    fn data_url_fetch(&mut self) {
        let Some(mime) = data_url_mime(self.url.as_str()) else {
            let url = self.url.to_string();
            self.step(
                Phase::Page,
                "The data: URL has no comma",
                StepResult::Fail,
                format!("{url} has no comma between its type and its data, so it is not a data: URL the browser can read: a network error."),
                "Fetch #data-url-processor",
            );
            // Observed in Chromium 156; what Firefox and WebKit print was not observed.
            let line = match self.browser() {
                Browser::Chrome => "Failed to load resource: net::ERR_INVALID_URL".to_string(),
                _ => String::new(),
            };
            let lines = if line.is_empty() {
                Vec::new()
            } else {
                vec![line.clone()]
            };
            self.network_error(Stage::Request, BlockReason::InvalidRequest, line, lines);
            return;
        };
        self.step(
            Phase::Page,
            "A data: URL needs no server",
            StepResult::Info,
            format!("The browser decodes the data: URL itself: nothing is sent, CORS does not apply, and the response is a basic 200 with Content-Type: {mime}, whatever the method, mode or credentials."),
            "Fetch #main-fetch (scheme is data); Fetch #scheme-fetch",
        );
        self.script_reads_all(
            200,
            vec!["content-type".into()],
            "Status 200, Content-Type and the decoded body are readable.".into(),
        );
    }

    /// A same-origin response: a basic response, fully readable but for Set-Cookie.
    fn read_basic(&mut self, response: Response) {
        let readable = basic_readable_headers(&response.headers);
        self.script_reads_all(
            response.status,
            readable,
            format!(
                "A same-origin response is a basic response: status {} and every header except Set-Cookie are readable.",
                response.status
            ),
        );
        self.trace.response = Some(response);
    }

    /// A basic response script reads whole: its status, the `readable` headers and the body.
    fn script_reads_all(&mut self, status: u16, readable: Vec<String>, detail: String) {
        self.trace.readable_headers = readable;
        self.trace.js = JsView {
            response_type: "basic".into(),
            status,
            error: None,
            body_readable: true,
        };
        self.step(
            Phase::Js,
            "Script reads the whole response",
            StepResult::Pass,
            detail,
            "Fetch #concept-filtered-response-basic",
        );
    }

    /// A redirect the request will not follow: a failed step, and the hop in the trace.
    fn refuse_hop(
        &mut self,
        request: Request,
        response: Response,
        title: impl Into<Cow<'static, str>>,
        detail: String,
        source: &'static str,
    ) {
        self.step(Phase::Actual, title, StepResult::Fail, detail, source);
        self.trace.redirects.push(Hop { request, response });
    }

    /// A redirect whose Location is not an http(s) URL: the fetch fails.
    fn refuse_unusable_location(
        &mut self,
        request: Request,
        response: Response,
        location: &str,
        target: &str,
    ) {
        let status = response.status;
        let f = Failure::new(
            BlockReason::CorsDisabledScheme,
            "http, https",
            format!("The redirect's Location {location:?} is not an http(s) URL."),
        );
        self.refuse_hop(
            request,
            response,
            "Redirect to an unusable URL",
            f.explanation.clone(),
            "Fetch #http-redirect-fetch (location URL is not HTTP(S))",
        );
        if self.browser() == Browser::Chrome {
            // Chromium refuses it in the network stack, with no CORS message.
            let line = "Failed to load resource: net::ERR_UNSAFE_REDIRECT".to_string();
            self.network_error(Stage::Response, f.reason, line.clone(), vec![line]);
        } else if self.browser() == Browser::Firefox && self.mode == Mode::NoCors {
            // Gecko's CORS listener, which prints "CORS request did not succeed", is not on a
            // no-cors channel: the fetch fails without a console line (observed in Firefox 153
            // by the conformance suite).
            self.network_error(Stage::Response, f.reason, String::new(), Vec::new());
        } else if self.browser() == Browser::Safari && self.mode == Mode::NoCors {
            // WebKit's network process follows a no-cors redirect without the CORS redirect
            // check and refuses the scheme itself; the loader then reports that error against
            // the new URL (NetworkResourceLoader::continueWillSendRequest; observed in
            // WebKitGTK 2.50 by the conformance suite).
            let line = "Redirection to URL with a scheme that is not HTTP(S).".to_string();
            let lines = vec![
                line.clone(),
                format!("Fetch API cannot load {target} due to access control checks."),
            ];
            self.network_error(Stage::Response, f.reason, line, lines);
        } else {
            self.block_redirect(&f, status, target);
        }
    }

    /// Checks a redirect response and moves the request to its Location; false when blocked.
    fn follow_redirect(&mut self, request: Request, response: Response, hop: usize) -> bool {
        let status = response.status;
        let location = response
            .headers
            .get("location")
            .unwrap_or_default()
            .into_owned();
        // Where the redirect leads, as WebKit names it in its console line (without a user
        // name or password).
        let joined = crate::http::join_url(&self.url, &location).ok();
        let target = match &joined {
            Some(u) => {
                let mut u = u.clone();
                let _ = u.set_username("");
                let _ = u.set_password(None);
                u.to_string()
            }
            None => location.to_string(),
        };
        // Firefox's network layer refuses a Location that is not http(s) before its CORS
        // listener checks the redirect (observed in Firefox 153); Chromium and WebKit check the
        // redirect response first.
        let next = joined.filter(|u| matches!(u.scheme(), "http" | "https"));
        if next.is_none() && self.browser() == Browser::Firefox {
            self.refuse_unusable_location(request, response, &location, &target);
            return false;
        }
        let checked = if self.cors_tainting {
            cors_check(
                self.engine,
                &response,
                &self.effective_origin(),
                self.include,
            )
            .map(|_| ())
        } else {
            Ok(())
        };
        if let Err(f) = checked {
            self.refuse_hop(
                request,
                response,
                format!("Redirect {status} fails the CORS check"),
                format!(
                    "A cross-origin redirect must pass the CORS check itself. {}",
                    f.explanation
                ),
                "Fetch #http-redirect-fetch; Fetch #concept-cors-check",
            );
            self.block_redirect(&f, status, &target);
            return false;
        }
        let Some(next) = next else {
            self.refuse_unusable_location(request, response, &location, &target);
            return false;
        };
        if hop + 1 > MAX_REDIRECTS {
            let f = Failure::new(
                BlockReason::TooManyRedirects,
                "",
                "More than 20 redirects.".into(),
            );
            let detail = match self.browser() {
                Browser::Safari => "Fetch gives up after 20 redirects. The console line is WebKitGTK's (its libsoup network layer); Safari's own network stack may word it differently, which was not observed.",
                _ => "Fetch gives up after 20 redirects.",
            };
            self.refuse_hop(
                request,
                response,
                "Too many redirects",
                detail.into(),
                "Fetch #http-redirect-fetch (redirect count is 20)",
            );
            let url = self.url.to_string();
            let origin = self.origin_header();
            let lines = too_many_redirects_lines(&Context {
                browser: self.browser(),
                api: self.api,
                url: &url,
                initial_url: None,
                origin: &origin,
                status,
                stage: Stage::Response,
            });
            let line = lines.first().cloned().unwrap_or_default();
            self.network_error(Stage::Response, f.reason, line, lines);
            return false;
        }
        let next_origin = Origin::of_url(&next);
        // Fetch refuses credentials in a cross-origin Location in cors mode; Chromium refuses
        // them in no-cors mode too (observed: "TypeError: Failed to fetch", no console line).
        let refuses_credentials = self.cors_tainting
            || (self.mode == Mode::Cors && !self.origin.same_origin(&next_origin))
            || (self.mode == Mode::NoCors && self.browser() == Browser::Chrome);
        if (!next.username().is_empty() || next.password().is_some()) && refuses_credentials {
            if self.mode == Mode::NoCors {
                self.refuse_hop(
                    request,
                    response,
                    "Redirect carries credentials",
                    format!("The redirect's Location {next} carries a user name or password; Chrome refuses to follow it."),
                    "Fetch #http-redirect-fetch (location URL includes credentials)",
                );
                self.network_error(
                    Stage::Response,
                    BlockReason::RedirectContainsCredentials,
                    String::new(),
                    Vec::new(),
                );
                return false;
            }
            // Chromium's CheckRedirectLocation builds the error without the URL, so the
            // message quotes '' (browser-errors.md §2 row 14; observed in Chromium 156).
            let hint = if self.browser() == Browser::Chrome {
                String::new()
            } else {
                next.to_string()
            };
            let f = Failure::new(
                BlockReason::RedirectContainsCredentials,
                hint,
                format!("The redirect's Location {next} carries a user name or password, which a cross-origin CORS request may not follow."),
            );
            self.refuse_hop(
                request,
                response,
                "Redirect carries credentials",
                f.explanation.clone(),
                "Fetch #http-redirect-fetch (location URL includes credentials)",
            );
            self.block_redirect(&f, status, &target);
            return false;
        }
        // Main fetch runs again on the Location, mixed-content check included (after the
        // redirect's own checks above, credentials in the Location among them).
        if super::mixed_content::blocks(self.browser(), &self.origin, &next) {
            self.refuse_hop(
                request,
                response,
                "Redirect to an http URL",
                format!("The redirect leads to {next}, an http URL, from an https page."),
                "Fetch #http-redirect-fetch; Mixed Content §4.4",
            );
            self.block_mixed_content(&next, Stage::Response);
            return false;
        }
        // Redirect-taint: a hop to another origin, from a URL that is not the page's origin,
        // makes the Origin header `null` from then on.
        let current_origin = Origin::of_url(&self.url);
        if !next_origin.same_origin(&current_origin) && !self.origin.same_origin(&current_origin) {
            if !self.tainted {
                self.step(
                    Phase::Actual,
                    "Origin becomes null",
                    StepResult::Warn,
                    if self.engine.preflight_keeps_page_origin() {
                        format!("The request moved from {current_origin} to another origin, {next_origin}, so its origin is tainted: it now sends Origin: null, and only Access-Control-Allow-Origin: null or * can allow it. Firefox still sends (and checks) a preflight with the page's origin.")
                    } else {
                        format!("The request moved from {current_origin} to another origin, {next_origin}, so its origin is tainted: it now sends Origin: null, and only Access-Control-Allow-Origin: null or * can allow it.")
                    },
                    if self.engine.preflight_keeps_page_origin() {
                        "Fetch #concept-request-tainted-origin; Firefox behaviour (observed in Firefox 153): the preflight keeps the page's origin"
                    } else {
                        "Fetch #concept-request-tainted-origin"
                    },
                );
            }
            self.tainted = true;
        }
        if !next_origin.same_origin(&current_origin) && self.headers.contains("authorization") {
            self.headers.remove("authorization");
            self.step(
                Phase::Actual,
                "Authorization removed",
                StepResult::Info,
                "A redirect to another origin drops the Authorization header.",
                "Fetch #http-redirect-fetch (cross-origin: remove Authorization)",
            );
        }
        let by_fetch = (matches!(status, 301 | 302) && self.method == "POST")
            || (status == 303 && !matches!(self.method.as_str(), "GET" | "HEAD"));
        // WebKitGTK's network layer also turns DELETE into GET on a redirect to another origin,
        // 307 and 308 included (`shouldRedirectAsGET` in its libsoup port; observed in
        // WebKitGTK 2.50 by the conformance suite). Safari's network stack may not.
        let by_webkit = self.engine.redirects_cross_origin_delete_as_get()
            && self.method == "DELETE"
            && !next_origin.same_origin(&current_origin);
        if by_fetch || by_webkit {
            let (detail, source) = if by_fetch {
                (
                    format!(
                        "A {status} turns {} into GET and drops the body and its headers.",
                        self.method
                    ),
                    "Fetch #http-redirect-fetch (301/302 POST, 303: method becomes GET)",
                )
            } else {
                (
                    format!("WebKitGTK turns DELETE into GET on a redirect to another origin, even a {status}. This comes from its network layer (libsoup); Safari's own network stack was not observed and may keep DELETE."),
                    "WebKitGTK behaviour (observed in WebKitGTK 2.50): a cross-origin redirect of DELETE becomes GET",
                )
            };
            self.step(
                Phase::Actual,
                "Method becomes GET",
                StepResult::Info,
                detail,
                source,
            );
            self.method = Method::get();
            for h in [
                "content-type",
                "content-encoding",
                "content-language",
                "content-location",
            ] {
                self.headers.remove(h);
            }
        }
        if self.browser() == Browser::Chrome && !self.origin.same_origin(&next_origin) {
            // Chromium strips the client-hint headers on a redirect to a URL of another origin
            // than the page's, a redirect within that origin included; toward the page's own
            // origin they stay, and Save-Data and Intervention always stay (observed in
            // Chromium 156 by the conformance suite, seeds 1 and 3).
            let hints = [
                "dpr",
                "width",
                "viewport-width",
                "device-memory",
                "rtt",
                "downlink",
                "ect",
            ];
            let dropped: Vec<String> = hints
                .iter()
                .filter(|h| self.headers.contains(h))
                .map(|h| h.to_string())
                .collect();
            if !dropped.is_empty() {
                for h in &dropped {
                    self.headers.remove(h);
                }
                self.step(
                    Phase::Actual,
                    "Client hints removed",
                    StepResult::Info,
                    format!(
                        "Chrome does not send {} again after a redirect to another origin than the page's.",
                        dropped.join(", ")
                    ),
                    "Chromium behaviour (observed): client hints are removed on a redirect off the page's origin",
                );
            }
        }
        self.step(
            Phase::Actual,
            format!("Redirect {status} followed"),
            StepResult::Pass,
            if self.cors_tainting {
                format!("The redirect passed the CORS check; the browser follows Location to {next}.")
            } else if self.mode == Mode::NoCors {
                format!("In no-cors mode a redirect needs no CORS check; the browser follows Location to {next}.")
            } else {
                format!("A same-origin redirect needs no CORS check; the browser follows Location to {next}.")
            },
            "Fetch #http-redirect-fetch",
        );
        if self.needed_preflight
            && !self.use_preflight_flag
            && self.engine.keeps_preflight_requirement_across_redirects()
        {
            self.use_preflight_flag = true;
            self.step(
                Phase::Actual,
                "The next hop is preflighted too",
                StepResult::Info,
                format!("{} preflights every URL of a request that once needed a preflight, whatever its method and headers are now.", self.browser().display_name()),
                "Engine behaviour (observed in Firefox 153 and WebKitGTK 2.50): a redirect keeps the preflight requirement",
            );
        }
        self.trace.redirects.push(Hop { request, response });
        self.url = next;
        true
    }

    /// What script can read of a CORS response that passed the check.
    fn read(&mut self, response: &Response) {
        let exposed = exposure(&response.headers, self.include);
        let readable = readable_given(&response.headers, &exposed);
        // One buffer for the whole sentence, sized for the usual one: this step ends every
        // allowed CORS request.
        let mut detail = String::with_capacity(512);
        let _ = write!(
            detail,
            "Status {} and the body are readable. Readable headers: ",
            response.status
        );
        if readable.is_empty() {
            detail.push_str("none");
        }
        push_joined(&mut detail, readable.iter().map(String::as_str));
        detail.push_str(". ");
        match &exposed {
            Exposure::None => detail.push_str("No Access-Control-Expose-Headers: only the CORS-safelisted response headers are readable."),
            Exposure::Invalid(bad) => {
                let _ = write!(detail, "Access-Control-Expose-Headers holds {bad:?}, which is not a header name, so the whole list is ignored.");
            }
            Exposure::All => detail.push_str("Access-Control-Expose-Headers: * exposes every header (except Set-Cookie) because credentials are not included."),
            Exposure::Names(names) => {
                detail.push_str("Access-Control-Expose-Headers exposes ");
                push_joined(&mut detail, names.iter().map(String::as_str));
                detail.push('.');
                if self.include && names.iter().any(|n| n == "*") {
                    detail.push_str(" With credentials, * is not a wildcard.");
                }
            }
        }
        if self.browser() != Browser::Chrome && readable.iter().any(|h| h == "content-length") {
            let _ = write!(
                detail,
                " That {} lets script read Content-Length without exposure follows the standard: it was not observed for this engine (older Gecko code did not).",
                self.browser().display_name()
            );
        }
        // The names script cannot read, lowercased as the readable ones, written straight into
        // the sentence.
        let hidden = response
            .headers
            .distinct_names()
            .filter(|n| !readable.iter().any(|r| r.eq_ignore_ascii_case(n)));
        let mut any_hidden = false;
        for name in hidden {
            detail.push_str(if any_hidden {
                ", "
            } else {
                " Hidden from script: "
            });
            let start = detail.len();
            detail.push_str(name);
            detail[start..].make_ascii_lowercase();
            any_hidden = true;
        }
        if any_hidden {
            detail.push('.');
        }
        self.step(
            Phase::Js,
            "Script reads the response",
            StepResult::Pass,
            detail,
            "Fetch #concept-filtered-response-cors",
        );
        self.trace.readable_headers = readable;
        self.trace.js = JsView {
            response_type: "cors".into(),
            status: response.status,
            error: None,
            body_readable: true,
        };
    }
}

/// `bytes=S-[E]` for a single byte range written with any unit case and optional spaces.
fn canonical_range(value: &str) -> Option<String> {
    let (unit, spec) = value.split_once('=')?;
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = (start.trim(), end.trim());
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if start.is_empty() || !digits(start) || !digits(end) {
        return None;
    }
    Some(format!("bytes={start}-{end}"))
}

/// Seconds for the timeline: whole numbers without a fraction.
/// The header values as the bytes a UTF-8 encoding puts on the wire, each byte shown as the
/// character of the same number (how a server reading ISO-8859-1 sees them): `é` becomes `Ã©`.
fn utf8_on_the_wire(headers: &HeaderList) -> HeaderList {
    let mut out = HeaderList::new();
    for (name, value) in headers.iter() {
        if value.is_ascii() {
            out.append(name.to_owned(), value.to_owned());
        } else {
            out.append(
                name.to_owned(),
                value.bytes().map(char::from).collect::<String>(),
            );
        }
    }
    out
}

fn seconds(t: f64) -> String {
    if t.fract() == 0.0 && t.abs() < 1e15 {
        format!("{}", t as i64)
    } else {
        format!("{t:.3}")
    }
}

/// `Server answers 200`, the title of every server step: borrowed for the statuses most
/// answers have, written for the others.
fn server_answers(status: u16) -> Cow<'static, str> {
    match status {
        200 => "Server answers 200".into(),
        204 => "Server answers 204".into(),
        403 => "Server answers 403".into(),
        other => format!("Server answers {other}").into(),
    }
}

/// The Content-Type of a `data:` URL's response (Fetch #data-url-processor): the MIME type
/// before the comma, without a final `;base64`, with `text/plain` put in front of a bare
/// `;charset=…`; its type and subtype lowercased; `text/plain;charset=US-ASCII` when it is
/// empty or does not parse. The fragment is not part of it. `None`: no comma, so not a data:
/// URL the browser can read.
fn data_url_mime(url: &str) -> Option<String> {
    use crate::http::is_http_whitespace;
    let body = url.strip_prefix("data:")?;
    let body = body.split_once('#').map_or(body, |(before, _)| before);
    let (meta, _) = body.split_once(',')?;
    let meta = meta.trim_matches(is_http_whitespace);
    let meta = match meta.rfind(';') {
        Some(i)
            if meta[i + 1..]
                .trim_matches(is_http_whitespace)
                .eq_ignore_ascii_case("base64") =>
        {
            meta[..i].trim_end_matches(is_http_whitespace)
        }
        _ => meta,
    };
    let meta = if meta.starts_with(';') {
        format!("text/plain{meta}")
    } else {
        meta.to_string()
    };
    Some(match super::mime::parse_mime_type(&meta) {
        Some(parsed) => match meta.find(';') {
            Some(i) => format!("{}{}", parsed.essence, &meta[i..]),
            None => parsed.essence,
        },
        None => "text/plain;charset=US-ASCII".to_string(),
    })
}

fn cross_origin_detail(page: &Origin, target: &Origin) -> String {
    match (page, target) {
        (Origin::Opaque, _) => format!(
            "The page's origin is opaque (null), so every URL, {target} included, is cross-origin."
        ),
        (
            Origin::Tuple {
                scheme: s1,
                host: h1,
                port: p1,
            },
            Origin::Tuple {
                scheme: s2,
                host: h2,
                port: p2,
            },
        ) => {
            // One buffer for the whole sentence: every cross-origin simulation writes it.
            let mut out = String::with_capacity(200 + 2 * (h1.len() + h2.len()));
            let _ = write!(
                out,
                "The page {page} and the URL's origin {target} differ ("
            );
            let mut first = true;
            let mut diff = |out: &mut String, what: &str| {
                if !std::mem::take(&mut first) {
                    out.push_str(", ");
                }
                out.push_str(what);
                out.push(' ');
            };
            if s1 != s2 {
                diff(&mut out, "scheme");
                let _ = write!(out, "{s1} vs {s2}");
            }
            if h1 != h2 {
                diff(&mut out, "host");
                let _ = write!(out, "{h1} vs {h2}");
            }
            if p1 != p2 {
                diff(&mut out, "port");
                let show = |out: &mut String, p: &Option<u16>, s: &str| {
                    let _ = match p {
                        Some(p) => write!(out, "{p}"),
                        None => write!(out, "default for {s}"),
                    };
                };
                show(&mut out, p1, s1);
                out.push_str(" vs ");
                show(&mut out, p2, s2);
            }
            out.push_str(
                "), so this is a CORS request: the browser adds Origin and checks the response.",
            );
            out
        }
        (_, Origin::Opaque) => {
            "The URL has no tuple origin, so the request is cross-origin.".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The last step of an allowed CORS request names what script can and cannot read, each
    /// header once and lowercased, in the order the response has them.
    #[test]
    fn script_reads_the_response_lists_readable_and_hidden_names() {
        let scenario = r#"{
          "browser": "chrome",
          "request": {"origin": "https://app.example", "url": "https://api.example/x",
                      "method": "GET"},
          "server": {"kind": "custom", "response": {"status": 200, "headers": [
            ["Access-Control-Allow-Origin", "*"],
            ["X-Amz-Request-Id", "1"],
            ["Content-Type", "text/plain"],
            ["ETag", "\"e\""],
            ["x-amz-request-id", "2"],
            ["Access-Control-Expose-Headers", "etag"]]}}
        }"#;
        let trace = crate::simulate_json(scenario).expect("valid scenario");
        let step = trace.steps.last().expect("steps");
        assert_eq!(step.title, "Script reads the response");
        assert_eq!(
            step.detail,
            "Status 200 and the body are readable. Readable headers: content-type, etag. \
             Access-Control-Expose-Headers exposes etag. Hidden from script: \
             access-control-allow-origin, x-amz-request-id, access-control-expose-headers."
        );
        assert_eq!(trace.readable_headers, ["content-type", "etag"]);
    }

    /// Fetch #main-fetch taints a no-cors request "opaque" once its URL leaves the page's
    /// origin, even when it started same-origin: no Origin on the GET a 303 makes of it, and
    /// an opaque response instead of a CORS-checked one (observed in Chromium 156, Firefox 153
    /// and WebKitGTK 2.50).
    #[test]
    fn a_same_origin_no_cors_request_redirected_away_becomes_opaque() {
        for browser in ["chrome", "firefox", "safari"] {
            let scenario = format!(
                r#"{{"browser": "{browser}",
                  "request": {{"origin": "https://app.example", "url": "https://app.example/form",
                              "method": "POST", "mode": "no-cors", "body": "a=1"}},
                  "server": {{"kind": "custom",
                    "redirects": [{{"status": 303, "headers": [["Location", "https://api.example/done"]]}}],
                    "response": {{"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}}}}}"#
            );
            let trace = crate::simulate_json(&scenario).expect("valid scenario");
            assert_eq!(trace.js.response_type, "opaque", "{browser}");
            assert_eq!(trace.js.status, 0, "{browser}");
            let last = trace.request.as_ref().expect("sent");
            assert_eq!(last.method, "GET", "{browser}");
            assert!(!last.headers.contains("origin"), "{browser}");
            assert!(
                trace
                    .steps
                    .iter()
                    .any(|s| s.title == "Now an opaque request"),
                "{browser}"
            );
        }
    }

    #[test]
    fn server_answers_titles_every_status_alike() {
        for status in [100, 200, 204, 206, 301, 403, 404, 500, 599] {
            assert_eq!(server_answers(status), format!("Server answers {status}"));
        }
    }
}
