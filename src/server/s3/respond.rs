//! The decision order of spec §3: what S3 answers to a preflight (§3.2) and to an actual
//! request (§3.3), the CORS headers of §4.1 in their wire order, and the provenance that says
//! which rule produced them.

use super::endpoint::{parse_target, target_of, Addressing, Target};
use super::evaluate::{grant, select_rule, Query, Selection};
use super::matching::parse_request_headers;
use super::operation::{perform, rest_error, Ctx, Framing, Outcome};
use super::validate::ALLOWED_METHODS;
use super::wire::{error_xml, request_ids};
use super::{S3Config, S3Server};
use crate::http::{HeaderList, Provenance, Request, Response, RuleRef};
use crate::scenario::{Endpoint, ObjectState};
use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;
use url::Url;

/// The 403 message when no rule matches, with AWS's own typo "evalution" [REC].
pub const NOT_ALLOWED_MESSAGE: &str = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

/// UNVERIFIED (spec §3.2, §7 #9): `OPTIONS` with a bad or missing ACRM on a configured bucket.
pub const NOTE_INVALID_ACRM: &str = "UNVERIFIED: no AWS recording exists of a preflight on a configured bucket whose Access-Control-Request-Method is missing or not one of GET, PUT, POST, DELETE, HEAD; S3 is modelled as answering 400 BadRequest \"Invalid Access-Control-Request-Method: …\" as the implementations that copy AWS do (the alternative would be 403 \"This CORS request is not allowed\").";
/// UNVERIFIED (spec §3.2): a preflight whose URL carries `versionId`.
pub const NOTE_VERSION_ID_PREFLIGHT: &str = "UNVERIFIED: the preflight's URL carries versionId. In 2015 S3 answered such a preflight 400 InvalidArgument \"This operation does not accept a version-id.\" (aws-sdk-js#515), which fails it; whether it still does is not recorded, so it is answered here like any other preflight. If a versioned request fails its preflight, request the object without versionId.";
/// UNVERIFIED (spec §5, §9 item 9): preflights on the website endpoint.
pub const NOTE_WEBSITE_PREFLIGHT: &str = "UNVERIFIED: preflights on the website endpoint are modelled like those on the REST endpoint (same decision order and XML error bodies); no recording exists.";
/// UNVERIFIED (spec §3.1, §5): OPTIONS on the service endpoint.
pub const NOTE_SERVICE_OPTIONS: &str = "UNVERIFIED: S3 answers 403 to OPTIONS on the service endpoint (ListBuckets is not CORS-enabled); the error code and message are modelled on the missing-bucket answer \"CORSResponse: Bucket not found\".";
/// The scenario's `endpoint` setting only matters where the host does not say.
pub const NOTE_ENDPOINT_FROM_HOST: &str = "The URL's host names an S3 endpoint, which decides REST or website behaviour; the scenario's endpoint setting applies only to custom domains.";

const PROVIDER: &str = "s3";

/// What S3 answers to `request`.
pub fn respond(server: &S3Server, request: &Request) -> Response {
    respond_to(server, request, parse_target(&request.url))
}

/// What S3 answers to `request`, whose URL the caller has already parsed into `url`.
pub fn respond_parsed(server: &S3Server, request: &Request, url: &Url) -> Response {
    // Reading `url` instead of parsing `request.url` again gives the same target when it is
    // the parse of that very text; an http(s) URL's serialization parses back to itself.
    if url.as_str() == request.url && matches!(url.scheme(), "http" | "https") {
        respond_to(server, request, target_of(&request.url, url))
    } else {
        respond(server, request)
    }
}

fn respond_to(server: &S3Server, request: &Request, target: Result<Target, String>) -> Response {
    let ids = request_ids(request);
    let target = match target {
        Ok(t) => t,
        Err(why) => return invalid_uri(request, &ids, &why),
    };
    let mut notes = Vec::new();
    let website = match target.addressing {
        Addressing::Website => true,
        Addressing::CustomDomain => server.endpoint == Endpoint::Website,
        Addressing::VirtualHosted | Addressing::PathStyle => {
            if server.endpoint == Endpoint::Website {
                notes.push(NOTE_ENDPOINT_FROM_HOST.to_string());
            }
            false
        }
    };
    let ctx = Ctx {
        request,
        target: &target,
        website,
        has_website_config: server.endpoint == Endpoint::Website || website,
        object: server.object,
        config: server.config.as_deref(),
        ids: &ids,
    };
    if request.method == "OPTIONS" {
        preflight(server, &ctx, notes)
    } else {
        actual(server, &ctx, notes)
    }
}

/// A URL S3 could not route.
fn invalid_uri(request: &Request, ids: &(String, String), why: &str) -> Response {
    let body = error_xml(
        "InvalidURI",
        "Couldn't parse the specified URI.",
        &[("URI", &request.url)],
        ids,
    );
    let outcome = Outcome {
        status: 400,
        headers: Vec::new(),
        content_type: Some("application/xml".into()),
        framing: Framing::Chunked,
        close: true,
        body: Some(body),
        summary: format!("S3 cannot route this URL ({why}): 400 InvalidURI."),
        cors_applies: false,
    };
    finish(
        outcome,
        Vec::new(),
        ids,
        provenance_for(String::new(), Vec::new()),
    )
}

fn provenance_for(summary: String, notes: Vec<String>) -> Provenance {
    Provenance {
        provider: PROVIDER.into(),
        summary,
        notes,
        ..Provenance::default()
    }
}

/// Header lines in the order the captures show: CORS headers first (spec §4.1), then the
/// request ids, the operation's headers, `Content-Type`, `Server`, the length framing.
fn finish(
    outcome: Outcome,
    cors: Vec<(&'static str, Cow<'static, str>)>,
    ids: &(String, String),
    mut provenance: Provenance,
) -> Response {
    // The CORS lines, the two request ids, the operation's own lines and at most four more.
    let mut headers = HeaderList::with_capacity(cors.len() + outcome.headers.len() + 6);
    for (name, value) in cors {
        headers.append(name, value);
    }
    headers.append("x-amz-request-id", ids.0.clone());
    headers.append("x-amz-id-2", ids.1.clone());
    for (name, value) in outcome.headers {
        headers.append(name, value);
    }
    if let Some(ct) = outcome.content_type {
        headers.append("Content-Type", ct);
    }
    headers.append("Server", "AmazonS3");
    match outcome.framing {
        Framing::Length(n) => headers.append("Content-Length", n.to_string()),
        Framing::Chunked => headers.append("Transfer-Encoding", "chunked"),
        Framing::Empty => {}
    }
    if outcome.close {
        headers.append("Connection", "close");
    }
    if provenance.summary.is_empty() {
        provenance.summary = outcome.summary;
    }
    Response {
        status: outcome.status,
        headers,
        body: outcome.body,
        provenance: Some(provenance),
    }
}

/// `1st`, `2nd`, `11th`, … for a 0-based `index`, written where it is formatted.
struct Ordinal(usize);

impl fmt::Display for Ordinal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0 + 1;
        let suffix = match (n % 10, n % 100) {
            (1, 11) | (2, 12) | (3, 13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        write!(f, "{n}{suffix}")
    }
}

/// `the 2nd CORSRule (ID "uploads")`, written straight into the sentence that names it (every
/// answer of a matched rule says which one).
struct RuleName<'a> {
    id: Option<&'a str>,
    index: usize,
    /// `The …` at the start of a sentence.
    capital: bool,
}

impl fmt::Display for RuleName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.capital { "The " } else { "the " })?;
        write!(f, "{} CORSRule", Ordinal(self.index))?;
        if let Some(id) = self.id {
            write!(f, " (ID \"{id}\")")?;
        }
        Ok(())
    }
}

fn rule_name(config: &S3Config, index: usize) -> RuleName<'_> {
    RuleName {
        id: config.rules.get(index).and_then(|r| r.id_text()),
        index,
        capital: false,
    }
}

fn rule_ref(config: &S3Config, index: usize) -> RuleRef {
    let rule = config.rules.get(index);
    RuleRef {
        index,
        id: rule.and_then(|r| r.id_text()).map(str::to_string),
        span: rule.and_then(|r| r.span),
    }
}

fn merge_notes(into: &mut Vec<String>, from: Vec<String>) {
    for n in from {
        if !into.contains(&n) {
            into.push(n);
        }
    }
}

/// `<Method>` and `<ResourceType>` of the preflight 403 bodies (spec §4.2).
fn forbidden(
    ctx: &Ctx<'_>,
    message: &str,
    method: &str,
    resource_type: &str,
    summary: String,
) -> Outcome {
    rest_error(
        ctx,
        403,
        "AccessForbidden",
        message,
        &[("Method", method), ("ResourceType", resource_type)],
        summary,
    )
}

/// `OPTIONS`: the decision order of spec §3.2. Preflights ignore authentication and the key
/// is not looked up (AWS-T SC; COMPAT s3-tests), so the scenario's object state does not
/// matter, except that a missing bucket is answered first.
fn preflight(server: &S3Server, ctx: &Ctx<'_>, mut notes: Vec<String>) -> Response {
    let request = ctx.request;
    let origin = request.headers.get("origin");
    let acrm = request.headers.get("access-control-request-method");
    let target: &Target = ctx.target;
    if ctx.website {
        notes.push(NOTE_WEBSITE_PREFLIGHT.to_string());
    }
    if target.has_query("versionId") {
        notes.push(NOTE_VERSION_ID_PREFLIGHT.to_string());
    }
    let respond_with = |outcome: Outcome, notes: Vec<String>| {
        let summary = outcome.summary.clone();
        finish(outcome, Vec::new(), ctx.ids, provenance_for(summary, notes))
    };
    // 1. No Origin [REC ×3].
    let Some(origin) = origin else {
        let outcome = rest_error(
            ctx,
            400,
            "BadRequest",
            "Insufficient information. Origin request header needed.",
            &[],
            "An OPTIONS request without Origin: S3 answers 400 BadRequest (\"Origin request header needed\") and no CORS header.".into(),
        );
        return respond_with(outcome, notes);
    };
    let method_text = acrm.clone().unwrap_or_else(|| "OPTIONS".into());
    // OPTIONS on the service endpoint never gets CORS headers (spec §3.1).
    if target.is_service() {
        notes.push(NOTE_SERVICE_OPTIONS.to_string());
        let outcome = forbidden(
            ctx,
            "CORSResponse: Bucket not found",
            &method_text,
            "BUCKET",
            "OPTIONS on the service endpoint (ListBuckets): not CORS-enabled, 403 without CORS headers.".into(),
        );
        return respond_with(outcome, notes);
    }
    // 2. The bucket does not exist [REC].
    if target.key.is_none() && !ctx.website && server.object == ObjectState::Missing {
        let outcome = forbidden(
            ctx,
            "CORSResponse: Bucket not found",
            &method_text,
            "BUCKET",
            "The scenario says the bucket does not exist: the preflight gets 403 \"CORSResponse: Bucket not found\".".into(),
        );
        return respond_with(outcome, notes);
    }
    // 3. No CORS configuration [REC, CAP ×2]: ResourceType BUCKET even for an object URL.
    let Some(config) = server.config.as_deref() else {
        let outcome = forbidden(
            ctx,
            "CORSResponse: CORS is not enabled for this bucket.",
            &method_text,
            "BUCKET",
            "The bucket has no CORS configuration: every preflight gets 403 \"CORS is not enabled for this bucket\" and no CORS header.".into(),
        );
        return respond_with(outcome, notes);
    };
    // 4. ACRM missing or not one of the five methods [UNVERIFIED].
    let method = match &acrm {
        Some(m) if ALLOWED_METHODS.contains(&m.as_ref()) => m.clone(),
        other => {
            notes.push(NOTE_INVALID_ACRM.to_string());
            let shown = other.as_deref().unwrap_or("null");
            let outcome = rest_error(
                ctx,
                400,
                "BadRequest",
                &format!("Invalid Access-Control-Request-Method: {shown}"),
                &[],
                match other {
                    None => "A preflight without Access-Control-Request-Method: 400 BadRequest.".into(),
                    Some(m) => format!("Access-Control-Request-Method {m:?} is not one of GET, PUT, POST, DELETE, HEAD: 400 BadRequest."),
                },
            );
            return respond_with(outcome, notes);
        }
    };
    // 5-6. The rule walk.
    let acrh = request.headers.get("access-control-request-headers");
    let requested = acrh.as_deref().map(parse_request_headers);
    let query = Query {
        origin: &origin,
        method: &method,
        method_from_acrm: true,
        requested: requested.as_deref().unwrap_or(&[]),
    };
    let selection = select_rule(config, &query);
    match selection.matched {
        Some(index) => {
            let rule_granted = config
                .rules
                .get(index)
                .map(|rule| grant(rule, &origin, requested.as_deref()));
            let g = rule_granted.unwrap_or_default();
            merge_notes(&mut notes, selection.notes.clone());
            merge_notes(&mut notes, g.notes.clone());
            let mut outcome = Outcome {
                status: 200,
                headers: Vec::new(),
                content_type: None,
                framing: Framing::Length(0),
                close: false,
                body: None,
                summary: String::new(),
                cors_applies: true,
            };
            let asked = requested.as_ref().map_or(0, Vec::len);
            outcome.summary = format!(
                "Preflight allowed by {}: origin, method {method}{} match, so S3 answers 200 with its CORS headers.",
                rule_name(config, index),
                if asked > 0 { format!(" and {asked} requested header(s)") } else { String::new() }
            );
            let provenance = Provenance {
                provider: PROVIDER.into(),
                summary: outcome.summary.clone(),
                matched_rule: Some(rule_ref(config, index)),
                rejected_rules: selection.misses,
                header_sources: g.sources,
                notes,
            };
            finish(outcome, g.headers, ctx.ids, provenance)
        }
        None => {
            merge_notes(&mut notes, selection.notes.clone());
            let resource_type = if target.key.is_some() {
                "OBJECT"
            } else {
                "BUCKET"
            };
            let outcome = forbidden(
                ctx,
                NOT_ALLOWED_MESSAGE,
                &method,
                resource_type,
                no_match_summary(
                    "the preflight",
                    &selection,
                    "403 AccessForbidden and no CORS header",
                ),
            );
            let summary = outcome.summary.clone();
            let provenance = Provenance {
                provider: PROVIDER.into(),
                summary,
                matched_rule: None,
                rejected_rules: selection.misses,
                header_sources: Vec::new(),
                notes,
            };
            finish(outcome, Vec::new(), ctx.ids, provenance)
        }
    }
}

fn no_match_summary(what: &str, selection: &Selection, answer: &str) -> String {
    match selection.misses.as_slice() {
        [] => format!("The configuration has no rule for {what}: {answer}."),
        [only] => format!(
            "The only CORSRule does not match {what} ({} fails): {answer}.",
            only.failed
        ),
        misses => format!(
            "None of the {} CORSRules matches {what}: {answer}.",
            misses.len()
        ),
    }
}

/// Any other method: S3 executes the request as usual and adds the CORS headers of the first
/// matching rule to whatever it answers, errors included (spec §3.3).
fn actual(server: &S3Server, ctx: &Ctx<'_>, mut notes: Vec<String>) -> Response {
    let request = ctx.request;
    let mut outcome = perform(ctx);
    // Every summary below continues the operation's own, in its buffer.
    let mut summary = std::mem::take(&mut outcome.summary);
    let plain = |outcome: Outcome, summary: String, notes: Vec<String>| {
        finish(outcome, Vec::new(), ctx.ids, provenance_for(summary, notes))
    };
    let Some(origin) = request.headers.get("origin") else {
        summary.push_str(" No Origin header, so S3 does not treat it as a CORS request: no CORS header, not even Vary.");
        return plain(outcome, summary, notes);
    };
    if !outcome.cors_applies {
        return plain(outcome, summary, notes);
    }
    let Some(config) = server.config.as_deref() else {
        summary.push_str(" The bucket has no CORS configuration, so S3 adds no CORS header.");
        return plain(outcome, summary, notes);
    };
    // The method to match is ACRM when the request carries one [REC `get-wrong-op`; COMPAT
    // s3-tests PUT + ACRM: GET], and an ACRH is checked like a preflight's [REC
    // `get-non-allowed-with-acl`]. Real request headers are never checked (spec §3.3).
    let acrm = request.headers.get("access-control-request-method");
    let method = acrm
        .clone()
        .unwrap_or(Cow::Borrowed(request.method.as_str()));
    let acrh = request.headers.get("access-control-request-headers");
    let requested = acrh.as_deref().map(parse_request_headers);
    let query = Query {
        origin: &origin,
        method: &method,
        method_from_acrm: acrm.is_some(),
        requested: requested.as_deref().unwrap_or(&[]),
    };
    let selection = select_rule(config, &query);
    merge_notes(&mut notes, selection.notes.clone());
    match selection.matched {
        Some(index) => {
            let g = config
                .rules
                .get(index)
                .map(|rule| grant(rule, &origin, requested.as_deref()))
                .unwrap_or_default();
            merge_notes(&mut notes, g.notes.clone());
            summary.reserve(160);
            let name = RuleName {
                capital: true,
                ..rule_name(config, index)
            };
            let _ = write!(summary, " {name} matches (origin and method ");
            summary.push_str(&method);
            let _ = write!(
                summary,
                "), so S3 adds its CORS headers to this {} response.",
                outcome.status
            );
            let provenance = Provenance {
                provider: PROVIDER.into(),
                summary,
                matched_rule: Some(rule_ref(config, index)),
                rejected_rules: selection.misses,
                header_sources: g.sources,
                notes,
            };
            finish(outcome, g.headers, ctx.ids, provenance)
        }
        None => {
            summary.push(' ');
            summary.push_str(&no_match_summary(
                "this request",
                &selection,
                "S3 still executes it but adds no CORS header (and no Vary)",
            ));
            let provenance = Provenance {
                provider: PROVIDER.into(),
                summary,
                matched_rule: None,
                rejected_rules: selection.misses,
                header_sources: Vec::new(),
                notes,
            };
            finish(outcome, Vec::new(), ctx.ids, provenance)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        let got: Vec<String> = [0, 1, 2, 3, 10, 11, 12, 20, 21, 100]
            .iter()
            .map(|&i| Ordinal(i).to_string())
            .collect();
        assert_eq!(
            got,
            vec!["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
        );
    }

    #[test]
    fn a_preflight_with_a_version_id_is_answered_with_a_note() {
        let config = crate::server::s3::parse(
            "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
        )
        .unwrap();
        let server = S3Server::new(config, ObjectState::Exists, crate::scenario::Endpoint::Rest);
        let preflight = |url: &str| {
            let mut headers = crate::http::HeaderList::default();
            headers.append("Origin", "https://a.example");
            headers.append("Access-Control-Request-Method", "GET");
            respond(
                &server,
                &Request {
                    method: "OPTIONS".into(),
                    url: url.into(),
                    headers,
                },
            )
        };
        let with = preflight("https://b.s3.us-east-1.amazonaws.com/k?versionId=abc");
        assert_eq!(with.status, 200);
        assert!(with
            .provenance
            .unwrap()
            .notes
            .iter()
            .any(|n| n == NOTE_VERSION_ID_PREFLIGHT));
        let without = preflight("https://b.s3.us-east-1.amazonaws.com/k");
        assert!(!without
            .provenance
            .unwrap()
            .notes
            .iter()
            .any(|n| n == NOTE_VERSION_ID_PREFLIGHT));
    }
}
