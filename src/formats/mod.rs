//! Reading recordings: bytes in, a [`Timeline`] out. The format is detected from the content
//! (gzip, byte-order mark, JSON array, NDJSON, asciicast v2/v3), never from the file name.
//! Bytes already in memory go through [`load_bytes`]; a file or standard input is given as a
//! reader to [`stream::load_reader`], which parses an audit log's array as it arrives.

mod array;
/// The streaming reader checked against the whole-text parser, for the fuzz target.
#[cfg(fuzzing)]
pub use array::check::agree_at as streamed_agrees_with_whole;
pub mod asciicast;
mod builder;
pub mod scalingo;
pub mod sniff;
pub mod stream;

use crate::error::{LoadError, Place};
use crate::timeline::{Kind, Timeline};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::io::Read;

/// The largest recording read, decompressed. Larger ones are refused with a clear message
/// rather than exhausting memory. `AUDITTY_MAX_BYTES` changes it.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

pub fn max_bytes() -> u64 {
    std::env::var("AUDITTY_MAX_BYTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_MAX_BYTES)
}

/// How much of the (decompressed) content is looked at before the rest is read: content that
/// cannot be a recording is refused within it, whatever its size (a gzip bomb, a pipe of
/// binary data), instead of after reading up to the size limit.
pub const SNIFF_BYTES: usize = 1 << 20;

pub(crate) const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// Read until `buf` holds `n` bytes or the source ends; whether it ended.
pub(crate) fn read_up_to<R: Read + ?Sized>(
    src: &mut R,
    buf: &mut Vec<u8>,
    n: usize,
) -> std::io::Result<bool> {
    let want = n.saturating_sub(buf.len());
    let got = Read::take(&mut *src, want as u64).read_to_end(buf)?;
    Ok(got < want)
}

/// Refuse content that cannot be a recording from its first [`SNIFF_BYTES`] (`head`; more
/// follows), with the very error reading all of it would give: a start that is no JSON array
/// or object, or a byte no JSON text may hold (a control character, invalid UTF-8) at which
/// the parser, run on the head alone, stops before the head ends.
pub(crate) fn sniff(name: &str, head: &[u8]) -> Result<(), LoadError> {
    let body = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let Some(first) = body.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err(LoadError::new(
            name,
            Place::Whole,
            format!("only white space in the first {SNIFF_BYTES} bytes: not a recording"),
        ));
    };
    if matches!(body[first], b'[' | b'{') && !never_json(&body[first..]) {
        return Ok(());
    }
    match parse(name, head.to_vec()) {
        // the parser stopped at the end of the head: the rest decides
        Err(e) if !e.what.ends_with(CUT_SHORT) => Err(e),
        _ => Ok(()),
    }
}

/// What a JSON error says when the text ends too early.
pub(crate) const CUT_SHORT: &str = "(the file is cut short)";

/// Whether bytes hold something no JSON text does: a control character other than white
/// space (form feed included, which line-based readers skip as blank), or invalid UTF-8 (a
/// character cut at the end does not count).
fn never_json(b: &[u8]) -> bool {
    b.iter()
        .any(|&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0c))
        || std::str::from_utf8(b).is_err_and(|e| e.error_len().is_some())
}

/// Load a recording from bytes already in memory; `name` is used in messages. (A file or
/// standard input is read as it is parsed instead: [`stream::load_reader`].)
pub fn load_bytes(name: &str, bytes: Vec<u8>) -> Result<Timeline, LoadError> {
    let sha256 = hex(&Sha256::digest(&bytes));
    let mut tl = decode(name, bytes)?;
    tl.sha256 = sha256;
    Ok(tl)
}

/// Given, as the reader goes, each event's kind and content (unescaped): what a pipeline
/// needs to work on the first events while the rest is still being read.
pub type Tap = Box<dyn FnMut(Kind, &[u8])>;

thread_local! {
    pub(crate) static TAP: RefCell<Option<Tap>> = const { RefCell::new(None) };
}

/// The tap set for the parse running on this thread, if any (taken by the event builder).
pub(crate) fn take_tap() -> Option<Tap> {
    TAP.with(|t| t.borrow_mut().take())
}

/// Decompress (if need be) and parse.
fn decode(name: &str, bytes: Vec<u8>) -> Result<Timeline, LoadError> {
    let source_len = bytes.len() as u64;
    let (text, gzip) = if bytes.starts_with(GZIP_MAGIC) {
        (gunzip(name, &bytes)?, true)
    } else {
        (bytes, false)
    };
    let mut tl = parse(name, text)?;
    tl.source_len = source_len;
    tl.gzip = gzip;
    Ok(tl)
}

fn gunzip(name: &str, bytes: &[u8]) -> Result<Vec<u8>, LoadError> {
    let limit = max_bytes();
    let mut out = Vec::new();
    let mut dec = flate2::read::MultiGzDecoder::new(bytes);
    let corrupt = |e: std::io::Error, at: usize| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            LoadError::new(
                name,
                Place::Byte(at as u64),
                "the gzip stream is cut short (truncated download?)",
            )
        } else {
            LoadError::new(
                name,
                Place::Byte(at as u64),
                format!("corrupt gzip data: {e}"),
            )
        }
    };
    // the first megabyte decides whether the rest is worth decompressing
    let first = SNIFF_BYTES.min(
        usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_add(1),
    );
    let complete = match read_up_to(&mut dec, &mut out, first) {
        Ok(complete) => complete,
        Err(e) => return Err(corrupt(e, out.len())),
    };
    if !complete && out.len() as u64 <= limit {
        sniff(name, &out)?;
    }
    let room = (limit + 1).saturating_sub(out.len() as u64);
    let rest = if complete {
        Ok(0)
    } else {
        dec.take(room).read_to_end(&mut out)
    };
    match rest {
        Ok(_) if out.len() as u64 > limit => Err(LoadError::new(
            name,
            Place::Whole,
            format!("too large once decompressed (over {limit} bytes; set AUDITTY_MAX_BYTES to raise the limit)"),
        )),
        Ok(_) => Ok(out),
        Err(e) => Err(corrupt(e, out.len())),
    }
}

/// At most `max` characters of `s`, with `…` when cut (for values quoted in messages).
pub(crate) fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Detect the format of (decompressed) text and parse it.
pub fn parse(name: &str, mut text: Vec<u8>) -> Result<Timeline, LoadError> {
    if text.starts_with(&[0xEF, 0xBB, 0xBF]) {
        text.drain(..3);
    }
    if text.starts_with(&[0xFE, 0xFF]) || text.starts_with(&[0xFF, 0xFE]) {
        return Err(LoadError::new(
            name,
            Place::Whole,
            "UTF-16 text: save the recording as UTF-8",
        ));
    }
    let first = text.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Err(LoadError::new(
            name,
            Place::Whole,
            if text.is_empty() {
                "empty file: not a recording"
            } else {
                "only white space: not a recording"
            },
        ));
    };
    match text[first] {
        b'[' => scalingo::parse_array(name, text),
        b'{' => parse_object_start(name, text, first),
        b'<' => Err(html_error(name, &text)),
        b'"' => Err(LoadError::new(
            name,
            Place::Whole,
            "a JSON string, not a recording (expected a JSON array of events)",
        )),
        _ => {
            let sample = &text[first..text.len().min(first + 512)];
            let binary = sample
                .iter()
                .any(|&b| b == 0 || (b < 0x20 && !b"\t\r\n\x1b".contains(&b)))
                || std::str::from_utf8(sample).is_err() && sample.len() < 509;
            let (l, c) = line_col(&text, first);
            Err(LoadError::new(
                name,
                Place::LineCol(l, c),
                if binary {
                    "binary data, not a recording (expected a Scalingo audit log or an asciicast file)"
                } else {
                    "not a recording: expected a JSON array of events (Scalingo audit log), NDJSON, or asciicast v2/v3"
                },
            ))
        }
    }
}

/// The first value is a JSON object: an asciicast header, an NDJSON event, or an API error.
fn parse_object_start(name: &str, text: Vec<u8>, first: usize) -> Result<Timeline, LoadError> {
    let line_end = memchr::memchr(b'\n', &text[first..]).map_or(text.len(), |i| first + i);
    let head: Option<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&text[first..line_end])
            .ok()
            .or_else(|| {
                // a pretty-printed object (an API error body saved to a file)
                if text.len() < 1 << 20 {
                    serde_json::from_slice(&text).ok()
                } else {
                    None
                }
            });
    let Some(head) = head else {
        // not even one object: let the NDJSON reader say where it breaks
        return scalingo::parse_ndjson(name, text);
    };
    if let Some(v) = head.get("version") {
        return match v.as_u64() {
            Some(2) => asciicast::parse(name, text, 2),
            Some(3) => asciicast::parse(name, text, 3),
            Some(1) => asciicast::parse_v1(name, &text),
            _ => Err(LoadError::new(
                name,
                Place::LineCol(1, 1),
                format!("unsupported asciicast version {v}"),
            )),
        };
    }
    if let Some(msg) = api_error_message(&head) {
        return Err(LoadError::new(
            name,
            Place::Whole,
            format!(
                "an API error response, not an audit log: \"{}\"",
                cut(&msg, 200)
            ),
        ));
    }
    if head.contains_key("content") || head.contains_key("time") || head.contains_key("type") {
        return scalingo::parse_ndjson(name, text);
    }
    let (l, c) = line_col(&text, first);
    Err(LoadError::new(
        name,
        Place::LineCol(l, c),
        "a JSON object that is neither an audit log event nor an asciicast header",
    ))
}

/// The message of an API error body: `{"error": …}`, `{"errors": {…}}`, `{"message": …}`.
fn api_error_message(m: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Some(e) = m.get("error") {
        let mut s = text(e);
        if let Some(r) = m.get("resource").and_then(|r| r.as_str()) {
            s = format!("{r} {s}");
        }
        return Some(s);
    }
    if let Some(e) = m.get("errors") {
        return Some(text(e));
    }
    if m.len() <= 3 {
        if let Some(e) = m.get("message") {
            return Some(text(e));
        }
    }
    None
}

fn html_error(name: &str, text: &[u8]) -> LoadError {
    let head = String::from_utf8_lossy(&text[..text.len().min(64 * 1024)]);
    let lower = head.to_ascii_lowercase();
    let title = lower.find("<title").and_then(|i| {
        let open_end = lower[i..].find('>')? + i + 1;
        let close = lower[open_end..].find("</title")? + open_end;
        let t: String = head[open_end..close]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        (!t.is_empty()).then_some(t)
    });
    let what = match title {
        Some(t) => format!(
            "an HTML page (\"{}\"), not an audit log: a proxy's or a login error page was saved instead",
            t.chars().take(100).collect::<String>()
        ),
        None => "an HTML page, not an audit log: a proxy's or a login error page was saved instead"
            .to_string(),
    };
    LoadError::new(name, Place::Whole, what)
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let line = memchr::memchr_iter(b'\n', &text[..at]).count() + 1;
    let col = at - memchr::memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// A serde_json error at a line and column, phrased for people.
pub(crate) fn json_error(name: &str, e: &serde_json::Error, line_offset: usize) -> LoadError {
    json_error_at(name, e, e.line() + line_offset, e.column())
}

/// A serde_json error, phrased for people, at the line and column given.
pub(crate) fn json_error_at(
    name: &str,
    e: &serde_json::Error,
    line: usize,
    column: usize,
) -> LoadError {
    use serde_json::error::Category;
    let msg = e.to_string();
    // serde_json appends " at line L column C": we show the place ourselves
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    // serde_json quotes what it found ("invalid type: string \"…\""), which may be long
    let msg = cut(&msg, 200);
    let what = match e.classify() {
        Category::Eof => format!("{msg} {CUT_SHORT}"),
        _ => msg,
    };
    LoadError::new(name, Place::LineCol(line, column), what)
}
