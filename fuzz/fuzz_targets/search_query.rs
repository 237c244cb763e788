#![no_main]
//! The archive's search syntax (words, "phrases", prefixes*): parsed, and put in FTS5's words,
//! without a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(q) = auditty::archive::query::Query::parse(s) {
            let _ = q.to_fts5_words();
        }
    }
});
