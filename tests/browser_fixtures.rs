//! Every case of `shared/fixtures/browser-cases.json` (from WPT and the Fetch standard), run
//! through `simulate()` with the `custom` server for each engine.
//!
//! A case lists the literal responses a test server sent and what the browser did. The case's
//! `expected` is the standard's (and WPT's) expectation; `chrome_console`, `firefox_console`
//! and `safari_reason` are each engine's exact console text; `browser_outcomes` overrides the
//! outcome where an engine deviates.

use cors_sim::{simulate_json, Outcome, Trace};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixtures() -> Vec<Value> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/browser-cases.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text).expect("browser-cases.json is JSON");
    file["cases"].as_array().expect("a cases array").clone()
}

/// The fixture's request as a scenario request: `body` stays (the body sets the implicit
/// Content-Type the fixture lists under `implicit_headers`); fields the simulator has no use
/// for (`sync`) are dropped.
fn scenario_request(case: &Value) -> Value {
    let mut request = case["request"].clone();
    let obj = request.as_object_mut().expect("request object");
    obj.remove("sync");
    obj.remove("implicit_headers");
    request
}

fn literal(v: &Value) -> Value {
    json!({"status": v["status"], "headers": v["headers"]})
}

/// Builds the scenario JSON for `browser`. The one case with a `setup` (a prior request whose
/// preflight was cached) becomes a two-request sequence; the trace to check is then the second.
fn scenario(case: &Value, browser: &str) -> (Value, bool) {
    let request = scenario_request(case);
    let never_sent = json!({"status": 599, "headers": [["X-Cors-Sim-Test", "this response must never be read"]]});
    let response = if case["response"].is_null() {
        never_sent
    } else {
        literal(&case["response"])
    };
    let redirects: Vec<Value> = case["redirect_responses"]
        .as_array()
        .map(|a| a.iter().map(literal).collect())
        .unwrap_or_default();
    if case.get("setup").is_some() {
        // "the same request was made seconds earlier and its preflight succeeded with
        // Access-Control-Max-Age: 12000, Access-Control-Allow-Methods: POST,
        // Access-Control-Allow-Headers: x-test-header, ACAO '*'"
        let prior_preflight = json!({"status": 200, "headers": [
            ["Access-Control-Allow-Origin", "*"],
            ["Access-Control-Allow-Methods", "POST"],
            ["Access-Control-Allow-Headers", "x-test-header"],
            ["Access-Control-Max-Age", "12000"]]});
        let mut later = request.clone();
        later["at_seconds"] = json!(3);
        return (
            json!({"browser": browser, "request": request, "sequence": [later],
                   "server": {"kind": "custom", "preflight": prior_preflight, "redirects": redirects, "response": response}}),
            true,
        );
    }
    let mut server = json!({"kind": "custom", "redirects": redirects, "response": response});
    if !case["preflight_response"].is_null() {
        server["preflight"] = literal(&case["preflight_response"]);
    }
    (
        json!({"browser": browser, "request": request, "server": server}),
        false,
    )
}

fn names(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_ascii_lowercase))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares one engine's trace with the case; returns every mismatch.
fn check(case: &Value, browser: &str, trace: &Trace) -> Vec<String> {
    let e = &case["expected"];
    let mut problems = Vec::new();
    let outcome = case["expected"]["browser_outcomes"][browser]
        .as_str()
        .or_else(|| e["outcome"].as_str())
        .unwrap_or("?");
    let got = match trace.outcome {
        Outcome::Allowed => "allowed",
        Outcome::Blocked => "blocked",
    };
    if got != outcome {
        problems.push(format!("outcome: expected {outcome}, got {got}"));
    }
    let preflight_sent = trace.preflight.as_ref().is_some_and(|p| !p.from_cache);
    if e["preflight_sent"].as_bool() != Some(preflight_sent) {
        problems.push(format!(
            "preflight_sent: expected {}, got {preflight_sent}",
            e["preflight_sent"]
        ));
    }
    if let Some(expected_pf) = e["preflight_request"].as_object() {
        match &trace.preflight {
            None => problems.push("preflight_request: no preflight in the trace".into()),
            Some(p) => {
                for name in [
                    "Access-Control-Request-Method",
                    "Access-Control-Request-Headers",
                ] {
                    let want = expected_pf.get(name).and_then(Value::as_str);
                    let have = p.request.headers.get(name);
                    if want != have.as_deref() {
                        problems.push(format!("preflight {name}: expected {want:?}, got {have:?}"));
                    }
                }
            }
        }
    }
    if browser == "chrome" {
        if let Some(reason) = e["reason"].as_str() {
            let have = trace.blocked.as_ref().map(|b| b.reason.id());
            if have != Some(reason) {
                problems.push(format!("reason: expected {reason}, got {have:?}"));
            }
        }
    }
    let console_key = match browser {
        "chrome" => "chrome_console",
        "firefox" => "firefox_console",
        _ => "safari_reason",
    };
    if let Some(want) = e[console_key].as_str() {
        let have = trace.blocked.as_ref().map(|b| b.console.as_str());
        if have != Some(want) {
            problems.push(format!(
                "{console_key}:\n    expected {want:?}\n    got      {have:?}"
            ));
        }
    }
    if got == "allowed" {
        let want = names(&e["readable_headers"]);
        let have: BTreeSet<String> = trace.readable_headers.iter().cloned().collect();
        if want != have {
            problems.push(format!("readable_headers: expected {want:?}, got {have:?}"));
        }
        for hidden in names(&e["not_readable"]) {
            if have.contains(&hidden) {
                problems.push(format!("{hidden} must not be readable"));
            }
        }
    }
    for key in ["request_origin_header", "origin_header_on_final_request"] {
        if let Some(want) = e[key].as_str() {
            let have = trace.request.as_ref().and_then(|r| r.headers.get("origin"));
            if have.as_deref() != Some(want) {
                problems.push(format!("{key}: expected {want:?}, got {have:?}"));
            }
        }
    }
    if case["response"].is_null() && trace.response.is_some() {
        problems.push("the actual request must never be sent".into());
    }
    problems
}

fn run_engine(browser: &str) {
    let cases = fixtures();
    assert!(
        cases.len() >= 50,
        "expected the full fixture file, got {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?");
        let (scenario, sequence) = scenario(case, browser);
        let trace = match simulate_json(&scenario.to_string()) {
            Ok(t) => t,
            Err(err) => {
                failures.push(format!("{id}: simulate failed: {err}"));
                continue;
            }
        };
        let checked = if sequence {
            match trace.sequence.first() {
                Some(t) => t,
                None => {
                    failures.push(format!("{id}: no trace for the later request"));
                    continue;
                }
            }
        } else {
            &trace
        };
        let problems = check(case, browser, checked);
        if !problems.is_empty() {
            failures.push(format!("{id}:\n  {}", problems.join("\n  ")));
        }
    }
    println!(
        "{browser}: {}/{} fixture cases agree",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree for {browser}:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_case_agrees_with_chrome() {
    run_engine("chrome");
}

#[test]
fn every_fixture_case_agrees_with_firefox() {
    run_engine("firefox");
}

#[test]
fn every_fixture_case_agrees_with_safari() {
    run_engine("safari");
}
