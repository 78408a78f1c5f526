//! Advice beside the verdict, as the core's advice module computes it: the smallest change that
//! lets a blocked request through (as a diff the user can apply), and the lint findings of the
//! configuration.

use super::dom::place_caret_in;
use super::state::Fix;
use crate::advice::{Finding, Severity};
use yew::prelude::*;

/// Props of [`FixView`].
#[derive(Properties, PartialEq)]
pub struct FixViewProps {
    /// The fix.
    pub fix: Fix,
    /// The fix is that of the inputs before the last change, and this change's is being worked
    /// out: it stays on screen, but cannot be applied.
    #[prop_or_default]
    pub pending: bool,
    /// Replaces the editor's text with the fixed text.
    pub on_apply: Callback<String>,
}

fn diff_view(diff: &str) -> Html {
    let lines = diff.lines().map(|l| {
        let class = if l.starts_with("+++") || l.starts_with("---") {
            "d-file"
        } else if l.starts_with("@@") {
            "d-hunk"
        } else if l.starts_with('+') {
            "d-add"
        } else if l.starts_with('-') {
            "d-del"
        } else {
            "d-ctx"
        };
        html! { <span class={class}>{ l }{ "\n" }</span> }
    });
    html! { <pre class="diff" data-testid="fix-diff">{ for lines }</pre> }
}

/// How to fix a blocked request.
#[component]
pub fn FixView(props: &FixViewProps) -> Html {
    let f = &props.fix;
    let apply = f.fixed_text.clone().map(|text| {
        let cb = props.on_apply.clone();
        Callback::from(move |_: MouseEvent| cb.emit(text.clone()))
    });
    let busy = if props.pending { "true" } else { "false" };
    html! {
        <section class="card fix" data-testid="fix" aria-labelledby="fix-h" aria-busy={busy}>
            <div class="card-head">
                <h2 id="fix-h">{ "How to fix it" }</h2>
                if let Some(onclick) = apply {
                    <button type="button" class="primary" data-testid="apply-fix" {onclick} disabled={props.pending}>
                        { "Apply to the config" }
                    </button>
                }
            </div>
            <p class="fix-explanation">{ &f.explanation }</p>
            if let Some(change) = &f.request_change {
                <p class="fix-request" data-testid="fix-request-change">
                    <strong>{ "Change the request: " }</strong>{ change }
                </p>
            }
            if let Some(diff) = &f.diff { { diff_view(diff) } }
        </section>
    }
}

/// Props of [`LintView`].
#[derive(Properties, PartialEq)]
pub struct LintViewProps {
    /// The findings, in document order.
    pub findings: Vec<Finding>,
}

fn severity_parts(s: Severity) -> (&'static str, &'static str, &'static str) {
    match s {
        Severity::Error => ("lint--error", "✕", "error"),
        Severity::Warning => ("lint--warning", "!", "warning"),
        Severity::Info => ("lint--info", "i", "info"),
    }
}

/// Findings about the configuration.
#[component]
pub fn LintView(props: &LintViewProps) -> Html {
    if props.findings.is_empty() {
        return Html::default();
    }
    let items = props.findings.iter().map(|f| {
        let (class, icon, label) = severity_parts(f.severity);
        let (line, column) = (f.line, f.column);
        let go = Callback::from(move |_: MouseEvent| place_caret_in("config-input", line, column));
        html! {
            <li class={classes!("lint", class)} data-testid="lint-finding" data-severity={label}>
                <span class="lint-icon" aria-hidden="true">{ icon }</span>
                <div class="lint-body">
                    <div class="lint-head">
                        if line > 0 {
                            <button type="button" class="loc" onclick={go}
                                aria-label={format!("Go to line {line}, column {column}")}>
                                { format!("{line}:{column}") }
                            </button>
                        }
                        <span class="visually-hidden">{ format!("{label}: ") }</span>
                        <code class="lint-code">{ &f.code }</code>
                    </div>
                    <p class="lint-message">{ &f.message }</p>
                    if let Some(fix) = &f.fix {
                        <p class="lint-fix"><strong>{ "Fix: " }</strong>{ fix }</p>
                    }
                </div>
            </li>
        }
    });
    let n = props.findings.len();
    html! {
        <section class="card" aria-labelledby="lint-h">
            <div class="card-head">
                <h2 id="lint-h">{ "Configuration warnings" }</h2>
                <span class="badge badge--info">{ if n == 1 { "1 finding".to_string() } else { format!("{n} findings") } }</span>
            </div>
            <ul class="lint-list">{ for items }</ul>
        </section>
    }
}
