//! The archive: every one-off session's audit log kept byte for byte, verified, indexed and
//! searchable offline.
//!
//! - [`Store`] is what an archive does (add a session with its file and its indexed content,
//!   list, search, give a file back verified); [`sqlite::SqliteStore`] is the embedded one:
//!   SQLite (WAL, FTS5) in `DIR/archive.db`, the files in `DIR/objects/ab/cdef…` by sha256
//!   (`objects.rs`), the schema versioned (`schema.rs`); [`postgres::PostgresStore`] is the
//!   team one (`--db postgres://…`, `$AUDITTY_DB`): the same schema, the files in the
//!   database. [`Place`] says which, from the command line and the environment.
//! - [`index`] turns a recording into what is searched: commands typed and executed, output
//!   as plain text lines, with their times.
//! - [`sync`] downloads what is not archived yet, through the Scalingo client `fetch` uses.
//! - [`query`] is the search syntax (words, "phrases", prefixes `DROP*`), checked before any
//!   store sees it.
//!
//! Strings here are as the API or the recording gave them: escape them before showing them.

mod chunks;
pub mod index;
mod objects;
pub mod postgres;
pub mod query;
mod schema;
pub mod sqlite;
pub mod sync;
mod words;

use crate::error::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use postgres::DbUrl;
pub use query::Query;

/// The variable naming the archive's folder.
pub const ENV_ARCHIVE: &str = "AUDITTY_ARCHIVE";

/// One archived session: what the run event said, and what its file is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionMeta {
    pub audit_log_id: String,
    pub app: String,
    pub event_id: String,
    /// The operator's email.
    pub user: String,
    pub username: String,
    pub command: String,
    /// As the API wrote it (RFC 3339, its own offset).
    pub created_at: String,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
    /// Seconds.
    pub duration: f64,
    pub cols: u16,
    pub rows: u16,
    /// The wall-clock time of the recording's start (RFC 3339), when it has one: a hit's
    /// time is this plus its offset.
    pub started_at: Option<String>,
}

/// Where a piece of content comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum In {
    /// A typed line: what the screen shows ran, or the keys when it shows nothing.
    Command,
    /// Output, as plain text.
    Output,
}

impl In {
    pub fn as_str(self) -> &'static str {
        match self {
            In::Command => "command",
            In::Output => "output",
        }
    }

    fn parse(s: &str) -> In {
        if s == "command" {
            In::Command
        } else {
            In::Output
        }
    }
}

/// One searchable piece of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: In,
    /// Nanoseconds from the session's start.
    pub t: u64,
    pub text: String,
}

/// Which sessions a listing or a search looks at.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub apps: Vec<String>,
    pub user: Option<String>,
    /// Unix nanoseconds, inclusive.
    pub since: Option<i64>,
    /// Unix nanoseconds, exclusive.
    pub until: Option<i64>,
}

/// Which content a search looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    Commands,
    Output,
    #[default]
    All,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub session: SessionMeta,
    pub kind: In,
    /// Nanoseconds from the session's start.
    pub t: u64,
    /// The text around the match, the matched words between [`MARK_START`] and
    /// [`MARK_END`] (not escaped).
    pub snippet: String,
}

/// Around a match in [`Hit::snippet`].
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// Whether [`Store::add`] stored the session or found it there already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New,
    Already,
}

/// An archive.
pub trait Store {
    /// Whether the audit log is archived (its rows committed).
    fn contains(&self, audit_log_id: &str) -> Result<bool>;
    /// Stores `bytes` (whose sha256 is `meta.sha256`) and then, in one transaction, the
    /// session and its content: committed only once the file is stored whole and checked.
    /// A session already there (another sync got it first) is left as it is.
    fn add(&mut self, meta: &SessionMeta, bytes: &[u8], content: &[Entry]) -> Result<Added>;
    /// The session, if archived.
    fn session(&self, audit_log_id: &str) -> Result<Option<SessionMeta>>;
    /// The session's file, its sha256 checked: one that no longer matches is an error.
    fn read(&self, audit_log_id: &str) -> Result<Vec<u8>>;
    /// The sessions, newest first.
    fn list(&self, filter: &Filter) -> Result<Vec<SessionMeta>>;
    /// Hits, best first, at most `limit`.
    fn search(
        &self,
        query: &Query,
        scope: Scope,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<Hit>>;
}

/// What a store checks before it adds a session: its bytes must have the sha256 said (an
/// error if not); `false` when the session is archived already.
fn to_add(store: &(impl Store + ?Sized), meta: &SessionMeta, bytes: &[u8]) -> Result<bool> {
    if sha256_hex(bytes) != meta.sha256 {
        return Err(Error::Runtime(format!(
            "{}: the bytes do not have the sha256 given",
            meta.audit_log_id
        )));
    }
    Ok(!store.contains(&meta.audit_log_id)?)
}

/// The archive's folder: `--archive DIR`, else `$AUDITTY_ARCHIVE`, else the platform's data
/// directory + `auditty/` (a bare `--archive`, given as empty, is no choice).
pub fn location(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = given.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(ENV_ARCHIVE).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::BaseDirs::new()
        .map(|d| d.data_dir().join("auditty"))
        .ok_or_else(|| {
            Error::Runtime(format!(
                "no home folder to keep the archive in: use --archive DIR or {ENV_ARCHIVE}"
            ))
        })
}

/// Where the archive is, as the command line says: `--archive DIR` (a SQLite archive) or
/// `--db URL` (PostgreSQL); with neither, `$AUDITTY_DB`, else `$AUDITTY_ARCHIVE`, else the
/// platform's data directory.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// `--archive DIR` (empty, as a bare `--archive` gives it: no choice).
    pub dir: Option<PathBuf>,
    /// `--db URL`.
    pub db: Option<DbUrl>,
}

impl Place {
    /// A SQLite archive's folder.
    pub fn dir(dir: impl Into<PathBuf>) -> Place {
        Place {
            dir: Some(dir.into()),
            db: None,
        }
    }

    fn open(&self, create: bool) -> Result<Box<dyn Store>> {
        let dir = self.dir.as_deref().filter(|d| !d.as_os_str().is_empty());
        let db = match (dir, &self.db) {
            (Some(_), Some(_)) => {
                return Err(Error::Usage(
                    "--archive DIR and --db URL: one archive at a time".into(),
                ))
            }
            (Some(_), None) => None,
            (None, Some(url)) => Some(url.clone()),
            (None, None) => DbUrl::from_env(),
        };
        match db {
            Some(url) => Ok(Box::new(postgres::PostgresStore::open(&url, create)?)),
            None => Ok(Box::new(sqlite::SqliteStore::open(
                &location(dir)?,
                create,
            )?)),
        }
    }
}

/// Opens the archive to add to it (made if missing).
pub fn open_for_sync(place: &Place) -> Result<Box<dyn Store>> {
    place.open(true)
}

/// Opens an archive that must exist, to read it.
pub fn open_existing(place: &Place) -> Result<Box<dyn Store>> {
    place.open(false)
}

/// A lowercase hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    crate::formats::hex(&Sha256::digest(bytes))
}

/// A DATE of `--since`/`--until`: RFC 3339, or `YYYY-MM-DD` (UTC midnight; `end_of_day`
/// gives the next midnight, for an inclusive `--until`). Unix nanoseconds.
pub fn parse_date(s: &str, end_of_day: bool) -> Result<i64> {
    let bad = || {
        Error::Usage(format!(
            "{}: not a date (YYYY-MM-DD or RFC 3339, e.g. 2026-01-31T12:00:00Z)",
            crate::render::escape::escape_controls(s)
        ))
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s.trim()) {
        return t.timestamp_nanos_opt().ok_or_else(bad);
    }
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad())?;
    let d = if end_of_day {
        d.succ_opt().ok_or_else(bad)?
    } else {
        d
    };
    d.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_utc().timestamp_nanos_opt())
        .ok_or_else(bad)
}

/// `created_at` as Unix nanoseconds (0 when it is not RFC 3339).
pub fn created_nanos(created_at: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(created_at)
        .ok()
        .and_then(|t| t.timestamp_nanos_opt())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
