//! Search: the prompt line (also used to type a time) and the list of all hits.

use crate::player::action::PromptKind;
use crate::player::app::App;
use crate::player::search::find_in_cells;
use crate::player::ui::panel::render_list;
use crate::player::ui::screen::HIGHLIGHT;
use crate::render::escape::escape_controls;
use crate::timeline::clock;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct PromptLine<'a> {
    pub app: &'a App,
}

impl Widget for PromptLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some((kind, text)) = &self.app.prompt else {
            return;
        };
        let (label, hint) = match kind {
            PromptKind::Search => (" / ", "  Enter search · Esc cancel · smart case"),
            PromptKind::Time => (
                " go to ",
                "  12.5 · 1:02 · 50% · end · 2020-06-17T10:27:40+02:00 · Esc cancel",
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

/// The list of every hit (`l`), each with its time and its line, the match highlighted.
pub struct HitsPanel<'a> {
    pub app: &'a App,
}

impl Widget for HitsPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let Some(s) = &app.search else {
            return;
        };
        let footer = Line::styled(
            " ↑↓ select · Enter jump · l close ",
            Style::new().fg(Color::DarkGray),
        );
        let pat = escape_controls(&s.pattern);
        let (Some(hits), Some(a)) = (&s.hits, &app.analysis) else {
            let (_, an) = app.progress();
            render_list(
                app,
                area,
                buf,
                Line::from(format!(" “{pat}”: preparing… {an}% ")),
                footer,
                0,
                |_| Line::default(),
            );
            return;
        };
        let more = if hits.len() >= crate::player::search::MAX_HITS {
            "+"
        } else {
            ""
        };
        let title = Line::styled(
            format!(" hits for “{pat}” ({}{more}) ", hits.len()),
            Style::new().add_modifier(Modifier::BOLD),
        );
        render_list(app, area, buf, title, footer, hits.len(), |i| {
            let h = &hits[i];
            let text = escape_controls(a.text.line(h.line));
            let mut spans = vec![Span::styled(
                format!("{:>9} ", clock(h.t)),
                Style::new().fg(Color::Cyan),
            )];
            spans.extend(highlighted(&text, &s.pattern));
            Line::from(spans)
        });
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
