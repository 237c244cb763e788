//! The screen as a standalone SVG picture: a rectangle per run with a background, a `<text>`
//! per run with text, each placed on the cell grid and stretched to its cells' width
//! (`textLength`), so the grid holds whatever monospace font the viewer has. Text stays text
//! (selectable in a browser).

use super::picture::{escape_markup, runs, Theme};
use std::fmt::Write as _;

pub const FONT_PX: u32 = 15;
pub const CELL_W: u32 = 9;
pub const CELL_H: u32 = 18;
pub const PAD_PX: u32 = 12;
/// Space around the screen box (frame colour), and under it for the caption.
pub const MARGIN_PX: u32 = 16;
pub const CAPTION_PX: u32 = 28;
/// From a row's top to the text baseline.
const BASELINE: u32 = 14;

/// The words of a run: (first column, width in cells, text), split at spaces.
fn words(text: &str, col: u16, wide: bool) -> Vec<(u16, u16, &str)> {
    use unicode_width::UnicodeWidthChar;
    if wide {
        return vec![(col, 2, text)];
    }
    let mut out = Vec::new();
    let mut at = col;
    let mut start: Option<(usize, u16)> = None;
    for (i, c) in text.char_indices() {
        if c == ' ' {
            if let Some((s, scol)) = start.take() {
                out.push((scol, at - scol, &text[s..i]));
            }
            at += 1;
            continue;
        }
        if start.is_none() {
            start = Some((i, at));
        }
        at += c.width().unwrap_or(0) as u16;
    }
    if let Some((s, scol)) = start {
        out.push((scol, at - scol, &text[s..]));
    }
    out
}

/// A standalone SVG document of the screen; `caption` is plain text (it is escaped).
pub fn svg(screen: &vt100::Screen, theme: &Theme, caption: &str) -> String {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get() as u32, cols.get() as u32);
    let box_w = cols * CELL_W + 2 * PAD_PX;
    let box_h = rows * CELL_H + 2 * PAD_PX;
    // the caption (13 px, under 8 px a character) may be wider than a small screen
    let caption_w = caption.chars().count() as u32 * 8;
    let width = box_w.max(caption_w) + 2 * MARGIN_PX;
    let height = box_h + 2 * MARGIN_PX + CAPTION_PX;
    let x0 = MARGIN_PX + PAD_PX;
    let caption = escape_markup(caption);
    let y0 = MARGIN_PX + PAD_PX;
    let mut out = String::with_capacity((rows * cols * 4) as usize + 2048);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family='{font}' font-size=\"{FONT_PX}\" \
         xml:space=\"preserve\">\n\
         <title>{caption}</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"{frame}\"/>\n\
         <rect x=\"{MARGIN_PX}\" y=\"{MARGIN_PX}\" width=\"{box_w}\" height=\"{box_h}\" fill=\"{bg}\"/>\n",
        font = super::html::FONT_FAMILY.replace('"', "&quot;"),
        frame = theme.frame.hex(),
        bg = theme.bg.hex(),
    );
    let mut texts = String::new();
    let mut rects = String::new();
    for row in 0..rows {
        let y = y0 + row * CELL_H;
        for run in runs(screen, row as u16, theme) {
            let x = x0 + run.col as u32 * CELL_W;
            let w = run.cells as u32 * CELL_W;
            let s = run.style;
            if s.bg != theme.bg {
                let _ = writeln!(
                    rects,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{CELL_H}\" fill=\"{}\"/>",
                    s.bg.hex()
                );
            }
            if s.underline {
                let _ = writeln!(
                    rects,
                    "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"1\" fill=\"{}\"/>",
                    y + BASELINE + 2,
                    s.fg.hex()
                );
            }
            let mut attrs = String::new();
            if s.fg != theme.fg {
                let _ = write!(attrs, " fill=\"{}\"", s.fg.hex());
            }
            if s.bold {
                attrs.push_str(" font-weight=\"bold\"");
            }
            if s.italic {
                attrs.push_str(" font-style=\"italic\"");
            }
            // one <text> per word, placed on its cells: spaces are gaps, never text whose
            // width a renderer could collapse or measure its own way
            for (col, cells, word) in words(&run.text, run.col, run.wide) {
                let _ = writeln!(
                    texts,
                    "<text x=\"{}\" y=\"{}\" textLength=\"{}\" \
                     lengthAdjust=\"spacingAndGlyphs\"{attrs}>{}</text>",
                    x0 + col as u32 * CELL_W,
                    y + BASELINE,
                    cells as u32 * CELL_W,
                    escape_markup(word)
                );
            }
        }
    }
    out.push_str(&rects);
    let _ = writeln!(out, "<g fill=\"{}\">", theme.fg.hex());
    out.push_str(&texts);
    out.push_str("</g>\n");
    let _ = write!(
        out,
        "<text x=\"{MARGIN_PX}\" y=\"{}\" font-size=\"13\" fill=\"{}\">{caption}</text>\n</svg>\n",
        MARGIN_PX + box_h + 20,
        theme.caption.hex()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::picture::DARK;

    #[test]
    fn document() {
        let mut p = vt100::Parser::new(
            std::num::NonZeroU16::new(2).unwrap(),
            std::num::NonZeroU16::new(10).unwrap(),
            0,
        );
        p.process("\x1b[?25l\x1b[42ma<b\x1b[m 漢".as_bytes());
        let s = svg(p.screen(), &DARK, "x & y");
        assert!(
            s.contains("<rect x=\"28\" y=\"28\" width=\"27\" height=\"18\" fill=\"#0dbc79\"/>"),
            "{s}"
        );
        assert!(s.contains(">a&lt;b</text>"));
        assert_eq!(
            words(" ab  c\u{301}d e", 3, false),
            [(4, 2, "ab"), (8, 2, "c\u{301}d"), (11, 1, "e")]
        );
        assert!(s.contains("<text x=\"64\" y=\"42\" textLength=\"18\" lengthAdjust=\"spacingAndGlyphs\">漢</text>"), "{s}");
        assert!(s.contains(">x &amp; y</text>"));
        assert!(s.contains("width=\"146\" height=\"120\""));
    }
}
