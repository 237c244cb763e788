//! The bytes vt100 sees: DEC special graphics translated, bare LF as CR LF on demand, and the
//! escape-sequence state tracked exactly as vte 0.15 moves between states, so that we know
//! where the stream is "between sequences" (vte in its ground state, no partial UTF-8).

mod csi;
mod print;
mod state;

use super::newline::Newlines;
pub use print::{dec_graphics, shown_char, STAND_IN_FOR_REPLACEMENT};
use print::{replace_all, utf8_pending_after, Charsets, REPLACEMENT, REPLACEMENT_STAND_IN};

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
    /// `CSI ? 47 h` when the alternate screen still holds what was drawn before a cheap full
    /// reset: entered, and made as new (blank, no margins, cursor home).
    EnterStale,
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
    /// The alternate screen was entered since the last full reset.
    alt_used: bool,
    /// A full reset was done without vt100's (which re-allocates both screens): the
    /// alternate screen still holds what was drawn there, so showing it again must clear it.
    alt_stale: bool,
    /// The screen is one column wide: vt100 ignores a wide character there.
    one_column: bool,
    /// The held ESC ended a string (OSC, DCS, …) that vt100 is still reading.
    string_open: bool,
    /// A full reset was done by erasing: vt100 still remembers the last character printed,
    /// which REP must not repeat until another is printed.
    no_rep: bool,
    hook: Option<Hook>,
}

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
            alt_stale: false,
            one_column: false,
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
        if print::contains_replacement(&out[from..]) {
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
                && !self.no_rep
            {
                let run = print::text_run(&input[i..]);
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
        if b == 0x1B {
            // vte drops the sequence and starts another: vt100 need not see the dropped one
            // (were it given, and the new one turned out ours and kept from it, vt100 would
            // be left in the middle of a sequence)
            self.held.clear();
            self.st = St::Esc;
            self.held.push(b);
        } else {
            self.release(out);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(p: &mut Prefilter, s: &[u8]) -> String {
        let mut out = Vec::new();
        p.filter(s, &mut out);
        String::from_utf8(out).unwrap()
    }

    proptest::proptest! {
        /// The text scanned eight bytes at a time ends where it ends scanned byte by byte,
        /// and U+FFFD is found wherever it is.
        #[test]
        fn text_runs_end_at_the_first_control(
            s in proptest::collection::vec(
                proptest::prop_oneof![
                    0x20u8..0x7F,
                    0x80u8..=0xFF,
                    proptest::strategy::Just(0x7Fu8),
                    0u8..0x20,
                ],
                0..40,
            ),
            cut in 0usize..40,
        ) {
            let s = &s[cut.min(s.len())..];
            let naive = s.iter().position(|&b| b < 0x20 || b == 0x7F).unwrap_or(s.len());
            proptest::prop_assert_eq!(print::text_run(s), naive);
            let has = s.windows(3).any(|w| w == REPLACEMENT);
            proptest::prop_assert_eq!(print::contains_replacement(s), has);
        }
    }

    #[test]
    fn text_run_on_every_byte_at_every_place() {
        for b in 0..=255u8 {
            for at in 0..17 {
                let mut s = vec![b'a'; 17];
                s[at] = b;
                let want = if b < 0x20 || b == 0x7F { at } else { 17 };
                assert_eq!(print::text_run(&s), want, "byte {b:#x} at {at}");
            }
        }
        assert!(print::contains_replacement("a\u{ff0c}b\u{fffd}".as_bytes()));
        assert!(!print::contains_replacement("\u{ff0c}\u{fffe}".as_bytes()));
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
