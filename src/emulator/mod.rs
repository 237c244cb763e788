//! Terminal emulation: vt100 behind our own wrapper.
//!
//! [`Term`] feeds bytes through a small pre-filter of ours before vt100 sees them. The
//! pre-filter does what vt100 lacks and real programs use:
//! - the DEC special graphics charset (`ESC ( 0`, `ESC ) 0`, SI/SO), which ncurses programs
//!   emit for line drawing, translated to the Unicode characters a terminal shows;
//! - bare LF shown as CR LF, for logs recorded without the tty's `onlcr` translation;
//! - tracking of the escape-sequence state, so that keyframes are only taken where the byte
//!   stream is between sequences (vt100's `Screen` can be cloned, its parser cannot).

pub mod newline;
pub mod prefilter;
pub mod probe;
pub mod replay;

pub use prefilter::{Hook, Prefilter};
pub use replay::Replay;

use std::num::NonZeroU16;

/// How bare LFs are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NewlineMode {
    /// Translate when the output has LF but never CR LF.
    #[default]
    Auto,
    /// Always show a bare LF as CR LF.
    Crlf,
    /// Feed bytes as they are.
    Raw,
}

impl std::str::FromStr for NewlineMode {
    type Err = BadNewlineMode;
    fn from_str(s: &str) -> Result<Self, BadNewlineMode> {
        match s {
            "auto" => Ok(Self::Auto),
            "crlf" => Ok(Self::Crlf),
            "raw" | "lf" => Ok(Self::Raw),
            _ => Err(BadNewlineMode(s.to_string())),
        }
    }
}

/// A `--newline` value that is none of the modes (the value given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadNewlineMode(pub String);

impl std::fmt::Display for BadNewlineMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid newline mode '{}': use auto, crlf or raw",
            self.0
        )
    }
}

impl std::error::Error for BadNewlineMode {}

/// The window title set by the recording (OSC 0/2), kept for the player.
#[derive(Debug, Clone, Default)]
pub struct Callbacks {
    pub title: Vec<u8>,
    /// Rows scrolled off the top of the main screen, when capture is on.
    pub scrolled: Option<Vec<String>>,
}

const MAX_TITLE: usize = 512;

impl vt100::Callbacks for Callbacks {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.title = title[..title.len().min(MAX_TITLE)].to_vec();
    }

    fn on_scroll(&mut self, contents: vt100::capture::RowContents<'_>, alternate_screen: bool) {
        if alternate_screen {
            return;
        }
        if let Some(out) = self.scrolled.as_mut() {
            let mut formatted = String::new();
            let mut state = vt100::capture::BasicFormattedCaptureState::new();
            let _ = contents.write_formatted_basic(&mut formatted, &mut state);
            let plain: String = vt100::capture::basic_formatted_to_plain(&formatted).collect();
            let plain: String = plain.chars().map(prefilter::shown_char).collect();
            out.push(plain.trim_end().to_string());
        }
    }
}

/// An emulated terminal.
pub struct Term {
    parser: vt100::Parser<Callbacks>,
    pre: Prefilter,
    buf: Vec<u8>,
    /// Rows in the main screen's scrollback, as last seen while it was active (it does not
    /// change while the alternate screen is: what keyframes must count).
    main_scrollback: usize,
}

/// Everything needed to rebuild a [`Term`] at a point between escape sequences.
#[derive(Clone)]
pub struct Snapshot {
    pub screen: vt100::Screen,
    pub title: Vec<u8>,
    pub pre: Prefilter,
    /// Rows in the main screen's scrollback (vt100 tells only the active screen's).
    pub main_scrollback: usize,
}

impl Snapshot {
    /// Approximate heap size, for sizing the keyframe interval.
    pub fn approx_bytes(&self) -> usize {
        let (rows, cols) = self.screen.size();
        let grids = if self.screen.alternate_screen() { 2 } else { 1 };
        let lines = grids * rows.get() as usize + self.main_scrollback;
        lines * (cols.get() as usize * 32 + 48) + self.title.len() + 256
    }
}

impl Term {
    /// What a [`Snapshot`] of this terminal would take, approximately (without making one).
    pub fn snapshot_bytes(&self) -> usize {
        let screen = self.parser.screen();
        let (rows, cols) = screen.size();
        let grids = if screen.alternate_screen() { 2 } else { 1 };
        let lines = grids * rows.get() as usize + self.main_scrollback;
        lines * (cols.get() as usize * 32 + 48) + self.title().len() + 256
    }
}

/// Feed `bytes` through the pre-filter into `parser`, applying the sequences that need the
/// screen (tab stops, DECALN, scroll margins, selective erase) with what the screen holds.
pub fn feed_parser<CB: vt100::Callbacks>(
    pre: &mut Prefilter,
    parser: &mut vt100::Parser<CB>,
    bytes: &[u8],
    buf: &mut Vec<u8>,
) {
    let mut rest = bytes;
    loop {
        buf.clear();
        let n = pre.filter_step(rest, buf);
        parser.process(buf);
        rest = &rest[n..];
        if let Some(hook) = pre.take_hook() {
            buf.clear();
            apply_hook(pre, parser.screen(), hook, buf);
            parser.process(buf);
        }
        if rest.is_empty() {
            break;
        }
    }
}

/// Move the cursor to (row, col) whatever the origin mode (VPA and CHA are absolute in vt100).
fn goto(out: &mut Vec<u8>, row: u16, col: u16) {
    out.extend_from_slice(format!("\x1b[{}d\x1b[{}G", row + 1, col + 1).as_bytes());
}

fn apply_hook(pre: &mut Prefilter, screen: &vt100::Screen, hook: Hook, out: &mut Vec<u8>) {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let (row, col) = screen.cursor_position();
    let here = col.min(cols - 1);
    match hook {
        Hook::Tab { n, forward } => {
            let to = pre.tab_target(col, cols, n, forward);
            out.extend_from_slice(format!("\x1b[{}G", to + 1).as_bytes());
        }
        Hook::SaveCursor => pre.save_cursor(row, here, screen.attributes_formatted()),
        Hook::RestoreCursor => {
            // nothing saved: home, default attributes (xterm)
            let (r, c, attrs) = pre
                .saved_cursor()
                .cloned()
                .unwrap_or((0, 0, "\x1b[m".to_string()));
            goto(out, r.min(rows - 1), c.min(cols - 1));
            out.extend_from_slice(attrs.as_bytes());
        }
        Hook::Alternate(true) => {
            if !screen.alternate_screen() {
                pre.save_cursor_1049(row, here, screen.attributes_formatted());
            }
            // vt100 homes the cursor on the cleared alternate screen: it stays where it was
            out.extend_from_slice(b"\x1b[?1049h");
            goto(out, row, here);
        }
        Hook::Alternate(false) => {
            out.extend_from_slice(b"\x1b[?1049l");
            if let Some((r, c, attrs)) = pre.take_cursor_1049() {
                goto(out, r.min(rows - 1), c.min(cols - 1));
                out.extend_from_slice(attrs.as_bytes());
            }
        }
        Hook::EnterStale => {
            // as a new alternate screen: erased in default colours, no margins, no origin
            // mode, the cursor home; the attributes as they were
            out.extend_from_slice(b"\x1b[?47h\x1b[0m\x1b[r\x1b[?6l\x1b[2J\x1b[H");
            out.extend_from_slice(screen.attributes_formatted().as_bytes());
        }
        Hook::SetTab => pre.set_tab(here, cols),
        Hook::ClearTab => pre.clear_tab(here, cols),
        Hook::Align => {
            // margins reset, cursor home, the screen filled with E in default attributes
            // (xterm); a second DECALN with nothing drawn since changes no cell
            let attrs = screen.attributes_formatted();
            out.extend_from_slice(b"\x1b[r\x1b[0m");
            if !pre.aligned() {
                // only the rows that are not already E's of default attributes: reading a
                // row costs far less than writing it (DECALN on 2000×1000 after drawing one
                // character rewrites one row, not 2 million cells)
                let line = "E".repeat(cols as usize);
                let formatted = screen.rows_formatted(0, cols);
                for (r, now) in (1..=rows).zip(formatted) {
                    if now.as_bytes() == line.as_bytes() && !screen.row_wrapped(r - 1) {
                        continue;
                    }
                    out.extend_from_slice(format!("\x1b[{r};1H").as_bytes());
                    out.extend_from_slice(line.as_bytes());
                    pre.printed();
                }
            }
            out.extend_from_slice(attrs.as_bytes());
            out.extend_from_slice(b"\x1b[H");
        }
        Hook::Margins { top, bottom } => {
            // xterm: a region of at least two lines is set and the cursor goes home (in the
            // region with DECOM); anything else is ignored
            let top = top.max(1);
            let bottom = if bottom == 0 || bottom > rows {
                rows
            } else {
                bottom
            };
            if bottom > top {
                out.extend_from_slice(format!("\x1b[{top};{bottom}r\x1b[H").as_bytes());
            }
        }
        Hook::Protected => {
            if col > 0 {
                let mut c = col - 1;
                if c > 0
                    && screen
                        .cell(row, c)
                        .is_some_and(|x| x.is_wide_continuation())
                {
                    c -= 1;
                }
                if let Some(cell) = screen.cell(row, c) {
                    pre.protect_cell(row, c, cell.contents().to_string());
                }
            }
        }
        Hook::Erase {
            selective,
            line,
            mode,
        } => {
            let last = cols - 1;
            let range = match (line, mode) {
                (false, 0) => Some(((row, here), (rows - 1, last))),
                (false, 1) => Some(((0, 0), (row, here))),
                (false, 2) => Some(((0, 0), (rows - 1, last))),
                (true, 0) => Some(((row, here), (row, last))),
                (true, 1) => Some(((row, 0), (row, here))),
                (true, 2) => Some(((row, 0), (row, last))),
                _ => None,
            };
            let Some((from, to)) = range else {
                let q = if selective { "?" } else { "" };
                let f = if line { 'K' } else { 'J' };
                out.extend_from_slice(format!("\x1b[{q}{mode}{f}").as_bytes());
                return;
            };
            if !selective {
                let f = if line { 'K' } else { 'J' };
                out.extend_from_slice(format!("\x1b[{mode}{f}").as_bytes());
                pre.unprotect(from, to);
                return;
            }
            // selective: erase every cell of the range but the protected ones
            for r in from.0..=to.0 {
                let c0 = if r == from.0 { from.1 } else { 0 };
                let c1 = if r == to.0 { to.1 } else { last };
                let keep = pre.protected_in(r, c0, c1, |c| {
                    screen
                        .cell(r, c)
                        .map(|x| x.contents().to_string())
                        .unwrap_or_default()
                });
                let mut c = c0;
                for k in keep.iter().copied().chain(std::iter::once(c1 + 1)) {
                    if k > c {
                        goto(out, r, c);
                        out.extend_from_slice(format!("\x1b[{}X", k - c).as_bytes());
                    }
                    c = k + 1;
                }
            }
            goto(out, row, here);
        }
    }
}

/// Fewest bytes fed between two checks of [`Term::feed_while`]: 16 full resets of a
/// 2000×1000 screen at most (tens of milliseconds).
pub const FEED_SLICE: usize = 32;
/// Most bytes fed between two checks: half a millisecond of plain output.
pub const FEED_SLICE_MAX: usize = 16 << 10;

/// Bytes fed between two checks on a screen of `cells`: as many as cost at most what
/// [`FEED_SLICE`] bytes cost on a 2000×1000 screen (a few bytes can erase or reset every
/// cell), and more on smaller screens, where feeding many short slices costs a fifth more
/// than feeding whole events.
pub fn feed_slice(cells: usize) -> usize {
    (FEED_SLICE * 2_000_000 / cells.max(1)).clamp(FEED_SLICE, FEED_SLICE_MAX)
}

pub fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).unwrap_or(NonZeroU16::MIN)
}

impl Term {
    pub fn new(cols: u16, rows: u16, crlf: bool) -> Self {
        Self::with_scrollback(cols, rows, crlf, 0)
    }

    /// A terminal keeping up to `lines` rows scrolled off the top of its main screen (the
    /// player's scrollback; see [`Replay::with_scrollback`]).
    pub fn with_scrollback(cols: u16, rows: u16, crlf: bool, lines: usize) -> Self {
        let (cols, rows) = crate::geometry::bounded(cols, rows);
        let mut pre = Prefilter::new(crlf);
        pre.set_width(cols);
        Term {
            parser: vt100::Parser::new_with_callbacks(
                nz(rows),
                nz(cols),
                lines,
                Callbacks::default(),
            ),
            pre,
            buf: Vec::new(),
            main_scrollback: 0,
        }
    }

    /// Keep the rows that scroll off the top (for a transcript with scrollback).
    pub fn capture_scrollback(&mut self) {
        self.parser.callbacks_mut().scrolled = Some(Vec::new());
    }

    pub fn take_scrolled(&mut self) -> Vec<String> {
        self.parser
            .callbacks_mut()
            .scrolled
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        feed_parser(&mut self.pre, &mut self.parser, bytes, &mut self.buf);
        self.note_scrollback();
    }

    /// Feed `bytes` a slice at a time while `go()` says to go on (asked after each slice):
    /// the bytes fed, at least one slice's worth. A few bytes can cost a lot (a full reset of
    /// a 2000×1000 screen is 2 bytes), so a caller that must stay responsive (the player)
    /// stops between slices; the screen is the same however the bytes are cut.
    pub fn feed_while(&mut self, bytes: &[u8], go: &mut dyn FnMut() -> bool) -> usize {
        let (rows, cols) = self.parser.screen().size();
        let slice = feed_slice(rows.get() as usize * cols.get() as usize);
        self.feed_sliced(bytes, slice, go)
    }

    /// [`Term::feed_while`] with `slice` bytes between checks.
    pub fn feed_sliced(
        &mut self,
        bytes: &[u8],
        slice: usize,
        go: &mut dyn FnMut() -> bool,
    ) -> usize {
        let mut fed = 0;
        for slice in bytes.chunks(slice.max(1)) {
            feed_parser(&mut self.pre, &mut self.parser, slice, &mut self.buf);
            fed += slice.len();
            if fed < bytes.len() && !go() {
                break;
            }
        }
        self.note_scrollback();
        fed
    }

    fn note_scrollback(&mut self) {
        let screen = self.parser.screen();
        if !screen.alternate_screen() {
            self.main_scrollback = screen.scrollback_len();
        }
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        let (cols, rows) = crate::geometry::bounded(cols, rows);
        let (old_rows, old_cols) = self.parser.screen().size();
        if (old_rows.get(), old_cols.get()) == (rows, cols) {
            return;
        }
        self.pre.resized(old_cols.get() != cols);
        self.pre.set_width(cols);
        self.parser.screen_mut().set_size(nz(rows), nz(cols));
        self.note_scrollback();
    }

    /// Our own state kept beside vt100's (for tests and exports).
    pub fn prefilter(&self) -> &Prefilter {
        &self.pre
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// Show the screen `lines` rows back into the scrollback (0: the live screen); clamped
    /// to what is kept.
    pub fn set_scrollback(&mut self, lines: usize) {
        self.parser.screen_mut().set_scrollback(lines);
    }

    pub fn title(&self) -> &[u8] {
        &self.parser.callbacks().title
    }

    /// Whether the byte stream is between escape sequences (a keyframe may be taken).
    pub fn at_ground(&self) -> bool {
        self.pre.at_ground()
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            screen: self.parser.screen().clone(),
            title: self.title().to_vec(),
            pre: self.pre.clone(),
            main_scrollback: self.main_scrollback,
        }
    }

    pub fn restore(snap: &Snapshot) -> Self {
        let (rows, cols) = snap.screen.size();
        let mut parser = vt100::Parser::new_with_callbacks(rows, cols, 0, Callbacks::default());
        *parser.screen_mut() = snap.screen.clone();
        parser.callbacks_mut().title = snap.title.clone();
        Term {
            parser,
            pre: snap.pre.clone(),
            buf: Vec::new(),
            main_scrollback: snap.main_scrollback,
        }
    }
}
