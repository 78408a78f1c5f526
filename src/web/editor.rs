//! The server side of the form: which kind of server, and its configuration text in an editor
//! with line numbers, a badge naming the detected format, and the located error, if any.

use super::dom::{place_caret, select_value, textarea_value};
use super::state::{format_label, ConfigStatus, ServerKind};
use crate::Error;
use std::rc::Rc;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

/// Props of [`ConfigEditor`].
#[derive(Properties, PartialEq)]
pub struct ConfigEditorProps {
    /// The server kind shown.
    pub kind: ServerKind,
    /// The text, exactly as typed.
    pub text: AttrValue,
    /// What the text is.
    pub status: ConfigStatus,
    /// The error in the text, if any.
    pub error: Option<Error>,
    /// Lines of the rule that produced the answer, to mark in the gutter (1-based, inclusive).
    #[prop_or_default]
    pub matched: Option<(u32, u32)>,
    /// Lines with a lint finding, marked in the gutter.
    #[prop_or_default]
    pub warn_lines: Vec<u32>,
    /// Rules S3 passed over, as (line, why): the gutter line shows why on hover.
    #[prop_or_default]
    pub misses: Rc<Vec<(u32, AttrValue)>>,
    /// Whether a fix was just applied (the foot offers Undo).
    #[prop_or_default]
    pub fixed: bool,
    /// Puts back the text from before the fix.
    #[prop_or_default]
    pub on_undo: Callback<MouseEvent>,
    /// A new server kind was picked.
    pub on_kind: Callback<ServerKind>,
    /// The text changed.
    pub on_input: Callback<String>,
    /// The config is shown but not editable (an embed's `readonly`).
    #[prop_or_default]
    pub readonly: bool,
}

/// Props of [`GutterLines`].
#[derive(Properties, PartialEq)]
struct GutterLinesProps {
    line_count: usize,
    error_line: Option<u32>,
    warn_lines: Vec<u32>,
    matched: Option<(u32, u32)>,
    misses: Rc<Vec<(u32, AttrValue)>>,
}

/// The line numbers beside the text, with their marks. A component of its own so that a
/// keystroke that changes neither the number of lines nor a mark does not rebuild the gutter.
///
/// Only the marked lines (at most a few per rule) are elements of the virtual DOM; each run of
/// plain lines between them is one piece of markup, compared as a string and left alone when it
/// did not change. With a 64 KB configuration that is a couple of hundred nodes to diff instead
/// of one per line (1,400), which matters because every keystroke in the request form changes
/// the marks (the reasons the rules were passed over name the origin).
#[component]
fn GutterLines(props: &GutterLinesProps) -> Html {
    let count = u32::try_from(props.line_count).unwrap_or(u32::MAX);
    let in_range = |n: &u32| (1..=count).contains(n);
    let mut marked: Vec<u32> = props
        .error_line
        .into_iter()
        .chain(props.warn_lines.iter().copied())
        .chain(props.misses.iter().map(|(line, _)| *line))
        .chain(
            props
                .matched
                .map(|(a, b)| a.max(1)..=b.min(count))
                .into_iter()
                .flatten(),
        )
        .filter(in_range)
        .collect();
    marked.sort_unstable();
    marked.dedup();
    let mut nodes = Vec::with_capacity(2 * marked.len() + 1);
    let mut next = 1;
    for &n in &marked {
        if n > next {
            nodes.push(plain_lines(next, n - 1));
        }
        nodes.push(marked_line(props, n));
        next = n + 1;
    }
    if next <= count {
        nodes.push(plain_lines(next, count));
    }
    html! { <>{ for nodes }</> }
}

/// Lines `from..=to` without a mark, as markup (digits only: nothing to escape).
fn plain_lines(from: u32, to: u32) -> Html {
    use std::fmt::Write as _;
    let mut markup = String::with_capacity((to - from + 1) as usize * 28);
    for n in from..=to {
        let _ = write!(markup, "<span class=\"ln\">{n}</span>");
    }
    Html::from_html_unchecked(markup.into())
}

/// Line `n`, with its marks and the reason shown on hover.
fn marked_line(props: &GutterLinesProps, n: u32) -> Html {
    let error = props.error_line == Some(n);
    let matched = props.matched.is_some_and(|(a, b)| (a..=b).contains(&n));
    let miss = props.misses.iter().find(|(line, _)| *line == n);
    let class = classes!(
        "ln",
        error.then_some("ln--error"),
        (!error && props.warn_lines.contains(&n)).then_some("ln--warn"),
        matched.then_some("ln--matched"),
        miss.is_some().then_some("ln--missed"),
    );
    let title = if props.matched.is_some_and(|(a, _)| a == n) {
        Some(AttrValue::Static("The rule that answered starts here"))
    } else {
        miss.map(|(_, why)| why.clone())
    };
    html! { <span {class} {title}>{ n }</span> }
}

/// The config editor.
#[component]
pub fn ConfigEditor(props: &ConfigEditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();

    let on_kind = {
        let cb = props.on_kind.clone();
        Callback::from(move |e: Event| {
            if let Some(k) = ServerKind::from_id(&select_value(&e)) {
                cb.emit(k);
            }
        })
    };
    // The same callbacks from render to render, so that the textarea is left alone when only
    // the marks or the badge change.
    let on_input = use_callback(props.on_input.clone(), |e: InputEvent, cb| {
        cb.emit(textarea_value(&e))
    });
    let on_scroll = use_callback(
        (textarea.clone(), gutter.clone()),
        |_: Event, (textarea, gutter)| {
            if let (Some(t), Some(g)) = (
                textarea.cast::<HtmlTextAreaElement>(),
                gutter.cast::<Element>(),
            ) {
                g.set_scroll_top(t.scroll_top());
            }
        },
    );
    let line_count = memchr::memchr_iter(b'\n', props.text.as_bytes()).count() + 1;
    // Realign the gutter when it gains or loses lines (scrolling is followed by on_scroll).
    // Not after every render: reading scrollTop forces a layout of the page, which with a
    // 64 KB text in the textarea costs more than the render itself.
    {
        let textarea = textarea.clone();
        let gutter = gutter.clone();
        use_effect_with(line_count, move |_| {
            if let (Some(t), Some(g)) = (
                textarea.cast::<HtmlTextAreaElement>(),
                gutter.cast::<Element>(),
            ) {
                g.set_scroll_top(t.scroll_top());
            }
        });
    }

    let error_line = props.error.as_ref().and_then(|e| e.span).map(|s| s.line);
    let gutter_lines = html! {
        <GutterLines
            {line_count}
            {error_line}
            warn_lines={props.warn_lines.clone()}
            matched={props.matched}
            misses={props.misses.clone()}
        />
    };

    let (badge_class, badge_text, badge_extra) = match &props.status {
        ConfigStatus::S3 { format, rules } => (
            "badge badge--ok",
            format_label(*format).to_string(),
            Some(if *rules == 1 {
                "1 rule".to_string()
            } else {
                format!("{rules} rules")
            }),
        ),
        ConfigStatus::NoS3Config => (
            "badge badge--info",
            "no CORS configuration".to_string(),
            None,
        ),
        ConfigStatus::Custom => ("badge badge--ok", "custom responses".to_string(), None),
        ConfigStatus::Server(label) => ("badge badge--ok", (*label).to_string(), None),
        ConfigStatus::Invalid => ("badge badge--bad", "invalid".to_string(), None),
    };

    let hint = match props.kind {
        ServerKind::S3 => "Paste the bucket's CORS configuration: the XML of get-bucket-cors, the JSON of aws s3api or of the S3 console, or CloudFormation's CorsConfiguration. Blank means the bucket has none.",
        ServerKind::Custom => "Literal answers: {\"kind\": \"custom\", \"preflight\": {\"status\", \"headers\"}, \"response\": {…}}, headers as [name, value] pairs. Any server of a scenario also works, e.g. {\"kind\": \"lambda-url\", \"config\": \"…\"}.",
    };

    let error_view = match &props.error {
        Some(e) => {
            let location = e.span.map(|s| {
                let textarea = textarea.clone();
                let go = Callback::from(move |_: MouseEvent| {
                    if let Some(t) = textarea.cast::<HtmlTextAreaElement>() {
                        place_caret(&t, s.line, s.column);
                    }
                });
                html! {
                    <button type="button" class="loc" onclick={go}
                        title="Put the cursor there"
                        aria-label={format!("Go to line {}, column {}", s.line, s.column)}>
                        { format!("{}:{}", s.line, s.column) }
                    </button>
                }
            });
            html! {
                <p class="field-error" data-testid="config-error" id="config-error">
                    <span class="icon" aria-hidden="true">{ "✖" }</span>
                    { location }
                    if let Some(code) = e.code() { <strong class="code">{ code }</strong> }
                    <span>{ &e.message }</span>
                </p>
            }
        }
        None if props.fixed => html! {
            <p class="field-hint field-ok" id="config-hint">
                <span aria-hidden="true">{ "✓ " }</span>{ "Fix applied. " }
                <button type="button" class="small" data-testid="undo-fix" onclick={props.on_undo.clone()}>{ "Undo" }</button>
            </p>
        },
        None => html! {
            <p class="field-hint" id="config-hint">{ hint }</p>
        },
    };

    html! {
        <section class="card editor" aria-labelledby="server-h">
            <div class="card-head">
                <h2 id="server-h">{ "Server" }</h2>
                <label class="inline">
                    <span class="visually-hidden">{ "Server kind" }</span>
                    <select data-testid="server-kind-input" onchange={on_kind} disabled={props.readonly}>
                        <option value="s3" selected={props.kind == ServerKind::S3}>{ "Amazon S3 bucket" }</option>
                        <option value="custom" selected={props.kind == ServerKind::Custom}>{ "Server JSON (custom, API Gateway, …)" }</option>
                    </select>
                </label>
            </div>
            <div class="editor-label">
                <label for="config-input">
                    { if props.kind == ServerKind::S3 { "Bucket CORS configuration" } else { "Server (JSON)" } }
                </label>
                <span class="badge-row">
                    <span class={badge_class} data-testid="format-badge">{ badge_text }</span>
                    if let Some(extra) = badge_extra { <span class="muted">{ extra }</span> }
                </span>
            </div>
            <div class={classes!("code-editor", props.error.is_some().then_some("code-editor--error"))}>
                <div class="gutter" aria-hidden="true" ref={gutter}>{ gutter_lines }</div>
                <ConfigText
                    text={props.text.clone()}
                    node_ref={textarea}
                    on_input={on_input}
                    on_scroll={on_scroll}
                    readonly={props.readonly}
                    invalid={props.error.is_some()}
                />
            </div>
            <div class="field-foot">{ error_view }</div>
        </section>
    }
}

/// Props of [`ConfigText`].
#[derive(Properties, PartialEq)]
struct ConfigTextProps {
    text: AttrValue,
    node_ref: NodeRef,
    on_input: Callback<InputEvent>,
    on_scroll: Callback<Event>,
    readonly: bool,
    invalid: bool,
}

/// The textarea. A component of its own because re-rendering it reads its whole value back
/// from the page (to keep what was typed since): with 64 KB in it, that is done only when the
/// text, not just a mark beside it, changed.
#[component]
fn ConfigText(props: &ConfigTextProps) -> Html {
    html! {
        <textarea
            id="config-input"
            data-testid="config-input"
            ref={props.node_ref.clone()}
            value={props.text.clone()}
            oninput={props.on_input.clone()}
            onscroll={props.on_scroll.clone()}
            wrap="off"
            rows="16"
            readonly={props.readonly}
            aria-readonly={if props.readonly { "true" } else { "false" }}
            spellcheck="false"
            autocomplete="off"
            autocapitalize="off"
            autocorrect="off"
            aria-invalid={if props.invalid { "true" } else { "false" }}
            aria-describedby={if props.invalid { "config-error" } else { "config-hint" }}
        />
    }
}
