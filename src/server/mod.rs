//! The server wing: one module per provider, each implementing [`crate::http::Server`].
//!
//! A server knows nothing about browsers: it maps a request to a response and explains which
//! part of its configuration produced each CORS header.

pub mod apigw_http;
pub mod apigw_rest;
pub mod aws_common;
pub mod cloudfront;
pub mod custom;
pub(crate) mod json_reader;
pub mod lambda_url;
pub mod memo;
pub mod s3;
