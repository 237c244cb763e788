//! `auditty report`: one self-contained HTML file for a ticket.

use crate::cli::{ReportArgs, ReviewArgs};
use crate::error::{Error, Result};
use crate::output::{CreateError, Options, Overwrite, Writer};
use crate::recording::{self, Source};
use crate::report::{time_of, ContextEntry, Header, Report};
use crate::review::redact::Redactor;
use std::io::Write;

pub fn run(args: &ReportArgs, _out: &mut dyn Write) -> Result<()> {
    // the rules as `review` reads them
    let review = ReviewArgs {
        sources: vec![args.source.clone()],
        rules: args.rules.clone(),
        json: false,
        fail_on: None,
        show_secrets: args.show_secrets,
        redact: args.redact,
        term: args.term.clone(),
        api: args.api.clone(),
    };
    let rules = super::review::rules(&review)?;
    let source = Source::parse(&args.source)?;
    let rec = recording::open(&source, &args.term.settings(&args.api))?;
    let findings = super::review::findings(&rec, &rules, args.show_secrets, args.redact);
    let (redactor, shown) = if args.redact {
        let g = &rec.geometry;
        let hidden = crate::review::executed::analyse(&rec.tl, g.cols, g.rows, rec.crlf).hidden;
        let r = Redactor::new(&rules).with_hidden(&hidden);
        let shown = r.recording(&rec, &hidden);
        (Some(r), shown)
    } else {
        (None, rec.clone())
    };
    let tl = &rec.tl;
    let (app, session) = match &source {
        Source::Scalingo { app, id, .. } => (Some(app.clone()), Some(id.clone())),
        _ => (None, None),
    };
    let mask = |s: &str| match &redactor {
        Some(r) => r.text(s),
        None => s.to_string(),
    };
    let header = Header {
        source: source.name(),
        app,
        operator: None,
        session: session.or_else(|| tl.title.as_deref().map(mask)),
        format: tl.format.map(|f| f.name().to_string()),
        start: tl.start.map(|_| time_of(tl, 0)),
        end: tl.start.map(|_| time_of(tl, tl.duration())),
        duration: tl.duration(),
        geometry: format!(
            "{}x{} ({})",
            rec.geometry.cols, rec.geometry.rows, rec.geometry.source
        ),
        sha256: tl.sha256.clone(),
        bytes: tl.source_len,
        redacted: args.redact,
    };
    let cx = args.context_args();
    let with = cx.sources(Some(&args.source))?;
    let rows = super::context_rows(&rec, &with, &cx, &args.api)?;
    let mut report = Report::build(&rec, &shown, header, findings, redactor.as_ref());
    report.context_sources = with.iter().map(|s| mask(&s.to_string_lossy())).collect();
    report.context = rows
        .into_iter()
        .map(|r| ContextEntry {
            t: r.t,
            time: r.time.as_ref().map(super::rfc3339),
            lane: r.lane.name().to_string(),
            actor: r.actor.as_deref().map(mask),
            text: mask(&r.text),
        })
        .collect();
    let page = report.html();
    write(args, page.as_bytes())
}

/// The page, whole or not at all; an existing file only with `--force`.
fn write(args: &ReportArgs, bytes: &[u8]) -> Result<()> {
    let path = &args.output;
    let name = path.display().to_string();
    let opts = Options {
        overwrite: if args.force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        },
        ..Default::default()
    };
    let mut w = Writer::create(path, &opts).map_err(|e| match e {
        CreateError::Exists => {
            Error::Runtime(format!("{name}: it already exists (--force replaces it)"))
        }
        e => Error::Runtime(format!("{name}: cannot write: {e}")),
    })?;
    w.write_all(bytes)
        .and_then(|()| w.commit())
        .map_err(|e| Error::Runtime(format!("{name}: cannot write: {e}")))
}
