//! The transcript's pieces: typed lines and the output between them as plain text lines, in
//! time order, given one at a time (nothing grows with the length of the recording). Used by
//! `transcript` and by the archive's indexing.

use crate::error::Result;
use crate::plaintext::PlainText;
use crate::timeline::{Kind, Nanos, Timeline};

/// What the transcript is made of, in time order, given one piece at a time so that nothing
/// grows with the length of the recording: a typed line, or one line of a stretch of output
/// (the text between two typed lines).
pub enum Piece<'a> {
    /// A typed line.
    Input { t: Nanos, text: &'a str },
    /// The next line of the output stretch that started at `t` (`first` for its first line),
    /// completed by the output event at `at`.
    Output {
        t: Nanos,
        at: Nanos,
        first: bool,
        line: &'a str,
    },
    /// The end of the output stretch that started at `t` (after at least one line).
    OutputEnd { t: Nanos },
}

/// Output is fed to the plain-text reader this much at a time, and the lines it completes
/// taken after each chunk: at most this many lines are held at once (a single event of 100
/// million newlines used to be held as 100 million strings, 2.7 GB).
const CHUNK: usize = 64 * 1024;

/// A stretch of output being given out: its text is its lines joined with newlines, and
/// nothing is given for a stretch whose text is empty. Lines are given as they come, except
/// empty ones before the first non-empty text, which are only counted.
struct Stretch {
    t: Option<Nanos>,
    /// The time of the output event being read.
    at: Nanos,
    /// Lines taken so far (all empty while `started` is false).
    lines: u64,
    started: bool,
}

impl Stretch {
    fn line(&mut self, line: &str, out: &mut dyn FnMut(Piece<'_>) -> Result<()>) -> Result<()> {
        let Some(t) = self.t else { return Ok(()) };
        let at = self.at;
        self.lines += 1;
        if !self.started {
            if line.is_empty() && self.lines < 2 {
                return Ok(());
            }
            // the text is not empty: give the empty lines counted so far, then this one
            self.started = true;
            for i in 0..self.lines - 1 {
                out(Piece::Output {
                    t,
                    at,
                    first: i == 0,
                    line: "",
                })?;
            }
            return out(Piece::Output {
                t,
                at,
                first: self.lines == 1,
                line,
            });
        }
        out(Piece::Output {
            t,
            at,
            first: false,
            line,
        })
    }

    fn end(
        &mut self,
        plain: &mut PlainText,
        out: &mut dyn FnMut(Piece<'_>) -> Result<()>,
    ) -> Result<()> {
        for l in plain.take_lines() {
            self.line(&l, out)?;
        }
        let cur = plain.take_all();
        if !cur.is_empty() {
            self.line(&cur, out)?;
        }
        if let (Some(t), true) = (self.t, self.started) {
            out(Piece::OutputEnd { t })?;
        }
        *self = Stretch::new();
        Ok(())
    }

    fn new() -> Self {
        Stretch {
            t: None,
            at: 0,
            lines: 0,
            started: false,
        }
    }
}

/// Typed lines, and (with `output`) the output text between them, in time order, each
/// given to `out` as soon as it is known.
pub fn each_piece(
    tl: &Timeline,
    crlf: bool,
    output: bool,
    out: &mut dyn FnMut(Piece<'_>) -> Result<()>,
) -> Result<()> {
    let mut failed = None;
    if !output {
        crate::transcript::each_line(tl, &mut |l| {
            if failed.is_none() {
                if let Err(e) = out(Piece::Input {
                    t: l.t,
                    text: &l.text,
                }) {
                    failed = Some(e);
                }
            }
        });
        return failed.map_or(Ok(()), Err);
    }
    let mut plain = PlainText::new();
    let mut pre = crate::emulator::Prefilter::new(crlf);
    let mut buf = Vec::new();
    let mut stretch = Stretch::new();
    let mut ed = crate::transcript::LineEditor::new();
    for (i, ev) in tl.events.iter().enumerate() {
        match ev.kind {
            Kind::Output => {
                stretch.t.get_or_insert(ev.t);
                stretch.at = ev.t;
                let data = tl.data(ev);
                for chunk in data.chunks(CHUNK) {
                    buf.clear();
                    pre.filter(chunk, &mut buf);
                    plain.feed(&buf);
                    for l in plain.take_lines() {
                        stretch.line(&l, out)?;
                    }
                }
            }
            Kind::Input => {
                // a line ended by this event comes after the output before it: given at once
                // (an event of a million Enter keys is not held as a million lines)
                let mut sink = |l: crate::transcript::Line| {
                    if failed.is_none() {
                        let r = stretch.end(&mut plain, out).and_then(|()| {
                            out(Piece::Input {
                                t: l.t,
                                text: &l.text,
                            })
                        });
                        failed = r.err();
                    }
                };
                ed.feed_each(ev.t, i, &tl.data(ev), &mut sink);
                if let Some(e) = failed.take() {
                    return Err(e);
                }
            }
            _ => {}
        }
    }
    ed.finish(tl.duration(), tl.events.len().saturating_sub(1));
    stretch.end(&mut plain, out)?;
    for l in ed.lines.drain(..) {
        out(Piece::Input {
            t: l.t,
            text: &l.text,
        })?;
    }
    Ok(())
}
