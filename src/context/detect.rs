//! Reading a context file and telling its kind from its content (never its name).

use super::{whole, Kind};
use crate::error::{LoadError, Place};
use crate::formats::{max_bytes, GZIP_MAGIC};
use serde_json::Value;
use std::io::Read;
use std::path::Path;

/// What a context file turned out to be.
pub enum Found<'a> {
    /// Scalingo app log lines.
    AppLog(&'a str),
    /// A JSON answer's entries, of a kind.
    Json(Kind, Vec<Value>),
}

/// The file's bytes, at most `AUDITTY_MAX_BYTES`.
pub fn read_file(path: &Path, name: &str) -> Result<Vec<u8>, LoadError> {
    let limit = max_bytes();
    let io = |e: std::io::Error| {
        whole(
            name,
            match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => e.to_string(),
            },
        )
    };
    let f = std::fs::File::open(path).map_err(io)?;
    if f.metadata().map_err(io)?.is_dir() {
        return Err(whole(name, "is a directory"));
    }
    let mut buf = Vec::new();
    f.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(too_big(name, limit));
    }
    Ok(buf)
}

fn too_big(name: &str, limit: u64) -> LoadError {
    whole(
        name,
        format!("larger than {limit} bytes (set AUDITTY_MAX_BYTES to raise the limit)"),
    )
}

/// Text from bytes: gzip decompressed (at most `AUDITTY_MAX_BYTES`), a byte-order mark
/// dropped, invalid UTF-8 replaced.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    let bytes = if bytes.starts_with(GZIP_MAGIC) {
        let limit = max_bytes();
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                let what = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    "the gzip stream is cut short (truncated download?)".to_string()
                } else {
                    format!("corrupt gzip data: {e}")
                };
                LoadError::new(name, Place::Byte(out.len() as u64), what)
            })?;
        if out.len() as u64 > limit {
            return Err(too_big(name, limit));
        }
        out
    } else {
        bytes
    };
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok(match text.strip_prefix('\u{feff}') {
        Some(s) => s.to_string(),
        None => text,
    })
}

const WHAT: &str = "not a context file (Scalingo app logs or app events, Losant or Datafold \
                    audit logs)";

/// Tell what `text` is.
pub fn detect<'a>(name: &str, text: &'a str) -> Result<Found<'a>, LoadError> {
    let body = text.trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            LoadError::new(
                name,
                Place::LineCol(e.line(), e.column()),
                if e.is_eof() {
                    "not valid JSON: cut short (a context file is JSON or log lines)"
                } else {
                    "not valid JSON (a context file is JSON or log lines)"
                },
            )
        })?;
        return json(name, v);
    }
    if looks_like_app_log(text) {
        return Ok(Found::AppLog(text));
    }
    Err(whole(name, WHAT))
}

/// App logs: a line of their form within the first lines that are not empty.
fn looks_like_app_log(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .any(|l| super::applog::parse_line(l).is_some())
}

/// Whether bytes (plain or gzip) may be a context file, from their first
/// [`SNIFF_BYTES`](crate::formats::SNIFF_BYTES) alone (decompressed): JSON, or app-log lines
/// where [`detect`] looks for them. What cannot be (binary data, a gzip bomb of zeros) is
/// told without reading or decompressing the rest.
pub fn could_be(bytes: &[u8]) -> bool {
    let limit = crate::formats::SNIFF_BYTES as u64;
    let mut head = Vec::new();
    let read = if bytes.starts_with(GZIP_MAGIC) {
        flate2::read::MultiGzDecoder::new(bytes)
            .take(limit)
            .read_to_end(&mut head)
            .is_ok()
    } else {
        head.extend_from_slice(&bytes[..bytes.len().min(limit as usize)]);
        true
    };
    let head = String::from_utf8_lossy(&head);
    let head = head.strip_prefix('\u{feff}').unwrap_or(&head);
    let body = head.trim_start();
    read && (body.starts_with('{') || body.starts_with('[') || looks_like_app_log(head))
}

/// A JSON answer: `{"events"|"items"|"logs": […]}`, or an array of entries of one kind.
fn json<'a>(name: &str, v: Value) -> Result<Found<'a>, LoadError> {
    match v {
        Value::Object(mut o) => {
            for (key, kind) in [
                ("events", Kind::AppEvents),
                ("items", Kind::Losant),
                ("logs", Kind::Datafold),
            ] {
                if let Some(Value::Array(a)) = o.remove(key) {
                    return Ok(Found::Json(kind, a));
                }
            }
            // a single event or entry
            match kind_of(&Value::Object(o.clone())) {
                Some(k) => Ok(Found::Json(k, vec![Value::Object(o)])),
                None => Err(whole(name, WHAT)),
            }
        }
        Value::Array(a) => {
            if a.iter().any(is_recording_event) {
                return Err(whole(
                    name,
                    "a recording, not a context file (give it as the SOURCE)",
                ));
            }
            // the kind most entries have (a stray malformed one does not decide)
            let mut counts = [0usize; 3];
            for v in a.iter().take(100) {
                match kind_of(v) {
                    Some(Kind::AppEvents) => counts[0] += 1,
                    Some(Kind::Losant) => counts[1] += 1,
                    Some(Kind::Datafold) => counts[2] += 1,
                    _ => {}
                }
            }
            let best = (0..3).max_by_key(|&i| counts[i]).unwrap_or(0);
            if counts[best] == 0 {
                return Err(whole(name, WHAT));
            }
            let kind = [Kind::AppEvents, Kind::Losant, Kind::Datafold][best];
            Ok(Found::Json(kind, a))
        }
        _ => Err(whole(name, WHAT)),
    }
}

fn is_recording_event(v: &Value) -> bool {
    v.get("content").is_some() && v.get("time").is_some() && v.get("type").is_some()
}

/// The kind an entry's fields say.
fn kind_of(v: &Value) -> Option<Kind> {
    let o = v.as_object()?;
    let has = |k: &str| o.contains_key(k);
    if has("creationDate") || has("actorType") || has("requestResource") {
        Some(Kind::Losant)
    } else if has("type") && (has("created_at") || has("type_data")) {
        Some(Kind::AppEvents)
    } else if has("event_uuid")
        || (has("timestamp") && (has("action") || has("user_email") || has("client_ip")))
    {
        Some(Kind::Datafold)
    } else {
        None
    }
}
