//! Why a server answered what it answered: the part of the configuration behind a response.

use crate::error::Span;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Which configuration produced a response, and why the other candidates did not.
///
/// The fields that are usually fixed text (provider, header names, many `from` sentences) are
/// `Cow<'static, str>`: every simulated response carries one of these, and copying literals into
/// new strings was a noticeable part of a simulation's allocations (docs/PERFORMANCE.md).
///
/// For S3 this names the first matching `CORSRule` and, for every earlier rule, the first
/// condition that failed, each pointing at its place in the pasted text so the UI can mark it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// `s3`, `custom`, …
    pub provider: Cow<'static, str>,
    /// One sentence a person reads first.
    pub summary: String,
    /// The rule that matched, if the provider has rules and one matched.
    #[serde(default)]
    pub matched_rule: Option<RuleRef>,
    /// Every rule examined before the match (or all of them when none matched), with the reason.
    #[serde(default)]
    pub rejected_rules: Vec<RuleMiss>,
    /// Where each CORS response header came from.
    #[serde(default)]
    pub header_sources: Vec<HeaderSource>,
    /// Behaviour the model chose where the ground truth is uncertain, said plainly.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A rule of the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    /// 0-based position in the configuration.
    pub index: usize,
    /// The rule's `ID`, when it has one.
    pub id: Option<String>,
    /// Where the rule starts in the pasted text.
    pub span: Option<Span>,
}

/// A rule that did not match, and the first condition that failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleMiss {
    /// 0-based position in the configuration.
    pub index: usize,
    /// The rule's `ID`, when it has one.
    pub id: Option<String>,
    /// `origin`, `method` or `header`.
    pub failed: Cow<'static, str>,
    /// A sentence naming the value that did not match.
    pub reason: String,
    /// Where the failing part of the rule is in the pasted text.
    pub span: Option<Span>,
}

/// A response header and the configuration line that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderSource {
    /// Header name.
    pub header: Cow<'static, str>,
    /// What in the configuration produced it.
    pub from: Cow<'static, str>,
    /// Where that is in the pasted text.
    pub span: Option<Span>,
}
