#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(tl) = auditty::formats::load_bytes("f", data.to_vec()) {
        common::exercise(tl);
    }
});
