//! Pictures of the player on the demo recording, for the README: `screenshots/*.svg`.
//!
//! ```sh
//! cargo run --example screenshots            # writes screenshots/
//! cargo run --example screenshots -- DIR     # writes DIR/
//! ```
//!
//! Each picture is a frame drawn by the player's own `ui::draw` into ratatui's `TestBackend`,
//! written as SVG by the small writer below (one text run per cell style, backgrounds as
//! rectangles, a dark theme with the xterm palette).

use auditty::player::action::{Action, Panel, PromptKind};
use auditty::player::app::{App, Options};
use auditty::recording::{self, Settings, Source};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use std::fmt::Write as _;
use std::time::Duration;

const CELL_W: f64 = 8.4;
const CELL_H: f64 = 17.0;
const FONT_SIZE: f64 = 14.0;
const FG: &str = "#d0d0d0";
const BG: &str = "#1c1c1c";

/// Brings the player to the moment a picture shows.
type Setup = Box<dyn Fn(&mut App)>;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "screenshots".into());
    std::fs::create_dir_all(&dir).expect("create the output directory");
    let size = (168, 34);

    let shots: Vec<(&str, Setup)> = vec![
        (
            "playing",
            Box::new(|app| {
                app.update(Action::Tick, ms(17_900));
            }),
        ),
        (
            "commands",
            Box::new(|app| {
                app.update(Action::Tick, ms(41_500));
                app.update(Action::TogglePlay, ms(41_500));
                app.update(Action::TogglePanel(Panel::Commands), ms(41_500));
            }),
        ),
        (
            "search",
            Box::new(|app| {
                app.update(Action::OpenPrompt(PromptKind::Search), ms(0));
                for c in "checkout 500".chars() {
                    app.update(Action::PromptInput(c), ms(0));
                }
                app.update(Action::PromptSubmit, ms(0));
                app.update(Action::SearchNext, ms(0));
                app.update(Action::SearchNext, ms(0));
                app.update(Action::TogglePanel(Panel::Hits), ms(0));
            }),
        ),
        (
            "help",
            Box::new(|app| {
                app.update(Action::Tick, ms(30_000));
                app.update(Action::TogglePlay, ms(30_000));
                app.update(Action::ToggleHelp, ms(30_000));
            }),
        ),
    ];
    for (name, setup) in shots {
        let loaded = recording::open(&Source::Demo, &Settings::default()).expect("the demo loads");
        let mut app = App::new(loaded, Options::default(), size, ms(0)).expect("the player starts");
        app.wait_background(ms(0));
        setup(&mut app);
        let mut t = Terminal::new(TestBackend::new(size.0, size.1)).expect("a test terminal");
        t.draw(|f| auditty::player::ui::draw(&app, f))
            .expect("a frame");
        let path = format!("{dir}/{name}.svg");
        std::fs::write(&path, svg(t.backend().buffer())).expect("write the picture");
        println!("{path}");
    }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The xterm palette.
fn indexed(i: u8) -> (u8, u8, u8) {
    const BASE: [(u8, u8, u8); 16] = [
        (0x00, 0x00, 0x00),
        (0xcd, 0x31, 0x31),
        (0x0d, 0xbc, 0x79),
        (0xe5, 0xe5, 0x10),
        (0x24, 0x72, 0xc8),
        (0xbc, 0x3f, 0xbc),
        (0x11, 0xa8, 0xcd),
        (0xe5, 0xe5, 0xe5),
        (0x66, 0x66, 0x66),
        (0xf1, 0x4c, 0x4c),
        (0x23, 0xd1, 0x8b),
        (0xf5, 0xf5, 0x43),
        (0x3b, 0x8e, 0xea),
        (0xd6, 0x70, 0xd6),
        (0x29, 0xb8, 0xdb),
        (0xff, 0xff, 0xff),
    ];
    match i {
        0..=15 => BASE[i as usize],
        16..=231 => {
            let i = i - 16;
            let v = |n: u8| if n == 0 { 0 } else { 55 + n * 40 };
            (v(i / 36), v(i / 6 % 6), v(i % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

fn color(c: Color, default: &str) -> String {
    let idx = |i| hex(indexed(i));
    match c {
        Color::Reset => default.to_string(),
        Color::Black => idx(0),
        Color::Red => idx(1),
        Color::Green => idx(2),
        Color::Yellow => idx(3),
        Color::Blue => idx(4),
        Color::Magenta => idx(5),
        Color::Cyan => idx(6),
        Color::Gray => idx(7),
        Color::DarkGray => idx(8),
        Color::LightRed => idx(9),
        Color::LightGreen => idx(10),
        Color::LightYellow => idx(11),
        Color::LightBlue => idx(12),
        Color::LightMagenta => idx(13),
        Color::LightCyan => idx(14),
        Color::White => idx(15),
        Color::Indexed(i) => idx(i),
        Color::Rgb(r, g, b) => hex((r, g, b)),
    }
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A buffer as an SVG picture.
fn svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (area.width as f64 * CELL_W, area.height as f64 * CELL_H);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="{FONT_SIZE}">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="{BG}"/>"#);
    for y in 0..area.height {
        // runs of cells with the same look
        let mut x = 0;
        while x < area.width {
            let cell = &buf[(area.x + x, area.y + y)];
            let key = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            let mut cells = 0u16;
            while x < area.width {
                let c = &buf[(area.x + x, area.y + y)];
                if (c.fg, c.bg, c.modifier) != key {
                    break;
                }
                let sym = c.symbol();
                let wide = unicode_width::UnicodeWidthStr::width(sym) == 2;
                text.push_str(if sym.is_empty() { " " } else { sym });
                let step = if wide { 2 } else { 1 };
                x += step;
                cells += step;
                if wide {
                    break;
                }
            }
            let (mut fg, mut bg) = (color(key.0, FG), color(key.1, BG));
            if key.2.contains(Modifier::REVERSED) {
                if key.0 == Color::Reset {
                    fg = FG.to_string();
                }
                std::mem::swap(&mut fg, &mut bg);
            }
            let (px, py) = (start as f64 * CELL_W, y as f64 * CELL_H);
            let width = cells as f64 * CELL_W;
            if bg != BG {
                let _ = writeln!(
                    out,
                    r#"<rect x="{px:.1}" y="{py:.1}" width="{width:.1}" height="{CELL_H}" fill="{bg}"/>"#
                );
            }
            if text.trim().is_empty() {
                continue;
            }
            // spaces at either end take no text (renderers stretch runs unevenly)
            let lead = text.len() - text.trim_start_matches(' ').len();
            let trail = text.len() - text.trim_end_matches(' ').len();
            let text = text.trim_matches(' ');
            let px = px + lead as f64 * CELL_W;
            let width = width - (lead + trail) as f64 * CELL_W;
            let mut attrs = String::new();
            if key.2.contains(Modifier::BOLD) {
                attrs.push_str(r#" font-weight="bold""#);
            }
            if key.2.contains(Modifier::ITALIC) {
                attrs.push_str(r#" font-style="italic""#);
            }
            if key.2.contains(Modifier::UNDERLINED) {
                attrs.push_str(r#" text-decoration="underline""#);
            }
            if key.2.contains(Modifier::DIM) {
                attrs.push_str(r#" opacity="0.6""#);
            }
            let _ = writeln!(
                out,
                r#"<text x="{px:.1}" y="{:.1}" fill="{fg}" textLength="{width:.1}" lengthAdjust="spacingAndGlyphs" xml:space="preserve"{attrs}>{}</text>"#,
                py + CELL_H * 0.78,
                escape_xml(text)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}
