//! `auditty review` and `transcript`'s `executed` field, on sessions recorded in a real pty
//! (tests/fixtures/review/record-review.py made them; every secret in them is fake).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_auditty"))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn review_fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/review")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn json_lines(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The typed lines of a recording: (t, text, executed).
fn transcript(path: &str) -> Vec<(f64, String, Option<String>)> {
    let o = run(&["transcript", "--json", path]);
    assert!(o.status.success(), "{}", stderr(&o));
    json_lines(&o)
        .iter()
        .map(|v| {
            (
                v["t"].as_f64().unwrap(),
                v["text"].as_str().unwrap().to_string(),
                v["executed"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn executed_is_read_from_the_screen() {
    let lines = transcript(&review_fixture("edits.json"));
    let got: Vec<(&str, Option<&str>)> = lines
        .iter()
        .map(|(_, t, e)| (t.as_str(), e.as_deref()))
        .collect();
    let long = format!("echo {}end", "long ".repeat(30));
    assert_eq!(
        got,
        [
            // Backspace
            ("echo hello world", Some("echo hello world")),
            // <Up> recall, then more typed
            ("<Up> again", Some("echo hello world again")),
            // Tab completion
            ("ls /us<Tab>", Some("ls /usr/")),
            // Ctrl-W
            ("echo one two four", Some("echo one two four")),
            // an edit in the middle of the line
            ("echo abc<Left><Left>X", Some("echo aXbc")),
            // a paste in one piece
            ("echo pasted in one piece", Some("echo pasted in one piece")),
            // a line that wraps on the screen
            (long.as_str(), Some(long.as_str())),
            ("exit", Some("exit")),
        ]
    );
    // the text form shows it where it differs
    let o = run(&["transcript", &review_fixture("edits.json")]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("] $ <Up> again  (executed: echo hello world again)\n"),
        "{s}"
    );
    assert!(s.contains("] $ echo hello world\n"), "{s}");
}

#[test]
fn full_screen_programs_and_hidden_input_are_not_commands() {
    let lines = transcript(&review_fixture("tools.json"));
    let got: Vec<(&str, Option<&str>)> = lines
        .iter()
        .map(|(_, t, e)| (t.as_str(), e.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("seq 1 100 > numbers.txt", Some("seq 1 100 > numbers.txt")),
            ("less numbers.txt", Some("less numbers.txt")),
            (" /50", None),
            // less's `q` was typed on the same line as far as the keys go
            ("qvim -u NONE numbers.txt", Some("vim -u NONE numbers.txt")),
            ("dd:q!", None),
            ("wc -l numbers.txt", Some("wc -l numbers.txt")),
            ("exit", Some("exit")),
        ]
    );
    let lines = transcript(&review_fixture("risky.json"));
    assert_eq!(lines[1].1, "hunter2");
    assert_eq!(lines[1].2, None, "a password is not a command");
}

fn findings(path: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["review", "--json", path];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    json_lines(&o)
}

#[test]
fn risky_session_findings_at_the_right_time() {
    let path = review_fixture("risky.json");
    let lines = transcript(&path);
    let t_of = |text: &str| lines.iter().find(|l| l.1 == text).unwrap().0;
    let f = findings(&path, &[]);
    for v in &f {
        for k in ["t", "time", "level", "rule", "command", "evidence", "why"] {
            assert!(v.get(k).is_some(), "{k} in {v}");
        }
        assert!(v.get("session").is_none());
    }
    let ts: Vec<f64> = f.iter().map(|v| v["t"].as_f64().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "time order: {ts:?}");
    let find = |rule: &str| {
        f.iter()
            .find(|v| v["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} in {f:#?}"))
    };

    // the password: its length, never its text, between the prompt and its Enter
    let h = find("hidden-input");
    assert_eq!(h["level"], "medium");
    assert!(h["command"].is_null());
    let ev = h["evidence"].as_str().unwrap();
    assert!(ev.starts_with("7 characters typed without echo"), "{ev}");
    assert!(ev.contains("Password:"), "{ev}");
    let read_t = t_of("read -s -p 'Password: ' pw; echo; echo \"got ${#pw} characters\"");
    let t = h["t"].as_f64().unwrap();
    assert!(read_t < t && t < t_of("hunter2"), "{read_t} < {t}");
    let out = String::from_utf8_lossy(&run(&["review", &path]).stdout).into_owned();
    assert!(!out.contains("hunter2"), "{out}");
    let shown = findings(&path, &["--show-secrets"]);
    assert!(shown
        .iter()
        .any(|v| v["rule"] == "hidden-input"
            && v["evidence"].as_str().unwrap().ends_with(": hunter2")));

    // code decoded and run
    let b = find("decoded-code-run");
    assert_eq!(b["level"], "high");
    let cmd = "echo ZWNobyBoZWxsbyBmcm9tIGJhc2U2NA== | base64 -d | sh";
    assert_eq!(b["command"], cmd);
    assert_eq!(b["t"].as_f64().unwrap(), t_of(cmd));

    // the environment printed, and the (fake) AWS keys it showed
    let e = find("environment-dumped");
    assert_eq!(e["command"], "printenv | grep AWS");
    let printenv_t = t_of("printenv | grep AWS");
    let exit_t = t_of("exit");
    for rule in ["cloud-access-key", "cloud-secret-key"] {
        let k = find(rule);
        assert_eq!(k["level"], "high");
        assert!(k["command"].is_null());
        let t = k["t"].as_f64().unwrap();
        assert!(printenv_t <= t && t < exit_t, "{rule} at {t}");
    }
    assert!(find("cloud-access-key")["evidence"]
        .as_str()
        .unwrap()
        .contains("AKIAIOSFODNN7EXAMPLE"));
    assert!(find("cloud-access-key")["time"]
        .as_str()
        .unwrap()
        .ends_with("+02:00"));
}

/// Every recording in the repository that holds no dangerous command or secret.
fn benign() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in [
        "tests/fixtures/recordings",
        "tests/fixtures/corpus/recordings",
        "tests/fixtures/player",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json" || x == "cast") {
                v.push(p);
            }
        }
    }
    v.push(root().join("tests/fixtures/review/edits.json"));
    v.push(root().join("tests/fixtures/review/tools.json"));
    v.push(root().join("assets/demo.json"));
    v.push(root().join("assets/scalingo-doc-sample.json"));
    v
}

#[test]
fn benign_sessions_raise_no_high_finding() {
    let all = benign();
    assert!(all.len() >= 20, "{all:?}");
    for p in all {
        let p = p.to_str().unwrap();
        let o = run(&["review", "--json", "--fail-on", "high", p]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{p}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        assert!(json_lines(&o).iter().all(|v| v["level"] != "high"), "{p}");
    }
}

#[test]
fn fail_on_gates_on_the_level() {
    let risky = review_fixture("risky.json");
    let edits = review_fixture("edits.json");
    for (args, code) in [
        (vec!["review", "--fail-on", "high", &risky], 3),
        (vec!["review", "--fail-on", "medium", &risky], 3),
        (vec!["review", "--fail-on", "low", &risky], 3),
        (vec!["review", &risky], 0),
        (vec!["review", "--fail-on", "low", &edits], 0),
        (vec!["review", "--fail-on", "high", &edits, &risky], 3),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        if code == 3 {
            assert!(!o.stdout.is_empty(), "the findings are printed too");
        }
    }
}

#[test]
fn a_rules_file_overrides_and_switches_off() {
    let d = tempfile::tempdir().unwrap();
    let rules = d.path().join("rules.toml");
    std::fs::write(
        &rules,
        r#"
[[rule]]
name = "decoded-code-run"
enabled = false

[[rule]]
name = "cloud-access-key"
level = "low"

[[rule]]
name = "cloud-secret-key"
enabled = false

[[rule]]
name = "grep-aws"
level = "low"
reason = "looks for AWS settings"
command = 'grep\s+AWS'
"#,
    )
    .unwrap();
    let risky = review_fixture("risky.json");
    let r = rules.to_str().unwrap();
    let f = findings(&risky, &["--rules", r]);
    let names: Vec<&str> = f.iter().map(|v| v["rule"].as_str().unwrap()).collect();
    assert!(!names.contains(&"decoded-code-run"), "{names:?}");
    assert!(!names.contains(&"cloud-secret-key"), "{names:?}");
    assert!(names.contains(&"grep-aws"), "{names:?}");
    assert!(f
        .iter()
        .any(|v| v["rule"] == "cloud-access-key" && v["level"] == "low"));
    let o = run(&["review", "--fail-on", "high", "--rules", r, &risky]);
    assert_eq!(o.status.code(), Some(0));

    // a broken rules file: one line naming the file and the place, status 1
    std::fs::write(&rules, "[[rule]]\nname = \"x\"\nlevel = \"urgent\"\n").unwrap();
    let o = run(&["review", "--rules", r, &risky]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(&format!("error: {r}: 3:")), "{err}");
    assert!(o.stdout.is_empty());
    let o = run(&["review", "--rules", "/nonexistent/rules.toml", &risky]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 1);
}

#[test]
fn several_sources_name_their_session() {
    let risky = review_fixture("risky.json");
    let edits = review_fixture("edits.json");
    let o = run(&["review", "--json", &edits, &risky]);
    assert!(o.status.success());
    let f = json_lines(&o);
    assert!(!f.is_empty());
    assert!(f
        .iter()
        .all(|v| v["session"].as_str().unwrap().ends_with("risky.json")));
    let o = run(&["review", &edits, &risky]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.lines().all(|l| l.contains("risky.json: [")), "{s}");
    // a missing source: one line, nothing printed
    let o = run(&["review", &risky, "/nonexistent.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 1);
    assert!(o.stdout.is_empty());
}

#[test]
fn findings_are_escaped() {
    let d = tempfile::tempdir().unwrap();
    // a command with escape sequences and a C1 control, and output with a secret in colour
    let log = r#"[{"time":"2019-05-03T17:27:30Z","content":"$ ","type":"output"},
        {"time":"2019-05-03T17:27:31Z","content":"rm -rf / \u001b]0;x\u0007\r","type":"input"},
        {"time":"2019-05-03T17:27:31.1Z","content":"rm -rf / \u009b31m\u001b]0;x\u0007\r\n\u001b[31mAKIAIOSFODNN7EXAMPLE\u001b[0m\u0085\r\n$ ","type":"output"}]"#;
    let p = d.path().join("hostile.json");
    std::fs::write(&p, log).unwrap();
    let p = p.to_str().unwrap();
    let hostile = root().join("tests/fixtures/hostile/all.json");
    for args in [
        vec!["review", p],
        vec!["review", "--json", p],
        vec!["review", "--show-secrets", hostile.to_str().unwrap()],
        vec![
            "review",
            "--json",
            "--show-secrets",
            hostile.to_str().unwrap(),
        ],
    ] {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.is_empty(), "{args:?}");
        assert!(
            !out.chars()
                .any(|c| c == '\x1b' || c == '\x07' || ('\u{80}'..'\u{a0}').contains(&c)),
            "{args:?}: {out:?}"
        );
    }
    let f = findings(p, &[]);
    assert!(f.iter().any(|v| v["rule"] == "rm-rf-broad"), "{f:?}");
    assert!(f.iter().any(|v| v["rule"] == "cloud-access-key"), "{f:?}");
}

#[test]
fn each_command_rule_at_its_command() {
    let path = review_fixture("tracks.json");
    let lines = transcript(&path);
    let f = findings(&path, &[]);
    for (rule, level, cmd) in [
        ("history-off", "high", "unset HISTFILE"),
        (
            "world-writable",
            "medium",
            "touch shared.txt && chmod 777 shared.txt",
        ),
        // typed key by key at sqlite's own prompt, which is stripped
        ("sql-delete-without-where", "high", "delete from orders;"),
        (
            "curl-pipe-shell",
            "high",
            "curl -s http://127.0.0.1:9/install.sh | sh",
        ),
        ("history-wiped", "high", "history -c"),
    ] {
        let line = lines
            .iter()
            .find(|l| l.2.as_deref() == Some(cmd))
            .unwrap_or_else(|| panic!("{cmd} executed in {lines:?}"));
        let hit = f
            .iter()
            .find(|v| v["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} in {f:#?}"));
        assert_eq!(hit["command"], cmd);
        assert_eq!(hit["level"], level);
        assert_eq!(hit["t"].as_f64().unwrap(), line.0, "{rule}");
    }
    // `delete from orders` then `where id = 1;` at sqlite's `...>`: one statement, no finding
    assert!(lines
        .iter()
        .any(|l| l.2.as_deref() == Some("where id = 1;")));
    assert_eq!(f.len(), 5, "nothing else: {f:#?}");
}
