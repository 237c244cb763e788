//! Masking a screen cell by cell: the rows are read as lines (a wrapped row continues the
//! line above), the secrets found there are written over with `*` in the cells' own colours
//! and attributes, on a copy of the screen of the same size.

use super::{Carry, Redactor};
use std::fmt::Write as _;

/// The cells to mask: (row, col, cells wide).
pub(super) fn masked_cells(r: &Redactor, s: &vt100::Screen) -> Vec<(u16, u16, u16)> {
    let (rows, cols) = s.size();
    let mut out = Vec::new();
    let mut carry = Carry::default();
    let mut line = String::new();
    let mut map: Vec<(usize, u16, u16, u16)> = Vec::new();
    let mut flush =
        |line: &mut String, map: &mut Vec<(usize, u16, u16, u16)>, carry: &mut Carry| {
            let spans = r.spans(line, carry);
            for &(off, row, col, w) in map.iter() {
                if spans.iter().any(|s| s.contains(&off)) {
                    out.push((row, col, w));
                }
            }
            line.clear();
            map.clear();
        };
    for row in 0..rows.get() {
        for col in 0..cols.get() {
            let Some(cell) = s.cell(row, col) else { break };
            if cell.is_wide_continuation() {
                continue;
            }
            let text = crate::render::cell_text(cell);
            let w = if cell.is_wide() { 2 } else { 1 };
            map.push((line.len(), row, col, w));
            line.push_str(text);
        }
        if !s.row_wrapped(row) {
            flush(&mut line, &mut map, &mut carry);
        }
    }
    flush(&mut line, &mut map, &mut carry);
    out.retain(|&(row, col, _)| s.cell(row, col).is_some_and(|c| c.has_contents()));
    out
}

fn color(out: &mut String, c: vt100::Color, base: u8) {
    match c {
        vt100::Color::Default => {}
        vt100::Color::Idx(i) => {
            let _ = write!(out, ";{};5;{i}", base + 8);
        }
        vt100::Color::Rgb(r, g, b) => {
            let _ = write!(out, ";{};2;{r};{g};{b}", base + 8);
        }
    }
}

/// SGR for a cell's look.
pub(super) fn sgr(cell: &vt100::Cell) -> String {
    let mut s = String::from("\x1b[0");
    for (on, code) in [
        (cell.bold(), ";1"),
        (cell.dim(), ";2"),
        (cell.italic(), ";3"),
        (cell.underline(), ";4"),
        (cell.inverse(), ";7"),
    ] {
        if on {
            s.push_str(code);
        }
    }
    color(&mut s, cell.fgcolor(), 30);
    color(&mut s, cell.bgcolor(), 40);
    s.push('m');
    s
}

pub fn mask(r: &Redactor, s: &vt100::Screen) -> vt100::Screen {
    let cells = masked_cells(r, s);
    if cells.is_empty() {
        return s.clone();
    }
    let (rows, cols) = s.size();
    let mut p = vt100::Parser::new(rows, cols, 0);
    p.process(s.contents_formatted().as_bytes());
    let mut b = String::new();
    // no wrapping while writing the masks: a mask in the last column stays there
    b.push_str("\x1b[?7l");
    for (row, col, w) in cells {
        let Some(cell) = s.cell(row, col) else {
            continue;
        };
        let _ = write!(
            b,
            "\x1b[{};{}H{}{}",
            row + 1,
            col + 1,
            sgr(cell),
            "*".repeat(w as usize)
        );
    }
    b.push_str("\x1b[?7h");
    p.process(b.as_bytes());
    p.process(s.attributes_formatted().as_bytes());
    p.process(s.cursor_state_formatted().as_bytes());
    p.process(s.input_mode_formatted().as_bytes());
    p.screen().clone()
}
