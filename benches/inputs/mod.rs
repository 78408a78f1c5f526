//! The generated S3 configurations and scenarios shared by the criterion benchmarks
//! (`benches/simulate.rs`) and the profiling example (`examples/profile.rs`), so that both
//! measure exactly the same inputs.

/// The extra origins of rule `i` when every rule has `per_rule`.
fn site_origins(i: usize, count: usize) -> impl Iterator<Item = String> {
    (0..count).map(move |j| format!("https://site{i}-{j}.example.org"))
}

/// An XML configuration of `n` rules whose last one allows the benchmark's origin, with
/// `origins[i]` extra origins in rule `i` (none when the slice is shorter).
pub fn xml_config_with(n: usize, origins: &[usize]) -> String {
    let mut t =
        String::from("<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n");
    for i in 0..n {
        t.push_str("  <CORSRule>\n");
        t.push_str(&format!("    <ID>rule-{i}</ID>\n"));
        for origin in site_origins(i, origins.get(i).copied().unwrap_or(0)) {
            t.push_str(&format!("    <AllowedOrigin>{origin}</AllowedOrigin>\n"));
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

/// [`xml_config_with`] with `origins_per_rule` extra origins in every rule.
pub fn xml_config(n: usize, origins_per_rule: usize) -> String {
    xml_config_with(n, &vec![origins_per_rule; n])
}

/// The same rules as [`xml_config_with`] in the `aws s3api put-bucket-cors` JSON shape,
/// indented by four spaces as the AWS documentation's examples are.
pub fn json_config_with(n: usize, origins: &[usize]) -> String {
    let rules: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut all: Vec<String> =
                site_origins(i, origins.get(i).copied().unwrap_or(0)).collect();
            if i == n - 1 {
                all.push("https://app.example.com".into());
            }
            serde_json::json!({"ID": format!("rule-{i}"), "AllowedOrigins": all,
                "AllowedMethods": ["GET", "HEAD", "PUT"], "AllowedHeaders": ["content-type", "x-amz-*"],
                "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000})
        })
        .collect();
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(&serde_json::json!({"CORSRules": rules}), &mut serializer).unwrap();
    String::from_utf8(out).unwrap()
}

/// 100 rules (S3's limit) with as many extra origins, spread over the rules, as fit S3's
/// 64 KB document limit: the XML itself up to 64 KB, and the JSON as large as it can be while
/// the XML document the CLI makes of it still fits (its markup is longer than JSON's, so the
/// JSON text stays somewhat below 64 KB).
pub fn configs_near_64_kb() -> (String, String) {
    const LIMIT: usize = 64 * 1024;
    // Every rule one more origin while that fits, then rule by rule.
    let fill = |fits: &dyn Fn(&[usize]) -> bool| {
        let mut origins = vec![0; 100];
        while fits(&origins.iter().map(|n| n + 1).collect::<Vec<_>>()) {
            origins.iter_mut().for_each(|n| *n += 1);
        }
        for i in 0..100 {
            origins[i] += 1;
            if !fits(&origins) {
                origins[i] -= 1;
                break;
            }
        }
        origins
    };
    let xml_origins = fill(&|o| xml_config_with(100, o).len() <= LIMIT);
    let json_origins = fill(&|o| {
        let text = json_config_with(100, o);
        text.len() <= LIMIT && cors_sim::parse_policy(cors_sim::PolicyKind::S3, &text).is_ok()
    });
    (
        xml_config_with(100, &xml_origins),
        json_config_with(100, &json_origins),
    )
}

/// A scenario against an S3 bucket with `config`: from `https://app.example.com`, `method`
/// on an object URL with `headers` (a JSON list of `[name, value]` pairs).
pub fn scenario(config: &str, method: &str, headers: serde_json::Value) -> cors_sim::Scenario {
    let v = serde_json::json!({"request": {"origin": "https://app.example.com",
        "url": "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.png",
        "method": method, "headers": headers},
        "server": {"kind": "s3", "config": config}});
    cors_sim::Scenario::from_json(&v.to_string()).unwrap()
}

/// A simple request: a GET without headers.
pub fn simple(config: &str) -> cors_sim::Scenario {
    scenario(config, "GET", serde_json::json!([]))
}

/// A preflighted request: a PUT with a non-safelisted header and content type.
pub fn preflighted(config: &str) -> cors_sim::Scenario {
    scenario(
        config,
        "PUT",
        serde_json::json!([["Content-Type", "image/png"], ["x-amz-acl", "private"]]),
    )
}
