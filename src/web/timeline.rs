//! The timeline: one entry per step of the trace, in the order the browser takes them.

use crate::trace::Phase;
use crate::{Step, StepResult, Trace};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The trace.
    pub trace: Rc<Trace>,
}

fn phase_label(p: Phase) -> &'static str {
    match p {
        Phase::Page => "page",
        Phase::Preflight => "preflight",
        Phase::Server => "server",
        Phase::Actual => "request",
        Phase::Js => "script",
    }
}

fn result_parts(r: StepResult) -> (&'static str, &'static str, &'static str) {
    match r {
        StepResult::Pass => ("step--pass", "✓", "passed"),
        StepResult::Fail => ("step--fail", "✕", "failed"),
        StepResult::Info => ("step--info", "i", "info"),
        StepResult::Warn => ("step--warn", "!", "warning"),
    }
}

/// The spec a source names, and the URL of its anchors.
const SPECS: &[(&str, &str)] = &[
    ("Fetch #", "https://fetch.spec.whatwg.org/#"),
    ("XHR #", "https://xhr.spec.whatwg.org/#"),
    ("HTML #", "https://html.spec.whatwg.org/#"),
];

/// The source line, with each `Fetch #anchor`-style reference linked to the spec.
fn source_view(source: &str) -> Html {
    let pieces = source.split("; ").enumerate().map(|(i, piece)| {
        let sep = if i == 0 { "" } else { "; " };
        let link = SPECS.iter().find_map(|(prefix, base)| {
            let rest = piece.strip_prefix(prefix)?;
            let anchor = rest.split(' ').next().filter(|a| !a.is_empty())?;
            Some(format!("{base}{anchor}"))
        });
        match link {
            Some(href) => html! {
                <>{ sep }<a {href} target="_blank" rel="noopener noreferrer">{ piece }</a></>
            },
            None => html! { <>{ sep }{ piece }</> },
        }
    });
    html! { <p class="step-source">{ for pieces }</p> }
}

fn step_view(step: &Step) -> Html {
    let (class, icon, label) = result_parts(step.result);
    let phase = phase_label(step.phase);
    html! {
        <li class={classes!("step", class)} data-testid="step" data-result={label} data-phase={phase}>
            <span class="step-icon" aria-hidden="true">{ icon }</span>
            <div class="step-body">
                <div class="step-head">
                    <span class={classes!("phase", format!("phase--{phase}"))}>{ phase }</span>
                    <span class="visually-hidden">{ format!("{label}: ") }</span>
                    <h3 class="step-title">{ step.title.as_ref() }</h3>
                </div>
                <p class="step-detail">{ step.detail.as_ref() }</p>
                { source_view(&step.source) }
            </div>
        </li>
    }
}

/// The timeline.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    html! {
        <ol class="timeline" data-testid="timeline">
            { for props.trace.steps.iter().map(step_view) }
        </ol>
    }
}
