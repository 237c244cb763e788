//! Writing asciicast v2 and v3 (the reader is `formats::asciicast`).
//!
//! Times are exact to the microsecond: each event's time is rounded once, as an absolute
//! number of microseconds from the start; v2 writes it as seconds with six decimals, v3 writes
//! the difference from the previous event's rounded time, so the intervals add up exactly to the
//! absolute times (no drift, however long the recording).
//!
//! The header's `timestamp` is the export's start in unix seconds, rounded down (the format
//! wants an integer); event times stay relative to the exact start.

use super::{Item, Meta};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2,
    V3,
}

#[derive(serde::Serialize)]
struct Term {
    cols: u16,
    rows: u16,
}

/// Header fields in the order asciinema writes them.
#[derive(serde::Serialize)]
struct Header<'a> {
    version: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    term: Option<Term>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    idle_time_limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

/// The header line (no newline).
pub fn header(meta: &Meta, version: Version) -> String {
    let v2 = version == Version::V2;
    let h = Header {
        version: if v2 { 2 } else { 3 },
        width: v2.then_some(meta.cols),
        height: v2.then_some(meta.rows),
        term: (!v2).then_some(Term {
            cols: meta.cols,
            rows: meta.rows,
        }),
        timestamp: meta.start.map(|s| s.timestamp()).filter(|&ts| ts >= 0),
        idle_time_limit: meta.idle_time_limit,
        title: meta.title.as_deref(),
    };
    serde_json::to_string(&h).expect("a header serializes")
}

/// Microseconds as `S.ffffff`.
pub fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// Nanoseconds rounded to the nearest microsecond.
pub fn micros(ns: u64) -> u64 {
    ns / 1000 + u64::from(ns % 1000 >= 500)
}

/// Writes events one line each, keeping the previous rounded time for v3 intervals.
pub struct Writer<W: Write> {
    out: W,
    version: Version,
    prev_us: u64,
    /// Make each line safe to print on a terminal (C1 and DEL escaped too).
    terminal_safe: bool,
    line: String,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W, meta: &Meta, version: Version, terminal_safe: bool) -> io::Result<Self> {
        let mut w = Writer {
            out,
            version,
            prev_us: 0,
            terminal_safe,
            line: String::new(),
        };
        let h = header(meta, version);
        w.write_line(h)?;
        Ok(w)
    }

    fn write_line(&mut self, line: String) -> io::Result<()> {
        let line = if self.terminal_safe {
            crate::render::escape::json_terminal_safe(&line)
        } else {
            line
        };
        self.out.write_all(line.as_bytes())?;
        self.out.write_all(b"\n")
    }

    pub fn event(&mut self, item: &Item<'_>) -> io::Result<()> {
        let us = micros(item.t).max(self.prev_us);
        let time = match self.version {
            Version::V2 => seconds(us),
            Version::V3 => seconds(us - self.prev_us),
        };
        self.prev_us = us;
        if self.version == Version::V2 && item.code == super::Code::Exit {
            return Ok(()); // v2 has no exit event
        }
        self.line.clear();
        self.line.push('[');
        self.line.push_str(&time);
        self.line.push_str(", \"");
        self.line.push_str(item.code.as_str());
        self.line.push_str("\", ");
        self.line
            .push_str(&serde_json::to_string(item.data.as_ref()).expect("a string serializes"));
        self.line.push(']');
        let line = std::mem::take(&mut self.line);
        self.write_line(line)
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Write a whole export.
pub fn write<'a, W: Write>(
    out: W,
    meta: &Meta,
    items: impl Iterator<Item = Item<'a>>,
    version: Version,
    terminal_safe: bool,
) -> io::Result<W> {
    let mut w = Writer::new(out, meta, version, terminal_safe)?;
    for item in items {
        w.event(&item)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Code;
    use std::borrow::Cow;

    fn meta() -> Meta {
        Meta {
            cols: 80,
            rows: 24,
            start: chrono::DateTime::parse_from_rfc3339("2019-05-03T17:27:27.819655645+02:00").ok(),
            title: None,
            idle_time_limit: None,
        }
    }

    fn item(t: u64, code: Code, data: &str) -> Item<'_> {
        Item {
            t,
            code,
            data: Cow::Borrowed(data),
        }
    }

    fn run(version: Version, items: Vec<Item<'_>>, safe: bool) -> String {
        let out = write(Vec::new(), &meta(), items.into_iter(), version, safe).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn v2_absolute_microseconds() {
        let s = run(
            Version::V2,
            vec![
                item(0, Code::Output, "a\r\n"),
                item(1_234_567_499, Code::Input, "ls\r"),
                item(61_000_000_500, Code::Marker, "m"),
                item(61_000_000_600, Code::Resize, "100x30"),
                item(61_000_000_700, Code::Exit, "0"),
            ],
            false,
        );
        assert_eq!(
            s,
            "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1556897247}\n\
             [0.000000, \"o\", \"a\\r\\n\"]\n\
             [1.234567, \"i\", \"ls\\r\"]\n\
             [61.000001, \"m\", \"m\"]\n\
             [61.000001, \"r\", \"100x30\"]\n"
        );
    }

    #[test]
    fn v3_intervals_do_not_drift() {
        // 10 000 events 0.3333333 s apart: the sum of the written intervals equals the
        // rounded absolute time of the last one
        let items: Vec<Item> = (0..10_000u64)
            .map(|i| item(i * 333_333_333, Code::Output, "x"))
            .collect();
        let s = run(Version::V3, items, false);
        let mut sum = 0u64;
        for line in s.lines().skip(1) {
            let v: (String, String, String) = {
                let t = line.split(',').next().unwrap().trim_start_matches('[');
                (t.to_string(), String::new(), String::new())
            };
            let (a, b) = v.0.split_once('.').unwrap();
            sum += a.parse::<u64>().unwrap() * 1_000_000 + b.parse::<u64>().unwrap();
        }
        assert_eq!(sum, micros(9_999 * 333_333_333));
        assert!(s.starts_with(
            "{\"version\":3,\"term\":{\"cols\":80,\"rows\":24},\"timestamp\":1556897247}\n"
        ));
    }

    #[test]
    fn terminal_safe_lines() {
        let s = run(
            Version::V2,
            vec![item(0, Code::Output, "\u{9b}31m\u{7f}\x1b")],
            true,
        );
        assert!(s.contains(r#""\u009b31m\u007f\u001b""#), "{s}");
        assert!(!s.chars().any(crate::render::escape::is_control) || s.ends_with('\n'));
        let raw = run(Version::V2, vec![item(0, Code::Output, "\u{9b}")], false);
        assert!(raw.contains('\u{9b}'), "files keep the recorded characters");
    }
}
