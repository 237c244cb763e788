//! The recorded screen, drawn cell by cell from the emulator: nothing from the recording is
//! written to the user's terminal as it was recorded, only characters we place (control
//! characters replaced) with styles we map.

use crate::player::search::{cell_width, find_in_cells, HIGHLIGHT};
use crate::render::cell_text;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;

/// A recorded colour as a terminal colour: the 16 ANSI colours by name (so they look as the
/// user's terminal shows them), the 256-colour palette by index, RGB as RGB.
pub fn color(c: vt100::Color) -> Color {
    match c {
        vt100::Color::Default => Color::Reset,
        vt100::Color::Idx(i) => match i {
            0 => Color::Black,
            1 => Color::Red,
            2 => Color::Green,
            3 => Color::Yellow,
            4 => Color::Blue,
            5 => Color::Magenta,
            6 => Color::Cyan,
            7 => Color::Gray,
            8 => Color::DarkGray,
            9 => Color::LightRed,
            10 => Color::LightGreen,
            11 => Color::LightYellow,
            12 => Color::LightBlue,
            13 => Color::LightMagenta,
            14 => Color::LightCyan,
            15 => Color::White,
            i => Color::Indexed(i),
        },
        vt100::Color::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// A cell's colours and attributes.
pub fn style_of(cell: &vt100::Cell) -> Style {
    let mut m = Modifier::empty();
    if cell.bold() {
        m |= Modifier::BOLD;
    }
    if cell.dim() {
        m |= Modifier::DIM;
    }
    if cell.italic() {
        m |= Modifier::ITALIC;
    }
    if cell.underline() {
        m |= Modifier::UNDERLINED;
    }
    if cell.inverse() {
        m |= Modifier::REVERSED;
    }
    Style::default()
        .fg(color(cell.fgcolor()))
        .bg(color(cell.bgcolor()))
        .add_modifier(m)
}

/// The part of a screen at `off` (column, row) that fits the area.
pub struct ScreenView<'a> {
    pub screen: &'a vt100::Screen,
    pub off: (u16, u16),
    /// Search pattern whose matches are highlighted.
    pub highlight: Option<&'a str>,
}

impl Widget for ScreenView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let screen = self.screen;
        let (rows, cols) = screen.size();
        let (rows, cols) = (rows.get(), cols.get());
        let (cur_row, cur_col) = screen.cursor_position();
        // scrolled back, the cursor (on the live screen) is not in view
        let show_cursor = !screen.hide_cursor() && screen.scrollback() == 0;
        let area = area.intersection(buf.area);
        for vy in 0..area.height {
            let row = self.off.1 as u32 + vy as u32;
            if row >= rows as u32 {
                break;
            }
            let row = row as u16;
            let matches = match self.highlight {
                Some(p) if !p.is_empty() => {
                    let cells: Vec<(u16, &str)> = (0..cols)
                        .filter_map(|c| screen.cell(row, c).map(|cell| (c, cell)))
                        .filter(|(_, cell)| !cell.is_wide_continuation())
                        .map(|(c, cell)| (c, cell_text(cell)))
                        .collect();
                    find_in_cells(&cells, p)
                }
                _ => Vec::new(),
            };
            let y = area.y + vy;
            for vx in 0..area.width {
                let col = self.off.0 as u32 + vx as u32;
                if col >= cols as u32 {
                    break;
                }
                let col = col as u16;
                let x = area.x + vx;
                let Some(cell) = screen.cell(row, col) else {
                    continue;
                };
                let mut style = style_of(cell);
                if matches.iter().any(|r| r.contains(&col)) {
                    style = style.patch(HIGHLIGHT);
                }
                if show_cursor && row == cur_row && col == cur_col {
                    style = if style.add_modifier.contains(Modifier::REVERSED) {
                        style.remove_modifier(Modifier::REVERSED)
                    } else {
                        style.add_modifier(Modifier::REVERSED)
                    };
                }
                if cell.is_wide_continuation() {
                    // the right half of a wide character: drawn with it, unless its left
                    // half is panned out of view
                    if vx == 0 {
                        buf[(x, y)].set_symbol(" ").set_style(style);
                    }
                    continue;
                }
                let text = cell_text(cell);
                if cell.is_wide() && cell_width(text) == 2 {
                    if vx + 1 < area.width {
                        buf[(x, y)].set_symbol(text).set_style(style);
                        buf[(x + 1, y)].reset();
                        buf[(x + 1, y)].set_style(style);
                    } else {
                        // cut by the right edge
                        buf[(x, y)].set_symbol(" ").set_style(style);
                    }
                } else if cell_width(text) == 2 {
                    // a wide character vt100 took for a narrow one: keep the grid
                    buf[(x, y)].set_symbol("\u{fffd}").set_style(style);
                } else {
                    buf[(x, y)].set_symbol(text).set_style(style);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(bytes: &[u8]) -> vt100::Screen {
        let mut p = vt100::Parser::new(crate::emulator::nz(3), crate::emulator::nz(10), 0);
        p.process(bytes);
        p.screen().clone()
    }

    #[test]
    fn draws_cells_with_styles() {
        let s = screen(b"\x1b[1;31mred\x1b[0m \x1b[38;5;200mx\x1b[48;2;1;2;3my\x1b[0m\r\n\xe6\xbc\xa2z\x1b[7mi\x1b[0m");
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 3));
        ScreenView {
            screen: &s,
            off: (0, 0),
            highlight: Some("Z"),
        }
        .render(buf.area, &mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "r");
        assert_eq!(buf[(0, 0)].fg, Color::Red);
        assert!(buf[(0, 0)].modifier.contains(Modifier::BOLD));
        assert_eq!(buf[(4, 0)].fg, Color::Indexed(200));
        assert_eq!(buf[(5, 0)].bg, Color::Rgb(1, 2, 3));
        assert_eq!(buf[(0, 1)].symbol(), "漢");
        assert_eq!(buf[(2, 1)].symbol(), "z");
        assert_ne!(buf[(2, 1)].bg, Color::Yellow, "smart case: Z is not z");
        assert!(buf[(3, 1)].modifier.contains(Modifier::REVERSED));
        // the cursor, after the `i`, is shown inverse
        assert!(buf[(4, 1)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn highlights_and_pans() {
        let s = screen(b"abc \xe6\xbc\xa2def");
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        ScreenView {
            screen: &s,
            off: (5, 0),
            highlight: Some("de"),
        }
        .render(buf.area, &mut buf);
        // column 5 is the right half of 漢: a blank
        assert_eq!(buf[(0, 0)].symbol(), " ");
        assert_eq!(buf[(1, 0)].symbol(), "d");
        assert_eq!(buf[(1, 0)].bg, Color::Yellow);
        assert_eq!(buf[(2, 0)].bg, Color::Yellow);
        assert_ne!(buf[(3, 0)].bg, Color::Yellow);
    }

    #[test]
    fn control_characters_never_reach_the_buffer() {
        let mut p = vt100::Parser::new(crate::emulator::nz(2), crate::emulator::nz(10), 0);
        p.process("a\u{9b}b\u{202e}c".as_bytes());
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
        ScreenView {
            screen: p.screen(),
            off: (0, 0),
            highlight: None,
        }
        .render(buf.area, &mut buf);
        for c in buf.content() {
            assert!(!c.symbol().chars().any(crate::render::escape::is_control));
        }
    }
}
