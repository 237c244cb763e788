use super::{load, rfc3339};
use crate::cli::TranscriptArgs;
use crate::error::{Error, Result};
use crate::plaintext::PlainText;
use crate::render::escape::{escape_controls, json_terminal_safe};
use crate::timeline::{clock, secs, Kind, Nanos, Timeline};
use serde_json::json;
use std::io::Write;

/// What the transcript is made of, in time order, given one piece at a time so that nothing
/// grows with the length of the recording: a typed line, or one line of a stretch of output
/// (the text between two typed lines).
pub enum Piece<'a> {
    /// A typed line.
    Input { t: Nanos, text: &'a str },
    /// The next line of the output stretch that started at `t` (`first` for its first line).
    Output {
        t: Nanos,
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
    /// Lines taken so far (all empty while `started` is false).
    lines: u64,
    started: bool,
}

impl Stretch {
    fn line(&mut self, line: &str, out: &mut dyn FnMut(Piece<'_>) -> Result<()>) -> Result<()> {
        let Some(t) = self.t else { return Ok(()) };
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
                    first: i == 0,
                    line: "",
                })?;
            }
            return out(Piece::Output {
                t,
                first: self.lines == 1,
                line,
            });
        }
        out(Piece::Output {
            t,
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

pub fn run(args: &TranscriptArgs, out: &mut dyn Write) -> Result<()> {
    let l = super::redact_if(load(&args.src)?, args.redact);
    let tl = &l.tl;
    // what each typed line ran, read from the screen (one per typed line, in order)
    let executed = crate::review::executed::commands(
        std::sync::Arc::clone(&l.tl),
        l.geometry.cols,
        l.geometry.rows,
        l.crlf,
    )
    .map_err(|e| Error::Runtime(format!("cannot start a thread: {e}")))?;
    let mut executed = executed.into_iter();
    let mut context = Interleave::new(&l, &args.context, args.json)?;
    let mut w = std::io::BufWriter::with_capacity(64 * 1024, out);
    let time_of = |t: Nanos| tl.wall_clock(t).map(|w| rfc3339(&w));
    let write = |w: &mut std::io::BufWriter<&mut dyn Write>, s: &str| {
        w.write_all(s.as_bytes()).map_err(write_error)
    };
    let mut piece = |w: &mut std::io::BufWriter<&mut dyn Write>, p: Piece<'_>| -> Result<()> {
        match p {
            Piece::Input { t, text } if args.json => {
                let v = json!({
                    "t": secs(t),
                    "time": time_of(t),
                    "type": "input",
                    "text": text,
                    "executed": executed.next().flatten(),
                });
                write(w, &format!("{}\n", super::to_json(&v, false)))
            }
            Piece::Input { t, text } => {
                let when = time_of(t).unwrap_or_else(|| clock(t));
                let line = match executed.next().flatten().filter(|r| r != text) {
                    Some(r) => format!(
                        "[{when}] $ {}  (executed: {})\n",
                        escape_controls(text),
                        escape_controls(&r)
                    ),
                    None => format!("[{when}] $ {}\n", escape_controls(text)),
                };
                write(w, &line)
            }
            Piece::Output { t, first, line } if args.json => {
                // the object is written as serde_json writes it (keys in order: t, text, time,
                // type), its text one line at a time
                let mut s = String::new();
                if first {
                    s.push_str(&format!("{{\"t\":{},\"text\":\"", json!(secs(t))));
                } else {
                    s.push_str("\\n");
                }
                let quoted = serde_json::to_string(line).unwrap_or_default();
                s.push_str(&json_terminal_safe(&quoted[1..quoted.len() - 1]));
                write(w, &s)
            }
            Piece::Output { line, .. } => write(w, &format!("    {}\n", escape_controls(line))),
            Piece::OutputEnd { t } if args.json => {
                let tail = json!({ "time": time_of(t), "type": "output" }).to_string();
                write(w, &format!("\",{}\n", json_terminal_safe(&tail[1..])))
            }
            Piece::OutputEnd { .. } => Ok(()),
        }
    };
    each_piece(tl, l.crlf, args.output, &mut |p| {
        // context entries go between typed lines and output stretches, never inside one
        match p {
            Piece::Input { t, .. } | Piece::Output { t, first: true, .. } => {
                context.until(&mut w, Some(t as i128))?
            }
            _ => {}
        }
        piece(&mut w, p)
    })?;
    context.until(&mut w, None)?;
    w.flush().map_err(write_error)
}

/// Context entries (`--with`) woven into the transcript at their times.
struct Interleave {
    rows: std::vec::IntoIter<crate::context::merge::Row>,
    next: Option<crate::context::merge::Row>,
    json: bool,
}

impl Interleave {
    fn new(
        l: &crate::recording::Recording,
        args: &crate::cli::ContextArgs,
        json: bool,
    ) -> Result<Self> {
        use crate::context::merge;
        let mut rows = Vec::new();
        if !args.with.is_empty() {
            let w = merge::require_window(l, args.margin()?)?;
            let contexts = merge::open_all(&args.with, &args.options(), Some(&w))?;
            if let Some(origin) = l.tl.start {
                for c in contexts {
                    rows.extend(c.entries.into_iter().map(|e| merge::entry_row(e, &origin)));
                }
            }
            rows.sort_by_key(|r| r.t);
        }
        let mut rows = rows.into_iter();
        let next = rows.next();
        Ok(Interleave { rows, next, json })
    }

    /// Write the entries before `t` (all that are left with `None`).
    fn until(&mut self, w: &mut dyn Write, t: Option<i128>) -> Result<()> {
        while let Some(r) = self.next.take_if(|r| t.is_none_or(|t| r.t < t)) {
            let line = if self.json {
                let v = json!({
                    "t": r.t as f64 / 1e9,
                    "time": r.time.as_ref().map(rfc3339),
                    "type": "context",
                    "lane": r.lane.name(),
                    "source": r.source,
                    "actor": r.actor,
                    "text": r.text,
                    "fields": r.fields,
                });
                format!("{}\n", super::to_json(&v, false))
            } else {
                let when = r.time.as_ref().map_or_else(|| "-".into(), rfc3339);
                match &r.actor {
                    Some(a) => format!(
                        "[{when}] ({}) {}: {}\n",
                        r.lane.name(),
                        escape_controls(a),
                        escape_controls(&r.text)
                    ),
                    None => format!(
                        "[{when}] ({}) {}\n",
                        r.lane.name(),
                        escape_controls(&r.text)
                    ),
                }
            };
            w.write_all(line.as_bytes()).map_err(write_error)?;
            self.next = self.rows.next();
        }
        Ok(())
    }
}

/// A closed pipe (`| head`) ends the program quietly, as [`super::emit`] says.
fn write_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Error::ClosedPipe;
    }
    Error::Runtime(format!("cannot write to standard output: {e}"))
}
