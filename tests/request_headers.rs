//! Header values as the Fetch API takes them: normalized first (leading and trailing tabs,
//! spaces, CR and LF stripped), then validated (Fetch #concept-headers-append).

use cors_sim::{simulate_json, Outcome, Trace};
use serde_json::json;

fn run(browser: &str, value: &str) -> Trace {
    let scenario = json!({
        "browser": browser,
        "request": {"origin": "http://app.example", "url": "http://api.example/t", "headers": [["X-A", value]]},
        "server": {"kind": "custom",
            "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Headers", "x-a"]]},
            "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}},
    });
    simulate_json(&scenario.to_string()).expect("valid scenario")
}

#[test]
fn a_trailing_crlf_is_trimmed_not_refused() {
    for browser in ["chrome", "firefox", "safari"] {
        let t = run(browser, " v\r\n");
        assert_eq!(t.outcome, Outcome::Allowed, "{browser}");
        let sent = t.request.as_ref().expect("sent").headers.get("x-a");
        assert_eq!(sent.as_deref(), Some("v"), "{browser}");
    }
}

#[test]
fn a_cr_lf_or_nul_inside_the_value_makes_the_api_throw() {
    for value in ["a\r\nb", "a\nb", "a\0b"] {
        for browser in ["chrome", "firefox", "safari"] {
            let t = run(browser, value);
            let blocked = t.blocked.as_ref().expect("blocked");
            assert_eq!(
                blocked.reason.id(),
                "invalid_request",
                "{browser} {value:?}"
            );
            assert!(t.preflight.is_none() && t.request.is_none());
        }
    }
}
