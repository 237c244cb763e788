//! Evidence is never silently wrong (issue 14): a TIME outside the recording is an error
//! naming its span, times of day as the player shows them, warnings on stderr, usage errors
//! that name the likely subcommand, and output files whose format follows their extension.
//! All through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recordings")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// NEVER DO: no test writes to a path under `/dev`.
fn run(args: &[&str]) -> Output {
    for a in args {
        assert!(
            !Path::new(a).starts_with("/dev"),
            "never write to /dev: {a}"
        );
    }
    Command::new(env!("CARGO_BIN_EXE_auditty"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn screen(at: &str, extra: &[&str]) -> Output {
    let rec = fixture("shell-basics.json");
    let mut args = vec!["screen", rec.as_str(), "--at", at];
    args.extend_from_slice(extra);
    run(&args)
}

fn ok(o: Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

/// shell-basics.json runs 4.053 s from 2019-10-10T10:27:27.823+02:00.
const SPAN: &str = "which runs from 0:00.000 to 0:04.053 (2019-10-10 10:27:27.823 to \
                    10:27:31.876 +02:00) (--clamp takes the nearest end)";

#[test]
fn a_time_outside_the_recording_is_an_error_naming_its_span() {
    for (at, side) in [
        ("1:02.5", "after"),
        ("10:27:40", "after"),
        ("2000-01-01T00:00:00Z", "before"),
        ("2019-10-10T10:27:00+02:00", "before"),
    ] {
        let o = screen(at, &[]);
        assert_eq!(o.status.code(), Some(1), "{at}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{at}");
        assert!(
            stderr(&o).contains(&format!(
                "error: --at: that is {side} the recording, {SPAN}\n"
            )),
            "{at}: {}",
            stderr(&o)
        );
    }
    // --clamp takes the nearest end on purpose
    let end = ok(screen("end", &[]));
    assert_eq!(ok(screen("1:02.5", &["--clamp"])), end);
    assert_eq!(ok(screen("100%", &[])), end);
    let start = ok(screen("start", &[]));
    assert_eq!(ok(screen("2000-01-01T00:00:00Z", &["--clamp"])), start);

    // every TIME: export's --from and --to, play's --start-at (before the terminal is needed)
    let rec = fixture("shell-basics.json");
    for args in [
        vec!["export", rec.as_str(), "-o", "-", "--from", "9"],
        vec!["export", rec.as_str(), "-o", "-", "--to", "1:00"],
        vec!["play", rec.as_str(), "--start-at", "9"],
        vec![rec.as_str(), "--start-at", "2000-01-01T00:00:00Z"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(SPAN), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    let clipped = run(&["export", rec.as_str(), "-o", "-", "--to", "1:00", "--clamp"]);
    assert_eq!(clipped.status.code(), Some(0), "{}", stderr(&clipped));
}

#[test]
fn the_time_of_day_the_player_shows_gives_that_moment() {
    let exact = ok(screen("2019-10-10T10:27:30+02:00", &[]));
    let before = ok(screen("start", &[]));
    assert_ne!(exact, before, "the fixture changes between 0 and 2.2 s");
    for (at, extra) in [
        ("10:27:30", &[][..]),
        ("10:27:30.000", &[]),
        ("@10:27:30", &[]),
        ("T10:27:30", &[]),
        ("10:27:30 +02:00", &[]),
        ("08:27:30 UTC", &[]),
        ("08:27:30", &["--utc"]),
        ("2019-10-10 10:27:30", &[]),
        ("2019-10-10T10:27:30", &[]),
        ("2019-10-10 08:27:30Z", &[]),
    ] {
        assert_eq!(ok(screen(at, extra)), exact, "{at} {extra:?}");
    }
    // the player cuts times to the millisecond: paused on the event at 10:27:28.621182203 it
    // shows 10:27:28.621, and that gives the screen with that event
    let shown = ok(screen("10:27:28.621", &[]));
    assert!(shown.contains("hello"), "{shown}");
    assert_eq!(
        shown,
        ok(screen("2019-10-10T10:27:28.621999999+02:00", &[]))
    );
    assert!(!ok(screen("2019-10-10T10:27:28.621+02:00", &[])).contains("hello"));
    // in the recording's offset, 08:27:30 is before it
    assert_eq!(screen("08:27:30", &[]).status.code(), Some(1));
    // H:MM:SS inside the recording as an offset stays an offset
    assert_eq!(ok(screen("0:00:02", &[])), ok(screen("2", &[])));
}

#[test]
fn a_malformed_time_lists_the_forms_and_help_says_how_to_write_a_time_of_day() {
    let o = screen("yesterday", &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    for form in [
        "12.5",
        "1:02.5",
        "50%",
        "10:27:40.352",
        "@10:27",
        "2019-05-03 10:27:40+02:00",
    ] {
        assert!(e.contains(form), "{form}: {e}");
    }
    let help = ok(run(&["screen", "--help"]));
    assert!(help.contains("write @10:27 for the time"), "{help}");
    assert!(help.contains("--clamp"), "{help}");
}

#[test]
fn warnings_are_said_once_on_stderr_by_every_command() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("back.json");
    std::fs::write(
        &p,
        r#"[{"time":"2019-05-03T17:27:30+02:00","content":"ls\r","type":"input"},
{"time":"2019-05-03T17:27:29+02:00","content":"a\r\n","type":"output"}]"#,
    )
    .unwrap();
    let p = p.to_str().unwrap();
    for args in [
        vec!["screen", p],
        vec!["transcript", p],
        vec!["export", p, "-o", "-"],
        vec!["review", p],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(
            e.matches("timestamps go backwards").count(),
            1,
            "{args:?}: {e}"
        );
        assert_eq!(
            e.matches("geometry guessed: 80x24").count(),
            1,
            "{args:?}: {e}"
        );
        assert!(
            e.lines().all(|l| l.starts_with("warning: ")),
            "{args:?}: {e}"
        );
        assert!(!stdout(&o).contains("warning"), "{args:?}");
    }
    // info prints them on stdout, as before, and not again on stderr
    let o = run(&["info", p]);
    assert!(stdout(&o).contains("timestamps go backwards"));
    assert_eq!(stderr(&o), "");
    // a size given is not a guess
    let o = run(&["screen", p, "--cols", "80", "--rows", "24"]);
    assert!(!stderr(&o).contains("geometry"), "{}", stderr(&o));
}

#[test]
fn usage_errors_name_the_likely_subcommand_or_flag() {
    let demo = fixture("shell-basics.json");
    let o = run(&["screan", demo.as_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `screen`?"),
        "{}",
        stderr(&o)
    );
    let o = run(&[demo.as_str(), "--at", "20"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(!e.contains("--auth-url"), "{e}");
    assert!(e.contains("`--at` belongs to `auditty screen`"), "{e}");
    let o = run(&["info", demo.as_str(), "--from", "2"]);
    assert!(
        stderr(&o).contains("`--from` belongs to `auditty export`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_format_follows_the_extension_and_files_are_not_overwritten_without_force() {
    let d = tempfile::tempdir().unwrap();
    let rec = fixture("shell-basics.json");
    let path = |n: &str| d.path().join(n).to_string_lossy().into_owned();
    let html = path("moment.html");
    ok(run(&["screen", &rec, "-o", &html]));
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    let svg = path("moment.svg");
    ok(run(&["screen", &rec, "-o", &svg]));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    let txt = path("out.txt");
    ok(run(&["export", &rec, "-o", &txt]));
    assert!(!std::fs::read_to_string(&txt).unwrap().starts_with('{'));

    // an extension we do not write, or a --format that contradicts it: usage errors
    for args in [
        vec!["export", rec.as_str(), "-o", path("out.gif").leak()],
        vec!["screen", rec.as_str(), "-o", path("m.png").leak()],
        vec!["screen", rec.as_str(), "-o", path("m.doc").leak()],
        vec![
            "screen",
            rec.as_str(),
            "--format",
            "text",
            "-o",
            path("m.html").leak(),
        ],
        vec![
            "export",
            rec.as_str(),
            "-f",
            "txt",
            "-o",
            path("o.cast").leak(),
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{args:?}: {}", stderr(&o));
    }
    assert!(!Path::new(&path("out.gif")).exists());

    // an existing file: refused without --force, left as it was; replaced with it
    for (cmd, name) in [("screen", "old.html"), ("export", "old.cast")] {
        let p = path(name);
        std::fs::write(&p, "previous").unwrap();
        let o = run(&[cmd, &rec, "-o", &p]);
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        assert_eq!(
            stderr(&o),
            format!("error: {p} already exists; pass --force to overwrite it\n")
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "previous");
        ok(run(&[cmd, &rec, "-o", &p, "--force"]));
        assert_ne!(std::fs::read_to_string(&p).unwrap(), "previous");
    }
}

#[test]
fn help_and_the_manual_list_the_players_keys() {
    let help = ok(run(&["--help"]));
    let play = ok(run(&["play", "--help"]));
    let man = ok(run(&["man"]));
    for (key, what) in auditty::player::keys::HELP {
        assert!(help.contains(what) && help.contains(key), "--help: {key}");
        assert!(play.contains(what), "play --help: {key}");
        assert!(man.contains(what), "man: {key}");
    }
}
