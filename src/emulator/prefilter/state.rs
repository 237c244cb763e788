//! Our state beside vt100's, as the hooks need it (applied by `emulator::feed_parser`): tab
//! stops, saved cursors, protected cells.

use super::{Clean, Prefilter};

impl Prefilter {
    // ---- what the hooks need from our state (applied by `super::feed_parser`) ----

    /// The column the cursor moves to from `col`, `n` tab stops forward or backward.
    pub fn tab_target(&self, col: u16, cols: u16, n: u16, forward: bool) -> u16 {
        let last = cols.saturating_sub(1);
        let col = col.min(last);
        let mut c = col;
        for _ in 0..n.min(cols) {
            c = if forward {
                match &self.tabs {
                    None => (c / 8 + 1).saturating_mul(8).min(last),
                    Some(t) => t.iter().copied().find(|&s| s > c).unwrap_or(last).min(last),
                }
            } else {
                match &self.tabs {
                    None => c.saturating_sub(1) / 8 * 8,
                    Some(t) => t.iter().rev().copied().find(|&s| s < c).unwrap_or(0),
                }
            };
            if c == last && forward || c == 0 && !forward {
                break;
            }
        }
        c
    }

    pub fn set_tab(&mut self, col: u16, cols: u16) {
        let t = self
            .tabs
            .get_or_insert_with(|| (8..cols).step_by(8).collect());
        if let Err(i) = t.binary_search(&col) {
            t.insert(i, col);
        }
    }

    pub fn clear_tab(&mut self, col: u16, cols: u16) {
        let t = self
            .tabs
            .get_or_insert_with(|| (8..cols).step_by(8).collect());
        if let Ok(i) = t.binary_search(&col) {
            t.remove(i);
        }
    }

    pub fn save_cursor(&mut self, row: u16, col: u16, attrs: String) {
        self.saved_cursor = Some((row, col, attrs));
    }

    pub fn saved_cursor(&self) -> Option<&(u16, u16, String)> {
        self.saved_cursor.as_ref()
    }

    pub fn save_cursor_1049(&mut self, row: u16, col: u16, attrs: String) {
        self.saved_cursor_1049 = Some((row, col, attrs));
    }

    pub fn take_cursor_1049(&mut self) -> Option<(u16, u16, String)> {
        self.saved_cursor_1049.take()
    }

    /// DECALN was applied: a second one with nothing drawn between needs no fill.
    /// The screen's width, at the start and after a resize.
    pub fn set_width(&mut self, cols: u16) {
        self.one_column = cols <= 1;
    }

    pub fn resized(&mut self, width_changed: bool) {
        if width_changed {
            self.tabs = None;
        }
        if self.clean == Clean::Aligned {
            self.clean = Clean::Dirty;
        }
        self.protected.clear();
    }

    /// Characters were printed for vt100 by a hook (DECALN's `E`s): REP repeats the last.
    pub fn printed(&mut self) {
        self.no_rep = false;
    }

    pub fn aligned(&mut self) -> bool {
        let was = self.clean == Clean::Aligned;
        self.clean = Clean::Aligned;
        self.protected.clear();
        was
    }

    pub fn protect_cell(&mut self, row: u16, col: u16, contents: String) {
        self.protected.insert((row, col), contents);
    }

    /// The protected columns of `row` from `from` to `to` (inclusive) whose cells still hold
    /// what was written there (`contents` gives a cell's).
    pub fn protected_in(
        &self,
        row: u16,
        from: u16,
        to: u16,
        contents: impl Fn(u16) -> String,
    ) -> Vec<u16> {
        self.protected
            .range((row, from)..=(row, to))
            .filter(|((_, c), s)| contents(*c) == **s)
            .map(|((_, c), _)| *c)
            .collect()
    }

    pub fn has_protected(&self) -> bool {
        !self.protected.is_empty()
    }

    /// Ordinary erase of these cells: they are no longer protected.
    pub fn unprotect(&mut self, from: (u16, u16), to: (u16, u16)) {
        if from <= to {
            let gone: Vec<_> = self.protected.range(from..=to).map(|(k, _)| *k).collect();
            for k in gone {
                self.protected.remove(&k);
            }
        }
    }
}
