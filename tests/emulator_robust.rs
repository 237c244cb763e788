//! The emulator survives anything at any size: 1×1, one column, 1000×1000, wide characters at
//! the edges, resizes in the middle of sequences.

use auditty::emulator::{Replay, Term};
use auditty::timeline::{Kind, Timeline};
use proptest::prelude::*;
use std::sync::Arc;

const PIECES: &[&[u8]] = &[
    "漢".as_bytes(),
    "字".as_bytes(),
    "🎉".as_bytes(),
    "e\u{301}".as_bytes(),
    "\u{200d}".as_bytes(),
    b"x",
    b" ",
    b"\r",
    b"\n",
    b"\x08",
    b"\t",
    b"\x1b[999;999H",
    b"\x1b[H",
    b"\x1b[1;1r",
    b"\x1b[999r",
    b"\x1b[5;2r",
    b"\x1b[999@",
    b"\x1b[999P",
    b"\x1b[999L",
    b"\x1b[999M",
    b"\x1b[999X",
    b"\x1b[999b",
    b"\x1b[65535C",
    b"\x1b[65535;65535H",
    b"\x1bM",
    b"\x1bD",
    b"\x1b[?1049h",
    b"\x1b[?1049l",
    b"\x1b[?6h",
    b"\x1b[?7l",
    b"\x1b[?7h",
    b"\x1b[4h",
    b"\x1b[999S",
    b"\x1b[999T",
    b"\x1b(0q",
    b"\x1b#8",
    b"\x1b[8;1;1t",
    b"\x1bc",
    b"\x1b[0J",
    b"\x1b[2K",
    b"\x1b[1K",
    b"\x1b[K",
    b"\x1b[999d",
    b"\x1b[999G",
    b"\x1b[999`",
    b"\x1b[999E",
    b"\x1b[999F",
    b"\x1b[999A",
    b"\x1b[999B",
    b"\x1b[999D",
    b"\x1b[3g",
    b"\x1bH",
];

fn junk() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(|p| p.to_vec()),
            1 => prop::collection::vec(any::<u8>(), 0..12),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn size() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        Just((1, 1)),
        Just((2, 1)),
        Just((1, 3)),
        Just((3, 2)),
        (1u16..6, 1u16..6),
        (1u16..300, 1u16..100),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_at_any_size(
        chunks in prop::collection::vec((junk(), prop::option::weighted(0.2, size())), 1..20),
        start in size(),
        crlf in any::<bool>(),
    ) {
        let mut tl = Timeline::new(Vec::new());
        for (i, (data, resize)) in chunks.iter().enumerate() {
            tl.push(i as u64, Kind::Output, data);
            if let Some((c, r)) = resize {
                tl.push(i as u64, Kind::Resize { cols: *c, rows: *r }, b"");
            }
        }
        let tl = Arc::new(tl);
        let mut r = Replay::with_interval(Arc::clone(&tl), start.0, start.1, crlf, 8);
        r.index_all();
        let n = tl.events.len();
        for k in [n, 0, n / 2, n.saturating_sub(1)] {
            r.seek_index(k);
            let text = auditty::render::text(r.screen());
            let ansi = auditty::render::ansi::ansi(r.screen());
            prop_assert!(!text.contains('\x1b'));
            prop_assert!(ansi.lines().count() == text.lines().count());
        }
    }
}

#[test]
fn big_and_tiny_screens() {
    for (cols, rows) in [(1000, 1000), (1, 1), (1, 1000), (1000, 1)] {
        let mut t = Term::new(cols, rows, true);
        t.feed("漢字\x1b[999;999H漢\n🎉\x1b[1;999H字\x1b[?1049h\x1b[2J漢\x1b[?1049l".as_bytes());
        t.resize(1, 1);
        t.feed("字字\r\n".as_bytes());
        t.resize(cols, rows);
        let _ = auditty::render::text(t.screen());
        let _ = t.snapshot();
    }
}

#[test]
fn wide_character_at_the_right_edge_wraps_like_a_terminal() {
    let mut t = Term::new(5, 3, false);
    t.feed("abcd漢".as_bytes());
    let text = auditty::render::text(t.screen());
    assert_eq!(text.lines().next().unwrap(), "abcd");
    assert_eq!(text.lines().nth(1).unwrap(), "漢");
}
