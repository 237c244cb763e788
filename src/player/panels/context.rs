//! The context panel (`e`): the entries given with `--with` (app logs, app events, audit
//! trails) around the current moment, the one at or before it marked; Enter seeks to an
//! entry (one outside the session goes to its start or end).

use super::{Cx, Jump, SidePanel};
use crate::player::action::Panel;
use crate::render::escape::escape_controls;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub struct Context;

/// The entry at or before `cx.pos`.
pub fn current(cx: &Cx) -> Option<usize> {
    let pos = cx.pos as i128;
    cx.context.partition_point(|r| r.t <= pos).checked_sub(1)
}

/// Seconds from the session's start, signed: `-12.5`, `+3:02.0`.
pub fn offset(t: i128) -> String {
    let sign = if t < 0 { '-' } else { '+' };
    let ms = t.unsigned_abs() / 1_000_000;
    let (m, s, f) = (ms / 60_000, (ms / 1000) % 60, (ms % 1000) / 100);
    if m > 0 {
        format!("{sign}{m}:{s:02}.{f}")
    } else {
        format!("{sign}{s}.{f}")
    }
}

impl SidePanel for Context {
    fn id(&self) -> Panel {
        Panel::Context
    }

    fn key(&self) -> char {
        'e'
    }

    fn unavailable(&self, cx: &Cx) -> Option<&'static str> {
        cx.context
            .is_empty()
            .then_some("no context entries in the session's window (give --with FILE)")
    }

    fn len(&self, cx: &Cx) -> usize {
        cx.context.len()
    }

    fn initial(&self, cx: &Cx) -> usize {
        current(cx).unwrap_or(0)
    }

    fn enter(&self, cx: &Cx, i: usize) -> Option<Jump> {
        let r = cx.context.get(i)?;
        Some(Jump::Seek(u64::try_from(r.t.max(0)).unwrap_or(u64::MAX)))
    }

    fn title(&self, cx: &Cx) -> Option<Line<'static>> {
        Some(Line::styled(
            format!(" context ({}) ", cx.context.len()),
            Style::new().add_modifier(Modifier::BOLD),
        ))
    }

    fn item(&self, cx: &Cx, i: usize, _width: u16) -> Line<'static> {
        let Some(r) = cx.context.get(i) else {
            return Line::default();
        };
        let mark = if Some(i) == current(cx) { "▸" } else { " " };
        let actor = r.actor.as_deref().map(escape_controls).unwrap_or_default();
        Line::from(vec![
            Span::styled(mark, Style::new().fg(Color::Green)),
            Span::styled(format!("{:>9} ", offset(r.t)), Style::new().fg(Color::Cyan)),
            Span::styled(
                format!("{:<9} ", r.lane.name()),
                Style::new().fg(Color::Yellow),
            ),
            Span::styled(
                if actor.is_empty() {
                    String::new()
                } else {
                    format!("{actor} ")
                },
                Style::new().fg(Color::Magenta),
            ),
            Span::raw(escape_controls(&r.text)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::merge::Row;
    use crate::context::Lane;

    fn row(t: i128, text: &str) -> Row {
        Row {
            t,
            time: None,
            lane: Lane::AppLog,
            source: "app.log".into(),
            actor: Some("web-1".into()),
            text: text.into(),
            fields: Default::default(),
        }
    }

    #[test]
    fn current_entry_and_seeks_clamped() {
        let rows = [
            row(-5_000_000_000, "before"),
            row(2_000_000_000, "\x1b[31mred"),
        ];
        let mut cx = Cx {
            analysis: None,
            search: None,
            pos: 1_000_000_000,
            duration: 10_000_000_000,
            markers: &[],
            progress: (100, 100),
            context: &rows,
        };
        assert_eq!(current(&cx), Some(0));
        assert_eq!(Context.enter(&cx, 0), Some(Jump::Seek(0)));
        assert_eq!(Context.enter(&cx, 1), Some(Jump::Seek(2_000_000_000)));
        cx.pos = 2_000_000_000;
        assert_eq!(current(&cx), Some(1));
        let line: String = Context
            .item(&cx, 1, 80)
            .spans
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(line, "▸     +2.0 app-log   web-1 ^[[31mred");
        assert_eq!(offset(-65_500_000_000), "-1:05.5");
        let empty = Cx { context: &[], ..cx };
        assert!(Context.unavailable(&empty).is_some());
    }
}
