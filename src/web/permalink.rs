//! The permalink: the inputs live in the URL fragment (`#s=` and percent-encoded JSON), so a
//! reload keeps them and a copied link reproduces the simulation. Nothing leaves the page.

use super::state::{from_permalink_json, to_permalink_json, Inputs};

const PREFIX: &str = "#s=";

/// The inputs in the current URL's fragment, if it holds a valid permalink.
pub fn read() -> Option<Inputs> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let encoded = hash.strip_prefix(PREFIX)?;
    let json = js_sys::decode_uri_component(encoded).ok()?.as_string()?;
    from_permalink_json(&json)
}

/// The page's URL without its fragment.
fn base() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}{}",
        location.origin().ok()?,
        location.pathname().ok()?,
        location.search().ok()?
    ))
}

/// The fragment for `inputs`: empty for the example, so the plain address stays plain.
fn fragment(inputs: &Inputs) -> String {
    let json = to_permalink_json(inputs);
    if json == to_permalink_json(&Inputs::example()) {
        return String::new();
    }
    format!(
        "{PREFIX}{}",
        String::from(js_sys::encode_uri_component(&json))
    )
}

/// The full link to `inputs`.
pub fn link(inputs: &Inputs) -> String {
    format!("{}{}", base().unwrap_or_default(), fragment(inputs))
}

/// Writes `inputs` into the address bar without adding a history entry.
pub fn write(inputs: &Inputs) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&link(inputs)));
}
