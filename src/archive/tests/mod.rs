use super::sqlite::SqliteStore;
use super::*;

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

fn filled(dir: &std::path::Path) -> SqliteStore {
    let mut s = SqliteStore::open(dir, true).unwrap();
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

#[test]
fn add_is_once_and_list_is_newest_first() {
    let d = tempfile::tempdir().unwrap();
    let mut s = filled(d.path());
    let a = meta("a", "prod", "ann@x.io", "2026-01-01T10:00:00Z", b"aaa");
    assert_eq!(s.add(&a, b"aaa", &[]).unwrap(), Added::Already);
    let all = s.list(&Filter::default()).unwrap();
    let order: Vec<_> = all.iter().map(|m| m.audit_log_id.as_str()).collect();
    assert_eq!(order, ["b", "c", "a"]);
    let f = Filter {
        apps: vec!["prod".into()],
        user: Some("ann@x.io".into()),
        ..Filter::default()
    };
    assert_eq!(s.list(&f).unwrap().len(), 1);
    let f = Filter {
        since: Some(parse_date("2026-01-02", false).unwrap()),
        until: Some(parse_date("2026-01-02", true).unwrap()),
        ..Filter::default()
    };
    assert_eq!(s.list(&f).unwrap()[0].audit_log_id, "c");
    assert_eq!(s.read("b").unwrap(), b"bbb");
    // the object is where its sha256 says
    let p = objects::path(d.path(), &sha256_hex(b"bbb"));
    assert!(p.starts_with(d.path().join("objects")));
    assert_eq!(std::fs::read(p).unwrap(), b"bbb");
}

#[test]
fn search_words_phrases_prefixes_and_scopes() {
    let d = tempfile::tempdir().unwrap();
    let s = filled(d.path());
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

#[test]
fn a_tampered_object_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let s = filled(d.path());
    let p = objects::path(d.path(), &sha256_hex(b"aaa"));
    std::fs::write(&p, b"aab").unwrap();
    let e = s.read("a").unwrap_err().to_string();
    assert!(e.contains("does not match its sha256"), "{e}");
    assert!(e.contains("tampered with or corrupted"), "{e}");
}

#[test]
fn schema_version_kept_and_a_newer_archive_refused() {
    let d = tempfile::tempdir().unwrap();
    drop(filled(d.path()));
    // opens again as it is, data kept
    let s = SqliteStore::open(d.path(), false).unwrap();
    assert_eq!(s.list(&Filter::default()).unwrap().len(), 3);
    drop(s);
    let conn = rusqlite::Connection::open(d.path().join(sqlite::DB_FILE)).unwrap();
    let v: i64 = conn
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, schema::current());
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.execute("UPDATE schema_version SET version = version + 1", [])
        .unwrap();
    drop(conn);
    let e = SqliteStore::open(d.path(), false)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("made by a newer auditty"), "{e}");
}

#[test]
fn a_missing_archive_is_not_made_by_reading() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("none");
    let e = SqliteStore::open(&dir, false).err().unwrap().to_string();
    assert!(e.contains("no archive there"), "{e}");
    assert!(!dir.exists());
}

#[test]
fn two_stores_adding_the_same_sessions_at_once_store_each_once() {
    let d = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(d.path(), true).unwrap());
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let dir = d.path().to_path_buf();
            std::thread::spawn(move || {
                let mut s = SqliteStore::open(&dir, true).unwrap();
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
    let new: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(new, 20);
    let s = SqliteStore::open(d.path(), false).unwrap();
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

#[test]
fn many_stores_creating_one_archive_at_once_all_open_it() {
    // the first open of an archive switches it to WAL, which SQLite refuses at once, whatever
    // the busy timeout, while another process does the same
    for _ in 0..10 {
        let d = tempfile::tempdir().unwrap();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
        let threads: Vec<_> = (0..6)
            .map(|i| {
                let dir = d.path().join("arch");
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    let mut s = SqliteStore::open(&dir, true).map_err(|e| e.to_string())?;
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
        let s = SqliteStore::open(&d.path().join("arch"), false).unwrap();
        assert_eq!(s.list(&Filter::default()).unwrap().len(), 6);
    }
}
