//! The Scalingo API client against an in-process imitation of the API (wiremock on
//! 127.0.0.1, plus raw TCP servers for broken connections).

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod common;

use auditty::net;
use auditty::scalingo::{
    self, ApiError, Client, Config, FetchTarget, RetryPolicy, Timeouts, TokenOrigin, USER_AGENT,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{on_get, requests_to, FakeScalingo, APP};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tk-us-SECRET-4f1d2c3b-aaaa-bbbb-cccc-0123456789ab";

// ----- the imitation (tests/common), with this file's retry policy ---------------------

/// The fake API for TOKEN; `config()` retries as [`fast_config`] says.
async fn fake() -> FakeScalingo {
    FakeScalingo::start(TOKEN).await.with_base(fast_config())
}

/// Tiny waits, short timeouts: the whole file runs in seconds.
fn fast_config() -> Config {
    Config {
        timeouts: Timeouts {
            connect: Duration::from_secs(3),
            read: Duration::from_secs(5),
        },
        retry: RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(20),
            max_total_wait: Duration::from_secs(5),
        },
        ..Config::default()
    }
}

fn run_event(id: &str, at: &str, email: &str, command: &str, log: &str, size: u64) -> Value {
    json!({
        "id": id, "created_at": at, "app_id": "app-1", "app_name": APP, "type": "run",
        "user": {"username": email.split('@').next().unwrap(), "email": email, "id": format!("us-{id}")},
        "type_data": {"command": command, "audit_log_id": log, "audit_log_size": size, "detached": false}
    })
}

fn pagination(current: u64, next: Option<u64>, total: u64) -> Value {
    json!({"pagination": {
        "current_page": current, "prev_page": if current > 1 { json!(current - 1) } else { Value::Null },
        "next_page": next, "total_pages": total, "total_count": 9
    }})
}

/// Three pages, newest first, run events among others (some with nulls and missing fields).
fn events_pages() -> Vec<Value> {
    vec![
        json!({"events": [
            {"id": "dep-1", "created_at": "2015-02-14T10:00:00.000+01:00", "type": "deployment",
             "user": null, "type_data": {"deployment_id": "d-1", "git_ref": null}},
            run_event("run-5", "2015-02-13T09:00:00.000+01:00", "ann@example.com", "rails console", "log-5", 2_048),
            {"id": "misc", "type": "restart", "created_at": null},
            run_event("run-4", "2015-02-12T18:05:14.226+01:00", "john@doe.com", "bundle exec rake db:migrate", "log-4", 122_445_385),
        ], "meta": pagination(1, Some(2), 3)}),
        json!({"events": [
            {"id": "scale-1", "type": "scale", "type_data": null},
            run_event("run-3", "2015-02-12T15:00:00.000Z", "deploy@scalingo.com", "", "log-3", 10),
            {"id": "run-2", "created_at": "2015-02-11T08:00:00.000-05:00", "type": "run",
             "user": {"email": "bob@example.com"}, "type_data": {"command": "bash"}},
        ], "meta": pagination(2, Some(3), 3)}),
        json!({"events": [
            {"id": "run-1", "created_at": "2015-02-10T08:00:00+02:00", "type": "run",
             "user": {"username": "eve", "email": "eve@example.com", "id": "us-e"},
             "type_data": {"command": "ls", "audit_log_id": "log-1", "audit_log_size": null, "detached": true}},
            {"id": "addon-1", "type": "addon", "created_at": "2015-02-09T08:00:00Z"},
        ], "meta": pagination(3, None, 3)}),
    ]
}

/// The documented sample audit log (with its JSON `\u001b` escapes), plus raw odd bytes
/// (ESC, CR, DEL, invalid UTF-8) that must be saved as they are.
fn sample_audit_log() -> Vec<u8> {
    let mut body = br#"[
  {
    "time": "2019-05-03T17:27:27.819655645+02:00",
    "content": "You are in a \u001b[1;34mone-off container\u001b[0m. This is a copy of your production \n",
    "type": "output"
  },
  {
    "time": "2019-05-03T17:27:32.681685591+02:00",
    "content": "echo \"TEST\"\n",
    "type": "input"
  }
]"#
    .to_vec();
    body.extend_from_slice(b"\r\n\x1b[31m\x7f\xff\xfe\x00 trailing odd bytes\n");
    body
}

/// ~5 MB of audit log entries.
fn big_audit_log() -> Vec<u8> {
    let mut body = b"[".to_vec();
    let mut i = 0u64;
    while body.len() < 5_000_000 {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(
            format!(
                "{{\"time\":\"2019-05-03T17:27:{:02}.{:09}+02:00\",\"content\":\"line {i} \\u001b[1;3{}m coloured \\u001b[0m\\r\\n\",\"type\":\"output\"}}\n",
                i % 60,
                i,
                i % 8
            )
            .as_bytes(),
        );
        i += 1;
    }
    body.push(b']');
    body
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn client(cfg: Config) -> Client {
    Client::new(cfg).await.expect("client")
}

async fn download(cfg: Config, app: &str, id: &str) -> Result<Vec<u8>, ApiError> {
    let mut c = Client::new(cfg).await?;
    let mut sink = Vec::new();
    c.download_audit_log(app, id, &mut sink, &|_, _| {}).await?;
    Ok(sink)
}

/// A runtime for the blocking `commands` tests (the wiremock servers run on their own
/// threads, so they keep answering while `scalingo::*` blocks this one).
fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ----- raw TCP servers for broken connections ----------------------------------------------

#[derive(Clone, Copy)]
enum After {
    Close,
    Stall,
}

/// Serves `response` (raw bytes, headers included) to every connection, then closes or
/// stalls. Runs on its own thread, so it also serves the blocking `commands` functions.
/// Returns its base URL.
fn raw_server(response: Vec<u8>, after: After) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        rt().block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((mut stream, _)) = listener.accept().await {
                let response = response.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let _ = stream.write_all(&response).await;
                    let _ = stream.flush().await;
                    match after {
                        After::Close => {
                            let _ = stream.shutdown().await;
                        }
                        After::Stall => tokio::time::sleep(Duration::from_secs(30)).await,
                    }
                });
            }
        })
    });
    format!("http://{addr}")
}

fn assert_no_token(text: &str) {
    assert!(!text.contains(TOKEN), "the API token leaked: {text}");
    assert!(
        !text.contains("SECRET"),
        "part of the API token leaked: {text}"
    );
}

// ----- sessions ------------------------------------------------------------------------------

#[tokio::test]
async fn sessions_across_pages_newest_first_run_events_only() {
    let fake = fake().await;
    fake.mount_events(APP, events_pages()).await;
    let sessions = client(fake.config())
        .await
        .sessions(APP, None)
        .await
        .unwrap();

    let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["run-5", "run-4", "run-3", "run-2", "run-1"]);

    let s = &sessions[1];
    assert_eq!(s.created_at, "2015-02-12T18:05:14.226+01:00");
    assert_eq!(s.user.email, "john@doe.com");
    assert_eq!(s.user.username, "john");
    assert_eq!(s.app_name, APP);
    assert_eq!(s.command, "bundle exec rake db:migrate");
    assert_eq!(s.audit_log_id.as_deref(), Some("log-4"));
    assert_eq!(s.audit_log_size, Some(122_445_385));
    assert_eq!(s.detached, Some(false));

    // Missing fields are None/empty, not a failure.
    let sparse = &sessions[3];
    assert_eq!(sparse.audit_log_id, None);
    assert_eq!(sparse.audit_log_size, None);
    assert_eq!(sparse.detached, None);
    assert_eq!(sparse.user.username, "");
    assert_eq!(sessions[4].audit_log_size, None);
    assert_eq!(sessions[4].detached, Some(true));

    let requests = requests_to(&fake.api, &format!("/v1/apps/{APP}/events")).await;
    let pages: Vec<String> = requests
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .unwrap()
                .1
                .into_owned()
        })
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
    assert!(requests.iter().all(|r| r
        .url
        .query_pairs()
        .any(|(k, v)| k == "per_page" && v == "100")));

    // The JSON the CLI prints has the documented fields.
    let as_json = serde_json::to_value(&sessions[1]).unwrap();
    for key in [
        "id",
        "created_at",
        "user",
        "command",
        "audit_log_id",
        "audit_log_size",
    ] {
        assert!(as_json.get(key).is_some(), "{key} missing in {as_json}");
    }
    assert_eq!(as_json["user"]["email"], "john@doe.com");

    // And the table shows them in their own offsets, the operator by name.
    let table = auditty::views::sessions::render_sessions_table(&sessions);
    assert!(table.contains("2015-02-12 18:05:14 +01:00"), "{table}");
    assert!(table.contains("2015-02-11 08:00:00 -05:00"), "{table}");
    assert!(table.contains("Scalingo operator"), "{table}");
    assert!(table.contains("(operator shell)"), "{table}");
    assert!(table.contains("122.4 MB"), "{table}");
}

#[tokio::test]
async fn sessions_limit_stops_following_pages() {
    let fake = fake().await;
    fake.mount_events(APP, events_pages()).await;
    let mut c = client(fake.config()).await;

    let two = c.sessions(APP, Some(2)).await.unwrap();
    assert_eq!(
        two.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["run-5", "run-4"]
    );
    assert_eq!(
        requests_to(&fake.api, &format!("/v1/apps/{APP}/events"))
            .await
            .len(),
        1
    );

    let three = c.sessions(APP, Some(3)).await.unwrap();
    assert_eq!(
        three.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["run-5", "run-4", "run-3"]
    );
    assert_eq!(
        requests_to(&fake.api, &format!("/v1/apps/{APP}/events"))
            .await
            .len(),
        3
    );

    assert!(c.sessions(APP, Some(0)).await.unwrap().is_empty());
}

#[tokio::test]
async fn sessions_guard_against_a_server_that_never_ends() {
    let fake = fake().await;
    // Same page every time, no pagination data: stops at max_pages, duplicates dropped.
    on_get(
        &fake.api,
        "/v1/apps/loop/events",
        ResponseTemplate::new(200).set_body_json(json!({"events": [
            run_event("r", "2015-02-12T18:05:14Z", "a@b.c", "ls", "l", 1)
        ]})),
    )
    .await;
    // next_page pointing back: stops at once.
    on_get(
        &fake.api,
        "/v1/apps/back/events",
        ResponseTemplate::new(200).set_body_json(json!({"events": [
            run_event("r", "2015-02-12T18:05:14Z", "a@b.c", "ls", "l", 1)
        ], "meta": {"pagination": {"next_page": 1, "total_pages": 99}}})),
    )
    .await;
    // An empty page ends the listing even if next_page says otherwise.
    on_get(
        &fake.api,
        "/v1/apps/empty/events",
        ResponseTemplate::new(200).set_body_json(
            json!({"events": [], "meta": {"pagination": {"next_page": 2, "total_pages": 5}}}),
        ),
    )
    .await;

    let mut c = client(Config {
        max_pages: 4,
        ..fake.config()
    })
    .await;
    assert_eq!(c.sessions("loop", None).await.unwrap().len(), 1);
    assert_eq!(
        requests_to(&fake.api, "/v1/apps/loop/events").await.len(),
        4
    );
    assert_eq!(c.sessions("back", None).await.unwrap().len(), 1);
    assert_eq!(
        requests_to(&fake.api, "/v1/apps/back/events").await.len(),
        1
    );
    assert!(c.sessions("empty", None).await.unwrap().is_empty());
    assert_eq!(
        requests_to(&fake.api, "/v1/apps/empty/events").await.len(),
        1
    );
}

#[tokio::test]
async fn sessions_answer_that_is_not_json_is_named() {
    let fake = fake().await;
    on_get(
        &fake.api,
        "/v1/apps/html/events",
        ResponseTemplate::new(200)
            .set_body_raw("<html><title>Maintenance</title></html>", "text/html"),
    )
    .await;
    on_get(
        &fake.api,
        "/v1/apps/odd/events",
        ResponseTemplate::new(200).set_body_json(json!({"error": "try again"})),
    )
    .await;
    let mut c = client(fake.config()).await;
    assert_eq!(
        c.sessions("odd", None).await.unwrap_err().to_string(),
        "the events of app 'odd' (page 1) is not understood: it has no \"events\" list (it says 'try again')"
    );
    let err = c.sessions("html", None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the events of app 'html' (page 1) is not understood: it is an HTML page titled 'Maintenance', not JSON"
    );
}

#[test]
fn sessions_command_blocking() {
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = fake().await;
        fake.mount_events(APP, events_pages()).await;
        fake
    });
    let sessions = scalingo::sessions(fake.config(), APP, Some(4)).unwrap();
    assert_eq!(sessions.len(), 4);
    assert_eq!(sessions[0].id, "run-5");
}

// ----- endpoints -----------------------------------------------------------------------------

#[tokio::test]
async fn region_is_looked_up_when_no_api_url() {
    let fake = fake().await;
    fake.mount_events(APP, events_pages()).await;
    let c = client(Config {
        api_url: None,
        ..fake.config()
    })
    .await;
    assert_eq!(c.api_base().trim_end_matches('/'), fake.api.uri());
    let mut c = c;
    assert_eq!(c.sessions(APP, Some(1)).await.unwrap().len(), 1);
    // The regions list is public: no credentials sent there.
    let regions = requests_to(&fake.auth, "/v1/regions").await;
    assert_eq!(regions.len(), 1);
    assert!(regions[0].headers.get("authorization").is_none());

    let err = Client::new(Config {
        api_url: None,
        region: "mars-1".into(),
        ..fake.config()
    })
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown region 'mars-1'; known regions: osc-fr1, osc-secnum-fr1"
    );
}

#[tokio::test]
async fn config_from_flags_and_env_reaches_the_fake() {
    let fake = fake().await;
    fake.mount_events(APP, events_pages()).await;
    let cfg = Config::from_lookup(None, None, None, None, |k| {
        Ok(match k {
            "SCALINGO_API_TOKEN" => Some(TOKEN.to_string()),
            "SCALINGO_AUTH_URL" => Some(fake.auth.uri()),
            "SCALINGO_API_URL" => Some(fake.api.uri()),
            _ => None,
        })
    })
    .unwrap();
    let cfg = Config {
        retry: fast_config().retry,
        ..cfg
    };
    let sessions = client(cfg).await.sessions(APP, None).await.unwrap();
    assert_eq!(sessions.len(), 5);
}

// ----- downloads -------------------------------------------------------------------------------

#[tokio::test]
async fn download_streams_exact_bytes_with_progress() {
    let fake = fake().await;
    let big = big_audit_log();
    fake.mount_audit_log(APP, "big", big.clone()).await;

    let calls: Mutex<Vec<(u64, Option<u64>)>> = Mutex::new(Vec::new());
    let mut sink = Vec::new();
    let n = client(fake.config())
        .await
        .download_audit_log(APP, "big", &mut sink, &|done, total| {
            calls.lock().unwrap().push((done, total))
        })
        .await
        .unwrap();
    assert_eq!(n, big.len() as u64);
    assert!(sink == big, "downloaded bytes differ");
    let calls = calls.into_inner().unwrap();
    assert_eq!(calls.first(), Some(&(0, Some(big.len() as u64))));
    assert_eq!(
        calls.last(),
        Some(&(big.len() as u64, Some(big.len() as u64)))
    );
    assert!(calls.len() > 3, "progress is reported as it goes");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
}

#[tokio::test]
async fn download_accepts_json_lines_gzip_and_leading_blank_space() {
    let fake = fake().await;
    let ndjson = b"{\"time\":\"2019-05-03T17:27:32+02:00\",\"content\":\"ls\\n\",\"type\":\"input\"}\n{\"time\":\"2019-05-03T17:27:33+02:00\",\"content\":\"x\",\"type\":\"output\"}\n".to_vec();
    let gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03binary".to_vec();
    let padded = b"\xEF\xBB\xBF \r\n\t[]".to_vec();
    for (id, body) in [("nd", &ndjson), ("gz", &gzip), ("bom", &padded)] {
        fake.mount_audit_log(APP, id, body.clone()).await;
        assert_eq!(
            &download(fake.config(), APP, id).await.unwrap(),
            body,
            "{id}"
        );
    }
}

#[tokio::test]
async fn a_200_that_is_not_an_audit_log_is_named_and_nothing_is_written() {
    let fake = fake().await;
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "html",
            b"<!DOCTYPE html><html><head><title>Scalingo - Login</title></head></html>",
            "the server's answer is not an audit log: it is an HTML page titled 'Scalingo - Login'",
        ),
        (
            "err",
            br#"{"error":"audit logs are disabled"}"#,
            "the server's answer is not an audit log: it is a JSON error: 'audit logs are disabled'",
        ),
        (
            "empty",
            b"",
            "the server's answer is not an audit log: the body is empty",
        ),
        (
            "blank",
            b"  \n ",
            "the server's answer is not an audit log: the body is only blank space",
        ),
        (
            "text",
            b"OK\x1b[2J",
            "the server's answer is not an audit log: it starts with 'OK^[[2J'",
        ),
    ];
    for (id, body, message) in cases {
        fake.mount_audit_log(APP, id, body.to_vec()).await;
        let mut sink = Vec::new();
        let err = client(fake.config())
            .await
            .download_audit_log(APP, id, &mut sink, &|_, _| {})
            .await
            .unwrap_err();
        assert!(
            matches!(err, ApiError::NotAnAuditLog { .. }),
            "{id}: {err:?}"
        );
        assert_eq!(err.to_string(), message);
        assert!(sink.is_empty(), "{id}: wrote {sink:?}");
    }
}

#[test]
fn fetch_saves_the_exact_bytes_and_their_sha256() {
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = fake().await;
        fake.mount_audit_log(APP, "log-4", sample_audit_log()).await;
        fake.mount_audit_log(APP, "big", big_audit_log()).await;
        fake
    });
    let dir = tempfile::tempdir().unwrap();
    for (id, body) in [("log-4", sample_audit_log()), ("big", big_audit_log())] {
        let target = dir.path().join(scalingo::default_fetch_path(APP, id));
        let report = scalingo::fetch(
            fake.config(),
            APP,
            id,
            FetchTarget::Path(target.clone()),
            false,
            false,
        )
        .unwrap();
        assert_eq!(report.path.as_deref(), Some(target.as_path()));
        assert_eq!(report.bytes, body.len() as u64);
        assert_eq!(report.sha256_hex, sha256_hex(&body));
        assert!(
            std::fs::read(&target).unwrap() == body,
            "{id}: bytes differ"
        );
    }
    assert_eq!(
        dir_entries(dir.path()),
        ["my-app-big.json", "my-app-log-4.json"],
        "no temporary file left"
    );

    // The scalingo:// source: into memory.
    let (app, id) = scalingo::parse_source_url("scalingo://my-app/log-4").unwrap();
    let bytes = scalingo::fetch_to_memory(fake.config(), &app, &id).unwrap();
    assert_eq!(bytes, sample_audit_log());
}

#[test]
fn fetch_refuses_to_overwrite_without_force_and_replaces_with_it() {
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = fake().await;
        fake.mount_audit_log(APP, "log-4", sample_audit_log()).await;
        fake
    });
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("evidence.json");
    std::fs::write(&target, b"previous evidence").unwrap();

    let err = scalingo::fetch(
        fake.config(),
        APP,
        "log-4",
        FetchTarget::Path(target.clone()),
        false,
        false,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} already exists; pass --force to overwrite it",
            target.display()
        )
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"previous evidence");
    // Refused before downloading anything.
    assert_eq!(
        rt.block_on(requests_to(&fake.api, "/v1/apps/my-app/audit_logs/log-4"))
            .len(),
        0
    );

    let report = scalingo::fetch(
        fake.config(),
        APP,
        "log-4",
        FetchTarget::Path(target.clone()),
        true,
        false,
    )
    .unwrap();
    assert_eq!(report.bytes, sample_audit_log().len() as u64);
    assert_eq!(std::fs::read(&target).unwrap(), sample_audit_log());
    assert_eq!(dir_entries(dir.path()), ["evidence.json"]);
}

#[test]
fn a_failed_fetch_leaves_nothing_and_keeps_an_existing_file() {
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = fake().await;
        on_get(
            &fake.api,
            "/v1/apps/my-app/audit_logs/broken",
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": "Internal error occured, we're on it!"})),
        )
        .await;
        fake
    });
    // Body cut short, from a raw server: the temporary file had bytes in it.
    let cut_url = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[{\"time\":\"t\",\"content\":\"partial"
            .to_vec(),
        After::Close,
    );
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.json");
    let existing = dir.path().join("existing.json");
    std::fs::write(&existing, b"keep me").unwrap();

    for (cfg, id) in [
        (fake.config(), "broken"),
        (
            Config {
                api_url: Some(cut_url.clone()),
                ..fake.config()
            },
            "cut",
        ),
    ] {
        let err = scalingo::fetch(
            cfg.clone(),
            APP,
            id,
            FetchTarget::Path(fresh.clone()),
            false,
            false,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                ApiError::Net(net::Error::ServerError { .. })
                    | ApiError::Net(net::Error::CutShort { .. })
            ),
            "{err:?}"
        );
        let err = scalingo::fetch(
            cfg,
            APP,
            id,
            FetchTarget::Path(existing.clone()),
            true,
            false,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                ApiError::Net(net::Error::ServerError { .. })
                    | ApiError::Net(net::Error::CutShort { .. })
            ),
            "{err:?}"
        );
        assert_eq!(dir_entries(dir.path()), ["existing.json"], "after {id}");
        assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    }
}

#[test]
fn fetch_into_a_missing_folder_or_onto_a_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let rt = rt();
    let fake = rt.block_on(async {
        let fake = fake().await;
        fake.mount_audit_log(APP, "log-4", sample_audit_log()).await;
        fake
    });
    let err = scalingo::fetch(
        fake.config(),
        APP,
        "log-4",
        FetchTarget::Path(dir.path().to_path_buf()),
        true,
        false,
    )
    .unwrap_err();
    assert!(err.to_string().ends_with("it is a folder"), "{err}");
    let missing = dir.path().join("nope").join("x.json");
    let err = scalingo::fetch(
        fake.config(),
        APP,
        "log-4",
        FetchTarget::Path(missing),
        false,
        false,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot create a temporary file in"),
        "{err}"
    );
}

// ----- failures named for what they are -----------------------------------------------------------

#[tokio::test]
async fn unknown_app_and_unknown_audit_log() {
    let fake = fake().await;
    on_get(
        &fake.api,
        "/v1/apps/nope/events",
        ResponseTemplate::new(404).set_body_json(json!({"resource": "app", "error": "not found"})),
    )
    .await;
    on_get(
        &fake.api,
        "/v1/apps/nope/audit_logs/log-4",
        ResponseTemplate::new(404).set_body_json(json!({"resource": "app", "error": "not found"})),
    )
    .await;
    on_get(
        &fake.api,
        "/v1/apps/my-app/audit_logs/missing",
        ResponseTemplate::new(404)
            .set_body_json(json!({"resource": "audit_log", "error": "not found"})),
    )
    .await;
    // A 404 with no body at all on an audit log.
    on_get(
        &fake.api,
        "/v1/apps/my-app/audit_logs/bare",
        ResponseTemplate::new(404),
    )
    .await;

    let mut c = client(fake.config()).await;
    let err = c.sessions("nope", None).await.unwrap_err();
    assert_eq!(err.to_string(), "app 'nope' not found");
    let err = download(fake.config(), "nope", "log-4").await.unwrap_err();
    assert_eq!(err.to_string(), "app 'nope' not found");
    let err = download(fake.config(), APP, "missing").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "audit log 'missing' not found in app 'my-app'"
    );
    let err = download(fake.config(), APP, "bare").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "audit log 'bare' not found in app 'my-app'"
    );
}

#[tokio::test]
async fn payment_required_and_forbidden() {
    let fake = fake().await;
    on_get(
        &fake.api,
        "/v1/apps/unpaid/events",
        ResponseTemplate::new(402).set_body_json(json!({
            "error": "you need to provide a payment method",
            "url": "https://dashboard.scalingo.com/billing"
        })),
    )
    .await;
    on_get(
        &fake.api,
        "/v1/apps/theirs/events",
        ResponseTemplate::new(403).set_body_json(json!({"error": "you are not a collaborator"})),
    )
    .await;
    let mut c = client(fake.config()).await;
    assert_eq!(
        c.sessions("unpaid", None).await.unwrap_err().to_string(),
        "payment required (402) 'you need to provide a payment method'; see https://dashboard.scalingo.com/billing"
    );
    assert_eq!(
        c.sessions("theirs", None).await.unwrap_err().to_string(),
        "access to app 'theirs' was denied (403) 'you are not a collaborator'"
    );
}

#[tokio::test]
async fn wrong_token_is_refused_naming_where_it_came_from() {
    let fake = fake().await;
    fake.mount_events(APP, events_pages()).await;
    let wrong = "tk-us-WRONG-0000-1111-2222";
    for (origin, named) in [
        (TokenOrigin::Env("SCALINGO_API_TOKEN"), "SCALINGO_API_TOKEN"),
        (TokenOrigin::Flag, "--token"),
    ] {
        let err = client(Config {
            token: Some(wrong.into()),
            token_origin: origin,
            ..fake.config()
        })
        .await
        .sessions(APP, None)
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("the API token from {named} was refused (401)")
        );
        assert!(!err.to_string().contains(wrong));
        assert!(!format!("{err:?}").contains(wrong));
    }
    // The API host never heard of it.
    assert!(fake.api.received_requests().await.unwrap().is_empty());
}

#[test]
fn missing_token_names_the_flag_and_the_variable() {
    let err = rt()
        .block_on(Client::new(Config {
            token: None,
            ..fast_config()
        }))
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("--token") && msg.contains("SCALINGO_API_TOKEN"),
        "{msg}"
    );
    let err = scalingo::sessions(
        Config {
            token: Some("  ".into()),
            ..fast_config()
        },
        APP,
        None,
    )
    .unwrap_err();
    assert!(matches!(err, ApiError::MissingToken));
}

#[tokio::test]
async fn a_bearer_refused_by_the_api_is_exchanged_once_more_then_reported() {
    let fake = fake().await;
    fake.mount_events(APP, events_pages()).await;
    on_get(
        &fake.api,
        "/v1/apps/revoked/events",
        ResponseTemplate::new(401).set_body_json(json!({"error": "token expired"})),
    )
    .await;
    let mut c = client(fake.config()).await;
    c.sessions(APP, Some(1)).await.unwrap();
    assert_eq!(fake.exchanges().await, 1);
    let err = c.sessions("revoked", None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the API token from SCALINGO_API_TOKEN was refused (401)"
    );
    // The cached bearer was refused, so one fresh exchange and one retry, no more.
    assert_eq!(fake.exchanges().await, 2);
    assert_eq!(
        requests_to(&fake.api, "/v1/apps/revoked/events")
            .await
            .len(),
        2
    );
}

// ----- retries ------------------------------------------------------------------------------------

#[tokio::test]
async fn flaky_429_then_503_then_success() {
    let fake = fake().await;
    let events = format!("/v1/apps/{APP}/events");
    Mock::given(method("GET"))
        .and(path(events.as_str()))
        .respond_with(ResponseTemplate::new(429).set_body_string("Retry later"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.api)
        .await;
    Mock::given(method("GET"))
        .and(path(events.as_str()))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": "unavailable"})))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&fake.api)
        .await;
    fake.mount_events(APP, events_pages()).await;
    let sessions = client(fake.config())
        .await
        .sessions(APP, None)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 5);
    // 2 failures + 3 pages.
    assert_eq!(requests_to(&fake.api, &events).await.len(), 5);
}

#[tokio::test]
async fn flaky_download_succeeds_after_retries() {
    let fake = fake().await;
    let log = format!("/v1/apps/{APP}/audit_logs/log-4");
    Mock::given(method("GET"))
        .and(path(log.as_str()))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error": "slow down"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.api)
        .await;
    Mock::given(method("GET"))
        .and(path(log.as_str()))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&fake.api)
        .await;
    fake.mount_audit_log(APP, "log-4", sample_audit_log()).await;
    assert_eq!(
        download(fake.config(), APP, "log-4").await.unwrap(),
        sample_audit_log()
    );
    assert_eq!(requests_to(&fake.api, &log).await.len(), 3);
}

#[tokio::test]
async fn always_500_gives_up_after_the_attempts_allowed() {
    let fake = fake().await;
    on_get(
        &fake.api,
        "/v1/apps/broken/events",
        ResponseTemplate::new(500)
            .set_body_json(json!({"error": "Internal error occured, we're on it!"})),
    )
    .await;
    let started = Instant::now();
    let err = client(fake.config())
        .await
        .sessions("broken", None)
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "server error 500 'Internal error occured, we're on it!' 5 times; gave up after"
        ),
        "{msg}"
    );
    assert_eq!(
        requests_to(&fake.api, "/v1/apps/broken/events").await.len(),
        5
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn always_429_gives_up_saying_so() {
    let fake = fake().await;
    on_get(
        &fake.api,
        "/v1/apps/busy/events",
        ResponseTemplate::new(429).set_body_string("Retry later"),
    )
    .await;
    let err = client(Config {
        retry: RetryPolicy {
            max_attempts: 3,
            ..fast_config().retry
        },
        ..fake.config()
    })
    .await
    .sessions("busy", None)
    .await
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "rate limited (429) 3 times in a row (the server said 'Retry later'); gave up after"
        ),
        "{msg}"
    );
    assert_eq!(
        requests_to(&fake.api, "/v1/apps/busy/events").await.len(),
        3
    );
}

#[tokio::test]
async fn retry_after_is_honoured_and_bounded() {
    let fake = fake().await;
    let events = format!("/v1/apps/{APP}/events");
    Mock::given(method("GET"))
        .and(path(events.as_str()))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_string("Retry later"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.api)
        .await;
    fake.mount_events(APP, events_pages()).await;
    let started = Instant::now();
    client(fake.config())
        .await
        .sessions(APP, Some(1))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited only {:?}",
        started.elapsed()
    );

    // A Retry-After beyond the time allowed: give up at once, saying why.
    on_get(
        &fake.api,
        "/v1/apps/later/events",
        ResponseTemplate::new(503).insert_header("Retry-After", "3600"),
    )
    .await;
    let started = Instant::now();
    let err = client(fake.config())
        .await
        .sessions("later", None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "server error 503 once; gave up as the server asked to wait 3600 s more"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        requests_to(&fake.api, "/v1/apps/later/events").await.len(),
        1
    );
}

// ----- the bearer token ---------------------------------------------------------------------------

#[tokio::test]
async fn the_bearer_is_reused_while_it_has_more_than_five_minutes() {
    let fake = FakeScalingo::start_with_life(TOKEN, 3600)
        .await
        .with_base(fast_config());
    fake.mount_events(APP, events_pages()).await;
    let mut c = client(fake.config()).await;
    c.sessions(APP, Some(1)).await.unwrap();
    c.sessions(APP, Some(1)).await.unwrap();
    assert_eq!(fake.exchanges().await, 1);
}

#[tokio::test]
async fn the_bearer_is_exchanged_again_when_it_expires_within_five_minutes() {
    let fake = FakeScalingo::start_with_life(TOKEN, 120)
        .await
        .with_base(fast_config());
    fake.mount_events(APP, events_pages()).await;
    let mut c = client(fake.config()).await;
    c.sessions(APP, Some(1)).await.unwrap();
    c.sessions(APP, Some(1)).await.unwrap();
    assert_eq!(fake.exchanges().await, 2);
}

#[tokio::test]
async fn tokens_go_only_where_they_belong_and_never_into_errors() {
    let fake = fake().await;
    fake.mount_events(APP, events_pages()).await;
    fake.mount_audit_log(APP, "log-4", sample_audit_log()).await;
    // A server that echoes what it was sent in its error messages.
    Mock::given(method("GET"))
        .and(path("/v1/apps/echo/events"))
        .respond_with(|req: &Request| {
            let auth = req
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": format!("bad request with {auth} and {TOKEN}")}))
        })
        .mount(&fake.api)
        .await;
    on_get(
        &fake.api,
        "/v1/apps/echo500/audit_logs/x",
        ResponseTemplate::new(500).set_body_string(format!("oops {TOKEN}")),
    )
    .await;

    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/tokens/exchange"))
        .respond_with(|req: &Request| {
            let auth = req
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            ResponseTemplate::new(401).set_body_string(format!("refused {auth} {TOKEN}"))
        })
        .mount(&elsewhere)
        .await;

    let mut outputs = Vec::new();
    let mut c = client(fake.config()).await;
    let sessions = c.sessions(APP, None).await.unwrap();
    outputs.push(serde_json::to_string(&sessions).unwrap());
    outputs.push(auditty::views::sessions::render_sessions_table(&sessions));
    outputs.push(format!("{c:?}"));
    outputs.push(format!("{:?}", fake.config()));
    let mut sink = Vec::new();
    c.download_audit_log(APP, "log-4", &mut sink, &|_, _| {})
        .await
        .unwrap();

    let failures = [
        c.sessions("echo", None).await.unwrap_err(),
        c.download_audit_log("echo500", "x", &mut Vec::new(), &|_, _| {})
            .await
            .unwrap_err(),
        c.sessions("nope", None).await.unwrap_err(),
        client(Config {
            token_origin: TokenOrigin::Flag,
            auth_url: format!("{}/nothing-here", elsewhere.uri()), // 404
            ..fake.config()
        })
        .await
        .sessions(APP, None)
        .await
        .unwrap_err(),
        client(Config {
            auth_url: elsewhere.uri(), // 401 echoing the basic auth header
            ..fake.config()
        })
        .await
        .sessions("x", None)
        .await
        .unwrap_err(),
    ];
    for err in &failures {
        outputs.push(err.to_string());
        outputs.push(format!("{err:?}"));
    }
    let echoed = failures[0].to_string();
    assert!(
        echoed.contains("bad request with Bearer [redacted] and [redacted]"),
        "{echoed}"
    );
    for text in &outputs {
        assert_no_token(text);
    }

    // What the API host received: bearer tokens, never the API token; our User-Agent and
    // Accept on every request.
    let api_requests = fake.api.received_requests().await.unwrap();
    assert!(!api_requests.is_empty());
    for r in &api_requests {
        let mut seen = format!("{} {}\n", r.method, r.url);
        for (name, value) in &r.headers {
            seen.push_str(&format!(
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        seen.push_str(&String::from_utf8_lossy(&r.body));
        assert_no_token(&seen);
        assert!(!seen.contains(&STANDARD.encode(format!(":{TOKEN}"))));
        if r.url.path() != "/v1/tokens/exchange" {
            let auth = r.headers.get("authorization").unwrap().to_str().unwrap();
            assert!(auth.starts_with("Bearer ey"), "{auth}");
        }
        assert_eq!(r.headers.get("user-agent").unwrap(), USER_AGENT);
        assert_eq!(r.headers.get("accept").unwrap(), "application/json");
    }
    assert!(USER_AGENT.starts_with("auditty/"));
    // The auth host got the API token, in basic auth only, and no bearer.
    for r in requests_to(&fake.auth, "/v1/tokens/exchange").await {
        let auth = r.headers.get("authorization").unwrap().to_str().unwrap();
        assert!(auth.starts_with("Basic "));
        assert_eq!(r.headers.get("user-agent").unwrap(), USER_AGENT);
    }
}

// ----- the network failing ------------------------------------------------------------------------

#[tokio::test]
async fn connection_refused() {
    let fake = fake().await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = download(
        Config {
            api_url: Some(format!("http://127.0.0.1:{port}")),
            ..fake.config()
        },
        APP,
        "log-4",
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("cannot connect to http://127.0.0.1:{port}: connection refused")
    );
    // Also for the auth host.
    let err = download(
        Config {
            auth_url: format!("http://127.0.0.1:{port}"),
            ..fake.config()
        },
        APP,
        "log-4",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, ApiError::Net(net::Error::Connect { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn dns_failure() {
    let fake = fake().await;
    let err = client(Config {
        api_url: Some("http://no-such-host.invalid".into()),
        ..fake.config()
    })
    .await
    .sessions(APP, None)
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("DNS lookup failed for no-such-host.invalid"),
        "{err} / {err:?}"
    );
}

#[tokio::test]
async fn tls_failure() {
    let fake = fake().await;
    // https to a plain-HTTP port.
    let plain = fake.api.address().port();
    let err = client(Config {
        api_url: Some(format!("https://127.0.0.1:{plain}")),
        ..fake.config()
    })
    .await
    .sessions(APP, None)
    .await
    .unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "TLS handshake with https://127.0.0.1:{plain} failed: "
        )),
        "{err} / {err:?}"
    );
}

fn short_read_timeout(fake: &FakeScalingo, api_url: String) -> Config {
    Config {
        api_url: Some(api_url),
        timeouts: Timeouts {
            connect: Duration::from_secs(3),
            read: Duration::from_millis(300),
        },
        ..fake.config()
    }
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let fake = fake().await;
    let url = raw_server(Vec::new(), After::Stall);
    let started = Instant::now();
    let err = download(short_read_timeout(&fake, url.clone()), APP, "log-4")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("timed out after 0.3 s waiting for audit log 'log-4' of app 'my-app' from {url}")
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_stalled_body_times_out() {
    let fake = fake().await;
    let url = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"time\":"
            .to_vec(),
        After::Stall,
    );
    let mut sink = Vec::new();
    let err = client(short_read_timeout(&fake, url.clone()))
        .await
        .download_audit_log(APP, "log-4", &mut sink, &|_, _| {})
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("timed out after 0.3 s waiting for the rest of the audit log from {url} (9 of 1000 bytes received)")
    );
}

#[tokio::test]
async fn a_body_cut_short_is_named() {
    let fake = fake().await;
    let url = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"time\":\"2019\"}"
            .to_vec(),
        After::Close,
    );
    let err = download(short_read_timeout(&fake, url), APP, "log-4")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the audit log body was cut short after 16 bytes (expected 1000)"
    );
}

#[tokio::test]
async fn a_connect_that_hangs_times_out() {
    let fake = fake().await;
    // A listener whose accept queue is full: the kernel drops further SYNs, so connecting
    // hangs. Fill the queue first.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    let mut full = false;
    for _ in 0..16 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => {
                full = true;
                break;
            }
        }
    }
    if !full {
        eprintln!("skipped: this system never fills a listen queue");
        return;
    }
    let err = client(Config {
        api_url: Some(format!("http://{addr}")),
        timeouts: Timeouts {
            connect: Duration::from_millis(300),
            read: Duration::from_secs(5),
        },
        ..fake.config()
    })
    .await
    .sessions(APP, None)
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("timed out after 0.3 s waiting for a connection to http://{addr}")
    );
    drop(listener);
}

#[tokio::test]
async fn redirects_to_another_host_carry_no_credentials() {
    let fake = fake().await;
    let other = MockServer::start().await;
    // The audit log is stored elsewhere: the API redirects there.
    on_get(
        &fake.api,
        "/v1/apps/my-app/audit_logs/moved",
        ResponseTemplate::new(302)
            .insert_header("Location", format!("{}/storage/moved.json", other.uri())),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/storage/moved.json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(sample_audit_log(), "application/json"),
        )
        .mount(&other)
        .await;
    assert_eq!(
        download(fake.config(), APP, "moved").await.unwrap(),
        sample_audit_log()
    );

    // An auth host that redirects the exchange elsewhere: the API token does not follow.
    let redirecting_auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/tokens/exchange"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", format!("{}/v1/tokens/exchange", other.uri())),
        )
        .mount(&redirecting_auth)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/tokens/exchange"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&other)
        .await;
    let err = download(
        Config {
            auth_url: redirecting_auth.uri(),
            ..fake.config()
        },
        APP,
        "moved",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ApiError::TokenRefused { .. }), "{err:?}");

    let received = other.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for r in received {
        assert!(r.headers.get("authorization").is_none(), "{r:?}");
        let mut seen = format!("{}\n", r.url);
        for (_, value) in &r.headers {
            seen.push_str(&String::from_utf8_lossy(value.as_bytes()));
        }
        assert_no_token(&seen);
    }
}

#[tokio::test]
async fn retries_stop_when_the_time_allowed_is_used_up() {
    let fake = fake().await;
    on_get(
        &fake.api,
        "/v1/apps/slow/events",
        ResponseTemplate::new(503).set_body_string("Service Unavailable"),
    )
    .await;
    let started = Instant::now();
    let err = client(Config {
        retry: RetryPolicy {
            max_attempts: 50,
            base_delay: Duration::from_millis(40),
            max_delay: Duration::from_millis(40),
            max_total_wait: Duration::from_millis(100),
        },
        ..fake.config()
    })
    .await
    .sessions("slow", None)
    .await
    .unwrap_err();
    let attempts = requests_to(&fake.api, "/v1/apps/slow/events").await.len();
    assert!((3..=6).contains(&attempts), "{attempts} attempts");
    assert!(
        err.to_string().starts_with(&format!(
            "server error 503 'Service Unavailable' {attempts} times; gave up after 0.1 s"
        )),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}
