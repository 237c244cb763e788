use super::*;
use crate::context::{from_bytes, Entry};
use chrono::TimeZone;

fn row(t: i128, lane: Lane, actor: Option<&str>, text: &str) -> Row {
    let origin = FixedOffset::east_opt(0)
        .unwrap()
        .with_ymd_and_hms(2024, 3, 1, 10, 0, 0)
        .unwrap();
    Row {
        t,
        time: Some(origin + chrono::Duration::nanoseconds(t as i64)),
        lane,
        source: "f".into(),
        actor: actor.map(String::from),
        text: text.into(),
        fields: Default::default(),
    }
}

/// A line as the screen shows it: our SGR taken out.
fn plain(s: &str) -> String {
    let re = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
    re.replace_all(s, "").into_owned()
}

#[test]
fn a_line_is_time_lane_actor_text_escaped() {
    let r = row(
        3_250_000_000,
        Lane::AppLog,
        Some("web\x1b]0;x\x07"),
        "\x1b[2J\u{9b}31m\u{202e}rtl",
    );
    let l = line(&r, 80, false);
    assert_eq!(
        plain(&l),
        "10:00:03.250  app-log    web^[]0;x^G  ^[[2J\\x9b31m\\u{202e}rtl"
    );
    // the only escape sequences are our SGR
    let rest = plain(&l);
    assert!(
        !rest.chars().any(crate::render::escape::is_control),
        "{rest:?}"
    );
    // with the date when the feed spans days
    assert!(plain(&line(&r, 80, true)).starts_with("2024-03-01 10:00:03.250  app-log"));
}

#[test]
fn a_long_line_is_cut_at_the_width_wide_characters_included() {
    let r = row(0, Lane::Losant, Some(&"a".repeat(40)), &"漢字".repeat(50));
    for cols in [1u16, 2, 10, 39, 40, 41, 80, 81] {
        let l = plain(&line(&r, cols, false));
        let w: usize = l.chars().map(|c| c.width().unwrap_or(0)).sum();
        assert!(w <= usize::from(cols), "{cols}: {w} {l}");
        assert!(l.ends_with('…'), "{l}");
    }
    let l = plain(&line(&r, 200, false));
    // the actor is cut on its own
    assert!(l.contains(&format!("{}…  漢字", "a".repeat(23))), "{l}");
    // a line that fits is whole
    let short = row(0, Lane::Datafold, None, "login");
    assert_eq!(
        plain(&line(&short, 30, false)),
        "10:00:00.000  datafold   login"
    );
    assert_eq!(
        plain(&line(&short, 29, false)),
        "10:00:00.000  datafold   log…"
    );
}

fn fixture(name: &str) -> Context {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/context")
        .join(name);
    let bytes = std::fs::read(path).unwrap();
    from_bytes(name, bytes, &Options::default()).unwrap()
}

#[test]
fn one_event_per_entry_at_its_time_from_the_first() {
    for name in ["app.log", "events.json", "losant.json", "datafold.json"] {
        let c = fixture(name);
        let entries: Vec<Entry> = c.entries.clone();
        let f = build(name.into(), vec![c], None, None).unwrap();
        let tl = &f.rec.tl;
        assert_eq!(tl.events.len(), entries.len(), "{name}");
        assert_eq!(tl.start, Some(entries[0].time), "{name}");
        for (ev, e) in tl.events.iter().zip(&entries) {
            let want = e.time.signed_duration_since(entries[0].time);
            assert_eq!(ev.t as i64, want.num_nanoseconds().unwrap(), "{name}");
        }
        assert_eq!(f.rows.len(), entries.len());
        assert_eq!((f.rec.geometry.cols, f.rec.geometry.rows), (80, 24));
        assert!(
            f.rec.geometry_guess().is_none(),
            "a feed's size is not a guess"
        );
        assert_eq!(tl.format, Some(Format::Feed));
    }
}

#[test]
fn nothing_from_an_entry_reaches_the_emulator_as_a_control() {
    for name in ["app.log", "events.json", "losant.json", "datafold.json"] {
        let f = build(name.into(), vec![fixture(name)], None, None).unwrap();
        let tl = &f.rec.tl;
        for (i, ev) in tl.events.iter().enumerate() {
            let s = tl.text_of(ev);
            let s = s.strip_prefix(HIDE_CURSOR).unwrap_or(&s);
            let s = plain(s);
            let s = s.trim_start_matches('\n').trim_end_matches('\r');
            assert!(
                !s.chars().any(crate::render::escape::is_control),
                "{name} event {i}: {s:?}"
            );
        }
        let mut replay = f.rec.replay_once();
        replay.seek_time(tl.duration() as i128);
        let term = replay.into_term();
        assert!(term.title().is_empty(), "{name}: the title was set");
        // one line per entry, and the cursor hidden at the start of the last
        let text = crate::render::text(term.screen());
        assert_eq!(text.lines().filter(|l| !l.is_empty()).count(), f.rows.len());
        assert!(term.screen().hide_cursor());
        assert_eq!(
            term.screen().cursor_position(),
            ((f.rows.len() - 1) as u16, 0)
        );
    }
}

#[test]
fn entries_scroll_as_a_log_does() {
    let log: String = (0..30)
        .map(|i| format!("2024-03-01 10:00:{i:02}.000000000 +0000 UTC [web-1] line {i}\n"))
        .collect();
    let c = from_bytes("many.log", log.into_bytes(), &Options::default()).unwrap();
    let f = build("many.log".into(), vec![c], Some(40), Some(5)).unwrap();
    assert_eq!((f.rec.geometry.cols, f.rec.geometry.rows), (40, 5));
    let mut replay = f.rec.replay_once();
    replay.seek_time(f.rec.tl.duration() as i128);
    let text = crate::render::text(replay.into_term().screen());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(
        lines[0].ends_with("line 25") && lines[4].ends_with("line 29"),
        "{text}"
    );
}

#[test]
fn an_empty_source_is_an_empty_feed_with_a_warning() {
    let c = from_bytes("e.json", b"{\"items\": []}".to_vec(), &Options::default()).unwrap();
    let f = build("e.json".into(), vec![c], None, None).unwrap();
    assert!(f.rec.tl.events.is_empty() && f.rows.is_empty());
    assert!(f.rec.warnings().iter().any(|w| w.contains("no entries")));
}

#[test]
fn could_be_looks_at_the_first_bytes_only() {
    use crate::context::detect::could_be;
    assert!(could_be(b"  {\"items\": ["));
    assert!(could_be(b"\xef\xbb\xbf[{}]"));
    assert!(could_be(
        b"noise\n2024-03-01 10:00:00.000000000 +0000 UTC [web-1] up\n"
    ));
    assert!(!could_be(b"just notes\n"));
    assert!(!could_be(&[0u8; 4096]));
    // a gzip stream of zeros far longer than a megabyte: told from its first megabyte
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &vec![0u8; 8 << 20]).unwrap();
    assert!(!could_be(&gz.finish().unwrap()));
}
