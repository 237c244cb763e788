//! The screen a masked export draws, watched: the byte stream is masked line by line
//! ([`super::live`]), but a line editor can draw a secret in pieces out of order (the end
//! first, then a carriage return and the start): no line of the stream holds it whole, the
//! screen does. [`Guard`] emulates what the export writes and, after an output event that
//! may have drawn so, masks the screen as [`super::Redactor::screen`] does; cells it finds
//! are written over with `*` by bytes appended to that event (cursor, attributes, insert and
//! origin modes restored after), so the replayed clip shows the masked screen from then on.
//!
//! The pieces drawn before the last one are masked too: from the first event that moves the
//! cursor back (or across) until a line ends on a screen found clean, the events are held
//! ([`Window`]), and when a secret appears the held ones are replayed from the screen before
//! them, each followed by the masking of the secret's cells it has already drawn. At most
//! [`WINDOW_EVENTS`] events or [`WINDOW_BYTES`] bytes are held; then they go as they are and
//! a new window starts (a full-screen program keeps the cursor moving: its output is held in
//! windows one after another).

use super::screen::{masked_cells, sgr};
use super::Redactor;
use crate::emulator::probe::{origin_mode, probe, scroll_region};
use crate::emulator::{Snapshot, Term};
use std::fmt::Write as _;

pub struct Guard<'a> {
    r: &'a Redactor,
    term: Term,
    /// The cursor moved since the screen was last found clean at a line's end: a piece of
    /// a secret may be waiting for the rest.
    dirty: bool,
    /// While dirty: the output events held since the screen was last known clean.
    window: Option<Window>,
}

/// Output events held at most, and their bytes at most, before they go unmasked.
pub const WINDOW_EVENTS: usize = 4096;
pub const WINDOW_BYTES: usize = 1 << 20;

/// The output events held: the terminal before the first, and their bytes as fed.
struct Window {
    before: Snapshot,
    held: Vec<Vec<u8>>,
    bytes: usize,
}

/// What to do with an output event given to [`Guard::output`].
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Write it now, with these bytes after it (no event is held).
    Now(Option<String>),
    /// Hold it (and every event after it) until a later outcome releases them.
    Held,
    /// The events held and this one go, each output event followed by its bytes here (in
    /// order, this one last).
    Release(Vec<Option<String>>),
}

/// A cell of a secret on the screen: row, column, width, what it shows.
type SecretCell = (u16, u16, u16, String);

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
            window: None,
        }
    }

    pub fn term(&self) -> &Term {
        &self.term
    }

    /// Whether events are being held (every event given out now must wait behind them).
    pub fn holding(&self) -> bool {
        self.window.is_some()
    }

    /// The events held go as they are: how many output events that is.
    pub fn flush(&mut self) -> usize {
        self.window.take().map_or(0, |w| w.held.len())
    }

    /// A resize: what is held goes first (see [`Guard::flush`]).
    pub fn resize(&mut self, cols: u16, rows: u16) -> usize {
        let held = self.flush();
        self.term.resize(cols, rows);
        self.dirty = true;
        held
    }

    /// One output event's bytes, as written: when it may go, and the bytes to write after
    /// it and after the events held before it.
    pub fn output(&mut self, data: &[u8]) -> Outcome {
        let (moved, line_end) = moves(data);
        if self.window.is_none() && (self.dirty || moved) {
            self.open_window();
        }
        self.dirty |= moved;
        self.term.feed(data);
        if !self.dirty {
            return Outcome::Now(None);
        }
        if let Some(cells) = self.secret_cells() {
            let fixes = match self.window.take() {
                Some(w) => self.replay_masked(w, data, &cells),
                None => {
                    let fix = mask_bytes(&self.term, &cells);
                    self.term.feed(fix.as_bytes());
                    vec![Some(fix)]
                }
            };
            // still dirty: the next pieces are watched from here
            self.open_window();
            return Outcome::Release(fixes);
        }
        let Some(w) = self.window.as_mut() else {
            return Outcome::Now(None);
        };
        w.held.push(data.to_vec());
        w.bytes += data.len();
        if line_end || w.held.len() >= WINDOW_EVENTS || w.bytes >= WINDOW_BYTES {
            let n = self.flush();
            if line_end {
                self.dirty = false;
            } else {
                self.open_window();
            }
            return Outcome::Release(vec![None; n]);
        }
        Outcome::Held
    }

    fn open_window(&mut self) {
        self.window = Some(Window {
            before: self.term.snapshot(),
            held: Vec::new(),
            bytes: 0,
        });
    }

    /// The window's events fed again from the screen before them, each followed by the
    /// masking of the cells of `cells` it has drawn (their content already what the
    /// secret's is), then `last`'s: the bytes after each; the terminal is then the one the
    /// masked events draw.
    fn replay_masked(
        &mut self,
        w: Window,
        last: &[u8],
        cells: &[SecretCell],
    ) -> Vec<Option<String>> {
        let mut t = Term::restore(&w.before);
        let mut fixes = Vec::with_capacity(w.held.len() + 1);
        for data in w.held.iter().map(Vec::as_slice).chain([last]) {
            t.feed(data);
            let s = t.screen();
            let drawn: Vec<SecretCell> = cells
                .iter()
                .filter(|(row, col, _, shown)| {
                    s.cell(*row, *col)
                        .is_some_and(|c| c.contents() == *shown && c.contents() != "*")
                })
                .cloned()
                .collect();
            let fix = (!drawn.is_empty()).then(|| mask_bytes(&t, &drawn));
            if let Some(f) = &fix {
                t.feed(f.as_bytes());
            }
            fixes.push(fix);
        }
        self.term = t;
        fixes
    }

    /// Whether a line of the screen may hold a secret: its text as vt100 reads it, rows
    /// joined where they wrapped, looked at in one pass (most screens show none: the cells
    /// are not gone through).
    fn may_show(&self) -> bool {
        self.r.may_match_lines(&self.term.screen().contents())
    }

    /// The cells of the secrets on the screen not masked yet, or `None` when it shows none.
    fn secret_cells(&self) -> Option<Vec<SecretCell>> {
        if !self.may_show() {
            return None;
        }
        let s = self.term.screen();
        let cells: Vec<SecretCell> = masked_cells(self.r, s)
            .into_iter()
            .filter_map(|(row, col, w)| {
                let shown = s.cell(row, col)?.contents().to_string();
                // a mask may match again (`KEY=****`): it is not written twice
                (shown != "*").then_some((row, col, w, shown))
            })
            .collect();
        (!cells.is_empty()).then_some(cells)
    }
}

/// The bytes that write `*` over `cells` of `term`'s screen, then put the cursor, its
/// attributes and the insert and origin modes back as they were.
fn mask_bytes(term: &Term, cells: &[SecretCell]) -> String {
    let s = term.screen();
    let origin = origin_mode(s);
    let insert = term.prefilter().insert_mode();
    let mut masks = String::new();
    for (row, col, w, _) in cells {
        let Some(cell) = s.cell(*row, *col) else {
            continue;
        };
        let _ = write!(
            masks,
            "\x1b[{};{}H{}{}",
            row + 1,
            col + 1,
            sgr(cell),
            "*".repeat(*w as usize)
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
    out
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

    /// What an export writes for `events` through a guard: each event's bytes with what
    /// follows them, in order, once given out.
    fn written(events: &[&[u8]]) -> Vec<Vec<u8>> {
        let r = Redactor::new(&Rules::builtin());
        let mut g = Guard::new(&r, 40, 6, false);
        let (mut out, mut held) = (Vec::new(), Vec::new());
        for e in events {
            held.push(e.to_vec());
            match g.output(e) {
                Outcome::Held => continue,
                Outcome::Now(fix) => {
                    let mut ev = held.pop().unwrap();
                    ev.extend(fix.unwrap_or_default().bytes());
                    out.push(ev);
                }
                Outcome::Release(fixes) => {
                    assert_eq!(fixes.len(), held.len());
                    for (mut ev, fix) in held.drain(..).zip(fixes) {
                        ev.extend(fix.unwrap_or_default().bytes());
                        out.push(ev);
                    }
                }
            }
        }
        g.flush();
        out.append(&mut held);
        out
    }

    #[test]
    fn the_pieces_drawn_first_are_masked_as_they_were_drawn() {
        // the end of the key first, then the cursor back and its start: after the second
        // event, the screen showed the key's last 10 characters
        let events: [&[u8]; 4] = [
            b"$ echo ",
            b"\x1b[18GUIOPASDFGH",
            b"\r$ echo AKIAQWERTY",
            b"\r\nok\r\n",
        ];
        let out = written(&events);
        assert_eq!(out.len(), events.len());
        let mut t = Term::new(40, 6, false);
        for (i, ev) in out.iter().enumerate() {
            assert!(ev.starts_with(events[i]), "event {i} is written as it was");
            t.feed(ev);
            let text = crate::render::text(t.screen());
            assert!(
                !text.contains("UIOP") && !text.contains("AKIA"),
                "after event {i}: {text}"
            );
        }
        let text = crate::render::text(t.screen());
        assert!(text.contains("$ echo ********************"), "{text}");
        assert!(text.contains("ok"), "{text}");
    }

    #[test]
    fn plain_text_is_not_checked() {
        assert_eq!(moves(b"hello\r\n"), (false, true));
        assert_eq!(moves(b"\x1b[1;31mred\x1b[m"), (false, false));
        assert_eq!(moves(b"\x1b]0;title\x07x"), (false, false));
        assert!(moves(b"ab\x08").0 && moves(b"ab\rcd").0 && moves(b"\x1b[3D").0);
    }
}
