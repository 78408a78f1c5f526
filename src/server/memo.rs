//! Answers a server gave, remembered for the same request asked again.
//!
//! The web app simulates each request in three browsers to show where they differ, and a
//! scenario's sequence repeats requests (a preflight sent again once its cache entry expired).
//! Browsers usually send the server the very same request, and for a bucket of 100 rules the
//! server's side is most of the work: every rule passed over gets its sentence. A server whose
//! answer depends on nothing but the request (S3: the configuration, the object and the
//! endpoint are fixed once the server is prepared) can answer a repeat from memory, with the
//! same response and provenance it gave the first time.

use crate::http::{Request, Response, Server};
use std::sync::{Arc, Mutex};

/// How many different requests are remembered. The three browsers' requests of one fetch, a
/// preflight and the actual request, and a redirect hop or two fit; a longer sequence evicts
/// the oldest.
const REMEMBERED: usize = 8;

/// The requests answered so far and their responses, oldest first: those of one simulation,
/// or shared by the three of one `simulate_in_browsers` call (each call starts empty, so the
/// benchmarks and every other simulation still evaluate the configuration).
#[derive(Debug, Default)]
pub struct Answers(Mutex<Vec<(Request, Response)>>);

impl Answers {
    /// The response remembered for `request`, or the one `answer` gives, remembered.
    fn get_or_answer(&self, request: &Request, answer: impl FnOnce() -> Response) -> Response {
        if let Some(known) = self.lock().iter().find(|(r, _)| r == request) {
            return known.1.clone();
        }
        let response = answer();
        let mut answers = self.lock();
        if answers.len() == REMEMBERED {
            answers.remove(0);
        }
        answers.push((request.clone(), response.clone()));
        response
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Request, Response)>> {
        // A panic while the lock was held leaves a list that is still whole (entries are only
        // pushed and removed whole), so a poisoned lock is used as it is.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `S` answering from [`Answers`] when it has seen the request before.
///
/// Only for servers whose response is a function of the request alone: not for one that keeps
/// state between requests (CloudFront's edge cache) or answers by hop (a redirect chain).
#[derive(Debug)]
pub struct Remembering<S> {
    server: S,
    answers: Arc<Answers>,
}

impl<S: Server> Remembering<S> {
    /// `server`, remembering its answers in `answers`.
    pub fn new(server: S, answers: Arc<Answers>) -> Remembering<S> {
        Remembering { server, answers }
    }
}

impl<S: Server> Server for Remembering<S> {
    fn respond(&self, request: &Request) -> Response {
        self.answers
            .get_or_answer(request, || self.server.respond(request))
    }

    // The hop is not part of the key: such a server answers every hop alike (above).
    fn respond_to_hop_parsed(&self, request: &Request, url: &url::Url, hop: usize) -> Response {
        self.answers.get_or_answer(request, || {
            self.server.respond_to_hop_parsed(request, url, hop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A server that counts how often it was asked and answers with the count.
    struct Counting(Cell<u16>);

    impl Server for Counting {
        fn respond(&self, _request: &Request) -> Response {
            self.0.set(self.0.get() + 1);
            Response {
                status: 200 + self.0.get(),
                headers: Default::default(),
                body: None,
                provenance: None,
            }
        }
    }

    fn get(path: &str) -> Request {
        Request {
            method: "GET".into(),
            url: format!("https://example.com/{path}"),
            headers: Default::default(),
        }
    }

    #[test]
    fn a_repeated_request_is_answered_from_memory_and_a_new_one_is_not() {
        let answers = Arc::new(Answers::default());
        let server = Remembering::new(Counting(Cell::new(0)), answers.clone());
        assert_eq!(server.respond(&get("a")).status, 201);
        assert_eq!(server.respond(&get("a")).status, 201);
        assert_eq!(server.respond(&get("b")).status, 202);
        // Another server sharing the answers (the next browser's simulation) asks nothing.
        let next = Remembering::new(Counting(Cell::new(100)), answers);
        assert_eq!(next.respond(&get("b")).status, 202);
        assert_eq!(next.server.0.get(), 100);
    }

    #[test]
    fn the_oldest_answer_is_forgotten_first() {
        let server = Remembering::new(Counting(Cell::new(0)), Arc::default());
        for i in 0..=REMEMBERED {
            server.respond(&get(&i.to_string()));
        }
        let asked = server.server.0.get();
        server.respond(&get(&REMEMBERED.to_string()));
        assert_eq!(server.server.0.get(), asked, "the newest is remembered");
        server.respond(&get("0"));
        assert_eq!(server.server.0.get(), asked + 1, "the oldest was forgotten");
    }
}
