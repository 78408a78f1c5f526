//! Why a server answered what it answered: the part of the configuration behind a response.

use crate::error::Span;
use serde::{Deserialize, Serialize};

/// Which configuration produced a response, and why the other candidates did not.
///
/// For S3 this names the first matching `CORSRule` and, for every earlier rule, the first
/// condition that failed, each pointing at its place in the pasted text so the UI can mark it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// `s3`, `custom`, …
    pub provider: String,
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
    pub failed: String,
    /// A sentence naming the value that did not match.
    pub reason: String,
    /// Where the failing part of the rule is in the pasted text.
    pub span: Option<Span>,
}

/// A response header and the configuration line that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderSource {
    /// Header name.
    pub header: String,
    /// What in the configuration produced it.
    pub from: String,
    /// Where that is in the pasted text.
    pub span: Option<Span>,
}
