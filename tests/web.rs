//! The core, the JS API and the app, in a real browser (headless Chromium):
//! `cargo test --target wasm32-unknown-unknown --features web --test web`.
//!
//! Natively this file compiles to nothing; the same core is tested natively elsewhere.
#![cfg(target_arch = "wasm32")]

use cors_sim::{Outcome, Trace};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.png";

/// A PUT with Content-Type: image/png against a preflight that allows PUT but no header.
const BLOCKED_SCENARIO: &str = r#"{
  "browser": "chrome",
  "request": {
    "origin": "https://app.example.com",
    "url": "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.png",
    "method": "PUT",
    "headers": [["Content-Type", "image/png"]]
  },
  "server": {
    "kind": "custom",
    "preflight": {"status": 204, "headers": [
      ["Access-Control-Allow-Origin", "https://app.example.com"],
      ["Access-Control-Allow-Methods", "PUT"]]},
    "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"]]}
  }
}"#;

fn chrome_header_not_allowed() -> String {
    format!(
        "Access to fetch at '{URL}' from origin 'https://app.example.com' has been blocked by CORS policy: \
         Request header field content-type is not allowed by Access-Control-Allow-Headers in preflight response."
    )
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).expect("Reflect.get on an object")
}

#[wasm_bindgen_test]
fn simulate_blocks_a_header_the_preflight_does_not_allow() {
    let trace = cors_sim::simulate_json(BLOCKED_SCENARIO).expect("valid scenario");
    assert_eq!(trace.outcome, Outcome::Blocked);
    assert!(trace.preflight.is_some());
    assert!(trace.request.is_none(), "the actual request is never sent");
    let blocked = trace.blocked.expect("blocked");
    assert_eq!(blocked.reason.id(), "header_not_allowed");
    assert_eq!(blocked.console, chrome_header_not_allowed());
    assert_eq!(
        trace.js.error.as_deref(),
        Some("TypeError: Failed to fetch")
    );
}

#[wasm_bindgen_test]
fn js_simulate_returns_the_contract_json_for_objects_and_text() {
    let native = serde_json::to_value(cors_sim::simulate_json(BLOCKED_SCENARIO).unwrap()).unwrap();
    let object = js_sys::JSON::parse(BLOCKED_SCENARIO).unwrap();
    for input in [object, JsValue::from_str(BLOCKED_SCENARIO)] {
        let out = cors_sim::js::simulate(input).expect("simulate");
        // Absent values are null (not undefined) and maps are plain objects.
        assert!(get(&out, "request").is_null());
        assert!(get(&out, "response").is_null());
        assert!(js_sys::Array::is_array(&get(
            &get(&out, "preflight"),
            "reasons"
        )));
        let text = String::from(js_sys::JSON::stringify(&out).unwrap());
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, native);
        // And it reads back as a Trace.
        let trace: Trace = serde_json::from_value(back).unwrap();
        assert_eq!(trace.blocked.unwrap().console, chrome_header_not_allowed());
    }
}

#[wasm_bindgen_test]
fn bench_simulate_gives_the_outcome_of_simulate_and_its_errors() {
    let blocked = JsValue::from_str(BLOCKED_SCENARIO);
    assert_eq!(
        cors_sim::js::bench_simulate(blocked, 3).expect("valid scenario"),
        "blocked"
    );
    // The same scenario with the header allowed.
    let allowed = BLOCKED_SCENARIO.replace(
        r#"["Access-Control-Allow-Methods", "PUT"]"#,
        r#"["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "Content-Type"]"#,
    );
    let trace = cors_sim::simulate_json(&allowed).expect("valid scenario");
    assert_eq!(trace.outcome, Outcome::Allowed);
    // Zero iterations still simulate once.
    for iterations in [0, 2] {
        assert_eq!(
            cors_sim::js::bench_simulate(JsValue::from_str(&allowed), iterations)
                .expect("valid scenario"),
            "allowed"
        );
    }
    // Bad input throws the same located error object as `simulate`.
    let err = cors_sim::js::bench_simulate(JsValue::from_str("{"), 1).expect_err("bad JSON");
    assert_eq!(get(&err, "kind"), JsValue::from_str("syntax"));
    assert_eq!(get(&err, "line"), JsValue::from_f64(1.0));
}

#[wasm_bindgen_test]
fn js_respond_answers_with_the_literal_response() {
    let input = js_sys::JSON::parse(
        r#"{"server": {"kind": "custom", "response": {"status": 200, "headers": [["ETag", "\"x\""]]}},
            "request": {"method": "GET", "url": "https://b.example/k", "headers": [["Origin", "https://a.example"]]}}"#,
    )
    .unwrap();
    let out = cors_sim::js::respond(input).expect("respond");
    assert_eq!(get(&out, "status").as_f64(), Some(200.0));
    let headers = String::from(js_sys::JSON::stringify(&get(&out, "headers")).unwrap());
    assert_eq!(headers, r#"[["ETag","\"x\""]]"#);
    assert_eq!(
        get(&get(&out, "provenance"), "provider")
            .as_string()
            .as_deref(),
        Some("custom")
    );
}

#[wasm_bindgen_test]
fn js_errors_are_error_objects_with_location_kind_and_code() {
    let err = cors_sim::js::simulate(JsValue::from_str("{\n  \"request\": {\"url\": 1}\n}"))
        .expect_err("a number is not a URL");
    let js_err = err.dyn_ref::<js_sys::Error>().expect("a JS Error");
    let message = String::from(js_err.message());
    let expected = cors_sim::simulate_json("{\n  \"request\": {\"url\": 1}\n}").unwrap_err();
    assert_eq!(message, expected.to_string());
    assert_eq!(get(&err, "line").as_f64(), Some(2.0));
    assert!(get(&err, "column").as_f64().is_some());
    assert_eq!(get(&err, "kind").as_string().as_deref(), Some("scenario"));
    assert!(get(&err, "code").is_null());
    assert_eq!(get(&err, "input").as_string().as_deref(), Some("scenario"));

    let err = cors_sim::js::parse_policy("lambda", "{}").expect_err("unknown kind");
    assert_eq!(get(&err, "kind").as_string().as_deref(), Some("scenario"));
    assert!(get(&err, "line").is_null());

    // A plain object that does not fit the contract is an error too, not a panic.
    let bad = js_sys::JSON::parse(
        r#"{"request": {"url": "https://b.example/"}, "server": {"kind": "nope"}}"#,
    )
    .unwrap();
    let err = cors_sim::js::simulate(bad).expect_err("unknown server kind");
    assert!(String::from(err.dyn_ref::<js_sys::Error>().unwrap().message()).contains("nope"));
}

// ---- the app ----

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn by_testid(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .ok()
        .flatten()
}

async fn tick() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

/// Waits until the verdict reads `word`, for at most a second.
async fn wait_verdict(root: &Element, word: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        tick().await;
        last = by_testid(root, "verdict")
            .and_then(|v| v.text_content())
            .unwrap_or_default();
        if last == word {
            break;
        }
    }
    last
}

fn fire(el: &Element, kind: &str) {
    let ev = web_sys::Event::new_with_event_init_dict(kind, &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    el.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn the_app_mounts_with_the_example_and_follows_the_inputs() {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<cors_sim::web::App>::with_root(root.clone()).render();
    tick().await;

    let config = by_testid(&root, "config-input").expect("config editor");
    let config: HtmlTextAreaElement = config.dyn_into().unwrap();
    assert!(config
        .value()
        .contains("<AllowedOrigin>https://app.example.com</AllowedOrigin>"));
    // The example S3 configuration allows the example upload, and says it is S3 XML.
    assert_eq!(wait_verdict(&root, "ALLOWED").await, "ALLOWED");
    assert_eq!(
        by_testid(&root, "format-badge")
            .unwrap()
            .text_content()
            .unwrap(),
        "S3 XML"
    );
    let method = by_testid(&root, "method-input").unwrap();
    assert_eq!(
        method
            .dyn_ref::<web_sys::HtmlInputElement>()
            .unwrap()
            .value(),
        "PUT"
    );

    // The custom example allows the example request.
    let kind: HtmlSelectElement = by_testid(&root, "server-kind-input")
        .unwrap()
        .dyn_into()
        .unwrap();
    kind.set_value("custom");
    fire(&kind, "change");
    assert_eq!(wait_verdict(&root, "ALLOWED").await, "ALLOWED");
    assert_eq!(
        by_testid(&root, "format-badge")
            .unwrap()
            .text_content()
            .unwrap(),
        "custom responses"
    );
    let steps = root
        .query_selector_all("[data-testid=\"step\"]")
        .unwrap()
        .length();
    assert!(steps >= 4, "{steps} steps");
    let raw = by_testid(&root, "raw-preflight-request")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        raw.starts_with("OPTIONS /uploads/photo.png HTTP/1.1\n"),
        "{raw}"
    );

    // A header the preflight does not allow blocks it, with the console line of the trace.
    let headers: HtmlTextAreaElement = by_testid(&root, "headers-input")
        .unwrap()
        .dyn_into()
        .unwrap();
    headers.set_value("Content-Type: image/png\nX-Trace-Id: 42");
    fire(&headers, "input");
    assert_eq!(wait_verdict(&root, "BLOCKED").await, "BLOCKED");
    let console = by_testid(&root, "console-message")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        console.contains("Request header field x-trace-id is not allowed"),
        "{console}"
    );

    // Malformed JSON: a located error, and the text stays as typed.
    let broken = "{\n  \"kind\": \"custom\",\n  \"response\": {\"status\": }\n}";
    config.set_value(broken);
    fire(&config, "input");
    assert_eq!(wait_verdict(&root, "INPUT ERROR").await, "INPUT ERROR");
    let error = by_testid(&root, "config-error")
        .expect("config error")
        .text_content()
        .unwrap();
    assert!(error.contains("3:26"), "{error}");
    assert_eq!(config.value(), broken);
    root.remove();
}
