//! Requests and responses as they cross the wire, and the raw HTTP/1.1 text of each.

use super::headers::HeaderList;
use super::provenance::Provenance;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// A request as the server receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The method exactly as sent (after the browser's normalization).
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// Header lines in the order the browser sends the ones that matter to CORS.
    #[serde(default)]
    pub headers: HeaderList,
}

/// A response as the browser receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Header lines in wire order.
    #[serde(default)]
    pub headers: HeaderList,
    /// The body, when the server model knows it (S3's XML errors, for instance).
    #[serde(default)]
    pub body: Option<String>,
    /// Which part of the server's configuration produced this response.
    #[serde(default)]
    pub provenance: Option<Provenance>,
}

impl Request {
    /// The raw HTTP/1.1 text: request line, `Host`, then the header lines.
    pub fn to_raw(&self) -> String {
        let (target, host) = match super::parse_url(&self.url) {
            Ok(u) => {
                let mut target = u.path().to_string();
                if let Some(q) = u.query() {
                    target.push('?');
                    target.push_str(q);
                }
                let host = match (u.host_str(), u.port()) {
                    (Some(h), Some(p)) => format!("{h}:{p}"),
                    (Some(h), None) => h.to_string(),
                    _ => String::new(),
                };
                (target, host)
            }
            Err(_) => (self.url.clone(), String::new()),
        };
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, target);
        if !host.is_empty() && !self.headers.contains("host") {
            let _ = write!(out, "Host: {host}\r\n");
        }
        for (n, v) in self.headers.iter() {
            let _ = write!(out, "{n}: {v}\r\n");
        }
        out.push_str("\r\n");
        out
    }
}

impl Response {
    /// A response with no header.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: HeaderList::new(),
            body: None,
            provenance: None,
        }
    }

    /// The raw HTTP/1.1 text: status line, header lines, blank line, body.
    pub fn to_raw(&self) -> String {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        for (n, v) in self.headers.iter() {
            let _ = write!(out, "{n}: {v}\r\n");
        }
        out.push_str("\r\n");
        if let Some(body) = &self.body {
            out.push_str(body);
        }
        out
    }

    /// <https://fetch.spec.whatwg.org/#ok-status>: 200 to 299.
    pub fn is_ok_status(&self) -> bool {
        (200..=299).contains(&self.status)
    }

    /// <https://fetch.spec.whatwg.org/#redirect-status> with a `Location` header: what every
    /// engine treats as a redirect to follow (a 3xx without `Location` is just a response).
    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308) && self.headers.contains("location")
    }
}

/// The standard reason phrase, for the raw view only (HTTP/2 has none; CORS never reads it).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        412 => "Precondition Failed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_request_has_target_host_and_lines() {
        let r = Request {
            method: "OPTIONS".into(),
            url: "https://b.s3.amazonaws.com:8443/k.png?x=1".into(),
            headers: [("Origin", "https://a.example")].into_iter().collect(),
        };
        assert_eq!(
            r.to_raw(),
            "OPTIONS /k.png?x=1 HTTP/1.1\r\nHost: b.s3.amazonaws.com:8443\r\nOrigin: https://a.example\r\n\r\n"
        );
    }

    #[test]
    fn a_3xx_without_location_is_not_a_redirect() {
        let mut r = Response::new(302);
        assert!(!r.is_redirect());
        r.headers.append("Location", "/x");
        assert!(r.is_redirect());
        assert!(!r.is_ok_status());
    }
}
