//! An audit log's JSON array read as it arrives, in blocks, never held whole: the array's own
//! structure (`[`, `,`, `]`, white space) is scanned here, each element is parsed by
//! serde_json from the block it lies in (borrowed, as [`super::scalingo::parse_array`] parses
//! it from the whole text) and handed to the [`Builder`], which unescapes its content onto the
//! timeline's data. Once an element is used its text is dropped.
//!
//! Errors are the very ones the whole-text parser gives, places included: serde_json's
//! messages for the array's structure are repeated here where it would have said them, an
//! element's error is serde_json's own on the same bytes with its place moved from the block
//! to the whole text, and an element cut by the end of a block is parsed again once more has
//! arrived (a result is trusted only when the parser did not reach the end of what it was
//! given). `tests` checks both paths give the same timeline or the same error, split anywhere.

use super::builder::Builder;
use super::scalingo::{add_event, RawEvent};
use super::CUT_SHORT;
use crate::error::{LoadError, Place};

/// Where the text comes from: appends at most `n` more bytes to the buffer; `Ok(true)` once
/// the text has ended (fewer than `n` came).
pub(crate) type Fill<'f> = dyn FnMut(&mut Vec<u8>, usize) -> Result<bool, LoadError> + 'f;

/// The part of the text read and not yet used, and where it stands in the whole text.
pub(crate) struct Window<'f> {
    fill: &'f mut Fill<'f>,
    buf: Vec<u8>,
    /// The next byte to look at, in `buf`.
    pos: usize,
    /// Whether the text has ended (`buf` holds all that is left).
    ended: bool,
    /// The text's offset of `buf[0]`.
    base: usize,
    /// Newlines in the text before `buf[0]`, and the offset just after the last of them.
    lines: usize,
    line_start: usize,
    /// How much to ask for at a time (more when one element does not fit).
    block: usize,
}

impl<'f> Window<'f> {
    /// The text from its start: `head` (already read; it may be all of it, `ended`), then
    /// what `fill` gives, `block` bytes at a time.
    pub fn new(head: Vec<u8>, ended: bool, fill: &'f mut Fill<'f>, block: usize) -> Self {
        Window {
            fill,
            buf: head,
            pos: 0,
            ended,
            base: 0,
            lines: 0,
            line_start: 0,
            block: block.max(1),
        }
    }

    /// Read more (at least a block, or `at_least`), dropping what was used; whether any came.
    fn more(&mut self, at_least: usize) -> Result<bool, LoadError> {
        if self.ended {
            return Ok(false);
        }
        if self.pos > 0 {
            let gone = &self.buf[..self.pos];
            if let Some(last) = memchr::memrchr(b'\n', gone) {
                self.lines += memchr::memchr_iter(b'\n', gone).count();
                self.line_start = self.base + last + 1;
            }
            self.buf.drain(..self.pos);
            self.base += self.pos;
            self.pos = 0;
        }
        let before = self.buf.len();
        self.ended = (self.fill)(&mut self.buf, at_least.max(self.block))?;
        Ok(self.buf.len() > before)
    }

    /// The next byte that is not JSON white space (serde_json's four), reading more as
    /// needed; `None` at the end of the text.
    fn peek(&mut self) -> Result<Option<u8>, LoadError> {
        loop {
            while let Some(&c) = self.buf.get(self.pos) {
                if !matches!(c, b' ' | b'\n' | b'\t' | b'\r') {
                    return Ok(Some(c));
                }
                self.pos += 1;
            }
            if !self.more(0)? {
                return Ok(None);
            }
        }
    }

    /// Line and column of `buf[i]` as serde_json gives them for the whole text (the column
    /// counts bytes from the line's start, 0 before its first byte).
    fn place(&self, i: usize) -> (usize, usize) {
        let head = &self.buf[..i];
        let (n, start) = match memchr::memrchr(b'\n', head) {
            Some(last) => (
                memchr::memchr_iter(b'\n', head).count(),
                self.base + last + 1,
            ),
            None => (0, self.line_start),
        };
        (1 + self.lines + n, self.base + i - start)
    }

    /// The place serde_json gives an error about the byte just peeked (at `pos`), or the end.
    fn peek_place(&self) -> (usize, usize) {
        self.place((self.pos + 1).min(self.buf.len()))
    }

    /// What serde_json says, at the byte just peeked, for a fault in the array's structure.
    fn fault(&self, name: &str, what: &str, eof: bool) -> LoadError {
        let (l, c) = self.peek_place();
        let what = if eof {
            format!("{what} {CUT_SHORT}")
        } else {
            what.to_string()
        };
        LoadError::new(name, Place::LineCol(l, c), what)
    }
}

/// Read the array that starts at the window's first byte that is not white space (the
/// caller saw it is `[`), every event handed to `b`.
pub(crate) fn read(name: &str, w: &mut Window<'_>, b: &mut Builder) -> Result<(), LoadError> {
    if w.peek()? != Some(b'[') {
        return Err(w.fault(name, "expected value", false));
    }
    w.pos += 1;
    let mut index = 0;
    loop {
        // as serde_json's `has_next_element`
        match w.peek()? {
            None => return Err(w.fault(name, "EOF while parsing a list", true)),
            Some(b']') => break,
            Some(_) if index == 0 => {}
            Some(b',') => {
                w.pos += 1;
                match w.peek()? {
                    Some(b']') => return Err(w.fault(name, "trailing comma", false)),
                    None => return Err(w.fault(name, "EOF while parsing a value", true)),
                    Some(_) => {}
                }
            }
            Some(_) => return Err(w.fault(name, "expected `,` or `]`", false)),
        }
        element(name, w, b, index)?;
        index += 1;
        if b.stop_after.is_some_and(|n| w.base + w.pos >= n) {
            // a prefix: the events so far, the rest left unread
            return Ok(());
        }
    }
    w.pos += 1;
    // as serde_json's `Deserializer::end`
    match w.peek()? {
        Some(_) => Err(w.fault(name, "trailing characters", false)),
        None => Ok(()),
    }
}

/// Parse the element at the window's position and add it as event `index`.
fn element(name: &str, w: &mut Window<'_>, b: &mut Builder, index: usize) -> Result<(), LoadError> {
    loop {
        let slice = &w.buf[w.pos..];
        let mut it = serde_json::Deserializer::from_slice(slice).into_iter::<RawEvent>();
        let e = match it.next() {
            Some(Ok(ev)) => {
                let end = it.byte_offset();
                let failed = add_event(b, index, ev).err();
                w.pos += end;
                return match failed {
                    None => Ok(()),
                    Some(what) => Err(failure(name, w, index, what.to_string())?),
                };
            }
            Some(Err(e)) => e,
            None => return Err(w.fault(name, "EOF while parsing a value", true)),
        };
        let reached_end = e.is_eof() || offset_in(slice, e.line(), e.column()) + 1 >= slice.len();
        if reached_end && !w.ended {
            // cut by the end of what was read: again once more came (twice as much when one
            // element is longer than a block, so that a long one is parsed a few times only)
            let pending = slice.len();
            w.more(pending)?;
            continue;
        }
        let (l0, c0) = w.place(w.pos);
        let (l, c) = match e.line() {
            1 => (l0, c0 + e.column()),
            n => (l0 + n - 1, e.column()),
        };
        let mut err = super::json_error_at(name, &e, l, c);
        if e.classify() == serde_json::error::Category::Data {
            err.place = Place::Event(index, Some((l, c)));
        }
        return Err(err);
    }
}

/// An event the reader refused, placed where serde_json places the error its visitor
/// returns: after the white space, `,` or `]` and white space that its `end_seq` reads
/// before it fixes the place.
fn failure(
    name: &str,
    w: &mut Window<'_>,
    index: usize,
    what: String,
) -> Result<LoadError, LoadError> {
    match w.peek()? {
        Some(b']') => w.pos += 1,
        Some(b',') => {
            w.pos += 1;
            w.peek()?;
        }
        _ => {}
    }
    let (l, c) = w.place(w.pos);
    Ok(LoadError::new(
        name,
        Place::Event(index, Some((l, c))),
        what,
    ))
}

/// The offset in `text` of serde_json's line and column.
fn offset_in(text: &[u8], line: usize, column: usize) -> usize {
    let start = match line {
        0 | 1 => 0,
        n => memchr::memchr_iter(b'\n', text)
            .nth(n - 2)
            .map_or(text.len(), |i| i + 1),
    };
    start + column
}

#[cfg(any(test, fuzzing))]
pub mod check;
#[cfg(test)]
mod tests;
