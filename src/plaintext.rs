//! Output as plain text: control sequences removed, carriage-return overwrites resolved.
//! Used by `transcript --output`, search and the `txt` export's fallbacks.

use unicode_width::UnicodeWidthChar;

/// Turns terminal output into lines of text, as a line printer would: `\r` returns to the
/// start of the line (later characters overwrite), `\b` steps back, `\n` ends the line.
/// Escape sequences, OSC strings and other controls are dropped.
pub struct PlainText {
    parser: vte::Parser,
    sink: Sink,
}

/// The widest line kept, in characters: what is written past it is dropped and the line
/// ends with `…`. Cursor movements cannot make a line longer either (`ESC[65535C` repeated
/// used to grow one line without limit).
pub const MAX_LINE_CHARS: usize = 100_000;

#[derive(Default)]
struct Sink {
    line: Vec<char>,
    cursor: usize,
    done: Vec<String>,
    /// Something was written past [`MAX_LINE_CHARS`] on this line.
    cut: bool,
}

impl Sink {
    fn move_to(&mut self, col: usize) {
        self.cursor = col.min(MAX_LINE_CHARS);
    }

    fn line_text(&self) -> String {
        let mut s: String = self.line.iter().collect();
        s.truncate(s.trim_end().len());
        if self.cut {
            s.push('…');
        }
        s
    }
}

impl vte::Perform for Sink {
    fn print(&mut self, c: char) {
        if UnicodeWidthChar::width(c).unwrap_or(0) == 0 && c != '\u{200d}' {
            // zero-width characters attach to the previous one; control-like ones are dropped
            if crate::render::escape::is_control(c) {
                return;
            }
        }
        if self.cursor >= MAX_LINE_CHARS {
            self.cut = true;
            return;
        }
        if self.cursor < self.line.len() {
            self.line[self.cursor] = c;
        } else {
            while self.line.len() < self.cursor {
                self.line.push(' ');
            }
            self.line.push(c);
        }
        self.cursor += 1;
    }

    fn execute(&mut self, b: u8) {
        match b {
            b'\n' => {
                let s = self.line_text();
                self.done.push(s);
                self.line.clear();
                self.cursor = 0;
                self.cut = false;
            }
            b'\r' => self.cursor = 0,
            8 => self.cursor = self.cursor.saturating_sub(1),
            b'\t' => self.move_to((self.cursor / 8 + 1) * 8),
            _ => {}
        }
    }

    fn csi_dispatch(&mut self, params: &vte::Params, inter: &[u8], _: bool, c: char) {
        if !inter.is_empty() {
            return;
        }
        let n = params
            .iter()
            .next()
            .and_then(|p| p.first().copied())
            .unwrap_or(0) as usize;
        match c {
            // erase in line: to the right, or all
            'K' if n == 0 => self.line.truncate(self.cursor),
            'K' if n == 2 => {
                self.line.clear();
            }
            'C' => self.move_to(self.cursor + n.max(1)),
            'D' => self.cursor = self.cursor.saturating_sub(n.max(1)),
            'G' => self.move_to(n.max(1) - 1),
            'P' => {
                // delete characters
                let end = (self.cursor + n.max(1)).min(self.line.len());
                if self.cursor < end {
                    self.line.drain(self.cursor..end);
                }
            }
            '@' if self.cursor <= self.line.len() => {
                let n = n.clamp(1, MAX_LINE_CHARS);
                self.line
                    .splice(self.cursor..self.cursor, std::iter::repeat_n(' ', n));
                if self.line.len() > MAX_LINE_CHARS {
                    self.line.truncate(MAX_LINE_CHARS);
                    self.cut = true;
                }
            }
            _ => {}
        }
    }
}

impl Default for PlainText {
    fn default() -> Self {
        Self::new()
    }
}

impl PlainText {
    pub fn new() -> Self {
        PlainText {
            parser: vte::Parser::new(),
            sink: Sink::default(),
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.parser.advance(&mut self.sink, bytes);
    }

    /// Lines completed since the last call.
    pub fn take_lines(&mut self) -> Vec<String> {
        std::mem::take(&mut self.sink.done)
    }

    /// The line being written (not yet ended by a newline).
    pub fn current(&self) -> String {
        self.sink.line_text()
    }

    /// Everything: completed lines and the current one, joined with newlines.
    pub fn take_all(&mut self) -> String {
        let mut lines = self.take_lines();
        let cur = self.current();
        self.sink.line.clear();
        self.sink.cursor = 0;
        self.sink.cut = false;
        if !cur.is_empty() {
            lines.push(cur);
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_overwrites_and_drops_sequences() {
        let mut p = PlainText::new();
        p.feed(b"\x1b[1mbold\x1b[0m text\r\n\rprogress 10%\rprogress 100%\r\nab\x08c\x1b]0;title\x07\n");
        assert_eq!(p.take_all(), "bold text\nprogress 100%\nac");
    }

    #[test]
    fn lines_are_cut_at_max_line_chars() {
        let mut p = PlainText::new();
        p.feed("\x1b[65535C".repeat(100).as_bytes());
        p.feed(b"far\tx\x1b[9999@y\nnext\n");
        assert_eq!(p.take_lines(), ["…", "next"]);
        p.feed(&vec![b'z'; MAX_LINE_CHARS + 10]);
        let cur = p.current();
        assert_eq!(cur.chars().count(), MAX_LINE_CHARS + 1);
        assert!(cur.ends_with("zz…"));
        p.feed(b"\r\x1b[5@");
        assert!(p.take_all().starts_with("     zz"));
    }
}
