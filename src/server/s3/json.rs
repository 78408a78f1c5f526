//! The JSON shapes people paste (spec §2.2-2.4), read with every value's place.
//!
//! * `{"CORSRules": [...]}`: `aws s3api put-bucket-cors --cors-configuration`. Before anything
//!   reaches S3 the CLI validates the input against botocore's model and prints
//!   `Parameter validation failed:` followed by one line per problem (botocore `validate.py`
//!   `_format_error`). We report the first problem botocore would print, with code
//!   `ParamValidationError` (botocore's exception), at the offending key or value; for a
//!   rule's missing and unknown members, every such line of that rule, joined on one line.
//! * `[...]`: the S3 console's bare array of rules, same keys. The console's own wording for a
//!   bad key is not documented; we use botocore's lines (same model, same key names).
//! * CloudFormation: `{"CorsRules": [...]}`, `{"CorsConfiguration": {...}}`, a bucket's
//!   `{"Properties": {...}}`, the whole `{"Type": "AWS::S3::Bucket", ...}` resource or a
//!   template with exactly one bucket that has a `CorsConfiguration`. Keys `AllowedHeaders,
//!   AllowedMethods, AllowedOrigins, ExposedHeaders, Id, MaxAge` (spec §2.4). Shape errors use
//!   the resource-schema validator's wording (`#/CorsConfiguration/CorsRules/0: extraneous key
//!   [ExposeHeaders] is not permitted`), code `ValidationError`. UNVERIFIED: that wording is
//!   CloudFormation's usual "Properties validation failed" text, not covered by the spec.
//!
//! The text is read as the CLI's parser, Python's `json` module, reads it
//! ([`Dialect::Python`]): strictly (no comments, trailing commas, single quotes…), with
//! Python's messages, and never nesting deeper than [`json_reader::MAX_DEPTH`].

use super::validate::malformed;
use super::{ConfigFormat, CorsRule, SpanIndex, Spanned};
use crate::error::{Error, Span};
use crate::server::json_reader::{self, Array, Dialect, Object, Value};

/// botocore's exception name, used as the error code of client-side shape errors.
const BOTO_CODE: &str = "ParamValidationError";

/// CloudFormation's error code for a template it refuses.
const CFN_CODE: &str = "ValidationError";

/// Members of botocore's `CORSRule` shape, in model order (botocore lists them in this order in
/// the "must be one of" message).
const BOTO_MEMBERS: [&str; 6] = [
    "ID",
    "AllowedHeaders",
    "AllowedMethods",
    "AllowedOrigins",
    "ExposeHeaders",
    "MaxAgeSeconds",
];

/// `required` of botocore's `CORSRule` shape, in model order.
const BOTO_REQUIRED: [&str; 2] = ["AllowedMethods", "AllowedOrigins"];

/// Properties of CloudFormation's `CorsRule`.
const CFN_MEMBERS: [&str; 6] = [
    "AllowedHeaders",
    "AllowedMethods",
    "AllowedOrigins",
    "ExposedHeaders",
    "Id",
    "MaxAge",
];

/// The parsed rules, their shape, and where the list of rules starts.
pub struct ParsedJson {
    /// Which shape.
    pub format: ConfigFormat,
    /// The rules, values as written.
    pub rules: Vec<CorsRule>,
    /// Where the list of rules starts (for "no rule" errors).
    pub list_span: Option<Span>,
}

/// Reads one of the JSON shapes.
pub fn parse(text: &str, index: &SpanIndex<'_>) -> Result<ParsedJson, Error> {
    let root = json_reader::parse(text, Dialect::Python).map_err(|e| {
        Error::syntax(
            format!("the JSON is not well-formed: {}", e.message),
            Some(index.span(e.offset)),
        )
    })?;
    let mut reader = Reader {
        index,
        deferred: None,
    };
    let result = match &root {
        Value::Array(list) => {
            // The console's bare array. UNVERIFIED (spec §2.3): whether the console accepts
            // "ID"; we accept it, the shape being the same as the API's.
            let list_span = Some(index.span(list.start));
            let rules = reader.boto_rules(list)?;
            ParsedJson {
                format: ConfigFormat::ConsoleJson,
                rules,
                list_span,
            }
        }
        Value::Object(obj) => reader.object_root(obj)?,
        other => {
            return Err(Error::syntax(
                "expected a JSON object or array",
                Some(index.span(other.start())),
            ))
        }
    };
    // S3 sees a document only once the client accepted the whole input.
    if let Some(e) = reader.deferred {
        return Err(e);
    }
    Ok(result)
}

/// One property as Python's `json` module keeps it: the last value of a repeated key, at the
/// place of the first.
struct Prop<'v, 'a> {
    name: &'v str,
    key_start: usize,
    value: &'v Value<'a>,
}

fn props<'v, 'a>(obj: &'v Object<'a>) -> Vec<Prop<'v, 'a>> {
    let mut out: Vec<Prop<'v, 'a>> = Vec::new();
    for p in &obj.properties {
        let name = p.name.as_ref();
        let key_start = p.name_start;
        match out.iter_mut().find(|q| q.name == name) {
            Some(existing) => existing.value = &p.value,
            None => out.push(Prop {
                name,
                key_start,
                value: &p.value,
            }),
        }
    }
    out
}

fn get<'v, 'a>(props: &[Prop<'v, 'a>], name: &str) -> Option<&'v Value<'a>> {
    props.iter().find(|p| p.name == name).map(|p| p.value)
}

/// Reads every element of `list` with `read`, stopping at the first error, into a vector
/// allocated once at its final size (collecting `Result`s cannot know the size up front).
fn each<T>(
    list: &Array<'_>,
    mut read: impl FnMut(usize, &Value<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut out = Vec::with_capacity(list.elements.len());
    for (i, v) in list.elements.iter().enumerate() {
        out.push(read(i, v)?);
    }
    Ok(out)
}

/// Where a value sits, as botocore (`CORSConfiguration.CORSRules[0].AllowedOrigins[1]`) or
/// CloudFormation (`#/CorsConfiguration/CorsRules/0/AllowedOrigins/1`) names it in a message.
/// Written out only when an error quotes it: most values never need their path.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root(&'static str),
    /// botocore's `.Member`.
    Dot(&'p Path<'p>, &'p str),
    /// botocore's `[index]`.
    Bracket(&'p Path<'p>, usize),
    /// CloudFormation's `/Member`.
    Slash(&'p Path<'p>, &'p str),
    /// CloudFormation's `/index`.
    SlashIndex(&'p Path<'p>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root(root) => f.write_str(root),
            Path::Dot(parent, name) => write!(f, "{parent}.{name}"),
            Path::Bracket(parent, i) => write!(f, "{parent}[{i}]"),
            Path::Slash(parent, name) => write!(f, "{parent}/{name}"),
            Path::SlashIndex(parent, i) => write!(f, "{parent}/{i}"),
        }
    }
}

/// Walks the value tree, remembering the first error S3 (not the client) would raise.
struct Reader<'i, 't> {
    index: &'i SpanIndex<'t>,
    /// A value the client lets through but S3 refuses (`MaxAgeSeconds: true` is sent as
    /// `True`): reported only once the whole input passed the client's check.
    deferred: Option<Error>,
}

impl Reader<'_, '_> {
    fn span(&self, offset: usize) -> Option<Span> {
        Some(self.index.span(offset))
    }

    fn defer(&mut self, e: Error) {
        if self.deferred.is_none() {
            self.deferred = Some(e);
        }
    }

    /// A top-level object: s3api, or one of the CloudFormation containers.
    fn object_root(&mut self, obj: &Object<'_>) -> Result<ParsedJson, Error> {
        let top = props(obj);
        let has = |k: &str| top.iter().any(|p| p.name == k);
        if has("CORSRules") {
            return self.s3api(obj);
        }
        if has("CorsRules") {
            return self.cfn_configuration(obj);
        }
        if has("CorsConfiguration") {
            return self.cfn_properties(obj);
        }
        if has("Properties") || has("Type") {
            return self.cfn_resource(obj, None);
        }
        if has("Resources") {
            return self.cfn_template(obj);
        }
        // Anything else is read as the CLI would read it, so a typo gets the CLI's answer.
        self.s3api(obj)
    }

    // ---- botocore (s3api and console) ---------------------------------------------------

    fn boto_error(&self, message: String, offset: usize) -> Error {
        Error::invalid(BOTO_CODE, message, self.span(offset))
    }

    fn boto_type_error(&self, path: &Path<'_>, value: &Value<'_>, valid: &str) -> Error {
        self.boto_error(
            format!(
                "Invalid type for parameter {path}, value: {}, type: {}, valid types: {valid}",
                py_str(value),
                py_type(value)
            ),
            value.start(),
        )
    }

    fn s3api(&mut self, obj: &Object<'_>) -> Result<ParsedJson, Error> {
        let top = props(obj);
        let rules_value = get(&top, "CORSRules");
        if rules_value.is_none() {
            return Err(self.boto_error(
                "Missing required parameter in CORSConfiguration: \"CORSRules\"".into(),
                obj.start,
            ));
        }
        if let Some(unknown) = top.iter().find(|p| p.name != "CORSRules") {
            return Err(self.boto_error(
                format!(
                    "Unknown parameter in CORSConfiguration: \"{}\", must be one of: CORSRules",
                    unknown.name
                ),
                unknown.key_start,
            ));
        }
        let Some(value) = rules_value else {
            return Err(self.boto_error("missing CORSRules".into(), obj.start));
        };
        let Value::Array(list) = value else {
            return Err(self.boto_type_error(
                &Path::Root("CORSConfiguration.CORSRules"),
                value,
                "<class 'list'>, <class 'tuple'>",
            ));
        };
        // Places are counted on in document order: the list's first.
        let list_span = self.span(list.start);
        let rules = self.boto_rules(list)?;
        Ok(ParsedJson {
            format: ConfigFormat::S3apiJson,
            rules,
            list_span,
        })
    }

    fn boto_rules(&mut self, list: &Array<'_>) -> Result<Vec<CorsRule>, Error> {
        each(list, |i, v| {
            let path = Path::Bracket(&Path::Root("CORSConfiguration.CORSRules"), i);
            self.boto_rule(v, &path)
        })
    }

    /// One rule, checked in botocore's order: required members, unknown members, then each
    /// member's type in the order written.
    fn boto_rule(&mut self, value: &Value<'_>, path: &Path<'_>) -> Result<CorsRule, Error> {
        let Value::Object(obj) = value else {
            return Err(self.boto_type_error(path, value, "<class 'dict'>"));
        };
        let members = props(obj);
        // botocore reports every missing member, then every unknown one, a line each; they
        // are joined on one line here. The first unknown key is where the error points: it is
        // usually the typo behind a missing member ("AllowedMethod" for "AllowedMethods").
        let mut lines: Vec<String> = BOTO_REQUIRED
            .iter()
            .filter(|required| get(&members, required).is_none())
            .map(|required| format!("Missing required parameter in {path}: \"{required}\""))
            .collect();
        let unknown: Vec<_> = members
            .iter()
            .filter(|p| !BOTO_MEMBERS.contains(&p.name))
            .collect();
        lines.extend(unknown.iter().map(|p| {
            format!(
                "Unknown parameter in {path}: \"{}\", must be one of: {}",
                p.name,
                BOTO_MEMBERS.join(", ")
            )
        }));
        if !lines.is_empty() {
            let at = unknown.first().map_or(obj.start, |p| p.key_start);
            return Err(self.boto_error(lines.join("; "), at));
        }
        let mut rule = CorsRule::empty(self.span(obj.start));
        for p in &members {
            let member_path = Path::Dot(path, p.name);
            match p.name {
                "ID" => rule.id = Some(self.boto_string(p.value, &member_path)?),
                "AllowedHeaders" => {
                    rule.allowed_headers = self.boto_strings(p.value, &member_path)?
                }
                "AllowedMethods" => {
                    rule.allowed_methods = self.boto_strings(p.value, &member_path)?
                }
                "AllowedOrigins" => {
                    rule.allowed_origins = self.boto_strings(p.value, &member_path)?
                }
                "ExposeHeaders" => {
                    rule.expose_headers = self.boto_strings(p.value, &member_path)?
                }
                "MaxAgeSeconds" => {
                    rule.max_age_seconds = self.boto_integer(p.value, &member_path)?
                }
                _ => {}
            }
        }
        Ok(rule)
    }

    fn boto_string(&self, value: &Value<'_>, path: &Path<'_>) -> Result<Spanned<String>, Error> {
        match value {
            Value::StringLit(s) => Ok(Spanned::new(s.value.to_string(), self.span(s.start))),
            other => Err(self.boto_type_error(path, other, "<class 'str'>")),
        }
    }

    fn boto_strings(
        &self,
        value: &Value<'_>,
        path: &Path<'_>,
    ) -> Result<Vec<Spanned<String>>, Error> {
        let Value::Array(list) = value else {
            return Err(self.boto_type_error(path, value, "<class 'list'>, <class 'tuple'>"));
        };
        each(list, |i, v| self.boto_string(v, &Path::Bracket(path, i)))
    }

    /// botocore accepts any Python `int`, `bool` included (it is a subclass); S3 then refuses
    /// what does not fit its 32-bit `int` schema type, and the text `True`.
    fn boto_integer(
        &mut self,
        value: &Value<'_>,
        path: &Path<'_>,
    ) -> Result<Option<Spanned<i64>>, Error> {
        match value {
            Value::NumberLit(n) if is_integer_literal(n.value) => {
                let span = self.span(n.start);
                match n.value.parse::<i64>() {
                    Ok(v) => Ok(Some(Spanned::new(v, span))),
                    Err(_) => {
                        self.defer(malformed(span));
                        Ok(None)
                    }
                }
            }
            Value::BooleanLit(b) => {
                self.defer(malformed(self.span(b.start)));
                Ok(None)
            }
            other => Err(self.boto_type_error(path, other, "<class 'int'>")),
        }
    }

    // ---- CloudFormation --------------------------------------------------------------------

    fn cfn_error(&self, message: String, offset: usize) -> Error {
        Error::invalid(CFN_CODE, message, self.span(offset))
    }

    fn cfn_type_error(&self, path: &Path<'_>, value: &Value<'_>, expected: &str) -> Error {
        if let Some(name) = intrinsic(value) {
            return Error::scenario(
                format!("{name} is a CloudFormation intrinsic function that cors-sim cannot evaluate; paste the resolved value instead"),
                self.span(value.start()),
            );
        }
        self.cfn_error(
            format!(
                "{path}: expected type: {expected}, found: {}",
                everit_type(value)
            ),
            value.start(),
        )
    }

    /// A whole template: the one `AWS::S3::Bucket` with a `CorsConfiguration`.
    fn cfn_template(&mut self, obj: &Object<'_>) -> Result<ParsedJson, Error> {
        let top = props(obj);
        let Some(Value::Object(resources)) = get(&top, "Resources") else {
            return Err(Error::scenario(
                "expected \"Resources\" to be an object of CloudFormation resources",
                self.span(obj.start),
            ));
        };
        let buckets: Vec<(&str, &Object<'_>)> = props(resources)
            .into_iter()
            .filter_map(|p| match p.value {
                Value::Object(res) => {
                    let fields = props(res);
                    let is_bucket = matches!(get(&fields, "Type"), Some(Value::StringLit(t)) if t.value == "AWS::S3::Bucket");
                    let has_cors = matches!(get(&fields, "Properties"), Some(Value::Object(pr)) if props(pr).iter().any(|q| q.name == "CorsConfiguration"));
                    (is_bucket && has_cors).then_some((p.name, res))
                }
                _ => None,
            })
            .collect();
        match buckets.as_slice() {
            [(name, res)] => self.cfn_resource(res, Some(name)),
            [] => Err(Error::scenario(
                "the template has no AWS::S3::Bucket with a CorsConfiguration",
                self.span(resources.start),
            )),
            many => Err(Error::scenario(
                format!(
                    "the template has {} buckets with a CorsConfiguration ({}); paste the CorsConfiguration of one",
                    many.len(),
                    many.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ),
                self.span(resources.start),
            )),
        }
    }

    /// `{"Type": "AWS::S3::Bucket", "Properties": {...}}` or a bare `{"Properties": {...}}`.
    fn cfn_resource(&mut self, obj: &Object<'_>, _name: Option<&str>) -> Result<ParsedJson, Error> {
        let fields = props(obj);
        if let Some(Value::StringLit(t)) = get(&fields, "Type") {
            if t.value != "AWS::S3::Bucket" {
                return Err(Error::scenario(
                    format!("this is a {} resource; cors-sim reads the CorsConfiguration of an AWS::S3::Bucket", t.value),
                    self.span(t.start),
                ));
            }
        }
        match get(&fields, "Properties") {
            Some(Value::Object(properties)) => self.cfn_properties(properties),
            _ => Err(Error::scenario(
                "expected the bucket's \"Properties\" object with a CorsConfiguration",
                self.span(obj.start),
            )),
        }
    }

    /// A bucket's `Properties`: only `CorsConfiguration` matters here.
    fn cfn_properties(&mut self, obj: &Object<'_>) -> Result<ParsedJson, Error> {
        let fields = props(obj);
        match get(&fields, "CorsConfiguration") {
            Some(Value::Object(cors)) => self.cfn_configuration(cors),
            Some(other) => Err(self.cfn_type_error(&Path::Root("#/CorsConfiguration"), other, "JSONObject")),
            None => Err(Error::scenario(
                "this bucket has no CorsConfiguration (a bucket without one answers no CORS request); paste null to simulate that",
                self.span(obj.start),
            )),
        }
    }

    /// `CorsConfiguration`: `{"CorsRules": [...]}`.
    fn cfn_configuration(&mut self, obj: &Object<'_>) -> Result<ParsedJson, Error> {
        let fields = props(obj);
        let Some(list_value) = get(&fields, "CorsRules") else {
            return Err(self.cfn_error(
                "#/CorsConfiguration: required key [CorsRules] not found".into(),
                obj.start,
            ));
        };
        if let Some(extra) = fields.iter().find(|p| p.name != "CorsRules") {
            return Err(self.cfn_error(
                format!(
                    "#/CorsConfiguration: extraneous key [{}] is not permitted",
                    extra.name
                ),
                extra.key_start,
            ));
        }
        let Value::Array(list) = list_value else {
            return Err(self.cfn_type_error(
                &Path::Root("#/CorsConfiguration/CorsRules"),
                list_value,
                "JSONArray",
            ));
        };
        let list_span = self.span(list.start);
        let rules = each(list, |i, v| {
            let path = Path::SlashIndex(&Path::Root("#/CorsConfiguration/CorsRules"), i);
            self.cfn_rule(v, &path)
        })?;
        Ok(ParsedJson {
            format: ConfigFormat::CloudFormation,
            rules,
            list_span,
        })
    }

    fn cfn_rule(&mut self, value: &Value<'_>, path: &Path<'_>) -> Result<CorsRule, Error> {
        let Value::Object(obj) = value else {
            return Err(self.cfn_type_error(path, value, "JSONObject"));
        };
        let members = props(obj);
        for required in BOTO_REQUIRED {
            if get(&members, required).is_none() {
                return Err(self.cfn_error(
                    format!("{path}: required key [{required}] not found"),
                    obj.start,
                ));
            }
        }
        if let Some(extra) = members.iter().find(|p| !CFN_MEMBERS.contains(&p.name)) {
            return Err(self.cfn_error(
                format!("{path}: extraneous key [{}] is not permitted", extra.name),
                extra.key_start,
            ));
        }
        let mut rule = CorsRule::empty(self.span(obj.start));
        for p in &members {
            let member_path = Path::Slash(path, p.name);
            match p.name {
                "Id" => rule.id = Some(self.cfn_string(p.value, &member_path)?),
                "AllowedHeaders" => {
                    rule.allowed_headers = self.cfn_strings(p.value, &member_path)?
                }
                "AllowedMethods" => {
                    rule.allowed_methods = self.cfn_strings(p.value, &member_path)?
                }
                "AllowedOrigins" => {
                    rule.allowed_origins = self.cfn_strings(p.value, &member_path)?
                }
                "ExposedHeaders" => {
                    rule.expose_headers = self.cfn_strings(p.value, &member_path)?
                }
                "MaxAge" => rule.max_age_seconds = Some(self.cfn_integer(p.value, &member_path)?),
                _ => {}
            }
        }
        Ok(rule)
    }

    fn cfn_string(&self, value: &Value<'_>, path: &Path<'_>) -> Result<Spanned<String>, Error> {
        match value {
            Value::StringLit(s) => Ok(Spanned::new(s.value.to_string(), self.span(s.start))),
            other => Err(self.cfn_type_error(path, other, "String")),
        }
    }

    fn cfn_strings(
        &self,
        value: &Value<'_>,
        path: &Path<'_>,
    ) -> Result<Vec<Spanned<String>>, Error> {
        let Value::Array(list) = value else {
            return Err(self.cfn_type_error(path, value, "JSONArray"));
        };
        each(list, |i, v| self.cfn_string(v, &Path::SlashIndex(path, i)))
    }

    /// An integer, or a string of digits: CloudFormation converts template strings to the
    /// schema's integer type (UNVERIFIED, widely relied upon in YAML templates).
    fn cfn_integer(&mut self, value: &Value<'_>, path: &Path<'_>) -> Result<Spanned<i64>, Error> {
        let (text, start) = match value {
            Value::NumberLit(n) if is_integer_literal(n.value) => (n.value.to_string(), n.start),
            Value::StringLit(s) if super::xml::parse_xs_int(&s.value).is_some() => {
                (s.value.trim().to_string(), s.start)
            }
            other => return Err(self.cfn_type_error(path, other, "Integer")),
        };
        match super::xml::parse_xs_int(&text) {
            Some(v) => Ok(Spanned::new(v, self.span(start))),
            None => Err(malformed(self.span(start))),
        }
    }
}

/// `Ref`, `Fn::Sub`, … when `value` is a CloudFormation intrinsic function call.
fn intrinsic(value: &Value<'_>) -> Option<String> {
    let Value::Object(obj) = value else {
        return None;
    };
    let [only] = obj.properties.as_slice() else {
        return None;
    };
    let name = only.name.to_string();
    (name == "Ref" || name == "Condition" || name.starts_with("Fn::")).then_some(name)
}

/// A JSON number that Python's `json` reads as an `int` (not a fraction, an exponent, `NaN`
/// or `Infinity`).
fn is_integer_literal(text: &str) -> bool {
    !text.contains(['.', 'e', 'E']) && text.ends_with(|c: char| c.is_ascii_digit())
}

/// The type names of CloudFormation's schema validator messages.
fn everit_type(value: &Value<'_>) -> &'static str {
    match value {
        Value::StringLit(_) => "String",
        Value::NumberLit(n) if is_integer_literal(n.value) => "Integer",
        Value::NumberLit(_) => "Number",
        Value::BooleanLit(_) => "Boolean",
        Value::Object(_) => "JSONObject",
        Value::Array(_) => "JSONArray",
        Value::NullKeyword(_) => "Null",
    }
}

/// `str(type(v))` of the Python value `json.loads` makes of `value`.
fn py_type(value: &Value<'_>) -> &'static str {
    match value {
        Value::StringLit(_) => "<class 'str'>",
        Value::NumberLit(n) if is_integer_literal(n.value) => "<class 'int'>",
        Value::NumberLit(_) => "<class 'float'>",
        Value::BooleanLit(_) => "<class 'bool'>",
        Value::Object(_) => "<class 'dict'>",
        Value::Array(_) => "<class 'list'>",
        Value::NullKeyword(_) => "<class 'NoneType'>",
    }
}

/// `'%s' % v` of the Python value: a string as itself, anything else as its `repr`.
fn py_str(value: &Value<'_>) -> String {
    match value {
        Value::StringLit(s) => s.value.to_string(),
        other => py_repr(other),
    }
}

/// Python's `repr` of the value `json.loads` makes.
fn py_repr(value: &Value<'_>) -> String {
    match value {
        Value::StringLit(s) => py_str_repr(&s.value),
        Value::NumberLit(n) if is_integer_literal(n.value) => {
            let digits = n.value.trim_start_matches('-');
            let digits = digits.trim_start_matches('0');
            match (n.value.starts_with('-'), digits.is_empty()) {
                (_, true) => "0".into(),
                (true, false) => format!("-{digits}"),
                (false, false) => digits.to_string(),
            }
        }
        Value::NumberLit(n) => py_float_repr(n.value.parse::<f64>().unwrap_or(f64::NAN)),
        Value::BooleanLit(b) => if b.value { "True" } else { "False" }.into(),
        Value::NullKeyword(_) => "None".into(),
        Value::Array(a) => format!(
            "[{}]",
            a.elements
                .iter()
                .map(py_repr)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(o) => format!(
            "{{{}}}",
            props(o)
                .iter()
                .map(|p| format!("{}: {}", py_str_repr(p.name), py_repr(p.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Python's `repr` of a `str`: single quotes unless the text has a `'` and no `"`.
fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr` of a `float`: shortest round-trip digits, `.0` on integral values,
/// exponent form below 1e-4 and from 1e16 (`1e+16`, `1e-05`).
fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e16).contains(&abs) {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    let s = format!("{f}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn parse_text(text: &str) -> Result<ParsedJson, Error> {
        parse(text, &SpanIndex::new(text))
    }

    fn sp(line: u32, column: u32) -> Option<Span> {
        Some(Span { line, column })
    }

    #[test]
    fn s3api_values_keep_their_places() {
        let text = "{\"CORSRules\": [\n  {\"ID\": \"r1\",\n   \"AllowedOrigins\": [\"https://a.example\", \"*\"],\n   \"AllowedMethods\": [\"GET\"],\n   \"AllowedHeaders\": [],\n   \"ExposeHeaders\": [\"ETag\"],\n   \"MaxAgeSeconds\": 3000}\n]}";
        let parsed = parse_text(text).unwrap();
        assert_eq!(parsed.format, ConfigFormat::S3apiJson);
        assert_eq!(parsed.list_span, sp(1, 15));
        let r = &parsed.rules[0];
        assert_eq!(r.span, sp(2, 3));
        assert_eq!(r.id.as_ref().unwrap().span, sp(2, 10));
        assert_eq!(r.allowed_origins[1].value, "*");
        assert_eq!(r.allowed_origins[1].span, sp(3, 44));
        assert!(r.allowed_headers.is_empty());
        assert_eq!(r.max_age_seconds.as_ref().unwrap().value, 3000);
        assert_eq!(r.max_age_seconds.as_ref().unwrap().span, sp(7, 21));
    }

    #[test]
    fn botocore_messages_for_shape_errors() {
        let cases = [
            (
                r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"ExposedHeaders":["ETag"]}]}"#,
                "Unknown parameter in CORSConfiguration.CORSRules[0]: \"ExposedHeaders\", must be one of: ID, AllowedHeaders, AllowedMethods, AllowedOrigins, ExposeHeaders, MaxAgeSeconds",
                sp(1, 64),
            ),
            (
                r#"{"CORSRules":[{"AllowedOrigins":["*"]}]}"#,
                "Missing required parameter in CORSConfiguration.CORSRules[0]: \"AllowedMethods\"",
                sp(1, 15),
            ),
            (
                r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethod":["GET"]}]}"#,
                "Missing required parameter in CORSConfiguration.CORSRules[0]: \"AllowedMethods\"; Unknown parameter in CORSConfiguration.CORSRules[0]: \"AllowedMethod\", must be one of: ID, AllowedHeaders, AllowedMethods, AllowedOrigins, ExposeHeaders, MaxAgeSeconds",
                sp(1, 39),
            ),
            (
                r#"{"CORSRules":[{"Origins":["*"]}]}"#,
                "Missing required parameter in CORSConfiguration.CORSRules[0]: \"AllowedMethods\"; Missing required parameter in CORSConfiguration.CORSRules[0]: \"AllowedOrigins\"; Unknown parameter in CORSConfiguration.CORSRules[0]: \"Origins\", must be one of: ID, AllowedHeaders, AllowedMethods, AllowedOrigins, ExposeHeaders, MaxAgeSeconds",
                sp(1, 16),
            ),
            (
                r#"{"CORSRules":[{"AllowedOrigins":"*","AllowedMethods":["GET"]}]}"#,
                "Invalid type for parameter CORSConfiguration.CORSRules[0].AllowedOrigins, value: *, type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>",
                sp(1, 33),
            ),
            (
                r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"MaxAgeSeconds":"3000"}]}"#,
                "Invalid type for parameter CORSConfiguration.CORSRules[0].MaxAgeSeconds, value: 3000, type: <class 'str'>, valid types: <class 'int'>",
                sp(1, 80),
            ),
            (
                r#"{"CORSRules":[{"AllowedOrigins":[1],"AllowedMethods":["GET"]}]}"#,
                "Invalid type for parameter CORSConfiguration.CORSRules[0].AllowedOrigins[0], value: 1, type: <class 'int'>, valid types: <class 'str'>",
                sp(1, 34),
            ),
            (
                r#"{"CORSConfiguration":{"CORSRules":[]}}"#,
                "Missing required parameter in CORSConfiguration: \"CORSRules\"",
                sp(1, 1),
            ),
            (
                r#"{"CORSRules":[],"Rules":[]}"#,
                "Unknown parameter in CORSConfiguration: \"Rules\", must be one of: CORSRules",
                sp(1, 17),
            ),
            (
                r#"{"CORSRules":{"AllowedOrigins":["*"]}}"#,
                "Invalid type for parameter CORSConfiguration.CORSRules, value: {'AllowedOrigins': ['*']}, type: <class 'dict'>, valid types: <class 'list'>, <class 'tuple'>",
                sp(1, 14),
            ),
            (
                r#"[["GET"]]"#,
                "Invalid type for parameter CORSConfiguration.CORSRules[0], value: ['GET'], type: <class 'list'>, valid types: <class 'dict'>",
                sp(1, 2),
            ),
        ];
        for (text, message, span) in cases {
            let e = parse_text(text)
                .err()
                .unwrap_or_else(|| panic!("{text} parsed"));
            assert_eq!(e.code(), Some(BOTO_CODE), "{text}");
            assert_eq!(e.message, message, "{text}");
            assert_eq!(e.span, span, "{text}");
        }
    }

    #[test]
    fn values_botocore_passes_but_s3_refuses_are_malformed_xml() {
        for text in [
            r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"MaxAgeSeconds":true}]}"#,
            r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"MaxAgeSeconds":99999999999999999999}]}"#,
        ] {
            let e = parse_text(text).err().unwrap();
            assert_eq!(e.code(), Some("MalformedXML"), "{text}");
            assert_eq!(e.span, sp(1, 80), "{text}");
        }
    }

    #[test]
    fn cloudformation_shapes_map_their_keys() {
        let rule = r#"{"Id":"cfn","AllowedOrigins":["https://a.example"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*"],"ExposedHeaders":["ETag"],"MaxAge":"600"}"#;
        let texts = [
            format!(r#"{{"CorsRules":[{rule}]}}"#),
            format!(r#"{{"CorsConfiguration":{{"CorsRules":[{rule}]}}}}"#),
            format!(
                r#"{{"Properties":{{"BucketName":"b","CorsConfiguration":{{"CorsRules":[{rule}]}}}}}}"#
            ),
            format!(
                r#"{{"Type":"AWS::S3::Bucket","Properties":{{"CorsConfiguration":{{"CorsRules":[{rule}]}}}}}}"#
            ),
            format!(
                r#"{{"AWSTemplateFormatVersion":"2010-09-09","Resources":{{"Logs":{{"Type":"AWS::S3::Bucket"}},"Site":{{"Type":"AWS::S3::Bucket","Properties":{{"CorsConfiguration":{{"CorsRules":[{rule}]}}}}}}}}}}"#
            ),
        ];
        for text in texts {
            let parsed = parse_text(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.format, ConfigFormat::CloudFormation);
            let r = &parsed.rules[0];
            assert_eq!(r.id_text(), Some("cfn"));
            assert_eq!(r.expose_headers[0].value, "ETag");
            assert_eq!(r.max_age_seconds.as_ref().unwrap().value, 600);
            assert_eq!(r.allowed_methods.len(), 2);
        }
    }

    #[test]
    fn cloudformation_shape_errors() {
        let cases = [
            (
                r#"{"CorsRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"ExposeHeaders":["ETag"]}]}"#,
                "#/CorsConfiguration/CorsRules/0: extraneous key [ExposeHeaders] is not permitted",
            ),
            (
                r#"{"CorsRules":[{"AllowedOrigins":["*"]}]}"#,
                "#/CorsConfiguration/CorsRules/0: required key [AllowedMethods] not found",
            ),
            (
                r#"{"CorsRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"MaxAge":"soon"}]}"#,
                "#/CorsConfiguration/CorsRules/0/MaxAge: expected type: Integer, found: String",
            ),
        ];
        for (text, message) in cases {
            let e = parse_text(text).err().unwrap();
            assert_eq!(e.code(), Some(CFN_CODE), "{text}");
            assert_eq!(e.message, message);
        }
        let e = parse_text(r#"{"CorsRules":[{"AllowedOrigins":[{"Fn::Sub":"https://${Domain}"}],"AllowedMethods":["GET"]}]}"#).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Scenario);
        assert!(e.message.contains("Fn::Sub"), "{}", e.message);
        let two = r#"{"Resources":{"A":{"Type":"AWS::S3::Bucket","Properties":{"CorsConfiguration":{"CorsRules":[]}}},"B":{"Type":"AWS::S3::Bucket","Properties":{"CorsConfiguration":{"CorsRules":[]}}}}}"#;
        assert!(parse_text(two).err().unwrap().message.contains("A, B"));
    }

    #[test]
    fn strict_json_syntax_errors_are_located() {
        let cases = [
            ("{\"CORSRules\": [,]}", sp(1, 16)),
            ("[{\"AllowedOrigins\": [\"*\"],}]", sp(1, 26)),
            ("// c\n[]", sp(1, 1)),
            ("{\"CORSRules\": [\n  {'ID': 1}]}", sp(2, 4)),
        ];
        for (text, span) in cases {
            let e = parse_text(text).err().unwrap();
            assert_eq!(e.kind, ErrorKind::Syntax, "{text}: {e}");
            assert_eq!(e.span, span, "{text}: {e}");
        }
    }

    #[test]
    fn deep_nesting_fails_fast_without_recursing() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse_text(&text).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert_eq!(e.span, sp(1, 65));
        // Brackets inside strings do not count.
        let inside = format!(
            "[{{\"ID\":\"{}\",\"AllowedOrigins\":[\"*\"],\"AllowedMethods\":[\"GET\"]}}]",
            "[".repeat(100)
        );
        assert!(parse_text(&inside).is_ok());
        // Nor do brackets after escaped quotes and backslashes inside strings.
        let deep = "[".repeat(json_reader::MAX_DEPTH + 1);
        for text in [
            format!("[{{\"ID\": \"\\\"{deep}\", \"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"GET\"]}}]"),
            format!("[{{\"ID\": \"\\\\\", \"AllowedOrigins\": [\"{deep}\"], \"AllowedMethods\": [\"GET\"]}}]"),
        ] {
            assert!(parse_text(&text).is_ok(), "{text}");
        }
        // After an escaped backslash the quote closes the string, so what follows nests.
        let e = parse_text(&format!("[\"\\\\\",{deep}")).err().unwrap();
        assert!(e.message.contains("nests deeper"), "{}", e.message);
        assert_eq!(e.span, sp(1, json_reader::MAX_DEPTH as u32 + 6));
    }

    #[test]
    fn python_reads_nan_and_infinity_as_floats_botocore_refuses() {
        for (value, repr) in [("NaN", "nan"), ("Infinity", "inf"), ("-Infinity", "-inf")] {
            let text = format!("[{{\"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"GET\"], \"MaxAgeSeconds\": {value}}}]");
            let e = parse_text(&text).err().unwrap();
            assert_eq!(e.code(), Some(BOTO_CODE), "{text}");
            assert_eq!(e.message, format!("Invalid type for parameter CORSConfiguration.CORSRules[0].MaxAgeSeconds, value: {repr}, type: <class 'float'>, valid types: <class 'int'>"));
        }
    }

    #[test]
    fn python_reprs() {
        assert_eq!(py_str_repr("it's"), "\"it's\"");
        assert_eq!(py_str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_str_repr("x\ny"), "'x\\ny'");
        assert_eq!(py_float_repr(3000.0), "3000.0");
        assert_eq!(py_float_repr(1.5), "1.5");
        assert_eq!(py_float_repr(1e16), "1e+16");
        assert_eq!(py_float_repr(0.00001), "1e-05");
        assert_eq!(py_float_repr(0.0001), "0.0001");
    }
}
