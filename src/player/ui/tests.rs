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

#[test]
fn context_panel() {
    use crate::context::{merge::Row, Lane};
    let row = |s: i128, lane, actor: Option<&str>, text: &str| Row {
        t: s * NANOS_PER_SEC as i128,
        time: None,
        lane,
        source: "ctx".into(),
        actor: actor.map(str::to_string),
        text: text.into(),
        fields: Default::default(),
    };
    let mut app = demo((170, 32), Options::default());
    app.set_context(vec![
        row(-30, Lane::AppLog, Some("web-1"), "booting"),
        row(
            12,
            Lane::AppEvent,
            Some("alice"),
            "variable API_KEY added = ••••",
        ),
        row(
            25,
            Lane::Losant,
            Some("Bob (User)"),
            "device.patch \u{1b}]0;pwned\u{7} → 200",
        ),
        row(99_999, Lane::Datafold, None, "long after"),
    ]);
    app.update(Action::Tick, ms(20_000));
    app.update(Action::TogglePlay, ms(20_000));
    app.update(Action::TogglePanel(Panel::Context), ms(20_000));
    let t = render(&app);
    let text = format!("{}", t.backend());
    assert!(
        text.contains("▸    +12.0 app-event alice variable API_KEY added = ••••"),
        "{text}"
    );
    assert!(text.contains("device.patch ^[]0;pwned^G"), "{text}");
    assert!(!text.contains('\u{1b}'));
    insta::assert_snapshot!(t.backend());
    // Enter on the next entry seeks to it; one before the session goes to its start
    app.update(Action::PanelMove(1), ms(20_000));
    app.update(Action::PanelSelect, ms(20_000));
    assert_eq!(app.cx().pos, 25 * NANOS_PER_SEC);
    // the panel stays open
    app.update(Action::PanelMove(-5), ms(20_000));
    app.update(Action::PanelSelect, ms(20_000));
    assert_eq!(app.cx().pos, 0);
    let text = format!("{}", render(&app).backend());
    assert!(
        text.contains("that entry is before the session: at its start"),
        "{text}"
    );
}

#[test]
fn context_panel_needs_entries() {
    let mut app = demo((120, 32), Options::default());
    app.update(Action::TogglePanel(Panel::Context), ms(0));
    assert_eq!(app.panels.open, None);
}
