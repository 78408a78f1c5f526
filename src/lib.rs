//! # cors-sim
//!
//! A CORS simulator. Give it a server's CORS configuration (an S3 bucket's XML or JSON, or
//! literal responses) and a request a page would make, and it tells you, step by step, what
//! Chrome, Firefox or Safari would do: whether a preflight is sent and why, the exact requests,
//! what the server answers and which rule produced it, every check the browser makes, what
//! script can read, and the exact console message when the request is blocked.
//!
//! The crate is a pure function of its input: no I/O, no clock, no randomness. The web app,
//! the JavaScript API and the command-line tool are thin faces over three calls:
//!
//! * [`simulate`]: a [`Scenario`] in, a [`Trace`] out;
//! * [`respond`]: what a server answers to one request, with provenance;
//! * [`parse_policy`]: a pasted configuration, parsed and validated, or a located error.
//!
//! ```
//! let scenario = cors_sim::Scenario::from_json(r#"{
//!   "request": {"origin": "https://app.example.com",
//!               "url": "https://bucket.s3.amazonaws.com/a.txt", "method": "GET"},
//!   "server": {"kind": "custom", "response": {"status": 200, "headers": []}}
//! }"#).unwrap();
//! let trace = cors_sim::simulate(&scenario).unwrap();
//! assert_eq!(trace.outcome, cors_sim::Outcome::Blocked);
//! assert!(trace.blocked.unwrap().console.contains("No 'Access-Control-Allow-Origin' header"));
//! ```

pub mod advice;
pub mod browser;
pub mod error;
pub mod http;
pub mod scenario;
pub mod server;
pub mod trace;

#[cfg(feature = "web")]
pub mod js;
#[cfg(feature = "web")]
pub mod web;

pub use error::{Error, ErrorKind, Span};
pub use scenario::{Browser, Credentials, Mode, Scenario, ServerSpec};
pub use trace::{BlockReason, Outcome, Step, StepResult, Trace};

use http::{Request, Response, Server};
use serde::{Deserialize, Serialize};
use server::custom::CustomServer;
use server::s3::{S3Config, S3Server};

/// Which provider a configuration text belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// An S3 bucket CORS configuration.
    S3,
}

impl std::str::FromStr for PolicyKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<PolicyKind, Error> {
        match s {
            "s3" => Ok(PolicyKind::S3),
            "apigw-http" | "apigw-rest" | "cloudfront" | "lambda-url" => Err(Error::scenario(
                format!("the provider kind {s:?} is not modelled yet; cors-sim models s3 and custom"),
                None,
            )),
            other => Err(Error::scenario(
                format!("unknown provider kind {other:?}; expected s3"),
                None,
            )),
        }
    }
}

/// A parsed, validated configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Policy {
    /// An S3 bucket; `config` is `None` when the text says the bucket has no CORS configuration.
    S3 {
        /// The configuration.
        config: Option<S3Config>,
    },
}

/// Parses and validates a pasted configuration, with a located error (and the provider's own
/// error code) when the provider would reject it.
pub fn parse_policy(kind: PolicyKind, text: &str) -> Result<Policy, Error> {
    match kind {
        PolicyKind::S3 => Ok(Policy::S3 {
            config: server::s3::parse(text).map_err(|e| e.in_input("config"))?,
        }),
    }
}

/// The server a scenario describes, ready to answer requests.
fn build_server(spec: &ServerSpec) -> Result<Box<dyn Server>, Error> {
    Ok(match spec {
        ServerSpec::S3 {
            config,
            object,
            endpoint,
        } => {
            let parsed = match config {
                Some(text) => server::s3::parse(text).map_err(|e| e.in_input("config"))?,
                None => None,
            };
            Box::new(S3Server::new(parsed, *object, *endpoint))
        }
        ServerSpec::Custom {
            preflight,
            redirects,
            response,
        } => Box::new(CustomServer::new(
            preflight.clone(),
            redirects.clone(),
            response.clone(),
        )),
    })
}

/// Simulates a scenario: its first request, then each request of its `sequence`.
pub fn simulate(scenario: &Scenario) -> Result<Trace, Error> {
    let server = build_server(&scenario.server)?;
    let mut cache =
        browser::preflight_cache::PreflightCache::new(browser::engine::Engine(scenario.browser));
    let mut trace = browser::fetch(
        &scenario.request,
        scenario.browser,
        server.as_ref(),
        &mut cache,
        0.0,
    )?;
    let mut previous = 0.0;
    for (i, later) in scenario.sequence.iter().enumerate() {
        let at = later.at_seconds.unwrap_or(previous);
        if !at.is_finite() || at < previous {
            return Err(Error::scenario(
                format!(
                    "sequence[{i}].at_seconds must be a number of seconds, not earlier than the request before it ({previous})"
                ),
                None,
            )
            .in_input("scenario"));
        }
        previous = at;
        trace.sequence.push(browser::fetch(
            later,
            scenario.browser,
            server.as_ref(),
            &mut cache,
            at,
        )?);
    }
    Ok(trace)
}

/// [`simulate`] from scenario JSON text.
pub fn simulate_json(text: &str) -> Result<Trace, Error> {
    simulate(&Scenario::from_json(text)?)
}

/// What `server` answers to `request`, with provenance.
pub fn respond(server: &ServerSpec, request: &Request) -> Result<Response, Error> {
    Ok(build_server(server)?.respond(request))
}

/// The input of [`respond_json`] and `cors-sim respond`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RespondInput {
    /// The server.
    pub server: ServerSpec,
    /// The request as it arrives.
    pub request: Request,
}

/// [`respond`] from `{"server": ..., "request": ...}` JSON text.
pub fn respond_json(text: &str) -> Result<Response, Error> {
    if text.len() > scenario::MAX_SCENARIO_BYTES {
        return Err(Error::too_large(format!(
            "the input is {} bytes; cors-sim accepts at most {}",
            text.len(),
            scenario::MAX_SCENARIO_BYTES
        )));
    }
    let input: RespondInput =
        serde_json::from_str(text).map_err(|e| Error::from_json(&e).in_input("input"))?;
    respond(&input.server, &input.request)
}
