//! What the HTML and SVG pictures share: the colour theme, cell styles resolved to RGB, runs of
//! cells with one style, and escaping for markup.
//!
//! Colours: the 16 ANSI colours of the theme, the xterm 256-colour palette (6×6×6 cube and
//! grey ramp) and 24-bit RGB. Inverse swaps foreground and background (defaults resolved
//! first); dim blends the foreground halfway to the background. Bold is a bold weight, not a
//! brighter colour.

use super::cell_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    fn blend(self, other: Rgb) -> Rgb {
        let m = |a: u8, b: u8| ((a as u16 + b as u16) / 2) as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// Colours of a picture.
#[derive(Debug, Clone)]
pub struct Theme {
    pub fg: Rgb,
    pub bg: Rgb,
    /// Around the screen and under the caption.
    pub frame: Rgb,
    pub caption: Rgb,
    pub ansi: [Rgb; 16],
}

/// The default dark theme.
pub const DARK: Theme = Theme {
    fg: Rgb(0xcc, 0xcc, 0xcc),
    bg: Rgb(0x1e, 0x1e, 0x1e),
    frame: Rgb(0x10, 0x10, 0x10),
    caption: Rgb(0x9a, 0x9a, 0x9a),
    ansi: [
        Rgb(0x00, 0x00, 0x00),
        Rgb(0xcd, 0x31, 0x31),
        Rgb(0x0d, 0xbc, 0x79),
        Rgb(0xe5, 0xe5, 0x10),
        Rgb(0x24, 0x72, 0xc8),
        Rgb(0xbc, 0x3f, 0xbc),
        Rgb(0x11, 0xa8, 0xcd),
        Rgb(0xe5, 0xe5, 0xe5),
        Rgb(0x66, 0x66, 0x66),
        Rgb(0xf1, 0x4c, 0x4c),
        Rgb(0x23, 0xd1, 0x8b),
        Rgb(0xf5, 0xf5, 0x43),
        Rgb(0x3b, 0x8e, 0xea),
        Rgb(0xd6, 0x70, 0xd6),
        Rgb(0x29, 0xb8, 0xdb),
        Rgb(0xff, 0xff, 0xff),
    ],
};

impl Theme {
    /// A colour of the 256-colour palette.
    pub fn indexed(&self, i: u8) -> Rgb {
        match i {
            0..=15 => self.ansi[i as usize],
            16..=231 => {
                let i = i - 16;
                let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
                Rgb(level(i / 36), level(i / 6 % 6), level(i % 6))
            }
            _ => {
                let v = 8 + (i - 232) * 10;
                Rgb(v, v, v)
            }
        }
    }

    pub fn color(&self, c: vt100::Color, default: Rgb) -> Rgb {
        match c {
            vt100::Color::Default => default,
            vt100::Color::Idx(i) => self.indexed(i),
            vt100::Color::Rgb(r, g, b) => Rgb(r, g, b),
        }
    }

    /// A cell's look; `cursor` draws it as the block cursor (colours swapped once more).
    pub fn style(&self, cell: &vt100::Cell, cursor: bool) -> Style {
        let mut fg = self.color(cell.fgcolor(), self.fg);
        let mut bg = self.color(cell.bgcolor(), self.bg);
        if cell.inverse() != cursor {
            std::mem::swap(&mut fg, &mut bg);
        }
        if cell.dim() {
            fg = fg.blend(bg);
        }
        Style {
            fg,
            bg,
            bold: cell.bold(),
            italic: cell.italic(),
            underline: cell.underline(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub fg: Rgb,
    pub bg: Rgb,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
}

/// Consecutive cells of one row with one style (a wide character is a run of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub col: u16,
    /// Width in cells.
    pub cells: u16,
    pub text: String,
    pub style: Style,
    pub wide: bool,
}

impl Run {
    /// Whether it shows nothing on the default background.
    pub fn is_blank(&self, theme: &Theme) -> bool {
        self.style.bg == theme.bg && !self.style.underline && self.text.trim().is_empty()
    }
}

/// Where the cursor is drawn: not when hidden; a pending wrap shows it on the last column.
pub fn cursor(screen: &vt100::Screen) -> Option<(u16, u16)> {
    if screen.hide_cursor() {
        return None;
    }
    let (rows, cols) = screen.size();
    let (r, c) = screen.cursor_position();
    (r < rows.get()).then_some((r, c.min(cols.get() - 1)))
}

/// The runs of a row, trailing blank cells left out.
pub fn runs(screen: &vt100::Screen, row: u16, theme: &Theme) -> Vec<Run> {
    let (_, cols) = screen.size();
    let cursor = cursor(screen);
    let mut out: Vec<Run> = Vec::new();
    for col in 0..cols.get() {
        let Some(cell) = screen.cell(row, col) else {
            break;
        };
        if cell.is_wide_continuation() {
            continue;
        }
        let is_cursor =
            cursor == Some((row, col)) || (cell.is_wide() && cursor == Some((row, col + 1)));
        let style = theme.style(cell, is_cursor);
        let text = cell_text(cell);
        let wide = cell.is_wide();
        match out.last_mut() {
            Some(r) if !wide && !r.wide && r.style == style => {
                r.text.push_str(text);
                r.cells += 1;
            }
            _ => out.push(Run {
                col,
                cells: if wide { 2 } else { 1 },
                text: text.to_string(),
                style,
                wide,
            }),
        }
    }
    while out.last().is_some_and(|r| r.is_blank(theme)) {
        out.pop();
    }
    out
}

/// Escape text for HTML and XML (text and attribute values); characters XML forbids become
/// U+FFFD, and control characters (which the screen never holds, but a file name may) are
/// shown escaped.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c if super::escape::is_control(c) => super::escape::push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(bytes: &[u8]) -> vt100::Screen {
        crate::render::test_screen(3, 10, bytes)
    }

    #[test]
    fn palette() {
        let t = &DARK;
        assert_eq!(t.indexed(1), t.ansi[1]);
        assert_eq!(t.indexed(16), Rgb(0, 0, 0));
        assert_eq!(t.indexed(196), Rgb(255, 0, 0));
        assert_eq!(t.indexed(231), Rgb(255, 255, 255));
        assert_eq!(t.indexed(232), Rgb(8, 8, 8));
        assert_eq!(t.indexed(255), Rgb(238, 238, 238));
        assert_eq!(t.color(vt100::Color::Rgb(1, 2, 3), t.fg), Rgb(1, 2, 3));
    }

    #[test]
    fn runs_and_styles() {
        let s = screen("\x1b[?25lab\x1b[31;1mcd\x1b[7m e\x1b[m漢\x1b[2mx".as_bytes());
        let r = runs(&s, 0, &DARK);
        let texts: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["ab", "cd", " e", "漢", "x"]);
        assert!(r[1].style.bold && r[1].style.fg == DARK.ansi[1]);
        assert_eq!((r[2].style.fg, r[2].style.bg), (DARK.bg, DARK.ansi[1]));
        assert!(r[3].wide && r[3].cells == 2 && r[3].col == 6);
        assert_eq!(r[4].col, 8);
        assert_eq!(r[4].style.fg, DARK.fg.blend(DARK.bg));
        assert!(runs(&s, 1, &DARK).is_empty());
    }

    #[test]
    fn cursor_is_drawn_inverted() {
        let s = screen(b"ab");
        let r = runs(&s, 0, &DARK);
        assert_eq!(r.len(), 2);
        assert_eq!((r[1].col, r[1].style.bg), (2, DARK.fg));
    }

    #[test]
    fn markup_escaped() {
        assert_eq!(
            escape_markup("<a href=\"x\">&'\u{1b}[31m</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;^[[31m&lt;/a&gt;"
        );
    }
}
