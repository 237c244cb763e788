//! A recording's events masked as they are read, for exports that write as they go: each
//! event comes out once every line it has a part in is complete (a secret is found in the
//! line's text, whichever events it was written by), so only the events of the current lines
//! are held back — and at most [`MAX_HELD`] of them, then the lines are taken as they stand.
//! Held events are indexes: their bytes are read from the timeline again when they go out.

use super::stream::{hidden_at, rewrite, Scanner};
use super::Redactor;
use crate::review::executed::Hidden;
use crate::timeline::{Kind, Timeline};
use std::borrow::Cow;
use std::collections::VecDeque;

/// Events held back waiting for their lines to end, at most (a program that never ends a
/// line, a full-screen one drawing with cursor moves, would hold them all).
pub const MAX_HELD: usize = 64 * 1024;

/// An event read but not given out yet.
struct Held {
    idx: usize,
    /// Its stream (0 output, 1 input) and where its bytes are in it; `None` for the others.
    lane: Option<(usize, u64, u64)>,
}

/// The events of a timeline in order, each `(index, bytes)` with its secrets masked as
/// [`Redactor::recording`] masks them (markers as text too).
pub struct Masked<'a> {
    r: &'a Redactor,
    tl: &'a Timeline,
    hidden: &'a [Hidden],
    /// Events read so far.
    read: usize,
    held: VecDeque<Held>,
    lanes: [Scanner; 2],
}

impl<'a> Masked<'a> {
    /// `r` masks what it knows: give it the hidden texts too ([`Redactor::with_hidden`]) to
    /// have a password typed unseen masked where it is printed later.
    pub fn new(r: &'a Redactor, tl: &'a Timeline, hidden: &'a [Hidden]) -> Masked<'a> {
        Masked {
            r,
            tl,
            hidden,
            read: 0,
            held: VecDeque::new(),
            lanes: [Scanner::default(), Scanner::default()],
        }
    }

    fn read_one(&mut self) {
        let ev = &self.tl.events[self.read];
        let lane = match ev.kind {
            Kind::Output => Some(0),
            Kind::Input => Some(1),
            _ => None,
        };
        let lane = lane.map(|l| {
            let data = self.tl.data(ev);
            let hide = if l == 1 {
                hidden_at(self.hidden, ev.t)
            } else {
                None
            };
            let s = &mut self.lanes[l];
            let start = s.offset();
            s.feed(self.r, &data, hide);
            (l, start, s.offset())
        });
        self.held.push_back(Held {
            idx: self.read,
            lane,
        });
        self.read += 1;
        if self.held.len() > MAX_HELD {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for s in &mut self.lanes {
            s.flush(self.r);
        }
    }

    fn ready(&self, h: &Held) -> bool {
        h.lane
            .is_none_or(|(l, _, end)| self.lanes[l].decided() >= end)
    }

    fn give(&mut self, h: Held) -> (usize, Cow<'a, [u8]>) {
        let tl: &'a Timeline = self.tl;
        let ev = &tl.events[h.idx];
        let data = match (ev.kind, h.lane) {
            (_, Some((l, start, end))) => {
                let reps = self.lanes[l].take_before(end);
                let data = tl.data(ev);
                if reps.is_empty() {
                    data
                } else {
                    Cow::Owned(rewrite(&data, start, &reps))
                }
            }
            (Kind::Marker, None) => Cow::Owned(self.r.text(&tl.text_of(ev)).into_bytes()),
            _ => tl.data(ev),
        };
        (h.idx, data)
    }
}

impl<'a> Iterator for Masked<'a> {
    type Item = (usize, Cow<'a, [u8]>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.held.front().is_some_and(|h| self.ready(h)) {
                let h = self.held.pop_front()?;
                return Some(self.give(h));
            }
            if self.read < self.tl.events.len() {
                self.read_one();
            } else if self.held.is_empty() {
                return None;
            } else {
                // the end: the last lines are complete
                self.flush();
            }
        }
    }
}
