//! Printing in the ground state: character sets (DEC special graphics), insert mode, the
//! U+FFFD stand-in, UTF-8 continuation.

use super::{Clean, Hook, Prefilter, St};

/// Character set designations and shift state, as a terminal keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Charsets {
    pub(super) g0: u8,
    pub(super) g1: u8,
    pub(super) shifted: bool,
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
    pub(super) fn graphics(&self) -> bool {
        (if self.shifted { self.g1 } else { self.g0 }) == b'0'
    }
}

/// DEC special graphics, 0x5F..=0x7E, as Unicode (the VT100 table, as xterm shows it).
pub(super) const DEC_GRAPHICS: [char; 32] = [
    ' ', '◆', '▒', '␉', '␌', '␍', '␊', '°', '±', '␤', '␋', '┘', '┐', '┌', '└', '┼', '⎺', '⎻', '─',
    '⎼', '⎽', '├', '┤', '┴', '┬', '│', '≤', '≥', 'π', '≠', '£', '·',
];

/// The Unicode character DEC special graphics shows for an ASCII byte, if it maps.
pub fn dec_graphics(b: u8) -> Option<char> {
    (0x5F..=0x7E)
        .contains(&b)
        .then(|| DEC_GRAPHICS[(b - 0x5F) as usize])
}

pub(super) const REPLACEMENT: &[u8] = "\u{fffd}".as_bytes();
pub(super) const REPLACEMENT_STAND_IN: &[u8] = "\u{10fffd}".as_bytes();
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

/// Whether `hay` holds U+FFFD (found by its first byte: cheaper than a substring search
/// on the short pieces a replay is fed in).
pub(super) fn contains_replacement(hay: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = memchr::memchr(REPLACEMENT[0], &hay[from..]) {
        if hay[from + i..].starts_with(REPLACEMENT) {
            return true;
        }
        from += i + 1;
    }
    false
}

pub(super) fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
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

/// How many bytes of `s` come before its first C0 control or DEL (all of them if none): the
/// text a terminal prints as it is. Eight bytes at a time: a byte below 0x20 or equal to 0x7F
/// sets its high bit in `hit`; a borrow can set it in a byte above a true one as well, never
/// below, so the lowest bit set is exact.
pub(super) fn text_run(s: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for c in chunks.by_ref() {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        let del = x ^ (ONES * 0x7F);
        let hit = (x.wrapping_sub(ONES * 0x20) | del.wrapping_sub(ONES)) & !x & HIGH;
        if hit != 0 {
            return at + (hit.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + chunks
        .remainder()
        .iter()
        .position(|&b| b < 0x20 || b == 0x7F)
        .unwrap_or(chunks.remainder().len())
}

/// Continuation bytes still expected after `text` (which starts on a character boundary).
pub(super) fn utf8_pending_after(text: &[u8]) -> u8 {
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
    pub(super) fn ground(&mut self, b: u8, out: &mut Vec<u8>) {
        if b == 0x1B {
            self.utf8_pending = 0;
            self.ichar.clear();
            self.st = St::Esc;
            self.held.clear();
            self.overflow = false;
            self.held.push(b);
            return;
        }
        if b < 0x20 {
            self.utf8_pending = 0;
            self.ichar.clear();
            self.control(b, out);
            return;
        }
        self.clean = Clean::Dirty;
        if b >= 0x80 {
            if (0x80..0xC0).contains(&b) {
                self.utf8_pending = self.utf8_pending.saturating_sub(1);
            } else {
                self.ichar.clear();
                self.utf8_pending = match b {
                    0xC2..=0xDF => 1,
                    0xE0..=0xEF => 2,
                    0xF0..=0xF4 => 3,
                    _ => 0,
                };
            }
            // the character's bytes, when its width matters: insert mode moves the line by
            // it, and only a character with a width is one REP repeats (vt100's last)
            let whole = self.insert || self.no_rep;
            if whole {
                self.ichar.push(b);
            }
            if whole && self.utf8_pending == 0 {
                let width = std::str::from_utf8(&self.ichar)
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map_or(1, |c| {
                        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
                    });
                if width > 0 && !(width > 1 && self.one_column) {
                    self.no_rep = false;
                    if self.insert {
                        out.extend_from_slice(format!("\x1b[{width}@").as_bytes());
                    }
                }
                if self.insert {
                    out.append(&mut self.ichar);
                }
                self.ichar.clear();
            }
            if !self.insert {
                out.push(b);
            }
            if self.protect && self.utf8_pending == 0 {
                self.hook = Some(Hook::Protected);
            }
            return;
        }
        self.utf8_pending = 0;
        if b != 0x7F {
            self.no_rep = false;
        }
        if self.insert && b != 0x7F {
            out.extend_from_slice(b"\x1b[1@");
        }
        if self.protect && b != 0x7F {
            self.hook = Some(Hook::Protected);
        }
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
