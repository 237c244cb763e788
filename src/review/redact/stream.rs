//! Masking a recording's byte stream: the text a terminal would show is read out of the
//! output (or input) events taken as one stream, escape sequences skipped, line by line;
//! the secrets found there become replacements of the bytes they came from (read as the
//! events come: [`super::live`] holds an event back only until its lines are complete). A secret split
//! over several events, or coloured in the middle, is found all the same; the sequences
//! around it are kept, so the replayed screen is the original's with `*` in its place.

use super::{mask_char, Carry, Redactor};
use crate::review::executed::Hidden;
use crate::timeline::Nanos;

/// A line longer than this (in bytes of text) is looked at in pieces: memory stays bounded.
const MAX_LINE: usize = 1 << 20;

/// Bytes `start..end` of the stream become `stars` asterisks (a run of masked characters of
/// one event: a masked character is as many `*` as the cells it takes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    pub start: u64,
    pub end: u64,
    pub stars: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
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

/// One character of the line being read: its offset in the line, where its bytes are in the
/// stream, how many, whether it is the first read from its event (a run of masks never
/// spans two events, so each event keeps its own), and the character.
#[derive(Clone, Copy)]
struct At {
    off: usize,
    at: u64,
    len: u32,
    first: bool,
    c: char,
}

/// One stream (the output events, or the input events, taken as one), read event by event:
/// the text of its current line is held until the line ends, then the secrets found there
/// become [`Replace`]s. Memory is the current line and the replacements not yet taken.
#[derive(Default)]
pub struct Scanner {
    line: String,
    map: Vec<At>,
    carry: Carry,
    out: Vec<Replace>,
    state: State,
    /// The stream offset of the next event's first byte.
    base: u64,
    /// Whether the next character pushed is the first of its event.
    first: bool,
}

impl Scanner {
    fn push(&mut self, r: &Redactor, c: char, at: u64, len: u32) {
        self.map.push(At {
            off: self.line.len(),
            at,
            len,
            first: std::mem::take(&mut self.first),
            c,
        });
        self.line.push(c);
        if self.line.len() > MAX_LINE {
            self.flush(r);
        }
    }

    fn replace(&mut self, at: u64, len: u32, stars: u32, first: bool) {
        match self.out.last_mut() {
            Some(last) if last.end == at && !first => {
                last.end += len as u64;
                last.stars += stars;
            }
            _ => self.out.push(Replace {
                start: at,
                end: at + len as u64,
                stars,
            }),
        }
    }

    /// The line read so far is done with: its secrets become replacements (a secret that
    /// runs on, a private key block, is carried into the next line).
    pub fn flush(&mut self, r: &Redactor) {
        if self.line.is_empty() {
            return;
        }
        let spans = r.spans(&self.line, &mut self.carry);
        if !spans.is_empty() {
            let map = std::mem::take(&mut self.map);
            for a in &map {
                if a.c != '\t' && spans.iter().any(|s| s.contains(&a.off)) {
                    let stars = mask_char(a.c).len() as u32;
                    self.replace(a.at, a.len, stars, a.first);
                }
            }
            self.map = map;
        }
        self.line.clear();
        self.map.clear();
    }

    /// Every replacement of the bytes before `at` is known: the stream read so far but for
    /// the current line.
    pub fn decided(&self) -> u64 {
        self.map.first().map_or(self.base, |a| a.at)
    }

    /// Where the next event starts in the stream.
    pub fn offset(&self) -> u64 {
        self.base
    }

    /// The replacements of the bytes before `end` (every one [`Self::decided`]), in stream
    /// order, taken out.
    pub fn take_before(&mut self, end: u64) -> Vec<Replace> {
        if self.out.is_empty() {
            return Vec::new();
        }
        self.out.sort_by_key(|r| r.start);
        // a hidden key is never also part of a secret on a line, but keep the list clean
        self.out.dedup_by(|b, a| b.start < a.end);
        let n = self.out.partition_point(|r| r.start < end);
        self.out.drain(..n).collect()
    }

    /// Read one event's bytes. `hide`: the keys of this event were typed without echo
    /// (`Some(true)`: up to the Enter that ended them), each masked by one `*`.
    pub fn feed(&mut self, r: &Redactor, data: &[u8], mut hide: Option<bool>) {
        let base = self.base;
        self.first = true;
        let mut i = 0;
        while i < data.len() {
            let b = data[i];
            let at = base + i as u64;
            let mut len = 1;
            match self.state {
                State::Ground => match b {
                    0x1b => self.state = State::Esc,
                    b'\r' | b'\n' | 0x0b | 0x0c => {
                        self.flush(r);
                        if hide == Some(true) {
                            hide = None;
                        }
                    }
                    b'\t' => self.push(r, '\t', at, 1),
                    0..=0x1f | 0x7f => {}
                    _ => {
                        let (c, n) = decode(&data[i..]);
                        len = n;
                        if hide.is_some() {
                            let first = std::mem::take(&mut self.first);
                            self.replace(at, n as u32, 1, first);
                        } else {
                            self.push(r, c, at, n as u32);
                        }
                    }
                },
                State::Esc => {
                    self.state = match b {
                        b'[' => State::Csi,
                        b']' => {
                            self.flush(r);
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
                        self.state = State::Ground;
                    } else if b == 0x1b {
                        self.state = State::Esc;
                    }
                }
                State::Osc => match b {
                    0x07 => {
                        self.flush(r);
                        self.state = State::Ground;
                    }
                    0x1b => self.state = State::OscEsc,
                    0..=0x1f | 0x7f => {}
                    _ => {
                        let (c, n) = decode(&data[i..]);
                        len = n;
                        self.push(r, c, at, n as u32);
                    }
                },
                State::OscEsc => {
                    self.flush(r);
                    self.state = if b == b'\\' {
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
                    0x07 => self.state = State::Ground,
                    0x1b => self.state = State::StrEsc,
                    _ => {}
                },
                State::StrEsc => self.state = State::Ground,
            }
            i += len;
        }
        self.base += data.len() as u64;
    }
}

/// Whether keys typed at `t` were typed without echo; `Some(true)` when `t` is the Enter
/// that ended them (its event is masked only up to that Enter).
pub fn hidden_at(hidden: &[Hidden], t: Nanos) -> Option<bool> {
    hidden
        .iter()
        .find(|h| h.t <= t && t <= h.end)
        .map(|h| t == h.end)
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

/// One event's bytes (starting at `base` in its stream) with `reps` (in stream order, each
/// inside the event) applied.
pub fn rewrite(data: &[u8], base: u64, reps: &[Replace]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut pos = 0usize;
    for r in reps {
        let start = (r.start.saturating_sub(base) as usize).clamp(pos, data.len());
        let end = (r.end.saturating_sub(base) as usize).clamp(start, data.len());
        out.extend_from_slice(&data[pos..start]);
        out.extend(std::iter::repeat_n(b'*', r.stars as usize));
        pos = end;
    }
    out.extend_from_slice(&data[pos..]);
    out
}
