//! The JavaScript API (feature `web`): the same engine as the web app, for embedding.
//!
//! Every function takes and returns plain JavaScript objects in exactly the JSON shapes of the
//! contracts (design.md §4): `null` for absent values, header lists as `[name, value]` arrays,
//! maps as plain objects. Inputs may also be given as JSON text, in which case error locations
//! point into that text.
//!
//! ```js
//! import init, { simulate, respond, parsePolicy } from "./cors-sim.js";
//! await init();
//! const trace = simulate({ request: { origin: "https://app.example.com",
//!   url: "https://b.s3.amazonaws.com/k", method: "PUT" },
//!   server: { kind: "s3", config: xmlText } });
//! trace.outcome;          // "allowed" | "blocked"
//! trace.blocked?.console; // the exact console line
//! ```
//!
//! Bad input throws a JavaScript `Error` whose `message` is the error's text and which carries
//! `kind` (`syntax`, `invalid`, `scenario`, `too-large`), `code` (the provider's error code or
//! `null`), `line` and `column` (1-based, or `null`) and `input` (`config`, `scenario`, … or
//! `null`). A blocked request is not an error: it is a trace whose `outcome` is `blocked`.

use crate::error::ErrorKind;
use crate::{Error, PolicyKind, RespondInput, Scenario};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The one conversion point from [`Error`] to a JavaScript `Error`.
pub fn to_js_error(e: &Error) -> JsValue {
    let js = js_sys::Error::new(&e.to_string());
    let kind = match &e.kind {
        ErrorKind::Syntax => "syntax",
        ErrorKind::Invalid { .. } => "invalid",
        ErrorKind::Scenario => "scenario",
        ErrorKind::TooLarge => "too-large",
    };
    let opt_num = |n: Option<u32>| n.map_or(JsValue::NULL, |n| JsValue::from_f64(f64::from(n)));
    let opt_str = |s: Option<&str>| s.map_or(JsValue::NULL, JsValue::from_str);
    let props: [(&str, JsValue); 5] = [
        ("kind", JsValue::from_str(kind)),
        ("code", opt_str(e.code())),
        ("line", opt_num(e.span.map(|s| s.line))),
        ("column", opt_num(e.span.map(|s| s.column))),
        ("input", opt_str(e.input.as_deref())),
    ];
    for (name, value) in props {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(name), &value);
    }
    js.into()
}

/// Reads an input given as a plain object or as JSON text.
///
/// A plain object goes through `JSON.stringify` and the same `serde_json` reader as the text:
/// one deserializer per type in the wasm instead of two (serde-wasm-bindgen's copy of every
/// `Deserialize` impl cost about 10 KB gzipped), and objects read exactly as their JSON would.
/// Locations in that generated text mean nothing to the caller, so they are left out.
fn from_js<T: DeserializeOwned>(value: JsValue, input: &str) -> Result<T, Error> {
    if let Some(text) = value.as_string() {
        check_size(text.len(), input)?;
        return serde_json::from_str(&text).map_err(|e| Error::from_json(&e).in_input(input));
    }
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            Error::scenario(format!("the {input} is not a JSON value"), None).in_input(input)
        })?;
    check_size(text.len(), input)?;
    serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        Error::scenario(message.to_string(), None).in_input(input)
    })
}

/// The size limit of an input (the scenario's, [`crate::scenario::MAX_SCENARIO_BYTES`]).
fn check_size(len: usize, input: &str) -> Result<(), Error> {
    if len > crate::scenario::MAX_SCENARIO_BYTES {
        return Err(Error::too_large(format!(
            "the {input} is {len} bytes; cors-sim accepts at most {}",
            crate::scenario::MAX_SCENARIO_BYTES
        ))
        .in_input(input));
    }
    Ok(())
}

/// Writes a value as a plain JavaScript object in the contract's JSON shape: its JSON text
/// through `JSON.parse`, which gives `null` for absent values and plain objects for maps.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .ok_or_else(|| {
            to_js_error(&Error::scenario(
                "cannot build the result".to_string(),
                None,
            ))
        })
}

/// `simulate(scenario) -> trace`: a Scenario (design.md §4.1) in, a Trace (§4.2) out.
#[wasm_bindgen]
pub fn simulate(scenario: JsValue) -> Result<JsValue, JsValue> {
    let scenario: Scenario = from_js(scenario, "scenario").map_err(|e| to_js_error(&e))?;
    // Pages call simulate again and again with the same server: its configuration is parsed
    // once and kept while it stays the same (the traces are those of a fresh parse).
    let trace = crate::web::state::prepared(&scenario.server)
        .and_then(|ready| crate::simulate_prepared(&scenario, &ready.server))
        .map_err(|e| to_js_error(&e))?;
    to_js(&trace)
}

/// `benchSimulate(scenario, iterations) -> outcome`: runs the core's simulation of the scenario
/// `iterations` times (at least once) against its server, parsed once, and returns the last
/// outcome (`"allowed"` or `"blocked"`).
///
/// It exists for the benchmark page (`tests/e2e/bench.mjs`), which times it with
/// `performance.now()`: the same measure as the native criterion bench `prepared/…`
/// (`simulate_prepared`, trace included), in the page's own wasm, without the JSON text that
/// carries a scenario in and a trace out of every [`simulate`] call.
#[doc(hidden)]
#[wasm_bindgen(js_name = benchSimulate)]
pub fn bench_simulate(scenario: JsValue, iterations: u32) -> Result<String, JsValue> {
    let scenario: Scenario = from_js(scenario, "scenario").map_err(|e| to_js_error(&e))?;
    let ready = crate::web::state::prepared(&scenario.server).map_err(|e| to_js_error(&e))?;
    let simulate =
        || crate::simulate_prepared(&scenario, &ready.server).map_err(|e| to_js_error(&e));
    let mut outcome = simulate()?.outcome;
    for _ in 1..iterations {
        outcome = simulate()?.outcome;
    }
    Ok(match outcome {
        crate::trace::Outcome::Allowed => "allowed",
        crate::trace::Outcome::Blocked => "blocked",
    }
    .to_string())
}

/// `respond({server, request}) -> response`: what a server answers to one request, with
/// provenance (`{status, headers, body, provenance}`).
#[wasm_bindgen]
pub fn respond(input: JsValue) -> Result<JsValue, JsValue> {
    let input: RespondInput = from_js(input, "input").map_err(|e| to_js_error(&e))?;
    let response = crate::respond(&input.server, &input.request).map_err(|e| to_js_error(&e))?;
    to_js(&response)
}

/// `parsePolicy(kind, text) -> policy`: parses and validates a pasted configuration
/// (`kind` is `"s3"`), or throws a located error with the provider's error code.
#[wasm_bindgen(js_name = parsePolicy)]
pub fn parse_policy(kind: &str, text: &str) -> Result<JsValue, JsValue> {
    let kind: PolicyKind = kind.parse().map_err(|e| to_js_error(&e))?;
    let policy = crate::parse_policy(kind, text).map_err(|e| to_js_error(&e))?;
    to_js(&policy)
}
