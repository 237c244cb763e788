use super::{emit, load, rfc3339};
use crate::cli::TranscriptArgs;
use crate::error::Result;
use crate::plaintext::PlainText;
use crate::render::escape::escape_controls;
use crate::timeline::{clock, secs, Kind, Nanos, Timeline};
use serde_json::json;

/// One transcript entry: a typed line or a stretch of output.
pub struct Entry {
    pub t: Nanos,
    pub input: bool,
    pub text: String,
}

/// Typed lines, and (with `output`) the output text between them, in time order.
pub fn entries(tl: &Timeline, crlf: bool, output: bool) -> Vec<Entry> {
    let lines = crate::transcript::lines(tl);
    let mut out = Vec::new();
    if !output {
        return lines
            .into_iter()
            .map(|l| Entry {
                t: l.t,
                input: true,
                text: l.text,
            })
            .collect();
    }
    let mut plain = PlainText::new();
    let mut pre = crate::emulator::Prefilter::new(crlf);
    let mut buf = Vec::new();
    let mut pending_t: Option<Nanos> = None;
    let mut next_line = lines.iter().peekable();
    let flush = |plain: &mut PlainText, pending_t: &mut Option<Nanos>, out: &mut Vec<Entry>| {
        if let Some(t) = pending_t.take() {
            let text = plain.take_all();
            if !text.is_empty() {
                out.push(Entry {
                    t,
                    input: false,
                    text,
                });
            }
        }
    };
    for (i, ev) in tl.events.iter().enumerate() {
        while let Some(l) = next_line.peek() {
            if l.event < i {
                flush(&mut plain, &mut pending_t, &mut out);
                out.push(Entry {
                    t: l.t,
                    input: true,
                    text: l.text.clone(),
                });
                next_line.next();
            } else {
                break;
            }
        }
        if ev.kind == Kind::Output {
            pending_t.get_or_insert(ev.t);
            buf.clear();
            pre.filter(&tl.data(ev), &mut buf);
            plain.feed(&buf);
        }
    }
    flush(&mut plain, &mut pending_t, &mut out);
    for l in next_line {
        out.push(Entry {
            t: l.t,
            input: true,
            text: l.text.clone(),
        });
    }
    out
}

pub fn run(args: &TranscriptArgs) -> Result<()> {
    let l = load(&args.src)?;
    let tl = &l.tl;
    // what each typed line ran, read from the screen (one per typed line, in order)
    let executed = crate::review::executed::commands(tl, l.geometry.cols, l.geometry.rows, l.crlf);
    let mut executed = executed.into_iter();
    let mut s = String::new();
    for e in entries(tl, l.crlf, args.output) {
        let time = tl.wall_clock(e.t).map(|w| rfc3339(&w));
        let ran = if e.input {
            executed.next().flatten()
        } else {
            None
        };
        if args.json {
            let mut v = json!({
                "t": secs(e.t),
                "time": time,
                "type": if e.input { "input" } else { "output" },
                "text": e.text,
            });
            if e.input {
                v["executed"] = json!(ran);
            }
            s.push_str(&super::to_json(&v, false));
            s.push('\n');
        } else if e.input {
            let when = time.unwrap_or_else(|| clock(e.t));
            match ran.filter(|r| *r != e.text) {
                Some(r) => s.push_str(&format!(
                    "[{when}] $ {}  (executed: {})\n",
                    escape_controls(&e.text),
                    escape_controls(&r)
                )),
                None => s.push_str(&format!("[{when}] $ {}\n", escape_controls(&e.text))),
            }
        } else {
            for line in e.text.split('\n') {
                s.push_str(&format!("    {}\n", escape_controls(line)));
            }
        }
    }
    emit(&s)
}
