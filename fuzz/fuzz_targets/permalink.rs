//! Any link fragment through the permalink decoder: inputs or a clear error, never a panic, a
//! hang or an unbounded allocation. Decoded inputs must survive a round trip, and they go
//! through the playground's whole evaluation (`state::run`), as opening the link would.
#![no_main]

use cors_sim::web::permalink_codec::{decode_fragment, encode_fragment, Fragment};
use cors_sim::web::state;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(hash) = std::str::from_utf8(data) else {
        return;
    };
    let fragment = decode_fragment(hash);
    let Some(Ok(inputs)) = &fragment.inputs else {
        return;
    };
    // What the page writes back for these inputs opens to the same inputs.
    let again = decode_fragment(&encode_fragment(inputs, &Fragment::default()));
    match again.inputs {
        Some(Ok(back)) => assert_eq!(&back, inputs, "round trip changed the inputs"),
        None => assert_eq!(inputs, &state::Inputs::example(), "only the example has no state"),
        Some(Err(e)) => panic!("re-encoded inputs do not decode: {e}"),
    }
    let _ = state::run(inputs);
});
