//! The player's state, changed only by [`App::update`].
//!
//! Everything that happens (a key, a click, a resize, time passing) is an [`Action`]; the
//! caller passes the current time with it (a fake one in tests). The state is in parts that
//! each own their changes: [`Playback`] (clock, position, markers, moves through time),
//! [`Search`], [`Panels`] (which side panel is open, its selection), [`Viewport`] (pan,
//! follow the cursor); `update` hands each action to its part. The recorded screen kept at
//! the clock's position, with the background work that feeds it, is in `app/sync.rs`; the
//! mouse in `app/mouse.rs`. Where things are on the terminal comes from [`layout`], a
//! function of sizes. Drawing reads the state and changes nothing (`ui::draw`).

/// What the side panels read of an `App`'s state, borrowing only the fields they read, so
/// that `panels` can be changed beside it (`App::cx` borrows the whole `App`).
macro_rules! panel_cx {
    ($app:expr) => {
        $crate::player::app::side::cx(
            &$app.analysis,
            &$app.search,
            &$app.playback,
            &$app.bg,
            &$app.context,
        )
    };
}

mod chrome;
pub(crate) mod context;
mod find;
pub mod loading;
mod mouse;
mod save;
mod scrollback;
mod side;
pub mod sync;

use super::action::{Action, Ended, Mode, Mouse, PromptKind};
use super::background::{Analysis, Background};
use super::clock::{Clock, ClockOptions};
use super::layout::{self, Areas, Needs};
use super::panels::{self, Cx, Panels};
use super::playback::{Playback, StartAtError};
use super::prompt::Prompt;
use super::search::Search;
use super::viewport::Viewport;
use crate::emulator::Replay;
use crate::recording::Recording;
use crate::timeline::{Nanos, TimeSpec, Timeline};
use ratatui::layout::Rect;
use std::sync::Arc;
use std::time::Duration;

/// A seek that needs more than this much output replayed waits for the indexer instead of
/// blocking the UI (it is a few tens of milliseconds of emulation).
pub const SYNC_LIMIT: usize = 4 << 20;
/// While playing, the status line (time, keystrokes) is refreshed this often.
pub const STATUS_TICK: Duration = Duration::from_millis(100);
/// How often progress of background work is looked at.
pub const BACKGROUND_TICK: Duration = Duration::from_millis(100);

/// How the player starts.
#[derive(Debug, Clone)]
pub struct Options {
    pub clock: ClockOptions,
    pub start_at: Option<TimeSpec>,
    /// A `start_at` outside the recording takes its nearest end (`--clamp`), not an error.
    pub clamp: bool,
    pub paused: bool,
    /// Times shown, and times of day in `start_at` read, in UTC (`--utc`).
    pub utc: bool,
    /// Where `s` saves the screen (`None`: the current folder).
    pub save_dir: Option<std::path::PathBuf>,
    /// What catching up with the clock is timed by, so that it stops to look at the keys
    /// ([`sync::CATCH_UP_SLICE`] at a time); `None`: every seek is done at once (tests).
    pub work_clock: Option<sync::WorkClock>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            clock: ClockOptions {
                speed: 1.0,
                ..Default::default()
            },
            start_at: None,
            clamp: false,
            paused: false,
            utc: false,
            save_dir: None,
            work_clock: None,
        }
    }
}

pub struct App {
    pub name: String,
    /// The recording (its geometry is the one replayed: `r` changes it).
    pub(crate) rec: Recording,
    pub(crate) save_dir: Option<std::path::PathBuf>,
    /// The mouse is captured (`m` lets go of it so that the terminal selects text).
    pub(crate) mouse_captured: bool,
    /// A search hit jumped to, to bring into view (in the scrollback if it scrolled off).
    reveal: Option<String>,
    /// `z`: compact or not, as asked (`None`: compact when the full layout would crop).
    pub(crate) compact: Option<bool>,
    /// In the compact layout, the bar and the status show until then (after a key).
    pub(crate) chrome: chrome::Chrome,
    pub(crate) tl: Arc<Timeline>,
    pub(crate) replay: Replay,
    /// The replay has every keyframe: any seek is fast.
    pub(crate) indexed: bool,
    /// The screen lags behind the position, waiting for the indexer.
    pub(crate) stale: bool,
    /// The screen is not at the clock's position yet: catching up ran out of its time slice
    /// (a few bytes can cost seconds) and goes on at the next tick, after the keys are read.
    pub(crate) behind: bool,
    pub(crate) work_clock: Option<sync::WorkClock>,
    pub(crate) analysis: Option<Analysis>,
    pub(crate) bg: Background,
    /// Context entries (`--with`): the context panel's, the bar's ticks, stops.
    pub(crate) context: context::Entries,
    percents: (u8, u8),
    pub(crate) utc: bool,
    /// The user's terminal size.
    pub(crate) size: (u16, u16),
    pub(crate) playback: Playback,
    pub(crate) search: Option<Search>,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) help: bool,
    pub(crate) panels: Panels,
    pub(crate) view: Viewport,
    drag: Option<mouse::Drag>,
    pub(crate) message: Option<String>,
    /// Esc with nothing open ends the player with [`Ended::Back`].
    pub(crate) back_to_list: bool,
    ended: Option<Ended>,
    dirty: bool,
    /// The whole recording being read (the one played is its start).
    pub(crate) loading: Option<loading::Loading>,
    read_percent: u8,
    /// Reading the whole recording failed: the error, said once the terminal is restored.
    failed: Option<crate::error::Error>,
    /// The whole came in: a search made on its start is found again in its analysis.
    search_again: bool,
}

impl App {
    /// A player on a loaded recording, for a terminal of `size` (columns, rows). Background
    /// indexing and analysis start at once.
    pub fn new(
        loaded: Recording,
        opts: Options,
        size: (u16, u16),
        now: Duration,
    ) -> Result<Self, StartAtError> {
        let bg = Background::spawn(&loaded);
        Self::with_background(loaded, opts, size, now, bg)
    }

    pub(crate) fn with_background(
        loaded: Recording,
        opts: Options,
        size: (u16, u16),
        now: Duration,
        bg: Background,
    ) -> Result<Self, StartAtError> {
        // the recording's warnings (the frame says a guessed size), once, at start
        let warned = match loaded.tl.warnings.as_slice() {
            [] => None,
            [w] => Some(format!("warning: {w}")),
            [w, rest @ ..] => Some(format!(
                "warning: {w} (and {} more: auditty info)",
                rest.len()
            )),
        };
        let replay = super::background::replay(&loaded);
        let tl = Arc::clone(&loaded.tl);
        let mut playback = Playback::new(Arc::clone(&tl), &opts.clock);
        let within = crate::timeline::Within {
            clamp: opts.clamp,
            utc: opts.utc,
        };
        playback.start(now, opts.start_at.as_ref(), within, opts.paused)?;
        let mut app = App {
            name: loaded.name.clone(),
            rec: loaded,
            save_dir: opts.save_dir,
            mouse_captured: true,
            reveal: None,
            compact: None,
            chrome: chrome::Chrome::shown_at(now),
            tl,
            replay,
            indexed: false,
            stale: false,
            behind: false,
            work_clock: opts.work_clock.clone(),
            analysis: None,
            bg,
            context: context::Entries::default(),
            percents: (0, 0),
            utc: opts.utc,
            size,
            playback,
            search: None,
            prompt: None,
            help: false,
            panels: Panels::default(),
            view: Viewport::default(),
            drag: None,
            message: warned,
            back_to_list: false,
            ended: None,
            dirty: true,
            loading: None,
            read_percent: 0,
            failed: None,
            search_again: false,
        };
        app.sync(now);
        app.follow_cursor();
        Ok(app)
    }

    pub fn timeline(&self) -> &Arc<Timeline> {
        &self.tl
    }

    pub fn clock(&self) -> &Clock {
        self.playback.clock()
    }

    pub fn replay(&self) -> &Replay {
        &self.replay
    }

    /// Recording time shown.
    pub fn position(&self) -> Nanos {
        self.playback.position()
    }

    pub fn playing(&self) -> bool {
        self.playback.clock().playing()
    }

    /// Whether the player has ended (quit, or back to the list).
    pub fn should_quit(&self) -> bool {
        self.ended.is_some()
    }

    /// How the player ended, once it has.
    pub fn ended(&self) -> Option<Ended> {
        self.ended
    }

    /// Opened from the session picker: Esc with nothing open goes back to the list (and the
    /// status line says so until the first key).
    pub fn set_back_to_list(&mut self) {
        self.back_to_list = true;
        self.message = Some("Esc: back to the session list".into());
        self.dirty = true;
    }

    pub fn search(&self) -> Option<&Search> {
        self.search.as_ref()
    }

    pub fn analysis(&self) -> Option<&Analysis> {
        self.analysis.as_ref()
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Whether something changed since the last call (and a frame should be drawn).
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn mode(&self) -> Mode {
        if self.prompt.is_some() {
            Mode::Prompt
        } else if self.help {
            Mode::Help
        } else if self.panels.open.is_some() {
            Mode::Panel
        } else {
            Mode::Normal
        }
    }

    /// What the side panels read of the state.
    pub fn cx(&self) -> Cx<'_> {
        panel_cx!(self)
    }

    /// What the layout must make room for.
    pub fn needs(&self) -> Needs {
        let needs = Needs {
            screen: self.screen_size(),
            panel: self.panels.open.is_some(),
            compact: false,
        };
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        Needs {
            compact: self
                .compact
                .unwrap_or_else(|| layout::compact_fits(area, needs)),
            ..needs
        }
    }

    /// The areas of the user's terminal now.
    pub fn areas(&self) -> Areas {
        layout::layout(Rect::new(0, 0, self.size.0, self.size.1), self.needs())
    }

    /// The recorded screen's size (columns, rows).
    pub fn screen_size(&self) -> (u16, u16) {
        let (rows, cols) = self.replay.screen().size();
        (cols.get(), rows.get())
    }

    /// Progress of the background work, in percent: (indexing, analysis); 100 when done.
    pub fn progress(&self) -> (u8, u8) {
        progress(&self.bg)
    }

    /// Times to stop at with `[` and `]`: commands submitted, markers, and context entries
    /// inside the session.
    pub fn stops(&self) -> Vec<Nanos> {
        let commands = command_times(self.analysis.as_ref());
        self.playback.stops(commands.chain(self.context.stops()))
    }

    /// The command at or before the position (the one whose effect is on screen).
    pub fn current_command(&self) -> Option<usize> {
        panels::commands::current(&self.cx())
    }

    pub fn update(&mut self, action: Action, now: Duration) {
        if self.chrome.update(&action, now) && self.needs().compact {
            self.dirty = true;
        }
        if action != Action::Tick {
            self.dirty = true;
            if !matches!(
                action,
                Action::Mouse(Mouse::Drag(..) | Mouse::Up) | Action::Resize(..)
            ) {
                self.message = None;
            }
        }
        match action {
            Action::Quit => self.ended = Some(Ended::Quit),
            Action::Tick => {}
            Action::TogglePlay
            | Action::SeekBy(_)
            | Action::SeekFraction(_)
            | Action::SeekFractionBy(_)
            | Action::Step(_)
            | Action::PrevStop
            | Action::NextStop
            | Action::Start
            | Action::End
            | Action::SpeedUp
            | Action::SpeedDown
            | Action::SpeedReset => {
                // any seek or play shows the live screen
                self.replay.set_scrollback(0);
                self.remember_end(&action);
                let (analysis, context) = (self.analysis.as_ref(), &self.context);
                let m = self.playback.update(&action, now, |p| {
                    p.stops(command_times(analysis).chain(context.stops()))
                });
                self.say(m);
            }
            Action::OpenPrompt(kind) => self.prompt = Some(Prompt::open(kind)),
            Action::ScrollBack(n) => self.scroll_back(n as i64),
            Action::ScrollPage(n) => {
                let page = self.areas().view.height.saturating_sub(1).max(1);
                self.scroll_back(n as i64 * page as i64);
            }
            Action::Save => self.save(),
            Action::ToggleMouse => self.toggle_mouse(),
            Action::ToggleCompact => self.toggle_compact(),
            Action::PromptInput(_) | Action::PromptBackspace | Action::PromptClear => {
                if let Some(p) = self.prompt.as_mut() {
                    p.edit(&action);
                }
            }
            Action::PromptCancel => self.prompt = None,
            Action::PromptSubmit => {
                if let Some(p) = self.prompt.take() {
                    self.submit(now, p);
                }
            }
            Action::SearchNext => self.search_step(now, true),
            Action::SearchPrev => self.search_step(now, false),
            Action::TogglePanel(id) => self.toggle_panel(id),
            Action::ToggleHelp => self.help = !self.help,
            Action::Close => {
                if self.help {
                    self.help = false;
                } else if self.panels.open.is_some() {
                    self.panels.open = None;
                } else if self.search.is_some() || !self.back_to_list {
                    self.search = None;
                } else {
                    self.ended = Some(Ended::Back);
                }
            }
            Action::PanelMove(d) => {
                let cx = panel_cx!(self);
                self.panels.move_by(d as i64, &cx);
            }
            Action::PanelSelect => self.panel_select(now),
            Action::Pan(dx, dy) => {
                let (view, screen) = (self.areas().view, self.screen_size());
                self.view.pan(dx, dy, view, screen);
            }
            Action::Follow => {
                self.view.follow = true;
                self.follow_cursor();
            }
            Action::Mouse(m) => self.mouse(now, m),
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.reclamp();
                self.follow_cursor();
            }
        }
        self.sync(now);
    }

    /// Show a part's message, if it has one.
    fn say(&mut self, message: Option<String>) {
        if let Some(m) = message {
            self.message = Some(m);
        }
    }

    fn submit(&mut self, now: Duration, p: Prompt) {
        match p.kind {
            PromptKind::Time => {
                let m = self.playback.go_to(now, &p.text);
                self.say(m);
            }
            PromptKind::Size => self.resize_recording(now, &p.text),
            PromptKind::Search => {
                if p.text.is_empty() {
                    // as less does: the last search again
                    self.search_step(now, true);
                    return;
                }
                self.search = Some(Search::new(p.text));
                if self.analysis.is_some() {
                    self.run_search(now);
                } else {
                    self.message = Some("preparing the text to search…".into());
                }
            }
        }
    }

    pub(super) fn reclamp(&mut self) {
        let (view, screen) = (self.areas().view, self.screen_size());
        self.view.reclamp(view, screen);
    }

    /// With follow on, move the view just enough to hold the cursor.
    pub(super) fn follow_cursor(&mut self) {
        let (view, screen) = (self.areas().view, self.screen_size());
        let cursor = self.replay.screen().cursor_position();
        if self.view.follow_cursor(cursor, view, screen) {
            self.dirty = true;
        }
    }

    /// Keys typed shortly before the position, oldest first, as named in transcripts.
    pub fn recent_keys(&self) -> Vec<String> {
        self.playback.recent_keys()
    }
}

/// Progress of the background work, in percent: (indexing, analysis); 100 when done.
fn progress(bg: &Background) -> (u8, u8) {
    (
        bg.index.as_ref().map_or(100, |j| j.percent()),
        bg.analysis.as_ref().map_or(100, |j| j.percent()),
    )
}

/// The times of the commands typed, once the analysis has them.
fn command_times(analysis: Option<&Analysis>) -> impl Iterator<Item = Nanos> + '_ {
    analysis
        .into_iter()
        .flat_map(|a| a.commands.iter().map(|l| l.t))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::player::action::Panel;
    use crate::recording::Settings;
    use crate::timeline::{Kind, NANOS_PER_SEC};

    const S: Nanos = NANOS_PER_SEC;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A 10-second session: a prompt, `ls` typed at 1 s, its output, `grep x` at 5 s, an
    /// error at 6 s, a marker at 8 s, the end at 10 s.
    pub(crate) fn session() -> Timeline {
        let mut tl = Timeline::new(vec![]);
        tl.push(0, Kind::Output, b"$ ");
        tl.push(S, Kind::Input, b"l");
        tl.push(S, Kind::Output, b"l");
        tl.push(S + S / 10, Kind::Input, b"s");
        tl.push(S + S / 10, Kind::Output, b"s");
        tl.push(2 * S, Kind::Input, b"\r");
        tl.push(2 * S, Kind::Output, b"\r\nfile-a  file-b\r\n$ ");
        tl.push(5 * S, Kind::Input, b"grep x\r");
        tl.push(5 * S, Kind::Output, b"grep x\r\n");
        tl.push(6 * S, Kind::Output, b"ERROR: x not found\r\n$ ");
        tl.push(8 * S, Kind::Marker, b"checkpoint");
        tl.push(10 * S, Kind::Output, b"exit\r\n");
        tl
    }

    fn app_with(tl: Timeline, opts: Options) -> App {
        let term = Settings {
            cols: Some(40),
            rows: Some(6),
            ..Default::default()
        };
        let loaded = Recording::new("test".into(), tl, &term);
        let mut app = App::new(loaded, opts, (80, 20), ms(0)).unwrap();
        app.wait_background(ms(0));
        app
    }

    fn app() -> App {
        app_with(session(), Options::default())
    }

    #[test]
    fn the_recordings_warnings_are_said_at_start() {
        assert_eq!(app().message(), None);
        let mut tl = session();
        for what in ["times go backwards", "an event skipped"] {
            tl.warnings.push(crate::timeline::Warning {
                place: crate::error::Place::Whole,
                what: what.into(),
            });
        }
        let a = app_with(tl, Options::default());
        assert_eq!(
            a.message(),
            Some("warning: times go backwards (and 1 more: auditty info)")
        );
    }

    fn screen(app: &App) -> String {
        crate::render::text(app.replay().screen())
    }

    #[test]
    fn plays_and_draws_what_is_due() {
        let mut a = app();
        assert!(a.playing());
        assert_eq!(screen(&a).lines().next(), Some("$"));
        a.update(Action::Tick, ms(1050));
        assert!(screen(&a).starts_with("$ l\n"));
        // the next event is due in 50 ms: the loop sleeps that long, not less, not more
        assert_eq!(a.next_wake(ms(1050)), Some(ms(50)));
        a.update(Action::Tick, ms(2000));
        assert!(screen(&a).contains("file-a"));
        a.update(Action::TogglePlay, ms(2500));
        assert!(!a.playing());
        assert_eq!(a.next_wake(ms(2500)), None, "paused: sleep until a key");
        a.update(Action::Tick, ms(60_000));
        assert_eq!(a.position(), 2_500_000_000);
    }

    #[test]
    fn speed_and_seeks_while_playing() {
        let mut a = app();
        a.update(Action::SpeedUp, ms(0));
        assert_eq!(a.clock().speed(), 2.0);
        a.update(Action::Tick, ms(1000));
        assert_eq!(a.position(), 2 * S);
        a.update(Action::SeekBy(5000), ms(1000));
        assert_eq!(a.position(), 7 * S);
        assert!(a.playing());
        assert!(screen(&a).contains("ERROR"));
        a.update(Action::SeekBy(-5000), ms(1000));
        assert_eq!(a.position(), 2 * S);
        assert!(
            !screen(&a).contains("ERROR"),
            "seeking back rewinds the screen"
        );
        a.update(Action::SpeedReset, ms(1000));
        a.update(Action::Tick, ms(2000));
        assert_eq!(a.position(), 3 * S);
        a.update(Action::SeekFraction(0.5), ms(2000));
        assert_eq!(a.position(), 5 * S);
        a.update(Action::SeekFractionBy(0.1), ms(2000));
        assert_eq!(a.position(), 6 * S);
        a.update(Action::SpeedDown, ms(2000));
        a.update(Action::SpeedDown, ms(2000));
        a.update(Action::SpeedDown, ms(2000));
        assert_eq!(a.clock().speed(), 0.25);
    }

    #[test]
    fn end_pauses_on_the_last_frame_home_goes_back() {
        let mut a = app();
        a.update(Action::End, ms(0));
        assert_eq!(a.position(), 10 * S);
        a.update(Action::Tick, ms(200));
        assert!(!a.playing(), "the end pauses");
        assert!(screen(&a).contains("exit"));
        a.update(Action::Tick, ms(90_000));
        assert!(!a.should_quit(), "never exits on its own");
        a.update(Action::Start, ms(90_000));
        assert_eq!(a.position(), 0);
        assert_eq!(screen(&a).trim_end(), "$");
        a.update(Action::TogglePlay, ms(90_000));
        a.update(Action::Tick, ms(101_000));
        assert_eq!(a.position(), 10 * S);
        assert!(!a.playing());
        a.update(Action::TogglePlay, ms(101_000));
        a.update(Action::Tick, ms(101_500));
        assert_eq!(a.position(), S / 2, "play at the end starts over");
    }

    #[test]
    fn loops_with_loop() {
        let opts = Options {
            clock: ClockOptions {
                speed: 1.0,
                looping: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut a = app_with(session(), opts);
        a.update(Action::Tick, ms(12_000));
        assert!(a.playing());
        assert_eq!(a.position(), 2 * S);
    }

    #[test]
    fn pauses_on_markers_and_steps() {
        let opts = Options {
            clock: ClockOptions {
                speed: 1.0,
                pause_on_markers: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut a = app_with(session(), opts);
        a.update(Action::Tick, ms(9000));
        assert_eq!(a.position(), 8 * S);
        assert!(!a.playing());
        a.update(Action::Step(1), ms(9000));
        assert_eq!(a.position(), 10 * S);
        a.update(Action::Step(-1), ms(9000));
        assert_eq!(a.position(), 8 * S);
        a.update(Action::Step(-1), ms(9000));
        assert_eq!(a.position(), 6 * S);
        a.update(Action::Step(-1), ms(9000));
        assert_eq!(a.position(), 5 * S, "input and output at 5 s step together");
    }

    #[test]
    fn idle_limit_squeezes_and_seeks_in_presentation_time() {
        let opts = Options {
            clock: ClockOptions {
                speed: 1.0,
                idle_limit: Some(S),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut a = app_with(session(), opts);
        // 0, 1, 1.1, 2, [5→3], [6→4], [8→5], [10→6]
        assert_eq!(a.clock().total(), 6 * S);
        a.update(Action::Tick, ms(3000));
        assert_eq!(a.position(), 5 * S, "the pause after `ls` lasted 1 s");
        a.update(Action::SeekBy(2000), ms(3000));
        assert_eq!(a.position(), 8 * S);
    }

    #[test]
    fn esc_goes_back_to_the_list_only_from_the_picker_and_only_with_nothing_open() {
        // on its own, Esc never ends the player
        let mut a = app();
        a.update(Action::Close, ms(0));
        a.update(Action::Close, ms(0));
        assert_eq!(a.ended(), None);
        // from the picker: help, then the panel, then the search, then back
        let mut a = app();
        a.set_back_to_list();
        assert!(a.message().unwrap().contains("Esc"));
        a.update(Action::TogglePanel(Panel::Commands), ms(0));
        a.update(Action::OpenPrompt(PromptKind::Search), ms(0));
        a.update(Action::PromptInput('x'), ms(0));
        a.update(Action::PromptSubmit, ms(0));
        assert!(a.search().is_some());
        a.update(Action::ToggleHelp, ms(0));
        assert!(a.help);
        a.update(Action::Close, ms(0));
        assert!(!a.help && a.panels.open.is_some());
        a.update(Action::Close, ms(0));
        assert!(a.panels.open.is_none() && a.search().is_some());
        a.update(Action::Close, ms(0));
        assert!(a.search().is_none());
        assert!(!a.should_quit());
        a.update(Action::Close, ms(0));
        assert_eq!(a.ended(), Some(Ended::Back));
        assert!(a.should_quit());
        let mut a = app();
        a.set_back_to_list();
        a.update(Action::Quit, ms(0));
        assert_eq!(a.ended(), Some(Ended::Quit));
    }

    #[test]
    fn commands_and_stops() {
        let mut a = app();
        a.update(Action::TogglePlay, ms(0));
        assert_eq!(
            a.analysis()
                .unwrap()
                .commands
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>(),
            ["ls", "grep x"]
        );
        a.update(Action::NextStop, ms(0));
        assert_eq!(a.position(), 2 * S);
        a.update(Action::NextStop, ms(0));
        assert_eq!(a.position(), 5 * S);
        a.update(Action::NextStop, ms(0));
        assert_eq!(a.position(), 8 * S, "the marker");
        a.update(Action::NextStop, ms(0));
        assert!(a.message().is_some());
        a.update(Action::PrevStop, ms(0));
        assert_eq!(a.position(), 5 * S);
        a.update(Action::TogglePanel(Panel::Commands), ms(0));
        assert_eq!(a.mode(), Mode::Panel);
        assert_eq!(a.panels.selected, 1, "the current command is selected");
        a.update(Action::PanelMove(-1), ms(0));
        a.update(Action::PanelSelect, ms(0));
        assert_eq!(a.position(), 2 * S);
        a.update(Action::Close, ms(0));
        assert_eq!(a.mode(), Mode::Normal);
    }

    #[test]
    fn searches() {
        let mut a = app();
        a.update(Action::OpenPrompt(PromptKind::Search), ms(0));
        assert_eq!(a.mode(), Mode::Prompt);
        for c in "file".chars() {
            a.update(Action::PromptInput(c), ms(0));
        }
        a.update(Action::PromptSubmit, ms(0));
        assert!(!a.playing(), "a hit pauses");
        assert_eq!(a.position(), 2 * S);
        assert!(screen(&a).contains("file-a"));
        // `x` is in `grep x` (5 s) and the error line (6 s)
        a.update(Action::OpenPrompt(PromptKind::Search), ms(0));
        a.update(Action::PromptClear, ms(0));
        a.update(Action::PromptInput(' '), ms(0));
        a.update(Action::PromptInput('x'), ms(0));
        a.update(Action::PromptSubmit, ms(0));
        assert_eq!(a.position(), 5 * S);
        a.update(Action::SearchNext, ms(0));
        assert_eq!(a.position(), 6 * S);
        a.update(Action::SearchNext, ms(0));
        assert_eq!(a.position(), 5 * S, "wraps");
        assert!(a.message().unwrap().contains("wrapped"));
        a.update(Action::SearchPrev, ms(0));
        assert_eq!(a.position(), 6 * S);
        a.update(Action::TogglePanel(Panel::Hits), ms(0));
        assert_eq!(a.panels.open, Some(Panel::Hits));
        assert_eq!(a.panels.selected, 1);
        a.update(Action::PanelMove(-1), ms(0));
        a.update(Action::PanelSelect, ms(0));
        assert_eq!(a.position(), 5 * S);
        // the prompt starts empty; Enter on it repeats the last search, as in less
        a.update(Action::OpenPrompt(PromptKind::Search), ms(0));
        assert_eq!(a.prompt.as_ref().unwrap().text, "");
        a.update(Action::PromptSubmit, ms(0));
        assert_eq!(a.position(), 6 * S);
        assert_eq!(a.search().unwrap().pattern, " x");
        a.update(Action::OpenPrompt(PromptKind::Search), ms(0));
        a.update(Action::PromptInput('Z'), ms(0));
        a.update(Action::PromptSubmit, ms(0));
        // "no match" is said once: by the status line (`/Z no match`), not a message too
        assert!(a.search().unwrap().found().is_empty());
        assert_eq!(a.message(), None);
        a.update(Action::SearchNext, ms(0));
        assert_eq!(a.message(), None);
    }

    #[test]
    fn time_prompt() {
        let mut a = app();
        a.update(Action::OpenPrompt(PromptKind::Time), ms(0));
        for c in "50%".chars() {
            a.update(Action::PromptInput(c), ms(0));
        }
        a.update(Action::PromptSubmit, ms(0));
        assert_eq!(a.position(), 5 * S);
        a.update(Action::OpenPrompt(PromptKind::Time), ms(0));
        a.update(Action::PromptInput('x'), ms(0));
        a.update(Action::PromptSubmit, ms(0));
        assert!(a.message().unwrap().contains("invalid time"));
        assert_eq!(a.position(), 5 * S);
    }

    #[test]
    fn keystrokes_are_shown_briefly() {
        let mut a = app();
        a.update(Action::Tick, ms(1200));
        assert_eq!(a.recent_keys(), ["l", "s"]);
        a.update(Action::Tick, ms(2100));
        assert_eq!(a.recent_keys(), ["l", "s", "⏎"]);
        a.update(Action::Tick, ms(4000));
        assert!(a.recent_keys().is_empty());
    }

    #[test]
    fn big_seeks_wait_for_the_indexer() {
        // 6 MB of output: a seek to the end is more than the UI replays by itself
        let mut tl = Timeline::new(vec![]);
        let chunk = vec![b'x'; 64 * 1024];
        for i in 0..96 {
            tl.push(i * S, Kind::Output, &chunk);
        }
        tl.push(96 * S, Kind::Output, b"\r\nTHE END");
        let term = Settings {
            cols: Some(80),
            rows: Some(24),
            ..Default::default()
        };
        let loaded = Recording::new("big".into(), tl, &term);
        let mut a = App::with_background(
            loaded,
            Options::default(),
            (100, 30),
            ms(0),
            Background::none(),
        )
        .unwrap();
        a.update(Action::SeekBy(3000), ms(0));
        assert!(!a.stale, "a short seek forward is done at once");
        a.update(Action::End, ms(0));
        assert!(a.stale, "the screen waits for the index");
        assert!(!screen(&a).contains("THE END"));
        assert_eq!(a.position(), 96 * S, "the clock is there already");
        // the index arrives
        let mut full = Replay::new(a.replay.timeline().clone(), 80, 24, a.replay.crlf());
        full.index_all();
        a.install_index(full);
        a.update(Action::Tick, ms(10));
        assert!(!a.stale);
        assert!(screen(&a).contains("THE END"));
    }

    #[test]
    fn follows_the_cursor_and_pans() {
        let mut a = app_with(session(), Options::default());
        a.update(Action::Resize(20, 6), ms(0));
        let v = a.areas().view;
        assert!(v.width < 40 && v.height < 6, "cropped: {v:?}");
        a.update(Action::End, ms(0));
        let (row, col) = a.replay().screen().cursor_position();
        let (x, y) = a.view.off;
        assert!(col >= x && col < x + v.width && row >= y && row < y + v.height);
        a.update(Action::Pan(-100, -100), ms(0));
        assert_eq!(a.view.off, (0, 0));
        assert!(!a.view.follow);
        a.update(Action::Pan(100, 100), ms(0));
        assert_eq!(a.view.off, (40 - v.width, 6 - v.height));
        a.update(Action::Follow, ms(0));
        assert!(a.view.follow);
    }

    #[test]
    fn mouse_seeks_on_the_bar_pans_the_screen_and_picks_from_panels() {
        let mut a = app();
        a.update(Action::TogglePlay, ms(0));
        let bar = a.areas().bar;
        a.update(
            Action::Mouse(Mouse::Down(bar.x + bar.width / 2, bar.y)),
            ms(0),
        );
        assert!((4 * S..=6 * S).contains(&a.position()), "{}", a.position());
        a.update(Action::Mouse(Mouse::Drag(bar.right() - 1, bar.y)), ms(0));
        assert_eq!(a.position(), 10 * S);
        a.update(Action::Mouse(Mouse::Up), ms(0));
        // drag the screen of a cropped view
        a.update(Action::Resize(20, 6), ms(0));
        let v = a.areas().view;
        a.update(Action::Pan(-100, -100), ms(0));
        a.update(Action::Mouse(Mouse::Down(v.x + 5, v.y + 1)), ms(0));
        a.update(Action::Mouse(Mouse::Drag(v.x + 2, v.y)), ms(0));
        assert_eq!(a.view.off, (3, 1));
        a.update(Action::Mouse(Mouse::Up), ms(0));
        a.update(Action::Mouse(Mouse::Scroll(v.x, v.y, 0, 1)), ms(0));
        assert_eq!(a.view.off, (3, 2));
        // a click on a command jumps to it
        a.update(Action::Resize(120, 30), ms(0));
        a.update(Action::TogglePanel(Panel::Commands), ms(0));
        let list = a.areas().panel_list.unwrap();
        a.update(Action::Mouse(Mouse::Down(list.x + 3, list.y + 1)), ms(0));
        assert_eq!(a.panels.selected, 1);
        assert_eq!(a.position(), 5 * S);
    }
}
