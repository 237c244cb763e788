//! Scalingo audit logs: a JSON array (or NDJSON lines) of `{"time", "content", "type"}`.

use super::{json_error, line_col};
use crate::error::{LoadError, Place};
use crate::timeline::{Encoding, Event, Format, Kind, Timeline, Warning};
use chrono::{DateTime, FixedOffset};
use serde::de::{self, Deserializer as _, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// One event as it stands in the file: its fields' JSON text, checked later.
#[derive(Default)]
struct RawEvent<'a> {
    time: Option<&'a RawValue>,
    content: Option<&'a RawValue>,
    kind: Option<&'a RawValue>,
}

impl<'de> Deserialize<'de> for RawEvent<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEvent<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an event object {\"time\", \"content\", \"type\"}")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawEvent<'de>, A::Error> {
                let mut ev = RawEvent::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let slot = match key.as_ref() {
                        "time" => &mut ev.time,
                        "content" => &mut ev.content,
                        "type" => &mut ev.kind,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(de::Error::custom(format!("duplicate field \"{key}\"")));
                    }
                    let v: &'de RawValue = map.next_value()?;
                    *slot = (v.get() != "null").then_some(v);
                }
                Ok(ev)
            }
        }
        d.deserialize_map(V)
    }
}

/// Collects events, turning absolute times into offsets and noting oddities.
pub(crate) struct Builder {
    base: usize,
    pub events: Vec<Event>,
    pub start: Option<DateTime<FixedOffset>>,
    last_t: u64,
    backwards: Option<(usize, usize)>,
    unknown: BTreeMap<String, (usize, usize)>,
    surrogates: Vec<usize>,
    surrogate_count: usize,
}

impl Builder {
    pub fn new(text: &[u8]) -> Self {
        Builder {
            base: text.as_ptr() as usize,
            events: Vec::new(),
            start: None,
            last_t: 0,
            backwards: None,
            unknown: BTreeMap::new(),
            surrogates: Vec::new(),
            surrogate_count: 0,
        }
    }

    /// Offset of a borrowed raw value in the text.
    pub fn offset_of(&self, raw: &RawValue) -> u64 {
        (raw.get().as_ptr() as usize - self.base) as u64
    }

    /// Add one event at a position `t` relative to the start (already clamped or not).
    pub fn push(&mut self, idx: usize, t: i128, kind: Kind, content: Option<&RawValue>) {
        let t = if t < self.last_t as i128 {
            let b = self.backwards.get_or_insert((idx, 0));
            b.1 += 1;
            self.last_t
        } else {
            t.min(u64::MAX as i128) as u64
        };
        self.last_t = t;
        let (start, len) = match content {
            Some(c) => {
                let lit = c.get().as_bytes();
                if super::json::has_lone_surrogate(lit) {
                    self.surrogate_count += 1;
                    if self.surrogates.len() < 5 {
                        self.surrogates.push(idx);
                    }
                }
                (self.offset_of(c), lit.len().min(u32::MAX as usize) as u32)
            }
            None => (0, 0),
        };
        self.events.push(Event {
            t,
            kind,
            start,
            len,
            enc: Encoding::Json,
        });
    }

    pub fn unknown_type(&mut self, idx: usize, ty: &str) {
        let key: String = ty.chars().take(40).collect();
        self.unknown.entry(key).or_insert((idx, 0)).1 += 1;
    }

    /// Place an absolute time on the timeline: the first one is the start.
    pub fn relative(&mut self, at: DateTime<FixedOffset>) -> i128 {
        let start = *self.start.get_or_insert(at);
        at.signed_duration_since(start)
            .num_nanoseconds()
            .map_or(i128::MAX, i128::from)
    }

    pub fn warnings(&self) -> Vec<Warning> {
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
        if let Some(&first) = self.surrogates.first() {
            let list: Vec<String> = self.surrogates.iter().map(|i| i.to_string()).collect();
            w.push(Warning {
                place: Place::Event(first, None),
                what: format!(
                    "lone UTF-16 surrogate replaced by U+FFFD in {} event{} ({}{})",
                    self.surrogate_count,
                    if self.surrogate_count == 1 { "" } else { "s" },
                    list.join(", "),
                    if self.surrogate_count > list.len() {
                        ", …"
                    } else {
                        ""
                    }
                ),
            });
        }
        w
    }

    pub fn finish(self, mut tl: Timeline, format: Format) -> Timeline {
        tl.warnings = self.warnings();
        if self.events.is_empty() {
            tl.warn(Place::Whole, "the recording has no events");
        }
        tl.events = self.events;
        tl.start = self.start;
        tl.format = Some(format);
        tl
    }
}

/// A JSON string value, unescaped (for short fields such as `time` and `type`).
fn string_of(raw: &RawValue) -> Option<String> {
    let s = raw.get();
    s.starts_with('"')
        .then(|| String::from_utf8_lossy(&super::json::unescape(s.as_bytes())).into_owned())
}

fn json_kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

pub fn parse_time(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s).map_err(|e| {
        format!(
            "invalid time \"{}\": {e} (expected RFC 3339, like 2019-05-03T17:27:32.681685591+02:00)",
            s.chars().take(60).collect::<String>()
        )
    })
}

/// Check and add one event; `Err` is what is wrong with it.
fn add_event(b: &mut Builder, idx: usize, ev: RawEvent<'_>) -> Result<(), String> {
    let time = ev.time.ok_or("missing field \"time\"")?;
    let time = string_of(time)
        .ok_or_else(|| format!("\"time\" must be a string, not {}", json_kind(time)))?;
    let at = parse_time(&time)?;
    let ty = ev.kind.ok_or("missing field \"type\"")?;
    let ty =
        string_of(ty).ok_or_else(|| format!("\"type\" must be a string, not {}", json_kind(ty)))?;
    let kind = match ty.as_str() {
        "output" => Kind::Output,
        "input" => Kind::Input,
        other => {
            // still a valid time: it may be the start
            b.relative(at);
            b.unknown_type(idx, other);
            return Ok(());
        }
    };
    let content = ev.content.ok_or("missing field \"content\"")?;
    if !content.get().starts_with('"') {
        return Err(format!(
            "\"content\" must be a string, not {}",
            json_kind(content)
        ));
    }
    let t = b.relative(at);
    b.push(idx, t, kind, Some(content));
    Ok(())
}

struct ArrayVisitor<'b> {
    b: &'b mut Builder,
    index: &'b mut usize,
    failure: &'b mut Option<String>,
}

impl<'de> Visitor<'de> for ArrayVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(ev) = seq.next_element::<RawEvent<'de>>()? {
            if let Err(what) = add_event(self.b, *self.index, ev) {
                *self.failure = Some(what.clone());
                return Err(de::Error::custom(what));
            }
            *self.index += 1;
        }
        Ok(())
    }
}

/// A JSON array of events.
pub fn parse_array(name: &str, text: Vec<u8>) -> Result<Timeline, LoadError> {
    let mut b = Builder::new(&text);
    let mut index = 0;
    let mut failure = None;
    {
        let mut de = serde_json::Deserializer::from_slice(&text);
        let r = de
            .deserialize_seq(ArrayVisitor {
                b: &mut b,
                index: &mut index,
                failure: &mut failure,
            })
            .and_then(|()| de.end());
        if let Err(e) = r {
            return Err(match failure {
                Some(what) => LoadError::new(
                    name,
                    Place::Event(index, Some((e.line(), e.column()))),
                    what,
                ),
                None if e.classify() == serde_json::error::Category::Data => {
                    let mut err = json_error(name, &e, 0);
                    err.place = Place::Event(index, Some((e.line(), e.column())));
                    err
                }
                None => json_error(name, &e, 0),
            });
        }
    }
    Ok(b.finish(Timeline::new(text), Format::ScalingoJson))
}

/// One event object per line.
pub fn parse_ndjson(name: &str, text: Vec<u8>) -> Result<Timeline, LoadError> {
    let mut b = Builder::new(&text);
    let mut index = 0;
    let mut pos = 0;
    let mut line_no = 0;
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        line_no += 1;
        let start = pos;
        pos = end + 1;
        if line.iter().all(|c| c.is_ascii_whitespace()) {
            continue;
        }
        let ev: RawEvent = match serde_json::from_slice(line) {
            Ok(ev) => ev,
            Err(e) => {
                let mut err = json_error(name, &e, line_no - 1);
                if e.classify() == serde_json::error::Category::Data {
                    err.place = Place::Event(index, Some((line_no, e.column())));
                }
                return Err(err);
            }
        };
        if let Err(what) = add_event(&mut b, index, ev) {
            let (l, _) = line_col(&text, start);
            return Err(LoadError::new(
                name,
                Place::Event(index, Some((l, 1))),
                what,
            ));
        }
        index += 1;
    }
    Ok(b.finish(Timeline::new(text), Format::ScalingoNdjson))
}
