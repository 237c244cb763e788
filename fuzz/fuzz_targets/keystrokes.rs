#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // the input split into events at 0xFF bytes, as keystrokes arrive in several reads
    let mut ed = auditty::transcript::LineEditor::new();
    for (i, chunk) in data.split(|&b| b == 0xFF).enumerate() {
        ed.feed(i as u64, i, chunk);
    }
    ed.finish(u64::MAX, usize::MAX);
    for l in &ed.lines {
        assert!(!l.text.chars().any(|c| (c as u32) < 0x20 || c == '\u{7f}' || ('\u{80}'..'\u{a0}').contains(&c)), "{:?}", l.text);
    }
});
