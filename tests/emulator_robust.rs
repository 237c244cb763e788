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
    b"\x1b[3I",
    b"\x1b[999Z",
    b"\x1b[g",
    b"\x1b[?3h",
    b"\x1b[1\"q",
    b"\x1b[0\"q",
    b"\x1b[?2J",
    b"\x1b[?1K",
    b"\x1b[!p",
    b"\x1b7",
    b"\x1b8",
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

fn screen_after(cols: u16, rows: u16, bytes: &str) -> Vec<String> {
    let mut t = Term::new(cols, rows, false);
    t.feed(bytes.as_bytes());
    let text = auditty::render::text(t.screen());
    text.lines().map(|l| l.trim_end().to_string()).collect()
}

fn cursor_after(cols: u16, rows: u16, bytes: &str) -> (u16, u16) {
    let mut t = Term::new(cols, rows, false);
    t.feed(bytes.as_bytes());
    t.screen().cursor_position()
}

/// DECSTBM homes the cursor in the region when DECOM is set (xterm's CursorSet honours the
/// origin mode; tmux puts it at the top of the screen, which is where tmux and xterm differ).
#[test]
fn scroll_margins_home_the_cursor_in_the_region_with_origin_mode() {
    assert_eq!(cursor_after(30, 12, "\x1b[10;20H\x1b[5;9r"), (0, 0));
    assert_eq!(cursor_after(30, 12, "\x1b[?6h\x1b[10;20H\x1b[3;8r"), (2, 0));
    // a bottom of 0 is the last line (xterm; tmux takes it as 1 and ignores the region)
    assert_eq!(cursor_after(30, 12, "\x1b[6;6H\x1b[4;0r"), (0, 0));
    let s = screen_after(10, 6, "\x1b[3;0r\x1b[6;1Hlast\n\nx");
    assert_eq!(s[3], "last", "{s:?}");
    // an empty region is ignored: the cursor stays
    assert_eq!(cursor_after(30, 12, "\x1b[7;10H\x1b[8;5r"), (6, 9));
}

/// CHT and CBT (tmux has no CHT; xterm moves n stops forward, or to the right margin).
#[test]
fn cht_and_cbt_move_by_tab_stops() {
    assert_eq!(cursor_after(40, 4, "\x1b[2I"), (0, 16));
    assert_eq!(cursor_after(40, 4, "\x1b[9I"), (0, 39));
    assert_eq!(cursor_after(40, 4, "\x1b[1;30H\x1b[2Z"), (0, 16));
    assert_eq!(
        cursor_after(40, 4, "\x1b[3g\x1b[1;5H\x1bH\r\x1b[2I"),
        (0, 39)
    );
    assert_eq!(
        cursor_after(40, 4, "\x1b[3g\x1b[1;5H\x1bH\x1b[1;20H\x1b[Z"),
        (0, 4)
    );
    // stops go back to every 8 columns on a full reset and when the width changes
    assert_eq!(cursor_after(40, 4, "\x1b[3g\x1bc\t"), (0, 8));
    let mut t = Term::new(40, 4, false);
    t.feed(b"\x1b[3g");
    t.resize(41, 4);
    t.feed(b"\t");
    assert_eq!(t.screen().cursor_position(), (0, 8));
}

/// Selective erase: DECSCA-protected cells survive DECSED and DECSEL, not ED and EL (xterm;
/// tmux has no DECSCA).
#[test]
fn selective_erase_keeps_protected_cells() {
    let s = screen_after(20, 3, "ab\x1b[1\"qPROT\x1b[0\"qcd\r\nline 2\x1b[H\x1b[?2J");
    assert_eq!(s[0], "  PROT", "{s:?}");
    assert_eq!(s.get(1).map_or("", |l| l.as_str()), "");
    let s = screen_after(20, 3, "ab\x1b[1\"qPROT\x1b[0\"qcd\x1b[1;4H\x1b[?K");
    assert_eq!(s[0], "abPROT", "{s:?}");
    let s = screen_after(20, 3, "ab\x1b[1\"qPR\x1b[0\"qcd\x1b[1;2H\x1b[?1K");
    assert_eq!(s[0], "  PRcd", "{s:?}");
    // ordinary erase takes protected cells too, and they stay unprotected
    let s = screen_after(
        20,
        3,
        "\x1b[1\"qPROT\x1b[0\"q\x1b[H\x1b[2K\x1b[1;1HPROT\x1b[?2K",
    );
    assert_eq!(s.first().map_or("", |l| l.as_str()), "", "{s:?}");
    // overwritten unprotected: no longer protected
    let s = screen_after(20, 3, "\x1b[1\"qAB\x1b[0\"q\x1b[HX\x1b[?2K");
    assert_eq!(s[0], " B", "{s:?}");
}

/// After `ESC 7  ESC ( 0  CSI ? 1049 h … CSI ? 1049 l  ESC 8`, text is ASCII again: the charset
/// saved by ESC 7 is restored, whatever the program did on the alternate screen.
#[test]
fn alternate_screen_cannot_leave_line_drawing_behind() {
    let s = screen_after(20, 4, "\x1b7\x1b(0\x1b[?1049hlqk\x1b[?1049l\x1b8qq");
    assert_eq!(s[0], "qq", "{s:?}");
    // with a DECRC slot of its own, 1049 does not take the one ESC 7 filled
    let s = screen_after(
        20,
        4,
        "\x1b(0\x1b7\x1b(B\x1b[?1049h\x1b[?1049l\x1b8q\x1b(Bq",
    );
    assert_eq!(s[0], "─q", "{s:?}");
    // leaving the alternate screen restores the charset it was entered with
    let s = screen_after(20, 4, "\x1b(0\x1b[?1049h\x1b(B\x1b[?1049lq");
    assert_eq!(s[0], "─", "{s:?}");
    // DECSTR resets the charsets
    let s = screen_after(20, 4, "\x1b(0\x1b[!pq");
    assert_eq!(s[0], "q", "{s:?}");
    // the alternate screen keeps the cursor where it was (vt100 alone homes it)
    assert_eq!(cursor_after(20, 4, "\x1b[3;5H\x1b[?1049h"), (2, 4));
}

#[test]
fn insert_mode_pushes_the_line_right() {
    let s = screen_after(10, 2, "abcdefghij\x1b[1;3H\x1b[4hXY\x1b[4lZ");
    assert_eq!(s[0], "abXYZdefgh");
    let s = screen_after(10, 2, "abcdef\x1b[1;1H\x1b[4h字\x1b[4l");
    assert_eq!(s[0], "字abcdef");
    let s = screen_after(10, 2, "abcdef\x1b[1;1H\x1b[4h\x1b(0q\x1b(B\x1b[4l");
    assert_eq!(s[0], "─abcdef");
}

#[test]
fn decaln_and_deccolm() {
    let s = screen_after(5, 3, "\x1b[2;3r\x1b[31mab\x1b#8");
    assert_eq!(s, vec!["EEEEE"; 3]);
    assert_eq!(cursor_after(5, 3, "\x1b[2;3r\x1b[3;3H\x1b#8"), (0, 0));
    // margins reset: a line feed at the bottom scrolls the whole screen
    let s = screen_after(5, 3, "\x1b[1;2r\x1b#8\x1b[3;1H\nx");
    assert_eq!(s, vec!["EEEEE", "EEEEE", "x"]);
    // a row of E's in other attributes, or one changed since, is filled again
    let mut t = Term::new(5, 3, false);
    t.feed(b"\x1b#8\x1b[2;2H\x1b[31mE\x1b[3;3Hx\x1b#8");
    assert_eq!(
        t.screen().cell(1, 1).unwrap().fgcolor(),
        vt100::Color::Default
    );
    assert_eq!(
        auditty::render::text(t.screen()).lines().nth(2),
        Some("EEEEE")
    );
    let s = screen_after(5, 3, "abc\x1b[2;3r\x1b[3;3H\x1b[?3hx");
    assert_eq!(s, vec!["x", "", ""]);
    assert_eq!(cursor_after(7, 3, "abc\x1b[?3l"), (0, 0));
}

/// A full reset of a blank screen costs nothing, whatever its size (a 2000×1000 screen took
/// 17 ms a reset; 500 of them in a 3.5 KB recording took 8.5 s).
#[test]
fn resets_of_a_blank_huge_screen_are_cheap() {
    let mut t = Term::new(2000, 1000, false);
    let mut bytes = b"\x1b[1000;2000H".to_vec();
    for _ in 0..3000 {
        bytes.extend_from_slice(b"\x1bc\x1b[1000;2000H\x1b[?25l\x1b[31m\r\n");
    }
    let t0 = std::time::Instant::now();
    t.feed(&bytes);
    // 3000 reallocations of 2 million cells take minutes in a debug build
    assert!(t0.elapsed().as_secs() < 5, "{:?}", t0.elapsed());
    assert_eq!(t.screen().cursor_position(), (999, 0));
    // and the reset still resets
    let mut a = Term::new(30, 5, false);
    let mut b = Term::new(30, 5, false);
    a.feed(b"\x1b[?25l\x1b[?1h\x1b[?1000h\x1b[?2004h\x1b[4;6H\x1b[1;31m\x1b[2;4r\x1b7\x1bc\x1b8x");
    b.feed(b"x");
    assert_eq!(a.screen().state_formatted(), b.screen().state_formatted());
    assert_eq!(a.screen().cursor_position(), b.screen().cursor_position());
    assert_eq!(a.screen().hide_cursor(), b.screen().hide_cursor());
    assert_eq!(
        a.screen().application_cursor(),
        b.screen().application_cursor()
    );
    assert_eq!(a.screen().bracketed_paste(), b.screen().bracketed_paste());
    // a reset after drawing, without the alternate screen, erases instead of re-allocating:
    // the same screen, and REP has nothing to repeat
    let mut a = Term::new(30, 5, false);
    a.feed(b"drawn\x1b[41m\x1b[2;2Hred\x1b[?1h\x1b[3;4r\x1b7\x1bc\x1b[5b\x1b8x");
    assert_eq!(a.screen().state_formatted(), b.screen().state_formatted());
    assert_eq!(a.screen().cursor_position(), b.screen().cursor_position());
    assert_eq!(
        a.screen().application_cursor(),
        b.screen().application_cursor()
    );
    let mut t = Term::new(2000, 1000, false);
    let t0 = std::time::Instant::now();
    t.feed(&b"x\x1bc".repeat(100));
    assert!(t0.elapsed().as_secs() < 20, "{:?}", t0.elapsed());
}

#[test]
fn asciicast_v1_is_named_v1() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v1.json");
    std::fs::write(
        &p,
        r#"{"version": 1, "width": 80, "height": 24, "stdout": [[0.1, "hi"]]}"#,
    )
    .unwrap();
    let tl = auditty::recording::read(&auditty::recording::Source::Path(p), &Default::default())
        .unwrap();
    assert_eq!(tl.format.map(|f| f.name()), Some("asciicast-v1"));
}

/// A sequence of ours (DECSCA) that ends an unterminated DCS ends it for vt100 too: what
/// follows is printed (the ESC ends the string, as in every terminal), and replaying from a
/// keyframe taken after it gives the same screen (found by `seek_equals_replay`).
#[test]
fn a_sequence_of_ours_ends_the_string_before_it() {
    let mut t = Term::new(20, 8, false);
    t.feed(b"hello \x1bP1$r");
    t.feed(b"swallowed \x1b[1\"q");
    t.feed(b"shown");
    assert_eq!(t.screen().contents(), "hello shown");
    let mut t = Term::new(20, 8, false);
    t.feed(b"\x1b]2;title\x1b[1\"qshown");
    assert_eq!(t.screen().contents(), "shown");
    assert_eq!(t.title(), b"title");
    // an ESC that restarts a sequence drops the one before: when the new one is ours (TBC),
    // vt100 is not left in the middle of the dropped one
    let mut t = Term::new(20, 8, false);
    t.feed(b"a\x1b\x1b[g");
    t.feed(b"[b");
    assert_eq!(t.screen().contents(), "a[b");
}

/// Complete sequences and text (no half sequence is left open before the reset).
fn whole_pieces() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(PIECES).prop_map(|p| p.to_vec()),
            1 => Just(b"\x1b[?47h".to_vec()),
            1 => Just(b"\x1b[?47l".to_vec()),
            1 => Just(b"\x1b[?1047h".to_vec()),
            1 => Just(b"\x1b[?1049h".to_vec()),
            1 => Just(b"\x1b[?1;47h".to_vec()),
            1 => Just(b"\x1b[41mred".to_vec()),
        ],
        0..30,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Whatever came before it, and however cheaply it is done (modes undone on a blank
    /// screen, an erase on a drawn one, the alternate screen cleared only when shown again),
    /// a full reset leaves the terminal as a new one: what follows shows the same screen.
    #[test]
    fn after_a_full_reset_the_terminal_is_as_new(
        before in whole_pieces(),
        after in whole_pieces(),
        (cols, rows) in (1u16..40, 1u16..12),
    ) {
        let mut reset = Term::new(cols, rows, false);
        reset.feed(&before);
        reset.feed(b"\x1bc");
        reset.feed(&after);
        let mut new = Term::new(cols, rows, false);
        new.feed(&after);
        let (a, b) = (reset.screen(), new.screen());
        prop_assert_eq!(a.contents_formatted(), b.contents_formatted());
        prop_assert_eq!(a.input_mode_formatted(), b.input_mode_formatted());
        prop_assert_eq!(a.cursor_position(), b.cursor_position());
        prop_assert_eq!(a.alternate_screen(), b.alternate_screen());
        prop_assert_eq!(a.hide_cursor(), b.hide_cursor());
        prop_assert_eq!(a.attributes_formatted(), b.attributes_formatted());
    }
}

/// A reset after drawing on the alternate screen is an erase too, not two new screens, and
/// the alternate screen shows nothing of before when it is entered again.
#[test]
fn resets_after_the_alternate_screen_are_cheap_and_clear_it() {
    let mut t = Term::new(2000, 1000, false);
    let t0 = std::time::Instant::now();
    t.feed(&b"\x1b[?1049hx\x1bc".repeat(100));
    let spent = t0.elapsed();
    let mut fresh = Term::new(2000, 1000, false);
    let t0 = std::time::Instant::now();
    fresh.feed(&b"\x1b[?1049hx\x1b[?1049l\x1b[2J".repeat(100));
    // the same work as entering, drawing, leaving and erasing, give or take
    assert!(
        spent < t0.elapsed() * 3,
        "{spent:?} against {:?}",
        t0.elapsed()
    );
    let mut t = Term::new(10, 3, false);
    t.feed(b"\x1b[?1049halt\x1bc\x1b[?47h");
    assert!(t.screen().alternate_screen());
    assert_eq!(t.screen().contents().trim(), "");
    t.feed(b"\x1b[?47lmain");
    assert_eq!(t.screen().contents().trim(), "main");
}
