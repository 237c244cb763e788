//! The screen as text with colours and attributes, as SGR sequences we generate.

use super::cell_text;
use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Pen {
    fg: Option<vt100::Color>,
    bg: Option<vt100::Color>,
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
    inverse: bool,
}

fn pen_of(cell: &vt100::Cell, colors: bool) -> Pen {
    let c = |c: vt100::Color| (colors && c != vt100::Color::Default).then_some(c);
    Pen {
        fg: c(cell.fgcolor()),
        bg: c(cell.bgcolor()),
        bold: cell.bold(),
        dim: cell.dim(),
        italic: cell.italic(),
        underline: cell.underline(),
        inverse: cell.inverse(),
    }
}

fn color(out: &mut String, c: vt100::Color, base: u8) {
    match c {
        vt100::Color::Default => {}
        vt100::Color::Idx(i) if i < 8 => {
            let _ = write!(out, ";{}", base + i);
        }
        vt100::Color::Idx(i) if i < 16 => {
            let _ = write!(out, ";{}", base + 60 + i - 8);
        }
        vt100::Color::Idx(i) => {
            let _ = write!(out, ";{};5;{i}", base + 8);
        }
        vt100::Color::Rgb(r, g, b) => {
            let _ = write!(out, ";{};2;{r};{g};{b}", base + 8);
        }
    }
}

fn sgr(out: &mut String, p: &Pen) {
    out.push_str("\x1b[0");
    for (on, code) in [
        (p.bold, 1),
        (p.dim, 2),
        (p.italic, 3),
        (p.underline, 4),
        (p.inverse, 7),
    ] {
        if on {
            let _ = write!(out, ";{code}");
        }
    }
    if let Some(c) = p.fg {
        color(out, c, 30);
    }
    if let Some(c) = p.bg {
        color(out, c, 40);
    }
    out.push('m');
}

/// The screen with SGR colours and attributes: one line per row.
pub fn ansi(screen: &vt100::Screen) -> String {
    ansi_with(screen, true)
}

/// The same, with or without colours (without: bold, dim, italic, underline and inverse only,
/// as `NO_COLOR` asks).
pub fn ansi_with(screen: &vt100::Screen, colors: bool) -> String {
    let (rows, cols) = screen.size();
    let mut out = String::new();
    for row in 0..rows.get() {
        // trailing cells that show nothing are left out
        let mut end = 0;
        for col in 0..cols.get() {
            if let Some(cell) = screen.cell(row, col) {
                let p = pen_of(cell, colors);
                if cell.has_contents() || p.bg.is_some() || p.inverse || p.underline {
                    end = col + 1;
                }
            }
        }
        let mut pen = Pen::default();
        for col in 0..end {
            let Some(cell) = screen.cell(row, col) else {
                break;
            };
            if cell.is_wide_continuation() {
                continue;
            }
            let p = pen_of(cell, colors);
            if p != pen {
                sgr(&mut out, &p);
                pen = p;
            }
            out.push_str(cell_text(cell));
        }
        if pen != Pen::default() {
            out.push_str("\x1b[0m");
        }
        out.push('\n');
    }
    out
}
