//! Keys as they were typed, shown briefly beside the status (`ls␣-la⏎`, `^C`, `<Up>`).

use crate::player::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

pub struct Keystrokes<'a> {
    pub text: &'a str,
}

pub const STYLE: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::LightCyan)
    .add_modifier(Modifier::BOLD);

impl Keystrokes<'_> {
    /// The recent keys, newest last, fitting `width` columns (older ones dropped).
    pub fn text(app: &App, width: usize) -> String {
        let keys = app.recent_keys();
        let mut out: Vec<String> = Vec::new();
        let mut used = 0;
        for k in keys.iter().rev() {
            let k = if k == " " {
                "␣".to_string()
            } else {
                k.clone()
            };
            let w = k.width();
            if used + w > width {
                break;
            }
            used += w;
            out.push(k);
        }
        out.reverse();
        out.concat()
    }
}

impl Widget for Keystrokes<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Span::styled(self.text, STYLE).render(area, buf);
    }
}
