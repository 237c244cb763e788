//! What vt100 does not tell of a screen, read back by probing a copy of it: the scroll
//! region and origin mode (for a clip's first screen, and for masks written over a screen).

/// The screen after `bytes` are fed to a copy of `screen`.
pub fn probe(screen: &vt100::Screen, bytes: &[u8]) -> vt100::Screen {
    let (rows, cols) = screen.size();
    let mut p = vt100::Parser::new(rows, cols, 0);
    *p.screen_mut() = screen.clone();
    p.process(bytes);
    p.screen().clone()
}

/// Scroll region as 0-based (top, bottom) rows, inclusive.
pub fn scroll_region(screen: &vt100::Screen) -> (u16, u16) {
    let rows = screen.size().0.get();
    // origin mode off (it homes the cursor); then LFs from the top row stop at the bottom
    // margin, and reverse index from the last row stops at the top margin
    let mut down = b"\x1b[?6l\x1b[1;1H".to_vec();
    down.resize(down.len() + rows as usize, b'\n');
    let bottom = probe(screen, &down).cursor_position().0;
    let mut up = format!("\x1b[?6l\x1b[{rows};1H").into_bytes();
    for _ in 0..rows {
        up.extend_from_slice(b"\x1bM");
    }
    let top = probe(screen, &up).cursor_position().0;
    (top, bottom)
}

/// Whether origin mode is on: with a scroll region starting on row 2, CUP 1;1 lands on row 2
/// only in origin mode (DECSTBM leaves the mode alone).
pub fn origin_mode(screen: &vt100::Screen) -> bool {
    screen.size().0.get() >= 3 && probe(screen, b"\x1b[2;3r\x1b[1;1H").cursor_position().0 == 1
}
