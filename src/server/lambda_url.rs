//! AWS Lambda function URLs (spec/aws-other.md §4): the `Cors` block of a function URL, and
//! what the URL answers in front of the function's own response.
//!
//! The model: a valid preflight is answered by Lambda without invoking the function; every
//! other request invokes the function, and Lambda adds its configured CORS headers **beside**
//! whatever the function returned, so a function that sets `Access-Control-Allow-Origin` too
//! produces two lines (powertools-lambda-python#4163, a real report; the dev guide says the
//! configured headers "take precedence", which the report contradicts).

use super::aws_common::{
    cfn_resources, invalid_type, is_preflight, parse_json, requested_headers, unverified,
    CorsFields, Json, Spanned,
};
use crate::error::{Error, Span};
use crate::http::{HeaderSource, Provenance, Request, Response, Server};
use crate::scenario::LiteralResponse;
use serde::{Deserialize, Serialize};

/// Which of the shapes users paste the configuration came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LambdaUrlFormat {
    /// `{"Cors": {...}}`: `get-function-url-config` output or `create-function-url-config` input.
    Cli,
    /// The bare `Cors` object (the value of `--cors`).
    BareCors,
    /// An `AWS::Lambda::Url` resource or a template holding one.
    CloudFormation,
    /// SAM's `FunctionUrlConfig` (alone, or in an `AWS::Serverless::Function`).
    Sam,
}

/// A parsed, validated function URL configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaUrlConfig {
    /// The shape it was pasted in.
    pub format: LambdaUrlFormat,
    /// `AuthType` when the paste has it: `NONE` or `AWS_IAM`.
    pub auth_type: Option<Spanned<String>>,
    /// The `Cors` block; `None` when the URL has no CORS configuration.
    pub cors: Option<CorsFields>,
}

const METHOD_VALUES: [&str; 7] = ["GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "*"];

/// Lambda's request validation error ("1 validation error detected: …"), the form every
/// AWS JSON-protocol service uses.
fn validation(value: &str, at: &str, constraint: &str, span: Option<Span>) -> Error {
    Error::invalid(
        "ValidationException",
        format!("1 validation error detected: Value '{value}' at '{at}' failed to satisfy constraint: {constraint}"),
        span,
    )
}

/// Parses and validates a pasted function URL configuration. Blank text or `null` means the
/// URL has no CORS configuration.
pub fn parse(text: &str) -> Result<LambdaUrlConfig, Error> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "null" {
        return Ok(LambdaUrlConfig {
            format: LambdaUrlFormat::BareCors,
            auth_type: None,
            cors: None,
        });
    }
    let root = parse_json(text, "a Lambda function URL configuration (its Cors block)")?;
    if !root.is_object() {
        return Err(invalid_type("Cors", &root, "<class 'dict'>"));
    }
    // Find the object holding `Cors` (and `AuthType`), whatever the envelope.
    let (format, holder): (LambdaUrlFormat, Option<&Json>) = if let Some((_, props)) =
        cfn_resources(&root, "AWS::Lambda::Url").into_iter().next()
    {
        (LambdaUrlFormat::CloudFormation, Some(props))
    } else if let Some(fuc) = cfn_resources(&root, "AWS::Serverless::Function")
        .into_iter()
        .find_map(|(_, p)| p.get("FunctionUrlConfig"))
    {
        (LambdaUrlFormat::Sam, Some(fuc))
    } else if let Some(fuc) = root.get("FunctionUrlConfig") {
        (LambdaUrlFormat::Sam, Some(fuc))
    } else if root.get("Cors").is_some() || root.get("AuthType").is_some() {
        (LambdaUrlFormat::Cli, Some(&root))
    } else if root.get("Resources").is_some() {
        return Err(Error::scenario(
                "the template has no AWS::Lambda::Url resource and no AWS::Serverless::Function with a FunctionUrlConfig",
                Some(root.span),
            ));
    } else {
        (LambdaUrlFormat::BareCors, None)
    };
    let (cors_json, auth_json) = match holder {
        Some(h) => (h.get("Cors"), h.get("AuthType")),
        None => (Some(&root), None),
    };
    let auth_type = match auth_json {
        None => None,
        Some(a) => match a.as_str() {
            Some(s @ ("NONE" | "AWS_IAM")) => Some(Spanned {
                value: s.to_string(),
                span: Some(a.span),
            }),
            Some(s) => {
                return Err(validation(
                    s,
                    "authType",
                    "Member must satisfy enum value set: [AWS_IAM, NONE]",
                    Some(a.span),
                ))
            }
            None => return Err(invalid_type("AuthType", a, "<class 'str'>")),
        },
    };
    let cors = match cors_json {
        None => None,
        Some(c) if matches!(c.kind, super::aws_common::JsonKind::Null) => None,
        Some(c) => {
            let fields = CorsFields::read(c, "Cors", false)?;
            validate(&fields)?;
            Some(fields)
        }
    };
    Ok(LambdaUrlConfig {
        format,
        auth_type,
        cors,
    })
}

/// The limits of the `Cors` shape (API reference and `AWS::Lambda::Url.Cors`).
fn validate(c: &CorsFields) -> Result<(), Error> {
    type Limits<'a> = (&'a Option<Vec<Spanned<String>>>, &'a str, usize, usize);
    let lists: [Limits; 4] = [
        (&c.allow_headers, "cors.allowHeaders", 100, 1024),
        (&c.allow_methods, "cors.allowMethods", 6, 6),
        (&c.allow_origins, "cors.allowOrigins", 100, 253),
        (&c.expose_headers, "cors.exposeHeaders", 100, 1024),
    ];
    for (list, at, max_items, max_len) in lists {
        let Some(list) = list else { continue };
        let repr = || {
            format!(
                "[{}]",
                list.iter()
                    .map(|s| s.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if list.len() > max_items {
            return Err(validation(
                &repr(),
                at,
                &format!("Member must have length less than or equal to {max_items}"),
                list.get(max_items).and_then(|s| s.span),
            ));
        }
        for item in list {
            if item.value.chars().count() > max_len {
                return Err(validation(
                    &repr(),
                    at,
                    &format!("Member must satisfy constraint: [Member must have length less than or equal to {max_len}]"),
                    item.span,
                ));
            }
            if at == "cors.allowOrigins" && item.value.is_empty() {
                return Err(validation(
                    &repr(),
                    at,
                    "Member must satisfy constraint: [Member must have length greater than or equal to 1]",
                    item.span,
                ));
            }
            if at == "cors.allowMethods" && !METHOD_VALUES.contains(&item.value.as_str()) {
                return Err(validation(
                    &repr(),
                    at,
                    "Member must satisfy constraint: [Member must satisfy enum value set: [GET, PUT, HEAD, POST, PATCH, DELETE, *]]",
                    item.span,
                ));
            }
        }
    }
    if let Some(m) = &c.max_age {
        if m.value > 86400 {
            return Err(validation(
                &m.value.to_string(),
                "cors.maxAge",
                "Member must have value less than or equal to 86400",
                m.span,
            ));
        }
        if m.value < 0 {
            return Err(validation(
                &m.value.to_string(),
                "cors.maxAge",
                "Member must have value greater than or equal to 0",
                m.span,
            ));
        }
    }
    Ok(())
}

/// A function URL in front of a function that returns `function` (and `function_options` to
/// an `OPTIONS` request Lambda forwards to it).
#[derive(Clone, Debug)]
pub struct LambdaUrlServer {
    config: LambdaUrlConfig,
    function: LiteralResponse,
    function_options: Option<LiteralResponse>,
}

impl LambdaUrlServer {
    /// A URL with `config`; `function` is what the function code returns (default: 200, no
    /// header).
    pub fn new(
        config: LambdaUrlConfig,
        function: Option<LiteralResponse>,
        function_options: Option<LiteralResponse>,
    ) -> LambdaUrlServer {
        LambdaUrlServer {
            config,
            function: function.unwrap_or(LiteralResponse {
                status: 200,
                headers: Default::default(),
                body: None,
            }),
            function_options,
        }
    }

    /// The configured origin entry that allows `origin`, if any: `*` or an exact origin
    /// (compared case-insensitively).
    /// The headers Lambda adds to every CORS answer, preflight or not: the request's Origin
    /// echoed (whatever the matching entry, `*` included) and, when allowed, credentials.
    fn add_origin_and_credentials(
        cors: &CorsFields,
        entry: &Spanned<String>,
        origin: &str,
        r: &mut Response,
        sources: &mut Vec<HeaderSource>,
    ) {
        r.headers
            .append("Access-Control-Allow-Origin", origin.to_owned());
        sources.push(HeaderSource {
            header: "Access-Control-Allow-Origin".into(),
            from: format!(
                "Cors.AllowOrigins entry \"{}\" (the request's Origin, echoed)",
                entry.value
            )
            .into(),
            span: entry.span,
        });
        if cors.credentials() {
            r.headers.append("Access-Control-Allow-Credentials", "true");
            sources.push(HeaderSource {
                header: "Access-Control-Allow-Credentials".into(),
                from: "Cors.AllowCredentials: true".into(),
                span: cors.allow_credentials.as_ref().and_then(|b| b.span),
            });
        }
    }

    fn origin_entry<'c>(cors: &'c CorsFields, origin: &str) -> Option<&'c Spanned<String>> {
        cors.allow_origins.as_ref()?.iter().find(|o| {
            let o = o.value.trim();
            o == "*" || o.eq_ignore_ascii_case(origin)
        })
    }
}

fn provenance(summary: String) -> Provenance {
    Provenance {
        provider: "lambda-url".into(),
        summary,
        ..Provenance::default()
    }
}

impl Server for LambdaUrlServer {
    fn respond(&self, request: &Request) -> Response {
        let origin = request.headers.get("origin");
        let iam = self
            .config
            .auth_type
            .as_ref()
            .is_some_and(|a| a.value == "AWS_IAM");
        let mut notes = Vec::new();
        if let Some(c) = &self.config.cors {
            super::aws_common::comma_notes(c, &mut notes);
        }

        // A preflight is answered by Lambda itself when CORS is configured.
        if let (Some(cors), true) = (&self.config.cors, is_preflight(request)) {
            let origin = origin.unwrap_or_default();
            let mut r = Response::new(200);
            let mut sources = Vec::new();
            if iam {
                notes.push(unverified("The URL uses AuthType AWS_IAM; a browser preflight is never signed. cors-sim answers it like an AuthType NONE URL"));
            }
            notes.push(unverified("Lambda answers a valid preflight itself, 200 with no body, without invoking the function; it sends CORS headers only when the Origin is allowed, and lists AllowMethods and AllowHeaders as configured"));
            let summary = match Self::origin_entry(cors, &origin) {
                None => {
                    format!("Lambda answers the preflight itself without invoking the function. The Origin {origin} is not in AllowOrigins, so the answer has no CORS header.")
                }
                Some(entry) => {
                    notes.push(unverified("Access-Control-Allow-Origin echoes the request's Origin even when AllowOrigins is [\"*\"] (the value reported in powertools-lambda-python#4163)"));
                    Self::add_origin_and_credentials(cors, entry, &origin, &mut r, &mut sources);
                    if let Some(v) = CorsFields::joined(&cors.allow_methods) {
                        r.headers.append("Access-Control-Allow-Methods", v);
                        sources.push(HeaderSource {
                            header: "Access-Control-Allow-Methods".into(),
                            from: "Cors.AllowMethods".into(),
                            span: CorsFields::first_span(&cors.allow_methods),
                        });
                    }
                    if let Some(v) = CorsFields::joined(&cors.allow_headers) {
                        r.headers.append("Access-Control-Allow-Headers", v);
                        sources.push(HeaderSource {
                            header: "Access-Control-Allow-Headers".into(),
                            from: "Cors.AllowHeaders".into(),
                            span: CorsFields::first_span(&cors.allow_headers),
                        });
                    }
                    if let Some(m) = &cors.max_age {
                        r.headers
                            .append("Access-Control-Max-Age", m.value.to_string());
                        sources.push(HeaderSource {
                            header: "Access-Control-Max-Age".into(),
                            from: "Cors.MaxAge".into(),
                            span: m.span,
                        });
                    }
                    let requested = requested_headers(&request.headers);
                    let allowed = |h: &String| {
                        cors.allow_headers.iter().flatten().any(|a| {
                            a.value.trim() == "*" || a.value.trim().eq_ignore_ascii_case(h)
                        })
                    };
                    let missing: Vec<&String> = requested.iter().filter(|h| !allowed(h)).collect();
                    let mut s = format!("Lambda answers the preflight itself without invoking the function. The Origin {origin} is allowed by AllowOrigins \"{}\".", entry.value);
                    if !missing.is_empty() {
                        s.push_str(&format!(
                            " The requested header(s) {} are not in AllowHeaders.",
                            missing
                                .iter()
                                .map(|h| h.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    s
                }
            };
            r.provenance = Some(Provenance {
                header_sources: sources,
                notes,
                ..provenance(summary)
            });
            return r;
        }

        if iam && !request.headers.contains("authorization") {
            let mut r = Response::new(403);
            r.headers.append("Content-Type", "application/json");
            r.headers
                .append("x-amzn-ErrorType", "AccessDeniedException");
            r.body = Some("{\"Message\":\"Forbidden\"}".into());
            notes.push(unverified("An unsigned request to an AWS_IAM function URL gets 403 {\"Message\":\"Forbidden\"} before the function runs, with no CORS header"));
            r.provenance = Some(Provenance {
                notes,
                ..provenance("The URL uses AuthType AWS_IAM and the request is not signed (no Authorization header): Lambda refuses it without invoking the function.".into())
            });
            return r;
        }

        // Everything else invokes the function.
        let literal = match (&self.function_options, request.method.as_str()) {
            (Some(o), "OPTIONS") => o,
            _ => &self.function,
        };
        let mut r = Response {
            status: literal.status,
            headers: literal.headers.clone(),
            body: literal.body.clone(),
            provenance: None,
        };
        let mut sources: Vec<HeaderSource> = r
            .headers
            .iter()
            .filter(|(n, _)| super::aws_common::is_cors_response_header(n))
            .map(|(n, v)| HeaderSource {
                header: n.to_string().into(),
                from: format!("the function's own response ({v})").into(),
                span: None,
            })
            .collect();
        let mut summary = format!(
            "Lambda invokes the function, which returns {}.",
            literal.status
        );
        match (&self.config.cors, origin) {
            (None, _) => summary.push_str(
                " The URL has no CORS configuration, so the function's headers are all there is.",
            ),
            (Some(_), None) => summary
                .push_str(" The request has no Origin header, so Lambda adds no CORS header."),
            (Some(cors), Some(origin)) => match Self::origin_entry(cors, &origin) {
                None => summary.push_str(&format!(
                    " The Origin {origin} is not in AllowOrigins, so Lambda adds no CORS header."
                )),
                Some(entry) => {
                    let function_acao = r.headers.contains("access-control-allow-origin");
                    Self::add_origin_and_credentials(cors, entry, &origin, &mut r, &mut sources);
                    if let Some(v) = CorsFields::joined(&cors.expose_headers) {
                        r.headers.append("Access-Control-Expose-Headers", v);
                        sources.push(HeaderSource {
                            header: "Access-Control-Expose-Headers".into(),
                            from: "Cors.ExposeHeaders".into(),
                            span: CorsFields::first_span(&cors.expose_headers),
                        });
                    }
                    summary.push_str(&format!(
                        " The Origin {origin} is allowed by AllowOrigins \"{}\", so Lambda adds its configured CORS headers to the function's response.",
                        entry.value
                    ));
                    if function_acao {
                        summary.push_str(" The function sets Access-Control-Allow-Origin itself too, so the response carries it twice.");
                        notes.push("Lambda adds its configured CORS headers beside the function's own; duplicates are kept (observed in powertools-lambda-python#4163 and hummingbird-examples#130, although the Lambda guide says the configured headers take precedence). Configure CORS in one place only.".into());
                    }
                    notes.push(unverified("Access-Control-Allow-Origin echoes the request's Origin even when AllowOrigins is [\"*\"]"));
                }
            },
        }
        if iam {
            summary.push_str(
                " (The request carries Authorization, taken as a valid SigV4 signature.)",
            );
        }
        r.provenance = Some(Provenance {
            header_sources: sources,
            notes,
            ..provenance(summary)
        });
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised() {
        let cli = parse(r#"{"FunctionUrl": "https://x.lambda-url.us-east-1.on.aws/", "AuthType": "NONE", "Cors": {"AllowOrigins": ["*"]}}"#).unwrap();
        assert_eq!(cli.format, LambdaUrlFormat::Cli);
        let bare = parse(r#"{"AllowOrigins": ["https://a.example"], "MaxAge": 300}"#).unwrap();
        assert_eq!(bare.format, LambdaUrlFormat::BareCors);
        let cfn = parse(r#"{"Resources": {"U": {"Type": "AWS::Lambda::Url", "Properties": {"AuthType": "NONE", "TargetFunctionArn": "x", "Cors": {"AllowOrigins": ["*"]}}}}}"#).unwrap();
        assert_eq!(cfn.format, LambdaUrlFormat::CloudFormation);
        assert!(parse("").unwrap().cors.is_none());
    }

    #[test]
    fn limits_are_enforced() {
        let e = parse(r#"{"AllowMethods": ["OPTIONS"]}"#).unwrap_err();
        assert_eq!(e.code(), Some("ValidationException"));
        let e = parse(r#"{"MaxAge": 86401}"#).unwrap_err();
        assert!(
            e.message.contains("less than or equal to 86400"),
            "{}",
            e.message
        );
        let e = parse(r#"{"AllowOrigin": ["*"]}"#).unwrap_err();
        assert!(
            e.message
                .contains("Unknown parameter in Cors: \"AllowOrigin\""),
            "{}",
            e.message
        );
    }
}
