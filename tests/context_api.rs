//! Context from the APIs through the binary: `--with scalingo-logs://APP`,
//! `scalingo-events://APP`, `losant://ORG`, `datafold://` and `--context`, against in-process
//! imitations of the Scalingo, Losant and Datafold APIs. The session
//! (tests/fixtures/context/session.json) runs from 10:00:00Z to 10:00:10Z on 2024-03-01, so
//! its window is 09:55:00Z to 10:05:10Z.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Output;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tk-us-context-0123456789abcdef";
const LOSANT_TOKEN: &str = "losant-t0ken-0123456789abcdef";
const DATAFOLD_KEY: &str = "datafold-k3y-0123456789abcdef";
const LOG_TOKEN: &str = "log-t0ken-abcdef0123456789";
/// The window's edges, in milliseconds.
const FROM_MS: i64 = 1_709_286_900_000;
const TO_MS: i64 = 1_709_287_510_000;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn session() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/context/session.json")
        .to_string_lossy()
        .into_owned()
}

/// The binary with the Scalingo variables on `fake` and the other providers' on `extra`.
fn run(fake: &FakeScalingo, extra: &[(&str, &str)], args: &[&str]) -> Output {
    run_auditty(TOKEN, &fake.auth.uri(), &fake.api.uri(), extra, args)
}

fn no_secret(o: &Output, fake: &FakeScalingo) {
    let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
    for secret in [TOKEN, LOSANT_TOKEN, DATAFOLD_KEY, LOG_TOKEN] {
        assert!(!all.contains(secret), "a token leaked: {all}");
    }
    for jwt in fake.issued() {
        assert!(!all.contains(&jwt), "a bearer token leaked: {all}");
    }
}

/// The rows of `timeline --json` of `lane`: (time, text).
fn lane(o: &Output, lane: &str) -> Vec<(String, String)> {
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["lane"] == lane)
        .map(|r| {
            (
                r["time"].as_str().unwrap().to_string(),
                r["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn texts(rows: &[(String, String)]) -> Vec<&str> {
    rows.iter().map(|(_, t)| t.as_str()).collect()
}

/// An error: one line naming `uri`, status 1.
fn one_line_error(o: &Output, uri: &str) -> String {
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with(&format!("error: {uri}: ")), "{err}");
    assert!(o.stdout.is_empty());
    err
}

fn losant_entry(id: &str, when: &str, action: &str) -> Value {
    json!({"id": id, "creationDate": when, "actorType": "User", "actorName": "Bob",
           "requestResource": "device", "requestAction": action, "responseStatus": 200,
           "requestBody": {"password": "LosantPw"}})
}

#[test]
fn losant_entries_in_the_window_in_order_masked() {
    let rt = rt();
    let (fake, losant) = rt.block_on(async {
        let losant = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/orgs/org-1/audit-logs"))
            .and(header(
                "authorization",
                format!("Bearer {LOSANT_TOKEN}").as_str(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": [
                    losant_entry("l0", "2024-03-01T09:54:59.999Z", "before"),
                    losant_entry("l2", "2024-03-01T10:03:00Z", "second"),
                    losant_entry("l1", "2024-03-01T10:00:01Z", "first"),
                    losant_entry("l3", "2024-03-01T10:05:10.001Z", "after"),
                ],
                "count": 4, "totalCount": 4, "perPage": 1000, "page": 0
            })))
            .mount(&losant)
            .await;
        (FakeScalingo::start(TOKEN).await, losant)
    });
    let o = run(
        &fake,
        &[
            ("LOSANT_API_TOKEN", LOSANT_TOKEN),
            ("LOSANT_API_URL", &losant.uri()),
        ],
        &["timeline", &session(), "--with", "losant://org-1", "--json"],
    );
    no_secret(&o, &fake);
    let rows = lane(&o, "losant");
    assert_eq!(
        texts(&rows),
        ["device.first → 200", "device.second → 200"],
        "{}",
        text(&o.stdout)
    );
    assert_eq!(rows[0].0, "2024-03-01T11:00:01+01:00");
    assert!(!text(&o.stdout).contains("LosantPw"));
    assert!(text(&o.stdout).contains(r#""source":"losant://org-1""#));
    let seen = rt.block_on(requests_to(&losant, "/orgs/org-1/audit-logs"));
    assert_eq!(seen.len(), 1);
    let q: Vec<(String, String)> = seen[0].url.query_pairs().into_owned().collect();
    assert!(q.contains(&("start".into(), FROM_MS.to_string())), "{q:?}");
    assert!(q.contains(&("end".into(), TO_MS.to_string())), "{q:?}");
}

#[test]
fn a_refused_token_is_one_line_naming_the_variable() {
    let rt = rt();
    let (fake, losant, datafold) = rt.block_on(async {
        let losant = MockServer::start().await;
        let datafold = MockServer::start().await;
        for server in [&losant, &datafold] {
            Mock::given(method("GET"))
                .respond_with(
                    ResponseTemplate::new(401).set_body_json(json!({"error": "bad token"})),
                )
                .mount(server)
                .await;
        }
        (FakeScalingo::start(TOKEN).await, losant, datafold)
    });
    let env = [
        ("LOSANT_API_TOKEN", LOSANT_TOKEN),
        ("LOSANT_API_URL", &losant.uri()),
        ("DATAFOLD_API_KEY", DATAFOLD_KEY),
        ("DATAFOLD_API_URL", &datafold.uri()),
    ];
    let o = run(
        &fake,
        &env,
        &["timeline", &session(), "--with", "losant://org-1"],
    );
    no_secret(&o, &fake);
    let err = one_line_error(&o, "losant://org-1");
    assert!(err.contains("LOSANT_API_TOKEN"), "{err}");
    let o = run(&fake, &env, &["info", &session(), "--with", "datafold://"]);
    no_secret(&o, &fake);
    let err = one_line_error(&o, "datafold://");
    assert!(err.contains("DATAFOLD_API_KEY"), "{err}");
    // the Scalingo token refused at the exchange
    let o = run_auditty(
        "tk-us-wrong-0123456789",
        &fake.auth.uri(),
        &fake.api.uri(),
        &[],
        &[
            "transcript",
            &session(),
            "--with",
            "scalingo-events://my-app",
        ],
    );
    let err = one_line_error(&o, "scalingo-events://my-app");
    assert!(err.contains("SCALINGO_API_TOKEN"), "{err}");
    assert!(!err.contains("tk-us-wrong"), "{err}");
    // no token at all
    let o = run(
        &fake,
        &[],
        &["timeline", &session(), "--with", "losant://org-1"],
    );
    let err = one_line_error(&o, "losant://org-1");
    assert!(err.contains("LOSANT_API_TOKEN"), "{err}");
}

#[test]
fn datafold_entries_in_the_window_with_the_key() {
    let rt = rt();
    let (fake, datafold) = rt.block_on(async {
        let datafold = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/audit_logs"))
            .and(header(
                "authorization",
                format!("Key {DATAFOLD_KEY}").as_str(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"logs": [
                {"timestamp": "2024-03-01T10:04:00Z", "event_uuid": "u2",
                 "user_email": "dana@example.com", "action": "logout"},
                {"timestamp": "2024-03-01T09:00:00Z", "event_uuid": "u0",
                 "user_email": "dana@example.com", "action": "too-early"},
                {"timestamp": "2024-03-01T10:00:08Z", "event_uuid": "u1",
                 "user_email": "dana@example.com", "action": "login"},
            ]})))
            .mount(&datafold)
            .await;
        (FakeScalingo::start(TOKEN).await, datafold)
    });
    let o = run(
        &fake,
        &[
            ("DATAFOLD_API_KEY", DATAFOLD_KEY),
            ("DATAFOLD_API_URL", &datafold.uri()),
        ],
        &["timeline", &session(), "--with", "datafold://", "--json"],
    );
    no_secret(&o, &fake);
    let rows = lane(&o, "datafold");
    assert_eq!(rows.len(), 2, "{}", text(&o.stdout));
    assert!(rows[0].1.contains("login"), "{rows:?}");
    assert!(rows[1].1.contains("logout"), "{rows:?}");
    let seen = rt.block_on(requests_to(&datafold, "/api/v1/audit_logs"));
    let body: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(body["start_date"], "2024-03-01T09:55:00Z");
    assert_eq!(body["end_date"], "2024-03-01T10:05:10Z");
}

/// Events of every type, newest first as the API lists them, one on each side of the window.
fn events_page() -> Value {
    let user = json!({"username": "alice", "email": "alice@example.com", "id": "us-1"});
    json!({"events": [
        {"id": "e9", "created_at": "2024-03-01T11:06:00.000+01:00", "type": "restart",
         "user": user, "type_data": {"scope": ["web"], "reason": "too late"}},
        {"id": "e2", "created_at": "2024-03-01T11:00:06.500+01:00", "type": "restart",
         "user": user, "type_data": {"scope": ["web"], "reason": "user_restart"}},
        {"id": "e1", "created_at": "2024-03-01T11:00:04.000+01:00", "type": "new_variable",
         "user": user, "type_data": {"name": "PAYMENT_KEY", "value": "SuperSecret123"}},
        {"id": "e0", "created_at": "2024-03-01T10:50:00.000+01:00", "type": "restart",
         "user": user, "type_data": {"scope": ["web"], "reason": "too early"}},
    ], "meta": {"pagination": {"current_page": 1, "next_page": null, "total_pages": 1}}})
}

#[test]
fn scalingo_events_in_the_window_in_order_masked() {
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        fake.mount_events(APP, vec![events_page()]).await;
        fake
    });
    let o = run(
        &fake,
        &[],
        &[
            "timeline",
            &session(),
            "--with",
            "scalingo-events://my-app",
            "--json",
        ],
    );
    no_secret(&o, &fake);
    let rows = lane(&o, "app-event");
    assert_eq!(rows.len(), 2, "{}", text(&o.stdout));
    assert_eq!(rows[0].1, "variable PAYMENT_KEY added = ••••");
    assert!(rows[1].1.contains("user_restart"), "{rows:?}");
    assert!(!text(&o.stdout).contains("SuperSecret123"));
}

fn archive_lines() -> String {
    [
        "2024-03-01 09:54:59.999999999 +0000 UTC [web-1] before the window",
        "2024-03-01 10:00:03.250000000 +0000 UTC [web-1] \u{1b}[31mERROR\u{1b}[0m disk full",
        "2024-03-01 10:05:10.000000000 +0000 UTC [router] status=200",
        "2024-03-01 10:05:10.000000001 +0000 UTC [web-1] after the window",
        "",
    ]
    .join("\n")
}

/// The archives list (one archive overlapping the window, one long before it) and the
/// archives themselves (gzip), on the fake API server.
async fn mount_archives(fake: &FakeScalingo, lines: String, from: &str, to: &str) {
    let base = fake.api.uri();
    let sig = format!("X-Amz-Signature={LOG_TOKEN}");
    fake.on_get(
        &format!("/v1/apps/{APP}/logs_archives"),
        ResponseTemplate::new(200).set_body_json(json!({
        "next_cursor": "", "has_more": false,
        "archives": [
            {"url": format!("{base}/archives/1.gz?{sig}"), "size": 100,
             "from": from, "to": to},
            {"url": format!("{base}/archives/0.gz?{sig}"), "size": 100,
             "from": "2020-01-01T00:00:00Z", "to": "2020-01-01T01:00:00Z"},
        ]})),
    )
    .await;
    fake.on_get(
        "/archives/1.gz",
        ResponseTemplate::new(200).set_body_raw(gzip(&lines), "application/gzip"),
    )
    .await;
    fake.on_get(
        "/archives/0.gz",
        ResponseTemplate::new(500).set_body_string("not this one"),
    )
    .await;
}

#[test]
fn scalingo_logs_of_a_past_window_from_the_archives() {
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        mount_archives(
            &fake,
            archive_lines(),
            "Fri Mar 01 09:00:00 +0000 UTC 2024",
            "Fri Mar 01 11:00:00 +0000 UTC 2024",
        )
        .await;
        fake
    });
    let o = run(
        &fake,
        &[],
        &[
            "timeline",
            &session(),
            "--with",
            "scalingo-logs://my-app",
            "--json",
        ],
    );
    no_secret(&o, &fake);
    let rows = lane(&o, "app-log");
    assert_eq!(rows.len(), 2, "{}", text(&o.stdout));
    assert!(rows[0].1.contains("disk full"), "{rows:?}");
    assert!(rows[1].1.contains("status=200"), "{rows:?}");
    // no dump asked for a window long past
    assert!(rt
        .block_on(requests_to(&fake.api, "/v1/apps/my-app/logs"))
        .is_empty());
    // escaped in text
    let o = run(
        &fake,
        &[],
        &["timeline", &session(), "--with", "scalingo-logs://my-app"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains('\u{1b}'));
}

/// An asciicast v2 session that ended `ago` seconds ago, 2 seconds long.
fn recent_session(dir: &Path, ago: i64) -> String {
    let p = dir.join("recent.cast");
    let start = now() - ago - 2;
    let cast = format!(
        "{}\n[0.5, \"o\", \"$ \"]\n[2.0, \"o\", \"done\\r\\n\"]\n",
        json!({"version": 2, "width": 80, "height": 24, "timestamp": start})
    );
    std::fs::write(&p, cast).unwrap();
    p.to_string_lossy().into_owned()
}

fn log_line(t: chrono::DateTime<chrono::Utc>, msg: &str) -> String {
    format!(
        "{} [web-1] {msg}",
        t.format("%Y-%m-%d %H:%M:%S%.9f +0000 UTC")
    )
}

#[test]
fn scalingo_logs_of_a_recent_window_add_the_dump_once() {
    let dir = tempfile::tempdir().unwrap();
    let cast = recent_session(dir.path(), 30);
    let t = |ago: i64| chrono::Utc::now() - chrono::Duration::seconds(ago);
    let archived = format!("{}\n", log_line(t(120), "archived"));
    let dump = format!(
        "{}\n{}\n{}\n",
        log_line(t(3600), "too old for the window"),
        archived.trim_end(),
        log_line(t(31), "only in the dump")
    );
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        let from = t(600).to_rfc3339();
        let to = t(60).to_rfc3339();
        mount_archives(&fake, archived, &from, &to).await;
        let url = format!("{}/logs-server?token={LOG_TOKEN}", fake.api.uri());
        fake.on_get(
            &format!("/v1/apps/{APP}/logs"),
            ResponseTemplate::new(200).set_body_json(json!({"logs_url": url})),
        )
        .await;
        fake.on_get(
            "/logs-server",
            ResponseTemplate::new(200).set_body_string(dump),
        )
        .await;
        fake
    });
    let o = run(
        &fake,
        &[],
        &[
            "timeline",
            &cast,
            "--with",
            "scalingo-logs://my-app",
            "--json",
        ],
    );
    no_secret(&o, &fake);
    let rows = lane(&o, "app-log");
    assert_eq!(
        texts(&rows),
        ["archived", "only in the dump"],
        "{}",
        text(&o.stdout)
    );
    let dumps = rt.block_on(requests_to(&fake.api, "/logs-server"));
    assert_eq!(dumps.len(), 1);
    assert!(
        dumps[0].url.query().unwrap().contains("n=10000"),
        "{:?}",
        dumps[0].url
    );
}

#[test]
fn context_flag_on_a_scalingo_session() {
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        fake.mount_audit_log(APP, "42", sample_audit_log()).await;
        // the sample runs 15:27:27Z to 15:27:34Z on 2019-05-03
        let user = json!({"username": "alice", "email": "alice@example.com", "id": "us-1"});
        fake.mount_events(
            APP,
            vec![json!({"events": [
                {"id": "e1", "created_at": "2019-05-03T15:27:30Z", "type": "restart",
                 "user": user, "type_data": {"scope": ["web"], "reason": "in the session"}},
            ], "meta": {"pagination": {"current_page": 1, "next_page": null}}})],
        )
        .await;
        let lines = "2019-05-03 15:27:29.000000000 +0000 UTC [web-1] during the session\n";
        mount_archives(
            &fake,
            lines.to_string(),
            "2019-05-03T15:00:00Z",
            "2019-05-03T16:00:00Z",
        )
        .await;
        fake
    });
    let o = run(
        &fake,
        &[],
        &["timeline", "scalingo://my-app/42", "--context", "--json"],
    );
    no_secret(&o, &fake);
    let logs = lane(&o, "app-log");
    assert_eq!(texts(&logs), ["during the session"]);
    let events = lane(&o, "app-event");
    assert_eq!(events.len(), 1, "{}", text(&o.stdout));
    assert!(events[0].1.contains("in the session"), "{events:?}");
    assert!(text(&o.stdout).contains(r#""source":"scalingo-events://my-app""#));
    // on any other source, a usage error (before anything is read)
    let o = run(&fake, &[], &["timeline", &session(), "--context"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--context needs a scalingo://"));
}
