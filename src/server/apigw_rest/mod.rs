//! Amazon API Gateway REST APIs (v1) (spec/aws-other.md §1). There is no CORS setting: CORS is
//! an `OPTIONS` method (usually a MOCK integration) whose integration response maps static
//! strings to `Access-Control-Allow-*` headers, plus `Access-Control-Allow-Origin` mapped on
//! each actual method's responses, plus gateway responses for the errors API Gateway makes
//! itself. So this module evaluates a method graph: resource → method → authorization →
//! integration → integration response → header mappings, or a gateway response.
//!
//! Accepted pastes (JSON): an OpenAPI/Swagger export with `x-amazon-apigateway-integration`,
//! `aws apigateway get-resources --embed methods` / `get-method` / `get-gateway-responses`
//! output, a CloudFormation template (`AWS::ApiGateway::Resource`, `Method`, `GatewayResponse`,
//! or a `RestApi` with an OpenAPI `Body`), a list of several of those documents, or the
//! console's "Enable CORS" dialog as cors-sim's `{"EnableCors": {...}}`.

mod parse;
mod pattern;

pub use parse::parse;

use super::aws_common::{path_match_score, request_host, request_path, unverified, Spanned};
use crate::error::Span;
use crate::http::{HeaderSource, Provenance, Request, Response, Server};
use crate::scenario::LiteralResponse;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which of the shapes users paste the configuration came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestFormat {
    /// An OpenAPI 3 or Swagger 2 document (`get-export` with the `integrations` extensions).
    OpenApi,
    /// AWS CLI output: `get-resources --embed methods`, `get-method`, `get-gateway-responses`.
    Cli,
    /// A CloudFormation template or resource.
    CloudFormation,
    /// The console's "Enable CORS" dialog, written as cors-sim's `{"EnableCors": {...}}`.
    ConsoleEnableCors,
    /// Several documents in a JSON list.
    Combined,
}

/// A header value mapping, as `responseParameters` write it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mapping {
    /// A quoted literal: `'*'` → `*`.
    Static(String),
    /// A mapping expression: `method.request.header.Origin`, `stageVariables.x`, …
    Expr(String),
}

/// One `…header.Name` mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderMapping {
    /// The header name.
    pub header: String,
    /// Its value.
    pub value: Mapping,
    /// Where the mapping is written.
    pub span: Option<Span>,
}

/// The integration types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntegrationType {
    /// A response made by API Gateway from templates.
    Mock,
    /// HTTP, non-proxy.
    Http,
    /// HTTP proxy.
    HttpProxy,
    /// AWS service or Lambda, non-proxy ("Lambda custom").
    Aws,
    /// Lambda proxy.
    AwsProxy,
}

impl IntegrationType {
    fn is_proxy(self) -> bool {
        matches!(self, IntegrationType::HttpProxy | IntegrationType::AwsProxy)
    }
}

/// An integration response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationResponse {
    /// `selectionPattern`; `None` for the default response.
    pub pattern: Option<String>,
    /// The method response status it selects.
    pub status: String,
    /// `method.response.header.*` mappings.
    pub headers: Vec<HeaderMapping>,
    /// Where it is written.
    pub span: Option<Span>,
}

/// A method's integration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration {
    /// Its type.
    pub kind: IntegrationType,
    /// For MOCK: the `statusCode` of the `application/json` request template.
    pub mock_status: Option<u16>,
    /// Integration responses, in order.
    pub responses: Vec<IntegrationResponse>,
    /// Where it is written.
    pub span: Option<Span>,
}

/// A method of a resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodDef {
    /// `GET`, `OPTIONS`, … or `ANY`.
    pub method: String,
    /// `NONE`, `AWS_IAM`, `CUSTOM` or `COGNITO_USER_POOLS`.
    pub authorization: String,
    /// `apiKeyRequired`.
    pub api_key_required: bool,
    /// The integration, when the paste has it.
    pub integration: Option<Integration>,
    /// Method responses: status → declared header names.
    pub method_responses: Vec<(String, Vec<String>)>,
    /// Where the method is written.
    pub span: Option<Span>,
}

/// A resource and its methods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceDef {
    /// The path (`/items/{id}`); `None` when the paste is one method without its resource
    /// (`get-method` output, a bare `AWS::ApiGateway::Method`), which then answers every path.
    pub path: Option<String>,
    /// Its methods.
    pub methods: Vec<MethodDef>,
}

/// A customised gateway response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayResponseDef {
    /// `DEFAULT_4XX`, `MISSING_AUTHENTICATION_TOKEN`, …
    pub kind: String,
    /// `statusCode`, when set.
    pub status: Option<u16>,
    /// `gatewayresponse.header.*` mappings.
    pub headers: Vec<HeaderMapping>,
    /// Where it is written.
    pub span: Option<Span>,
}

/// A parsed REST API: its resources and gateway responses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestApiConfig {
    /// The shape it was pasted in.
    pub format: RestFormat,
    /// Resources, in the order written.
    pub resources: Vec<ResourceDef>,
    /// Customised gateway responses.
    pub gateway_responses: Vec<GatewayResponseDef>,
    /// Things the parser noticed and the explanation should say (e.g. "Enable CORS" defaults).
    pub notes: Vec<Spanned<String>>,
}

/// A REST API deployed to a stage, with literal backend responses.
#[derive(Clone, Debug)]
pub struct RestApiServer {
    config: RestApiConfig,
    backend: BTreeMap<String, LiteralResponse>,
    stage: Option<String>,
}

/// The gateway responses API Gateway makes itself, with their default status and message.
fn gateway_default(kind: &str) -> (u16, &'static str, &'static str) {
    match kind {
        "MISSING_AUTHENTICATION_TOKEN" => (
            403,
            "Missing Authentication Token",
            "MissingAuthenticationTokenException",
        ),
        "UNAUTHORIZED" => (401, "Unauthorized", "UnauthorizedException"),
        "INVALID_API_KEY" => (403, "Forbidden", "ForbiddenException"),
        "ACCESS_DENIED" => (403, "Forbidden", "AccessDeniedException"),
        _ => (500, "Internal server error", "InternalServerErrorException"),
    }
}

impl RestApiServer {
    /// A REST API. `backend` maps `"METHOD /path"` (the request's method or the method as
    /// defined, e.g. `ANY /{proxy+}`; the resource path or the request path) or `"*"` to what
    /// the backend returns. `stage` is the stage in the URL path; when `None` and the host is
    /// an `execute-api` host, the first path segment is taken as the stage.
    pub fn new(
        config: RestApiConfig,
        backend: BTreeMap<String, LiteralResponse>,
        stage: Option<String>,
    ) -> RestApiServer {
        RestApiServer {
            config,
            backend,
            stage,
        }
    }

    fn path_of(&self, url: &str) -> (String, Option<String>) {
        let path = request_path(url);
        let stage = match &self.stage {
            Some(s) => Some(s.clone()),
            None if request_host(url).contains(".execute-api.") => path
                .trim_start_matches('/')
                .split('/')
                .next()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            None => None,
        };
        if let Some(stage) = &stage {
            let prefix = format!("/{stage}");
            if path == prefix {
                return ("/".into(), Some(stage.clone()));
            }
            if let Some(rest) = path.strip_prefix(&format!("{prefix}/")) {
                return (format!("/{rest}"), Some(stage.clone()));
            }
        }
        (path, None)
    }

    fn select(&self, method: &str, path: &str) -> Option<(&ResourceDef, Option<&MethodDef>)> {
        let mut best: Option<(&ResourceDef, Vec<u8>)> = None;
        for r in &self.config.resources {
            let score = match &r.path {
                Some(p) => match path_match_score(p, path) {
                    Some(s) => s,
                    None => continue,
                },
                None => vec![0],
            };
            if best.as_ref().is_none_or(|(_, s)| score > *s) {
                best = Some((r, score));
            }
        }
        let (res, _) = best?;
        let m = res
            .methods
            .iter()
            .find(|m| m.method == method)
            .or_else(|| res.methods.iter().find(|m| m.method == "ANY"));
        Some((res, m))
    }

    fn backend_for(
        &self,
        request: &Request,
        def: &MethodDef,
        res: &ResourceDef,
        path: &str,
    ) -> Option<&LiteralResponse> {
        let rp = res.path.as_deref().unwrap_or(path);
        [
            format!("{} {rp}", request.method),
            format!("{} {rp}", def.method),
            format!("{} {path}", request.method),
            "*".to_string(),
        ]
        .iter()
        .find_map(|k| self.backend.get(k))
    }

    /// A response API Gateway makes itself, with the headers of the customised gateway
    /// response of that type, or of `DEFAULT_4XX`/`DEFAULT_5XX`.
    fn gateway_response(&self, kind: &str, request: &Request, why: String) -> Response {
        let (default_status, message, error_type) = gateway_default(kind);
        let specific = self
            .config
            .gateway_responses
            .iter()
            .find(|g| g.kind == kind);
        let class = if default_status >= 500 {
            "DEFAULT_5XX"
        } else {
            "DEFAULT_4XX"
        };
        let fallback = self
            .config
            .gateway_responses
            .iter()
            .find(|g| g.kind == class);
        // A type customised on its own is used whole; one that is not falls back to
        // DEFAULT_4XX/DEFAULT_5XX, its headers and its status code alike ("Changing the status
        // code of this fallback gateway response changes the status codes of all other 4XX
        // responses", supported-gateway-response-types; aws-other.md §1.1.5).
        let status = match specific {
            Some(g) => g.status,
            None => fallback.and_then(|g| g.status),
        }
        .unwrap_or(default_status);
        let mut r = Response::new(status);
        r.headers.append("Content-Type", "application/json");
        r.headers.append("x-amzn-ErrorType", error_type);
        r.body = Some(format!("{{\"message\":\"{message}\"}}"));
        let mut sources = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let (used, used_name) = match (specific, fallback) {
            (Some(g), _) => (Some(g), kind.to_string()),
            (None, Some(g)) => (Some(g), class.to_string()),
            (None, None) => (None, String::new()),
        };
        let mut summary = format!("API Gateway answers {status} itself ({kind} gateway response, {{\"message\":\"{message}\"}}): {why}");
        match used {
            Some(g) => {
                notes.extend(
                    self.config
                        .notes
                        .iter()
                        .filter(|n| n.value.contains(&used_name))
                        .map(|n| n.value.clone()),
                );
                apply_mappings(&g.headers, request, None, &mut r, &mut sources, &mut notes, &format!("gateway response {used_name}"), "gatewayresponse.header.");
                if r.headers.contains("access-control-allow-origin") {
                    summary.push_str(&format!(" The {used_name} gateway response adds CORS headers, so the browser sees the real status."));
                } else {
                    summary.push_str(&format!(" The {used_name} gateway response maps no Access-Control-Allow-Origin, so the browser reports a CORS error instead of this status."));
                }
            }
            None => summary.push_str(" No gateway response (neither this type nor DEFAULT_4XX/DEFAULT_5XX) is customised with CORS headers, so it has none and the browser reports a CORS error instead of this status."),
        }
        r.provenance = Some(Provenance {
            provider: "apigw-rest".into(),
            summary,
            header_sources: sources,
            notes,
            ..Provenance::default()
        });
        r
    }
}

/// Applies `…header.X` mappings to `r`.
#[allow(clippy::too_many_arguments)]
fn apply_mappings(
    mappings: &[HeaderMapping],
    request: &Request,
    backend: Option<&LiteralResponse>,
    r: &mut Response,
    sources: &mut Vec<HeaderSource>,
    notes: &mut Vec<String>,
    from: &str,
    prefix: &str,
) {
    for m in mappings {
        let value = match &m.value {
            Mapping::Static(v) => {
                Some((v.clone(), format!("{from}: {prefix}{} = '{v}'", m.header)))
            }
            Mapping::Expr(e) => {
                if let Some(h) = e.strip_prefix("method.request.header.") {
                    match request.headers.get(h) {
                        Some(v) => Some((v.into_owned(), format!("{from}: {prefix}{} = {e}, which echoes the request's {h} header — any value is reflected", m.header))),
                        None => {
                            notes.push(format!("{prefix}{} = {e}: the request has no {h} header, so the header is left out.", m.header));
                            None
                        }
                    }
                } else if let Some(h) = e.strip_prefix("integration.response.header.") {
                    match backend.and_then(|b| b.headers.get(h)) {
                        Some(v) => Some((
                            v.into_owned(),
                            format!("{from}: {prefix}{} = {e} (the backend's {h})", m.header),
                        )),
                        None => {
                            notes.push(format!("{prefix}{} = {e}: the backend response has no {h} header, so the header is left out.", m.header));
                            None
                        }
                    }
                } else {
                    notes.push(format!("{prefix}{} = {e}: cors-sim cannot resolve stage variables or context values, so the header is left out.", m.header));
                    None
                }
            }
        };
        if let Some((v, from)) = value {
            r.headers.append(m.header.clone(), v);
            sources.push(HeaderSource {
                header: m.header.clone().into(),
                from: from.into(),
                span: m.span,
            });
        }
    }
}

impl Server for RestApiServer {
    fn respond(&self, request: &Request) -> Response {
        let (path, stage) = self.path_of(&request.url);
        let on = match &stage {
            Some(s) => format!("{} {path} (stage {s})", request.method),
            None => format!("{} {path}", request.method),
        };
        let Some((res, method)) = self.select(&request.method, &path) else {
            return self.gateway_response(
                "MISSING_AUTHENTICATION_TOKEN",
                request,
                format!("no resource matches {on}. REST APIs answer unknown paths and methods this way (pulumi-cloud#521)."),
            );
        };
        let res_name = res
            .path
            .clone()
            .unwrap_or_else(|| "(the pasted method)".into());
        let Some(def) = method else {
            let why = if request.method == "OPTIONS" {
                format!("the resource {res_name} has no OPTIONS method (and no ANY), so the preflight finds no method. Add an OPTIONS method (\"Enable CORS\") to this resource; it is not inherited from parent resources.")
            } else {
                format!(
                    "the resource {res_name} has no {} method (and no ANY).",
                    request.method
                )
            };
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", request, why);
        };
        let label = format!("{} {res_name}", def.method);
        let preflight_hint = if request.method == "OPTIONS" {
            " A preflight never carries credentials or API keys: the OPTIONS method must use authorization NONE and no API key (CDK forces this for its generated OPTIONS methods)."
        } else {
            ""
        };
        match def.authorization.as_str() {
            "AWS_IAM" if !request.headers.contains("authorization") => {
                return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", request, format!("the method {label} uses AWS_IAM authorization and the request is not signed.{preflight_hint}"));
            }
            "CUSTOM" | "COGNITO_USER_POOLS" if !request.headers.contains("authorization") => {
                return self.gateway_response("UNAUTHORIZED", request, format!("the method {label} has a {} authorizer and the request carries no Authorization header.{preflight_hint}", def.authorization));
            }
            _ => {}
        }
        if def.api_key_required && !request.headers.contains("x-api-key") {
            return self.gateway_response("INVALID_API_KEY", request, format!("the method {label} requires an API key and the request has no x-api-key header.{preflight_hint}"));
        }
        let Some(integration) = &def.integration else {
            return self.gateway_response("API_CONFIGURATION_ERROR", request, format!("the paste shows no integration for {label} (get-resources without --embed methods?), so cors-sim cannot say what it returns."));
        };
        let mut notes: Vec<String> = self.config.notes.iter().map(|n| n.value.clone()).collect();
        let mut sources = Vec::new();
        if integration.kind.is_proxy() {
            let backend = self.backend_for(request, def, res, &path);
            let mut r = match backend {
                Some(b) => Response {
                    status: b.status,
                    headers: b.headers.clone(),
                    body: b.body.clone(),
                    provenance: None,
                },
                None => {
                    notes.push(format!("The scenario gives no backend response for {label}; cors-sim assumes 200 with no header. Say what the function returns in \"backend\"."));
                    Response::new(200)
                }
            };
            for (n, v) in r.headers.iter() {
                if super::aws_common::is_cors_response_header(n) {
                    sources.push(HeaderSource {
                        header: n.to_string().into(),
                        from: format!("the backend's own response ({v})").into(),
                        span: None,
                    });
                }
            }
            let kind = if integration.kind == IntegrationType::AwsProxy {
                "Lambda proxy"
            } else {
                "HTTP proxy"
            };
            let mut summary = format!("{label} matches {on}; its {kind} integration passes the backend's response through unchanged ({}). ", r.status);
            if r.headers.contains("access-control-allow-origin") {
                summary.push_str("The backend sets Access-Control-Allow-Origin itself, as a proxy integration must.");
            } else {
                summary.push_str("The backend sets no Access-Control-Allow-Origin, and with a proxy integration API Gateway adds none: the function's code must return the CORS headers (how-to-cors.md).");
            }
            r.provenance = Some(Provenance {
                provider: "apigw-rest".into(),
                summary,
                header_sources: sources,
                notes,
                ..Provenance::default()
            });
            return r;
        }
        // Non-proxy: the integration's status selects an integration response, whose mappings
        // make the method response's headers.
        let backend = if integration.kind == IntegrationType::Mock {
            None
        } else {
            self.backend_for(request, def, res, &path)
        };
        let integration_status = match integration.kind {
            IntegrationType::Mock => integration.mock_status.unwrap_or(200),
            _ => backend.map_or(200, |b| b.status),
        };
        let status_text = integration_status.to_string();
        let mut selected = None;
        for ir in &integration.responses {
            if let Some(p) = &ir.pattern {
                match pattern::full_match(p, &status_text) {
                    Some(true) => {
                        selected = Some(ir);
                        break;
                    }
                    Some(false) => {}
                    None => notes.push(format!("selectionPattern {p:?} uses regular-expression syntax cors-sim does not read; it is treated as not matching.")),
                }
            }
        }
        if integration.kind == IntegrationType::Aws {
            notes.push("For a Lambda (AWS) non-proxy integration, selectionPattern is matched against the function's error message, not a status; cors-sim matches it against the status the scenario's backend gives.".into());
        }
        let selected =
            selected.or_else(|| integration.responses.iter().find(|r| r.pattern.is_none()));
        let kind = match integration.kind {
            IntegrationType::Mock => "MOCK",
            IntegrationType::Http => "HTTP",
            _ => "AWS",
        };
        let Some(ir) = selected else {
            return self.gateway_response("API_CONFIGURATION_ERROR", request, format!("the {kind} integration of {label} returned {integration_status} and no integration response matches it (no default response): \"Execution failed due to configuration error: No match for output mapping and no default output mapping specified\"."));
        };
        let status: u16 = ir.status.parse().unwrap_or(500);
        let mut r = Response::new(status);
        apply_mappings(
            &ir.headers,
            request,
            backend,
            &mut r,
            &mut sources,
            &mut notes,
            &format!("{label} integration response {}", ir.status),
            "method.response.header.",
        );
        let mut summary = format!(
            "{label} matches {on}; its {kind} integration returns {integration_status}, which selects the {} integration response → method response {status}.",
            match &ir.pattern { Some(p) => format!("{p:?}"), None => "default".into() }
        );
        if r.headers.contains("access-control-allow-origin") {
            summary.push_str(" Its header mappings set Access-Control-Allow-Origin.");
        } else {
            summary.push_str(" That integration response maps no Access-Control-Allow-Origin, so this response has none");
            summary.push_str(if request.method == "OPTIONS" { "." } else { ": \"Enable CORS\" adds it to the 200 response only; map it on every response the method can return." });
        }
        if integration.kind == IntegrationType::Mock && request.method == "OPTIONS" {
            let echoes_origin = ir.headers.iter().any(|h| {
                h.header.eq_ignore_ascii_case("Access-Control-Allow-Origin")
                    && matches!(&h.value, Mapping::Expr(e) if e.eq_ignore_ascii_case("method.request.header.Origin"))
            });
            summary.push_str(if echoes_origin {
                " Access-Control-Allow-Origin is copied from the request's Origin (method.request.header.Origin): API Gateway echoes it without comparing it with any list, so every origin is allowed."
            } else {
                " The values are static strings: API Gateway does not compare them with the request's Origin, method or headers."
            });
        }
        r.provenance = Some(Provenance {
            provider: "apigw-rest".into(),
            summary,
            header_sources: sources,
            notes,
            ..Provenance::default()
        });
        r
    }
}

/// The unverified marker for REST notes.
pub(crate) fn rest_unverified(text: &str) -> String {
    unverified(text)
}
