//! Ctrl-C during `fetch` removes the temporary file and keeps an existing file intact.
//!
//! In a test binary of its own: it sends SIGINT to its own process, and once tokio has
//! installed its handler, SIGINT stays caught for the rest of the process.
#![cfg(unix)]

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use auditty::scalingo::{self, ApiError, Config, FetchTarget};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn ctrl_c_during_fetch_leaves_nothing_behind() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let auth = rt.block_on(async {
        let auth = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/tokens/exchange"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "opaque"})))
            .mount(&auth)
            .await;
        auth
    });

    // An API that sends part of an audit log, then stalls.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let asked = Arc::new(AtomicBool::new(false));
    let asked_by_server = asked.clone();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            asked_by_server.store(true, Ordering::SeqCst);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n[{\"time\":\"t\",\"content\":\"",
            );
            std::thread::sleep(Duration::from_secs(20));
        }
    });

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("evidence.json");
    std::fs::write(&target, b"previous evidence").unwrap();
    let cfg = Config {
        token: Some("tk-us-interrupt".into()),
        auth_url: auth.uri(),
        api_url: Some(format!("http://{addr}")),
        ..Config::default()
    };
    let fetch_target = target.clone();
    let fetch = std::thread::spawn(move || {
        scalingo::fetch(
            cfg,
            "my-app",
            "log",
            FetchTarget::Path(fetch_target),
            true,
            false,
        )
    });

    let started = Instant::now();
    while !asked.load(Ordering::SeqCst) {
        assert!(started.elapsed() < Duration::from_secs(10), "no request");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let partial: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        partial
            .iter()
            .any(|n| n.starts_with(".evidence.json.auditty-")),
        "{partial:?}"
    );

    let status = std::process::Command::new("kill")
        .args(["-INT", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    let result = fetch.join().unwrap();
    assert!(matches!(result, Err(ApiError::Interrupted)), "{result:?}");
    assert_eq!(
        result.unwrap_err().to_string(),
        "interrupted; nothing was saved"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["evidence.json"]);
    assert_eq!(std::fs::read(&target).unwrap(), b"previous evidence");
}
