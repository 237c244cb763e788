//! Scalingo audit logs: a JSON array (or NDJSON lines) of `{"time", "content", "type"}`.

use super::builder::{Builder, EventError, InvalidTime};
use super::{json_error, line_col};
use crate::error::{LoadError, Place};
use crate::timeline::json;
use crate::timeline::{Format, Kind, Timeline};
use chrono::{DateTime, FixedOffset};
use serde::de::{self, Deserializer as _, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// One event as it stands in the file: its fields' JSON text, checked later.
#[derive(Default)]
pub(crate) struct RawEvent<'a> {
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

/// A JSON string value, unescaped (for short fields such as `time` and `type`).
fn string_of(raw: &RawValue) -> Option<String> {
    let s = raw.get();
    s.starts_with('"')
        .then(|| String::from_utf8_lossy(&json::unescape(s.as_bytes())).into_owned())
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

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The common RFC 3339 form, `YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|±HH:MM)`, without allocating:
/// nanoseconds since the epoch and the offset in seconds. `None` sends the caller to chrono.
fn fast_rfc3339(b: &[u8]) -> Option<(i128, i32)> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as i64;
        }
        Some(v)
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    if d > 28 {
        // let chrono judge the ends of months
        let last = chrono::NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32);
        last?;
    }
    let mut i = 19;
    let mut frac = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        frac = num(start..i)? * 10i64.pow(9 - digits as u32);
    }
    let offset = match b.get(i..)? {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let _ = (h1, h2, m1, m2);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = (oh * 3600 + om * 60) as i32;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let local = ((days * 86_400 + h * 3600 + mi * 60 + sec) as i128) * 1_000_000_000 + frac as i128;
    Some((local - offset as i128 * 1_000_000_000, offset))
}

/// Nanoseconds since the epoch and offset of an RFC 3339 time.
fn parse_time_ns(s: &[u8]) -> Result<(i128, i32), InvalidTime> {
    if let Some(v) = fast_rfc3339(s) {
        return Ok(v);
    }
    let at = parse_time(&String::from_utf8_lossy(s))?;
    let utc = at.timestamp() as i128 * 1_000_000_000 + at.timestamp_subsec_nanos() as i128;
    Ok((utc, at.offset().local_minus_utc()))
}

pub fn parse_time(s: &str) -> Result<DateTime<FixedOffset>, InvalidTime> {
    DateTime::parse_from_rfc3339(s).map_err(|reason| InvalidTime {
        shown: s.chars().take(60).collect(),
        reason,
    })
}

/// Check and add one event; `Err` is what is wrong with it.
pub(crate) fn add_event(b: &mut Builder, idx: usize, ev: RawEvent<'_>) -> Result<(), EventError> {
    let time = ev.time.ok_or(EventError::Missing("time"))?;
    let (ns, offset) = match time.get().as_bytes() {
        [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') => parse_time_ns(inner)?,
        _ => {
            let s = string_of(time).ok_or_else(|| EventError::NotAString {
                field: "time",
                found: json_kind(time),
            })?;
            parse_time_ns(s.as_bytes())?
        }
    };
    let ty = ev.kind.ok_or(EventError::Missing("type"))?;
    let kind = match ty.get() {
        "\"output\"" => Kind::Output,
        "\"input\"" => Kind::Input,
        _ => {
            let ty = string_of(ty).ok_or_else(|| EventError::NotAString {
                field: "type",
                found: json_kind(ty),
            })?;
            match ty.as_str() {
                "output" => Kind::Output,
                "input" => Kind::Input,
                other => {
                    // still a valid time: it may be the start
                    b.relative_ns(ns, offset)?;
                    b.unknown_type(idx, other);
                    return Ok(());
                }
            }
        }
    };
    let content = ev.content.ok_or(EventError::Missing("content"))?;
    if !content.get().starts_with('"') {
        return Err(EventError::NotAString {
            field: "content",
            found: json_kind(content),
        });
    }
    let t = b.relative_ns(ns, offset)?;
    b.push(idx, t, kind, Some(content))
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
                *self.failure = Some(what.to_string());
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
                what.to_string(),
            ));
        }
        index += 1;
    }
    Ok(b.finish(Timeline::new(text), Format::ScalingoNdjson))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_time_parse_agrees_with_chrono() {
        for s in [
            "2019-05-03T17:27:27.819655645+02:00",
            "2019-05-03T17:27:27.81982273+02:00",
            "2019-05-03T15:27:27Z",
            "1999-12-31T23:59:59.5-05:30",
            "2024-02-29T00:00:00.000000001+00:00",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z",
        ] {
            let at = DateTime::parse_from_rfc3339(s).unwrap();
            let want = (
                at.timestamp() as i128 * 1_000_000_000 + at.timestamp_subsec_nanos() as i128,
                at.offset().local_minus_utc(),
            );
            assert_eq!(fast_rfc3339(s.as_bytes()), Some(want), "{s}");
        }
        for s in [
            "2019-02-30T00:00:00Z",
            "2019-05-03 17:27:27Z",
            "2019-05-03T17:27:27",
            "2019-05-03T25:00:00Z",
            "2019-05-03T17:27:27.Z",
        ] {
            assert_eq!(fast_rfc3339(s.as_bytes()), None, "{s}");
        }
        // chrono takes what the fast path leaves
        assert!(parse_time_ns(b"2019-05-03 17:27:27Z").is_ok());
        assert!(parse_time_ns(b"2019-02-30T00:00:00Z").is_err());
    }
}
