//! The team archive: the same [`Store`] in PostgreSQL (`--db postgres://…`, `$AUDITTY_DB`),
//! for several reviewers syncing and searching one archive at once.
//!
//! - The schema is SQLite's, versioned the same way (`schema.rs`); the files are in the
//!   database (`objects`, `bytea`), so the archive is one thing to back up.
//! - A session (its file, its row, its content) is added in one transaction, with
//!   `ON CONFLICT DO NOTHING` on the unique `audit_log_id` (and the file's sha256): two syncs
//!   at once store it once, and a sync killed midway leaves nothing of the session it was
//!   adding.
//! - Search: the content is kept in chunks of pieces (`../chunks.rs`, as SQLite keeps it),
//!   each with a `tsvector` (GIN index) made from the words FTS5 would see (`../words.rs`);
//!   the database finds the chunks, and the pieces in them that match are the hits, with
//!   snippets cut here.
//! - A file read back is checked against its sha256 (the server checks it on the way in, a
//!   `CHECK` constraint): one changed since is refused.
//!
//! The client is `postgres` (synchronous; TLS by rustls for every host but this machine's,
//! see `url.rs`). It runs a runtime of its own, which cannot start inside another one (`archive
//! sync` calls the store from its async loop): there, each call runs on a thread of its own.

pub(crate) mod schema;
pub mod url;

use super::{chunks, words, Added, Entry, Filter, Hit, Query, Scope, SessionMeta, Store};
use crate::error::{Error, Result};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row};
use std::cell::RefCell;
pub use url::{DbUrl, Tls};

pub struct PostgresStore {
    url: DbUrl,
    /// Always `Some` but while dropping.
    client: RefCell<Option<Client>>,
}

/// Runs `f` where the synchronous client may block: here, or inside an async runtime, on a
/// thread of its own meanwhile.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

const SESSION_COLUMNS: &str = "s.audit_log_id, s.app, s.event_id, s.user_email, s.username, \
     s.command, s.created_at, s.size, s.sha256, s.duration, s.cols, s.rows, s.started_at";

fn session_row(r: &Row, at: usize) -> Result<SessionMeta, postgres::Error> {
    let small = |i: usize| -> Result<u16, postgres::Error> {
        Ok(r.try_get::<_, i32>(at + i)?.clamp(0, u16::MAX as i32) as u16)
    };
    Ok(SessionMeta {
        audit_log_id: r.try_get(at)?,
        app: r.try_get(at + 1)?,
        event_id: r.try_get(at + 2)?,
        user: r.try_get(at + 3)?,
        username: r.try_get(at + 4)?,
        command: r.try_get(at + 5)?,
        created_at: r.try_get(at + 6)?,
        size: r.try_get::<_, i64>(at + 7)?.max(0) as u64,
        sha256: r.try_get(at + 8)?,
        duration: r.try_get(at + 9)?,
        cols: small(10)?,
        rows: small(11)?,
        started_at: r.try_get(at + 12)?,
    })
}

/// Chunks read from the database at a time while looking for hits.
const CHUNKS_AT_ONCE: i32 = 32;

type Params = Vec<Box<dyn ToSql + Sync + Send>>;

fn refs(p: &Params) -> Vec<&(dyn ToSql + Sync)> {
    p.iter()
        .map(|b| b.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// `WHERE` conditions for a filter on `sessions s`, their values numbered from `$1`.
fn conditions(filter: &Filter, values: &mut Params) -> Vec<String> {
    let mut conds = Vec::new();
    let next = |v: Box<dyn ToSql + Sync + Send>, values: &mut Params| {
        values.push(v);
        format!("${}", values.len())
    };
    if !filter.apps.is_empty() {
        let n = next(Box::new(filter.apps.clone()), values);
        conds.push(format!("s.app = ANY({n})"));
    }
    if let Some(u) = &filter.user {
        let n = next(Box::new(u.clone()), values);
        conds.push(format!("(s.user_email = {n} OR s.username = {n})"));
    }
    if let Some(t) = filter.since {
        let n = next(Box::new(t), values);
        conds.push(format!("s.created_ns >= {n}"));
    }
    if let Some(t) = filter.until {
        let n = next(Box::new(t), values);
        conds.push(format!("s.created_ns < {n}"));
    }
    conds
}

impl PostgresStore {
    /// Connects to the database; with `create`, makes the archive's tables in it if they
    /// are missing, else a database with no archive is an error.
    pub fn open(url: &DbUrl, create: bool) -> Result<PostgresStore> {
        let (cfg, tls) = url.config()?;
        let (client, found) = off_runtime(|| {
            let connected = match &tls {
                Tls::None => cfg.connect(NoTls),
                Tls::Checked { roots } => cfg.connect(url.connector(roots.as_deref())?),
            };
            let mut client =
                connected.map_err(|e| url.error(format!("cannot connect: {}", db_text(&e))))?;
            // a commit need not wait for its WAL to reach the disk: a server that crashes
            // loses the last sessions added whole (the next sync adds them again), never
            // part of one
            // lz4 where the server has it (PostgreSQL 14 and later, built with it, as
            // Debian's is): its own compression takes eight times as long for the files and
            // chunks a sync writes, and compresses them less; elsewhere the default stays
            let _ = client.batch_execute("SET default_toast_compression = lz4");
            let found = client
                .batch_execute("SET synchronous_commit = off")
                .and_then(|()| schema::migrate(&mut client, create))
                .map_err(|e| url.error(db_text(&e)));
            Ok::<_, Error>((client, found))
        })?;
        let store = PostgresStore {
            url: url.clone(),
            client: RefCell::new(Some(client)),
        };
        match found? {
            schema::Found::Ready => Ok(store),
            schema::Found::Empty => Err(url.error(
                "no archive there (make one with `auditty archive sync --app APP` and this --db)",
            )),
            schema::Found::Newer(v) => Err(url.error(format!(
                "made by a newer auditty (schema version {v}; this one knows up to {})",
                schema::current()
            ))),
        }
    }

    /// Runs `f` on the connection, off any async runtime; its error names the database.
    fn with<T: Send>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error> + Send,
    ) -> Result<T> {
        let mut held = self.client.borrow_mut();
        let client = held.as_mut().expect("connected until dropped");
        off_runtime(move || f(client)).map_err(|e| self.url.error(db_text(&e)))
    }

    fn meta(&self, audit_log_id: &str) -> Result<Option<SessionMeta>> {
        let id = audit_log_id.to_string();
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.audit_log_id = $1");
        self.with(move |c| {
            c.query_opt(&sql, &[&id])?
                .map(|r| session_row(&r, 0))
                .transpose()
        })
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // closing blocks on the client's runtime too
        if let Some(client) = self.client.get_mut().take() {
            off_runtime(move || drop(client));
        }
    }
}

/// A driver's error in one line: the server's message (with its detail and hint), or the
/// driver's with its causes (`error connecting to server: Connection refused …`).
pub(crate) fn db_text(e: &postgres::Error) -> String {
    let mut s = match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {}", db.severity(), db.message());
            for more in [db.detail(), db.hint()].into_iter().flatten() {
                s.push_str("; ");
                s.push_str(more);
            }
            s
        }
        None => e.to_string(),
    };
    if e.as_db_error().is_none() {
        let mut cause = std::error::Error::source(e);
        while let Some(c) = cause {
            s.push_str(": ");
            s.push_str(&c.to_string());
            cause = c.source();
        }
    }
    s.lines().map(str::trim).collect::<Vec<_>>().join("; ")
}

/// A session's file, row and content in one transaction, unless another sync put the
/// session there first.
fn insert(
    c: &mut Client,
    meta: &SessionMeta,
    bytes: &[u8],
    content: &[Entry],
) -> Result<Added, postgres::Error> {
    let mut tx = c.transaction()?;
    tx.execute(
        "INSERT INTO objects (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
        &[&meta.sha256, &bytes],
    )?;
    let size = meta.size as i64;
    let created = super::created_nanos(&meta.created_at);
    let (cols, rows) = (i32::from(meta.cols), i32::from(meta.rows));
    let now = chrono::Utc::now().to_rfc3339();
    let t = |s: &str| chunks::no_nul(s);
    let row = tx.query_opt(
        "INSERT INTO sessions (audit_log_id, app, event_id, user_email, username, command, \
             created_at, size, sha256, duration, cols, rows, started_at, created_ns, archived_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (audit_log_id) DO NOTHING RETURNING id",
        &[
            &meta.audit_log_id,
            &t(&meta.app),
            &t(&meta.event_id),
            &t(&meta.user),
            &t(&meta.username),
            &t(&meta.command),
            &t(&meta.created_at),
            &size,
            &meta.sha256,
            &meta.duration,
            &cols,
            &rows,
            &meta.started_at.as_deref().map(chunks::no_nul),
            &created,
            &now,
        ],
    )?;
    let Some(row) = row else {
        tx.rollback()?;
        return Ok(Added::Already);
    };
    let id: i64 = row.get(0);
    let st = tx.prepare(
        "INSERT INTO content (session, kind, times, starts, text, words, nwords) \
         VALUES ($1, $2, $3, $4, $5, $6::text::tsvector, $7)",
    )?;
    for c in chunks::chunks(content, true) {
        let nwords = c.nwords.min(i32::MAX as usize) as i32;
        let row: [&(dyn ToSql + Sync); 7] = [
            &id, &c.kind, &c.times, &c.starts, &c.text, &c.words, &nwords,
        ];
        tx.execute(&st, &row)?;
    }
    tx.commit()?;
    Ok(Added::New)
}

impl Store for PostgresStore {
    fn contains(&self, audit_log_id: &str) -> Result<bool> {
        let id = audit_log_id.to_string();
        self.with(move |c| {
            c.query_opt("SELECT 1 FROM sessions WHERE audit_log_id = $1", &[&id])
                .map(|r| r.is_some())
        })
    }

    fn add(&mut self, meta: &SessionMeta, bytes: &[u8], content: &[Entry]) -> Result<Added> {
        if !super::to_add(self, meta, bytes)? {
            return Ok(Added::Already);
        }
        self.with(move |c| insert(c, meta, bytes, content))
    }

    fn session(&self, audit_log_id: &str) -> Result<Option<SessionMeta>> {
        self.meta(audit_log_id)
    }

    fn read(&self, audit_log_id: &str) -> Result<Vec<u8>> {
        let shown = crate::render::escape::escape_controls(&self.url.shown());
        let meta = self.meta(audit_log_id)?.ok_or_else(|| {
            Error::Runtime(format!(
                "archive://{}: not in the archive at {shown}",
                crate::render::escape::escape_controls(audit_log_id),
            ))
        })?;
        let sha = meta.sha256.clone();
        let bytes: Option<Vec<u8>> = self.with(move |c| {
            let r = c.query_opt("SELECT bytes FROM objects WHERE sha256 = $1", &[&sha])?;
            Ok(r.map(|r| r.get(0)))
        })?;
        let place = format!("{shown} (object {})", meta.sha256);
        let bytes =
            bytes.ok_or_else(|| Error::Runtime(format!("{place}: the stored file is missing")))?;
        super::objects::verify(&place, &meta.sha256, &bytes)?;
        Ok(bytes)
    }

    fn list(&self, filter: &Filter) -> Result<Vec<SessionMeta>> {
        let mut values = Params::new();
        let conds = conditions(filter, &mut values);
        let mut sql = format!("SELECT {SESSION_COLUMNS} FROM sessions s");
        if !conds.is_empty() {
            sql.push_str(&format!(" WHERE {}", conds.join(" AND ")));
        }
        sql.push_str(" ORDER BY s.created_ns DESC, s.id DESC");
        self.with(move |c| {
            c.query(&sql, &refs(&values))?
                .iter()
                .map(|r| session_row(r, 0))
                .collect()
        })
    }

    fn search(
        &self,
        query: &Query,
        scope: Scope,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let mut values: Params = vec![Box::new(words::tsquery(query))];
        let mut conds = vec!["c.words @@ $1::text::tsquery".to_string()];
        conds.extend(conditions(filter, &mut values));
        match scope {
            Scope::Commands => conds.push("c.kind = 'command'".into()),
            Scope::Output => conds.push("c.kind = 'output'".into()),
            Scope::All => {}
        }
        // each session's best chunk before any second best (`round`), the fewest words first
        let sql = format!(
            "SELECT * FROM (\
                 SELECT c.kind, c.times, c.starts, c.text, {SESSION_COLUMNS}, \
                     row_number() OVER (PARTITION BY c.session ORDER BY c.nwords, c.times[1]) \
                         AS round, \
                     c.nwords AS nw, s.created_ns AS created, c.times[1] AS t1 \
                 FROM content c JOIN sessions s ON s.id = c.session \
                 WHERE {}) x \
             ORDER BY round, nw, created DESC, t1",
            conds.join(" AND ")
        );
        // the matching chunks, best first, a few at a time: their matching pieces are the
        // hits, until there are `limit` of them
        self.with(move |c| {
            let mut gather = chunks::Gather::new(limit);
            let mut tx = c.transaction()?;
            let portal = tx.bind(&sql, &refs(&values))?;
            'chunks: loop {
                let rows = tx.query_portal(&portal, CHUNKS_AT_ONCE)?;
                if rows.is_empty() {
                    break;
                }
                for r in &rows {
                    if !gather.wants(r.try_get(17)?) {
                        break 'chunks;
                    }
                    let (times, starts): (Vec<i64>, Vec<i32>) = (r.try_get(1)?, r.try_get(2)?);
                    let text: String = r.try_get(3)?;
                    let kind = chunks::kind(&r.try_get::<_, String>(0)?);
                    let session = session_row(r, 4)?;
                    let found = chunks::hits(&times, &starts, &text, query, limit);
                    gather.add(found.into_iter().map(|(t, snippet)| Hit {
                        session: session.clone(),
                        kind,
                        t,
                        snippet,
                    }));
                }
            }
            Ok(gather.hits())
        })
    }
}
