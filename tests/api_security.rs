//! Hostile servers: redirect chains across origins, secrets echoed in every form, endless
//! and slow bodies, and answers that are not audit logs (issue 9, items 1–4 and 10).

mod common;

use std::time::{Duration, Instant};

use auditty::net;
use auditty::scalingo::{self, ApiError, Client, Config, FetchTarget};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use common::*;
use serde_json::json;
use wiremock::{Request, ResponseTemplate};

const TOKEN: &str = "tk-us-HOSTILE-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

async fn download(cfg: Config, id: &str) -> Result<Vec<u8>, ApiError> {
    let mut c = Client::new(cfg).await?;
    let mut sink = Vec::new();
    c.download_audit_log(APP, id, &mut sink, &|_, _| {}).await?;
    Ok(sink)
}

fn raw_config(server: &RawServer) -> Config {
    Config {
        token: Some(TOKEN.to_string()),
        auth_url: server.url("127.0.0.1"),
        api_url: Some(server.url("127.0.0.1")),
        ..fast_config()
    }
}

/// A server on 127.0.0.1 (auth and API) whose answers redirect through `localhost` and
/// `127.0.0.2` — other origins of the same server — and back.
fn redirecting_server() -> RawServer {
    let jwt = jwt(now() + 3600, 7);
    RawServer::start(move |r| {
        let host = r.host().split(':').next().unwrap_or("").to_string();
        let port = r.host().rsplit(':').next().unwrap_or("").to_string();
        let at = |h: &str, p: &str| format!("http://{h}:{port}{p}");
        let path = r.path.split('?').next().unwrap_or("");
        match (host.as_str(), path) {
            ("127.0.0.1", "/v1/tokens/exchange") => {
                if r.header("authorization") == Some(basic(TOKEN).as_str()) {
                    Reply::status(200, &[], json!({ "token": jwt }).to_string().as_bytes())
                } else {
                    Reply::status(401, &[], b"{}")
                }
            }
            // Audit log: A -302-> B -307-> B (relative) -308-> C -301-> A.
            ("127.0.0.1", "/v1/apps/my-app/audit_logs/chain") => {
                Reply::redirect(302, &at("localhost", "/hop1"))
            }
            ("localhost", "/hop1") => Reply::redirect(307, "/hop2"),
            ("localhost", "/hop2") => Reply::redirect(308, &at("127.0.0.2", "/hop3")),
            ("127.0.0.2", "/hop3") => Reply::redirect(301, &at("127.0.0.1", "/final")),
            ("127.0.0.1", "/final") => Reply::status(200, &[], &sample_audit_log()),
            // Events: A -301-> C -302-> C.
            ("127.0.0.1", "/v1/apps/my-app/events") => {
                Reply::redirect(301, &at("127.0.0.2", "/e1"))
            }
            ("127.0.0.2", "/e1") => Reply::redirect(302, &at("127.0.0.2", "/e2")),
            ("127.0.0.2", "/e2") => Reply::status(200, &[], br#"{"events":[]}"#),
            // The token exchange of an auth URL with a prefix: A -307-> B -308-> B.
            ("127.0.0.1", "/moved-auth/v1/tokens/exchange") => {
                Reply::redirect(307, &at("localhost", "/x"))
            }
            ("localhost", "/x") => Reply::redirect(308, &at("localhost", "/y")),
            ("localhost", "/y") => Reply::status(401, &[], b"{}"),
            // A loop on the API's own origin.
            ("127.0.0.1", "/v1/apps/loop/events") => Reply::redirect(302, "/v1/apps/loop/events"),
            _ => Reply::status(404, &[], b"{}"),
        }
    })
}

#[tokio::test]
async fn redirect_chains_never_carry_a_credential_to_another_origin() {
    let server = redirecting_server();
    let cfg = raw_config(&server);
    assert_eq!(
        download(cfg.clone(), "chain").await.unwrap(),
        sample_audit_log()
    );
    let sessions = Client::new(cfg.clone())
        .await
        .unwrap()
        .sessions(APP, None)
        .await
        .unwrap();
    assert!(sessions.is_empty());
    let err = download(
        Config {
            auth_url: format!("{}/moved-auth", server.url("127.0.0.1")),
            ..cfg.clone()
        },
        "chain",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ApiError::TokenRefused { .. }), "{err:?}");

    let seen = server.seen();
    let home = format!("127.0.0.1:{}", server.port);
    for path in [
        "/hop1", "/hop2", "/hop3", "/final", "/e1", "/e2", "/x", "/y",
    ] {
        let path = path.to_string();
        assert!(
            seen.iter().any(|r| r.path == path),
            "{path} was not reached"
        );
    }
    for r in &seen {
        assert_eq!(r.header("referer"), None, "{r:?}");
        if r.host() != home {
            assert_eq!(r.header("authorization"), None, "{r:?}");
        }
    }
    // Back home after a foreign hop: still nothing (the foreign host chose that URL).
    let last = seen.iter().find(|r| r.path == "/final").unwrap();
    assert_eq!(last.header("authorization"), None, "{last:?}");
    // The first request of each chain did carry its credential.
    let first = seen
        .iter()
        .find(|r| r.path == "/v1/apps/my-app/audit_logs/chain")
        .unwrap();
    assert!(first
        .header("authorization")
        .unwrap()
        .starts_with("Bearer "));
}

#[tokio::test]
async fn a_redirect_loop_is_one_line() {
    let server = redirecting_server();
    let err = Client::new(raw_config(&server))
        .await
        .unwrap()
        .sessions("loop", None)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "http://127.0.0.1:{} answered with a redirect (302) once more after 5 redirects",
            server.port
        )
    );
}

/// A long token, so that a server cutting it at 40 or 200 characters still holds much of it.
fn long_token() -> String {
    format!("tk-us-LONG-{}", "0123456789abcdef".repeat(16))
}

fn assert_no_trace(text: &str, secrets: &[String]) {
    for secret in secrets {
        let head: String = secret.chars().take(12).collect();
        assert!(!text.contains(&head), "{head} leaked: {text}");
    }
}

#[tokio::test]
async fn secrets_echoed_in_every_form_are_redacted() {
    let token = long_token();
    let fake = FakeScalingo::start(&token).await;
    let t = token.clone();
    // Echoes the bearer token and the API token in every form, each at its own place.
    fake.on_get_with("/v1/apps/echo/events", move |req: &Request| {
        let auth = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let jwt = auth.trim_start_matches("Bearer ").to_string();
        let signature = jwt.rsplit('.').next().unwrap().to_string();
        let basic64 = STANDARD.encode(format!(":{t}"));
        let user64 = URL_SAFE_NO_PAD.encode(format!("user:{t}"));
        let encoded: String =
            url::form_urlencoded::byte_serialize(format!("{t}&x").as_bytes()).collect();
        ResponseTemplate::new(400).set_body_json(json!({"error": format!(
            "sig {signature} basic {basic64} user {user64} enc {encoded} cut {} jwtcut {}",
            &t[..40], &jwt[..40]
        )}))
    })
    .await;
    // 200 answers whose bodies start with a secret: the token, then the JWT.
    let t = token.clone();
    fake.on_get_with("/v1/apps/tok/events", move |_: &Request| {
        ResponseTemplate::new(200).set_body_string(format!("{t} and more"))
    })
    .await;
    fake.on_get_with("/v1/apps/my-app/audit_logs/jwt", |req: &Request| {
        let auth = req.headers.get("authorization").unwrap().to_str().unwrap();
        ResponseTemplate::new(200).set_body_string(format!("{} trailing", &auth[7..]))
    })
    .await;
    let t = token.clone();
    fake.on_get_with("/v1/apps/my-app/audit_logs/t200", move |_: &Request| {
        ResponseTemplate::new(200).set_body_string(format!("{}…", &t[..200]))
    })
    .await;

    let mut c = Client::new(fake.config()).await.unwrap();
    let mut outputs = Vec::new();
    for app in ["echo", "tok"] {
        let err = c.sessions(app, None).await.unwrap_err();
        outputs.push(err.to_string());
        outputs.push(format!("{err:?}"));
    }
    for id in ["jwt", "t200"] {
        let err = c
            .download_audit_log(APP, id, &mut Vec::new(), &|_, _| {})
            .await
            .unwrap_err();
        outputs.push(err.to_string());
        outputs.push(format!("{err:?}"));
    }
    let jwts = fake.issued();
    assert!(!jwts.is_empty());
    let mut secrets = vec![
        token.clone(),
        STANDARD.encode(format!(":{token}")),
        URL_SAFE_NO_PAD.encode(format!("user:{token}")),
    ];
    for jwt in &jwts {
        secrets.push(jwt.clone());
        secrets.push(jwt.rsplit('.').next().unwrap().to_string());
    }
    for text in &outputs {
        assert_no_trace(text, &secrets);
    }
    assert!(
        outputs[0].contains("sig [redacted] basic [redacted]"),
        "{}",
        outputs[0]
    );
    assert!(
        outputs[2].contains("it starts with '[redacted]"),
        "{}",
        outputs[2]
    );
}

// ----- sizes -------------------------------------------------------------------------------------

/// An API whose audit logs and events never end (token exchange included).
fn endless_server(every: Duration) -> RawServer {
    let jwt = jwt(now() + 3600, 1);
    RawServer::start(move |r| {
        match r.path.as_str() {
        "/v1/tokens/exchange" => {
            Reply::status(200, &[], json!({ "token": jwt }).to_string().as_bytes())
        }
        p if p.starts_with("/v1/apps/my-app/audit_logs/") => Reply::endless(
            b"[",
            b"{\"time\":\"2019-05-03T17:27:27.8+02:00\",\"content\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"type\":\"output\"},\n"
                .repeat(100)
                .as_slice(),
            every,
        ),
        p if p.starts_with("/v1/apps/my-app/events") => Reply::endless(
            b"{\"events\":[",
            b"{\"type\":\"deployment\",\"id\":\"d\"},".repeat(1000).as_slice(),
            every,
        ),
        _ => Reply::status(404, &[], b"{}"),
    }
    })
}

#[tokio::test]
async fn an_endless_audit_log_stops_at_the_limit_in_memory() {
    let server = endless_server(Duration::ZERO);
    let limit = 2_000_000;
    let started = Instant::now();
    let mut c = Client::new(Config {
        max_bytes: limit,
        ..raw_config(&server)
    })
    .await
    .unwrap();
    let mut sink = Vec::new();
    let err = c
        .download_audit_log(APP, "endless", &mut sink, &|_, _| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Net(net::Error::TooLarge { .. })),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "the audit log from http://127.0.0.1:{} is larger than the limit of {limit} bytes (set AUDITTY_MAX_BYTES to raise it)",
            server.port
        )
    );
    assert!(sink.len() as u64 <= limit, "{} bytes held", sink.len());
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn a_slow_endless_audit_log_stops_at_the_limit_too() {
    let server = endless_server(Duration::from_millis(5));
    let mut sink = Vec::new();
    let err = Client::new(Config {
        max_bytes: 200_000,
        ..raw_config(&server)
    })
    .await
    .unwrap()
    .download_audit_log(APP, "slow", &mut sink, &|_, _| {})
    .await
    .unwrap_err();
    assert!(
        matches!(err, ApiError::Net(net::Error::TooLarge { .. })),
        "{err:?}"
    );
    assert!(sink.len() <= 200_000);
}

#[tokio::test]
async fn an_endless_events_page_is_refused_at_its_cap() {
    let server = endless_server(Duration::ZERO);
    let err = Client::new(raw_config(&server))
        .await
        .unwrap()
        .sessions(APP, None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the events of app 'my-app' (page 1) is not understood: it is larger than 64 MiB"
    );
}

/// The binary's peak memory (VmHWM) when it exits, read while it is a zombie… is not
/// possible portably; instead the child is watched while it runs.
fn peak_rss_kib(child: &mut std::process::Child) -> u64 {
    let mut peak = 0;
    let status_path = format!("/proc/{}/status", child.id());
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            for line in status.lines() {
                if let Some(v) = line.strip_prefix("VmHWM:") {
                    let kib: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                    peak = peak.max(kib);
                }
            }
        }
        if child.try_wait().unwrap().is_some() {
            return peak;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn the_binary_stops_endless_downloads_in_memory_and_on_disk() {
    let server = endless_server(Duration::ZERO);
    let base = server.url("127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("saved.json");
    let out_arg = out.to_str().unwrap().to_string();
    let limit = "5000000";
    let too_large = "is larger than the limit of 5000000 bytes";
    for (args, limit_message) in [
        (vec!["info", "scalingo://my-app/endless"], too_large),
        (
            vec![
                "fetch",
                "--app",
                "my-app",
                "endless",
                "-o",
                out_arg.as_str(),
            ],
            too_large,
        ),
        (
            vec!["sessions", "--app", "my-app"],
            "it is larger than 64 MiB",
        ),
    ] {
        let started = Instant::now();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_auditty"))
            .args(&args)
            .env("SCALINGO_API_TOKEN", TOKEN)
            .env("SCALINGO_AUTH_URL", &base)
            .env("SCALINGO_API_URL", &base)
            .env("AUDITTY_MAX_BYTES", limit)
            .env_remove("SCALINGO_APP")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let peak = peak_rss_kib(&mut child);
        let o = child.wait_with_output().unwrap();
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(limit_message), "{args:?}: {err}");
        eprintln!("{args:?}: peak RSS {peak} KiB in {:?}", started.elapsed());
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(started.elapsed() < Duration::from_secs(30));
        // Far below what an unbounded download reaches in that time (gigabytes); an events
        // page is held whole up to its 64 MiB cap.
        assert!(peak < 300 * 1024, "{args:?}: peak RSS {peak} KiB");
    }
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing left"
    );
}

// ----- fetch saves only audit logs -------------------------------------------------------------

#[test]
fn fetch_saves_nothing_that_is_not_a_whole_audit_log() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        for (id, body) in [
            ("html", &b"[<html><title>502 Bad Gateway</title></html>"[..]),
            (
                "cut",
                b"[{\"time\":\"2019-05-03T17:27:27+02:00\",\"content\":\"x\"},",
            ),
            ("numbers", b"[1,2,3]"),
            ("lines", b"{\"time\":\"t\",\"content\":\"x\"}\n<html>"),
        ] {
            fake.on_get(
                &format!("/v1/apps/{APP}/audit_logs/{id}"),
                ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json"),
            )
            .await;
        }
        fake
    });
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("existing.json");
    std::fs::write(&existing, b"keep me").unwrap();
    for id in ["html", "cut", "numbers", "lines"] {
        let fresh = dir.path().join(format!("{id}.json"));
        for (target, force) in [(&fresh, false), (&existing, true)] {
            let err = scalingo::fetch(
                fake.config(),
                APP,
                id,
                FetchTarget::Path(target.clone()),
                force,
                false,
            )
            .unwrap_err();
            assert!(matches!(err, ApiError::Invalid { .. }), "{id}: {err:?}");
            let msg = err.to_string();
            assert!(msg.ends_with("; nothing was saved"), "{msg}");
            assert!(!msg.contains('\n'));
        }
        assert!(!fresh.exists(), "{id}");
    }
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );

    // Through the binary: status 1, one line.
    let out = dir.path().join("via-cli.json");
    let o = run_auditty(
        TOKEN,
        &fake.auth.uri(),
        &fake.api.uri(),
        &[],
        &["fetch", "--app", APP, "html", "-o", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr).trim_end().lines().count(), 1);
    assert!(!out.exists());
}

#[tokio::test]
async fn sessions_keep_bounded_strings() {
    let fake = FakeScalingo::start(TOKEN).await;
    let huge = "x".repeat(1_000_000);
    fake.on_get(
        "/v1/apps/my-app/events",
        ResponseTemplate::new(200).set_body_json(json!({"events": [
            {"id": "r1", "type": "run", "created_at": "2019-05-03T17:27:27Z",
             "user": {"email": "a@b.c"}, "type_data": {"command": huge, "audit_log_id": "l1"}}
        ]})),
    )
    .await;
    let sessions = Client::new(fake.config())
        .await
        .unwrap()
        .sessions(APP, None)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].command.chars().count(), 64 * 1024);
    assert!(sessions[0].command.ends_with('…'));
    assert_eq!(sessions[0].audit_log_id.as_deref(), Some("l1"));
}

#[tokio::test]
async fn a_trickling_error_body_does_not_hold_the_answer_back() {
    let jwt = jwt(now() + 3600, 2);
    let server = RawServer::start(move |r| match r.path.as_str() {
        "/v1/tokens/exchange" => {
            Reply::status(200, &[], json!({ "token": jwt }).to_string().as_bytes())
        }
        _ => Reply::Endless {
            head: b"HTTP/1.1 503 X\r\nConnection: close\r\n\r\nbusy ".to_vec(),
            chunk: b"z".to_vec(),
            every: Duration::from_millis(50),
        },
    });
    let mut cfg = raw_config(&server);
    cfg.timeouts.read = Duration::from_millis(500);
    cfg.retry.max_attempts = 2;
    let started = Instant::now();
    let err = Client::new(cfg)
        .await
        .unwrap()
        .sessions(APP, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::Net(net::Error::ServerError { status: 503, .. })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("server error 503 'busy z"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn fetch_to_standard_output_says_when_it_was_not_an_audit_log() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start(TOKEN).await;
        fake.on_get(
            &format!("/v1/apps/{APP}/audit_logs/html"),
            ResponseTemplate::new(200).set_body_raw(&b"[<html>502</html>"[..], "application/json"),
        )
        .await;
        fake.on_get(
            &format!("/v1/apps/{APP}/audit_logs/good"),
            ResponseTemplate::new(200).set_body_raw(sample_audit_log(), "application/json"),
        )
        .await;
        fake
    });
    let run = |id: &str| {
        run_auditty(
            TOKEN,
            &fake.auth.uri(),
            &fake.api.uri(),
            &[],
            &["fetch", "--app", APP, id, "-o", "-"],
        )
    };
    let o = run("html");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stderr),
        "error: what the server sent is not an audit log (invalid JSON at line 1 column 2); it was written to standard output as it came\n"
    );
    let o = run("good");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(o.stdout, sample_audit_log());
}
