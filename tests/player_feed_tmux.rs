//! End to end, as tests/player_context_tmux.rs: the real binary in a tmux pane playing a
//! context file alone (tests/fixtures/context/losant.json: an entry at 09:56:40Z, then one
//! at 10:00:07Z whose target's name holds an OSC that would set the terminal's title) as a
//! feed: its entries appear at their times, `]` steps to them, the context panel lists them
//! and Enter seeks to one, `/` finds one, q quits; every character escaped, the terminal's
//! title untouched. Skipped, with a notice, where tmux is not installed.

mod common;

use common::tmux::{have_tmux, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_auditty");

fn fx(name: &str) -> String {
    common::fixture("context", name)
}

/// The second entry's target as the player must show it: its controls escaped.
const TARGET_ESCAPED: &str = "pump-^[]0;pwned^G";

/// The wall-clock time in the status line (`10:00:07.000 UTC`), as milliseconds of the day.
fn status_ms(s: &str) -> Option<u64> {
    let status = Tmux::status(s);
    let i = status.find(" UTC")?;
    let t = status[..i].rsplit(' ').next()?;
    let (hms, ms) = t.split_once('.')?;
    let p: Vec<u64> = hms.split(':').filter_map(|x| x.parse().ok()).collect();
    match p.as_slice() {
        [h, m, s] => Some(((h * 60 + m) * 60 + s) * 1000 + ms.parse::<u64>().ok()?),
        _ => None,
    }
}

#[test]
fn a_losant_file_alone_plays_as_a_feed() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end feed test is skipped");
        return;
    }
    let t = Tmux::start("feed", 160, 40);
    let title = t.display("#{pane_title}");
    t.type_text(&format!(
        "clear; {BIN} play --paused --utc --speed 100 {}",
        fx("losant.json")
    ));
    t.keys(&["Enter"]);
    // paused at the start: the first entry's line, not the second's
    let s = t.wait_for("the feed", |s| {
        s.contains("⏸") && s.contains("09:56:40.000  losant     ci (ApiToken)  flows.get")
    });
    assert!(
        s.contains("Losant audit logs"),
        "the frame names the feed:\n{s}"
    );
    assert!(
        !s.contains("Bob (User)"),
        "the second entry is not yet due:\n{s}"
    );
    assert!(Tmux::status(&s).contains("09:56:40.000 UTC"), "{s}");

    // played (207 s at 100×): the second line appears at its time, not before
    t.keys(&["Space"]);
    let s = t.wait_for("the second entry", |s| s.contains("Bob (User)"));
    assert!(
        status_ms(&s).is_some_and(|ms| ms >= 36_007_000),
        "shown before 10:00:07:\n{s}"
    );
    let line = s
        .lines()
        .find(|l| l.contains("10:00:07.000  losant     Bob (User)"))
        .unwrap_or_else(|| panic!("no line for the entry:\n{s}"));
    assert!(line.contains(TARGET_ESCAPED), "{line}");
    t.wait_for("the end", |s| {
        s.contains("⏸") && Tmux::status(s).contains("10:00:07.000 UTC")
    });

    // the context panel: both entries, the current one marked; Enter on the first seeks to it
    t.keys(&["e"]);
    let s = t.wait_for("the context panel", |s| s.contains(" context (2)"));
    let current = s.lines().find(|l| l.contains('▸')).unwrap();
    assert!(
        current.contains("losant") && current.contains("Bob"),
        "{current}"
    );
    t.keys(&["Up", "Enter"]);
    let s = t.wait_for("the first entry", |s| {
        Tmux::status(s).contains("09:56:40.000 UTC")
    });
    assert!(
        !s.contains("10:00:07.000  losant"),
        "the screen went back:\n{s}"
    );
    t.keys(&["Escape"]);

    // `]` steps to the second entry and flashes it in the status line, escaped
    t.keys(&["]"]);
    let s = t.wait_for("the step", |s| Tmux::status(s).contains("10:00:07.000 UTC"));
    let status = Tmux::status(&s);
    assert!(status.contains("○ losant Bob (User)"), "{status}");

    // `/` finds an entry's text, and the hit list says its lane
    t.keys(&["g", "/"]);
    t.type_text("flows");
    t.keys(&["Enter"]);
    t.keys(&["l"]);
    let s = t.wait_for("the hit list", |s| s.contains("hits for"));
    assert!(
        s.lines()
            .any(|l| l.contains("losant") && l.contains("flows.get")),
        "{s}"
    );
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'));
    t.keys(&["Escape", "q"]);
    t.assert_shell_is_back();
    let after = t.display("#{pane_title}");
    assert_eq!(after, title, "the terminal's title was changed");
    assert!(!after.contains("pwned"));
}
