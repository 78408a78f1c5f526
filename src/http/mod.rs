//! The vocabulary both wings share: origins, methods, header lists, requests, responses, and
//! the [`Server`] trait, the one seam where the browser model and the server models meet.
//!
//! `browser/` never imports `server/` nor the reverse; both speak only these types.

mod headers;
mod idn;
mod message;
mod method;
mod origin;
mod provenance;

pub use headers::{
    header_limit_error, is_http_whitespace, is_token, is_token_char, normalize_value, HeaderList,
    MAX_HEADERS, MAX_HEADER_BYTES,
};
pub use idn::{join_url, parse_url, UrlError};
pub use message::{reason_phrase, Request, Response};
pub use method::{Method, MethodError};
pub use origin::{Origin, OriginError};
pub use provenance::{HeaderSource, Provenance, RuleMiss, RuleRef};

/// Anything that answers HTTP requests: S3, a literal custom server, API Gateway, …
///
/// It knows nothing about browsers: it maps a request to a response and explains, in the
/// response's [`Provenance`], which part of its configuration produced each CORS header.
pub trait Server {
    /// The response to `request`, provenance included.
    fn respond(&self, request: &Request) -> Response;

    /// The response to the `hop`-th request of one fetch (0 is the first, 1 the request that
    /// follows the first redirect, …). Servers whose answer depends only on the request keep
    /// the default.
    fn respond_to_hop(&self, request: &Request, _hop: usize) -> Response {
        self.respond(request)
    }

    /// [`Server::respond_to_hop`] for a caller that has already parsed `request.url` into
    /// `url` (the browser model), so that a server that reads the URL need not parse it again.
    /// The answer must be the same as `respond_to_hop`'s; servers that do not read the URL
    /// keep the default.
    fn respond_to_hop_parsed(&self, request: &Request, _url: &url::Url, hop: usize) -> Response {
        self.respond_to_hop(request, hop)
    }
}
