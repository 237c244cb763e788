//! The PostgreSQL schema, versioned as the SQLite one is (`../schema.rs`): `schema_version`
//! holds the version a database is at, [`MIGRATIONS`] the steps from each version to the
//! next; a new version adds a step and never changes one. Migrating takes an advisory lock
//! first, so that several auditty starting at once on a new database make it once.
//!
//! The same tables as SQLite's, with the files in the database (`objects`, `bytea`: the
//! archive is one thing to back up), each checked against its sha256 by the server as it
//! is written, and the content in chunks of pieces (`../chunks.rs`: each piece's time, where
//! it starts in the chunk's text), their words in a `tsvector` under a GIN index (since
//! version 2 without positions: a phrase is checked in the chunk's text).

use postgres::Client;

/// `MIGRATIONS[i]` takes a database from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: sessions, their files, their content
    "CREATE TABLE sessions (
        id BIGSERIAL PRIMARY KEY,
        audit_log_id TEXT NOT NULL UNIQUE,
        app TEXT NOT NULL,
        event_id TEXT NOT NULL,
        user_email TEXT NOT NULL,
        username TEXT NOT NULL,
        command TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_ns BIGINT NOT NULL,
        size BIGINT NOT NULL,
        sha256 TEXT NOT NULL,
        duration DOUBLE PRECISION NOT NULL,
        cols INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        started_at TEXT,
        archived_at TEXT NOT NULL
    );
    CREATE INDEX sessions_by_time ON sessions (created_ns);
    CREATE INDEX sessions_by_app ON sessions (app, created_ns);
    CREATE TABLE objects (
        sha256 TEXT PRIMARY KEY,
        bytes BYTEA NOT NULL,
        CONSTRAINT object_matches_its_sha256 CHECK (sha256 = encode(sha256(bytes), 'hex'))
    );
    CREATE TABLE content (
        session BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        times BIGINT[] NOT NULL,
        starts INTEGER[] NOT NULL,
        text TEXT NOT NULL,
        words TSVECTOR NOT NULL
    );
    CREATE INDEX content_words ON content USING GIN (words);
    CREATE INDEX content_by_session ON content (session);",
    // 2: the words without their positions (a tenth of the size); a phrase's order is
    // checked in the text. Chunks are ranked by how many different words they hold, fewest
    // first: what `ts_rank(words, query, 1)` orders by on stripped words and a query of
    // words that must all be there, without reading every matching chunk's words
    "UPDATE content SET words = strip(words);
    ALTER TABLE content ADD COLUMN nwords INTEGER;
    UPDATE content SET nwords = length(words);
    ALTER TABLE content ALTER COLUMN nwords SET NOT NULL;",
];

/// A lock number of auditty's own, held while migrating.
const LOCK: i64 = 0x6175_6469_7474_7901;

/// The version this auditty writes.
pub fn current() -> i64 {
    MIGRATIONS.len() as i64
}

/// What [`migrate`] found.
pub enum Found {
    /// Brought to [`current`] (or already there).
    Ready,
    /// A database with no archive in it (and `create` was not asked for).
    Empty,
    /// Made by a later auditty: its version.
    Newer(i64),
}

/// Brings the database to the current version; one with no archive yet is made one only
/// with `create`.
pub fn migrate(client: &mut Client, create: bool) -> Result<Found, postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    let there: bool = tx
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .get(0);
    if !there {
        if !create {
            return Ok(Found::Empty);
        }
        tx.batch_execute("CREATE TABLE schema_version (version BIGINT NOT NULL)")?;
    }
    let version: Option<i64> = tx
        .query_one("SELECT max(version) FROM schema_version", &[])?
        .get(0);
    let version = version.unwrap_or(0);
    if version > current() {
        return Ok(Found::Newer(version));
    }
    if version < current() {
        for step in &MIGRATIONS[version as usize..] {
            tx.batch_execute(step)?;
        }
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&current()],
        )?;
    }
    tx.commit()?;
    Ok(Found::Ready)
}
