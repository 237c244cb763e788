//! The screen a masked export draws, watched: the byte stream is masked line by line
//! ([`super::live`]), but a line editor can draw a secret in pieces out of order (the end
//! first, then a carriage return and the start): no line of the stream holds it whole, the
//! screen does. [`Guard`] emulates what the export writes and, after an output event that
//! may have drawn so, masks the screen as [`super::Redactor::screen`] does; cells it finds
//! are written over with `*` by bytes appended to that event (cursor, attributes, insert and
//! origin modes restored after), so the replayed clip shows the masked screen from then on.

use super::screen::{masked_cells, sgr};
use super::Redactor;
use crate::emulator::probe::{origin_mode, probe, scroll_region};
use crate::emulator::Term;
use std::fmt::Write as _;

pub struct Guard<'a> {
    r: &'a Redactor,
    term: Term,
    /// The cursor moved since the screen was last found clean at a line's end: a piece of
    /// a secret may be waiting for the rest.
    dirty: bool,
}

/// Whether `data` moves the cursor other than forward and down (any escape sequence but
/// SGR and OSC, a backspace, a carriage return not followed by a line feed), and whether it
/// ends a line.
fn moves(data: &[u8]) -> (bool, bool) {
    let mut moved = false;
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            0x08 => moved = true,
            b'\r' if data.get(i + 1) != Some(&b'\n') => moved = true,
            0x1b => match data.get(i + 1) {
                Some(b'[') => {
                    let end = data[i + 2..]
                        .iter()
                        .position(|b| (0x40..=0x7e).contains(b))
                        .map_or(data.len(), |n| i + 2 + n);
                    if data.get(end) != Some(&b'm') {
                        moved = true;
                    }
                    i = end;
                }
                Some(b']') => {}
                _ => moved = true,
            },
            _ => {}
        }
        i += 1;
    }
    (moved, data.contains(&b'\n'))
}

impl<'a> Guard<'a> {
    pub fn new(r: &'a Redactor, cols: u16, rows: u16, crlf: bool) -> Guard<'a> {
        Guard {
            r,
            term: Term::new(cols, rows, crlf),
            dirty: false,
        }
    }

    pub fn term(&self) -> &Term {
        &self.term
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.term.resize(cols, rows);
        self.dirty = true;
    }

    /// One output event's bytes, as written; the bytes to write after them, if any.
    pub fn output(&mut self, data: &[u8]) -> Option<String> {
        self.term.feed(data);
        let (moved, line_end) = moves(data);
        self.dirty |= moved;
        if !self.dirty {
            return None;
        }
        let fix = self.fix();
        if fix.is_none() && line_end {
            self.dirty = false;
        }
        if let Some(f) = &fix {
            self.term.feed(f.as_bytes());
        }
        fix
    }

    /// Whether a line of the screen may hold a secret: its text read by vt100, rows joined
    /// where they wrapped (most screens show none: the cells are not gone through).
    fn may_show(&self) -> bool {
        let s = self.term.screen();
        let cols = s.size().1.get();
        let mut line = String::new();
        for (i, row) in s.rows(0, cols).enumerate() {
            line.push_str(&row);
            if !s.row_wrapped(i as u16) {
                if self.r.may_match(&line) {
                    return true;
                }
                line.clear();
            }
        }
        self.r.may_match(&line)
    }

    /// The bytes that write `*` over the secrets on the screen, or `None` when it shows none.
    fn fix(&self) -> Option<String> {
        if !self.may_show() {
            return None;
        }
        let s = self.term.screen();
        let mut cells = masked_cells(self.r, s);
        // a mask may match again (`KEY=****`): it is not written twice
        cells.retain(|&(row, col, _)| s.cell(row, col).is_some_and(|c| c.contents() != "*"));
        if cells.is_empty() {
            return None;
        }
        let origin = origin_mode(s);
        let insert = self.term.prefilter().insert_mode();
        let mut masks = String::new();
        for &(row, col, w) in &cells {
            let Some(cell) = s.cell(row, col) else {
                continue;
            };
            let _ = write!(
                masks,
                "\x1b[{};{}H{}{}",
                row + 1,
                col + 1,
                sgr(cell),
                "*".repeat(w as usize)
            );
        }
        let mut out = String::new();
        if insert {
            out.push_str("\x1b[4l");
        }
        if origin {
            out.push_str("\x1b[?6l");
        }
        out.push_str(&masks);
        // back where the cursor was, in the attributes it had: the masked screen with the
        // cursor of the moment (a cursor waiting to wrap redraws the cell before it)
        let cols = s.size().1.get();
        let (r, c) = s.cursor_position();
        out.push_str("\x1b[m");
        if origin {
            let (top, _) = scroll_region(s);
            let _ = write!(
                out,
                "\x1b[?6h\x1b[{};{}H",
                r.saturating_sub(top) + 1,
                c.min(cols - 1) + 1
            );
        } else {
            let masked = probe(s, format!("\x1b7{masks}\x1b8").as_bytes());
            out.push_str(&masked.cursor_state_formatted());
        }
        out.push_str(&s.attributes_formatted());
        if insert {
            out.push_str("\x1b[4h");
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::rules::Rules;

    const KEY: &str = "AKIAQWERTYUIOPASDFGH";

    /// `bytes` in a guarded terminal and in a plain one: the guarded screen is the plain one
    /// masked, and its cursor and attributes are the plain one's.
    fn guarded(events: &[&[u8]], later: &[u8]) -> (Term, Term) {
        let r = Redactor::new(&Rules::builtin());
        let mut g = Guard::new(&r, 40, 6, false);
        let mut plain = Term::new(40, 6, false);
        for e in events {
            g.output(e);
            plain.feed(e);
        }
        let mut t = g.term;
        t.feed(later);
        plain.feed(later);
        (t, plain)
    }

    #[test]
    fn a_key_drawn_end_first_is_masked_on_screen() {
        let (t, plain) = guarded(
            &[b"$ echo ", b"\x1b[18GUIOPASDFGH", b"\r$ echo AKIAQWERTY"],
            b"",
        );
        let text = crate::render::text(t.screen());
        assert!(crate::render::text(plain.screen()).contains(KEY));
        assert!(
            !text.contains("AKIA") && text.contains("$ echo ********************"),
            "{text}"
        );
        assert_eq!(
            t.screen().cursor_position(),
            plain.screen().cursor_position()
        );
    }

    #[test]
    fn later_bytes_land_where_they_would() {
        for (before, later) in [
            (&b"\x1b[31m"[..], &b" red"[..]),
            (b"\x1b[4h", b"\x1b[1;1Hins"),
            (b"\x1b[2;5r\x1b[?6h\x1b[2;1H", b"\x1b[1;1Horigin"),
            (b"\x1b[1;21H", b"\x1b[3Xerased"),
            // the cursor waiting to wrap at the right margin
            (b"\x1b[3;40Hz", b"y wrapped"),
        ] {
            // the state is the one the event that completes the key leaves
            let mut ev = b"\x1b[1;18HUIOPASDFGH\r\x1b[1;8HAKIAQWERTY".to_vec();
            ev.extend_from_slice(before);
            let (t, plain) = guarded(&[&ev], later);
            let (a, b) = (
                crate::render::text(t.screen()),
                crate::render::text(plain.screen()),
            );
            assert_eq!(a.chars().count(), b.chars().count());
            assert!(
                a.matches('*').count() >= 6 && !a.contains("AKIA"),
                "{before:?}: {a:?}"
            );
            assert_eq!(
                t.screen().cursor_position(),
                plain.screen().cursor_position()
            );
            assert_eq!(
                t.screen().attributes_formatted(),
                plain.screen().attributes_formatted()
            );
            // outside the masked cells, the same text
            for (x, y) in a.chars().zip(b.chars()) {
                assert!(x == y || x == '*', "{before:?} {later:?}: {a:?} / {b:?}");
            }
        }
    }

    #[test]
    fn plain_text_is_not_checked() {
        assert_eq!(moves(b"hello\r\n"), (false, true));
        assert_eq!(moves(b"\x1b[1;31mred\x1b[m"), (false, false));
        assert_eq!(moves(b"\x1b]0;title\x07x"), (false, false));
        assert!(moves(b"ab\x08").0 && moves(b"ab\rcd").0 && moves(b"\x1b[3D").0);
    }
}
