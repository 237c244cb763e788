//! The commands panel (`c`): every line typed, with its time; Enter jumps to it.

use super::{Cx, Jump, SidePanel};
use crate::player::action::Panel;
use crate::render::escape::escape_controls;
use crate::timeline::clock;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub struct Commands;

/// The command at or before `cx.pos` (the one whose effect is on screen).
pub fn current(cx: &Cx) -> Option<usize> {
    let a = cx.analysis?;
    a.commands.partition_point(|l| l.t <= cx.pos).checked_sub(1)
}

impl SidePanel for Commands {
    fn id(&self) -> Panel {
        Panel::Commands
    }

    fn key(&self) -> char {
        'c'
    }

    fn len(&self, cx: &Cx) -> usize {
        cx.analysis.map_or(0, |a| a.commands.len())
    }

    fn initial(&self, cx: &Cx) -> usize {
        current(cx).unwrap_or(0)
    }

    fn enter(&self, cx: &Cx, i: usize) -> Option<Jump> {
        let l = cx.analysis?.commands.get(i)?;
        Some(Jump::Seek(l.t))
    }

    fn title(&self, cx: &Cx) -> Option<Line<'static>> {
        Some(match cx.analysis {
            None => Line::from(format!(" commands: reading… {}% ", cx.progress.1)),
            Some(a) => Line::styled(
                format!(" commands ({}) ", a.commands.len()),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        })
    }

    fn item(&self, cx: &Cx, i: usize) -> Line<'static> {
        let Some(l) = cx.analysis.and_then(|a| a.commands.get(i)) else {
            return Line::default();
        };
        let mark = if Some(i) == current(cx) { "▸" } else { " " };
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
    }
}
