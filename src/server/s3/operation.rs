//! What S3 answers to a non-`OPTIONS` request apart from CORS (spec §3.3: "execute the S3
//! operation as usual … status/body unchanged"; §5 for the website endpoint).
//!
//! The scenario's [`ObjectState`] says whether the named object exists or the caller is
//! refused; at the bucket root of the REST endpoint, `missing` means the bucket itself does not
//! exist, the one state in which S3 answers before CORS applies (spec §3.3 "Errors that occur
//! before bucket resolution … carry none").

use super::endpoint::Target;
use super::wire::{
    content_type_for_key, error_xml, etag, object_size, website_error_html, LAST_MODIFIED,
};
use super::xml::{escape, to_xml, S3_NAMESPACE};
use super::S3Config;
use crate::http::Request;
use crate::scenario::ObjectState;
use std::borrow::Cow;

/// How the body length is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length: n`.
    Length(u64),
    /// `Transfer-Encoding: chunked`, as S3 sends its XML bodies [REC].
    Chunked,
    /// Neither (204).
    Empty,
}

/// S3's answer, before CORS headers are added.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Status code.
    pub status: u16,
    /// Operation headers (`ETag`, `Last-Modified`, …), in wire order. Their names and most
    /// values are literals, kept borrowed (the header list takes them as they are).
    pub headers: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    /// `Content-Type`, when there is a body type.
    pub content_type: Option<Cow<'static, str>>,
    /// Length framing.
    pub framing: Framing,
    /// Whether S3 closes the connection (its 400 answers) [REC].
    pub close: bool,
    /// The body, when the model knows it.
    pub body: Option<String>,
    /// One sentence about what S3 did.
    pub summary: String,
    /// False when S3 answers before looking at CORS (service endpoint, missing bucket).
    pub cors_applies: bool,
}

/// Everything an operation looks at.
pub struct Ctx<'a> {
    /// The request.
    pub request: &'a Request,
    /// What its URL names.
    pub target: &'a Target,
    /// Whether the website endpoint answers.
    pub website: bool,
    /// Whether the bucket has website hosting (the scenario's `endpoint: website`).
    pub has_website_config: bool,
    /// The scenario's object state.
    pub object: ObjectState,
    /// The bucket's CORS configuration (GetBucketCors answers it).
    pub config: Option<&'a S3Config>,
    /// `x-amz-request-id` and `x-amz-id-2`.
    pub ids: &'a (String, String),
}

impl Ctx<'_> {
    fn method(&self) -> &str {
        &self.request.method
    }

    fn is_head(&self) -> bool {
        self.method() == "HEAD"
    }

    fn bucket(&self) -> &str {
        self.target.bucket.as_deref().unwrap_or("")
    }
}

fn outcome(status: u16, summary: String) -> Outcome {
    Outcome {
        status,
        headers: Vec::new(),
        content_type: None,
        framing: Framing::Empty,
        close: false,
        body: None,
        summary,
        cors_applies: true,
    }
}

/// An XML error (spec §4.2 body shape); HEAD responses carry no body.
pub fn rest_error(
    ctx: &Ctx<'_>,
    status: u16,
    code: &str,
    message: &str,
    extra: &[(&str, &str)],
    summary: String,
) -> Outcome {
    let mut o = outcome(status, summary);
    o.content_type = Some("application/xml".into());
    o.framing = Framing::Chunked;
    o.close = status == 400;
    if !ctx.is_head() {
        o.body = Some(error_xml(code, message, extra, ctx.ids));
    }
    o
}

/// A website-endpoint error: an HTML page, and the code and message in `x-amz-error-*`
/// headers.
fn website_error(
    ctx: &Ctx<'_>,
    status: u16,
    code: &str,
    message: &str,
    extra: &[(&str, &str)],
    summary: String,
) -> Outcome {
    let status_line = format!("{status} {}", crate::http::reason_phrase(status));
    let mut o = outcome(status, summary);
    o.headers
        .push(("x-amz-error-code".into(), code.to_owned().into()));
    o.headers
        .push(("x-amz-error-message".into(), message.to_owned().into()));
    for (name, value) in extra {
        o.headers.push((
            format!("x-amz-error-detail-{name}").into(),
            (*value).to_string().into(),
        ));
    }
    o.content_type = Some("text/html; charset=utf-8".into());
    if !ctx.is_head() {
        let page = website_error_html(&status_line, code, message, extra, ctx.ids);
        o.framing = Framing::Length(page.len() as u64);
        o.body = Some(page);
    } else {
        o.framing = Framing::Chunked;
    }
    o
}

fn xml_ok(status: u16, body: String, summary: String) -> Outcome {
    let mut o = outcome(status, summary);
    o.content_type = Some("application/xml".into());
    o.framing = Framing::Chunked;
    o.body = Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}"
    ));
    o
}

fn method_not_allowed(ctx: &Ctx<'_>, resource_type: &str) -> Outcome {
    let summary = format!(
        "S3 does not support {} on this resource: 405 MethodNotAllowed.",
        ctx.method()
    );
    let extra = [("Method", ctx.method()), ("ResourceType", resource_type)];
    let message = "The specified method is not allowed against this resource.";
    if ctx.website {
        website_error(ctx, 405, "MethodNotAllowed", message, &extra, summary)
    } else {
        rest_error(ctx, 405, "MethodNotAllowed", message, &extra, summary)
    }
}

fn access_denied(ctx: &Ctx<'_>) -> Outcome {
    let summary = format!(
        "The scenario says the caller is refused: S3 answers the {} with 403 AccessDenied.",
        ctx.method()
    );
    if ctx.website {
        website_error(ctx, 403, "AccessDenied", "Access Denied", &[], summary)
    } else {
        rest_error(ctx, 403, "AccessDenied", "Access Denied", &[], summary)
    }
}

/// S3's answer to a non-`OPTIONS` request.
pub fn perform(ctx: &Ctx<'_>) -> Outcome {
    if ctx.target.is_service() {
        return service(ctx);
    }
    if ctx.website {
        return website(ctx);
    }
    match &ctx.target.key {
        None => bucket(ctx),
        Some(key) => object(ctx, key),
    }
}

/// The bare service endpoint: ListBuckets, never CORS-enabled (spec §5; SC corsHeaders.js
/// "GET service"; aws/aws-sdk-js#1939).
fn service(ctx: &Ctx<'_>) -> Outcome {
    let mut o = match (ctx.method(), ctx.object) {
        (_, ObjectState::AccessDenied) => access_denied(ctx),
        ("GET", _) => xml_ok(
            200,
            format!("<ListAllMyBucketsResult xmlns=\"{S3_NAMESPACE}\"><Buckets></Buckets></ListAllMyBucketsResult>"),
            "ListBuckets on the service endpoint: 200. ListBuckets is not CORS-enabled, so S3 adds no CORS header whatever the bucket's rules.".into(),
        ),
        _ => method_not_allowed(ctx, "SERVICE"),
    };
    o.cors_applies = false;
    o
}

/// Bucket-level operations of the REST endpoint.
fn bucket(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.bucket();
    if ctx.object == ObjectState::Missing {
        let mut o = rest_error(
            ctx,
            404,
            "NoSuchBucket",
            "The specified bucket does not exist",
            &[("BucketName", name)],
            format!("The scenario says the bucket {name} does not exist: 404 NoSuchBucket, answered before CORS is looked at, so no CORS header."),
        );
        o.cors_applies = false;
        return o;
    }
    if ctx.object == ObjectState::AccessDenied {
        return access_denied(ctx);
    }
    let q = |k: &str| ctx.target.has_query(k);
    match ctx.method() {
        "GET" if q("cors") => match ctx.config {
            Some(config) => xml_ok(
                200,
                to_xml(&config.rules),
                "GetBucketCors: 200 with the configuration as S3 stores it.".into(),
            ),
            None => rest_error(
                ctx,
                404,
                "NoSuchCORSConfiguration",
                "The CORS configuration does not exist",
                &[("BucketName", name)],
                "GetBucketCors on a bucket without CORS configuration: 404 NoSuchCORSConfiguration.".into(),
            ),
        },
        "DELETE" if q("cors") => outcome(
            204,
            "DeleteBucketCors: 204 (the simulated configuration stays as pasted).".into(),
        ),
        "GET" if q("website") => {
            if ctx.has_website_config {
                xml_ok(
                    200,
                    format!("<WebsiteConfiguration xmlns=\"{S3_NAMESPACE}\"><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>"),
                    "GetBucketWebsite: 200.".into(),
                )
            } else {
                rest_error(
                    ctx,
                    404,
                    "NoSuchWebsiteConfiguration",
                    "The specified bucket does not have a website configuration",
                    &[("BucketName", name)],
                    "GetBucketWebsite on a bucket without website hosting: 404 NoSuchWebsiteConfiguration.".into(),
                )
            }
        }
        "GET" if q("uploads") => xml_ok(
            200,
            format!("<ListMultipartUploadsResult xmlns=\"{S3_NAMESPACE}\"><Bucket>{}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>", escape(name)),
            "ListMultipartUploads: 200.".into(),
        ),
        "GET" => xml_ok(
            200,
            format!("<ListBucketResult xmlns=\"{S3_NAMESPACE}\"><Name>{}</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>", escape(name)),
            "ListObjects on the bucket: 200.".into(),
        ),
        "HEAD" => outcome(200, "HeadBucket: 200.".into()),
        "POST" if q("delete") => xml_ok(
            200,
            format!("<DeleteResult xmlns=\"{S3_NAMESPACE}\"></DeleteResult>"),
            "DeleteObjects: 200.".into(),
        ),
        "POST" => outcome(
            204,
            "A browser form upload (POST Object) to the bucket: 204, S3's default success_action_status.".into(),
        ),
        "PUT" => rest_error(
            ctx,
            409,
            "BucketAlreadyOwnedByYou",
            "Your previous request to create the named bucket succeeded and you already own it.",
            &[("BucketName", name)],
            "CreateBucket on a bucket that exists: 409 BucketAlreadyOwnedByYou.".into(),
        ),
        "DELETE" => outcome(204, "DeleteBucket: 204.".into()),
        _ => method_not_allowed(ctx, "BUCKET"),
    }
}

/// Object-level operations of the REST endpoint.
fn object(ctx: &Ctx<'_>, key: &str) -> Outcome {
    if ctx.object == ObjectState::AccessDenied {
        return access_denied(ctx);
    }
    let q = |k: &str| ctx.target.has_query(k);
    let bucket = ctx.bucket();
    match ctx.method() {
        "GET" | "HEAD" => read_object(ctx, key),
        "PUT" => {
            let mut o = outcome(
                200,
                if q("uploadId") {
                    "UploadPart: 200 with the part's ETag.".into()
                } else {
                    "PutObject: 200 with the new object's ETag.".into()
                },
            );
            o.headers.push(("ETag".into(), etag(bucket, key).into()));
            o.headers
                .push(("x-amz-server-side-encryption".into(), "AES256".into()));
            o.framing = Framing::Length(0);
            o
        }
        "POST" if q("uploads") => xml_ok(
            200,
            format!("<InitiateMultipartUploadResult xmlns=\"{S3_NAMESPACE}\"><Bucket>{}</Bucket><Key>{}</Key><UploadId>{}</UploadId></InitiateMultipartUploadResult>", escape(bucket), escape(key), ctx.ids.1.replace(['+', '/', '='], "")),
            "CreateMultipartUpload: 200 with an UploadId.".into(),
        ),
        "POST" if q("uploadId") => xml_ok(
            200,
            format!("<CompleteMultipartUploadResult xmlns=\"{S3_NAMESPACE}\"><Bucket>{}</Bucket><Key>{}</Key><ETag>{}</ETag></CompleteMultipartUploadResult>", escape(bucket), escape(key), escape(&etag(bucket, key))),
            "CompleteMultipartUpload: 200.".into(),
        ),
        "DELETE" => outcome(
            204,
            if q("uploadId") {
                "AbortMultipartUpload: 204.".into()
            } else {
                // DeleteObject answers 204 whether or not the key exists (S3 API DeleteObject).
                "DeleteObject: 204 (S3 answers 204 whether or not the key exists).".into()
            },
        ),
        _ => method_not_allowed(ctx, "OBJECT"),
    }
}

/// GetObject / HeadObject, with `Range` support (206, 416).
fn read_object(ctx: &Ctx<'_>, key: &str) -> Outcome {
    let bucket = ctx.bucket();
    if ctx.object == ObjectState::Missing {
        let summary = format!("The key {key} does not exist: 404 NoSuchKey.");
        return if ctx.website {
            website_error(
                ctx,
                404,
                "NoSuchKey",
                "The specified key does not exist.",
                &[("Key", key)],
                summary,
            )
        } else {
            rest_error(
                ctx,
                404,
                "NoSuchKey",
                "The specified key does not exist.",
                &[("Key", key)],
                summary,
            )
        };
    }
    let size = object_size(bucket, key);
    let range = ctx
        .request
        .headers
        .get("range")
        .and_then(|r| parse_range(&r, size));
    let mut o = match range {
        Some(Err(())) => {
            let requested = ctx.request.headers.get("range").unwrap_or_default();
            let size_text = size.to_string();
            return rest_error(
                ctx,
                416,
                "InvalidRange",
                "The requested range is not satisfiable",
                &[
                    ("RangeRequested", &requested),
                    ("ActualObjectSize", &size_text),
                ],
                "The Range starts past the end of the object: 416 InvalidRange.".into(),
            );
        }
        Some(Ok(_)) => outcome(
            206,
            format!(
                "{} of a byte range of {key}: 206 Partial Content.",
                op_name(ctx)
            ),
        ),
        None => outcome(
            200,
            [op_name(ctx), " of ", key, ": 200 with its metadata."].concat(),
        ),
    };
    o.headers
        .push(("Last-Modified".into(), LAST_MODIFIED.into()));
    o.headers.push(("ETag".into(), etag(bucket, key).into()));
    if !ctx.website {
        o.headers
            .push(("x-amz-server-side-encryption".into(), "AES256".into()));
    }
    o.headers.push(("Accept-Ranges".into(), "bytes".into()));
    let length = match range {
        Some(Ok((first, last))) => {
            o.headers.push((
                "Content-Range".into(),
                format!("bytes {first}-{last}/{size}").into(),
            ));
            last - first + 1
        }
        _ => size,
    };
    o.content_type = Some(content_type_for_key(key).into());
    o.framing = Framing::Length(length);
    o
}

/// The operation's name, the subject of the sentences above ("… of {key}: …").
fn op_name(ctx: &Ctx<'_>) -> &'static str {
    match (ctx.website, ctx.is_head()) {
        (true, true) => "The website endpoint's HEAD",
        (true, false) => "The website endpoint's GET",
        (false, true) => "HeadObject",
        (false, false) => "GetObject",
    }
}

/// One `bytes=` range against an object of `size` bytes: `None` when S3 would ignore the
/// header (not a single byte range), `Err` when it is unsatisfiable, else the inclusive bounds.
fn parse_range(header: &str, size: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (number(first), number(last)) {
        (Some(a), Some(b)) if a <= b => Some(if a >= size {
            Err(())
        } else {
            Ok((a, b.min(size - 1)))
        }),
        (Some(a), None) if last.is_empty() => Some(if a >= size {
            Err(())
        } else {
            Ok((a, size - 1))
        }),
        (None, Some(n)) if first.is_empty() => {
            if n == 0 {
                Some(Err(()))
            } else {
                Some(Ok((size.saturating_sub(n), size - 1)))
            }
        }
        _ => None,
    }
}

/// The website endpoint: GET and HEAD only, the index document for `/`, HTML errors (UG
/// WebsiteEndpoints "Key differences").
fn website(ctx: &Ctx<'_>) -> Outcome {
    if !matches!(ctx.method(), "GET" | "HEAD") {
        return method_not_allowed(ctx, "OBJECT");
    }
    if ctx.object == ObjectState::AccessDenied {
        return access_denied(ctx);
    }
    let key = match &ctx.target.key {
        None => "index.html".to_string(),
        Some(k) if k.ends_with('/') => format!("{k}index.html"),
        Some(k) => k.clone(),
    };
    read_object(ctx, &key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-99", 1000), Some(Ok((0, 99))));
        assert_eq!(parse_range("bytes=900-", 1000), Some(Ok((900, 999))));
        assert_eq!(parse_range("bytes=-100", 1000), Some(Ok((900, 999))));
        assert_eq!(parse_range("bytes=0-5000", 1000), Some(Ok((0, 999))));
        assert_eq!(parse_range("bytes=1000-", 1000), Some(Err(())));
        assert_eq!(parse_range("bytes=-0", 1000), Some(Err(())));
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), None);
        assert_eq!(parse_range("items=0-1", 1000), None);
        assert_eq!(parse_range("bytes=5-1", 1000), None);
        assert_eq!(parse_range("bytes=-", 1000), None);
    }
}
