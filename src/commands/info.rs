use super::{emit, rfc3339};
use crate::cli::InfoArgs;
use crate::error::Result;
use crate::timeline::{clock, secs, Kind};
use serde_json::json;
use std::io::Write;

pub fn run(args: &InfoArgs, out: &mut dyn Write) -> Result<()> {
    // its warnings are part of what it prints: not said again on stderr
    let (with, opened) = super::feed::open_source(&args.src, &args.context)?;
    let l = opened.rec;
    let tl = &l.tl;
    let context = match opened.rows {
        // a feed: what each of its sources held
        Some(_) => Some(opened.parts.into_iter().map(Summary::of).collect()),
        None => context_summary(&l, &with, args)?,
    };
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
        let mut v = v;
        if let (Some(c), Some(o)) = (&context, v.as_object_mut()) {
            let list = c.iter().map(|s| {
                json!({
                    "source": s.name,
                    "kind": s.kind,
                    "entries": s.total,
                    "entries_in_window": s.in_window,
                    "warnings": s.warnings,
                })
            });
            o.insert("context".into(), list.collect());
        }
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
    for (i, c) in context.iter().flatten().enumerate() {
        let warnings = match c.warnings.is_empty() {
            true => "no warnings".to_string(),
            // a feed's own source: its warnings are the recording's, listed above
            false if i == 0 && tl.format == Some(crate::timeline::Format::Feed) => {
                "its warnings above".to_string()
            }
            false => format!("warnings: {}", c.warnings.join("; ")),
        };
        row(
            "context",
            esc(&format!(
                "{}: {}, {} entries in window (of {}), {warnings}",
                c.name, c.kind, c.in_window, c.total
            )),
        );
    }
    emit(out, &s)
}

/// What `info` says of a context source.
struct Summary {
    name: String,
    kind: &'static str,
    total: usize,
    in_window: usize,
    warnings: Vec<String>,
}

impl Summary {
    fn of(p: crate::context::feed::Part) -> Summary {
        Summary {
            name: p.name,
            kind: p.kind.name(),
            total: p.total,
            in_window: p.entries,
            warnings: p.warnings,
        }
    }
}

/// The `--with` sources, counted against the window around the recording (`None` without
/// `--with`, so that the output is what it was).
fn context_summary(
    l: &crate::recording::Recording,
    with: &[std::ffi::OsString],
    args: &InfoArgs,
) -> Result<Option<Vec<Summary>>> {
    use crate::context::merge;
    if with.is_empty() {
        return Ok(None);
    }
    let (cx, apis) = (&args.context, args.context.apis(&args.src.api));
    let w = merge::require_window(l, cx.margin()?)?;
    let all = merge::open_all(with, &cx.options(), Some(&w), &apis)?;
    Ok(Some(
        all.into_iter()
            .map(|c| Summary {
                in_window: c.entries.len(),
                total: c.total,
                kind: c.kind.name(),
                name: c.name,
                warnings: c.warnings,
            })
            .collect(),
    ))
}
