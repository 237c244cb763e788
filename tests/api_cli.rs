//! The API through the binary, as the acceptance checks run it: environment variables pointing
//! at an imitation of the Scalingo API on 127.0.0.1.

mod common;

use common::BlockingFake;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use wiremock::ResponseTemplate;

const TOKEN: &str = "tk-us-secret-0123456789";

fn sample() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/recordings/scalingo-doc-sample.json"),
    )
    .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn sessions_fetch_and_screen_through_the_api() {
    let f = BlockingFake::start(TOKEN);
    let run = |id: &str, at: &str| {
        json!({"id": format!("ev-{id}"), "created_at": at, "type": "run", "app_name": "my-app",
        "user": {"username": "john", "email": "john@doe.com", "id": "us-1"},
        "type_data": {"command": "bash", "audit_log_id": id, "audit_log_size": 2495, "detached": false}})
    };
    f.on("/v1/apps/my-app/events", ResponseTemplate::new(200).set_body_json(json!({
        "events": [run("log-old", "2019-05-03T17:27:27.819+02:00"), {"id": "d1", "type": "deployment", "created_at": "2019-05-04T10:00:00Z"}, run("log-new", "2019-05-05T09:00:00.000+02:00")],
        "meta": {"pagination": {"current_page": 1, "prev_page": null, "next_page": null, "total_pages": 1, "total_count": 3}}})));
    f.on(
        "/v1/apps/my-app/audit_logs/log-new",
        ResponseTemplate::new(200).set_body_bytes(sample()),
    );

    let o = f.run(TOKEN, &["sessions", "--app", "my-app", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["audit_log_id"], "log-new", "newest first");
    for k in [
        "id",
        "created_at",
        "user",
        "command",
        "audit_log_id",
        "audit_log_size",
    ] {
        assert!(v[0].get(k).is_some(), "{k}");
    }
    let o = f.run(TOKEN, &["sessions", "--app", "my-app"]);
    assert!(text(&o.stdout).contains("log-new"), "{}", text(&o.stdout));

    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("saved.json");
    let o = f.run(
        TOKEN,
        &[
            "fetch",
            "--app",
            "my-app",
            "log-new",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&out).unwrap(), sample());
    let sha: String = {
        use sha2::Digest;
        sha2::Sha256::digest(sample())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert!(text(&o.stdout).contains(&sha), "{}", text(&o.stdout));
    // not overwritten without --force
    let o = f.run(
        TOKEN,
        &[
            "fetch",
            "--app",
            "my-app",
            "log-new",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));

    let o = f.run(
        TOKEN,
        &["screen", "scalingo://my-app/log-new", "--at", "end"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("[15:27] Scalingo:rss-john ~ $ echo \"TEST\"\nTEST\n"));
    let o = f.run(TOKEN, &["info", "--json", "scalingo://my-app/log-new"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["events"], 16);

    // failures: one line, status 1, the token never shown
    f.on(
        "/v1/apps/nope/events",
        ResponseTemplate::new(404).set_body_json(json!({"resource": "app", "error": "not found"})),
    );
    f.on(
        "/v1/apps/my-app/audit_logs/missing",
        ResponseTemplate::new(404)
            .set_body_json(json!({"resource": "audit_log", "error": "not found"})),
    );
    for (token, args, says) in [
        (TOKEN, vec!["sessions", "--app", "nope"], "app"),
        (
            TOKEN,
            vec!["screen", "scalingo://my-app/missing"],
            "audit log",
        ),
        (
            "tk-us-wrong",
            vec!["sessions", "--app", "my-app"],
            "SCALINGO_API_TOKEN",
        ),
    ] {
        let o = f.run(token, &args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("error: ") && err.contains(says),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains(TOKEN) && !err.contains("tk-us-wrong"),
            "{err}"
        );
        assert!(!text(&o.stdout).contains(TOKEN));
    }
}

#[test]
fn play_app_checks_what_it_can_before_taking_the_terminal() {
    let f = BlockingFake::start(TOKEN);
    let bin = env!("CARGO_BIN_EXE_auditty");
    // no token: the usual error line, status 1
    let o = Command::new(bin)
        .args(["play", "--app", "my-app"])
        .env_remove("SCALINGO_API_TOKEN")
        .env_remove("SCALINGO_APP")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("SCALINGO_API_TOKEN"),
        "{}",
        text(&o.stderr)
    );
    // not a terminal: says what to use instead
    let o = f.run(TOKEN, &["play", "--app", "my-app"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("auditty sessions"),
        "{}",
        text(&o.stderr)
    );
    // SCALINGO_APP picks too, for `play` with no SOURCE
    let o = Command::new(bin)
        .arg("play")
        .env("SCALINGO_APP", "my-app")
        .env("SCALINGO_API_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(
        text(&o.stderr).contains("session picker"),
        "{}",
        text(&o.stderr)
    );
    // … but not bare `auditty`, which plays the demo
    let o = Command::new(bin)
        .env("SCALINGO_APP", "my-app")
        .output()
        .unwrap();
    assert!(
        text(&o.stderr).contains("the player needs a terminal"),
        "{}",
        text(&o.stderr)
    );
    // SOURCE and --app are one or the other
    let o = f.run(TOKEN, &["play", "x.json", "--app", "my-app"]);
    assert_eq!(o.status.code(), Some(2));
    let o = f.run(TOKEN, &["play", "--app", ""]);
    assert!(text(&o.stderr).contains("empty"), "{}", text(&o.stderr));
}
