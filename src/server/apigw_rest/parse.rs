//! Reading the REST API shapes users paste into one [`RestApiConfig`].

use super::{
    GatewayResponseDef, HeaderMapping, Integration, IntegrationResponse, IntegrationType, Mapping,
    MethodDef, ResourceDef, RestApiConfig, RestFormat,
};
use crate::error::{Error, Span};
use crate::server::aws_common::{invalid_type, parse_json, Json, Spanned};
use std::collections::BTreeMap;

/// The console's default `Access-Control-Allow-Headers` (how-to-cors-console.md).
pub const CONSOLE_ALLOW_HEADERS: &str =
    "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token";

const OPENAPI_METHODS: [(&str, &str); 8] = [
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("options", "OPTIONS"),
    ("head", "HEAD"),
    ("patch", "PATCH"),
    ("x-amazon-apigateway-any-method", "ANY"),
];

fn bad_request(message: String, span: Option<Span>) -> Error {
    Error::invalid("BadRequestException", message, span)
}

/// Parses a pasted REST API. Blank text is an API with no resource.
pub fn parse(text: &str) -> Result<RestApiConfig, Error> {
    let mut cfg = RestApiConfig {
        format: RestFormat::Cli,
        resources: Vec::new(),
        gateway_responses: Vec::new(),
        notes: Vec::new(),
    };
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "null" {
        return Ok(cfg);
    }
    let root = parse_json(
        text,
        "a REST API (OpenAPI export, aws apigateway output, or CloudFormation)",
    )?;
    match root.as_array() {
        Some(docs) => {
            for d in docs {
                parse_doc(d, &mut cfg)?;
            }
            cfg.format = RestFormat::Combined;
        }
        None => cfg.format = parse_doc(&root, &mut cfg)?,
    }
    validate(&cfg)?;
    Ok(cfg)
}

fn parse_doc(j: &Json, cfg: &mut RestApiConfig) -> Result<RestFormat, Error> {
    if !j.is_object() {
        return Err(Error::scenario(
            format!(
                "expected a REST API document (an object), found {}",
                j.json_type()
            ),
            Some(j.span),
        ));
    }
    if let Some(e) = j.get("EnableCors") {
        console(e, cfg)?;
        return Ok(RestFormat::ConsoleEnableCors);
    }
    if j.get("Resources").is_some() || j.get("Type").is_some() {
        cloudformation(j, cfg)?;
        return Ok(RestFormat::CloudFormation);
    }
    if j.get("paths").is_some() || j.get("openapi").is_some() || j.get("swagger").is_some() {
        openapi(j, cfg)?;
        return Ok(RestFormat::OpenApi);
    }
    if let Some(items) = j.get("items").and_then(Json::as_array) {
        for item in items {
            // `get-gateway-responses` lists every type; those never customised say
            // `"defaultResponse": true` and stand for AWS's defaults, so they must not hide a
            // customised DEFAULT_4XX/DEFAULT_5XX that they fall back to.
            let is_default = matches!(
                item.get("defaultResponse").map(|d| &d.kind),
                Some(crate::server::aws_common::JsonKind::Bool(true))
            );
            if item.get("responseType").is_some() && is_default {
                continue;
            }
            if item.get("responseType").is_some() {
                cfg.gateway_responses.push(cli_gateway_response(item)?);
            } else if let Some(path) = item.get("path").and_then(Json::as_str) {
                let mut methods = Vec::new();
                for (m, _, def) in item.get("resourceMethods").map(Json::props).unwrap_or(&[]) {
                    methods.push(cli_method(def, Some(m))?);
                }
                merge(cfg, Some(path.to_string()), methods);
            }
        }
        return Ok(RestFormat::Cli);
    }
    if j.get("responseType").is_some() {
        cfg.gateway_responses.push(cli_gateway_response(j)?);
        return Ok(RestFormat::Cli);
    }
    if j.get("httpMethod").is_some() {
        let m = cli_method(j, None)?;
        merge(cfg, None, vec![m]);
        return Ok(RestFormat::Cli);
    }
    if j.get("HttpMethod").is_some() {
        let m = cfn_method(j)?;
        merge(cfg, None, vec![m]);
        return Ok(RestFormat::CloudFormation);
    }
    Err(Error::scenario(
        "not a REST API shape cors-sim reads: expected an OpenAPI export (paths with x-amazon-apigateway-integration), aws apigateway get-resources --embed methods / get-method / get-gateway-responses output, a CloudFormation template, or {\"EnableCors\": {...}}",
        Some(j.span),
    ))
}

fn merge(cfg: &mut RestApiConfig, path: Option<String>, methods: Vec<MethodDef>) {
    let path = path.map(|p| {
        let p = p.trim().trim_end_matches('/').to_string();
        if p.is_empty() {
            "/".to_string()
        } else if p.starts_with('/') {
            p
        } else {
            format!("/{p}")
        }
    });
    match cfg.resources.iter_mut().find(|r| r.path == path) {
        Some(r) => {
            for m in methods {
                r.methods.retain(|x| x.method != m.method);
                r.methods.push(m);
            }
        }
        None => cfg.resources.push(ResourceDef { path, methods }),
    }
}

/// A `responseParameters` object of mapping strings, keeping the `prefix…` ones.
fn mappings(j: Option<&Json>, prefix: &str, what: &str) -> Result<Vec<HeaderMapping>, Error> {
    let mut out = Vec::new();
    for (k, span, v) in j.map(Json::props).unwrap_or(&[]) {
        let Some(header) = k.strip_prefix(prefix) else {
            continue;
        };
        let Some(s) = v.as_str() else {
            return Err(invalid_type(&format!("{what}.{k}"), v, "<class 'str'>"));
        };
        let s = s.trim();
        let value = if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
            Mapping::Static(s[1..s.len() - 1].to_string())
        } else {
            Mapping::Expr(s.to_string())
        };
        out.push(HeaderMapping {
            header: header.to_string(),
            value,
            span: Some(v.span).or(Some(*span)),
        });
    }
    Ok(out)
}

/// Declared headers of a method response (`method.response.header.X: bool`, or OpenAPI's
/// `headers: {X: {...}}`).
fn declared(j: &Json) -> Vec<String> {
    let mut out: Vec<String> = j
        .get_any(&["responseParameters", "ResponseParameters"])
        .map(Json::props)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, _, _)| {
            k.strip_prefix("method.response.header.")
                .map(str::to_string)
        })
        .collect();
    out.extend(
        j.get("headers")
            .map(Json::props)
            .unwrap_or(&[])
            .iter()
            .map(|(k, _, _)| k.clone()),
    );
    out
}

fn status_text(j: Option<&Json>) -> Option<String> {
    let j = j?;
    match &j.kind {
        crate::server::aws_common::JsonKind::String(s) => Some(s.trim().to_string()),
        crate::server::aws_common::JsonKind::Number(n) => Some(n.clone()),
        _ => None,
    }
}

fn integration_type(s: &str, span: Span) -> Result<IntegrationType, Error> {
    Ok(match s.to_ascii_uppercase().as_str() {
        "MOCK" => IntegrationType::Mock,
        "HTTP" => IntegrationType::Http,
        "HTTP_PROXY" => IntegrationType::HttpProxy,
        "AWS" => IntegrationType::Aws,
        "AWS_PROXY" => IntegrationType::AwsProxy,
        other => {
            return Err(bad_request(
                format!("Invalid integration type {other:?}: expected one of HTTP, AWS, MOCK, HTTP_PROXY, AWS_PROXY"),
                Some(span),
            ))
        }
    })
}

/// The `statusCode` of a MOCK request template (`{"statusCode": 200}`).
fn mock_status(templates: Option<&Json>) -> Option<u16> {
    let t = templates?;
    let body = t
        .get("application/json")
        .and_then(Json::as_str)
        .or_else(|| t.props().first().and_then(|(_, _, v)| v.as_str()))?;
    let i = body.find("statusCode")?;
    let digits: String = body[i + "statusCode".len()..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn cli_method(j: &Json, key: Option<&str>) -> Result<MethodDef, Error> {
    let method = j
        .get("httpMethod")
        .and_then(Json::as_str)
        .or(key)
        .unwrap_or("ANY")
        .to_ascii_uppercase();
    let integration = match j.get("methodIntegration") {
        None => None,
        Some(i) => {
            let t = i.get("type").and_then(Json::as_str).unwrap_or("MOCK");
            let mut responses = Vec::new();
            for (k, span, r) in i
                .get("integrationResponses")
                .map(Json::props)
                .unwrap_or(&[])
            {
                responses.push(IntegrationResponse {
                    pattern: r
                        .get("selectionPattern")
                        .and_then(Json::as_str)
                        .map(str::to_string),
                    status: status_text(r.get("statusCode")).unwrap_or_else(|| k.clone()),
                    headers: mappings(
                        r.get("responseParameters"),
                        "method.response.header.",
                        "responseParameters",
                    )?,
                    span: Some(*span),
                });
            }
            Some(Integration {
                kind: integration_type(t, i.span)?,
                mock_status: mock_status(i.get("requestTemplates")),
                responses,
                span: Some(i.span),
            })
        }
    };
    let method_responses = j
        .get("methodResponses")
        .map(Json::props)
        .unwrap_or(&[])
        .iter()
        .map(|(k, _, r)| {
            (
                status_text(r.get("statusCode")).unwrap_or_else(|| k.clone()),
                declared(r),
            )
        })
        .collect();
    Ok(MethodDef {
        method,
        authorization: j
            .get("authorizationType")
            .and_then(Json::as_str)
            .unwrap_or("NONE")
            .to_string(),
        api_key_required: j
            .get("apiKeyRequired")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        integration,
        method_responses,
        span: Some(j.span),
    })
}

fn cli_gateway_response(j: &Json) -> Result<GatewayResponseDef, Error> {
    let status = match status_text(j.get_any(&["statusCode", "StatusCode"])) {
        None => None,
        // API Gateway checks the pattern [1-5]\d\d; a value that is not even a number is
        // refused like one out of range (the range is checked in `validate`).
        Some(s) => match s.parse::<u16>() {
            Ok(n) => Some(n),
            Err(_) => {
                return Err(bad_request(
                    format!(
                    "Invalid status code {s}: a gateway response statusCode must match [1-5]\\d\\d"
                ),
                    Some(j.span),
                ))
            }
        },
    };
    Ok(GatewayResponseDef {
        kind: j
            .get_any(&["responseType", "ResponseType"])
            .and_then(Json::as_str)
            .unwrap_or("DEFAULT_4XX")
            .to_string(),
        status,
        headers: mappings(
            j.get_any(&["responseParameters", "ResponseParameters"]),
            "gatewayresponse.header.",
            "responseParameters",
        )?,
        span: Some(j.span),
    })
}

fn cfn_method(p: &Json) -> Result<MethodDef, Error> {
    let integration = match p.get("Integration") {
        None => None,
        Some(i) => {
            let t = i.get("Type").and_then(Json::as_str).unwrap_or("MOCK");
            let mut responses = Vec::new();
            for r in i
                .get("IntegrationResponses")
                .and_then(Json::as_array)
                .unwrap_or(&[])
            {
                responses.push(IntegrationResponse {
                    pattern: r
                        .get("SelectionPattern")
                        .and_then(Json::as_str)
                        .map(str::to_string),
                    status: status_text(r.get("StatusCode")).unwrap_or_else(|| "200".into()),
                    headers: mappings(
                        r.get("ResponseParameters"),
                        "method.response.header.",
                        "ResponseParameters",
                    )?,
                    span: Some(r.span),
                });
            }
            Some(Integration {
                kind: integration_type(t, i.span)?,
                mock_status: mock_status(i.get("RequestTemplates")),
                responses,
                span: Some(i.span),
            })
        }
    };
    let method_responses = p
        .get("MethodResponses")
        .and_then(Json::as_array)
        .unwrap_or(&[])
        .iter()
        .map(|r| {
            (
                status_text(r.get("StatusCode")).unwrap_or_default(),
                declared(r),
            )
        })
        .collect();
    Ok(MethodDef {
        method: p
            .get("HttpMethod")
            .and_then(Json::as_str)
            .unwrap_or("ANY")
            .to_ascii_uppercase(),
        authorization: p
            .get("AuthorizationType")
            .and_then(Json::as_str)
            .unwrap_or("NONE")
            .to_string(),
        api_key_required: p
            .get("ApiKeyRequired")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        integration,
        method_responses,
        span: Some(p.span),
    })
}

/// `Fn::GetAtt [Api, RootResourceId]` → `/`; `Ref: R` → R's path.
fn resolve_resource(
    id: Option<&Json>,
    resources: &BTreeMap<String, (Option<&Json>, String)>,
    depth: usize,
) -> Option<String> {
    let id = id?;
    if depth > 64 {
        return None;
    }
    if let Some(att) = id.get("Fn::GetAtt").and_then(Json::as_array) {
        if att.get(1).and_then(Json::as_str) == Some("RootResourceId") {
            return Some(String::new());
        }
    }
    if let Some(att) = id.get("Fn::GetAtt").and_then(Json::as_str) {
        if att.ends_with(".RootResourceId") {
            return Some(String::new());
        }
    }
    let name = id.get("Ref").and_then(Json::as_str)?;
    let (parent, part) = resources.get(name)?;
    let base = resolve_resource(*parent, resources, depth + 1)?;
    Some(format!("{base}/{part}"))
}

fn cloudformation(root: &Json, cfg: &mut RestApiConfig) -> Result<(), Error> {
    let all: Vec<(String, &Json, &Json)> = match root.get("Resources") {
        Some(r) => r
            .props()
            .iter()
            .filter_map(|(id, _, res)| {
                let t = res.get("Type")?;
                Some((id.clone(), t, res.get("Properties")?))
            })
            .collect(),
        None => match (root.get("Type"), root.get("Properties")) {
            (Some(t), Some(p)) => vec![(String::new(), t, p)],
            _ => vec![],
        },
    };
    let of_type = |t: &'static str| all.iter().filter(move |(_, ty, _)| ty.as_str() == Some(t));
    let mut paths: BTreeMap<String, (Option<&Json>, String)> = BTreeMap::new();
    for (id, _, p) in of_type("AWS::ApiGateway::Resource") {
        let part = p
            .get("PathPart")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        paths.insert(id.clone(), (p.get("ParentId"), part));
    }
    for (_, _, p) in of_type("AWS::ApiGateway::RestApi") {
        if let Some(body) = p.get("Body") {
            openapi(body, cfg)?;
        }
    }
    for id in paths.keys() {
        let r = Json {
            kind: crate::server::aws_common::JsonKind::String(id.clone()),
            span: root.span,
        };
        let reference = Json {
            kind: crate::server::aws_common::JsonKind::Object(vec![("Ref".into(), root.span, r)]),
            span: root.span,
        };
        if let Some(path) = resolve_resource(Some(&reference), &paths, 0) {
            merge(cfg, Some(path), vec![]);
        }
    }
    let mut found = false;
    for (id, _, p) in of_type("AWS::ApiGateway::Method") {
        found = true;
        let m = cfn_method(p)?;
        let path = match p.get("ResourceId") {
            None => None,
            Some(r) => match resolve_resource(Some(r), &paths, 0) {
                Some(path) => Some(path),
                None => {
                    cfg.notes.push(Spanned {
                        value: format!("The method {id} names its resource in a way cors-sim cannot follow (a literal ID, or a resource outside the template), so it is taken to answer every path."),
                        span: Some(r.span),
                    });
                    None
                }
            },
        };
        merge(cfg, path, vec![m]);
    }
    for (_, _, p) in of_type("AWS::ApiGateway::GatewayResponse") {
        found = true;
        cfg.gateway_responses.push(cli_gateway_response(p)?);
    }
    if !found && cfg.resources.is_empty() && of_type("AWS::ApiGateway::RestApi").next().is_none() {
        return Err(Error::scenario(
            "the template has no AWS::ApiGateway::RestApi, Method or GatewayResponse resource",
            Some(root.span),
        ));
    }
    Ok(())
}

/// The authorization of an OpenAPI operation, from its `security` requirements.
fn openapi_auth(op: &Json, root: &Json) -> (String, bool) {
    let schemes = root.get("securityDefinitions").or_else(|| {
        root.get("components")
            .and_then(|c| c.get("securitySchemes"))
    });
    let security = op.get("security").or_else(|| root.get("security"));
    let mut auth = "NONE".to_string();
    let mut api_key = false;
    for req in security.and_then(Json::as_array).unwrap_or(&[]) {
        for (name, _, _) in req.props() {
            let def = schemes.and_then(|s| s.get(name));
            let authtype = def
                .and_then(|d| d.get("x-amazon-apigateway-authtype"))
                .and_then(Json::as_str)
                .map(str::to_ascii_lowercase);
            let is_key = def.and_then(|d| d.get("type")).and_then(Json::as_str) == Some("apiKey");
            match authtype.as_deref() {
                Some("cognito_user_pools") => auth = "COGNITO_USER_POOLS".into(),
                Some("awssigv4") => auth = "AWS_IAM".into(),
                None if is_key => api_key = true,
                _ => auth = "CUSTOM".into(),
            }
        }
    }
    (auth, api_key)
}

fn openapi(root: &Json, cfg: &mut RestApiConfig) -> Result<(), Error> {
    for (path, _, item) in root.get("paths").map(Json::props).unwrap_or(&[]) {
        let mut methods = Vec::new();
        for (key, _, op) in item.props() {
            let Some((_, method)) = OPENAPI_METHODS
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
            else {
                continue;
            };
            let integration = match op.get("x-amazon-apigateway-integration") {
                None => None,
                Some(i) => {
                    let t = i.get("type").and_then(Json::as_str).unwrap_or("mock");
                    let mut responses = Vec::new();
                    for (pattern, span, r) in i.get("responses").map(Json::props).unwrap_or(&[]) {
                        responses.push(IntegrationResponse {
                            pattern: (pattern != "default").then(|| pattern.clone()),
                            status: status_text(r.get("statusCode"))
                                .unwrap_or_else(|| "200".into()),
                            headers: mappings(
                                r.get("responseParameters"),
                                "method.response.header.",
                                "responseParameters",
                            )?,
                            span: Some(*span),
                        });
                    }
                    Some(Integration {
                        kind: integration_type(t, i.span)?,
                        mock_status: mock_status(i.get("requestTemplates")),
                        responses,
                        span: Some(i.span),
                    })
                }
            };
            let method_responses = op
                .get("responses")
                .map(Json::props)
                .unwrap_or(&[])
                .iter()
                .map(|(k, _, r)| (k.clone(), declared(r)))
                .collect();
            let (authorization, api_key_required) = openapi_auth(op, root);
            methods.push(MethodDef {
                method: method.to_string(),
                authorization,
                api_key_required,
                integration,
                method_responses,
                span: Some(op.span),
            });
        }
        merge(cfg, Some(path.clone()), methods);
    }
    if let Some(g) = root.get("x-amazon-apigateway-gateway-responses") {
        for (kind, _, r) in g.props() {
            let mut def = cli_gateway_response(r)?;
            def.kind = kind.clone();
            cfg.gateway_responses.push(def);
        }
    }
    Ok(())
}

/// The console's "Enable CORS" dialog, as cors-sim's `{"EnableCors": {...}}`.
fn console(e: &Json, cfg: &mut RestApiConfig) -> Result<(), Error> {
    crate::server::aws_common::check_keys(
        e,
        "EnableCors",
        &[
            "Resource",
            "Methods",
            "AccessControlAllowOrigin",
            "AccessControlAllowHeaders",
            "AccessControlAllowMethods",
            "GatewayResponses",
        ],
    )?;
    let resource = e
        .get("Resource")
        .and_then(Json::as_str)
        .unwrap_or("/")
        .to_string();
    let origin = e
        .get("AccessControlAllowOrigin")
        .and_then(Json::as_str)
        .unwrap_or("*")
        .to_string();
    let headers = e
        .get("AccessControlAllowHeaders")
        .and_then(Json::as_str)
        .unwrap_or(CONSOLE_ALLOW_HEADERS)
        .to_string();
    let mut existing: Vec<(String, IntegrationType, Span)> = Vec::new();
    for (m, span, t) in e.get("Methods").map(Json::props).unwrap_or(&[]) {
        let kind = match t.as_str() {
            Some(s) => integration_type(s, t.span)?,
            None => {
                return Err(invalid_type(
                    &format!("EnableCors.Methods.{m}"),
                    t,
                    "<class 'str'>",
                ))
            }
        };
        existing.push((m.to_ascii_uppercase(), kind, *span));
    }
    let methods = match e.get("AccessControlAllowMethods") {
        Some(m) => {
            crate::server::aws_common::string_list(m, "EnableCors.AccessControlAllowMethods")?
                .into_iter()
                .map(|s| s.value)
                .collect::<Vec<_>>()
        }
        None => {
            // A method ANY stands for every method: the console lists them all
            // (apigateway-test-cors.md shows DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT;
            // aws-other.md §1.2). A browser would never match a literal "ANY".
            let mut v: Vec<String> = existing
                .iter()
                .flat_map(|(m, _, _)| match m.as_str() {
                    "ANY" => ["DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"]
                        .map(String::from)
                        .to_vec(),
                    _ => vec![m.clone()],
                })
                .collect();
            v.push("OPTIONS".into());
            v.sort();
            v.dedup();
            v
        }
    };
    let span = Some(e.span);
    let mapping = |h: &str, v: &str| HeaderMapping {
        header: h.into(),
        value: Mapping::Static(v.into()),
        span,
    };
    let cors3 = vec![
        mapping("Access-Control-Allow-Headers", &headers),
        mapping("Access-Control-Allow-Methods", &methods.join(",")),
        mapping("Access-Control-Allow-Origin", &origin),
    ];
    let mut defs = vec![MethodDef {
        method: "OPTIONS".into(),
        authorization: "NONE".into(),
        api_key_required: false,
        integration: Some(Integration {
            kind: IntegrationType::Mock,
            mock_status: Some(200),
            responses: vec![IntegrationResponse {
                pattern: None,
                status: "200".into(),
                headers: cors3.clone(),
                span,
            }],
            span,
        }),
        method_responses: vec![(
            "200".into(),
            cors3.iter().map(|m| m.header.clone()).collect(),
        )],
        span,
    }];
    for (m, kind, mspan) in existing {
        let (responses, method_responses) = if kind.is_proxy() {
            cfg.notes.push(Spanned {
                value: format!("\"Enable CORS\" on the proxy method {m} {resource} sets no CORS header: a proxy integration has no integration response to map, so the backend must return them (how-to-cors-console.md)."),
                span: Some(mspan),
            });
            (vec![], vec![])
        } else {
            (
                vec![IntegrationResponse {
                    pattern: None,
                    status: "200".into(),
                    headers: vec![mapping("Access-Control-Allow-Origin", &origin)],
                    span: Some(mspan),
                }],
                vec![(
                    "200".to_string(),
                    vec!["Access-Control-Allow-Origin".to_string()],
                )],
            )
        };
        defs.push(MethodDef {
            method: m,
            authorization: "NONE".into(),
            api_key_required: false,
            integration: Some(Integration {
                kind,
                mock_status: None,
                responses,
                span: Some(mspan),
            }),
            method_responses,
            span: Some(mspan),
        });
    }
    merge(cfg, Some(resource), defs);
    if let Some(g) = e.get("GatewayResponses") {
        for kind in crate::server::aws_common::string_list(g, "EnableCors.GatewayResponses")? {
            cfg.gateway_responses.push(GatewayResponseDef {
                kind: kind.value.clone(),
                status: None,
                headers: cors3.clone(),
                span: kind.span,
            });
            cfg.notes.push(Spanned {
                value: super::rest_unverified(&format!("The console's \"Enable CORS\" puts the same three Access-Control-Allow-* headers on the ticked gateway response {}", kind.value)),
                span: kind.span,
            });
        }
    }
    Ok(())
}

/// API Gateway's checks: a header mapped in an integration response must be declared in the
/// method response of the same status, and gateway response types must exist.
fn validate(cfg: &RestApiConfig) -> Result<(), Error> {
    const TYPES: [&str; 21] = [
        "DEFAULT_4XX",
        "DEFAULT_5XX",
        "RESOURCE_NOT_FOUND",
        "UNAUTHORIZED",
        "INVALID_API_KEY",
        "ACCESS_DENIED",
        "AUTHORIZER_FAILURE",
        "AUTHORIZER_CONFIGURATION_ERROR",
        "INVALID_SIGNATURE",
        "EXPIRED_TOKEN",
        "MISSING_AUTHENTICATION_TOKEN",
        "INTEGRATION_FAILURE",
        "INTEGRATION_TIMEOUT",
        "API_CONFIGURATION_ERROR",
        "UNSUPPORTED_MEDIA_TYPE",
        "BAD_REQUEST_PARAMETERS",
        "BAD_REQUEST_BODY",
        "REQUEST_TOO_LARGE",
        "THROTTLED",
        "QUOTA_EXCEEDED",
        "WAF_FILTERED",
    ];
    for g in &cfg.gateway_responses {
        if !TYPES.contains(&g.kind.as_str()) {
            return Err(bad_request(
                format!(
                    "Invalid gateway response type {:?}: expected one of {}",
                    g.kind,
                    TYPES.join(", ")
                ),
                g.span,
            ));
        }
        if let Some(s) = g.status {
            if !(100..=599).contains(&s) {
                return Err(bad_request(format!("Invalid status code {s}: a gateway response statusCode must match [1-5]\\d\\d"), g.span));
            }
        }
    }
    for r in &cfg.resources {
        for m in &r.methods {
            if !["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"]
                .contains(&m.authorization.as_str())
            {
                return Err(bad_request(
                    format!("Invalid authorization type {:?}: expected NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS", m.authorization),
                    m.span,
                ));
            }
            let Some(i) = &m.integration else { continue };
            if m.method_responses.is_empty() {
                continue;
            }
            for ir in &i.responses {
                let declared = m.method_responses.iter().find(|(s, _)| *s == ir.status);
                for h in &ir.headers {
                    let ok = declared.is_some_and(|(_, hs)| {
                        hs.iter().any(|d| d.eq_ignore_ascii_case(&h.header))
                    });
                    if !ok {
                        return Err(bad_request(
                            format!(
                                "Invalid mapping expression specified: Validation Result: warnings : [], errors : [No method response exists for method.response.header.{} with status {}] — map only headers the method response {} declares (this message text is not verified against AWS)",
                                h.header, ir.status, ir.status
                            ),
                            h.span,
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}
