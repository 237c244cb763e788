//! A PostgreSQL database of its own for each test, on the server `AUDITTY_TEST_PG` names
//! (a URL, e.g. postgres://auditty@127.0.0.1:5432/postgres; `.ci/run` starts one): made
//! with a random name, dropped when the test is done. Shared by the archive's unit tests
//! (`src/archive/tests/`, through `#[path]`) and tests/archive.rs.
//!
//! With no variable, or a server that does not answer, a test skips with a notice on
//! stderr; in CI (`CI=true`) with the variable set, a server that does not answer fails it.
//!
//! Everything here runs on a thread of its own: the `postgres` client cannot be used inside
//! an async runtime, and the end-to-end tests are `#[tokio::test]`s.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable naming the server's URL (its database is only connected to).
pub const ENV: &str = "AUDITTY_TEST_PG";

/// A database made for one test, dropped with it.
pub struct TestDb {
    admin: String,
    pub name: String,
    /// The database's URL.
    pub url: String,
}

fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

/// An error with its causes.
fn chain(e: postgres::Error) -> String {
    let mut s = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        s.push_str(&format!(": {c}"));
        cause = c.source();
    }
    s
}

fn unique_name() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_usize(N.fetch_add(1, Ordering::SeqCst));
    format!("auditty_test_{:016x}", h.finish())
}

impl TestDb {
    /// A new empty database, or `None` after a notice when there is no server to make it
    /// on.
    pub fn create() -> Option<TestDb> {
        let Some(admin) = std::env::var(ENV).ok().filter(|v| !v.trim().is_empty()) else {
            eprintln!("skipping: no PostgreSQL (set {ENV})");
            return None;
        };
        let name = unique_name();
        let made = off_runtime(|| -> Result<(), String> {
            let mut c = postgres::Client::connect(&admin, postgres::NoTls).map_err(chain)?;
            c.batch_execute(&format!("CREATE DATABASE {name}"))
                .map_err(chain)
        });
        if let Err(e) = made {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{ENV} is set but its server cannot make a database: {e}");
            }
            eprintln!("skipping: no PostgreSQL (set {ENV}): {e}");
            return None;
        }
        let mut url = url::Url::parse(&admin).expect("AUDITTY_TEST_PG is a URL");
        url.set_path(&format!("/{name}"));
        Some(TestDb {
            admin,
            name,
            url: url.to_string(),
        })
    }

    /// Runs `f` connected to the database.
    pub fn with<T: Send>(&self, f: impl FnOnce(&mut postgres::Client) -> T + Send) -> T {
        let url = self.url.clone();
        off_runtime(move || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            f(&mut c)
        })
    }

    /// Runs SQL (statements separated by `;`) in the database.
    pub fn sql(&self, sql: &str) {
        self.with(|c| c.batch_execute(sql).unwrap())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropped = off_runtime(move || -> Result<(), postgres::Error> {
            let mut c = postgres::Client::connect(&admin, postgres::NoTls)?;
            c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        });
        if let Err(e) = dropped {
            eprintln!("warning: test database {} not dropped: {e}", self.name);
        }
    }
}
