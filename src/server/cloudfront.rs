//! Amazon CloudFront in front of an origin (spec/aws-other.md §3): a response headers policy's
//! `CorsConfig`, the cache behavior's allowed and cached methods, which viewer headers reach
//! the origin, and the edge cache keyed without or with `Origin`.
//!
//! Each response's provenance says which layer produced each CORS header: the origin, the
//! response headers policy (added, or overriding the origin's), or the cache (a copy stored by
//! an earlier request). The cache is the one piece of state in a server: it lives in a
//! [`RefCell`] for the lifetime of one simulated scenario, filled in request order, never by a
//! clock, so the stale-cache bug of §3.3 replays identically every time.

use super::aws_common::{
    check_keys, invalid_type, is_preflight, missing_parameter, parse_json, request_path,
    unverified, Json, JsonKind, Spanned,
};
use crate::error::{Error, Span};
use crate::http::{HeaderList, HeaderSource, Provenance, Request, Response, Server};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::RefCell;

/// Which of the shapes users paste the policy came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CloudFrontFormat {
    /// `ResponseHeadersPolicyConfig` (the `create-response-headers-policy` input), optionally
    /// wrapped as `{"ResponseHeadersPolicyConfig": …}` or `get-response-headers-policy` output.
    Cli,
    /// An `AWS::CloudFront::ResponseHeadersPolicy` resource or a template holding one.
    CloudFormation,
    /// The bare `CorsConfig` object.
    BareCorsConfig,
    /// A managed policy named by its name or ID.
    Managed,
}

/// A response headers policy's `CorsConfig`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsConfig {
    /// Where `CorsConfig` starts.
    pub span: Option<Span>,
    /// `AccessControlAllowCredentials`.
    pub allow_credentials: Spanned<bool>,
    /// `AccessControlAllowHeaders.Items`.
    pub allow_headers: Vec<Spanned<String>>,
    /// `AccessControlAllowMethods.Items`.
    pub allow_methods: Vec<Spanned<String>>,
    /// `AccessControlAllowOrigins.Items`.
    pub allow_origins: Vec<Spanned<String>>,
    /// `AccessControlExposeHeaders.Items`.
    pub expose_headers: Vec<Spanned<String>>,
    /// `AccessControlMaxAgeSec`.
    pub max_age_sec: Option<Spanned<i64>>,
    /// `OriginOverride`.
    pub origin_override: Spanned<bool>,
}

/// A parsed, validated response headers policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseHeadersPolicy {
    /// The shape it was pasted in.
    pub format: CloudFrontFormat,
    /// `Name`, or the managed policy's name.
    pub name: Option<String>,
    /// The `CorsConfig`; `None` for a policy without one (e.g. `SecurityHeadersPolicy`).
    pub cors: Option<CorsConfig>,
}

const METHODS: [&str; 8] = [
    "GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD", "ALL",
];
/// What `ALL` stands for in `Access-Control-Allow-Methods`.
const ALL_METHODS: &str = "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT";

const CORS_FIELDS: [&str; 7] = [
    "AccessControlAllowOrigins",
    "AccessControlAllowHeaders",
    "AccessControlAllowMethods",
    "AccessControlAllowCredentials",
    "AccessControlExposeHeaders",
    "AccessControlMaxAgeSec",
    "OriginOverride",
];

fn invalid_argument(message: String, span: Option<Span>) -> Error {
    Error::invalid("InvalidArgument", message, span)
}

/// The managed response headers policies (using-managed-response-headers-policies.md).
fn managed(name_or_id: &str) -> Option<ResponseHeadersPolicy> {
    let s = |v: &str| Spanned {
        value: v.to_string(),
        span: None,
    };
    let b = |v: bool| Spanned {
        value: v,
        span: None,
    };
    let simple = CorsConfig {
        span: None,
        allow_credentials: b(false),
        allow_headers: vec![],
        allow_methods: vec![],
        allow_origins: vec![s("*")],
        expose_headers: vec![],
        max_age_sec: None,
        origin_override: b(false),
    };
    // CORS-With-Preflight as two emulators encode it (no Access-Control-Allow-Headers); the
    // live policy is unverified (spec §3.1).
    let preflight = CorsConfig {
        allow_methods: vec![s("ALL")],
        expose_headers: vec![s("*")],
        ..simple.clone()
    };
    let (name, cors) = match name_or_id {
        "SimpleCORS" | "60669652-455b-4ae9-85a4-c4c02393f86c" => ("SimpleCORS", Some(simple)),
        "CORS-With-Preflight" | "5cc3b908-e619-4b99-88e5-2cf7f45965bd" => {
            ("CORS-With-Preflight", Some(preflight))
        }
        "CORS-and-SecurityHeadersPolicy" | "e61eb60c-9c35-4d20-a928-2b84e02af89c" => {
            ("CORS-and-SecurityHeadersPolicy", Some(simple))
        }
        "CORS-with-preflight-and-SecurityHeadersPolicy"
        | "eaab4381-ed33-4a86-88ca-d9558dc6cd63" => (
            "CORS-with-preflight-and-SecurityHeadersPolicy",
            Some(preflight),
        ),
        "SecurityHeadersPolicy" | "67f7725c-6f97-4210-82d7-5512b31e9d03" => {
            ("SecurityHeadersPolicy", None)
        }
        _ => return None,
    };
    Some(ResponseHeadersPolicy {
        format: CloudFrontFormat::Managed,
        name: Some(name.into()),
        cors,
    })
}

/// Parses and validates a pasted response headers policy. Blank text or `null` means the cache
/// behavior has no response headers policy (`Ok(None)`); a managed policy's name or ID (bare or
/// as a JSON string) selects that policy.
pub fn parse(text: &str) -> Result<Option<ResponseHeadersPolicy>, Error> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "null" {
        return Ok(None);
    }
    if let Some(p) = managed(trimmed.trim_matches('"')) {
        return Ok(Some(p));
    }
    let root = parse_json(text, "a CloudFront response headers policy")?;
    if let Some(s) = root.as_str() {
        return Err(Error::scenario(
            format!("\"{s}\" is not a managed response headers policy; expected SimpleCORS, CORS-With-Preflight, CORS-and-SecurityHeadersPolicy, CORS-with-preflight-and-SecurityHeadersPolicy, SecurityHeadersPolicy or one of their IDs"),
            Some(root.span),
        ));
    }
    if !root.is_object() {
        return Err(invalid_type(
            "ResponseHeadersPolicyConfig",
            &root,
            "<class 'dict'>",
        ));
    }
    let cfn = super::aws_common::cfn_resources(&root, "AWS::CloudFront::ResponseHeadersPolicy");
    let (format, config): (CloudFrontFormat, &Json) = if let Some((_, p)) = cfn.first() {
        match p.get("ResponseHeadersPolicyConfig") {
            Some(c) => (CloudFrontFormat::CloudFormation, c),
            None => {
                return Err(missing_parameter(
                    "Properties",
                    "ResponseHeadersPolicyConfig",
                    p.span,
                ))
            }
        }
    } else if root.get("Resources").is_some() {
        return Err(Error::scenario(
            "the template has no AWS::CloudFront::ResponseHeadersPolicy resource",
            Some(root.span),
        ));
    } else if let Some(p) = root.get("ResponseHeadersPolicy") {
        match p.get("ResponseHeadersPolicyConfig") {
            Some(c) => (CloudFrontFormat::Cli, c),
            None => {
                return Err(missing_parameter(
                    "ResponseHeadersPolicy",
                    "ResponseHeadersPolicyConfig",
                    p.span,
                ))
            }
        }
    } else if let Some(c) = root.get("ResponseHeadersPolicyConfig") {
        (CloudFrontFormat::Cli, c)
    } else if root.get("CorsConfig").is_some() || root.get("Name").is_some() {
        (CloudFrontFormat::Cli, &root)
    } else {
        (CloudFrontFormat::BareCorsConfig, &root)
    };
    let name = config
        .get("Name")
        .and_then(Json::as_str)
        .map(str::to_string);
    let cors_json = if format == CloudFrontFormat::BareCorsConfig {
        Some(config)
    } else {
        config.get("CorsConfig")
    };
    let cors = match cors_json {
        None => None,
        Some(c) if matches!(c.kind, JsonKind::Null) => None,
        Some(c) => Some(read_cors(c)?),
    };
    if let Some(c) = &cors {
        validate(c)?;
    }
    Ok(Some(ResponseHeadersPolicy { format, name, cors }))
}

/// `{"Quantity": n, "Items": [...]}` (CLI) or `{"Items": [...]}` (CloudFormation).
fn items(obj: &Json, path: &str) -> Result<Vec<Spanned<String>>, Error> {
    if !obj.is_object() {
        return Err(invalid_type(path, obj, "<class 'dict'>"));
    }
    check_keys(obj, path, &["Quantity", "Items"])?;
    let list = match obj.get("Items") {
        Some(i) => super::aws_common::string_list(i, &format!("{path}.Items"))?,
        None => Vec::new(),
    };
    if let Some(q) = obj.get("Quantity") {
        let n = super::aws_common::integer(q, &format!("{path}.Quantity"))?;
        if usize::try_from(n.value).ok() != Some(list.len()) {
            return Err(Error::invalid(
                "InconsistentQuantities",
                format!(
                    "The value of Quantity and the size of Items don't match. ({path}: Quantity {}, {} item{})",
                    n.value,
                    list.len(),
                    if list.len() == 1 { "" } else { "s" }
                ),
                n.span,
            ));
        }
    } else if obj.get("Items").is_none() {
        return Err(missing_parameter(path, "Items", obj.span));
    }
    Ok(list)
}

fn read_cors(c: &Json) -> Result<CorsConfig, Error> {
    let container = "ResponseHeadersPolicyConfig.CorsConfig";
    if !c.is_object() {
        return Err(invalid_type(container, c, "<class 'dict'>"));
    }
    check_keys(c, container, &CORS_FIELDS)?;
    let required = |k: &str| {
        c.get(k)
            .ok_or_else(|| missing_parameter(container, k, c.span))
    };
    let path = |k: &str| format!("{container}.{k}");
    let origins = items(
        required("AccessControlAllowOrigins")?,
        &path("AccessControlAllowOrigins"),
    )?;
    let headers = items(
        required("AccessControlAllowHeaders")?,
        &path("AccessControlAllowHeaders"),
    )?;
    let methods = items(
        required("AccessControlAllowMethods")?,
        &path("AccessControlAllowMethods"),
    )?;
    let creds = required("AccessControlAllowCredentials")?;
    let creds = super::aws_common::boolean(creds, &path("AccessControlAllowCredentials"))?;
    let over = required("OriginOverride")?;
    let over = super::aws_common::boolean(over, &path("OriginOverride"))?;
    let expose = match c.get("AccessControlExposeHeaders") {
        Some(e) => items(e, &path("AccessControlExposeHeaders"))?,
        None => Vec::new(),
    };
    let max_age = c
        .get("AccessControlMaxAgeSec")
        .map(|m| super::aws_common::integer(m, &path("AccessControlMaxAgeSec")))
        .transpose()?;
    Ok(CorsConfig {
        span: Some(c.span),
        allow_credentials: creds,
        allow_headers: headers,
        allow_methods: methods,
        allow_origins: origins,
        expose_headers: expose,
        max_age_sec: max_age,
        origin_override: over,
    })
}

const NOT_VERIFIED: &str = "(this message text is not verified against AWS)";

/// CloudFront's checks on a `CorsConfig` (CreateResponseHeadersPolicy).
fn validate(c: &CorsConfig) -> Result<(), Error> {
    if c.allow_origins.is_empty() {
        return Err(invalid_argument(
            format!("AccessControlAllowOrigins must list at least one origin {NOT_VERIFIED}"),
            c.span,
        ));
    }
    if c.allow_headers.is_empty() {
        // awsdocs/aws-cloudformation-user-guide#1179: an empty list is refused.
        return Err(invalid_argument(
            format!(
                "AccessControlAllowHeaders must list at least one header name or * {NOT_VERIFIED}"
            ),
            c.span,
        ));
    }
    for m in &c.allow_methods {
        if !METHODS.contains(&m.value.as_str()) {
            return Err(invalid_argument(
                format!("AccessControlAllowMethods item \"{}\" is not one of GET, POST, OPTIONS, PUT, DELETE, PATCH, HEAD, ALL {NOT_VERIFIED}; through CloudFormation this surfaces as \"Internal error reported from downstream service\" (cloudformation-coverage-roadmap#2196)", m.value),
                m.span,
            ));
        }
    }
    for o in &c.allow_origins {
        check_origin_pattern(o)?;
    }
    if c.allow_credentials.value {
        // aws-cdk#35308 quotes this message from CloudFront.
        if let Some(star) = c.allow_headers.iter().find(|h| h.value.trim() == "*") {
            return Err(invalid_argument(
                "The parameter Access-Control-Allow-Headers cannot contain * when allowCredentials is true.".into(),
                star.span,
            ));
        }
        if let Some(star) = c.allow_origins.iter().find(|h| h.value.trim() == "*") {
            return Err(invalid_argument(
                format!("The parameter Access-Control-Allow-Origins cannot contain * when allowCredentials is true. {NOT_VERIFIED}: modelled on the documented Access-Control-Allow-Headers error"),
                star.span,
            ));
        }
        if let Some(star) = c.expose_headers.iter().find(|h| h.value.trim() == "*") {
            return Err(invalid_argument(
                format!("The parameter Access-Control-Expose-Headers cannot contain * when allowCredentials is true. {NOT_VERIFIED}: modelled on the documented Access-Control-Allow-Headers error"),
                star.span,
            ));
        }
    }
    if let Some(m) = &c.max_age_sec {
        if m.value < 0 {
            return Err(invalid_argument(
                format!("AccessControlMaxAgeSec must not be negative {NOT_VERIFIED}"),
                m.span,
            ));
        }
    }
    Ok(())
}

/// "The wildcard character (*) is allowed as the leftmost part of the domain (*.example.org)",
/// and nowhere else; `ALL` is refused.
fn check_origin_pattern(o: &Spanned<String>) -> Result<(), Error> {
    let v = o.value.trim();
    if v == "*" {
        return Ok(());
    }
    if v == "ALL" {
        return Err(invalid_argument(
            format!("AccessControlAllowOrigins does not accept ALL; use * for every origin {NOT_VERIFIED}"),
            o.span,
        ));
    }
    let host = v.split_once("://").map_or(v, |(_, h)| h);
    let stars = host.matches('*').count();
    if stars == 0 {
        return Ok(());
    }
    let ok = stars == 1 && host.starts_with("*.") && host[2..].contains('.');
    if ok {
        return Ok(());
    }
    Err(invalid_argument(
        format!("AccessControlAllowOrigins item \"{v}\": the wildcard * is allowed only as the leftmost part of the domain (*.example.org), not as the top-level domain, to the right of a subdomain, or inside a term {NOT_VERIFIED}"),
        o.span,
    ))
}

/// The CloudFront request and cache side of the cache behavior (scenario input).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behavior {
    /// `AllowedMethods`: `["GET","HEAD"]` (the default), `["GET","HEAD","OPTIONS"]`, or all
    /// seven.
    #[serde(default)]
    pub allowed_methods: Option<Vec<String>>,
    /// `CachedMethods`: `["GET","HEAD"]` (the default) or `["GET","HEAD","OPTIONS"]`.
    #[serde(default)]
    pub cached_methods: Option<Vec<String>>,
    /// The cache policy: a managed name or ID (default `CachingOptimized`) or
    /// `{"headers": [...]}`, the headers in the cache key (and so forwarded).
    #[serde(default)]
    pub cache_policy: Option<PolicyRef>,
    /// The origin request policy: a managed name or ID, or `{"headers": [...]}` (forwarded,
    /// not in the cache key); default none.
    #[serde(default)]
    pub origin_request_policy: Option<PolicyRef>,
    /// Legacy `ForwardedValues.Headers`: forwarded **and** in the cache key.
    #[serde(default)]
    pub forwarded_headers: Option<Vec<String>>,
}

/// A cache or origin request policy: managed, by name or ID, or the headers it lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PolicyRef {
    /// A managed policy's name or ID.
    Managed(String),
    /// A custom policy's header list.
    Headers {
        /// Header names (`*` means all viewer headers, for an origin request policy).
        headers: Vec<String>,
        /// For a cache policy: whether it caches at all (a TTL of 0 does not).
        #[serde(default = "yes")]
        caching: bool,
    },
}

fn yes() -> bool {
    true
}

/// Which headers a policy names.
#[derive(Clone, Debug, PartialEq, Eq)]
enum HeaderSet {
    None,
    All,
    AllExceptHost,
    List(Vec<String>),
}

impl HeaderSet {
    fn contains(&self, name: &str) -> bool {
        match self {
            HeaderSet::None => false,
            HeaderSet::All => true,
            HeaderSet::AllExceptHost => !name.eq_ignore_ascii_case("host"),
            HeaderSet::List(l) => l.iter().any(|h| h.eq_ignore_ascii_case(name)),
        }
    }
}

/// The resolved cache behavior.
#[derive(Clone, Debug)]
struct ResolvedBehavior {
    allowed: Vec<String>,
    cached: Vec<String>,
    caching: bool,
    cache_policy_name: String,
    key_headers: Vec<String>,
    orp_name: Option<String>,
    forwarded: HeaderSet,
}

fn resolve(b: &Behavior) -> Result<ResolvedBehavior, Error> {
    let up = |l: &Vec<String>| {
        let mut v: Vec<String> = l.iter().map(|m| m.trim().to_ascii_uppercase()).collect();
        v.sort();
        v.dedup();
        v
    };
    let allowed = b
        .allowed_methods
        .as_ref()
        .map(up)
        .unwrap_or_else(|| vec!["GET".into(), "HEAD".into()]);
    let sets: [&[&str]; 3] = [
        &["GET", "HEAD"],
        &["GET", "HEAD", "OPTIONS"],
        &["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
    ];
    if !sets
        .iter()
        .any(|s| s.iter().copied().eq(allowed.iter().map(String::as_str)))
    {
        return Err(Error::scenario(
            format!("behavior.allowed_methods {allowed:?}: CloudFront accepts only GET, HEAD; GET, HEAD, OPTIONS; or GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE"),
            None,
        ));
    }
    let cached = b
        .cached_methods
        .as_ref()
        .map(up)
        .unwrap_or_else(|| vec!["GET".into(), "HEAD".into()]);
    if !sets[..2]
        .iter()
        .any(|s| s.iter().copied().eq(cached.iter().map(String::as_str)))
    {
        return Err(Error::scenario(
            format!("behavior.cached_methods {cached:?}: CloudFront accepts only GET, HEAD or GET, HEAD, OPTIONS"),
            None,
        ));
    }
    let (cache_policy_name, caching, mut key_headers) = match &b.cache_policy {
        None => ("CachingOptimized".to_string(), true, vec![]),
        Some(PolicyRef::Managed(m)) => match m.as_str() {
            "CachingOptimized" | "658327ea-f89d-4fab-a63d-7e88639e58f6" => {
                ("CachingOptimized".into(), true, vec![])
            }
            "CachingDisabled" | "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" => {
                ("CachingDisabled".into(), false, vec![])
            }
            other => {
                return Err(Error::scenario(
                    format!("behavior.cache_policy {other:?}: cors-sim knows the managed cache policies CachingOptimized and CachingDisabled; for another, write {{\"headers\": [the headers in its cache key]}}"),
                    None,
                ))
            }
        },
        Some(PolicyRef::Headers { headers, caching }) => {
            ("a custom cache policy".into(), *caching, headers.clone())
        }
    };
    if let Some(f) = &b.forwarded_headers {
        key_headers.extend(f.iter().cloned());
    }
    let (orp_name, orp) = match &b.origin_request_policy {
        None => (None, HeaderSet::None),
        Some(PolicyRef::Managed(m)) => match m.as_str() {
            "CORS-S3Origin" | "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf" => (
                Some("CORS-S3Origin".to_string()),
                HeaderSet::List(vec![
                    "Origin".into(),
                    "Access-Control-Request-Headers".into(),
                    "Access-Control-Request-Method".into(),
                ]),
            ),
            "CORS-CustomOrigin" | "59781a5b-3903-41f3-afcb-af62929ccde1" => (
                Some("CORS-CustomOrigin".to_string()),
                HeaderSet::List(vec!["Origin".into()]),
            ),
            "AllViewer" | "216adef6-5c7f-47e4-b989-5492eafa07d3" => {
                (Some("AllViewer".to_string()), HeaderSet::All)
            }
            "AllViewerExceptHostHeader" | "b689b0a8-53d0-40ab-baf2-68738e2966ac" => (
                Some("AllViewerExceptHostHeader".to_string()),
                HeaderSet::AllExceptHost,
            ),
            other => {
                return Err(Error::scenario(
                    format!("behavior.origin_request_policy {other:?}: cors-sim knows the managed origin request policies CORS-S3Origin, CORS-CustomOrigin, AllViewer and AllViewerExceptHostHeader; for another, write {{\"headers\": [the headers it forwards]}}"),
                    None,
                ))
            }
        },
        Some(PolicyRef::Headers { headers, .. }) => (
            Some("a custom origin request policy".to_string()),
            if headers.iter().any(|h| h == "*") {
                HeaderSet::All
            } else {
                HeaderSet::List(headers.clone())
            },
        ),
    };
    let forwarded = match orp {
        HeaderSet::None => HeaderSet::List(key_headers.clone()),
        HeaderSet::List(mut l) => {
            l.extend(key_headers.iter().cloned());
            HeaderSet::List(l)
        }
        other => other,
    };
    Ok(ResolvedBehavior {
        allowed,
        cached,
        caching,
        cache_policy_name,
        key_headers,
        orp_name,
        forwarded,
    })
}

/// One object in the simulated edge cache.
#[derive(Clone, Debug)]
struct CacheEntry {
    key: String,
    response: Response,
    /// 1-based number of the viewer request whose miss stored it.
    stored_by: usize,
    /// The Origin that request carried, if any.
    origin: Option<String>,
}

/// A CloudFront distribution's cache behavior in front of an origin server.
pub struct CloudFrontServer {
    policy: Option<ResponseHeadersPolicy>,
    behavior: ResolvedBehavior,
    origin: Box<dyn Server>,
    origin_kind: String,
    /// The simulated edge cache: objects stored by earlier requests of the same scenario, in
    /// request order. Interior mutability because [`Server::respond`] takes `&self`; nothing
    /// else in a server holds state, and no clock is read: entries never expire within a
    /// scenario.
    cache: RefCell<Vec<CacheEntry>>,
    /// How many viewer requests this distribution has answered.
    requests: RefCell<usize>,
}

impl std::fmt::Debug for CloudFrontServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudFrontServer")
            .field("policy", &self.policy)
            .field("behavior", &self.behavior)
            .field("origin_kind", &self.origin_kind)
            .field("cache", &self.cache)
            .finish()
    }
}

impl CloudFrontServer {
    /// A distribution with `policy` (None: no response headers policy) and `behavior` in front
    /// of `origin` (`origin_kind` names it in explanations: `s3`, `custom`, …).
    pub fn new(
        policy: Option<ResponseHeadersPolicy>,
        behavior: &Behavior,
        origin: Box<dyn Server>,
        origin_kind: &str,
    ) -> Result<CloudFrontServer, Error> {
        Ok(CloudFrontServer {
            policy,
            behavior: resolve(behavior)?,
            origin,
            origin_kind: origin_kind.to_string(),
            cache: RefCell::new(Vec::new()),
            requests: RefCell::new(0),
        })
    }

    fn cache_key(&self, request: &Request) -> String {
        let mut key = format!("{} {}", request.method, request_path(&request.url));
        for h in &self.behavior.key_headers {
            let v = request.headers.get(h);
            key.push_str(&format!(
                " | {}={}",
                h.to_ascii_lowercase(),
                v.as_deref().unwrap_or("(none)")
            ));
        }
        key
    }

    /// The request as the origin receives it: only the forwarded viewer headers.
    fn origin_request(&self, request: &Request) -> (Request, Vec<String>) {
        let mut headers = HeaderList::new();
        let mut stripped = Vec::new();
        for (n, v) in request.headers.iter() {
            if self.behavior.forwarded.contains(n) {
                headers.append(n.to_owned(), v.to_owned());
            } else if !stripped.iter().any(|s: &String| s.eq_ignore_ascii_case(n)) {
                stripped.push(n.to_string());
            }
        }
        (
            Request {
                method: request.method.clone(),
                url: request.url.clone(),
                headers,
            },
            stripped,
        )
    }

    /// The `AccessControlAllowOrigins` entry that allows `origin`.
    fn origin_entry<'c>(cors: &'c CorsConfig, origin: &str) -> Option<&'c Spanned<String>> {
        let origin_l = origin.to_ascii_lowercase();
        let (o_scheme, o_host) = origin_l.split_once("://").unwrap_or(("", &origin_l));
        cors.allow_origins.iter().find(|e| {
            let p = e.value.trim().to_ascii_lowercase();
            if p == "*" {
                return true;
            }
            let (p_scheme, p_host) = match p.split_once("://") {
                Some((s, h)) => (Some(s), h),
                None => (None, p.as_str()),
            };
            if p_scheme.is_some_and(|s| s != o_scheme) {
                return false;
            }
            match p_host.strip_prefix("*.") {
                // One label in place of the wildcard (as the yulin emulator assumes).
                Some(suffix) => o_host
                    .strip_suffix(suffix)
                    .and_then(|rest| rest.strip_suffix('.'))
                    .is_some_and(|label| !label.is_empty() && !label.contains('.')),
                None => p_host == o_host,
            }
        })
    }

    /// Applies the response headers policy's CORS part to `r` for this viewer request.
    fn apply_policy(
        &self,
        request: &Request,
        r: &mut Response,
        sources: &mut Vec<HeaderSource>,
        notes: &mut Vec<String>,
    ) -> String {
        let Some(policy) = &self.policy else {
            return "The cache behavior has no response headers policy, so CloudFront passes the origin's headers through unchanged.".into();
        };
        let pname = policy
            .name
            .as_deref()
            .map(|n| format!("The response headers policy \"{n}\""))
            .unwrap_or_else(|| "The response headers policy".into());
        let Some(cors) = &policy.cors else {
            return format!("{pname} has no CorsConfig, so it adds no CORS header.");
        };
        let Some(origin) = request.headers.get("origin") else {
            return format!("{pname} adds CORS headers only to CORS requests, and this request has no Origin header.");
        };
        let preflight = is_preflight(request);
        let Some(entry) = Self::origin_entry(cors, &origin) else {
            notes.push(unverified("For an Origin not in AccessControlAllowOrigins the policy adds no CORS header and leaves the origin's as they are"));
            return format!("{pname}: the Origin {origin} is not in AccessControlAllowOrigins, so it adds no CORS header.");
        };
        if policy.format == CloudFrontFormat::Managed && !cors.allow_methods.is_empty() {
            notes.push(unverified("The managed CORS-With-Preflight policy is modelled as two emulators encode it: Allow-Methods for all methods, Expose-Headers * (on preflights only, as AWS documents), and no Access-Control-Allow-Headers"));
        }
        let over = cors.origin_override.value;
        let mut changes = Vec::new();
        let mut put = |name: &'static str, value: String, field: &str, span: Option<Span>| {
            let existing = r.headers.get(name).map(Cow::into_owned);
            match (existing, over) {
                (Some(old), false) => {
                    sources.push(HeaderSource {
                        header: name.into(),
                        from: format!("the origin ({old}); the policy's {field} would say {value:?}, but OriginOverride is false so the origin's value is kept").into(),
                        span: cors.origin_override.span,
                    });
                    changes.push(format!("kept the origin's {name}"));
                }
                (Some(old), true) => {
                    r.headers.set(name, value.clone());
                    sources.push(HeaderSource {
                        header: name.into(),
                        from: format!("response headers policy {field}, overriding the origin's {old:?} (OriginOverride is true)").into(),
                        span,
                    });
                    changes.push(format!("overrode {name}"));
                }
                (None, _) => {
                    r.headers.append(name, value);
                    sources.push(HeaderSource {
                        header: name.into(),
                        from: format!("response headers policy {field}").into(),
                        span,
                    });
                    changes.push(format!("added {name}"));
                }
            }
        };
        let acao = if entry.value.trim() == "*" {
            "*".to_string()
        } else {
            origin.to_string()
        };
        put(
            "Access-Control-Allow-Origin",
            acao,
            "AccessControlAllowOrigins",
            entry.span,
        );
        if cors.allow_credentials.value {
            put(
                "Access-Control-Allow-Credentials",
                "true".into(),
                "AccessControlAllowCredentials",
                cors.allow_credentials.span,
            );
        }
        // The managed CORS-With-Preflight policies add Expose-Headers to preflight responses
        // only: "For simple CORS requests, CloudFront adds only Access-Control-Allow-Origin"
        // (using-managed-response-headers-policies.md; aws-other.md §3.1, the managed table).
        let managed = policy.format == CloudFrontFormat::Managed;
        if !cors.expose_headers.is_empty() && (preflight || !managed) {
            put(
                "Access-Control-Expose-Headers",
                join(&cors.expose_headers),
                "AccessControlExposeHeaders",
                cors.expose_headers[0].span,
            );
        }
        if preflight {
            if !cors.allow_methods.is_empty() {
                let v = if cors.allow_methods.iter().any(|m| m.value == "ALL") {
                    ALL_METHODS.to_string()
                } else {
                    join(&cors.allow_methods)
                };
                put(
                    "Access-Control-Allow-Methods",
                    v,
                    "AccessControlAllowMethods",
                    cors.allow_methods[0].span,
                );
            }
            if !cors.allow_headers.is_empty() {
                put(
                    "Access-Control-Allow-Headers",
                    join(&cors.allow_headers),
                    "AccessControlAllowHeaders",
                    cors.allow_headers[0].span,
                );
            }
            if let Some(m) = &cors.max_age_sec {
                put(
                    "Access-Control-Max-Age",
                    m.value.to_string(),
                    "AccessControlMaxAgeSec",
                    m.span,
                );
            }
        }
        format!(
            "{pname} matches the Origin {origin} (entry \"{}\") and {}{}.",
            entry.value,
            changes.join(", "),
            if preflight {
                ""
            } else {
                " (Allow-Methods, Allow-Headers and Max-Age go on preflight responses only)"
            }
        )
    }
}

fn join(list: &[Spanned<String>]) -> String {
    list.iter()
        .map(|s| s.value.trim())
        .collect::<Vec<_>>()
        .join(",")
}

/// The status codes CloudFront caches here (successful and permanent answers; error caching,
/// 10 seconds by default, is left out because the simulator has no clock).
fn cacheable_status(status: u16) -> bool {
    matches!(status, 200 | 203 | 300 | 301 | 410)
}

impl Server for CloudFrontServer {
    fn respond(&self, request: &Request) -> Response {
        let number = {
            let mut n = self.requests.borrow_mut();
            *n += 1;
            *n
        };
        let mut notes = Vec::new();
        let mut sources = Vec::new();
        let b = &self.behavior;

        if !b.allowed.contains(&request.method) {
            let mut r = Response::new(403);
            r.headers.append("Content-Type", "text/html");
            r.headers.append("X-Cache", "Error from cloudfront");
            r.body = Some("<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>403 ERROR</H1><H2>The request could not be satisfied.</H2><HR noshade size=\"1px\">This distribution is not configured to allow the HTTP request method that was used for this request. The distribution supports only cachable requests.</BODY></HTML>".into());
            let mut summary = format!(
                "Request {number}: the cache behavior's AllowedMethods are {}, so CloudFront refuses {} with 403 without asking the origin{}.",
                b.allowed.join(", "),
                request.method,
                if request.method == "OPTIONS" { " (allow OPTIONS to let preflights through, hubmapconsortium/portal-ui#3365)" } else { "" }
            );
            let policy = self.apply_policy(request, &mut r, &mut sources, &mut notes);
            if self.policy.as_ref().is_some_and(|p| p.cors.is_some()) {
                notes.push(unverified(
                    "The response headers policy is applied to CloudFront's own 403 as well",
                ));
            }
            summary.push(' ');
            summary.push_str(&policy);
            r.provenance = Some(Provenance {
                provider: "cloudfront".into(),
                summary,
                header_sources: sources,
                notes,
                ..Provenance::default()
            });
            return r;
        }

        let cacheable_method = b.caching && b.cached.contains(&request.method);
        let key = self.cache_key(request);
        let hit = if cacheable_method {
            self.cache.borrow().iter().find(|e| e.key == key).cloned()
        } else {
            None
        };
        let viewer_origin = request.headers.get("origin").map(Cow::into_owned);
        let (mut r, layer) = match hit {
            Some(entry) => {
                let mut r = entry.response.clone();
                r.headers.set("X-Cache", "Hit from cloudfront");
                let mut s = format!(
                    "Request {number}: cache HIT under key \"{key}\" — CloudFront returns the copy stored by request {} without asking the origin.",
                    entry.stored_by
                );
                let keyed_on_origin = b
                    .key_headers
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case("origin"));
                if !keyed_on_origin && entry.origin != viewer_origin {
                    s.push_str(&format!(
                        " That copy was produced for a request with {}, but Origin is not part of the cache key ({}), so this viewer with {} gets it anyway: the stale-cache CORS bug (PRX/Infrastructure#412, awslabs/speke-reference-server#37). Fix: put Origin in the cache policy, or answer CORS with a response headers policy.",
                        entry.origin.as_deref().map_or("no Origin header".to_string(), |o| format!("Origin: {o}")),
                        b.cache_policy_name,
                        viewer_origin.as_deref().map_or("no Origin header".to_string(), |o| format!("Origin: {o}")),
                    ));
                }
                if let Some(op) = &entry.response.provenance {
                    for hs in &op.header_sources {
                        sources.push(HeaderSource {
                            header: hs.header.clone(),
                            from: format!(
                                "the cached copy from request {}: origin ({}) {}",
                                entry.stored_by, self.origin_kind, hs.from
                            )
                            .into(),
                            span: hs.span,
                        });
                    }
                }
                (r, s)
            }
            None => {
                let (forward, stripped) = self.origin_request(request);
                let mut r = self.origin.respond(&forward);
                let mut s = format!(
                    "Request {number}: {} — CloudFront forwards {} {} to the origin ({})",
                    if cacheable_method {
                        format!("cache MISS under key \"{key}\"")
                    } else if b.caching {
                        format!("{} responses are not cached", request.method)
                    } else {
                        format!("the cache policy {} caches nothing", b.cache_policy_name)
                    },
                    request.method,
                    request_path(&request.url),
                    self.origin_kind,
                );
                let origin_forwarded = forward.headers.contains("origin");
                if !stripped.is_empty() {
                    s.push_str(&format!(
                        ", stripping the viewer headers {} (neither in the cache key of {} nor in {})",
                        stripped.join(", "),
                        b.cache_policy_name,
                        b.orp_name.as_deref().unwrap_or("an origin request policy")
                    ));
                }
                s.push('.');
                if viewer_origin.is_some() && !origin_forwarded {
                    s.push_str(" The origin never sees the Origin header, so it cannot answer with CORS headers.");
                }
                if let Some(op) = &r.provenance {
                    s.push_str(&format!(" Origin ({}): {}", self.origin_kind, op.summary));
                    for hs in &op.header_sources {
                        sources.push(HeaderSource {
                            header: hs.header.clone(),
                            from: format!("origin ({}): {}", self.origin_kind, hs.from).into(),
                            span: hs.span,
                        });
                    }
                    notes.extend(
                        op.notes
                            .iter()
                            .map(|n| format!("origin ({}): {n}", self.origin_kind)),
                    );
                }
                r.headers.set("X-Cache", "Miss from cloudfront");
                if cacheable_method && cacheable_status(r.status) {
                    self.cache.borrow_mut().push(CacheEntry {
                        key: key.clone(),
                        response: r.clone(),
                        stored_by: number,
                        origin: viewer_origin.clone(),
                    });
                    s.push_str(&format!(
                        " CloudFront stores this response under \"{key}\"{}.",
                        if b.key_headers.iter().any(|h| h.eq_ignore_ascii_case("origin")) {
                            ""
                        } else {
                            ", a key without Origin: every later viewer of this URL gets this copy, whatever its Origin (CloudFront ignores the origin's Vary)"
                        }
                    ));
                }
                (r, s)
            }
        };
        let origin_prov = r.provenance.take();
        let policy = self.apply_policy(request, &mut r, &mut sources, &mut notes);
        let summary = format!("{layer} {policy}");
        r.provenance = Some(Provenance {
            provider: "cloudfront".into(),
            summary,
            matched_rule: origin_prov.as_ref().and_then(|p| p.matched_rule.clone()),
            rejected_rules: origin_prov.map(|p| p.rejected_rules).unwrap_or_default(),
            header_sources: sources,
            notes,
        });
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_and_cloudformation_shapes() {
        let cli = parse(r#"{"Name": "p", "CorsConfig": {"AccessControlAllowCredentials": false, "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["*"]}, "AccessControlAllowMethods": {"Quantity": 2, "Items": ["GET", "OPTIONS"]}, "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://a.example"]}, "OriginOverride": false}}"#).unwrap().unwrap();
        assert_eq!(cli.format, CloudFrontFormat::Cli);
        let cfn = parse(r#"{"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {"ResponseHeadersPolicyConfig": {"Name": "p", "CorsConfig": {"AccessControlAllowCredentials": false, "AccessControlAllowHeaders": {"Items": ["*"]}, "AccessControlAllowMethods": {"Items": ["ALL"]}, "AccessControlAllowOrigins": {"Items": ["*.example.org"]}, "OriginOverride": true}}}}"#).unwrap().unwrap();
        assert_eq!(cfn.format, CloudFrontFormat::CloudFormation);
        assert_eq!(
            parse("SimpleCORS").unwrap().unwrap().format,
            CloudFrontFormat::Managed
        );
    }

    #[test]
    fn origin_wildcards_take_one_leftmost_label() {
        let p = parse(r#"{"AccessControlAllowCredentials": false, "AccessControlAllowHeaders": {"Items": ["x"]}, "AccessControlAllowMethods": {"Items": ["GET"]}, "AccessControlAllowOrigins": {"Items": ["https://*.example.org"]}, "OriginOverride": false}"#).unwrap().unwrap();
        let c = p.cors.unwrap();
        assert!(CloudFrontServer::origin_entry(&c, "https://a.example.org").is_some());
        assert!(CloudFrontServer::origin_entry(&c, "https://a.b.example.org").is_none());
        assert!(CloudFrontServer::origin_entry(&c, "http://a.example.org").is_none());
        assert!(CloudFrontServer::origin_entry(&c, "https://example.org").is_none());
        for bad in ["example.*", "test.*.example.org", "exa*mple.org", "ALL"] {
            let text = format!(
                r#"{{"AccessControlAllowCredentials": false, "AccessControlAllowHeaders": {{"Items": ["x"]}}, "AccessControlAllowMethods": {{"Items": ["GET"]}}, "AccessControlAllowOrigins": {{"Items": ["{bad}"]}}, "OriginOverride": false}}"#
            );
            assert_eq!(
                parse(&text).unwrap_err().code(),
                Some("InvalidArgument"),
                "{bad}"
            );
        }
    }
}
