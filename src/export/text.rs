//! The whole session's text as a terminal would have shown it: the rows that scrolled off the
//! top of the main screen (its scrollback), then the last screen; control sequences applied, not
//! shown. As in real terminals, what a full-screen program drew on the alternate screen does not
//! enter the scrollback, a scroll region that does not start on the top row keeps its rows, and
//! a line the terminal wrapped at the right margin is one line of text (as a terminal copies it,
//! and as `asciinema convert -f txt` writes it).
//!
//! vt100 hands each row that scrolls off to a callback; its "basic formatted" capture, with one
//! state kept across rows, puts a newline only after rows that did not wrap.

use crate::emulator::{nz, Prefilter};
use crate::recording::Recording;
use crate::review::redact::{Carry, Plan, Redactor};
use crate::timeline::Kind;
use std::borrow::Cow;
use std::io::{self, Write};
use vt100::capture::{
    basic_formatted_to_plain, BasicFormattedCaptureRange, BasicFormattedCaptureState,
};

#[derive(Default)]
struct Capture {
    on: bool,
    state: BasicFormattedCaptureState,
    row: String,
    /// Plain text of the rows scrolled off so far.
    text: String,
}

impl Capture {
    fn push_plain(&mut self) {
        self.text.extend(basic_formatted_to_plain(&self.row));
        self.row.clear();
    }
}

impl vt100::Callbacks for Capture {
    fn on_scroll(&mut self, row: vt100::capture::RowContents<'_>, alternate_screen: bool) {
        if self.on && !alternate_screen {
            let _ = row.write_formatted_basic(&mut self.row, &mut self.state);
            self.push_plain();
        }
    }
}

/// Writes finished lines: trailing spaces trimmed, control characters (which cells never hold,
/// but a zero-width one may ride along) shown as U+FFFD, blank lines held back until text
/// follows them, so the text never ends with blank lines.
struct Lines<'w, W: Write> {
    out: &'w mut W,
    blank: usize,
    line: String,
    /// With `--redact`: secrets masked in each line of text (a private key block carried
    /// from line to line), whatever order the screen was drawn in.
    redact: Option<(&'w Redactor, Carry)>,
}

impl<W: Write> Lines<'_, W> {
    fn line(&mut self, l: &str) -> io::Result<()> {
        let masked;
        let l = match &mut self.redact {
            Some((r, carry)) => {
                masked = r.line(l, carry);
                masked.trim_end()
            }
            None => l.trim_end(),
        };
        if l.is_empty() {
            self.blank += 1;
            return Ok(());
        }
        self.line.clear();
        for _ in 0..self.blank {
            self.line.push('\n');
        }
        self.blank = 0;
        for c in l.chars() {
            self.line.push(crate::render::shown_char(c));
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    /// Write the complete lines of `text` and keep the last, unfinished one there.
    fn complete(&mut self, text: &mut String) -> io::Result<()> {
        let Some(end) = text.rfind('\n') else {
            return Ok(());
        };
        for l in text[..end].split('\n') {
            self.line(l)?;
        }
        text.drain(..=end);
        Ok(())
    }
}

/// Write the text, one line per line of output, trailing spaces trimmed, each line ending with a
/// newline (nothing when there is no text). With `from`, the text shown from then on: the rows
/// that scrolled off after it, then the screen at `to`. Lines are written as they scroll off.
pub fn write_session_text<W: Write>(
    loaded: &Recording,
    from: Option<i128>,
    to: Option<i128>,
    out: &mut W,
) -> io::Result<()> {
    write_text(loaded, from, to, None, out)
}

/// The same, with `redact`: the emulator is fed the events masked as they are read, and
/// each line of the text it shows is masked again (what was drawn in pieces, out of order,
/// is whole there).
pub fn write_text<W: Write>(
    loaded: &Recording,
    from: Option<i128>,
    to: Option<i128>,
    redact: Option<&Plan>,
    out: &mut W,
) -> io::Result<()> {
    let tl = &loaded.tl;
    let end = to.map_or(tl.events.len(), |t| tl.count_at(t));
    let start = from.map_or(0, |t| tl.count_at(t)).min(end);
    let (cols, rows) = (loaded.geometry.cols, loaded.geometry.rows);
    let mut parser = vt100::Parser::new_with_callbacks(nz(rows), nz(cols), 0, Capture::default());
    let mut pre = Prefilter::new(loaded.crlf);
    let mut buf = Vec::new();
    let mut lines = Lines {
        out,
        blank: 0,
        line: String::new(),
        redact: redact.map(|p| (&p.redactor, Carry::default())),
    };
    let mut masked = redact.map(|p| p.events(tl));
    for (i, ev) in tl.events[..end].iter().enumerate() {
        if i == start {
            parser.callbacks_mut().on = true;
        }
        let data = match &mut masked {
            Some(m) => m.next().map_or(Cow::Borrowed(&[][..]), |(_, d)| d),
            None => tl.data(ev),
        };
        match ev.kind {
            Kind::Output => {
                buf.clear();
                pre.filter(&data, &mut buf);
                parser.process(&buf);
            }
            Kind::Resize { cols, rows } => parser.set_size(nz(rows), nz(cols)),
            _ => {}
        }
        let text = &mut parser.callbacks_mut().text;
        if text.len() >= 64 * 1024 {
            lines.complete(text)?;
        }
    }
    let (screen, cap) = parser.screen_and_callbacks_mut();
    cap.on = true;
    let mut state = std::mem::take(&mut cap.state);
    let _ = screen
        .write_contents_formatted_basic(&mut cap.row, BasicFormattedCaptureRange::Full(&mut state));
    cap.push_plain();
    cap.text.push('\n');
    lines.complete(&mut cap.text)?;
    lines.out.flush()
}

/// The same, as a string.
pub fn session_text(loaded: &Recording, from: Option<i128>, to: Option<i128>) -> String {
    let mut out = Vec::new();
    write_session_text(loaded, from, to, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("text is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::Settings;
    use crate::timeline::{Kind, Timeline};

    fn loaded(cols: u16, rows: u16, chunks: &[&str]) -> Recording {
        let mut tl = Timeline::new(vec![]);
        for (i, c) in chunks.iter().enumerate() {
            tl.push(i as u64 * 1_000_000, Kind::Output, c.as_bytes());
        }
        let settings = Settings {
            cols: Some(cols),
            rows: Some(rows),
            ..Default::default()
        };
        Recording::new("t".into(), tl, &settings)
    }

    #[test]
    fn scrollback_then_screen() {
        let l = loaded(
            20,
            3,
            &["one\r\ntwo\r\n", "three\r\nfour\r\n", "\x1b[31mfive\x1b[m"],
        );
        assert_eq!(
            session_text(&l, None, None),
            "one\ntwo\nthree\nfour\nfive\n"
        );
    }

    #[test]
    fn alternate_screen_stays_out_of_scrollback() {
        let l = loaded(
            20,
            3,
            &[
                "$ vi\r\n",
                "\x1b[?1049h\x1b[Hfile\r\nl2\r\nl3\r\nl4\r\nl5",
                "\x1b[?1049l$ \r\n$ done",
            ],
        );
        assert_eq!(session_text(&l, None, None), "$ vi\n$\n$ done\n");
    }

    #[test]
    fn wrapped_rows_are_one_line() {
        let l = loaded(
            10,
            3,
            &["0123456789abcde\r\n", "x\r\ny\r\nz", "\r\na\u{202e}b"],
        );
        assert_eq!(
            session_text(&l, None, None),
            "0123456789abcde\nx\ny\nz\na\u{fffd}b\n"
        );
    }

    #[test]
    fn from_a_moment_on() {
        let l = loaded(20, 2, &["one\r\n", "two\r\n", "three\r\n", "four"]);
        // at event 2 ("two" shown), the screen is "one / two": from then on, only what scrolls off
        let from = Some(1_000_000);
        assert_eq!(session_text(&l, from, None), "two\nthree\nfour\n");
        assert_eq!(session_text(&l, from, Some(2_000_000)), "two\nthree\n");
    }
}
