//! Writes the web app's first render into a built `index.html` (see `cors_sim::web::prerender`).
//!
//! ```sh
//! cors-sim-prerender dist/index.html
//! ```
//!
//! Without an argument it edits `$TRUNK_STAGING_DIR/index.html`, which is how Trunk's
//! post_build hook (Trunk.toml) runs it.

use cors_sim::web::prerender::{inject, render_app};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = match std::env::args_os().nth(1) {
        Some(p) => PathBuf::from(p),
        None => match std::env::var_os("TRUNK_STAGING_DIR") {
            Some(dir) => PathBuf::from(dir).join("index.html"),
            None => {
                eprintln!("usage: cors-sim-prerender INDEX_HTML (or set TRUNK_STAGING_DIR)");
                return ExitCode::from(2);
            }
        },
    };
    let page = match std::fs::read_to_string(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cors-sim-prerender: cannot read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let snapshot = render_app();
    match inject(&page, &snapshot).map(|done| std::fs::write(&path, done)) {
        Ok(Ok(())) => {
            eprintln!(
                "cors-sim-prerender: wrote the first render ({} bytes) into {}",
                snapshot.len(),
                path.display()
            );
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            eprintln!("cors-sim-prerender: cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("cors-sim-prerender: {e}");
            ExitCode::FAILURE
        }
    }
}
