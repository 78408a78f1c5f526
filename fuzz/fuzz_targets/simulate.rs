//! Any scenario JSON: a trace or a located error, never a panic; a blocked trace also goes
//! through fix synthesis, which simulates every candidate again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = cors_sim::Scenario::from_json(text) else {
        return;
    };
    if let Ok(trace) = cors_sim::simulate(&scenario) {
        let _ = serde_json_len(&trace);
        if trace.outcome == cors_sim::Outcome::Blocked {
            let _ = cors_sim::advice::fix(&scenario);
        }
    }
});

fn serde_json_len(trace: &cors_sim::Trace) -> usize {
    format!("{trace:?}").len()
}
