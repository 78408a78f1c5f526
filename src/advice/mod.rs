//! Advice beside a verdict: what is risky or can never work in a configuration.
//!
//! Findings are data, never errors: the provider would accept the configuration as it is.

pub mod lint;

pub use lint::{lint, Finding, Severity};
