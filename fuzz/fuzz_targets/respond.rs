//! Any `{"server", "request"}` JSON through a server model: a response or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cors_sim::respond_json(text);
    }
});
