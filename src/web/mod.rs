//! The web app (feature `web`): a Yew single-page app over [`crate::simulate`].
//!
//! One concept per module: [`state`] holds the inputs and derives the simulation; the
//! components render the [`Trace`](crate::Trace) and never decide anything about CORS.

pub mod advice;
pub mod app;
pub mod copy;
pub mod dom;
pub mod editor;
pub mod permalink;
pub mod permalink_codec;
#[cfg(feature = "prerender")]
pub mod prerender;
pub mod presets;
pub mod raw_http;
pub mod request_form;
pub mod script_code;
pub mod sequence;
pub mod state;
pub mod timeline;
pub mod verdict;

pub use app::App;

/// The attribute the root of the build's snapshot of the first render carries (`prerender`
/// writes it, [`start`] removes it; the style sheet and the end-to-end tests read it too).
pub const SNAPSHOT_MARK: &str = "data-prerendered";

/// Mounts the app on `#app`, replacing its loading text or the build's snapshot of the first
/// render (`prerender`, marked `data-prerendered` and `inert`): the same markup, now live. A
/// page without `#app` gets no app: it loaded the module for the JS API alone (as
/// `static/embed-demo.html` does).
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    if let Some(root) = root {
        root.set_text_content(None);
        // Both go in the same task as the first render (Yew renders in a microtask), so no
        // frame shows an empty or inert page.
        let _ = root.remove_attribute(SNAPSHOT_MARK);
        let _ = root.remove_attribute("inert");
        yew::Renderer::<App>::with_root(root).render();
    }
}
