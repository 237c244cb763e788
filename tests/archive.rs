//! The archive end to end: `archive sync` from the fake Scalingo API (several pages), a
//! second sync downloading nothing, a sync killed with SIGKILL and completed, `search` and
//! `archive ls`, `archive://` read offline and refused once tampered with. Each test runs
//! on both stores (`NAME::sqlite`, `NAME::postgres`: a database of its own on
//! `$AUDITTY_TEST_PG`'s server, skipped with a notice where there is none).

mod common;

use common::pg::TestDb;
use common::{run_auditty, text, FakeScalingo, APP};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const TOKEN: &str = "tk-us-archive";

/// One session: its id, when, who, and (seconds, output?, text) steps.
struct Sess {
    id: String,
    day: u32,
    user: &'static str,
    steps: Vec<(f64, bool, String)>,
}

/// A shell session typing `cmd` at `at` seconds (in one input event, echoed), answered
/// with `answer` 0.2 s later.
fn shell(id: &str, day: u32, user: &'static str, cmds: &[(f64, &str, &str)]) -> Sess {
    let mut steps = vec![(0.0, true, "$ ".to_string())];
    for (at, cmd, answer) in cmds {
        steps.push((*at, false, format!("{cmd}\r")));
        steps.push((at + 0.01, true, format!("{cmd}\r\n")));
        steps.push((at + 0.2, true, format!("{answer}\r\n$ ")));
    }
    Sess {
        id: id.to_string(),
        day,
        user,
        steps,
    }
}

fn start(day: u32) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(&format!("2026-03-{day:02}T10:00:00+02:00")).unwrap()
}

fn audit_log(s: &Sess) -> Vec<u8> {
    let t0 = start(s.day);
    let events: Vec<Value> = s
        .steps
        .iter()
        .map(|(t, out, text)| {
            let at = t0 + chrono::Duration::milliseconds((t * 1000.0).round() as i64);
            json!({"time": at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, false),
                   "content": text, "type": if *out { "output" } else { "input" }})
        })
        .collect();
    serde_json::to_vec_pretty(&events).unwrap()
}

fn sessions() -> Vec<Sess> {
    let mut all = all_sessions();
    // a line shown long after the command that printed it (one stretch of output)
    all[2].steps.push((30.0, true, "late-marker\r\n$ ".into()));
    all
}

fn all_sessions() -> Vec<Sess> {
    vec![
        shell(
            "log-1",
            1,
            "ann@acme.io",
            &[(2.0, "psql -c 'DROP TABLE users'", "DROP TABLE")],
        ),
        shell(
            "log-2",
            2,
            "bob@acme.io",
            &[(3.0, "cat .env", "SECRET_KEY=zebra42")],
        ),
        shell("log-3", 3, "ann@acme.io", &[(1.0, "ls", "README.md")]),
        shell(
            "log-4",
            4,
            "bob@acme.io",
            &[
                (1.0, "uptime", "up 3 days"),
                (4.0, "psql -c 'drop table orders'", "DROP TABLE"),
            ],
        ),
        shell("log-5", 5, "cid@acme.io", &[(1.0, "echo hello", "hello")]),
        shell("log-6", 6, "ann@acme.io", &[(1.5, "date", "Thu Mar  6")]),
        shell(
            "log-7",
            7,
            "cid@acme.io",
            &[(
                2.5,
                "grep SECRET_KEY config",
                "no match \u{202e}evil-bidi \u{9b}31m",
            )],
        ),
    ]
}

fn sha(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The events of `all`, newest first, 3 to a page, and their audit logs (each after `delay`).
async fn mount(
    f: &FakeScalingo,
    all: &[Sess],
    delay: Duration,
    broken: Option<(&str, Arc<AtomicBool>)>,
) {
    let mut events: Vec<Value> = all
        .iter()
        .map(|s| {
            let size = audit_log(s).len();
            json!({"id": format!("ev-{}", s.id), "created_at": start(s.day).to_rfc3339(), "type": "run",
                   "app_name": APP, "user": {"username": s.user.split('@').next().unwrap(), "email": s.user, "id": "us-1"},
                   "type_data": {"command": "bash", "audit_log_id": s.id, "audit_log_size": size, "detached": false}})
        })
        .collect();
    events.reverse();
    events.insert(
        2,
        json!({"id": "d1", "type": "deployment", "created_at": "2026-03-05T10:00:00Z"}),
    );
    let pages: Vec<&[Value]> = events.chunks(3).collect();
    let total = pages.len();
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        let next = if n < total { json!(n + 1) } else { Value::Null };
        let body = json!({"events": page, "meta": {"pagination": {"current_page": n, "next_page": next,
            "prev_page": if n > 1 { json!(n - 1) } else { Value::Null }, "total_pages": total, "total_count": events.len()}}});
        Mock::given(method("GET"))
            .and(path(format!("/v1/apps/{APP}/events")))
            .and(query_param("page", n.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&f.api)
            .await;
    }
    for s in all {
        let body = audit_log(s);
        let fail = broken
            .as_ref()
            .filter(|(id, _)| *id == s.id)
            .map(|(_, b)| b.clone());
        f.on_get_with(&format!("/v1/apps/{APP}/audit_logs/{}", s.id), move |_| {
            if fail.as_ref().is_some_and(|b| b.load(Ordering::SeqCst)) {
                return ResponseTemplate::new(404).set_body_json(json!({"error": "not found"}));
            }
            ResponseTemplate::new(200)
                .set_body_raw(body.clone(), "application/json")
                .set_delay(delay)
        })
        .await;
    }
}

async fn audit_log_requests(f: &FakeScalingo) -> Vec<String> {
    let all = f.api.received_requests().await.unwrap();
    all.iter()
        .map(|r| r.url.path().to_string())
        .filter(|p| p.contains("/audit_logs/"))
        .collect()
}

/// Where the archive under test is: a SQLite folder, or a PostgreSQL database of its own.
enum Target {
    Sqlite {
        _tmp: tempfile::TempDir,
        dir: PathBuf,
    },
    Postgres(TestDb),
}

impl Target {
    fn sqlite() -> Target {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("arch");
        Target::Sqlite { _tmp: tmp, dir }
    }

    /// `None` (after a notice) when there is no server.
    fn postgres() -> Option<Target> {
        TestDb::create().map(Target::Postgres)
    }

    /// The variables that choose it (the other kind's emptied).
    fn vars(&self) -> Vec<(&'static str, String)> {
        match self {
            Target::Sqlite { dir, .. } => vec![
                ("AUDITTY_ARCHIVE", dir.to_str().unwrap().to_string()),
                ("AUDITTY_DB", String::new()),
            ],
            Target::Postgres(db) => vec![
                ("AUDITTY_DB", db.url.clone()),
                ("AUDITTY_ARCHIVE", "/nonexistent/not-this-one".into()),
            ],
        }
    }

    /// Whether an archive was made there.
    fn exists(&self) -> bool {
        match self {
            Target::Sqlite { dir, .. } => dir.join("archive.db").exists(),
            Target::Postgres(db) => db.with(|c| {
                c.query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
                    .unwrap()
                    .get(0)
            }),
        }
    }

    /// The file stored for this sha256.
    fn stored(&self, sha256: &str) -> Vec<u8> {
        match self {
            Target::Sqlite { dir, .. } => {
                std::fs::read(dir.join("objects").join(&sha256[..2]).join(&sha256[2..])).unwrap()
            }
            Target::Postgres(db) => db.with(|c| {
                c.query_one("SELECT bytes FROM objects WHERE sha256 = $1", &[&sha256])
                    .unwrap()
                    .get(0)
            }),
        }
    }

    /// The store itself consistent: SQLite's integrity check; in PostgreSQL, each session
    /// once, with its file and its content.
    fn check_consistent(&self, sessions: usize) {
        match self {
            Target::Sqlite { dir, .. } => {
                let conn = rusqlite::Connection::open(dir.join("archive.db")).unwrap();
                let ok: String = conn
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(ok, "ok");
                // no temporary file left in the objects
                for entry in walk(&dir.join("objects")) {
                    let name = entry.file_name().unwrap().to_string_lossy().into_owned();
                    assert!(!name.ends_with(".tmp"), "{name}");
                }
            }
            Target::Postgres(db) => {
                let (n, ids, files, empty): (i64, i64, i64, i64) = db.with(|c| {
                    let r = c
                        .query_one(
                            "SELECT count(*), count(DISTINCT audit_log_id), \
                             (SELECT count(*) FROM objects), \
                             (SELECT count(*) FROM sessions s WHERE NOT EXISTS \
                                (SELECT 1 FROM content WHERE session = s.id)) \
                             FROM sessions",
                            &[],
                        )
                        .unwrap();
                    (r.get(0), r.get(1), r.get(2), r.get(3))
                });
                assert_eq!((n, ids, files, empty), (sessions as i64, n, n, 0));
            }
        }
    }

    /// Replaces the stored file of this sha256 behind auditty's back.
    fn tamper(&self, sha256: &str, bytes: &[u8]) {
        match self {
            Target::Sqlite { dir, .. } => std::fs::write(
                dir.join("objects").join(&sha256[..2]).join(&sha256[2..]),
                bytes,
            )
            .unwrap(),
            Target::Postgres(db) => db.with(|c| {
                // as someone who owns the database: the check on the way in dropped first
                c.batch_execute("ALTER TABLE objects DROP CONSTRAINT object_matches_its_sha256")
                    .unwrap();
                c.execute(
                    "UPDATE objects SET bytes = $2 WHERE sha256 = $1",
                    &[&sha256, &bytes],
                )
                .unwrap();
            }),
        }
    }
}

/// `#[tokio::test] async fn sqlite()` and `postgres()` in a module of each test's name.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(&super::Target::sqlite()).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(t) = super::Target::postgres() {
                    super::$name(&t).await;
                }
            }
        }
    )*};
}

on_both_stores!(
    sync_twice_downloads_once_then_search_ls_and_archive_source,
    a_sync_killed_midway_is_completed_by_the_next,
    a_failed_download_is_reported_the_rest_archived_and_retried_later,
    two_syncs_at_once_store_each_session_once,
);

/// The binary on a thread of its own, while the fake API goes on answering.
async fn run(f: &FakeScalingo, t: &Target, args: &[&str]) -> Output {
    let vars = t.vars();
    let (auth, api) = (f.auth.uri(), f.api.uri());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run_auditty(TOKEN, &auth, &api, &vars, &args)
    })
    .await
    .unwrap()
}

/// Offline: the Scalingo variables point nowhere.
fn offline(t: &Target, args: &[&str]) -> Output {
    let vars = t.vars();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run_auditty(
        TOKEN,
        "http://127.0.0.1:9",
        "http://127.0.0.1:9",
        &vars,
        args,
    )
}

fn ls(t: &Target) -> Vec<Value> {
    let o = offline(t, &["archive", "ls", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every session there once, with the right sha256 and file.
fn check_complete(t: &Target, all: &[Sess]) {
    let list = ls(t);
    let mut ids: Vec<&str> = list
        .iter()
        .map(|v| v["audit_log_id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut want: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    want.sort();
    assert_eq!(ids, want);
    for s in all {
        let v = list
            .iter()
            .find(|v| v["audit_log_id"] == s.id.as_str())
            .unwrap();
        let bytes = audit_log(s);
        let h = sha(&bytes);
        assert_eq!(v["sha256"], h.as_str());
        assert_eq!(v["size"], bytes.len());
        assert_eq!(t.stored(&h), bytes);
    }
    t.check_consistent(all.len());
}

async fn sync_twice_downloads_once_then_search_ls_and_archive_source(dir: &Target) {
    let f = FakeScalingo::start(TOKEN).await;
    let all = sessions();
    mount(&f, &all, Duration::ZERO, None).await;
    let d = tempfile::tempdir().unwrap();

    let o = run(&f, dir, &["archive", "sync", "--app", APP]).await;
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "archive: 7 new, 0 already there, 0 failed\n"
    );
    assert_eq!(audit_log_requests(&f).await.len(), 7);
    assert_eq!(f.issued().len(), 1, "one token exchange for the whole sync");
    check_complete(dir, &all);

    let o = run(&f, dir, &["archive", "sync", "--app", APP]).await;
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "archive: 0 new, 7 already there, 0 failed\n"
    );
    assert_eq!(
        audit_log_requests(&f).await.len(),
        7,
        "nothing downloaded again"
    );

    // ls: newest first, filters
    let list = ls(dir);
    assert_eq!(list[0]["audit_log_id"], "log-7");
    for k in [
        "audit_log_id",
        "app",
        "user",
        "command",
        "created_at",
        "size",
        "sha256",
    ] {
        assert!(list[0].get(k).is_some(), "{k}");
    }
    let o = offline(
        dir,
        &[
            "archive",
            "ls",
            "--json",
            "--user",
            "ann@acme.io",
            "--since",
            "2026-03-02",
            "--until",
            "2026-03-05",
        ],
    );
    let got: Vec<Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 1, "{}", text(&o.stdout));
    assert_eq!(got[0]["audit_log_id"], "log-3");

    // search: commands in exactly log-1 and log-4, at their times
    let search = |args: &[&str]| -> Vec<Value> {
        let mut a = vec!["search"];
        a.extend_from_slice(args);
        a.push("--json");
        let o = offline(dir, &a);
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        text(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let hits = search(&["\"drop table\"", "--in", "commands"]);
    let mut found: Vec<(String, f64)> = hits
        .iter()
        .map(|h| {
            (
                h["audit_log_id"].as_str().unwrap().to_string(),
                h["t"].as_f64().unwrap(),
            )
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        found,
        [("log-1".to_string(), 2.0), ("log-4".to_string(), 4.0)]
    );
    for h in &hits {
        assert_eq!(h["in"], "command");
        assert!(
            h["snippet"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("«drop table»"),
            "{h}"
        );
        for k in ["app", "user", "time"] {
            assert!(h.get(k).is_some(), "{k}");
        }
    }
    let log1 = hits.iter().find(|h| h["audit_log_id"] == "log-1").unwrap();
    assert_eq!(
        log1["time"], "2026-03-01T10:00:02+02:00",
        "in the session's offset"
    );
    // a prefix
    let hits = search(&["DROP*", "--in", "commands"]);
    assert_eq!(hits.len(), 2);
    // output: SECRET_KEY shown only in log-2 (log-7 types it, and shows no match)
    let hits = search(&["SECRET_KEY", "--in", "output"]);
    let ids: Vec<&str> = hits
        .iter()
        .map(|h| h["audit_log_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"log-2"), "{hits:?}");
    let h = hits
        .iter()
        .find(|h| {
            h["audit_log_id"] == "log-2" && h["snippet"].as_str().unwrap().contains("zebra42")
        })
        .unwrap();
    assert_eq!(h["t"].as_f64().unwrap(), 3.2, "when the line was shown");
    assert_eq!(h["time"], "2026-03-02T10:00:03.200+02:00");
    let hits = search(&["late-marker"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(
        (hits[0]["audit_log_id"].as_str(), hits[0]["t"].as_f64()),
        (Some("log-3"), Some(30.0))
    );
    assert_eq!(h["in"], "output");
    let hits = search(&["zebra42"]);
    assert_eq!(hits.len(), 1);
    let hits = search(&["SECRET_KEY", "--in", "commands"]);
    let ids: Vec<&str> = hits
        .iter()
        .map(|h| h["audit_log_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["log-7"]);
    assert!(search(&["SECRET_KEY", "--in", "commands", "--user", "ann@acme.io"]).is_empty());
    // nothing from a recording reaches the terminal unescaped
    for json in [false, true] {
        let mut a = vec!["search", "evil-bidi"];
        if json {
            a.push("--json");
        }
        let o = offline(dir, &a);
        let out = text(&o.stdout);
        assert!(out.contains("log-7"), "{out}");
        assert!(
            !out.contains('\u{202e}') && !out.contains('\u{9b}') && !out.contains('\u{1b}'),
            "{out:?}"
        );
    }
    // text output
    let o = offline(dir, &["search", "uptime"]);
    assert!(
        text(&o.stdout).contains("log-4") && text(&o.stdout).contains("«uptime»"),
        "{}",
        text(&o.stdout)
    );
    // a malformed query: one line, usage status
    for q in ["\"open", "a*b", ""] {
        let o = offline(dir, &["search", q]);
        assert_eq!(o.status.code(), Some(2), "{q:?}");
        let e = text(&o.stderr);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.starts_with("error: bad search query"), "{e}");
        assert!(!e.to_lowercase().contains("sql"), "{e}");
    }

    // archive:// read offline
    let o = offline(dir, &["screen", "archive://log-2", "--at", "end"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("SECRET_KEY=zebra42"),
        "{}",
        text(&o.stdout)
    );
    let o = offline(dir, &["transcript", "archive://log-1"]);
    assert!(
        text(&o.stdout).contains("DROP TABLE users"),
        "{}",
        text(&o.stdout)
    );
    let o = offline(dir, &["screen", "archive://nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("not in the archive"),
        "{}",
        text(&o.stderr)
    );

    // tampering is refused, with no network either
    let bytes = audit_log(&all[1]);
    let h = sha(&bytes);
    let mut changed = bytes.clone();
    let at = text(&changed).find("zebra42").unwrap();
    changed[at] = b'Z';
    dir.tamper(&h, &changed);
    for args in [
        &["screen", "archive://log-2"][..],
        &["transcript", "archive://log-2"],
    ] {
        let o = offline(dir, args);
        assert_eq!(o.status.code(), Some(1));
        let e = text(&o.stderr);
        assert!(
            e.contains("archive://log-2") && e.contains("does not match its sha256"),
            "{e}"
        );
        assert!(e.contains("tampered with or corrupted"), "{e}");
        assert!(o.stdout.is_empty());
    }
    let o = offline(
        dir,
        &[
            "screen",
            "--archive",
            d.path().join("elsewhere").to_str().unwrap(),
            "archive://log-1",
        ],
    );
    assert!(
        text(&o.stderr).contains("no archive there"),
        "{}",
        text(&o.stderr)
    );
}

async fn a_sync_killed_midway_is_completed_by_the_next(dir: &Target) {
    let f = FakeScalingo::start(TOKEN).await;
    let all = sessions();
    mount(&f, &all, Duration::from_millis(500), None).await;
    // killed at several moments, then synced to the end
    for wait in [300, 700, 1100] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_auditty"))
            .args(["archive", "sync", "--app", APP])
            .env("SCALINGO_API_TOKEN", TOKEN)
            .env("SCALINGO_AUTH_URL", f.auth.uri())
            .env("SCALINGO_API_URL", f.api.uri())
            .envs(dir.vars())
            .env_remove("SCALINGO_REGION")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(wait)).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let before = audit_log_requests(&f).await.len();
    let had = if dir.exists() { ls(dir).len() } else { 0 };
    assert!(
        had < all.len(),
        "the sync was killed before the end ({had})"
    );
    eprintln!("archived before the kills: {had} of {}", all.len());
    let o = run(&f, dir, &["archive", "sync", "--app", APP]).await;
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        format!(
            "archive: {} new, {had} already there, 0 failed\n",
            all.len() - had
        )
    );
    assert_eq!(audit_log_requests(&f).await.len() - before, all.len() - had);
    check_complete(dir, &all);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

async fn a_failed_download_is_reported_the_rest_archived_and_retried_later(dir: &Target) {
    let f = FakeScalingo::start(TOKEN).await;
    let all = sessions();
    let broken = Arc::new(AtomicBool::new(true));
    mount(&f, &all, Duration::ZERO, Some(("log-3", broken.clone()))).await;
    let o = run(
        &f,
        dir,
        &["archive", "sync", "--app", APP, "--since", "2026-03-02"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "archive: 5 new, 0 already there, 1 failed\n"
    );
    let e = text(&o.stderr);
    assert!(e.contains("scalingo://my-app/log-3"), "{e}");
    assert_eq!(ls(dir).len(), 5, "log-1 is before --since, log-3 failed");
    broken.store(false, Ordering::SeqCst);
    let o = run(&f, dir, &["archive", "sync", "--app", APP]).await;
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "archive: 2 new, 5 already there, 0 failed\n"
    );
    check_complete(dir, &all);
}

#[test]
fn a_database_that_cannot_be_used_is_one_line_without_its_password() {
    let t = Target::sqlite();
    let closed = "postgres://ann:hunter2-pw@127.0.0.1:1/arch";
    let check = |o: &Output, status: i32, wants: &str| {
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(status), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.starts_with("error: ") && e.contains(wants), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        assert!(o.stdout.is_empty());
    };
    let wants = "postgres://ann:***@127.0.0.1:1/arch: cannot connect";
    for args in [
        &["archive", "ls", "--db", closed][..],
        &["search", "drop", "--db", closed],
        &["screen", "--db", closed, "archive://log-1"],
        &["archive", "sync", "--app", APP, "--db", closed],
    ] {
        check(&offline(&t, args), 1, wants);
    }
    // from the variable, wherever an archive is read
    let via_env = |args: &[&str]| {
        run_auditty(
            TOKEN,
            "http://127.0.0.1:9",
            "http://127.0.0.1:9",
            &[("AUDITTY_DB", closed)],
            args,
        )
    };
    check(&via_env(&["transcript", "archive://log-1"]), 1, wants);
    check(&via_env(&["archive", "ls"]), 1, wants);
    // not a URL: not even shown
    check(
        &offline(&t, &["archive", "ls", "--db", "hunter2-typed-here"]),
        2,
        "--db: not a PostgreSQL URL",
    );
    check(
        &via_env(&["archive", "ls", "--archive", "/tmp/x", "--db", closed]),
        2,
        "one archive at a time",
    );
    check(
        &offline(
            &t,
            &[
                "search",
                "x",
                "--db",
                "postgres://a:hunter2@127.0.0.1/x?sslmode=sometimes",
            ],
        ),
        1,
        "sslmode=sometimes",
    );
    check(
        &offline(
            &t,
            &[
                "archive",
                "ls",
                "--db",
                "postgres://a:hunter2@db.example.org/x?sslrootcert=/nonexistent/ca.pem",
            ],
        ),
        1,
        "sslrootcert /nonexistent/ca.pem",
    );
}

#[test]
fn sync_needs_an_app_and_dates_are_checked() {
    let t = Target::sqlite();
    let o = offline(&t, &["archive", "sync"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let o = offline(
        &t,
        &["archive", "sync", "--app", "x", "--since", "last tuesday"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("not a date"),
        "{}",
        text(&o.stderr)
    );
    let o = offline(&t, &["archive", "ls"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("no archive there"),
        "{}",
        text(&o.stderr)
    );
}

async fn two_syncs_at_once_store_each_session_once(dir: &Target) {
    let f = FakeScalingo::start(TOKEN).await;
    let all = sessions();
    mount(&f, &all, Duration::from_millis(20), None).await;
    let args = ["archive", "sync", "--app", APP];
    let (a, b) = tokio::join!(run(&f, dir, &args), run(&f, dir, &args));
    let mut new = 0;
    for o in [&a, &b] {
        assert!(o.status.success(), "{}", text(&o.stderr));
        let line = text(&o.stdout);
        new += line["archive: ".len()..]
            .split(' ')
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap();
    }
    assert_eq!(new, all.len(), "{} / {}", text(&a.stdout), text(&b.stdout));
    check_complete(dir, &all);
}
