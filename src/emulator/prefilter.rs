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

/// What the screen is known to hold, so that costly sequences that would change nothing are
/// skipped (a full reset of a blank 2000×1000 screen re-allocates 2 million cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clean {
    /// As a full reset leaves it (nothing drawn, no mode that a cheap reset cannot undo).
    Blank,
    /// As DECALN leaves it: every cell an `E` of default attributes.
    Aligned,
    /// Anything else.
    Dirty,
}

/// A sequence that needs the screen (the cursor, the size) to be translated: [`Prefilter`]
/// stops after it, the caller flushes what came before to vt100, then applies it (see
/// [`super::feed_parser`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// HT (with tab stops set) or CHT (`CSI n I`), forward; CBT (`CSI n Z`) backward.
    Tab { n: u16, forward: bool },
    /// HTS (`ESC H`): a tab stop at the cursor's column.
    SetTab,
    /// TBC (`CSI g`, `CSI 0 g`): clear the tab stop at the cursor's column.
    ClearTab,
    /// DECALN (`ESC # 8`).
    Align,
    /// DECSC (`ESC 7`): the cursor and attributes saved in our own slot.
    SaveCursor,
    /// DECRC (`ESC 8`).
    RestoreCursor,
    /// `CSI ? 1049 h` (true) or `l`: the alternate screen, with a saved cursor of its own.
    Alternate(bool),
    /// DECSTBM (`CSI t;b r`), 0 for a default parameter.
    Margins { top: u16, bottom: u16 },
    /// A character printed while DECSCA protection is on.
    Protected,
    /// ED (`CSI n J`) / EL (`CSI n K`), selective (`CSI ? n J/K`) or not.
    Erase {
        selective: bool,
        line: bool,
        mode: u16,
    },
}

/// Longest control sequence held back to be looked at; longer ones go to vt100 as they are.
const MAX_HELD: usize = 96;

#[derive(Debug, Clone)]
pub struct Prefilter {
    st: St,
    cs: Charsets,
    /// Charsets saved by DECSC (`ESC 7`).
    saved: Charsets,
    /// The cursor saved by DECSC: (row, column, attributes as SGR).
    saved_cursor: Option<(u16, u16, String)>,
    /// The cursor saved by `CSI ? 1049 h`.
    saved_cursor_1049: Option<(u16, u16, String)>,
    /// Charsets saved by `CSI ? 1049 h`, restored by `CSI ? 1049 l` (separate from DECSC's).
    saved_1049: Charsets,
    alternate: bool,
    utf8_pending: u8,
    nl: Newlines,
    /// The bytes of the escape or control sequence being read (ESC included).
    held: Vec<u8>,
    /// The held sequence was too long: the rest goes through unlooked at.
    overflow: bool,
    /// IRM (`CSI 4 h`).
    insert: bool,
    /// The character being printed in insert mode (its width decides how far the line moves).
    ichar: Vec<u8>,
    /// Tab stops, sorted; `None` for the default one every 8 columns.
    tabs: Option<Vec<u16>>,
    /// DECSCA (`CSI 1 " q`): characters printed are protected from selective erase.
    protect: bool,
    /// Protected cells (row, column) and what they held when written; a cell that no longer
    /// holds it (scrolled, overwritten by other means) is no longer protected.
    protected: std::collections::BTreeMap<(u16, u16), String>,
    clean: Clean,
    /// The alternate screen was entered since the last full reset given to vt100 (a reset
    /// must then re-create it: vt100 does).
    alt_used: bool,
    /// The held ESC ended a string (OSC, DCS, …) that vt100 is still reading.
    string_open: bool,
    /// A full reset was done by erasing: vt100 still remembers the last character printed,
    /// which REP must not repeat until another is printed.
    no_rep: bool,
    hook: Option<Hook>,
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

/// Parameters of a control sequence: (private marker, numbers, intermediates, final), or
/// `None` for one with sub-parameters or too many digits (passed on as it is).
type Csi = (Option<u8>, Vec<u16>, Vec<u8>, u8);

fn parse_csi(seq: &[u8]) -> Option<Csi> {
    // seq is ESC [ ... final
    let body = seq.get(2..)?;
    let (&fin, body) = body.split_last()?;
    let (private, body) = match body.first() {
        Some(&p @ 0x3C..=0x3F) => (Some(p), &body[1..]),
        _ => (None, body),
    };
    let split = body
        .iter()
        .position(|b| (0x20..0x30).contains(b))
        .unwrap_or(body.len());
    let (nums, inter) = body.split_at(split);
    if inter.iter().any(|b| !(0x20..0x30).contains(b)) {
        return None;
    }
    let mut params = Vec::new();
    if !nums.is_empty() {
        for p in nums.split(|&b| b == b';') {
            if !p.iter().all(u8::is_ascii_digit) || p.len() > 5 {
                return None;
            }
            let v: u32 = std::str::from_utf8(p).ok()?.parse().unwrap_or(0);
            params.push(v.min(u16::MAX as u32) as u16);
        }
    }
    Some((private, params, inter.to_vec(), fin))
}

/// What resets of a blank screen must still undo: modes, attributes, the cursor and the
/// saved cursor (vt100's full reset would re-allocate every cell).
const CHEAP_RESET: &[u8] =
    b"\x1b[r\x1b[?6l\x1b[H\x1b[0m\x1b7\x1b[?1l\x1b>\x1b[?25h\x1b[?9l\x1b[?1000l\
\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?2004l\x1b[0 q";

impl Prefilter {
    pub fn new(crlf: bool) -> Self {
        Prefilter {
            st: St::Ground,
            cs: Charsets::default(),
            saved: Charsets::default(),
            saved_cursor: None,
            saved_cursor_1049: None,
            saved_1049: Charsets::default(),
            alternate: false,
            utf8_pending: 0,
            nl: Newlines::new(crlf),
            held: Vec::new(),
            overflow: false,
            insert: false,
            ichar: Vec::new(),
            tabs: None,
            protect: false,
            protected: Default::default(),
            clean: Clean::Blank,
            alt_used: false,
            string_open: false,
            no_rep: false,
            hook: None,
        }
    }

    pub fn at_ground(&self) -> bool {
        self.st == St::Ground && self.utf8_pending == 0
    }

    pub fn set_crlf(&mut self, crlf: bool) {
        self.nl.set_crlf(crlf);
    }

    /// Whether insert mode (IRM) is on.
    pub fn insert_mode(&self) -> bool {
        self.insert
    }

    /// The tab stops set, `None` for the default (every 8 columns).
    pub fn tab_stops(&self) -> Option<&[u16]> {
        self.tabs.as_deref()
    }

    /// The terminal was resized: xterm and tmux put the tab stops back every 8 columns when
    /// the width changes; the screen may no longer be what a reset or DECALN left.
    pub fn resized(&mut self, width_changed: bool) {
        if width_changed {
            self.tabs = None;
        }
        if self.clean == Clean::Aligned {
            self.clean = Clean::Dirty;
        }
        self.protected.clear();
    }

    /// Transform `input`, appending what vt100 should see to `out`. Sequences that need the
    /// screen are passed on as they are (or as vt100 would take them): use
    /// [`super::feed_parser`] to have them translated.
    pub fn filter(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut rest = input;
        loop {
            let n = self.filter_step(rest, out);
            rest = &rest[n..];
            if let Some(h) = self.hook.take() {
                match h {
                    Hook::Tab { forward: true, .. } => out.push(b'\t'),
                    Hook::RestoreCursor => out.extend_from_slice(b"\x1b8"),
                    Hook::Alternate(set) => {
                        out.extend_from_slice(if set { b"\x1b[?1049h" } else { b"\x1b[?1049l" })
                    }
                    Hook::Erase {
                        selective,
                        line,
                        mode,
                    } => {
                        let q = if selective { "?" } else { "" };
                        let f = if line { 'K' } else { 'J' };
                        out.extend_from_slice(format!("\x1b[{q}{mode}{f}").as_bytes());
                    }
                    Hook::Margins { top, bottom } => {
                        out.extend_from_slice(format!("\x1b[{top};{bottom}r").as_bytes())
                    }
                    _ => {}
                }
            }
            if rest.is_empty() {
                break;
            }
        }
    }

    /// Transform `input` up to the first sequence that needs the screen (then returned by
    /// [`Self::take_hook`]); returns how many bytes were used.
    pub fn filter_step(&mut self, input: &[u8], out: &mut Vec<u8>) -> usize {
        let from = out.len();
        let n = self.filter_inner(input, out);
        // vt100 drops U+FFFD: carry it as a private-use stand-in that rendering maps back
        if memchr::memmem::find(&out[from..], REPLACEMENT).is_some() {
            let fixed = replace_all(&out[from..], REPLACEMENT, REPLACEMENT_STAND_IN);
            out.truncate(from);
            out.extend_from_slice(&fixed);
        }
        n
    }

    /// The sequence [`Self::filter_step`] stopped after, if any.
    pub fn take_hook(&mut self) -> Option<Hook> {
        self.hook.take()
    }

    fn filter_inner(&mut self, input: &[u8], out: &mut Vec<u8>) -> usize {
        out.reserve(input.len() + input.len() / 8);
        let mut i = 0;
        while i < input.len() {
            // fast path: text (ASCII or UTF-8, no controls) in the ground state with no
            // graphics charset
            if self.st == St::Ground
                && self.utf8_pending == 0
                && !self.cs.graphics()
                && !self.insert
                && !self.protect
            {
                let run = input[i..]
                    .iter()
                    .position(|&b| b < 0x20 || b == 0x7F)
                    .unwrap_or(input.len() - i);
                if run > 0 {
                    let text = &input[i..i + run];
                    out.extend_from_slice(text);
                    self.nl.saw(text[run - 1]);
                    self.utf8_pending = utf8_pending_after(text);
                    self.clean = Clean::Dirty;
                    self.no_rep = false;
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
                self.hold_or_pass(&input[i..i + body], out);
                self.nl.saw(input[i + body - 1]);
                i += body;
                continue;
            }
            let b = input[i];
            i += 1;
            self.byte(b, out);
            self.nl.saw(b);
            if self.hook.is_some() {
                break;
            }
        }
        i
    }

    /// Bytes of a sequence: held while a control sequence is being read, else passed on.
    fn hold_or_pass(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        if matches!(self.st, St::Esc | St::EscInt(_) | St::Csi) && !self.overflow {
            self.held.extend_from_slice(bytes);
            if self.held.len() > MAX_HELD {
                out.append(&mut self.held);
                self.overflow = true;
                self.clean = Clean::Dirty;
            }
        } else {
            out.extend_from_slice(bytes);
        }
    }

    /// Pass on the held bytes (the sequence turned into a string, or was cancelled).
    fn release(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.held);
        self.overflow = false;
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
        // other C0 controls inside a sequence are executed at once (vte does), before it
        if b < 0x20
            && b != 0x1B
            && b != 0x18
            && b != 0x1A
            && self.st != St::Ground
            && self.executes_c0()
        {
            self.control(b, out);
            return;
        }
        // an ESC that ends a string starts a sequence: hold it like any other
        if b == 0x1B && !self.executes_c0() {
            self.anywhere(b);
            self.held.clear();
            self.overflow = false;
            self.held.push(b);
            self.string_open = true;
            return;
        }
        match self.st {
            St::Ground => self.ground(b, out),
            St::Esc => {
                if std::mem::take(&mut self.string_open) && b != b'\\' {
                    // vt100 has not seen the ESC that ended the string (it is held): end it
                    // there as the ESC does (ST), whatever becomes of the sequence it starts
                    out.extend_from_slice(b"\x1b\\");
                }
                self.hold_or_pass(&[b], out);
                match b {
                    0x20..=0x2F => self.st = St::EscInt(b),
                    b'P' => self.enter_string(St::DcsEntry, out),
                    b'X' | b'^' | b'_' => self.enter_string(St::SosPmApc, out),
                    b'[' => self.st = St::Csi,
                    b']' => self.enter_string(St::Osc, out),
                    0x18 | 0x1A | 0x1B => self.cancel(b, out),
                    0x30..=0x7E => {
                        self.st = St::Ground;
                        self.esc_done(b, out);
                    }
                    _ => {}
                }
            }
            St::EscInt(first) => {
                self.hold_or_pass(&[b], out);
                match b {
                    0x30..=0x7E => {
                        self.st = St::Ground;
                        match first {
                            b'(' => self.cs.g0 = b,
                            b')' | b'-' => self.cs.g1 = b,
                            b'#' if b == b'8' && !self.overflow => {
                                self.held.clear();
                                self.hook = Some(Hook::Align);
                                return;
                            }
                            _ => self.clean = Clean::Dirty,
                        }
                        self.release(out);
                    }
                    0x18 | 0x1A | 0x1B => self.cancel(b, out),
                    _ => {}
                }
            }
            St::Csi => {
                self.hold_or_pass(&[b], out);
                match b {
                    0x40..=0x7E => {
                        self.st = St::Ground;
                        if self.overflow {
                            self.overflow = false;
                        } else {
                            self.csi_done(out);
                        }
                    }
                    0x18 | 0x1A | 0x1B => self.cancel(b, out),
                    _ => {}
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

    /// The held sequence became a string (OSC, DCS, …): pass it on, strings are not ours.
    fn enter_string(&mut self, st: St, out: &mut Vec<u8>) {
        self.release(out);
        self.st = st;
    }

    /// CAN, SUB or ESC inside a sequence: vte drops the sequence (ESC starts a new one).
    fn cancel(&mut self, b: u8, out: &mut Vec<u8>) {
        self.clean = Clean::Dirty;
        if self.overflow {
            // passed on already, the cancelling byte too: so is what follows an ESC
            self.st = if b == 0x1B { St::Esc } else { St::Ground };
            self.overflow = b == 0x1B;
            return;
        }
        // the cancelling byte was held with the rest
        self.held.pop();
        self.release(out);
        self.clean = Clean::Dirty;
        if b == 0x1B {
            self.st = St::Esc;
            self.held.push(b);
        } else {
            out.push(b);
            self.st = St::Ground;
        }
    }

    fn anywhere(&mut self, b: u8) {
        match b {
            0x18 | 0x1A => self.st = St::Ground,
            0x1B => self.st = St::Esc,
            _ => {}
        }
    }

    /// A C0 control executed in the ground state or inside a sequence.
    fn control(&mut self, b: u8, out: &mut Vec<u8>) {
        match b {
            b'\t' if self.tabs.is_some() && self.st == St::Ground => {
                self.hook = Some(Hook::Tab {
                    n: 1,
                    forward: true,
                });
                return;
            }
            b'\r' | 0x08 | b'\t' | 0x07 | 0x00 => {}
            b'\n' | 0x0B | 0x0C if self.clean == Clean::Blank => {}
            _ => self.clean = Clean::Dirty,
        }
        out.push(b);
    }

    /// An escape sequence `ESC final` is complete (held).
    fn esc_done(&mut self, b: u8, out: &mut Vec<u8>) {
        if self.overflow {
            self.release(out);
            return;
        }
        match b {
            b'c' => {
                let blank = self.clean == Clean::Blank;
                let alt_used = self.alt_used;
                let no_rep = self.no_rep;
                let held = std::mem::take(&mut self.held);
                let nl = self.nl;
                *self = Prefilter::new(false);
                self.nl = nl;
                if blank {
                    // a reset of a screen that is already blank: undo the modes, keep the cells
                    out.extend_from_slice(CHEAP_RESET);
                    self.no_rep = no_rep;
                } else if !alt_used {
                    // only the main screen was used: erasing it is 4 times cheaper than the
                    // new screen vt100 would allocate
                    out.extend_from_slice(CHEAP_RESET);
                    out.extend_from_slice(b"\x1b[0m\x1b[2J");
                    self.no_rep = true;
                } else {
                    out.extend_from_slice(&held);
                }
                return;
            }
            b'7' => {
                self.saved = self.cs;
                self.release(out);
                self.hook = Some(Hook::SaveCursor);
                return;
            }
            b'8' => {
                self.cs = self.saved;
                self.held.clear();
                self.hook = Some(Hook::RestoreCursor);
                return;
            }
            b'H' => {
                self.held.clear();
                self.hook = Some(Hook::SetTab);
                return;
            }
            // IND and NEL, which vt100 lacks: a line feed, with a carriage return for NEL
            b'D' | b'E' => {
                self.held.clear();
                if b == b'E' {
                    out.push(b'\r');
                }
                out.push(b'\n');
                if self.clean != Clean::Blank {
                    self.clean = Clean::Dirty;
                }
                return;
            }
            b'=' | b'>' => {}
            b'M' if self.clean == Clean::Blank => {}
            _ => self.clean = Clean::Dirty,
        }
        self.release(out);
    }

    /// A control sequence `ESC [ … final` is complete (held).
    fn csi_done(&mut self, out: &mut Vec<u8>) {
        let Some((private, params, inter, fin)) = parse_csi(&self.held) else {
            self.clean = Clean::Dirty;
            self.release(out);
            return;
        };
        let p0 = params.first().copied().unwrap_or(0);
        let hook = match (private, inter.as_slice(), fin) {
            (None, [], b'h' | b'l') => {
                if params.contains(&4) {
                    self.insert = fin == b'h';
                }
                None
            }
            (Some(b'?'), [], b'h' | b'l') => {
                let set = fin == b'h';
                if params.contains(&3) {
                    // DECCOLM: the size stays (the recording's size is the terminal's), the
                    // screen is cleared, the margins reset and the cursor homed
                    self.held.clear();
                    for &p in &params {
                        if p == 3 {
                            out.extend_from_slice(b"\x1b[r\x1b[2J\x1b[H");
                        } else {
                            self.private_mode(p, set);
                            let s = format!("\x1b[?{p}{}", fin as char);
                            out.extend_from_slice(s.as_bytes());
                        }
                    }
                    self.clean = Clean::Dirty;
                    return;
                }
                for &p in &params {
                    self.private_mode(p, set);
                }
                if params.contains(&1049) {
                    // the other modes as they are, then the alternate screen (ours)
                    self.held.clear();
                    let rest: Vec<String> = params
                        .iter()
                        .filter(|&&p| p != 1049)
                        .map(u16::to_string)
                        .collect();
                    if !rest.is_empty() {
                        let s = format!("\x1b[?{}{}", rest.join(";"), fin as char);
                        out.extend_from_slice(s.as_bytes());
                    }
                    self.hook = Some(Hook::Alternate(set));
                    return;
                }
                None
            }
            (None, [], b'r') => Some(Hook::Margins {
                top: p0,
                bottom: params.get(1).copied().unwrap_or(0),
            }),
            (None, [], b'I' | b'Z') => Some(Hook::Tab {
                n: p0.max(1),
                forward: fin == b'I',
            }),
            (None, [], b'g') => match p0 {
                0 => Some(Hook::ClearTab),
                3 => {
                    self.tabs = Some(Vec::new());
                    self.held.clear();
                    return;
                }
                _ => {
                    self.held.clear();
                    return;
                }
            },
            (None, [b'"'], b'q') => {
                self.protect = p0 == 1;
                self.held.clear();
                return;
            }
            (None | Some(b'?'), [], b'J' | b'K') => {
                self.clean = Clean::Dirty;
                self.has_protected().then_some(Hook::Erase {
                    selective: private.is_some(),
                    line: fin == b'K',
                    mode: p0,
                })
            }
            (None, [b'!'], b'p') => {
                // DECSTR: soft reset of what our layer keeps (vt100 ignores it)
                self.insert = false;
                self.protect = false;
                self.cs = Charsets::default();
                self.saved = Charsets::default();
                self.saved_cursor = None;
                self.held.clear();
                out.extend_from_slice(b"\x1b[0m\x1b[?25h");
                return;
            }
            (None, [], b'b') if self.no_rep => {
                self.held.clear();
                return;
            }
            (None, [], b'H' | b'f' | b'A'..=b'G' | b'd' | b'`' | b'm') => None,
            _ => {
                self.clean = Clean::Dirty;
                None
            }
        };
        match hook {
            Some(h) => {
                self.held.clear();
                self.hook = Some(h);
            }
            None => self.release(out),
        }
    }

    fn private_mode(&mut self, p: u16, set: bool) {
        match p {
            1049 => {
                if set && !self.alternate {
                    self.saved_1049 = self.cs;
                } else if !set && self.alternate {
                    self.cs = self.saved_1049;
                }
                self.alternate = set;
                self.alt_used |= set;
                self.clean = Clean::Dirty;
            }
            47 | 1047 => {
                self.alternate = set;
                self.alt_used |= set;
                self.clean = Clean::Dirty;
            }
            _ => {}
        }
    }

    fn ground(&mut self, b: u8, out: &mut Vec<u8>) {
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
        self.no_rep = false;
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
            if self.insert {
                self.ichar.push(b);
                if self.utf8_pending == 0 {
                    let width = std::str::from_utf8(&self.ichar)
                        .ok()
                        .and_then(|s| s.chars().next())
                        .map_or(1, |c| {
                            unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
                        });
                    if width > 0 {
                        out.extend_from_slice(format!("\x1b[{width}@").as_bytes());
                    }
                    out.append(&mut self.ichar);
                }
            } else {
                out.push(b);
            }
            if self.protect && self.utf8_pending == 0 {
                self.hook = Some(Hook::Protected);
            }
            return;
        }
        self.utf8_pending = 0;
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

    // ---- what the hooks need from our state (applied by `super::feed_parser`) ----

    /// The column the cursor moves to from `col`, `n` tab stops forward or backward.
    pub fn tab_target(&self, col: u16, cols: u16, n: u16, forward: bool) -> u16 {
        let last = cols.saturating_sub(1);
        let col = col.min(last);
        let mut c = col;
        for _ in 0..n.min(cols) {
            c = if forward {
                match &self.tabs {
                    None => (c / 8 + 1).saturating_mul(8).min(last),
                    Some(t) => t.iter().copied().find(|&s| s > c).unwrap_or(last).min(last),
                }
            } else {
                match &self.tabs {
                    None => c.saturating_sub(1) / 8 * 8,
                    Some(t) => t.iter().rev().copied().find(|&s| s < c).unwrap_or(0),
                }
            };
            if c == last && forward || c == 0 && !forward {
                break;
            }
        }
        c
    }

    pub fn set_tab(&mut self, col: u16, cols: u16) {
        let t = self
            .tabs
            .get_or_insert_with(|| (8..cols).step_by(8).collect());
        if let Err(i) = t.binary_search(&col) {
            t.insert(i, col);
        }
    }

    pub fn clear_tab(&mut self, col: u16, cols: u16) {
        let t = self
            .tabs
            .get_or_insert_with(|| (8..cols).step_by(8).collect());
        if let Ok(i) = t.binary_search(&col) {
            t.remove(i);
        }
    }

    pub fn save_cursor(&mut self, row: u16, col: u16, attrs: String) {
        self.saved_cursor = Some((row, col, attrs));
    }

    pub fn saved_cursor(&self) -> Option<&(u16, u16, String)> {
        self.saved_cursor.as_ref()
    }

    pub fn save_cursor_1049(&mut self, row: u16, col: u16, attrs: String) {
        self.saved_cursor_1049 = Some((row, col, attrs));
    }

    pub fn take_cursor_1049(&mut self) -> Option<(u16, u16, String)> {
        self.saved_cursor_1049.take()
    }

    /// DECALN was applied: a second one with nothing drawn between needs no fill.
    pub fn aligned(&mut self) -> bool {
        let was = self.clean == Clean::Aligned;
        self.clean = Clean::Aligned;
        self.protected.clear();
        was
    }

    pub fn protect_cell(&mut self, row: u16, col: u16, contents: String) {
        self.protected.insert((row, col), contents);
    }

    /// The protected columns of `row` from `from` to `to` (inclusive) whose cells still hold
    /// what was written there (`contents` gives a cell's).
    pub fn protected_in(
        &self,
        row: u16,
        from: u16,
        to: u16,
        contents: impl Fn(u16) -> String,
    ) -> Vec<u16> {
        self.protected
            .range((row, from)..=(row, to))
            .filter(|((_, c), s)| contents(*c) == **s)
            .map(|((_, c), _)| *c)
            .collect()
    }

    pub fn has_protected(&self) -> bool {
        !self.protected.is_empty()
    }

    /// Ordinary erase of these cells: they are no longer protected.
    pub fn unprotect(&mut self, from: (u16, u16), to: (u16, u16)) {
        if from <= to {
            let gone: Vec<_> = self.protected.range(from..=to).map(|(k, _)| *k).collect();
            for k in gone {
                self.protected.remove(&k);
            }
        }
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
