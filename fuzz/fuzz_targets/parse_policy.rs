//! Any text, as every provider kind: a value or a located error, never a panic or a hang.
#![no_main]

use cors_sim::PolicyKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in ["s3", "apigw-http", "apigw-rest", "cloudfront", "lambda-url"] {
        if let Ok(kind) = kind.parse::<PolicyKind>() {
            if let Ok(cors_sim::Policy::S3 { config: Some(c) }) = cors_sim::parse_policy(kind, text) {
                let _ = cors_sim::advice::lint(&c);
            }
        }
    }
});
