//! `--redact` on every command that writes, and `report`, on a session recorded in a real pty
//! (tests/fixtures/review/record-review.py made it; every secret in it is fake): no secret in
//! any output, the layout unchanged, the evidence file untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every secret in `secrets.json`, as it was printed or typed.
const SECRETS: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ",
    "c2lnbmF0dXJlZmFrZQ",
    // the JWT's start, as the line editor left it on the screen (its end redrawn elsewhere)
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi",
    "pgFakePass123",
    "MIIBfakeKEYbodyAAAA",
    "ZZZfakeKEYtailBBBB",
    "hunter2hunter2",
];

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/review/secrets.json")
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_auditty"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("auditty-redact-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// The secrets found in `what`, also as JSON writes them (`/` may be `\/`, a key split by
/// escapes is not looked for: the replayed screens are checked for that).
fn leaks(what: &str) -> Vec<&'static str> {
    let unescaped = what.replace("\\/", "/");
    SECRETS
        .iter()
        .copied()
        .filter(|s| unescaped.contains(s))
        .collect()
}

/// Each output of each command, with and without `--redact`.
fn outputs(redact: bool) -> Vec<(String, String)> {
    let src = fixture();
    let mut out = Vec::new();
    let r = |v: &mut Vec<&str>| {
        if redact {
            v.push("--redact");
        }
    };
    let mut cmds: Vec<Vec<&str>> = vec![];
    for f in ["text", "ansi", "html", "svg"] {
        for at in ["end", "2.9", "4.2", "5.1"] {
            cmds.push(vec![
                "screen", "--format", f, "--at", at, "--color", "always",
            ]);
        }
    }
    cmds.push(vec!["transcript", "--output"]);
    cmds.push(vec!["transcript", "--output", "--json"]);
    cmds.push(vec!["review"]);
    cmds.push(vec!["review", "--json"]);
    for mut c in cmds {
        r(&mut c);
        c.push(&src);
        let o = run(&c);
        out.push((c.join(" "), String::from_utf8_lossy(&o.stdout).into_owned()));
    }
    for (fmt, ext) in [
        ("asciicast-v2", "cast"),
        ("asciicast-v3", "cast3"),
        ("txt", "txt"),
    ] {
        let path = tmp(&format!("{fmt}-{redact}.{ext}"));
        let p = path.to_string_lossy().into_owned();
        let mut c = vec!["export", &src, "-o", &p, "-f", fmt];
        r(&mut c);
        run(&c);
        out.push((c.join(" "), std::fs::read_to_string(&path).unwrap()));
    }
    let path = tmp(&format!("report-{redact}.html"));
    let p = path.to_string_lossy().into_owned();
    let mut c = vec!["report", &src, "-o", &p, "--force"];
    r(&mut c);
    run(&c);
    out.push((c.join(" "), std::fs::read_to_string(&path).unwrap()));
    out
}

#[test]
fn no_secret_in_any_redacted_output() {
    let before = std::fs::read(fixture()).unwrap();
    // the test can fail: without --redact, the secrets are there
    let plain = outputs(false);
    let all: String = plain.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(leaks(&all), SECRETS, "the fixture shows every secret");
    let report = &plain.last().unwrap().1;
    assert!(
        report.contains("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIiQ"),
        "{report}"
    );
    for (cmd, s) in outputs(true) {
        assert!(leaks(&s).is_empty(), "{cmd}: {:?}\n{s}", leaks(&s));
        assert!(!s.is_empty(), "{cmd}");
    }
    assert_eq!(
        std::fs::read(fixture()).unwrap(),
        before,
        "the evidence is unchanged"
    );
}

#[test]
fn redacted_screens_keep_their_layout() {
    let src = fixture();
    for at in ["end", "3", "4.2", "5.1"] {
        let a = String::from_utf8(run(&["screen", "--at", at, &src]).stdout).unwrap();
        let b = String::from_utf8(run(&["screen", "--redact", "--at", at, &src]).stdout).unwrap();
        assert_eq!(a.lines().count(), b.lines().count());
        let mut masked = 0;
        for (x, y) in a.lines().zip(b.lines()) {
            assert_eq!(x.chars().count(), y.chars().count(), "{x:?} / {y:?}");
            for (c, d) in x.chars().zip(y.chars()) {
                assert!(c == d || d == '*', "{x:?} / {y:?}");
                masked += (c != d) as usize;
            }
        }
        if at == "end" {
            assert!(masked > 100, "{masked}");
            assert!(
                b.contains("AWS_ACCESS_KEY_ID=********************\n"),
                "{b}"
            );
            assert!(b.contains("-----BEGIN PRIVATE KEY-----\n*******************\n"));
        }
    }
}

#[test]
fn a_redacted_clip_replays_masked() {
    let path = tmp("clip.cast");
    let p = path.to_string_lossy().into_owned();
    run(&["export", &fixture(), "-o", &p, "--redact", "--from", "2.5"]);
    // the exported file, read back, shows the masked screen
    let s = String::from_utf8(run(&["screen", &p]).stdout).unwrap();
    assert!(s.contains("AWS_SECRET_ACCESS_KEY=****************************************"));
    assert!(leaks(&s).is_empty() && leaks(&std::fs::read_to_string(&path).unwrap()).is_empty());
}

#[test]
fn redact_and_show_secrets_contradict() {
    let o = Command::new(env!("CARGO_BIN_EXE_auditty"))
        .args(["review", "--redact", "--show-secrets", &fixture()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_command_finding_is_read_off_the_masked_screen() {
    // a rule on the command that printed the JWT: its evidence is the command line, which the
    // line editor redrew in pieces (no pattern matches the piece left on the screen whole)
    let rules = tmp("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"echo-token\"\nlevel = \"low\"\nreason = \"r\"\ncommand = '^echo eyJ|^echo \\*'\n",
    )
    .unwrap();
    let r = rules.to_string_lossy().into_owned();
    let plain =
        String::from_utf8(run(&["review", "--json", "--rules", &r, &fixture()]).stdout).unwrap();
    assert!(
        plain.contains("echo-token") && !leaks(&plain).is_empty(),
        "{plain}"
    );
    let masked =
        String::from_utf8(run(&["review", "--json", "--redact", "--rules", &r, &fixture()]).stdout)
            .unwrap();
    assert!(masked.contains("echo-token"), "{masked}");
    assert!(leaks(&masked).is_empty(), "{masked}");
}

/// A key a line editor drew in pieces, out of order (its end first, then a carriage return
/// and its start): no line of the byte stream holds it whole, the screen does. Every export
/// shows it masked; replayed, the exported clip never shows it, whole or its first piece.
#[test]
fn a_key_drawn_in_pieces_is_masked_in_every_export() {
    const KEY: &str = "AKIAQWERTYUIOPASDFGH";
    let src = tmp("pieces.cast");
    let events = [
        "$ echo ",
        "\u{1b}[18GUIOPASDFGH",
        "\r$ echo AKIAQWERTY",
        "\r\n",
        "$ done\r\n",
    ];
    let mut cast =
        String::from("{\"version\":2,\"width\":40,\"height\":6,\"timestamp\":1700000000}\n");
    for (i, e) in events.iter().enumerate() {
        let ev = serde_json::json!([i as f64 + 1.0, "o", e]);
        cast.push_str(&format!("{ev}\n"));
    }
    std::fs::write(&src, cast).unwrap();
    let s = src.to_string_lossy().into_owned();
    let shown = |file: &str, at: &str| {
        String::from_utf8(run(&["screen", file, "--at", at]).stdout).unwrap()
    };
    // the test can fail: the recording shows the key whole
    assert!(shown(&s, "end").contains(KEY));
    for (ext, fmt) in [
        ("cast", "asciicast-v2"),
        ("cast3", "asciicast-v3"),
        ("txt", "txt"),
    ] {
        let out = tmp(&format!("pieces-out.{ext}"));
        let o = out.to_string_lossy().into_owned();
        run(&["export", &s, "--redact", "-f", fmt, "-o", &o, "--force"]);
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(!written.contains(KEY), "{fmt}: {written}");
        if fmt == "txt" {
            assert!(
                written.contains("$ echo ********************\n"),
                "{written}"
            );
            continue;
        }
        for at in ["1", "2", "3", "4", "end"] {
            let screen = shown(&o, at);
            assert!(!screen.contains(KEY), "{fmt} at {at}: {screen}");
            // nor the piece drawn first, while it waited for the rest
            assert!(!screen.contains("UIOPASDFGH"), "{fmt} at {at}: {screen}");
            if at == "end" {
                assert!(
                    screen.contains("$ echo ********************\n$ done"),
                    "{screen}"
                );
            }
        }
    }
    // a clip from after the key was drawn starts on the masked screen
    let clip = tmp("pieces-clip.cast");
    let c = clip.to_string_lossy().into_owned();
    run(&[
        "export", &s, "--redact", "--from", "3.5", "-o", &c, "--force",
    ]);
    let screen = shown(&c, "0");
    assert!(
        !screen.contains(KEY) && screen.contains("$ echo ****"),
        "{screen}"
    );
}
