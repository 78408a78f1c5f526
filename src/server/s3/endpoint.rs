//! Which bucket and key a request URL names (S3 User Guide "VirtualHosting",
//! "WebsiteEndpoints"; spec §3.1, §5).
//!
//! * Virtual-hosted: `bucket.s3.amazonaws.com`, `bucket.s3.region.amazonaws.com`,
//!   `bucket.s3-region.amazonaws.com`, `bucket.s3.dualstack.region.amazonaws.com`,
//!   `bucket.s3-accelerate[.dualstack].amazonaws.com`, FIPS variants; bucket names may contain
//!   dots (`my.bucket.s3.amazonaws.com`).
//! * Path-style: `s3.region.amazonaws.com/bucket/key`; the bare service host with path `/` is
//!   ListBuckets, which is not CORS-enabled (spec §5).
//! * Website: `bucket.s3-website-region.amazonaws.com`, `bucket.s3-website.region.amazonaws.com`.
//! * Any other host (a custom domain, `localhost`) is a CNAME to the bucket: S3 takes the whole
//!   host name as the bucket name, and the path is the key.

/// How the URL addresses the bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `bucket.s3….amazonaws.com/key`.
    VirtualHosted,
    /// `s3….amazonaws.com/bucket/key`.
    PathStyle,
    /// `bucket.s3-website….amazonaws.com/key`.
    Website,
    /// Any other host: the host is the bucket (CNAME), or a proxy in front of it.
    CustomDomain,
}

/// What a request URL names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// How the bucket is addressed.
    pub addressing: Addressing,
    /// The bucket, `None` on the bare service endpoint (ListBuckets).
    pub bucket: Option<String>,
    /// The object key (percent-decoded), `None` for the bucket itself.
    pub key: Option<String>,
    /// Query parameter names, in order (`cors`, `uploads`, `uploadId`, …).
    pub query: Vec<(String, String)>,
}

impl Target {
    /// True for the bare service endpoint.
    pub fn is_service(&self) -> bool {
        self.bucket.is_none()
    }

    /// True when the query string names `name` (`?cors`, `?uploads`).
    pub fn has_query(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| k == name)
    }
}

/// The bucket and key `url` names, or a description of why it is not an absolute HTTP URL.
pub fn parse_target(url: &str) -> Result<Target, String> {
    let parsed =
        crate::http::parse_url(url).map_err(|e| format!("{url:?} is not an absolute URL: {e}"))?;
    target_of(url, &parsed)
}

/// Why a browser cannot reach `url` at all, when it names an S3 website endpoint over https:
/// website endpoints serve only http ("Amazon S3 website endpoints do not support HTTPS",
/// WebsiteEndpoints; s3-cors.md §5), so the connection fails before any CORS check.
pub fn unreachable(url: &str) -> Option<String> {
    let parsed = crate::http::parse_url(url.trim()).ok()?;
    let website = parsed.scheme() == "https"
        && matches!(classify_host(parsed.host_str()?), HostKind::Website(_));
    website.then(|| {
        let mut http = parsed.clone();
        let _ = http.set_scheme("http");
        format!("S3 website endpoints serve only http, so a browser's connection to {parsed} fails before any CORS check (a network error, whatever the configuration). Request {http} from a page served over http, or the bucket's REST endpoint over https (https://BUCKET.s3.REGION.amazonaws.com/KEY), or put CloudFront in front of the website endpoint.")
    })
}

/// The bucket and key of `parsed`, the parse of `url`.
pub(crate) fn target_of(url: &str, parsed: &url::Url) -> Result<Target, String> {
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("{url:?} is not an http or https URL"));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("{url:?} has no host"))?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let query = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let path = percent_decode(parsed.path());
    let rest = path.strip_prefix('/').unwrap_or(&path);
    let (addressing, bucket, key) = match classify_host(&host) {
        HostKind::Service => match rest.split_once('/') {
            _ if rest.is_empty() => (Addressing::PathStyle, None, None),
            Some((bucket, key)) => (
                Addressing::PathStyle,
                Some(bucket.to_string()),
                non_empty(key),
            ),
            None => (Addressing::PathStyle, Some(rest.to_string()), None),
        },
        HostKind::Bucket(bucket) => (Addressing::VirtualHosted, Some(bucket), non_empty(rest)),
        HostKind::Website(bucket) => (Addressing::Website, bucket, non_empty(rest)),
        HostKind::Other => (
            Addressing::CustomDomain,
            Some(host.clone()),
            non_empty(rest),
        ),
    };
    Ok(Target {
        addressing,
        bucket,
        key,
        query,
    })
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

enum HostKind {
    /// `s3….amazonaws.com` without a bucket label.
    Service,
    /// A virtual-hosted bucket.
    Bucket(String),
    /// A website endpoint, with the bucket when the host names one.
    Website(Option<String>),
    /// Not an S3 host name.
    Other,
}

/// Splits an S3 host into the bucket labels and the endpoint labels. The endpoint is the
/// longest tail of labels that forms a known S3 endpoint, so a bucket called `s3` still works
/// (`s3.s3.amazonaws.com`).
fn classify_host(host: &str) -> HostKind {
    let base = ["amazonaws.com.cn", "amazonaws.com"]
        .iter()
        .find_map(|suffix| host.strip_suffix(suffix)?.strip_suffix('.'));
    let Some(base) = base else {
        return HostKind::Other;
    };
    let labels: Vec<&str> = base.split('.').collect();
    for i in 0..labels.len() {
        let (bucket, tail) = labels.split_at(i);
        let Some(kind) = endpoint_kind(tail) else {
            continue;
        };
        // The bucket labels are the start of `base`: slice it rather than join them again.
        let bucket_len = bucket.iter().map(|l| l.len() + 1).sum::<usize>();
        let bucket = (!bucket.is_empty()).then(|| base[..bucket_len - 1].to_string());
        return match (kind, bucket) {
            (EndpointKind::Rest, None) => HostKind::Service,
            (EndpointKind::Rest, Some(b)) => HostKind::Bucket(b),
            (EndpointKind::Website, b) => HostKind::Website(b),
        };
    }
    HostKind::Other
}

enum EndpointKind {
    Rest,
    Website,
}

/// Whether `tail` (the labels before `amazonaws.com`) is an S3 endpoint.
fn endpoint_kind(tail: &[&str]) -> Option<EndpointKind> {
    let region = |s: &str| is_region(s);
    match tail {
        ["s3-website", r] if region(r) => Some(EndpointKind::Website),
        [legacy] if legacy.strip_prefix("s3-website-").is_some_and(region) => {
            Some(EndpointKind::Website)
        }
        ["s3"] | ["s3-external-1"] | ["s3-accelerate"] | ["s3-accelerate", "dualstack"] => {
            Some(EndpointKind::Rest)
        }
        ["s3" | "s3-fips", r] if region(r) => Some(EndpointKind::Rest),
        ["s3" | "s3-fips", "dualstack", r] if region(r) => Some(EndpointKind::Rest),
        [legacy] if legacy.strip_prefix("s3-").is_some_and(region) => Some(EndpointKind::Rest),
        _ => None,
    }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, …: lowercase words joined by
/// `-`, ending in a number.
fn is_region(s: &str) -> bool {
    let Some((words, number)) = s.rsplit_once('-') else {
        return false;
    };
    !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        // At least two words before the number.
        && words.contains('-')
        && words
            .split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Decodes `%XX` escapes (invalid escapes are kept as written; invalid UTF-8 is replaced).
fn percent_decode(s: &str) -> String {
    fn hex(b: &u8) -> Option<u8> {
        (*b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    // Valid UTF-8 (nearly always) keeps its buffer; only invalid bytes cost a second one.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_two_or_more_lowercase_words_and_a_number() {
        for region in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "ap-south-12",
        ] {
            assert!(is_region(region), "{region}");
        }
        for not in [
            "",
            "us-1",
            "us-east-",
            "us--1",
            "-east-1",
            "US-east-1",
            "us-east-1a",
            "us-east",
            "1-2-3",
            "us-east-1-",
        ] {
            assert!(!is_region(not), "{not}");
        }
    }

    #[test]
    fn a_parsed_url_gives_the_target_of_its_text() {
        for url in [
            "https://bucket.s3.amazonaws.com/a%20b/c?x=1&cors",
            "HTTPS://Bucket.S3.us-east-1.AmazonAWS.com./k/../é?q=%zz#frag",
            "http://s3.amazonaws.com:8080//bucket//key/",
            "https://xn--bcher-kva.example/a/./b",
            "http://bucket.s3-website-eu-west-1.amazonaws.com",
            "https://[::1]:443/b/k",
            "https://192.168.0.1/b/k?",
        ] {
            let parsed = url::Url::parse(url).unwrap();
            let text = parsed.as_str();
            assert_eq!(
                target_of(text, &parsed),
                parse_target(text),
                "{url:?} serialized as {text:?}"
            );
        }
    }

    fn t(url: &str) -> (Addressing, Option<&'static str>, Option<String>) {
        let target = parse_target(url).unwrap();
        (
            target.addressing,
            target.bucket.map(|b| &*Box::leak(b.into_boxed_str())),
            target.key,
        )
    }

    #[test]
    fn urls_name_bucket_and_key() {
        use Addressing::*;
        let key = |k: &str| Some(k.to_string());
        let cases = [
            (
                "https://bucket.s3.amazonaws.com/a.txt",
                (VirtualHosted, Some("bucket"), key("a.txt")),
            ),
            (
                "https://bucket.s3.us-east-1.amazonaws.com/photos/cat.png",
                (VirtualHosted, Some("bucket"), key("photos/cat.png")),
            ),
            (
                "https://bucket.s3-eu-west-1.amazonaws.com/",
                (VirtualHosted, Some("bucket"), None),
            ),
            (
                "https://bucket.s3.dualstack.us-west-2.amazonaws.com/k",
                (VirtualHosted, Some("bucket"), key("k")),
            ),
            (
                "https://bucket.s3-accelerate.amazonaws.com/k",
                (VirtualHosted, Some("bucket"), key("k")),
            ),
            (
                "https://my.dotted.bucket.s3.amazonaws.com/k",
                (VirtualHosted, Some("my.dotted.bucket"), key("k")),
            ),
            (
                "https://s3.s3.amazonaws.com/k",
                (VirtualHosted, Some("s3"), key("k")),
            ),
            (
                "https://bucket.s3.cn-north-1.amazonaws.com.cn/k",
                (VirtualHosted, Some("bucket"), key("k")),
            ),
            (
                "https://s3.us-east-1.amazonaws.com/bucket/dir/k%20x.txt",
                (PathStyle, Some("bucket"), key("dir/k x.txt")),
            ),
            (
                "https://s3.amazonaws.com/bucket",
                (PathStyle, Some("bucket"), None),
            ),
            (
                "https://s3.amazonaws.com/bucket/",
                (PathStyle, Some("bucket"), None),
            ),
            ("https://s3.amazonaws.com/", (PathStyle, None, None)),
            (
                "https://s3-us-west-2.amazonaws.com/",
                (PathStyle, None, None),
            ),
            (
                "http://bucket.s3-website-us-east-1.amazonaws.com/",
                (Website, Some("bucket"), None),
            ),
            (
                "http://bucket.s3-website.eu-central-1.amazonaws.com/index.html",
                (Website, Some("bucket"), key("index.html")),
            ),
            (
                "https://cdn.example.com/img/a.png",
                (CustomDomain, Some("cdn.example.com"), key("img/a.png")),
            ),
            (
                "http://localhost:9000/k",
                (CustomDomain, Some("localhost"), key("k")),
            ),
            (
                "https://example.amazonaws.com/k",
                (CustomDomain, Some("example.amazonaws.com"), key("k")),
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(t(url), expected, "{url}");
        }
    }

    #[test]
    fn query_and_errors() {
        let target = parse_target("https://b.s3.amazonaws.com/k?uploads&x-id=1").unwrap();
        assert!(target.has_query("uploads"));
        assert!(!target.has_query("cors"));
        assert!(parse_target("not a url").is_err());
        assert!(parse_target("ftp://b.s3.amazonaws.com/k").is_err());
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("/a%2Fb%zz%4"), "/a/b%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
        // Invalid UTF-8 after decoding is replaced, as a lossy decoder does.
        assert_eq!(percent_decode("/%FF%C3"), "/\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn a_website_endpoint_over_https_cannot_be_reached() {
        for url in [
            "https://b.s3-website-us-east-1.amazonaws.com/index.html",
            "https://b.s3-website.eu-central-1.amazonaws.com/",
        ] {
            let why = unreachable(url).expect(url);
            assert!(
                why.starts_with("S3 website endpoints serve only http"),
                "{why}"
            );
            assert!(why.contains(&url.replacen("https", "http", 1)), "{why}");
        }
        for url in [
            "http://b.s3-website-us-east-1.amazonaws.com/index.html",
            "https://b.s3.us-east-1.amazonaws.com/k",
            "https://cdn.example.com/k",
            "not a url",
        ] {
            assert_eq!(unreachable(url), None, "{url}");
        }
    }
}
