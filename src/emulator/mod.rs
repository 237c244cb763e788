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
pub mod replay;

pub use prefilter::Prefilter;
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
}

/// Everything needed to rebuild a [`Term`] at a point between escape sequences.
#[derive(Clone)]
pub struct Snapshot {
    pub screen: vt100::Screen,
    pub title: Vec<u8>,
    pub pre: Prefilter,
}

impl Snapshot {
    /// Approximate heap size, for sizing the keyframe interval.
    pub fn approx_bytes(&self) -> usize {
        let (rows, cols) = self.screen.size();
        let grids = if self.screen.alternate_screen() { 2 } else { 1 };
        grids * rows.get() as usize * (cols.get() as usize * 32 + 48) + self.title.len() + 256
    }
}

impl Term {
    /// What a [`Snapshot`] of this terminal would take, approximately (without making one).
    pub fn snapshot_bytes(&self) -> usize {
        let screen = self.parser.screen();
        let (rows, cols) = screen.size();
        let grids = if screen.alternate_screen() { 2 } else { 1 };
        grids * rows.get() as usize * (cols.get() as usize * 32 + 48) + self.title().len() + 256
    }
}

pub fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).unwrap_or(NonZeroU16::MIN)
}

impl Term {
    pub fn new(cols: u16, rows: u16, crlf: bool) -> Self {
        let (cols, rows) = crate::geometry::bounded(cols, rows);
        Term {
            parser: vt100::Parser::new_with_callbacks(nz(rows), nz(cols), 0, Callbacks::default()),
            pre: Prefilter::new(crlf),
            buf: Vec::new(),
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
        self.buf.clear();
        self.pre.filter(bytes, &mut self.buf);
        self.parser.process(&self.buf);
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        let (cols, rows) = crate::geometry::bounded(cols, rows);
        self.parser.screen_mut().set_size(nz(rows), nz(cols));
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
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
        }
    }
}
