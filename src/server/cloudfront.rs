//! CloudFront (in progress).
