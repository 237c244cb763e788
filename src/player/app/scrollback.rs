//! The scrollback: rows scrolled off the top of the recorded screen, kept by the emulator
//! (as many rows as [`crate::player::background::SCROLLBACK_BYTES`] holds: 3,216 at 80
//! columns, see `scrollback_lines`). shift+PgUp/PgDn and the wheel
//! scroll back; any seek or play shows the live screen again (`Replay::seek_index` does, and
//! `update` for the playback actions); a search hit that scrolled off within the event that
//! printed it is found there.

use super::App;
use crate::player::search::find_in_cells;
use crate::render::cell_text;

impl App {
    /// How far back the screen shown is, and how many rows the scrollback holds.
    pub fn scrolled_back(&self) -> (usize, usize) {
        (self.replay.scrollback(), self.replay.scrollback_len())
    }

    /// Scroll back by `lines` (negative: towards the live screen).
    pub(super) fn scroll_back(&mut self, lines: i64) {
        let (at, len) = self.scrolled_back();
        let to = (at as i64 + lines).clamp(0, len as i64) as usize;
        if to == at && lines > 0 {
            self.message = Some(if len == 0 {
                "nothing has scrolled off the screen yet".into()
            } else {
                "the start of the scrollback".into()
            });
        }
        self.replay.set_scrollback(to);
    }

    /// Bring the search hit last jumped to into view: when its pattern is not on the live
    /// screen, look for it in the scrollback, newest first, and show that row a third of the
    /// way down.
    pub(super) fn reveal_pending(&mut self) {
        if self.stale {
            return;
        }
        let Some(pattern) = self.reveal.take() else {
            return;
        };
        let rows = self.screen_size().1;
        self.replay.set_scrollback(0);
        if (0..rows).any(|r| row_matches(self.replay.screen(), r, &pattern)) {
            return;
        }
        let len = self.replay.scrollback_len();
        for k in 1..=len {
            // at offset k, the k-th newest scrolled-off row is the top row
            self.replay.set_scrollback(k);
            if row_matches(self.replay.screen(), 0, &pattern) {
                self.replay.set_scrollback((k + rows as usize / 3).min(len));
                return;
            }
        }
        self.replay.set_scrollback(0);
    }
}

/// Whether `pattern` occurs in a row of the screen as shown (scrollback offset included).
pub(crate) fn row_matches(screen: &vt100::Screen, row: u16, pattern: &str) -> bool {
    let (_, cols) = screen.size();
    let cells: Vec<(u16, &str)> = (0..cols.get())
        .filter_map(|c| screen.cell(row, c).map(|cell| (c, cell)))
        .filter(|(_, cell)| !cell.is_wide_continuation())
        .map(|(c, cell)| (c, cell_text(cell)))
        .collect();
    !find_in_cells(&cells, pattern).is_empty()
}
