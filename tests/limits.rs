//! Input limits and hostile input: every oversized or pathological input is refused quickly
//! with a clear error (located where the input is text), never a panic, a hang or a stack
//! overflow. The limits are listed in docs/LIMITS.md.

use cors_sim::error::ErrorKind;
use cors_sim::http::{MAX_HEADERS, MAX_HEADER_BYTES};
use cors_sim::{parse_policy, respond_json, simulate_json, Error, PolicyKind};
use serde_json::json;
use std::time::{Duration, Instant};

/// Generous: each case takes microseconds to milliseconds; this only catches a hang.
const QUICK: Duration = Duration::from_secs(2);

/// Runs `f`, checks it was quick, and returns its error.
fn refused<T: std::fmt::Debug>(what: &str, f: impl FnOnce() -> Result<T, Error>) -> Error {
    let start = Instant::now();
    let result = f();
    assert!(
        start.elapsed() < QUICK,
        "{what}: took {:?}",
        start.elapsed()
    );
    result.expect_err(what)
}

fn scenario_with_headers(headers: serde_json::Value) -> String {
    json!({
        "request": {"origin": "https://app.example.com", "url": "https://b.s3.amazonaws.com/k",
                    "method": "GET", "headers": headers},
        "server": {"kind": "s3", "config": null}
    })
    .to_string()
}

fn s3_rule(i: usize) -> String {
    format!("<CORSRule><ID>r{i}</ID><AllowedOrigin>https://app.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>")
}

fn s3_xml(rules: usize, padding: usize) -> String {
    let body: String = (0..rules).map(s3_rule).collect();
    format!(
        "<CORSConfiguration>{body}</CORSConfiguration>{}",
        " ".repeat(padding)
    )
}

#[test]
fn an_s3_config_over_64_kb_is_s3s_max_message_length_exceeded() {
    let text = s3_xml(1, 64 * 1024);
    assert!(text.len() > 64 * 1024);
    let e = refused("64 KB + 1", || parse_policy(PolicyKind::S3, &text));
    assert_eq!(e.code(), Some("MaxMessageLengthExceeded"), "{e}");
    // Just under the limit is fine.
    let text = s3_xml(1, 64 * 1024 - s3_xml(1, 0).len());
    assert!(parse_policy(PolicyKind::S3, &text).is_ok());
}

#[test]
fn more_than_100_s3_rules_is_s3s_invalid_request() {
    assert!(parse_policy(PolicyKind::S3, &s3_xml(100, 0)).is_ok());
    let e = refused("101 rules", || {
        parse_policy(PolicyKind::S3, &s3_xml(101, 0))
    });
    assert_eq!(e.code(), Some("InvalidRequest"), "{e}");
    assert!(e.to_string().contains("100 rules"), "{e}");
}

#[test]
fn a_scenario_over_256_kib_is_too_large() {
    let text = format!(
        "{{\"request\": {{}}, \"pad\": \"{}\"}}",
        "x".repeat(256 * 1024)
    );
    let e = refused("huge scenario", || simulate_json(&text));
    assert_eq!(e.kind, ErrorKind::TooLarge);
    assert_eq!(e.input.as_deref(), Some("scenario"));
    let e = refused("huge respond input", || respond_json(&text));
    assert_eq!(e.kind, ErrorKind::TooLarge);
}

#[test]
fn too_many_request_headers_is_a_located_error() {
    let ok: Vec<_> = (0..MAX_HEADERS)
        .map(|i| json!([format!("X-H{i}"), "1"]))
        .collect();
    assert!(simulate_json(&scenario_with_headers(json!(ok))).is_ok());
    let many: Vec<_> = (0..=MAX_HEADERS)
        .map(|i| json!([format!("X-H{i}"), "1"]))
        .collect();
    let e = refused("101 headers", || {
        simulate_json(&scenario_with_headers(json!(many)))
    });
    assert!(e.to_string().contains("at most 100"), "{e}");
    assert!(e.span.is_some(), "located: {e}");
    // The object form counts every value of a repeated name.
    let values: Vec<String> = (0..=MAX_HEADERS).map(|i| i.to_string()).collect();
    let e = refused("101 values", || {
        simulate_json(&scenario_with_headers(json!({"X-Many": values})))
    });
    assert!(e.to_string().contains("at most 100"), "{e}");
}

#[test]
fn a_header_value_over_8_kib_is_a_located_error() {
    let long = "v".repeat(MAX_HEADER_BYTES + 1);
    let e = refused("long value", || {
        simulate_json(&scenario_with_headers(json!([["X-Long", long]])))
    });
    let text = e.to_string();
    assert!(
        text.contains("\"X-Long\"") && text.contains("8192"),
        "{text}"
    );
    assert!(e.span.is_some(), "located: {e}");
    // The respond input's request headers have the same bound.
    let input = json!({
        "server": {"kind": "s3", "config": null},
        "request": {"method": "GET", "url": "https://b.s3.amazonaws.com/k",
                    "headers": [[long.clone(), "1"]]}
    });
    let e = refused("long name", || respond_json(&input.to_string()));
    assert!(e.to_string().contains("name of header"), "{e}");
    let exact = "v".repeat(MAX_HEADER_BYTES);
    assert!(simulate_json(&scenario_with_headers(json!([["X-Long", exact]]))).is_ok());
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = refused("nested scenario", || simulate_json(&deep));
    assert!(e.span.is_some(), "{e:?}");
    let e = refused("nested respond", || respond_json(&deep));
    assert!(e.span.is_some(), "{e}");
    let nested_config = format!(
        "{{\"CORSRules\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    for kind in ["s3", "apigw-http", "apigw-rest", "cloudfront", "lambda-url"] {
        let kind: PolicyKind = kind.parse().unwrap();
        let config = if kind == PolicyKind::S3 {
            nested_config.clone()
        } else {
            deep.clone()
        };
        let e = refused("nested config", || parse_policy(kind, &config));
        assert!(e.span.is_some(), "{kind:?}: {e}");
    }
}

#[test]
fn xml_doctypes_entities_and_huge_attributes_are_refused() {
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><CORSConfiguration><CORSRule><AllowedOrigin>&lol2;</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    let e = refused("billion laughs", || parse_policy(PolicyKind::S3, laughs));
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    assert!(e.span.is_some());
    let undefined = "<CORSConfiguration><CORSRule><AllowedOrigin>&ext;</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    let e = refused("undefined entity", || {
        parse_policy(PolicyKind::S3, undefined)
    });
    assert!(e.span.is_some(), "{e}");
    let attribute = format!(
        "<CORSConfiguration a=\"{}\"><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
        "x".repeat(60 * 1024)
    );
    let e = refused("huge attribute", || {
        parse_policy(PolicyKind::S3, &attribute)
    });
    assert!(e.span.is_some(), "{e}");
    let deep = format!("{}{}", "<a>".repeat(20_000), "</a>".repeat(20_000));
    refused("deep XML", || parse_policy(PolicyKind::S3, &deep));
}

#[test]
fn nul_bytes_and_control_characters_are_errors_or_plain_data() {
    // In XML 1.0 a NUL is not a character at all.
    let xml = "<CORSConfiguration><CORSRule><AllowedOrigin>a\0b</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    let start = Instant::now();
    let _ = parse_policy(PolicyKind::S3, xml);
    assert!(start.elapsed() < QUICK);
    // A raw NUL in JSON text is a located syntax error.
    let e = refused("raw NUL", || {
        simulate_json("{\"request\": {\"url\": \"a\0\"}}")
    });
    assert!(e.span.is_some(), "{e}");
    // An escaped NUL is data: the browser model refuses such a header value (Fetch forbids
    // 0x00 in values), which is a trace, not a crash.
    let text = scenario_with_headers(json!([["X-Nul", "a\u{0}b"]]));
    let start = Instant::now();
    let _ = simulate_json(&text);
    assert!(start.elapsed() < QUICK);
}

#[test]
fn a_non_ascii_host_is_a_clear_error_naming_its_ascii_form() {
    let text = json!({
        "request": {"origin": "https://app.example.com", "url": "https://bücher.example/k", "method": "GET"},
        "server": {"kind": "s3", "config": null}
    })
    .to_string();
    let e = refused("IDN url", || simulate_json(&text));
    let message = e.to_string();
    assert!(message.contains("xn--bcher-kva.example"), "{message}");
    let text = text
        .replace("https://app.example.com", "https://Bücher.Example")
        .replace("bücher", "b");
    let e = refused("IDN origin", || simulate_json(&text));
    assert!(e.to_string().contains("xn--bcher-kva.example"), "{e}");
}
