//! End to end, as tests/player_tmux.rs: the real binary in a tmux pane playing a session with
//! context (`--with` an app-log file and a Losant answer, tests/fixtures/context/: a session
//! from 10:00:00Z to 10:00:10Z, an app-log error at +3.25 s, a Losant entry at +7 s): the
//! ticks on the bar, `]` stopping at an entry, the status line flashing it, the context panel
//! showing it at its time, `/` finding it; then the same context carried to a session chosen
//! in the picker (`play --app APP --with …`, against an imitation of the Scalingo API).
//! Skipped, with a notice, where tmux is not installed.

mod common;

use common::tmux::{have_tmux, Tmux};
use common::BlockingFake;
use serde_json::json;
use wiremock::ResponseTemplate;

const BIN: &str = env!("CARGO_BIN_EXE_auditty");

fn fx(name: &str) -> String {
    common::fixture("context", name)
}

/// The timeline bar: the line above the status line.
fn bar(s: &str) -> String {
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.len() {
        0 | 1 => String::new(),
        n => lines[n - 2].to_string(),
    }
}

/// The app-log line at +3.25 s as the player must show it: every control character escaped.
const ERROR_ESCAPED: &str = "^[[31mERROR^[[0m disk \\x9b2J full";

#[test]
fn a_session_with_context_shows_ticks_steps_to_entries_and_lists_them_at_their_time() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end player test is skipped");
        return;
    }
    let t = Tmux::start("context", 200, 50);
    t.type_text(&format!(
        "clear; {BIN} --paused --utc {} --with {} --with {}",
        fx("session.json"),
        fx("app.log"),
        fx("losant.json")
    ));
    t.keys(&["Enter"]);
    // the ticks: the app-log line (•), the Losant entry (○), and, once the commands are
    // read, the commands typed (▲)
    let s = t.wait_for("the ticks", |s| {
        let b = bar(s);
        s.contains("⏸") && b.contains('•') && b.contains('○') && b.contains('▲')
    });
    let b = bar(&s);
    let (log, losant) = (b.find('•').unwrap(), b.find('○').unwrap());
    assert!(
        log < losant,
        "the app log (+3.25 s) before Losant (+7 s): {b}"
    );
    assert!(!s.contains('\u{1b}'));

    // `]`: the command at 2 s, then the app-log entry at 3.25 s, flashed in the status line
    t.keys(&["]"]);
    t.wait_for("the first command", |s| {
        Tmux::status(s).contains("10:00:02.000 UTC")
    });
    t.keys(&["]"]);
    let s = t.wait_for("the app-log entry", |s| {
        Tmux::status(s).contains("10:00:03.250 UTC")
    });
    let status = Tmux::status(&s);
    assert!(
        status.contains(&format!("• app-log web-1: {ERROR_ESCAPED}")),
        "{status}"
    );

    // the context panel: the entry at or before now marked, its text escaped
    t.keys(&["e"]);
    let s = t.wait_for("the context panel", |s| s.contains(" context ("));
    let current = s
        .lines()
        .find(|l| l.contains('▸') && l.contains("app-log"))
        .unwrap_or_else(|| panic!("no current entry:\n{s}"));
    assert!(current.contains("+3.2"), "{current}");
    assert!(current.contains(ERROR_ESCAPED), "{current}");
    assert!(s.contains("losant"), "{s}");

    // at 7 s (typed at the `t` prompt), the Losant entry is the current one
    // Escape alone (ESC then `t` at once would be read as alt+t)
    t.keys(&["Escape"]);
    t.wait_for("the panel to close", |s| !s.contains(" context ("));
    t.keys(&["t"]);
    t.type_text("7.2");
    t.keys(&["Enter"]);
    t.wait_for("7.2 s", |s| Tmux::status(s).contains("10:00:07.200 UTC"));
    t.keys(&["e"]);
    let s = t.wait_for("the context panel again", |s| s.contains(" context ("));
    let current = s.lines().find(|l| l.contains('▸')).unwrap();
    assert!(
        current.contains("losant") && current.contains("Bob"),
        "{current}"
    );
    // its target's name escaped (cut at the panel's edge)
    assert!(current.contains("pump-^["), "{current}");
    t.keys(&["Escape"]);
    t.wait_for("the panel to close", |s| !s.contains(" context ("));

    // `/` finds the entry's text, and the hit list says its lane
    t.keys(&["g", "/"]);
    t.type_text("disk");
    t.keys(&["Enter"]);
    t.wait_for("the hit", |s| Tmux::status(s).contains("10:00:03.250 UTC"));
    t.keys(&["l"]);
    let s = t.wait_for("the hit list", |s| s.contains("hits for"));
    assert!(
        s.lines()
            .any(|l| l.contains("app-log") && l.contains(ERROR_ESCAPED)),
        "{s}"
    );
    t.keys(&["q"]);
    t.assert_shell_is_back();
}

#[test]
fn with_is_carried_to_the_session_chosen_in_the_picker() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end player test is skipped");
        return;
    }
    const TOKEN: &str = "tk-us-picker-context-0123456789";
    let f = BlockingFake::start(TOKEN);
    f.on(
        "/v1/apps/my-app/events",
        ResponseTemplate::new(200).set_body_json(json!({
            "events": [{"id": "ev-1", "created_at": "2024-03-01T10:00:00Z", "type": "run",
                "app_name": "my-app",
                "user": {"username": "ann", "email": "ann@acme.io", "id": "us-1"},
                "type_data": {"command": "bash", "audit_log_id": "log-ctx",
                    "audit_log_size": 1200, "detached": false}}],
            "meta": {"pagination": {"current_page": 1, "prev_page": null, "next_page": null,
                "total_pages": 1, "total_count": 1}}
        })),
    );
    f.on(
        "/v1/apps/my-app/audit_logs/log-ctx",
        ResponseTemplate::new(200).set_body_bytes(std::fs::read(fx("session.json")).unwrap()),
    );
    // the token and the fake's URLs from a script, so that the pane does not show them
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("play.sh");
    std::fs::write(
        &script,
        format!(
            "exec env -u SCALINGO_APP -u SCALINGO_REGION SCALINGO_API_TOKEN={TOKEN} \
             SCALINGO_AUTH_URL={} SCALINGO_API_URL={} {BIN} play --app my-app --paused --utc \
             --with {}\n",
            f.fake.auth.uri(),
            f.fake.api.uri(),
            fx("app.log")
        ),
    )
    .unwrap();
    let t = Tmux::start("picker-context", 160, 40);
    t.type_text(&format!("clear; sh {}", script.display()));
    t.keys(&["Enter"]);
    t.wait_for("the session list", |s| s.contains("log-ctx"));
    t.keys(&["Enter"]);
    let s = t.wait_for("the player with its ticks", |s| {
        s.contains("⏸") && bar(s).contains('•')
    });
    assert!(s.contains("scalingo://my-app/log-ctx"), "{s}");
    t.keys(&["e"]);
    let s = t.wait_for("the context panel", |s| s.contains(" context ("));
    assert!(s.contains(ERROR_ESCAPED), "{s}");
    assert!(!s.contains(TOKEN));
    t.keys(&["q"]);
    t.assert_shell_is_back();
}
