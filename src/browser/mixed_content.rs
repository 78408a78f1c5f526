//! Mixed content: an `https:` page may not fetch an `http:` URL.
//!
//! The browser refuses the request before anything is sent, and before CORS has a say: no
//! preflight, no Origin check, the promise rejects like any network error. It is the first thing
//! to rule out when "S3 blocks my request" from a site served over HTTPS, since S3's website
//! endpoints speak only http. fetch() and XMLHttpRequest are "blockable" content: browsers
//! upgrade only images, audio and video to https, and block the rest.
//! Source: Mixed Content (W3C) §4.4 "Should fetching request be blocked as mixed content?",
//! run by Fetch #main-fetch on the first URL and again on every redirect's URL.

use crate::http::Origin;
use crate::scenario::{Api, Browser};
use std::net::Ipv6Addr;
use url::{Host, Url};

/// Whether `browser` refuses to fetch `url` from a page of origin `page` as mixed content.
pub fn blocks(browser: Browser, page: &Origin, url: &Url) -> bool {
    // Chromium's MixedContentChecker::IsMixedContent: the page must be https (an http page,
    // localhost included, may fetch anything), the URL not.
    let Origin::Tuple { scheme, .. } = page else {
        return false;
    };
    scheme == "https" && url.scheme() == "http" && !trustworthy_host(browser, url)
}

/// An `http:` URL the browser trusts all the same (Secure Contexts §3.1 "Is origin potentially
/// trustworthy?": loopback addresses and localhost names).
fn trustworthy_host(browser: Browser, url: &Url) -> bool {
    // WebKit departs from the spec here: http://localhost and http://127.0.0.1 stay mixed
    // content (MixedContentChecker.cpp, isNonLocalHostPotentiallyTrustworthyOrigin,
    // https://bugs.webkit.org/show_bug.cgi?id=171934).
    if browser == Browser::Safari {
        return false;
    }
    is_loopback(url)
}

/// Whether `url`'s host is a localhost name or a loopback address.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name == "localhost" || name.ends_with(".localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    }
}

/// The console line `browser` prints when it blocks `url` (the page's URL is written as its
/// origin and `/`, the page's path being unknown).
pub fn console_line(browser: Browser, api: Api, page: &Origin, url: &Url) -> String {
    let page = format!("{}/", page.serialize());
    match browser {
        // Blink's MixedContentChecker: the request context names the kind of load ("resource"
        // for fetch(), "XMLHttpRequest endpoint" for XHR).
        Browser::Chrome => {
            let kind = match api {
                Api::Fetch => "resource",
                Api::Xhr => "XMLHttpRequest endpoint",
            };
            format!("Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure {kind} '{url}'. This request has been blocked; the content must be served over HTTPS.")
        }
        // Gecko's nsMixedContentBlocker, security.properties key BlockMixedActiveContent.
        Browser::Firefox => format!("Blocked loading mixed active content “{url}”"),
        // WebKit's MixedContentChecker::logConsoleWarning, with its trailing newline.
        Browser::Safari => format!("[blocked] The page at {page} requested insecure content from {url}. This content was blocked and must be served over HTTPS.\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(origin: &str) -> Origin {
        Origin::of_url(&Url::parse(origin).unwrap())
    }

    fn url(u: &str) -> Url {
        Url::parse(u).unwrap()
    }

    #[test]
    fn an_https_page_may_not_fetch_http() {
        let https = page("https://app.example.com");
        for b in [Browser::Chrome, Browser::Firefox, Browser::Safari] {
            assert!(blocks(
                b,
                &https,
                &url("http://bucket.s3-website-us-east-1.amazonaws.com/a")
            ));
            assert!(!blocks(
                b,
                &https,
                &url("https://bucket.s3.amazonaws.com/a")
            ));
            // An http page may fetch either.
            let http = page("http://app.example.com");
            assert!(!blocks(b, &http, &url("http://other.example/a")));
            assert!(!blocks(b, &Origin::Opaque, &url("http://other.example/a")));
        }
    }

    #[test]
    fn loopback_is_trusted_except_by_webkit() {
        let https = page("https://app.example.com");
        for u in [
            "http://localhost:3000/",
            "http://api.localhost/",
            "http://127.0.0.1:8080/",
            "http://127.1.2.3/",
            "http://[::1]/",
        ] {
            assert!(!blocks(Browser::Chrome, &https, &url(u)), "{u}");
            assert!(!blocks(Browser::Firefox, &https, &url(u)), "{u}");
            assert!(blocks(Browser::Safari, &https, &url(u)), "{u}");
        }
        assert!(blocks(Browser::Chrome, &https, &url("http://10.0.0.1/")));
        assert!(blocks(
            Browser::Chrome,
            &https,
            &url("http://localhost.example/")
        ));
    }

    #[test]
    fn each_engine_words_it_its_own_way() {
        let https = page("https://app.example.com");
        let u = url("http://b.example/x");
        assert_eq!(
            console_line(Browser::Chrome, Api::Fetch, &https, &u),
            "Mixed Content: The page at 'https://app.example.com/' was loaded over HTTPS, but requested an insecure resource 'http://b.example/x'. This request has been blocked; the content must be served over HTTPS."
        );
        assert!(console_line(Browser::Chrome, Api::Xhr, &https, &u)
            .contains("an insecure XMLHttpRequest endpoint 'http://b.example/x'"));
        assert_eq!(
            console_line(Browser::Firefox, Api::Fetch, &https, &u),
            "Blocked loading mixed active content “http://b.example/x”"
        );
        assert_eq!(
            console_line(Browser::Safari, Api::Fetch, &https, &u),
            "[blocked] The page at https://app.example.com/ requested insecure content from http://b.example/x. This content was blocked and must be served over HTTPS.\n"
        );
    }
}
