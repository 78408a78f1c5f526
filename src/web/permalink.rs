//! The permalink: the inputs live in the URL fragment, so a reload keeps them and a copied link
//! reproduces the simulation. Nothing leaves the page. The encoding (`#v1=`, deflate and
//! base64url; the first form `#s=` still read; `embed`/`readonly` flags) is in
//! [`super::permalink_codec`], pure and tested natively; this module only touches the address bar.

use super::permalink_codec::{decode_fragment, encode_fragment, Fragment};
use super::state::Inputs;

/// What the current URL's fragment asks for.
pub fn read() -> Fragment {
    // The build-time render (web::prerender, native) has no address bar: the example.
    if !cfg!(target_arch = "wasm32") {
        return Fragment::default();
    }
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    decode_fragment(&hash)
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

/// The full link to `inputs`, with the layout flags of `flags` (use `Fragment::default()` for
/// the full page).
pub fn link(inputs: &Inputs, flags: &Fragment) -> String {
    let fragment = encode_fragment(inputs, flags);
    let base = base().unwrap_or_default();
    if fragment.is_empty() {
        base
    } else {
        format!("{base}#{fragment}")
    }
}

/// Writes `inputs` (and the flags) into the address bar without adding a history entry.
pub fn write(inputs: &Inputs, flags: &Fragment) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let _ = history.replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&link(inputs, flags)),
    );
}
