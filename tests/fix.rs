//! Blocked scenarios and the minimal fix cors-sim proposes: the fix passes when simulated, it
//! is the cheapest passing candidate considered, and it edits the user's text in place.

use cors_sim::advice::fix::{fix, simulated_candidates};
use cors_sim::{simulate, Outcome, Scenario};
use serde_json::json;

fn s3(config: &str, method: &str, headers: serde_json::Value, credentials: &str) -> Scenario {
    let v = json!({"request": {"origin": "https://app.example.com",
        "url": "https://bucket.s3.us-east-1.amazonaws.com/k.png", "method": method,
        "headers": headers, "credentials": credentials},
        "server": {"kind": "s3", "config": config}});
    Scenario::from_json(&v.to_string()).unwrap()
}

/// (name, scenario, a line the diff must add, a line it must remove if any)
fn table() -> Vec<(&'static str, Scenario, &'static str, Option<&'static str>)> {
    let xml = "<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>https://other.example.com</AllowedOrigin>\n    <AllowedMethod>GET</AllowedMethod>\n  </CORSRule>\n</CORSConfiguration>\n";
    let json_cfg = "{\n  \"CORSRules\": [\n    {\n      \"AllowedOrigins\": [\"https://app.example.com\"],\n      \"AllowedMethods\": [\"GET\"]\n    }\n  ]\n}\n";
    let console = "[\n  {\n    \"AllowedHeaders\": [],\n    \"AllowedMethods\": [\"PUT\"],\n    \"AllowedOrigins\": [\"https://app.example.com\"]\n  }\n]\n";
    let slash = "<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com/</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    vec![
        (
            "add the origin to the rule",
            s3(xml, "GET", json!([]), "same-origin"),
            "+    <AllowedOrigin>https://app.example.com</AllowedOrigin>",
            None,
        ),
        (
            "add the method, JSON layout kept",
            s3(json_cfg, "PUT", json!([]), "same-origin"),
            "+      \"AllowedMethods\": [\"GET\", \"PUT\"]",
            Some("-      \"AllowedMethods\": [\"GET\"]"),
        ),
        (
            "add the header into an empty list",
            s3(
                console,
                "PUT",
                json!([["Content-Type", "image/png"]]),
                "same-origin",
            ),
            "+    \"AllowedHeaders\": [\"content-type\"],",
            Some("-    \"AllowedHeaders\": [],"),
        ),
        (
            "repair a trailing slash",
            s3(slash, "GET", json!([]), "same-origin"),
            "<AllowedOrigin>https://app.example.com</AllowedOrigin>",
            Some("https://app.example.com/</AllowedOrigin>"),
        ),
    ]
}

#[test]
fn each_blocked_scenario_gets_its_minimal_passing_fix() {
    for (name, scenario, added, removed) in table() {
        let before = simulate(&scenario).unwrap();
        assert_eq!(
            before.outcome,
            Outcome::Blocked,
            "{name}: blocked as written"
        );
        let report = fix(&scenario).unwrap();
        assert_eq!(
            report.outcome_after,
            Outcome::Allowed,
            "{name}: {}",
            report.explanation
        );
        let diff = report.diff.clone().unwrap();
        assert!(
            diff.lines()
                .any(|l| l.starts_with('+') && l.contains(added.trim_start_matches('+'))),
            "{name}: {diff}"
        );
        if let Some(removed) = removed {
            assert!(
                diff.lines()
                    .any(|l| l.starts_with('-') && l.contains(removed.trim_start_matches('-'))),
                "{name}: {diff}"
            );
        }
        // Proved: the fixed text, simulated again, passes.
        let mut fixed = scenario.clone();
        if let cors_sim::ServerSpec::S3 { config, .. } = &mut fixed.server {
            *config = report.fixed_config.clone();
        }
        assert_eq!(
            simulate(&fixed).unwrap().outcome,
            Outcome::Allowed,
            "{name}"
        );
        // Smallest: no passing candidate costs less.
        let (_, all) = simulated_candidates(&scenario, &before).unwrap().unwrap();
        let min = all
            .iter()
            .filter(|(_, after)| after.is_some())
            .map(|(c, _)| c.cost)
            .min();
        assert_eq!(report.cost, min, "{name}");
        assert_eq!(report.cost, Some(1), "{name}: one value changes");
    }
}

#[test]
fn a_method_s3_cannot_allow_gets_a_request_side_answer() {
    let scenario = s3(
        "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
        "PATCH",
        json!([]),
        "same-origin",
    );
    let report = fix(&scenario).unwrap();
    assert!(report.fixed_config.is_none());
    assert!(report
        .request_change
        .unwrap()
        .contains("GET, PUT, POST, DELETE and HEAD"));
}

#[test]
fn credentials_with_a_wildcard_rule_get_the_exact_origin() {
    let scenario = s3(
        "{\"CORSRules\": [{\"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"GET\"]}]}",
        "GET",
        json!([]),
        "include",
    );
    let report = fix(&scenario).unwrap();
    assert_eq!(report.outcome_after, Outcome::Allowed);
    assert!(report
        .fixed_config
        .unwrap()
        .contains("\"https://app.example.com\""));
}
