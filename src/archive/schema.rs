//! The SQLite schema, versioned from the start: `schema_version` holds the version an
//! archive is at, and [`MIGRATIONS`] the steps from each version to the next. A new version
//! adds a step (never changes one), so an archive made by any earlier version opens, and is
//! brought up to date in one transaction; one made by a later version is refused.

use crate::error::{Error, Result};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;

/// One step from a version to the next: SQL, or code where the rows must be rewritten.
pub enum Step {
    Sql(&'static str),
    Code(fn(&Transaction<'_>) -> rusqlite::Result<()>),
}

/// `MIGRATIONS[i]` takes an archive from version `i` to `i + 1`.
pub const MIGRATIONS: &[Step] = &[
    // 1: sessions, their content (FTS5, one row a piece, the text kept in the index itself)
    Step::Sql(
        "CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        audit_log_id TEXT NOT NULL UNIQUE,
        app TEXT NOT NULL,
        event_id TEXT NOT NULL,
        user_email TEXT NOT NULL,
        username TEXT NOT NULL,
        command TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_ns INTEGER NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        duration REAL NOT NULL,
        cols INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        started_at TEXT,
        archived_at TEXT NOT NULL
    );
    CREATE INDEX sessions_by_time ON sessions (created_ns);
    CREATE INDEX sessions_by_app ON sessions (app, created_ns);
    CREATE VIRTUAL TABLE content USING fts5 (
        text, session UNINDEXED, kind UNINDEXED, t UNINDEXED
    );",
    ),
    // 2: the content in chunks, compressed, and an index of their words alone; the pieces of
    // version 1 moved into them
    Step::Code(super::sqlite::chunked_content),
    // 3: each chunk's number of words, to rank the chunks that match by (not FTS5's bm25,
    // which computed a score for every match)
    Step::Code(super::sqlite::counted_chunks),
];

/// The version this auditty writes.
pub fn current() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the archive at `db` to the current version (a new one from nothing).
pub fn migrate(conn: &mut Connection, db: &Path) -> Result<()> {
    let err = |e: rusqlite::Error| super::sqlite::db_error(db, e);
    let version = super::sqlite::when_free(|| step(conn)).map_err(err)?;
    if version > current() {
        return Err(Error::Runtime(format!(
            "{}: made by a newer auditty (schema version {version}; this one knows up to {})",
            db.display(),
            current()
        )));
    }
    Ok(())
}

/// One try: the version found, and the archive brought from it to [`current`] when it is
/// older (nothing is changed when it is newer).
fn step(conn: &mut Connection) -> rusqlite::Result<i64> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let version: Option<i64> =
        tx.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))?;
    let version = version.unwrap_or(0);
    if version >= current() {
        return Ok(version);
    }
    for step in &MIGRATIONS[version as usize..] {
        match step {
            Step::Sql(sql) => tx.execute_batch(sql)?,
            Step::Code(f) => f(&tx)?,
        }
    }
    tx.execute("DELETE FROM schema_version", [])?;
    tx.execute(
        "INSERT INTO schema_version (version) VALUES (?1)",
        [current()],
    )?;
    tx.commit()?;
    Ok(version)
}
