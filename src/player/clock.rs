//! The player's clock: pure, time in, position out.
//!
//! Two time scales:
//! - *recording time* (`Nanos` from the start of the recording), what the timeline stores;
//! - *presentation time*, the same with idle stretches squeezed (`-i/--idle-time-limit`): a
//!   pause between two events longer than the limit lasts only the limit.
//!
//! The clock runs in presentation time. While playing, the position is computed from the
//! instant playback (re)started and the position then, never by adding up sleeps, so there is
//! no drift. The caller passes `now` (time since any fixed instant) to every call: tests use a
//! fake time source.

pub use crate::timeline::secs_to_nanos;
pub use crate::timeline::squeeze::{Cut, Squeeze};
use crate::timeline::Nanos;
use std::time::Duration;

/// The speeds `+` and `-` step through.
pub const SPEEDS: [f64; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Stopped at a presentation time.
    Paused { at: Nanos },
    /// Playing since `since` (caller's time), from presentation time `from`.
    Playing { since: Duration, from: Nanos },
}

/// What the clock was set up with.
#[derive(Debug, Clone, Default)]
pub struct ClockOptions {
    pub speed: f64,
    pub idle_limit: Option<Nanos>,
    pub looping: bool,
    pub pause_on_markers: bool,
}

#[derive(Debug, Clone)]
pub struct Clock {
    squeeze: Squeeze,
    /// Recording time of the last event.
    duration: Nanos,
    /// Presentation time of the last event.
    total: Nanos,
    speed: f64,
    idle_limit: Option<Nanos>,
    looping: bool,
    pause_on_markers: bool,
    /// Recording times of markers.
    markers: Vec<Nanos>,
    state: State,
    /// Presentation time of the last tick (markers between it and now pause playback).
    last: Nanos,
    /// More is being read: playing past the end waits there (playing) instead of ending.
    hold: bool,
}

fn scale(d: Duration, speed: f64) -> Nanos {
    (d.as_nanos() as f64 * speed) as Nanos
}

impl Clock {
    /// A paused clock at the start. `times` are the event times, `markers` the markers'.
    pub fn new(
        times: impl IntoIterator<Item = Nanos>,
        markers: Vec<Nanos>,
        opts: &ClockOptions,
    ) -> Self {
        let times: Vec<Nanos> = times.into_iter().collect();
        let duration = times.last().copied().unwrap_or(0);
        let squeeze = Squeeze::new(times.iter().copied(), opts.idle_limit);
        let total = squeeze.pres(duration);
        Clock {
            squeeze,
            duration,
            total,
            speed: if opts.speed > 0.0 && opts.speed.is_finite() {
                opts.speed
            } else {
                1.0
            },
            idle_limit: opts.idle_limit,
            looping: opts.looping,
            pause_on_markers: opts.pause_on_markers,
            markers,
            state: State::Paused { at: 0 },
            last: 0,
            hold: false,
        }
    }

    pub fn squeeze(&self) -> &Squeeze {
        &self.squeeze
    }

    pub fn duration(&self) -> Nanos {
        self.duration
    }

    /// Presentation length.
    pub fn total(&self) -> Nanos {
        self.total
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    pub fn idle_limit(&self) -> Option<Nanos> {
        self.idle_limit
    }

    pub fn looping(&self) -> bool {
        self.looping
    }

    pub fn playing(&self) -> bool {
        matches!(self.state, State::Playing { .. })
    }

    /// The presentation time now, unclamped.
    fn raw(&self, now: Duration) -> Nanos {
        match self.state {
            State::Paused { at } => at,
            State::Playing { since, from } => from + scale(now.saturating_sub(since), self.speed),
        }
    }

    /// Presentation position now, within the recording (no side effects).
    pub fn pres_position(&self, now: Duration) -> Nanos {
        self.raw(now).min(self.total)
    }

    /// Advance: apply the end of the recording (pause on the last frame, or loop) and markers
    /// (with pause-on-markers), and return the recording position now.
    pub fn tick(&mut self, now: Duration) -> Nanos {
        let mut p = self.raw(now);
        if self.playing() {
            if self.pause_on_markers {
                let last = self.last;
                let hit = self
                    .markers
                    .iter()
                    .map(|&m| self.squeeze.pres(m))
                    .find(|&m| m > last && m <= p.min(self.total));
                if let Some(m) = hit {
                    self.state = State::Paused { at: m };
                    self.last = m;
                    return self.squeeze.rec(m);
                }
            }
            if p > self.total {
                if self.hold {
                    // waits at the end of what is read, still playing
                    p = self.total;
                    self.state = State::Playing {
                        since: now,
                        from: p,
                    };
                } else if self.looping && self.total > 0 {
                    p %= self.total;
                    self.state = State::Playing {
                        since: now,
                        from: p,
                    };
                } else {
                    p = self.total;
                    self.state = State::Paused { at: p };
                }
            }
        }
        self.last = p;
        self.squeeze.rec(p)
    }

    /// While more is read: playing past the end waits there, playing, instead of pausing.
    pub fn set_hold(&mut self, hold: bool) {
        self.hold = hold;
    }

    /// The options this clock plays with.
    pub fn options(&self) -> ClockOptions {
        ClockOptions {
            speed: self.speed,
            idle_limit: self.idle_limit,
            looping: self.looping,
            pause_on_markers: self.pause_on_markers,
        }
    }

    /// Take `old`'s place (a clock of a recording `old`'s is the start of): the same
    /// presentation time, playing or paused as it is.
    pub fn carry(&mut self, old: &Clock, now: Duration) {
        let at = old.raw(now).min(old.total);
        self.state = match old.state {
            State::Playing { .. } => State::Playing {
                since: now,
                from: at,
            },
            State::Paused { .. } => State::Paused { at },
        };
        self.last = old.last.min(at);
        self.speed = old.speed;
    }

    /// Whether the position is at the end of the recording.
    pub fn at_end(&self, now: Duration) -> bool {
        self.raw(now) >= self.total
    }

    pub fn play(&mut self, now: Duration) {
        if self.playing() {
            return;
        }
        let mut at = self.raw(now);
        if at >= self.total && self.total > 0 && !self.hold {
            // playing at the end starts over (at the end of what is read so far, it waits)
            at = 0;
        }
        self.state = State::Playing {
            since: now,
            from: at,
        };
        self.last = at;
    }

    pub fn pause(&mut self, now: Duration) {
        if self.playing() {
            let at = self.raw(now).min(self.total);
            self.state = State::Paused { at };
            self.last = at;
        }
    }

    pub fn toggle(&mut self, now: Duration) {
        if self.playing() {
            self.pause(now)
        } else {
            self.play(now)
        }
    }

    /// Go to a recording time, keeping playing or paused.
    pub fn seek(&mut self, now: Duration, t: Nanos) {
        self.seek_pres(now, self.squeeze.pres(t.min(self.duration)));
    }

    /// Go to a presentation time, keeping playing or paused.
    pub fn seek_pres(&mut self, now: Duration, p: Nanos) {
        let p = p.min(self.total);
        self.state = match self.state {
            State::Paused { .. } => State::Paused { at: p },
            State::Playing { .. } => State::Playing {
                since: now,
                from: p,
            },
        };
        self.last = p;
    }

    pub fn set_speed(&mut self, now: Duration, speed: f64) {
        if !(speed > 0.0 && speed.is_finite()) {
            return;
        }
        if let State::Playing { .. } = self.state {
            let from = self.raw(now).min(self.total);
            self.state = State::Playing { since: now, from };
        }
        self.speed = speed;
    }

    /// The next step up in [`SPEEDS`] (stays at the top).
    pub fn faster(&self) -> f64 {
        SPEEDS
            .iter()
            .copied()
            .find(|&s| s > self.speed + 1e-9)
            .unwrap_or(self.speed.max(SPEEDS[SPEEDS.len() - 1]))
    }

    /// The next step down in [`SPEEDS`] (stays at the bottom).
    pub fn slower(&self) -> f64 {
        SPEEDS
            .iter()
            .rev()
            .copied()
            .find(|&s| s < self.speed - 1e-9)
            .unwrap_or(self.speed.min(SPEEDS[0]))
    }

    /// Wall time until playback reaches recording time `t`; `None` when paused (or if it
    /// is behind). Rounded up, so that waking after it finds `t` reached.
    pub fn until(&self, now: Duration, t: Nanos) -> Option<Duration> {
        self.until_pres(now, self.squeeze.pres(t))
    }

    /// Wall time until playback reaches presentation time `p`.
    pub fn until_pres(&self, now: Duration, p: Nanos) -> Option<Duration> {
        if !self.playing() {
            return None;
        }
        let cur = self.raw(now);
        if p < cur {
            return None;
        }
        let wall = ((p - cur) as f64 / self.speed).ceil();
        Some(Duration::from_nanos(wall.min(u64::MAX as f64) as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::NANOS_PER_SEC;

    const S: Nanos = NANOS_PER_SEC;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn clock(times: &[Nanos], opts: ClockOptions) -> Clock {
        Clock::new(times.iter().copied(), vec![], &opts)
    }

    fn opts() -> ClockOptions {
        ClockOptions {
            speed: 1.0,
            ..Default::default()
        }
    }

    #[test]
    fn plays_from_a_start_instant_without_drift() {
        let mut c = clock(&[0, 10 * S], opts());
        assert_eq!(c.tick(ms(500)), 0, "paused until played");
        c.play(ms(1000));
        // many small ticks add nothing up: the position is a function of now
        let mut last = 0;
        for i in 1..=1000 {
            last = c.tick(ms(1000 + i * 3));
        }
        assert_eq!(last, 3 * S);
        assert_eq!(c.tick(ms(4500)), 3_500_000_000);
    }

    #[test]
    fn speed_changes_keep_the_position() {
        let mut c = clock(&[0, 100 * S], opts());
        c.play(ms(0));
        assert_eq!(c.tick(ms(2000)), 2 * S);
        c.set_speed(ms(2000), 4.0);
        assert_eq!(c.tick(ms(2000)), 2 * S);
        assert_eq!(c.tick(ms(3000)), 6 * S);
        c.set_speed(ms(3000), c.slower());
        assert_eq!(c.speed(), 2.0);
        assert_eq!(c.tick(ms(4000)), 8 * S);
        assert_eq!(c.faster(), 4.0);
        c.set_speed(ms(4000), 16.0);
        assert_eq!(c.faster(), 16.0, "16× is the top");
        c.set_speed(ms(4000), 0.25);
        assert_eq!(c.slower(), 0.25, "0.25× is the bottom");
        assert_eq!(c.tick(ms(8000)), 9 * S);
        // an odd speed from the command line steps to the neighbours
        c.set_speed(ms(8000), 3.0);
        assert_eq!((c.slower(), c.faster()), (2.0, 4.0));
        // nonsense is ignored
        c.set_speed(ms(8000), 0.0);
        assert_eq!(c.speed(), 3.0);
    }

    #[test]
    fn until_tells_when_an_event_is_due() {
        let mut c = clock(&[0, 10 * S], opts());
        assert_eq!(c.until(ms(0), 5 * S), None, "paused: nothing is due");
        c.play(ms(0));
        c.set_speed(ms(0), 2.0);
        assert_eq!(c.until(ms(1000), 5 * S), Some(ms(1500)));
        assert_eq!(c.until(ms(1000), S), None, "already past");
        c.set_speed(ms(1000), 3.0);
        // rounded up: waking then finds the event reached
        let d = c.until(ms(1000), 3 * S).unwrap();
        assert!(c.clone().tick(ms(1000) + d) >= 3 * S);
    }

    #[test]
    fn idle_limit_squeezes_long_pauses() {
        // events at 0, 1 s, 61 s, 62 s; pauses limited to 2 s
        let times = [0, S, 61 * S, 62 * S];
        let o = ClockOptions {
            idle_limit: Some(2 * S),
            ..opts()
        };
        let mut c = clock(&times, o);
        assert_eq!(c.total(), 4 * S);
        assert_eq!(c.duration(), 62 * S);
        let sq = c.squeeze().clone();
        assert_eq!(sq.cuts().len(), 1);
        assert_eq!((sq.cuts()[0].from, sq.cuts()[0].to), (3 * S, 61 * S));
        assert_eq!(sq.pres(S), S);
        assert_eq!(sq.pres(2 * S), 2 * S);
        assert_eq!(sq.pres(30 * S), 3 * S, "inside the idle stretch");
        assert_eq!(sq.pres(61 * S), 3 * S);
        assert_eq!(sq.pres(62 * S), 4 * S);
        assert_eq!(
            sq.rec(3 * S),
            61 * S,
            "after the limit comes the next event"
        );
        assert_eq!(sq.rec(2 * S), 2 * S);
        assert_eq!(sq.rec(3 * S + 500_000_000), 61 * S + 500_000_000);
        c.play(ms(0));
        assert_eq!(c.tick(ms(2900)), 2_900_000_000);
        assert_eq!(c.tick(ms(3000)), 61 * S);
        assert_eq!(c.until(ms(3000), 62 * S), Some(ms(1000)));
        // a long wait before the first event is squeezed too
        let c = clock(
            &[30 * S, 31 * S],
            ClockOptions {
                idle_limit: Some(S),
                ..opts()
            },
        );
        assert_eq!(c.total(), 2 * S);
        // and nothing is squeezed without a limit
        let c = clock(&times, opts());
        assert_eq!(c.total(), 62 * S);
        assert!(c.squeeze().cuts().is_empty());
    }

    #[test]
    fn seeks_while_playing_go_on_playing_from_there() {
        let mut c = clock(&[0, 100 * S], opts());
        c.play(ms(0));
        c.tick(ms(5000));
        c.seek(ms(5000), 50 * S);
        assert!(c.playing());
        assert_eq!(c.tick(ms(6000)), 51 * S);
        c.seek(ms(6000), 10 * S);
        assert_eq!(c.tick(ms(6500)), 10_500_000_000);
        c.pause(ms(7000));
        c.seek(ms(7000), 20 * S);
        assert!(!c.playing());
        assert_eq!(c.tick(ms(99_000)), 20 * S);
        // past the end is the end
        c.seek(ms(99_000), 1000 * S);
        assert_eq!(c.tick(ms(99_000)), 100 * S);
    }

    #[test]
    fn the_end_pauses_on_the_last_frame_and_play_starts_over() {
        let mut c = clock(&[0, 2 * S], opts());
        c.play(ms(0));
        assert_eq!(c.tick(ms(1000)), S);
        assert_eq!(c.tick(ms(5000)), 2 * S);
        assert!(!c.playing(), "paused at the end");
        assert!(c.at_end(ms(6000)));
        assert_eq!(c.tick(ms(60_000)), 2 * S, "and stays there");
        c.play(ms(60_000));
        assert_eq!(
            c.tick(ms(60_500)),
            500_000_000,
            "play at the end starts over"
        );
    }

    #[test]
    fn loops() {
        let o = ClockOptions {
            looping: true,
            ..opts()
        };
        let mut c = clock(&[0, 2 * S], o);
        c.play(ms(0));
        assert_eq!(c.tick(ms(2500)), 500_000_000);
        assert!(c.playing());
        assert_eq!(c.tick(ms(3000)), S);
        assert_eq!(c.tick(ms(7500)), 1_500_000_000);
        // a recording of one instant cannot loop: it pauses
        let mut c = clock(
            &[0],
            ClockOptions {
                looping: true,
                ..opts()
            },
        );
        c.play(ms(0));
        assert_eq!(c.tick(ms(100)), 0);
        assert!(!c.playing());
    }

    #[test]
    fn pauses_on_markers() {
        let o = ClockOptions {
            pause_on_markers: true,
            ..opts()
        };
        let mut c = Clock::new([0, 2 * S, 5 * S, 9 * S], vec![2 * S, 5 * S], &o);
        c.play(ms(0));
        assert_eq!(c.tick(ms(1000)), S);
        assert_eq!(c.tick(ms(3000)), 2 * S, "stopped at the marker");
        assert!(!c.playing());
        c.play(ms(4000));
        assert_eq!(c.tick(ms(5000)), 3 * S, "resumes past it");
        assert_eq!(c.tick(ms(8000)), 5 * S);
        assert!(!c.playing());
        // a seek onto a marker does not stop there again
        c.seek(ms(8000), 2 * S);
        c.play(ms(8000));
        assert_eq!(c.tick(ms(8100)), 2_100_000_000);
        // without the option markers are just events
        let mut c = Clock::new([0, 2 * S, 9 * S], vec![2 * S], &opts());
        c.play(ms(0));
        assert_eq!(c.tick(ms(3000)), 3 * S);
    }
}
