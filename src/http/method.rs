//! HTTP methods as `fetch()` and `XMLHttpRequest` see them.

use super::headers::is_token;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A request method after the Fetch standard's normalization.
///
/// <https://fetch.spec.whatwg.org/#concept-method-normalize>: only `DELETE`, `GET`, `HEAD`,
/// `OPTIONS`, `POST` and `PUT` are uppercased when matched case-insensitively; every other
/// method keeps its case, so `patch` stays `patch` and a server that allows `PATCH` refuses it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Method(String);

/// Why a method string cannot be used by `fetch()` at all (it throws a `TypeError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MethodError {
    /// Not an RFC 9110 token: <https://fetch.spec.whatwg.org/#concept-method>.
    NotAToken(String),
    /// `CONNECT`, `TRACE` or `TRACK`: <https://fetch.spec.whatwg.org/#forbidden-method>.
    Forbidden(String),
}

impl fmt::Display for MethodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MethodError::NotAToken(m) => write!(f, "'{m}' is not a valid HTTP method."),
            MethodError::Forbidden(m) => write!(f, "'{m}' HTTP method is unsupported."),
        }
    }
}

const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

impl Method {
    /// `GET`.
    pub fn get() -> Method {
        Method("GET".into())
    }

    /// `OPTIONS`, the preflight's method.
    pub fn options() -> Method {
        Method("OPTIONS".into())
    }

    /// Validates and normalizes a method as the `Request` constructor does.
    pub fn normalize(raw: &str) -> Result<Method, MethodError> {
        if !is_token(raw) {
            return Err(MethodError::NotAToken(raw.to_string()));
        }
        if ["CONNECT", "TRACE", "TRACK"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(raw))
        {
            return Err(MethodError::Forbidden(raw.to_string()));
        }
        match NORMALIZED.iter().find(|m| m.eq_ignore_ascii_case(raw)) {
            Some(m) => Ok(Method((*m).to_string())),
            None => Ok(Method(raw.to_string())),
        }
    }

    /// A method taken as-is, for servers that see whatever arrives on the wire.
    pub fn verbatim(raw: &str) -> Method {
        Method(raw.to_string())
    }

    /// <https://fetch.spec.whatwg.org/#cors-safelisted-method>: exactly `GET`, `HEAD` or `POST`
    /// (byte-exact, which after normalization is the same as case-insensitive).
    pub fn is_cors_safelisted(&self) -> bool {
        matches!(self.0.as_str(), "GET" | "HEAD" | "POST")
    }

    /// The method text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Method {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Method {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_six_standard_methods_are_uppercased() {
        assert_eq!(Method::normalize("put").unwrap(), "PUT");
        assert_eq!(Method::normalize("Delete").unwrap(), "DELETE");
        assert_eq!(Method::normalize("options").unwrap(), "OPTIONS");
        assert_eq!(Method::normalize("patch").unwrap(), "patch");
        assert_eq!(Method::normalize("patcH").unwrap(), "patcH");
        assert_eq!(Method::normalize("SUPER").unwrap(), "SUPER");
    }

    #[test]
    fn forbidden_and_invalid_methods_are_errors() {
        assert_eq!(
            Method::normalize("trace"),
            Err(MethodError::Forbidden("trace".into()))
        );
        assert_eq!(
            Method::normalize("CONNECT"),
            Err(MethodError::Forbidden("CONNECT".into()))
        );
        assert_eq!(
            Method::normalize("GET POST"),
            Err(MethodError::NotAToken("GET POST".into()))
        );
        assert!(Method::normalize("").is_err());
    }

    #[test]
    fn safelisted_methods_are_exactly_get_head_post() {
        for m in ["GET", "head", "Post"] {
            assert!(Method::normalize(m).unwrap().is_cors_safelisted(), "{m}");
        }
        for m in ["PUT", "patch", "OPTIONS"] {
            assert!(!Method::normalize(m).unwrap().is_cors_safelisted(), "{m}");
        }
    }
}
