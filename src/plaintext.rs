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

#[derive(Default)]
struct Sink {
    line: Vec<char>,
    cursor: usize,
    done: Vec<String>,
}

impl vte::Perform for Sink {
    fn print(&mut self, c: char) {
        if UnicodeWidthChar::width(c).unwrap_or(0) == 0 && c != '\u{200d}' {
            // zero-width characters attach to the previous one; control-like ones are dropped
            if crate::render::escape::is_control(c) {
                return;
            }
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
                let s: String = self.line.iter().collect();
                self.done.push(s.trim_end().to_string());
                self.line.clear();
                self.cursor = 0;
            }
            b'\r' => self.cursor = 0,
            8 => self.cursor = self.cursor.saturating_sub(1),
            b'\t' => self.cursor = (self.cursor / 8 + 1) * 8,
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
            'C' => self.cursor += n.max(1),
            'D' => self.cursor = self.cursor.saturating_sub(n.max(1)),
            'G' => self.cursor = n.max(1) - 1,
            'P' => {
                // delete characters
                let end = (self.cursor + n.max(1)).min(self.line.len());
                if self.cursor < end {
                    self.line.drain(self.cursor..end);
                }
            }
            '@' if self.cursor <= self.line.len() => {
                for _ in 0..n.max(1) {
                    self.line.insert(self.cursor, ' ');
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
        let s: String = self.sink.line.iter().collect();
        s.trim_end().to_string()
    }

    /// Everything: completed lines and the current one, joined with newlines.
    pub fn take_all(&mut self) -> String {
        let mut lines = self.take_lines();
        let cur = self.current();
        self.sink.line.clear();
        self.sink.cursor = 0;
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
}
