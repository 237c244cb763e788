//! The emulated screens equal tmux's (the reference) for every fixture, at every cut.

use auditty::emulator::replay::Replay;
use auditty::emulator::NewlineMode;
use auditty::recording::{resolve_newline, Source};
use auditty::timeline::TimeSpec;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn meta(rec: &str) -> serde_json::Value {
    let p = fixtures()
        .join("recordings")
        .join(format!("{rec}.json.meta"));
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Trailing spaces and trailing blank lines aside, as the acceptance check compares.
fn normalize(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(|l| l.trim_end()).collect();
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    lines[..end].join("\n")
}

/// `tmux capture-pane -p` prints a DEC line-drawing cell as the ASCII letter that selects it
/// (`lqqk`) while terminals — tmux's own display included — and auditty show `┌──┐`: compare
/// the two with line drawing folded to those letters on both sides.
fn fold_line_drawing(s: &str) -> String {
    s.chars()
        .map(|c| {
            (0x5Fu8..=0x7E)
                .find(|&b| auditty::emulator::prefilter::dec_graphics(b) == Some(c) && c != ' ')
                .map_or(c, char::from)
        })
        .collect()
}

#[test]
fn every_fixture_screen_equals_tmux() {
    compare_with_tmux(&fixtures(), false);
}

/// Recordings of other programs at other sizes (htop, top, nano, mc, dialog, man, sqlite3,
/// git, python, bash in 40 columns), made with tests/fixtures/corpus/record-corpus.py; of
/// control sequences (record-sequences.py) and of vttest's menus 1, 2, 3, 8 and 11 at 80 and
/// 132 columns (record-vttest.py).
#[test]
fn recorded_corpus_screens_equal_tmux() {
    compare_with_tmux(&fixtures().join("corpus"), true);
}

#[test]
fn recorded_corpus_geometry_is_inferred() {
    for rec in ["htop", "mc", "mc-color", "top", "bash-narrow"] {
        let dir = fixtures().join("corpus/recordings");
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("{rec}.json.meta"))).unwrap())
                .unwrap();
        let tl = auditty::recording::read(
            &Source::Path(dir.join(format!("{rec}.json"))),
            &Default::default(),
        )
        .unwrap();
        let g = auditty::geometry::resolve(&tl, None, None);
        let cols = m["cols"].as_u64().unwrap() as u16;
        if rec == "bash-narrow" {
            // a shell: only the width shows (readline's wrap marks)
            assert_eq!(g.cols, cols, "{rec}: {}", g.source);
            continue;
        }
        assert_eq!(
            (g.cols, g.rows),
            (cols, m["rows"].as_u64().unwrap() as u16),
            "{rec}: {}",
            g.source
        );
    }
}

fn compare_with_tmux(root: &Path, fold: bool) {
    let dir = root.join("screens");
    let mut cuts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "at"))
        .collect();
    cuts.sort();
    assert!(
        cuts.len() >= 30,
        "fixtures missing in {root:?}: {}",
        cuts.len()
    );
    let mut failures = Vec::new();
    for at in &cuts {
        let stem = at.file_stem().unwrap().to_str().unwrap(); // NAME.K
        let rec = stem.rsplit_once('.').unwrap().0;
        let m: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root.join("recordings").join(format!("{rec}.json.meta"))).unwrap(),
        )
        .unwrap();
        let (cols, rows) = (
            m["cols"].as_u64().unwrap() as u16,
            m["rows"].as_u64().unwrap() as u16,
        );
        let path = root.join("recordings").join(format!("{rec}.json"));
        let tl = auditty::recording::read(&Source::Path(path), &Default::default()).unwrap();
        let crlf = resolve_newline(&tl, NewlineMode::Auto);
        let when: TimeSpec = std::fs::read_to_string(at).unwrap().parse().unwrap();
        let t = when.resolve(&tl).unwrap();
        let mut replay = Replay::new(Arc::new(tl), cols, rows, crlf);
        replay.seek_time(t);
        let mut got = normalize(&auditty::render::text(replay.screen()));
        // NAME.K.xterm.txt: tmux's screen corrected where tmux is known to differ from xterm
        // (said in the recording script), else tmux's own
        let xterm = at.with_extension("xterm.txt");
        let reference = if xterm.exists() {
            xterm
        } else {
            at.with_extension("txt")
        };
        let mut want = normalize(&std::fs::read_to_string(reference).unwrap());
        if fold {
            got = fold_line_drawing(&got);
            want = fold_line_drawing(&want);
        }
        if got != want {
            failures.push(format!("{stem}:\n--- got\n{got}\n--- tmux\n{want}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cuts.len(),
        failures.join("\n")
    );
}

#[test]
fn inferred_geometry_of_full_screen_programs() {
    for rec in ["vim-session", "less-wrapped", "watch-table"] {
        let m = meta(rec);
        let path = fixtures().join("recordings").join(format!("{rec}.json"));
        let tl = auditty::recording::read(&Source::Path(path), &Default::default()).unwrap();
        let g = auditty::geometry::resolve(&tl, None, None);
        assert_eq!(
            (g.cols as u64, g.rows as u64),
            (m["cols"].as_u64().unwrap(), m["rows"].as_u64().unwrap()),
            "{rec}: {}",
            g.source
        );
        assert!(g.source.starts_with("inferred: "), "{rec}: {}", g.source);
    }
}

#[test]
fn demo_asset_geometry_is_inferred() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.json");
    let tl = auditty::recording::read(&Source::Path(path), &Default::default()).unwrap();
    let g = auditty::geometry::resolve(&tl, None, None);
    assert_eq!((g.cols, g.rows), (100, 28), "{}", g.source);
}

#[test]
fn plain_shell_sessions_fall_back_to_the_default() {
    let path = fixtures().join("recordings/scalingo-doc-sample.json");
    let tl = auditty::recording::read(&Source::Path(path), &Default::default()).unwrap();
    let g = auditty::geometry::resolve(&tl, None, None);
    assert_eq!((g.cols, g.rows, g.source.as_str()), (80, 24, "default"));
}

#[test]
fn scalingo_sample_is_detected_as_bare_lf() {
    let path = fixtures().join("recordings/scalingo-doc-sample.json");
    let tl = auditty::recording::read(&Source::Path(path), &Default::default()).unwrap();
    assert!(resolve_newline(&tl, NewlineMode::Auto));
    let path = fixtures().join("recordings/shell-basics.json");
    let tl = auditty::recording::read(&Source::Path(path), &Default::default()).unwrap();
    assert!(!resolve_newline(&tl, NewlineMode::Auto));
}
