//! Runs one piece of the core many times, for instruction-count profiling under callgrind:
//!
//! ```sh
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile simple 1 1000
//! # only the measured loop, without building the inputs:
//! valgrind --tool=callgrind --toggle-collect='profile::measured*' target/release/examples/profile parse-xml 1 10
//! ```
//!
//! Arguments: what (`simple`, `preflighted`, `prepared-simple`, `prepared-preflighted`,
//! `js-simple`, `js-preflighted`, `parse-xml`, `parse-json`, `fix`, `lint`), the number of rules
//! (for the simulations), and the number of iterations. `js-…` is what a JS API `simulate` call does
//! in the wasm against a configuration parsed once: the scenario read from JSON text, simulated,
//! and the trace written as JSON text. The inputs are those of
//! `benches/simulate.rs`.

#[path = "../benches/inputs/mod.rs"]
mod inputs;

use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("simple", String::as_str);
    let rules: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let iterations: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1000);
    match what {
        "simple" | "preflighted" | "prepared-simple" | "prepared-preflighted" => {
            let config = inputs::xml_config(rules, 1);
            let scenario = if what.ends_with("simple") {
                inputs::simple(&config)
            } else {
                inputs::preflighted(&config)
            };
            let server = cors_sim::PreparedServer::new(&scenario.server).unwrap();
            measured(iterations, || {
                if what.starts_with("prepared") {
                    black_box(cors_sim::simulate_prepared(black_box(&scenario), &server).unwrap());
                } else {
                    black_box(cors_sim::simulate(black_box(&scenario)).unwrap());
                }
            });
        }
        "js-simple" | "js-preflighted" => {
            let config = inputs::xml_config(rules, 1);
            let scenario = if what == "js-simple" {
                inputs::simple(&config)
            } else {
                inputs::preflighted(&config)
            };
            let text = serde_json::to_string(&scenario).unwrap();
            let server = cors_sim::PreparedServer::new(&scenario.server).unwrap();
            measured(iterations, || {
                let scenario: cors_sim::Scenario = serde_json::from_str(black_box(&text)).unwrap();
                let trace = cors_sim::simulate_prepared(&scenario, &server).unwrap();
                black_box(serde_json::to_string(&trace).unwrap());
            });
        }
        "parse-xml" | "parse-json" => {
            let (xml, json) = inputs::configs_near_64_kb();
            let text = if what == "parse-xml" { xml } else { json };
            eprintln!("{what}: {} bytes", text.len());
            measured(iterations, || {
                black_box(
                    cors_sim::parse_policy(cors_sim::PolicyKind::S3, black_box(&text)).unwrap(),
                );
            });
        }
        "fix" | "lint" => {
            // The web app's work when a keystroke blocks the request against 64 KB of rules.
            let (xml, _) = inputs::configs_near_64_kb();
            let xml = xml.replace("https://app.example.com<", "https://app.example.co<");
            let scenario = inputs::preflighted(&xml);
            let trace = cors_sim::simulate(&scenario).unwrap();
            let Some(cors_sim::Policy::S3 {
                config: Some(config),
            }) = cors_sim::parse_policy(cors_sim::PolicyKind::S3, &xml).ok()
            else {
                panic!("the configuration parses");
            };
            measured(iterations, || {
                if what == "fix" {
                    black_box(cors_sim::advice::fix::fix_given(&scenario, &trace).unwrap());
                } else {
                    black_box(cors_sim::advice::lint(&config));
                }
            });
        }
        other => panic!("unknown benchmark {other:?}"),
    }
}

/// The loop being measured, kept out of line so that callgrind's `--toggle-collect` can count it
/// alone, without the construction of its inputs.
#[inline(never)]
fn measured(iterations: usize, mut run: impl FnMut()) {
    for _ in 0..iterations {
        run();
    }
}
