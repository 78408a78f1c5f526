//! How long the core takes: `simulate` against S3 configurations of 1, 10 and 100 rules
//! (the matching rule last, the worst case), for a simple and a preflighted request, and
//! parsing configurations near S3's 64 KB limit in XML and JSON.
//!
//! Run with `cargo bench --bench simulate`; docs/PERFORMANCE.md records the numbers.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

/// An XML configuration of `n` rules whose last one allows the benchmark's origin, padded
/// with extra origins per rule until it reaches about `target_bytes`.
fn xml_config(n: usize, origins_per_rule: usize) -> String {
    let mut t =
        String::from("<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n");
    for i in 0..n {
        t.push_str("  <CORSRule>\n");
        t.push_str(&format!("    <ID>rule-{i}</ID>\n"));
        for j in 0..origins_per_rule {
            t.push_str(&format!(
                "    <AllowedOrigin>https://site{i}-{j}.example.org</AllowedOrigin>\n"
            ));
        }
        if i == n - 1 {
            t.push_str("    <AllowedOrigin>https://app.example.com</AllowedOrigin>\n");
        }
        for m in ["GET", "HEAD", "PUT"] {
            t.push_str(&format!("    <AllowedMethod>{m}</AllowedMethod>\n"));
        }
        t.push_str("    <AllowedHeader>content-type</AllowedHeader>\n    <AllowedHeader>x-amz-*</AllowedHeader>\n");
        t.push_str("    <ExposeHeader>ETag</ExposeHeader>\n    <MaxAgeSeconds>3000</MaxAgeSeconds>\n  </CORSRule>\n");
    }
    t.push_str("</CORSConfiguration>\n");
    t
}

fn json_config(n: usize, origins_per_rule: usize) -> String {
    let rules: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut origins: Vec<String> = (0..origins_per_rule)
                .map(|j| format!("https://site{i}-{j}.example.org"))
                .collect();
            if i == n - 1 {
                origins.push("https://app.example.com".into());
            }
            serde_json::json!({"ID": format!("rule-{i}"), "AllowedOrigins": origins,
                "AllowedMethods": ["GET", "HEAD", "PUT"], "AllowedHeaders": ["content-type", "x-amz-*"],
                "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000})
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({"CORSRules": rules})).unwrap()
}

fn scenario(config: &str, method: &str, headers: serde_json::Value) -> cors_sim::Scenario {
    let v = serde_json::json!({"request": {"origin": "https://app.example.com",
        "url": "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.png",
        "method": method, "headers": headers},
        "server": {"kind": "s3", "config": config}});
    cors_sim::Scenario::from_json(&v.to_string()).unwrap()
}

fn bench_simulate(c: &mut Criterion) {
    for n in [1, 10, 100] {
        let config = xml_config(n, 1);
        let simple = scenario(&config, "GET", serde_json::json!([]));
        let preflighted = scenario(
            &config,
            "PUT",
            serde_json::json!([["Content-Type", "image/png"], ["x-amz-acl", "private"]]),
        );
        assert_eq!(
            cors_sim::simulate(&simple).unwrap().outcome,
            cors_sim::Outcome::Allowed
        );
        assert_eq!(
            cors_sim::simulate(&preflighted).unwrap().outcome,
            cors_sim::Outcome::Allowed
        );
        c.bench_function(&format!("simulate/simple/{n}-rules"), |b| {
            b.iter(|| cors_sim::simulate(black_box(&simple)).unwrap())
        });
        c.bench_function(&format!("simulate/preflighted/{n}-rules"), |b| {
            b.iter(|| cors_sim::simulate(black_box(&preflighted)).unwrap())
        });
    }
}

fn bench_parse(c: &mut Criterion) {
    // 100 rules (S3's limit) with enough origins to come close to the 64 KB document limit.
    let xml = xml_config(100, 4);
    let json = json_config(100, 4);
    assert!(
        xml.len() <= 64 * 1024 && xml.len() > 56 * 1024,
        "xml is {} bytes",
        xml.len()
    );
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
