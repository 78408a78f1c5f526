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
use server::memo::{Answers, Remembering};
use server::s3::{S3Config, S3Server};
use std::sync::Arc;

/// Which provider a configuration text belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// An S3 bucket CORS configuration.
    S3,
    /// An API Gateway HTTP API `CorsConfiguration`.
    ApigwHttp,
    /// An API Gateway REST API (OpenAPI export, CLI output, CloudFormation).
    ApigwRest,
    /// A CloudFront response headers policy.
    Cloudfront,
    /// A Lambda function URL `Cors` block.
    LambdaUrl,
}

impl std::str::FromStr for PolicyKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<PolicyKind, Error> {
        match s {
            "s3" => Ok(PolicyKind::S3),
            "apigw-http" => Ok(PolicyKind::ApigwHttp),
            "apigw-rest" => Ok(PolicyKind::ApigwRest),
            "cloudfront" => Ok(PolicyKind::Cloudfront),
            "lambda-url" => Ok(PolicyKind::LambdaUrl),
            other => Err(Error::scenario(
                format!("unknown provider kind {other:?}; expected s3, apigw-http, apigw-rest, cloudfront or lambda-url"),
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
    /// An API Gateway HTTP API CORS configuration.
    ApigwHttp {
        /// The configuration.
        config: server::apigw_http::HttpApiConfig,
    },
    /// An API Gateway REST API.
    ApigwRest {
        /// The configuration.
        config: server::apigw_rest::RestApiConfig,
    },
    /// A CloudFront response headers policy; `None` when the text says there is none.
    Cloudfront {
        /// The policy.
        config: Option<server::cloudfront::ResponseHeadersPolicy>,
    },
    /// A Lambda function URL configuration.
    LambdaUrl {
        /// The configuration.
        config: server::lambda_url::LambdaUrlConfig,
    },
}

impl Policy {
    /// One line saying what was validated, for `cors-sim validate`.
    pub fn summary(&self) -> String {
        match self {
            Policy::S3 { config: None } => "valid: no S3 CORS configuration".into(),
            Policy::S3 { config: Some(c) } => {
                format!("valid: S3 CORS configuration, {} rule(s)", c.rules.len())
            }
            Policy::ApigwHttp { config } => match &config.cors {
                None => "valid: HTTP API without CORS configuration".into(),
                Some(_) => "valid: HTTP API CorsConfiguration".into(),
            },
            Policy::ApigwRest { config } => format!(
                "valid: REST API, {} resource(s), {} gateway response(s)",
                config.resources.len(),
                config.gateway_responses.len()
            ),
            Policy::Cloudfront { config: None } => "valid: no response headers policy".into(),
            Policy::Cloudfront { config: Some(p) } => format!(
                "valid: CloudFront response headers policy{}{}",
                p.name
                    .as_deref()
                    .map(|n| format!(" {n:?}"))
                    .unwrap_or_default(),
                if p.cors.is_some() {
                    " with CorsConfig"
                } else {
                    " without CorsConfig"
                }
            ),
            Policy::LambdaUrl { config } => match &config.cors {
                None => "valid: function URL without CORS configuration".into(),
                Some(_) => "valid: function URL Cors configuration".into(),
            },
        }
    }
}

/// Parses and validates a pasted configuration, with a located error (and the provider's own
/// error code) when the provider would reject it.
pub fn parse_policy(kind: PolicyKind, text: &str) -> Result<Policy, Error> {
    match kind {
        PolicyKind::S3 => Ok(Policy::S3 {
            config: server::s3::parse(text).map_err(|e| e.in_input("config"))?,
        }),
        PolicyKind::ApigwHttp => Ok(Policy::ApigwHttp {
            config: server::apigw_http::parse(text).map_err(|e| e.in_input("config"))?,
        }),
        PolicyKind::ApigwRest => Ok(Policy::ApigwRest {
            config: server::apigw_rest::parse(text).map_err(|e| e.in_input("config"))?,
        }),
        PolicyKind::Cloudfront => Ok(Policy::Cloudfront {
            config: server::cloudfront::parse(text).map_err(|e| e.in_input("config"))?,
        }),
        PolicyKind::LambdaUrl => Ok(Policy::LambdaUrl {
            config: server::lambda_url::parse(text).map_err(|e| e.in_input("config"))?,
        }),
    }
}

/// A scenario's server with its configuration parsed and validated once.
///
/// Parsing dominates a simulation against a large configuration (a 64 KB S3 document takes
/// far longer to read than a fetch takes to simulate), so a caller that simulates many
/// requests against the same server text (the web app between keystrokes in the request form,
/// or one scenario in each browser) prepares the server once and calls [`simulate_prepared`].
/// Every simulation still starts from a fresh server, so state a server keeps between the
/// requests of one scenario (CloudFront's edge cache) never leaks into the next: the traces are
/// exactly those of [`simulate`].
#[derive(Clone, Debug)]
pub struct PreparedServer(Prepared);

/// The parsed form of each [`ServerSpec`].
#[derive(Clone, Debug)]
enum Prepared {
    S3 {
        config: Option<std::sync::Arc<S3Config>>,
        object: scenario::ObjectState,
        endpoint: scenario::Endpoint,
    },
    Custom {
        preflight: Option<scenario::LiteralResponse>,
        redirects: Vec<scenario::LiteralResponse>,
        response: scenario::LiteralResponse,
    },
    ApigwHttp {
        config: server::apigw_http::HttpApiConfig,
        routes: Vec<server::apigw_http::RouteSpec>,
        stage: Option<String>,
        integration: Option<scenario::LiteralResponse>,
    },
    ApigwRest {
        config: server::apigw_rest::RestApiConfig,
        backend: std::collections::BTreeMap<String, scenario::LiteralResponse>,
        stage: Option<String>,
    },
    Cloudfront {
        policy: Option<server::cloudfront::ResponseHeadersPolicy>,
        behavior: server::cloudfront::Behavior,
        origin: Box<PreparedServer>,
        origin_kind: String,
    },
    LambdaUrl {
        config: server::lambda_url::LambdaUrlConfig,
        function: Option<scenario::LiteralResponse>,
        function_options: Option<scenario::LiteralResponse>,
    },
}

impl PreparedServer {
    /// Parses and validates the configuration `spec` holds: the errors [`simulate`] would
    /// return for it.
    pub fn new(spec: &ServerSpec) -> Result<PreparedServer, Error> {
        Ok(PreparedServer(match spec {
            ServerSpec::S3 {
                config,
                object,
                endpoint,
            } => {
                let parsed = match config {
                    Some(text) => server::s3::parse(text).map_err(|e| e.in_input("config"))?,
                    None => None,
                };
                Prepared::S3 {
                    config: parsed.map(std::sync::Arc::new),
                    object: *object,
                    endpoint: *endpoint,
                }
            }
            ServerSpec::Custom {
                preflight,
                redirects,
                response,
            } => Prepared::Custom {
                preflight: preflight.clone(),
                redirects: redirects.clone(),
                response: response.clone(),
            },
            ServerSpec::ApigwHttp {
                config,
                routes,
                stage,
                integration,
            } => Prepared::ApigwHttp {
                config: server::apigw_http::parse(config_text(config))
                    .map_err(|e| e.in_input("config"))?,
                routes: routes.clone(),
                stage: stage.clone(),
                integration: integration.clone(),
            },
            ServerSpec::ApigwRest {
                config,
                backend,
                stage,
            } => Prepared::ApigwRest {
                config: server::apigw_rest::parse(config_text(config))
                    .map_err(|e| e.in_input("config"))?,
                backend: backend.clone(),
                stage: stage.clone(),
            },
            ServerSpec::Cloudfront {
                config,
                origin,
                behavior,
            } => {
                let policy = server::cloudfront::parse(config_text(config))
                    .map_err(|e| e.in_input("config"))?;
                let origin_kind = serde_json::to_value(origin.as_ref())
                    .ok()
                    .and_then(|v| v["kind"].as_str().map(str::to_string))
                    .unwrap_or_default();
                Prepared::Cloudfront {
                    policy,
                    behavior: behavior.clone(),
                    origin: Box::new(
                        PreparedServer::new(origin).map_err(|e| e.in_input("origin"))?,
                    ),
                    origin_kind,
                }
            }
            ServerSpec::LambdaUrl {
                config,
                function,
                function_options,
            } => Prepared::LambdaUrl {
                config: server::lambda_url::parse(config_text(config))
                    .map_err(|e| e.in_input("config"))?,
                function: function.clone(),
                function_options: function_options.clone(),
            },
        }))
    }

    /// The parsed S3 configuration, when this is an S3 bucket that has one.
    pub fn s3_config(&self) -> Option<&S3Config> {
        match &self.0 {
            Prepared::S3 { config, .. } => config.as_deref(),
            _ => None,
        }
    }

    /// An error, about the field `field`, when the browser cannot even connect to the URL
    /// `request` names: an S3 website endpoint over https (src/server/s3/endpoint.rs,
    /// `unreachable`).
    fn check_reachable(&self, request: &scenario::RequestSpec, field: &str) -> Result<(), Error> {
        match &self.0 {
            Prepared::S3 { .. } => match server::s3::unreachable(&request.url) {
                Some(why) => Err(Error::scenario(format!("{field}: {why}"), None)),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// A fresh server, ready to answer requests. An S3 bucket's answer is a function of the
    /// request alone, so a bucket answers from `answers` a request asked before (in another
    /// browser's simulation of the same scenario, say); the other servers ignore it.
    fn build(&self, answers: &Arc<Answers>) -> Result<Box<dyn Server>, Error> {
        Ok(match &self.0 {
            Prepared::S3 {
                config,
                object,
                endpoint,
            } => Box::new(Remembering::new(
                S3Server::shared(config.clone(), *object, *endpoint),
                answers.clone(),
            )),
            Prepared::Custom {
                preflight,
                redirects,
                response,
            } => Box::new(CustomServer::new(
                preflight.clone(),
                redirects.clone(),
                response.clone(),
            )),
            Prepared::ApigwHttp {
                config,
                routes,
                stage,
                integration,
            } => Box::new(server::apigw_http::HttpApiServer::new(
                config.clone(),
                routes,
                stage.clone(),
                integration.clone(),
            )?),
            Prepared::ApigwRest {
                config,
                backend,
                stage,
            } => Box::new(server::apigw_rest::RestApiServer::new(
                config.clone(),
                backend.clone(),
                stage.clone(),
            )),
            Prepared::Cloudfront {
                policy,
                behavior,
                origin,
                origin_kind,
            } => {
                let origin = origin.build(answers).map_err(|e| e.in_input("origin"))?;
                Box::new(server::cloudfront::CloudFrontServer::new(
                    policy.clone(),
                    behavior,
                    origin,
                    origin_kind,
                )?)
            }
            Prepared::LambdaUrl {
                config,
                function,
                function_options,
            } => Box::new(server::lambda_url::LambdaUrlServer::new(
                config.clone(),
                function.clone(),
                function_options.clone(),
            )),
        })
    }
}

/// A provider's configuration text; absent means blank.
fn config_text(text: &Option<String>) -> &str {
    text.as_deref().unwrap_or("")
}

/// The server a scenario describes, ready to answer requests.
fn build_server(spec: &ServerSpec) -> Result<Box<dyn Server>, Error> {
    PreparedServer::new(spec)?.build(&Arc::default())
}

/// Simulates a scenario: its first request, then each request of its `sequence`.
pub fn simulate(scenario: &Scenario) -> Result<Trace, Error> {
    simulate_prepared(scenario, &PreparedServer::new(&scenario.server)?)
}

/// [`simulate`] against a server prepared earlier (see [`PreparedServer`]); `scenario.server`
/// is not read, `server` stands for it.
pub fn simulate_prepared(scenario: &Scenario, server: &PreparedServer) -> Result<Trace, Error> {
    simulate_answered(scenario, server, &Arc::default())
}

/// [`simulate_prepared`] in each of `browsers` (`scenario.browser` is not read), in order.
///
/// Browsers mostly send the server the same requests and differ in what they make of the
/// answers, so an S3 bucket is asked each distinct request once (src/server/memo.rs): against
/// 100 rules, the three browsers' traces cost little more than one.
pub fn simulate_in_browsers(
    scenario: &Scenario,
    server: &PreparedServer,
    browsers: &[Browser],
) -> Vec<Result<Trace, Error>> {
    let answers = Arc::default();
    browsers
        .iter()
        .map(|&browser| {
            let mut scenario = scenario.clone();
            scenario.browser = browser;
            simulate_answered(&scenario, server, &answers)
        })
        .collect()
}

/// [`simulate_prepared`], the server answering from `answers` a request it has seen.
fn simulate_answered(
    scenario: &Scenario,
    server: &PreparedServer,
    answers: &Arc<Answers>,
) -> Result<Trace, Error> {
    server.check_reachable(&scenario.request, "request.url")?;
    for (i, later) in scenario.sequence.iter().enumerate() {
        server.check_reachable(later, &format!("sequence[{i}].url"))?;
    }
    let server = server.build(answers)?;
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

/// What one server answers to each of `requests`, in order. Unlike calling [`respond`] once per
/// request, the server is built once, so state it keeps between requests (CloudFront's
/// simulated edge cache) carries over.
pub fn respond_sequence(server: &ServerSpec, requests: &[Request]) -> Result<Vec<Response>, Error> {
    let server = build_server(server)?;
    Ok(requests.iter().map(|r| server.respond(r)).collect())
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
