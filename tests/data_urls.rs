//! `data:` URLs: the browser answers them itself, with no server and no CORS (Fetch
//! #main-fetch, #scheme-fetch; observed in Chromium 156).

use cors_sim::{simulate_json, Outcome, Trace};
use serde_json::json;

fn run(browser: &str, url: &str, method: &str, mode: &str, api: &str) -> Trace {
    let scenario = json!({
        "browser": browser,
        "request": {"origin": "https://app.example.com", "url": url, "method": method, "mode": mode, "api": api},
        "server": {"kind": "custom", "response": {"status": 500, "headers": []}},
    });
    simulate_json(&scenario.to_string()).expect("valid scenario")
}

#[test]
fn a_data_url_is_a_basic_readable_response_in_every_mode() {
    for browser in ["chrome", "firefox", "safari"] {
        for (method, mode, api) in [
            ("GET", "cors", "fetch"),
            ("POST", "cors", "fetch"),
            ("PUT", "same-origin", "fetch"),
            ("GET", "no-cors", "fetch"),
            ("GET", "cors", "xhr"),
        ] {
            let t = run(browser, "data:text/plain,hello", method, mode, api);
            let case = format!("{browser} {method} {mode} {api}");
            assert_eq!(t.outcome, Outcome::Allowed, "{case}");
            assert_eq!(t.js.response_type, "basic", "{case}");
            assert!(t.js.body_readable, "{case}");
            assert_eq!(t.readable_headers, ["content-type"], "{case}");
            assert!(
                t.preflight.is_none() && t.request.is_none(),
                "{case}: nothing is sent"
            );
        }
    }
}

#[test]
fn its_content_type_comes_from_the_url() {
    let detail = |url: &str| {
        let t = run("chrome", url, "GET", "cors", "fetch");
        t.steps[0].detail.to_string()
    };
    assert!(detail("data:,x").contains("Content-Type: text/plain;charset=US-ASCII"));
    assert!(detail("data:;base64,aGk=").contains("Content-Type: text/plain;charset=US-ASCII"));
    assert!(detail("data:application/json,{}").contains("Content-Type: application/json"));
    assert!(detail("data:;charset=utf-8,x").contains("Content-Type: text/plain;charset=utf-8"));
    assert!(detail("data:TEXT/HTML,x").contains("Content-Type: text/html,"));
    assert!(detail("data:foo,x").contains("Content-Type: text/plain;charset=US-ASCII"));
    assert!(detail("data:image/png ; base64,aGk=").contains("Content-Type: image/png,"));
}

#[test]
fn a_comma_in_the_fragment_does_not_count() {
    let t = run("chrome", "data:text/plain#a,b", "GET", "cors", "fetch");
    assert_eq!(t.outcome, Outcome::Blocked);
}

#[test]
fn a_data_url_without_a_comma_is_a_network_error() {
    let t = run("chrome", "data:hello", "GET", "cors", "fetch");
    assert_eq!(t.outcome, Outcome::Blocked);
    assert_eq!(t.js.error.as_deref(), Some("TypeError: Failed to fetch"));
    assert_eq!(
        t.blocked.unwrap().console,
        "Failed to load resource: net::ERR_INVALID_URL"
    );
    let scenario = cors_sim::Scenario::from_json(
        &json!({"browser": "chrome", "request": {"origin": "https://app.example.com", "url": "data:hello", "mode": "no-cors"},
            "server": {"kind": "custom", "response": {"status": 200}}})
        .to_string(),
    )
    .unwrap();
    let change = cors_sim::advice::fix::fix(&scenario)
        .unwrap()
        .request_change
        .expect("a request change");
    assert!(change.contains("needs a comma"), "{change}");
}
