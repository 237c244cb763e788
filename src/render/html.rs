//! The screen as a standalone HTML page: real text in a `<pre>` (selectable, searchable), one
//! `<span>` per run of cells with the same look, the caption under it. The page needs nothing
//! else (no script, no font, no image).
//!
//! Layout: the screen is exactly `cols` × `ch` wide and `rows` × [`LINE_PX`] high inside a
//! [`PAD_PX`] border of the background colour; runs with a background are inline blocks so the
//! colour fills the whole line height; a wide character is an inline block two cells wide, so
//! the grid holds whatever the font's own width for it.

use super::picture::{escape_markup, runs, Theme};
use std::fmt::Write as _;

pub const FONT_PX: u32 = 15;
pub const LINE_PX: u32 = 18;
pub const PAD_PX: u32 = 12;

pub const FONT_FAMILY: &str =
    "\"DejaVu Sans Mono\", \"Liberation Mono\", Menlo, Consolas, \"Noto Sans Mono\", monospace";

/// A standalone HTML page of the screen; `caption` is plain text (it is escaped).
pub fn html(screen: &vt100::Screen, theme: &Theme, caption: &str) -> String {
    let (rows, cols) = screen.size();
    let caption = escape_markup(caption);
    let mut out = String::with_capacity(rows.get() as usize * cols.get() as usize * 3 + 2048);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"auditty {version}\">\n\
         <title>{caption}</title>\n<style>\n\
         body {{ margin: 0; padding: 16px; background: {frame}; }}\n\
         figure {{ margin: 0; display: inline-block; }}\n\
         pre.screen {{ margin: 0; padding: {pad}px; background: {bg}; color: {fg}; \
         font-family: {font}; font-size: {size}px; line-height: {line}px; \
         width: {cols}ch; height: {height}px; overflow: hidden; white-space: pre; \
         font-variant-ligatures: none; }}\n\
         pre.screen span.b {{ display: inline-block; height: {line}px; vertical-align: top; }}\n\
         pre.screen span.w {{ display: inline-block; width: 2ch; height: {line}px; \
         vertical-align: top; text-align: center; overflow: hidden; }}\n\
         figcaption {{ margin-top: 8px; color: {capc}; font-family: {font}; font-size: 13px; }}\n\
         </style>\n</head>\n<body>\n<figure>\n<pre class=\"screen\">",
        version = env!("CARGO_PKG_VERSION"),
        frame = theme.frame.hex(),
        pad = PAD_PX,
        bg = theme.bg.hex(),
        fg = theme.fg.hex(),
        font = FONT_FAMILY,
        size = FONT_PX,
        line = LINE_PX,
        cols = cols.get(),
        height = rows.get() as u32 * LINE_PX,
        capc = theme.caption.hex(),
    );
    cells(&mut out, screen, theme);
    let _ = write!(
        out,
        "</pre>\n<figcaption>{caption}</figcaption>\n</figure>\n</body>\n</html>\n"
    );
    out
}

/// The screen's rows as the inside of a `<pre class="screen">`: runs of cells with the same
/// look as spans, all text escaped (also used by `report`, which puts several screens on a
/// page).
pub fn cells(out: &mut String, screen: &vt100::Screen, theme: &Theme) {
    let (rows, _) = screen.size();
    for row in 0..rows.get() {
        if row > 0 {
            out.push('\n');
        }
        let mut col = 0;
        for run in runs(screen, row, theme) {
            if run.col > col {
                // cells skipped: blank ones on the default background
                out.push_str(&" ".repeat((run.col - col) as usize));
            }
            col = run.col + run.cells;
            let s = run.style;
            let mut css = String::new();
            if s.fg != theme.fg {
                let _ = write!(css, "color:{};", s.fg.hex());
            }
            if s.bg != theme.bg {
                let _ = write!(css, "background:{};", s.bg.hex());
            }
            if s.bold {
                css.push_str("font-weight:bold;");
            }
            if s.italic {
                css.push_str("font-style:italic;");
            }
            if s.underline {
                css.push_str("text-decoration:underline;");
            }
            let class = if run.wide {
                Some("w")
            } else if s.bg != theme.bg {
                Some("b")
            } else {
                None
            };
            let text = escape_markup(&run.text);
            if css.is_empty() && class.is_none() {
                out.push_str(&text);
                continue;
            }
            out.push_str("<span");
            if let Some(c) = class {
                let _ = write!(out, " class=\"{c}\"");
            }
            if !css.is_empty() {
                let _ = write!(out, " style=\"{css}\"");
            }
            let _ = write!(out, ">{text}</span>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::picture::DARK;

    fn screen(bytes: &[u8]) -> vt100::Screen {
        crate::render::test_screen(3, 20, bytes)
    }

    #[test]
    fn page() {
        let s = screen("\x1b[?25l<b>&\x1b[41m x \x1b[m漢\r\n\x1b[38;5;196mred".as_bytes());
        let h = html(&s, &DARK, "rec<1>.json — 2024-01-01T00:00:00Z");
        assert!(h.contains("<pre class=\"screen\">&lt;b&gt;&amp;<span class=\"b\" style=\"background:#cd3131;\"> x </span><span class=\"w\">漢</span>\n<span style=\"color:#ff0000;\">red</span>\n</pre>"), "{h}");
        assert!(h.contains("<figcaption>rec&lt;1&gt;.json — 2024-01-01T00:00:00Z</figcaption>"));
        assert!(h.contains("width: 20ch; height: 54px;"));
        assert!(!h.contains('\x1b'));
    }
}
