//! Screens to text we generate: plain text, ANSI (our own SGR sequences), and more in
//! `html`/`svg`. Nothing here writes to a terminal; nothing copies bytes from a recording.

pub mod ansi;
pub mod escape;
pub mod html;
pub mod picture;
pub mod svg;

pub use crate::emulator::prefilter::shown_char;

/// The text of a cell as it may be shown: control characters never pass.
pub fn cell_text(cell: &vt100::Cell) -> &str {
    let c = cell.contents();
    if c.is_empty() {
        " "
    } else if c.starts_with(crate::emulator::prefilter::STAND_IN_FOR_REPLACEMENT)
        || c.chars().any(escape::is_control)
    {
        "\u{fffd}"
    } else {
        c
    }
}

/// One row as text: a wide character once, trailing spaces trimmed.
pub fn row_text(screen: &vt100::Screen, row: u16) -> String {
    let (_, cols) = screen.size();
    let mut s = String::with_capacity(cols.get() as usize);
    for col in 0..cols.get() {
        let Some(cell) = screen.cell(row, col) else {
            break;
        };
        if cell.is_wide_continuation() {
            continue;
        }
        s.push_str(cell_text(cell));
    }
    s.truncate(s.trim_end_matches(' ').len());
    s
}

/// The screen as text, one line per row (every row, trailing spaces trimmed).
pub fn text(screen: &vt100::Screen) -> String {
    let (rows, _) = screen.size();
    let mut out = String::new();
    for row in 0..rows.get() {
        out.push_str(&row_text(screen, row));
        out.push('\n');
    }
    out
}

/// A screen of `rows`×`cols` after `bytes`, for the renderers' tests.
#[cfg(test)]
pub(crate) fn test_screen(rows: u16, cols: u16, bytes: &[u8]) -> vt100::Screen {
    let mut p = vt100::Parser::new(crate::emulator::nz(rows), crate::emulator::nz(cols), 0);
    p.process(bytes);
    p.screen().clone()
}
