//! The request builder: what the page's script does, and in which browser.

use super::dom::{input_value, select_value, textarea_value};
use super::state::{Action, Field, Inputs};
use crate::scenario::Api;
use crate::{Browser, Credentials, Error, Mode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use yew::prelude::*;

/// Props of [`RequestForm`].
#[derive(Properties, PartialEq)]
pub struct RequestFormProps {
    /// The current inputs.
    pub inputs: Inputs,
    /// An error in one of the request fields, and which.
    pub error: Option<(Field, Error)>,
    /// Applies a change.
    pub dispatch: Callback<Action>,
}

/// The contract's name of an enum value (`same-origin`, `no-cors`, …).
fn id_of<T: Serialize>(value: &T) -> String {
    // Through JSON text, not `serde_json::Value`: one serializer per type in the wasm.
    serde_json::to_string(value)
        .ok()
        .and_then(|s| serde_json::from_str::<String>(&s).ok())
        .unwrap_or_default()
}

/// The enum value with the contract's name `id`.
fn from_id<T: DeserializeOwned>(id: &str) -> Option<T> {
    serde_json::from_str(&serde_json::to_string(id).ok()?).ok()
}

/// A `<select>` over an enum's values, each shown with a label.
fn enum_select<T>(
    testid: &'static str,
    id: &'static str,
    current: T,
    options: &[(T, &'static str)],
    dispatch: &Callback<Action>,
    make: fn(T) -> Action,
) -> Html
where
    T: Serialize + DeserializeOwned + PartialEq + Copy + 'static,
{
    let dispatch = dispatch.clone();
    let onchange = Callback::from(move |e: Event| {
        if let Some(v) = from_id::<T>(&select_value(&e)) {
            dispatch.emit(make(v));
        }
    });
    html! {
        <select {id} data-testid={testid} {onchange}>
            { for options.iter().map(|(v, label)| html! {
                <option value={id_of(v)} selected={*v == current}>{ *label }</option>
            }) }
        </select>
    }
}

/// The request builder.
#[component]
pub fn RequestForm(props: &RequestFormProps) -> Html {
    let i = &props.inputs;
    let d = &props.dispatch;
    let text_cb = |make: fn(String) -> Action| {
        let d = d.clone();
        Callback::from(move |e: InputEvent| d.emit(make(input_value(&e))))
    };
    let headers_cb = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| d.emit(Action::SetHeaders(textarea_value(&e))))
    };
    let bad = |f: Field| props.error.as_ref().is_some_and(|(field, _)| *field == f);
    let invalid = |f: Field| if bad(f) { "true" } else { "false" };
    let described = |f: Field| bad(f).then_some("request-error");

    let status = match &props.error {
        Some((field, e)) => {
            let what = match field {
                Field::Origin => "Page origin",
                Field::Url => "URL",
                Field::Headers => "Headers",
                Field::Config | Field::Other => "Request",
            };
            let location = e.span.map(|s| format!(" {}:{}", s.line, s.column));
            let message = e
                .message
                .strip_prefix("request.origin: ")
                .or_else(|| e.message.strip_prefix("request.url: "))
                .unwrap_or(&e.message);
            html! {
                <p class="field-error" id="request-error" data-testid="request-error">
                    <span class="icon" aria-hidden="true">{ "✖" }</span>
                    <strong>{ what }{ location }{ ":" }</strong>{ " " }{ message }
                </p>
            }
        }
        None => html! {
            <p class="field-hint">{ "Everything updates as you type." }</p>
        },
    };

    html! {
        <section class="card request" aria-labelledby="request-h">
            <div class="card-head">
                <h2 id="request-h">{ "Request" }</h2>
            </div>
            <div class="form-rows" key={i.generation.to_string()}>
                <div class="field">
                    <label for="origin-input">{ "Page origin " }<span class="muted">{ "(where the script runs)" }</span></label>
                    <input id="origin-input" data-testid="origin-input" type="text" inputmode="url"
                        value={i.origin.clone()} oninput={text_cb(Action::SetOrigin)}
                        spellcheck="false" autocomplete="off" autocapitalize="off"
                        placeholder="https://app.example.com"
                        aria-invalid={invalid(Field::Origin)} aria-describedby={described(Field::Origin)} />
                </div>
                <div class="row-method-url">
                    <div class="field">
                        <label for="method-input">{ "Method" }</label>
                        <input id="method-input" data-testid="method-input" type="text" list="methods"
                            value={i.method.clone()} oninput={text_cb(Action::SetMethod)}
                            spellcheck="false" autocomplete="off" autocapitalize="off" />
                        <datalist id="methods">
                            { for ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"].iter().map(|m| html! { <option value={*m} /> }) }
                        </datalist>
                    </div>
                    <div class="field">
                        <label for="url-input">{ "URL" }</label>
                        <input id="url-input" data-testid="url-input" type="text" inputmode="url"
                            value={i.url.clone()} oninput={text_cb(Action::SetUrl)}
                            spellcheck="false" autocomplete="off" autocapitalize="off"
                            placeholder="https://my-bucket.s3.us-east-1.amazonaws.com/key"
                            aria-invalid={invalid(Field::Url)} aria-describedby={described(Field::Url)} />
                    </div>
                </div>
                <div class="field">
                    <label for="headers-input">{ "Headers " }<span class="muted">{ "(one Name: value per line)" }</span></label>
                    <textarea id="headers-input" data-testid="headers-input" rows="3"
                        value={i.headers.clone()} oninput={headers_cb}
                        spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"
                        placeholder="Content-Type: image/png"
                        aria-invalid={invalid(Field::Headers)} aria-describedby={described(Field::Headers)} />
                </div>
                <div class="row-options">
                    <div class="field">
                        <label for="browser-input">{ "Browser" }</label>
                        { enum_select("browser-input", "browser-input", i.browser,
                            &[(Browser::Chrome, "Chrome"), (Browser::Firefox, "Firefox"), (Browser::Safari, "Safari")],
                            d, Action::SetBrowser) }
                    </div>
                    <div class="field">
                        <label for="api-input">{ "API" }</label>
                        { enum_select("api-input", "api-input", i.api,
                            &[(Api::Fetch, "fetch()"), (Api::Xhr, "XMLHttpRequest")],
                            d, Action::SetApi) }
                    </div>
                    <div class="field">
                        <label for="credentials-input">{ "Credentials" }</label>
                        { enum_select("credentials-input", "credentials-input", i.credentials,
                            &[(Credentials::Omit, "omit"), (Credentials::SameOrigin, "same-origin"), (Credentials::Include, "include")],
                            d, Action::SetCredentials) }
                    </div>
                    <div class="field">
                        <label for="mode-input">{ "Mode" }</label>
                        { enum_select("mode-input", "mode-input", i.mode,
                            &[(Mode::Cors, "cors"), (Mode::NoCors, "no-cors"), (Mode::SameOrigin, "same-origin")],
                            d, Action::SetMode) }
                    </div>
                </div>
            </div>
            <div class="field-foot">{ status }</div>
        </section>
    }
}
