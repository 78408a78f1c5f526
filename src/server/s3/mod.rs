//! Amazon S3 bucket CORS (spec/s3-cors.md): parse, validate, respond.

use crate::error::{Error, Span};
use crate::http::{Request, Response, Server};
use crate::scenario::{Endpoint, ObjectState};
use serde::{Deserialize, Serialize};

/// A value and where it was written in the pasted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it starts.
    pub span: Option<Span>,
}

/// Which of the shapes users paste the configuration came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigFormat {
    /// `<CORSConfiguration>` XML, the wire format of PutBucketCors.
    Xml,
    /// `{"CORSRules": [...]}` for `aws s3api put-bucket-cors`.
    S3apiJson,
    /// The S3 console's bare array of rules.
    ConsoleJson,
    /// CloudFormation's `CorsConfiguration.CorsRules` (or the bare `CorsRules`).
    CloudFormation,
}

/// One `CORSRule`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsRule {
    /// Where the rule starts.
    pub span: Option<Span>,
    /// `ID`.
    pub id: Option<Spanned<String>>,
    /// `AllowedOrigin` values, in order.
    pub allowed_origins: Vec<Spanned<String>>,
    /// `AllowedMethod` values, in order.
    pub allowed_methods: Vec<Spanned<String>>,
    /// `AllowedHeader` values, in order.
    pub allowed_headers: Vec<Spanned<String>>,
    /// `ExposeHeader` values, in order.
    pub expose_headers: Vec<Spanned<String>>,
    /// `MaxAgeSeconds`.
    pub max_age_seconds: Option<Spanned<i64>>,
}

/// A parsed, validated bucket CORS configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Config {
    /// The shape it was pasted in.
    pub format: ConfigFormat,
    /// The rules, in document order.
    pub rules: Vec<CorsRule>,
}

/// Parses and validates pasted configuration text; `Ok(None)` for blank text or `null`, which
/// mean the bucket has no CORS configuration.
pub fn parse(_text: &str) -> Result<Option<S3Config>, Error> {
    Err(Error::scenario("S3 parsing is not built yet", None))
}

/// A bucket with an optional CORS configuration.
#[derive(Clone, Debug)]
pub struct S3Server {
    config: Option<S3Config>,
    object: ObjectState,
    endpoint: Endpoint,
}

impl S3Server {
    /// A bucket answering with `config` (None: no CORS configuration).
    pub fn new(config: Option<S3Config>, object: ObjectState, endpoint: Endpoint) -> S3Server {
        S3Server {
            config,
            object,
            endpoint,
        }
    }
}

impl Server for S3Server {
    fn respond(&self, _request: &Request) -> Response {
        let _ = (&self.config, self.object, self.endpoint);
        Response::new(500)
    }
}
