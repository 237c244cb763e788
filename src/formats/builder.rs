//! The one event builder every reader uses: absolute times turned into offsets from the
//! start, oddities noted for warnings, and each event's content either kept as the range of
//! its literal in a text held whole (unescaped in place at the end, [`Timeline::compact`]) or,
//! when the text is streamed, unescaped at once onto the timeline's data.

use crate::error::Place;
use crate::timeline::json;
use crate::timeline::{Encoding, Event, Format, Kind, Timeline, Warning};
use chrono::{DateTime, FixedOffset};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// Where events' contents go.
enum Store {
    /// Ranges of a text held whole, which starts at this address.
    Text(usize),
    /// Unescaped, one after another, as they are read (the text is not kept).
    Data(Vec<u8>),
}

/// Collects events, turning absolute times into offsets and noting oddities.
pub(crate) struct Builder {
    store: Store,
    pub events: Vec<Event>,
    pub start: Option<DateTime<FixedOffset>>,
    last_t: u64,
    backwards: Option<(usize, usize)>,
    start_ns: Option<i128>,
    unknown: BTreeMap<String, (usize, usize)>,
    /// The index in the file of each event pushed (skipped events leave gaps), so that
    /// warnings name the event as the file numbers it (text held whole only).
    file_index: Vec<usize>,
    /// The indices in the file of the events in which a lone surrogate was replaced
    /// (streamed text only: found as they are unescaped).
    lone: Vec<usize>,
    /// Given each event as it is pushed, when a pipeline asked for it (see [`super::Tap`]).
    tap: Option<super::Tap>,
    /// Where the tap's content is unescaped when the text is held whole.
    scratch: Vec<u8>,
    /// Stop after the element that ends at or past this offset of the text (a prefix of
    /// the recording, read before the rest: the player's first frames).
    pub stop_after: Option<usize>,
}

/// What is wrong with one event (the reader that met it says where it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventError {
    /// A field every event has is missing.
    Missing(&'static str),
    /// A field that must be a string is another kind of JSON value (`found`: "a number"…).
    NotAString {
        field: &'static str,
        found: &'static str,
    },
    /// A time that is not RFC 3339 (cut short).
    Time(InvalidTime),
    /// A time too far from the epoch for a date.
    OutOfRange,
    /// Too long after the recording's start.
    Span(crate::timeline::SpanError),
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EventError::Missing(field) => write!(f, "missing field \"{field}\""),
            EventError::NotAString { field, found } => {
                write!(f, "\"{field}\" must be a string, not {found}")
            }
            EventError::Time(e) => e.fmt(f),
            EventError::OutOfRange => f.write_str("time out of range"),
            EventError::Span(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EventError {}

impl From<crate::timeline::SpanError> for EventError {
    fn from(e: crate::timeline::SpanError) -> Self {
        EventError::Span(e)
    }
}

impl From<InvalidTime> for EventError {
    fn from(e: InvalidTime) -> Self {
        EventError::Time(e)
    }
}

/// A time that is not RFC 3339: the text (its first 60 characters) and chrono's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTime {
    pub shown: String,
    pub reason: chrono::ParseError,
}

impl std::fmt::Display for InvalidTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid time \"{}\": {} (expected RFC 3339, like 2019-05-03T17:27:32.681685591+02:00)",
            self.shown, self.reason
        )
    }
}

impl std::error::Error for InvalidTime {}

impl Builder {
    /// Events whose contents stay in `text` (held whole by the caller) until [`Self::finish`].
    pub fn new(text: &[u8]) -> Self {
        Self::with(Store::Text(text.as_ptr() as usize), super::take_tap())
    }

    /// Events whose contents are unescaped as they are pushed: the text may go once read.
    pub fn streaming(tap: Option<super::Tap>) -> Self {
        Self::with(Store::Data(Vec::new()), tap)
    }

    fn with(store: Store, tap: Option<super::Tap>) -> Self {
        Builder {
            store,
            events: Vec::new(),
            start: None,
            last_t: 0,
            backwards: None,
            start_ns: None,
            unknown: BTreeMap::new(),
            file_index: Vec::new(),
            lone: Vec::new(),
            tap,
            scratch: Vec::new(),
            stop_after: None,
        }
    }

    /// Add one event at a position `t` relative to the start. An event earlier than the one
    /// before it is put at the same time (and counted for a warning); one past
    /// [`crate::timeline::MAX_SPAN`] is refused, with what to say about it.
    pub fn push(
        &mut self,
        idx: usize,
        t: i128,
        kind: Kind,
        content: Option<&RawValue>,
    ) -> Result<(), EventError> {
        let t = if t < self.last_t as i128 {
            let b = self.backwards.get_or_insert((idx, 0));
            b.1 += 1;
            self.last_t
        } else {
            crate::timeline::check_span(t)?
        };
        self.last_t = t;
        let lit = content.map_or(&b""[..], |c| c.get().as_bytes());
        let (start, len, enc) = match &mut self.store {
            Store::Text(base) => {
                self.file_index.push(idx);
                let start = match content {
                    Some(_) => (lit.as_ptr() as usize - *base) as u64,
                    None => 0,
                };
                if let Some(tap) = self.tap.as_mut() {
                    self.scratch.clear();
                    json::unescape_into(lit, &mut self.scratch);
                    tap(kind, &self.scratch);
                }
                (
                    start,
                    lit.len().min(u32::MAX as usize) as u32,
                    Encoding::Json,
                )
            }
            Store::Data(data) => {
                let start = data.len();
                if json::unescape_into(lit, data) {
                    self.lone.push(idx);
                }
                if let Some(tap) = self.tap.as_mut() {
                    tap(kind, &data[start..]);
                }
                let len = (data.len() - start).min(u32::MAX as usize) as u32;
                (start as u64, len, Encoding::Raw)
            }
        };
        self.events.push(Event {
            t,
            kind,
            start,
            len,
            enc,
        });
        Ok(())
    }
    pub fn unknown_type(&mut self, idx: usize, ty: &str) {
        let key: String = ty.chars().take(40).collect();
        self.unknown.entry(key).or_insert((idx, 0)).1 += 1;
    }

    /// Place a time (nanoseconds since the Unix epoch, with its offset) on the timeline:
    /// the first one is the start.
    pub(crate) fn relative_ns(&mut self, ns: i128, offset_secs: i32) -> Result<i128, EventError> {
        match self.start_ns {
            Some(s) => Ok(ns - s),
            None => {
                let at = datetime_of(ns, offset_secs).ok_or(EventError::OutOfRange)?;
                self.start = Some(at);
                self.start_ns = Some(ns);
                Ok(0)
            }
        }
    }

    pub fn warnings(&self, surrogates: &[usize]) -> Vec<Warning> {
        let mut w = Vec::new();
        if let Some((first, n)) = self.backwards {
            w.push(Warning {
                place: Place::Event(first, None),
                what: format!(
                    "timestamps go backwards ({n} event{}); file order kept, times clamped",
                    if n == 1 { "" } else { "s" }
                ),
            });
        }
        for (ty, (first, n)) in &self.unknown {
            w.push(Warning {
                place: Place::Event(*first, None),
                what: format!(
                    "unknown event type \"{ty}\" skipped ({n} event{})",
                    if *n == 1 { "" } else { "s" }
                ),
            });
        }
        if let Some(&first) = surrogates.first() {
            let list: Vec<String> = surrogates.iter().take(5).map(|i| i.to_string()).collect();
            let n = surrogates.len();
            w.push(Warning {
                place: Place::Event(first, None),
                what: format!(
                    "lone UTF-16 surrogate replaced by U+FFFD in {n} event{} ({}{})",
                    if n == 1 { "" } else { "s" },
                    list.join(", "),
                    if n > list.len() { ", …" } else { "" }
                ),
            });
        }
        w
    }

    /// The timeline: its content unescaped in place over `tl`'s text when it was held whole
    /// (see [`Timeline::compact`]), or the data unescaped as it was read (`tl` then holds no
    /// text, and nothing of it is kept).
    pub fn finish(mut self, mut tl: Timeline, format: Format) -> Timeline {
        let empty = self.events.is_empty();
        let surrogates: Vec<usize> = match std::mem::replace(&mut self.store, Store::Text(0)) {
            Store::Text(_) => {
                tl.events = std::mem::take(&mut self.events);
                tl.compact()
                    .into_iter()
                    .map(|i| self.file_index.get(i).copied().unwrap_or(i))
                    .collect()
            }
            Store::Data(mut data) => {
                debug_assert!(tl.text().is_empty());
                data.shrink_to_fit();
                tl = Timeline::new(data);
                self.events.shrink_to_fit();
                tl.events = std::mem::take(&mut self.events);
                std::mem::take(&mut self.lone)
            }
        };
        tl.warnings = self.warnings(&surrogates);
        if empty {
            tl.warn(Place::Whole, "the recording has no events");
        }
        tl.start = self.start;
        tl.format = Some(format);
        tl
    }
}

fn datetime_of(ns: i128, offset_secs: i32) -> Option<DateTime<FixedOffset>> {
    let secs = i64::try_from(ns.div_euclid(1_000_000_000)).ok()?;
    let nanos = ns.rem_euclid(1_000_000_000) as u32;
    let utc = chrono::DateTime::from_timestamp(secs, nanos)?;
    Some(utc.with_timezone(&FixedOffset::east_opt(offset_secs)?))
}
