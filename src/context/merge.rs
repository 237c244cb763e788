//! One timeline: a session's commands and markers beside the context entries in its window,
//! in time order; or a context source alone, as a feed.

use super::{open, Apis, Context, Entry, Lane, Options, Source, Window};
use crate::error::{Error, Result};
use crate::recording::Recording;
use crate::timeline::Kind;
use chrono::{DateTime, FixedOffset};
use serde_json::{json, Map, Value};
use std::ffi::OsString;

/// A row of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Nanoseconds from the session's start (negative before it).
    pub t: i128,
    /// The wall-clock time, in the session's offset (`None` for a session with no start).
    pub time: Option<DateTime<FixedOffset>>,
    pub lane: Lane,
    pub source: String,
    pub actor: Option<String>,
    pub text: String,
    pub fields: Map<String, Value>,
}

/// The window around a session (`None` when it has no wall-clock start).
pub fn window(rec: &Recording, margin: i128) -> Option<Window> {
    let tl = &rec.tl;
    let first = tl.wall_clock(tl.events.first().map_or(0, |e| e.t))?;
    let last = tl.wall_clock(tl.duration())?;
    Some(Window::around(first, last, margin))
}

/// Each `--with` source read, only its entries inside `w` kept (an API source is fetched
/// over `w`).
pub fn open_all(
    specs: &[OsString],
    opts: &Options,
    w: Option<&Window>,
    apis: &Apis,
) -> Result<Vec<Context>> {
    specs
        .iter()
        .map(|s| {
            let opts = Options {
                window: w.copied(),
                ..*opts
            };
            open(&Source::parse(s)?, &opts, apis)
        })
        .collect()
}

/// The entries of the context sources `specs` in the window `margin` around `rec`, as rows
/// on its timeline, in time order (the sources in the order given at equal times): what
/// `play`'s context panel, `transcript` and `report` show. Empty without `specs`; an error
/// when `rec` has no wall-clock start to place them by.
pub fn context_rows(
    rec: &Recording,
    specs: &[OsString],
    opts: &Options,
    margin: i128,
    apis: &Apis,
) -> Result<Vec<Row>> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let w = require_window(rec, margin)?;
    let contexts = open_all(specs, opts, Some(&w), apis)?;
    let Some(origin) = rec.tl.start else {
        return Ok(Vec::new());
    };
    let mut rows: Vec<Row> = contexts
        .into_iter()
        .flat_map(|c| c.entries.into_iter().map(|e| entry_row(e, &origin)))
        .collect();
    rows.sort_by_key(|r| r.t);
    Ok(rows)
}

/// The window around `rec`, or the error saying why context cannot be placed beside it.
pub fn require_window(rec: &Recording, margin: i128) -> Result<Window> {
    window(rec, margin).ok_or_else(|| {
        Error::Runtime(format!(
            "{}: the recording has no wall-clock start time, so context entries cannot be \
             placed beside it",
            rec.name
        ))
    })
}

/// A context entry as a row, its time from `origin` and shown in `origin`'s offset.
pub fn entry_row(e: Entry, origin: &DateTime<FixedOffset>) -> Row {
    let d = e.time.signed_duration_since(*origin);
    let t = d
        .num_nanoseconds()
        .map_or(d.num_milliseconds() as i128 * 1_000_000, i128::from);
    Row {
        t,
        time: Some(e.time.with_timezone(origin.offset())),
        lane: e.lane,
        source: e.source,
        actor: e.actor,
        text: e.text,
        fields: e.fields,
    }
}

/// The session's own rows: its typed commands (what ran, read off the screen, where it can
/// be told) and its markers, in time order.
pub fn session_rows(rec: &Recording) -> Result<Vec<Row>> {
    let tl = &rec.tl;
    let mut executed = crate::review::executed::commands(
        std::sync::Arc::clone(&rec.tl),
        rec.geometry.cols,
        rec.geometry.rows,
        rec.crlf,
    )
    .map_err(|e| Error::Runtime(format!("cannot start a thread: {e}")))?;
    let mut rows = Vec::new();
    crate::transcript::each_line(tl, &mut |l| {
        let ran = executed.next().flatten();
        rows.push(Row {
            t: l.t as i128,
            time: tl.wall_clock(l.t),
            lane: Lane::Command,
            source: rec.name.clone(),
            actor: None,
            text: l.text,
            fields: match json!({ "executed": ran, "end": l.end }) {
                Value::Object(o) => o,
                _ => Map::new(),
            },
        });
    });
    for ev in tl.events.iter().filter(|e| e.kind == Kind::Marker) {
        rows.push(Row {
            t: ev.t as i128,
            time: tl.wall_clock(ev.t),
            lane: Lane::Marker,
            source: rec.name.clone(),
            actor: None,
            text: super::one_line(&tl.text_of(ev)),
            fields: Map::new(),
        });
    }
    rows.sort_by_key(|r| r.t);
    Ok(rows)
}

/// The session's rows and every context entry, in time order (the session's first at equal
/// times, then the sources in the order given).
pub fn merged(rec: &Recording, contexts: Vec<Context>) -> Result<Vec<Row>> {
    let mut rows = session_rows(rec)?;
    if let Some(origin) = rec.tl.start {
        for c in contexts {
            rows.extend(c.entries.into_iter().map(|e| entry_row(e, &origin)));
        }
    }
    rows.sort_by_key(|r| r.t);
    Ok(rows)
}

/// A context source alone: its entries, timed from the first one.
pub fn feed(contexts: Vec<Context>) -> Vec<Row> {
    let Some(origin) = contexts
        .iter()
        .filter_map(|c| c.entries.first())
        .map(|e| e.time)
        .min()
    else {
        return Vec::new();
    };
    let mut rows: Vec<Row> = contexts
        .into_iter()
        .flat_map(|c| c.entries.into_iter().map(|e| entry_row(e, &origin)))
        .collect();
    rows.sort_by_key(|r| r.t);
    rows
}

impl Row {
    /// `--redact`: the row's text, actor and fields masked as the session is (the review
    /// rules' secret patterns, and what was typed without echo).
    pub fn redact(&mut self, r: &crate::review::redact::Redactor) {
        self.text = r.text(&self.text);
        self.actor = self.actor.as_deref().map(|a| r.text(a));
        self.fields.values_mut().for_each(|v| r.value(v));
    }

    /// The row as one JSON object: time (RFC 3339), t (seconds), lane, source, actor, text,
    /// fields.
    pub fn to_json(&self) -> Value {
        json!({
            "time": self.time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)),
            "t": self.t as f64 / 1e9,
            "lane": self.lane.name(),
            "source": self.source,
            "actor": self.actor,
            "text": self.text,
            "fields": self.fields,
        })
    }
}
