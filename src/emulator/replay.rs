//! Replay: the screen at any point of a timeline, by replaying from the nearest keyframe.
//!
//! A keyframe is a [`Snapshot`] taken between two events, where the byte stream is between
//! escape sequences, at least every `interval` bytes of output. Seeking restores the last
//! keyframe at or before the target and replays the events from there, or goes on from the
//! current position when that is closer. Keyframes are made as the replay first moves forward
//! through the timeline, so opening a recording costs nothing until it is played or seeked.

use super::{NewlineMode, Snapshot, Term};
use crate::timeline::{Kind, Timeline};
use std::sync::Arc;

/// Default bytes of output between keyframes (see BENCHMARKS.md for how it was chosen).
pub const DEFAULT_INTERVAL: usize = 160 * 1024;

struct Keyframe {
    /// Events applied before it.
    n: usize,
    snap: Snapshot,
}

pub struct Replay {
    tl: Arc<Timeline>,
    cols: u16,
    rows: u16,
    crlf: bool,
    term: Term,
    /// Events applied to `term`.
    pos: usize,
    /// Bytes of event `pos` already fed: a catch-up cut short in the middle of an event
    /// ([`Replay::seek_index_while`]); 0 between events.
    partial: usize,
    keyframes: Vec<Keyframe>,
    /// Keyframes are complete for events before this.
    indexed: usize,
    since_keyframe: usize,
    interval: usize,
    /// Whether keyframes are being made (they are, unless the interval is 0).
    keyframing: bool,
    /// Whether the interval grows to the size of a keyframe, so that keyframes never take more
    /// memory than the output they stand for (a 2000×1000 screen is ~64 MB a copy: without
    /// it, an 18 MB recording of that size took 4 GB).
    bounded_memory: bool,
    /// Bytes fed between two checks of an interruptible seek; `None`: as many as the
    /// screen's size allows ([`super::feed_slice`]).
    slice: Option<usize>,
}

/// Whether output should show bare LF as CR LF: it has LF but never CR LF.
pub fn detect_crlf(tl: &Timeline) -> bool {
    let mut d = CrlfDetector::default();
    for (_, data) in tl.outputs() {
        if d.feed(&data).is_some() {
            break;
        }
    }
    d.finish()
}

/// [`detect_crlf`] as output arrives, one event's content after another.
#[derive(Debug, Default)]
pub struct CrlfDetector {
    saw_lf: bool,
    saw_crlf: bool,
    last: u8,
}

impl CrlfDetector {
    /// Look at the next output; `Some(false)` once the answer is known (a CR LF was seen).
    pub fn feed(&mut self, d: &[u8]) -> Option<bool> {
        if self.saw_crlf {
            return Some(false);
        }
        let mut from = 0;
        while let Some(i) = memchr::memchr(b'\n', &d[from..]) {
            let at = from + i;
            let prev = if at == 0 { self.last } else { d[at - 1] };
            if prev == b'\r' {
                self.saw_crlf = true;
                return Some(false);
            }
            self.saw_lf = true;
            from = at + 1;
        }
        if let Some(&b) = d.last() {
            self.last = b;
        }
        None
    }

    /// The answer, all output seen.
    pub fn finish(&self) -> bool {
        !self.saw_crlf && self.saw_lf
    }
}

pub fn resolve_newline(tl: &Timeline, mode: NewlineMode) -> bool {
    match mode {
        NewlineMode::Auto => detect_crlf(tl),
        NewlineMode::Crlf => true,
        NewlineMode::Raw => false,
    }
}

impl Replay {
    pub fn new(tl: Arc<Timeline>, cols: u16, rows: u16, crlf: bool) -> Self {
        let mut r = Self::with_interval(tl, cols, rows, crlf, DEFAULT_INTERVAL);
        r.bounded_memory = true;
        r
    }

    /// `interval` bytes of output between keyframes; 0 makes none (replay from the start).
    pub fn with_interval(
        tl: Arc<Timeline>,
        cols: u16,
        rows: u16,
        crlf: bool,
        interval: usize,
    ) -> Self {
        let term = Term::new(cols, rows, crlf);
        let first = Keyframe {
            n: 0,
            snap: term.snapshot(),
        };
        Replay {
            tl,
            cols,
            rows,
            crlf,
            term,
            pos: 0,
            partial: 0,
            keyframes: vec![first],
            indexed: 0,
            since_keyframe: 0,
            interval,
            keyframing: interval > 0,
            bounded_memory: false,
            slice: None,
        }
    }

    /// Keep up to `lines` rows scrolled off the top of the main screen, as a terminal's
    /// scrollback (the player's; commands that print one moment keep none). Keyframes then
    /// carry the scrollback too (`lines × (cols × 32 + 48)` bytes each when full), and the
    /// bounded-memory rule spaces them accordingly. Call before the first seek.
    pub fn with_scrollback(mut self, lines: usize) -> Self {
        self.term = Term::with_scrollback(self.cols, self.rows, self.crlf, lines);
        self.pos = 0;
        self.partial = 0;
        self.indexed = 0;
        self.since_keyframe = 0;
        self.keyframes = vec![Keyframe {
            n: 0,
            snap: self.term.snapshot(),
        }];
        self
    }

    /// Rows kept in the scrollback now.
    pub fn scrollback_len(&self) -> usize {
        self.term.screen().scrollback_len()
    }

    /// How far back into the scrollback the screen is shown (0: live).
    pub fn scrollback(&self) -> usize {
        self.term.screen().scrollback()
    }

    /// Show the screen `lines` rows back into the scrollback (clamped); any seek shows the
    /// live screen again.
    pub fn set_scrollback(&mut self, lines: usize) {
        self.term.set_scrollback(lines);
    }

    pub fn timeline(&self) -> &Arc<Timeline> {
        &self.tl
    }

    pub fn size(&self) -> (u16, u16) {
        (self.cols, self.rows)
    }

    pub fn crlf(&self) -> bool {
        self.crlf
    }

    /// Events applied so far: the screen shows the first `position()` events (and part of
    /// the next one, until [`Replay::settled`]).
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Whether the screen is between two events (a seek cut short leaves it in one).
    pub fn settled(&self) -> bool {
        self.partial == 0
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.term.screen()
    }

    /// The terminal, at the position reached.
    pub fn into_term(self) -> Term {
        self.term
    }

    pub fn title(&self) -> &[u8] {
        self.term.title()
    }

    pub fn keyframe_count(&self) -> usize {
        self.keyframes.len()
    }

    /// The events applied before each keyframe, in order (the first is 0).
    pub fn keyframe_positions(&self) -> Vec<usize> {
        self.keyframes.iter().map(|k| k.n).collect()
    }

    /// Heap held by keyframes, approximately.
    pub fn keyframe_bytes(&self) -> usize {
        self.keyframes.iter().map(|k| k.snap.approx_bytes()).sum()
    }

    /// Up to which event keyframes have been made.
    /// Replay `tl` from now on: a timeline whose first events are this one's (the whole
    /// recording of which this was a prefix). The screen, position and keyframes stay valid.
    pub fn extend(&mut self, tl: Arc<Timeline>) {
        debug_assert!(tl.events.len() >= self.tl.events.len());
        self.tl = tl;
    }

    pub fn indexed(&self) -> usize {
        self.indexed
    }

    /// Show the screen after the first `n` events.
    pub fn seek_index(&mut self, n: usize) {
        self.seek(n, None);
    }

    /// Move toward the screen after the first `n` events while `go()` says to go on (asked
    /// between events and between slices of an event's bytes): whether it is there. Called
    /// again, it goes on from where it stopped.
    pub fn seek_index_while(&mut self, n: usize, go: &mut dyn FnMut() -> bool) -> bool {
        self.seek(n, Some(go))
    }

    /// [`Replay::seek_index_while`], or without a stop when `go` is `None`: each event is then
    /// fed whole (cutting events into slices costs a fifth of a replay's time).
    fn seek(&mut self, n: usize, go: Option<&mut dyn FnMut() -> bool>) -> bool {
        let n = n.min(self.tl.events.len());
        if n == self.pos && self.partial == 0 {
            return true;
        }
        // a seek shows the live screen (and keyframes are taken with no offset)
        self.term.set_scrollback(0);
        // the last keyframe at or before n
        let k = self
            .keyframes
            .partition_point(|k| k.n <= n)
            .saturating_sub(1);
        let kf_n = self.keyframes[k].n;
        // going on from here (even in the middle of an event) is only right going forward
        if !(self.pos < n && self.pos >= kf_n) {
            self.term = Term::restore(&self.keyframes[k].snap);
            self.pos = kf_n;
            self.partial = 0;
        }
        self.advance_while(n, go)
    }

    /// Show the screen at time `t` (nanoseconds from the start): every event at or before it.
    pub fn seek_time(&mut self, t: i128) {
        let n = self.tl.count_at(t);
        self.seek_index(n);
    }

    /// Apply events until `n` have been applied, making keyframes past the indexed part.
    fn advance_to(&mut self, n: usize) {
        self.advance_while(n, None);
    }

    /// [`Replay::advance_to`] while `go()` says to go on (always, with no `go`): whether `n`
    /// were applied.
    fn advance_while(&mut self, n: usize, mut go: Option<&mut dyn FnMut() -> bool>) -> bool {
        let tl = Arc::clone(&self.tl);
        while self.pos < n {
            let ev = &tl.events[self.pos];
            match ev.kind {
                Kind::Output => {
                    let data = tl.data(ev);
                    match go.as_deref_mut() {
                        Some(go) => {
                            let rest = &data[self.partial..];
                            self.partial += match self.slice {
                                Some(n) => self.term.feed_sliced(rest, n, go),
                                None => self.term.feed_while(rest, go),
                            };
                            if self.partial < data.len() {
                                return false;
                            }
                        }
                        None => self.term.feed(&data[self.partial..]),
                    }
                    self.partial = 0;
                    if self.pos >= self.indexed {
                        self.since_keyframe += data.len();
                    }
                }
                Kind::Resize { cols, rows } => {
                    self.term.resize(cols, rows);
                    if self.pos >= self.indexed {
                        self.since_keyframe += (cols as usize) * (rows as usize);
                    }
                }
                _ => {}
            }
            self.pos += 1;
            if self.pos > self.indexed {
                self.indexed = self.pos;
                let due = if self.bounded_memory {
                    self.interval.max(self.term.snapshot_bytes())
                } else {
                    self.interval
                };
                if self.keyframing && self.since_keyframe >= due && self.term.at_ground() {
                    self.keyframes.push(Keyframe {
                        n: self.pos,
                        snap: self.term.snapshot(),
                    });
                    self.since_keyframe = 0;
                }
            }
            if self.pos < n && go.as_deref_mut().is_some_and(|go| !go()) {
                return false;
            }
        }
        true
    }

    /// Replay the whole timeline once, making every keyframe (what seeking far ahead needs).
    pub fn index_all(&mut self) {
        let n = self.tl.events.len();
        if self.indexed < n {
            let back = self.pos;
            if self.pos < self.indexed {
                self.seek_index(self.indexed);
            }
            self.advance_to(n);
            self.seek_index(back);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seek cut short at every chance and called again until it is there gives the screen
    /// a whole seek gives, however it is cut and wherever it goes in between.
    #[test]
    fn a_seek_cut_short_and_resumed_ends_on_the_same_screen() {
        let mut tl = Timeline::new(vec![]);
        let heavy = "\x1b[?1049hx\x1bc\x1b[5;5Hy\x1b[2J".repeat(20);
        tl.push(0, Kind::Output, b"hello\r\n");
        tl.push(1, Kind::Output, heavy.as_bytes());
        tl.push(
            2,
            Kind::Output,
            "\x1b[3;3Hz\x1b(0qqq\x1b(B".repeat(30).as_bytes(),
        );
        tl.push(3, Kind::Resize { cols: 30, rows: 10 }, b"");
        tl.push(4, Kind::Output, b"end\x1b[1m bold");
        let tl = Arc::new(tl);
        let n = tl.events.len();
        for target in [1, 2, 3, n] {
            let mut whole = Replay::with_interval(Arc::clone(&tl), 40, 12, false, 64);
            whole.seek_index(target);
            for every in [1, 2, 3, 7] {
                let mut cut = Replay::with_interval(Arc::clone(&tl), 40, 12, false, 64);
                cut.slice = Some(super::super::FEED_SLICE);
                let mut asked = 0;
                let mut tries = 0;
                while !cut.seek_index_while(target, &mut || {
                    asked += 1;
                    asked % every != 0
                }) {
                    tries += 1;
                    assert!(tries < 10_000);
                }
                assert!(cut.settled());
                assert_eq!(cut.position(), target);
                assert_eq!(
                    cut.screen().contents_formatted(),
                    whole.screen().contents_formatted()
                );
                assert_eq!(
                    cut.screen().cursor_position(),
                    whole.screen().cursor_position()
                );
                if every == 1 && target == n {
                    assert!(tries > 20, "the heavy event was cut ({tries} tries)");
                }
            }
        }
        // cut short in the middle of an event, then sent back to that event's start
        let mut r = Replay::with_interval(Arc::clone(&tl), 40, 12, false, 0);
        r.slice = Some(super::super::FEED_SLICE);
        assert!(!r.seek_index_while(2, &mut || false));
        assert_eq!(
            (r.position(), r.settled()),
            (1, true),
            "stopped between events"
        );
        assert!(!r.seek_index_while(2, &mut || false));
        assert_eq!(
            (r.position(), r.settled()),
            (1, false),
            "then after one slice"
        );
        r.seek_index(1);
        let mut one = Replay::with_interval(Arc::clone(&tl), 40, 12, false, 0);
        one.seek_index(1);
        assert!(r.settled());
        assert_eq!(
            r.screen().contents_formatted(),
            one.screen().contents_formatted()
        );
    }

    /// A slice costs at most what 32 bytes cost on the biggest screen; on the player's sizes
    /// an interruptible seek still stops within an event of a few hundred KB.
    #[test]
    fn slices_grow_as_the_screen_shrinks() {
        use super::super::{feed_slice, FEED_SLICE, FEED_SLICE_MAX};
        assert_eq!(feed_slice(2000 * 1000), FEED_SLICE);
        assert_eq!(feed_slice(132 * 43), 11_275);
        assert_eq!(feed_slice(80 * 24), FEED_SLICE_MAX);
        assert_eq!(feed_slice(0), FEED_SLICE_MAX);
        let mut tl = Timeline::new(vec![]);
        tl.push(0, Kind::Output, "word ".repeat(100_000).as_bytes());
        let mut r = Replay::with_interval(Arc::new(tl), 132, 43, false, 0);
        let mut checks = 0;
        while !r.seek_index_while(1, &mut || {
            checks += 1;
            false
        }) {}
        assert!((40..=60).contains(&checks), "{checks} checks for 500 KB");
    }

    /// A full scrollback, then a long stretch in the alternate screen (vim, less): keyframes
    /// count the main screen's scrollback they carry, so they stay within the output's size.
    #[test]
    fn keyframes_with_a_scrollback_stay_within_the_output_size() {
        let mut tl = Timeline::new(vec![]);
        let mut out = String::new();
        for i in 0..3000 {
            out.push_str(&format!("line {i} {}\r\n", "x".repeat(60)));
        }
        tl.push(0, Kind::Output, out.as_bytes());
        tl.push(1, Kind::Output, b"\x1b[?1049h");
        let page = format!("\x1b[H{}", "y".repeat(80 * 24));
        for t in 2..2000 {
            tl.push(t, Kind::Output, page.as_bytes());
        }
        let total: usize = tl.events.iter().map(|e| e.len as usize).sum();
        let tl = Arc::new(tl);
        let mut r = Replay::new(Arc::clone(&tl), 80, 24, false).with_scrollback(1000);
        r.index_all();
        r.seek_index(1);
        assert_eq!(r.scrollback_len(), 1000);
        // each keyframe past the first carries 1000 rows (2.6 MB): no more of them than the
        // output pays for (vt100 tells only the active screen's scrollback: counting that,
        // the alternate screen's keyframes came every 160 KB: 25 keyframes, 63 MB)
        let row = 80 * 32 + 48;
        assert!(
            (r.keyframe_count() - 1) * 1000 * row <= total,
            "{} keyframes for {total} bytes of output",
            r.keyframe_count()
        );
        assert!(r.keyframe_bytes() <= total + r.keyframes[0].snap.approx_bytes());
        // a seek back into the alternate screen and out again: the scrollback is there
        r.seek_index(1500);
        assert!(r.screen().alternate_screen());
        r.seek_index(1);
        assert_eq!(r.scrollback_len(), 1000);
        r.set_scrollback(5);
        assert_eq!(r.scrollback(), 5);
        r.seek_index(2);
        r.seek_index(1);
        assert_eq!(r.scrollback(), 0, "a seek shows the live screen");
    }
}
