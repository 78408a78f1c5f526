//! Web origins: <https://html.spec.whatwg.org/multipage/browsers.html#concept-origin>.

use serde::{Deserialize, Serialize};
use std::fmt::{self, Write};
use url::Url;

/// An origin as a browser holds it: a (scheme, host, port) tuple, or opaque.
///
/// Unlike `url::Origin`, an opaque origin here is one plain variant that always serializes as
/// `null`, so traces are deterministic (the `url` crate numbers opaque origins from a global
/// counter).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A sandboxed iframe, a `file:` page, a `data:` URL, or a request tainted by a redirect.
    Opaque,
    /// A tuple origin. `port` is `None` when it is the scheme's default.
    Tuple {
        /// Lowercase scheme, e.g. `https`.
        scheme: String,
        /// Host as the URL parser serializes it (lowercase, punycode, IPv6 in brackets).
        host: String,
        /// Port when it is not the scheme's default.
        port: Option<u16>,
    },
}

/// Why a page origin could not be understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginError(pub String);

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Origin {
    /// The origin of a parsed URL. Schemes without a tuple origin (`file:`, `data:`, …) give an
    /// opaque origin, as <https://url.spec.whatwg.org/#concept-url-origin> says.
    pub fn of_url(url: &Url) -> Origin {
        // http and https, the common case, read straight from the URL: its host is the
        // serialized host, and the parser already dropped a default port.
        if let ("http" | "https", Some(host)) = (url.scheme(), url.host_str()) {
            return Origin::Tuple {
                scheme: url.scheme().to_string(),
                host: host.to_string(),
                port: url.port(),
            };
        }
        Origin::of_url_generic(url)
    }

    fn of_url_generic(url: &Url) -> Origin {
        match url.origin() {
            url::Origin::Tuple(scheme, host, port) => {
                // The special schemes' default ports: https://url.spec.whatwg.org/#default-port
                let default = match scheme.as_str() {
                    "http" | "ws" => Some(80),
                    "https" | "wss" => Some(443),
                    "ftp" => Some(21),
                    _ => None,
                };
                Origin::Tuple {
                    scheme,
                    host: host.to_string(),
                    port: if Some(port) == default {
                        None
                    } else {
                        Some(port)
                    },
                }
            }
            url::Origin::Opaque(_) => Origin::Opaque,
        }
    }

    /// Parses what a user types as the page origin: `null`, a serialized origin, or any URL of
    /// the page (its path is ignored, as a browser would ignore it).
    pub fn parse(input: &str) -> Result<Origin, OriginError> {
        let trimmed = input.trim();
        if trimmed == "null" {
            return Ok(Origin::Opaque);
        }
        let url = super::parse_url(trimmed).map_err(|e| {
            OriginError(format!(
                "page origin {trimmed:?} is not a URL ({e}); write it like https://app.example.com, or null"
            ))
        })?;
        Ok(Origin::of_url(&url))
    }

    /// The ASCII serialization: `scheme "://" host [":" port]`, or `null`
    /// (<https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin>).
    pub fn serialize(&self) -> String {
        match self {
            Origin::Opaque => "null".to_string(),
            Origin::Tuple { scheme, host, port } => {
                let mut out = String::with_capacity(scheme.len() + host.len() + 9);
                out.push_str(scheme);
                out.push_str("://");
                out.push_str(host);
                if let Some(p) = port {
                    let _ = write!(out, ":{p}");
                }
                out
            }
        }
    }

    /// <https://html.spec.whatwg.org/multipage/browsers.html#same-origin>: an opaque origin is
    /// never same-origin with a tuple origin (and, as a simplification, with another opaque one).
    pub fn same_origin(&self, other: &Origin) -> bool {
        match (self, other) {
            (Origin::Tuple { .. }, Origin::Tuple { .. }) => self == other,
            _ => false,
        }
    }

    /// Whether `url`'s origin is this (tuple) origin: `same_origin(&Origin::of_url(url))`
    /// without building the other origin's strings, since the browser model asks it at every
    /// hop of every simulated request.
    pub fn is_origin_of(&self, url: &Url) -> bool {
        match (self, url.scheme(), url.host_str()) {
            (Origin::Tuple { scheme, host, port }, s @ ("http" | "https"), Some(h)) => {
                scheme == s && host == h && *port == url.port()
            }
            _ => self.same_origin(&Origin::of_url(url)),
        }
    }

    /// The scheme, when the origin is a tuple.
    pub fn scheme(&self) -> Option<&str> {
        match self {
            Origin::Tuple { scheme, .. } => Some(scheme),
            Origin::Opaque => None,
        }
    }
}

impl fmt::Display for Origin {
    /// The same text as [`Origin::serialize`], written without an intermediate string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Opaque => f.write_str("null"),
            Origin::Tuple { scheme, host, port } => {
                f.write_str(scheme)?;
                f.write_str("://")?;
                f.write_str(host)?;
                match port {
                    Some(p) => write!(f, ":{p}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Origin::serialize(self))
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        match s {
            None => Ok(Origin::Opaque),
            Some(s) => Origin::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_http_shortcut_agrees_with_the_url_crates_origin() {
        for url in [
            "https://app.example.com",
            "HTTPS://App.Example.COM.:443/x?y#z",
            "http://example.com:80/",
            "http://example.com:8080/",
            "https://example.com:80/",
            "http://user:pw@[::1]:443/",
            "https://[2001:db8::1]/",
            "http://192.168.000.001/",
            "http://0x7f.1/",
            "https://xn--bcher-kva.example:65535/",
        ] {
            let parsed = Url::parse(url).unwrap();
            assert_eq!(
                Origin::of_url(&parsed),
                Origin::of_url_generic(&parsed),
                "{url}"
            );
        }
    }

    #[test]
    fn is_origin_of_agrees_with_comparing_built_origins() {
        let urls = [
            "https://app.example.com/x",
            "HTTPS://App.Example.COM.:443/x?y#z",
            "https://app.example.com.:443/",
            "http://app.example.com/",
            "https://app.example.com:8443/",
            "http://[::1]:80/",
            "http://[::1]:8080/",
            "ftp://app.example.com/",
            "data:text/plain,x",
            "file:///tmp/x",
        ];
        let origins = [
            Origin::parse("https://app.example.com").unwrap(),
            Origin::parse("https://app.example.com:8443").unwrap(),
            Origin::parse("http://[::1]").unwrap(),
            Origin::parse("ftp://app.example.com").unwrap(),
            Origin::Opaque,
        ];
        for url in urls {
            let parsed = Url::parse(url).unwrap();
            for origin in &origins {
                assert_eq!(
                    origin.is_origin_of(&parsed),
                    origin.same_origin(&Origin::of_url(&parsed)),
                    "{origin:?} and {url}"
                );
            }
        }
    }

    #[test]
    fn serialization_drops_default_ports_paths_and_case() {
        assert_eq!(
            Origin::parse("HTTPS://App.Example.com:443/x?y")
                .unwrap()
                .serialize(),
            "https://app.example.com"
        );
        assert_eq!(
            Origin::parse("http://localhost:8080").unwrap().serialize(),
            "http://localhost:8080"
        );
        assert_eq!(
            Origin::parse("http://[::1]:80").unwrap().serialize(),
            "http://[::1]"
        );
        assert_eq!(Origin::parse("null").unwrap(), Origin::Opaque);
        assert_eq!(
            Origin::parse("file:///tmp/x.html").unwrap().serialize(),
            "null"
        );
    }

    #[test]
    fn same_origin_needs_scheme_host_and_port() {
        let a = Origin::parse("https://a.example").unwrap();
        assert!(a.same_origin(&Origin::parse("https://a.example:443/p").unwrap()));
        assert!(!a.same_origin(&Origin::parse("http://a.example").unwrap()));
        assert!(!a.same_origin(&Origin::parse("https://a.example:8443").unwrap()));
        assert!(!a.same_origin(&Origin::parse("https://b.a.example").unwrap()));
        assert!(!Origin::Opaque.same_origin(&Origin::Opaque));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Origin::parse("app.example.com").is_err());
        assert!(Origin::parse("").is_err());
    }
}
