//! asciicast (asciinema's format): reading v1, v2 and v3. Writing lives in `export`.

use super::scalingo::Builder;
use super::{json_error, line_col};
use crate::error::{LoadError, Place};
use crate::timeline::{Format, Kind, Timeline, NANOS_PER_SEC};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

#[derive(Deserialize, Default)]
struct Term {
    cols: Option<u64>,
    rows: Option<u64>,
}

#[derive(Deserialize)]
struct Header {
    width: Option<u64>,
    height: Option<u64>,
    term: Option<Term>,
    timestamp: Option<f64>,
    idle_time_limit: Option<f64>,
    title: Option<String>,
}

fn dim(v: Option<u64>) -> Option<u16> {
    v.filter(|&n| (1..=10_000).contains(&n)).map(|n| n as u16)
}

fn start_of(ts: Option<f64>) -> Option<DateTime<FixedOffset>> {
    let ts = ts.filter(|t| t.is_finite() && *t >= 0.0 && *t < 1e12)?;
    let secs = ts.trunc() as i64;
    let nanos = ((ts - ts.trunc()) * 1e9).round() as u32;
    Utc.timestamp_opt(secs, nanos.min(999_999_999))
        .single()
        .map(|d| d.fixed_offset())
}

fn secs_to_nanos(x: f64) -> Option<u64> {
    (0.0..1e10)
        .contains(&x)
        .then(|| (x * NANOS_PER_SEC as f64).round() as u64)
}

/// `COLSxROWS`
pub fn parse_size(s: &str) -> Option<(u16, u16)> {
    let (c, r) = s.trim().split_once(['x', 'X'])?;
    let c: u16 = c.trim().parse().ok()?;
    let r: u16 = r.trim().parse().ok()?;
    // an absurd size is kept within what is emulated
    (c > 0 && r > 0).then(|| crate::geometry::bounded(c, r))
}

/// Newline-delimited asciicast v2 or v3.
pub fn parse(name: &str, text: Vec<u8>, version: u8) -> Result<Timeline, LoadError> {
    let mut b = Builder::new(&text);
    let mut tl_meta = Timeline::default();
    let mut pos = 0;
    let mut line_no = 0;
    let mut header_seen = false;
    let mut index = 0;
    let mut clock: u64 = 0; // v3: running sum of intervals
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        let line_start = pos;
        line_no += 1;
        pos = end + 1;
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() || (version == 3 && trimmed.starts_with(b"#")) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            let h: Header =
                serde_json::from_slice(line).map_err(|e| json_error(name, &e, line_no - 1))?;
            let (c, r) = match version {
                2 => (h.width, h.height),
                _ => {
                    let t = h.term.unwrap_or_default();
                    (t.cols, t.rows)
                }
            };
            tl_meta.header_size = dim(c).zip(dim(r));
            tl_meta.idle_time_limit = h.idle_time_limit.filter(|x| x.is_finite() && *x > 0.0);
            tl_meta.title = h.title;
            b.start = start_of(h.timestamp);
            continue;
        }
        let ev: (f64, Cow<str>, &RawValue) = serde_json::from_slice(line).map_err(|e| {
            let mut err = json_error(name, &e, line_no - 1);
            if e.classify() == serde_json::error::Category::Data {
                err.place = Place::Event(index, Some((line_no, e.column())));
                err.what = format!("{} (expected [time, code, data])", err.what);
            }
            err
        })?;
        let fail = |what: String| {
            let (l, c) = line_col(&text, line_start);
            LoadError::new(name, Place::Event(index, Some((l, c))), what)
        };
        let Some(n) = secs_to_nanos(ev.0) else {
            return Err(fail(format!("invalid time {}", ev.0)));
        };
        let t = if version == 3 {
            clock = clock.saturating_add(n);
            clock
        } else {
            n
        };
        if !ev.2.get().starts_with('"') {
            return Err(fail("event data must be a string".into()));
        }
        let kind = match ev.1.as_ref() {
            "o" => Kind::Output,
            "i" => Kind::Input,
            "m" => Kind::Marker,
            "r" => {
                let s = String::from_utf8_lossy(&super::json::unescape(ev.2.get().as_bytes()))
                    .into_owned();
                match parse_size(&s) {
                    Some((cols, rows)) => Kind::Resize { cols, rows },
                    None => {
                        return Err(fail(format!(
                            "invalid resize \"{}\" (expected COLSxROWS)",
                            s.chars().take(30).collect::<String>()
                        )))
                    }
                }
            }
            "x" => {
                let s = String::from_utf8_lossy(&super::json::unescape(ev.2.get().as_bytes()))
                    .into_owned();
                Kind::Exit(s.trim().parse().unwrap_or(-1))
            }
            other => {
                b.unknown_type(index, other);
                index += 1;
                continue;
            }
        };
        b.push(index, t as i128, kind, Some(ev.2));
        index += 1;
    }
    let format = if version == 3 {
        Format::AsciicastV3
    } else {
        Format::AsciicastV2
    };
    let start = b.start;
    let mut tl = b.finish(Timeline::new(text), format);
    tl.start = start;
    tl.header_size = tl_meta.header_size;
    tl.idle_time_limit = tl_meta.idle_time_limit;
    tl.title = tl_meta.title;
    Ok(tl)
}

#[derive(Deserialize)]
struct V1<'a> {
    width: Option<u64>,
    height: Option<u64>,
    title: Option<String>,
    #[serde(borrow)]
    stdout: Vec<(f64, &'a RawValue)>,
}

/// asciicast v1: one JSON object with `stdout: [[delay, data], …]`.
pub fn parse_v1(name: &str, text: &[u8]) -> Result<Timeline, LoadError> {
    let owned = text.to_vec();
    let v: V1 = serde_json::from_slice(&owned).map_err(|e| json_error(name, &e, 0))?;
    let mut b = Builder::new(&owned);
    let mut clock = 0u64;
    for (i, (delay, data)) in v.stdout.iter().enumerate() {
        let n = secs_to_nanos(*delay).ok_or_else(|| {
            LoadError::new(
                name,
                Place::Event(i, None),
                format!("invalid delay {delay}"),
            )
        })?;
        if !data.get().starts_with('"') {
            return Err(LoadError::new(
                name,
                Place::Event(i, None),
                "event data must be a string",
            ));
        }
        clock = clock.saturating_add(n);
        b.push(i, clock as i128, Kind::Output, Some(data));
    }
    let size = dim(v.width).zip(dim(v.height));
    let title = v.title.clone();
    drop(v);
    let mut tl = b.finish(Timeline::new(owned), Format::AsciicastV1);
    tl.header_size = size;
    tl.title = title;
    Ok(tl)
}
