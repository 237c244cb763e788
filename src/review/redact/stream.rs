//! Masking a recording's byte stream: the text a terminal would show is read out of the
//! output (or input) events taken as one stream, escape sequences skipped, line by line;
//! the secrets found there become replacements of the bytes they came from. A secret split
//! over several events, or coloured in the middle, is found all the same; the sequences
//! around it are kept, so the replayed screen is the original's with `*` in its place.

use super::{mask_char, Carry, Redactor};
use crate::review::executed::Hidden;
use crate::timeline::{Kind, Nanos, Timeline};

/// A line longer than this (in bytes of text) is looked at in pieces: memory stays bounded.
const MAX_LINE: usize = 1 << 20;

/// Bytes `start..end` of the stream become `with`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    pub start: u64,
    pub end: u64,
    pub with: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Ground,
    Esc,
    Csi,
    /// An OSC string (a title): its text is looked at too.
    Osc,
    OscEsc,
    /// DCS, SOS, PM, APC: skipped.
    Str,
    StrEsc,
}

/// The text of the current line, each character with where its bytes are.
struct Scan<'r> {
    r: &'r Redactor,
    line: String,
    /// (offset in `line`, stream offset, byte length, character)
    map: Vec<(usize, u64, u32, char)>,
    carry: Carry,
    out: Vec<Replace>,
}

impl Scan<'_> {
    fn push(&mut self, c: char, at: u64, len: u32) {
        self.map.push((self.line.len(), at, len, c));
        self.line.push(c);
        if self.line.len() > MAX_LINE {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.line.is_empty() {
            return;
        }
        let spans = self.r.spans(&self.line, &mut self.carry);
        if !spans.is_empty() {
            for &(off, at, len, c) in &self.map {
                if c != '\t' && spans.iter().any(|s| s.contains(&off)) {
                    self.out.push(Replace {
                        start: at,
                        end: at + len as u64,
                        with: mask_char(c),
                    });
                }
            }
        }
        self.line.clear();
        self.map.clear();
    }
}

/// Whether keys typed at `t` were typed without echo; `Some(true)` when `t` is the Enter
/// that ended them (its event is masked only up to that Enter).
fn hidden_at(hidden: &[Hidden], t: Nanos) -> Option<bool> {
    hidden
        .iter()
        .find(|h| h.t <= t && t <= h.end)
        .map(|h| t == h.end)
}

/// The replacements for the events `pick` selects, taken as one stream, in stream order;
/// keys typed at a time `hidden` covers are masked one `*` per character.
pub fn masks(
    r: &Redactor,
    tl: &Timeline,
    pick: impl Fn(&Kind) -> bool,
    hidden: &[Hidden],
) -> Vec<Replace> {
    let mut s = Scan {
        r,
        line: String::new(),
        map: Vec::new(),
        carry: Carry::default(),
        out: Vec::new(),
    };
    let mut state = State::Ground;
    let mut base = 0u64;
    for ev in tl.events.iter().filter(|e| pick(&e.kind)) {
        let data = tl.data(ev);
        let mut hide = hidden_at(hidden, ev.t);
        let mut i = 0;
        while i < data.len() {
            let b = data[i];
            let at = base + i as u64;
            let mut len = 1;
            match state {
                State::Ground => match b {
                    0x1b => state = State::Esc,
                    b'\r' | b'\n' | 0x0b | 0x0c => {
                        s.flush();
                        if hide == Some(true) {
                            hide = None;
                        }
                    }
                    b'\t' => s.push('\t', at, 1),
                    0..=0x1f | 0x7f => {}
                    _ => {
                        let (c, n) = decode(&data[i..]);
                        len = n;
                        if hide.is_some() {
                            s.out.push(Replace {
                                start: at,
                                end: at + n as u64,
                                with: "*",
                            });
                        } else {
                            s.push(c, at, n as u32);
                        }
                    }
                },
                State::Esc => {
                    state = match b {
                        b'[' => State::Csi,
                        b']' => {
                            s.flush();
                            State::Osc
                        }
                        b'P' | b'X' | b'^' | b'_' => State::Str,
                        0x20..=0x2f => State::Esc,
                        0x1b => State::Esc,
                        _ => State::Ground,
                    }
                }
                State::Csi => {
                    if (0x40..=0x7e).contains(&b) {
                        state = State::Ground;
                    } else if b == 0x1b {
                        state = State::Esc;
                    }
                }
                State::Osc => match b {
                    0x07 => {
                        s.flush();
                        state = State::Ground;
                    }
                    0x1b => state = State::OscEsc,
                    0..=0x1f | 0x7f => {}
                    _ => {
                        let (c, n) = decode(&data[i..]);
                        len = n;
                        s.push(c, at, n as u32);
                    }
                },
                State::OscEsc => {
                    s.flush();
                    state = if b == b'\\' {
                        State::Ground
                    } else {
                        // an ESC that ends the string and starts a sequence
                        match b {
                            b'[' => State::Csi,
                            b']' => State::Osc,
                            _ => State::Ground,
                        }
                    };
                }
                State::Str => match b {
                    0x07 => state = State::Ground,
                    0x1b => state = State::StrEsc,
                    _ => {}
                },
                State::StrEsc => state = State::Ground,
            }
            i += len;
        }
        base += data.len() as u64;
    }
    s.flush();
    s.out.sort_by_key(|r| r.start);
    // a hidden key is never also part of a secret on a line, but keep the list clean
    s.out.dedup_by(|b, a| b.start < a.end);
    s.out
}

/// One character from the start of `b` (which is not empty), and its length in bytes; a
/// byte that starts no valid character is U+FFFD, one byte long.
fn decode(b: &[u8]) -> (char, usize) {
    let n = match b[0] {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    };
    match b.get(..n).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next().unwrap_or('\u{fffd}'), n),
        None => ('\u{fffd}', 1),
    }
}

/// Applies replacements to the events of a stream, one event after the other.
pub struct Rewriter {
    reps: Vec<Replace>,
    next: usize,
    base: u64,
    /// Bytes of a replaced character that spill into the next event, to skip.
    skip_to: u64,
}

impl Rewriter {
    pub fn new(reps: Vec<Replace>) -> Rewriter {
        Rewriter {
            reps,
            next: 0,
            base: 0,
            skip_to: 0,
        }
    }

    /// The next event's bytes, rewritten.
    pub fn next(&mut self, data: &[u8]) -> Vec<u8> {
        let end = self.base + data.len() as u64;
        let mut out = Vec::with_capacity(data.len());
        let mut pos = self.base.max(self.skip_to.min(end));
        while let Some(r) = self.reps.get(self.next).filter(|r| r.start < end) {
            if r.start >= pos {
                out.extend_from_slice(
                    &data[(pos - self.base) as usize..(r.start - self.base) as usize],
                );
                out.extend_from_slice(r.with.as_bytes());
            }
            pos = pos.max(r.end.min(end));
            self.skip_to = self.skip_to.max(r.end);
            self.next += 1;
        }
        out.extend_from_slice(&data[(pos - self.base) as usize..]);
        self.base = end;
        out
    }
}
