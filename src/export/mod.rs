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

use crate::commands::Loaded;
use crate::emulator::Term;
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

/// Translates bare LF to CR LF exactly as the emulator's pre-filter does (a tty's `onlcr`):
/// an LF not preceded by CR, the previous byte carried across events.
#[derive(Debug, Clone, Copy)]
pub struct Newlines {
    crlf: bool,
    last: u8,
}

impl Newlines {
    pub fn new(crlf: bool) -> Self {
        Newlines { crlf, last: 0 }
    }

    pub fn translate<'a>(&mut self, data: Cow<'a, [u8]>) -> Cow<'a, [u8]> {
        let prev = self.last;
        if let Some(&b) = data.last() {
            self.last = b;
        }
        if !self.crlf || memchr::memchr(b'\n', &data).is_none() {
            return data;
        }
        let mut out = Vec::with_capacity(data.len() + data.len() / 16 + 1);
        let mut last = prev;
        for &b in data.iter() {
            if b == b'\n' && last != b'\r' {
                out.push(b'\r');
            }
            out.push(b);
            last = b;
        }
        Cow::Owned(out)
    }
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
    loaded: &'a Loaded,
    pub meta: Meta,
    preamble: Option<String>,
    next: usize,
    end: usize,
    /// Subtracted from event times (the clip's start).
    origin: i128,
    newlines: Newlines,
    idle_limit: Option<Nanos>,
    /// Whether this is a clip (it starts with a redraw).
    clip: bool,
    /// Last event's time, before and after squeezing.
    prev_in: Nanos,
    prev_out: Nanos,
}

impl<'a> Items<'a> {
    /// Plan an export. Errors when `from` is not before `to`.
    pub fn new(loaded: &'a Loaded, range: Range) -> Result<Self, String> {
        let tl = &loaded.tl;
        if let (Some(f), Some(t)) = (range.from, range.to) {
            if f >= t {
                return Err("--from must be before --to".into());
            }
        }
        if let Some(f) = range.from {
            // a clip's times count from --from: they must fit a timeline too
            if tl.duration() as i128 - f > crate::timeline::MAX_SPAN as i128 {
                return Err("--from is more than 292 years before the recording's end: \
                            a clip cannot span so long"
                    .into());
            }
        }
        let end = range.to.map_or(tl.events.len(), |t| tl.count_at(t));
        let mut newlines = Newlines::new(loaded.crlf);
        let (mut cols, mut rows) = (loaded.geometry.cols, loaded.geometry.rows);
        let mut preamble = None;
        let mut next = 0;
        let mut origin = 0i128;
        if let Some(from) = range.from {
            // replay what happened up to `from`; the clip starts with that screen
            next = tl.count_at(from);
            origin = from;
            let mut term = Term::new(cols, rows, loaded.crlf);
            for ev in &tl.events[..next] {
                match ev.kind {
                    Kind::Output => {
                        let data = tl.data(ev);
                        term.feed(&data);
                        newlines.translate(data);
                    }
                    Kind::Resize { cols: c, rows: r } => {
                        term.resize(c, r);
                        (cols, rows) = (c, r);
                    }
                    _ => {}
                }
            }
            let snap = term.snapshot();
            preamble = Some(preamble::redraw(&snap.screen, &snap.pre, &snap.title));
        }
        let start = match (tl.start, range.from) {
            (Some(s), Some(from)) => i64::try_from(from)
                .ok()
                .and_then(|n| s.checked_add_signed(chrono::Duration::nanoseconds(n))),
            (s, _) => s,
        };
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
                title: tl.title.clone(),
                idle_time_limit,
            },
            preamble,
            next,
            end,
            origin,
            newlines,
            idle_limit: range.idle_limit,
            clip: range.from.is_some(),
            prev_in: 0,
            prev_out: 0,
        })
    }

    /// The export's time for an event at `t` in the recording (after `origin`).
    fn time(&mut self, t: Nanos) -> Nanos {
        let rel = (t as i128 - self.origin).clamp(0, u64::MAX as i128) as Nanos;
        let gap = rel.saturating_sub(self.prev_in);
        let gap = self.idle_limit.map_or(gap, |l| gap.min(l));
        self.prev_in = rel;
        self.prev_out = self.prev_out.saturating_add(gap);
        if self.clip {
            // after the redraw at 0: at least 1 µs, so that the clip's first instant shows
            // the screen at --from and nothing after it, once times are rounded to the µs
            self.prev_out.max(1000)
        } else {
            self.prev_out
        }
    }
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
        let tl: &'a crate::timeline::Timeline = &self.loaded.tl;
        if self.next >= self.end {
            return None;
        }
        let ev = &tl.events[self.next];
        self.next += 1;
        let (code, data): (Code, Cow<'a, str>) = match ev.kind {
            Kind::Output => (Code::Output, utf8(self.newlines.translate(tl.data(ev)))),
            Kind::Input => (Code::Input, utf8(tl.data(ev))),
            Kind::Marker => (Code::Marker, utf8(tl.data(ev))),
            Kind::Resize { cols, rows } => (Code::Resize, Cow::Owned(format!("{cols}x{rows}"))),
            Kind::Exit(n) => (Code::Exit, Cow::Owned(n.to_string())),
        };
        let t = self.time(ev.t);
        Some(Item { t, code, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(n: &mut Newlines, s: &str) -> String {
        String::from_utf8(n.translate(Cow::Borrowed(s.as_bytes())).into_owned()).unwrap()
    }

    #[test]
    fn newlines_like_the_prefilter() {
        let mut n = Newlines::new(true);
        assert_eq!(tr(&mut n, "a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
        assert_eq!(tr(&mut n, "\r"), "\r");
        assert_eq!(
            tr(&mut n, "\nx"),
            "\nx",
            "a CR ending the previous event counts"
        );
        assert_eq!(tr(&mut n, "\n\n"), "\r\n\r\n");
        let mut raw = Newlines::new(false);
        assert_eq!(tr(&mut raw, "a\nb"), "a\nb");
    }

    fn loaded(events: &[(u64, Kind, &str)]) -> Loaded {
        let mut tl = crate::timeline::Timeline::new(vec![]);
        for (t, k, d) in events {
            tl.push(*t, *k, d.as_bytes());
        }
        let term = crate::cli::TermArgs {
            cols: Some(20),
            rows: Some(5),
            ..Default::default()
        };
        crate::commands::prepare("t".into(), tl, &term)
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
