//! Keeping the recorded screen at the clock's position: the replay, and the results of the
//! background work (the full index, the analysis) taken in as they arrive.

use super::{App, SYNC_LIMIT};
use crate::emulator::Replay;
use crate::player::background::Analysis;
use crate::timeline::Kind;
use std::time::Duration;

impl App {
    /// Wait for the background work and take its results (tests, screenshots).
    pub fn wait_background(&mut self, now: Duration) {
        if let Some(mut job) = self.bg.index.take() {
            if let Some(r) = job.wait() {
                self.install_index(r);
            }
        }
        if let Some(mut job) = self.bg.analysis.take() {
            if let Some(a) = job.wait() {
                self.install_analysis(a, now);
            }
        }
        self.sync(now);
    }

    pub(super) fn install_index(&mut self, r: Replay) {
        // the same screen, scrolled back as far
        let (pos, back) = (self.replay.position(), self.replay.scrollback());
        self.replay = r;
        self.replay.seek_index(pos);
        self.replay.set_scrollback(back);
        self.indexed = true;
        self.dirty = true;
    }

    pub(super) fn install_analysis(&mut self, a: Analysis, now: Duration) {
        self.analysis = Some(a);
        self.dirty = true;
        if self.search.as_ref().is_some_and(|s| s.hits.is_none()) {
            self.run_search(now);
        }
    }

    pub(super) fn take_background(&mut self, now: Duration) {
        if let Some(job) = self.bg.index.as_mut() {
            if let Some(r) = job.try_take() {
                self.bg.index = None;
                self.install_index(r);
            }
        }
        if let Some(job) = self.bg.analysis.as_mut() {
            if let Some(a) = job.try_take() {
                self.bg.analysis = None;
                self.install_analysis(a, now);
            }
        }
        let p = self.progress();
        if p != self.percents {
            self.percents = p;
            self.dirty = true;
        }
    }

    /// Output bytes to replay to show the first `n` events, past what is indexed (stops
    /// counting past the limit).
    pub(super) fn replay_cost(&self, n: usize) -> usize {
        let from = self.replay.indexed().min(n);
        let mut cost = 0;
        for ev in &self.tl.events[from..n] {
            if ev.kind == Kind::Output {
                cost += ev.len as usize;
                if cost > SYNC_LIMIT {
                    break;
                }
            }
        }
        cost
    }

    /// Bring the screen to the clock's position.
    pub(super) fn sync(&mut self, now: Duration) {
        self.take_background(now);
        if self.playback.tick(now) {
            self.dirty = true;
        }
        let p = self.playback.position();
        let n = self.tl.count_at(p as i128);
        if n != self.replay.position() {
            if !self.indexed && n > self.replay.indexed() && self.replay_cost(n) > SYNC_LIMIT {
                if !self.stale {
                    self.stale = true;
                    self.dirty = true;
                }
            } else {
                self.replay.seek_index(n);
                self.stale = false;
                self.dirty = true;
                self.follow_cursor();
            }
        } else if self.stale {
            self.stale = false;
            self.dirty = true;
        }
        self.reveal_pending();
    }
}
