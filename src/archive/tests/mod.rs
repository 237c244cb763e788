//! The archive's store-level tests, each a function over a [`backends::Backend`] run on
//! both stores (`on_both_stores!`: `NAME::sqlite`, `NAME::postgres`), then what is one
//! store's own (SQLite's WAL and folders, PostgreSQL inside an async runtime), and the
//! same searches on both compared.

mod backends;
mod both;

use super::sqlite::SqliteStore;
use super::*;
use backends::{on_both_stores, Backend};

fn meta(id: &str, app: &str, user: &str, created_at: &str, bytes: &[u8]) -> SessionMeta {
    SessionMeta {
        audit_log_id: id.into(),
        app: app.into(),
        event_id: format!("ev-{id}"),
        user: user.into(),
        username: "john".into(),
        command: "bash".into(),
        created_at: created_at.into(),
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        duration: 1.5,
        cols: 80,
        rows: 24,
        started_at: Some("2026-01-02T10:00:00+01:00".into()),
    }
}

fn entry(kind: In, t: u64, text: &str) -> Entry {
    Entry {
        kind,
        t,
        text: text.into(),
    }
}

fn filled(b: &dyn Backend) -> Box<dyn Store> {
    let mut s = b.open(true).unwrap();
    let a = meta("a", "prod", "ann@x.io", "2026-01-01T10:00:00Z", b"aaa");
    let b = meta("b", "prod", "bob@x.io", "2026-01-03T10:00:00Z", b"bbb");
    let c = meta("c", "staging", "ann@x.io", "2026-01-02T10:00:00Z", b"ccc");
    let drop = entry(In::Command, 2_000_000_000, "psql -c 'DROP TABLE users'");
    assert_eq!(s.add(&a, b"aaa", &[drop]).unwrap(), Added::New);
    let ls = entry(In::Command, 1, "ls -la");
    let env = entry(
        In::Output,
        3_000_000_000,
        "SECRET_KEY in .env file\nsecond line",
    );
    assert_eq!(s.add(&b, b"bbb", &[ls, env]).unwrap(), Added::New);
    let dropdb = entry(In::Command, 5, "dropdb old");
    assert_eq!(s.add(&c, b"ccc", &[dropdb]).unwrap(), Added::New);
    s
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter()
        .map(|h| h.session.audit_log_id.as_str())
        .collect()
}

on_both_stores!(
    add_is_once_and_list_is_newest_first,
    search_words_phrases_prefixes_and_scopes,
    a_tampered_object_is_refused,
    schema_version_kept_and_a_newer_archive_refused,
    a_missing_archive_is_not_made_by_reading,
    two_stores_adding_the_same_sessions_at_once_store_each_once,
    many_stores_creating_one_archive_at_once_all_open_it,
    a_session_full_of_a_word_does_not_hide_the_others,
);

/// One session prints a word on a hundred short lines (its chunk ranks first), two others
/// once in a long text: a search with room for 50 hits names all three, the two others
/// among the first hits.
fn a_session_full_of_a_word_does_not_hide_the_others(b: &dyn Backend) {
    let mut s = b.open(true).unwrap();
    let full: Vec<Entry> = (0..100)
        .map(|i| entry(In::Output, i * 1_000, &format!("line {i}: needle here")))
        .collect();
    let m = meta("full", "prod", "ann@x.io", "2026-01-03T10:00:00Z", b"full");
    s.add(&m, b"full", &full).unwrap();
    for (id, day) in [("one", "01"), ("two", "02")] {
        let m = meta(
            id,
            "prod",
            "bob@x.io",
            &format!("2026-01-{day}T10:00:00Z"),
            id.as_bytes(),
        );
        // a longer text, with more different words: its chunk ranks after the full one's
        let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
        let e = entry(
            In::Output,
            7,
            &format!("a needle, once: {}", words.join(" ")),
        );
        s.add(&m, id.as_bytes(), &[e]).unwrap();
    }
    let q = Query::parse("needle").unwrap();
    let hits = s.search(&q, Scope::All, &Filter::default(), 50).unwrap();
    assert_eq!(hits.len(), 50);
    let first: Vec<&str> = ids(&hits[..12]);
    for id in ["one", "two"] {
        assert!(first.contains(&id), "{id} not among {first:?}");
    }
    assert_eq!(
        hits.iter()
            .filter(|h| h.session.audit_log_id == "full")
            .count(),
        48
    );
    // and the full session's hits are its lines, in their order, each once
    let times: Vec<u64> = hits
        .iter()
        .filter(|h| h.session.audit_log_id == "full")
        .map(|h| h.t)
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
}

fn add_is_once_and_list_is_newest_first(b: &dyn Backend) {
    let mut s = filled(b);
    let a = meta("a", "prod", "ann@x.io", "2026-01-01T10:00:00Z", b"aaa");
    assert_eq!(s.add(&a, b"aaa", &[]).unwrap(), Added::Already);
    let all = s.list(&Filter::default()).unwrap();
    let order: Vec<_> = all.iter().map(|m| m.audit_log_id.as_str()).collect();
    assert_eq!(order, ["b", "c", "a"]);
    assert_eq!(all[2], a, "every field kept");
    let f = Filter {
        apps: vec!["prod".into()],
        user: Some("ann@x.io".into()),
        ..Filter::default()
    };
    assert_eq!(s.list(&f).unwrap().len(), 1);
    let f = Filter {
        apps: vec!["staging".into(), "prod".into()],
        user: Some("john".into()),
        ..Filter::default()
    };
    assert_eq!(s.list(&f).unwrap().len(), 3, "a username too");
    let f = Filter {
        since: Some(parse_date("2026-01-02", false).unwrap()),
        until: Some(parse_date("2026-01-02", true).unwrap()),
        ..Filter::default()
    };
    assert_eq!(s.list(&f).unwrap()[0].audit_log_id, "c");
    assert_eq!(s.read("b").unwrap(), b"bbb");
    assert!(s.contains("b").unwrap() && !s.contains("z").unwrap());
    assert_eq!(s.session("c").unwrap().unwrap().app, "staging");
    assert_eq!(s.session("z").unwrap(), None);
    let e = s.read("z").unwrap_err().to_string();
    assert!(e.contains("archive://z: not in the archive"), "{e}");
    // the file is stored as it was given
    assert_eq!(b.stored(&sha256_hex(b"bbb")), b"bbb");
    // bytes that do not have the sha256 said are not stored
    let mut wrong = meta("w", "prod", "ann@x.io", "2026-01-01T10:00:00Z", b"www");
    wrong.sha256 = sha256_hex(b"other");
    assert!(s.add(&wrong, b"www", &[]).is_err());
    assert!(!s.contains("w").unwrap());
}

fn search_words_phrases_prefixes_and_scopes(b: &dyn Backend) {
    let s = filled(b);
    let q = |q: &str, scope: Scope| {
        s.search(&Query::parse(q).unwrap(), scope, &Filter::default(), 10)
            .unwrap()
    };
    let hits = q("drop*", Scope::All);
    let mut found = ids(&hits);
    found.sort();
    assert_eq!(found, ["a", "c"]);
    let hits = q("\"drop table\"", Scope::All);
    assert_eq!(ids(&hits), ["a"]);
    assert_eq!(hits[0].t, 2_000_000_000);
    assert_eq!(hits[0].kind, In::Command);
    assert!(
        hits[0].snippet.contains("\u{2}DROP TABLE\u{3}"),
        "{:?}",
        hits[0].snippet
    );
    assert_eq!(ids(&q(".env", Scope::Output)), ["b"]);
    assert!(q(".env", Scope::Commands).is_empty());
    assert!(q("nothing-like-this", Scope::All).is_empty());
    assert!(
        q("\"table drop\"", Scope::All).is_empty(),
        "a phrase in its order"
    );
    assert_eq!(ids(&q("users drop*", Scope::All)), ["a"], "every term");
    assert_eq!(q("drop*", Scope::All).len(), 2);
    assert_eq!(
        s.search(
            &Query::parse("drop*").unwrap(),
            Scope::All,
            &Filter::default(),
            1
        )
        .unwrap()
        .len(),
        1,
        "the limit"
    );
    // filters apply to the sessions
    let f = Filter {
        apps: vec!["staging".into()],
        ..Filter::default()
    };
    let hits = s
        .search(&Query::parse("drop*").unwrap(), Scope::All, &f, 10)
        .unwrap();
    assert_eq!(ids(&hits), ["c"]);
}

fn a_tampered_object_is_refused(b: &dyn Backend) {
    let s = filled(b);
    b.tamper(&sha256_hex(b"aaa"), b"aab");
    let e = s.read("a").unwrap_err().to_string();
    assert!(e.contains("does not match its sha256"), "{e}");
    assert!(e.contains("tampered with or corrupted"), "{e}");
    assert_eq!(s.read("b").unwrap(), b"bbb", "the others are still read");
}

fn schema_version_kept_and_a_newer_archive_refused(b: &dyn Backend) {
    drop(filled(b));
    // opens again as it is, data kept
    let s = b.open(false).unwrap();
    assert_eq!(s.list(&Filter::default()).unwrap().len(), 3);
    drop(s);
    let (found, current) = b.version();
    assert_eq!(found, current);
    b.bump_version();
    let e = b.open(false).err().unwrap().to_string();
    assert!(e.contains("made by a newer auditty"), "{e}");
    let e = b.open(true).err().unwrap().to_string();
    assert!(e.contains("made by a newer auditty"), "{e}");
    assert_eq!(b.version().0, current + 1, "left as it was");
}

fn a_missing_archive_is_not_made_by_reading(b: &dyn Backend) {
    for _ in 0..2 {
        let e = b.open(false).err().unwrap().to_string();
        assert!(e.contains("no archive there"), "{e}");
    }
    assert!(b.open(true).is_ok());
    assert!(b.open(false).is_ok());
}

fn two_stores_adding_the_same_sessions_at_once_store_each_once(b: &dyn Backend) {
    drop(b.open(true).unwrap());
    let new: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut s = b.open(true).unwrap();
                    let mut new = 0;
                    for i in 0..20 {
                        let bytes = format!("log {i}").into_bytes();
                        let m = meta(
                            &format!("id{i}"),
                            "app",
                            "u@x",
                            "2026-01-01T00:00:00Z",
                            &bytes,
                        );
                        let e = entry(In::Command, 0, &format!("echo {i}"));
                        if s.add(&m, &bytes, &[e]).unwrap() == Added::New {
                            new += 1;
                        }
                    }
                    new
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });
    assert_eq!(new, 20);
    let s = b.open(false).unwrap();
    assert_eq!(s.list(&Filter::default()).unwrap().len(), 20);
    let hits = s
        .search(
            &Query::parse("echo").unwrap(),
            Scope::All,
            &Filter::default(),
            100,
        )
        .unwrap();
    assert_eq!(hits.len(), 20, "each session's content once");
}

fn many_stores_creating_one_archive_at_once_all_open_it(b: &dyn Backend) {
    // SQLite: the first open of an archive switches it to WAL, which SQLite refuses at once,
    // whatever the busy timeout, while another process does the same; PostgreSQL: the
    // tables made once
    for _ in 0..10 {
        let Some(b) = b.fresh() else { return };
        let b = b.as_ref();
        let barrier = std::sync::Barrier::new(6);
        std::thread::scope(|scope| {
            let threads: Vec<_> = (0..6)
                .map(|i| {
                    let barrier = &barrier;
                    scope.spawn(move || {
                        barrier.wait();
                        let mut s = b.open(true).map_err(|e| e.to_string())?;
                        let bytes = format!("log {i}").into_bytes();
                        let m = meta(
                            &format!("id{i}"),
                            "app",
                            "u@x",
                            "2026-01-01T00:00:00Z",
                            &bytes,
                        );
                        s.add(&m, &bytes, &[]).map_err(|e| e.to_string())
                    })
                })
                .collect();
            for t in threads {
                assert_eq!(t.join().unwrap(), Ok(Added::New));
            }
        });
        let s = b.open(false).unwrap();
        assert_eq!(s.list(&Filter::default()).unwrap().len(), 6);
    }
}

#[test]
fn sqlite_is_in_wal_mode_with_its_files_in_objects() {
    let b = backends::Sqlite::new();
    drop(filled(&b));
    let dir = b.dir.path().join("arch");
    let conn = rusqlite::Connection::open(dir.join(sqlite::DB_FILE)).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let p = objects::path(&dir, &sha256_hex(b"bbb"));
    assert_eq!(std::fs::read(p).unwrap(), b"bbb");
}

#[test]
fn a_missing_sqlite_archive_folder_is_not_made_by_reading() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("none");
    let e = SqliteStore::open(&dir, false).err().unwrap().to_string();
    assert!(e.contains("no archive there"), "{e}");
    assert!(!dir.exists());
}

#[test]
fn index_of_a_recording_has_commands_and_output_with_times() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/recordings/shell-basics.json"
    ))
    .unwrap();
    let src = crate::recording::Source::Demo;
    let rec = crate::recording::from_bytes(&src, bytes, &Default::default()).unwrap();
    let content = index::content(&rec);
    assert!(content.iter().any(|e| e.kind == In::Command), "{content:?}");
    assert!(content.iter().any(|e| e.kind == In::Output), "{content:?}");
    assert!(content.iter().all(|e| e.t <= rec.tl.duration()));
}

#[test]
fn dates() {
    assert_eq!(parse_date("1970-01-02", false).unwrap(), 86_400_000_000_000);
    assert_eq!(parse_date("1970-01-01", true).unwrap(), 86_400_000_000_000);
    assert_eq!(
        parse_date("1970-01-01T00:00:01Z", false).unwrap(),
        1_000_000_000
    );
    assert!(matches!(
        parse_date("yesterday", false),
        Err(Error::Usage(_))
    ));
}

/// An archive made by the first version (one FTS5 row a piece, the text in the index) opens
/// in this one: its pieces moved into chunks, found as before, at their times.
#[test]
fn a_sqlite_archive_of_version_1_opens_with_its_content_in_chunks() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("arch");
    std::fs::create_dir(&dir).unwrap();
    {
        let conn = rusqlite::Connection::open(dir.join(sqlite::DB_FILE)).unwrap();
        let schema::Step::Sql(v1) = &schema::MIGRATIONS[0] else {
            panic!("version 1 is SQL")
        };
        conn.execute_batch(v1).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_version (version INTEGER NOT NULL);
             INSERT INTO schema_version VALUES (1);",
        )
        .unwrap();
        for (id, app) in [(1, "prod"), (2, "staging")] {
            conn.execute(
                "INSERT INTO sessions (id, audit_log_id, app, event_id, user_email, username, \
                     command, created_at, created_ns, size, sha256, duration, cols, rows, \
                     archived_at) \
                 VALUES (?1, ?2, ?3, 'ev', 'ann@x.io', 'ann', 'bash', '2026-01-01T10:00:00Z', \
                     ?1, 3, 'x', 1.0, 80, 24, '2026-01-01T10:00:00Z')",
                rusqlite::params![id, format!("log-{id}"), app],
            )
            .unwrap();
        }
        let rows = [
            (1, "command", 5, "psql -c 'DROP TABLE users'"),
            (1, "output", 7, "DROP TABLE"),
            (2, "command", 9, "ls -la"),
            (2, "output", 11, "total 0\nusers.sql"),
        ];
        for (session, kind, t, text) in rows {
            conn.execute(
                "INSERT INTO content (text, session, kind, t) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![text, session, kind, t],
            )
            .unwrap();
        }
    }
    let s = SqliteStore::open(&dir, false).unwrap();
    let found = |q: &str, scope| {
        let hits = s
            .search(&Query::parse(q).unwrap(), scope, &Filter::default(), 10)
            .unwrap();
        let mut got: Vec<_> = hits
            .iter()
            .map(|h| (h.session.audit_log_id.clone(), h.kind.as_str(), h.t))
            .collect();
        got.sort();
        got
    };
    assert_eq!(
        found("drop table", Scope::All),
        [
            ("log-1".into(), "command", 5),
            ("log-1".into(), "output", 7)
        ]
    );
    assert_eq!(
        found("users", Scope::Output),
        [("log-2".into(), "output", 11)]
    );
    let conn = rusqlite::Connection::open(dir.join(sqlite::DB_FILE)).unwrap();
    let v: i64 = conn
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, schema::current());
    let old: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'content'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0, "the old table is gone");
    // version 3: each chunk's words counted, to rank by
    let counted: Vec<(String, i64)> = conn
        .prepare("SELECT kind, nwords FROM chunks WHERE session = 1 ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(counted, [("command".into(), 5), ("output".into(), 2)]);
}
