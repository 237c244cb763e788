//! Clips are recordings of their own: read back by auditty, a clip exported from `--from` shows
//! at its start the screen the original shows at `--from`, and after each of its events the
//! screen the original shows after the same event. Over every fixture and many cut points.

use auditty::emulator::{NewlineMode, Replay};
use auditty::export::{asciicast, Items, Range};
use auditty::recording::{Recording, Settings, Source};
use auditty::timeline::{Kind, NANOS_PER_SEC};
use std::path::PathBuf;

fn fixtures() -> Vec<(String, PathBuf, u16, u16)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recordings");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p.with_extension("json.meta")).unwrap())
                    .unwrap();
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((
                name,
                p,
                meta["cols"].as_u64().unwrap() as u16,
                meta["rows"].as_u64().unwrap() as u16,
            ));
        }
    }
    out.sort();
    assert!(out.len() >= 5, "fixtures missing in {dir:?}");
    out
}

fn load(path: &std::path::Path, cols: u16, rows: u16) -> Recording {
    let tl = auditty::recording::read(&Source::Path(path.into()), &Default::default()).unwrap();
    let term = Settings {
        cols: Some(cols),
        rows: Some(rows),
        newline: NewlineMode::Auto,
        ..Default::default()
    };
    Recording::new(path.display().to_string(), tl, &term)
}

/// Export to asciicast in memory and read it back as auditty reads any file (geometry from the
/// header, newline mode detected).
fn roundtrip(l: &Recording, range: Range, version: asciicast::Version) -> Recording {
    let items = Items::new(l, range).unwrap();
    let meta = items.meta.clone();
    let bytes = asciicast::write(Vec::new(), &meta, items, version, false).unwrap();
    let tl = auditty::formats::load_bytes("clip", bytes).unwrap();
    Recording::new("clip".into(), tl, &Settings::default())
}

/// Everything visible: text, colours and attributes, cursor.
fn look(r: &Replay) -> String {
    let s = r.screen();
    format!(
        "{}cursor {:?} hidden {} alt {}",
        auditty::render::ansi::ansi(s),
        s.cursor_position(),
        s.hide_cursor(),
        s.alternate_screen()
    )
}

fn check_clip(
    name: &str,
    l: &Recording,
    from: i128,
    to: Option<i128>,
    version: asciicast::Version,
) {
    let clip = roundtrip(
        l,
        Range {
            from: Some(from),
            to,
            idle_limit: None,
        },
        version,
    );
    assert!(!clip.crlf, "{name}: a clip is played as written");
    let mut orig = l.replay();
    let mut copy = clip.replay();
    let first = l.tl.count_at(from);
    let last = to.map_or(l.tl.events.len(), |t| l.tl.count_at(t));
    // the clip's first event is the redraw; event k of the clip is event first + k - 1
    assert_eq!(clip.tl.events.len(), 1 + last - first, "{name} from {from}");
    orig.seek_index(first);
    copy.seek_time(0);
    assert_eq!(
        look(&copy),
        look(&orig),
        "{name}: clip start vs original at {from} ns"
    );
    for k in 1..clip.tl.events.len() {
        orig.seek_index(first + k);
        copy.seek_index(1 + k);
        assert_eq!(
            look(&copy),
            look(&orig),
            "{name}: clip from {from} ns, after its event {k}"
        );
        // times are shifted by --from, to the microsecond
        let want = (l.tl.events[first + k - 1].t as i128 - from) as f64 / 1e3;
        let got = clip.tl.events[k].t as f64 / 1e3;
        assert!(
            (want - got).abs() <= 1.0,
            "{name}: event {k} at {got} µs, want {want} µs"
        );
    }
}

#[test]
fn clip_starts_with_the_screen_at_from_and_plays_on_identically() {
    for (name, path, cols, rows) in fixtures() {
        let l = load(&path, cols, rows);
        let d = l.tl.duration() as i128;
        // cut points: fractions of the duration, and just before, at and after event times
        let mut cuts: Vec<i128> = (1..10).map(|i| d * i / 10).collect();
        for ev in
            l.tl.events
                .iter()
                .step_by(l.tl.events.len().div_ceil(12).max(1))
        {
            let t = ev.t as i128;
            cuts.extend([t - 1, t, t + 1]);
        }
        cuts.retain(|&c| c >= 0 && c < d);
        for (i, from) in cuts.into_iter().enumerate() {
            let version = if i % 2 == 0 {
                asciicast::Version::V2
            } else {
                asciicast::Version::V3
            };
            check_clip(&name, &l, from, None, version);
        }
    }
}

#[test]
fn clip_with_an_end() {
    for (name, path, cols, rows) in fixtures() {
        let l = load(&path, cols, rows);
        let d = l.tl.duration() as i128;
        check_clip(&name, &l, d / 3, Some(2 * d / 3), asciicast::Version::V2);
    }
}

#[test]
fn full_export_replays_identically_and_keeps_every_event() {
    for (name, path, cols, rows) in fixtures() {
        let l = load(&path, cols, rows);
        for version in [asciicast::Version::V2, asciicast::Version::V3] {
            let back = roundtrip(&l, Range::default(), version);
            assert_eq!(back.tl.events.len(), l.tl.events.len(), "{name}");
            assert_eq!(
                (back.geometry.cols, back.geometry.rows),
                (cols, rows),
                "{name}"
            );
            assert_eq!(
                back.tl.start.map(|s| s.timestamp()),
                l.tl.start.map(|s| s.timestamp()),
                "{name}: header timestamp"
            );
            let (mut a, mut b) = (l.replay(), back.replay());
            for i in 0..=l.tl.events.len() {
                a.seek_index(i);
                b.seek_index(i);
                assert_eq!(look(&b), look(&a), "{name} after {i} events");
                if i < l.tl.events.len() {
                    let (x, y) = (&l.tl.events[i], &back.tl.events[i]);
                    assert_eq!(
                        std::mem::discriminant(&x.kind),
                        std::mem::discriminant(&y.kind)
                    );
                    assert!(
                        x.t.abs_diff(y.t) <= 500,
                        "{name} event {i}: exact to the µs"
                    );
                    if x.kind == Kind::Input {
                        assert_eq!(l.tl.data(x), back.tl.data(y), "{name}: input kept");
                    }
                }
            }
        }
    }
}

#[test]
fn idle_time_limit_squeezes_long_pauses() {
    let mut tl = auditty::timeline::Timeline::new(vec![]);
    for (t, s) in [(0, "a"), (1, "b"), (20, "c"), (21, "d"), (100, "e")] {
        tl.push(t * NANOS_PER_SEC, Kind::Output, s.as_bytes());
    }
    let l = Recording::new("t".into(), tl, &Settings::default());
    let range = Range {
        idle_limit: Some(2 * NANOS_PER_SEC),
        ..Default::default()
    };
    let items = Items::new(&l, range).unwrap();
    assert_eq!(items.meta.idle_time_limit, Some(2.0));
    let times: Vec<u64> = items.map(|i| i.t / NANOS_PER_SEC).collect();
    assert_eq!(times, [0, 1, 3, 4, 6]);
}
