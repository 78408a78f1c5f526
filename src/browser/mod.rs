//! The browser wing: the Fetch standard's CORS algorithms and how Chrome, Firefox and Safari
//! depart from them.
//!
//! It knows nothing about AWS: it talks to a [`crate::http::Server`] through requests and
//! responses only.

pub mod console;
pub mod cors_check;
pub mod engine;
pub mod exposure;
mod fetch;
pub mod mime;
pub mod mixed_content;
pub mod preflight;
pub mod preflight_cache;
pub mod safelist;
pub mod webkit_headers;

pub use fetch::fetch;
