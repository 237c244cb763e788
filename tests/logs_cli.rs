//! `auditty logs`: the dump and the live stream (an in-process websocket server), with every
//! control character escaped, reconnection after a dropped connection, Ctrl-C ending it
//! cleanly, and no token anywhere.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tk-us-logs-0123456789abcdef";
const LOG_TOKEN: &str = "log-t0ken-abcdef0123456789";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn no_secret(text: &str, fake: &FakeScalingo) {
    for secret in [TOKEN, LOG_TOKEN, &LOG_TOKEN[..10]] {
        assert!(!text.contains(secret), "a token leaked: {text}");
    }
    for jwt in fake.issued() {
        assert!(!text.contains(&jwt), "a bearer token leaked: {text}");
    }
}

/// The API answers `GET /v1/apps/my-app/logs` with a log URL on `logs_base`.
async fn mount_logs_url(fake: &FakeScalingo, logs_base: &str) {
    let url = format!("{logs_base}/apps/{APP}/logs?token={LOG_TOKEN}");
    fake.on_get(
        &format!("/v1/apps/{APP}/logs"),
        ResponseTemplate::new(200).set_body_json(json!({"app": {"name": APP}, "logs_url": url})),
    )
    .await;
}

#[test]
fn follow_answers_pings_escapes_lines_survives_a_drop_and_ends_on_ctrl_c() {
    let rt = rt();
    let ws = WsServer::start(vec![
        vec![
            ws_log(
                "2015-02-16 02:02:43.930163178 +0000 UTC [web-1] red \u{1b}[31mALERT\u{7}\u{9b}2J",
            ),
            WsStep::Text(json!({"name": "ping", "timestamp": "2015-02-16T02:02:44Z"}).to_string()),
            WsStep::PingAwaitPong(b"keepalive".to_vec()),
            WsStep::Text(json!({"name": "log", "log": "two\nlines\n"}).to_string()),
            WsStep::Drop,
        ],
        vec![ws_log("after the reconnection"), WsStep::Hold],
    ]);
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        mount_logs_url(&fake, &ws.url()).await;
        fake
    });
    let run = Running::spawn(
        TOKEN,
        &fake.auth.uri(),
        &fake.api.uri(),
        &[
            "logs",
            "--app",
            APP,
            "--follow",
            "-n",
            "5",
            "--filter",
            "web|worker",
        ],
    );
    run.wait_for_stdout("after the reconnection", 20);
    let (status, out, err) = run.interrupt();
    assert!(status.success(), "{status:?}; stderr: {err}");
    assert_eq!(
        out,
        "2015-02-16 02:02:43.930163178 +0000 UTC [web-1] red ^[[31mALERT^G\\x9b2J\ntwo\nlines\nafter the reconnection\n"
    );
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'));
    assert!(
        err.contains("the log stream was dropped by the server; reconnecting in 0.5 s"),
        "{err}"
    );
    assert!(err.contains("reconnected"), "{err}");
    no_secret(&out, &fake);
    no_secret(&err, &fake);

    let seen = ws.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].pongs, 1, "the ping was answered");
    assert!(seen[0].uri.contains("stream=true"), "{}", seen[0].uri);
    assert!(seen[0].uri.contains("n=5") && seen[0].uri.contains("filter=web%7Cworker"));
    assert!(
        seen[1].uri.contains("n=0"),
        "no history twice: {}",
        seen[1].uri
    );
    for s in &seen {
        assert!(s.uri.contains(&format!("token={LOG_TOKEN}")));
        assert!(!s.headers.contains_key("authorization"), "{:?}", s.headers);
    }
}

#[test]
fn follow_json_gives_one_object_per_line() {
    let rt = rt();
    let ws = WsServer::start(vec![vec![
        ws_log("2015-02-16 02:02:43.930163178 +0000 UTC [worker-2] job \u{1b}]0;owned\u{7} done"),
        ws_log("not a log line \u{202e}"),
        WsStep::Hold,
    ]]);
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        mount_logs_url(&fake, &ws.url()).await;
        fake
    });
    let run = Running::spawn(
        TOKEN,
        &fake.auth.uri(),
        &fake.api.uri(),
        &["logs", "--app", APP, "--follow", "--json"],
    );
    run.wait_for_stdout("not a log line", 20);
    let (status, out, err) = run.interrupt();
    assert!(status.success(), "{err}");
    assert!(!out.chars().any(|c| c.is_control() && c != '\n') && !out.contains('\u{202e}'));
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        json!({"time": "2015-02-16T02:02:43.930163178+00:00", "container": "worker-2",
               "message": "job \u{1b}]0;owned\u{7} done"})
    );
    assert_eq!(
        lines[1],
        json!({"time": null, "container": null, "message": "not a log line \u{202e}"})
    );
}

#[test]
fn follow_gives_up_when_the_first_connection_fails() {
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        // Nothing listens there.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        mount_logs_url(&fake, &url).await;
        fake
    });
    let out = run_auditty(
        TOKEN,
        &fake.auth.uri(),
        &fake.api.uri(),
        &[],
        &["logs", "--app", APP, "--follow"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("error: cannot connect to ws://127.0.0.1:"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    no_secret(&err, &fake);
}

#[test]
fn dump_escapes_and_sends_no_authorization_to_the_log_server() {
    let rt = rt();
    let (fake, logs) = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        let logs = MockServer::start().await;
        mount_logs_url(&fake, &logs.uri()).await;
        Mock::given(method("GET"))
            .and(path(format!("/apps/{APP}/logs")))
            .and(query_param("token", LOG_TOKEN))
            .and(query_param("n", "2"))
            .and(query_param("filter", "web"))
            .respond_with(ResponseTemplate::new(200).set_body_string(
                "2015-02-16 02:02:43.930163178 +0000 UTC [web-1] a\u{1b}[2Jb\n2015-02-16 02:02:44.1 +0000 UTC [web-2] c\td\n",
            ))
            .mount(&logs)
            .await;
        (fake, logs)
    });
    let args = ["logs", "--app", APP, "-n", "2", "--filter", "web"];
    let out = run_auditty(TOKEN, &fake.auth.uri(), &fake.api.uri(), &[], &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "2015-02-16 02:02:43.930163178 +0000 UTC [web-1] a^[[2Jb\n2015-02-16 02:02:44.1 +0000 UTC [web-2] c^Id\n"
    );
    let requests = rt.block_on(logs.received_requests()).unwrap();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("authorization").is_none());

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = run_auditty(TOKEN, &fake.auth.uri(), &fake.api.uri(), &[], &json_args);
    let first: Value = serde_json::from_str(text(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["container"], "web-1");
    assert_eq!(first["message"], "a\u{1b}[2Jb");
}

#[test]
fn dump_errors_name_the_place_and_never_the_log_token() {
    let rt = rt();
    let (fake, _logs) = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        let logs = MockServer::start().await;
        mount_logs_url(&fake, &logs.uri()).await;
        Mock::given(method("GET"))
            .and(path(format!("/apps/{APP}/logs")))
            .respond_with(
                ResponseTemplate::new(403)
                    .set_body_json(json!({"error": format!("token {LOG_TOKEN} expired")})),
            )
            .mount(&logs)
            .await;
        (fake, logs)
    });
    let out = run_auditty(
        TOKEN,
        &fake.auth.uri(),
        &fake.api.uri(),
        &[],
        &["logs", "--app", APP],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("unexpected answer 403 from http://127.0.0.1:"),
        "{err}"
    );
    assert!(err.contains("token [redacted] expired"), "{err}");
    no_secret(&err, &fake);

    // No logs (404 on the log URL) is an empty dump; 404 on the app names it.
    let rt2 = rt;
    let fake2 = rt2.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        fake.on_get(
            "/v1/apps/nope/logs",
            ResponseTemplate::new(404)
                .set_body_json(json!({"resource": "app", "error": "not found"})),
        )
        .await;
        fake
    });
    let out = run_auditty(
        TOKEN,
        &fake2.auth.uri(),
        &fake2.api.uri(),
        &[],
        &["logs", "--app", "nope"],
    );
    assert_eq!(text(&out.stderr), "error: app 'nope' not found\n");
    let _ = Duration::ZERO;
}
