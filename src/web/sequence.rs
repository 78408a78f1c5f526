//! Later requests of a scenario (made against the same preflight cache), each with its verdict
//! and, folded, its timeline.

use super::timeline::Timeline;
use crate::scenario::RequestSpec;
use crate::{Outcome, Trace};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Sequence`].
#[derive(Properties, PartialEq)]
pub struct SequenceProps {
    /// The first request's trace, whose `sequence` holds the later ones.
    pub trace: Rc<Trace>,
    /// The later requests as written (for their times).
    pub requests: Vec<RequestSpec>,
    /// Drops the later requests.
    pub on_clear: Callback<MouseEvent>,
}

fn seconds(at: Option<f64>) -> String {
    match at {
        Some(s) if s >= 3600.0 && s % 3600.0 == 0.0 => format!("{} h", s / 3600.0),
        Some(s) if s >= 60.0 && s % 60.0 == 0.0 => format!("{} min", s / 60.0),
        Some(s) => format!("{s} s"),
        None => "right after".into(),
    }
}

/// The later requests.
#[component]
pub fn Sequence(props: &SequenceProps) -> Html {
    if props.trace.sequence.is_empty() {
        return Html::default();
    }
    let items = props.trace.sequence.iter().enumerate().map(|(i, t)| {
        let spec = props.requests.get(i);
        let at = spec.and_then(|r| r.at_seconds);
        let (class, word) = match t.outcome {
            Outcome::Allowed => ("badge badge--ok", "ALLOWED"),
            Outcome::Blocked => ("badge badge--bad", "BLOCKED"),
        };
        let cache = match &t.preflight {
            Some(p) if p.from_cache => "preflight answered from the cache",
            Some(_) => "preflight sent",
            None => "no preflight",
        };
        let title = match spec {
            Some(r) => format!("{} {}", r.method, r.url),
            None => String::new(),
        };
        html! {
            <li class="later" data-testid="later-request">
                <div class="later-head">
                    <strong>{ format!("Request {}", i + 2) }</strong>
                    <span class="muted">{ format!("at {}", seconds(at)) }</span>
                    <span class={class} data-testid="later-verdict">{ word }</span>
                    <span class="muted">{ cache }</span>
                </div>
                <p class="later-title"><code>{ title }</code></p>
                if let Some(b) = &t.blocked {
                    <p class="later-console">{ &b.console }</p>
                }
                <details>
                    <summary>{ format!("Timeline ({} steps)", t.steps.len()) }</summary>
                    <Timeline trace={Rc::new(t.clone())} />
                </details>
            </li>
        }
    });
    html! {
        <section class="card" aria-labelledby="later-h">
            <div class="card-head">
                <h2 id="later-h">{ "Later requests" }</h2>
                <button type="button" class="secondary small" onclick={props.on_clear.clone()}>{ "Remove them" }</button>
            </div>
            <p class="muted later-intro">{ "Made by the same page later, against the same preflight cache." }</p>
            <ol class="later-list">{ for items }</ol>
        </section>
    }
}
