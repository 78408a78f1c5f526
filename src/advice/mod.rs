//! Advice beside a verdict: the smallest configuration change that lets a blocked request
//! through (proved by simulating it), and what is risky or can never work in a configuration.
//!
//! Findings and fixes are data, never errors: the provider would accept the configuration as
//! it is.

mod diff;
pub mod fix;
mod fix_s3;
pub mod lint;

pub use fix::{fix, FixReport};
pub use lint::{lint, Finding, Severity};
