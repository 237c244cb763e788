//! Playback: the clock (speed, idle limit, loop, pause on markers), the position shown, the
//! markers and typed keys, and every move through time (seeks, steps, stops, a typed time).

use super::action::Action;
use super::clock::{Clock, ClockOptions};
use crate::timeline::{Kind, Nanos, TimeError, TimeSpec, Timeline, Within, NANOS_PER_SEC};
use std::sync::Arc;
use std::time::Duration;

/// `--start-at` names no moment of the recording (a usage error: exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartAtError(pub TimeError);

impl std::fmt::Display for StartAtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--start-at: {}", self.0)
    }
}

impl std::error::Error for StartAtError {}

/// Keystrokes stay beside the status this long (wall time, at the current speed).
pub const KEYS_SHOWN: Duration = Duration::from_millis(1500);
/// A marker's label stays in the status line this long after it (recording time).
pub const MARKER_SHOWN: Nanos = 3 * NANOS_PER_SEC;
/// ←/→ step.
pub const SEEK_STEP: Nanos = 5 * NANOS_PER_SEC;

pub struct Playback {
    tl: Arc<Timeline>,
    pub(crate) clock: Clock,
    /// Recording time shown.
    pub(crate) pos: Nanos,
    /// Times of input events and of markers (with their labels).
    pub(crate) inputs: Vec<Nanos>,
    pub(crate) markers: Vec<(Nanos, String)>,
}

impl Playback {
    /// Playback of `tl` with these options (the recording's own idle limit when none is
    /// given, as asciinema does); paused at 0 until [`Playback::start`].
    pub fn new(tl: Arc<Timeline>, opts: &ClockOptions) -> Self {
        let mut inputs = Vec::new();
        let mut markers = Vec::new();
        for ev in &tl.events {
            match ev.kind {
                Kind::Input => inputs.push(ev.t),
                Kind::Marker => {
                    let label = crate::render::escape::escape_controls(&tl.text_of(ev));
                    markers.push((ev.t, label));
                }
                _ => {}
            }
        }
        let mut clock_opts = opts.clone();
        if clock_opts.idle_limit.is_none() {
            // the recording's own limit (asciicast header), as asciinema does
            clock_opts.idle_limit = tl
                .idle_time_limit
                .filter(|s| *s > 0.0 && s.is_finite())
                .map(super::clock::secs_to_nanos);
        }
        let clock = Clock::new(
            tl.events.iter().map(|e| e.t),
            markers.iter().map(|m| m.0).collect(),
            &clock_opts,
        );
        Playback {
            tl,
            clock,
            pos: 0,
            inputs,
            markers,
        }
    }

    /// Start at `start_at` (`--start-at`: a moment outside the recording is an error naming
    /// its span, unless `within.clamp`; a time of day in UTC with `within.utc`), playing
    /// unless `paused` or at the end (paused there, not started over).
    pub fn start(
        &mut self,
        now: Duration,
        start_at: Option<&TimeSpec>,
        within: Within,
        paused: bool,
    ) -> Result<(), StartAtError> {
        let mut at_end = false;
        if let Some(spec) = start_at {
            let t = spec
                .resolve_within(&self.tl, within)
                .map_err(StartAtError)?;
            self.clock.seek(now, t);
            at_end = t >= self.tl.duration() && self.tl.duration() > 0;
        }
        if !paused && !at_end {
            self.clock.play(now);
        }
        Ok(())
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Recording time shown.
    pub fn position(&self) -> Nanos {
        self.pos
    }

    /// The recording's duration.
    /// Playback of `tl` (which the one played is the start of) taking this one's place: the
    /// same options, position, playing or paused.
    pub fn carried(&self, tl: Arc<Timeline>, now: Duration) -> Playback {
        let mut p = Playback::new(tl, &self.clock.options());
        p.clock.carry(&self.clock, now);
        p.pos = self.pos;
        p
    }

    pub fn duration(&self) -> Nanos {
        self.tl.duration()
    }

    /// Move the position shown to the clock's; whether it changed.
    pub fn tick(&mut self, now: Duration) -> bool {
        let p = self.clock.tick(now);
        let changed = p != self.pos;
        self.pos = p;
        changed
    }

    /// How long until the next event is due while playing (`None`: paused, or no more).
    pub fn next_due(&self, now: Duration) -> Option<Duration> {
        if !self.clock.playing() {
            return None;
        }
        let n = self.tl.count_at(self.pos as i128);
        let ev = self.tl.events.get(n)?;
        self.clock.until(now, ev.t)
    }

    /// The recording position now (between ticks, while playing).
    pub fn now_pos(&self, now: Duration) -> Nanos {
        self.clock.squeeze().rec(self.clock.pres_position(now))
    }

    pub fn seek(&mut self, now: Duration, t: Nanos) {
        self.clock.seek(now, t);
    }

    pub fn pause(&mut self, now: Duration) {
        self.clock.pause(now);
    }

    fn seek_pres(&mut self, now: Duration, p: i128) {
        let p = p.clamp(0, self.clock.total() as i128) as Nanos;
        self.clock.seek_pres(now, p);
    }

    /// Seek to a fraction of the whole (the timeline bar: clicks and drags).
    pub fn seek_fraction(&mut self, now: Duration, f: f64) {
        let p = (self.clock.total() as f64 * f.clamp(0.0, 1.0)).round() as i128;
        self.seek_pres(now, p);
    }

    /// Times to stop at with `[` and `]`: the markers and the `others` given (commands,
    /// context entries).
    pub fn stops(&self, others: impl Iterator<Item = Nanos>) -> Vec<Nanos> {
        let mut v: Vec<Nanos> = self.markers.iter().map(|m| m.0).collect();
        v.extend(others);
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Carry out a playback action (others are ignored); `stops` gives the times `[` and `]`
    /// stop at. A message for the status line, if there is one to say.
    pub fn update(
        &mut self,
        action: &Action,
        now: Duration,
        stops: impl FnOnce(&Self) -> Vec<Nanos>,
    ) -> Option<String> {
        match *action {
            Action::TogglePlay => self.clock.toggle(now),
            Action::SeekBy(ms) => {
                let p = self.clock.pres_position(now) as i128 + ms as i128 * 1_000_000;
                self.seek_pres(now, p);
            }
            Action::SeekFraction(f) => self.seek_fraction(now, f),
            Action::SeekFractionBy(f) => {
                let p = self.clock.pres_position(now) as i128
                    + (self.clock.total() as f64 * f).round() as i128;
                self.seek_pres(now, p);
            }
            Action::Step(d) => self.step(now, d),
            Action::PrevStop => {
                let cur = self.now_pos(now);
                let grace = if self.clock.playing() {
                    NANOS_PER_SEC
                } else {
                    0
                };
                let before = cur.saturating_sub(grace);
                match stops(self).into_iter().rev().find(|&s| s < before) {
                    Some(s) => self.seek(now, s),
                    None => self.seek(now, 0),
                }
            }
            Action::NextStop => {
                let cur = self.now_pos(now);
                match stops(self).into_iter().find(|&s| s > cur) {
                    Some(s) => self.seek(now, s),
                    None => {
                        return Some("no command, marker or context entry after this point".into())
                    }
                }
            }
            Action::Start => self.seek(now, 0),
            Action::End => self.seek(now, self.tl.duration()),
            Action::SpeedUp => self.clock.set_speed(now, self.clock.faster()),
            Action::SpeedDown => self.clock.set_speed(now, self.clock.slower()),
            Action::SpeedReset => self.clock.set_speed(now, 1.0),
            _ => {}
        }
        None
    }

    fn step(&mut self, now: Duration, d: i8) {
        self.clock.pause(now);
        let cur = self.now_pos(now);
        let n = self.tl.count_at(cur as i128);
        let events = &self.tl.events;
        if d > 0 {
            if let Some(ev) = events.get(n) {
                self.seek(now, ev.t);
            }
        } else if n > 0 {
            let shown = events[n - 1].t;
            let k = events.partition_point(|e| e.t < shown);
            let t = if k == 0 { 0 } else { events[k - 1].t };
            self.seek(now, t);
        }
    }

    /// Go to a time typed at the `t` prompt; a message when it was outside the recording or
    /// could not be read.
    pub fn go_to(&mut self, now: Duration, text: &str) -> Option<String> {
        let spec = match text.parse::<TimeSpec>() {
            Ok(spec) => spec,
            Err(e) => return Some(e.to_string()),
        };
        let clamp = Within {
            clamp: true,
            utc: false,
        };
        let outside = matches!(
            spec.resolve_within(&self.tl, Within::default()),
            Err(TimeError::Outside { .. })
        );
        match spec.resolve_within(&self.tl, clamp) {
            Ok(t) => {
                self.seek(now, t);
                match (outside, t) {
                    (false, _) => None,
                    (true, 0) => Some("that is before the recording: showing its start".into()),
                    (true, _) => Some("that is after the recording: showing its end".into()),
                }
            }
            Err(e) => Some(e.to_string()),
        }
    }

    /// The label of the marker at or shortly before the position ([`MARKER_SHOWN`] of
    /// recording time): shown in the status line as it is passed, and while paused on it.
    pub fn marker_label(&self) -> Option<&str> {
        let i = self
            .markers
            .partition_point(|m| m.0 <= self.pos)
            .checked_sub(1)?;
        let (t, label) = &self.markers[i];
        (self.pos - t <= MARKER_SHOWN).then_some(label.as_str())
    }

    /// Keys typed shortly before the position, oldest first, as named in transcripts.
    pub fn recent_keys(&self) -> Vec<String> {
        let sq = self.clock.squeeze();
        let window = (KEYS_SHOWN.as_nanos() as f64 * self.clock.speed().max(1.0)) as Nanos;
        let now_p = sq.pres(self.pos);
        let from = now_p.saturating_sub(window);
        let n = self.tl.count_at(self.pos as i128);
        let mut keys: Vec<String> = Vec::new();
        for ev in self.tl.events[..n].iter().rev().take(2000) {
            if sq.pres(ev.t) < from || keys.len() >= 64 {
                break;
            }
            if ev.kind == Kind::Input {
                let names = crate::transcript::key_names(&self.tl.data(ev));
                keys.extend(names.into_iter().rev());
            }
        }
        keys.reverse();
        keys
    }
}
