//! Amazon S3 bucket CORS (spec/s3-cors.md): parse, validate, respond.
//!
//! One concept per module:
//!
//! * [`xml`]: the `<CORSConfiguration>` wire format, parsed with spans and written back;
//! * [`json`]: the JSON shapes people paste (s3api, console, CloudFormation), with the
//!   client-side messages the AWS CLI or CloudFormation would print;
//! * [`validate`]: what PutBucketCors itself rejects, with S3's codes and messages;
//! * [`matching`]: origin and header wildcard matching, `Access-Control-Request-Headers` parsing;
//! * [`evaluate`]: choosing the rule, explaining the misses, building the CORS headers;
//! * [`endpoint`]: which bucket and key a URL names;
//! * [`operation`]: what S3 answers apart from CORS;
//! * [`wire`]: error bodies, request ids, synthetic object metadata;
//! * [`respond`]: the decision order of spec §3 that ties them together.

mod endpoint;
mod evaluate;
mod json;
mod matching;
mod operation;
mod respond;
mod validate;
mod wire;
mod xml;

pub use endpoint::{parse_target, unreachable, Addressing, Target};
pub use evaluate::{grant, select_rule, Grant, Query, Selection};
pub use matching::{header_matches, origin_matches, parse_request_headers};
pub use validate::{ALLOWED_METHODS, MALFORMED_XML_MESSAGE, MAX_DOCUMENT_BYTES, MAX_RULES};
pub use xml::to_xml;

use crate::error::{Error, Span};
use crate::http::{Request, Response, Server};
use crate::scenario::{Endpoint, ObjectState};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use crate::error::Spanned;

impl<T> Spanned<T> {
    /// A value written at `span`.
    pub fn new(value: T, span: Option<Span>) -> Spanned<T> {
        Spanned { value, span }
    }
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

impl CorsRule {
    /// An empty rule starting at `span` (the parsers fill it in).
    pub fn empty(span: Option<Span>) -> CorsRule {
        CorsRule {
            span,
            id: None,
            allowed_origins: Vec::new(),
            allowed_methods: Vec::new(),
            allowed_headers: Vec::new(),
            expose_headers: Vec::new(),
            max_age_seconds: None,
        }
    }

    /// The `ID` text, when the rule has one.
    pub fn id_text(&self) -> Option<&str> {
        self.id.as_ref().map(|s| s.value.as_str())
    }
}

/// A parsed, validated bucket CORS configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Config {
    /// The shape it was pasted in.
    pub format: ConfigFormat,
    /// The rules, in document order.
    pub rules: Vec<CorsRule>,
}

/// The most text `parse` reads at all. Anything larger fails at once, before any parser runs,
/// so huge input can never make the parsers slow. (S3's own limit, 64 KB of XML, is checked
/// separately and answered with S3's error: see [`MAX_DOCUMENT_BYTES`].)
pub const MAX_INPUT_BYTES: usize = 256 * 1024;

/// Parses and validates pasted configuration text; `Ok(None)` for blank text or `null`, which
/// mean the bucket has no CORS configuration.
///
/// The shape is detected from the first character: `<` is the XML wire format, `[` the S3
/// console's bare array, `{` the s3api or CloudFormation JSON (told apart by their keys).
/// Errors come in the order the real pipeline meets them: well-formedness, then the client's
/// shape check (AWS CLI / CloudFormation, JSON only), then S3's 64 KB body limit, then S3's
/// schema (`MalformedXML`), then PutBucketCors' own checks (`InvalidRequest`, …).
pub fn parse(text: &str) -> Result<Option<S3Config>, Error> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::too_large(format!(
            "the configuration is {} bytes; cors-sim reads at most {MAX_INPUT_BYTES} (S3 itself accepts at most {MAX_DOCUMENT_BYTES} bytes of XML)",
            text.len()
        )));
    }
    // A byte-order mark is invisible in editors, so spans are counted after it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "null" {
        return Ok(None);
    }
    let index = SpanIndex::new(text);
    let start = text.len() - text.trim_start().len();
    let (format, rules) = match trimmed.as_bytes().first() {
        Some(b'<') => {
            if text.len() > MAX_DOCUMENT_BYTES {
                return Err(validate::too_big(Some(index.span(MAX_DOCUMENT_BYTES))));
            }
            (ConfigFormat::Xml, xml::parse(text, &index)?)
        }
        Some(b'{') | Some(b'[') => {
            let parsed = json::parse(text, &index)?;
            // The CLI, the console and CloudFormation all send PutBucketCors the XML form, so
            // S3's size limit and schema apply to that document, not to the pasted JSON.
            if xml::xml_len(&parsed.rules) > MAX_DOCUMENT_BYTES {
                return Err(validate::too_big(None));
            }
            validate::check_schema(&parsed.rules, parsed.list_span)?;
            (parsed.format, parsed.rules)
        }
        _ => {
            return Err(Error::syntax(
                "expected an S3 CORS configuration: XML starting with <CORSConfiguration>, or JSON starting with { (aws s3api, CloudFormation) or [ (S3 console); YAML is not read, convert it to JSON first",
                Some(index.span(start)),
            ))
        }
    };
    validate::check_semantics(&rules)?;
    Ok(Some(S3Config { format, rules }))
}

/// The shared offset-to-span index, under the name the S3 parsers use.
pub(crate) type SpanIndex<'a> = crate::error::LineIndex<'a>;

/// A bucket with an optional CORS configuration.
#[derive(Clone, Debug)]
pub struct S3Server {
    /// Shared, so that a configuration parsed once serves many simulations without a copy.
    config: Option<Arc<S3Config>>,
    object: ObjectState,
    endpoint: Endpoint,
}

impl S3Server {
    /// A bucket answering with `config` (None: no CORS configuration).
    pub fn new(config: Option<S3Config>, object: ObjectState, endpoint: Endpoint) -> S3Server {
        S3Server::shared(config.map(Arc::new), object, endpoint)
    }

    /// A bucket answering with a configuration parsed earlier and shared.
    pub fn shared(
        config: Option<Arc<S3Config>>,
        object: ObjectState,
        endpoint: Endpoint,
    ) -> S3Server {
        S3Server {
            config,
            object,
            endpoint,
        }
    }
}

impl Server for S3Server {
    fn respond(&self, request: &Request) -> Response {
        respond::respond(self, request)
    }

    fn respond_to_hop_parsed(&self, request: &Request, url: &url::Url, _hop: usize) -> Response {
        respond::respond_parsed(self, request, url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_index_agrees_with_span_at_offset() {
        let text = "ab\ncé\n\nxyz";
        let index = SpanIndex::new(text);
        for offset in 0..=text.len() + 3 {
            assert_eq!(
                index.span(offset),
                Span::at_offset(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn blank_and_null_mean_no_configuration() {
        for text in ["", "   \n\t", "null", "  null \n", "\u{feff}"] {
            assert_eq!(parse(text), Ok(None), "{text:?}");
        }
    }

    #[test]
    fn detects_each_shape() {
        let cases = [
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
                ConfigFormat::Xml,
            ),
            (
                r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}"#,
                ConfigFormat::S3apiJson,
            ),
            (
                r#"[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]"#,
                ConfigFormat::ConsoleJson,
            ),
            (
                r#"{"CorsRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}"#,
                ConfigFormat::CloudFormation,
            ),
        ];
        for (text, format) in cases {
            let config = parse(text).unwrap().unwrap();
            assert_eq!(config.format, format, "{text}");
            assert_eq!(config.rules.len(), 1);
            assert_eq!(config.rules[0].allowed_methods[0].value, "GET");
        }
    }

    #[test]
    fn other_text_is_a_located_syntax_error() {
        let e = parse("\n  CorsRules:\n  - AllowedMethods: [GET]").unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Syntax);
        assert_eq!(e.span, Some(Span { line: 2, column: 3 }));
        assert!(e.message.contains("YAML"), "{}", e.message);
    }

    #[test]
    fn oversized_input_fails_fast() {
        let huge = "[".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(
            parse(&huge).unwrap_err().kind,
            crate::error::ErrorKind::TooLarge
        );
    }

    /// No input may panic (design.md §2): every prefix of valid documents of each shape, and
    /// pseudo-random byte soup built from their characters, parse to `Ok` or a located `Err`.
    #[test]
    fn no_prefix_or_scramble_of_a_valid_document_panics() {
        let docs = [
            "<?xml version=\"1.0\"?>\n<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule><ID>é</ID><AllowedOrigin>https://*.a&amp;b.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>30</MaxAgeSeconds><!-- c --><![CDATA[x]]></CORSRule></CORSConfiguration>",
            r#"{"CORSRules": [{"ID": "é\u00e9", "AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000}]}"#,
            r#"[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", 1, true, null, 2.5e3]}]"#,
            r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"CorsConfiguration": {"CorsRules": [{"AllowedOrigins": [{"Ref": "X"}], "AllowedMethods": ["GET"], "MaxAge": "5"}]}}}}}"#,
        ];
        for doc in docs {
            for (i, _) in doc.char_indices() {
                let _ = parse(&doc[..i]);
                let _ = parse(&doc[i..]);
            }
            let chars: Vec<char> = doc.chars().collect();
            let mut state = 0x2545_f491_4f6c_dd1d_u64;
            for _ in 0..300 {
                let mut soup = String::new();
                for _ in 0..60 {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let pick = usize::try_from(state % chars.len() as u64).unwrap_or(0);
                    soup.push(chars.get(pick).copied().unwrap_or('<'));
                }
                let _ = parse(&format!("<{soup}"));
                let _ = parse(&format!("{{{soup}"));
                let _ = parse(&format!("[{soup}"));
            }
        }
    }

    #[test]
    fn odd_requests_get_an_answer_with_provenance() {
        use crate::http::HeaderList;
        let config =
            parse(r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}"#).unwrap();
        let server = S3Server::new(config, ObjectState::Exists, Endpoint::Rest);
        let urls = [
            "not a url",
            "ftp://b.s3.amazonaws.com/k",
            "https://s3.amazonaws.com/",
            "https://.s3.amazonaws.com/%ff%",
            "http://[::1]:9000/b/k?cors&uploads&uploadId=1",
            "https://b.s3.amazonaws.com/k?x=%zz",
        ];
        let methods = [
            "GET", "OPTIONS", "PATCH", "get", "", "DELETE", "POST", "PUT", "HEAD",
        ];
        for url in urls {
            for method in methods {
                let mut headers = HeaderList::new();
                headers.append("Origin", "https://a.example");
                headers.append("Access-Control-Request-Method", "GET");
                headers.append("Access-Control-Request-Headers", ",,");
                headers.append("Range", "bytes=-");
                let response = server.respond(&Request {
                    method: method.into(),
                    url: url.into(),
                    headers,
                });
                let p = response.provenance.expect("provenance");
                assert_eq!(p.provider, "s3");
                assert!(!p.summary.is_empty(), "{method} {url}");
            }
        }
    }

    #[test]
    fn xml_over_64_kb_is_max_message_length_exceeded() {
        let rule = "<CORSRule><AllowedOrigin>https://a.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>";
        let text = format!(
            "<CORSConfiguration>{}<!--{}--></CORSConfiguration>",
            rule,
            "x".repeat(MAX_DOCUMENT_BYTES)
        );
        let e = parse(&text).unwrap_err();
        assert_eq!(e.code(), Some("MaxMessageLengthExceeded"));
        assert_eq!(e.message, "Your request was too big.");
    }
}
