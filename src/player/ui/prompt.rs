//! The prompt line: a search (`/`) or a time (`t`) being typed.

use crate::player::action::PromptKind;
use crate::player::prompt::Prompt;
use crate::render::escape::escape_controls;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct PromptLine<'a> {
    pub prompt: &'a Prompt,
}

impl Widget for PromptLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Prompt { kind, text } = self.prompt;
        let (label, hint) = match kind {
            PromptKind::Search => (
                " / ",
                "  Enter search (empty: the last again) · Esc cancel · smart case",
            ),
            PromptKind::Time => (
                " go to ",
                "  12.5 · 1:02 · 50% · end · 2020-06-17T10:27:40+02:00 · Esc cancel",
            ),
            PromptKind::Size => (
                " size ",
                "  COLSxROWS, e.g. 132x43 · Enter replay · Esc cancel",
            ),
        };
        Line::from(vec![
            Span::styled(label, Style::new().fg(Color::Black).bg(Color::Yellow)),
            Span::raw(" "),
            Span::raw(escape_controls(text)),
            Span::styled("▏", Style::new().fg(Color::Yellow)),
            Span::styled(hint, Style::new().fg(Color::DarkGray)),
        ])
        .render(area, buf);
    }
}
