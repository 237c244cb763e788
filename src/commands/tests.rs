//! The commands run in-process, writing to a buffer instead of standard output.

use super::*;
use crate::cli::{InfoArgs, ScreenArgs, ScreenFormat, TermArgs, TranscriptArgs};

fn fixture(name: &str) -> SourceArgs {
    SourceArgs {
        source: std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/recordings")
            .join(name)
            .into_os_string(),
        term: TermArgs::default(),
        api: Default::default(),
    }
}

#[test]
fn info_and_transcript_write_to_the_writer_they_are_given() {
    let mut out = Vec::new();
    info::run(
        &InfoArgs {
            src: fixture("scalingo-doc-sample.json"),
            json: false,
        },
        &mut out,
    )
    .unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(s.starts_with("file       "), "{s}");
    assert!(s.contains("\nformat     scalingo-json\n"), "{s}");

    let mut out = Vec::new();
    transcript::run(
        &TranscriptArgs {
            src: fixture("scalingo-doc-sample.json"),
            output: true,
            json: false,
            redact: false,
        },
        &mut out,
    )
    .unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains("] $ echo \"TEST\"\n"), "{s}");
    assert!(s.contains("    TEST\n"), "{s}");
}

#[test]
fn screen_writes_the_moment_asked_for() {
    let mut out = Vec::new();
    screen::run(
        &ScreenArgs {
            src: fixture("scalingo-doc-sample.json"),
            at: "end".parse().unwrap(),
            format: ScreenFormat::Text,
            output: None,
            color: crate::cli::ColorChoice::Never,
            redact: false,
        },
        &mut out,
    )
    .unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(
        s.contains("[15:27] Scalingo:rss-john ~ $ echo \"TEST\"\nTEST\n"),
        "{s}"
    );
}

/// A reader that has gone away (`| head`).
struct Closed;

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer that fails otherwise (a full disk).
struct Full;

impl Write for Full {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("no space left on device"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_pipe_is_its_own_error_not_an_exit() {
    let e = emit(&mut Closed, "text").unwrap_err();
    assert!(matches!(e, Error::ClosedPipe));
    assert_eq!(e.exit_code(), 0);
    let e = info::run(
        &InfoArgs {
            src: fixture("shell-basics.json"),
            json: true,
        },
        &mut Closed,
    )
    .unwrap_err();
    assert!(matches!(e, Error::ClosedPipe));
    let e = emit(&mut Full, "text").unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot write to standard output: no space left on device"
    );
    assert_eq!(e.exit_code(), 1);
}

#[test]
fn export_to_dash_writes_to_the_writer() {
    let args = |format| crate::cli::ExportArgs {
        src: fixture("scalingo-doc-sample.json"),
        output: "-".into(),
        format: Some(format),
        from: None,
        to: None,
        idle_time_limit: Some(0.5),
        redact: false,
    };
    let mut out = Vec::new();
    export::run(&args(crate::cli::ExportFormat::AsciicastV2), &mut out).unwrap();
    let s = String::from_utf8(out).unwrap();
    let header: serde_json::Value = serde_json::from_str(s.lines().next().unwrap()).unwrap();
    assert_eq!(header["version"], 2);
    assert_eq!(header["idle_time_limit"], 0.5);
    let mut out = Vec::new();
    export::run(&args(crate::cli::ExportFormat::Txt), &mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("TEST\n"));
    let e = export::run(&args(crate::cli::ExportFormat::Txt), &mut Closed).unwrap_err();
    assert!(matches!(e, Error::ClosedPipe));
}
