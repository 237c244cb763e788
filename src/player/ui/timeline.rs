//! The timeline bar: the position, ticks for typed input, markers, search hits, and the idle
//! stretches that were squeezed. It is in presentation time: squeezed stretches take no room
//! and show as `≈`. Clicking or dragging on it seeks (see `App::mouse`).

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
pub const HEAD: (&str, Style) = (
    "●",
    Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
);

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
