//! The timeline: a recording's events with times relative to its start.
//!
//! Events do not copy their content: each keeps a range of the timeline's data. An audit log
//! read from a file or a pipe is parsed as it arrives and each event's content unescaped onto
//! that data at once (`formats::stream`); a recording read whole keeps the range of its JSON
//! string literal in the source text, unescaped in place once parsed ([`Timeline::compact`]).
//! Either way the content is held once, plus a small record per event.

pub mod json;
pub mod squeeze;
pub mod timespec;

use chrono::{DateTime, FixedOffset};
use std::borrow::Cow;

pub use timespec::{TimeError, TimeSpec, Within};

/// Nanoseconds since the start of the recording.
pub type Nanos = u64;

pub const NANOS_PER_SEC: u64 = 1_000_000_000;

/// The longest span a recording may cover: `i64::MAX` nanoseconds, about 292 years. Every
/// time on a timeline is at most this, so that it converts exactly to a wall-clock time
/// (chrono counts nanoseconds in an `i64`) and two times can be subtracted or added without
/// wrapping. A recording that spans more is refused where its first event past the limit
/// stands, rather than showing times that are in no file.
pub const MAX_SPAN: Nanos = i64::MAX as u64;

/// An event lies past [`MAX_SPAN`] from the recording's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanError;

impl std::fmt::Display for SpanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "this event is more than 292 years after the recording's start: auditty cannot \
             represent a recording that spans so long",
        )
    }
}

impl std::error::Error for SpanError {}

/// `t` as a time on a timeline, or the error of an event that lies past [`MAX_SPAN`].
pub fn check_span(t: i128) -> Result<Nanos, SpanError> {
    if (0..=MAX_SPAN as i128).contains(&t) {
        Ok(t as Nanos)
    } else {
        Err(SpanError)
    }
}

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bytes the program wrote to the terminal.
    Output,
    /// Bytes typed by the user.
    Input,
    /// The terminal was resized (asciicast `r`).
    Resize { cols: u16, rows: u16 },
    /// A marker (asciicast `m`); the label is the event's content.
    Marker,
    /// The session's exit status (asciicast `x`).
    Exit(i32),
}

/// How an event's content is stored in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A JSON string literal, quotes included, to be unescaped.
    Json,
    /// Raw UTF-8 bytes.
    Raw,
}

/// One event. Its content lives in the timeline's text, at `start..start+len`.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub t: Nanos,
    pub kind: Kind,
    pub start: u64,
    pub len: u32,
    pub enc: Encoding,
}

/// The recording's format, as detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Scalingo audit log: a JSON array of `{time, content, type}`.
    ScalingoJson,
    /// The same objects, one per line.
    ScalingoNdjson,
    /// asciicast v1: one JSON object with a `stdout` array.
    AsciicastV1,
    AsciicastV2,
    AsciicastV3,
    /// Not a recording: a context source's entries drawn one a line (`context::feed`).
    Feed,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::ScalingoJson => "scalingo-json",
            Format::ScalingoNdjson => "scalingo-ndjson",
            Format::AsciicastV1 => "asciicast-v1",
            Format::AsciicastV2 => "asciicast-v2",
            Format::AsciicastV3 => "asciicast-v3",
            Format::Feed => "context-feed",
        }
    }
}

/// A warning about an odd but readable recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub place: crate::error::Place,
    pub what: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.place {
            crate::error::Place::Whole => f.write_str(&self.what),
            ref p => write!(f, "{p}: {}", self.what),
        }
    }
}

/// A loaded recording.
#[derive(Debug, Default)]
pub struct Timeline {
    pub format: Option<Format>,
    /// Whether the source was gzip-compressed.
    pub gzip: bool,
    /// The wall-clock instant of `t = 0`, with the recording's UTC offset.
    pub start: Option<DateTime<FixedOffset>>,
    pub events: Vec<Event>,
    /// The geometry the recording states (asciicast header), if any.
    pub header_size: Option<(u16, u16)>,
    /// `idle_time_limit` from an asciicast header.
    pub idle_time_limit: Option<f64>,
    pub title: Option<String>,
    pub warnings: Vec<Warning>,
    /// sha256 of the source bytes as read (compressed, if it was).
    pub sha256: String,
    /// Size of the source bytes as read.
    pub source_len: u64,
    text: Vec<u8>,
}

impl Timeline {
    pub fn new(text: Vec<u8>) -> Self {
        Timeline {
            text,
            ..Default::default()
        }
    }

    /// The source text events point into.
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    pub fn warn(&mut self, place: crate::error::Place, what: impl Into<String>) {
        self.warnings.push(Warning {
            place,
            what: what.into(),
        });
    }

    /// Time of the last event.
    pub fn duration(&self) -> Nanos {
        self.events.last().map_or(0, |e| e.t)
    }

    /// The content of an event, unescaped. Borrowed when it needs no unescaping.
    pub fn data(&self, ev: &Event) -> Cow<'_, [u8]> {
        let raw = &self.text[ev.start as usize..ev.start as usize + ev.len as usize];
        match ev.enc {
            Encoding::Raw => Cow::Borrowed(raw),
            Encoding::Json => json::unescape(raw),
        }
    }

    /// The content of an event as text (invalid UTF-8 replaced).
    pub fn text_of(&self, ev: &Event) -> String {
        match self.data(ev) {
            Cow::Borrowed(b) => String::from_utf8_lossy(b).into_owned(),
            Cow::Owned(v) => String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    }

    /// Wall-clock time of a position, in the recording's offset. `None` when the recording
    /// has no start, or when the time cannot be told exactly (past [`MAX_SPAN`], or past the
    /// end of the calendar): a time that is not in the recording is never made up.
    pub fn wall_clock(&self, t: Nanos) -> Option<DateTime<FixedOffset>> {
        let n = i64::try_from(t).ok()?;
        self.start?
            .checked_add_signed(chrono::Duration::nanoseconds(n))
    }

    /// Number of events at or before `t` (the events that make up the screen at `t`).
    pub fn count_at(&self, t: i128) -> usize {
        self.events.partition_point(|e| (e.t as i128) <= t)
    }

    pub fn count(&self, pred: impl Fn(&Kind) -> bool) -> usize {
        self.events.iter().filter(|e| pred(&e.kind)).count()
    }

    /// Total bytes of output content (unescaped).
    pub fn output_bytes(&self) -> u64 {
        self.events
            .iter()
            .filter(|e| e.kind == Kind::Output)
            .map(|e| self.data(e).len() as u64)
            .sum()
    }

    /// Iterate over output events' contents.
    pub fn outputs(&self) -> impl Iterator<Item = (usize, Cow<'_, [u8]>)> {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == Kind::Output)
            .map(|(i, e)| (i, self.data(e)))
    }
}

/// Format a duration in nanoseconds as seconds with millisecond precision.
pub fn secs(t: Nanos) -> f64 {
    t as f64 / NANOS_PER_SEC as f64
}

/// Seconds (an option's value, such as an idle limit) as nanoseconds; negative ones as 0.
pub fn secs_to_nanos(s: f64) -> Nanos {
    (s.max(0.0) * NANOS_PER_SEC as f64).round() as Nanos
}

/// `1:02:03.250` style, for people.
pub fn clock(t: Nanos) -> String {
    let ms = t / 1_000_000;
    let (h, m, s, ms) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{ms:03}")
    } else {
        format!("{m}:{s:02}.{ms:03}")
    }
}

impl Timeline {
    /// Unescape every event's content in place, over the JSON text it came from (unescaped
    /// content is never longer than its literal, and events are in file order, so writing
    /// never overtakes reading), then give back the rest of the buffer. The source text is
    /// thus held once, and content is read without unescaping afterwards. Returns the
    /// indices of events in which a lone UTF-16 surrogate was replaced.
    pub fn compact(&mut self) -> Vec<usize> {
        let mut lone = Vec::new();
        let mut w = 0usize;
        let mut scratch = Vec::new();
        let mut sorted = true;
        let mut last_start = 0u64;
        for ev in &self.events {
            sorted &= ev.start >= last_start;
            last_start = ev.start;
        }
        if !sorted {
            // not in file order (never the case for the readers): keep the text as it is
            return lone;
        }
        for (i, ev) in self.events.iter_mut().enumerate() {
            let (s, len) = (ev.start as usize, ev.len as usize);
            let lit = &self.text[s..s + len];
            match ev.enc {
                Encoding::Raw => {
                    self.text.copy_within(s..s + len, w);
                    ev.start = w as u64;
                    w += len;
                }
                Encoding::Json => {
                    let inner = if len >= 2 {
                        &lit[1..len - 1]
                    } else {
                        &lit[..0]
                    };
                    let n = if memchr::memchr(b'\\', inner).is_none() {
                        let n = inner.len();
                        self.text.copy_within(s + 1..s + 1 + n, w);
                        n
                    } else {
                        scratch.clear();
                        if json::unescape_into(lit, &mut scratch) {
                            lone.push(i);
                        }
                        self.text[w..w + scratch.len()].copy_from_slice(&scratch);
                        scratch.len()
                    };
                    ev.start = w as u64;
                    ev.len = n as u32;
                    ev.enc = Encoding::Raw;
                    w += n;
                }
            }
        }
        self.text.truncate(w);
        self.text.shrink_to_fit();
        lone
    }

    /// Append an event whose content is given as raw bytes (for builders and tests).
    /// Times are clamped to be non-decreasing.
    pub fn push(&mut self, t: Nanos, kind: Kind, data: &[u8]) {
        let t = t.max(self.duration());
        let start = self.text.len() as u64;
        self.text.extend_from_slice(data);
        self.events.push(Event {
            t,
            kind,
            start,
            len: data.len() as u32,
            enc: Encoding::Raw,
        });
    }
}
