//! asciicast (asciinema's format): reading v1, v2 and v3. Writing lives in `export`.

use super::builder::Builder;
use super::{json_error, line_col};
use crate::error::{LoadError, Place};
use crate::timeline::json;
use crate::timeline::{Format, Kind, Timeline, Warning, NANOS_PER_SEC};
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

/// A header's size. One that fits a `u16` is kept as it is: the geometry cuts it to the
/// largest screen emulated and says so. One larger than that is cut here, with a warning
/// (it used to be dropped for 80×24 without a word). A missing or zero dimension gives none.
fn header_size(
    cols: Option<u64>,
    rows: Option<u64>,
    line: usize,
) -> (Option<(u16, u16)>, Option<Warning>) {
    let (Some(c), Some(r)) = (cols.filter(|&n| n > 0), rows.filter(|&n| n > 0)) else {
        return (None, None);
    };
    let max = u16::MAX as u64;
    if c <= max && r <= max {
        return (Some((c as u16, r as u16)), None);
    }
    let cut = (
        c.min(crate::geometry::MAX_COLS as u64) as u16,
        r.min(crate::geometry::MAX_ROWS as u64) as u16,
    );
    let w = Warning {
        place: Place::LineCol(line, 1),
        what: format!(
            "the header asks for {c}x{r}: limited to {}x{}, the largest screen emulated",
            cut.0, cut.1
        ),
    };
    (Some(cut), Some(w))
}

/// Resize events cut to the largest screen emulated: the first, and how many.
#[derive(Default)]
struct CutResizes {
    first: Option<(usize, String)>,
    n: usize,
}

impl CutResizes {
    fn note(&mut self, index: usize, asked: (u64, u64), got: (u16, u16)) {
        if asked != (got.0 as u64, got.1 as u64) {
            self.n += 1;
            self.first.get_or_insert_with(|| {
                (
                    index,
                    format!("{}x{} limited to {}x{}", asked.0, asked.1, got.0, got.1),
                )
            });
        }
    }

    fn warning(&self) -> Option<Warning> {
        let (first, what) = self.first.as_ref()?;
        Some(Warning {
            place: Place::Event(*first, None),
            what: format!(
                "resize to {what}, the largest screen emulated ({} event{})",
                self.n,
                if self.n == 1 { "" } else { "s" }
            ),
        })
    }
}

/// A number from the file, for a message: as written there, cut short.
fn as_written(raw: &RawValue) -> String {
    crate::render::escape::escape_controls(&super::cut(raw.get(), 30))
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

/// `COLSxROWS`, cut to the largest screen emulated.
pub fn parse_size(s: &str) -> Option<(u16, u16)> {
    parse_size_asked(s).map(|(_, got)| got)
}

/// `COLSxROWS` as asked (any size), and as kept: cut to the largest screen emulated.
fn parse_size_asked(s: &str) -> Option<((u64, u64), (u16, u16))> {
    let (c, r) = s.trim().split_once(['x', 'X'])?;
    let c: u64 = c.trim().parse().ok()?;
    let r: u64 = r.trim().parse().ok()?;
    if c == 0 || r == 0 {
        return None;
    }
    let max = u16::MAX as u64;
    // an absurd size is kept within what is emulated
    Some((
        (c, r),
        crate::geometry::bounded(c.min(max) as u16, r.min(max) as u16),
    ))
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
    let mut header_warning = None;
    let mut cut = CutResizes::default();
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
            let (size, warning) = header_size(c, r, line_no);
            tl_meta.header_size = size;
            header_warning = warning;
            tl_meta.idle_time_limit = h.idle_time_limit.filter(|x| x.is_finite() && *x > 0.0);
            tl_meta.title = h.title;
            b.start = start_of(h.timestamp);
            continue;
        }
        let ev: (&RawValue, Cow<str>, &RawValue) = serde_json::from_slice(line).map_err(|e| {
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
        let secs = serde_json::from_str::<f64>(ev.0.get());
        let Some(n) = secs.as_ref().ok().copied().and_then(secs_to_nanos) else {
            if secs.is_ok() {
                return Err(fail(format!("invalid time {}", as_written(ev.0))));
            }
            // not even a number JSON readers take (out of range): at its last character,
            // where they stop
            let end = (ev.0.get().as_ptr() as usize)
                .wrapping_sub(line.as_ptr() as usize)
                .saturating_add(ev.0.get().len());
            let at = if end <= line.len() { end } else { 1 };
            let (l, c) = line_col(&text, line_start + at - 1);
            return Err(LoadError::new(
                name,
                Place::Event(index, Some((l, c))),
                format!("invalid time {}", as_written(ev.0)),
            ));
        };
        let t = if version == 3 {
            // a sum past what a timeline holds (even one that saturates) is refused by push
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
                let s =
                    String::from_utf8_lossy(&json::unescape(ev.2.get().as_bytes())).into_owned();
                match parse_size_asked(&s) {
                    Some((asked, (cols, rows))) => {
                        cut.note(index, asked, (cols, rows));
                        Kind::Resize { cols, rows }
                    }
                    None => {
                        return Err(fail(format!(
                            "invalid resize \"{}\" (expected COLSxROWS)",
                            s.chars().take(30).collect::<String>()
                        )))
                    }
                }
            }
            "x" => {
                let s =
                    String::from_utf8_lossy(&json::unescape(ev.2.get().as_bytes())).into_owned();
                Kind::Exit(s.trim().parse().unwrap_or(-1))
            }
            other => {
                b.unknown_type(index, other);
                index += 1;
                continue;
            }
        };
        b.push(index, t as i128, kind, Some(ev.2))
            .map_err(|e| fail(e.to_string()))?;
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
    tl.warnings
        .extend(header_warning.into_iter().chain(cut.warning()));
    Ok(tl)
}

#[derive(Deserialize)]
struct V1<'a> {
    width: Option<u64>,
    height: Option<u64>,
    title: Option<String>,
    #[serde(borrow)]
    stdout: Vec<(&'a RawValue, &'a RawValue)>,
}

/// asciicast v1: one JSON object with `stdout: [[delay, data], …]`.
pub fn parse_v1(name: &str, text: &[u8]) -> Result<Timeline, LoadError> {
    let owned = text.to_vec();
    let v: V1 = serde_json::from_slice(&owned).map_err(|e| json_error(name, &e, 0))?;
    let mut b = Builder::new(&owned);
    let mut clock = 0u64;
    for (i, (delay, data)) in v.stdout.iter().enumerate() {
        let n = serde_json::from_str::<f64>(delay.get())
            .ok()
            .and_then(secs_to_nanos)
            .ok_or_else(|| {
                LoadError::new(
                    name,
                    Place::Event(i, None),
                    format!("invalid delay {}", as_written(delay)),
                )
            })?;
        if !data.get().starts_with('"') {
            return Err(LoadError::new(
                name,
                Place::Event(i, None),
                "event data must be a string",
            ));
        }
        // a sum past what a timeline holds (even one that saturates) is refused by push
        clock = clock.saturating_add(n);
        b.push(i, clock as i128, Kind::Output, Some(data))
            .map_err(|what| LoadError::new(name, Place::Event(i, None), what.to_string()))?;
    }
    let (size, header_warning) = header_size(v.width, v.height, 1);
    let title = v.title.clone();
    drop(v);
    let mut tl = b.finish(Timeline::new(owned), Format::AsciicastV1);
    tl.header_size = size;
    tl.title = title;
    tl.warnings.extend(header_warning);
    Ok(tl)
}
