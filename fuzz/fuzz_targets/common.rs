//! What every reader target does after a successful read: what the commands do with a
//! timeline (infer the geometry, replay to the end and back to the middle, render, rebuild the
//! transcript) must not panic either.

pub fn exercise(tl: auditty::timeline::Timeline) {
    let tl = std::sync::Arc::new(tl);
    let g = auditty::geometry::resolve(&tl, None, None);
    let mut r = auditty::emulator::Replay::with_interval(
        std::sync::Arc::clone(&tl),
        g.cols.min(300),
        g.rows.min(100),
        true,
        64,
    );
    r.seek_index(tl.events.len());
    r.seek_index(tl.events.len() / 2);
    let _ = auditty::render::ansi::ansi(r.screen());
    let _ = auditty::transcript::lines(&tl);
}
