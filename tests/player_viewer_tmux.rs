//! End to end, as tests/player_tmux.rs: the real binary in an 80×24 tmux pane — an 80×24
//! recording fits whole, the scrollback (shift+PgUp, a search hit that scrolled off), `s`
//! writes the screen shown (in a temporary folder), `m` lets go of the mouse. Skipped, with a
//! notice, where tmux is not installed.

use std::path::Path;

use std::time::{Duration, Instant};

mod common;

use common::tmux::{have_tmux, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_auditty");

/// An 80×24 asciicast: a prompt, then one event of 100 lines (`line 10 needle` among them),
/// then a prompt again.
fn write_fixture(dir: &Path) -> std::path::PathBuf {
    let mut out = String::new();
    for i in 1..=100 {
        if i == 10 {
            out.push_str("line 10 needle\r\n");
        } else {
            out.push_str(&format!("line {i}\r\n"));
        }
    }
    let lines = [
        r#"{"version": 2, "width": 80, "height": 24, "timestamp": 1700000000, "title": "seq"}"#
            .to_string(),
        r#"[0.1, "o", "$ seq 100\r\n"]"#.to_string(),
        serde_json::json!([0.5, "o", out]).to_string(),
        r#"[1.0, "o", "$ "]"#.to_string(),
    ];
    let p = dir.join("seq.cast");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

#[test]
fn an_80x24_session_fits_scrolls_back_finds_a_hit_that_scrolled_off_and_saves() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end player test is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let saves = dir.path().join("saved");
    std::fs::create_dir(&saves).unwrap();
    let cast = write_fixture(dir.path());
    let t = Tmux::start("viewer", 80, 24);
    t.type_text(&format!(
        "clear; {BIN} --paused --utc --save-dir {} {}",
        saves.display(),
        cast.display()
    ));
    t.keys(&["Enter"]);
    t.wait_for("the player", |s| s.contains("⏸"));

    // the end: the whole 80×24 screen, its first row at the top of the pane, not cropped
    t.keys(&["End"]);
    let s = t.wait_for("the end", |s| s.contains("line 100"));
    assert!(s.lines().next().unwrap().starts_with("line 78"), "{s}");
    assert!(!s.contains("cropped"), "{s}");
    // the bar and the status go after a few seconds: the whole screen, its last row too
    let s = t.wait_for("the bar to go", |s| !s.contains("⏸"));
    assert!(s.lines().nth(22).unwrap().starts_with("line 100"), "{s}");
    assert!(s.lines().nth(23).unwrap().starts_with('$'), "{s}");

    // shift+PgUp: back into the scrollback, with a marker of how far
    t.keys(&["S-PPage"]);
    let s = t.wait_for("the scrollback", |s| s.contains("lines back"));
    assert!(s.contains("↑ 23 of 78 lines back"), "{s}");
    assert!(s.lines().next().unwrap().starts_with("line 55"), "{s}");
    // play: the live screen again
    t.keys(&["Home"]);
    t.wait_for("the start", |s| {
        !s.contains("lines back") && !s.contains("line 100")
    });

    // a search hit that scrolled off within the event that printed it: in the scrollback
    t.keys(&["/"]);
    t.type_text("needle");
    t.keys(&["Enter"]);
    let s = t.wait_for("the hit", |s| s.contains("line 10 needle"));
    assert!(s.contains("lines back"), "{s}");

    // s: the screen shown, as text and HTML, named with the recording's time
    t.keys(&["s"]);
    let s = t.wait_for("saved", |s| s.contains("saved "));
    assert!(s.contains(&saves.display().to_string()[..20]), "{s}");
    let mut names: Vec<String> = std::fs::read_dir(&saves)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "seq-2023-11-14T22-13-20.500Z.html",
            "seq-2023-11-14T22-13-20.500Z.txt"
        ],
        "{s}"
    );
    let txt = std::fs::read_to_string(saves.join(&names[1])).unwrap();
    assert!(txt.contains("line 10 needle\n"), "{txt}");
    let html = std::fs::read_to_string(saves.join(&names[0])).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("needle"));
    // again: a second pair, nothing replaced
    t.keys(&["s"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    // (a file being written is a temporary file beside it first: wait for the names)
    let second = |ext: &str| saves.join(format!("seq-2023-11-14T22-13-20.500Z-2.{ext}"));
    while !(second("txt").exists() && second("html").exists()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(40));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(saves.join("seq-2023-11-14T22-13-20.500Z-2.txt").exists());
    assert!(saves.join("seq-2023-11-14T22-13-20.500Z-2.html").exists());
    assert_eq!(std::fs::read_dir(&saves).unwrap().count(), 4);

    // m lets go of the mouse, and takes it back
    let flags = "#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}";
    assert_eq!(t.display(flags), "110", "button-event tracking (1002)");
    t.keys(&["m"]);
    t.wait_display("the mouse let go", flags, "000");
    t.keys(&["m"]);
    t.wait_display("the mouse taken", flags, "110");
    t.keys(&["q"]);
    t.wait_display("the player to leave", "#{alternate_on}", "0");
}
