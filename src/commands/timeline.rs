use super::to_json;
use crate::cli::TimelineArgs;
use crate::context::merge::{self, Row};
use crate::error::{Error, Result};
use crate::render::escape::escape_controls;
use crate::review::redact::{redacted_with, Redactor};
use crate::review::rules::Rules;
use std::io::Write;

pub fn run(args: &TimelineArgs, out: &mut dyn Write) -> Result<()> {
    let margin = args.context.margin()?;
    let opts = args.context.options();
    let spec = &args.src.source;
    let with = &args.context.sources(Some(spec))?;
    let apis = args.context.apis(&args.src.api);
    // with --redact, the session's own redactor (what was typed unseen included) once read
    let mut redactor = None;
    // a context file (or URI) alone is a feed of its entries and the --with ones
    let opened = super::feed::open(spec, &args.src.settings(), &args.context, &args.src.api)?;
    super::warn(&opened.rec);
    let mut rows = match opened.rows {
        Some(rows) => rows,
        None => {
            let rec = match args.redact {
                true => {
                    let (masked, r) = redacted_with(&opened.rec, &Rules::builtin());
                    redactor = Some(r);
                    masked
                }
                false => opened.rec,
            };
            let w = match with.is_empty() {
                true => None,
                false => Some(merge::require_window(&rec, margin)?),
            };
            let contexts = merge::open_all(with, &opts, w.as_ref(), &apis)?;
            merge::merged(&rec, contexts)?
        }
    };
    if args.redact {
        let r = redactor.unwrap_or_else(|| Redactor::new(&Rules::builtin()));
        rows.iter_mut().for_each(|row| row.redact(&r));
    }
    let mut w = std::io::BufWriter::with_capacity(64 * 1024, out);
    for r in &rows {
        let line = if args.json {
            format!("{}\n", to_json(&r.to_json(), false))
        } else {
            text_line(r)
        };
        w.write_all(line.as_bytes()).map_err(write_error)?;
    }
    w.flush().map_err(write_error)
}

/// `TIME  +SECONDS  LANE  ACTOR  TEXT`, everything from outside escaped.
pub fn text_line(r: &Row) -> String {
    let time = r.time.map_or_else(
        || "-".to_string(),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
    );
    let secs = format!("{:+.3}", r.t as f64 / 1e9);
    let actor = r
        .actor
        .as_deref()
        .map_or_else(|| "-".into(), escape_controls);
    let mut text = escape_controls(&r.text);
    if let Some(ran) = r.fields.get("executed").and_then(|v| v.as_str()) {
        if ran != r.text {
            text += &format!("  (executed: {})", escape_controls(ran));
        }
    }
    format!(
        "{time:<29}  {secs:>10}  {:<9}  {actor}  {text}\n",
        r.lane.name()
    )
}

fn write_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Error::ClosedPipe;
    }
    Error::Runtime(format!("cannot write to standard output: {e}"))
}
