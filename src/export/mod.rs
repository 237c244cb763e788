//! Exports: a recording (or a clip of it) as asciicast v2/v3 or as plain text.
//!
//! An export is a stream of [`Item`]s made by [`Items`] from a loaded recording:
//! - times in nanoseconds from the export's start, squeezed by an idle limit if asked;
//! - output bytes after the newline translation auditty shows (bare LF → CR LF when `crlf`), so
//!   that a player that feeds them raw (every asciicast player does) shows what auditty shows;
//! - for a clip (`--from`), a first output event that we generate from the emulated screen at
//!   `--from` ([`preamble::redraw`]), so the clip is a recording of its own that does not start
//!   on a blank screen, followed by the events after `--from`.
//!
//! Writers: [`asciicast`] (v2 absolute times, v3 intervals), [`text`] (the session's text with
//! scrollback). Files are written by [`crate::output`].

pub mod asciicast;
pub mod preamble;
pub mod text;

use crate::emulator::newline::Newlines;
use crate::emulator::Term;
use crate::error::{Error, Result};
use crate::recording::Recording;
use crate::review::redact::guard::{Guard, Outcome};
use crate::timeline::squeeze::Squeeze;
use crate::timeline::{Kind, Nanos};
use chrono::{DateTime, FixedOffset};
use std::borrow::Cow;

/// What an exported event is (asciicast codes `o`, `i`, `m`, `r`, `x`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Output,
    Input,
    Marker,
    Resize,
    Exit,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Output => "o",
            Code::Input => "i",
            Code::Marker => "m",
            Code::Resize => "r",
            Code::Exit => "x",
        }
    }
}

/// One exported event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<'a> {
    /// Nanoseconds from the start of the export.
    pub t: Nanos,
    pub code: Code,
    pub data: Cow<'a, str>,
}

/// Which part of a recording to export, and how to time it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Range {
    /// Start of a clip, in nanoseconds from the recording's start (may be negative: before it).
    pub from: Option<i128>,
    /// End: events at or before it are exported.
    pub to: Option<i128>,
    /// Gaps between events longer than this are shortened to it.
    pub idle_limit: Option<Nanos>,
}

/// The header facts of an export.
#[derive(Debug, Clone)]
pub struct Meta {
    pub cols: u16,
    pub rows: u16,
    /// The wall-clock instant of the export's `t = 0`.
    pub start: Option<DateTime<FixedOffset>>,
    pub title: Option<String>,
    /// Written as the header's `idle_time_limit`, in seconds.
    pub idle_time_limit: Option<f64>,
}

fn utf8(data: Cow<'_, [u8]>) -> Cow<'_, str> {
    match data {
        Cow::Borrowed(b) => String::from_utf8_lossy(b),
        Cow::Owned(v) => Cow::Owned(
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

/// The events of an export, in order, with the header facts.
pub struct Items<'a> {
    loaded: &'a Recording,
    pub meta: Meta,
    preamble: Option<String>,
    next: usize,
    end: usize,
    /// Subtracted from event times (the clip's start).
    origin: i128,
    newlines: Newlines,
    /// Pauses longer than the idle limit squeezed, in times from `origin`.
    squeeze: Squeeze,
    /// Whether this is a clip (it starts with a redraw).
    clip: bool,
    /// With `--redact`: the events masked as they are read (one for each event, in order),
    /// and the screen they draw watched for secrets drawn in pieces.
    masked: Option<crate::review::redact::live::Masked<'a>>,
    guard: Option<Guard<'a>>,
    /// Events held while the guard watches for the rest of a secret drawn in pieces.
    held: std::collections::VecDeque<Item<'a>>,
    /// Events ready to go, in order.
    ready: std::collections::VecDeque<Item<'a>>,
}

impl<'a> Items<'a> {
    /// Plan an export. Errors when `from` is not before `to`.
    pub fn new(loaded: &'a Recording, range: Range) -> Result<Self> {
        Self::redacted(loaded, range, None)
    }

    /// Plan an export, masked by `redact` as it is written (`--redact`: nothing buffered but
    /// the events of the lines being read; a clip's first screen masked cell by cell too).
    pub fn redacted(
        loaded: &'a Recording,
        range: Range,
        redact: Option<&'a crate::review::redact::Plan>,
    ) -> Result<Self> {
        let tl = &loaded.tl;
        let mut masked = redact.map(|p| p.events(tl));
        if let (Some(f), Some(t)) = (range.from, range.to) {
            if f >= t {
                return Err(Error::Usage("--from must be before --to".into()));
            }
        }
        if let Some(f) = range.from {
            // a clip's times count from --from: they must fit a timeline too
            if tl.duration() as i128 - f > crate::timeline::MAX_SPAN as i128 {
                return Err(Error::Usage(
                    "--from is more than 292 years before the recording's end: \
                     a clip cannot span so long"
                        .into(),
                ));
            }
        }
        let end = range.to.map_or(tl.events.len(), |t| tl.count_at(t));
        let mut newlines = Newlines::new(loaded.crlf);
        let (mut cols, mut rows) = (loaded.geometry.cols, loaded.geometry.rows);
        let mut preamble = None;
        let mut next = 0;
        let mut origin = 0i128;
        let mut guard = redact.map(|p| Guard::new(&p.redactor, cols, rows, loaded.crlf));
        if let Some(from) = range.from {
            // replay what happened up to `from`; the clip starts with that screen
            next = tl.count_at(from);
            origin = from;
            let mut term = Term::new(cols, rows, loaded.crlf);
            for ev in &tl.events[..next] {
                let data = match &mut masked {
                    Some(m) => m.next().map_or(Cow::Borrowed(&[][..]), |(_, d)| d),
                    None => tl.data(ev),
                };
                match ev.kind {
                    Kind::Output => {
                        match &mut guard {
                            Some(g) => drop(g.output(&data)),
                            None => term.feed(&data),
                        }
                        newlines.translate(data);
                    }
                    Kind::Resize { cols: c, rows: r } => {
                        match &mut guard {
                            Some(g) => drop(g.resize(c, r)),
                            None => term.resize(c, r),
                        }
                        (cols, rows) = (c, r);
                    }
                    _ => {}
                }
            }
            // what the clip does not write is not held for it
            if let Some(g) = &mut guard {
                g.flush();
            }
            let snap = guard.as_ref().map_or(&term, |g| g.term()).snapshot();
            // what the stream's lines did not show (a secret drawn in pieces) is masked here
            let screen = match redact {
                Some(p) => p.redactor.screen(&snap.screen),
                None => snap.screen,
            };
            preamble = Some(preamble::redraw(&screen, &snap.pre, &snap.title));
        }
        let start = match (tl.start, range.from) {
            (Some(s), Some(from)) => i64::try_from(from)
                .ok()
                .and_then(|n| s.checked_add_signed(chrono::Duration::nanoseconds(n))),
            (s, _) => s,
        };
        let squeeze = Squeeze::new(
            tl.events[next..end].iter().map(|e| relative(e.t, origin)),
            range.idle_limit,
        );
        let idle_time_limit = match range.idle_limit {
            Some(n) => Some(n as f64 / 1e9),
            None => tl.idle_time_limit,
        };
        Ok(Items {
            loaded,
            meta: Meta {
                cols,
                rows,
                start,
                title: match redact {
                    Some(p) => tl.title.as_deref().map(|t| p.redactor.text(t)),
                    None => tl.title.clone(),
                },
                idle_time_limit,
            },
            preamble,
            next,
            end,
            origin,
            newlines,
            squeeze,
            clip: range.from.is_some(),
            masked,
            guard,
            held: Default::default(),
            ready: Default::default(),
        })
    }

    /// The export's time for an event at `t` in the recording (after `origin`).
    fn time(&self, t: Nanos) -> Nanos {
        let t = self.squeeze.pres(relative(t, self.origin));
        if self.clip {
            // after the redraw at 0: at least 1 µs, so that the clip's first instant shows
            // the screen at --from and nothing after it, once times are rounded to the µs
            t.max(1000)
        } else {
            t
        }
    }
}

/// A recording time as a time from `origin` (the clip's start), never before it.
fn relative(t: Nanos, origin: i128) -> Nanos {
    (t as i128 - origin).clamp(0, u64::MAX as i128) as Nanos
}

impl<'a> Iterator for Items<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        if let Some(p) = self.preamble.take() {
            return Some(Item {
                t: 0,
                code: Code::Output,
                data: Cow::Owned(p),
            });
        }
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if self.next >= self.end {
                // the end: what is held goes as it is
                if let Some(g) = &mut self.guard {
                    g.flush();
                }
                self.ready.append(&mut self.held);
                return self.ready.pop_front();
            }
            self.read_one();
        }
    }
}

impl<'a> Items<'a> {
    /// The next event read, and queued: ready, or held behind the events the guard holds.
    fn read_one(&mut self) {
        let tl: &'a crate::timeline::Timeline = &self.loaded.tl;
        let ev = &tl.events[self.next];
        self.next += 1;
        let data = match &mut self.masked {
            Some(m) => m.next().map_or(Cow::Borrowed(&[][..]), |(_, d)| d),
            None => tl.data(ev),
        };
        let t = self.time(ev.t);
        let item = |code, data| Item { t, code, data };
        match ev.kind {
            Kind::Output => {
                let outcome = self.guard.as_mut().map(|g| g.output(&data));
                let data = utf8(self.newlines.translate(data));
                match outcome {
                    None | Some(Outcome::Now(None)) => {
                        self.ready.push_back(item(Code::Output, data))
                    }
                    Some(Outcome::Now(Some(f))) => self
                        .ready
                        .push_back(item(Code::Output, Cow::Owned(data.into_owned() + &f))),
                    Some(Outcome::Held) => self.held.push_back(item(Code::Output, data)),
                    Some(Outcome::Release(fixes)) => {
                        self.held.push_back(item(Code::Output, data));
                        let mut fixes = fixes.into_iter();
                        for mut held in self.held.drain(..) {
                            if held.code == Code::Output {
                                if let Some(f) = fixes.next().flatten() {
                                    held.data = Cow::Owned(held.data.into_owned() + &f);
                                }
                            }
                            self.ready.push_back(held);
                        }
                    }
                }
            }
            Kind::Resize { cols, rows } => {
                if let Some(g) = &mut self.guard {
                    g.resize(cols, rows);
                }
                // what was held goes before it, as it is
                self.ready.append(&mut self.held);
                let size = Cow::Owned(format!("{cols}x{rows}"));
                self.ready.push_back(item(Code::Resize, size));
            }
            Kind::Input => self.queue(item(Code::Input, utf8(data))),
            Kind::Marker => self.queue(item(Code::Marker, utf8(data))),
            Kind::Exit(n) => self.queue(item(Code::Exit, Cow::Owned(n.to_string()))),
        }
    }

    /// An event that is not output: behind those held, if any.
    fn queue(&mut self, item: Item<'a>) {
        if self.guard.as_ref().is_some_and(Guard::holding) {
            self.held.push_back(item);
        } else {
            self.ready.push_back(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(events: &[(u64, Kind, &str)]) -> Recording {
        let mut tl = crate::timeline::Timeline::new(vec![]);
        for (t, k, d) in events {
            tl.push(*t, *k, d.as_bytes());
        }
        let settings = crate::recording::Settings {
            cols: Some(20),
            rows: Some(5),
            ..Default::default()
        };
        Recording::new("t".into(), tl, &settings)
    }

    #[test]
    fn a_clip_starts_at_the_size_of_its_moment() {
        let l = loaded(&[
            (0, Kind::Output, "a"),
            (10, Kind::Resize { cols: 30, rows: 7 }, ""),
            (20, Kind::Input, "x"),
            (30, Kind::Marker, "here"),
            (40, Kind::Output, "b"),
        ]);
        let items = Items::new(
            &l,
            Range {
                from: Some(25),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((items.meta.cols, items.meta.rows), (30, 7));
        let got: Vec<(u64, Code)> = items.map(|i| (i.t, i.code)).collect();
        // the redraw at 0, then the events after --from, 1 µs at least after it
        assert_eq!(
            got,
            [
                (0, Code::Output),
                (1000, Code::Marker),
                (1000, Code::Output)
            ]
        );
        assert!(Items::new(
            &l,
            Range {
                from: Some(30),
                to: Some(30),
                idle_limit: None
            }
        )
        .is_err());
    }
}
