//! The CORS-preflight cache: which later requests skip the preflight, and until when.
//!
//! <https://fetch.spec.whatwg.org/#cors-preflight-cache>. Time is an input (seconds since the
//! scenario's first request), never a clock. Engines differ in granularity, caps and keys
//! (browser-cors.md §7):
//! * Chrome and Safari keep one result per (origin, URL), replaced by each successful
//!   preflight (in Safari also by one that failed only its method or header check) and erased
//!   by a lookup it cannot serve; Chrome caps Max-Age at 7,200 s, Safari at 600 s; 0 expires
//!   at once; an unparsable value means 5 s; Chrome caches nothing for a URL of 1,024
//!   characters or more.
//! * Firefox keeps one entry per method and header token, merged, keyed by credentials too;
//!   caps at 86,400 s; 0 or any non-digit value means "not cached at all"; its lookup exempts
//!   only GET and POST from the method check and never expands a cached `*`.

use super::engine::Engine;
use super::preflight::Granted;
use crate::http::Method;
use crate::scenario::Browser;

/// The default lifetime without `Access-Control-Max-Age` (every engine: 5 seconds).
pub const DEFAULT_MAX_AGE: u64 = 5;

/// How long a preflight result may be reused, as this engine reads `Access-Control-Max-Age`.
/// `None`: not cached at all.
pub fn max_age(engine: Engine, value: Option<&str>) -> Option<u64> {
    let cap = engine.max_age_cap();
    let Some(value) = value else {
        return Some(DEFAULT_MAX_AGE);
    };
    let value = value.trim();
    match engine.browser() {
        // Gecko `nsCORSListenerProxy::AddResultToCache`: any non-digit, or 0, means no caching.
        Browser::Firefox => {
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n = parse_saturating(value);
            (n > 0).then_some(n.min(cap))
        }
        // Chromium `StringToInt64` / WebKit `parseInteger`: failure → 5 s, negative → 0.
        _ => {
            let (negative, digits) = match value.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, value.strip_prefix('+').unwrap_or(value)),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Some(DEFAULT_MAX_AGE);
            }
            if negative {
                return Some(0);
            }
            Some(parse_saturating(digits).min(cap))
        }
    }
}

fn parse_saturating(digits: &str) -> u64 {
    digits.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    })
}

/// Chromium does not cache the preflight of a URL this long or longer (browser-cors.md §7,
/// the Chrome row: "URLs of 1024 characters or more are not cached").
pub const CHROME_MAX_URL_LENGTH: usize = 1024;

/// One cached preflight result.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    origin: String,
    url: String,
    /// Made for a request whose credentials mode was `include`.
    credentials: bool,
    /// Allowed methods as the server wrote them (Firefox: one token per entry).
    methods: Vec<String>,
    /// Allowed header names, lowercased.
    headers: Vec<String>,
    /// Seconds since the first request.
    expires_at: f64,
}

/// What a lookup found.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    /// Every method and header the request needs is covered until this time.
    Hit {
        /// Seconds since the first request.
        valid_until: f64,
    },
    /// A preflight is needed; the reason says why the cache did not help.
    Miss(String),
}

/// The browser's preflight cache for one scenario.
#[derive(Clone, Debug)]
pub struct PreflightCache {
    engine: Engine,
    entries: Vec<Entry>,
}

/// What a request asks of the cache.
pub struct Query<'a> {
    /// Serialized request origin.
    pub origin: &'a str,
    /// Request URL.
    pub url: &'a str,
    /// Credentials mode is `include`.
    pub include: bool,
    /// The method.
    pub method: &'a Method,
    /// The use-CORS-preflight flag.
    pub forced: bool,
    /// CORS-unsafe header names, lowercased.
    pub unsafe_names: &'a [String],
}

impl PreflightCache {
    /// An empty cache.
    pub fn new(engine: Engine) -> PreflightCache {
        PreflightCache {
            engine,
            entries: Vec::new(),
        }
    }

    fn serves(&self, e: &Entry, q: &Query<'_>) -> bool {
        e.origin == q.origin
            && e.url == q.url
            && match self.engine.browser() {
                // Gecko keys entries by withCredentials.
                Browser::Firefox => e.credentials == q.include,
                // Spec, Chromium, WebKit: an entry made with credentials serves any request,
                // one made without serves only requests without.
                _ => e.credentials || !q.include,
            }
    }

    /// Whether the cache spares this request its preflight at time `now`.
    pub fn lookup(&mut self, now: f64, q: &Query<'_>) -> Lookup {
        // Stale entries are erased on lookup.
        self.entries.retain(|e| e.expires_at > now);
        let lookup = self.look_up(q);
        // Chromium and WebKit keep one result per (origin, URL) and erase it when it does not
        // allow the request (PreflightCache::CheckIfRequestCanSkipPreflight, WebKit
        // CrossOriginPreflightResultCache::canSkipPreflight: "remove(it); return false"), so a
        // request it did cover before is preflighted again afterwards. Gecko keeps its entries.
        if matches!(lookup, Lookup::Miss(_)) && self.engine.browser() != Browser::Firefox {
            self.clear(q.origin, q.url);
        }
        lookup
    }

    fn look_up(&self, q: &Query<'_>) -> Lookup {
        let live: Vec<&Entry> = self.entries.iter().filter(|e| self.serves(e, q)).collect();
        if live.is_empty() {
            let any_key = self
                .entries
                .iter()
                .any(|e| e.origin == q.origin && e.url == q.url);
            return Lookup::Miss(if any_key {
                "the cached result was made without credentials and cannot serve a request that includes them".into()
            } else {
                "no cached preflight result for this origin and URL".into()
            });
        }
        let firefox = self.engine.browser() == Browser::Firefox;
        let method = q.method.as_str();
        // Which methods need no cache entry: Gecko exempts only GET and POST; the others, any
        // safelisted method unless the use-CORS-preflight flag is set.
        let method_exempt = if firefox {
            matches!(method, "GET" | "POST")
        } else {
            q.method.is_cors_safelisted() && !q.forced
        };
        let method_hit = live.iter().any(|e| {
            e.methods.iter().any(|m| m == method)
                || (!firefox && !q.include && e.methods.iter().any(|m| m == "*"))
                || (!firefox && q.method.is_cors_safelisted())
        });
        if !method_exempt && !method_hit {
            return Lookup::Miss(format!("the cached result does not cover method {method}"));
        }
        for name in q.unsafe_names {
            let hit = live.iter().any(|e| {
                e.headers.iter().any(|h| h == name)
                    // Chromium's lookup always runs with NonWildcardRequestHeadersSupport, so a
                    // cached * never covers Authorization; Gecko never expands a cached *.
                    || (!firefox
                        && !q.include
                        && e.headers.iter().any(|h| h == "*")
                        && (name != "authorization" || self.engine.browser() == Browser::Safari))
            });
            if !hit {
                return Lookup::Miss(format!("the cached result does not cover header {name}"));
            }
        }
        let valid_until = live
            .iter()
            .map(|e| e.expires_at)
            .fold(f64::INFINITY, f64::min);
        Lookup::Hit { valid_until }
    }

    /// Records what a preflight granted at time `now` (a successful one, or in WebKit one that
    /// failed only its method or header check). Returns the expiry, or `None` when the engine
    /// does not cache it.
    pub fn store(&mut self, now: f64, q: &Query<'_>, granted: &Granted) -> Option<f64> {
        if self.engine.browser() == Browser::Chrome && q.url.len() >= CHROME_MAX_URL_LENGTH {
            return None;
        }
        let age = max_age(self.engine, granted.max_age.as_deref())?;
        let expires_at = now + age as f64;
        let mut methods = granted.methods.clone();
        if methods.is_empty() && q.forced {
            // Fetch: "If methods is null and request's use-CORS-preflight flag is set, then
            // set methods to a new list containing request's method."
            methods.push(q.method.to_string());
        }
        let entry = Entry {
            origin: q.origin.to_string(),
            url: q.url.to_string(),
            credentials: q.include,
            methods,
            headers: granted.headers.clone(),
            expires_at,
        };
        if self.engine.browser() != Browser::Firefox {
            // One result per (origin, URL), replaced (Chromium PreflightCache::AppendEntry,
            // WebKit CrossOriginPreflightResultCache).
            self.entries
                .retain(|e| !(e.origin == entry.origin && e.url == entry.url));
        }
        self.entries.push(entry);
        Some(expires_at)
    }

    /// Whether anything is cached at all.
    pub fn has_entries(&self) -> bool {
        !self.entries.is_empty()
    }

    /// Forgets every entry for this origin and URL: Fetch clears them when a request that
    /// used them ends in a network error.
    pub fn clear(&mut self, origin: &str, url: &str) {
        self.entries
            .retain(|e| !(e.origin == origin && e.url == url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME: Engine = Engine(Browser::Chrome);
    const FIREFOX: Engine = Engine(Browser::Firefox);
    const SAFARI: Engine = Engine(Browser::Safari);

    #[test]
    fn max_age_defaults_caps_and_invalid_values() {
        assert_eq!(max_age(CHROME, None), Some(5));
        assert_eq!(max_age(CHROME, Some("12000")), Some(7200));
        assert_eq!(max_age(SAFARI, Some("12000")), Some(600));
        assert_eq!(max_age(FIREFOX, Some("12000")), Some(12000));
        assert_eq!(max_age(FIREFOX, Some("999999")), Some(86400));
        assert_eq!(max_age(CHROME, Some("0")), Some(0));
        assert_eq!(max_age(FIREFOX, Some("0")), None);
        assert_eq!(max_age(CHROME, Some("ten")), Some(5));
        assert_eq!(max_age(FIREFOX, Some("ten")), None);
        assert_eq!(max_age(CHROME, Some("-1")), Some(0));
        assert_eq!(max_age(CHROME, Some("99999999999999999999999")), Some(7200));
    }

    fn granted(methods: &[&str], headers: &[&str], age: Option<&str>) -> Granted {
        Granted {
            methods: methods.iter().map(|s| s.to_string()).collect(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            max_age: age.map(str::to_string),
        }
    }

    fn query<'a>(method: &'a Method, names: &'a [String], include: bool) -> Query<'a> {
        Query {
            origin: "https://a.example",
            url: "https://b.example/x",
            include,
            method,
            forced: false,
            unsafe_names: names,
        }
    }

    #[test]
    fn a_hit_until_max_age_then_a_miss() {
        let put = Method::normalize("PUT").unwrap();
        let names = vec!["x-a".to_string()];
        let mut c = PreflightCache::new(CHROME);
        let q = query(&put, &names, false);
        assert_eq!(
            c.store(0.0, &q, &granted(&["PUT"], &["x-a"], Some("10"))),
            Some(10.0)
        );
        assert_eq!(c.lookup(9.0, &q), Lookup::Hit { valid_until: 10.0 });
        assert!(matches!(c.lookup(10.0, &q), Lookup::Miss(_)));
    }

    #[test]
    fn chrome_replaces_firefox_merges() {
        let put = Method::normalize("PUT").unwrap();
        let del = Method::normalize("DELETE").unwrap();
        let none: Vec<String> = Vec::new();
        for (engine, expect_put_hit) in [(CHROME, false), (FIREFOX, true)] {
            let mut c = PreflightCache::new(engine);
            c.store(
                0.0,
                &query(&put, &none, false),
                &granted(&["PUT"], &[], Some("60")),
            );
            c.store(
                1.0,
                &query(&del, &none, false),
                &granted(&["DELETE"], &[], Some("60")),
            );
            let hit = matches!(
                c.lookup(2.0, &query(&put, &none, false)),
                Lookup::Hit { .. }
            );
            assert_eq!(hit, expect_put_hit, "{engine:?}");
        }
    }

    #[test]
    fn credentials_and_wildcards() {
        let put = Method::normalize("PUT").unwrap();
        let auth = vec!["authorization".to_string()];
        let stored = || {
            let mut c = PreflightCache::new(CHROME);
            c.store(
                0.0,
                &query(&put, &auth, false),
                &granted(&["*"], &["*"], Some("60")),
            );
            c
        };
        // A result made without credentials never serves an include request.
        assert!(matches!(
            stored().lookup(1.0, &query(&put, &[], true)),
            Lookup::Miss(_)
        ));
        // Chrome's cache lookup never lets a cached * cover Authorization.
        assert!(matches!(
            stored().lookup(1.0, &query(&put, &auth, false)),
            Lookup::Miss(_)
        ));
        assert!(matches!(
            stored().lookup(1.0, &query(&put, &[], false)),
            Lookup::Hit { .. }
        ));
        let mut f = PreflightCache::new(FIREFOX);
        f.store(
            0.0,
            &query(&put, &[], false),
            &granted(&["*"], &[], Some("60")),
        );
        assert!(matches!(
            f.lookup(1.0, &query(&put, &[], false)),
            Lookup::Miss(_)
        ));
    }

    #[test]
    fn an_insufficient_result_is_erased_except_by_firefox() {
        let put = Method::normalize("PUT").unwrap();
        let custom = vec!["x-custom".to_string()];
        for (engine, kept) in [(CHROME, false), (SAFARI, false), (FIREFOX, true)] {
            let mut c = PreflightCache::new(engine);
            c.store(
                0.0,
                &query(&put, &[], false),
                &granted(&["PUT"], &[], Some("60")),
            );
            assert!(matches!(
                c.lookup(1.0, &query(&put, &custom, false)),
                Lookup::Miss(_)
            ));
            let hit = matches!(c.lookup(2.0, &query(&put, &[], false)), Lookup::Hit { .. });
            assert_eq!(hit, kept, "{engine:?}");
        }
    }

    #[test]
    fn chrome_does_not_cache_a_long_url() {
        let put = Method::normalize("PUT").unwrap();
        let long = format!("https://b.example/{}", "a".repeat(CHROME_MAX_URL_LENGTH));
        for (engine, cached) in [(CHROME, false), (SAFARI, true), (FIREFOX, true)] {
            let mut c = PreflightCache::new(engine);
            let q = Query {
                url: &long,
                ..query(&put, &[], false)
            };
            let stored = c.store(0.0, &q, &granted(&["PUT"], &[], Some("60")));
            assert_eq!(stored.is_some(), cached, "{engine:?}");
        }
    }
}
