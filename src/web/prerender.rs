//! The app's first render as static HTML, written into `dist/index.html` at build time
//! (feature `prerender`; Trunk.toml's post_build hook runs `cors-sim-prerender`).
//!
//! Why: the page would otherwise show "Loading cors-sim…" until the wasm is downloaded,
//! compiled and run: 200 to 300 ms after navigation on localhost (docs/PERFORMANCE.md), seconds
//! over a slow mobile link. The snapshot is
//! the example's full first render (verdict, advice, timeline, raw HTTP), so a reader sees the
//! answer as soon as the HTML is parsed, and a visitor without JavaScript sees a real example.
//! [`super::start`] then replaces it with the live app, which renders the same markup.
//!
//! The snapshot is `inert` (no focus, no typing, no clicks) and looks exactly like the app:
//! text typed into it would be lost when the live app takes over. A page opened with a
//! permalink (`#v1=…`) never shows it: `static/loader.js` marks the document before the body
//! is parsed and the style sheet hides the snapshot, so the example does not flash before the
//! linked simulation. tests/e2e checks that the snapshot is the live app's first render.

use super::{App, SNAPSHOT_MARK};

/// The app's first render with the default example (no permalink), as HTML.
pub fn render_app() -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime needs no resources that can be missing");
    let local = tokio::task::LocalSet::new();
    runtime.block_on(
        local.run_until(
            yew::LocalServerRenderer::<App>::new()
                .hydratable(false)
                .render(),
        ),
    )
}

/// Puts `app_html` into the `<div id="app">` of Trunk's `index.html`, replacing its loading
/// text, and marks that root with [`SNAPSHOT_MARK`] and `inert`. Fails, without changing
/// anything, when the page has no such element or has one already filled by an earlier run.
pub fn inject(index_html: &str, app_html: &str) -> Result<String, String> {
    const OPEN: &str = r#"<div id="app">"#;
    let start = index_html
        .find(OPEN)
        .ok_or_else(|| format!("index.html has no {OPEN}"))?;
    let content_start = start + OPEN.len();
    let end = index_html[content_start..]
        .find("</div>")
        .map(|e| content_start + e)
        .ok_or_else(|| format!("index.html's {OPEN} is not closed"))?;
    let loading = &index_html[content_start..end];
    if loading.contains('<') && !loading.trim_start().starts_with("<p class=\"loading\"") {
        return Err("index.html's #app already holds markup other than its loading text".into());
    }
    let mut out = String::with_capacity(index_html.len() + app_html.len() + 64);
    out.push_str(&index_html[..start]);
    out.push_str(&format!(r#"<div id="app" {SNAPSHOT_MARK} inert>"#));
    out.push_str(app_html);
    out.push_str(&index_html[end..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inject_replaces_the_loading_text_once() {
        let page = "<body>\n<div id=\"app\"><p class=\"loading\">Loading…</p></div>\n<noscript>x</noscript></body>";
        let done = inject(page, "<div class=\"app\">live</div>").unwrap();
        assert_eq!(
            done,
            "<body>\n<div id=\"app\" data-prerendered inert><div class=\"app\">live</div></div>\n<noscript>x</noscript></body>"
        );
        assert!(inject("<body></body>", "x").is_err());
    }

    #[test]
    fn the_first_render_shows_the_example_verdict() {
        let html = render_app();
        assert!(html.contains(r#"data-testid="verdict""#), "{html}");
        assert!(
            html.contains("ALLOWED") || html.contains("BLOCKED"),
            "{html}"
        );
        // No inline style: the page's Content-Security-Policy (style-src 'self') refuses it.
        assert!(!html.contains("style="), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }
}
