//! Interoperability with asciinema 3.x (`cargo install asciinema`), the format's reference:
//! - it reads every export: `convert -f raw` gives the recording's output bytes (after the
//!   newline translation), `convert -f txt` gives auditty's own text export, and its last screen
//!   is the screen `auditty screen --at end` prints — for whole recordings, recordings cut with
//!   `--to`, and clips (`--from`, whose first event is auditty's redraw of the screen);
//! - auditty reads what asciinema writes (`convert` to v2/v3, and `rec --headless`) with the
//!   same screens as asciinema's.
//!
//! Each test is skipped, with a notice, when asciinema is not installed; `AUDITTY_ASCIINEMA`
//! names the binary to use.

use auditty::recording::Source;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn asciinema() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AUDITTY_ASCIINEMA") {
        return Some(PathBuf::from(p));
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    let found = dirs
        .into_iter()
        .map(|d| d.join("asciinema"))
        .find(|p| p.is_file());
    match &found {
        Some(p) => {
            let out = Command::new(p).arg("--version").output().ok();
            let v = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
            if !v.as_deref().is_some_and(|v| v.starts_with("asciinema 3.")) {
                notice(&format!(
                    "{} is not asciinema 3.x ({v:?}): skipped",
                    p.display()
                ));
                return None;
            }
        }
        None => notice(
            "asciinema not found (cargo install asciinema --locked): interoperability test skipped",
        ),
    }
    found
}

struct Fixture {
    name: String,
    path: PathBuf,
    cols: u16,
    rows: u16,
}

fn fixtures() -> Vec<Fixture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recordings");
    let mut out: Vec<Fixture> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p.with_extension("json.meta")).unwrap())
                    .unwrap();
            Fixture {
                name: p.file_stem().unwrap().to_string_lossy().into_owned(),
                cols: meta["cols"].as_u64().unwrap() as u16,
                rows: meta["rows"].as_u64().unwrap() as u16,
                path: p,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(out.len() >= 5);
    out
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn auditty(args: &[&str]) -> Vec<u8> {
    run(Command::new(env!("CARGO_BIN_EXE_auditty")).args(args))
}

fn geometry(f: &Fixture) -> [String; 4] {
    [
        "--cols".into(),
        f.cols.to_string(),
        "--rows".into(),
        f.rows.to_string(),
    ]
}

fn export(f: &Fixture, out: &Path, extra: &[&str]) {
    let g = geometry(f);
    let mut args = vec![
        "export",
        f.path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend(g.iter().map(String::as_str));
    args.extend(extra);
    auditty(&args);
}

fn convert(bin: &Path, format: &str, input: &Path) -> Vec<u8> {
    run(Command::new(bin)
        .args(["convert", "-q", "-f", format])
        .arg(input)
        .arg("-"))
}

/// The recording's output bytes after the newline translation auditty applies (written here
/// independently of the exporter: each LF not preceded by CR gets one).
fn expected_raw(f: &Fixture) -> Vec<u8> {
    let tl = auditty::recording::read(&Source::Path(f.path.clone()), &Default::default()).unwrap();
    let crlf = auditty::emulator::replay::detect_crlf(&tl);
    let mut all = Vec::new();
    for (_, d) in tl.outputs() {
        all.extend_from_slice(&d);
    }
    if !crlf {
        return all;
    }
    let mut out = Vec::with_capacity(all.len() * 2);
    for (i, &b) in all.iter().enumerate() {
        if b == b'\n' && (i == 0 || all[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fn lines(text: &[u8]) -> Vec<String> {
    let s = String::from_utf8_lossy(text);
    let mut v: Vec<String> = s.split('\n').map(|l| l.trim_end().to_string()).collect();
    while v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// asciinema's text joins the rows a line wrapped over; split it again at the screen's width
/// (a wide character that does not fit goes to the next row, as terminals do).
fn rewrap(lines: &[String], cols: u16) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut out = Vec::new();
    for l in lines {
        let mut row = String::new();
        let mut w = 0;
        for c in l.chars() {
            let cw = c.width().unwrap_or(0);
            if w + cw > cols as usize {
                out.push(row.trim_end().to_string());
                row = String::new();
                w = 0;
            }
            row.push(c);
            w += cw;
        }
        out.push(row.trim_end().to_string());
    }
    out
}

/// The last screen in asciinema's text equals auditty's screen (trailing blank rows aside).
fn assert_last_screen(asciinema_txt: &[u8], screen: &[u8], cols: u16, what: &str) {
    let theirs = rewrap(&lines(asciinema_txt), cols);
    let ours = lines(screen);
    assert!(
        theirs.len() >= ours.len(),
        "{what}: asciinema shows {} rows, auditty {}:\n{}\n---\n{}",
        theirs.len(),
        ours.len(),
        theirs.join("\n"),
        ours.join("\n")
    );
    assert_eq!(
        theirs[theirs.len() - ours.len()..].join("\n"),
        ours.join("\n"),
        "{what}: last screen"
    );
}

fn screen(rec: &Path, at: &str, geometry: Option<&[String; 4]>) -> Vec<u8> {
    let mut args = vec!["screen", rec.to_str().unwrap(), "--at", at];
    if let Some(g) = geometry {
        args.extend(g.iter().map(String::as_str));
    }
    auditty(&args)
}

#[test]
fn asciinema_reads_every_export() {
    let Some(bin) = asciinema() else { return };
    let dir = tempfile::tempdir().unwrap();
    for f in fixtures() {
        let g = geometry(&f);
        let raw = expected_raw(&f);
        let our_txt = {
            let p = dir.path().join(format!("{}.txt", f.name));
            export(&f, &p, &[]);
            std::fs::read(&p).unwrap()
        };
        let end_screen = screen(&f.path, "end", Some(&g));
        for format in ["asciicast-v2", "asciicast-v3"] {
            let what = format!("{} as {format}", f.name);
            let cast = dir.path().join(format!("{}.{format}.cast", f.name));
            export(&f, &cast, &["-f", format]);
            // asciinema's raw output starts with a resize to the header's size (XTWINOPS 8)
            let theirs = convert(&bin, "raw", &cast);
            let resize = format!("\x1b[8;{};{}t", f.rows, f.cols);
            let theirs = theirs.strip_prefix(resize.as_bytes()).unwrap_or(&theirs);
            assert!(theirs == raw, "{what}: raw output differs");
            let txt = convert(&bin, "txt", &cast);
            assert_eq!(
                String::from_utf8_lossy(&txt),
                String::from_utf8_lossy(&our_txt),
                "{what}: asciinema's text vs auditty's txt export"
            );
            assert_last_screen(&txt, &end_screen, f.cols, &what);
        }
    }
}

#[test]
fn asciinema_shows_auditty_screens_mid_session_and_in_clips() {
    let Some(bin) = asciinema() else { return };
    let dir = tempfile::tempdir().unwrap();
    for f in fixtures() {
        let g = geometry(&f);
        for (i, (from, to)) in [
            (None, "25%"),
            (None, "50%"),
            (None, "75%"),
            (Some("20%"), "60%"),
            (Some("50%"), "end"),
            (Some("70%"), "90%"),
        ]
        .into_iter()
        .enumerate()
        {
            let what = format!("{} from {from:?} to {to}", f.name);
            let cast = dir.path().join(format!("{}-{i}.cast", f.name));
            let mut extra = vec!["--to", to];
            if let Some(from) = from {
                extra.extend(["--from", from]);
            }
            if i % 2 == 1 {
                extra.extend(["-f", "asciicast-v3"]);
            }
            export(&f, &cast, &extra);
            let txt = convert(&bin, "txt", &cast);
            assert_last_screen(&txt, &screen(&f.path, to, Some(&g)), f.cols, &what);
            if let Some(from) = from {
                // a clip's first event alone: asciinema shows the screen at --from
                let first: String = std::fs::read_to_string(&cast)
                    .unwrap()
                    .lines()
                    .take(2)
                    .map(|l| format!("{l}\n"))
                    .collect();
                let head = dir.path().join(format!("{}-{i}-head.cast", f.name));
                std::fs::write(&head, first).unwrap();
                let txt = convert(&bin, "txt", &head);
                assert_last_screen(
                    &txt,
                    &screen(&f.path, from, Some(&g)),
                    f.cols,
                    &format!("{what}: first instant"),
                );
            }
        }
    }
}

/// Every prefix of an asciicast file (header and the first k events) shows the same last screen
/// in asciinema and in auditty.
fn same_screens_as_asciinema(bin: &Path, cast: &Path, dir: &Path, what: &str) {
    let text = std::fs::read_to_string(cast).unwrap();
    let all: Vec<&str> = text.lines().collect();
    let cols: u16 = {
        let h: serde_json::Value = serde_json::from_str(all[0]).unwrap();
        (h["width"].as_u64())
            .or(h["term"]["cols"].as_u64())
            .unwrap() as u16
    };
    let step = (all.len() / 15).max(1);
    let mut k = 1;
    while k <= all.len() {
        let prefix = dir.join("prefix.cast");
        let body: String = all[..k].iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&prefix, body).unwrap();
        assert_last_screen(
            &convert(bin, "txt", &prefix),
            &screen(&prefix, "end", None),
            cols,
            &format!("{what}, first {k} lines"),
        );
        k = if k == all.len() {
            k + 1
        } else {
            (k + step).min(all.len())
        };
    }
}

#[test]
fn auditty_plays_what_asciinema_converts() {
    let Some(bin) = asciinema() else { return };
    let dir = tempfile::tempdir().unwrap();
    for f in fixtures() {
        let ours = dir.path().join(format!("{}.cast", f.name));
        export(&f, &ours, &[]);
        for format in ["asciicast-v3", "asciicast-v2"] {
            let theirs = dir.path().join(format!("{}.{format}.theirs.cast", f.name));
            run(Command::new(&bin)
                .args(["convert", "-q", "--overwrite", "-f", format])
                .arg(&ours)
                .arg(&theirs));
            same_screens_as_asciinema(
                &bin,
                &theirs,
                dir.path(),
                &format!("{} converted by asciinema to {format}", f.name),
            );
        }
    }
}

#[test]
fn auditty_plays_what_asciinema_records() {
    let Some(bin) = asciinema() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cast = dir.path().join("rec.cast");
    let script = concat!(
        "printf '\\033[1;31mred\\033[0m \\033[42mgreen\\033[0m plain\\n'; ",
        "seq 1 30; ",
        "printf 'a long line that the terminal wraps at its right margin, once or twice over\\n'; ",
        "printf '\\033[?1049h\\033[H\\033[2Jfull screen\\033[5;5Hthere\\033[?1049l'; ",
        "printf 'wide: \\344\\270\\255\\346\\226\\207 \\033(0lqqk\\033(B done\\n'; ",
        "printf 'progress 10%%\\rprogress 100%%\\n'"
    );
    run(Command::new(&bin)
        .args([
            "rec",
            "--headless",
            "--window-size",
            "50x12",
            "-q",
            "--overwrite",
            "-c",
        ])
        .arg(script)
        .arg(&cast));
    let text = std::fs::read_to_string(&cast).unwrap();
    assert!(text.starts_with("{\"version\":3"), "asciinema 3 records v3");
    assert!(text.contains("full screen"), "the commands ran: {text}");
    same_screens_as_asciinema(&bin, &cast, dir.path(), "asciinema rec");
    // and auditty's export of asciinema's recording is read back by asciinema identically
    let again = dir.path().join("again.cast");
    auditty(&[
        "export",
        cast.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
        "-f",
        "asciicast-v3",
    ]);
    assert_eq!(convert(&bin, "raw", &again), convert(&bin, "raw", &cast));
}

/// A notice shown even though the test harness captures output (a skipped check must be seen).
fn notice(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "notice: {msg}");
}
