//! What the AWS providers beyond S3 share: a JSON tree that remembers where each value was
//! written, the AWS CLI's (botocore's) parameter-validation messages, CloudFormation
//! unwrapping, route matching, and the wording of provenance notes.
//!
//! The providers read the JSON that users paste from the AWS CLI, CloudFormation or an OpenAPI
//! export (spec/aws-other.md). Comments and trailing commas are tolerated, because people paste
//! from annotated docs; everything else must be plain JSON. YAML is not read.

use crate::error::{Error, Span};
use crate::http::{HeaderList, Request};
use crate::server::json_reader::{self, Dialect, Value};
use serde::{Deserialize, Serialize};

/// The most configuration text the AWS providers read (API Gateway's own import limit for an
/// OpenAPI document is larger, but a CORS teaching tool never needs more).
pub const MAX_CONFIG_BYTES: usize = 256 * 1024;

/// The note added to every response shaped by behaviour the spec marks unverified ([U]).
pub const UNVERIFIED: &str = "documented, not verified against AWS";

/// `text` followed by the unverified marker, for a provenance note.
pub fn unverified(text: &str) -> String {
    format!("{text} ({UNVERIFIED})")
}

pub(crate) use crate::error::LineIndex;
pub use crate::error::Spanned;

/// A parsed JSON value with its position.
#[derive(Clone, Debug)]
pub(crate) struct Json {
    pub(crate) kind: JsonKind,
    pub(crate) span: Span,
}

/// The JSON value kinds; objects keep their keys' order and positions.
#[derive(Clone, Debug)]
pub(crate) enum JsonKind {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Span, Json)>),
}

impl Json {
    /// The value of `key` (the last one when a key is repeated, as the AWS CLI's JSON reader
    /// keeps it).
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match &self.kind {
            JsonKind::Object(props) => props.iter().rev().find(|(k, _, _)| k == key).map(|p| &p.2),
            _ => None,
        }
    }

    /// The first of `keys` present.
    pub(crate) fn get_any(&self, keys: &[&str]) -> Option<&Json> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// The properties of an object (empty for anything else).
    pub(crate) fn props(&self) -> &[(String, Span, Json)] {
        match &self.kind {
            JsonKind::Object(props) => props,
            _ => &[],
        }
    }

    pub(crate) fn is_object(&self) -> bool {
        matches!(self.kind, JsonKind::Object(_))
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Json]> {
        match &self.kind {
            JsonKind::Array(a) => Some(a),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            JsonKind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// An integer number (no fraction, no exponent), as i64.
    pub(crate) fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            JsonKind::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The value as Python's `json` module would type it, for botocore's messages.
    pub(crate) fn python_type(&self) -> &'static str {
        match &self.kind {
            JsonKind::Null => "<class 'NoneType'>",
            JsonKind::Bool(_) => "<class 'bool'>",
            JsonKind::Number(n) if n.contains(['.', 'e', 'E']) => "<class 'float'>",
            JsonKind::Number(_) => "<class 'int'>",
            JsonKind::String(_) => "<class 'str'>",
            JsonKind::Array(_) => "<class 'list'>",
            JsonKind::Object(_) => "<class 'dict'>",
        }
    }

    /// The value as botocore prints it in a message (Python's `repr`, roughly).
    pub(crate) fn python_repr(&self) -> String {
        match &self.kind {
            JsonKind::Null => "None".into(),
            JsonKind::Bool(true) => "True".into(),
            JsonKind::Bool(false) => "False".into(),
            JsonKind::Number(n) => n.clone(),
            JsonKind::String(s) => s.clone(),
            JsonKind::Array(a) => format!(
                "[{}]",
                a.iter()
                    .map(|v| match &v.kind {
                        JsonKind::String(s) => format!("'{s}'"),
                        _ => v.python_repr(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            JsonKind::Object(_) => "{...}".into(),
        }
    }

    /// A short description for messages.
    pub(crate) fn json_type(&self) -> &'static str {
        match &self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "a list",
            JsonKind::Object(_) => "an object",
        }
    }
}

/// Parses pasted JSON (comments and trailing commas tolerated) into a located tree.
///
/// `what` names the expected document in the error for text that is not JSON at all.
pub(crate) fn parse_json(text: &str, what: &str) -> Result<Json, Error> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(Error::too_large(format!(
            "the configuration is {} bytes; cors-sim reads at most {MAX_CONFIG_BYTES}",
            text.len()
        )));
    }
    let index = LineIndex::new(text);
    let trimmed = text.trim_start();
    let start = text.len() - trimmed.len();
    match trimmed.as_bytes().first() {
        // A comment may come first: the reader skips it.
        Some(b'{' | b'[' | b'"' | b'/') => {}
        _ => {
            return Err(Error::syntax(
                format!("expected {what} as JSON, starting with {{; YAML is not read, convert it to JSON first"),
                Some(index.span(start)),
            ))
        }
    }
    let value = json_reader::parse(text, Dialect::Lenient).map_err(|e| {
        Error::syntax(
            format!("not valid JSON: {}", e.message),
            Some(index.span(e.offset)),
        )
    })?;
    Ok(convert(&value, &index))
}

/// The reader's tree as [`Json`], places counted in document order (each value's own before
/// its members').
fn convert(v: &Value<'_>, index: &LineIndex<'_>) -> Json {
    let span = index.span(v.start());
    let kind = match v {
        Value::StringLit(s) => JsonKind::String(s.value.to_string()),
        Value::NumberLit(n) => JsonKind::Number(n.value.to_string()),
        Value::BooleanLit(b) => JsonKind::Bool(b.value),
        Value::NullKeyword(_) => JsonKind::Null,
        Value::Array(a) => JsonKind::Array(a.elements.iter().map(|e| convert(e, index)).collect()),
        Value::Object(o) => JsonKind::Object(
            o.properties
                .iter()
                .map(|p| {
                    let key = index.span(p.name_start);
                    (p.name.to_string(), key, convert(&p.value, index))
                })
                .collect(),
        ),
    };
    Json { kind, span }
}

/// botocore's client-side parameter validation error (what `aws … --cli-input-json` or
/// `--cors-configuration` prints before anything reaches AWS).
pub(crate) fn param_validation(message: String, span: Option<Span>) -> Error {
    Error::invalid(
        "ParamValidation",
        format!("Parameter validation failed: {message}"),
        span,
    )
}

/// botocore's "Unknown parameter in X: "K", must be one of: A, B".
pub(crate) fn unknown_parameter(container: &str, key: &str, allowed: &[&str], span: Span) -> Error {
    param_validation(
        format!(
            "Unknown parameter in {container}: \"{key}\", must be one of: {}",
            allowed.join(", ")
        ),
        Some(span),
    )
}

/// botocore's "Invalid type for parameter X, value: V, type: T, valid types: U".
pub(crate) fn invalid_type(path: &str, value: &Json, valid: &str) -> Error {
    param_validation(
        format!(
            "Invalid type for parameter {path}, value: {}, type: {}, valid types: {valid}",
            value.python_repr(),
            value.python_type()
        ),
        Some(value.span),
    )
}

/// botocore's "Missing required parameter in X: "K"".
pub(crate) fn missing_parameter(container: &str, key: &str, span: Span) -> Error {
    param_validation(
        format!("Missing required parameter in {container}: \"{key}\""),
        Some(span),
    )
}

/// Rejects keys of `obj` that are not in `allowed`.
pub(crate) fn check_keys(obj: &Json, container: &str, allowed: &[&str]) -> Result<(), Error> {
    for (k, span, _) in obj.props() {
        if !allowed.contains(&k.as_str()) {
            return Err(unknown_parameter(container, k, allowed, *span));
        }
    }
    Ok(())
}

/// A list of strings, typed as botocore checks it.
pub(crate) fn string_list(value: &Json, path: &str) -> Result<Vec<Spanned<String>>, Error> {
    let Some(items) = value.as_array() else {
        return Err(invalid_type(path, value, "<class 'list'>, <class 'tuple'>"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.as_str() {
            Some(s) => Ok(Spanned {
                value: s.to_string(),
                span: Some(item.span),
            }),
            None => Err(invalid_type(&format!("{path}[{i}]"), item, "<class 'str'>")),
        })
        .collect()
}

/// A boolean, typed as botocore checks it.
pub(crate) fn boolean(value: &Json, path: &str) -> Result<Spanned<bool>, Error> {
    match value.as_bool() {
        Some(b) => Ok(Spanned {
            value: b,
            span: Some(value.span),
        }),
        None => Err(invalid_type(path, value, "<class 'bool'>")),
    }
}

/// An integer, typed as botocore checks it.
pub(crate) fn integer(value: &Json, path: &str) -> Result<Spanned<i64>, Error> {
    match value.as_i64() {
        Some(n) => Ok(Spanned {
            value: n,
            span: Some(value.span),
        }),
        None => Err(invalid_type(path, value, "<class 'int'>")),
    }
}

/// The `Properties` of the CloudFormation resources of type `type_name`, in template order,
/// with their logical IDs: from a template (`Resources`), or from one resource.
pub(crate) fn cfn_resources<'j>(root: &'j Json, type_name: &str) -> Vec<(String, &'j Json)> {
    let mut out = Vec::new();
    if let Some(resources) = root.get("Resources") {
        for (id, _, res) in resources.props() {
            if res.get("Type").and_then(Json::as_str) == Some(type_name) {
                if let Some(p) = res.get("Properties") {
                    out.push((id.clone(), p));
                }
            }
        }
    } else if root.get("Type").and_then(Json::as_str) == Some(type_name) {
        if let Some(p) = root.get("Properties") {
            out.push((String::new(), p));
        }
    }
    out
}

/// A preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`
/// (<https://fetch.spec.whatwg.org/#cors-preflight-request>).
pub(crate) fn is_preflight(request: &Request) -> bool {
    request.method == "OPTIONS"
        && request.headers.contains("origin")
        && request.headers.contains("access-control-request-method")
}

/// The CORS response headers a gateway may add, drop or override.
pub(crate) const CORS_RESPONSE_HEADERS: [&str; 6] = [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
];

/// Whether `name` is one of the CORS response headers.
pub(crate) fn is_cors_response_header(name: &str) -> bool {
    CORS_RESPONSE_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// The path of a request URL (`/` when it cannot be parsed), percent-encoding kept.
pub(crate) fn request_path(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => u.path().to_string(),
        Err(_) => "/".into(),
    }
}

/// The host of a request URL, lowercase.
pub(crate) fn request_host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

/// The names listed in `Access-Control-Request-Headers`, lowercase, in order.
pub(crate) fn requested_headers(headers: &HeaderList) -> Vec<String> {
    headers
        .get("access-control-request-headers")
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// How well a route path template (`/items/{id}`, `/{proxy+}`) matches a request path: `None`
/// when it does not, else a key where a larger value is more specific. Segments are compared
/// left to right: a literal beats `{param}`, which beats a greedy `{proxy+}`, the order API
/// Gateway documents for both REST and HTTP APIs.
pub(crate) fn path_match_score(template: &str, path: &str) -> Option<Vec<u8>> {
    let t: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    let p: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut score = Vec::with_capacity(t.len());
    for (i, seg) in t.iter().enumerate() {
        if seg.starts_with('{') && seg.ends_with("+}") {
            // A greedy variable matches one or more remaining segments and must be last.
            score.push(1);
            return (i + 1 == t.len() && p.len() > i).then_some(score);
        }
        let part = p.get(i)?;
        if seg.starts_with('{') && seg.ends_with('}') {
            score.push(2);
        } else if seg == part {
            score.push(3);
        } else {
            return None;
        }
    }
    score.push(4);
    (t.len() == p.len()).then_some(score)
}

/// The six fields API Gateway HTTP APIs and Lambda function URLs share (`AllowCredentials`,
/// `AllowHeaders`, `AllowMethods`, `AllowOrigins`, `ExposeHeaders`, `MaxAge`), as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsFields {
    /// Where the object starts.
    pub span: Option<Span>,
    /// `AllowCredentials`.
    pub allow_credentials: Option<Spanned<bool>>,
    /// `AllowHeaders`.
    pub allow_headers: Option<Vec<Spanned<String>>>,
    /// `AllowMethods`.
    pub allow_methods: Option<Vec<Spanned<String>>>,
    /// `AllowOrigins`.
    pub allow_origins: Option<Vec<Spanned<String>>>,
    /// `ExposeHeaders`.
    pub expose_headers: Option<Vec<Spanned<String>>>,
    /// `MaxAge`.
    pub max_age: Option<Spanned<i64>>,
}

/// The six field names in PascalCase (CLI, API, CloudFormation).
pub(crate) const PASCAL_FIELDS: [&str; 6] = [
    "AllowCredentials",
    "AllowHeaders",
    "AllowMethods",
    "AllowOrigins",
    "ExposeHeaders",
    "MaxAge",
];

/// The six field names in camelCase (the OpenAPI extension `x-amazon-apigateway-cors`).
pub(crate) const CAMEL_FIELDS: [&str; 6] = [
    "allowCredentials",
    "allowHeaders",
    "allowMethods",
    "allowOrigins",
    "exposeHeaders",
    "maxAge",
];

impl CorsFields {
    /// Reads the six fields from `obj` (PascalCase or camelCase names), with botocore's
    /// messages for unknown names and wrong types; `container` names the object in them.
    pub(crate) fn read(obj: &Json, container: &str, camel: bool) -> Result<CorsFields, Error> {
        let names = if camel { CAMEL_FIELDS } else { PASCAL_FIELDS };
        if !obj.is_object() {
            return Err(invalid_type(container, obj, "<class 'dict'>"));
        }
        check_keys(obj, container, &names)?;
        let path = |i: usize| format!("{container}.{}", names[i]);
        let list = |i: usize| -> Result<Option<Vec<Spanned<String>>>, Error> {
            obj.get(names[i])
                .map(|v| string_list(v, &path(i)))
                .transpose()
        };
        Ok(CorsFields {
            span: Some(obj.span),
            allow_credentials: obj
                .get(names[0])
                .map(|v| boolean(v, &path(0)))
                .transpose()?,
            allow_headers: list(1)?,
            allow_methods: list(2)?,
            allow_origins: list(3)?,
            expose_headers: list(4)?,
            max_age: obj
                .get(names[5])
                .map(|v| integer(v, &path(5)))
                .transpose()?,
        })
    }

    /// Whether credentials are allowed.
    pub fn credentials(&self) -> bool {
        self.allow_credentials.as_ref().is_some_and(|b| b.value)
    }

    /// A list field's values, joined with `,` as the services send them.
    pub(crate) fn joined(list: &Option<Vec<Spanned<String>>>) -> Option<String> {
        list.as_ref().filter(|l| !l.is_empty()).map(|l| {
            l.iter()
                .map(|s| s.value.trim())
                .collect::<Vec<_>>()
                .join(",")
        })
    }

    /// The span of a list field's first item (or of nothing).
    pub(crate) fn first_span(list: &Option<Vec<Spanned<String>>>) -> Option<Span> {
        list.as_ref().and_then(|l| l.first()).and_then(|s| s.span)
    }
}

/// Notes for list items that hold a comma: one item is one name, so `"a,b"` never matches.
pub fn comma_notes(c: &CorsFields, notes: &mut Vec<String>) {
    for (list, name) in [
        (&c.allow_headers, "AllowHeaders"),
        (&c.allow_methods, "AllowMethods"),
        (&c.allow_origins, "AllowOrigins"),
        (&c.expose_headers, "ExposeHeaders"),
    ] {
        for item in list.iter().flatten() {
            if item.value.contains(',') {
                notes.push(format!(
                    "{name} item \"{}\" holds a comma: each list item is one value, so this is treated as one name that nothing matches (serverless-express#508). Write one item per value.",
                    item.value
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_tree_keeps_positions_and_last_duplicate() {
        let j = parse_json("{\n  \"A\": 1,\n  // note\n  \"A\": [\"x\", true],\n}", "x").unwrap();
        let a = j.get("A").unwrap();
        assert_eq!(a.span, Span { line: 4, column: 8 });
        assert_eq!(a.python_repr(), "['x', True]");
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = parse_json("{\n  \"A\": ,\n}", "x").unwrap_err();
        assert_eq!(e.span.map(|s| s.line), Some(2));
        let e = parse_json("A: 1", "an X").unwrap_err();
        assert!(e.message.contains("YAML"), "{}", e.message);
        assert!(parse_json("", "x").is_err());
        let e = parse_json("/ {}", "x").unwrap_err();
        assert_eq!(e.message, "not valid JSON: Expecting value");
    }

    #[test]
    fn a_leading_comment_is_skipped() {
        let j = parse_json("// exported from the console\n/* v2 */ {\"A\": 1}", "x").unwrap();
        assert_eq!(
            j.span,
            Span {
                line: 2,
                column: 10
            }
        );
    }

    #[test]
    fn route_paths_prefer_literal_then_param_then_greedy() {
        let lit = path_match_score("/items/all", "/items/all").unwrap();
        let param = path_match_score("/items/{id}", "/items/all").unwrap();
        let greedy = path_match_score("/{proxy+}", "/items/all").unwrap();
        assert!(
            lit > param && param > greedy,
            "{lit:?} {param:?} {greedy:?}"
        );
        assert_eq!(path_match_score("/items", "/other"), None);
        assert_eq!(path_match_score("/{proxy+}", "/"), None);
        assert!(path_match_score("/", "/").is_some());
        assert_eq!(path_match_score("/items/{id}", "/items"), None);
    }
}
