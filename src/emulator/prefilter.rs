//! The bytes vt100 sees: DEC special graphics translated, bare LF as CR LF on demand, and the
//! escape-sequence state tracked exactly as vte 0.15 moves between states, so that we know
//! where the stream is "between sequences" (vte in its ground state, no partial UTF-8).

use super::newline::Newlines;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    Ground,
    Esc,
    EscInt(u8),
    Csi,
    Osc,
    DcsEntry,
    DcsParam,
    DcsInt,
    DcsIgnore,
    DcsPass,
    SosPmApc,
}

/// Character set designations and shift state, as a terminal keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Charsets {
    g0: u8,
    g1: u8,
    shifted: bool,
}

impl Default for Charsets {
    fn default() -> Self {
        Charsets {
            g0: b'B',
            g1: b'B',
            shifted: false,
        }
    }
}

impl Charsets {
    fn graphics(&self) -> bool {
        (if self.shifted { self.g1 } else { self.g0 }) == b'0'
    }
}

#[derive(Debug, Clone)]
pub struct Prefilter {
    st: St,
    cs: Charsets,
    saved: Charsets,
    utf8_pending: u8,
    nl: Newlines,
}

/// DEC special graphics, 0x5F..=0x7E, as Unicode (the VT100 table, as xterm shows it).
const DEC_GRAPHICS: [char; 32] = [
    ' ', '◆', '▒', '␉', '␌', '␍', '␊', '°', '±', '␤', '␋', '┘', '┐', '┌', '└', '┼', '⎺', '⎻', '─',
    '⎼', '⎽', '├', '┤', '┴', '┬', '│', '≤', '≥', 'π', '≠', '£', '·',
];

/// The Unicode character DEC special graphics shows for an ASCII byte, if it maps.
pub fn dec_graphics(b: u8) -> Option<char> {
    (0x5F..=0x7E)
        .contains(&b)
        .then(|| DEC_GRAPHICS[(b - 0x5F) as usize])
}

const REPLACEMENT: &[u8] = "\u{fffd}".as_bytes();
const REPLACEMENT_STAND_IN: &[u8] = "\u{10fffd}".as_bytes();
/// What vt100 holds in a cell for U+FFFD (which it would otherwise drop).
pub const STAND_IN_FOR_REPLACEMENT: &str = "\u{10fffd}";

/// A character read from the emulated screen as it may be shown: control characters, and the
/// stand-in that carries U+FFFD through vt100, become U+FFFD.
pub fn shown_char(c: char) -> char {
    if crate::render::escape::is_control(c) || STAND_IN_FOR_REPLACEMENT.starts_with(c) {
        '\u{fffd}'
    } else {
        c
    }
}

fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len() + 8);
    let mut last = 0;
    for i in memchr::memmem::find_iter(hay, from) {
        out.extend_from_slice(&hay[last..i]);
        out.extend_from_slice(to);
        last = i + from.len();
    }
    out.extend_from_slice(&hay[last..]);
    out
}

/// Continuation bytes still expected after `text` (which starts on a character boundary).
fn utf8_pending_after(text: &[u8]) -> u8 {
    let tail = &text[text.len().saturating_sub(4)..];
    for (k, &b) in tail.iter().enumerate().rev() {
        if (0x80..0xC0).contains(&b) {
            continue;
        }
        let need: u8 = match b {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF4 => 3,
            _ => 0,
        };
        let have = (tail.len() - 1 - k) as u8;
        return need.saturating_sub(have);
    }
    0
}

impl Prefilter {
    pub fn new(crlf: bool) -> Self {
        Prefilter {
            st: St::Ground,
            cs: Charsets::default(),
            saved: Charsets::default(),
            utf8_pending: 0,
            nl: Newlines::new(crlf),
        }
    }

    pub fn at_ground(&self) -> bool {
        self.st == St::Ground && self.utf8_pending == 0
    }

    pub fn set_crlf(&mut self, crlf: bool) {
        self.nl.set_crlf(crlf);
    }

    /// Transform `input`, appending what vt100 should see to `out`.
    pub fn filter(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let from = out.len();
        self.filter_inner(input, out);
        // vt100 drops U+FFFD: carry it as a private-use stand-in that rendering maps back
        if memchr::memmem::find(&out[from..], REPLACEMENT).is_some() {
            let fixed = replace_all(&out[from..], REPLACEMENT, REPLACEMENT_STAND_IN);
            out.truncate(from);
            out.extend_from_slice(&fixed);
        }
    }

    fn filter_inner(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 8);
        let mut i = 0;
        while i < input.len() {
            // fast path: text (ASCII or UTF-8, no controls) in the ground state with no
            // graphics charset
            if self.st == St::Ground && self.utf8_pending == 0 && !self.cs.graphics() {
                let run = input[i..]
                    .iter()
                    .position(|&b| b < 0x20 || b == 0x7F)
                    .unwrap_or(input.len() - i);
                if run > 0 {
                    let text = &input[i..i + run];
                    out.extend_from_slice(text);
                    self.nl.saw(text[run - 1]);
                    self.utf8_pending = utf8_pending_after(text);
                    i += run;
                    continue;
                }
            }
            // fast path: the body of a sequence or string, up to a byte that may end it
            let body = match self.st {
                St::Csi => input[i..]
                    .iter()
                    .position(|&b| !(0x20..0x40).contains(&b))
                    .unwrap_or(input.len() - i),
                St::Osc | St::DcsPass | St::DcsIgnore | St::SosPmApc => input[i..]
                    .iter()
                    .position(|&b| b < 0x20 || b == 0x9C)
                    .unwrap_or(input.len() - i),
                _ => 0,
            };
            if body > 0 {
                out.extend_from_slice(&input[i..i + body]);
                self.nl.saw(input[i + body - 1]);
                i += body;
                continue;
            }
            let b = input[i];
            i += 1;
            self.byte(b, out);
            self.nl.saw(b);
        }
    }

    /// Whether a C0 control is executed (not swallowed) in the current state.
    fn executes_c0(&self) -> bool {
        matches!(self.st, St::Ground | St::Esc | St::EscInt(_) | St::Csi)
    }

    fn byte(&mut self, b: u8, out: &mut Vec<u8>) {
        // bare LF → CR LF, wherever it is (as a tty's onlcr does)
        if self.nl.cr_before(b) {
            out.push(b'\r');
        }
        // shift out / shift in, executed by the terminal
        if (b == 0x0E || b == 0x0F) && self.executes_c0() {
            self.cs.shifted = b == 0x0E;
            out.push(b);
            return;
        }
        match self.st {
            St::Ground => self.ground(b, out),
            St::Esc => {
                out.push(b);
                match b {
                    0x20..=0x2F => self.st = St::EscInt(b),
                    b'P' => self.st = St::DcsEntry,
                    b'X' | b'^' | b'_' => self.st = St::SosPmApc,
                    b'[' => self.st = St::Csi,
                    b']' => self.st = St::Osc,
                    0x18 | 0x1A => self.st = St::Ground,
                    0x30..=0x7E => {
                        match b {
                            b'c' => {
                                self.cs = Charsets::default();
                                self.saved = Charsets::default();
                            }
                            b'7' => self.saved = self.cs,
                            b'8' => self.cs = self.saved,
                            _ => {}
                        }
                        self.st = St::Ground;
                    }
                    _ => {}
                }
            }
            St::EscInt(first) => {
                out.push(b);
                match b {
                    0x30..=0x7E => {
                        match first {
                            b'(' => self.cs.g0 = b,
                            b')' | b'-' => self.cs.g1 = b,
                            _ => {}
                        }
                        self.st = St::Ground;
                    }
                    _ => self.anywhere(b),
                }
            }
            St::Csi => {
                out.push(b);
                match b {
                    0x40..=0x7E => self.st = St::Ground,
                    _ => self.anywhere(b),
                }
            }
            St::Osc => {
                out.push(b);
                match b {
                    0x07 | 0x18 | 0x1A => self.st = St::Ground,
                    0x1B => self.st = St::Esc,
                    _ => {}
                }
            }
            St::DcsEntry | St::DcsParam | St::DcsInt => {
                out.push(b);
                self.st = match (self.st, b) {
                    (_, 0x40..=0x7E) => St::DcsPass,
                    (St::DcsEntry, 0x20..=0x2F) | (St::DcsParam, 0x20..=0x2F) => St::DcsInt,
                    (St::DcsEntry, 0x30..=0x3F) => St::DcsParam,
                    (St::DcsParam, 0x3C..=0x3F) | (St::DcsInt, 0x30..=0x3F) => St::DcsIgnore,
                    (s, _) => s,
                };
                self.anywhere(b);
            }
            St::DcsPass => {
                out.push(b);
                match b {
                    0x9C => self.st = St::Ground,
                    _ => self.anywhere(b),
                }
            }
            St::DcsIgnore | St::SosPmApc => {
                out.push(b);
                self.anywhere(b);
            }
        }
    }

    fn anywhere(&mut self, b: u8) {
        match b {
            0x18 | 0x1A => self.st = St::Ground,
            0x1B => self.st = St::Esc,
            _ => {}
        }
    }

    fn ground(&mut self, b: u8, out: &mut Vec<u8>) {
        if b == 0x1B {
            self.utf8_pending = 0;
            self.st = St::Esc;
            out.push(b);
            return;
        }
        if b >= 0x80 {
            if (0x80..0xC0).contains(&b) {
                self.utf8_pending = self.utf8_pending.saturating_sub(1);
            } else {
                self.utf8_pending = match b {
                    0xC2..=0xDF => 1,
                    0xE0..=0xEF => 2,
                    0xF0..=0xF4 => 3,
                    _ => 0,
                };
            }
            out.push(b);
            return;
        }
        self.utf8_pending = 0;
        if self.cs.graphics() {
            if let Some(c) = dec_graphics(b) {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                return;
            }
        }
        out.push(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(p: &mut Prefilter, s: &[u8]) -> String {
        let mut out = Vec::new();
        p.filter(s, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn line_drawing() {
        let mut p = Prefilter::new(false);
        assert_eq!(run(&mut p, b"\x1b(0lqqk\x1b(B ok"), "\x1b(0┌──┐\x1b(B ok");
        assert_eq!(run(&mut p, b"\x1b)0a\x0eq\x0fq"), "\x1b)0a\x0e─\x0fq");
        // not inside an escape sequence
        assert_eq!(
            run(&mut p, b"\x1b(0\x1b[1mq\x1b]0;qq\x07"),
            "\x1b(0\x1b[1m─\x1b]0;qq\x07"
        );
    }

    #[test]
    fn bare_lf() {
        let mut p = Prefilter::new(true);
        assert_eq!(run(&mut p, b"a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
        assert_eq!(run(&mut p, b"\r"), "\r");
        assert_eq!(
            run(&mut p, b"\n"),
            "\n",
            "CR at the end of the previous chunk counts"
        );
    }

    #[test]
    fn ground_tracking() {
        let mut p = Prefilter::new(false);
        let mut sink = Vec::new();
        for (s, ground) in [
            (&b"abc"[..], true),
            (b"\x1b[1", false),
            (b"m", true),
            (b"\x1b]0;title", false),
            (b"\x07", true),
            (b"\xe2\x94", false),
            (b"\x80", true),
            (b"\x1bP1$r", false),
            (b"\x1b\\", true),
            (b"\x1b", false),
        ] {
            p.filter(s, &mut sink);
            assert_eq!(p.at_ground(), ground, "after {s:?}");
        }
    }
}
