//! `auditty timeline`, `info --with`, `transcript --with`: a session beside context files
//! (tests/fixtures/context/: a session from 11:00:00 to 11:00:10 +01:00, so a window from
//! 09:55:00Z to 10:05:10Z; every secret in them is fake).

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn fx(name: &str) -> String {
    common::fixture("context", name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_auditty"))
        .args(args)
        .env_remove("LOSANT_API_TOKEN")
        .env_remove("LOSANT_API_URL")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn all_with(extra: &[&str]) -> Output {
    let (s, l, e, lo, d) = (
        fx("session.json"),
        fx("app.log"),
        fx("events.json"),
        fx("losant.json"),
        fx("datafold.json"),
    );
    let mut args = vec![
        "timeline", &s, "--with", &l, "--with", &e, "--with", &lo, "--with", &d,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn rows(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// No byte a terminal would act on: C0 (but newline), DEL, C1 (as UTF-8).
fn assert_no_controls(s: &str) {
    for c in s.chars() {
        let n = c as u32;
        assert!(
            c == '\n' || !(n < 0x20 || n == 0x7f || (0x80..0xa0).contains(&n)),
            "control {n:#x} in {s}"
        );
    }
}

#[test]
fn json_rows_in_order_with_every_lane() {
    let rows = rows(&all_with(&["--json"]));
    let t: Vec<f64> = rows.iter().map(|r| r["t"].as_f64().unwrap()).collect();
    assert!(t.windows(2).all(|w| w[0] <= w[1]), "{t:?}");
    let lanes: Vec<&str> = rows.iter().map(|r| r["lane"].as_str().unwrap()).collect();
    for lane in ["command", "app-log", "app-event", "losant", "datafold"] {
        assert!(lanes.contains(&lane), "{lane} missing: {lanes:?}");
    }
    for r in &rows {
        for k in ["time", "t", "lane", "source", "actor", "text", "fields"] {
            assert!(r.get(k).is_some(), "{k} missing in {r}");
        }
        assert!(r["time"].as_str().unwrap().ends_with("+01:00"), "{r}");
    }
    let texts: Vec<&str> = rows.iter().map(|r| r["text"].as_str().unwrap()).collect();
    let pos = |s: &str| {
        texts
            .iter()
            .position(|t| *t == s)
            .unwrap_or_else(|| panic!("{s}: {texts:?}"))
    };
    assert!(pos("ls") < pos("variable PAYMENT_KEY added = ••••"));
    assert!(pos("variable PAYMENT_KEY added = ••••") < pos("echo hi"));
    assert!(pos("echo hi") < pos("restart of web (reason: user_restart)"));
    assert_eq!(rows[0]["t"].as_f64(), Some(-300.0));
    assert_eq!(rows[0]["time"], "2024-03-01T10:55:00+01:00");
    assert_eq!(rows[0]["actor"], "web-1");
    let cmd = rows.iter().find(|r| r["text"] == "ls").unwrap();
    assert_eq!(cmd["actor"], Value::Null);
    assert_eq!(cmd["fields"]["executed"], "ls");
}

#[test]
fn window_edges_in_and_out() {
    let out = stdout(&all_with(&["--json"]));
    assert!(out.contains("\"first edge\""));
    assert!(out.contains("path=/health"));
    assert!(!out.contains("before the window"));
    assert!(!out.contains("after the window"));
    assert!(!out.contains("deployment"));
    // a narrower window leaves the edges out, a wider one takes the outsiders in
    let narrow = stdout(&all_with(&["--json", "--around", "1m"]));
    assert!(!narrow.contains("first edge") && !narrow.contains("path=/health"));
    assert!(narrow.contains("ERROR"));
    let wide = stdout(&all_with(&["--json", "--around", "1h"]));
    assert!(wide.contains("before the window") && wide.contains("deployment success"));
}

#[test]
fn secrets_masked_unless_asked() {
    let out = stdout(&all_with(&["--json"]));
    for secret in [
        "SuperSecret123",
        "NewPass456",
        "OldPass789",
        "LosantPw",
        "token=abc",
    ] {
        assert!(!out.contains(secret), "{secret} shown");
    }
    assert!(out.contains("variables changed: updated DB_PASS: •••• → ••••"));
    let shown = stdout(&all_with(&["--json", "--show-secrets"]));
    assert!(shown.contains("variable PAYMENT_KEY added = SuperSecret123"));
    assert!(shown.contains("DB_PASS: OldPass789 → NewPass456"));
    // a URL's token is never shown
    assert!(!shown.contains("token=abc"));
}

#[test]
fn no_control_character_reaches_stdout() {
    let text = stdout(&all_with(&[]));
    assert_no_controls(&text);
    assert!(
        text.contains("^[[31mERROR^[[0m disk \\x9b2J full^G"),
        "{text}"
    );
    assert!(text.contains("pump-^[]0;pwned^G"));
    let json = stdout(&all_with(&["--json"]));
    assert_no_controls(&json);
    let s = fx("session.json");
    let l = fx("app.log");
    let lo = fx("losant.json");
    for args in [
        vec!["transcript", &s, "--with", &l, "--with", &lo, "--output"],
        vec!["transcript", &s, "--with", &l, "--json"],
        vec!["info", &s, "--with", &l],
    ] {
        assert_no_controls(&stdout(&run(&args)));
    }
}

#[test]
fn text_rows_in_the_sessions_offset() {
    let text = stdout(&all_with(&[]));
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("2024-03-01T10:55:00.000+01:00"),
        "{first}"
    );
    assert!(first.contains("-300.000") && first.contains("app-log") && first.contains("web-1"));
    assert!(text.contains("+4.000  app-event  alice  variable PAYMENT_KEY added = ••••"));
    assert!(text.contains("+2.000  command    -  ls\n"));
}

#[test]
fn a_context_file_alone_is_a_feed() {
    let rows = rows(&run(&["timeline", &fx("losant.json"), "--json"]));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["t"].as_f64(), Some(0.0));
    assert_eq!(rows[0]["actor"], "ci (ApiToken)");
    assert_eq!(rows[1]["t"].as_f64(), Some(207.0));
    let logs = rows_of(&["timeline", &fx("app.log"), "--json"]);
    assert_eq!(logs.len(), 5);
}

fn rows_of(args: &[&str]) -> Vec<Value> {
    rows(&run(args))
}

#[test]
fn one_line_errors() {
    let s = fx("session.json");
    let bad = fx("not-context.txt");
    let log = fx("app.log");
    let cases: [(Vec<&str>, i32, &str); 5] = [
        (
            vec!["timeline", &s, "--with", &bad],
            1,
            "not a context file",
        ),
        (vec!["info", &s, "--with", &bad], 1, "not a context file"),
        (
            vec!["timeline", &s, "--with", "losant://org-1"],
            1,
            "losant://org-1: no Losant API token",
        ),
        (
            vec!["timeline", &s, "--with", &log, "--around", "soon"],
            2,
            "--around",
        ),
        (
            vec!["timeline", &s, "--with", "/nonexistent/x.log"],
            1,
            "/nonexistent/x.log: no such file",
        ),
    ];
    for (args, code, want) in cases {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(code), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains(want), "{err}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn info_and_transcript_with_context() {
    let s = fx("session.json");
    let info = stdout(&run(&[
        "info",
        &s,
        "--with",
        &fx("app.log"),
        "--with",
        &fx("datafold.json"),
    ]));
    assert!(info.contains("context    "), "{info}");
    assert!(info.contains("app.log: Scalingo app logs, 3 entries in window (of 5), warnings: 1 unreadable entry skipped"));
    assert!(info.contains("UTC was assumed"));
    let json: Value = serde_json::from_str(&stdout(&run(&[
        "info",
        &s,
        "--json",
        "--with",
        &fx("events.json"),
    ])))
    .unwrap();
    assert_eq!(json["context"][0]["entries_in_window"], 3);
    assert_eq!(json["context"][0]["kind"], "Scalingo app events");
    let plain: Value = serde_json::from_str(&stdout(&run(&["info", &s, "--json"]))).unwrap();
    assert!(plain.get("context").is_none());

    let t = stdout(&run(&["transcript", &s, "--with", &fx("events.json")]));
    let lines: Vec<&str> = t.lines().collect();
    let at = |p: &str| {
        lines
            .iter()
            .position(|l| l.contains(p))
            .unwrap_or_else(|| panic!("{p}: {t}"))
    };
    assert!(at("$ ls") < at("(app-event) alice: variable PAYMENT_KEY added = ••••"));
    assert!(at("(app-event) alice: variable PAYMENT_KEY") < at("$ echo hi"));
    let j = stdout(&run(&[
        "transcript",
        &s,
        "--json",
        "--with",
        &fx("events.json"),
    ]));
    let ctx: Vec<Value> = j
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "context")
        .collect();
    assert_eq!(ctx.len(), 3);
    assert_eq!(ctx[0]["lane"], "app-event");
}

#[test]
fn markers_on_the_timeline_and_the_window_from_the_first_event() {
    let rows = rows_of(&[
        "timeline",
        &fx("marked.cast"),
        "--with",
        &fx("app.log"),
        "--json",
    ]);
    let lanes: Vec<&str> = rows.iter().map(|r| r["lane"].as_str().unwrap()).collect();
    assert_eq!(lanes, ["command", "marker", "app-log"]);
    assert_eq!(rows[1]["text"], "deploy \u{1b}[31mstarts");
    assert_eq!(rows[1]["time"], "2024-03-01T10:00:02+00:00");
    // the first event is at 0.5 s: 09:55:00.000 is before the window
    assert!(!rows.iter().any(|r| r["text"] == "first edge"));
}

#[test]
fn context_needs_a_wall_clock() {
    let o = run(&["timeline", &fx("no-start.cast"), "--with", &fx("app.log")]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no wall-clock start"), "{err}");
    // without --with the session alone is shown, its times unknown
    assert!(stdout(&run(&["timeline", &fx("no-start.cast")])).is_empty());
}

#[test]
fn play_reads_its_context_before_taking_the_terminal() {
    let o = run(&[
        "play",
        &fx("session.json"),
        "--with",
        &fx("not-context.txt"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not-context.txt: not a context file"), "{err}");
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn gzip_app_logs_and_epoch_times() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("archive-1");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(std::fs::read(fx("app.log")).unwrap().as_slice())
        .unwrap();
    std::fs::write(&p, gz.finish().unwrap()).unwrap();
    let p = p.to_string_lossy().into_owned();
    let rows = rows_of(&["timeline", &fx("session.json"), "--with", &p, "--json"]);
    let logs: Vec<&Value> = rows.iter().filter(|r| r["lane"] == "app-log").collect();
    assert_eq!(logs.len(), 3);
    assert_eq!(logs[0]["source"], p.as_str());
    // Losant's creationDate in epoch milliseconds lands at its instant
    let rows = rows_of(&[
        "timeline",
        &fx("session.json"),
        "--with",
        &fx("losant.json"),
        "--json",
    ]);
    let ci = rows.iter().find(|r| r["actor"] == "ci (ApiToken)").unwrap();
    assert_eq!(ci["time"], "2024-03-01T10:56:40+01:00");
    assert_eq!(ci["t"].as_f64(), Some(-200.0));
}

/// A session (asciicast, 10:00:00Z) that types and prints an AWS key id and marks it, an app
/// log and a Losant answer with secrets in their text, actor and fields (all fake).
fn secret_fixtures(d: &Path) -> (String, String, String) {
    const AKIA: &str = "AKIAIOSFODNN7EXAMPLE";
    let cast = d.join("secret.cast");
    let lines = [
        r#"{"version": 2, "width": 80, "height": 24, "timestamp": 1709287200}"#.to_string(),
        r#"[0.5, "o", "$ "]"#.to_string(),
        format!(r#"[1.0, "i", "echo {AKIA}\r"]"#),
        format!(r#"[1.1, "o", "echo {AKIA}\r\n{AKIA}\r\n$ "]"#),
        format!(r#"[2.0, "m", "key {AKIA}"]"#),
        r#"[3.0, "o", "done\r\n"]"#.to_string(),
    ];
    std::fs::write(&cast, lines.join("\n") + "\n").unwrap();
    let log = d.join("app.log");
    std::fs::write(
        &log,
        format!(
            "2024-03-01 10:00:01.500000000 +0000 UTC [web-1] boot \
             AWS_SECRET_ACCESS_KEY={REDACT_SECRET} jwt {REDACT_JWT}\n"
        ),
    )
    .unwrap();
    let losant = d.join("losant.json");
    let answer = serde_json::json!({"items": [{
        "id": "x1", "creationDate": "2024-03-01T10:00:02.000Z", "actorType": "User",
        "actorName": AKIA, "requestResource": "device", "requestAction": "patch",
        "responseStatus": 200,
        "requestQuery": {"dsn": ["postgres://app:hunter2hunter@db:5432/x"]}
    }]});
    std::fs::write(&losant, answer.to_string()).unwrap();
    let s = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    (s(cast), s(log), s(losant))
}

const REDACT_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const REDACT_JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

#[test]
fn redact_masks_the_session_and_every_context_entry() {
    let d = tempfile::tempdir().unwrap();
    let (cast, log, losant) = secret_fixtures(d.path());
    let secrets = [
        "AKIAIOSFODNN7EXAMPLE",
        REDACT_SECRET,
        REDACT_JWT,
        "hunter2hunter",
    ];
    let with = ["--with", log.as_str(), "--with", losant.as_str()];
    let timeline = |extra: &[&str]| {
        let mut args = vec!["timeline", cast.as_str()];
        args.extend_from_slice(&with);
        args.extend_from_slice(extra);
        stdout(&run(&args))
    };
    // without --redact every secret is there (the fixtures hold what --redact must mask)
    let plain = timeline(&["--json"]);
    for s in secrets {
        assert!(plain.contains(s), "{s} not in {plain}");
    }
    for extra in [&["--json", "--redact"][..], &["--redact"]] {
        let out = timeline(extra);
        for s in secrets {
            assert!(!out.contains(s), "{s} shown with {extra:?}: {out}");
        }
        assert_eq!(out.lines().count(), plain.lines().count(), "{out}");
    }
    let rows: Vec<Value> = timeline(&["--json", "--redact"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lanes: Vec<&str> = rows.iter().map(|r| r["lane"].as_str().unwrap()).collect();
    assert_eq!(
        lanes,
        ["command", "app-log", "marker", "losant"],
        "{rows:?}"
    );
    // the mask keeps the length: one * a character
    assert_eq!(rows[0]["text"], format!("echo {}", "*".repeat(20)));
    assert!(rows[1]["text"]
        .as_str()
        .unwrap()
        .starts_with(&format!("boot AWS_SECRET_ACCESS_KEY={}", "*".repeat(40))));
    assert_eq!(rows[3]["actor"], format!("{} (User)", "*".repeat(20)));
    // a context file alone is masked too
    let feed = stdout(&run(&["timeline", &log, "--redact"]));
    assert!(
        !feed.contains(REDACT_SECRET) && feed.contains("boot"),
        "{feed}"
    );

    // transcript --redact masks the entries it weaves in
    let mut args = vec!["transcript", cast.as_str(), "--redact"];
    args.extend_from_slice(&with);
    let out = stdout(&run(&args));
    for s in secrets {
        assert!(!out.contains(s), "{s} in the transcript: {out}");
    }
    assert!(out.contains("(app-log) web-1: boot"), "{out}");
    args.push("--json");
    let out = stdout(&run(&args));
    for s in secrets {
        assert!(!out.contains(s), "{s} in the transcript --json: {out}");
    }
}
