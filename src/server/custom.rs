//! The `custom` server: literal responses written by hand, for teaching the browser side alone
//! and for replaying what a real server sent.

use crate::http::{Provenance, Request, Response, Server};
use crate::scenario::LiteralResponse;

/// Answers `OPTIONS` with the literal preflight response and anything else with the redirect
/// hops, then the literal final response.
#[derive(Clone, Debug)]
pub struct CustomServer {
    preflight: Option<LiteralResponse>,
    redirects: Vec<LiteralResponse>,
    response: LiteralResponse,
}

/// What a server without an `OPTIONS` route typically answers to a preflight: most frameworks
/// reply 404 or 405 with no CORS header. Used only when the scenario gives no preflight response.
const NO_OPTIONS_ROUTE_STATUS: u16 = 404;

impl CustomServer {
    /// A server answering with these literal responses.
    pub fn new(
        preflight: Option<LiteralResponse>,
        redirects: Vec<LiteralResponse>,
        response: LiteralResponse,
    ) -> CustomServer {
        CustomServer {
            preflight,
            redirects,
            response,
        }
    }

    fn literal(resp: &LiteralResponse, summary: String) -> Response {
        Response {
            status: resp.status,
            headers: resp.headers.clone(),
            body: resp.body.clone(),
            provenance: Some(Provenance {
                provider: "custom".into(),
                summary,
                ..Provenance::default()
            }),
        }
    }
}

/// A preflight is an `OPTIONS` request carrying `Access-Control-Request-Method`
/// (<https://fetch.spec.whatwg.org/#cors-preflight-request>); a script's own `OPTIONS` request
/// gets the actual response.
fn is_preflight(request: &Request) -> bool {
    request.method == "OPTIONS" && request.headers.contains("access-control-request-method")
}

impl Server for CustomServer {
    fn respond(&self, request: &Request) -> Response {
        self.respond_to_hop(request, 0)
    }

    /// The redirect hops in order, then the final response.
    fn respond_to_hop(&self, request: &Request, hop: usize) -> Response {
        if !is_preflight(request) {
            return match self.redirects.get(hop) {
                Some(r) => Self::literal(
                    r,
                    format!("The literal redirect hop {} of the scenario.", hop + 1),
                ),
                None => Self::literal(
                    &self.response,
                    "The literal response of the scenario.".into(),
                ),
            };
        }
        match &self.preflight {
            Some(p) => Self::literal(p, "The literal preflight response of the scenario.".into()),
            None => {
                let mut r = Response::new(NO_OPTIONS_ROUTE_STATUS);
                r.provenance = Some(Provenance {
                    provider: "custom".into(),
                    summary: "The scenario gives no preflight response, so the server answers like one without an OPTIONS route: 404 and no CORS header.".into(),
                    ..Provenance::default()
                });
                r
            }
        }
    }
}
