//! Hostile recordings: every command, and the player under a pty, read byte for byte.
//!
//! One recording per category of attack (terminal queries, clipboard, titles, palette,
//! hyperlinks, DCS/APC/graphics, window operations, C1 controls as UTF-8, modes left on,
//! reset, escapes in input events, sequences hundreds of kilobytes long), each as a Scalingo
//! audit log, asciicast v2 and asciicast v3, generated here (`tests/fixtures/hostile/` keeps a
//! small copy of a few for people to try by hand). For every command that prints, the bytes it
//! prints must hold no ESC (except the SGR sequences auditty generates in `--format ansi`), no
//! C1 control in any encoding, no BEL, no DEL, no bidi override, no C0 control but `\n`.

mod common;

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_auditty");

/// The text written after every hostile part: it must still be on the screen at the end.
const AFTER: &str = "AFTER-OK";

// ---------------------------------------------------------------------------------------------
// The recordings

/// (category, output, input): what a hostile session writes and types.
fn categories() -> Vec<(&'static str, String, String)> {
    let big = |n: usize| "A".repeat(n);
    vec![
        (
            "osc52-clipboard",
            "\x1b]52;c;ZXZpbCBjb21tYW5k\x07\x1b]52;c;?\x07\x1b]52;p;ZXZpbA==\x1b\\\x1b]52;;?\x1b\\"
                .into(),
            String::new(),
        ),
        (
            "osc-titles",
            "\x1b]0;pwned\x07\x1b]1;icon\x1b\\\x1b]2;a\x1b[31mb\x07\x1b]2;x\u{9d}y\u{9c}\
             \x1b]2;safe\u{202e}exe.txt\x07\x1b]0;bell\x07\x07\x07"
                .into(),
            String::new(),
        ),
        (
            "osc-palette",
            "\x1b]4;1;rgb:ff/00/00\x07\x1b]4;1;?\x07\x1b]10;?\x07\x1b]11;?\x1b\\\
             \x1b]10;#ff0000\x07\x1b]11;#000000\x07\x1b]12;?\x07\x1b]104\x07\x1b]110\x07"
                .into(),
            String::new(),
        ),
        (
            "osc8-hyperlink",
            "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\ \
             \x1b]8;id=1;file:///etc/passwd\x07passwd\x1b]8;;\x07"
                .into(),
            String::new(),
        ),
        (
            "dcs-requests",
            "\x1bP$qm\x1b\\\x1bP$q\"p\x1b\\\x1bP+q544e;636f6c6f7273\x1b\\\x1bP1$r0m\x1b\\\
             \x1bP=1s\x1b\\\x1bPtmux;\x1b\x1b]52;c;ZXZpbA==\x07\x1b\\"
                .into(),
            String::new(),
        ),
        (
            "apc-graphics",
            "\x1b_Ga=T,f=100,t=f;L2V0Yy9wYXNzd2Q=\x1b\\\x1b_Gi=31,a=q;\x1b\\\
             \x1bPq#0;2;0;0;0#1;2;100;100;0#1~~@@vv@@~~@@~~$-\x1b\\\x1b^privacy message\x1b\\\
             \x1bXstart of string\x1b\\\x1b]1337;File=inline=1:AAAA\x07"
                .into(),
            String::new(),
        ),
        (
            "queries",
            "\x1b[6n\x1b[c\x1b[0c\x1b[>c\x1b[=c\x1b[5n\x1b[?6n\x1b[?996n\x1b[?2004$p\x1b[18t\x05"
                .into(),
            String::new(),
        ),
        (
            "window-ops",
            "\x1b[8;100;300t\x1b[21t\x1b[20t\x1b[14t\x1b[2t\x1b[3;0;0t\x1b[9;1t\x1b[22;0t".into(),
            String::new(),
        ),
        (
            "c1-as-utf8",
            "\u{9b}6n\u{9b}c\u{9d}0;c1 title\u{9c}\u{90}$qm\u{9c}\u{9b}31mred\u{85}\u{9e}pm\u{9c}\
             \u{9f}apc\u{9c}\u{9b}?1049h\u{9b}?1049l\u{8d}\u{88}\u{9a}"
                .into(),
            String::new(),
        ),
        (
            "modes-left-on",
            "\x1b[?1000h\x1b[?1002h\x1b[?1003h\x1b[?1006h\x1b[?1015h\x1b[?2004h\x1b[?1004h\
             \x1b[?1h\x1b=\x1b[4h\x1b[?7l\x1b[?1049h\x1b[?25l\x1b[?12h\x1b[5 q"
                .into(),
            String::new(),
        ),
        (
            "reset",
            "text\x1bc\x1b]0;after reset\x07\x1b[!p\x1b#8".into(),
            String::new(),
        ),
        (
            "controls-and-bidi",
            "\x07\x00\x05\x0e\x0f\x7f\x1b(0lqk\x1b(B\u{202e}gnp.exe\u{2066}x\u{2069}\u{200f}\u{61c}"
                .into(),
            String::new(),
        ),
        (
            "input-escapes",
            "$ ".into(),
            "echo \x1b]0;pwned\x07\x1b[6n\u{9b}31m\u{202e}\x1bP$q\x1b\\ \x1b[200~paste\x1b]52;c;?\x07\u{9d}x\u{85}\x1b[201~\x07\x7f\r\
             \x1b]2;typed title\x1b\\\x1bc\u{90}q\u{9c}\r"
                .into(),
        ),
        (
            "huge-osc",
            format!("\x1b]52;c;{}\x07\x1b]0;{}\x07", big(500_000), big(100_000)),
            String::new(),
        ),
        (
            "huge-dcs",
            format!(
                "\x1bPq{}\x1b\\\x1b_G{}\x1b\\\x1b[{}m",
                "#1~".repeat(170_000),
                big(200_000),
                "1;".repeat(50_000)
            ),
            String::new(),
        ),
        (
            "huge-input",
            "$ ".into(),
            format!("\x1b]52;c;{}\x07\r", big(300_000)),
        ),
    ]
}

/// A hostile title for the asciicast header and markers.
const EVIL_TITLE: &str = "\x1b]0;t\x07\u{9b}6n\u{202e}title\x1bP$q\x1b\\";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    Scalingo,
    V2,
    V3,
}

const FORMS: [Form; 3] = [Form::Scalingo, Form::V2, Form::V3];

/// The events of a category: text before, the hostile output split in two events (a sequence
/// across events), the input, then text after.
fn events(output: &str, input: &str) -> Vec<(f64, &'static str, String)> {
    let mut ev = vec![(0.0, "o", "BEFORE\r\n".to_string())];
    if !output.is_empty() {
        let mid = (0..=output.len() / 2)
            .rev()
            .find(|&i| output.is_char_boundary(i))
            .unwrap();
        ev.push((0.5, "o", output[..mid].to_string()));
        ev.push((1.0, "o", output[mid..].to_string()));
    }
    if !input.is_empty() {
        ev.push((1.5, "i", input.to_string()));
    }
    ev.push((2.0, "o", format!("\r\n{AFTER}\r\n")));
    ev
}

fn recording(form: Form, output: &str, input: &str) -> Vec<u8> {
    let ev = events(output, input);
    match form {
        Form::Scalingo => {
            let arr: Vec<Value> = ev
                .iter()
                .map(|(t, code, data)| {
                    let ns = (t * 1e9) as u64;
                    json!({
                        "time": format!("2019-05-03T17:27:{:02}.{:09}+02:00", 30 + ns / 1_000_000_000, ns % 1_000_000_000),
                        "content": data,
                        "type": if *code == "o" { "output" } else { "input" },
                    })
                })
                .collect();
            serde_json::to_vec(&arr).unwrap()
        }
        Form::V2 | Form::V3 => {
            let v2 = form == Form::V2;
            let header = if v2 {
                json!({"version": 2, "width": 80, "height": 24, "timestamp": 1556897250, "title": EVIL_TITLE})
            } else {
                json!({"version": 3, "term": {"cols": 80, "rows": 24}, "timestamp": 1556897250, "title": EVIL_TITLE})
            };
            let mut s = format!("{header}\n");
            let mut prev = 0.0;
            for (t, code, data) in &ev {
                let time = if v2 { *t } else { t - prev };
                prev = *t;
                s.push_str(&format!("{}\n", json!([time, code, data])));
            }
            // a marker with a hostile label
            let t = if v2 { 2.5 } else { 0.5 };
            s.push_str(&format!("{}\n", json!([t, "m", EVIL_TITLE])));
            s.into_bytes()
        }
    }
}

fn ext(form: Form) -> &'static str {
    match form {
        Form::Scalingo => "json",
        Form::V2 | Form::V3 => "cast",
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the bytes

fn is_bidi(c: char) -> bool {
    matches!(
        c as u32,
        0x061C | 0x200E | 0x200F | 0x2028 | 0x2029 | 0x202A..=0x202E | 0x2066..=0x2069
    )
}

/// A character that must never be printed raw.
fn forbidden(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && c != '\n') || n == 0x7f || (0x80..0xa0).contains(&n) || is_bidi(c)
}

fn context(s: &str, i: usize) -> String {
    let mut a = i.saturating_sub(40);
    while !s.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (i + 40).min(s.len());
    while !s.is_char_boundary(b) {
        b += 1;
    }
    format!("{:?}", &s[a..b])
}

/// An SGR sequence as auditty generates it: `ESC [ 0 (;attr)* m`, each attribute one it uses.
/// Returns its length in bytes.
fn generated_sgr(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("\x1b[")?;
    let end = rest.find('m')?;
    let params = &rest[..end];
    let nums: Vec<u32> = params
        .split(';')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if nums.first() != Some(&0) {
        return None;
    }
    let mut i = 1;
    while i < nums.len() {
        match nums[i] {
            1 | 2 | 3 | 4 | 7 | 30..=37 | 40..=47 | 90..=97 | 100..=107 => i += 1,
            38 | 48 => match nums.get(i + 1) {
                Some(5) if nums.get(i + 2).is_some_and(|&n| n <= 255) => i += 3,
                Some(2) if nums.len() >= i + 5 && nums[i + 2..i + 5].iter().all(|&n| n <= 255) => {
                    i += 5
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    Some(2 + end + 1)
}

/// The bytes are UTF-8 (a raw 8-bit C1 byte is not) and hold no forbidden character; with
/// `sgr`, ESC may start an SGR sequence auditty generates, nothing else.
fn assert_clean(what: &str, bytes: &[u8], sgr: bool) {
    let s = std::str::from_utf8(bytes).unwrap_or_else(|e| {
        panic!(
            "{what}: not UTF-8 at byte {} (a raw 8-bit byte would reach the terminal): {:?}",
            e.valid_up_to(),
            String::from_utf8_lossy(
                &bytes[e.valid_up_to().saturating_sub(30)..]
                    [..60.min(bytes.len() - e.valid_up_to().saturating_sub(30))]
            )
        )
    });
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap();
        if c == '\x1b' && sgr {
            match generated_sgr(&s[i..]) {
                Some(n) => {
                    i += n;
                    continue;
                }
                None => panic!(
                    "{what}: an ESC that is not our SGR at {i}: {}",
                    context(s, i)
                ),
            }
        }
        if forbidden(c) {
            panic!(
                "{what}: control character U+{:04X} at byte {i}: {}",
                c as u32,
                context(s, i)
            );
        }
        i += c.len_utf8();
    }
}

// ---------------------------------------------------------------------------------------------
// Running the binary

fn bin() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("NO_COLOR")
        .env_remove("SCALINGO_API_TOKEN")
        .env_remove("SCALINGO_APP")
        .env_remove("AUDITTY_MAX_BYTES");
    c
}

/// Run with a time limit: a hostile recording must not hang a command.
fn run_cmd(mut c: Command, limit: Duration) -> Output {
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{c:?}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

fn run(args: &[&str]) -> Output {
    let mut c = bin();
    c.args(args);
    run_cmd(c, Duration::from_secs(120))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every command that prints, with whether its stdout may hold our SGR sequences and whether
/// it is JSON (one document, or one per line).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Ansi,
    Json,
    JsonLines,
}

fn printing_commands(file: &str) -> Vec<(Vec<String>, Kind)> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (v(&["screen", file]), Kind::Text),
        (v(&["screen", file, "--at", "50%"]), Kind::Text),
        (v(&["screen", file, "--format", "ansi"]), Kind::Ansi),
        (
            v(&["screen", file, "--format", "ansi", "--at", "1.2"]),
            Kind::Ansi,
        ),
        (v(&["screen", file, "--format", "html"]), Kind::Text),
        (v(&["screen", file, "--format", "svg"]), Kind::Text),
        (v(&["info", file]), Kind::Text),
        (v(&["info", "--json", file]), Kind::Json),
        (v(&["transcript", file]), Kind::Text),
        (v(&["transcript", "--output", file]), Kind::Text),
        (v(&["transcript", "--json", file]), Kind::JsonLines),
        (
            v(&["transcript", "--json", "--output", file]),
            Kind::JsonLines,
        ),
        (
            v(&["export", file, "-o", "-", "-f", "asciicast-v2"]),
            Kind::JsonLines,
        ),
        (
            v(&["export", file, "-o", "-", "-f", "asciicast-v3"]),
            Kind::JsonLines,
        ),
        (
            v(&[
                "export",
                file,
                "-o",
                "-",
                "-f",
                "asciicast-v2",
                "--from",
                "0.7",
            ]),
            Kind::JsonLines,
        ),
        (
            v(&[
                "export",
                file,
                "-o",
                "-",
                "-f",
                "asciicast-v3",
                "--from",
                "1.2",
            ]),
            Kind::JsonLines,
        ),
        (v(&["export", file, "-o", "-", "-f", "txt"]), Kind::Text),
        (
            v(&["export", file, "-o", "-", "-f", "txt", "--from", "0.7"]),
            Kind::Text,
        ),
    ]
}

fn check_command(args: &[String], kind: Kind) -> Output {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&a);
    let what = format!("{a:?}");
    assert_eq!(o.status.code(), Some(0), "{what}: {}", text(&o.stderr));
    assert_clean(&format!("{what} stdout"), &o.stdout, kind == Kind::Ansi);
    assert_clean(&format!("{what} stderr"), &o.stderr, false);
    match kind {
        Kind::Json => {
            serde_json::from_slice::<Value>(&o.stdout)
                .unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
        }
        Kind::JsonLines => {
            for l in text(&o.stdout).lines() {
                serde_json::from_str::<Value>(l)
                    .unwrap_or_else(|e| panic!("{what}: not a JSON line: {e}: {l:.100}"));
            }
        }
        _ => {}
    }
    o
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

// ---------------------------------------------------------------------------------------------
// Every command on every hostile recording

fn check_category(dir: &Path, name: &str, output: &str, input: &str, form: Form) {
    let p = write(
        dir,
        &format!("{name}-{form:?}.{}", ext(form)),
        &recording(form, output, input),
    );
    let file = p.to_str().unwrap();
    for (args, kind) in printing_commands(file) {
        let o = check_command(&args, kind);
        // nothing lost: the text after the hostile part is still there
        let plain_screen = args[0] == "screen" && args.len() == 2;
        if plain_screen {
            assert!(
                text(&o.stdout).contains(AFTER),
                "{name} {form:?}: {AFTER} on the screen: {}",
                text(&o.stdout)
            );
        }
        if args[0] == "export" && args.contains(&"txt".to_string()) {
            assert!(text(&o.stdout).contains(AFTER), "{name} {form:?} txt");
        }
    }
    // the recorded input shows escaped in the transcript
    if !input.is_empty() && !name.starts_with("huge") {
        let o = run(&["transcript", file]);
        let t = text(&o.stdout);
        assert!(
            t.contains("echo <M-]>0;pwned^G<Esc>[6n\\x9b31m\\u{202e}"),
            "{name} {form:?}: {t}"
        );
    }
}

#[test]
fn every_command_on_every_hostile_recording_prints_only_what_auditty_generates() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().to_path_buf();
    let cats = categories();
    // one thread per form: three at a time at most
    std::thread::scope(|s| {
        for form in FORMS {
            let dir = &dir;
            let cats = &cats;
            s.spawn(move || {
                for (name, output, input) in cats {
                    check_category(dir, name, output, input, form);
                }
            });
        }
    });
}

#[test]
fn hostile_titles_are_shown_escaped() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "t.cast",
        &recording(Form::V2, "\x1b]0;pwned\x07", ""),
    );
    let o = run(&["info", p.to_str().unwrap()]);
    let s = text(&o.stdout);
    assert!(
        s.contains("title      ^[]0;t^G\\x9b6n\\u{202e}title^[P$q^[\\"),
        "{s}"
    );
    let o = run(&["info", "--json", p.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["title"], "^[]0;t^G\\x9b6n\\u{202e}title^[P$q^[\\");
    // exported to a terminal: the title's controls are JSON escapes, its bytes are clean
    let o = run(&["export", p.to_str().unwrap(), "-o", "-"]);
    let header = text(&o.stdout).lines().next().unwrap().to_string();
    assert!(
        header.contains(r#""title":"\u001b]0;t\u0007\u009b6n\u202etitle"#),
        "{header}"
    );
}

// ---------------------------------------------------------------------------------------------
// Error messages

#[test]
fn error_messages_escape_names_and_values_from_files() {
    let d = tempfile::tempdir().unwrap();
    let evil_name = "evil\x1b]0;pwned\x07\u{9b}6n\u{202e}.json";
    let broken: Vec<(&str, Vec<u8>)> = vec![
        (evil_name, b"[{\"time\": ".to_vec()),
        (
            "bad-time.json",
            br#"[{"time":"\u001b]0;x\u0007\u009b6n\u202e","content":"x","type":"output"}]"#
                .to_vec(),
        ),
        (
            "bad-type.json",
            br#"[{"time":"2019-05-03T17:27:30Z","content":{"\u001b]52;c;?\u0007":1},"type":"output"}]"#
                .to_vec(),
        ),
        (
            "page.json",
            b"<!DOCTYPE html><html><head><title>\x1b]0;pwned\x07 \xc2\x9b6n Bad Gateway</title></head></html>"
                .to_vec(),
        ),
        (
            "api-error.json",
            br#"{"error":"\u001b]52;c;ZXZpbA==\u0007\u009d0;t\u009c"}"#.to_vec(),
        ),
        (
            "bad-cast.cast",
            b"{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.5, \"o\", 42, \"\\u001b[6n\"]\n[\"\\u001b]0;x\\u0007\", \"o\", \"x\"]\n"
                .to_vec(),
        ),
        (
            "bad-header.cast",
            b"{\"version\": \"\\u001b]0;x\\u0007\", \"width\": 80}\n".to_vec(),
        ),
    ];
    for (name, bytes) in &broken {
        let p = write(d.path(), name, bytes);
        for cmd in ["info", "screen", "transcript", "export"] {
            let mut args = vec![cmd, p.to_str().unwrap()];
            if cmd == "export" {
                args.extend(["-o", "-"]);
            }
            let o = run(&args);
            let what = format!("{cmd} {name:?}");
            assert_eq!(o.status.code(), Some(1), "{what}: {}", text(&o.stderr));
            assert_clean(&format!("{what} stderr"), &o.stderr, false);
            assert_eq!(
                text(&o.stderr).lines().count(),
                1,
                "{what}: {}",
                text(&o.stderr)
            );
            assert!(o.stdout.is_empty(), "{what}");
        }
    }
    // a missing file whose name holds escapes
    let missing = d.path().join("gone\x1b]2;x\x07\u{85}");
    let o = run(&["info", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_clean("missing file", &o.stderr, false);
    assert!(text(&o.stderr).contains("gone^[]2;x^G\\x85: no such file"));
    // the player refuses a broken file before touching the terminal
    let p = d.path().join(evil_name);
    let o = run(&["play", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert_clean("play stderr", &o.stderr, false);
    // odd-but-readable files: the warning (naming a hostile type) is escaped
    let p = write(
        d.path(),
        "odd.json",
        br#"[{"time":"2019-05-03T17:27:30Z","content":"x","type":"\u001b]0;t\u0007\u009b6n"},
            {"time":"2019-05-03T17:27:31Z","content":"y","type":"output"}]"#,
    );
    for args in [vec!["info"], vec!["info", "--json"], vec!["screen"]] {
        let mut a = args.clone();
        a.push(p.to_str().unwrap());
        let o = run(&a);
        assert_eq!(o.status.code(), Some(0), "{a:?}");
        assert_clean(&format!("{a:?}"), &o.stdout, false);
        assert_clean(&format!("{a:?}"), &o.stderr, false);
    }
    let o = run(&["info", p.to_str().unwrap()]);
    assert!(text(&o.stdout).contains("unknown event type \"^[]0;t^G\\x9b6n\" skipped"));
}

#[test]
fn usage_errors_escape_arguments() {
    // clap echoes a bad value back: it must not reach the terminal raw either
    for args in [
        vec!["screen", "x.json", "--at", "\x1b]0;pwned\x07"],
        vec!["screen", "x.json", "--format", "\u{9b}6n"],
        vec!["info", "--\x1b]2;x\x07"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert_clean(&format!("{args:?}"), &o.stderr, false);
    }
}

// ---------------------------------------------------------------------------------------------
// The Scalingo API: server-supplied strings

mod api {
    use super::common::BlockingFake;
    use super::*;
    use wiremock::ResponseTemplate;

    /// The shared fake API (tests/common), the binary run against it with any API URL.
    pub struct Fake(BlockingFake);

    impl Fake {
        pub fn start() -> Fake {
            Fake(BlockingFake::start("tk-us-hostile"))
        }

        pub fn on(&self, p: &str, t: ResponseTemplate) {
            self.0.on(p, t);
        }

        pub fn api_uri(&self) -> String {
            self.0.fake.api.uri()
        }

        pub fn cmd(&self, api_url: &str, args: &[&str]) -> Output {
            let mut c = bin();
            c.args(args)
                .env("SCALINGO_API_TOKEN", "tk-us-hostile")
                .env("SCALINGO_AUTH_URL", self.0.fake.auth.uri())
                .env("SCALINGO_API_URL", api_url)
                .env_remove("SCALINGO_REGION");
            run_cmd(c, Duration::from_secs(60))
        }
    }

    const E: &str = "\x1b]0;pwned\x07\u{9b}6n\u{9d}52;c;?\u{9c}\u{202e}\x1bP$q\x1b\\\x7f";

    #[test]
    fn sessions_from_a_hostile_api_are_printed_escaped() {
        let f = Fake::start();
        let ev = json!({"id": format!("ev{E}"), "created_at": "2019-05-03T17:27:27.819+02:00", "type": "run",
            "app_name": format!("app{E}"),
            "user": {"username": format!("john{E}"), "email": format!("j{E}@x.io"), "id": format!("us{E}")},
            "type_data": {"command": format!("bash -c 'rm -rf /'{E}\nsecond line"), "audit_log_id": format!("log{E}"),
                "audit_log_size": 2495, "detached": false}});
        f.on(
            "/v1/apps/my-app/events",
            ResponseTemplate::new(200).set_body_json(json!({"events": [ev],
                "meta": {"pagination": {"current_page": 1, "prev_page": null, "next_page": null, "total_pages": 1, "total_count": 1}}})),
        );
        f.on(
            "/v1/apps/evil/events",
            ResponseTemplate::new(404).set_body_json(
                json!({"resource": format!("app{E}"), "error": format!("not found{E}")}),
            ),
        );
        f.on(
            "/v1/apps/my-app/audit_logs/log1",
            ResponseTemplate::new(500)
                .set_body_string(format!("<html><title>oops{E}</title></html>")),
        );
        let uri = f.api_uri();
        for (args, json_out) in [
            (vec!["sessions", "--app", "my-app"], false),
            (vec!["sessions", "--app", "my-app", "--json"], true),
        ] {
            let o = f.cmd(&uri, &args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
            assert_clean(&format!("{args:?}"), &o.stdout, false);
            assert_clean(&format!("{args:?} stderr"), &o.stderr, false);
            if json_out {
                let v: Value = serde_json::from_slice(&o.stdout).unwrap();
                // escaped for the terminal, but the same strings once parsed
                assert!(v[0]["command"].as_str().unwrap().contains(E), "{v}");
            } else {
                assert!(
                    text(&o.stdout).contains("^[]0;pwned^G"),
                    "{}",
                    text(&o.stdout)
                );
            }
        }
        for args in [
            vec!["sessions", "--app", "evil"],
            vec!["fetch", "--app", "my-app", "log1", "-o", "-"],
            vec!["screen", "scalingo://my-app/log1"],
        ] {
            let o = f.cmd(&uri, &args);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o.stderr));
            assert_clean(&format!("{args:?} stderr"), &o.stderr, false);
            assert!(o.stdout.is_empty(), "{args:?}");
            assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
        }
    }

    /// An API that announces a body and closes the connection half-way through it.
    fn cut_short_api() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut buf = [0u8; 8192];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[{\"time\":\"2019-05-03T17:27:30Z\",\"content\":\"half",
                );
                let _ = stream.flush();
                drop(stream);
            }
        });
        format!("http://{addr}")
    }

    #[test]
    fn a_fetch_cut_short_leaves_no_file_and_keeps_the_previous_one() {
        let f = Fake::start();
        let api = cut_short_api();
        let d = tempfile::tempdir().unwrap();
        let existing = write(d.path(), "evidence.json", b"previous evidence");
        let o = f.cmd(
            &api,
            &[
                "fetch",
                "--app",
                "my-app",
                "log1",
                "-o",
                existing.to_str().unwrap(),
                "--force",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
        assert_clean("fetch stderr", &o.stderr, false);
        assert_eq!(std::fs::read(&existing).unwrap(), b"previous evidence");
        // a new name: nothing left behind, not even a temporary file
        let new = d.path().join("new.json");
        let o = f.cmd(
            &api,
            &[
                "fetch",
                "--app",
                "my-app",
                "log1",
                "-o",
                new.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        let names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["evidence.json"], "only the previous file remains");
    }
}

// ---------------------------------------------------------------------------------------------
// Broken input: more categories than tests/cli.rs

/// Status 1, one line naming the file (and `place`, when given), nothing on stdout.
fn assert_broken(path: &Path, place: &str) -> String {
    let mut first = String::new();
    for cmd in ["info", "screen", "transcript"] {
        let o = run(&[cmd, path.to_str().unwrap()]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{cmd} {path:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{cmd}: one line: {err:?}");
        assert!(
            err.starts_with(&format!("error: {}: ", path.display())),
            "{err}"
        );
        assert!(err.contains(place), "place {place:?} in {err:?}");
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{err}"
        );
        assert!(o.stdout.is_empty(), "nothing on stdout");
        first = err;
    }
    first
}

#[test]
fn asciicast_and_ndjson_breakage_gets_one_line_errors() {
    let d = tempfile::tempdir().unwrap();
    let h2 = "{\"version\": 2, \"width\": 80, \"height\": 24}\n";
    let h3 = "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}}\n";
    let ev = r#"{"time":"2019-05-03T17:27:30Z","content":"x","type":"output"}"#;
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "v2-bad-width.cast",
            "{\"version\": 2, \"width\": \"wide\", \"height\": 24}\n[0.5, \"o\", \"x\"]\n".into(),
            "1:",
        ),
        (
            "v2-header-cut.cast",
            "{\"version\": 2, \"width\": 80, \"hei".into(),
            "cut short",
        ),
        (
            "v9.cast",
            "{\"version\": 9, \"width\": 80, \"height\": 24}\n[0.5, \"o\", \"x\"]\n".into(),
            "",
        ),
        (
            "events-before-header.cast",
            format!("[0.5, \"o\", \"x\"]\n{h2}"),
            "",
        ),
        (
            "v2-object-event.cast",
            format!("{h2}[0.5, \"o\", \"x\"]\n{{\"time\": 1}}\n"),
            "event 1",
        ),
        ("v2-number-event.cast", format!("{h2}42\n"), "event 0"),
        (
            "v2-time-string.cast",
            format!("{h2}[\"soon\", \"o\", \"x\"]\n"),
            "event 0",
        ),
        (
            "v2-negative-time.cast",
            format!("{h2}[-1, \"o\", \"x\"]\n"),
            "event 0",
        ),
        (
            "v2-huge-time.cast",
            format!("{h2}[1e999, \"o\", \"x\"]\n"),
            "2:6",
        ),
        (
            "v2-data-number.cast",
            format!("{h2}[0.5, \"o\", 42]\n"),
            "event 0",
        ),
        (
            "v2-cut.cast",
            format!("{h2}[0.5, \"o\", \"x\"]\n[1.0, \"o\", \"y"),
            "3:13",
        ),
        (
            "v3-garbage-line.cast",
            format!("{h3}[0.5, \"o\", \"x\"]\nnot json at all\n"),
            "3:",
        ),
        (
            "v3-nested.cast",
            format!("{h3}{}{}\n", "[".repeat(3000), "]".repeat(3000)),
            "event 0",
        ),
        (
            "ndjson-cut.log",
            format!("{ev}\n{ev}\n{{\"time\":\"2019-05-03T17:27:31Z\",\"con"),
            "3:",
        ),
        (
            "ndjson-array-line.log",
            format!("{ev}\n[1,2]\n{ev}\n"),
            "event 1",
        ),
        (
            "ndjson-missing.log",
            format!("{ev}\n{{\"time\":\"2019-05-03T17:27:31Z\",\"type\":\"output\"}}\n"),
            "event 1",
        ),
        (
            "ndjson-bad-time.log",
            format!(
                "{ev}\n{}\n",
                ev.replace("2019-05-03T17:27:30Z", "30/02/2019")
            ),
            "event 1",
        ),
        (
            "ndjson-garbage.log",
            format!("{ev}\n\x00\x01\x02garbage\n"),
            "2:",
        ),
    ];
    for (name, body, place) in cases {
        let p = write(d.path(), name, body.as_bytes());
        let err = assert_broken(&p, place);
        eprintln!("{name}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_2_gib_file_is_refused_at_once_without_being_read() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("huge.json");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(2 << 30).unwrap(); // sparse: no disk used
    drop(f);
    // a memory limit well under the file's size: reading it would fail
    let started = Instant::now();
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v 600000; exec \"{BIN}\" info \"$1\""))
        .arg("sh")
        .arg(&p)
        .env_remove("AUDITTY_MAX_BYTES");
    let o = run_cmd(c, Duration::from_secs(30));
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(
        err,
        format!(
            "error: {}: too large (2147483648 bytes; the limit is 1073741824 bytes, set AUDITTY_MAX_BYTES to raise it)\n",
            p.display()
        )
    );
    assert!(started.elapsed() < Duration::from_secs(10), "at once");
    // the same file on standard input
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v 600000; exec \"{BIN}\" info - < \"$1\""))
        .arg("sh")
        .arg(&p)
        .env_remove("AUDITTY_MAX_BYTES");
    let o = run_cmd(c, Duration::from_secs(30));
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: <stdin>: too large"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Nothing lost

#[test]
fn an_odd_event_never_makes_the_rest_unreadable() {
    let d = tempfile::tempdir().unwrap();
    let t = |s: u32| format!("2019-05-03T17:27:{s:02}Z");
    let body = format!(
        r#"[{{"time":"{}","content":"one\r\n","type":"output"}},
        {{"time":"{}","content":"x","type":"\u001b]0;weird"}},
        {{"time":"{}","content":"two \ud800\udc00\ud800 lone\r\n","type":"output"}},
        {{"time":"{}","content":"\u001b[99999999999999999999;99999999999999999H\u001b[?99999999999h\u001b[38;5;999999m\u001b[38;2;999;999;999m\u001b[0;;;;;;;;;;;;;;;;;;;m\u001b#8\u001b(0\u001b(B\u001b[1000000000@\u001b[1000000000L\u001b[1000000000M\u001b[1000000000P\u001b[1000000000X\u001b[1000000000b\u001b[1000000000S\u001b[1000000000T\u001b[2J\u001b[H","type":"output"}},
        {{"time":"{}","content":"three\r\n","type":"output"}},
        {{"time":"{}","content":"\u001b]52;c;{}\u0007\u001bP{}\u001b\\","type":"output"}},
        {{"time":"{}","content":"four\r\n","type":"output"}},
        {{"time":"{}","content":"\udfff","type":"input"}},
        {{"time":"{}","content":"five\r\n","type":"output"}}]"#,
        t(1),
        t(2),
        t(3),
        t(4),
        t(5),
        t(6),
        "B".repeat(300_000),
        "q".repeat(300_000),
        t(7),
        t(8),
        t(9)
    );
    let p = write(d.path(), "odd.json", body.as_bytes());
    let o = run(&["info", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("event 1: unknown event type"),
        "{warnings}"
    );
    assert!(
        warnings.contains("event 2: lone UTF-16 surrogate"),
        "{warnings}"
    );
    assert!(warnings.contains("U+FFFD in 2 events (2, 7)"), "{warnings}");
    let o = run(&["screen", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    for later in ["three", "four", "five"] {
        assert!(s.contains(later), "{later} on the screen:\n{s}");
    }
    let o = run(&["export", p.to_str().unwrap(), "-o", "-", "-f", "txt"]);
    let s = text(&o.stdout);
    for later in ["one", "two \u{10000}\u{fffd} lone", "three", "four", "five"] {
        assert!(s.contains(later), "{later} in the text:\n{s}");
    }
}

/// A recording whose geometry is absurd (cursor addressed at row and column 65535, an
/// asciicast header or a resize asking for 10000×10000) is readable without exhausting memory.
#[cfg(unix)]
#[test]
fn absurd_geometry_does_not_exhaust_memory() {
    let d = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String)> = vec![
        (
            "cup.json",
            r#"[{"time":"2019-05-03T17:27:30Z","content":"\u001b[65535;65535Hx\r\nAFTER-OK","type":"output"}]"#.into(),
        ),
        (
            "alt.json",
            r#"[{"time":"2019-05-03T17:27:30Z","content":"\u001b[?1049h\u001b[1;65535r\u001b[65535;65535Hx\u001b[?1049l\r\nAFTER-OK","type":"output"}]"#.into(),
        ),
        (
            "header.cast",
            "{\"version\": 2, \"width\": 10000, \"height\": 10000}\n[0.5, \"o\", \"AFTER-OK\"]\n".into(),
        ),
        (
            "resize.cast",
            "{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.5, \"r\", \"65535x65535\"]\n[0.6, \"o\", \"AFTER-OK\"]\n".into(),
        ),
    ];
    for (name, body) in cases {
        let p = write(d.path(), name, body.as_bytes());
        for cmd in [
            "screen",
            "info",
            "transcript --output",
            "export -o - -f txt",
        ] {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("ulimit -v 1500000; exec \"{BIN}\" {cmd} \"$1\""))
                .arg("sh")
                .arg(&p);
            let o = run_cmd(c, Duration::from_secs(60));
            assert_eq!(
                o.status.code(),
                Some(0),
                "{name} {cmd}: {}",
                text(&o.stderr)
            );
            assert_clean(&format!("{name} {cmd}"), &o.stdout, false);
        }
    }
}

/// The largest screen, and a recording that keeps writing to it: keyframes (copies of the
/// screen) must not multiply the memory (18 MB of output took 4 GB before they were bounded).
#[cfg(unix)]
#[test]
fn keyframes_of_a_huge_screen_stay_within_memory() {
    let d = tempfile::tempdir().unwrap();
    let mut body = String::from("{\"version\": 2, \"width\": 2000, \"height\": 1000}\n");
    let line = format!("{}\r\n", "x".repeat(60_000));
    for i in 0..300 {
        body.push_str(&json!([i as f64 * 0.01, "o", line]).to_string());
        body.push('\n');
    }
    body.push_str("[3.5, \"o\", \"AFTER-OK\"]\n");
    let p = write(d.path(), "wide.cast", body.as_bytes());
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v 1000000; exec \"{BIN}\" screen \"$1\""))
        .arg("sh")
        .arg(&p);
    let o = run_cmd(c, Duration::from_secs(120));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains(AFTER));
}

// ---------------------------------------------------------------------------------------------
// The player under a pty: every byte it writes to the terminal

fn have_script() -> bool {
    Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The escape sequences the player may write: what ratatui and crossterm draw with.
fn allowed_player_sequence(seq: &str) -> Result<(), String> {
    let b = seq.as_bytes();
    match b.get(1) {
        Some(b'[') => {
            let body = &seq[2..seq.len() - 1];
            let fin = *b.last().unwrap();
            match fin {
                b'H' | b'f' | b'A' | b'B' | b'C' | b'D' | b'G' | b'd' | b'J' | b'K' | b'X' => {
                    if body.bytes().all(|c| c.is_ascii_digit() || c == b';') {
                        Ok(())
                    } else {
                        Err(format!("odd cursor/erase sequence {seq:?}"))
                    }
                }
                b'm' => {
                    let ok = body
                        .bytes()
                        .all(|c| c.is_ascii_digit() || c == b';' || c == b':');
                    if ok {
                        Ok(())
                    } else {
                        Err(format!("odd SGR {seq:?}"))
                    }
                }
                b'h' | b'l' => match body {
                    "?1049" | "?25" | "?1000" | "?1002" | "?1003" | "?1006" | "?1015" | "?2026" => {
                        Ok(())
                    }
                    _ => Err(format!("mode switch {seq:?}")),
                },
                _ => Err(format!("sequence {seq:?}")),
            }
        }
        Some(b'7') | Some(b'8') => Ok(()),
        _ => Err(format!("escape {seq:?}")),
    }
}

/// Split the terminal bytes into escape sequences and check each one, and the modes left at
/// the end. Returns the sequences seen (for the report).
fn check_player_bytes(what: &str, bytes: &[u8]) {
    let s = std::str::from_utf8(bytes)
        .unwrap_or_else(|e| panic!("{what}: not UTF-8 at {}", e.valid_up_to()));
    let mut modes: std::collections::HashMap<String, char> = Default::default();
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap();
        if c == '\x1b' {
            let rest = &s.as_bytes()[i..];
            let len = match rest.get(1) {
                Some(b'[') => {
                    let mut j = 2;
                    while j < rest.len() && !(0x40..=0x7e).contains(&rest[j]) {
                        j += 1;
                    }
                    j + 1
                }
                Some(_) => 2,
                None => 1,
            };
            let seq = &s[i..(i + len).min(s.len())];
            if let Err(e) = allowed_player_sequence(seq) {
                panic!(
                    "{what}: the player wrote {e} at byte {i}: {}",
                    context(s, i)
                );
            }
            if seq.ends_with('h') || seq.ends_with('l') {
                modes.insert(
                    seq[2..seq.len() - 1].to_string(),
                    seq.chars().last().unwrap(),
                );
            }
            i += len;
            continue;
        }
        if c != '\n' && c != '\r' && forbidden(c) {
            panic!(
                "{what}: the player wrote U+{:04X} at byte {i}: {}",
                c as u32,
                context(s, i)
            );
        }
        i += c.len_utf8();
    }
    // the viewer's terminal is left as it was
    assert_eq!(
        modes.get("?1049"),
        Some(&'l'),
        "{what}: alternate screen left"
    );
    assert_eq!(modes.get("?25"), Some(&'h'), "{what}: cursor shown");
    for m in ["?1000", "?1002", "?1003", "?1006"] {
        assert_ne!(modes.get(m), Some(&'h'), "{what}: mouse mode {m} off");
    }
    assert_eq!(
        modes.get("?1000"),
        Some(&'l'),
        "{what}: mouse reporting off"
    );
    assert!(
        !modes.contains_key("?2004"),
        "{what}: bracketed paste untouched"
    );
}

/// Run the player in a pty (`script`), press `keys` (each after a pause), return every byte
/// it wrote to the terminal.
fn play_in_pty(file: &Path, keys: &[&str]) -> Vec<u8> {
    play_in_pty_with(file, &[], keys)
}

/// As [`play_in_pty`], with more arguments to `play` (`--with FILE`).
fn play_in_pty_with(file: &Path, extra: &[&Path], keys: &[&str]) -> Vec<u8> {
    let with: String = extra
        .iter()
        .map(|p| format!(" --with \"{}\"", p.display()))
        .collect();
    let cmd = format!(
        "stty cols 100 rows 30; exec \"{BIN}\" play --speed 20 \"{}\"{with}",
        file.display()
    );
    let mut child = Command::new("script")
        .args(["-q", "-f", "-e", "-c", &cmd, "/dev/null"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let captured = Arc::new(Mutex::new(Vec::new()));
    let mut out = child.stdout.take().unwrap();
    let c2 = Arc::clone(&captured);
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        loop {
            match out.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => c2.lock().unwrap().extend_from_slice(&buf[..n]),
            }
        }
    });
    // wait for the player to have drawn (the status line's pause/play sign)
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = text(&captured.lock().unwrap());
        if seen.contains("\x1b[?1049h") && (seen.contains('▶') || seen.contains('⏸')) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the player did not start: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stdin = child.stdin.take().unwrap();
    for k in keys {
        std::thread::sleep(Duration::from_millis(300));
        stdin.write_all(k.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "the player did not quit: {:?}",
                text(&captured.lock().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    reader.join().unwrap();
    assert!(status.success(), "player exit: {status:?}");
    let bytes = captured.lock().unwrap().clone();
    bytes
}

/// Whether `what` was on the viewer's screen at some moment: the bytes the player wrote,
/// replayed in a terminal of the pty's size. (Not a search of the bytes: the player redraws
/// only the cells that change, so `AFTER-OK` over a screen of DECALN's `E`s is written
/// `AFT`, a cursor move, `R-OK`.)
fn shown(bytes: &[u8], what: &str) -> bool {
    let n = |v: u16| std::num::NonZeroU16::new(v).unwrap();
    let mut p = vt100::Parser::new(n(30), n(100), 0);
    bytes.chunks(512).any(|c| {
        p.process(c);
        p.screen().contents().contains(what)
    })
}

#[test]
fn the_player_writes_nothing_from_a_hostile_recording_to_the_terminal() {
    if !have_script() {
        eprintln!(
            "NOTICE: `script` (util-linux) not installed: the pty check of the player is skipped"
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    // every category in one recording, plus markers and a hostile title
    let mut output = String::new();
    let mut input = String::new();
    for (name, o, i) in categories() {
        if name.starts_with("huge") {
            continue;
        }
        output.push_str(&o);
        output.push_str("\r\n");
        input.push_str(&i);
    }
    let huge: Vec<(&str, String, String)> = categories()
        .into_iter()
        .filter(|c| c.0.starts_with("huge"))
        .collect();
    let mut files = vec![];
    for form in FORMS {
        files.push(write(
            d.path(),
            &format!("all-{form:?}.{}", ext(form)),
            &recording(form, &output, &input),
        ));
    }
    for (name, o, i) in &huge {
        files.push(write(
            d.path(),
            &format!("{name}.cast"),
            &recording(Form::V2, o, i),
        ));
    }
    // play to the end, search, the commands panel, help, seek back and play, quit
    let keys = [
        " ", "G", "/", "AFTER", "\r", "n", "c", "\x1b[B", "\r", "c", "?", "?", "l", "l", "g", " ",
        "5", ".", ",", "t", "end", "\r", "q",
    ];
    for f in &files {
        let bytes = play_in_pty(f, &keys);
        let what = format!("play {}", f.file_name().unwrap().to_string_lossy());
        check_player_bytes(&what, &bytes);
        let s = text(&bytes);
        assert!(shown(&bytes, AFTER), "{what}: the recording was shown");
        // the keys were read: the help and the search were drawn
        assert!(s.contains("any key closes"), "{what}: the help was shown");
        assert!(s.contains("/AFTER"), "{what}: the search was shown");
    }
}

/// Writes `tests/fixtures/hostile/`: every category but the huge ones in one recording, as an
/// audit log and as asciicast v2, to try by hand (`auditty tests/fixtures/hostile/all.cast`).
/// Run with `cargo test --test hostile -- --ignored write_fixtures`.
#[test]
#[ignore]
fn write_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    std::fs::create_dir_all(&dir).unwrap();
    let (mut output, mut input) = (String::new(), String::new());
    for (name, o, i) in categories() {
        if !name.starts_with("huge") {
            output.push_str(&o);
            output.push_str("\r\n");
            input.push_str(&i);
        }
    }
    write(
        &dir,
        "all.json",
        &recording(Form::Scalingo, &output, &input),
    );
    write(&dir, "all.cast", &recording(Form::V2, &output, &input));
}

#[test]
fn committed_fixtures_are_clean_everywhere() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    for name in ["all.json", "all.cast"] {
        let p = dir.join(name);
        for (args, kind) in printing_commands(p.to_str().unwrap()) {
            check_command(&args, kind);
        }
    }
}

/// `transcript` holds what it prints one line at a time, not the whole transcript: 100
/// million newlines (an 873 kB gzip) took 2.7 GB. Here a million newlines of output, a
/// million Enter keys in one input event, and a line that moves the cursor 131 million
/// columns to the right, all under an 80 MB address-space limit (they took over 100 MB, and
/// the growth was linear in the count).
#[cfg(unix)]
#[test]
fn transcript_memory_does_not_grow_with_the_number_of_lines() {
    use flate2::{write::GzEncoder, Compression};
    let n = 1_000_000;
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(br#"[{"time":"2024-05-03T00:00:00Z","content":"first"#)
        .unwrap();
    gz.write_all("\\n".repeat(n).as_bytes()).unwrap();
    gz.write_all(br#"","type":"output"},{"time":"2024-05-03T00:00:01Z","content":""#)
        .unwrap();
    gz.write_all("\\r".repeat(n).as_bytes()).unwrap();
    gz.write_all(br#"","type":"input"},{"time":"2024-05-03T00:00:02Z","content":""#)
        .unwrap();
    gz.write_all("\\u001b[65535C".repeat(2000).as_bytes())
        .unwrap();
    gz.write_all(br#"far\nlast","type":"output"}]"#).unwrap();
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "lines.json.gz", &gz.finish().unwrap());
    for cmd in ["transcript --output", "transcript"] {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("ulimit -v 80000; exec \"{BIN}\" {cmd} \"$1\""))
            .arg("sh")
            .arg(&p);
        let o = run_cmd(c, Duration::from_secs(60));
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        let lines: Vec<&str> = out.lines().collect();
        if cmd == "transcript" {
            // one empty typed line per Enter key
            assert_eq!(lines.len(), n, "{cmd}");
            assert_eq!(lines[0], "[2024-05-03T00:00:01+00:00] $ ");
            continue;
        }
        // "first" and n - 1 empty lines, n typed lines, then the last output
        assert_eq!(lines.len(), n + n + 2, "{cmd}");
        assert_eq!(lines[0], "    first");
        assert!(lines[1..n].iter().all(|l| *l == "    "), "{cmd}");
        assert_eq!(lines[n], "[2024-05-03T00:00:01+00:00] $ ");
        // the line far to the right is cut at 100 000 columns, and says so
        assert_eq!(lines[2 * n], "    …");
        assert_eq!(lines[2 * n + 1], "    last");
    }
}

#[test]
fn the_player_writes_nothing_from_hostile_context_entries_to_the_terminal() {
    if !have_script() {
        eprintln!(
            "NOTICE: `script` (util-linux) not installed: the pty check of the player is skipped"
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    // the context fixtures' session (10:00:00Z to 10:00:10Z); an app-log line and a Losant
    // entry per category, inside it: in the panel, the flash, the bar's ticks, the hit list
    let session = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/context/session.json");
    let mut log = String::new();
    let mut items = Vec::new();
    let parts: Vec<(&str, String, String)> = categories()
        .into_iter()
        .filter(|c| !c.0.starts_with("huge"))
        .collect();
    for (i, (name, o, _)) in parts.iter().enumerate() {
        let ms = 500 + i * 9000 / parts.len();
        let one_line = o.replace(['\n', '\r'], " ");
        log.push_str(&format!(
            "2024-03-01 10:00:{:02}.{:03}000000 +0000 UTC [web-{name}] {one_line} click\n",
            ms / 1000,
            ms % 1000
        ));
        items.push(json!({
            "id": format!("l{i}"),
            "creationDate": format!("2024-03-01T10:00:{:02}.{:03}Z", (ms + 50) / 1000, (ms + 50) % 1000),
            "actorType": "User", "actorName": o, "primaryTargetName": o,
            "requestResource": name, "requestAction": o, "responseStatus": 200,
        }));
    }
    let log_file = write(d.path(), "app.log", log.as_bytes());
    let losant = write(
        d.path(),
        "losant.json",
        json!({ "items": items }).to_string().as_bytes(),
    );
    // play, the context panel and Enter on an entry, steps to entries (each flashed), a
    // search in the entries and its hit list, help, quit
    let keys = [
        " ", "e", "\x1b[B", "\x1b[B", "\r", "e", "g", "]", "]", "]", "]", "/", "click", "\r", "l",
        "\x1b[B", "\r", "l", "?", "?", "q",
    ];
    let bytes = play_in_pty_with(&session, &[&log_file, &losant], &keys);
    check_player_bytes("play --with hostile context", &bytes);
    assert!(shown(&bytes, " context ("), "the context panel was shown");
    assert!(shown(&bytes, "hits for"), "the hit list was shown");
    assert!(shown(&bytes, "app-log"), "an entry was shown");
}

/// `export --redact` masks as it writes: it holds the events of the lines being read, not a
/// masked copy of the recording. A private key block that never ends (every character
/// masked, 10 MB of it) took 32 bytes per character, over 300 MB; here asciicast and text
/// exports run under a 100 MB address-space limit.
#[cfg(unix)]
#[test]
fn redacted_exports_stream_within_memory() {
    let d = tempfile::tempdir().unwrap();
    let mut cast =
        String::from("{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1700000000}\n");
    cast.push_str("[0.1,\"o\",\"-----BEGIN PRIVATE KEY-----\\r\\n\"]\n");
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\r\\n".repeat(30);
    let n = 5000;
    for i in 0..n {
        cast.push_str(&format!(
            "[{:.3},\"o\",\"{body}\"]\n",
            0.2 + i as f64 / 1000.0
        ));
    }
    let p = write(d.path(), "key.cast", cast.as_bytes());
    assert!(cast.len() > 10_000_000);
    for ext in ["cast", "txt"] {
        let out = d.path().join(format!("out.{ext}"));
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!(
                "ulimit -v 100000; exec \"{BIN}\" export \"$1\" --redact -o \"$2\""
            ))
            .arg("sh")
            .arg(&p)
            .arg(&out);
        let o = run_cmd(c, Duration::from_secs(120));
        assert_eq!(o.status.code(), Some(0), "{ext}: {}", text(&o.stderr));
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(!written.contains("MIIEvQ"), "{ext}: the key is masked");
        let masked = "*".repeat(64);
        assert!(
            written.matches(&masked).count() >= n * 30,
            "{ext}: every line of it"
        );
    }
}
