//! The input contract (design.md §4.1): what a person builds in the request builder, or a script
//! passes to `cors-sim simulate`.

use crate::error::Error;
use crate::http::HeaderList;
use serde::{Deserialize, Serialize};

/// One simulation: a browser, a request made by a page, and the server that answers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Which engine decides, sends, checks and prints.
    #[serde(default)]
    pub browser: Browser,
    /// The request the page's script makes.
    pub request: RequestSpec,
    /// Who answers.
    pub server: ServerSpec,
    /// Further requests, made later against the same preflight cache.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequence: Vec<RequestSpec>,
}

/// The browser engine being simulated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Browser {
    /// Chromium-based browsers (Chrome, Edge, …).
    #[default]
    Chrome,
    /// Gecko.
    Firefox,
    /// WebKit.
    Safari,
}

impl Browser {
    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            Browser::Chrome => "Chrome",
            Browser::Firefox => "Firefox",
            Browser::Safari => "Safari",
        }
    }
}

/// `fetch()`'s credentials mode; for XHR, `include` means `withCredentials = true`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    /// Never send cookies or HTTP auth.
    Omit,
    /// Cookies only to the page's own origin (the default of both APIs).
    #[default]
    SameOrigin,
    /// Cookies everywhere; the server must then echo the origin and allow credentials.
    Include,
}

/// `fetch()`'s request mode (XHR is always `cors`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// The normal mode for cross-origin reads.
    #[default]
    Cors,
    /// An opaque response: nothing is readable, but nothing fails on CORS grounds.
    NoCors,
    /// Cross-origin URLs fail before anything is sent.
    SameOrigin,
}

/// Which script API makes the request; it changes console wording and a few rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// `fetch()`.
    #[default]
    Fetch,
    /// `XMLHttpRequest`.
    Xhr,
}

/// The body of the request, which can add a `Content-Type` the author did not write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BodySpec {
    /// A string body (`body: "..."`): `text/plain;charset=UTF-8` unless a Content-Type is set.
    Text(String),
    /// Another kind of body.
    Typed {
        /// `string`, `urlsearchparams`, `formdata`, `blob`, `buffer` or `stream`.
        kind: BodyKind,
        /// For a `blob`, its `type`.
        #[serde(default, rename = "type")]
        blob_type: Option<String>,
    },
}

/// Kinds of request body, per "extract a body" (<https://fetch.spec.whatwg.org/#concept-bodyinit-extract>).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyKind {
    /// A USVString.
    String,
    /// `URLSearchParams`.
    Urlsearchparams,
    /// `FormData`.
    Formdata,
    /// A `Blob` or `File`.
    Blob,
    /// An `ArrayBuffer` or typed array: no Content-Type.
    Buffer,
    /// A `ReadableStream`: always preflighted, needs `duplex: "half"`.
    Stream,
}

/// The request the page makes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// The page's origin (`https://app.example.com`), or `null` (JSON null or the string).
    #[serde(default = "null_origin", deserialize_with = "origin_text")]
    pub origin: String,
    /// The URL passed to `fetch()` / `open()`.
    pub url: String,
    /// The method as the script wrote it.
    #[serde(default = "default_method")]
    pub method: String,
    /// Headers the script sets, in order.
    #[serde(default)]
    pub headers: HeaderList,
    /// Credentials mode.
    #[serde(default)]
    pub credentials: Credentials,
    /// Request mode.
    #[serde(default)]
    pub mode: Mode,
    /// API.
    #[serde(default)]
    pub api: Api,
    /// The body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySpec>,
    /// XHR only: listeners registered on `xhr.upload` before `send()`, which force a preflight.
    #[serde(default, skip_serializing_if = "is_false")]
    pub upload_listeners: bool,
    /// In a [`Scenario::sequence`]: seconds after the first request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_seconds: Option<f64>,
}

/// Who answers the requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ServerSpec {
    /// An S3 bucket with a pasted CORS configuration.
    S3 {
        /// The pasted XML or JSON; `null` or blank means the bucket has no CORS configuration.
        #[serde(default)]
        config: Option<String>,
        /// What S3 answers apart from CORS.
        #[serde(default)]
        object: ObjectState,
        /// REST or static-website endpoint.
        #[serde(default)]
        endpoint: Endpoint,
    },
    /// Literal responses, written by hand.
    Custom {
        /// The answer to an `OPTIONS` preflight.
        #[serde(default)]
        preflight: Option<LiteralResponse>,
        /// Redirect hops answered to the actual request before `response`.
        #[serde(default)]
        redirects: Vec<LiteralResponse>,
        /// The answer to the actual request.
        response: LiteralResponse,
    },
    /// An API Gateway HTTP API (v2) with a pasted `CorsConfiguration` (spec/aws-other.md §2).
    ApigwHttp {
        /// The pasted `CorsConfiguration` (CLI/CloudFormation PascalCase, or the OpenAPI
        /// `x-amazon-apigateway-cors` camelCase, bare or wrapped); `null` or blank: no CORS.
        #[serde(default)]
        config: Option<String>,
        /// Route keys (`"GET /items"`, `"$default"`) or `{"route": …, "authorizer": "jwt"}`;
        /// default: one `$default` route without authorizer.
        #[serde(default)]
        routes: Vec<crate::server::apigw_http::RouteSpec>,
        /// A named stage's path prefix (none for the `$default` stage).
        #[serde(default)]
        stage: Option<String>,
        /// What the integration returns (default 200, no header).
        #[serde(default)]
        integration: Option<LiteralResponse>,
    },
    /// An API Gateway REST API (v1): its OPTIONS methods, header mappings and gateway
    /// responses (spec/aws-other.md §1).
    ApigwRest {
        /// The pasted OpenAPI export, `aws apigateway` output, CloudFormation, or
        /// `{"EnableCors": {...}}`.
        #[serde(default)]
        config: Option<String>,
        /// What proxy and non-proxy backends return, by `"METHOD /path"` or `"*"`.
        #[serde(default)]
        backend: std::collections::BTreeMap<String, LiteralResponse>,
        /// The stage in the URL path (default: the first segment on an execute-api host).
        #[serde(default)]
        stage: Option<String>,
    },
    /// A CloudFront cache behavior, optionally with a response headers policy, in front of
    /// another server (spec/aws-other.md §3).
    Cloudfront {
        /// The pasted response headers policy, or a managed policy's name or ID; `null`: none.
        #[serde(default)]
        config: Option<String>,
        /// The origin: any server (`s3`, `custom`, …).
        origin: Box<ServerSpec>,
        /// Allowed and cached methods, cache and origin request policies.
        #[serde(default)]
        behavior: crate::server::cloudfront::Behavior,
    },
    /// A Lambda function URL with a pasted `Cors` block (spec/aws-other.md §4).
    LambdaUrl {
        /// The pasted `Cors` block (bare, `{"Cors": …}`, CloudFormation or SAM); `null`: no CORS.
        #[serde(default)]
        config: Option<String>,
        /// What the function returns (default 200, no header).
        #[serde(default)]
        function: Option<LiteralResponse>,
        /// What the function returns to an `OPTIONS` request Lambda passes to it (default:
        /// `function`).
        #[serde(default)]
        function_options: Option<LiteralResponse>,
    },
}

/// The object an S3 request names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectState {
    /// The object exists and the request is authorized.
    #[default]
    Exists,
    /// 404 `NoSuchKey`.
    Missing,
    /// 403 `AccessDenied` (bad signature, private object, …).
    AccessDenied,
}

/// Which S3 endpoint the URL addresses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Endpoint {
    /// `bucket.s3.region.amazonaws.com`.
    #[default]
    Rest,
    /// `bucket.s3-website-region.amazonaws.com`.
    Website,
}

/// A response written by hand for the `custom` server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiteralResponse {
    /// Status code.
    pub status: u16,
    /// Header lines.
    #[serde(default)]
    pub headers: HeaderList,
    /// Body text, shown in the raw view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

fn null_origin() -> String {
    "null".to_string()
}

fn default_method() -> String {
    "GET".to_string()
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn origin_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_else(null_origin))
}

/// The most text a scenario may hold: twice S3's 64 KB document limit leaves room for the
/// request around the largest valid configuration.
pub const MAX_SCENARIO_BYTES: usize = 256 * 1024;

impl Scenario {
    /// Parses scenario JSON, with a located error for anything wrong.
    pub fn from_json(text: &str) -> Result<Scenario, Error> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(Error::too_large(format!(
                "the scenario is {} bytes; cors-sim accepts at most {MAX_SCENARIO_BYTES}",
                text.len()
            ))
            .in_input("scenario"));
        }
        serde_json::from_str(text).map_err(|e| Error::from_json(&e).in_input("scenario"))
    }
}
