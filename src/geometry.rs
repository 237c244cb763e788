//! Inferring the terminal size from what a recording drew (audit logs do not record it).
//!
//! The output is scanned once, in a model of an infinitely wide terminal, for:
//! - cursor addressing (CUP, VPA, CHA/HPA) and scroll regions (DECSTBM): the screen is at
//!   least as large as any position a program addressed, and a full-screen program's scroll
//!   region is usually the whole screen;
//! - wrap marks: programs that know the terminal wraps at the right margin put a character
//!   one column past it and go straight back to column 1 of the next line — readline writes
//!   `␠\r`, less `␠\b`, vim the next character then `CUP(row+1, 1)`. The column they vote for
//!   most is the width.
//!
//! A guess never crops: it is at least as large as every addressed position.

use crate::timeline::{Kind, Timeline};
use std::collections::HashMap;

pub const DEFAULT_COLS: u16 = 80;
pub const DEFAULT_ROWS: u16 = 24;

/// The largest screen emulated (the limits `--cols` and `--rows` accept). A recording may ask
/// for more — a header of 10000×10000, a cursor sent to row 65535 — which would take gigabytes
/// (every keyframe is a copy of the screen): such sizes are cut to these.
pub const MAX_COLS: u16 = 2000;
pub const MAX_ROWS: u16 = 1000;

/// A size within [`MAX_COLS`] × [`MAX_ROWS`] (and at least 1×1).
pub fn bounded(cols: u16, rows: u16) -> (u16, u16) {
    (cols.clamp(1, MAX_COLS), rows.clamp(1, MAX_ROWS))
}

/// A size and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Geometry {
    pub cols: u16,
    pub rows: u16,
    /// `given`, `header`, `inferred: …` or `default`.
    pub source: String,
}

/// The size for a timeline: the user's, else the recording's header, else inferred.
pub fn resolve(tl: &Timeline, cols: Option<u16>, rows: Option<u16>) -> Geometry {
    if let (Some(c), Some(r)) = (cols, rows) {
        return Geometry {
            cols: c,
            rows: r,
            source: "given".into(),
        };
    }
    let mut g = match tl.header_size {
        Some((c, r)) => Geometry {
            cols: c,
            rows: r,
            source: "header".into(),
        },
        None => infer(tl),
    };
    let (c, r) = bounded(g.cols, g.rows);
    if (c, r) != (g.cols, g.rows) {
        g.source = format!("{}; {}x{} limited to {c}x{r}", g.source, g.cols, g.rows);
        (g.cols, g.rows) = (c, r);
    }
    if let Some(c) = cols {
        g.cols = c;
        g.source = format!("given cols, {}", g.source);
    }
    if let Some(r) = rows {
        g.rows = r;
        g.source = format!("given rows, {}", g.source);
    }
    g
}

#[derive(Default)]
struct Scan {
    col: u32,
    row: u32,
    alt: bool,
    /// (column of the last printed character, whether it was a space), until the next action
    last_print: Option<(u32, bool)>,
    /// the last two characters printed in a row (without any action between)
    last_chars: (Option<char>, Option<char>),
    votes: HashMap<u32, usize>,
    /// a `␠\r` mark waits for the next byte: followed by LF it is a plain line end
    pending_cr_vote: Option<u32>,
    /// how many lines ended (at CR LF or erase-to-end) at each column
    line_ends: HashMap<u32, usize>,
    /// line ends in the frame being drawn since the cursor went home: they count once the
    /// frame is redrawn (the cursor goes home again), not if it turns out to be a shell
    frame_line_ends: Vec<u32>,
    cup_row: u32,
    cup_col: u32,
    alt_cup_row: u32,
    stbm_bottom: u32,
    /// the lowest row reached by line feeds since the cursor last went home
    frame_row: u32,
    frame_rows: u32,
    /// cursor addressing rows, and the last one addressed
    last_cup_row: u32,
    cup_row_before_last: u32,
    used_alt: bool,
}

impl Scan {
    /// A line ended at `col`: counted only while the output is full-screen (the alternate
    /// screen, or a frame redrawn from home), where programs cut lines to the width.
    fn line_end(&mut self, col: u32) {
        if col < 10 {
            return;
        }
        if self.alt {
            *self.line_ends.entry(col).or_default() += 1;
        } else if self.frame_row > 0 {
            self.frame_line_ends.push(col);
        }
    }

    /// Any action but a control: a pending `␠\r` mark was a wrap.
    fn flush_cr_vote(&mut self) {
        if let Some(c) = self.pending_cr_vote.take() {
            self.vote(c);
        }
    }

    fn vote(&mut self, col_of_char: u32) {
        let w = col_of_char.saturating_sub(1);
        if (10..=2000).contains(&w) {
            *self.votes.entry(w).or_default() += 1;
        }
    }

    fn goto(&mut self, row: u32, col: u32) {
        if let Some((c, _)) = self.last_print.take() {
            if col == 1 && row == self.row + 1 && c == self.col.saturating_sub(1) {
                // vim forces a wrap by writing the margin's character once more, one column
                // past it; a line drawn exactly to the margin ends at it
                match self.last_chars {
                    (Some(a), Some(b)) if a == b && a != ' ' => self.vote(c),
                    _ => self.vote(c + 1),
                }
            }
        }
        self.last_chars = (None, None);
        // a frame ends wherever the cursor is addressed; a new one starts at home, and going
        // home again shows the last one was a frame redrawn
        let home = row == 1 && col == 1;
        if home && self.frame_row > 1 {
            for c in std::mem::take(&mut self.frame_line_ends) {
                *self.line_ends.entry(c).or_default() += 1;
            }
        }
        self.frame_line_ends.clear();
        self.frame_rows = self.frame_rows.max(self.frame_row);
        self.frame_row = u32::from(home);
        self.row = row;
        self.col = col;
        self.cup_row_before_last = self.cup_row_before_last.max(self.last_cup_row);
        self.last_cup_row = row;
        self.cup_row = self.cup_row.max(row);
        self.cup_col = self.cup_col.max(col);
        if self.alt {
            self.alt_cup_row = self.alt_cup_row.max(row);
        }
    }
}

fn param(params: &vte::Params, i: usize, default: u32) -> u32 {
    params
        .iter()
        .nth(i)
        .and_then(|p| p.first().copied())
        .filter(|&v| v != 0)
        .map_or(default, u32::from)
}

impl vte::Perform for Scan {
    fn print(&mut self, c: char) {
        self.flush_cr_vote();
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) as u32;
        if w == 0 {
            return;
        }
        if self.col == 0 {
            self.col = 1;
        }
        self.last_print = Some((self.col + w - 1, c == ' '));
        self.last_chars = (self.last_chars.1, Some(c));
        self.col += w;
    }

    fn execute(&mut self, b: u8) {
        let last = self.last_print.take();
        self.last_chars = (None, None);
        if let Some(c) = self.pending_cr_vote.take() {
            if b != b'\n' {
                self.vote(c);
            }
        }
        match b {
            b'\r' | 8 => {
                if let Some((c, space)) = last {
                    if c + 1 == self.col {
                        if b == b'\r' {
                            self.line_end(c);
                            if space {
                                self.pending_cr_vote = Some(c);
                            }
                        } else if space {
                            self.vote(c);
                        }
                    }
                }
                if b == b'\r' {
                    self.col = 1;
                } else {
                    self.col = self.col.saturating_sub(1).max(1);
                }
            }
            b'\n' | 11 | 12 => {
                self.row += 1;
                if self.frame_row > 0 {
                    self.frame_row += 1;
                }
            }
            b'\t' => self.col = ((self.col.max(1) - 1) / 8 + 1) * 8 + 1,
            _ => {}
        }
    }

    fn csi_dispatch(&mut self, params: &vte::Params, inter: &[u8], _ignore: bool, c: char) {
        self.flush_cr_vote();
        if c == 'K' && inter.is_empty() && param(params, 0, 0) == 0 {
            if let Some((col, _)) = self.last_print {
                if col + 1 == self.col {
                    self.line_end(col);
                }
            }
        }
        if !matches!(c, 'H' | 'f') {
            self.last_chars = (None, None);
        }
        if inter == b"?" {
            self.last_print = None;
            if c == 'h' || c == 'l' {
                for p in params.iter() {
                    if matches!(p.first(), Some(47 | 1047 | 1049)) {
                        self.alt = c == 'h';
                        self.used_alt |= self.alt;
                    }
                }
            }
            return;
        }
        if !inter.is_empty() {
            self.last_print = None;
            return;
        }
        match c {
            'H' | 'f' => self.goto(param(params, 0, 1), param(params, 1, 1)),
            'd' => {
                let r = param(params, 0, 1);
                let col = self.col;
                self.goto(r, col);
            }
            'G' | '`' => {
                let row = self.row;
                self.goto(row, param(params, 0, 1));
            }
            'r' => {
                self.last_print = None;
                if params.iter().nth(1).is_some() {
                    self.stbm_bottom = self.stbm_bottom.max(param(params, 1, 0));
                }
            }
            'C' => {
                self.last_print = None;
                self.col += param(params, 0, 1);
            }
            'D' => {
                self.last_print = None;
                self.col = self.col.saturating_sub(param(params, 0, 1)).max(1);
            }
            // attributes do not move the cursor
            'm' => {}
            _ => self.last_print = None,
        }
    }

    fn esc_dispatch(&mut self, inter: &[u8], _: bool, _: u8) {
        self.flush_cr_vote();
        // a charset designation does not move the cursor
        if !matches!(inter.first(), Some(b'(' | b')')) {
            self.last_print = None;
        }
    }
}

/// Output scanned in full (wrap marks need every character); beyond it, only cursor
/// addressing and scroll regions are looked at, which is enough to never crop.
const FULL_SCAN_BYTES: usize = 8 << 20;

/// Cursor addressing, scroll regions and alternate-screen switches, found without decoding
/// text: `ESC [ [?] params final`.
fn quick_scan(data: &[u8], scan: &mut Scan) {
    let mut i = 0;
    while let Some(off) = memchr::memchr(0x1b, &data[i..]) {
        let p = i + off;
        i = p + 1;
        if data.get(p + 1) != Some(&b'[') {
            continue;
        }
        let mut j = p + 2;
        let private = data.get(j) == Some(&b'?');
        if private {
            j += 1;
        }
        let mut params = [0u32; 2];
        let mut n = 0;
        let mut alt = false;
        while let Some(&b) = data.get(j) {
            match b {
                b'0'..=b'9' => {
                    if n < 2 {
                        params[n] = params[n]
                            .saturating_mul(10)
                            .saturating_add((b - b'0') as u32);
                    }
                }
                b';' => {
                    alt |= private && matches!(params[0], 47 | 1047 | 1049);
                    n += 1;
                    if n < 2 {
                        params[n] = 0;
                    }
                }
                _ => break,
            }
            j += 1;
        }
        let Some(&fin) = data.get(j) else { break };
        i = j + 1;
        let at = |k: usize| if params[k] == 0 { 1 } else { params[k] };
        if private {
            if matches!(params[0], 47 | 1047 | 1049) || alt {
                match fin {
                    b'h' => {
                        scan.alt = true;
                        scan.used_alt = true;
                    }
                    b'l' => scan.alt = false,
                    _ => {}
                }
            }
            continue;
        }
        match fin {
            b'H' | b'f' => scan.goto(at(0), at(1)),
            b'd' => {
                let col = scan.col;
                scan.goto(at(0), col);
            }
            b'G' | b'`' => {
                let row = scan.row;
                scan.goto(row, at(0));
            }
            b'r' if n >= 1 => scan.stbm_bottom = scan.stbm_bottom.max(params[1]),
            _ => {}
        }
    }
}

/// Infer the size from the output alone.
pub fn infer(tl: &Timeline) -> Geometry {
    let mut scan = Scan {
        col: 1,
        row: 1,
        ..Default::default()
    };
    let mut parser = vte::Parser::new();
    let mut scanned = 0usize;
    for ev in &tl.events {
        if ev.kind == Kind::Output {
            let data = tl.data(ev);
            if scanned < FULL_SCAN_BYTES {
                parser.advance(&mut scan, &data);
            } else {
                quick_scan(&data, &mut scan);
            }
            scanned += data.len();
        }
    }
    let mut why = Vec::new();
    // rows: a scroll region's bottom, else the lowest addressed row in a full-screen program
    let rows = if scan.stbm_bottom > 0 {
        why.push(format!("scroll region to row {}", scan.stbm_bottom));
        scan.stbm_bottom.max(scan.cup_row)
    } else if scan.used_alt && scan.alt_cup_row > 1 {
        why.push(format!(
            "full-screen program addressing row {}",
            scan.alt_cup_row
        ));
        scan.alt_cup_row.max(scan.cup_row)
    } else if scan.cup_row > DEFAULT_ROWS as u32
        && scan.cup_row == scan.last_cup_row
        && scan.cup_row == scan.frame_rows + 1
        && scan.cup_row_before_last <= scan.frame_rows
    {
        // a program that redraws whole frames from home, then leaves the cursor one row
        // below them as it exits (top does): the frames are the screen
        let r = scan.frame_rows;
        why.push(format!("frames of {r} rows redrawn from home"));
        r
    } else if scan.cup_row > DEFAULT_ROWS as u32 {
        why.push(format!("cursor addressed row {}", scan.cup_row));
        scan.cup_row
    } else {
        0
    };
    // cols: the most voted wrap column (at least twice; ties: the wider), at least every
    // addressed column; else the column many lines end at when none goes further (programs
    // that cut their lines to the width, like top); else the right-most addressed column
    let best = scan
        .votes
        .iter()
        .filter(|(_, n)| **n >= 2)
        .max_by_key(|(w, n)| (**n, **w))
        .map(|(w, n)| (*w, *n));
    let widest_end = scan
        .line_ends
        .iter()
        .max_by_key(|(w, _)| **w)
        .map(|(w, n)| (*w, *n));
    let cols = match (best, widest_end) {
        (Some((w, n)), _) if w >= scan.cup_col => {
            why.push(format!("lines wrapped at column {w} ({n}×)"));
            w
        }
        // only for full-screen output (alternate screen, or frames redrawn from home): a shell
        // printing the same long line three times proves nothing about the width
        (_, Some((w, n)))
            if n >= 3
                && w >= scan.cup_col
                && w > DEFAULT_COLS as u32 / 2
                && (scan.used_alt || scan.frame_rows.max(scan.frame_row) > 1) =>
        {
            why.push(format!("{n} lines end at column {w}, none beyond"));
            w
        }
        _ if scan.cup_col > 1 && (scan.used_alt || scan.cup_col > DEFAULT_COLS as u32) => {
            why.push(format!("cursor addressed column {}", scan.cup_col));
            scan.cup_col
        }
        _ => 0,
    };
    let clamp = |v: u32| v.min(u16::MAX as u32) as u16;
    if why.is_empty() {
        return Geometry {
            cols: DEFAULT_COLS,
            rows: DEFAULT_ROWS,
            source: "default".into(),
        };
    }
    let cols = if cols == 0 {
        DEFAULT_COLS.max(clamp(scan.cup_col))
    } else {
        clamp(cols)
    };
    let rows = if rows == 0 {
        DEFAULT_ROWS.max(clamp(scan.cup_row))
    } else {
        clamp(rows)
    };
    Geometry {
        cols,
        rows,
        source: format!("inferred: {}", why.join(", ")),
    }
}
