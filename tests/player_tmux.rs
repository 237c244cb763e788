//! End to end: the real binary in a tmux pane (200×60), driven by keys, read from the pane.
//! Skipped, with a notice, where tmux is not installed (CI installs it).

mod common;

use common::tmux::{have_tmux, Tmux};

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_auditty");
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/player/short.json"
);

/// The final screen of the fixture, as `auditty screen` prints it.
fn final_screen() -> Vec<String> {
    let out = Command::new(BIN)
        .args(["screen", FIXTURE])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn plays_pauses_seeks_searches_and_quits() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end player test is skipped");
        return;
    }
    assert!(Path::new(FIXTURE).exists());
    let t = Tmux::start("play", 200, 60);
    t.type_text(&format!("{BIN} --paused {FIXTURE}"));
    t.keys(&["Enter"]);
    // the first screen, paused, with the recording's wall-clock time
    let s = t.wait_for("the first frame", |s| {
        s.contains("⏸") && s.contains("FIRST SCREEN banner")
    });
    assert!(Tmux::status(&s).contains("10:00:00.000 +02:00"), "{s}");
    assert!(!s.contains("alpha"));
    assert_eq!(t.display("#{alternate_on}"), "1");

    // play: the 2-second recording runs to its end and pauses on the last frame
    t.keys(&["Space"]);
    t.wait_for("playing", |s| s.contains("▶"));
    let s = t.wait_for("the end", |s| s.contains("THE END") && s.contains("⏸"));
    assert!(Tmux::status(&s).contains("0:02.001 / 0:02.001"), "{s}");

    // Home: the first screen again
    t.keys(&["Home"]);
    let s = t.wait_for("the start", |s| !s.contains("THE END"));
    assert!(s.contains("FIRST SCREEN banner"));
    assert!(Tmux::status(&s).contains("10:00:00.000 +02:00"), "{s}");

    // play and pause
    t.keys(&["Space"]);
    t.wait_for("playing", |s| s.contains("▶"));
    t.keys(&["Space"]);
    t.wait_for("paused", |s| s.contains("⏸"));

    // End: every non-blank line of the final screen is in the pane
    t.keys(&["End"]);
    let s = t.wait_for("the end", |s| s.contains("THE END"));
    for line in final_screen() {
        assert!(s.contains(&line), "{line:?} is missing after End:\n{s}");
    }
    assert!(Tmux::status(&s).contains("10:00:02.001 +02:00"), "{s}");

    // and back home
    t.keys(&["g"]);
    t.wait_for("the start", |s| {
        !s.contains("THE END") && s.contains("FIRST SCREEN")
    });

    // search
    t.keys(&["/"]);
    t.type_text("needle");
    t.keys(&["Enter"]);
    let s = t.wait_for("a hit", |s| Tmux::status(s).contains("/needle 1/2"));
    assert!(s.contains("needle-42"));
    assert!(!s.contains("final line one"), "stopped at the hit");

    // help, then quit
    t.keys(&["?"]);
    t.wait_for("the help", |s| s.contains("this help"));
    t.keys(&["Escape"]);
    t.wait_for("the help to close", |s| !s.contains("this help"));
    t.keys(&["q"]);
    t.assert_shell_is_back();
}

#[test]
fn ctrl_c_and_sigterm_restore_the_terminal() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end player test is skipped");
        return;
    }
    let t = Tmux::start("signals", 200, 60);
    // Ctrl-C quits
    t.type_text(&format!("{BIN} --loop {FIXTURE}"));
    t.keys(&["Enter"]);
    t.wait_for("the player", |s| s.contains("▶"));
    t.keys(&["C-c"]);
    t.assert_shell_is_back();

    // SIGTERM, while playing
    let pidfile = std::env::temp_dir().join(format!("auditty-e2e-{}.pid", std::process::id()));
    let _ = std::fs::remove_file(&pidfile);
    t.type_text(&format!(
        "clear; sh -c 'echo $$ > {}; exec {BIN} --loop {FIXTURE}'",
        pidfile.display()
    ));
    t.keys(&["Enter"]);
    t.wait_for("the player", |s| s.contains("▶"));
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    let _ = std::fs::remove_file(&pidfile);
    let st = Command::new("kill")
        .args(["-TERM", pid.trim()])
        .status()
        .unwrap();
    assert!(st.success());
    t.assert_shell_is_back();
}

/// An imitation of the Scalingo API (token exchange, run events, audit logs) on 127.0.0.1,
/// served from wiremock's own thread while the test drives tmux (tests/common's fake).
mod fake_api {
    use super::common::BlockingFake;
    use serde_json::{json, Value};
    use wiremock::ResponseTemplate;

    pub const TOKEN: &str = "tk-us-picker-0123456789";

    pub struct Fake(BlockingFake);

    fn run(id: &str, at: &str, email: &str, command: &str) -> Value {
        json!({"id": format!("ev-{id}"), "created_at": at, "type": "run", "app_name": "my-app",
        "user": {"username": "john", "email": email, "id": "us-1"},
        "type_data": {"command": command, "audit_log_id": id, "audit_log_size": 2495, "detached": false}})
    }

    impl Fake {
        pub fn start() -> Fake {
            let sample = super::common::sample_audit_log();
            let f = BlockingFake::start(TOKEN);
            f.on(
                "/v1/apps/my-app/events",
                ResponseTemplate::new(200).set_body_json(json!({
                    "events": [
                        run("log-gone", "2019-05-01T08:00:00.000+02:00", "deploy@scalingo.com", ""),
                        {"id": "d1", "type": "deployment", "created_at": "2019-05-04T10:00:00Z"},
                        run("log-new", "2019-05-05T09:00:00.000+02:00", "john@doe.com", "bash"),
                    ],
                    "meta": {"pagination": {"current_page": 1, "prev_page": null, "next_page": null, "total_pages": 1, "total_count": 3}}})),
            );
            f.on(
                "/v1/apps/my-app/audit_logs/log-new",
                ResponseTemplate::new(200).set_body_bytes(sample),
            );
            f.on(
                "/v1/apps/my-app/audit_logs/log-gone",
                ResponseTemplate::new(404)
                    .set_body_json(json!({"resource": "audit_log", "error": "not found"})),
            );
            f.on(
                "/v1/apps/nope/events",
                ResponseTemplate::new(404)
                    .set_body_json(json!({"resource": "app", "error": "not found"})),
            );
            Fake(f)
        }

        /// The command line that runs `args` against this API.
        pub fn command(&self, bin: &str, args: &str) -> String {
            let (auth, api) = (self.0.fake.auth.uri(), self.0.fake.api.uri());
            format!(
                "env -u SCALINGO_APP -u SCALINGO_REGION SCALINGO_API_TOKEN={TOKEN} SCALINGO_AUTH_URL={auth} SCALINGO_API_URL={api} {bin} {args}"
            )
        }
    }
}

#[test]
fn picks_a_session_plays_it_goes_back_to_the_list_and_quits() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end picker test is skipped");
        return;
    }
    let api = fake_api::Fake::start();
    let t = Tmux::start("picker", 200, 60);
    t.type_text(&format!(
        "clear; {}",
        api.command(BIN, "play --paused --app my-app")
    ));
    t.keys(&["Enter"]);
    let list = |s: &str| s.contains("one-off sessions of my-app") && s.contains("2 sessions");
    let s = t.wait_for("the list of sessions", list);
    assert_eq!(t.display("#{alternate_on}"), "1");
    // newest first, as `auditty sessions` shows them
    let new = s.find("log-new").expect("log-new listed");
    let gone = s.find("log-gone").expect("log-gone listed");
    assert!(new < gone, "{s}");
    assert!(
        s.contains("john@doe.com") && s.contains("Scalingo operator"),
        "{s}"
    );
    assert!(s.contains("2019-05-05 09:00:00 +02:00"), "{s}");

    // Enter: the newest one plays
    t.keys(&["Enter"]);
    let playing = |s: &str| s.contains("⏸") && s.contains("You are in a one-off container");
    let s = t.wait_for("the player", playing);
    assert!(s.contains("scalingo://my-app/log-new"), "{s}");
    assert!(s.contains("Esc: back to the session list"), "{s}");
    t.keys(&["End"]);
    t.wait_for("the end of the session", |s| {
        s.contains("rss-john") && s.contains("TEST")
    });

    // Esc: back to the list, in the same alternate screen
    t.keys(&["Escape"]);
    let s = t.wait_for("the list again", |s| list(s) && !s.contains("⏸"));
    assert!(
        !s.contains("rss-john") && !s.contains("one-off container"),
        "{s}"
    );
    assert_eq!(t.display("#{alternate_on}"), "1");

    // the other one's audit log is gone: one line in the picker, which stays
    t.keys(&["Down"]);
    t.keys(&["Enter"]);
    let s = t.wait_for("the error", |s| s.contains("error:"));
    assert!(s.contains("not found") && list(&s), "{s}");
    assert!(!s.contains(fake_api::TOKEN));

    // and Enter on the first one again still plays
    t.keys(&["Up"]);
    t.keys(&["Enter"]);
    t.wait_for("the player again", playing);
    t.keys(&["q"]);
    t.assert_shell_is_back();
}

#[test]
fn the_picker_says_when_the_app_is_not_found() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end picker test is skipped");
        return;
    }
    let api = fake_api::Fake::start();
    let t = Tmux::start("picker-404", 200, 60);
    t.type_text(&format!("clear; {}", api.command(BIN, "play --app nope")));
    t.keys(&["Enter"]);
    let s = t.wait_for("the error", |s| s.contains("error:"));
    assert!(s.contains("nope") && s.contains("not found"), "{s}");
    assert!(!s.contains(fake_api::TOKEN));
    t.keys(&["C-c"]);
    t.assert_shell_is_back();
}

/// A few kilobytes that take minutes to replay (full resets of a 2000×1000 screen whose
/// alternate screen was used): the player draws, catches up a slice at a time and quits on
/// `q` at once, however much of it is left.
#[test]
fn a_costly_recording_leaves_the_player_responsive() {
    if !have_tmux() {
        eprintln!("notice: tmux is not installed: the end-to-end player test is skipped");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let cast = d.path().join("heavy.cast");
    let mut body = String::from("{\"version\": 2, \"width\": 2000, \"height\": 1000}\n");
    for i in 0..40 {
        body.push_str(&format!(
            "[{}, \"o\", \"{}\"]\n",
            0.1 + i as f64 / 100.0,
            "\\u001b[?1049hx\\u001bc".repeat(100)
        ));
    }
    std::fs::write(&cast, body).unwrap();
    let t = Tmux::start("heavy", 120, 40);
    t.type_text(&format!("{BIN} {}", cast.display()));
    t.keys(&["Enter"]);
    t.wait_for("the player", |s| s.contains("▶") || s.contains("⏸"));
    std::thread::sleep(std::time::Duration::from_millis(500));
    let s = t.capture();
    t.keys(&["q"]);
    // before, the player read no key until the whole recording was replayed
    t.assert_shell_is_back();
    assert!(!s.contains("\u{1b}"), "{s}");
}
