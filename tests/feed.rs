//! A context file alone as a feed, in-process: each kind of fixture (tests/fixtures/context/:
//! an app log, Scalingo app events, a Losant answer, a Datafold answer) opened by `screen`,
//! `info`, `transcript`, `export` and `timeline` as the commands do, its entries on the screen
//! at their times (the lines up to a moment, none after), every control character escaped.
//! The expected times below are read off the fixtures by hand.

mod common;

use auditty::cli::{Cli, Command};
use clap::Parser;
use std::path::Path;

fn fx(name: &str) -> String {
    common::fixture("context", name)
}

/// Run `auditty ARGS…` in this process; what it wrote, or its one-line error.
fn run(args: &[&str]) -> Result<String, String> {
    let cli = Cli::try_parse_from(std::iter::once("auditty").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let r = match &cli.command {
        Some(Command::Screen(a)) => auditty::commands::screen::run(a, &mut out),
        Some(Command::Info(a)) => auditty::commands::info::run(a, &mut out),
        Some(Command::Transcript(a)) => auditty::commands::transcript::run(a, &mut out),
        Some(Command::Timeline(a)) => auditty::commands::timeline::run(a, &mut out),
        Some(Command::Export(a)) => auditty::commands::export::run(a, &mut out),
        _ => panic!("not a command this test runs: {args:?}"),
    };
    r.map_err(|e| e.to_string())?;
    Ok(String::from_utf8(out).unwrap())
}

/// The lines of the screen that are not empty.
fn screen_at(file: &str, at: &str) -> Vec<String> {
    let s = run(&["screen", file, "--at", at]).unwrap_or_else(|e| panic!("{at}: {e}"));
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

/// Each entry of a fixture: its time (RFC 3339), and how its line starts (the time of day
/// in the feed's offset, the lane).
struct Kind {
    file: String,
    entries: Vec<(&'static str, &'static str)>,
}

fn kinds(datafold: String) -> Vec<Kind> {
    vec![
        Kind {
            file: fx("app.log"),
            entries: vec![
                (
                    "2024-03-01T09:54:59.999999999Z",
                    "09:54:59.999  app-log    web-1  before",
                ),
                (
                    "2024-03-01T09:55:00Z",
                    "09:55:00.000  app-log    web-1  first edge",
                ),
                (
                    "2024-03-01T10:00:03.25Z",
                    "10:00:03.250  app-log    web-1  ^[[31mERROR",
                ),
                (
                    "2024-03-01T10:05:10Z",
                    "10:05:10.000  app-log    router  method=GET",
                ),
                (
                    "2024-03-01T10:05:10.000000001Z",
                    "10:05:10.000  app-log    web-1  after",
                ),
            ],
        },
        Kind {
            file: fx("events.json"),
            // in the order of their times, not of the file
            entries: vec![
                (
                    "2024-03-01T11:00:04+01:00",
                    "11:00:04.000  app-event  alice  variable",
                ),
                (
                    "2024-03-01T11:00:04.5+01:00",
                    "11:00:04.500  app-event  alice  variables",
                ),
                (
                    "2024-03-01T11:00:06.5+01:00",
                    "11:00:06.500  app-event  alice  restart",
                ),
                (
                    "2024-03-01T11:30:00+01:00",
                    "11:30:00.000  app-event  alice  deployment",
                ),
            ],
        },
        Kind {
            file: fx("losant.json"),
            entries: vec![
                (
                    "2024-03-01T09:56:40Z",
                    "09:56:40.000  losant     ci (ApiToken)  flows.get",
                ),
                (
                    "2024-03-01T10:00:07Z",
                    "10:00:07.000  losant     Bob (User)  device.patch on Device pump-^[]0;pwned^G",
                ),
            ],
        },
        Kind {
            file: datafold,
            entries: vec![
                (
                    "2024-03-01T10:00:08Z",
                    "10:00:08.000  datafold   dana@example.com  login",
                ),
                (
                    "2024-03-01T10:01:30.5Z",
                    "10:01:30.500  datafold   eve@example.com  export",
                ),
            ],
        },
    ]
}

/// A Datafold answer of two entries (the fixture has one readable entry only).
fn datafold(dir: &Path) -> String {
    let path = dir.join("datafold-two.json");
    let body = serde_json::json!({"logs": [
        {"timestamp": "2024-03-01T10:01:30.500Z", "event_uuid": "u2",
         "user_email": "eve@example.com", "action": "export", "status": "success"},
        {"timestamp": "2024-03-01T10:00:08Z", "event_uuid": "u1",
         "user_email": "dana@example.com", "action": "login", "status": "success"},
    ]});
    std::fs::write(&path, body.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn every_kind_plays_as_a_feed_its_entries_on_the_screen_at_their_times() {
    let dir = tempfile::tempdir().unwrap();
    let time = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    for k in kinds(datafold(dir.path())) {
        // at an entry's time, and just before it: every line up to then, in order, none after
        for (at, _) in &k.entries {
            let before = (time(at) - chrono::Duration::nanoseconds(1)).to_rfc3339();
            for at in [at.to_string(), before] {
                if time(&at) < time(k.entries[0].0) {
                    continue; // before the feed: an error, not a screen
                }
                let shown = screen_at(&k.file, &at);
                let upto = k
                    .entries
                    .iter()
                    .filter(|(t, _)| time(t) <= time(&at))
                    .count();
                assert_eq!(shown.len(), upto, "{} at {at}:\n{shown:#?}", k.file);
                for (line, (_, start)) in shown.iter().zip(&k.entries) {
                    assert!(line.starts_with(start), "{} at {at}: {line:?}", k.file);
                }
            }
        }
        assert_eq!(
            screen_at(&k.file, "end").len(),
            k.entries.len(),
            "{}",
            k.file
        );
        // before the first entry is outside the feed
        let early = (time(k.entries[0].0) - chrono::Duration::seconds(1)).to_rfc3339();
        let e = run(&["screen", &k.file, "--at", &early]).unwrap_err();
        assert_eq!(e.lines().count(), 1, "{e}");
    }
}

#[test]
fn nothing_raw_reaches_the_output_of_a_hostile_feed() {
    let (log, losant) = (fx("app.log"), fx("losant.json"));
    let outputs = [
        run(&["screen", &losant, "--at", "end"]).unwrap(),
        run(&["screen", &log, "--at", "end", "--format", "html"]).unwrap(),
        run(&["info", &losant, "--with", &log]).unwrap(),
        run(&["transcript", &losant, "--with", &log, "--output"]).unwrap(),
        run(&["timeline", &log, "--with", &losant]).unwrap(),
    ];
    for s in &outputs {
        for c in s.chars() {
            let n = c as u32;
            assert!(
                c == '\n' || !(n < 0x20 || n == 0x7f || (0x80..0xa0).contains(&n)),
                "control {n:#x} in {s}"
            );
        }
    }
    assert!(outputs[0].contains("pump-^[]0;pwned^G"), "{}", outputs[0]);
    assert!(
        outputs[1].contains("^[[31mERROR^[[0m disk \\x9b2J full^G"),
        "{}",
        outputs[1]
    );
}

#[test]
fn info_transcript_export_and_timeline_of_a_feed() {
    let (log, losant) = (fx("app.log"), fx("losant.json"));
    let info = run(&["info", &losant]).unwrap();
    assert!(info.contains("\nformat     context-feed\n"), "{info}");
    assert!(
        info.contains("\nstart      2024-03-01T09:56:40+00:00\n"),
        "{info}"
    );
    assert!(info.contains("\nduration   207.000 s"), "{info}");
    assert!(info.contains("\ngeometry   80x24 (a feed)\n"), "{info}");
    assert!(info.contains("Losant audit logs, 2 entries"), "{info}");
    let sized = run(&["info", &losant, "--cols", "132", "--rows", "10"]).unwrap();
    assert!(sized.contains("\ngeometry   132x10 (given)\n"), "{sized}");
    // a feed's own warnings are said once, as the recording's
    let info = run(&["info", &fx("datafold.json")]).unwrap();
    assert_eq!(info.matches("UTC was assumed").count(), 1, "{info}");
    assert!(info.contains("Datafold audit logs, 1 entries in window (of 1), its warnings above"));

    // --with merges the app log in, over 5 minutes around Losant's entries (09:51:40 to
    // 10:05:07: its lines at 10:05:10 are out): the feed starts at the log's first line
    let t = run(&["transcript", &losant, "--with", &log]).unwrap();
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 5, "{t}");
    assert!(
        lines[0].contains("(app-log) web-1: before the window"),
        "{t}"
    );
    assert!(
        lines[2].contains("(losant) ci (ApiToken): flows.get"),
        "{t}"
    );
    let rows = run(&["timeline", &losant, "--with", &log, "--json"]).unwrap();
    let rows: Vec<serde_json::Value> = rows
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[2]["lane"], "losant");
    assert_eq!(rows[2]["t"].as_f64(), Some(100.000000001));

    // export: the entries at their times, from the first
    let cast = run(&["export", &losant, "-o", "-"]).unwrap();
    let events: Vec<serde_json::Value> = cast
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 2, "{cast}");
    assert_eq!(events[0][0].as_f64(), Some(0.0));
    assert_eq!(events[1][0].as_f64(), Some(207.0));
    assert!(events[1][2].as_str().unwrap().contains("pump-^[]0;pwned^G"));
}

#[test]
fn a_file_that_is_neither_says_both() {
    let bad = fx("not-context.txt");
    for cmd in ["screen", "info", "transcript", "timeline"] {
        let e = run(&[cmd, &bad]).unwrap_err();
        assert!(
            e.contains("not a recording") && e.contains("nor a context file"),
            "{cmd}: {e}"
        );
        assert_eq!(e.lines().count(), 1, "{e}");
    }
    // a broken recording keeps its own error
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"[{"time": 1, "type": "output"}]"#).unwrap();
    let e = run(&["info", broken.to_str().unwrap()]).unwrap_err();
    assert!(e.contains("event 0") && !e.contains("context"), "{e}");
    // a context URI alone has no window to be fetched over
    let e = run(&["screen", "losant://org-1"]).unwrap_err();
    assert!(
        e.contains("losant://org-1: an API source is read over a session's window"),
        "{e}"
    );
}
