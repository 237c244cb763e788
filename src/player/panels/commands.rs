//! The commands panel (`c`): every line typed and every marker (with its label), in time
//! order, with its time; Enter jumps to it.

use super::{Cx, Jump, SidePanel};
use crate::player::action::Panel;
use crate::render::escape::escape_controls;
use crate::timeline::{clock, Nanos};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub struct Commands;

/// The command at or before `cx.pos` (the one whose effect is on screen).
pub fn current(cx: &Cx) -> Option<usize> {
    let a = cx.analysis?;
    a.commands.partition_point(|l| l.t <= cx.pos).checked_sub(1)
}

/// One entry of the list: a command (its index) or a marker (its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Command(usize),
    Marker(usize),
}

/// The entries in time order (a command before a marker at the same time).
fn entries<'a>(cx: &Cx<'a>) -> impl Iterator<Item = (Nanos, Entry)> + 'a {
    let commands = cx.analysis.map_or(&[][..], |a| &a.commands[..]);
    let markers = cx.markers;
    let (mut c, mut m) = (0, 0);
    std::iter::from_fn(move || {
        let ct = commands.get(c).map(|l| l.t);
        let mt = markers.get(m).map(|k| k.0);
        match (ct, mt) {
            (Some(a), Some(b)) if b < a => {
                m += 1;
                Some((b, Entry::Marker(m - 1)))
            }
            (Some(a), _) => {
                c += 1;
                Some((a, Entry::Command(c - 1)))
            }
            (None, Some(b)) => {
                m += 1;
                Some((b, Entry::Marker(m - 1)))
            }
            (None, None) => None,
        }
    })
}

impl SidePanel for Commands {
    fn id(&self) -> Panel {
        Panel::Commands
    }

    fn key(&self) -> char {
        'c'
    }

    fn len(&self, cx: &Cx) -> usize {
        cx.analysis.map_or(0, |a| a.commands.len()) + cx.markers.len()
    }

    fn initial(&self, cx: &Cx) -> usize {
        entries(cx)
            .take_while(|(t, _)| *t <= cx.pos)
            .count()
            .saturating_sub(1)
    }

    fn enter(&self, cx: &Cx, i: usize) -> Option<Jump> {
        entries(cx).nth(i).map(|(t, _)| Jump::Seek(t))
    }

    fn title(&self, cx: &Cx) -> Option<Line<'static>> {
        Some(match cx.analysis {
            None => Line::from(format!(" commands: reading… {}% ", cx.progress.1)),
            Some(a) if cx.markers.is_empty() => Line::styled(
                format!(" commands ({}) ", a.commands.len()),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Some(a) => Line::styled(
                format!(
                    " commands ({}) and markers ({}) ",
                    a.commands.len(),
                    cx.markers.len()
                ),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        })
    }

    fn item(&self, cx: &Cx, i: usize, _width: u16) -> Line<'static> {
        let i = match entries(cx).nth(i) {
            Some((_, Entry::Command(i))) => i,
            Some((t, Entry::Marker(k))) => {
                // escaped when read (`Playback::new`)
                let label = match cx.markers[k].1.trim() {
                    "" => "marker".to_string(),
                    l => l.to_string(),
                };
                return Line::from(vec![
                    Span::styled("▼", Style::new().fg(Color::LightMagenta)),
                    Span::styled(format!("{:>9} ", clock(t)), Style::new().fg(Color::Cyan)),
                    Span::styled(label, Style::new().fg(Color::LightMagenta)),
                ]);
            }
            None => return Line::default(),
        };
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
