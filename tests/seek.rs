//! Seeking to any point gives exactly the screen that replaying from the start gives, for any
//! recording and any order of seeks.

use auditty::emulator::Replay;
use auditty::timeline::{Kind, Timeline};
use proptest::prelude::*;
use std::sync::Arc;

/// Pieces that exercise the emulator: text, escape sequences (often split across events),
/// charsets, the alternate screen, scroll regions, titles, wide and partial UTF-8 characters.
const PIECES: &[&[u8]] = &[
    b"hello ",
    b"world",
    b"\r\n",
    b"\n",
    b"\r",
    b"\x08",
    b"\t",
    b"\x1b",
    b"[",
    b"1;",
    b"31",
    b"m",
    b"\x1b[0m",
    b"\x1b[2J",
    b"\x1b[H",
    b"\x1b[5;10H",
    b"\x1b[K",
    b"\x1b[?1049h",
    b"\x1b[?1049l",
    b"\x1b[2;5r",
    b"\x1b[r",
    b"\x1bM",
    b"\x1b[3L",
    b"\x1b[2P",
    b"\x1b]0;title",
    b"\x07",
    b"\x1b]2;other\x1b\\",
    b"\x1b(0",
    b"\x1b(B",
    b"lqqk",
    b"\x0e",
    b"\x0f",
    b"\x1b)0",
    "漢字".as_bytes(),
    b"\xe2\x94",
    b"\x80",
    b"\x1bP1$r",
    b"\x1b\\",
    b"\x1b[?25l",
    b"\x1b7",
    b"\x1b8",
    b"\x1bc",
    b"\x1b[38;5;200;48;2;1;2;3m",
    b"\x1b[4h",
    b"xyz",
    b"\x18",
    b"\x1b[10S",
    // our own state beside vt100's: tab stops, insert mode, protection, saved cursors
    b"\x1bH",
    b"\x1b[g",
    b"\x1b[3g",
    b"\x1b[2I",
    b"\x1b[Z",
    b"\x1b[4l",
    b"\x1b#8",
    b"\x1b[?3h",
    b"\x1b[1\"q",
    b"\x1b[0\"q",
    b"\x1b[?J",
    b"\x1b[?1K",
    b"\x1b[?6h",
    b"\x1b[?6l",
    b"\x1b[!p",
    b"\x1b[3;0r",
];

/// (time step, a resize instead of output, output bytes)
type Ev = (u64, Option<(u16, u16)>, Vec<u8>);

fn event() -> impl Strategy<Value = Ev> {
    (
        0u64..3_000_000_000,
        prop::option::weighted(0.05, (5u16..40, 3u16..20)),
        prop::collection::vec(prop::sample::select(PIECES), 0..8).prop_map(|v| v.concat()),
    )
}

fn timeline(events: &[Ev]) -> Arc<Timeline> {
    let mut tl = Timeline::new(Vec::new());
    let mut t = 0;
    for (dt, resize, data) in events {
        t += dt;
        match resize {
            Some((cols, rows)) => tl.push(
                t,
                Kind::Resize {
                    cols: *cols,
                    rows: *rows,
                },
                b"",
            ),
            None => tl.push(t, Kind::Output, data),
        }
    }
    Arc::new(tl)
}

fn state(r: &Replay) -> (String, Vec<u8>, (u16, u16)) {
    (
        r.screen().state_formatted(),
        r.title().to_vec(),
        r.screen().cursor_position(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn seek_equals_replay(
        events in prop::collection::vec(event(), 1..60),
        seeks in prop::collection::vec(0usize..80, 1..25),
        crlf in any::<bool>(),
        interval in 1usize..64,
    ) {
        let tl = timeline(&events);
        let n = tl.events.len();
        let mut seeker = Replay::with_interval(Arc::clone(&tl), 20, 8, crlf, interval);
        for s in seeks {
            let target = s % (n + 1);
            seeker.seek_index(target);
            let mut fresh = Replay::with_interval(Arc::clone(&tl), 20, 8, crlf, 0);
            fresh.seek_index(target);
            prop_assert_eq!(seeker.position(), target);
            prop_assert_eq!(state(&seeker), state(&fresh), "seek to {} of {}", target, n);
        }
    }

    #[test]
    fn seek_by_time_includes_events_at_that_time(
        events in prop::collection::vec(event(), 1..30),
        pick in 0usize..30,
    ) {
        let tl = timeline(&events);
        let ev = tl.events[pick % tl.events.len()];
        let mut r = Replay::new(Arc::clone(&tl), 20, 8, false);
        r.seek_time(ev.t as i128);
        // every event at or before t is applied, none after
        let n = r.position();
        prop_assert!(tl.events[..n].iter().all(|e| e.t <= ev.t));
        prop_assert!(tl.events[n..].iter().all(|e| e.t > ev.t));
    }
}

#[test]
fn keyframes_are_made_and_used() {
    let mut tl = Timeline::new(Vec::new());
    for i in 0..2000u64 {
        tl.push(
            i * 1_000_000,
            Kind::Output,
            format!("\x1b[{};1Hline {i} \x1b[1mbold\x1b[0m\r\n", i % 24 + 1).as_bytes(),
        );
    }
    let tl = Arc::new(tl);
    let mut r = Replay::with_interval(Arc::clone(&tl), 80, 24, false, 4096);
    r.index_all();
    assert!(r.keyframe_count() > 10, "{}", r.keyframe_count());
    assert_eq!(r.indexed(), 2000);
    for target in [1999, 3, 1000, 0, 2000, 1500, 1501] {
        r.seek_index(target);
        let mut fresh = Replay::with_interval(Arc::clone(&tl), 80, 24, false, 0);
        fresh.seek_index(target);
        assert_eq!(state(&r), state(&fresh), "seek to {target}");
    }
}
