//! The session in context: entries from the app's logs, its events and other audit trails
//! (Scalingo app logs and app events, Losant and Datafold audit logs), read from files whose
//! kind is told by their content, on the session's own timeline.
//!
//! A [`Source`] is a file or a URI; [`open`] reads it into a [`Context`] (its entries and
//! warnings); [`Window`] keeps the entries around a session; [`merge`] puts them beside the
//! session's commands and markers. A provider's fetcher plugs in as one arm of the `match` in
//! [`open`]: it returns the bytes of the same answers these readers take.

pub mod applog;
pub mod datafold;
pub mod detect;
pub mod events;
mod events_text;
pub mod feed;
pub mod fetch;
pub mod losant;
pub mod mask;
pub mod merge;
pub mod time;

use crate::error::{Error, LoadError, Place, Result};
use chrono::{DateTime, FixedOffset};
pub use fetch::Apis;
use std::ffi::OsStr;
use std::path::PathBuf;

/// The lanes of a timeline: where a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lane {
    /// A typed command of the session.
    Command,
    /// A marker of the session.
    Marker,
    AppLog,
    AppEvent,
    Losant,
    Datafold,
}

impl Lane {
    pub fn name(self) -> &'static str {
        match self {
            Lane::Command => "command",
            Lane::Marker => "marker",
            Lane::AppLog => "app-log",
            Lane::AppEvent => "app-event",
            Lane::Losant => "losant",
            Lane::Datafold => "datafold",
        }
    }
}

/// What a context file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AppLog,
    AppEvents,
    Losant,
    Datafold,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::AppLog => "Scalingo app logs",
            Kind::AppEvents => "Scalingo app events",
            Kind::Losant => "Losant audit logs",
            Kind::Datafold => "Datafold audit logs",
        }
    }

    pub fn lane(self) -> Lane {
        match self {
            Kind::AppLog => Lane::AppLog,
            Kind::AppEvents => Lane::AppEvent,
            Kind::Losant => Lane::Losant,
            Kind::Datafold => Lane::Datafold,
        }
    }
}

/// One entry of a context source.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// When, in the offset the source wrote (UTC where it wrote none).
    pub time: DateTime<FixedOffset>,
    pub lane: Lane,
    /// The file name or URI as given.
    pub source: String,
    pub actor: Option<String>,
    /// One line (not escaped: whoever prints it does).
    pub text: String,
    /// The entry's own fields, secrets masked.
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// How entries are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Show variable values and other secrets in clear.
    pub show_secrets: bool,
    /// Keep only the entries inside (counted in [`Context::total`] all the same): memory
    /// follows the window, not the file.
    pub window: Option<Window>,
}

/// A context source read: its entries in time order, and what was wrong with it.
#[derive(Debug, Clone)]
pub struct Context {
    pub name: String,
    pub kind: Kind,
    pub entries: Vec<Entry>,
    /// Entries read, inside the window or not.
    pub total: usize,
    pub warnings: Vec<String>,
}

/// The URI schemes a context source may use.
pub const SCHEMES: [&str; 4] = ["scalingo-logs", "scalingo-events", "losant", "datafold"];

/// Where context comes from: a file, or a provider's API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Path(PathBuf),
    /// `scalingo-logs://APP`, `scalingo-events://APP`, `losant://ORG`, `datafold://`.
    Uri {
        scheme: String,
        rest: String,
    },
}

impl Source {
    /// What the user wrote: a URI of a known scheme, or a path.
    pub fn parse(spec: &OsStr) -> Result<Source> {
        if let Some(s) = spec.to_str() {
            if let Some((scheme, rest)) = s.split_once("://") {
                if SCHEMES.contains(&scheme) {
                    return Ok(Source::Uri {
                        scheme: scheme.to_string(),
                        rest: rest.to_string(),
                    });
                }
                if !scheme.is_empty()
                    && scheme
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                {
                    return Err(Error::Usage(format!(
                        "{s}: unknown context source (a file, or {})",
                        SCHEMES.map(|s| format!("{s}://")).join(", ")
                    )));
                }
            }
        }
        Ok(Source::Path(PathBuf::from(spec)))
    }

    /// Whether `spec` names a context URI (for a SOURCE that may be a session or a feed).
    pub fn is_uri(spec: &OsStr) -> bool {
        spec.to_str()
            .and_then(|s| s.split_once("://"))
            .is_some_and(|(scheme, _)| SCHEMES.contains(&scheme))
    }

    pub fn name(&self) -> String {
        match self {
            Source::Path(p) => p.to_string_lossy().into_owned(),
            Source::Uri { scheme, rest } => format!("{scheme}://{rest}"),
        }
    }
}

/// Read a context source: a file, or a provider's API over `opts.window` (how to reach it
/// in `apis`).
pub fn open(source: &Source, opts: &Options, apis: &Apis) -> Result<Context> {
    let name = source.name();
    match source {
        Source::Path(p) => {
            let bytes = detect::read_file(p, &name)?;
            Ok(from_bytes(&name, bytes, opts)?)
        }
        Source::Uri { scheme, rest } => {
            let (kind, bytes) = fetch::fetch(&name, scheme, rest, opts.window.as_ref(), apis)?;
            Ok(from_answer(&name, kind, bytes, opts)?)
        }
    }
}

/// Read context from bytes (plain or gzip), its kind told by its content.
pub fn from_bytes(name: &str, bytes: Vec<u8>, opts: &Options) -> Result<Context, LoadError> {
    let text = detect::decode(name, bytes)?;
    Ok(read_found(name, detect::detect(name, &text)?, opts))
}

/// Read an API's answer, whose kind is known (an empty answer is no entries): log lines, a
/// JSON array of entries, or an object holding them (`events`, `items`, `logs`).
pub fn from_answer(
    name: &str,
    kind: Kind,
    bytes: Vec<u8>,
    opts: &Options,
) -> Result<Context, LoadError> {
    let text = detect::decode(name, bytes)?;
    let found = match kind {
        Kind::AppLog => detect::Found::AppLog(&text),
        _ if text.trim().is_empty() => detect::Found::Json(kind, Vec::new()),
        _ => {
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                LoadError::new(name, Place::LineCol(e.line(), e.column()), "not valid JSON")
            })?;
            let items =
                match v {
                    serde_json::Value::Array(a) => Some(a),
                    serde_json::Value::Object(mut o) => ["events", "items", "logs"]
                        .iter()
                        .find_map(|k| match o.remove(*k) {
                            Some(serde_json::Value::Array(a)) => Some(a),
                            _ => None,
                        }),
                    _ => None,
                };
            let items = items.ok_or_else(|| whole(name, "the answer holds no list of entries"))?;
            detect::Found::Json(kind, items)
        }
    };
    Ok(read_found(name, found, opts))
}

/// Why an entry of a JSON context source was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryError {
    NotAnObject,
    NotJson,
    /// The field that holds its time is missing.
    Missing(&'static str),
    /// The field that holds its time holds no time.
    NotATime(&'static str),
}

impl std::fmt::Display for EntryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntryError::NotAnObject => f.write_str("not an object"),
            EntryError::NotJson => f.write_str("not JSON"),
            EntryError::Missing(field) => write!(f, "no {field}"),
            EntryError::NotATime(field) => write!(f, "{field} is not a time"),
        }
    }
}

impl std::error::Error for EntryError {}

fn read_found(name: &str, found: detect::Found<'_>, opts: &Options) -> Context {
    let mut r = Reader::new(name, *opts);
    let kind = match found {
        detect::Found::AppLog(s) => {
            applog::read(s, &mut r);
            Kind::AppLog
        }
        detect::Found::Json(kind, items) => {
            for (i, v) in items.into_iter().enumerate() {
                let ok = match kind {
                    Kind::AppEvents => events::read(v, &mut r),
                    Kind::Losant => losant::read(v, &mut r),
                    Kind::Datafold => datafold::read(v, &mut r),
                    Kind::AppLog => Err(EntryError::NotJson),
                };
                if let Err(why) = ok {
                    r.skip(format!("entry {i}"), &why.to_string());
                }
            }
            kind
        }
    };
    r.finish(kind)
}

/// What a reader gives entries to; it counts what it had to skip or assume.
pub struct Reader {
    pub name: String,
    pub opts: Options,
    entries: Vec<Entry>,
    skipped: usize,
    first_skip: Option<String>,
    assumed_utc: usize,
    total: usize,
}

impl Reader {
    fn new(name: &str, opts: Options) -> Self {
        Reader {
            name: name.to_string(),
            opts,
            entries: Vec::new(),
            skipped: 0,
            first_skip: None,
            assumed_utc: 0,
            total: 0,
        }
    }

    /// An entry at `stamp` (counted when its time had no offset).
    pub fn push(
        &mut self,
        stamp: time::Stamp,
        lane: Lane,
        actor: Option<String>,
        text: String,
        fields: serde_json::Map<String, serde_json::Value>,
    ) {
        if stamp.assumed_utc {
            self.assumed_utc += 1;
        }
        self.total += 1;
        if self.opts.window.is_some_and(|w| !w.contains(&stamp.time)) {
            return;
        }
        let text = one_line(&text);
        self.entries.push(Entry {
            time: stamp.time,
            lane,
            source: self.name.clone(),
            actor: actor.filter(|a| !a.is_empty()),
            text,
            fields,
        });
    }

    /// Something unreadable at `place`, skipped.
    pub fn skip(&mut self, place: String, why: &str) {
        self.skipped += 1;
        if self.first_skip.is_none() {
            self.first_skip = Some(format!("{place}: {why}"));
        }
    }

    fn finish(mut self, kind: Kind) -> Context {
        let mut warnings = Vec::new();
        if self.skipped > 0 {
            let first = self.first_skip.take().unwrap_or_default();
            warnings.push(format!(
                "{} unreadable {} skipped (the first at {first})",
                self.skipped,
                if self.skipped == 1 {
                    "entry"
                } else {
                    "entries"
                }
            ));
        }
        if self.assumed_utc > 0 {
            warnings.push(format!(
                "{} {} no offset: UTC was assumed",
                self.assumed_utc,
                if self.assumed_utc == 1 {
                    "time had"
                } else {
                    "times had"
                }
            ));
        }
        self.entries.sort_by_key(|e| e.time);
        Context {
            name: self.name,
            kind,
            entries: self.entries,
            total: self.total,
            warnings,
        }
    }
}

/// A field of an entry as text: a non-empty string, or a number.
pub(crate) fn field(v: &serde_json::Value, key: &str) -> Option<String> {
    match v.get(key)? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An audit trail entry's fields, its secrets masked unless asked for (Losant's and
/// Datafold's: their values are data, not variables).
pub(crate) fn trail_fields(
    v: serde_json::Value,
    r: &Reader,
) -> serde_json::Map<String, serde_json::Value> {
    let serde_json::Value::Object(o) = v else {
        return Default::default();
    };
    let masking = mask::Masking {
        secrets: !r.opts.show_secrets,
        values: false,
    };
    mask::object(o, masking)
}

/// Text on one line: line breaks and tabs become spaces, runs of them one.
fn one_line(s: &str) -> String {
    let s = s.trim();
    if !s.contains(['\n', '\r', '\t']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut blank = false;
    for c in s.chars() {
        if matches!(c, '\n' | '\r' | '\t') {
            if !blank {
                out.push(' ');
            }
            blank = true;
        } else {
            out.push(c);
            blank = false;
        }
    }
    out
}

/// The part of the time line context is kept for: a session's span widened by a margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
}

/// The margin around a session when `--around` is not given: 5 minutes.
pub const DEFAULT_MARGIN: i128 = 300_000_000_000;

impl Window {
    /// From `margin` ns before `first` to `margin` ns after `last`.
    pub fn around(
        first: DateTime<FixedOffset>,
        last: DateTime<FixedOffset>,
        margin: i128,
    ) -> Window {
        let m = chrono::Duration::nanoseconds(i64::try_from(margin).unwrap_or(i64::MAX));
        Window {
            from: first.checked_sub_signed(m).unwrap_or(first),
            to: last.checked_add_signed(m).unwrap_or(last),
        }
    }

    /// Whether `t` is inside (both edges included).
    pub fn contains(&self, t: &DateTime<FixedOffset>) -> bool {
        *t >= self.from && *t <= self.to
    }
}

impl Context {
    /// Only the entries inside `w`.
    pub fn keep(&mut self, w: &Window) {
        self.entries.retain(|e| w.contains(&e.time));
    }
}

/// A place in a file, for messages.
pub(crate) fn at_line(n: usize) -> String {
    format!("line {n}")
}

pub(crate) fn whole(name: &str, what: impl Into<String>) -> LoadError {
    LoadError::new(name, Place::Whole, what)
}

#[cfg(test)]
mod tests;
