//! Amazon API Gateway HTTP APIs (v2) (spec/aws-other.md §2): the `CorsConfiguration` of an
//! API, and what the gateway answers in front of its routes and integrations.
//!
//! Documented behaviour modelled here: with CORS configured the gateway answers preflights
//! itself, even without an `OPTIONS` route, unless a route with an authorizer (`$default`,
//! `ANY /{proxy+}`) captures the `OPTIONS` request; it adds the configured headers to
//! integration responses of CORS requests; and it ignores CORS headers the integration returns.

use super::aws_common::{
    cfn_resources, invalid_type, is_cors_response_header, is_preflight, parse_json,
    path_match_score, request_path, requested_headers, unverified, CorsFields, Json, JsonKind,
    Spanned, CAMEL_FIELDS,
};
use crate::error::{Error, Span};
use crate::http::{HeaderSource, Provenance, Request, Response, Server};
use crate::scenario::LiteralResponse;
use serde::{Deserialize, Serialize};

/// Which of the shapes users paste the configuration came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HttpApiFormat {
    /// `{"CorsConfiguration": {...}}`: `get-api` output, `create-api`/`update-api` input.
    Cli,
    /// The bare PascalCase object (the value of `--cors-configuration`, or CloudFormation's).
    BarePascal,
    /// An OpenAPI document with the root `x-amazon-apigateway-cors` extension (camelCase).
    OpenApi,
    /// The bare camelCase object of the extension.
    BareCamel,
    /// An `AWS::ApiGatewayV2::Api` resource or a template holding one.
    CloudFormation,
    /// An `AWS::Serverless::HttpApi` resource or a template holding one.
    Sam,
}

/// A parsed, validated HTTP API CORS configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpApiConfig {
    /// The shape it was pasted in.
    pub format: HttpApiFormat,
    /// The configuration; `None` when the API has no CORS configuration.
    pub cors: Option<CorsFields>,
}

/// One route of the API, with its authorizer (scenario input, not part of the pasted text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RouteSpec {
    /// `"GET /items"`, `"ANY /{proxy+}"` or `"$default"`, without an authorizer.
    Key(String),
    /// A route with an authorizer: `{"route": "ANY /{proxy+}", "authorizer": "jwt"}`.
    WithAuth {
        /// The route key.
        route: String,
        /// `jwt`, `lambda`, `iam` or `none`.
        #[serde(default)]
        authorizer: Option<String>,
    },
}

/// A route key, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Route {
    key: String,
    /// `ANY` or a method; `None` for `$default`.
    method: Option<String>,
    path: Option<String>,
    authorizer: Authorizer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Authorizer {
    None,
    Jwt,
    Lambda,
    Iam,
}

fn bad_request(message: String, span: Option<Span>) -> Error {
    Error::invalid("BadRequestException", message, span)
}

/// Parses and validates a pasted HTTP API CORS configuration. Blank text or `null` means the
/// API has no CORS configuration.
pub fn parse(text: &str) -> Result<HttpApiConfig, Error> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "null" {
        return Ok(HttpApiConfig {
            format: HttpApiFormat::BarePascal,
            cors: None,
        });
    }
    let root = parse_json(text, "an HTTP API CorsConfiguration")?;
    if !root.is_object() {
        return Err(invalid_type("CorsConfiguration", &root, "<class 'dict'>"));
    }
    let is_null = |j: &Json| matches!(j.kind, JsonKind::Null);
    let (format, cors): (HttpApiFormat, Option<&Json>) =
        if root.get("Resources").is_some() || root.get("Type").is_some() {
            if let Some((_, p)) = cfn_resources(&root, "AWS::ApiGatewayV2::Api")
                .into_iter()
                .next()
            {
                let cors = p.get("CorsConfiguration").or_else(|| {
                    p.get("Body")
                        .and_then(|b| b.get("x-amazon-apigateway-cors"))
                });
                (HttpApiFormat::CloudFormation, cors)
            } else if let Some((_, p)) = cfn_resources(&root, "AWS::Serverless::HttpApi")
                .into_iter()
                .next()
            {
                let cors = p.get("CorsConfiguration").or_else(|| {
                    p.get("DefinitionBody")
                        .and_then(|b| b.get("x-amazon-apigateway-cors"))
                });
                (HttpApiFormat::Sam, cors)
            } else {
                return Err(Error::scenario(
                "the template has no AWS::ApiGatewayV2::Api or AWS::Serverless::HttpApi resource",
                Some(root.span),
            ));
            }
        } else if let Some(c) = root.get("x-amazon-apigateway-cors") {
            (HttpApiFormat::OpenApi, Some(c))
        } else if root.get("openapi").is_some() || root.get("paths").is_some() {
            (HttpApiFormat::OpenApi, None)
        } else if let Some(c) = root.get("CorsConfiguration") {
            (HttpApiFormat::Cli, Some(c))
        } else if root
            .props()
            .iter()
            .any(|(k, _, _)| CAMEL_FIELDS.contains(&k.as_str()))
        {
            (HttpApiFormat::BareCamel, Some(&root))
        } else {
            (HttpApiFormat::BarePascal, Some(&root))
        };
    let camel = matches!(format, HttpApiFormat::OpenApi | HttpApiFormat::BareCamel);
    let cors = match cors {
        None => None,
        Some(c) if is_null(c) => None,
        Some(c) => {
            let container = if camel {
                "x-amazon-apigateway-cors"
            } else {
                "CorsConfiguration"
            };
            let fields = CorsFields::read(c, container, camel)?;
            validate(&fields, camel)?;
            Some(fields)
        }
    };
    Ok(HttpApiConfig { format, cors })
}

/// API Gateway's checks on a CORS configuration (`CreateApi` / `UpdateApi`).
fn validate(c: &CorsFields, camel: bool) -> Result<(), Error> {
    let name = |pascal: &str| -> String {
        if camel {
            let mut s = pascal.to_string();
            s[..1].make_ascii_lowercase();
            s
        } else {
            pascal.to_string()
        }
    };
    // aws-cdk#9076 quotes this message from a real deploy.
    if c.credentials() {
        if let Some(star) = c
            .allow_origins
            .iter()
            .flatten()
            .find(|o| o.value.trim() == "*")
        {
            return Err(bad_request(
                "allow-credentials is not supported if 'allow-origin' is *".into(),
                star.span
                    .or(c.allow_credentials.as_ref().and_then(|b| b.span)),
            ));
        }
    }
    if let Some(m) = &c.max_age {
        if !(-1..=86400).contains(&m.value) {
            return Err(bad_request(
                format!(
                    "{} {} is outside the allowed range -1 to 86400 (the range is AWS's; this message text is not verified against AWS)",
                    name("MaxAge"),
                    m.value
                ),
                m.span,
            ));
        }
    }
    for m in c.allow_methods.iter().flatten() {
        let len = m.value.chars().count();
        if !(1..=64).contains(&len) {
            return Err(bad_request(
                format!(
                    "{} values must be 1 to 64 characters long; \"{}\" is {len} (the limit is AWS's; this message text is not verified against AWS)",
                    name("AllowMethods"),
                    m.value
                ),
                m.span,
            ));
        }
    }
    for o in c.allow_origins.iter().flatten() {
        let v = o.value.trim();
        if v.contains('*') && !matches!(v, "*" | "https://*" | "http://*") {
            return Err(bad_request(
                format!(
                    "{} entry \"{v}\": API Gateway documents only *, https://* and http://* as wildcards; an origin with a wildcard inside the host is treated as invalid (a reported CloudFormation deploy rolled back; not verified against AWS)",
                    name("AllowOrigins")
                ),
                o.span,
            ));
        }
    }
    Ok(())
}

fn parse_route(key: &str, authorizer: Option<&str>) -> Result<Route, Error> {
    let authorizer = match authorizer.map(str::to_ascii_lowercase).as_deref() {
        None | Some("none") | Some("") => Authorizer::None,
        Some("jwt") | Some("cognito") => Authorizer::Jwt,
        Some("lambda") | Some("custom") => Authorizer::Lambda,
        Some("iam") | Some("aws_iam") => Authorizer::Iam,
        Some(other) => {
            return Err(Error::scenario(
                format!(
                "route {key:?}: unknown authorizer {other:?}; expected jwt, lambda, iam or none"
            ),
                None,
            ))
        }
    };
    let key_trimmed = key.trim();
    if key_trimmed == "$default" {
        return Ok(Route {
            key: key_trimmed.into(),
            method: None,
            path: None,
            authorizer,
        });
    }
    match key_trimmed.split_once(' ') {
        Some((m, p)) if p.trim().starts_with('/') && !m.is_empty() => Ok(Route {
            key: key_trimmed.into(),
            method: Some(m.to_string()),
            path: Some(p.trim().to_string()),
            authorizer,
        }),
        _ => Err(Error::scenario(
            format!("route {key:?}: write a route key as \"METHOD /path\" (e.g. \"GET /items\", \"ANY /{{proxy+}}\") or \"$default\""),
            None,
        )),
    }
}

/// An HTTP API with a CORS configuration, routes, and an integration that returns a literal
/// response.
#[derive(Clone, Debug)]
pub struct HttpApiServer {
    config: HttpApiConfig,
    routes: Vec<Route>,
    stage: Option<String>,
    integration: LiteralResponse,
}

impl HttpApiServer {
    /// An API; `routes` default to a `$default` route without authorizer, `integration` to 200
    /// with no header. `stage` is the path prefix of a named stage (none for `$default`).
    pub fn new(
        config: HttpApiConfig,
        routes: &[RouteSpec],
        stage: Option<String>,
        integration: Option<LiteralResponse>,
    ) -> Result<HttpApiServer, Error> {
        let mut parsed = Vec::new();
        for r in routes {
            parsed.push(match r {
                RouteSpec::Key(k) => parse_route(k, None)?,
                RouteSpec::WithAuth { route, authorizer } => {
                    parse_route(route, authorizer.as_deref())?
                }
            });
        }
        if routes.is_empty() {
            parsed.push(parse_route("$default", None)?);
        }
        Ok(HttpApiServer {
            config,
            routes: parsed,
            stage: stage.filter(|s| !s.is_empty() && s != "$default"),
            integration: integration.unwrap_or(LiteralResponse {
                status: 200,
                headers: Default::default(),
                body: None,
            }),
        })
    }

    /// The route API Gateway selects: the most specific path, then an exact method over `ANY`,
    /// then `$default`.
    fn select_route(&self, method: &str, path: &str) -> Option<&Route> {
        let mut best: Option<(&Route, Vec<u8>, bool)> = None;
        for r in &self.routes {
            let (Some(m), Some(p)) = (&r.method, &r.path) else {
                continue;
            };
            let exact = m == method;
            if !exact && m != "ANY" {
                continue;
            }
            let Some(score) = path_match_score(p, path) else {
                continue;
            };
            let better = match &best {
                None => true,
                Some((_, s, e)) => (&score, exact) > (s, *e),
            };
            if better {
                best = Some((r, score, exact));
            }
        }
        best.map(|b| b.0)
            .or_else(|| self.routes.iter().find(|r| r.method.is_none()))
    }

    fn path_of(&self, url: &str) -> String {
        let path = request_path(url);
        if let Some(stage) = &self.stage {
            let prefix = format!("/{stage}");
            if path == prefix {
                return "/".into();
            }
            if let Some(rest) = path.strip_prefix(&format!("{prefix}/")) {
                return format!("/{rest}");
            }
        }
        path
    }

    /// The configured origin entry that allows `origin`: `*`, `https://*` / `http://*` (any
    /// origin with that scheme), or the origin itself (case-insensitively).
    fn origin_entry<'c>(cors: &'c CorsFields, origin: &str) -> Option<&'c Spanned<String>> {
        cors.allow_origins.as_ref()?.iter().find(|o| {
            let o = o.value.trim();
            match o {
                "*" => true,
                "https://*" | "http://*" => {
                    origin.to_ascii_lowercase().starts_with(&o[..o.len() - 1])
                }
                _ => o.eq_ignore_ascii_case(origin),
            }
        })
    }

    /// Adds the headers every CORS response gets (origin, credentials, and on non-preflight
    /// responses the exposed headers).
    fn add_common(
        cors: &CorsFields,
        entry: &Spanned<String>,
        origin: &str,
        expose: bool,
        r: &mut Response,
        sources: &mut Vec<HeaderSource>,
        notes: &mut Vec<String>,
    ) {
        let value = if entry.value.trim() == "*" {
            "*".to_string()
        } else {
            origin.to_string()
        };
        if entry.value.trim().ends_with("://*") {
            notes.push(unverified(&format!(
                "For the pattern \"{}\" API Gateway sends the request's Origin as Access-Control-Allow-Origin",
                entry.value
            )));
        }
        r.headers.append("Access-Control-Allow-Origin", value);
        sources.push(HeaderSource {
            header: "Access-Control-Allow-Origin".into(),
            from: format!("CorsConfiguration.AllowOrigins entry \"{}\"", entry.value).into(),
            span: entry.span,
        });
        if cors.credentials() {
            r.headers.append("Access-Control-Allow-Credentials", "true");
            sources.push(HeaderSource {
                header: "Access-Control-Allow-Credentials".into(),
                from: "CorsConfiguration.AllowCredentials: true".into(),
                span: cors.allow_credentials.as_ref().and_then(|b| b.span),
            });
        }
        if expose {
            if let Some(v) = CorsFields::joined(&cors.expose_headers) {
                r.headers.append("Access-Control-Expose-Headers", v);
                sources.push(HeaderSource {
                    header: "Access-Control-Expose-Headers".into(),
                    from: "CorsConfiguration.ExposeHeaders".into(),
                    span: CorsFields::first_span(&cors.expose_headers),
                });
            }
        }
    }

    /// The gateway's own error for a route whose authorizer refuses the request.
    fn auth_error(route: &Route) -> Response {
        let (status, body, kind) = match route.authorizer {
            Authorizer::Iam => (403, "{\"message\":\"Forbidden\"}", "ForbiddenException"),
            _ => (
                401,
                "{\"message\":\"Unauthorized\"}",
                "UnauthorizedException",
            ),
        };
        let mut r = Response::new(status);
        r.headers.append("Content-Type", "application/json");
        r.headers.append("x-amzn-ErrorType", kind);
        r.body = Some(body.into());
        r
    }

    fn preflight(&self, cors: &CorsFields, request: &Request, route: Option<&Route>) -> Response {
        let mut notes = Vec::new();
        super::aws_common::comma_notes(cors, &mut notes);
        let mut sources = Vec::new();
        let origin = request.headers.get("origin").unwrap_or_default();
        if let Some(route) = route.filter(|r| r.authorizer != Authorizer::None) {
            let mut r = Self::auth_error(route);
            let mut summary = format!(
                "The route \"{}\" catches the OPTIONS preflight and its authorizer runs first. A preflight never carries credentials, so the authorizer refuses it with {}: API Gateway's automatic CORS answer is never reached. Add an OPTIONS route for this path without an authorizer (http-api-cors.md).",
                route.key, r.status
            );
            if let Some(entry) = Self::origin_entry(cors, &origin) {
                Self::add_common(
                    cors,
                    entry,
                    &origin,
                    false,
                    &mut r,
                    &mut sources,
                    &mut notes,
                );
                summary.push_str(" API Gateway still adds the configured CORS headers to this error, so browsers report the status rather than a missing header.");
                notes.push(unverified("CORS headers on the authorizer's 401/403 (inferred from Chrome reporting \"It does not have HTTP ok status\" in the dev.to aws-builders report)"));
            }
            r.provenance = Some(Provenance {
                provider: "apigw-http".into(),
                summary,
                header_sources: sources,
                notes,
                ..Provenance::default()
            });
            return r;
        }
        let mut r = Response::new(204);
        notes.push(unverified("API Gateway answers a preflight with 204 and no body; it sends CORS headers only when the Origin, Access-Control-Request-Method and every Access-Control-Request-Headers name are allowed, and then lists AllowMethods and AllowHeaders as configured"));
        let method = request
            .headers
            .get("access-control-request-method")
            .unwrap_or_default();
        let method_ok = cors.allow_methods.iter().flatten().any(|m| {
            let m = m.value.trim();
            m == "*" || m.eq_ignore_ascii_case(&method)
        });
        let requested = requested_headers(&request.headers);
        let missing: Vec<String> = requested
            .iter()
            .filter(|h| {
                !cors.allow_headers.iter().flatten().any(|a| {
                    let a = a.value.trim();
                    a == "*" || a.eq_ignore_ascii_case(h)
                })
            })
            .cloned()
            .collect();
        let entry = Self::origin_entry(cors, &origin);
        let prefix = match route {
            Some(rt) => format!("API Gateway answers the preflight itself (the integration of \"{}\" is not invoked).", rt.key),
            None => "API Gateway answers the preflight itself, although no route matches OPTIONS on this path: with CORS configured it needs no OPTIONS route.".into(),
        };
        let summary = match (entry, method_ok, missing.is_empty()) {
            (None, _, _) => format!(
                "{prefix} The Origin {origin} is not in AllowOrigins, so the answer has no CORS header."
            ),
            (Some(_), false, _) => format!(
                "{prefix} The requested method {method} is not in AllowMethods, so the answer has no CORS header."
            ),
            (Some(_), true, false) => format!(
                "{prefix} The requested header(s) {} are not in AllowHeaders, so the answer has no CORS header.",
                missing.join(", ")
            ),
            (Some(entry), true, true) => {
                Self::add_common(cors, entry, &origin, false, &mut r, &mut sources, &mut notes);
                if let Some(v) = CorsFields::joined(&cors.allow_methods) {
                    r.headers.append("Access-Control-Allow-Methods", v);
                    sources.push(HeaderSource {
                        header: "Access-Control-Allow-Methods".into(),
                        from: "CorsConfiguration.AllowMethods".into(),
                        span: CorsFields::first_span(&cors.allow_methods),
                    });
                }
                if let Some(v) = CorsFields::joined(&cors.allow_headers) {
                    r.headers.append("Access-Control-Allow-Headers", v);
                    sources.push(HeaderSource {
                        header: "Access-Control-Allow-Headers".into(),
                        from: "CorsConfiguration.AllowHeaders".into(),
                        span: CorsFields::first_span(&cors.allow_headers),
                    });
                }
                if let Some(m) = &cors.max_age {
                    r.headers.append("Access-Control-Max-Age", m.value.to_string());
                    sources.push(HeaderSource {
                        header: "Access-Control-Max-Age".into(),
                        from: "CorsConfiguration.MaxAge".into(),
                        span: m.span,
                    });
                }
                format!(
                    "{prefix} The Origin {origin}, the method {method} and the requested headers are all allowed, so it sends the configured CORS headers."
                )
            }
        };
        r.provenance = Some(Provenance {
            provider: "apigw-http".into(),
            summary,
            header_sources: sources,
            notes,
            ..Provenance::default()
        });
        r
    }
}

impl Server for HttpApiServer {
    fn respond(&self, request: &Request) -> Response {
        let path = self.path_of(&request.url);
        let route = self.select_route(&request.method, &path);
        let cors = self.config.cors.as_ref();
        if let (Some(cors), true) = (cors, is_preflight(request)) {
            return self.preflight(cors, request, route);
        }
        let mut notes = Vec::new();
        let mut sources = Vec::new();
        let (mut r, mut summary) = match route {
            None => {
                let mut r = Response::new(404);
                r.headers.append("Content-Type", "application/json");
                r.body = Some("{\"message\":\"Not Found\"}".into());
                (
                    r,
                    format!(
                        "No route matches {} {path}, so API Gateway answers 404 Not Found.",
                        request.method
                    ),
                )
            }
            Some(route)
                if route.authorizer != Authorizer::None
                    && !request.headers.contains("authorization") =>
            {
                let r = Self::auth_error(route);
                let status = r.status;
                (r, format!("The route \"{}\" has an authorizer and the request carries no Authorization header, so API Gateway refuses it with {status}.", route.key))
            }
            Some(route) => {
                let mut r = Response {
                    status: self.integration.status,
                    headers: self.integration.headers.clone(),
                    body: self.integration.body.clone(),
                    provenance: None,
                };
                let mut s = format!(
                    "The route \"{}\" matches; its integration returns {}.",
                    route.key, r.status
                );
                if cors.is_some() {
                    let dropped: Vec<String> = r
                        .headers
                        .iter()
                        .filter(|(n, _)| is_cors_response_header(n))
                        .map(|(n, v)| format!("{n}: {v}"))
                        .collect();
                    if !dropped.is_empty() {
                        for h in super::aws_common::CORS_RESPONSE_HEADERS {
                            r.headers.remove(h);
                        }
                        s.push_str(&format!(" With CORS configured API Gateway ignores CORS headers from the integration, so it drops {}.", dropped.join("; ")));
                    }
                } else {
                    for (n, v) in r.headers.iter() {
                        if is_cors_response_header(n) {
                            sources.push(HeaderSource {
                                header: n.to_string().into(),
                                from: format!("the integration's own response ({v})").into(),
                                span: None,
                            });
                        }
                    }
                }
                (r, s)
            }
        };
        match (cors, request.headers.get("origin")) {
            (None, _) => summary.push_str(" The API has no CORS configuration, so API Gateway adds no CORS header."),
            (Some(_), None) => summary.push_str(" The request has no Origin header, so API Gateway adds no CORS header."),
            // "For the OPTIONS method, your request must contain an origin header and an
            // Access-Control-Request-Method header" (http-api-cors.md; aws-other.md §2.2): an
            // OPTIONS without it is not a preflight, and gets no CORS header.
            (Some(_), Some(_)) if request.method.eq_ignore_ascii_case("OPTIONS") => summary.push_str(" It is an OPTIONS request without Access-Control-Request-Method, so not a preflight, and API Gateway adds CORS headers to an OPTIONS response only for a preflight: none here."),
            (Some(cors), Some(origin)) => match Self::origin_entry(cors, &origin) {
                None => summary.push_str(&format!(
                    " The Origin {origin} is not in AllowOrigins, so API Gateway adds no CORS header."
                )),
                Some(entry) => {
                    Self::add_common(cors, entry, &origin, true, &mut r, &mut sources, &mut notes);
                    summary.push_str(&format!(
                        " The Origin {origin} is allowed by AllowOrigins \"{}\", so API Gateway adds the configured CORS headers.",
                        entry.value
                    ));
                    if !(200..300).contains(&r.status) && route.is_none_or(|rt| rt.authorizer != Authorizer::None) {
                        notes.push(unverified("API Gateway adds the configured CORS headers to its own error responses too"));
                    }
                }
            },
        }
        r.provenance = Some(Provenance {
            provider: "apigw-http".into(),
            summary,
            header_sources: sources,
            notes,
            ..Provenance::default()
        });
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_read() {
        let cli = parse(
            r#"{"CorsConfiguration": {"AllowOrigins": ["https://a.example"], "MaxAge": 300}}"#,
        )
        .unwrap();
        assert_eq!(cli.format, HttpApiFormat::Cli);
        let camel = parse(r#"{"allowOrigins": ["*"], "maxAge": 10}"#).unwrap();
        assert_eq!(camel.format, HttpApiFormat::BareCamel);
        let oas = parse(r#"{"openapi": "3.0.1", "x-amazon-apigateway-cors": {"allowOrigins": ["*"]}, "paths": {}}"#).unwrap();
        assert_eq!(oas.format, HttpApiFormat::OpenApi);
        let bare = parse(r#"{"AllowOrigins": ["*"]}"#).unwrap();
        assert_eq!(bare.format, HttpApiFormat::BarePascal);
    }

    #[test]
    fn credentials_with_star_is_rejected_with_the_real_text() {
        let e = parse(r#"{"AllowOrigins": ["*"], "AllowCredentials": true}"#).unwrap_err();
        assert_eq!(e.code(), Some("BadRequestException"));
        assert_eq!(
            e.message,
            "allow-credentials is not supported if 'allow-origin' is *"
        );
    }

    #[test]
    fn routes_prefer_specific_paths_and_exact_methods() {
        let s = HttpApiServer::new(
            parse("").unwrap(),
            &[
                RouteSpec::Key("ANY /{proxy+}".into()),
                RouteSpec::Key("OPTIONS /{proxy+}".into()),
                RouteSpec::Key("GET /items".into()),
                RouteSpec::Key("$default".into()),
            ],
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            s.select_route("OPTIONS", "/items").unwrap().key,
            "OPTIONS /{proxy+}"
        );
        assert_eq!(s.select_route("GET", "/items").unwrap().key, "GET /items");
        assert_eq!(
            s.select_route("POST", "/items").unwrap().key,
            "ANY /{proxy+}"
        );
        assert_eq!(s.select_route("POST", "/").unwrap().key, "$default");
    }
}
