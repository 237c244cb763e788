#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(tl) = auditty::formats::asciicast::parse("f", data.to_vec(), 3) {
        common::exercise(tl);
    }
});
