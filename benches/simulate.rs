//! How long the core takes, on the inputs of `benches/inputs/mod.rs`:
//!
//! * `simulate/<request>/<n>-rules`: parse + simulate, as `cors_sim::simulate` does for the JSON
//!   API and the CLI: the configuration text is parsed and validated on every call;
//! * `prepared/<request>/<n>-rules`: simulate only, against a server prepared once
//!   ([`cors_sim::PreparedServer`]), as the web app does while only the request changes;
//! * `parse/<format>/<bytes>`: parsing and validating a configuration near S3's 64 KB limit.
//!
//! Requests are a simple GET and a preflighted PUT, from the origin that only the last rule
//! allows (the worst case for S3's first-match walk), against 1, 10 and 100 rules.
//!
//! Run with `cargo bench --bench simulate`; docs/PERFORMANCE.md records the numbers.

mod inputs;

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn bench_simulate(c: &mut Criterion) {
    for n in [1, 10, 100] {
        let config = inputs::xml_config(n, 1);
        for (name, scenario) in [
            ("simple", inputs::simple(&config)),
            ("preflighted", inputs::preflighted(&config)),
        ] {
            let trace = cors_sim::simulate(&scenario).unwrap();
            assert_eq!(trace.outcome, cors_sim::Outcome::Allowed);
            let server = cors_sim::PreparedServer::new(&scenario.server).unwrap();
            assert_eq!(
                cors_sim::simulate_prepared(&scenario, &server).unwrap(),
                trace
            );
            c.bench_function(&format!("simulate/{name}/{n}-rules"), |b| {
                b.iter(|| cors_sim::simulate(black_box(&scenario)).unwrap())
            });
            c.bench_function(&format!("prepared/{name}/{n}-rules"), |b| {
                b.iter(|| cors_sim::simulate_prepared(black_box(&scenario), &server).unwrap())
            });
        }
    }
}

fn bench_parse(c: &mut Criterion) {
    let (xml, json) = inputs::configs_near_64_kb();
    cors_sim::parse_policy(cors_sim::PolicyKind::S3, &xml).unwrap();
    cors_sim::parse_policy(cors_sim::PolicyKind::S3, &json).unwrap();
    c.bench_function(&format!("parse/xml/{}-bytes", xml.len()), |b| {
        b.iter(|| cors_sim::parse_policy(cors_sim::PolicyKind::S3, black_box(&xml)).unwrap())
    });
    c.bench_function(&format!("parse/json/{}-bytes", json.len()), |b| {
        b.iter(|| cors_sim::parse_policy(cors_sim::PolicyKind::S3, black_box(&json)).unwrap())
    });
}

criterion_group!(benches, bench_simulate, bench_parse);
criterion_main!(benches);
