use super::rfc3339;
use crate::cli::TranscriptArgs;
use crate::error::{Error, Result};
use crate::pieces::{each_piece, Piece};
use crate::render::escape::{escape_controls, json_terminal_safe};
use crate::review::redact::{redacted_with, Redactor};
use crate::review::rules::Rules;
use crate::timeline::{clock, secs, Nanos};
use serde_json::json;
use std::io::Write;

pub fn run(args: &TranscriptArgs, out: &mut dyn Write) -> Result<()> {
    // a context file alone is a feed: its entries are woven in as --with ones are
    let (with, opened) = super::feed::open_source(&args.src, &args.context)?;
    super::warn(&opened.rec);
    let (l, redactor) = match args.redact {
        true => {
            let (l, r) = redacted_with(&opened.rec, &Rules::builtin());
            (l, Some(r))
        }
        false => (opened.rec, None),
    };
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
    let mut context = Interleave::new(&l, opened.rows, &with, args, redactor.as_ref())?;
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
            Piece::Output { t, first, line, .. } if args.json => {
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
        feed: Option<Vec<crate::context::merge::Row>>,
        with: &[std::ffi::OsString],
        args: &TranscriptArgs,
        redactor: Option<&Redactor>,
    ) -> Result<Self> {
        let json = args.json;
        let mut rows = match feed {
            Some(rows) => rows,
            None => super::context_rows(l, with, &args.context, &args.src.api)?,
        };
        if let Some(redactor) = redactor {
            rows.iter_mut().for_each(|r| r.redact(redactor));
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
