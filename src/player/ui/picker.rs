//! Drawing the session picker: a pure function of the [`Picker`]'s state.
//!
//! ```text
//!  auditty · one-off sessions of my-app                                     3 sessions
//!  WHEN                       WHO           COMMAND        AUDIT LOG      SIZE
//! ▸2024-03-20 10:00:00 +01:00 john@doe.com  rails console  log-0       1.0 kB
//!  …
//!  ↑↓ choose  Enter play  Esc (in the player) back here  r reload  q quit
//! ```

use crate::archive::{MARK_END, MARK_START};
use crate::player::finder::{Found, Results};
use crate::player::picker::{Listing, Picker, SPINNER};
use crate::render::escape::escape_controls;
use crate::scalingo::human_size;
use crate::views::sessions::{session_cells, SESSION_COLUMNS};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

const DIM: Style = Style::new().fg(Color::DarkGray);
const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
const HINTS: &str =
    "↑↓ choose  Enter play  Esc (in the player) back to this list  r reload  q quit";
const SEARCH_HINTS: &str =
    "↑↓ choose  Enter play  / search  Esc (in the player) back to this list  r reload  q quit";
const HIT_HINTS: &str =
    "↑↓ choose  Enter play from the hit  / search again  Esc back to the list  q quit";

/// Draw the whole picker.
pub fn draw(p: &Picker, f: &mut Frame) {
    let area = f.area();
    render(p, area, f.buffer_mut());
}

pub fn render(p: &Picker, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let title = Rect::new(area.x, area.y, area.width, 1);
    let status = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    let app = escape_controls(&p.app);
    let count = match &p.listing {
        Listing::Loaded(s) if s.is_empty() => String::new(),
        Listing::Loaded(s) if s.len() == 1 => "1 session".to_string(),
        Listing::Loaded(s) => format!("{} sessions", s.len()),
        _ => String::new(),
    };
    Line::from(vec![
        Span::styled(" auditty", Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(" · ", DIM),
        Span::raw("one-off sessions of "),
        Span::styled(app.clone(), Style::new().add_modifier(Modifier::BOLD)),
    ])
    .render(title, buf);
    let left = 31 + app.width() as u16;
    if !count.is_empty() && title.width > left + count.width() as u16 + 1 {
        Line::from(Span::styled(format!("{count} "), DIM))
            .right_aligned()
            .render(title, buf);
    }
    let spinner = SPINNER[p.spin % SPINNER.len()];
    if let Some((query, results)) = &p.finder.shown {
        hits_view(p, query, results, spinner, body, title, buf);
    } else {
        list_view(p, &app, spinner, body, buf);
    }
    if status.y > area.y {
        match &p.finder.typing {
            Some(q) => Line::from(vec![
                Span::styled(" /", Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(escape_controls(q)),
                Span::styled("█", DIM),
                Span::styled("  Enter search  Esc cancel", DIM),
            ])
            .render(status, buf),
            None => status_line(p, spinner).render(status, buf),
        }
    }
}

fn list_view(p: &Picker, app: &str, spinner: char, body: Rect, buf: &mut Buffer) {
    match &p.listing {
        Listing::Loading => waiting(
            spinner,
            format!("Loading the one-off sessions of {app}…"),
            body,
            buf,
        ),
        Listing::Failed(e) => failed(e, body, buf),
        Listing::Loaded(s) if s.is_empty() => {
            centered(body, buf, Line::raw("No one-off sessions found."))
        }
        Listing::Loaded(sessions) => table(p, sessions, body, buf),
    }
}

/// What is being waited for, with the spinner, in the middle of `body`.
fn waiting(spinner: char, what: String, body: Rect, buf: &mut Buffer) {
    let line = Line::from(vec![
        Span::styled(format!("{spinner} "), Style::new().fg(Color::Cyan)),
        Span::raw(what),
    ]);
    centered(body, buf, line)
}

/// An error (escaped), in the middle of `body`.
fn failed(e: &str, body: Rect, buf: &mut Buffer) {
    let line = Line::styled(format!("error: {}", escape_controls(e)), ERROR);
    centered(body, buf, line)
}

/// A table of the picker's, its selected row highlighted.
fn selectable(table: Table<'_>, selected: usize, area: Rect, buf: &mut Buffer) {
    let mut state = TableState::default().with_selected(Some(selected));
    let table = table
        .column_spacing(2)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .highlight_symbol("▸")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    StatefulWidget::render(table, area, buf, &mut state);
}

/// The hits of a search instead of the list: when, who, where, what matched.
fn hits_view(
    p: &Picker,
    query: &str,
    results: &Results,
    spinner: char,
    body: Rect,
    title: Rect,
    buf: &mut Buffer,
) {
    let query = escape_controls(query);
    match results {
        Results::Searching => waiting(
            spinner,
            format!("Searching the archive for {query}…"),
            body,
            buf,
        ),
        Results::Failed(e) => failed(e, body, buf),
        Results::Found(hits) if hits.is_empty() => {
            centered(body, buf, Line::raw(format!("No hits for {query}.")))
        }
        Results::Found(hits) => {
            let n = if hits.len() == 1 {
                "1 hit".to_string()
            } else {
                format!("{} hits", hits.len())
            };
            let label = format!("{n} for {query} ");
            if title.width as usize > label.width() + 40 {
                Line::from(Span::styled(label, DIM))
                    .right_aligned()
                    .render(title, buf);
            }
            hit_table(p, hits, body, buf)
        }
    }
}

fn hit_table(p: &Picker, hits: &[Found], area: Rect, buf: &mut Buffer) {
    let cells: Vec<[String; 4]> = hits
        .iter()
        .map(|h| {
            let [when, who, ..] = session_cells(&h.session);
            let at = crate::timeline::clock(h.t);
            [
                format!("{when} +{at}"),
                who,
                h.kind.to_string(),
                escape_controls(h.session.audit_log_id.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    let heads = ["WHEN", "WHO", "IN", "AUDIT LOG"];
    let mut widths = heads.map(|h| h.width() as u16);
    for r in &cells {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.width().min(u16::MAX as usize) as u16);
        }
    }
    let constraints = [
        Constraint::Length(widths[0]),
        Constraint::Length(widths[1]),
        Constraint::Length(widths[2]),
        Constraint::Length(widths[3]),
        Constraint::Fill(1),
    ];
    let header = Row::new([heads[0], heads[1], heads[2], heads[3], "MATCH"])
        .style(DIM.add_modifier(Modifier::BOLD));
    let rows = cells.into_iter().zip(hits).map(|(c, h)| {
        let [when, who, kind, id] = c;
        Row::new([
            Cell::from(when),
            Cell::from(who),
            Cell::from(kind),
            Cell::from(id),
            Cell::from(snippet(&h.snippet)),
        ])
    });
    selectable(
        Table::new(rows, constraints).header(header),
        p.selected,
        area,
        buf,
    );
}

/// A snippet on one line, escaped, the match in bold.
fn snippet(s: &str) -> Line<'static> {
    let mut spans = Vec::new();
    let mut bold = false;
    for part in s.split([MARK_START, MARK_END]) {
        if !part.is_empty() {
            let text = escape_controls(&part.replace('\n', " ⏎ "));
            let style = if bold {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            spans.push(Span::styled(text, style));
        }
        bold = !bold;
    }
    Line::from(spans)
}

fn centered(area: Rect, buf: &mut Buffer, line: Line) {
    if area.height == 0 {
        return;
    }
    let y = area.y + area.height.saturating_sub(1) / 2;
    Paragraph::new(line)
        .centered()
        .render(Rect::new(area.x, y, area.width, 1), buf);
}

fn table(p: &Picker, sessions: &[crate::scalingo::Session], area: Rect, buf: &mut Buffer) {
    let rows: Vec<[String; 5]> = sessions.iter().map(session_cells).collect();
    let mut widths = SESSION_COLUMNS.map(|h| h.width() as u16);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.width().min(u16::MAX as usize) as u16);
        }
    }
    let constraints = [
        Constraint::Length(widths[0]),
        Constraint::Length(widths[1]),
        Constraint::Fill(1),
        Constraint::Length(widths[3]),
        Constraint::Length(widths[4]),
    ];
    let header = Row::new(SESSION_COLUMNS.map(|h| {
        let line = Line::from(h);
        Cell::from(if h == "SIZE" {
            line.right_aligned()
        } else {
            line
        })
    }))
    .style(DIM.add_modifier(Modifier::BOLD));
    let body = rows.into_iter().zip(sessions).map(|(cells, s)| {
        let [when, who, command, id, size] = cells;
        let style = if s.audit_log_id.is_none() {
            DIM
        } else {
            Style::new()
        };
        Row::new([
            Cell::from(when),
            Cell::from(who),
            Cell::from(command),
            Cell::from(id),
            Cell::from(Line::from(size).right_aligned()),
        ])
        .style(style)
    });
    selectable(
        Table::new(body, constraints).header(header),
        p.selected,
        area,
        buf,
    );
}

fn status_line(p: &Picker, spinner: char) -> Line<'static> {
    if let Some(d) = &p.download {
        let id = escape_controls(&d.id);
        let what = if d.reading {
            format!("reading {id}…")
        } else {
            match d.total {
                Some(t) if t > 0 => format!(
                    "downloading {id}: {} / {} ({}%)",
                    human_size(d.done),
                    human_size(t),
                    (d.done.min(t) * 100 / t)
                ),
                _ => format!("downloading {id}: {}", human_size(d.done)),
            }
        };
        return Line::from(vec![
            Span::styled(format!(" {spinner} "), Style::new().fg(Color::Cyan)),
            Span::raw(what),
            Span::styled("  Esc cancel  q quit", DIM),
        ]);
    }
    if let Some(m) = &p.message {
        return Line::styled(format!(" error: {}", escape_controls(m)), ERROR);
    }
    if p.finder.showing() {
        return Line::styled(format!(" {HIT_HINTS}"), DIM);
    }
    match &p.listing {
        Listing::Loaded(s) if !s.is_empty() && p.finder.enabled => {
            Line::styled(format!(" {SEARCH_HINTS}"), DIM)
        }
        Listing::Loaded(s) if !s.is_empty() => Line::styled(format!(" {HINTS}"), DIM),
        Listing::Loading => Line::styled(" q quit", DIM),
        _ => Line::styled(" r reload  q quit", DIM),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::picker::tests::{session, sessions};
    use crate::player::picker::Action;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn shot(p: &Picker) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(p.size.0, p.size.1)).unwrap();
        t.draw(|f| draw(p, f)).unwrap();
        t
    }

    #[test]
    fn loading() {
        let p = Picker::new("my-app", (100, 12));
        insta::assert_snapshot!(shot(&p).backend());
    }

    #[test]
    fn list() {
        let mut p = Picker::new("my-app", (110, 12));
        let mut list = sessions(4);
        list.push(session(4, None));
        p.update(Action::Listed(Ok(list)));
        p.update(Action::Move(1));
        insta::assert_snapshot!(shot(&p).backend());
    }

    #[test]
    fn list_scrolls_to_the_selection_and_shows_a_download() {
        let mut p = Picker::new("my-app", (110, 8));
        p.update(Action::Listed(Ok(sessions(20))));
        p.update(Action::Move(12));
        p.update(Action::Open);
        p.update(Action::Progress {
            ticket: 1,
            done: 6500,
            total: Some(13_000),
        });
        insta::assert_snapshot!(shot(&p).backend());
    }

    #[test]
    fn empty() {
        let mut p = Picker::new("my-app", (100, 12));
        p.update(Action::Listed(Ok(vec![])));
        insta::assert_snapshot!(shot(&p).backend());
    }

    #[test]
    fn error() {
        let mut p = Picker::new("my-app", (100, 12));
        p.update(Action::Listed(Err(crate::player::picker::Failure::of(
            "app my-app not found (check the name, and that your token can see it)",
        ))));
        insta::assert_snapshot!(shot(&p).backend());
    }

    #[test]
    fn download_failed() {
        let mut p = Picker::new("my-app", (110, 10));
        p.update(Action::Listed(Ok(sessions(2))));
        p.update(Action::Open);
        p.update(Action::Failed {
            ticket: 1,
            message: "scalingo://my-app/log-0: audit log log-0 not found".into(),
        });
        insta::assert_snapshot!(shot(&p).backend());
    }

    #[test]
    fn everything_from_the_server_is_escaped() {
        let mut evil = session(0, Some("id\u{1b}[2J"));
        evil.user.email = "a\u{1b}]0;pwned\u{7}@x.io".into();
        evil.command = "rm\u{9b}31m -rf\nnext".into();
        evil.created_at = "\u{1b}c".into();
        let mut p = Picker::new("app\u{1b}[31m", (120, 8));
        p.update(Action::Listed(Ok(vec![evil])));
        let t = shot(&p);
        for cell in t.backend().buffer().content() {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control()),
                "{:?}",
                cell.symbol()
            );
        }
        let s = format!("{}", t.backend());
        assert!(s.contains("^[]0;pwned^G"), "{s}");
        assert!(s.contains("app^[[31m"), "{s}");
        p.update(Action::Listed(Err(crate::player::picker::Failure::of(
            "bad\u{1b}[2Jthing",
        ))));
        let s = format!("{}", shot(&p).backend());
        assert!(s.contains("bad^[[2Jthing"), "{s}");
    }

    #[test]
    fn search_hits_and_prompt() {
        use crate::player::finder::Found;
        let mut p = Picker::new("archive", (120, 9));
        p.enable_search();
        p.update(Action::Listed(Ok(sessions(3))));
        p.update(Action::SearchOpen);
        for c in "drop*".chars() {
            p.update(Action::SearchType(c));
        }
        insta::assert_snapshot!("search_prompt", shot(&p).backend());
        p.update(Action::SearchRun);
        let hit = |n: usize, t: u64, snippet: &str| Found {
            session: session(n, Some(&format!("log-{n}"))),
            t,
            kind: "command",
            snippet: snippet.into(),
        };
        p.update(Action::Found(Ok(vec![
            hit(2, 4_000_000_000, "psql -c '\u{2}DROP\u{3} TABLE users'"),
            hit(0, 61_500_000_000, "\u{2}dropdb\u{3} old\n\u{1b}[31mred"),
        ])));
        p.update(Action::Move(1));
        let t = shot(&p);
        for cell in t.backend().buffer().content() {
            assert!(!cell.symbol().chars().any(|c| c.is_control()));
        }
        insta::assert_snapshot!("search_hits", t.backend());
    }

    #[test]
    fn tiny_terminals_do_not_panic() {
        for (w, h) in [(0, 0), (1, 1), (5, 2), (20, 3), (40, 1)] {
            let mut p = Picker::new("my-app", (w, h));
            shot(&p);
            p.update(Action::Listed(Ok(sessions(3))));
            shot(&p);
            p.update(Action::Open);
            shot(&p);
        }
    }
}
