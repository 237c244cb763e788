//! The same searches on both stores find the same pieces, and what is PostgreSQL's own: its
//! errors (one line, no password), its use inside an async runtime, long texts.

use super::backends::{Backend, Postgres, Sqlite};
use super::{entry, meta};
use crate::archive::postgres::{DbUrl, PostgresStore};
use crate::archive::{Added, Entry, Filter, In, Query, Scope, Store};

/// Sessions whose words are hard to split: punctuation, paths, emails, numbers, accents,
/// underscores, scripts without spaces, long words.
fn corpus() -> Vec<(&'static str, Vec<Entry>)> {
    let long = format!("key={}", "Q".repeat(3000));
    vec![
        (
            "s1",
            vec![
                entry(In::Command, 1, "rm -rf /var/lib/app/cache"),
                entry(In::Output, 2, "removed 3.2 GB from ann@acme.io's home"),
            ],
        ),
        (
            "s2",
            vec![
                entry(In::Command, 5, "psql -c 'DROP TABLE users_2026'"),
                entry(In::Output, 6, "ERROR:  table \"users_2026\" does not exist"),
            ],
        ),
        (
            "s3",
            vec![
                entry(In::Command, 7, "cat .env && echo SECRET_KEY=zebra42"),
                entry(
                    In::Output,
                    8,
                    "Café naïve ÉCOLE 日本語 Ωmega x\u{200b}y e\u{301}x",
                ),
            ],
        ),
        (
            "s4",
            vec![
                entry(In::Command, 9, "git push acme-prod main --force"),
                entry(In::Output, 10, &long),
                entry(In::Output, 11, "it's O'Brien's \\ back\\slash 'quoted'"),
            ],
        ),
    ]
}

fn fill(b: &dyn Backend) -> Box<dyn Store> {
    let mut s = b.open(true).unwrap();
    for (i, (id, content)) in corpus().into_iter().enumerate() {
        let bytes = format!("log of {id}").into_bytes();
        let m = meta(
            id,
            "app",
            "u@x",
            &format!("2026-02-0{}T00:00:00Z", i + 1),
            &bytes,
        );
        assert_eq!(s.add(&m, &bytes, &content).unwrap(), Added::New);
    }
    s
}

fn found(s: &dyn Store, q: &str) -> Vec<(String, &'static str, u64)> {
    let q = Query::parse(q).unwrap();
    let mut v: Vec<_> = s
        .search(&q, Scope::All, &Filter::default(), 100)
        .unwrap()
        .into_iter()
        .map(|h| (h.session.audit_log_id, h.kind.as_str(), h.t))
        .collect();
    v.sort();
    v
}

#[test]
fn both_stores_find_the_same_pieces() {
    let Some(pg) = Postgres::new() else { return };
    let lite = Sqlite::new();
    let (a, b) = (fill(&lite), fill(&pg));
    let queries = [
        "rm",
        "\"rm -rf\"",
        "/var/lib",
        "var*",
        "3.2",
        "\"3 2\"",
        "acme.io",
        "ann@acme.io",
        "acme*",
        "acme-prod",
        "\"acme prod\"",
        "users_2026",
        "users*",
        "USERS",
        "2026",
        ".env",
        "SECRET_KEY",
        "SECRET_K*",
        "zebra42",
        "zebra*",
        "cafe",
        "Café",
        "naive",
        "ecole",
        "日本語",
        "ωmega",
        "ΩMEGA",
        "ex",
        "x",
        "y",
        "drop* table",
        "\"table users\"",
        "it's",
        "o'brien",
        "brien*",
        "slash",
        "back\\slash",
        "'quoted'",
        "key",
        "QQQ*",
        &format!("key={}", "q".repeat(3000)),
        "force main",
        "nothing",
    ];
    let mut differ = Vec::new();
    for q in queries {
        let (x, y) = (found(a.as_ref(), q), found(b.as_ref(), q));
        if x != y {
            differ.push(format!("{q}: sqlite {x:?}, postgres {y:?}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    // and they do find things
    assert_eq!(found(b.as_ref(), "\"rm -rf\"").len(), 1);
    assert_eq!(found(b.as_ref(), "ΩMEGA").len(), 1);
}

#[test]
fn postgres_snippets_mark_the_match() {
    let Some(pg) = Postgres::new() else { return };
    let s = fill(&pg);
    let q = Query::parse("SECRET_KEY").unwrap();
    let hits = s.search(&q, Scope::All, &Filter::default(), 5).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0].snippet.contains("\u{2}SECRET_KEY\u{3}=zebra42"),
        "{:?}",
        hits[0].snippet
    );
}

#[test]
fn postgres_is_used_from_inside_an_async_runtime() {
    // as `archive sync` does: its loop is async, the store is not
    let Some(pg) = Postgres::new() else { return };
    let mut s = pg.open(true).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        assert!(!s.contains("x").unwrap());
        let m = meta("x", "app", "u@x", "2026-01-01T00:00:00Z", b"xx");
        let e = entry(In::Command, 0, "uptime");
        assert_eq!(s.add(&m, b"xx", &[e]).unwrap(), Added::New);
        let q = Query::parse("uptime").unwrap();
        assert_eq!(
            s.search(&q, Scope::All, &Filter::default(), 5)
                .unwrap()
                .len(),
            1
        );
        assert_eq!(s.read("x").unwrap(), b"xx");
        // opened and closed in there too
        let t = pg.open(false).unwrap();
        assert_eq!(t.list(&Filter::default()).unwrap().len(), 1);
        drop(t);
    });
    drop(s);
}

#[test]
fn postgres_keeps_a_long_text_in_pieces() {
    let Some(pg) = Postgres::new() else { return };
    let mut s = pg.open(true).unwrap();
    let text: String = (0..40_000).map(|i| format!("w{i} ")).collect();
    let m = meta("big", "app", "u@x", "2026-01-01T00:00:00Z", b"big");
    s.add(&m, b"big", &[entry(In::Output, 3, &text)]).unwrap();
    for q in ["w0", "w20000", "w39999", "\"w15999 w16000\""] {
        let hits = s
            .search(&Query::parse(q).unwrap(), Scope::All, &Filter::default(), 5)
            .unwrap();
        let ids: Vec<_> = hits
            .iter()
            .map(|h| (h.session.audit_log_id.as_str(), h.t))
            .collect();
        if q.starts_with('"') {
            // a phrase across the cut between two pieces is the one thing not found
            assert!(ids.is_empty(), "{q}: {ids:?}");
        } else {
            assert_eq!(ids, [("big", 3)], "{q}");
        }
    }
}

#[test]
fn postgres_errors_are_one_line_without_the_password() {
    // nothing listens on port 1
    let url = DbUrl::flag("postgres://ann:hunter2-pw@127.0.0.1:1/arch");
    let e = PostgresStore::open(&url, false).err().unwrap().to_string();
    assert!(
        e.starts_with("postgres://ann:***@127.0.0.1:1/arch: cannot connect"),
        "{e}"
    );
    assert!(!e.contains("hunter2") && !e.contains('\n'), "{e}");
    let Some(pg) = Postgres::new() else { return };
    let mut u = url::Url::parse(&pg.db.url).unwrap();
    u.set_path("/auditty_no_such_database");
    let _ = u.set_password(Some("pw-never-shown"));
    let e = PostgresStore::open(&DbUrl::flag(u.as_str()), true)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("auditty_no_such_database"), "{e}");
    assert!(e.contains(":***@") && !e.contains("pw-never-shown"), "{e}");
    assert!(!e.contains('\n'), "{e}");
}

/// A server with TLS (`.ci/run` gives its test server a certificate signed by a CA of its
/// own, named by `$AUDITTY_TEST_PG_CA`): asked for by `sslmode=verify-full`, the archive's
/// connection is encrypted, and the server's certificate is checked, so that without the
/// CA (the web's roots only) it is refused in one line.
#[test]
fn postgres_over_tls_is_encrypted_and_its_certificate_checked() {
    let Some(pg) = Postgres::new() else { return };
    let Some(ca) = std::env::var_os("AUDITTY_TEST_PG_CA") else {
        eprintln!("skipping: no TLS on the test server (set AUDITTY_TEST_PG_CA to its CA)");
        return;
    };
    let mut u = url::Url::parse(&pg.db.url).unwrap();
    u.set_host(Some("localhost")).unwrap();
    let _ = u.set_password(Some("pw-never-shown"));
    let checked = format!(
        "{u}?sslmode=verify-full&sslrootcert={}",
        ca.to_string_lossy()
    );
    let s = PostgresStore::open(&DbUrl::flag(&checked), true).unwrap();
    drop(s);
    let before: i64 = pg.db.with(|c| {
        c.query_one("SELECT count(*) FROM schema_version", &[])
            .unwrap()
            .get(0)
    });
    assert_eq!(before, 1, "the archive was made over TLS");
    // while a store is open, the server sees its connection encrypted
    let s = PostgresStore::open(&DbUrl::flag(&checked), false).unwrap();
    let name = pg.db.name.clone();
    let encrypted: Vec<bool> = pg.db.with(move |c| {
        c.query(
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.datname = $1 AND a.application_name = 'auditty'",
            &[&name],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
    });
    drop(s);
    assert_eq!(encrypted, [true]);
    // the web's roots do not know the test CA: refused, in one line, without the password
    let unknown = format!("{u}?sslmode=require");
    let e = PostgresStore::open(&DbUrl::flag(&unknown), false)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("cannot connect"), "{e}");
    assert!(!e.contains("pw-never-shown") && !e.contains('\n'), "{e}");
}

/// A database of version 1 (words with their positions, no word count) opens in this one:
/// its words stripped of them and counted, its sessions found as before.
#[test]
fn a_postgres_archive_of_version_1_opens_with_its_words_stripped() {
    let Some(pg) = Postgres::new() else { return };
    drop(fill(&pg));
    pg.db.sql(
        "ALTER TABLE content DROP COLUMN nwords; \
         UPDATE content SET words = 'rm:1 rf:2 cache:3'::tsvector; \
         UPDATE schema_version SET version = 1",
    );
    let s = pg.open(false).unwrap();
    let words: Vec<String> = pg.db.with(|c| {
        c.query("SELECT words::text FROM content", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    });
    assert!(!words.is_empty());
    assert!(words.iter().all(|w| !w.contains(':')), "{words:?}");
    let counted: i64 = pg.db.with(|c| {
        c.query_one("SELECT count(*) FROM content WHERE nwords = 3", &[])
            .unwrap()
            .get(0)
    });
    assert_eq!(counted as usize, words.len());
    assert_eq!(pg.version(), (2, 2));
    assert_eq!(found(s.as_ref(), "\"rm -rf\"").len(), 1);
}

/// A server that refuses the password (and says it back, as a hostile one could): the error
/// is one line naming the database, without the password, wherever it came from.
#[test]
fn a_wrong_password_is_one_line_without_it() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut c, _) = listener.accept().unwrap();
        let mut len = [0u8; 4];
        c.read_exact(&mut len).unwrap();
        let mut startup = vec![0u8; u32::from_be_bytes(len) as usize - 4];
        c.read_exact(&mut startup).unwrap();
        // AuthenticationCleartextPassword
        c.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]).unwrap();
        let mut tag = [0u8; 1];
        c.read_exact(&mut tag).unwrap();
        assert_eq!(tag[0], b'p');
        c.read_exact(&mut len).unwrap();
        let mut pw = vec![0u8; u32::from_be_bytes(len) as usize - 4];
        c.read_exact(&mut pw).unwrap();
        let pw = String::from_utf8_lossy(&pw)
            .trim_end_matches('\0')
            .to_string();
        let mut body = Vec::new();
        for (k, v) in [
            (b'S', "FATAL".to_string()),
            (b'V', "FATAL".to_string()),
            (b'C', "28P01".to_string()),
            (
                b'M',
                format!("password authentication failed for \"{pw}\"\nsecond line"),
            ),
        ] {
            body.push(k);
            body.extend(v.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut msg = vec![b'E'];
        msg.extend(((body.len() + 4) as u32).to_be_bytes());
        msg.extend(body);
        c.write_all(&msg).unwrap();
        pw
    });
    let url = DbUrl::flag(&format!("postgres://ann:hunter2-pw@127.0.0.1:{port}/arch"));
    let e = PostgresStore::open(&url, false).err().unwrap().to_string();
    assert_eq!(
        server.join().unwrap(),
        "hunter2-pw",
        "the password was sent"
    );
    assert!(
        e.starts_with(&format!("postgres://ann:***@127.0.0.1:{port}/arch: ")),
        "{e}"
    );
    assert!(e.contains("password authentication failed"), "{e}");
    assert!(!e.contains("hunter2") && !e.contains('\n'), "{e}");
}

/// Where the server has lz4, the files and chunks a sync writes are compressed with it.
#[test]
fn postgres_compresses_with_lz4_where_it_can() {
    let Some(pg) = Postgres::new() else { return };
    let has_lz4: bool = pg.db.with(|c| {
        c.query_one(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings \
             WHERE name = 'default_toast_compression'",
            &[],
        )
        .unwrap()
        .get(0)
    });
    if !has_lz4 {
        eprintln!("notice: this PostgreSQL has no lz4: its own compression is used");
        return;
    }
    let mut s = pg.open(true).unwrap();
    let bytes = "[1.0, \"o\", \"all work and no play\\r\\n\"],\n".repeat(4000);
    let m = super::meta(
        "big",
        "prod",
        "ann@x.io",
        "2026-01-01T10:00:00Z",
        bytes.as_bytes(),
    );
    let text = "all work and no play\n".repeat(3000);
    let e = super::entry(In::Output, 1, &text);
    s.add(&m, bytes.as_bytes(), &[e]).unwrap();
    let how: Vec<Option<String>> = pg.db.with(|c| {
        let file = c.query_one("SELECT pg_column_compression(bytes) FROM objects", &[]);
        let text = c.query_one("SELECT pg_column_compression(text) FROM content", &[]);
        vec![file.unwrap().get(0), text.unwrap().get(0)]
    });
    assert_eq!(how, [Some("lz4".to_string()), Some("lz4".to_string())]);
}
