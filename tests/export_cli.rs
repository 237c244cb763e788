//! The export, completions and man commands from the outside: formats, errors, exit codes,
//! atomic writes (devices, FIFOs, links, modes and signals: `tests/files.rs`), and that nothing from a recording reaches a terminal unescaped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recordings")
        .join(name)
}

/// NEVER DO: no test or helper may write to a path under `/dev` (a helper once deleted the
/// machine's /dev/null); devices and FIFOs are made in a temp folder (`tests/files.rs`).
fn auditty(args: &[&str], env: &[(&str, &str)]) -> Output {
    for a in args {
        assert!(
            !Path::new(a).starts_with("/dev"),
            "never write to /dev: {a}"
        );
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_auditty"));
    cmd.args(args).stdin(Stdio::null()).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = auditty(args, &[]);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A recording whose output holds every kind of control character, C1 and DEL included.
fn hostile(dir: &Path) -> PathBuf {
    let p = dir.join("hostile.json");
    let events = serde_json::json!([
        {"time": "2024-03-01T10:00:00.000001+01:00", "type": "output",
         "content": "$ \u{1b}]0;evil title\u{7}\u{9b}31mC1 CSI\u{7f} \u{1b}[2J\u{1b}P1$r\u{1b}\\ \u{202e}abc\r\n"},
        {"time": "2024-03-01T10:00:01.5+01:00", "type": "input", "content": "ls\u{9b}\r"},
        {"time": "2024-03-01T10:00:02.25+01:00", "type": "output", "content": "\u{1b}[31mred\u{1b}[m done\r\n"}
    ]);
    std::fs::write(&p, events.to_string()).unwrap();
    p
}

fn assert_terminal_safe(s: &str, what: &str) {
    for c in s.chars() {
        let n = c as u32;
        assert!(
            !(n < 0x20 && c != '\n' && c != '\t' || n == 0x7f || (0x80..0xa0).contains(&n)),
            "{what}: control character U+{n:04X} printed raw:\n{s}"
        );
    }
}

#[test]
fn stdout_exports_are_terminal_safe() {
    let dir = tempfile::tempdir().unwrap();
    let rec = hostile(dir.path());
    let rec = rec.to_str().unwrap();
    for format in ["asciicast-v2", "asciicast-v3", "txt"] {
        let s = ok(&["export", rec, "-o", "-", "-f", format]);
        assert_terminal_safe(&s, format);
        assert!(!s.is_empty());
    }
    let v2 = ok(&["export", rec, "-o", "-"]);
    assert!(v2.contains(r"\u009b31mC1 CSI\u007f"), "{v2}");
    for format in ["html", "svg", "text", "ansi"] {
        let s = ok(&["screen", rec, "--format", format]);
        if format != "ansi" {
            assert_terminal_safe(&s, format);
        }
        assert!(!s.contains("evil title") || format == "html" || format == "svg");
    }
    // a file keeps the recorded characters, as JSON
    let file = dir.path().join("out.cast");
    ok(&["export", rec, "-o", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains('\u{9b}'));
    assert!(text.contains("\"i\", \"ls\u{9b}\\r\""), "{text}");
}

#[test]
fn export_formats_and_times() {
    let dir = tempfile::tempdir().unwrap();
    let rec = hostile(dir.path());
    let rec = rec.to_str().unwrap();
    let v2 = ok(&["export", rec, "-o", "-"]);
    let lines: Vec<&str> = v2.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"version":2,"width":80,"height":24,"timestamp":1709283600}"#
    );
    assert!(lines[1].starts_with("[0.000000, \"o\", "));
    assert!(lines[2].starts_with("[1.499999, \"i\", "));
    assert!(lines[3].starts_with("[2.249999, \"o\", "));
    let v3 = ok(&["export", rec, "-o", "-", "-f", "asciicast-v3"]);
    let times: Vec<&str> = v3
        .lines()
        .skip(1)
        .map(|l| l[1..].split(',').next().unwrap())
        .collect();
    assert_eq!(times, ["0.000000", "1.499999", "0.750000"]);
    // idle time limit: squeezed, and said in the header
    let squeezed = ok(&["export", rec, "-o", "-", "-i", "0.5"]);
    assert!(squeezed
        .lines()
        .next()
        .unwrap()
        .contains("\"idle_time_limit\":0.5"));
    assert!(squeezed.lines().nth(3).unwrap().starts_with("[1.000000, "));
    // a clip: the redraw at 0, then what follows --from, shifted
    // (--to past the end is an error since issue 14: --clamp takes the end on purpose)
    let clip = ok(&[
        "export", rec, "-o", "-", "--from", "1", "--to", "2.3", "--clamp",
    ]);
    let lines: Vec<&str> = clip.lines().collect();
    assert_eq!(lines.len(), 4, "{clip}");
    assert!(lines[0].contains("\"timestamp\":1709283601"));
    assert!(lines[1].starts_with("[0.000000, \"o\", \"\\u001b[?25h"));
    assert!(lines[2].starts_with("[0.499999, \"i\""));
    assert!(lines[3].starts_with("[1.249999, \"o\""));
    // txt by extension
    let txt = dir.path().join("s.txt");
    ok(&["export", rec, "-o", txt.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&txt)
        .unwrap()
        .ends_with("red done\n"));
}

#[test]
fn export_errors() {
    let dir = tempfile::tempdir().unwrap();
    let rec = fixture("shell-basics.json");
    let rec = rec.to_str().unwrap();
    // usage errors: exit status 2
    for args in [
        vec!["export", rec, "-o", "-", "--from", "3", "--to", "2"],
        vec!["export", rec, "-o", "-", "-i", "0"],
        vec!["export", rec, "-o", "-", "-f", "gif"],
        vec!["export", rec],
    ] {
        let out = auditty(&args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // a folder that does not exist: one line, exit status 1, nothing left behind
    let bad = dir.path().join("missing/out.cast");
    let out = auditty(&["export", rec, "-o", bad.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: ") && err.ends_with("cannot write: no such folder\n"),
        "{err}"
    );
    // a bad recording leaves an existing export as it was
    let dest = dir.path().join("keep.cast");
    std::fs::write(&dest, "previous").unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "[{\"time\": ").unwrap();
    let out = auditty(
        &[
            "export",
            broken.to_str().unwrap(),
            "-o",
            dest.to_str().unwrap(),
            "--force",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&dest).unwrap(), "previous");
    let names = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(names, 2, "no temporary file left");
}

#[test]
fn screen_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let rec = fixture("shell-basics.json");
    for format in ["html", "svg", "text", "ansi"] {
        let out = dir.path().join(format!("s.{format}"));
        let printed = ok(&[
            "screen",
            rec.to_str().unwrap(),
            "--at",
            "50%",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(printed.is_empty());
        let s = std::fs::read_to_string(&out).unwrap();
        assert!(s.contains("Scalingo"), "{format}");
    }
    let html = std::fs::read_to_string(dir.path().join("s.html")).unwrap();
    assert!(html.contains("<figcaption>shell-basics.json — 2019-10-10T"));
    let svg = std::fs::read_to_string(dir.path().join("s.svg")).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg xmlns="));
}

#[test]
fn no_color() {
    let rec = fixture("shell-basics.json");
    let rec = rec.to_str().unwrap();
    let args = ["screen", rec, "--at", "50%", "--format", "ansi"];
    let colour = |env: &[(&str, &str)], extra: &[&str]| {
        let mut a = args.to_vec();
        a.extend(extra);
        let out = auditty(&a, env);
        assert!(out.status.success());
        let s = String::from_utf8(out.stdout).unwrap();
        // SGR sequences we generate: \x1b[0;…m; colours are 30–49 and 90–107
        s.split("\x1b[")
            .skip(1)
            .filter_map(|p| p.split_once('m').map(|(params, _)| params.to_string()))
            .any(|params| {
                params.split(';').any(|n| {
                    n.parse::<u32>()
                        .is_ok_and(|n| (30..50).contains(&n) || (90..108).contains(&n))
                })
            })
    };
    assert!(colour(&[], &[]));
    assert!(!colour(&[("NO_COLOR", "1")], &[]));
    assert!(
        colour(&[("NO_COLOR", "")], &[]),
        "an empty NO_COLOR is not set"
    );
    assert!(colour(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(!colour(&[], &["--color", "never"]));
    // attributes stay without colours
    let out = auditty(&args, &[("NO_COLOR", "1")]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("\x1b[0;1m"));
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let s = ok(&["completions", shell]);
        assert!(s.contains("auditty") && s.contains("export"), "{shell}");
        if matches!(shell, "bash" | "zsh" | "fish") {
            // elvish's and powershell's generators complete flags, not their values
            assert!(s.contains("asciicast-v3"), "{shell}: value names completed");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for (shell, check) in [("bash", "-n"), ("zsh", "-n"), ("fish", "--no-execute")] {
        if !have(shell) {
            notice(&format!(
                "{shell} not installed: its completion script is not syntax-checked"
            ));
            continue;
        }
        let f = dir.path().join(format!("auditty.{shell}"));
        std::fs::write(&f, ok(&["completions", shell])).unwrap();
        let st = Command::new(shell).arg(check).arg(&f).status().unwrap();
        assert!(st.success(), "{shell} rejects its completion script");
    }
    let out = auditty(&["completions", "tcsh"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_pages() {
    let page = ok(&["man"]);
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH auditty 1"));
    assert!(page.contains("export") && page.contains("completions"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    ok(&["man", "--dir", out.to_str().unwrap()]);
    for name in [
        "auditty.1",
        "auditty-export.1",
        "auditty-screen.1",
        "auditty-man.1",
    ] {
        let p = out.join(name);
        assert!(p.is_file(), "{name} written");
    }
    let export = std::fs::read_to_string(out.join("auditty-export.1")).unwrap();
    assert!(export.contains("idle\\-time\\-limit"));
    if have("man") {
        let st = Command::new("man")
            .arg("-l")
            .arg(out.join("auditty.1"))
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success(), "man reads the page");
    }
}

/// A notice shown even though the test harness captures output (a skipped check must be seen).
fn notice(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "notice: {msg}");
}
