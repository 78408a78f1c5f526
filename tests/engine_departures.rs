//! Where Firefox 153 ESR and WebKitGTK 2.50 (the `firefox` and `safari` models) depart from the
//! Fetch standard or from Chromium, one test per behaviour the conformance suite observed
//! (docs/CONFORMANCE.md, the Firefox and WebKit tables). The suite itself runs the real engines;
//! these tests keep each rule from regressing in a plain `cargo test`.

use cors_sim::{simulate_json, Outcome, Trace};
use serde_json::{json, Value};

const PAGE: &str = "http://app.example";
const API: &str = "http://api.example";

fn run(browser: &str, request: Value, server: Value) -> Trace {
    let mut request = request;
    request["origin"] = json!(PAGE);
    let scenario = json!({"browser": browser, "request": request, "server": server});
    simulate_json(&scenario.to_string()).expect("valid scenario")
}

fn allow_all_preflight() -> Value {
    json!({"status": 204, "headers": [
        ["Access-Control-Allow-Origin", "*"],
        ["Access-Control-Allow-Methods", "PUT, DELETE"],
        ["Access-Control-Allow-Headers", "x-custom, content-type, authorization"]]})
}

fn ok() -> Value {
    json!({"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]})
}

fn header<'a>(headers: &'a cors_sim::http::HeaderList, name: &'a str) -> Option<String> {
    headers.get(name).map(|v| v.into_owned())
}

fn preflight_header(t: &Trace, name: &str) -> Option<String> {
    t.preflight
        .as_ref()
        .and_then(|p| header(&p.request.headers, name))
}

fn lines(t: &Trace) -> Vec<String> {
    t.blocked
        .as_ref()
        .map(|b| b.console_lines.clone())
        .unwrap_or_default()
}

#[test]
fn upload_listeners_preflight_without_a_body_except_in_chrome() {
    let request =
        json!({"url": format!("{API}/x"), "method": "GET", "api": "xhr", "upload_listeners": true});
    let server = json!({"kind": "custom", "preflight": allow_all_preflight(), "response": ok()});
    for (browser, preflighted) in [("chrome", false), ("firefox", true), ("safari", true)] {
        let t = run(browser, request.clone(), server.clone());
        assert_eq!(t.preflight.is_some(), preflighted, "{browser}");
    }
}

#[test]
fn a_303_turning_put_into_get_is_preflighted_again_in_firefox_and_webkit() {
    let request = json!({"url": format!("{API}/start"), "method": "PUT", "api": "fetch"});
    let server = json!({"kind": "custom", "preflight": allow_all_preflight(),
        "redirects": [{"status": 303, "headers": [["Location", format!("{API}/next")], ["Access-Control-Allow-Origin", "*"]]}],
        "response": ok()});
    for (browser, method) in [("chrome", "PUT"), ("firefox", "GET"), ("safari", "GET")] {
        let t = run(browser, request.clone(), server.clone());
        assert_eq!(t.outcome, Outcome::Allowed, "{browser}");
        // The last preflight sent: Chrome's is the first one (PUT); the others ask again.
        assert_eq!(
            preflight_header(&t, "access-control-request-method").as_deref(),
            Some(method),
            "{browser}"
        );
    }
}

#[test]
fn firefox_preflights_a_tainted_request_with_the_page_origin() {
    // api → cdn: the origin is tainted. Firefox's preflight still says the page's origin (and
    // passes against it); the actual request says null, which ACAO * allows.
    let request = json!({"url": format!("{API}/start"), "method": "PUT", "api": "fetch"});
    let preflight = json!({"status": 204, "headers": [
        ["Access-Control-Allow-Origin", PAGE], ["Access-Control-Allow-Methods", "PUT"]]});
    let server = json!({"kind": "custom", "preflight": preflight,
        "redirects": [{"status": 307, "headers": [["Location", "http://cdn.example/next"], ["Access-Control-Allow-Origin", PAGE]]}],
        "response": ok()});
    let firefox = run("firefox", request.clone(), server.clone());
    assert_eq!(firefox.outcome, Outcome::Allowed);
    assert_eq!(preflight_header(&firefox, "origin").as_deref(), Some(PAGE));
    let sent = firefox.request.as_ref().expect("the actual request");
    assert_eq!(header(&sent.headers, "origin").as_deref(), Some("null"));
    let safari = run("safari", request, server);
    assert_eq!(safari.outcome, Outcome::Blocked);
    assert_eq!(preflight_header(&safari, "origin").as_deref(), Some("null"));
}

#[test]
fn webkit_repeats_the_first_request_headers_after_a_redirect() {
    // A 301 turns POST into GET and drops Content-Type; WebKit still asks for it.
    let request = json!({"url": format!("{API}/start"), "method": "POST", "api": "fetch",
        "headers": [["Content-Type", "application/json"]], "body": "{}"});
    let server = json!({"kind": "custom", "preflight": allow_all_preflight(),
        "redirects": [{"status": 301, "headers": [["Location", format!("{API}/next")], ["Access-Control-Allow-Origin", "*"]]}],
        "response": ok()});
    let safari = run("safari", request.clone(), server.clone());
    assert_eq!(
        preflight_header(&safari, "access-control-request-headers").as_deref(),
        Some("content-type")
    );
    let firefox = run("firefox", request, server);
    assert_eq!(
        preflight_header(&firefox, "access-control-request-headers"),
        None
    );
}

#[test]
fn webkit_redirects_a_cross_origin_delete_as_get() {
    let request = json!({"url": format!("{API}/start"), "method": "DELETE", "api": "fetch"});
    let cross = json!({"kind": "custom", "preflight": allow_all_preflight(),
        "redirects": [{"status": 308, "headers": [["Location", "http://cdn.example/next"], ["Access-Control-Allow-Origin", "*"]]}],
        "response": ok()});
    let same = json!({"kind": "custom", "preflight": allow_all_preflight(),
        "redirects": [{"status": 308, "headers": [["Location", format!("{API}/next")], ["Access-Control-Allow-Origin", "*"]]}],
        "response": ok()});
    let method = |t: &Trace| t.request.as_ref().map(|r| r.method.clone());
    assert_eq!(
        method(&run("safari", request.clone(), cross.clone())).as_deref(),
        Some("GET")
    );
    assert_eq!(
        method(&run("safari", request.clone(), same)).as_deref(),
        Some("DELETE")
    );
    assert_eq!(
        method(&run("firefox", request.clone(), cross.clone())).as_deref(),
        Some("DELETE")
    );
    assert_eq!(
        method(&run("chrome", request, cross)).as_deref(),
        Some("DELETE")
    );
}

#[test]
fn webkit_sends_non_ascii_header_values_as_utf8() {
    let request = json!({"url": format!("{API}/x"), "method": "GET", "api": "fetch", "headers": [["Accept", "café"]]});
    let server = json!({"kind": "custom", "response": ok()});
    let wire = |b: &str| {
        let t = run(b, request.clone(), server.clone());
        header(&t.request.expect("sent").headers, "accept")
    };
    assert_eq!(wire("safari").as_deref(), Some("cafÃ©"));
    assert_eq!(wire("chrome").as_deref(), Some("café"));
}

#[test]
fn firefox_refuses_a_content_type_list() {
    // XHR combines the two lines into `text/plain;charset=UTF-8, application/json`.
    let request = json!({"url": format!("{API}/r"), "method": "HEAD", "api": "xhr",
        "headers": [["Content-Type", "text/plain;charset=UTF-8"], ["Content-Type", "application/json"]]});
    let server = json!({"kind": "custom", "preflight": allow_all_preflight(), "response": ok()});
    for (browser, preflighted) in [("chrome", false), ("firefox", true), ("safari", false)] {
        let t = run(browser, request.clone(), server.clone());
        assert_eq!(t.preflight.is_some(), preflighted, "{browser}");
    }
}

#[test]
fn firefox_fetch_sends_one_content_type_line() {
    let request = |body: bool| {
        let mut r = json!({"url": format!("{API}/x"), "method": if body { "POST" } else { "GET" }, "api": "fetch",
            "headers": [["Content-Type", "text/plain;a=1"], ["Content-Type", "text/plain;a=2"]]});
        if body {
            r["body"] = json!("data");
        }
        r
    };
    let server = json!({"kind": "custom", "preflight": allow_all_preflight(), "response": ok()});
    let wire = |body: bool| {
        let t = run("firefox", request(body), server.clone());
        header(&t.request.expect("sent").headers, "content-type")
    };
    assert_eq!(wire(true).as_deref(), Some("text/plain;a=1"));
    assert_eq!(wire(false).as_deref(), Some("text/plain;a=2"));
}

#[test]
fn uncaught_exception_lines_per_engine() {
    let request =
        json!({"url": format!("{API}/x"), "method": "PUT", "mode": "no-cors", "api": "fetch"});
    let server = json!({"kind": "custom", "response": ok()});
    let firefox = run("firefox", request.clone(), server.clone());
    assert_eq!(
        lines(&firefox),
        ["Uncaught (in promise) TypeError: Window.fetch: Invalid request method PUT."]
    );
    let safari = run("safari", request, server.clone());
    assert_eq!(
        lines(&safari),
        ["Unhandled Promise Rejection: TypeError: Method must be GET, POST or HEAD in no-cors mode."]
    );
    let xhr = json!({"url": format!("{API}/x"), "method": "GET", "api": "xhr", "headers": [["X-Bad", "a\nb"]]});
    let safari = run("safari", xhr.clone(), server.clone());
    assert_eq!(
        lines(&safari),
        ["SyntaxError: The string did not match the expected pattern."]
    );
    let firefox = run("firefox", xhr, server);
    assert_eq!(
        firefox.js.error.as_deref(),
        Some("SyntaxError: Invalid header name.")
    );
}

#[test]
fn webkit_names_its_well_known_header_first() {
    let request = json!({"url": format!("{API}/x"), "method": "POST", "api": "fetch", "body": "x",
        "headers": [["X-Test", "1"], ["content-type", "application/json"]]});
    let preflight = json!({"status": 204, "headers": [["Access-Control-Allow-Origin", "*"]]});
    let server = json!({"kind": "custom", "preflight": preflight, "response": ok()});
    let t = run("safari", request, server);
    assert_eq!(
        t.blocked.expect("blocked").console,
        "Request header field Content-Type is not allowed by Access-Control-Allow-Headers."
    );
}

#[test]
fn refused_redirect_lines_per_engine() {
    let request = json!({"url": format!("{API}/start"), "method": "GET", "api": "fetch"});
    let server = json!({"kind": "custom",
        "redirects": [{"status": 302, "headers": [["Location", "http://user:pass@cdn.example/next"], ["Access-Control-Allow-Origin", "*"]]}],
        "response": ok()});
    let safari = run("safari", request.clone(), server.clone());
    assert_eq!(
        lines(&safari),
        [
            "Cross-origin redirection to http://cdn.example/next denied by Cross-Origin Resource Sharing policy: redirection URL http://user:pass@cdn.example/next has credentials",
            "Fetch API cannot load http://api.example/start due to access control checks."
        ]
    );
    let firefox = run("firefox", request, server);
    assert_eq!(
        lines(&firefox),
        ["Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.example/start. (Reason: CORS request did not succeed). Status code: (null)."]
    );
}

#[test]
fn conditional_requests_skip_the_preflight_cache_except_in_webkit() {
    let request = json!({"origin": PAGE, "url": format!("{API}/r"), "method": "PUT", "api": "fetch",
        "headers": [["If-None-Match", "\"a\""]]});
    let mut later = request.clone();
    later["at_seconds"] = json!(1);
    for (browser, from_cache) in [("chrome", false), ("firefox", false), ("safari", true)] {
        let scenario = json!({"browser": browser, "request": request, "sequence": [later],
            "server": {"kind": "custom",
                "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"],
                    ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "if-none-match"],
                    ["Access-Control-Max-Age", "600"]]},
                "response": ok()}});
        let t = simulate_json(&scenario.to_string()).expect("valid scenario");
        let second = t.sequence[0].preflight.as_ref().expect("a preflight step");
        assert_eq!(second.from_cache, from_cache, "{browser}");
    }
}

#[test]
fn a_same_origin_request_that_would_need_a_preflight_is_preflighted_after_leaving() {
    // OPTIONS with Content-Encoding to the page's origin, then a 303 (GET) to another origin.
    let request = json!({"url": format!("{PAGE}/items"), "method": "OPTIONS", "api": "fetch",
        "headers": [["Content-Encoding", "gzip"]], "body": {"kind": "blob"}});
    let server = json!({"kind": "custom", "preflight": allow_all_preflight(),
        "redirects": [{"status": 303, "headers": [["Location", format!("{API}/next")]]}],
        "response": ok()});
    let chrome = run("chrome", request.clone(), server.clone());
    assert!(chrome.preflight.is_none());
    let firefox = run("firefox", request.clone(), server.clone());
    assert_eq!(
        preflight_header(&firefox, "access-control-request-method").as_deref(),
        Some("GET")
    );
    assert_eq!(
        preflight_header(&firefox, "access-control-request-headers"),
        None
    );
    let safari = run("safari", request, server);
    assert_eq!(
        preflight_header(&safari, "access-control-request-headers").as_deref(),
        Some("content-encoding")
    );
}

#[test]
fn no_cors_bodies_and_redirects_in_webkit() {
    // The Blob's application/json passes the no-cors guard only in WebKit.
    let blob = json!({"url": format!("{API}/upload"), "method": "POST", "mode": "no-cors", "api": "fetch",
        "body": {"kind": "blob", "type": "application/json"}});
    let server = json!({"kind": "custom", "response": {"status": 200, "headers": []}});
    let content_type = |b: &str| {
        let t = run(b, blob.clone(), server.clone());
        header(&t.request.expect("sent").headers, "content-type")
    };
    assert_eq!(content_type("chrome"), None);
    assert_eq!(content_type("firefox"), None);
    assert_eq!(content_type("safari").as_deref(), Some("application/json"));
    // A POST turned into GET by a 303 keeps its Origin header in WebKit.
    let post = json!({"url": format!("{API}/x"), "method": "POST", "mode": "no-cors", "api": "fetch", "body": "data"});
    let redirected = json!({"kind": "custom",
        "redirects": [{"status": 303, "headers": [["Location", format!("{API}/next")]]}],
        "response": {"status": 200, "headers": []}});
    let origin = |b: &str| {
        let t = run(b, post.clone(), redirected.clone());
        header(&t.request.expect("sent").headers, "origin")
    };
    assert_eq!(origin("chrome"), None);
    assert_eq!(origin("safari").as_deref(), Some(PAGE));
}

#[test]
fn firefox_sends_a_repeated_singleton_header_once_with_its_last_value() {
    // Gecko merges repeated header lines except those nsHttpHeaderArray holds once.
    let request = json!({"url": format!("{API}/x"), "method": "GET", "api": "fetch",
        "headers": [["Authorization", "Bearer a"], ["X-Custom", "1"], ["Authorization", "Bearer b"], ["X-Custom", "2"]]});
    let server = json!({"kind": "custom", "preflight": allow_all_preflight(), "response": ok()});
    let sent = |b: &str, name: &str| {
        let t = run(b, request.clone(), server.clone());
        let headers = t.request.expect("sent").headers;
        headers.get_all(name).collect::<Vec<_>>().join(" | ")
    };
    // The trace keeps a merged header's lines apart; both values go out.
    assert_eq!(sent("firefox", "authorization"), "Bearer b");
    assert_eq!(sent("firefox", "x-custom"), "1 | 2");
    assert_eq!(sent("chrome", "authorization"), "Bearer a | Bearer b");
}

#[test]
fn a_redirect_to_a_data_url_in_no_cors_mode_is_reported_by_webkit_only() {
    let request =
        json!({"url": format!("{API}/x"), "method": "GET", "mode": "no-cors", "api": "fetch"});
    let server = json!({"kind": "custom",
        "redirects": [{"status": 301, "headers": [["Location", "data:text/plain,hi"]]}],
        "response": {"status": 200, "headers": []}});
    let firefox = run("firefox", request.clone(), server.clone());
    assert_eq!(firefox.outcome, Outcome::Blocked);
    assert!(lines(&firefox).is_empty());
    assert!(firefox
        .steps
        .last()
        .unwrap()
        .detail
        .contains("no console line"));
    let safari = run("safari", request.clone(), server.clone());
    assert_eq!(
        lines(&safari),
        [
            "Redirection to URL with a scheme that is not HTTP(S).",
            "Fetch API cannot load data:text/plain,hi due to access control checks."
        ]
    );
    assert_eq!(
        lines(&run("chrome", request, server)),
        ["Failed to load resource: net::ERR_UNSAFE_REDIRECT"]
    );
}

#[test]
fn chrome_sends_origin_null_after_a_no_cors_redirect_away_from_the_page() {
    // A same-origin no-cors POST redirected by a 307 to another origin: Fetch keeps the page's
    // origin (the request's origin is the previous URL's), Chromium's network stack sends null.
    let request = json!({"url": format!("{PAGE}/form"), "method": "POST", "mode": "no-cors", "api": "fetch", "body": "a=1"});
    let server = json!({"kind": "custom",
        "redirects": [{"status": 307, "headers": [["Location", format!("{API}/next")]]}],
        "response": {"status": 200, "headers": []}});
    let origin = |b: &str| {
        let t = run(b, request.clone(), server.clone());
        assert_eq!(t.js.response_type, "opaque", "{b}");
        header(&t.request.expect("sent").headers, "origin")
    };
    assert_eq!(origin("chrome").as_deref(), Some("null"));
    assert_eq!(origin("firefox").as_deref(), Some(PAGE));
    assert_eq!(origin("safari").as_deref(), Some(PAGE));
}
