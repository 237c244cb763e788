//! End to end: a big audit log (12 MB) opens on its start while the rest is read; the whole
//! is swapped in where the player is; a file garbled past its start ends the player with an
//! `error:` line once the terminal is restored. The real binary in a tmux pane (200×60).
//! Skipped, with a notice, where tmux is not installed (CI installs it).

mod common;

use common::tmux::{have_tmux, Tmux};
use std::io::Write;

const BIN: &str = env!("CARGO_BIN_EXE_auditty");
/// Events 10 ms apart: the whole lasts 11:39.990.
const EVENTS: usize = 70_000;

/// An audit log of `EVENTS` output lines (about 12 MB).
fn big_log(path: &std::path::Path) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    w.write_all(b"[\n").unwrap();
    for i in 0..EVENTS {
        let (s, ms) = (i / 100, (i % 100) * 10);
        let t = format!(
            "2026-11-22T09:{:02}:{:02}.{:03}000000+01:00",
            s / 60,
            s % 60,
            ms
        );
        let sep = if i + 1 < EVENTS { "," } else { "" };
        writeln!(
            w,
            "  {{\"time\": \"{t}\", \"content\": \"line {i:06} {}\\r\\n\", \"type\": \"output\"}}{sep}",
            "lorem ipsum dolor sit amet ".repeat(3)
        )
        .unwrap();
    }
    w.write_all(b"]\n").unwrap();
}

#[test]
fn a_big_log_opens_on_its_start_and_the_whole_comes_in_where_the_player_is() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end player test is skipped");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("big.json");
    big_log(&log);
    assert!(std::fs::metadata(&log).unwrap().len() > 10_000_000);
    let t = Tmux::start("big", 200, 60);
    t.type_text(&format!(
        "{BIN} --paused {} --cols 132 --rows 43",
        log.display()
    ));
    t.keys(&["Enter"]);
    // the first frame, while the rest is read: the start's duration, not the whole's
    let s = t.wait_for("the first frame", |s| {
        s.contains("132×43") && s.contains("line 000000")
    });
    let status = Tmux::status(&s);
    if status.contains("reading") {
        assert!(!status.contains("11:39.990"), "{status}");
    } else {
        eprintln!("notice: the whole was read before the first frame was looked at");
    }
    // then the whole, paused at the start as it was
    let s = t.wait_for("the whole", |s| {
        !Tmux::status(s).contains("reading") && Tmux::status(s).contains("11:39.990")
    });
    assert!(Tmux::status(&s).contains("⏸ 09:00:00.000"), "{s}");
    assert!(s.contains("line 000000"), "{s}");
    // End goes to the true end
    t.keys(&["End"]);
    t.wait_for("the end", |s| {
        s.contains(&format!("line {:06}", EVENTS - 1))
    });
    t.keys(&["q"]);
    t.assert_shell_is_back();
}

#[test]
fn a_log_garbled_past_its_start_ends_the_player_with_an_error() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end player test is skipped");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("cut.json");
    big_log(&log);
    // cut in the middle of an element, far past the start
    let f = std::fs::OpenOptions::new().write(true).open(&log).unwrap();
    f.set_len(10_000_123).unwrap();
    let t = Tmux::start("cut", 200, 60);
    t.type_text(&format!(
        "clear; {BIN} {} --cols 132 --rows 43; echo \"status=$?\"",
        log.display()
    ));
    t.keys(&["Enter"]);
    // (the command typed says `status=` too: the line echoed starts with it)
    let s = t.wait_for("the error", |s| s.lines().any(|l| l.starts_with("status=")));
    assert!(s.lines().any(|l| l == "status=1"), "{s}");
    let err = s
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(err.contains("cut.json: "), "{err}");
    assert!(err.contains("EOF"), "{err}");
    assert!(!s.contains("panicked"), "{s}");
    t.assert_shell_is_back();
}
