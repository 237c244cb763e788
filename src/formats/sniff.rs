//! Whether the first bytes of a download are an audit log, without waiting for all of it.

use serde_json::{Map, Value};

/// How much is held back, at most, before deciding.
pub const SNIFF_LIMIT: usize = 64 * 1024;

/// What the first bytes say.
#[derive(Debug, PartialEq)]
pub enum Sniff {
    /// Not enough bytes yet.
    Undecided,
    /// A JSON array, JSON lines (a first object that is not an error), or gzip.
    AuditLog,
    /// Not an audit log.
    Not(NotAuditLog),
}

/// Why bytes are not an audit log (the caller words it; offsets index the sniffed bytes).
#[derive(Debug, PartialEq)]
pub enum NotAuditLog {
    Empty,
    OnlyBlank,
    /// More than [`SNIFF_LIMIT`] of blank space and nothing else yet.
    TooMuchBlank,
    /// An HTML page starting at this offset.
    Html(usize),
    /// A JSON error object (`error`, `errors` or `message`, and no entry field).
    JsonError(Map<String, Value>),
    /// Something else, starting at this offset.
    Other(usize),
}

/// Decides from the first bytes whether a body is an audit log: after blank space and an
/// optional BOM, a JSON array (`[`), JSON lines (`{` not an error object), or gzip.
pub fn sniff_audit_log(buf: &[u8], at_eof: bool) -> Sniff {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if buf.starts_with(&[0x1f, 0x8b]) {
        return Sniff::AuditLog;
    }
    if buf == [0x1f] && !at_eof {
        return Sniff::Undecided;
    }
    let (rest, skipped) = match buf.strip_prefix(BOM) {
        Some(rest) => (rest, BOM.len()),
        None if !at_eof && !buf.is_empty() && BOM.starts_with(buf) => return Sniff::Undecided,
        None => (buf, 0),
    };
    let Some(start) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
        return if at_eof {
            Sniff::Not(if buf.is_empty() {
                NotAuditLog::Empty
            } else {
                NotAuditLog::OnlyBlank
            })
        } else if buf.len() > SNIFF_LIMIT {
            Sniff::Not(NotAuditLog::TooMuchBlank)
        } else {
            Sniff::Undecided
        };
    };
    let body = &rest[start..];
    match body[0] {
        b'[' => Sniff::AuditLog,
        b'{' => {
            if let Some(newline) = memchr::memchr(b'\n', body) {
                if let Ok(Value::Object(first)) = serde_json::from_slice(&body[..newline]) {
                    return judge_object(first);
                }
            }
            if !at_eof && buf.len() < SNIFF_LIMIT {
                return Sniff::Undecided;
            }
            match serde_json::Deserializer::from_slice(body)
                .into_iter::<Value>()
                .next()
            {
                Some(Ok(Value::Object(first))) => judge_object(first),
                _ => Sniff::AuditLog,
            }
        }
        b'<' => Sniff::Not(NotAuditLog::Html(skipped + start)),
        _ => Sniff::Not(NotAuditLog::Other(skipped + start)),
    }
}

pub(crate) fn judge_object(first: Map<String, Value>) -> Sniff {
    let looks_like_entry = ["content", "time", "type", "version"]
        .iter()
        .any(|k| first.contains_key(*k));
    let error = ["error", "errors", "message"]
        .iter()
        .any(|k| first.get(*k).is_some_and(|v| !v.is_null()));
    if error && !looks_like_entry {
        Sniff::Not(NotAuditLog::JsonError(first))
    } else {
        Sniff::AuditLog
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(body: &[u8], eof: bool) -> &'static str {
        match sniff_audit_log(body, eof) {
            Sniff::Undecided => "undecided",
            Sniff::AuditLog => "log",
            Sniff::Not(_) => "not",
        }
    }

    #[test]
    fn sniffing_audit_logs() {
        assert_eq!(verdict(b"[", false), "log");
        assert_eq!(verdict(b"\xEF\xBB\xBF \n [{}]", true), "log");
        assert_eq!(verdict(b"\xEF\xBB", false), "undecided");
        assert_eq!(verdict(b"  ", false), "undecided");
        assert_eq!(verdict(b"  ", true), "not");
        assert_eq!(verdict(b"", true), "not");
        assert_eq!(verdict(b"\x1f", false), "undecided");
        assert_eq!(verdict(b"\x1f\x8b\x08", false), "log");
        assert_eq!(verdict(b"<!DOCTYPE html>", false), "not");
        assert_eq!(verdict(b"Retry later", true), "not");
        assert_eq!(
            verdict(
                b"{\"time\":\"t\",\"content\":\"x\",\"type\":\"output\"}\n{",
                false
            ),
            "log"
        );
        assert_eq!(verdict(b"{\"time\":\"t\",", false), "undecided");
        assert_eq!(verdict(b"{\"error\":\"nope\"}", false), "undecided");
        assert_eq!(verdict(b"{\"error\":\"nope\"}", true), "not");
        assert_eq!(verdict(b"{\n  \"error\": \"nope\"\n}\n", true), "not");
        assert_eq!(verdict(b"{\"version\":2,\"width\":80}\n", false), "log");
        assert!(matches!(
            sniff_audit_log(b"{\"error\":\"nope\"}", true),
            Sniff::Not(NotAuditLog::JsonError(_))
        ));
        assert_eq!(
            sniff_audit_log(b"\xEF\xBB\xBF  <html>", false),
            Sniff::Not(NotAuditLog::Html(5))
        );
        let big = vec![b' '; SNIFF_LIMIT + 1];
        assert_eq!(verdict(&big, false), "not");
    }
}

/// Why bytes are not a whole audit log ([`check_audit_log`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// Reading them failed (the system's words).
    Read(String),
    /// Reading them failed while the JSON was parsed (serde_json's words).
    Unreadable(String),
    Empty,
    /// Where the JSON stops being an audit log, and how.
    Json {
        what: &'static str,
        line: usize,
        column: usize,
    },
    /// JSON lines whose first object is an error from the API.
    ApiError,
    FirstNotObject,
    /// Neither `[` nor `{` first.
    Start,
    /// The checking thread ended without a verdict.
    Failed,
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Read(e) => f.write_str(e),
            CheckError::Unreadable(e) => write!(f, "it cannot be read: {e}"),
            CheckError::Empty => f.write_str("it is empty or only blank space"),
            CheckError::Json { what, line, column } => {
                write!(f, "{what} at line {line} column {column}")
            }
            CheckError::ApiError => f.write_str("it is an API error, not an audit log"),
            CheckError::FirstNotObject => f.write_str("its first value is not a JSON object"),
            CheckError::Start => f.write_str("it does not start with '[' or '{'"),
            CheckError::Failed => f.write_str("the check of the audit log failed"),
        }
    }
}

impl std::error::Error for CheckError {}

/// Checks, reading once and holding nothing but a small buffer, that `reader` is a whole
/// audit log: (gzip of) a JSON array of objects, or JSON values one after another whose
/// first is an object that is not an API error (JSON lines, asciicast). What follows a
/// complete array is not looked at (the loader reports it). `Err` says what is wrong.
pub fn check_audit_log(reader: impl std::io::Read) -> Result<(), CheckError> {
    use std::io::{BufRead, BufReader, Read};
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let head = reader
        .fill_buf()
        .map_err(|e| CheckError::Read(e.to_string()))?;
    if head.starts_with(&[0x1f, 0x8b]) {
        let limit = super::max_bytes();
        let inner = flate2::read::MultiGzDecoder::new(reader).take(limit.saturating_add(1));
        return check_json(BufReader::with_capacity(256 * 1024, inner));
    }
    check_json(reader)
}

fn check_json(mut reader: impl std::io::BufRead) -> Result<(), CheckError> {
    use serde::de::Deserializer as _;
    // BOM and blank space.
    let mut bom_checked = false;
    let first = loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| CheckError::Read(e.to_string()))?;
        if buf.is_empty() {
            return Err(CheckError::Empty);
        }
        if !bom_checked {
            bom_checked = true;
            if buf.starts_with(b"\xEF\xBB\xBF") {
                reader.consume(3);
                continue;
            }
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let b = buf[i];
                reader.consume(i);
                break b;
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    // Only where and what kind: serde's own words may quote the data.
    let located = |e: serde_json::Error| {
        use serde_json::error::Category;
        let what = match e.classify() {
            Category::Io => return CheckError::Unreadable(e.to_string()),
            Category::Syntax => "invalid JSON",
            Category::Data => "a value that is not an event",
            Category::Eof => "it is cut short",
        };
        CheckError::Json {
            what,
            line: e.line(),
            column: e.column(),
        }
    };
    match first {
        b'[' => de.deserialize_seq(ObjectsVisitor).map_err(located),
        b'{' => {
            let mut values = de.into_iter::<IgnoredOrObject>();
            match values.next() {
                Some(Ok(IgnoredOrObject(Some(first)))) => {
                    if let Sniff::Not(_) = judge_object(first) {
                        return Err(CheckError::ApiError);
                    }
                }
                Some(Err(e)) => return Err(located(e)),
                _ => return Err(CheckError::FirstNotObject),
            }
            for value in values {
                value.map_err(located)?;
            }
            Ok(())
        }
        _ => Err(CheckError::Start),
    }
}

/// A JSON array whose elements are all objects (read and dropped one by one).
struct ObjectsVisitor;

impl<'de> serde::de::Visitor<'de> for ObjectsVisitor {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of events")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<ObjectOnly>()?.is_some() {}
        Ok(())
    }
}

/// A JSON object, its content skipped; anything else is an error.
struct ObjectOnly;

impl<'de> serde::Deserialize<'de> for ObjectOnly {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ObjectOnly;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an event (a JSON object)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ObjectOnly, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(ObjectOnly)
            }
        }
        d.deserialize_map(V)
    }
}

/// The first value of JSON lines: an object kept (to tell an API error), or skipped.
struct IgnoredOrObject(Option<Map<String, Value>>);

impl<'de> serde::Deserialize<'de> for IgnoredOrObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(m) => Ok(IgnoredOrObject(Some(m))),
            _ => Ok(IgnoredOrObject(None)),
        }
    }
}

#[cfg(test)]
mod check_tests {
    use super::*;

    #[test]
    fn whole_audit_logs_pass_and_others_do_not() {
        for good in [
            &b"[]"[..],
            b"\xEF\xBB\xBF \n[{\"time\":\"t\",\"content\":\"x\",\"type\":\"output\"}]\r\n\x1b trailing",
            b"{\"time\":\"t\",\"content\":\"x\"}\n{\"time\":\"u\"}\n",
            b"{\"version\":2,\"width\":80,\"height\":24}\n[0.5,\"o\",\"hi\"]\n",
        ] {
            assert_eq!(check_audit_log(good), Ok(()), "{:?}", String::from_utf8_lossy(good));
        }
        for bad in [
            &b"[<html>502 Bad Gateway</html>"[..],
            b"[{\"time\":\"t\"},",
            b"[1,2]",
            b"{\"error\":\"nope\"}",
            b"{\"time\":\"t\"}\n<html>",
            b"",
            b"   ",
            b"<html>",
        ] {
            assert!(
                check_audit_log(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"[{\"time\":\"t\"}]").unwrap();
        assert_eq!(check_audit_log(&gz.finish().unwrap()[..]), Ok(()));
        assert!(check_audit_log(&b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03binary"[..]).is_err());
    }
}

/// [`check_audit_log`] on bytes given piece by piece, as a download streams, on a thread of
/// its own (at most 8 pieces wait in between, so a slow check slows the download rather than
/// filling memory).
pub struct StreamCheck {
    tx: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    thread: Option<std::thread::JoinHandle<Result<(), CheckError>>>,
}

impl Default for StreamCheck {
    fn default() -> Self {
        StreamCheck::new()
    }
}

impl StreamCheck {
    pub fn new() -> StreamCheck {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
        let thread = std::thread::spawn(move || {
            check_audit_log(ChannelReader {
                rx,
                buf: Vec::new(),
                pos: 0,
            })
        });
        StreamCheck {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    /// The next bytes. Once the check has its answer, further bytes are not needed.
    pub fn feed(&mut self, bytes: &[u8]) {
        if let Some(tx) = &self.tx {
            if tx.send(bytes.to_vec()).is_err() {
                self.tx = None;
            }
        }
    }

    /// The end of the bytes: the verdict.
    pub fn finish(mut self) -> Result<(), CheckError> {
        self.tx = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(verdict)) => verdict,
            _ => Err(CheckError::Failed),
        }
    }
}

struct ChannelReader {
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    buf: Vec<u8>,
    pos: usize,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.buf.len() {
            match self.rx.recv() {
                Ok(next) => {
                    self.buf = next;
                    self.pos = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    #[test]
    fn a_stream_fed_in_pieces_gets_the_same_verdict() {
        let good = b"[{\"time\":\"t\",\"content\":\"x\"},{\"time\":\"u\"}] trailing";
        let bad = b"[<html>502</html>";
        for (bytes, ok) in [(&good[..], true), (&bad[..], false)] {
            let mut check = StreamCheck::new();
            for piece in bytes.chunks(3) {
                check.feed(piece);
            }
            assert_eq!(check.finish().is_ok(), ok);
        }
        // Far more than the channel holds, after the verdict is known.
        let mut check = StreamCheck::new();
        check.feed(b"[]");
        for _ in 0..100 {
            check.feed(&[b' '; 1000]);
        }
        assert_eq!(check.finish(), Ok(()));
    }
}
