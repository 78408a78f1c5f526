//! URL parsing for the simulator, and its one limitation: host names outside ASCII.
//!
//! A browser maps a Unicode host (`bücher.example`) to its ASCII form (`xn--bcher-kva.example`)
//! with UTS #46 before anything is sent (<https://url.spec.whatwg.org/#concept-domain-to-ascii>).
//! Doing that exactly needs Unicode mapping and normalization tables; in the web app they were
//! the largest single part of the download (about 47 KB of 500 KB gzipped), so cors-sim links
//! the `idna` crate without them (`idna_adapter = "=1.0.0"` in Cargo.toml, its "no Unicode back
//! end" release, which rejects non-ASCII host names).
//!
//! Rather than the `url` crate's bare "invalid international domain name", such a host is a clear
//! error that names the host and, where it can, its ASCII form. The suggestion is plain Punycode
//! (RFC 3492) of each label as typed, lowercased in ASCII only: right for names already in
//! lowercase normalized form (nearly all real ones), which is why it is offered as "probably".
//! Hosts already written as `xn--` labels work as before.

use std::fmt;
use url::Url;

/// Why a URL could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// The `url` crate's own error (WHATWG URL parsing).
    Parse(url::ParseError),
    /// A host name with characters outside ASCII, which cors-sim does not map (module doc).
    NonAsciiHost {
        /// The host as written.
        host: String,
        /// Its probable ASCII form, when every label could be encoded.
        ascii: Option<String>,
    },
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Parse(e) => fmt::Display::fmt(e, f),
            UrlError::NonAsciiHost { host, ascii } => {
                write!(
                    f,
                    "the host {host:?} is not ASCII, and cors-sim does not map international domain names; write it in its xn-- form"
                )?;
                match ascii {
                    Some(a) => write!(f, " (probably {a})"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// Parses an absolute URL, with a clear error for a non-ASCII host (module doc).
pub fn parse_url(text: &str) -> Result<Url, UrlError> {
    refuse_non_ascii_host(text)?;
    Url::parse(text).map_err(|e| explain(e, text))
}

/// Resolves `reference` (a redirect's `Location`, say) against `base`.
pub fn join_url(base: &Url, reference: &str) -> Result<Url, UrlError> {
    refuse_non_ascii_host(reference)?;
    base.join(reference).map_err(|e| explain(e, reference))
}

/// Refuses a written non-ASCII host before the `url` crate sees it: besides the clearer error,
/// the Unicode-less `idna_adapter` has a `debug_assert!` that a mixed-case non-ASCII host
/// (`Bücher.example`) trips, which would abort debug builds and tests.
fn refuse_non_ascii_host(text: &str) -> Result<(), UrlError> {
    if text.is_ascii() && !text.contains('%') {
        return Ok(());
    }
    match host_of(text) {
        Some(host) if !host.is_ascii() => Err(UrlError::NonAsciiHost {
            ascii: to_ascii(host),
            host: host.to_string(),
        }),
        // `b%C3%BCcher.example`: percent-decoded before IDNA, so just as non-ASCII.
        Some(host) if percent_decodes_to_non_ascii(host) => Err(UrlError::NonAsciiHost {
            ascii: None,
            host: host.to_string(),
        }),
        _ => Ok(()),
    }
}

fn explain(e: url::ParseError, text: &str) -> UrlError {
    if e != url::ParseError::IdnaError {
        return UrlError::Parse(e);
    }
    match host_of(text) {
        Some(host) if !host.is_ascii() => UrlError::NonAsciiHost {
            ascii: to_ascii(host),
            host: host.to_string(),
        },
        _ => UrlError::Parse(e),
    }
}

/// The host of `scheme://[userinfo@]host[:port]/…` or `//host/…` as written, when the scheme
/// (if any) is one whose host is a domain (<https://url.spec.whatwg.org/#special-scheme>);
/// `\\` counts as `/` for those, as in the URL parser.
fn host_of(text: &str) -> Option<&str> {
    let text = text.trim_matches(|c: char| c <= ' ');
    let rest = match text.split_once(':') {
        Some((scheme, rest)) if !scheme.contains(['/', '\\', '?', '#']) => {
            let scheme = scheme.to_ascii_lowercase();
            if !matches!(scheme.as_str(), "http" | "https" | "ws" | "wss" | "ftp") {
                return None;
            }
            rest
        }
        _ => text
            .strip_prefix("//")
            .or_else(|| text.strip_prefix("\\\\"))?,
    };
    let rest = rest.trim_start_matches(['/', '\\']);
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // A port is ASCII digits after the last colon; IPv6 literals are ASCII, so never reach here.
    Some(host.rsplit_once(':').map_or(host, |(h, _)| h))
}

/// Whether `%XX` escapes in `host` stand for bytes outside ASCII.
fn percent_decodes_to_non_ascii(host: &str) -> bool {
    host.split('%').skip(1).any(|rest| {
        rest.get(..2)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .is_some_and(|b| !b.is_ascii())
    })
}

/// Punycode of each non-ASCII label, ASCII letters lowercased (module doc on why "probably").
fn to_ascii(host: &str) -> Option<String> {
    let labels: Option<Vec<String>> = host
        .split('.')
        .map(|label| {
            let label = label.to_ascii_lowercase();
            if label.is_ascii() {
                Some(label)
            } else {
                idna::punycode::encode_str(&label).map(|p| format!("xn--{p}"))
            }
        })
        .collect();
    labels.map(|l| l.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_xn_hosts_parse_as_before() {
        for (text, want) in [
            ("https://Example.COM/a", "https://example.com/a"),
            (
                "https://xn--bcher-kva.example/",
                "https://xn--bcher-kva.example/",
            ),
            ("https://[::1]:8443/", "https://[::1]:8443/"),
            (
                "https://a.example/ü?q=é",
                "https://a.example/%C3%BC?q=%C3%A9",
            ),
        ] {
            assert_eq!(parse_url(text).map(|u| u.to_string()), Ok(want.into()));
        }
    }

    #[test]
    fn a_non_ascii_host_is_a_clear_error_with_its_probable_ascii_form() {
        let e = parse_url("https://user@Bücher.Example:8443/k").unwrap_err();
        assert_eq!(
            e,
            UrlError::NonAsciiHost {
                host: "Bücher.Example".into(),
                ascii: Some("xn--bcher-kva.example".into()),
            }
        );
        let text = e.to_string();
        assert!(text.contains("\"Bücher.Example\" is not ASCII"), "{text}");
        assert!(text.ends_with("(probably xn--bcher-kva.example)"), "{text}");
        let base = Url::parse("https://a.example/").unwrap();
        assert!(matches!(
            join_url(&base, "https://☃.example/x"),
            Err(UrlError::NonAsciiHost { ascii: Some(a), .. }) if a == "xn--n3h.example"
        ));
    }

    #[test]
    fn other_parse_errors_are_the_url_crates() {
        assert_eq!(
            parse_url("not a url"),
            Err(UrlError::Parse(url::ParseError::RelativeUrlWithoutBase))
        );
        // Percent-encoded non-ASCII in the host: refused too, without a suggestion.
        assert!(matches!(
            parse_url("https://B%C3%BCcher.example/"),
            Err(UrlError::NonAsciiHost { ascii: None, .. })
        ));
        // Hosts of other schemes are opaque, never mapped: they parse as before.
        assert!(parse_url("foo://bücher/x").is_ok());
        assert!(matches!(
            parse_url("HTTPS:\\\\Bücher.example"),
            Err(UrlError::NonAsciiHost { .. })
        ));
    }
}
