//! The verdict: allowed or blocked, the console lines exactly as the browser prints them, and
//! what the page's script gets back.

use crate::trace::Stage;
use crate::{Browser, Error, Outcome, StepResult, Trace};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Verdict`].
#[derive(Properties, PartialEq)]
pub struct VerdictProps {
    /// The trace to show (the last valid one while the input has an error).
    pub trace: Option<Rc<Trace>>,
    /// The input error that stops the simulation, if any.
    pub error: Option<Error>,
    /// The outcome in each engine.
    #[prop_or_default]
    pub by_browser: Vec<(Browser, Outcome)>,
    /// Picks another engine.
    #[prop_or_default]
    pub on_browser: Callback<Browser>,
}

fn browser_class(b: Browser) -> &'static str {
    match b {
        Browser::Chrome => "console--chrome",
        Browser::Firefox => "console--firefox",
        Browser::Safari => "console--safari",
    }
}

fn console_title(b: Browser) -> &'static str {
    match b {
        Browser::Chrome => "Chrome DevTools console",
        Browser::Firefox => "Firefox Web Console",
        Browser::Safari => "Safari Web Inspector console",
    }
}

/// The console lines, with the one the contract calls `console` marked for tests.
fn console_view(trace: &Trace) -> Html {
    let Some(blocked) = &trace.blocked else {
        return Html::default();
    };
    let mut lines: Vec<&str> = blocked.console_lines.iter().map(String::as_str).collect();
    if !lines.contains(&blocked.console.as_str()) {
        lines.insert(0, &blocked.console);
    }
    let mut marked = false;
    let rows = lines.into_iter().map(|line| {
        let is_main = !marked && line == blocked.console;
        marked |= is_main;
        html! {
            <div class="console-line">
                <span class="console-icon" aria-hidden="true">{ "✖" }</span>
                if is_main {
                    <span class="console-text" data-testid="console-message">{ line }</span>
                } else {
                    <span class="console-text">{ line }</span>
                }
            </div>
        }
    });
    html! {
        <figure class={classes!("console", browser_class(trace.browser))}>
            <figcaption class="console-title">{ console_title(trace.browser) }</figcaption>
            <div class="console-body" role="log" aria-label={console_title(trace.browser)}>
                { for rows }
            </div>
        </figure>
    }
}

fn summary(trace: &Trace) -> String {
    let b = trace.browser.display_name();
    match (&trace.blocked, trace.outcome) {
        (Some(blocked), _) => match blocked.stage {
            Stage::Request => format!("{b} refuses the request before sending it."),
            Stage::Preflight => {
                format!("{b} sends the preflight, rejects its answer, and never sends the request.")
            }
            Stage::Response => {
                format!("{b} sends the request but hides the response from the script.")
            }
        },
        (None, Outcome::Blocked) => format!("{b} does not give the script the response."),
        (None, Outcome::Allowed) if trace.js.response_type == "opaque" => {
            format!("{b} sends the request; the script gets an opaque response it cannot read.")
        }
        (None, Outcome::Allowed) if !trace.cross_origin => {
            format!(
                "Same origin: {b} does not apply CORS, and the script reads the whole response."
            )
        }
        (None, Outcome::Allowed) => format!("{b} lets the script read the response."),
    }
}

fn js_view(trace: &Trace) -> Html {
    let js = &trace.js;
    let readable = if trace.readable_headers.is_empty() {
        html! { <span class="muted">{ "none" }</span> }
    } else {
        html! {
            <span class="chips" data-testid="readable-headers">
                { for trace.readable_headers.iter().map(|h| html! { <code class="chip">{ h }</code> }) }
            </span>
        }
    };
    html! {
        <dl class="js-view">
            if let Some(err) = &js.error {
                <dt>{ "Script gets" }</dt>
                <dd><code class="js-error" data-testid="js-error">{ err }</code></dd>
            } else {
                <dt>{ "Script gets" }</dt>
                <dd>
                    <code data-testid="js-response">
                        { format!("response.type \"{}\", status {}", js.response_type, js.status) }
                    </code>
                    { if js.body_readable { " · body readable" } else { " · body not readable" } }
                </dd>
                <dt>{ "Readable headers" }</dt>
                <dd>{ readable }</dd>
            }
        </dl>
    }
}

/// The same request in the three engines, each a button that switches to it.
fn compare_view(props: &VerdictProps, current: Browser) -> Html {
    if props.by_browser.len() < 2 {
        return Html::default();
    }
    let buttons = props.by_browser.iter().map(|(b, outcome)| {
        let b = *b;
        let (class, word) = match outcome {
            Outcome::Allowed => ("cmp cmp--allowed", "allowed"),
            Outcome::Blocked => ("cmp cmp--blocked", "blocked"),
        };
        let onclick = props.on_browser.reform(move |_: MouseEvent| b);
        let pressed = if b == current { "true" } else { "false" };
        html! {
            <button type="button" {class} aria-pressed={pressed} {onclick}
                data-testid={format!("compare-{}", b.display_name().to_ascii_lowercase())}>
                <span class="cmp-browser">{ b.display_name() }</span>
                <span class="cmp-word">{ word }</span>
            </button>
        }
    });
    html! {
        <div class="compare" role="group" aria-label="The same request in each browser" data-testid="browser-compare">
            { for buttons }
        </div>
    }
}

/// The verdict card.
#[component]
pub fn Verdict(props: &VerdictProps) -> Html {
    if let Some(error) = &props.error {
        return html! {
            <section class="verdict verdict--error" aria-labelledby="verdict-h">
                <h2 id="verdict-h" class="visually-hidden">{ "Verdict" }</h2>
                <div class="verdict-head" aria-live="polite" aria-atomic="true">
                    <span class="verdict-word" data-testid="verdict" elementtiming="verdict">{ "INPUT ERROR" }</span>
                    <span class="verdict-summary">{ "Nothing can be simulated until this is fixed:" }</span>
                </div>
                <p class="verdict-error" data-testid="input-error">{ error.to_string() }</p>
                if props.trace.is_some() {
                    <p class="muted">{ "The timeline below still shows the last valid input." }</p>
                }
            </section>
        };
    }
    let Some(trace) = &props.trace else {
        return Html::default();
    };
    let (class, word) = match trace.outcome {
        Outcome::Allowed => ("verdict--allowed", "ALLOWED"),
        Outcome::Blocked => ("verdict--blocked", "BLOCKED"),
    };
    let warnings = trace
        .steps
        .iter()
        .filter(|s| s.result == StepResult::Warn)
        .count();
    html! {
        <section class={classes!("verdict", class)} aria-labelledby="verdict-h">
            <h2 id="verdict-h" class="visually-hidden">{ "Verdict" }</h2>
            <div class="verdict-head" aria-live="polite" aria-atomic="true">
                <span class="verdict-word" data-testid="verdict" elementtiming="verdict">{ word }</span>
                <span class="verdict-summary">{ summary(trace) }</span>
            </div>
            if let Some(b) = &trace.blocked {
                <p class="verdict-reason">
                    { "Reason: " }<code data-testid="block-reason">{ b.reason.id() }</code>
                </p>
            }
            { console_view(trace) }
            { js_view(trace) }
            { compare_view(props, trace.browser) }
            if warnings > 0 {
                <p class="verdict-warn">
                    <span aria-hidden="true">{ "⚠ " }</span>
                    { if warnings == 1 { "1 warning in the timeline below.".to_string() } else { format!("{warnings} warnings in the timeline below.") } }
                </p>
            }
        </section>
    }
}
