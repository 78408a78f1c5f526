//! The server wing: one module per provider, each implementing [`crate::http::Server`].
//!
//! A server knows nothing about browsers: it maps a request to a response and explains which
//! part of its configuration produced each CORS header.

pub mod custom;
pub mod s3;
