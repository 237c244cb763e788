//! The two stores under the same tests: each [`Backend`] opens its store and reaches its
//! storage behind the store's back (to tamper with a file, to play a later version).

use super::super::postgres::{DbUrl, PostgresStore};
use super::super::sqlite::{SqliteStore, DB_FILE};
use super::super::{objects, Store};
use crate::error::Result;

#[path = "../../../tests/common/pg.rs"]
mod pg;

/// A store under test.
pub trait Backend: Sync {
    /// Opens the archive (made if missing with `create`).
    fn open(&self, create: bool) -> Result<Box<dyn Store>>;
    /// Another archive of the same kind, empty.
    fn fresh(&self) -> Option<Box<dyn Backend>>;
    /// The stored file of this sha256, as it is stored.
    fn stored(&self, sha256: &str) -> Vec<u8>;
    /// Replaces the stored file of this sha256 behind the store's back.
    fn tamper(&self, sha256: &str, bytes: &[u8]);
    /// The schema version recorded, and the one this auditty writes.
    fn version(&self) -> (i64, i64);
    /// Records the next version, as a later auditty would.
    fn bump_version(&self);
}

/// A SQLite archive in a temporary folder.
pub struct Sqlite {
    pub dir: tempfile::TempDir,
}

impl Sqlite {
    pub fn new() -> Sqlite {
        Sqlite {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("arch").join(DB_FILE)).unwrap()
    }
}

impl Backend for Sqlite {
    fn open(&self, create: bool) -> Result<Box<dyn Store>> {
        Ok(Box::new(SqliteStore::open(
            &self.dir.path().join("arch"),
            create,
        )?))
    }

    fn fresh(&self) -> Option<Box<dyn Backend>> {
        Some(Box::new(Sqlite::new()))
    }

    fn stored(&self, sha256: &str) -> Vec<u8> {
        let p = objects::path(&self.dir.path().join("arch"), sha256);
        assert!(p.starts_with(self.dir.path().join("arch").join("objects")));
        std::fs::read(p).unwrap()
    }

    fn tamper(&self, sha256: &str, bytes: &[u8]) {
        std::fs::write(objects::path(&self.dir.path().join("arch"), sha256), bytes).unwrap();
    }

    fn version(&self) -> (i64, i64) {
        let v = self
            .conn()
            .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
            .unwrap();
        (v, super::super::schema::current())
    }

    fn bump_version(&self) {
        self.conn()
            .execute("UPDATE schema_version SET version = version + 1", [])
            .unwrap();
    }
}

/// A PostgreSQL database of its own on `$AUDITTY_TEST_PG`'s server.
pub struct Postgres {
    pub db: pg::TestDb,
}

impl Postgres {
    /// `None` (after a notice) when there is no server.
    pub fn new() -> Option<Postgres> {
        pg::TestDb::create().map(|db| Postgres { db })
    }

    pub fn url(&self) -> DbUrl {
        DbUrl::flag(&self.db.url)
    }
}

impl Backend for Postgres {
    fn open(&self, create: bool) -> Result<Box<dyn Store>> {
        Ok(Box::new(PostgresStore::open(&self.url(), create)?))
    }

    fn fresh(&self) -> Option<Box<dyn Backend>> {
        Postgres::new().map(|b| Box::new(b) as Box<dyn Backend>)
    }

    fn stored(&self, sha256: &str) -> Vec<u8> {
        self.db.with(|c| {
            c.query_one("SELECT bytes FROM objects WHERE sha256 = $1", &[&sha256])
                .unwrap()
                .get(0)
        })
    }

    fn tamper(&self, sha256: &str, bytes: &[u8]) {
        // as someone who owns the database: the check on the way in dropped first
        self.db.with(|c| {
            c.batch_execute("ALTER TABLE objects DROP CONSTRAINT object_matches_its_sha256")
                .unwrap();
            c.execute(
                "UPDATE objects SET bytes = $2 WHERE sha256 = $1",
                &[&sha256, &bytes],
            )
            .unwrap();
        })
    }

    fn version(&self) -> (i64, i64) {
        let v = self.db.with(|c| {
            c.query_one("SELECT version FROM schema_version", &[])
                .unwrap()
                .get(0)
        });
        (v, super::super::postgres::schema::current())
    }

    fn bump_version(&self) {
        self.db
            .sql("UPDATE schema_version SET version = version + 1");
    }
}

/// `#[test] fn sqlite()` and `#[test] fn postgres()` in a module of each test's name, each
/// running the test on its store (PostgreSQL's skipping with a notice where there is none).
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&super::backends::Sqlite::new());
            }
            #[test]
            fn postgres() {
                if let Some(b) = super::backends::Postgres::new() {
                    super::$name(&b);
                }
            }
        }
    )*};
}
pub(crate) use on_both_stores;
