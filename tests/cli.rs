//! The commands as a user runs them: exit statuses, one-line errors, warnings, outputs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_auditty"));
    c.env_remove("NO_COLOR");
    c
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recordings")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A broken file: status 1, one line on stderr naming the file and a place, no panic.
fn assert_broken(path: &Path, place: &str, what: &str) {
    for cmd in ["info", "screen", "transcript"] {
        let o = run(&[cmd, path.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd} {path:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{cmd}: one line: {err:?}");
        assert!(
            err.starts_with(&format!("error: {}: ", path.display())),
            "{err}"
        );
        assert!(err.contains(place), "place {place:?} in {err:?}");
        assert!(err.contains(what), "{what:?} in {err:?}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{err}"
        );
        assert!(o.stdout.is_empty(), "nothing on stdout");
    }
}

const EV: &str =
    r#"{"time":"2019-05-03T17:27:27.819655645+02:00","content":"hi\n","type":"output"}"#;

#[test]
fn broken_files_get_one_line_errors() {
    let d = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "truncated.json",
            format!("[{EV},\n{{\"time\":\"2019-05-03T17:27:28Z\",\"cont").into_bytes(),
            "2:",
            "cut short",
        ),
        (
            "page.json",
            b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>".to_vec(),
            "",
            "HTML page (\"502 Bad Gateway\")",
        ),
        (
            "api-error.json",
            br#"{"error":"not authenticated"}"#.to_vec(),
            "",
            "API error response, not an audit log: \"not authenticated\"",
        ),
        (
            "api-404.json",
            b"{\n  \"resource\": \"app\",\n  \"error\": \"not found\"\n}\n".to_vec(),
            "",
            "\"app not found\"",
        ),
        (
            "wrong-type.json",
            br#"[{"time":"2019-05-03T17:27:27Z","content":42,"type":"output"}]"#.to_vec(),
            "event 0",
            "\"content\" must be a string, not a number",
        ),
        (
            "missing.json",
            format!(r#"[{EV},{{"time":"2019-05-03T17:27:27Z","type":"output"}}]"#).into_bytes(),
            "event 1",
            "missing field \"content\"",
        ),
        (
            "missing-time.json",
            br#"[{"content":"x","type":"output"}]"#.to_vec(),
            "event 0",
            "missing field \"time\"",
        ),
        (
            "bad-time.json",
            format!(r#"[{EV},{EV},{{"time":"yesterday","content":"x","type":"output"}}]"#)
                .into_bytes(),
            "event 2",
            "invalid time \"yesterday\"",
        ),
        ("empty.json", b"".to_vec(), "", "empty file"),
        (
            "nested.json",
            format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
            "event 0",
            "expected an event object",
        ),
        (
            "string.json",
            br#""[{\"time\": 1}]""#.to_vec(),
            "",
            "a JSON string, not a recording",
        ),
        (
            "garbage.bin",
            vec![0x00, 0xff, 0x13, 0x37, 0x00, 0x42, 0x99, 0x01, 0x02],
            "1:1",
            "binary data",
        ),
        (
            "not-array.json",
            br#"[1, 2, 3]"#.to_vec(),
            "event 0",
            "expected an event object",
        ),
        (
            "trailing.json",
            format!("[{EV}] extra").into_bytes(),
            "1:",
            "trailing characters",
        ),
        (
            "bad-cast.cast",
            b"{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.5, \"o\"]\n".to_vec(),
            "event 0",
            "expected [time, code, data]",
        ),
    ];
    for (name, bytes, place, what) in cases {
        let p = write(&d, name, &bytes);
        assert_broken(&p, place, what);
    }
}

#[test]
fn gzip_cut_short() {
    let d = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let body = format!("[{}]", vec![EV; 2000].join(","));
    gz.write_all(body.as_bytes()).unwrap();
    let full = gz.finish().unwrap();
    let p = write(&d, "log.json.gz", &full);
    let o = run(&["info", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"gzip\": true"));
    let p = write(&d, "cut.json.gz", &full[..full.len() / 2]);
    assert_broken(&p, "byte ", "gzip stream is cut short");
}

#[test]
fn oversized_input_is_refused_not_loaded() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        &d,
        "big.json",
        format!("[{}]", vec![EV; 100].join(",")).as_bytes(),
    );
    let o = bin()
        .env("AUDITTY_MAX_BYTES", "1000")
        .args(["info", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("too large"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
}

#[test]
fn missing_file_and_usage_errors() {
    let o = run(&["info", "/nonexistent/x.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "error: /nonexistent/x.json: no such file\n");
    let o = run(&["screen", &fixture("shell-basics.json"), "--at", "banana"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&["info"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "screen",
        &fixture("shell-basics.json"),
        "--newline",
        "weird",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// Odd but readable: a warning that `info` shows, and status 0.
fn assert_odd(bytes: &[u8], warning: &str) -> serde_json::Value {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "odd.json", bytes);
    let o = run(&["info", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let warnings = v["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains(warning)),
        "{warning:?} in {warnings:?}"
    );
    for cmd in ["screen", "transcript"] {
        let o = run(&[cmd, p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
    }
    v
}

#[test]
fn odd_but_readable_files_load_with_warnings() {
    let back = br#"[{"time":"2019-05-03T17:27:30Z","content":"a","type":"output"},
        {"time":"2019-05-03T17:27:29Z","content":"b","type":"output"},
        {"time":"2019-05-03T17:27:31Z","content":"c","type":"output"}]"#;
    let v = assert_odd(back, "event 1: timestamps go backwards");
    assert_eq!(v["duration_s"], 1.0);

    let surrogate =
        br#"[{"time":"2019-05-03T17:27:30Z","content":"ok \ud800 still here","type":"output"}]"#;
    assert_odd(
        surrogate,
        "event 0: lone UTF-16 surrogate replaced by U+FFFD",
    );
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "s.json", surrogate);
    let o = run(&["screen", p.to_str().unwrap()]);
    assert_eq!(stdout(&o).lines().next().unwrap(), "ok \u{fffd} still here");

    let unknown = br#"[{"time":"2019-05-03T17:27:30Z","content":"x","type":"resize"},
        {"time":"2019-05-03T17:27:31Z","content":"y","type":"output","extra":{"a":[1]}}]"#;
    let v = assert_odd(unknown, "event 0: unknown event type \"resize\" skipped");
    assert_eq!(v["events"], 1);
    // the skipped event's time is still the start
    assert_eq!(v["duration_s"], 1.0);

    let v = assert_odd(b"[]", "no events");
    assert_eq!(v["events"], 0);
}

#[test]
fn other_encodings_are_detected_by_content() {
    let d = tempfile::tempdir().unwrap();
    let ndjson = format!("{EV}\n{}\n", EV.replace("27.8", "28.8"));
    let bom = [b"\xEF\xBB\xBF".as_slice(), format!("[{EV}]").as_bytes()].concat();
    let cast2 = "{\"version\": 2, \"width\": 90, \"height\": 30, \"timestamp\": 1556897247}\n[0.5, \"o\", \"hi\\r\\n\"]\n[1.0, \"i\", \"ls\\r\"]\n[1.5, \"m\", \"mark\"]\n";
    let cast3 = "{\"version\": 3, \"term\": {\"cols\": 70, \"rows\": 20}}\n# a comment\n[0.5, \"o\", \"hi\\r\\n\"]\n[0.25, \"r\", \"60x10\"]\n[0.25, \"x\", \"0\"]\n";
    for (name, bytes, format, geometry) in [
        ("a.log", ndjson.into_bytes(), "scalingo-ndjson", (80, 24)),
        ("b.txt", bom, "scalingo-json", (80, 24)),
        (
            "c.json",
            cast2.as_bytes().to_vec(),
            "asciicast-v2",
            (90, 30),
        ),
        ("d", cast3.as_bytes().to_vec(), "asciicast-v3", (70, 20)),
    ] {
        let p = write(&d, name, &bytes);
        let o = run(&["info", "--json", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["format"], format, "{name}");
        assert_eq!(
            (v["cols"].as_u64().unwrap(), v["rows"].as_u64().unwrap()),
            geometry,
            "{name}"
        );
    }
    let p = write(&d, "e", cast3.as_bytes());
    let o = run(&["info", "--json", p.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["duration_s"], 1.0, "v3 times are intervals");
}

#[test]
fn stdin_is_a_source() {
    let mut child = bin()
        .args(["screen", "-", "--at", "end"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let log = std::fs::read(fixture("scalingo-doc-sample.json")).unwrap();
    child.stdin.take().unwrap().write_all(&log).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(stdout(&o).contains("[15:27] Scalingo:rss-john ~ $ echo \"TEST\"\nTEST\n"));
}

#[test]
fn info_json_has_every_key() {
    let o = run(&["info", "--json", &fixture("scalingo-doc-sample.json")]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "format",
        "events",
        "output_events",
        "input_events",
        "bytes",
        "start",
        "end",
        "duration_s",
        "cols",
        "rows",
        "geometry_source",
        "newline",
        "sha256",
        "warnings",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["format"], "scalingo-json");
    assert_eq!(v["events"], 16);
    assert_eq!(v["input_events"], 2);
    assert_eq!(v["start"], "2019-05-03T17:27:27.819655645+02:00");
    assert_eq!(v["end"], "2019-05-03T17:27:34.314943454+02:00");
    assert_eq!(v["newline"], "crlf");
    assert_eq!(v["geometry_source"], "default");
    let sha = sha2_hex(&std::fs::read(fixture("scalingo-doc-sample.json")).unwrap());
    assert_eq!(v["sha256"], sha);
}

fn sha2_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn screen_time_forms_and_newline_override() {
    let f = fixture("scalingo-doc-sample.json");
    let at = |t: &str, extra: &[&str]| {
        let mut a = vec!["screen", f.as_str(), "--at", t];
        a.extend_from_slice(extra);
        stdout(&run(&a))
    };
    // the screen at TIME includes the event at exactly TIME
    assert!(at("2019-05-03T17:27:32.683022023+02:00", &[]).contains("\nTEST\n"));
    assert!(!at("2019-05-03T17:27:32.683022022+02:00", &[]).contains("\nTEST\n"));
    assert!(at("2019-05-03T15:27:32.683022023Z", &[]).contains("\nTEST\n"));
    assert_eq!(at("end", &[]), at("100%", &[]));
    assert_eq!(at("6.495287809", &[]), at("end", &[]));
    assert_eq!(at("0:06.495287809", &[]), at("end", &[]));
    assert_eq!(
        at("start", &[]).lines().next().unwrap(),
        "You are in a one-off container. This is a copy of your production"
    );
    // raw: the staircase
    let raw = at("1", &["--newline", "raw"]);
    assert!(
        raw.lines()
            .nth(1)
            .unwrap()
            .starts_with("                    "),
        "{raw}"
    );
    // before the recording: an error naming its span (issue 14: it used to print a blank
    // screen and exit 0); tests/times.rs checks the words
    let o = run(&[
        "screen",
        &fixture("scalingo-doc-sample.json"),
        "--at",
        "2019-05-03T17:00:00+02:00",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("before the recording"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ansi_output_is_generated_sgr_only() {
    let o = run(&[
        "screen",
        &fixture("shell-basics.json"),
        "--at",
        "end",
        "--format",
        "ansi",
    ]);
    let s = stdout(&o);
    assert!(s.contains("\x1b[0;1;94mScalingo\x1b[0m"), "{s:?}");
    // nothing but SGR sequences
    let mut rest = s.as_str();
    while let Some(i) = rest.find('\x1b') {
        let seq = &rest[i..];
        let end = seq.find('m').unwrap();
        assert!(
            seq[1..end].starts_with('[')
                && seq[2..end].bytes().all(|b| b.is_ascii_digit() || b == b';'),
            "{:?}",
            &seq[..end + 1]
        );
        rest = &seq[end..];
    }
}

#[test]
fn transcript_reconstructs_typed_lines() {
    let o = run(&["transcript", "--json", &fixture("shell-basics.json")]);
    assert!(o.status.success());
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let texts: Vec<&str> = lines.iter().map(|v| v["text"].as_str().unwrap()).collect();
    assert_eq!(texts[0], r"echo hello; printf 'a\tb\tc\n1\t22\t333\n'");
    assert_eq!(texts.last().unwrap(), &"exit");
    assert!(lines
        .iter()
        .all(|v| v["type"] == "input" && v["t"].is_number() && v["time"].is_string()));

    let o = run(&[
        "transcript",
        "--output",
        &fixture("scalingo-doc-sample.json"),
    ]);
    let s = stdout(&o);
    assert!(s.contains("] $ echo \"TEST\"\n"), "{s}");
    assert!(s.contains("    TEST\n"), "{s}");
    let o = run(&[
        "transcript",
        "--output",
        "--json",
        &fixture("shell-basics.json"),
    ]);
    let s = stdout(&o);
    assert!(s.contains(r#""type":"output""#));
    assert!(
        s.contains("progress 100%") && !s.contains("progress  10%"),
        "CR overwrites resolved"
    );
}

#[test]
fn recorded_controls_never_reach_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    // a title, a clipboard write, a query, C1 CSI as UTF-8, escapes in input
    let log = r#"[{"time":"2019-05-03T17:27:30Z","content":"\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\u001b[6n\u009b31mred\u001b[?1049h","type":"output"},
        {"time":"2019-05-03T17:27:31Z","content":"echo \u001b]0;x\u0007\u009b\r","type":"input"}]"#;
    let p = write(&d, "hostile.json", log.as_bytes());
    for args in [
        vec!["screen", p.to_str().unwrap()],
        vec!["screen", p.to_str().unwrap(), "--format", "ansi"],
        vec!["info", p.to_str().unwrap()],
        vec!["info", "--json", p.to_str().unwrap()],
        vec!["transcript", p.to_str().unwrap()],
        vec!["transcript", "--json", "--output", p.to_str().unwrap()],
        vec!["transcript", "--output", p.to_str().unwrap()],
    ] {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains("\x1b]"), "{args:?}: OSC leaked: {out:?}");
        assert!(
            !out.contains("\x1b[6n") && !out.contains("\x1b[?1049h"),
            "{args:?}: {out:?}"
        );
        assert!(
            !out.contains('\u{9b}') && !out.contains('\x07'),
            "{args:?}: C1/BEL leaked: {out:?}"
        );
        if args[0] != "screen" || args.len() == 2 {
            assert!(!out.contains('\x1b'), "{args:?}: ESC leaked: {out:?}");
        }
    }
}

/// A span longer than a timeline holds (about 292 years of nanoseconds) is refused with a
/// one-line error naming the first event past it, in every format: no time that is in no
/// file is ever printed (a log from 1000 to 2024 used to show `[1292-04-10T23:47:16…]`).
#[test]
fn spans_past_292_years_are_refused_not_clamped() {
    let d = tempfile::tempdir().unwrap();
    let ev = |t: &str, c: &str| format!(r#"{{"time":"{t}","content":"{c}","type":"input"}}"#);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "far.json",
            format!(
                "[{},{}]",
                ev("1000-01-01T00:00:00Z", "ls\\r"),
                ev("2024-05-03T00:00:00Z", "rm -rf /\\r")
            ),
            "event 1 (1:",
        ),
        (
            "far.ndjson",
            format!(
                "{}\n{}\n{}\n",
                ev("1700-01-01T00:00:00+01:00", "ls\\r"),
                ev("1800-01-01T00:00:00Z", "ls\\r"),
                ev("2024-05-03T00:00:00Z", "rm -rf /\\r")
            ),
            "event 2 (3:",
        ),
        (
            // v2: one time past the limit (9.5e9 s fits a u64 of nanoseconds, not an i64)
            "v2.cast",
            "{\"version\": 2, \"width\": 80, \"height\": 24}\n[1, \"o\", \"a\"]\n[9.5e9, \"o\", \"b\"]\n".into(),
            "event 1 (3:",
        ),
        (
            // v3: intervals that add up past it (and past a u64: they used to saturate)
            "v3.cast",
            "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}}\n[9e9, \"o\", \"a\"]\n[9e9, \"o\", \"b\"]\n[9e9, \"o\", \"c\"]\n".into(),
            "event 1 (3:",
        ),
        (
            "v1.json",
            r#"{"version": 1, "width": 80, "height": 24, "stdout": [[1, "a"], [9e9, "b"], [9e9, "c"]]}"#.into(),
            "event 2",
        ),
    ];
    for (name, body, place) in cases {
        let p = write(&d, name, body.as_bytes());
        assert_broken(&p, place, "more than 292 years");
        let o = run(&["transcript", "--output", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(o.stdout.is_empty(), "{name}: {}", stdout(&o));
    }
    // a long span that fits is read exactly, its times as in the file
    let p = write(
        &d,
        "long.json",
        format!(
            "[{},{}]",
            ev("1800-01-01T00:00:00Z", "ls\\r"),
            ev("2024-05-03T00:00:00.5Z", "rm -rf /\\r")
        )
        .as_bytes(),
    );
    let o = run(&["transcript", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "[1800-01-01T00:00:00+00:00] $ ls\n[2024-05-03T00:00:00.500+00:00] $ rm -rf /\n"
    );
    let o = run(&["info", p.to_str().unwrap()]);
    assert!(stdout(&o).contains("end        2024-05-03T00:00:00.500+00:00\n"));
    // a clip whose --from lies so far before the recording that its times would not fit
    let o = run(&[
        "export",
        "--from",
        "1000-01-01T00:00:00Z",
        "-o",
        "-",
        "-f",
        "asciicast-v2",
        p.to_str().unwrap(),
    ]);
    // (issue 14: a --from before the recording is now refused as outside its span, status 1,
    // before the 292-year limit is reached)
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("before the recording"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
}

fn info_json(p: &Path) -> serde_json::Value {
    let o = run(&["info", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{p:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A header or resize larger than the largest screen emulated is cut to it, as the README
/// says, and `info` says so (a header over 10000 columns used to give `80x24 (default)`
/// without a word, and a resize over 65535 refused the file).
#[test]
fn oversized_headers_and_resizes_are_cut_with_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let warnings = |v: &serde_json::Value| v["warnings"].to_string();
    let p = write(
        &d,
        "v2.cast",
        b"{\"version\": 2, \"width\": 70000, \"height\": 24}\n[1, \"o\", \"a\"]\n",
    );
    let v = info_json(&p);
    assert_eq!(
        (v["cols"].as_u64(), v["rows"].as_u64()),
        (Some(2000), Some(24))
    );
    assert_eq!(v["geometry_source"], "header");
    assert!(warnings(&v).contains("70000x24: limited to 2000x24"), "{v}");
    let p = write(
        &d,
        "v3.cast",
        b"{\"version\": 3, \"term\": {\"cols\": 20000, \"rows\": 24}}\n[1, \"o\", \"a\"]\n",
    );
    let v = info_json(&p);
    assert_eq!(
        (v["cols"].as_u64(), v["rows"].as_u64()),
        (Some(2000), Some(24))
    );
    assert_eq!(
        v["geometry_source"], "header; 20000x24 limited to 2000x24",
        "{v}"
    );
    let p = write(
        &d,
        "v1.json",
        br#"{"version": 1, "width": 80, "height": 4000000000, "stdout": [[1, "a"]]}"#,
    );
    let v = info_json(&p);
    assert_eq!(
        (v["cols"].as_u64(), v["rows"].as_u64()),
        (Some(80), Some(1000))
    );
    assert!(
        warnings(&v).contains("80x4000000000: limited to 80x1000"),
        "{v}"
    );
    let p = write(
        &d,
        "resize.cast",
        b"{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"a\"]\n[0.5, \"r\", \"100000x50\"]\n[0.6, \"r\", \"3000x50\"]\n[0.7, \"o\", \"b\"]\n",
    );
    let v = info_json(&p);
    assert!(
        warnings(&v).contains("event 1: resize to 100000x50 limited to 2000x50, the largest screen emulated (2 events)"),
        "{v}"
    );
    let o = run(&["info", p.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("\nwarning    event 1: resize to 100000x50"),
        "{}",
        stdout(&o)
    );
    // sizes within the limits: no warning, as before
    let p = write(
        &d,
        "fine.cast",
        b"{\"version\": 2, \"width\": 100, \"height\": 30}\n[0.5, \"r\", \"120x40\"]\n[0.7, \"o\", \"b\"]\n",
    );
    assert_eq!(info_json(&p)["warnings"], serde_json::json!([]));
}

/// A time or delay a file gives as `1e300` is quoted as written, not as 300 digits.
#[test]
fn absurd_times_are_quoted_as_written() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        &d,
        "t.cast",
        b"{\"version\": 2, \"width\": 80, \"height\": 24}\n[1e300, \"o\", \"a\"]\n",
    );
    assert_broken(&p, "event 0 (2:1)", "invalid time 1e300");
    let p = write(
        &d,
        "v1.json",
        br#"{"version": 1, "width": 80, "height": 24, "stdout": [[-1e300, "a"]]}"#,
    );
    assert_broken(&p, "event 0", "invalid delay -1e300");
    let long = format!("1{}", "0".repeat(400));
    let p = write(
        &d,
        "long.cast",
        format!("{{\"version\": 3, \"term\": {{\"cols\": 80, \"rows\": 24}}}}\n[{long}, \"o\", \"a\"]\n")
            .as_bytes(),
    );
    let o = run(&["info", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("invalid time 10000"), "{}", stderr(&o));
    assert!(stderr(&o).len() < 200, "{}", stderr(&o));
}

/// An error never quotes a long value from the file in full: it stays a short line.
#[test]
fn errors_quote_long_values_cut_short() {
    let d = tempfile::tempdir().unwrap();
    let long = "A".repeat(100_000);
    let cases = [
        ("api.json", format!(r#"{{"error": "{long}"}}"#), "", "AAAA…"),
        (
            "header.cast",
            format!(
                "{{\"version\": 2, \"width\": \"{long}\", \"height\": 24}}\n[1, \"o\", \"a\"]\n"
            ),
            "1:",
            "AAAA…",
        ),
        (
            "event.json",
            format!(r#"[{{"time": {{"{long}": 1}}, "content": "a", "type": "output"}}]"#),
            "event 0",
            "must be a string",
        ),
    ];
    for (name, body, place, what) in cases {
        let p = write(&d, name, body.as_bytes());
        assert_broken(&p, place, what);
        let o = run(&["info", p.to_str().unwrap()]);
        assert!(stderr(&o).len() < 400, "{name}: {} bytes", stderr(&o).len());
    }
}

/// A TIME argument is quoted as given but cut short: 300 digits used to be quoted twice in
/// full (a 545-character message).
#[test]
fn long_time_arguments_are_quoted_cut() {
    let long = "9".repeat(300);
    let f = fixture("shell-basics.json");
    for args in [
        vec!["screen", "--at", long.as_str(), f.as_str()],
        vec!["export", "--from", long.as_str(), "-o", "-", f.as_str()],
        vec!["export", "--to", long.as_str(), "-o", "-", f.as_str()],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("error: invalid value '999999999"), "{err}");
        assert!(err.contains("9…'"), "{err}");
        assert!(err.len() < 300, "{} bytes: {err}", err.len());
        assert!(
            err.ends_with("\n\nFor more information, try '--help'.\n"),
            "{err}"
        );
    }
    // a short one is quoted whole, as before
    let o = run(&["screen", "--at", "1e300", &f]);
    assert_eq!(
        stderr(&o),
        "error: invalid value '1e300' for '--at <AT>': use seconds \
         (12.5), a clock (1:02.5, 1:02:03), a percentage (50%), start, end, a time of day \
         (10:27:40.352, @10:27), or a timestamp (2019-05-03 10:27:40+02:00)\n\nFor more \
         information, try '--help'.\n"
    );
}

/// A file name need not be UTF-8 (Linux allows any bytes but `/` and NUL): it opens, and is
/// shown with U+FFFD for its odd bytes.
#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_opens() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"shell-\xff\xfe.json"));
    std::fs::copy(fixture("shell-basics.json"), &path).unwrap();
    let o = bin().arg("info").arg(&path).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("shell-\u{fffd}\u{fffd}.json\n"),
        "{}",
        stdout(&o)
    );
    let o = bin().args(["transcript"]).arg(&path).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("$ exit\n"), "{}", stdout(&o));
    let missing = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"gone-\xff.json"));
    let o = bin().arg("info").arg(&missing).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).ends_with("gone-\u{fffd}.json: no such file\n"),
        "{}",
        stderr(&o)
    );
}

/// `auditty screan`, alone: no file of that name, so a mistyped command, not a missing file
/// (it said `screan: no such file`); a file of that name is still played.
#[test]
fn a_lone_word_near_a_command_is_an_unknown_command() {
    let d = tempfile::tempdir().unwrap();
    let in_dir = |args: &[&str]| {
        bin()
            .args(args)
            .current_dir(d.path())
            .env_remove("SCALINGO_APP")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for (word, name) in [
        ("screan", "screen"),
        ("exprot", "export"),
        ("plya", "play"),
        ("reviw", "review"),
        ("timelime", "timeline"),
    ] {
        let o = in_dir(&[word]);
        assert_eq!(o.status.code(), Some(2), "{word}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!(
                "error: unknown command '{word}' (did you mean '{name}'?)\n"
            )),
            "{word}: {err}"
        );
        // with player flags too
        let o = in_dir(&[word, "--paused"]);
        assert_eq!(o.status.code(), Some(2), "{word}: {}", stderr(&o));
        assert!(stderr(&o).contains("unknown command"), "{}", stderr(&o));
    }
    // a word near nothing is a file that is not there, as before
    let o = in_dir(&["zzqqx"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("unknown command"), "{}", stderr(&o));
    // a path, or a file of that name, is never taken for a command
    for args in [&["./screan"][..], &["screan.json"]] {
        let o = in_dir(args);
        assert!(
            !stderr(&o).contains("unknown command"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    write(
        &d,
        "screan",
        include_bytes!("fixtures/recordings/scalingo-doc-sample.json"),
    );
    let o = in_dir(&["screan"]);
    let err = stderr(&o);
    assert!(!err.contains("unknown command"), "{err}");
    assert!(err.contains("the player needs a terminal"), "{err}");
}
