//! The page: inputs on one side, the verdict, timeline and raw HTTP on the other.

use super::copy::CopyButton;
use super::editor::ConfigEditor;
use super::permalink;
use super::raw_http::RawHttp;
use super::request_form::RequestForm;
use super::state::{field_of, run, Action, Field, Inputs};
use super::timeline::Timeline;
use super::verdict::Verdict;
use crate::Trace;
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

/// How long the address bar waits for typing to pause before it follows the inputs.
const PERMALINK_DELAY_MS: u32 = 400;

/// The whole app.
#[component]
pub fn App() -> Html {
    let inputs = use_reducer(|| permalink::read().unwrap_or_else(Inputs::example));
    let sim = use_memo((*inputs).clone(), run);

    // While the input has an error (typing XML is malformed most of the time), keep showing
    // the last valid trace, marked as such, instead of emptying the page at every keystroke.
    let last_good = use_mut_ref(|| None::<Rc<Trace>>);
    let (shown, stale) = match &sim.result {
        Ok(trace) => {
            *last_good.borrow_mut() = Some(trace.clone());
            (Some(trace.clone()), false)
        }
        Err(_) => (last_good.borrow().clone(), true),
    };
    let error = sim.result.as_ref().err().cloned();
    let field = error.as_ref().map(field_of);
    let config_error = error.clone().filter(|_| field == Some(Field::Config));
    let request_error = match (field, &error) {
        (Some(f @ (Field::Origin | Field::Url | Field::Headers)), Some(e)) => Some((f, e.clone())),
        _ => None,
    };

    // The address bar follows the inputs once typing pauses.
    {
        let timer = use_mut_ref(|| None::<Timeout>);
        let first = use_mut_ref(|| true);
        use_effect_with((*inputs).clone(), move |i| {
            if std::mem::take(&mut *first.borrow_mut()) {
                return;
            }
            let i = i.clone();
            *timer.borrow_mut() = Some(Timeout::new(PERMALINK_DELAY_MS, move || {
                permalink::write(&i)
            }));
        });
    }

    let dispatch = {
        let inputs = inputs.clone();
        Callback::from(move |a: Action| inputs.dispatch(a))
    };
    let on_kind = dispatch.reform(Action::SetServerKind);
    let on_config = dispatch.reform(Action::SetConfig);
    let on_reset = dispatch.reform(|_: MouseEvent| Action::Load(Box::default()));

    html! {
        <div class="app">
            <header class="top">
                <div class="brand">
                    <h1>{ "cors-sim" }</h1>
                    <p class="tagline">
                        { "Paste a bucket's CORS configuration, describe the request, pick a browser: see every step it takes and the exact console message." }
                    </p>
                </div>
                <div class="top-actions">
                    <button type="button" class="secondary" onclick={on_reset}>{ "Reset example" }</button>
                    <CopyButton text={permalink::link(&inputs)} what="link to this simulation" label="Copy link" class="copy-link" />
                </div>
            </header>
            <main class="layout">
                <div class="col col-inputs">
                    <ConfigEditor
                        kind={inputs.server_kind}
                        text={inputs.config().to_string()}
                        status={sim.config_status.clone()}
                        error={config_error}
                        on_kind={on_kind}
                        on_input={on_config}
                    />
                    <RequestForm inputs={(*inputs).clone()} error={request_error} dispatch={dispatch.clone()} />
                </div>
                <div class="col col-output">
                    <Verdict trace={shown.clone().filter(|_| !stale)} error={error.clone()} />
                    if let Some(trace) = shown {
                        <section class={classes!("card", stale.then_some("stale"))} aria-labelledby="timeline-h">
                            <div class="card-head">
                                <h2 id="timeline-h">{ "What the browser does" }</h2>
                                if stale { <span class="badge badge--info">{ "last valid input" }</span> }
                            </div>
                            <Timeline trace={trace.clone()} />
                        </section>
                        <section class={classes!("card", stale.then_some("stale"))} aria-labelledby="raw-h">
                            <div class="card-head">
                                <h2 id="raw-h">{ "Raw HTTP" }</h2>
                                if stale { <span class="badge badge--info">{ "last valid input" }</span> }
                            </div>
                            <RawHttp {trace} />
                        </section>
                    }
                </div>
            </main>
            <footer class="foot">
                { "cors-sim runs entirely in your browser: nothing you type leaves this page. It simulates; it sends no request." }
            </footer>
        </div>
    }
}
