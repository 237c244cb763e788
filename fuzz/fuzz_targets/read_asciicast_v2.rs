#![no_main]
use libfuzzer_sys::fuzz_target;

/// After a successful read: what every command does with a timeline must not panic either.
fn exercise(tl: auditty::timeline::Timeline) {
    let tl = std::sync::Arc::new(tl);
    let g = auditty::geometry::resolve(&tl, None, None);
    let mut r = auditty::emulator::Replay::with_interval(std::sync::Arc::clone(&tl), g.cols.min(300), g.rows.min(100), true, 64);
    r.seek_index(tl.events.len());
    r.seek_index(tl.events.len() / 2);
    let _ = auditty::render::ansi::ansi(r.screen());
    let _ = auditty::transcript::lines(&tl);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(tl) = auditty::formats::asciicast::parse("f", data.to_vec(), 2) {
        exercise(tl);
    }
});
