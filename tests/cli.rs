//! The command-line contract (design.md §4.3): outputs and exit codes.
#![cfg(feature = "cli")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn cors_sim(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-sim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cors-sim binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("cors-sim exits")
}

fn temp_file(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("cors-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path.to_string_lossy().into_owned()
}

const CUSTOM: &str = r#"{"kind": "custom",
  "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["Access-Control-Allow-Methods", "PUT"]]},
  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["ETag", "\"1\""]]}}"#;

fn bad_input(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "exit code");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line on stderr: {err:?}"
    );
    err
}

#[test]
fn simulate_reads_standard_input_and_writes_the_trace() {
    let scenario = format!(
        r#"{{"request": {{"origin": "https://app.example.com", "url": "https://b.example/k", "method": "PUT"}}, "server": {CUSTOM}}}"#
    );
    let out = cors_sim(&["simulate", "-"], &scenario);
    assert_eq!(out.status.code(), Some(0));
    let trace: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON trace");
    assert_eq!(trace["outcome"], "allowed");
    assert_eq!(trace["preflight"]["request"]["method"], "OPTIONS");
    assert_eq!(trace["blocked"], serde_json::Value::Null);
    assert!(trace["steps"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn simulate_reports_bad_json_with_line_and_column() {
    let out = cors_sim(&["simulate"], "{\n  \"request\": {\"url\": 5}\n}");
    let err = bad_input(&out);
    assert!(err.contains("<stdin>:2:"), "{err}");
    let out = cors_sim(&["simulate", "/nonexistent/scenario.json"], "");
    bad_input(&out);
}

#[test]
fn respond_answers_with_provenance() {
    let input = format!(
        r#"{{"server": {CUSTOM}, "request": {{"method": "OPTIONS", "url": "https://b.example/k", "headers": [["Origin", "https://app.example.com"], ["Access-Control-Request-Method", "PUT"]]}}}}"#
    );
    let out = cors_sim(&["respond", "-"], &input);
    assert_eq!(out.status.code(), Some(0));
    let resp: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON response");
    assert_eq!(resp["status"], 204);
    assert!(resp.get("body").is_some() && resp.get("provenance").is_some());
    assert_eq!(resp["provenance"]["provider"], "custom");
}

#[test]
fn check_exits_0_when_allowed_and_1_when_blocked() {
    let config = temp_file("custom.json", CUSTOM);
    let base = [
        "check",
        "--kind",
        "custom",
        "--config",
        &config,
        "--origin",
        "https://app.example.com",
        "--url",
        "https://b.example/k",
    ];
    let out = cors_sim(&[&base[..], &["--method", "PUT"]].concat(), "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ALLOWED in Chrome"));
    let out = cors_sim(
        &[&base[..], &["--method", "DELETE", "--browser", "firefox"]].concat(),
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("BLOCKED in Firefox"), "{text}");
    assert!(
        text.contains("Did not find method in CORS header"),
        "{text}"
    );
}

#[test]
fn check_rejects_a_malformed_header_argument() {
    let config = temp_file("custom2.json", CUSTOM);
    let out = cors_sim(
        &[
            "check",
            "--kind",
            "custom",
            "--config",
            &config,
            "--origin",
            "https://a.example",
            "--url",
            "https://b.example/",
            "-H",
            "no colon",
        ],
        "",
    );
    let err = bad_input(&out);
    assert!(err.contains("Name: value"), "{err}");
}

#[test]
fn unknown_arguments_are_one_line_exit_2() {
    let out = cors_sim(&["simulate", "--frobnicate"], "");
    bad_input(&out);
}

#[test]
fn check_reads_every_provider_kind() {
    let config = temp_file(
        "http-api.json",
        r#"{"CorsConfiguration": {"AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET", "PUT"]}}"#,
    );
    let args = |method: &'static str| {
        vec![
            "check".to_string(),
            "--kind".into(),
            "apigw-http".into(),
            "--config".into(),
            config.clone(),
            "--origin".into(),
            "https://app.example.com".into(),
            "--url".into(),
            "https://abc.execute-api.us-east-1.amazonaws.com/items".into(),
            "--method".into(),
            method.into(),
        ]
    };
    let run = |a: Vec<String>| cors_sim(&a.iter().map(String::as_str).collect::<Vec<_>>(), "");
    assert_eq!(run(args("PUT")).status.code(), Some(0));
    assert_eq!(run(args("DELETE")).status.code(), Some(1));
}

#[test]
fn invalid_utf8_and_hostile_files_are_one_line_exit_2() {
    let dir = std::env::temp_dir().join(format!("cors-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let latin1 = dir.join("latin1.json");
    std::fs::write(&latin1, b"{\"request\": {\"url\": \"caf\xe9\"}}").expect("write");
    let err = bad_input(&cors_sim(&["simulate", &latin1.to_string_lossy()], ""));
    assert!(
        err.contains("not UTF-8 text (invalid byte at offset 24)"),
        "{err}"
    );
    // Deep nesting and a NUL byte: located errors, not a crash.
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let err = bad_input(&cors_sim(&["simulate", "-"], &deep));
    assert!(err.contains("<stdin>:1:"), "{err}");
    let err = bad_input(&cors_sim(&["simulate", "-"], "{\"request\": \0}"));
    assert!(err.contains("<stdin>:1:"), "{err}");
}
