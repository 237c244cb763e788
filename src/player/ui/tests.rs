//! Snapshots of whole frames (ratatui's `TestBackend`) in the player's main states, on the
//! demo recording and on small timelines.

use crate::player::action::{Action, Panel, PromptKind};
use crate::player::app::{App, Options};
use crate::recording::{self, Settings, Source};
use crate::timeline::{Kind, Timeline, NANOS_PER_SEC};
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn demo(size: (u16, u16), opts: Options) -> App {
    let loaded = recording::open(&Source::Demo, &Settings::default()).unwrap();
    let mut app = App::new(loaded, opts, size, ms(0)).unwrap();
    app.wait_background(ms(0));
    app
}

fn render(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| super::draw(app, f)).unwrap();
    t
}

fn typed(app: &mut App, s: &str, now: Duration) {
    for c in s.chars() {
        app.update(Action::PromptInput(c), now);
    }
}

#[test]
fn playing() {
    let mut app = demo((120, 32), Options::default());
    app.update(Action::Tick, ms(6000));
    assert!(app.playing());
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn paused() {
    let mut app = demo((120, 32), Options::default());
    app.update(Action::Tick, ms(19_500));
    app.update(Action::TogglePlay, ms(19_500));
    assert!(!app.playing());
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn help() {
    let mut app = demo((120, 32), Options::default());
    app.update(Action::Tick, ms(6000));
    app.update(Action::ToggleHelp, ms(6000));
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn commands_panel() {
    let mut app = demo((170, 32), Options::default());
    app.update(Action::Tick, ms(43_000));
    app.update(Action::TogglePlay, ms(43_000));
    app.update(Action::TogglePanel(Panel::Commands), ms(43_000));
    app.update(Action::PanelMove(-1), ms(43_000));
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn search_with_hits() {
    let mut app = demo((170, 32), Options::default());
    app.update(Action::OpenPrompt(PromptKind::Search), ms(0));
    typed(&mut app, "checkout 500", ms(0));
    let prompt = render(&app);
    assert!(
        format!("{}", prompt.backend()).contains(" /  checkout 500▏"),
        "the prompt shows what is typed"
    );
    app.update(Action::PromptSubmit, ms(0));
    app.update(Action::SearchNext, ms(0));
    app.update(Action::TogglePanel(Panel::Hits), ms(0));
    let t = render(&app);
    insta::assert_snapshot!(t.backend());
    // the match is highlighted where it is on screen
    let buf = t.backend().buffer();
    let text = format!("{}", t.backend());
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("web-1 GET /checkout 500"))
        .expect("the hit is on screen");
    let col = line.find("/checkout 500").unwrap();
    let x = line[..col].chars().count() as u16 + 1;
    assert_eq!(buf[(x, y as u16)].bg, Color::Yellow);
    assert_ne!(buf[(x - 2, y as u16)].bg, Color::Yellow);
}

#[test]
fn cropped() {
    let mut app = demo((60, 20), Options::default());
    app.update(Action::Tick, ms(12_000));
    app.update(Action::TogglePlay, ms(12_000));
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn wide_characters_markers_idle_and_title() {
    let s = NANOS_PER_SEC;
    let mut tl = Timeline::new(vec![]);
    tl.start = chrono::DateTime::parse_from_rfc3339("2024-03-01T08:00:00Z").ok();
    tl.push(
        0,
        Kind::Output,
        "\x1b]0;build \u{9b}31m box\x07$ ".as_bytes(),
    );
    tl.push(s, Kind::Input, b"echo \xe6\xbc\xa2\x1b[A\r");
    tl.push(
        s,
        Kind::Output,
        "漢字 ok\r\n\x1b[1;4;33mwarn\x1b[0m\r\n$ ".as_bytes(),
    );
    tl.push(40 * s, Kind::Marker, b"later");
    tl.push(41 * s, Kind::Output, b"bye\r\n");
    let term = Settings {
        cols: Some(30),
        rows: Some(4),
        ..Default::default()
    };
    let loaded = recording::Recording::new("small.cast".into(), tl, &term);
    let opts = Options {
        clock: crate::player::clock::ClockOptions {
            speed: 1.0,
            idle_limit: Some(2 * s),
            ..Default::default()
        },
        utc: true,
        ..Default::default()
    };
    let mut app = App::new(loaded, opts, (80, 8), ms(0)).unwrap();
    app.wait_background(ms(0));
    app.update(Action::Tick, ms(1200));
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn tiny_terminals_do_not_break_the_layout() {
    for (w, h) in [(1, 1), (2, 2), (5, 3), (20, 4), (39, 10), (41, 5)] {
        let mut app = demo((w, h), Options::default());
        app.update(Action::Tick, ms(20_000));
        app.update(Action::TogglePanel(Panel::Commands), ms(20_000));
        app.update(Action::ToggleHelp, ms(20_000));
        render(&app);
        app.update(Action::ToggleHelp, ms(20_000));
        app.update(Action::OpenPrompt(PromptKind::Search), ms(20_000));
        typed(&mut app, "500", ms(20_000));
        render(&app);
        app.update(Action::PromptSubmit, ms(20_000));
        app.update(Action::TogglePanel(Panel::Hits), ms(20_000));
        app.update(Action::Pan(5, 5), ms(20_000));
        render(&app);
    }
}

/// A recording of `cols`×`rows` (given, as a header would) that prints `lines` numbered
/// lines in one event at 1 s, then `tail` at 2 s.
fn numbered(cols: u16, rows: u16, lines: usize, needle_at: Option<usize>) -> recording::Recording {
    let s = NANOS_PER_SEC;
    let mut tl = Timeline::new(vec![]);
    tl.start = chrono::DateTime::parse_from_rfc3339("2024-03-01T08:00:00Z").ok();
    tl.title = Some("deploy \u{1b}[31mday".into());
    tl.push(0, Kind::Output, b"$ seq\r\n");
    let mut out = String::new();
    for i in 1..=lines {
        if needle_at == Some(i) {
            out.push_str(&format!("line {i} needle\r\n"));
        } else {
            out.push_str(&format!("line {i}\r\n"));
        }
    }
    tl.push(s, Kind::Output, out.as_bytes());
    tl.push(2 * s, Kind::Marker, b"after the list");
    tl.push(3 * s, Kind::Output, b"$ ");
    let term = Settings {
        cols: Some(cols),
        rows: Some(rows),
        ..Default::default()
    };
    recording::Recording::new("seq.cast".into(), tl, &term)
}

fn player(rec: recording::Recording, size: (u16, u16)) -> App {
    let opts = Options {
        utc: true,
        ..Default::default()
    };
    let mut app = App::new(rec, opts, size, ms(0)).unwrap();
    app.wait_background(ms(0));
    app
}

fn text(t: &Terminal<TestBackend>) -> String {
    format!("{}", t.backend())
}

#[test]
fn an_80x24_recording_fits_an_80x24_terminal() {
    let mut app = player(numbered(80, 24, 22, None), (80, 24));
    app.update(Action::Tick, ms(1500));
    app.update(Action::TogglePlay, ms(1500));
    // just after a key: the bar and the status over the two bottom rows
    let shown = render(&app);
    insta::assert_snapshot!("fits_80x24_with_the_bar", shown.backend());
    assert!(!app.areas().cropped);
    // a few seconds later they are gone (pausing does not pin them): the whole screen
    app.update(Action::Tick, ms(9000));
    let t = render(&app);
    insta::assert_snapshot!("fits_80x24_whole", t.backend());
    let s = text(&t);
    assert!(s.lines().next().unwrap().starts_with("\"$ seq"), "{s}");
    assert!(s.contains("line 22"), "{s}");
    assert!(!s.contains("cropped"));
    // `z` gives the frame back (cropped then), and again compact
    app.update(Action::ToggleCompact, ms(9000));
    assert!(app.areas().cropped && !app.needs().compact);
    app.update(Action::ToggleCompact, ms(9000));
    assert!(app.needs().compact);
}

#[test]
fn scrolled_back_with_a_marker_of_how_far() {
    let mut app = player(numbered(80, 24, 100, None), (80, 24));
    app.update(Action::Tick, ms(1500));
    app.update(Action::TogglePlay, ms(1500));
    assert_eq!(app.scrolled_back(), (0, 78));
    app.update(Action::ScrollPage(1), ms(1500));
    let t = render(&app);
    insta::assert_snapshot!("scrolled_back_80x24", t.backend());
    let s = text(&t);
    assert!(s.contains("↑ 23 of 78 lines back"), "{s}");
    assert!(s.contains("line 55") && !s.contains("line 100"), "{s}");
    // the wheel goes further back, and forward again
    app.update(
        Action::Mouse(crate::player::action::Mouse::Scroll(10, 5, 0, -1)),
        ms(1500),
    );
    assert_eq!(app.scrolled_back().0, 26);
    app.update(
        Action::Mouse(crate::player::action::Mouse::Scroll(10, 5, 0, 1)),
        ms(1500),
    );
    assert_eq!(app.scrolled_back().0, 23);
    // far back: clamped to what is kept
    app.update(Action::ScrollBack(1000), ms(1500));
    assert_eq!(app.scrolled_back().0, 78);
    assert!(text(&render(&app)).contains("$ seq"));
    // play returns to the live screen
    app.update(Action::TogglePlay, ms(1500));
    assert_eq!(app.scrolled_back().0, 0);
    app.update(Action::TogglePlay, ms(1500));
    app.update(Action::ScrollPage(1), ms(1500));
    // and so does any seek
    app.update(Action::Step(-1), ms(1500));
    assert_eq!(app.scrolled_back().0, 0);
}

#[test]
fn a_hit_that_scrolled_off_is_shown_in_the_scrollback() {
    let mut app = player(numbered(80, 24, 200, Some(40)), (80, 24));
    app.update(Action::OpenPrompt(PromptKind::Search), ms(0));
    typed(&mut app, "needle", ms(0));
    app.update(Action::PromptSubmit, ms(0));
    assert_eq!(app.position(), NANOS_PER_SEC);
    let (back, len) = app.scrolled_back();
    assert!(back > 0 && len == 178, "{back} {len}");
    let t = render(&app);
    insta::assert_snapshot!("hit_in_scrollback_80x24", t.backend());
    let s = text(&t);
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("line 40 needle"))
        .expect("the hit is in view");
    let x = line[..line.find("needle").unwrap()].chars().count() as u16 - 1;
    assert_eq!(t.backend().buffer()[(x, y as u16)].bg, Color::Yellow);
}

#[test]
fn panels_at_80_columns_open_over_the_screen() {
    let mut app = demo((80, 24), Options::default());
    app.update(Action::Tick, ms(43_000));
    app.update(Action::TogglePlay, ms(43_000));
    app.update(Action::TogglePanel(Panel::Commands), ms(43_000));
    let t = render(&app);
    insta::assert_snapshot!("commands_panel_80x24", t.backend());
    let s = text(&t);
    assert!(
        s.contains("grep --color=always ' 500 ' access.log | head -5"),
        "{s}"
    );
    app.update(Action::Close, ms(43_000));
    app.update(Action::OpenPrompt(PromptKind::Search), ms(43_000));
    typed(&mut app, "checkout 500", ms(43_000));
    app.update(Action::PromptSubmit, ms(43_000));
    app.update(Action::TogglePanel(Panel::Hits), ms(43_000));
    let t = render(&app);
    insta::assert_snapshot!("hits_panel_80x24", t.backend());
    // the selected hit's match is still black on yellow, not on the selection's grey
    let buf = t.backend().buffer();
    let sel = (0..24)
        .find(|&y| buf[(3, y)].bg == Color::DarkGray)
        .expect("a selected row");
    assert!((0..80).any(|x| buf[(x, sel)].bg == Color::Yellow && buf[(x, sel)].fg == Color::Black));
}

#[test]
fn help_at_80x24_lists_every_key() {
    let mut app = demo((80, 24), Options::default());
    app.update(Action::ToggleHelp, ms(0));
    let t = render(&app);
    insta::assert_snapshot!("help_80x24", t.backend());
    let s = text(&t);
    for (k, _) in crate::player::keys::HELP {
        assert!(s.contains(k), "{k} is cut from the help at 80×24");
    }
}

#[test]
fn marker_label_title_and_guessed_size() {
    let mut app = player(numbered(60, 10, 3, None), (80, 16));
    app.update(Action::Tick, ms(2500));
    let s = text(&render(&app));
    assert!(s.contains("▼ after the list"), "{s}");
    // the asciicast title in the frame (escaped), the size given
    assert!(s.contains("┌ seq.cast — deploy ^[[31mday "), "{s}");
    assert!(s.contains(" 60×10 ") && !s.contains("guessed"), "{s}");
    // before it: not shown
    app.update(Action::Start, ms(2500));
    assert!(!text(&render(&app)).contains("after the list"));
    let demo = demo((120, 32), Options::default());
    assert!(text(&render(&demo)).contains("100×28 guessed"));
}

#[test]
fn the_size_changes_live() {
    let mut app = player(numbered(60, 10, 30, None), (100, 30));
    app.update(Action::Tick, ms(3500));
    assert_eq!(app.screen_size(), (60, 10));
    app.update(Action::OpenPrompt(PromptKind::Size), ms(3500));
    typed(&mut app, "40x20", ms(3500));
    app.update(Action::PromptSubmit, ms(3500));
    assert_eq!(app.screen_size(), (40, 20));
    app.wait_background(ms(3500));
    let s = text(&render(&app));
    assert!(s.contains(" 40×20 ") && s.contains("line 30"), "{s}");
    assert!(crate::render::text(app.replay().screen()).starts_with("line 12\n"));
    app.update(Action::OpenPrompt(PromptKind::Size), ms(3500));
    typed(&mut app, "wide", ms(3500));
    app.update(Action::PromptSubmit, ms(3500));
    assert!(app.message().unwrap().contains("not a size"));
    assert_eq!(app.screen_size(), (40, 20));
}

#[test]
fn markers_are_listed_in_the_commands_panel() {
    let mut app = player(numbered(60, 10, 3, None), (120, 16));
    app.update(Action::TogglePanel(Panel::Commands), ms(0));
    let s = text(&render(&app));
    assert!(s.contains("commands (0) and markers (1)"), "{s}");
    assert!(s.contains("▼ 0:02.000 after the list"), "{s}");
    app.update(Action::PanelSelect, ms(0));
    assert_eq!(app.position(), 2 * NANOS_PER_SEC);
    // the demo's commands and no marker: as before
    let mut demo = demo((170, 32), Options::default());
    demo.update(Action::TogglePanel(Panel::Commands), ms(0));
    assert!(text(&render(&demo)).contains(" commands (11) "));
}
