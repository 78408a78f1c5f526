//! Every teaching preset under `static/presets/` simulates to the verdict its lesson teaches.

use cors_sim::{simulate_json, Outcome};
use serde_json::Value;
use std::path::PathBuf;

fn presets() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static/presets");
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("index.json")).expect("static/presets/index.json"),
    )
    .expect("index.json is JSON");
    index
        .as_array()
        .expect("an array of presets")
        .iter()
        .map(|entry| {
            let id = entry["id"].as_str().expect("an id").to_string();
            let text = std::fs::read_to_string(dir.join(format!("{id}.json")))
                .unwrap_or_else(|e| panic!("preset {id}: {e}"));
            (id, serde_json::from_str(&text).expect("preset JSON"))
        })
        .collect()
}

#[test]
fn there_are_at_least_twelve_presets_each_with_a_lesson() {
    let all = presets();
    assert!(all.len() >= 12, "{} presets", all.len());
    for (id, p) in &all {
        assert_eq!(p["id"].as_str(), Some(id.as_str()));
        assert!(
            p["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{id}: title"
        );
        assert!(
            p["lesson"].as_str().is_some_and(|l| l.len() > 120),
            "{id}: a real lesson paragraph"
        );
    }
}

#[test]
fn every_preset_renders_its_expected_verdict() {
    let mut failures = Vec::new();
    for (id, p) in presets() {
        let trace = match simulate_json(&p["scenario"].to_string()) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{id}: {e}"));
                continue;
            }
        };
        let e = &p["expected"];
        let outcome = match trace.outcome {
            Outcome::Allowed => "allowed",
            Outcome::Blocked => "blocked",
        };
        if e["outcome"].as_str() != Some(outcome) {
            failures.push(format!(
                "{id}: outcome {outcome}, expected {}",
                e["outcome"]
            ));
        }
        let reason = trace.blocked.as_ref().map(|b| b.reason.id());
        if e["reason"].as_str() != reason {
            failures.push(format!("{id}: reason {reason:?}, expected {}", e["reason"]));
        }
        for hidden in e["not_readable"].as_array().into_iter().flatten() {
            let h = hidden.as_str().unwrap_or_default();
            if trace.readable_headers.iter().any(|r| r == h) {
                failures.push(format!("{id}: {h} must not be readable"));
            }
        }
        if let Some(t) = e["response_type"].as_str() {
            if trace.js.response_type != t {
                failures.push(format!(
                    "{id}: response type {}, expected {t}",
                    trace.js.response_type
                ));
            }
        }
        if let Some(want) = e["sequence_outcomes"].as_array() {
            let have: Vec<&str> = trace
                .sequence
                .iter()
                .map(|t| match t.outcome {
                    Outcome::Allowed => "allowed",
                    Outcome::Blocked => "blocked",
                })
                .collect();
            let want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
            if have != want {
                failures.push(format!("{id}: later outcomes {have:?}, expected {want:?}"));
            }
        }
        if let Some(want) = e["sequence_from_cache"].as_array() {
            let mut have = vec![trace.preflight.as_ref().is_some_and(|p| p.from_cache)];
            have.extend(
                trace
                    .sequence
                    .iter()
                    .map(|t| t.preflight.as_ref().is_some_and(|p| p.from_cache)),
            );
            let want: Vec<bool> = want.iter().filter_map(Value::as_bool).collect();
            if have != want {
                failures.push(format!(
                    "{id}: preflight from cache {have:?}, expected {want:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A server prepared once answers every simulation as a fresh one would: the same trace as
/// `simulate`, however often it is reused (CloudFront's edge cache must not carry over).
#[test]
fn a_prepared_server_gives_the_traces_of_simulate_every_time() {
    for (id, p) in presets() {
        let scenario = cors_sim::Scenario::from_json(&p["scenario"].to_string())
            .unwrap_or_else(|e| panic!("{id}: {e:?}"));
        let Ok(expected) = cors_sim::simulate(&scenario) else {
            continue;
        };
        let server = cors_sim::PreparedServer::new(&scenario.server).expect(&id);
        for round in 0..3 {
            let trace = cors_sim::simulate_prepared(&scenario, &server).expect(&id);
            assert_eq!(trace, expected, "{id}, round {round}");
        }
    }
}

/// The three browsers simulated in one call (the server answering a repeated request from
/// memory) give exactly the traces of one simulation per browser.
#[test]
fn simulating_in_every_browser_at_once_gives_each_browsers_own_trace() {
    use cors_sim::Browser;
    let browsers = [Browser::Chrome, Browser::Firefox, Browser::Safari];
    for (id, p) in presets() {
        let scenario = cors_sim::Scenario::from_json(&p["scenario"].to_string())
            .unwrap_or_else(|e| panic!("{id}: {e:?}"));
        let Ok(server) = cors_sim::PreparedServer::new(&scenario.server) else {
            continue;
        };
        let together = cors_sim::simulate_in_browsers(&scenario, &server, &browsers);
        for (browser, trace) in browsers.into_iter().zip(together) {
            let mut alone = scenario.clone();
            alone.browser = browser;
            assert_eq!(
                trace.ok(),
                cors_sim::simulate(&alone).ok(),
                "{id} in {browser:?}"
            );
        }
    }
}
