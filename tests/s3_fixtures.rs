//! Runs the S3 ground-truth cases through the public API.
//!
//! * `../shared/fixtures/s3-cases.json` (beside the repository; CI clones `shared/` there):
//!   every request case through `cors_sim::respond`, every `config_validation_cases` entry
//!   through `cors_sim::parse_policy`.
//! * `tests/inputs/s3/cases/*.json` and `tests/inputs/s3/validation/*.json`: our own cases
//!   written from spec paragraphs, one file per case, same schema plus a few optional fields
//!   (`url`, `object`, `endpoint`, a raw `config` text, `provenance` and `body_contains`
//!   expectations). Each response is also snapshotted with insta (`tests/snapshots/`).
//!
//! Each suite checks every case and then fails once, listing every case that failed.

use cors_sim::http::{HeaderList, Request, Response};
use cors_sim::scenario::{Endpoint, ObjectState};
use cors_sim::{parse_policy, respond, Policy, PolicyKind, ServerSpec};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn read_json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}. The S3 ground truth lives in shared/ beside the repository (CI clones it there).",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn shared_cases() -> Value {
    read_json(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/s3-cases.json"))
}

/// Every case file of one folder of `tests/inputs/s3/`, in file-name order.
fn case_files(folder: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs/s3")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn own_cases() -> Value {
    let load =
        |folder: &str| -> Vec<Value> { case_files(folder).into_iter().map(read_json).collect() };
    json!({"cases": load("cases"), "config_validation_cases": load("validation")})
}

/// Where the spec's decisions replace a fixture value that records a conflicting source.
/// (case id, header, value we assert, why)
const DECIDED: &[(&str, &str, &str, &str)] = &[(
    "doc-testing-cors-sample",
    "Access-Control-Allow-Headers",
    "authorization",
    "the fixture copies a hand-edited UG sample (request casing); spec §7 #2 follows the 2025 AWS recording and Scality's AWS tests: lowercase",
)];

/// The configuration text of a case: a raw string is pasted as is, an object is the s3api
/// JSON, `null` means no configuration.
fn config_text(case: &Value) -> Option<String> {
    match case.get("config") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(serde_json::to_string_pretty(other).expect("config serializes")),
    }
}

/// The URL, object state and endpoint a case's `target` describes; `Err` with the reason when
/// the case needs a state the scenario contract cannot express.
fn place(case: &Value) -> Result<(String, ObjectState, Endpoint), String> {
    let request = &case["request"];
    let target = request["target"].as_str().unwrap_or("object");
    let method = request["method"].as_str().unwrap_or("GET");
    let mut object = ObjectState::Exists;
    let mut endpoint = Endpoint::Rest;
    let rest = "https://bucket.s3.us-east-1.amazonaws.com";
    let url = if let Some(url) = request.get("url").and_then(Value::as_str) {
        url.to_string()
    } else if target.starts_with("service") {
        "https://s3.amazonaws.com/".to_string()
    } else if target.starts_with("website endpoint /redirect") {
        // A routing-rule redirect needs the bucket's website routing rules, which the scenario
        // contract (object exists / missing / access-denied) cannot express.
        return Err(
            "the website routing-rule 301 needs routing rules the scenario cannot express".into(),
        );
    } else if let Some(path) = target.strip_prefix("website endpoint ") {
        endpoint = Endpoint::Website;
        let path = path.split_whitespace().next().unwrap_or("/");
        format!("http://bucket.s3-website-us-east-1.amazonaws.com{path}")
    } else if target.starts_with("bucket?website") {
        format!("{rest}/?website")
    } else if target.starts_with("bucket") {
        format!("{rest}/")
    } else if target.starts_with("object") {
        if let Some(start) = target.find("missing key '") {
            let key = target[start + 13..].split('\'').next().unwrap_or("key");
            object = ObjectState::Missing;
            format!("{rest}/{key}")
        } else {
            if target.contains("does not exist") {
                object = ObjectState::Missing;
            }
            format!("{rest}/photos/cat.png")
        }
    } else {
        return Err(format!("unknown target {target:?}"));
    };
    // Anonymous requests: a public-read bucket lets anyone read, nobody write.
    if request["anonymous"].as_bool() == Some(true) && !matches!(method, "GET" | "HEAD" | "OPTIONS")
    {
        object = ObjectState::AccessDenied;
    }
    if let Some(o) = request.get("object").and_then(Value::as_str) {
        object = serde_json::from_value(json!(o)).map_err(|e| format!("object {o:?}: {e}"))?;
    }
    if let Some(e) = request.get("endpoint").and_then(Value::as_str) {
        endpoint =
            serde_json::from_value(json!(e)).map_err(|e2| format!("endpoint {e:?}: {e2}"))?;
    }
    Ok((url, object, endpoint))
}

fn build_request(case: &Value, url: String) -> Request {
    let r = &case["request"];
    let mut headers = HeaderList::new();
    if let Some(origin) = r.get("origin").and_then(Value::as_str) {
        headers.append("Origin", origin.to_owned());
    }
    match r.get("headers") {
        Some(Value::Object(map)) => {
            for (name, value) in map {
                match value {
                    Value::String(v) => headers.append(name.clone(), v.clone()),
                    Value::Array(vs) => {
                        for v in vs {
                            headers.append(name.clone(), v.as_str().unwrap_or_default().to_owned());
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Value::Array(pairs)) => {
            for p in pairs {
                headers.append(
                    p[0].as_str().unwrap_or("").to_owned(),
                    p[1].as_str().unwrap_or("").to_owned(),
                );
            }
        }
        _ => {}
    }
    Request {
        method: r["method"].as_str().unwrap_or("GET").to_string(),
        url,
        headers,
    }
}

fn element<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&close)? + start;
    Some(&body[start..end])
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every way `response` differs from `expected`.
fn check_response(id: &str, expected: &Value, response: &Response) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(status) = expected.get("status").and_then(Value::as_u64) {
        if u64::from(response.status) != status {
            problems.push(format!("status {} instead of {status}", response.status));
        }
    }
    let mut expect_header = |name: &str, value: &str| {
        let decided = DECIDED
            .iter()
            .find(|(case, header, _, _)| *case == id && header.eq_ignore_ascii_case(name));
        let value = decided.map_or(value, |(_, _, v, _)| v);
        match response.headers.get(name) {
            Some(got) if got == value => {}
            Some(got) => problems.push(format!("{name}: {got:?} instead of {value:?}")),
            None => problems.push(format!("{name} missing (expected {value:?})")),
        }
    };
    for key in ["headers", "other_headers"] {
        if let Some(Value::Object(map)) = expected.get(key) {
            for (name, value) in map {
                expect_header(name, value.as_str().unwrap_or_default());
            }
        }
    }
    if let Some(Value::Array(absent)) = expected.get("absent_headers") {
        for name in absent.iter().filter_map(Value::as_str) {
            if response.headers.contains(name) {
                problems.push(format!("{name} present but must be absent"));
            }
        }
    }
    if let Some(Value::Array(order)) = expected.get("header_order") {
        // Relative order of the headers we send (no Date: the core has no clock).
        let positions: Vec<(usize, &str)> = order
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|name| {
                response
                    .headers
                    .iter()
                    .position(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|p| (p, name))
            })
            .collect();
        if positions.windows(2).any(|w| w[0].0 > w[1].0) {
            problems.push(format!("header order {positions:?}"));
        }
    }
    let body = response.body.as_deref().unwrap_or("");
    if let Some(Value::Object(fields)) = expected.get("body_error") {
        for (name, value) in fields {
            let want = value.as_str().unwrap_or_default();
            match element(body, name) {
                Some(got) if unescape(got) == want => {}
                got => problems.push(format!("<{name}> {got:?} instead of {want:?} in {body:?}")),
            }
        }
    }
    if let Some(Value::Array(needles)) = expected.get("body_contains") {
        for needle in needles.iter().filter_map(Value::as_str) {
            if !body.contains(needle) {
                problems.push(format!("body lacks {needle:?}: {body:?}"));
            }
        }
    }
    if let Some(expect) = expected.get("provenance") {
        problems.extend(check_provenance(expect, response));
    }
    problems
}

fn check_provenance(expect: &Value, response: &Response) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(p) = &response.provenance else {
        return vec!["no provenance".into()];
    };
    if p.provider != "s3" {
        problems.push(format!("provider {:?}", p.provider));
    }
    if let Some(m) = expect.get("matched_rule") {
        let got = p.matched_rule.as_ref().map(|r| r.index as u64);
        if got != m.as_u64() {
            problems.push(format!("matched_rule {got:?} instead of {m}"));
        }
    }
    if let Some(Value::Array(failed)) = expect.get("rejected") {
        let got: Vec<&str> = p.rejected_rules.iter().map(|r| r.failed.as_ref()).collect();
        let want: Vec<&str> = failed.iter().filter_map(Value::as_str).collect();
        if got != want {
            problems.push(format!("rejected {got:?} instead of {want:?}"));
        }
    }
    if let Some(Value::Array(reasons)) = expect.get("reasons_contain") {
        for needle in reasons.iter().filter_map(Value::as_str) {
            if !p.rejected_rules.iter().any(|r| r.reason.contains(needle)) {
                problems.push(format!(
                    "no rejection reason contains {needle:?}: {:?}",
                    p.rejected_rules
                ));
            }
        }
    }
    if let Some(Value::Array(notes)) = expect.get("notes_contain") {
        for needle in notes.iter().filter_map(Value::as_str) {
            if !p.notes.iter().any(|n| n.contains(needle)) {
                problems.push(format!("no note contains {needle:?}: {:?}", p.notes));
            }
        }
    }
    if expect.get("no_notes") == Some(&Value::Bool(true)) && !p.notes.is_empty() {
        problems.push(format!("unexpected notes {:?}", p.notes));
    }
    if let Some(needle) = expect.get("summary_contains").and_then(Value::as_str) {
        if !p.summary.contains(needle) {
            problems.push(format!("summary {:?} lacks {needle:?}", p.summary));
        }
    }
    if let Some(Value::Array(sources)) = expect.get("header_sources") {
        for source in sources {
            let header = source["header"].as_str().unwrap_or_default();
            let line = source["line"].as_u64();
            match p.header_sources.iter().find(|s| s.header == header) {
                Some(s) if line.is_none() || s.span.map(|sp| u64::from(sp.line)) == line => {}
                got => problems.push(format!(
                    "header source for {header}: {got:?}, expected line {line:?}"
                )),
            }
        }
    }
    if p.summary.is_empty() {
        problems.push("empty summary".into());
    }
    problems
}

/// Runs every request case; returns (passed, skipped, failures).
fn run_request_cases(cases: &[Value]) -> (usize, Vec<String>, Vec<String>) {
    let mut passed = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        let (url, object, endpoint) = match place(case) {
            Ok(p) => p,
            Err(reason) => {
                println!("skipped {id}: {reason}");
                skipped.push(id.to_string());
                continue;
            }
        };
        let server = ServerSpec::S3 {
            config: config_text(case),
            object,
            endpoint,
        };
        let request = build_request(case, url);
        match respond(&server, &request) {
            Ok(response) => {
                let problems = check_response(id, &case["expected"], &response);
                if problems.is_empty() {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "{id}: {}\n    raw: {:?}",
                        problems.join("; "),
                        response.to_raw()
                    ));
                }
            }
            Err(e) => failures.push(format!("{id}: respond failed: {e}")),
        }
    }
    (passed, skipped, failures)
}

/// The configuration text of a validation case.
fn validation_text(case: &Value) -> String {
    if let Some(rule) = case.get("xml_rule").and_then(Value::as_str) {
        return format!("<CORSConfiguration><CORSRule>{rule}</CORSRule></CORSConfiguration>");
    }
    match &case["config"] {
        Value::String(s) if s == "101 copies of one valid rule" => {
            let rule =
                json!({"AllowedOrigins": ["https://www.example.com"], "AllowedMethods": ["GET"]});
            serde_json::to_string(&json!({"CORSRules": vec![rule; 101]})).expect("serializes")
        }
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).expect("serializes"),
    }
}

/// A fixture message with an editor's remark in parentheses at the end (`… (quoting
/// uncertain)`) compares without the remark.
fn message_without_remark(message: &str) -> &str {
    match message.rfind(" (") {
        Some(i) if message.ends_with(')') => &message[..i],
        _ => message,
    }
}

fn run_validation_cases(cases: &[Value]) -> (usize, Vec<String>) {
    let mut passed = 0;
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        let text = validation_text(case);
        let expected = &case["expected"];
        let result = parse_policy(PolicyKind::S3, &text);
        let mut problems = Vec::new();
        match (expected["status"].as_u64(), &result) {
            (
                Some(200),
                Ok(Policy::S3 {
                    config: Some(config),
                }),
            ) => {
                // Values are stored as written (origins not normalised, order kept).
                if let Some(rules) = case["config"].get("CORSRules").and_then(Value::as_array) {
                    for (rule, parsed) in rules.iter().zip(&config.rules) {
                        let want: Vec<&str> = rule["AllowedOrigins"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .collect();
                        let got: Vec<&str> = parsed
                            .allowed_origins
                            .iter()
                            .map(|o| o.value.as_str())
                            .collect();
                        if want != got {
                            problems.push(format!("origins {got:?} instead of {want:?}"));
                        }
                    }
                }
            }
            (Some(200), other) => problems.push(format!("expected a configuration, got {other:?}")),
            (Some(_), Ok(policy)) => problems.push(format!("accepted: {policy:?}")),
            (Some(_), Err(e)) => {
                if let Some(code) = expected.get("Code").and_then(Value::as_str) {
                    if e.code() != Some(code) {
                        problems.push(format!("code {:?} instead of {code}", e.code()));
                    }
                    if code == "MalformedXML"
                        && e.message != cors_sim::server::s3::MALFORMED_XML_MESSAGE
                    {
                        problems.push(format!("MalformedXML message {:?}", e.message));
                    }
                }
                if let Some(message) = expected.get("Message").and_then(Value::as_str) {
                    let want = message_without_remark(message);
                    if e.message != want {
                        problems.push(format!("message {:?} instead of {want:?}", e.message));
                    }
                }
                if let Some(line) = expected.get("line").and_then(Value::as_u64) {
                    let column = expected.get("column").and_then(Value::as_u64);
                    let got = e.span.map(|s| (u64::from(s.line), u64::from(s.column)));
                    if got.map(|g| g.0) != Some(line)
                        || (column.is_some() && got.map(|g| g.1) != column)
                    {
                        problems.push(format!("span {got:?} instead of {line}:{column:?}"));
                    }
                }
                if let Some(kind) = expected.get("kind").and_then(Value::as_str) {
                    let got = serde_json::to_value(&e.kind).unwrap_or(Value::Null);
                    let got_kind = got
                        .as_str()
                        .map(str::to_string)
                        .or_else(|| got.as_object().and_then(|o| o.keys().next().cloned()));
                    if got_kind.as_deref() != Some(kind) {
                        problems.push(format!("kind {got:?} instead of {kind}"));
                    }
                }
                if e.span.is_none() && expected.get("no_span") != Some(&Value::Bool(true)) {
                    problems.push("error has no span".into());
                }
            }
            (None, _) => problems.push("case has no expected.status".into()),
        }
        if problems.is_empty() {
            passed += 1;
        } else {
            failures.push(format!("{id}: {}", problems.join("; ")));
        }
    }
    (passed, failures)
}

fn array<'a>(doc: &'a Value, key: &str) -> &'a [Value] {
    doc.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn report(suite: &str, passed: usize, skipped: &[String], failures: &[String]) {
    println!(
        "{suite}: {passed} passed, {} failed, {} skipped",
        failures.len(),
        skipped.len()
    );
    assert!(
        failures.is_empty(),
        "{suite}: {} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn shared_request_cases() {
    let doc = shared_cases();
    let cases = array(&doc, "cases");
    assert!(!cases.is_empty(), "the shared fixture has no cases");
    let (passed, skipped, failures) = run_request_cases(cases);
    // Only the routing-rule redirect may be skipped.
    assert!(skipped.len() <= 1, "unexpected skips: {skipped:?}");
    report("shared request cases", passed, &skipped, &failures);
}

#[test]
fn shared_validation_cases() {
    let doc = shared_cases();
    let cases = array(&doc, "config_validation_cases");
    assert!(
        !cases.is_empty(),
        "the shared fixture has no validation cases"
    );
    let (passed, failures) = run_validation_cases(cases);
    report("shared validation cases", passed, &[], &failures);
}

#[test]
fn own_request_cases() {
    let doc = own_cases();
    let cases = array(&doc, "cases");
    assert!(cases.len() >= 40, "only {} own request cases", cases.len());
    let (passed, skipped, failures) = run_request_cases(cases);
    assert!(
        skipped.is_empty(),
        "own cases must not be skipped: {skipped:?}"
    );
    report("own request cases", passed, &skipped, &failures);
}

#[test]
fn own_validation_cases() {
    let doc = own_cases();
    let cases = array(&doc, "config_validation_cases");
    assert!(!cases.is_empty());
    let (passed, failures) = run_validation_cases(cases);
    report("own validation cases", passed, &[], &failures);
}

#[test]
fn own_case_ids_are_unique() {
    let doc = own_cases();
    let mut seen = Map::new();
    for case in array(&doc, "cases")
        .iter()
        .chain(array(&doc, "config_validation_cases"))
    {
        let id = case["id"].as_str().unwrap_or("?").to_string();
        assert!(
            seen.insert(id.clone(), Value::Null).is_none(),
            "duplicate id {id}"
        );
    }
}

/// One snapshot per request case: the whole response (status, headers in wire order, body,
/// provenance), so any change to what cors-sim answers shows up as a reviewed diff.
#[test]
fn own_request_case_snapshots() {
    for path in case_files("cases") {
        let case = read_json(path.clone());
        let id = case["id"].as_str().expect("an id").to_string();
        let (url, object, endpoint) = place(&case).unwrap_or_else(|why| panic!("{id}: {why}"));
        let server = ServerSpec::S3 {
            config: config_text(&case),
            object,
            endpoint,
        };
        let response =
            respond(&server, &build_request(&case, url)).unwrap_or_else(|e| panic!("{id}: {e}"));
        insta::assert_json_snapshot!(format!("s3-case-{id}"), response);
    }
}

/// One snapshot per validation case: the error S3 would answer (or the parsed configuration).
#[test]
fn own_validation_case_snapshots() {
    for path in case_files("validation") {
        let case = read_json(path.clone());
        let id = case["id"].as_str().expect("an id").to_string();
        let result = parse_policy(PolicyKind::S3, &validation_text(&case));
        let value = match result {
            Ok(policy) => serde_json::to_value(policy).expect("policy serializes"),
            Err(e) => serde_json::to_value(e).expect("error serializes"),
        };
        insta::assert_json_snapshot!(format!("s3-validation-{id}"), value);
    }
}
