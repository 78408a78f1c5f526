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

/// `text` with an XML comment (or, for JSON, spaces) before its end, so that it is `len` bytes.
fn padded(text: &str, len: usize, xml: bool) -> String {
    let at = if xml {
        text.rfind("</CORSConfiguration>").unwrap()
    } else {
        text.rfind('}').unwrap()
    };
    let fill = len - text.len();
    let pad = if xml {
        format!("<!--{}-->", "x".repeat(fill - 7))
    } else {
        " ".repeat(fill)
    };
    let out = format!("{}{pad}{}", &text[..at], &text[at..]);
    assert_eq!(out.len(), len);
    out
}

#[test]
fn a_fix_that_would_pass_s3s_size_limit_is_refused_and_the_report_says_so() {
    let limit = cors_sim::server::s3::MAX_DOCUMENT_BYTES;
    let fix_get = |config: &str| fix(&s3(config, "GET", json!([]), "same-origin")).unwrap();
    let xml = "<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>https://other.example.com</AllowedOrigin>\n    <AllowedMethod>GET</AllowedMethod>\n  </CORSRule>\n</CORSConfiguration>\n";
    // s3api JSON goes to S3 as XML (without the comment's room): spaces pad the JSON only,
    // so this one's XML stays small and its fix fits.
    let json_cfg = "{\n  \"CORSRules\": [\n    {\n      \"AllowedOrigins\": [\"https://other.example.com\"],\n      \"AllowedMethods\": [\"GET\"]\n    }\n  ]\n}\n";
    let full = padded(xml, limit - 10, true);
    let report = fix_get(&full);
    assert_eq!(report.outcome_after, Outcome::Blocked);
    assert!(report.fixed_config.is_none());
    assert!(
        report
            .explanation
            .contains("larger than S3's limit of 65536 bytes")
            && report.explanation.contains("MaxMessageLengthExceeded"),
        "{}",
        report.explanation
    );
    assert_eq!(
        report.request_change, None,
        "the request is not the problem"
    );

    // With room for the new origin, the same fix is proposed.
    let roomy = padded(xml, limit - 60, true);
    let report = fix_get(&roomy);
    assert_eq!(
        report.outcome_after,
        Outcome::Allowed,
        "{}",
        report.explanation
    );
    assert!(report.fixed_config.unwrap().len() <= limit);

    let json_full = padded(json_cfg, limit - 10, false);
    let report = fix_get(&json_full);
    assert_eq!(
        report.outcome_after,
        Outcome::Allowed,
        "{}",
        report.explanation
    );

    // s3api JSON whose XML is within a few bytes of the limit: S3 refuses every fix there too.
    let json_with = |n: usize| {
        let origins: Vec<String> = (0..n)
            .map(|i| format!("https://site{i}.example.org"))
            .collect();
        json!({"CORSRules": [{"AllowedOrigins": origins, "AllowedMethods": ["GET"]}]}).to_string()
    };
    let fits = |n: usize| cors_sim::server::s3::parse(&json_with(n)).is_ok();
    let counts: Vec<usize> = (1..5000).collect();
    let most = counts[counts.partition_point(|&n| fits(n)) - 1];
    assert!(fits(most) && !fits(most + 1));
    let report = fix_get(&json_with(most));
    assert_eq!(report.outcome_after, Outcome::Blocked);
    assert!(
        report.explanation.contains("MaxMessageLengthExceeded"),
        "{}",
        report.explanation
    );
}
