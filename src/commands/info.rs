use super::{emit, rfc3339};
use crate::cli::InfoArgs;
use crate::error::Result;
use crate::timeline::{clock, secs, Kind};
use serde_json::json;
use std::io::Write;

pub fn run(args: &InfoArgs, out: &mut dyn Write) -> Result<()> {
    // its warnings are part of what it prints: not said again on stderr
    let l = crate::recording::open(&args.src.source()?, &args.src.settings())?;
    let tl = &l.tl;
    let outputs = tl.count(|k| *k == Kind::Output);
    let inputs = tl.count(|k| *k == Kind::Input);
    let markers = tl.count(|k| *k == Kind::Marker);
    let other = tl.events.len() - outputs - inputs;
    let bytes = tl.output_bytes();
    let start = tl.start.map(|s| rfc3339(&s));
    let end = tl.wall_clock(tl.duration()).map(|s| rfc3339(&s));
    let format = tl.format.map_or("unknown", |f| f.name());
    let newline = if l.crlf { "crlf" } else { "raw" };
    let warnings: Vec<String> = tl.warnings.iter().map(|w| w.to_string()).collect();
    let duration = secs(tl.duration());
    let title = tl
        .title
        .as_deref()
        .map(crate::render::escape::escape_controls);
    if args.json {
        let v = json!({
            "file": l.name,
            "format": format,
            "gzip": tl.gzip,
            "events": tl.events.len(),
            "output_events": outputs,
            "input_events": inputs,
            "other_events": other,
            "markers": markers,
            "bytes": bytes,
            "start": start,
            "end": end,
            "duration_s": duration,
            "cols": l.geometry.cols,
            "rows": l.geometry.rows,
            "geometry_source": l.geometry.source,
            "newline": newline,
            "sha256": tl.sha256,
            "source_bytes": tl.source_len,
            "title": title,
            "warnings": warnings,
        });
        return emit(out, &format!("{}\n", super::to_json(&v, true)));
    }
    let esc = crate::render::escape::escape_controls;
    let mut s = String::new();
    let mut row = |k: &str, v: String| s.push_str(&format!("{k:<10} {v}\n"));
    row("file", esc(&l.name));
    row(
        "format",
        format!("{format}{}", if tl.gzip { " (gzip)" } else { "" }),
    );
    if let Some(t) = &title {
        row("title", t.clone());
    }
    row(
        "events",
        format!(
            "{} (output {outputs}, input {inputs}, other {other})",
            tl.events.len()
        ),
    );
    row("bytes", format!("{bytes} bytes of output"));
    row("start", start.unwrap_or_else(|| "-".into()));
    row("end", end.unwrap_or_else(|| "-".into()));
    row(
        "duration",
        format!("{duration:.3} s ({})", clock(tl.duration())),
    );
    row(
        "geometry",
        format!(
            "{}x{} ({})",
            l.geometry.cols, l.geometry.rows, l.geometry.source
        ),
    );
    row(
        "newline",
        if l.crlf {
            "crlf (bare LF shown as CR LF)".into()
        } else {
            "raw (as recorded)".into()
        },
    );
    row("sha256", tl.sha256.clone());
    if warnings.is_empty() {
        row("warnings", "none".into());
    } else {
        for w in &warnings {
            row("warning", esc(w));
        }
    }
    emit(out, &s)
}
