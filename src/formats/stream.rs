//! A recording read as it arrives: the source (a file, standard input) is read in blocks,
//! decompressed as it goes when it is gzip, and an audit log's JSON array is parsed element
//! by element ([`super::array`]) with each event's content unescaped onto the timeline's data:
//! the JSON text is never held whole. Other formats (asciicast, NDJSON, a text that is no
//! recording) are read whole and parsed as [`super::parse`] parses them.
//!
//! What is refused, and where, is what reading the whole source first and then parsing it
//! ([`super::load_bytes`]) says: the first megabyte is looked at first ([`super::sniff`]),
//! and when a fault is found before the end, the rest is still read (and decompressed), not
//! kept, so that a fault the whole read would have met first (the size limit, a broken gzip
//! stream, a read error) is the one told.

use super::builder::Builder;
use super::{array, max_bytes, parse, read_up_to, sniff, Tap, GZIP_MAGIC, SNIFF_BYTES, TAP};
use crate::error::{LoadError, Place};
use crate::timeline::{Format, Timeline};
use flate2::read::MultiGzDecoder;
use std::cell::Cell;
use std::io::{Chain, Cursor, Read};

/// How much of the text is asked for at a time after the first megabyte.
pub const BLOCK: usize = 1 << 20;

/// Read a recording from `raw`, handing every event to `tap` (if any) as it is read.
///
/// `raw` gives the source's bytes as they are (compressed, if they are) and refuses to read
/// past the size limit or after a read error by failing: what it failed with is for the
/// caller to tell, whatever this returns (it is the first fault of all). Neither the sha256
/// nor the source's size is set here.
pub fn load_reader(
    name: &str,
    raw: &mut dyn Read,
    tap: Option<Tap>,
) -> Result<Timeline, LoadError> {
    load_inner(name, raw, tap, None).map(Option::unwrap_or_default)
}

/// The first events of an audit log's array: those read until `bytes` of its (decompressed)
/// text are behind, the rest left unread. `None` when the text is not one to stream (not an
/// array, or small enough to fit in the first megabyte): the caller reads it whole. A fault
/// is the prefix's (the rest is not read to find an earlier one): the caller, which will read
/// the whole anyway, tells the whole's.
pub fn load_prefix(
    name: &str,
    raw: &mut dyn Read,
    bytes: usize,
) -> Result<Option<Timeline>, LoadError> {
    load_inner(name, raw, None, Some(bytes))
}

fn load_inner(
    name: &str,
    raw: &mut dyn Read,
    tap: Option<Tap>,
    prefix: Option<usize>,
) -> Result<Option<Timeline>, LoadError> {
    let limit = max_bytes();
    let first = SNIFF_BYTES.min(
        usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_add(1),
    );
    let mut head = Vec::new();
    let complete = read_up_to(raw, &mut head, first).map_err(|e| source_error(name, &e))?;
    if !head.starts_with(GZIP_MAGIC) {
        if !complete && head.len() as u64 <= limit {
            sniff(name, &head)?;
        }
        return from_text(name, head, complete, Text::Plain(raw), tap, prefix);
    }
    let mut dec = Box::new(MultiGzDecoder::new(Cursor::new(head).chain(raw)));
    let mut text = Vec::new();
    let read = read_up_to(&mut *dec, &mut text, first);
    let mut source = Text::Gzip {
        dec,
        total: text.len() as u64,
        limit,
    };
    let complete = match read {
        Ok(c) => c,
        Err(e) => return Err(source.drain_raw(gzip_error(name, &e, text.len() as u64))),
    };
    if !complete && text.len() as u64 <= limit {
        if let Err(e) = sniff(name, &text) {
            return Err(source.drain_raw(e));
        }
    }
    let mut tl = from_text(name, text, complete, source, tap, prefix)?;
    if let Some(tl) = tl.as_mut() {
        tl.gzip = true;
    }
    Ok(tl)
}

/// A gzip stream: its first megabyte (read to tell it is one), then the rest of the source.
type Gunzip<'r> = MultiGzDecoder<Chain<Cursor<Vec<u8>>, &'r mut dyn Read>>;

/// The (decompressed) text after its first megabyte.
enum Text<'r> {
    Plain(&'r mut dyn Read),
    Gzip {
        dec: Box<Gunzip<'r>>,
        /// Decompressed bytes so far.
        total: u64,
        limit: u64,
    },
}

impl Text<'_> {
    /// Append at most `n` more bytes; whether the text has ended.
    fn fill(&mut self, name: &str, buf: &mut Vec<u8>, n: usize) -> Result<bool, LoadError> {
        match self {
            Text::Plain(raw) => {
                read_up_to(raw, buf, buf.len() + n).map_err(|e| source_error(name, &e))
            }
            Text::Gzip { dec, total, limit } => {
                let room = (*limit + 1).saturating_sub(*total);
                let want = n.min(usize::try_from(room).unwrap_or(usize::MAX));
                let before = buf.len();
                let r = read_up_to(&mut **dec, buf, before + want);
                *total += (buf.len() - before) as u64;
                match r {
                    Err(e) => Err(gzip_error(name, &e, *total)),
                    Ok(_) if *total > *limit => Err(too_large(name, *limit)),
                    Ok(ended) => Ok(ended),
                }
            }
        }
    }

    /// The rest of the compressed source read, so that a fault in it comes first (the caller
    /// tells it); `err` otherwise.
    fn drain_raw(&mut self, err: LoadError) -> LoadError {
        let raw: &mut dyn Read = match self {
            Text::Plain(raw) => *raw,
            Text::Gzip { dec, .. } => dec.get_mut().get_mut().1,
        };
        let _ = std::io::copy(raw, &mut std::io::sink());
        err
    }

    /// After a fault in the text at `err`: the rest read and decompressed (not kept), a fault
    /// in reading or decompressing it coming first, as it would once everything is read
    /// before parsing.
    fn drain(&mut self, name: &str, err: LoadError) -> LoadError {
        if let Text::Gzip { .. } = self {
            let mut scratch = Vec::with_capacity(BLOCK);
            loop {
                scratch.clear();
                match self.fill(name, &mut scratch, BLOCK) {
                    Ok(false) => {}
                    Ok(true) => break,
                    Err(first) => return self.drain_raw(first),
                }
            }
        }
        self.drain_raw(err)
    }
}

/// The text, `head` first (all of it when `complete`), parsed: an audit log's array as it
/// arrives, anything else once read whole.
fn from_text(
    name: &str,
    mut head: Vec<u8>,
    complete: bool,
    mut rest: Text<'_>,
    tap: Option<Tap>,
    prefix: Option<usize>,
) -> Result<Option<Timeline>, LoadError> {
    if prefix.is_some() && (complete || !is_array(&head)) {
        return Ok(None);
    }
    if complete {
        return parse_whole(name, head, tap).map(Some);
    }
    if !is_array(&head) {
        loop {
            match rest.fill(name, &mut head, BLOCK) {
                Ok(false) => {}
                Ok(true) => return parse_whole(name, head, tap).map(Some),
                Err(e) => return Err(rest.drain_raw(e)),
            }
        }
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        head.drain(..3);
    }
    let failed = Cell::new(false);
    let mut b = Builder::streaming(tap);
    b.stop_after = prefix;
    let r = {
        let mut fill = |buf: &mut Vec<u8>, n: usize| {
            let r = rest.fill(name, buf, n);
            failed.set(r.is_err());
            r
        };
        let mut w = array::Window::new(head, false, &mut fill, BLOCK);
        array::read(name, &mut w, &mut b)
    };
    match r {
        Ok(()) => Ok(Some(b.finish(Timeline::default(), Format::ScalingoJson))),
        Err(e) if prefix.is_some() => Err(e),
        Err(e) if failed.get() => Err(rest.drain_raw(e)),
        Err(e) => Err(rest.drain(name, e)),
    }
}

/// Whether a text starts as an audit log's array: after a byte-order mark, JSON white space
/// and `[` (anything else is left to [`parse`], which reads the whole text).
fn is_array(head: &[u8]) -> bool {
    let body = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let first = body
        .iter()
        .position(|c| !matches!(c, b' ' | b'\n' | b'\t' | b'\r'));
    first.is_some_and(|i| body[i] == b'[')
}

/// The whole text parsed as [`parse`] does, `tap` given the events.
fn parse_whole(name: &str, text: Vec<u8>, tap: Option<Tap>) -> Result<Timeline, LoadError> {
    TAP.with(|t| *t.borrow_mut() = tap);
    let r = parse(name, text);
    drop(super::take_tap());
    r
}

/// A read of the source failed: what the source says (its reader keeps the real fault,
/// which the caller tells instead).
fn source_error(name: &str, e: &std::io::Error) -> LoadError {
    LoadError::new(name, Place::Whole, e.to_string())
}

fn gzip_error(name: &str, e: &std::io::Error, at: u64) -> LoadError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        LoadError::new(
            name,
            Place::Byte(at),
            "the gzip stream is cut short (truncated download?)",
        )
    } else {
        LoadError::new(name, Place::Byte(at), format!("corrupt gzip data: {e}"))
    }
}

fn too_large(name: &str, limit: u64) -> LoadError {
    LoadError::new(
        name,
        Place::Whole,
        format!("too large once decompressed (over {limit} bytes; set AUDITTY_MAX_BYTES to raise the limit)"),
    )
}
