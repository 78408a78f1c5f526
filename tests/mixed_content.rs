//! An https page fetching an http URL: every engine blocks it before sending anything, on the
//! first URL and on a redirect's Location, with its own console line (src/browser/mixed_content.rs).

use cors_sim::{simulate_json, Outcome, Trace};
use serde_json::{json, Value};

const BROWSERS: [&str; 3] = ["chrome", "firefox", "safari"];

fn run(browser: &str, origin: &str, url: &str, server: Value) -> Trace {
    let scenario = json!({
        "browser": browser,
        "request": {"origin": origin, "url": url, "method": "PUT", "headers": [["Content-Type", "application/json"]]},
        "server": server,
    });
    simulate_json(&scenario.to_string()).expect("valid scenario")
}

fn open_custom() -> Value {
    json!({"kind": "custom",
        "preflight": {"status": 204, "headers": [
            ["Access-Control-Allow-Origin", "*"],
            ["Access-Control-Allow-Methods", "PUT"],
            ["Access-Control-Allow-Headers", "content-type"]]},
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}})
}

fn reason(t: &Trace) -> Option<&'static str> {
    t.blocked.as_ref().map(|b| b.reason.id())
}

#[test]
fn an_https_page_cannot_reach_an_s3_website_endpoint() {
    let server = json!({"kind": "s3", "endpoint": "website", "config":
        "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>"});
    let url = "http://my-bucket.s3-website-us-east-1.amazonaws.com/data.json";
    for browser in BROWSERS {
        let t = run(browser, "https://app.example.com", url, server.clone());
        assert_eq!(t.outcome, Outcome::Blocked, "{browser}");
        assert_eq!(reason(&t), Some("mixed_content"), "{browser}");
        assert!(
            t.preflight.is_none() && t.request.is_none(),
            "{browser}: nothing is sent"
        );
        let console = &t.blocked.as_ref().unwrap().console;
        assert!(console.contains(url), "{browser}: {console}");
        // The same page served over http gets to CORS, and the bucket allows it.
        let t = run(browser, "http://app.example.com", url, server.clone());
        assert_eq!(t.outcome, Outcome::Allowed, "{browser} from an http page");
    }
}

#[test]
fn localhost_over_http_is_trusted_by_chrome_and_firefox_not_by_safari() {
    for (browser, blocked) in [("chrome", false), ("firefox", false), ("safari", true)] {
        let t = run(
            browser,
            "https://app.example.com",
            "http://localhost:3000/api",
            open_custom(),
        );
        assert_eq!(t.outcome == Outcome::Blocked, blocked, "{browser}");
        assert_eq!(t.preflight.is_some(), !blocked, "{browser}");
    }
}

#[test]
fn a_redirect_to_http_is_blocked_at_the_redirect() {
    let server = json!({"kind": "custom",
        "preflight": open_custom()["preflight"].clone(),
        "redirects": [{"status": 307, "headers": [
            ["Location", "http://cdn.example.com/data.json"],
            ["Access-Control-Allow-Origin", "*"]]}],
        "response": open_custom()["response"].clone()});
    for browser in BROWSERS {
        let t = run(
            browser,
            "https://app.example.com",
            "https://api.example.com/data.json",
            server.clone(),
        );
        assert_eq!(reason(&t), Some("mixed_content"), "{browser}");
        assert_eq!(
            t.blocked.as_ref().unwrap().stage,
            cors_sim::trace::Stage::Response
        );
        assert_eq!(t.redirects.len(), 1, "{browser}: the redirect was received");
        let console = &t.blocked.as_ref().unwrap().console;
        assert!(
            console.contains("http://cdn.example.com/data.json"),
            "{browser}: {console}"
        );
    }
}

#[test]
fn the_fix_names_the_https_way_in() {
    let scenario = json!({
        "browser": "chrome",
        "request": {"origin": "https://app.example.com", "url": "http://my-bucket.s3-website-us-east-1.amazonaws.com/a.json"},
        "server": {"kind": "s3", "endpoint": "website", "config": null},
    });
    let scenario = cors_sim::Scenario::from_json(&scenario.to_string()).unwrap();
    let report = cors_sim::advice::fix::fix(&scenario).unwrap();
    assert_eq!(report.fixed_config, None);
    let change = report.request_change.expect("a request-side change");
    assert!(change.contains("REST endpoint over https"), "{change}");
}

#[test]
fn after_a_redirect_the_fix_is_the_location() {
    let scenario = json!({
        "browser": "chrome",
        "request": {"origin": "https://app.example.com", "url": "https://api.example.com/a"},
        "server": {"kind": "custom",
            "redirects": [{"status": 302, "headers": [["Location", "http://cdn.example.com/a"], ["Access-Control-Allow-Origin", "*"]]}],
            "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}},
    });
    let scenario = cors_sim::Scenario::from_json(&scenario.to_string()).unwrap();
    let report = cors_sim::advice::fix::fix(&scenario).unwrap();
    let change = report.request_change.expect("a change");
    assert!(
        change.contains("make the redirect's Location https://cdn.example.com/a"),
        "{change}"
    );
}
