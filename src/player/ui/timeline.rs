//! The timeline bar: the position, ticks for typed input, search hits, the idle stretches
//! that were squeezed, and one kind of tick per lane (commands, markers, each kind of context
//! entry). It is in presentation time: squeezed stretches take no room and show as `≈`.
//! Clicking or dragging on it seeks (see `App::mouse`). A cell holding several shows one:
//! the head, a hit, a marker, a command, a context entry (in the order of
//! [`LANES`](crate::player::app::context::LANES)), a squeezed stretch, typed input.

use crate::context::Lane;
use crate::player::app::App;
use crate::timeline::Nanos;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;

pub struct TimelineBar<'a> {
    pub app: &'a App,
}

pub const PLAYED: (&str, Style) = ("━", Style::new().fg(Color::Cyan));
pub const AHEAD: (&str, Style) = ("─", Style::new().fg(Color::DarkGray));
pub const INPUT_PLAYED: (&str, Style) = ("┷", Style::new().fg(Color::Cyan));
pub const INPUT_AHEAD: (&str, Style) = ("┴", Style::new().fg(Color::Gray));
pub const SQUEEZED: (&str, Style) = ("≈", Style::new().fg(Color::Blue));
pub const MARKER: (&str, Style) = ("▼", Style::new().fg(Color::Magenta));
pub const HIT: (&str, Style) = ("◆", Style::new().fg(Color::Yellow));
pub const COMMAND: (&str, Style) = ("▲", Style::new().fg(Color::Green));
pub const APP_LOG: (&str, Style) = ("•", Style::new().fg(Color::LightBlue));
pub const APP_EVENT: (&str, Style) = ("■", Style::new().fg(Color::LightRed));
pub const LOSANT: (&str, Style) = ("○", Style::new().fg(Color::LightGreen));
pub const DATAFOLD: (&str, Style) = ("□", Style::new().fg(Color::LightCyan));
pub const HEAD: (&str, Style) = (
    "●",
    Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
);

/// The tick of each lane: its glyph and its colour.
pub fn lane_tick(lane: Lane) -> (&'static str, Style) {
    match lane {
        Lane::Command => COMMAND,
        Lane::Marker => MARKER,
        Lane::AppLog => APP_LOG,
        Lane::AppEvent => APP_EVENT,
        Lane::Losant => LOSANT,
        Lane::Datafold => DATAFOLD,
    }
}

/// Every glyph the bar draws, with its style (the help's legend is coloured after it).
pub fn glyphs() -> impl Iterator<Item = (&'static str, Style)> {
    let lanes = [
        Lane::Command,
        Lane::Marker,
        Lane::AppLog,
        Lane::AppEvent,
        Lane::Losant,
        Lane::Datafold,
    ];
    [PLAYED, HEAD, INPUT_AHEAD, HIT, SQUEEZED]
        .into_iter()
        .chain(lanes.into_iter().map(lane_tick))
}

/// Whether a list sorted by time has an item whose time is in `from..to`.
fn any_in<T>(sorted: &[T], time: impl Fn(&T) -> Nanos, from: Nanos, to: Nanos) -> bool {
    let i = sorted.partition_point(|x| time(x) < from);
    sorted.get(i).is_some_and(|x| time(x) < to)
}

impl Widget for TimelineBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        if area.width == 0 || area.height == 0 {
            return;
        }
        let w = area.width as u128;
        let total = app.playback.clock.total() as u128;
        let sq = app.playback.clock.squeeze();
        // the cell of a presentation time: 0 for the start, the last one for the end
        let cell = |p: Nanos| {
            ((p as u128 * (w - 1) + total / 2)
                .checked_div(total)
                .unwrap_or(w - 1)) as u16
        };
        let head = cell(sq.pres(app.playback.pos));
        let hits: &[crate::player::search::Hit] = app
            .search
            .as_ref()
            .and_then(|s| s.hits.as_deref())
            .unwrap_or_default();
        let commands: &[crate::transcript::Line] =
            app.analysis().map_or(&[], |a| a.commands.as_slice());
        let context = &app.context.ticks;
        // a squeezed stretch has no length here: it is shown in the cell before the event
        // that ends it (which has the cell of its own)
        let cut_cells: Vec<u16> = sq
            .cuts()
            .iter()
            .map(|c| cell(sq.pres(c.from)).saturating_sub(1))
            .collect();
        for x in 0..area.width {
            // the presentation times this cell stands for: the cell's centre ± half a cell
            let (p0, p1) = if total == 0 {
                (0, 1)
            } else {
                let c0 = (x as u128 * 2).saturating_sub(1) * total / ((w - 1).max(1) * 2);
                let c1 = (x as u128 * 2 + 1) * total / ((w - 1).max(1) * 2);
                (c0 as Nanos, (c1 as Nanos).max(c0 as Nanos + 1))
            };
            let (r0, r1) = (sq.rec(p0), sq.rec(p1));
            let played = x < head;
            let (sym, style) = if x == head {
                HEAD
            } else if any_in(hits, |h| h.t, r0, r1) {
                HIT
            } else if any_in(&app.playback.markers, |m| m.0, r0, r1) {
                MARKER
            } else if any_in(commands, |l| l.t, r0, r1) {
                COMMAND
            } else if let Some((lane, _)) = context
                .iter()
                .find(|(_, times)| any_in(times, |&t| t, r0, r1))
            {
                lane_tick(*lane)
            } else if cut_cells.contains(&x) {
                SQUEEZED
            } else if any_in(&app.playback.inputs, |&t| t, r0, r1) {
                if played {
                    INPUT_PLAYED
                } else {
                    INPUT_AHEAD
                }
            } else if played {
                PLAYED
            } else {
                AHEAD
            };
            buf[(area.x + x, area.y)].set_symbol(sym).set_style(style);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::context::merge::Row;
    use crate::player::app::{App, Options};
    use crate::recording::{Recording, Settings};
    use crate::timeline::{Kind, Timeline, NANOS_PER_SEC};
    use std::time::Duration;

    const S: Nanos = NANOS_PER_SEC;

    /// A context entry `secs` from the session's start.
    pub(crate) fn row(secs: f64, lane: Lane, text: &str) -> Row {
        Row {
            t: (secs * 1e9) as i128,
            time: None,
            lane,
            source: "ctx".into(),
            actor: Some("web-1".into()),
            text: text.into(),
            fields: Default::default(),
        }
    }

    /// A 20-second session: `ls` typed and run at 2 s, `env` at 9 s, a marker at 12 s; and a
    /// context entry of every lane, two in one cell (3 s, 3.1 s), two outside the session.
    pub(crate) fn app_with_context(size: (u16, u16)) -> App {
        let mut tl = Timeline::new(vec![]);
        tl.start = chrono::DateTime::parse_from_rfc3339("2024-03-01T10:00:00Z").ok();
        tl.push(0, Kind::Output, b"$ ");
        tl.push(S, Kind::Input, b"ls");
        tl.push(S, Kind::Output, b"ls");
        tl.push(2 * S, Kind::Input, b"\r");
        tl.push(2 * S, Kind::Output, b"\r\nfile\r\n$ ");
        tl.push(9 * S, Kind::Input, b"env\r");
        tl.push(9 * S, Kind::Output, b"env\r\nHOME=/app\r\n$ ");
        tl.push(12 * S, Kind::Marker, b"checkpoint");
        tl.push(20 * S, Kind::Output, b"exit\r\n");
        let term = Settings {
            cols: Some(40),
            rows: Some(6),
            ..Default::default()
        };
        let rec = Recording::new("ctx.json".into(), tl, &term);
        let opts = Options {
            paused: true,
            utc: true,
            ..Default::default()
        };
        let mut app = App::new(rec, opts, size, Duration::ZERO).unwrap();
        app.wait_background(Duration::ZERO);
        app.set_context(vec![
            row(-10.0, Lane::AppLog, "before the session"),
            row(3.0, Lane::AppLog, "GET / 200"),
            row(3.1, Lane::Datafold, "table viewed"),
            row(5.0, Lane::AppEvent, "deployment \u{1b}[31msuccess"),
            row(7.0, Lane::Losant, "device.patch → 200"),
            row(15.0, Lane::AppLog, "ERROR disk full"),
            row(16.0, Lane::Datafold, "monitor edited"),
            row(25.0, Lane::Losant, "after the session"),
        ]);
        app
    }

    /// One letter per colour, for a snapshot that shows what the glyphs alone do not.
    fn colour(c: Color) -> char {
        match c {
            Color::Cyan => 'c',
            Color::DarkGray => '.',
            Color::Gray => 'g',
            Color::Blue => 'b',
            Color::Magenta => 'm',
            Color::Yellow => 'y',
            Color::White => 'w',
            Color::Green => 'G',
            Color::LightBlue => 'B',
            Color::LightRed => 'R',
            Color::LightGreen => 'L',
            Color::LightCyan => 'C',
            _ => '?',
        }
    }

    /// The bar `width` cells wide: its glyphs, then their colours.
    fn bar(app: &App, width: u16) -> String {
        let area = Rect::new(0, 0, width, 1);
        let mut buf = Buffer::empty(area);
        TimelineBar { app }.render(area, &mut buf);
        let cells: Vec<_> = (0..width).map(|x| &buf[(x, 0)]).collect();
        let glyphs: String = cells.iter().map(|c| c.symbol()).collect();
        let colours: String = cells.iter().map(|c| colour(c.fg)).collect();
        format!("{glyphs}\n{colours}")
    }

    #[test]
    fn ticks_for_every_lane_at_their_times() {
        let mut app = app_with_context((80, 20));
        let start = bar(&app, 41);
        insta::assert_snapshot!("bar_with_ticks_at_the_start", start);
        // 41 cells for 20 s: a cell every half second, so the cell of t is 2t
        let glyphs: Vec<&str> = app_glyphs(&start);
        assert_eq!(glyphs[4], COMMAND.0, "ls run at 2 s");
        assert_eq!(glyphs[18], COMMAND.0, "env run at 9 s");
        assert_eq!(glyphs[24], MARKER.0);
        assert_eq!(
            glyphs[6], DATAFOLD.0,
            "3 s and 3.1 s share a cell: the rarer lane"
        );
        assert_eq!(glyphs[10], APP_EVENT.0);
        assert_eq!(glyphs[14], LOSANT.0);
        assert_eq!(glyphs[30], APP_LOG.0);
        assert_eq!(glyphs[32], DATAFOLD.0);
        // entries outside the session are not on the bar
        let before_and_after = [APP_LOG.0, LOSANT.0];
        assert!(!before_and_after.contains(&glyphs[0]) && !before_and_after.contains(&glyphs[40]));
        // played ticks are the same; the head wins its cell
        app.update(
            crate::player::action::Action::SeekFraction(0.5),
            Duration::ZERO,
        );
        let half = bar(&app, 41);
        insta::assert_snapshot!("bar_with_ticks_half_played", half);
        assert_eq!(app_glyphs(&half)[20], HEAD.0);
        assert_eq!(app_glyphs(&half)[10], APP_EVENT.0);
    }

    #[test]
    fn entries_in_one_cell_part_on_a_wider_bar() {
        // at 201 cells, a cell every 0.1 s: 3 s (app-log) and 3.1 s (datafold) apart
        let app = app_with_context((80, 20));
        let s = bar(&app, 201);
        assert_eq!(app_glyphs(&s)[30], APP_LOG.0, "{s}");
        assert_eq!(app_glyphs(&s)[31], DATAFOLD.0, "{s}");
    }

    #[test]
    fn the_legend_names_every_glyph_of_the_bar() {
        let legend = crate::player::keys::LEGEND.join(" ");
        for (g, _) in glyphs() {
            assert!(legend.contains(g), "{g} is not in the legend: {legend}");
        }
        for lane in [Lane::Command, Lane::Marker, Lane::AppLog, Lane::AppEvent] {
            let (g, _) = lane_tick(lane);
            assert!(legend.contains(&format!("{g} {}", lane.name())), "{legend}");
        }
        for lane in [Lane::Losant, Lane::Datafold] {
            let (g, _) = lane_tick(lane);
            assert!(legend.contains(&format!("{g} {}", lane.name())), "{legend}");
        }
    }

    fn app_glyphs(s: &str) -> Vec<&str> {
        let line = s.lines().next().unwrap();
        line.char_indices()
            .map(|(i, c)| &line[i..i + c.len_utf8()])
            .collect()
    }
}
