//! Sequences of requests against one preflight cache: which later request is preflighted again,
//! per engine (spec/browser-cors.md §7).

use cors_sim::{simulate_json, Trace};
use serde_json::{json, Value};

/// A PUT with `x-token`, repeated at the given times, against a server whose preflight allows
/// it with `max_age` (None: no Access-Control-Max-Age).
fn run(browser: &str, max_age: Option<&str>, times: &[f64], credentials: &str) -> Trace {
    let mut preflight = vec![
        json!(["Access-Control-Allow-Origin", "https://app.example"]),
        json!(["Access-Control-Allow-Methods", "PUT"]),
        json!(["Access-Control-Allow-Headers", "x-token"]),
        json!(["Access-Control-Allow-Credentials", "true"]),
    ];
    if let Some(age) = max_age {
        preflight.push(json!(["Access-Control-Max-Age", age]));
    }
    let request = |at: Option<f64>| {
        let mut r = json!({"origin": "https://app.example", "url": "https://api.example/items/1",
            "method": "PUT", "headers": [["X-Token", "abc"]], "credentials": credentials});
        if let Some(at) = at {
            r["at_seconds"] = json!(at);
        }
        r
    };
    let scenario = json!({
        "browser": browser,
        "request": request(None),
        "sequence": times.iter().map(|t| request(Some(*t))).collect::<Vec<Value>>(),
        "server": {"kind": "custom",
            "preflight": {"status": 204, "headers": preflight},
            "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example"], ["Access-Control-Allow-Credentials", "true"]]}}
    });
    simulate_json(&scenario.to_string()).expect("valid scenario")
}

/// For each later request: was the preflight answered by the cache?
fn cached(trace: &Trace) -> Vec<bool> {
    trace
        .sequence
        .iter()
        .map(|t| {
            t.preflight
                .as_ref()
                .expect("a preflight is needed")
                .from_cache
        })
        .collect()
}

#[test]
fn without_max_age_every_engine_caches_for_five_seconds() {
    for browser in ["chrome", "firefox", "safari"] {
        let t = run(browser, None, &[4.0, 5.0], "same-origin");
        assert_eq!(cached(&t), [true, false], "{browser}");
        assert_eq!(
            t.preflight.as_ref().unwrap().cached_until,
            Some(5.0),
            "{browser}"
        );
        assert_eq!(
            t.sequence[0].preflight.as_ref().unwrap().cached_until,
            Some(5.0)
        );
    }
}

#[test]
fn each_engine_caps_max_age_at_its_own_limit() {
    // Chrome 7,200 s; Safari 600 s; Firefox 86,400 s.
    let cases = [
        ("chrome", 7199.0, 7200.0),
        ("safari", 599.0, 600.0),
        ("firefox", 86399.0, 86400.0),
    ];
    for (browser, inside, at_cap) in cases {
        let t = run(browser, Some("100000"), &[inside, at_cap], "same-origin");
        assert_eq!(cached(&t), [true, false], "{browser}");
    }
}

#[test]
fn zero_and_invalid_max_age() {
    // 0: Chrome and Safari store an entry that expires at once; Firefox does not store it.
    for browser in ["chrome", "firefox", "safari"] {
        let t = run(browser, Some("0"), &[0.0], "same-origin");
        assert_eq!(cached(&t), [false], "{browser}");
    }
    // An unparsable value means the 5-second default in Chrome and Safari, no caching in Firefox.
    assert_eq!(
        cached(&run("chrome", Some("ten"), &[4.0], "same-origin")),
        [true]
    );
    assert_eq!(
        cached(&run("safari", Some("ten"), &[4.0], "same-origin")),
        [true]
    );
    assert_eq!(
        cached(&run("firefox", Some("ten"), &[4.0], "same-origin")),
        [false]
    );
}

#[test]
fn the_trace_says_until_when_the_cache_is_valid() {
    let t = run("chrome", Some("60"), &[30.0], "include");
    let later = &t.sequence[0];
    let pf = later.preflight.as_ref().unwrap();
    assert!(pf.from_cache && pf.response.is_none());
    assert_eq!(pf.cached_until, Some(60.0));
    let step = later
        .steps
        .iter()
        .find(|s| s.title == "Preflight answered from the cache")
        .expect("a cache step");
    assert!(step.detail.contains("until t = 60 s"), "{}", step.detail);
}

#[test]
fn a_failed_actual_request_clears_the_entries_only_in_firefox() {
    // The preflight passes and is cached for 60 s, but the actual response lacks
    // Access-Control-Allow-Origin. Fetch (and Firefox) clear the entries after that network
    // error, so the next request is preflighted again; Chromium and WebKit keep them.
    let scenario = |browser: &str| {
        json!({
            "browser": browser,
            "request": {"origin": "https://app.example", "url": "https://api.example/x", "method": "DELETE"},
            "sequence": [{"origin": "https://app.example", "url": "https://api.example/x", "method": "DELETE", "at_seconds": 1}],
            "server": {"kind": "custom",
                "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "DELETE"], ["Access-Control-Max-Age", "60"]]},
                "response": {"status": 204, "headers": []}}
        })
        .to_string()
    };
    for (browser, cached_later) in [("chrome", true), ("firefox", false), ("safari", true)] {
        let t = simulate_json(&scenario(browser)).unwrap();
        assert_eq!(
            t.blocked.as_ref().unwrap().reason.id(),
            "missing_allow_origin"
        );
        assert_eq!(cached(&t), [cached_later], "{browser}");
    }
}

#[test]
fn one_preflight_grants_every_listed_method_to_later_requests() {
    let scenario = |browser: &str| {
        json!({
            "browser": browser,
            "request": {"origin": "https://app.example", "url": "https://api.example/x", "method": "PUT"},
            "sequence": [
                {"origin": "https://app.example", "url": "https://api.example/x", "method": "DELETE", "at_seconds": 1},
                {"origin": "https://app.example", "url": "https://api.example/x", "method": "PUT", "at_seconds": 2}
            ],
            "server": {"kind": "custom",
                "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "PUT, DELETE"], ["Access-Control-Max-Age", "60"]]},
                "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"]]}}
        })
        .to_string()
    };
    // Both methods are granted by the first preflight, so both later requests hit the cache.
    for browser in ["chrome", "firefox", "safari"] {
        let t = simulate_json(&scenario(browser)).unwrap();
        assert_eq!(cached(&t), [true, true], "{browser}");
    }
}

#[test]
fn a_credentialed_request_cannot_use_a_result_made_without_credentials() {
    let scenario = json!({
        "request": {"origin": "https://app.example", "url": "https://api.example/x", "method": "PUT"},
        "sequence": [{"origin": "https://app.example", "url": "https://api.example/x", "method": "PUT", "credentials": "include", "at_seconds": 1}],
        "server": {"kind": "custom",
            "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example"], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Credentials", "true"], ["Access-Control-Max-Age", "60"]]},
            "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example"], ["Access-Control-Allow-Credentials", "true"]]}}
    });
    let t = simulate_json(&scenario.to_string()).unwrap();
    assert_eq!(cached(&t), [false]);
}

#[test]
fn sequence_times_must_not_go_backwards() {
    let scenario = json!({
        "request": {"origin": "https://app.example", "url": "https://api.example/x"},
        "sequence": [{"origin": "https://app.example", "url": "https://api.example/x", "at_seconds": 5},
                     {"origin": "https://app.example", "url": "https://api.example/x", "at_seconds": 2}],
        "server": {"kind": "custom", "response": {"status": 200}}
    });
    let err = simulate_json(&scenario.to_string()).unwrap_err();
    assert!(err.to_string().contains("sequence[1].at_seconds"), "{err}");
}
