//! The commands panel (`c`): every line typed, with its time; Enter jumps to it.

use crate::player::app::App;
use crate::player::ui::panel::render_list;
use crate::render::escape::escape_controls;
use crate::timeline::clock;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct CommandsPanel<'a> {
    pub app: &'a App,
}

impl Widget for CommandsPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let footer = Line::styled(
            " ↑↓ select · Enter jump · c close ",
            Style::new().fg(Color::DarkGray),
        );
        let Some(a) = &app.analysis else {
            let (_, an) = app.progress();
            render_list(
                app,
                area,
                buf,
                Line::from(format!(" commands: reading… {an}% ")),
                footer,
                0,
                |_| Line::default(),
            );
            return;
        };
        let current = app.current_command();
        let title = Line::styled(
            format!(" commands ({}) ", a.commands.len()),
            Style::new().add_modifier(Modifier::BOLD),
        );
        render_list(app, area, buf, title, footer, a.commands.len(), |i| {
            let l = &a.commands[i];
            let mark = if Some(i) == current { "▸" } else { " " };
            let end = match l.end {
                "interrupt" | "eof" | "open" => {
                    Span::styled(format!("  ({})", l.end), Style::new().fg(Color::DarkGray))
                }
                _ => Span::raw(""),
            };
            Line::from(vec![
                Span::styled(mark, Style::new().fg(Color::Green)),
                Span::styled(format!("{:>9} ", clock(l.t)), Style::new().fg(Color::Cyan)),
                Span::raw(escape_controls(&l.text)),
                end,
            ])
        });
    }
}
