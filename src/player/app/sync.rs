//! Keeping the recorded screen at the clock's position: the replay, and the results of the
//! background work (the full index, the analysis) taken in as they arrive.

use super::{App, BACKGROUND_TICK, STATUS_TICK, SYNC_LIMIT};
use crate::emulator::Replay;
use crate::player::background::Analysis;
use crate::timeline::Kind;
use std::sync::Arc;
use std::time::Duration;

/// How long one tick may spend bringing the screen to the clock before the keys are read.
pub const CATCH_UP_SLICE: Duration = Duration::from_millis(25);

/// A clock for the work of catching up (time since any fixed instant).
#[derive(Clone)]
pub struct WorkClock(pub Arc<dyn Fn() -> Duration + Send + Sync>);

impl WorkClock {
    /// The machine's monotonic clock.
    pub fn real() -> Self {
        let start = std::time::Instant::now();
        WorkClock(Arc::new(move || start.elapsed()))
    }
}

impl std::fmt::Debug for WorkClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WorkClock")
    }
}

impl App {
    /// How long the loop may sleep before something is due (`None`: until input arrives).
    pub fn next_wake(&self, now: Duration) -> Option<Duration> {
        let mut wake: Option<Duration> = None;
        let mut at = |d: Duration| wake = Some(wake.map_or(d, |w| w.min(d)));
        if self.playing() {
            if let Some(d) = self.playback.next_due(now) {
                at(d);
            }
            at(STATUS_TICK);
        }
        if self.bg.busy() || self.stale || self.loading.is_some() {
            at(BACKGROUND_TICK);
        }
        if self.behind {
            at(Duration::ZERO);
        }
        if let Some(d) = self.chrome.due(now).filter(|_| self.needs().compact) {
            at(d);
        }
        wake
    }

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
        } else if std::mem::take(&mut self.search_again) {
            self.refresh_search();
        }
    }

    pub(super) fn take_background(&mut self, now: Duration) {
        self.take_loading(now);
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
        if n != self.replay.position() || !self.replay.settled() {
            if !self.indexed && n > self.replay.indexed() && self.replay_cost(n) > SYNC_LIMIT {
                if !self.stale {
                    self.stale = true;
                    self.dirty = true;
                }
            } else {
                let done = match &self.work_clock {
                    Some(WorkClock(clock)) => {
                        let until = clock() + CATCH_UP_SLICE;
                        self.replay.seek_index_while(n, &mut || clock() < until)
                    }
                    None => {
                        self.replay.seek_index(n);
                        true
                    }
                };
                self.behind = !done;
                self.stale = false;
                self.dirty = true;
                if done {
                    self.follow_cursor();
                }
            }
        } else if self.stale || self.behind {
            self.stale = false;
            self.behind = false;
            self.dirty = true;
        }
        self.reveal_pending();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::action::Action;
    use crate::player::app::{App, Options};
    use crate::player::background::Background;
    use crate::recording::{Recording, Settings};
    use crate::timeline::{Timeline, NANOS_PER_SEC};
    use std::sync::atomic::{AtomicU64, Ordering};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// An event that costs a lot to replay (full resets of a screen whose alternate screen
    /// was used, then three dozen slices' worth of text): the player works at it a slice at a
    /// time, reads the keys between slices, and ends on the screen a whole replay gives.
    #[test]
    fn a_costly_event_is_replayed_a_slice_at_a_time_and_keys_are_read_between() {
        let mut tl = Timeline::new(vec![]);
        let pad = "x".repeat(crate::emulator::feed_slice(200 * 100) * 36);
        let heavy = "\x1b[?1049hx\x1bc".repeat(100) + &pad + "THE END";
        tl.push(NANOS_PER_SEC / 10, Kind::Output, heavy.as_bytes());
        let term = Settings {
            cols: Some(200),
            rows: Some(100),
            ..Default::default()
        };
        // each look at the clock is 10 ms later: a slice is 3 looks
        let looked = Arc::new(AtomicU64::new(0));
        let l = Arc::clone(&looked);
        let opts = Options {
            work_clock: Some(WorkClock(Arc::new(move || {
                ms(10 * l.fetch_add(1, Ordering::SeqCst))
            }))),
            ..Default::default()
        };
        let rec = Recording::new("heavy".into(), tl, &term);
        let mut a = App::with_background(rec, opts, (100, 30), ms(0), Background::none()).unwrap();
        a.update(Action::Tick, ms(200));
        assert!(a.behind, "one tick does not replay the whole event");
        assert_eq!(a.next_wake(ms(200)), Some(Duration::ZERO));
        let mut ticks = 1;
        while a.behind {
            a.update(Action::Tick, ms(200));
            ticks += 1;
            assert!(ticks < 1000);
        }
        assert!(ticks > 10, "{ticks} ticks");
        assert!(crate::render::text(a.replay().screen()).contains("THE END"));
        // and a key pressed while it is behind is taken at once
        a.update(Action::Start, ms(300));
        a.update(Action::End, ms(300));
        assert!(a.behind);
        a.update(Action::Quit, ms(300));
        assert!(a.should_quit());
    }
}
