//! `archive sync`, `archive ls` and `search`.

use super::{emit, to_json};
use crate::archive::{self, sync, Filter, Hit, Query, Scope, MARK_END, MARK_START};
use crate::cli::{
    ArchiveArgs, ArchiveCommand, LsArgs, SearchArgs, SearchIn, SessionFilter, SyncArgs,
};
use crate::error::{Error, Result};
use crate::render::escape::escape_controls;
use crate::timeline::{clock, secs};
use serde_json::json;
use std::io::{IsTerminal, Write};

pub fn run(args: &ArchiveArgs, out: &mut dyn Write) -> Result<()> {
    match &args.command {
        ArchiveCommand::Sync(a) => sync_cmd(a, out),
        ArchiveCommand::Ls(a) => ls(a, out),
    }
}

fn sync_cmd(args: &SyncArgs, out: &mut dyn Write) -> Result<()> {
    let mut apps = args.app.clone();
    if apps.is_empty() {
        apps.extend(
            std::env::var(crate::scalingo::ENV_APP)
                .ok()
                .filter(|a| !a.trim().is_empty()),
        );
    }
    if apps.is_empty() {
        return Err(Error::Usage(
            "archive sync: which app? --app APP (or $SCALINGO_APP)".into(),
        ));
    }
    let since = args
        .since
        .as_deref()
        .map(|s| archive::parse_date(s, false))
        .transpose()?;
    let cfg = args.api.scalingo().config()?;
    let mut store = archive::open_for_sync(&args.api.archive.place())?;
    let plan = sync::Plan {
        cfg,
        apps: &apps,
        since,
        progress: std::io::stderr().is_terminal(),
    };
    let report = sync::sync(store.as_mut(), &plan, &mut |line| {
        eprintln!("error: {line}")
    });
    emit(out, &format!("archive: {}\n", report.summary()))?;
    if report.failed > 0 {
        return Err(Error::Runtime(format!(
            "{} not archived (see above); run `archive sync` again to retry",
            report.failed
        )));
    }
    Ok(())
}

fn filter(f: &SessionFilter) -> Result<Filter> {
    Ok(Filter {
        apps: f.app.clone(),
        user: f.user.clone(),
        since: f
            .since
            .as_deref()
            .map(|s| archive::parse_date(s, false))
            .transpose()?,
        until: f
            .until
            .as_deref()
            .map(|s| archive::parse_date(s, true))
            .transpose()?,
    })
}

fn ls(args: &LsArgs, out: &mut dyn Write) -> Result<()> {
    let filter = filter(&args.filter)?;
    let store = archive::open_existing(&args.archive.place())?;
    let list = store.list(&filter)?;
    let mut text = String::new();
    for s in &list {
        if args.json {
            text.push_str(&to_json(s, false));
        } else {
            text.push_str(&format!(
                "{}  {}  {}  {}  {}  {}  {}",
                escape_controls(&s.created_at),
                escape_controls(&s.app),
                escape_controls(&s.user),
                crate::scalingo::human_size(s.size),
                clock(crate::timeline::secs_to_nanos(s.duration)),
                escape_controls(&s.audit_log_id),
                escape_controls(&s.command),
            ));
        }
        text.push('\n');
    }
    emit(out, &text)
}

pub fn search(args: &SearchArgs, out: &mut dyn Write) -> Result<()> {
    let query = Query::parse(&args.query)?;
    let filter = filter(&args.filter)?;
    let scope = match args.scope {
        SearchIn::Commands => Scope::Commands,
        SearchIn::Output => Scope::Output,
        SearchIn::All => Scope::All,
    };
    let store = archive::open_existing(&args.archive.place())?;
    let hits = store.search(&query, scope, &filter, args.limit)?;
    let bold = !args.json && std::io::stdout().is_terminal();
    let mut text = String::new();
    for h in &hits {
        let time = hit_time(h);
        let snippet = snippet(&h.snippet, bold);
        if args.json {
            let v = json!({
                "audit_log_id": h.session.audit_log_id,
                "app": h.session.app,
                "user": h.session.user,
                "time": time,
                "t": secs(h.t),
                "in": h.kind.as_str(),
                "snippet": snippet,
            });
            text.push_str(&to_json(&v, false));
        } else {
            text.push_str(&format!(
                "{}  {}  {}  {} (+{})  {}  {}",
                escape_controls(&h.session.audit_log_id),
                escape_controls(&h.session.app),
                escape_controls(&h.session.user),
                time.as_deref().map(escape_controls).unwrap_or_default(),
                clock(h.t),
                h.kind.as_str(),
                snippet,
            ));
        }
        text.push('\n');
    }
    emit(out, &text)
}

/// The wall-clock time of a hit, in the session's own offset: its start plus the hit's
/// offset (the start from the recording, else the run event's `created_at`).
fn hit_time(h: &Hit) -> Option<String> {
    let start = h
        .session
        .started_at
        .as_deref()
        .unwrap_or(&h.session.created_at);
    let start = chrono::DateTime::parse_from_rfc3339(start).ok()?;
    let t = start + chrono::Duration::nanoseconds(i64::try_from(h.t).ok()?);
    Some(super::rfc3339(&t))
}

/// A snippet made safe to print: its lines joined with ` ⏎ `, every piece escaped, the
/// match between « » (bold on a terminal).
fn snippet(s: &str, bold: bool) -> String {
    let (on, off) = if bold {
        ("\x1b[1m", "\x1b[22m")
    } else {
        ("«", "»")
    };
    let mut out = String::new();
    let mut piece = String::new();
    let flush = |piece: &mut String, out: &mut String| {
        out.push_str(&escape_controls(&piece.replace('\n', " ⏎ ")));
        piece.clear();
    };
    for c in s.chars() {
        match c {
            MARK_START => {
                flush(&mut piece, &mut out);
                out.push_str(on);
            }
            MARK_END => {
                flush(&mut piece, &mut out);
                out.push_str(off);
            }
            c => piece.push(c),
        }
    }
    flush(&mut piece, &mut out);
    out
}
