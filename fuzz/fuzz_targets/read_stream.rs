#![no_main]
//! An audit log's array read as it arrives (the reader behind files and standard input) gives
//! what the whole-text parser gives: the same events, warnings and start, or the same error at
//! the same place, wherever its blocks end. The first two bytes choose the blocks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let [head, block, text @ ..] = input else {
        return;
    };
    // the reader is given only texts that start with white space and `[`
    if !text.trim_ascii_start().starts_with(b"[") {
        return;
    }
    auditty::formats::streamed_agrees_with_whole(text, *head as usize, 1 + *block as usize % 64);
});
