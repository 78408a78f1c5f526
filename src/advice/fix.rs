//! The smallest server change that lets a blocked request through, proved by simulating it.
//!
//! Each provider proposes candidate edits of its configuration; every candidate is simulated
//! again, and the cheapest one that passes is shown, as the patched text in the user's own
//! format and as a unified diff. When the request itself is the problem (a mode that cannot
//! work, a method the API refuses), no server edit can help and the report says what to change
//! in the request instead.

use crate::error::Error;
use crate::scenario::{Credentials, LiteralResponse, Mode, Scenario, ServerSpec};
use crate::trace::{BlockReason, Outcome, Stage, Trace};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// What `cors-sim fix` prints (design.md §4.3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FixReport {
    /// The outcome as configured.
    pub outcome_before: Outcome,
    /// The whole configuration after the fix, in the user's format; `null` when no server
    /// change can help (or none is needed).
    pub fixed_config: Option<String>,
    /// A unified diff from the original configuration to `fixed_config`.
    pub diff: Option<String>,
    /// What the fix changes and why.
    pub explanation: String,
    /// The outcome after the fix (simulated, not assumed).
    pub outcome_after: Outcome,
    /// The change to make in the request instead, when the request is the problem.
    pub request_change: Option<String>,
    /// How many candidate fixes were considered (the cheapest one that passes is chosen).
    pub candidates_considered: usize,
    /// Values added or changed by the chosen fix.
    pub cost: Option<usize>,
}

/// A proposed configuration and what it costs: the number of values added or changed.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The server with the fix applied.
    pub server: ServerSpec,
    /// The fixed configuration text as the user would paste it.
    pub text: String,
    /// Values added or changed; the smallest passing candidate wins.
    pub cost: usize,
    /// In words.
    pub explanation: String,
}

/// Finds the smallest server change that makes `scenario`'s request pass.
pub fn fix(scenario: &Scenario) -> Result<FixReport, Error> {
    let before = crate::simulate(scenario)?;
    fix_given(scenario, &before)
}

/// [`fix`] for a scenario the caller has already simulated: `before` is its trace.
pub fn fix_given(scenario: &Scenario, before: &Trace) -> Result<FixReport, Error> {
    if before.outcome == Outcome::Allowed {
        return Ok(FixReport {
            outcome_before: Outcome::Allowed,
            fixed_config: None,
            diff: None,
            explanation: "The request is already allowed; nothing to fix.".into(),
            outcome_after: Outcome::Allowed,
            request_change: None,
            candidates_considered: 0,
            cost: None,
        });
    }
    if let Some(change) = request_side_change(scenario, before) {
        return Ok(FixReport {
            outcome_before: Outcome::Blocked,
            fixed_config: None,
            diff: None,
            explanation: "No server configuration can make this request pass: the browser refuses it before asking the server.".into(),
            outcome_after: Outcome::Blocked,
            request_change: Some(change),
            candidates_considered: 0,
            cost: None,
        });
    }
    let Some((original_text, mut candidates)) = pending(scenario, before)? else {
        return Ok(FixReport {
            outcome_before: Outcome::Blocked,
            fixed_config: None,
            diff: None,
            explanation: "cors-sim writes configuration fixes for S3 buckets and custom responses; for this provider, the failing step of the timeline names the header to change.".into(),
            outcome_after: Outcome::Blocked,
            request_change: None,
            candidates_considered: 0,
            cost: None,
        });
    };
    let considered = candidates.len();
    // The cheapest passing candidate wins, the earliest among equal costs. Trying them in that
    // order and stopping at the first that passes finds it without writing out or simulating
    // the others (against a 64 KB configuration each is a 64 KB text and a full parse, and
    // there is one per rule).
    candidates.sort_by_key(Pending::cost);
    let mut over_limit = 0;
    let best = candidates.into_iter().find_map(|p| {
        let c = p.candidate(scenario, &original_text);
        if over_s3_limit(&c) {
            over_limit += 1;
            return None;
        }
        match simulate_candidate(scenario, &c) {
            Ok(after) => after.map(|after| (c, after)),
            Err(e) => {
                over_limit += usize::from(e.code() == Some(TOO_BIG));
                None
            }
        }
    });
    Ok(match best {
        Some((c, after)) => FixReport {
            outcome_before: Outcome::Blocked,
            diff: Some(unified_diff(&original_text, &c.text)),
            fixed_config: Some(c.text),
            cost: Some(c.cost),
            explanation: c.explanation + &method_case_note(scenario),
            outcome_after: after.outcome,
            request_change: None,
            candidates_considered: considered,
        },
        None => {
            // Every change considered was too big to upload: the request is not the problem.
            let all_too_big = over_limit > 0 && over_limit == considered;
            let limit = crate::server::s3::MAX_DOCUMENT_BYTES;
            FixReport {
                outcome_before: Outcome::Blocked,
                fixed_config: None,
                diff: None,
                explanation: if all_too_big {
                    format!("Every configuration change cors-sim considered makes the document larger than S3's limit of {limit} bytes, and PutBucketCors would refuse it (MaxMessageLengthExceeded): remove origins or rules the bucket no longer needs to make room, then try again.")
                } else if over_limit > 0 {
                    format!("None of the configuration changes cors-sim considered makes this request pass; {over_limit} of the {considered} would also make the document larger than S3's limit of {limit} bytes.")
                } else {
                    "None of the configuration changes cors-sim considered makes this request pass."
                        .into()
                },
                outcome_after: Outcome::Blocked,
                request_change: (!all_too_big).then(|| server_cannot_help(scenario)),
                candidates_considered: considered,
                cost: None,
            }
        }
    })
}

/// Every candidate for a blocked scenario, each with the trace after it when it passes.
/// `None` when the provider has no fix generator. Returns the original configuration text too.
#[allow(clippy::type_complexity)]
pub fn simulated_candidates(
    scenario: &Scenario,
    before: &Trace,
) -> Result<Option<(String, Vec<(Candidate, Option<Trace>)>)>, Error> {
    Ok(pending(scenario, before)?.map(|(original_text, pending)| {
        let simulated = pending
            .into_iter()
            .map(|p| {
                let candidate = p.candidate(scenario, &original_text);
                let after = simulate_candidate(scenario, &candidate).ok().flatten();
                (candidate, after)
            })
            .collect();
        (original_text, simulated)
    }))
}

/// A candidate, or for S3 the plan of one whose text is written only when needed.
enum Pending {
    Ready(Candidate),
    S3(super::fix_s3::Plan),
}

impl Pending {
    fn cost(&self) -> usize {
        match self {
            Pending::Ready(c) => c.cost,
            Pending::S3(p) => p.cost(),
        }
    }

    /// The candidate, written out from the original configuration `text`.
    fn candidate(self, scenario: &Scenario, text: &str) -> Candidate {
        match self {
            Pending::Ready(c) => c,
            Pending::S3(p) => p.candidate(scenario, text),
        }
    }
}

/// The candidates for a blocked scenario, in preference order, with the original text;
/// `None` when the provider has no fix generator.
fn pending(scenario: &Scenario, before: &Trace) -> Result<Option<(String, Vec<Pending>)>, Error> {
    Ok(Some(match &scenario.server {
        ServerSpec::Custom { .. } => {
            let (text, candidates) = custom_candidates(scenario)?;
            (text, candidates.into_iter().map(Pending::Ready).collect())
        }
        ServerSpec::S3 { config, .. } => {
            let text = config.as_deref().unwrap_or("");
            let plans = super::fix_s3::plans(scenario, text, before)?;
            (
                text.to_string(),
                plans.into_iter().map(Pending::S3).collect(),
            )
        }
        _ => return Ok(None),
    }))
}

/// Whether `candidate` is S3 XML longer than S3 accepts (`MaxMessageLengthExceeded`,
/// src/server/s3/validate.rs). Checked on the text before it is parsed: parsing would refuse it
/// too, but only after placing the error, a count over the whole 64 KB, once per candidate.
/// (JSON is measured as the XML it is sent as, which its parse does without placing an error.)
fn over_s3_limit(candidate: &Candidate) -> bool {
    matches!(candidate.server, ServerSpec::S3 { .. })
        && candidate.text.len() > crate::server::s3::MAX_DOCUMENT_BYTES
        && candidate.text.trim_start().starts_with('<')
}

/// S3's answer to a document over its size limit.
const TOO_BIG: &str = "MaxMessageLengthExceeded";

/// The trace of `scenario` with `candidate`'s server, when the request then passes; the error
/// when the candidate's configuration is refused.
fn simulate_candidate(scenario: &Scenario, candidate: &Candidate) -> Result<Option<Trace>, Error> {
    // simulate() of the scenario with the candidate's server, without copying the scenario
    // (and its configuration text) for each candidate.
    let trace = crate::PreparedServer::new(&candidate.server)
        .and_then(|server| crate::simulate_prepared(scenario, &server))?;
    Ok(Some(trace).filter(|t| t.outcome == Outcome::Allowed))
}

/// A unified diff of two texts, labelled as the configuration before and after.
pub fn unified_diff(before: &str, after: &str) -> String {
    super::diff::unified(before, after, "config", "config (fixed)")
}

/// When the browser refuses the request before any server is involved.
fn request_side_change(scenario: &Scenario, trace: &Trace) -> Option<String> {
    let blocked = trace.blocked.as_ref()?;
    if blocked.reason == BlockReason::MixedContent {
        return Some(mixed_content_change(&scenario.request.url, trace));
    }
    if blocked.stage != Stage::Request {
        return None;
    }
    let r = &scenario.request;
    Some(match blocked.reason {
        BlockReason::DisallowedByMode => "mode \"same-origin\" never reaches another origin: use mode \"cors\" (the default).".into(),
        BlockReason::CorsDisabledScheme => "Only http and https URLs can be fetched cross-origin: serve the resource over https.".into(),
        _ if r.url.trim_start().get(..5).is_some_and(|s| s.eq_ignore_ascii_case("data:")) => {
            "A data: URL needs a comma between its type and its data, as in data:text/plain,hello.".into()
        }
        _ if r.mode == Mode::NoCors => format!(
            "mode \"no-cors\" allows only GET, HEAD and POST: use mode \"cors\" for {}.",
            r.method
        ),
        _ => format!(
            "The browser throws before sending: {}. Change the request (method or headers) so the API accepts it.",
            trace.js.error.clone().unwrap_or_default()
        ),
    })
}

/// How to reach an http URL from an https page: over https. S3's website endpoints have no
/// https (s3-cors.md §5), so for them the way is the REST endpoint or CloudFront. When a
/// redirect led there, its Location is what must change.
fn mixed_content_change(url: &str, trace: &Trace) -> String {
    let redirected_to = trace
        .redirects
        .last()
        .and_then(|hop| hop.response.headers.get("location"))
        .map(|l| l.into_owned());
    let target = redirected_to.as_deref().unwrap_or(url);
    let https = crate::http::parse_url(target.trim()).ok().map(|mut u| {
        let _ = u.set_scheme("https");
        u.to_string()
    });
    if let Some(location) = &redirected_to {
        return format!(
            "The page is https and the server redirects to {location}, an http URL: make the redirect's Location {} (the server there must answer over TLS).",
            https.as_deref().unwrap_or("https")
        );
    }
    let website = crate::server::s3::parse_target(url.trim())
        .is_ok_and(|t| t.addressing == crate::server::s3::Addressing::Website);
    if website {
        "The page is https and S3 website endpoints speak only http: request the object from the bucket's REST endpoint over https (https://BUCKET.s3.REGION.amazonaws.com/KEY), or put CloudFront in front of the website endpoint and request its https URL.".into()
    } else {
        format!(
            "The page is https, so the URL must be https too: request {} (the server must answer over TLS).",
            https.unwrap_or_else(|| url.to_string())
        )
    }
}

/// A method fetch does not uppercase (`patch`) is usually a typo for the uppercase one: say so
/// beside the server fix.
fn method_case_note(scenario: &Scenario) -> String {
    let m = scenario.request.method.trim();
    let upper = m.to_ascii_uppercase();
    let normalized = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].contains(&upper.as_str());
    if m != upper && !normalized {
        format!(" Or fix the request instead: write the method as {upper}; fetch sends {m} exactly as written.")
    } else {
        String::new()
    }
}

fn server_cannot_help(scenario: &Scenario) -> String {
    let r = &scenario.request;
    if let ServerSpec::S3 { .. } = scenario.server {
        if !crate::server::s3::ALLOWED_METHODS.contains(&r.method.to_ascii_uppercase().as_str()) {
            return format!(
                "S3 CORS rules can only allow GET, PUT, POST, DELETE and HEAD, so no rule can allow {}; S3 has no operation for it anyway.",
                r.method
            );
        }
    }
    if r.credentials == Credentials::Include {
        return "Try the request without credentials (credentials: \"same-origin\" or \"omit\") if it does not need cookies.".into();
    }
    "Check that the URL is the one the configuration applies to.".into()
}

/// The custom server: repair each failing response header, one failure at a time, until the
/// request passes (every repair touches only what failed).
fn custom_candidates(scenario: &Scenario) -> Result<(String, Vec<Candidate>), Error> {
    let original = pretty(&scenario.server);
    let mut server = scenario.server.clone();
    let mut notes = Vec::new();
    let mut candidates = Vec::new();
    // At most one repair per kind of failure, each re-simulated.
    for round in 1..=8 {
        let mut probe = scenario.clone();
        probe.server = server.clone();
        let trace = crate::simulate(&probe)?;
        let Some(blocked) = trace.blocked.clone() else {
            break;
        };
        let Some(note) =
            repair_custom(&mut server, scenario, &trace, blocked.stage, blocked.reason)
        else {
            break;
        };
        notes.push(note);
        candidates.push(Candidate {
            server: server.clone(),
            text: pretty(&server),
            cost: round,
            explanation: notes.join(" "),
        });
    }
    Ok((original, candidates))
}

fn pretty(server: &ServerSpec) -> String {
    let mut s = serde_json::to_string_pretty(server).unwrap_or_default();
    s.push('\n');
    s
}

/// Changes one literal response so that the failure `reason` goes away; `None` when no header
/// change can.
fn repair_custom(
    server: &mut ServerSpec,
    scenario: &Scenario,
    trace: &Trace,
    stage: Stage,
    reason: BlockReason,
) -> Option<String> {
    let ServerSpec::Custom {
        preflight,
        redirects,
        response,
    } = server
    else {
        return None;
    };
    let origin = trace
        .preflight
        .as_ref()
        .and_then(|p| p.request.headers.get("origin"))
        .or_else(|| trace.request.as_ref().and_then(|r| r.headers.get("origin")))
        .map_or_else(|| scenario.request.origin.clone(), Cow::into_owned);
    let target: &mut LiteralResponse = match stage {
        Stage::Preflight => preflight.get_or_insert_with(|| LiteralResponse {
            status: 204,
            headers: Default::default(),
            body: None,
        }),
        Stage::Response if trace.response.is_none() && !trace.redirects.is_empty() => {
            redirects.get_mut(trace.redirects.len() - 1)?
        }
        _ => response,
    };
    let which = if stage == Stage::Preflight {
        "the preflight response"
    } else {
        "the response"
    };
    let pf = trace.preflight.as_ref();
    Some(match reason {
        BlockReason::MissingAllowOrigin
        | BlockReason::MultipleAllowOrigin
        | BlockReason::InvalidAllowOriginValue
        | BlockReason::AllowOriginMismatch
        | BlockReason::WildcardOriginWithCredentials => {
            target
                .headers
                .set("Access-Control-Allow-Origin", origin.clone());
            format!("Send exactly one Access-Control-Allow-Origin: {origin} on {which}.")
        }
        BlockReason::AllowCredentialsNotTrue => {
            target
                .headers
                .set("Access-Control-Allow-Credentials", "true");
            format!("Send Access-Control-Allow-Credentials: true on {which}, since the request includes credentials.")
        }
        BlockReason::PreflightStatusNotOk | BlockReason::PreflightRedirect => {
            target.status = 204;
            target.headers.remove("location");
            "Answer the preflight itself with 204 No Content (no redirect, no error status).".into()
        }
        BlockReason::AllowMethodsUnparsable | BlockReason::MethodNotAllowed => {
            let method = pf?.request.headers.get("access-control-request-method")?;
            let list = merged_list(
                target
                    .headers
                    .get("access-control-allow-methods")
                    .map(Cow::into_owned),
                &method,
                false,
            );
            target
                .headers
                .set("Access-Control-Allow-Methods", list.clone());
            format!("Allow the method on the preflight: Access-Control-Allow-Methods: {list}.")
        }
        BlockReason::AllowHeadersUnparsable
        | BlockReason::HeaderNotAllowed
        | BlockReason::AuthorizationNotCoveredByWildcard => {
            let names = pf?.request.headers.get("access-control-request-headers")?;
            let mut list = target
                .headers
                .get("access-control-allow-headers")
                .map(Cow::into_owned);
            for name in names.split(',') {
                list = Some(merged_list(list, name, true));
            }
            let list = list?;
            target
                .headers
                .set("Access-Control-Allow-Headers", list.clone());
            format!("Allow the request's headers on the preflight: Access-Control-Allow-Headers: {list}.")
        }
        _ => return None,
    })
}

/// A comma list with `item` added, keeping only the valid tokens already there (an invalid one
/// makes the whole header unparsable).
fn merged_list(existing: Option<String>, item: &str, header_names: bool) -> String {
    let mut items: Vec<String> = existing
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| crate::http::is_token(s))
        .collect();
    // Header names compare case-insensitively; methods do not.
    if !items
        .iter()
        .any(|i| i == item || (header_names && i.eq_ignore_ascii_case(item)))
    {
        items.push(item.to_string());
    }
    items.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(json: &str) -> Scenario {
        Scenario::from_json(json).unwrap()
    }

    #[test]
    fn custom_server_gets_exactly_the_missing_headers() {
        let s = scenario(
            r#"{"request": {"origin": "https://app.example", "url": "https://api.example/x", "method": "PUT",
                 "headers": [["X-Token", "1"]], "credentials": "include"},
                "server": {"kind": "custom",
                  "preflight": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]},
                  "response": {"status": 200, "headers": []}}}"#,
        );
        let report = fix(&s).unwrap();
        assert_eq!(report.outcome_before, Outcome::Blocked);
        assert_eq!(report.outcome_after, Outcome::Allowed);
        let text = report.fixed_config.unwrap();
        for needed in [
            "\"Access-Control-Allow-Methods\",\n        \"PUT\"",
            "x-token",
            "\"Access-Control-Allow-Credentials\"",
        ] {
            assert!(text.contains(needed), "{needed} in {text}");
        }
        assert!(!text.contains("\"*\""), "the wildcard must go: {text}");
        assert!(report
            .diff
            .unwrap()
            .starts_with("--- config\n+++ config (fixed)\n"));
    }

    #[test]
    fn request_side_problems_get_a_request_change() {
        let s = scenario(
            r#"{"request": {"origin": "https://app.example", "url": "https://api.example/x", "mode": "same-origin"},
                "server": {"kind": "custom", "response": {"status": 200}}}"#,
        );
        let report = fix(&s).unwrap();
        assert!(report.fixed_config.is_none());
        assert!(report.request_change.unwrap().contains("mode \"cors\""));
    }

    #[test]
    fn an_allowed_request_needs_nothing() {
        let s = scenario(
            r#"{"request": {"origin": "https://app.example", "url": "https://api.example/x"},
                "server": {"kind": "custom", "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}}"#,
        );
        let report = fix(&s).unwrap();
        assert_eq!(report.outcome_before, Outcome::Allowed);
        assert_eq!(report.candidates_considered, 0);
    }
}
