//! The page: inputs on one side, the verdict, timeline and raw HTTP on the other.

use super::advice::{FixView, LintView};
use super::copy::CopyButton;
use super::dom::select_value;
use super::editor::ConfigEditor;
use super::permalink;
use super::permalink_codec::Fragment;
use super::presets;
use super::raw_http::{RawHttp, RawPane};
use super::request_form::RequestForm;
use super::sequence::Sequence;
use super::state::{details, field_of, verdict, Action, Field, Inputs, ServerKind};
use super::timeline::Timeline;
use super::verdict::Verdict;
use crate::advice::Severity;
use crate::Trace;
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

/// How long the address bar waits for typing to pause before it follows the inputs.
const PERMALINK_DELAY_MS: u32 = 400;

/// The whole app.
#[component]
pub fn App() -> Html {
    // The fragment is read once: the state it holds, or why it could not be opened, and the
    // layout flags (`embed`, `readonly`) that stay for the page's life.
    let opened = use_memo((), |_| permalink::read());
    let inputs = {
        let opened = opened.clone();
        use_reducer(move || match &opened.inputs {
            Some(Ok(i)) => i.clone(),
            _ => Inputs::example(),
        })
    };
    let flags = use_memo((), {
        let opened = opened.clone();
        move |_| Fragment {
            embed: opened.embed,
            readonly: opened.readonly,
            inputs: None,
        }
    });
    let link_error = opened
        .inputs
        .as_ref()
        .and_then(|r| r.as_ref().err())
        .map(|e| {
            html! {
                <p class="link-error" role="alert" data-testid="link-error">
                    <span class="icon" aria-hidden="true">{ "⚠ " }</span>
                    { format!("This link could not be opened: {e}. The example is shown instead.") }
                </p>
            }
        });
    // The verdict (and the outcome in each engine) is worked out in the render that follows a
    // keystroke; lint and the fix search, which cost more with a large configuration, once the
    // verdict is on screen.
    let sim = use_memo((*inputs).clone(), |i| Rc::new(verdict(i)));
    // The page's first render works the advice out at once: cards that appeared a frame after
    // the first paint would push the timeline down under the reader's eyes.
    let advice = use_state(|| Some(((*sim).clone(), Rc::new(details(&inputs, &sim)))));
    {
        let advice = advice.clone();
        let latest = use_mut_ref(|| 0u64);
        let inputs = inputs.clone();
        use_effect_with(SameRc((*sim).clone()), move |v| {
            let ticket = {
                let mut latest = latest.borrow_mut();
                *latest = latest.wrapping_add(1);
                *latest
            };
            let v = v.0.clone();
            if matches!(&*advice, Some((done, _)) if Rc::ptr_eq(done, &v)) {
                return;
            }
            after_next_paint(move || {
                // Typing again before this ran makes it moot: the newer verdict has its own.
                if *latest.borrow() == ticket {
                    let d = details(&inputs, &v);
                    advice.set(Some((v, Rc::new(d))));
                }
            });
        });
    }
    // The advice shown: that of these inputs, or until it is worked out, the last one (marked
    // pending), so that the cards below the verdict do not blink at every keystroke.
    let (shown_advice, advice_pending) = match &*advice {
        Some((v, d)) => (Some(d.clone()), !Rc::ptr_eq(v, &sim)),
        None => (None, true),
    };
    let lint = shown_advice
        .as_ref()
        .map(|d| d.lint.clone())
        .unwrap_or_default();
    // A fix only ever belongs to a blocked request; an allowed one never shows the last fix.
    let blocked = matches!(&sim.result, Ok(t) if t.outcome == crate::Outcome::Blocked);
    let fix = shown_advice
        .as_ref()
        .and_then(|d| d.fix.clone())
        .filter(|_| blocked);

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
        let flags = flags.clone();
        use_effect_with((*inputs).clone(), move |i| {
            if std::mem::take(&mut *first.borrow_mut()) {
                return;
            }
            let i = i.clone();
            *timer.borrow_mut() = Some(Timeout::new(PERMALINK_DELAY_MS, move || {
                permalink::write(&i, &flags)
            }));
        });
    }

    let dispatch = {
        let inputs = inputs.clone();
        Callback::from(move |a: Action| inputs.dispatch(a))
    };
    // The editor's callbacks stay the same from render to render, so that a keystroke in the
    // request form, which changes none of the editor's props, does not re-render the editor and
    // its 64 KB text.
    let dispatcher = inputs.dispatcher();
    let on_kind = use_callback(dispatcher.clone(), |k: ServerKind, d| {
        d.dispatch(Action::SetServerKind(k))
    });
    let on_config = use_callback(dispatcher.clone(), |text: String, d| {
        d.dispatch(Action::SetConfig(text))
    });
    let on_undo_fix = use_callback(dispatcher, |_: MouseEvent, d| d.dispatch(Action::UndoFix));
    let on_reset = dispatch.reform(|_: MouseEvent| Action::Load(Box::default()));
    let on_apply_fix = dispatch.reform(Action::ApplyFix);
    // The gutter marks what needs attention; informational findings stay in the list.
    let warn_lines: Vec<u32> = lint
        .iter()
        .filter(|f| f.severity >= Severity::Warning && f.line > 0)
        .map(|f| f.line)
        .collect();
    // The S3 rule that answered, marked in the gutter.
    let matched_line = match (&sim.result, inputs.server_kind) {
        (Ok(t), ServerKind::S3) => t
            .preflight
            .as_ref()
            .and_then(|p| p.response.as_ref())
            .into_iter()
            .chain(t.response.as_ref())
            .filter_map(|r| r.provenance.as_ref()?.matched_rule.as_ref()?.span)
            .map(|s| s.line)
            .next(),
        _ => None,
    };
    // The S3 rules passed over, with why, shown on hover of their line in the gutter.
    let misses = use_memo(SameRc((*sim).clone()), |v| {
        rule_misses(&v.0.result, inputs.server_kind)
    });
    let on_clear_sequence = dispatch.reform(|_: MouseEvent| Action::ClearSequence);
    let all_presets = use_memo((), |_| presets::summaries());
    let on_preset = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(p) = presets::by_id(&select_value(&e)) {
                dispatch.emit(Action::Load(Box::new(Inputs::from_scenario(
                    &p.scenario,
                    Some(p.id),
                ))));
            }
        })
    };
    let lesson = inputs
        .preset
        .as_deref()
        .and_then(|id| all_presets.iter().find(|p| p.id == id));

    // The link is written (JSON, deflate, base64url) when Share is pressed, not at every render.
    let make_link = {
        let inputs = inputs.clone();
        Callback::from(move |()| permalink::link(&inputs, &Fragment::default()))
    };
    let editor = html! {
        <ConfigEditor
            kind={inputs.server_kind}
            text={inputs.config().to_string()}
            status={sim.config_status.clone()}
            error={config_error}
            warn_lines={warn_lines}
            misses={(*misses).clone()}
            matched={matched_line.map(|l| (l, l))}
            fixed={inputs.before_fix.is_some()}
            on_undo={on_undo_fix}
            on_kind={on_kind}
            on_input={on_config}
            readonly={flags.readonly}
        />
    };
    let verdict = html! {
        <Verdict
            trace={shown.clone().filter(|_| !stale)}
            error={error.clone()}
            by_browser={sim.by_browser.clone()}
            on_browser={dispatch.reform(Action::SetBrowser)}
        />
    };
    let timeline = |trace: &Rc<Trace>| {
        html! {
            <section class={classes!("card", stale.then_some("stale"))} aria-labelledby="timeline-h">
                <div class="card-head">
                    <h2 id="timeline-h">{ "What the browser does" }</h2>
                    if stale { <span class="badge badge--info">{ "last valid input" }</span> }
                </div>
                <Timeline trace={trace.clone()} />
            </section>
        }
    };

    if flags.embed {
        let full_link = permalink::link(&inputs, &Fragment::default());
        // The compact layout for an <iframe>: no header or footer; the verdict (with its
        // console line), the timeline, then the inputs, and a way out to the full page.
        return html! {
            <div class={classes!("app", "app--embed", flags.readonly.then_some("app--readonly"))} data-testid="embed">
                { link_error }
                <main class="layout layout--embed">
                    <div class="col col-output">
                        { verdict }
                        if let Some(trace) = &shown { { timeline(trace) } }
                    </div>
                    <div class="col col-inputs">
                        { editor }
                        <RequestForm inputs={(*inputs).clone()} error={request_error} dispatch={dispatch.clone()} />
                    </div>
                </main>
                <p class="embed-foot">
                    <a href={full_link} target="_blank" rel="noopener" data-testid="open-full">{ "Open in cors-sim ↗" }</a>
                </p>
            </div>
        };
    }

    // The script the page would run, for the request as it is now.
    let script = sim
        .scenario
        .as_ref()
        .map(|s| AttrValue::from(super::script_code::script_code(&s.request)));
    let code_title = match inputs.api {
        crate::scenario::Api::Fetch => AttrValue::Static("fetch()"),
        crate::scenario::Api::Xhr => AttrValue::Static("XMLHttpRequest"),
    };
    html! {
        <div class="app">
            <header class="top">
                <div class="brand">
                    <h1>{ "cors-sim" }</h1>
                    <p class="tagline">
                        { "Paste a bucket's CORS configuration, describe the request, pick a browser: see each step it takes and its exact console message." }
                    </p>
                </div>
                <div class="top-actions">
                    <label class="preset-picker" key={inputs.generation.to_string()}>
                        <span class="visually-hidden">{ "Load an example" }</span>
                        <select data-testid="preset-input" onchange={on_preset}>
                            <option value="" selected={inputs.preset.is_none()}>{ "Examples that teach…" }</option>
                            { for all_presets.iter().map(|p| html! {
                                <option value={p.id.clone()} selected={inputs.preset.as_deref() == Some(p.id.as_str())}>{ &p.title }</option>
                            }) }
                        </select>
                    </label>
                    <button type="button" class="secondary" onclick={on_reset}>{ "Reset example" }</button>
                    <CopyButton text="" make_text={make_link} what="link to this simulation" label="Share" class="copy-link" />
                </div>
            </header>
            { link_error }
            <main class="layout">
                <div class="col col-inputs">
                    { editor }
                    <RequestForm inputs={(*inputs).clone()} error={request_error} dispatch={dispatch.clone()} />
                </div>
                <div class="col col-output">
                    if let Some(p) = lesson {
                        <aside class="lesson" data-testid="lesson" aria-labelledby="lesson-h">
                            <h2 id="lesson-h"><span class="muted">{ "Lesson: " }</span>{ &p.title }</h2>
                            <p>{ &p.lesson }</p>
                        </aside>
                    }
                    { verdict }
                    if let Some(fix) = fix {
                        <FixView {fix} pending={advice_pending} on_apply={on_apply_fix} />
                    }
                    <LintView findings={lint} />
                    if let Some(trace) = shown {
                        <Sequence trace={trace.clone()} requests={inputs.sequence.clone()} on_clear={on_clear_sequence} />
                        { timeline(&trace) }
                        if let Some(code) = script {
                            <section class="card" aria-labelledby="code-h">
                                <div class="card-head">
                                    <h2 id="code-h">{ "The request in code" }</h2>
                                </div>
                                <RawPane title={code_title} testid="request-code" text={code} />
                            </section>
                        }
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

/// An `Rc` compared by identity: the verdict memo gives a new one exactly when the inputs
/// changed, and comparing two traces field by field would cost more than the effect it guards.
struct SameRc<T>(Rc<T>);

impl<T> PartialEq for SameRc<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Runs `f` in a task of its own after the browser has painted the current frame:
/// `requestAnimationFrame` runs just before that paint, and a zero timeout from there comes after
/// it. Where there are no animation frames (a hidden page), `f` waits until they come back.
fn after_next_paint(f: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let frame = wasm_bindgen::closure::Closure::once_into_js(move || {
        Timeout::new(0, f).forget();
    });
    let _ = window.request_animation_frame(frame.unchecked_ref());
}

/// The S3 rules a trace passed over, each as its line and why, for the gutter.
fn rule_misses(
    result: &Result<Rc<Trace>, crate::Error>,
    kind: ServerKind,
) -> Rc<Vec<(u32, AttrValue)>> {
    let misses = match (result, kind) {
        (Ok(t), ServerKind::S3) => t
            .preflight
            .as_ref()
            .and_then(|p| p.response.as_ref())
            .or(t.response.as_ref())
            .and_then(|r| r.provenance.as_ref())
            .map(|p| {
                p.rejected_rules
                    .iter()
                    .filter_map(|m| {
                        let line = m.span?.line;
                        Some((
                            line,
                            AttrValue::from(format!(
                                "Rule {} did not match: {}",
                                m.index + 1,
                                m.reason
                            )),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Rc::new(misses)
}
