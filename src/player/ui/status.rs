//! The status line: ▶/⏸, wall-clock time of the position, elapsed / total, speed, idle limit,
//! background progress, a marker or a context entry just passed, search, the window title;
//! typed keys at the right.

use crate::context::merge::Row;
use crate::player::app::App;
use crate::player::ui::keystrokes::Keystrokes;
use crate::player::ui::timeline::lane_tick;
use crate::render::escape::escape_controls;
use crate::timeline::{clock, secs, Nanos};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns a context entry flashed in the status line takes at most.
pub const FLASH_WIDTH: usize = 60;

/// A context entry as the status line flashes it: `■ app-event alice: text`, escaped, at most
/// `width` columns (cut with `…`).
pub fn flash(glyph: &str, r: &Row, width: usize) -> String {
    let actor = r
        .actor
        .as_deref()
        .map(|a| format!("{}: ", escape_controls(a)))
        .unwrap_or_default();
    let whole = format!(
        "{glyph} {} {actor}{}",
        r.lane.name(),
        escape_controls(&r.text)
    );
    if whole.width() <= width {
        return whole;
    }
    let mut out = String::new();
    for c in whole.chars() {
        if out.width() + c.width().unwrap_or(0) + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

pub struct StatusLine<'a> {
    pub app: &'a App,
}

/// `1×`, `0.25×`, `1.5×`.
pub fn speed(s: f64) -> String {
    let t = format!("{s:.2}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    format!("{t}×")
}

/// The wall-clock time of a position: `17:27:32.683 +02:00`, or `15:27:32.683 UTC`.
pub fn wall_clock(app: &App, t: Nanos) -> Option<String> {
    let at = app.tl.wall_clock(t)?;
    Some(if app.utc {
        at.with_timezone(&chrono::Utc)
            .format("%H:%M:%S%.3f UTC")
            .to_string()
    } else {
        at.format("%H:%M:%S%.3f %:z").to_string()
    })
}

impl Widget for StatusLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let sep = || Span::styled("  ", Style::new());
        let mut spans = vec![if app.playing() {
            Span::styled(
                " ▶ ",
                Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            )
        } else {
            Span::styled(
                " ⏸ ",
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            )
        }];
        if let Some(w) = wall_clock(app, app.playback.pos) {
            spans.push(Span::styled(w, Style::new().add_modifier(Modifier::BOLD)));
            spans.push(sep());
        }
        // a message comes first, so that a narrow terminal shows it
        let message_at = spans.len();
        spans.push(Span::raw(format!(
            "{} / {}",
            clock(app.playback.pos),
            clock(app.tl.duration())
        )));
        spans.push(sep());
        spans.push(Span::styled(
            speed(app.playback.clock.speed()),
            Style::new().fg(Color::Cyan),
        ));
        if let Some(l) = app.playback.clock.idle_limit() {
            spans.push(sep());
            spans.push(Span::styled(
                format!("idle ≤{}s", secs(l)),
                Style::new().fg(Color::Blue),
            ));
        }
        if app.playback.clock.looping() {
            spans.push(sep());
            spans.push(Span::styled("loop", Style::new().fg(Color::Blue)));
        }
        if let Some(r) = app.reading() {
            spans.push(sep());
            spans.push(Span::styled(
                format!("reading {r}%"),
                Style::new().fg(Color::Yellow),
            ));
        }
        let (ix, an) = app.progress();
        if ix < 100 {
            spans.push(sep());
            spans.push(Span::styled(
                format!("indexing {ix}%"),
                Style::new().fg(Color::Yellow),
            ));
        }
        if let Some(label) = app.playback.marker_label() {
            spans.push(sep());
            // escaped when read (`Playback::new`)
            let label = match label.trim() {
                "" => "marker",
                l => l,
            };
            spans.push(Span::styled(
                format!("▼ {label}"),
                Style::new().fg(Color::LightMagenta),
            ));
        }
        if let Some(r) = app.context_flash() {
            spans.push(sep());
            let (glyph, style) = lane_tick(r.lane);
            spans.push(Span::styled(flash(glyph, r, FLASH_WIDTH), style));
        }
        if app.needs().compact {
            // no frame to carry the size
            spans.push(sep());
            spans.push(Span::styled(
                crate::player::ui::size_label(app),
                Style::new().fg(Color::DarkGray),
            ));
        }
        if let Some(s) = &app.search {
            spans.push(sep());
            let pat = escape_controls(&s.pattern);
            let text = match (&s.hits, s.current) {
                (None, _) => format!("/{pat} preparing {an}%"),
                (Some(h), _) if h.is_empty() => format!("/{pat} no match"),
                (Some(h), Some(i)) => format!("/{pat} {}/{} at {}", i + 1, h.len(), clock(h[i].t)),
                (Some(h), None) => format!("/{pat} {} hits", h.len()),
            };
            spans.push(Span::styled(text, Style::new().fg(Color::Yellow)));
        }
        if let Some(m) = app.message() {
            spans.insert(message_at, sep());
            spans.insert(
                message_at,
                Span::styled(escape_controls(m), Style::new().fg(Color::LightYellow)),
            );
        } else {
            let title = String::from_utf8_lossy(app.replay.title());
            if !title.trim().is_empty() {
                spans.push(sep());
                spans.push(Span::styled(
                    format!("“{}”", escape_controls(title.trim())),
                    Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC),
                ));
            }
            if app.message.is_none() && app.search.is_none() {
                spans.push(sep());
                spans.push(Span::styled("? help", Style::new().fg(Color::DarkGray)));
            }
        }
        let left = Line::from(spans);
        let used = left.width() as u16;
        left.render(area, buf);
        // typed keys, right-aligned, in what is left
        let room = area.width.saturating_sub(used + 2).min(40);
        let keys = Keystrokes::text(app, room as usize);
        let w = keys.width() as u16;
        if w > 0 {
            let r = Rect::new(area.right() - w - 1, area.y, w, area.height.min(1));
            Keystrokes { text: &keys }.render(r, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Lane;
    use crate::player::action::Action;
    use crate::player::ui::timeline::tests::{app_with_context, row};
    use std::time::Duration;

    fn status(app: &App) -> String {
        let area = Rect::new(0, 0, 160, 1);
        let mut buf = Buffer::empty(area);
        StatusLine { app }.render(area, &mut buf);
        (0..area.width).map(|x| buf[(x, 0)].symbol()).collect()
    }

    #[test]
    fn the_entry_passed_flashes_escaped_and_goes() {
        let mut app = app_with_context((160, 20));
        app.update(Action::TogglePlay, Duration::ZERO);
        app.update(Action::Tick, Duration::from_millis(5300));
        let s = status(&app);
        assert!(
            s.contains("■ app-event web-1: deployment ^[[31msuccess"),
            "{s}"
        );
        assert!(!s.contains('\u{1b}'));
        app.update(Action::Tick, Duration::from_millis(6900));
        assert!(!status(&app).contains("app-event"), "gone after it");
    }

    #[test]
    fn a_long_entry_is_cut_to_its_width() {
        let long = row(1.0, Lane::AppLog, &"漢x".repeat(50));
        let f = flash("•", &long, 20);
        assert!(f.ends_with('…') && f.width() <= 20, "{f} {}", f.width());
        assert!(f.starts_with("• app-log web-1: 漢"), "{f}");
        let short = row(1.0, Lane::Losant, "ok\u{9b}2J");
        assert_eq!(flash("○", &short, 60), "○ losant web-1: ok\\x9b2J");
    }
}
