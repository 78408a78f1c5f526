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
                    <h3 class="step-title">{ &step.title }</h3>
                </div>
                <p class="step-detail">{ &step.detail }</p>
                <p class="step-source">{ &step.source }</p>
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
