//! What differs between Chrome, Firefox and Safari, in one place.
//!
//! Each method answers one question the Fetch algorithm leaves to the engine or where an engine
//! departs from the standard, and cites where the answer comes from (spec/browser-cors.md §4.3,
//! §6, §11 and its appendices of observed behaviour). The rest of `browser/` asks these methods
//! instead of matching on the browser itself.

use crate::scenario::{Api, Browser};

/// The browser engine being simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Engine(pub Browser);

impl Engine {
    /// The browser.
    pub fn browser(self) -> Browser {
        self.0
    }

    /// Chrome safelists client hints (`DPR`, `Width`, `Viewport-Width`, `Device-Memory`,
    /// `RTT`, `Downlink`, `ECT`, `Save-Data`) and `Intervention` besides the spec's names
    /// (Chromium `cors.cc` `IsCorsSafelistedHeader`; observed in Chromium 156). Firefox and
    /// WebKit preflight them (observed in Firefox 153 ESR and WebKitGTK 2.50).
    pub fn safelists_client_hints(self) -> bool {
        self.0 == Browser::Chrome
    }

    /// The 1,024-byte total of safelisted values (Fetch "CORS-unsafe request-header names"
    /// step 3). Chromium implements it (`kSafeListValueSizeMax`, observed at exactly 1,024 and
    /// 1,025 bytes); WebKitGTK 2.50 was observed not to apply it. Firefox was not observed to
    /// differ from Chromium, so it follows the standard.
    pub fn applies_safelist_total(self) -> bool {
        self.0 != Browser::Safari
    }

    /// Chromium and WebKit hold request headers in a map, so repeated names are combined into
    /// one `a, b` value before any check (browser-cors.md §2 item 3, observed in Chromium 156);
    /// Firefox 153's fetch() checks repeated lines one by one and lists a repeated unsafe name
    /// twice in `Access-Control-Request-Headers` (`x-dup,x-dup`). (XMLHttpRequest combines in
    /// `setRequestHeader` in every engine, before this matters.)
    pub fn combines_repeated_request_headers(self) -> bool {
        self.0 != Browser::Firefox
    }

    /// XHR `send()` sets the upload listener flag's preflight only when there is a body (XHR
    /// #the-send()-method); Firefox 153 and WebKitGTK 2.50 preflight whenever an upload
    /// listener is registered, GET without a body included (observed by the conformance suite).
    pub fn upload_listeners_need_a_body(self) -> bool {
        self.0 == Browser::Chrome
    }

    /// Firefox 153 and WebKitGTK 2.50 decide once, from the request as the script made it,
    /// whether it needs a preflight, and then preflight every cross-origin URL it is
    /// redirected to, even when its new method and headers would not need one (a PUT turned
    /// into GET by a 303 is preflighted as GET); Chromium decides again at each URL (observed
    /// by the conformance suite).
    pub fn keeps_preflight_requirement_across_redirects(self) -> bool {
        self.0 != Browser::Chrome
    }

    /// Firefox 153 sends a redirected request's preflight with the page's origin even after a
    /// redirect tainted the origin (the actual request then carries `Origin: null`); WebKit
    /// sends `null`, as the standard says (observed by the conformance suite).
    pub fn preflight_keeps_page_origin(self) -> bool {
        self.0 == Browser::Firefox
    }

    /// Whether a response that fails the CORS check clears the preflight cache entry it used
    /// (Fetch #main-fetch, Gecko `RemoveEntries`). Chromium 156 and WebKitGTK 2.50 keep it: the
    /// next request is not preflighted again (observed by the conformance suite).
    pub fn failed_response_clears_preflight_cache(self) -> bool {
        self.0 == Browser::Firefox
    }

    /// WebKitGTK 2.50 sends a header value's non-ASCII characters UTF-8 encoded (`é` goes out
    /// as the bytes C3 A9); Chromium and Firefox send each character as one byte, as the
    /// standard's byte strings say (observed by the conformance suite). Safari's own network
    /// stack was not observed.
    pub fn sends_header_values_as_utf8(self) -> bool {
        self.0 == Browser::Safari
    }

    /// WebKitGTK 2.50 redirects a DELETE to another origin as GET, whatever the status
    /// (307 and 308 included); the standard keeps the method (observed by the conformance
    /// suite; it comes from the libsoup port, so Safari may differ).
    pub fn redirects_cross_origin_delete_as_get(self) -> bool {
        self.0 == Browser::Safari
    }

    /// Chromium and Firefox do not consult the preflight cache for a request with a
    /// conditional header (`If-None-Match`, `If-Modified-Since`, `If-Match`,
    /// `If-Unmodified-Since`, `If-Range`); WebKit does, as the standard says (observed by the
    /// conformance suite).
    pub fn skips_preflight_cache_for_conditional_requests(self) -> bool {
        self.0 != Browser::Safari
    }

    /// WebKitGTK 2.50 keeps a no-cors request's `Origin` header on the next hop of a redirect
    /// within the same origin, even when the redirect turned a POST into a GET (observed by the
    /// conformance suite; toward another origin it drops it, as the others do).
    pub fn keeps_origin_header_across_redirects(self) -> bool {
        self.0 == Browser::Safari
    }

    /// In no-cors mode the body's own Content-Type goes through the headers' guard (Fetch
    /// #dom-request), so `application/json` from a Blob is dropped; WebKitGTK 2.50 sends it
    /// anyway (observed by the conformance suite).
    pub fn body_type_skips_no_cors_guard(self) -> bool {
        self.0 == Browser::Safari
    }

    /// The console line for an exception script did not catch: Chrome and Firefox's consoles
    /// print `Uncaught (in promise) ` before a rejected promise's error and `Uncaught ` before
    /// a thrown one; WebKit prints `Unhandled Promise Rejection: ` before a rejection and the
    /// bare error for a throw (observed in WebKitGTK 2.50).
    pub fn uncaught_line(self, api: Api, text: &str) -> String {
        match (self.0, api) {
            (Browser::Safari, Api::Fetch) => format!("Unhandled Promise Rejection: {text}"),
            (Browser::Safari, Api::Xhr) => text.to_string(),
            (_, Api::Fetch) => format!("Uncaught (in promise) {text}"),
            (_, Api::Xhr) => format!("Uncaught {text}"),
        }
    }

    /// Firefox 153 preflights an `Accept` value holding any non-ASCII byte; Chromium follows
    /// the spec's byte list, which lets `Accept: café` through (both observed).
    pub fn accept_rejects_non_ascii(self) -> bool {
        self.0 == Browser::Firefox
    }

    /// Firefox refuses a `Content-Type` that is a list of types (any comma outside quotes);
    /// Chromium and WebKit parse the whole value as one MIME type, where a comma may sit in a
    /// parameter's value (observed by the conformance suite).
    pub fn content_type_rejects_lists(self) -> bool {
        self.0 == Browser::Firefox
    }

    /// WebKitGTK 2.50 safelists `Range: Bytes=0-10` (unit case-insensitive); Chromium 156
    /// follows the spec's case-sensitive `bytes` (both observed).
    pub fn range_unit_case_insensitive(self) -> bool {
        self.0 == Browser::Safari
    }

    /// Whether `Access-Control-Allow-Headers: *` covers `Authorization` when credentials are
    /// not `include`. The spec says no; all three engines say yes by default (Chromium's
    /// `kCorsNonWildcardRequestHeadersSupport` is disabled by default; Firefox's pref
    /// `network.cors_preflight.authorization_covered_by_wildcard` defaults to true since 115;
    /// WebKit lets `*` cover every header), browser-cors.md §11.
    pub fn wildcard_covers_authorization(self) -> bool {
        true
    }

    /// Safari checks the preflight's status before its `Access-Control-Allow-Origin`
    /// (WebKit `validatePreflightResponse`); Chrome and Firefox check ACAO first.
    pub fn preflight_status_before_allow_origin(self) -> bool {
        self.0 == Browser::Safari
    }

    /// The `TypeError` a rejected `fetch()` or failed XHR surfaces to script
    /// (browser-errors.md §4).
    pub fn network_error_text(self, api: Api) -> &'static str {
        match (api, self.0) {
            // An asynchronous XHR throws nothing: it fires `error` with status 0.
            (Api::Xhr, _) => "error event (xhr.status is 0, xhr.statusText is empty)",
            (Api::Fetch, Browser::Chrome) => "TypeError: Failed to fetch",
            (Api::Fetch, Browser::Firefox) => {
                "TypeError: NetworkError when attempting to fetch resource."
            }
            (Api::Fetch, Browser::Safari) => "TypeError: Load failed",
        }
    }

    /// A sentence for the timeline when the safelist decision rests on behaviour the ground
    /// truth marks unverified for this engine (browser-cors.md §4.3, §11: Firefox's `Range`
    /// rule and 1,024-byte total, Safari's `Range`), or an empty string.
    pub fn unverified_safelist_note(self, headers: &crate::http::HeaderList) -> String {
        let engine = match self.0 {
            Browser::Chrome => return String::new(),
            Browser::Firefox => "Firefox",
            Browser::Safari => "Safari",
        };
        let mut topics = Vec::new();
        if headers.contains("range") {
            topics.push("how it safelists Range");
        }
        let total: usize = headers.iter().map(|(_, v)| v.chars().count()).sum();
        if self.0 == Browser::Firefox && total > 1024 {
            topics.push("whether it applies the 1,024-byte total of safelisted values");
        }
        if topics.is_empty() {
            return String::new();
        }
        format!(
            " Unverified: {} for {engine}; cors-sim follows the documented default.",
            topics.join(" and ")
        )
    }

    /// Where this engine's CORS check (and its split into reasons) comes from.
    pub fn cors_check_source(self) -> &'static str {
        match self.0 {
            Browser::Chrome => "Chromium services/network/public/cpp/cors/cors.cc CheckAccess",
            Browser::Firefox => "Gecko nsCORSListenerProxy::CheckRequestApproved",
            Browser::Safari => "WebKit CrossOriginAccessControl.cpp passesAccessControlCheck",
        }
    }

    /// The source of the actual response's CORS check: the standard's, then
    /// [`Self::cors_check_source`]. Written out so that every simulation does not format it.
    pub fn response_cors_check_source(self) -> &'static str {
        match self.0 {
            Browser::Chrome => "Fetch #concept-cors-check; Chromium services/network/public/cpp/cors/cors.cc CheckAccess",
            Browser::Firefox => "Fetch #concept-cors-check; Gecko nsCORSListenerProxy::CheckRequestApproved",
            Browser::Safari => "Fetch #concept-cors-check; WebKit CrossOriginAccessControl.cpp passesAccessControlCheck",
        }
    }

    /// Where this engine's preflight checks and their order come from.
    pub fn preflight_source(self) -> &'static str {
        match self.0 {
            Browser::Chrome => "Chromium preflight_controller.cc, preflight_result.cc",
            Browser::Firefox => "Gecko nsCORSListenerProxy (preflight listener)",
            Browser::Safari => "WebKit validatePreflightResponse (status checked first)",
        }
    }

    /// Where this engine's preflight-cache behaviour comes from.
    pub fn preflight_cache_source(self) -> &'static str {
        match self.0 {
            Browser::Chrome => "Chromium preflight_cache.cc (one result per origin and URL, Max-Age capped at 7200 s)",
            Browser::Firefox => "Gecko nsCORSListenerProxy AddResultToCache (per-token entries, Max-Age capped at 86400 s, 0 or invalid not cached)",
            Browser::Safari => "WebKit CrossOriginPreflightResultCache (one result per origin and URL, Max-Age capped at 600 s)",
        }
    }

    /// Preflight-cache limit on `Access-Control-Max-Age`, in seconds (browser-cors.md §7).
    pub fn max_age_cap(self) -> u64 {
        match self.0 {
            Browser::Chrome => 7200,
            Browser::Firefox => 86400,
            Browser::Safari => 600,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_response_check_source_is_the_standard_then_the_engine() {
        for browser in [Browser::Chrome, Browser::Firefox, Browser::Safari] {
            let engine = Engine(browser);
            assert_eq!(
                engine.response_cors_check_source(),
                format!("Fetch #concept-cors-check; {}", engine.cors_check_source())
            );
        }
    }
}
