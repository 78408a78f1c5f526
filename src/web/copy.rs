//! A copy-to-clipboard button that says what happened.

use gloo::timers::callback::Timeout;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Props of [`CopyButton`].
#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// The text to copy.
    pub text: AttrValue,
    /// Writes the text to copy when the button is pressed, instead of `text`: for text that
    /// costs something to write and is copied rarely (the permalink).
    #[prop_or_default]
    pub make_text: Option<Callback<(), String>>,
    /// What is copied, for the accessible name ("Copy OPTIONS request").
    pub what: AttrValue,
    /// The button's visible label.
    #[prop_or(AttrValue::Static("Copy"))]
    pub label: AttrValue,
    /// An element whose contents are selected when the clipboard cannot be written, so that
    /// Ctrl+C still works.
    #[prop_or_default]
    pub select: Option<NodeRef>,
    /// Extra classes for the button.
    #[prop_or_default]
    pub class: Classes,
}

#[derive(Clone, Copy, PartialEq)]
enum CopyState {
    Idle,
    Copied,
    Selected,
    Failed,
}

/// Selects the contents of `node`.
fn select_contents(node: Option<&NodeRef>) -> bool {
    let Some(el) = node.and_then(|n| n.cast::<web_sys::Node>()) else {
        return false;
    };
    let Some(sel) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) else {
        return false;
    };
    sel.select_all_children(&el).is_ok()
}

/// The clipboard, when this page may use it (it exists in secure contexts only).
fn clipboard() -> Option<web_sys::Clipboard> {
    let navigator = web_sys::window()?.navigator();
    let value = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
    if value.is_undefined() || value.is_null() {
        return None;
    }
    Some(navigator.clipboard())
}

/// The button.
#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let state = use_state(|| CopyState::Idle);
    let reset = use_mut_ref(|| None::<Timeout>);

    let onclick = {
        let state = state.clone();
        let reset = reset.clone();
        let select = props.select.clone();
        let text = props.text.clone();
        let make_text = props.make_text.clone();
        Callback::from(move |_: MouseEvent| {
            let text = match &make_text {
                Some(make) => make.emit(()),
                None => text.to_string(),
            };
            let show = {
                let state = state.clone();
                let reset = reset.clone();
                move |s: CopyState| {
                    state.set(s);
                    let state = state.clone();
                    // Replacing the timeout drops (cancels) the previous one.
                    *reset.borrow_mut() =
                        Some(Timeout::new(2000, move || state.set(CopyState::Idle)));
                }
            };
            let fallback = {
                let select = select.clone();
                move || {
                    if select_contents(select.as_ref()) {
                        CopyState::Selected
                    } else {
                        CopyState::Failed
                    }
                }
            };
            match clipboard() {
                Some(cb) => {
                    let promise = cb.write_text(&text);
                    yew::platform::spawn_local(async move {
                        match JsFuture::from(promise).await {
                            Ok(_) => show(CopyState::Copied),
                            Err(_) => show(fallback()),
                        }
                    });
                }
                None => show(fallback()),
            }
        })
    };
    let (label, class) = match *state {
        CopyState::Idle => (props.label.to_string(), "copy"),
        CopyState::Copied => ("Copied ✓".to_string(), "copy copy--done"),
        CopyState::Selected => ("Selected: press Ctrl+C".to_string(), "copy copy--done"),
        CopyState::Failed => ("Copy failed".to_string(), "copy copy--failed"),
    };
    let announce = match *state {
        CopyState::Copied => "Copied to the clipboard",
        CopyState::Selected => "Text selected; press Control C to copy",
        CopyState::Failed => "Copying failed",
        CopyState::Idle => "",
    };
    html! {
        <>
            <button type="button" class={classes!(class, props.class.clone())} {onclick} aria-label={format!("Copy {}", props.what)}>
                { label }
            </button>
            <span class="visually-hidden" aria-live="polite">{ announce }</span>
        </>
    }
}
