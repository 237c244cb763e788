//! The embedded archive: SQLite (bundled, WAL, FTS5) in `DIR/archive.db`, files in
//! `DIR/objects/`, the content in compressed chunks with an index of their words
//! (`content.rs`).
//!
//! A session's rows go in one `BEGIN IMMEDIATE` transaction, after its file is stored and
//! checked: a process killed at any moment leaves either the whole session or none of it
//! (and perhaps a file that the next sync finds in place). `audit_log_id` is unique, and the
//! transaction looks before it inserts, so two syncs at once store a session once.

mod content;

use super::{objects, schema, Added, Entry, Filter, Hit, Query, Scope, SessionMeta, Store};
use crate::error::{Error, Result};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) use content::{chunked_content, counted_chunks};

/// The database's file in the archive's folder.
pub const DB_FILE: &str = "archive.db";

pub struct SqliteStore {
    dir: PathBuf,
    db: PathBuf,
    conn: Connection,
}

/// How long a step waits for another process that holds the database (`busy_timeout` too).
const PATIENCE: Duration = Duration::from_secs(60);

/// Runs `f` again while SQLite answers "busy" without having waited (it does so, whatever
/// `busy_timeout` says, when a database is being switched to WAL, recovered or checkpointed
/// by another process at that moment), for up to [`PATIENCE`].
pub(crate) fn when_free<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let until = std::time::Instant::now() + PATIENCE;
    let mut pause = Duration::from_millis(5);
    loop {
        match f() {
            Err(e) if is_busy(&e) && std::time::Instant::now() < until => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            r => return r,
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// A database error, naming the database.
pub(crate) fn db_error(db: &Path, e: rusqlite::Error) -> Error {
    Error::Runtime(format!("{}: {e}", db.display()))
}

const SESSION_COLUMNS: &str = "audit_log_id, app, event_id, user_email, username, command, \
     created_at, size, sha256, duration, cols, rows, started_at";

fn session_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<SessionMeta> {
    Ok(SessionMeta {
        audit_log_id: r.get(at)?,
        app: r.get(at + 1)?,
        event_id: r.get(at + 2)?,
        user: r.get(at + 3)?,
        username: r.get(at + 4)?,
        command: r.get(at + 5)?,
        created_at: r.get(at + 6)?,
        size: r.get::<_, i64>(at + 7)? as u64,
        sha256: r.get(at + 8)?,
        duration: r.get(at + 9)?,
        cols: r.get(at + 10)?,
        rows: r.get(at + 11)?,
        started_at: r.get(at + 12)?,
    })
}

impl SqliteStore {
    /// Opens the archive in `dir`; with `create`, makes the folder and the database if they
    /// are missing, else an archive that is not there is an error.
    pub fn open(dir: &Path, create: bool) -> Result<SqliteStore> {
        let db = dir.join(DB_FILE);
        if create {
            // only its owner reads an archive: audit logs hold what was typed and shown
            let mut made = std::fs::DirBuilder::new();
            made.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut made, 0o700);
            made.create(dir)
                .map_err(|e| Error::Runtime(format!("{}: {e}", dir.display())))?;
        } else if !db.is_file() {
            return Err(Error::Runtime(format!(
                "{}: no archive there (make one with `auditty archive sync --app APP`)",
                dir.display()
            )));
        }
        let err = |e| db_error(&db, e);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = when_free(|| {
            let conn = Connection::open_with_flags(&db, flags)?;
            conn.busy_timeout(PATIENCE)?;
            // WAL lasts in the file: only the first open of an archive changes it
            let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                conn.pragma_update(None, "journal_mode", "WAL")?;
            }
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            Ok(conn)
        })
        .map_err(err)?;
        schema::migrate(&mut conn, &db)?;
        Ok(SqliteStore {
            dir: dir.to_path_buf(),
            db,
            conn,
        })
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        db_error(&self.db, e)
    }

    /// `WHERE` conditions for a filter on the `sessions` table aliased `s`, and their values.
    fn conditions(filter: &Filter) -> (Vec<String>, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        let mut conds = Vec::new();
        let mut values = Vec::new();
        if !filter.apps.is_empty() {
            let marks = vec!["?"; filter.apps.len()].join(", ");
            conds.push(format!("s.app IN ({marks})"));
            values.extend(filter.apps.iter().map(|a| Value::Text(a.clone())));
        }
        if let Some(u) = &filter.user {
            conds.push("(s.user_email = ? OR s.username = ?)".into());
            values.push(Value::Text(u.clone()));
            values.push(Value::Text(u.clone()));
        }
        if let Some(t) = filter.since {
            conds.push("s.created_ns >= ?".into());
            values.push(Value::Integer(t));
        }
        if let Some(t) = filter.until {
            conds.push("s.created_ns < ?".into());
            values.push(Value::Integer(t));
        }
        (conds, values)
    }
}

/// A session's rows in one `BEGIN IMMEDIATE` transaction, unless another process put them
/// there first.
fn insert(conn: &mut Connection, meta: &SessionMeta, content: &[Entry]) -> rusqlite::Result<Added> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let there: Option<i64> = tx
        .query_row(
            "SELECT id FROM sessions WHERE audit_log_id = ?1",
            [&meta.audit_log_id],
            |r| r.get(0),
        )
        .optional()?;
    if there.is_some() {
        return Ok(Added::Already);
    }
    tx.execute(
        &format!(
            "INSERT INTO sessions ({SESSION_COLUMNS}, created_ns, archived_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        ),
        params![
            meta.audit_log_id,
            meta.app,
            meta.event_id,
            meta.user,
            meta.username,
            meta.command,
            meta.created_at,
            meta.size as i64,
            meta.sha256,
            meta.duration,
            meta.cols,
            meta.rows,
            meta.started_at,
            super::created_nanos(&meta.created_at),
            chrono::Utc::now().to_rfc3339(),
        ],
    )?;
    let id = tx.last_insert_rowid();
    content::insert(&tx, id, content)?;
    tx.commit()?;
    Ok(Added::New)
}

impl Store for SqliteStore {
    fn contains(&self, audit_log_id: &str) -> Result<bool> {
        when_free(|| {
            self.conn
                .query_row(
                    "SELECT 1 FROM sessions WHERE audit_log_id = ?1",
                    [audit_log_id],
                    |_| Ok(()),
                )
                .optional()
        })
        .map(|o| o.is_some())
        .map_err(|e| self.err(e))
    }

    fn add(&mut self, meta: &SessionMeta, bytes: &[u8], content: &[Entry]) -> Result<Added> {
        if !super::to_add(self, meta, bytes)? {
            return Ok(Added::Already);
        }
        objects::store(&self.dir, &meta.sha256, bytes)?;
        let conn = &mut self.conn;
        when_free(|| insert(conn, meta, content)).map_err(|e| db_error(&self.db, e))
    }

    fn session(&self, audit_log_id: &str) -> Result<Option<SessionMeta>> {
        self.conn
            .query_row(
                &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE audit_log_id = ?1"),
                [audit_log_id],
                |r| session_row(r, 0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn read(&self, audit_log_id: &str) -> Result<Vec<u8>> {
        let meta = self.session(audit_log_id)?.ok_or_else(|| {
            Error::Runtime(format!(
                "archive://{}: not in the archive at {}",
                crate::render::escape::escape_controls(audit_log_id),
                self.dir.display()
            ))
        })?;
        objects::read(&self.dir, &meta.sha256)
    }

    fn list(&self, filter: &Filter) -> Result<Vec<SessionMeta>> {
        let (conds, values) = Self::conditions(filter);
        let cols = SESSION_COLUMNS.replace(", ", ", s.");
        let mut sql = format!("SELECT s.{cols} FROM sessions s");
        if !conds.is_empty() {
            sql.push_str(&format!(" WHERE {}", conds.join(" AND ")));
        }
        sql.push_str(" ORDER BY s.created_ns DESC, s.id DESC");
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(rusqlite::params_from_iter(values), |r| session_row(r, 0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    fn search(
        &self,
        query: &Query,
        scope: Scope,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let (mut conds, values) = Self::conditions(filter);
        match scope {
            Scope::Commands => conds.push("c.kind = 'command'".into()),
            Scope::Output => conds.push("c.kind = 'output'".into()),
            Scope::All => {}
        }
        let cols = format!("s.{}", SESSION_COLUMNS.replace(", ", ", s."));
        content::search(&self.conn, query, &conds, values, &cols, session_row, limit)
            .map_err(|e| self.err(e))
    }
}
