//! The list of every search hit (`l`), each with its time and its line, the match
//! highlighted; a hit in a context entry says its lane. Enter goes to the hit as `n` does.

use super::{Cx, Jump, SidePanel};
use crate::player::action::Panel;
use crate::player::search::{find_in_cells, Found, HIGHLIGHT, MAX_HITS};
use crate::render::escape::escape_controls;
use crate::timeline::clock;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub struct Hits;

impl SidePanel for Hits {
    fn id(&self) -> Panel {
        Panel::Hits
    }

    fn key(&self) -> char {
        'l'
    }

    fn unavailable(&self, cx: &Cx) -> Option<&'static str> {
        cx.search
            .is_none()
            .then_some("no search yet: press / to search")
    }

    fn len(&self, cx: &Cx) -> usize {
        cx.search.map_or(0, |s| s.found().len())
    }

    fn initial(&self, cx: &Cx) -> usize {
        cx.search.and_then(|s| s.nearest(cx.pos)).unwrap_or(0)
    }

    fn enter(&self, _cx: &Cx, i: usize) -> Option<Jump> {
        Some(Jump::Hit(i))
    }

    fn title(&self, cx: &Cx) -> Option<Line<'static>> {
        let s = cx.search?;
        let pat = escape_controls(&s.pattern);
        Some(match (&s.hits, cx.analysis) {
            (Some(hits), Some(_)) => {
                let more = if hits.len() >= MAX_HITS { "+" } else { "" };
                Line::styled(
                    format!(" hits for “{pat}” ({}{more}) ", hits.len()),
                    Style::new().add_modifier(Modifier::BOLD),
                )
            }
            _ => Line::from(format!(" “{pat}”: preparing… {}% ", cx.progress.1)),
        })
    }

    fn item(&self, cx: &Cx, i: usize, width: u16) -> Line<'static> {
        let (Some(s), Some(a)) = (cx.search, cx.analysis) else {
            return Line::default();
        };
        let Some(h) = s.found().get(i) else {
            return Line::default();
        };
        let line = match h.found {
            Found::Output { line, .. } => line,
            Found::Context(r) => return context_item(cx, r, &s.pattern, width),
        };
        let text = escape_controls(a.text.line(line));
        let mut spans = vec![Span::styled(
            format!("{:>9} ", clock(h.t)),
            Style::new().fg(Color::Cyan),
        )];
        // the time takes 10 columns
        let text = near_the_match(&text, &s.pattern, width.saturating_sub(10) as usize);
        spans.extend(highlighted(&text, &s.pattern));
        Line::from(spans)
    }
}

/// A hit in context entry `r`: its time from the session's start, its lane, then its actor
/// and text (escaped) with the match highlighted.
fn context_item(cx: &Cx, r: usize, pattern: &str, width: u16) -> Line<'static> {
    let Some(r) = cx.context.get(r) else {
        return Line::default();
    };
    // inside the session, its time as the output's hits have it; outside, how far
    let when = match u64::try_from(r.t) {
        Ok(t) if t <= cx.duration => clock(t),
        _ => super::context::offset(r.t),
    };
    let mut spans = vec![
        Span::styled(format!("{when:>9} "), Style::new().fg(Color::Cyan)),
        Span::styled(
            format!("{:<9} ", r.lane.name()),
            Style::new().fg(Color::Yellow),
        ),
    ];
    let text = match r.actor.as_deref() {
        Some(a) => format!("{}: {}", escape_controls(a), escape_controls(&r.text)),
        None => escape_controls(&r.text),
    };
    // the time and the lane take 20 columns
    let text = near_the_match(&text, pattern, width.saturating_sub(20) as usize);
    spans.extend(highlighted(&text, pattern));
    Line::from(spans)
}

/// Characters of a line kept before its first match when the start is cut.
pub const LEAD: usize = 16;

/// `text` as shown in `room` columns: when its first match would end past them, its start is
/// cut (`…`) to keep [`LEAD`] characters before the match (a long line's match in view).
fn near_the_match(text: &str, pattern: &str, room: usize) -> String {
    let chars: Vec<(u16, &str)> = text
        .char_indices()
        .take(u16::MAX as usize)
        .enumerate()
        .map(|(n, (i, c))| (n as u16, &text[i..i + c.len_utf8()]))
        .collect();
    match find_in_cells(&chars, pattern).first() {
        Some(r) if r.end as usize > room && r.start as usize > LEAD => {
            let from = r.start as usize - LEAD;
            let rest: String = chars[from..].iter().map(|c| c.1).collect();
            format!("…{rest}")
        }
        _ => text.to_string(),
    }
}

/// A line with the matches of `pattern` highlighted.
fn highlighted(text: &str, pattern: &str) -> Vec<Span<'static>> {
    let graphemes: Vec<&str> = text
        .char_indices()
        .map(|(i, c)| &text[i..i + c.len_utf8()])
        .collect();
    let cells: Vec<(u16, &str)> = graphemes
        .iter()
        .enumerate()
        .map(|(i, g)| (i.min(u16::MAX as usize) as u16, *g))
        .collect();
    // positions here are character indexes: every character counts one
    let ranges: Vec<std::ops::Range<u16>> = find_in_cells(&cells, pattern)
        .into_iter()
        .map(|r| {
            let last = cells
                .iter()
                .rposition(|c| c.0 < r.end)
                .map_or(r.start, |i| cells[i].0 + 1);
            r.start..last
        })
        .collect();
    let mut spans = Vec::new();
    let mut cur = String::new();
    let mut cur_hl = false;
    for (i, g) in graphemes.iter().enumerate() {
        let hl = ranges.iter().any(|r| r.contains(&(i as u16)));
        if hl != cur_hl && !cur.is_empty() {
            spans.push(span(std::mem::take(&mut cur), cur_hl));
        }
        cur_hl = hl;
        cur.push_str(g);
    }
    if !cur.is_empty() {
        spans.push(span(cur, cur_hl));
    }
    spans
}

fn span(s: String, hl: bool) -> Span<'static> {
    if hl {
        Span::styled(s, HIGHLIGHT)
    } else {
        Span::raw(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_far_right_is_brought_into_view() {
        let long = format!("{}ERROR disk full", "x".repeat(200));
        let cut = near_the_match(&long, "error", 40);
        assert!(
            cut.starts_with('…') && cut.ends_with("ERROR disk full"),
            "{cut}"
        );
        assert_eq!(cut.chars().count(), 1 + LEAD + "ERROR disk full".len());
        // in view already, or no match: as it is
        assert_eq!(near_the_match(&long, "error", 300), long);
        assert_eq!(near_the_match("an error here", "error", 5), "an error here");
        assert_eq!(near_the_match(&long, "nothing", 40), long);
    }
}
