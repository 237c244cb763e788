//! The player's state, changed only by [`App::update`].
//!
//! Everything that happens (a key, a click, a resize, time passing) is an [`Action`]; the
//! caller passes the current time with it (a fake one in tests). Drawing reads the state and
//! changes nothing (`ui::draw`).

use super::action::{Action, Ended, Mode, Mouse, Panel, PromptKind};
use super::background::{Analysis, Background};
use super::clock::{Clock, ClockOptions};
use super::search::Hit;
use crate::commands::Loaded;
use crate::emulator::Replay;
use crate::timeline::{Kind, Nanos, TimeSpec, Timeline, NANOS_PER_SEC};
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
/// Keystrokes stay beside the status this long (wall time, at the current speed).
pub const KEYS_SHOWN: Duration = Duration::from_millis(1500);
/// ←/→ step.
pub const SEEK_STEP: Nanos = 5 * NANOS_PER_SEC;

/// How the player starts.
#[derive(Debug, Clone)]
pub struct Options {
    pub clock: ClockOptions,
    pub start_at: Option<TimeSpec>,
    pub paused: bool,
    pub utc: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            clock: ClockOptions {
                speed: 1.0,
                ..Default::default()
            },
            start_at: None,
            paused: false,
            utc: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Search {
    pub pattern: String,
    /// `None` until the output text is ready.
    pub hits: Option<Vec<Hit>>,
    /// The hit last jumped to.
    pub current: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drag {
    Bar,
    Screen { x: u16, y: u16, off: (u16, u16) },
}

/// Which part of a cropped screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub off: (u16, u16),
    /// Move with the cursor (until the user pans).
    pub follow: bool,
}

pub struct App {
    pub name: String,
    pub(crate) tl: Arc<Timeline>,
    pub(crate) replay: Replay,
    /// The replay has every keyframe: any seek is fast.
    pub(crate) indexed: bool,
    pub(crate) clock: Clock,
    pub(crate) utc: bool,
    /// The user's terminal size.
    pub(crate) size: (u16, u16),
    /// Recording time shown.
    pub(crate) pos: Nanos,
    /// The screen lags behind `pos`, waiting for the indexer.
    pub(crate) stale: bool,
    /// Times of input events and of markers (with their labels).
    pub(crate) inputs: Vec<Nanos>,
    pub(crate) markers: Vec<(Nanos, String)>,
    pub(crate) analysis: Option<Analysis>,
    pub(crate) bg: Background,
    pub(crate) search: Option<Search>,
    pub(crate) prompt: Option<(PromptKind, String)>,
    pub(crate) help: bool,
    pub(crate) panel: Option<Panel>,
    pub(crate) selected: usize,
    pub(crate) view: View,
    drag: Option<Drag>,
    pub(crate) message: Option<String>,
    /// Esc with nothing open ends the player with [`Ended::Back`].
    pub(crate) back_to_list: bool,
    ended: Option<Ended>,
    dirty: bool,
    percents: (u8, u8),
}

impl App {
    /// A player on a loaded recording, for a terminal of `size` (columns, rows). Background
    /// indexing and analysis start at once.
    pub fn new(
        loaded: Loaded,
        opts: Options,
        size: (u16, u16),
        now: Duration,
    ) -> Result<Self, String> {
        let bg = Background::spawn(
            &loaded.tl,
            loaded.geometry.cols,
            loaded.geometry.rows,
            loaded.crlf,
        );
        Self::with_background(loaded, opts, size, now, bg)
    }

    pub(crate) fn with_background(
        loaded: Loaded,
        opts: Options,
        size: (u16, u16),
        now: Duration,
        bg: Background,
    ) -> Result<Self, String> {
        let replay = loaded.replay();
        let tl = Arc::clone(&loaded.tl);
        let mut inputs = Vec::new();
        let mut markers = Vec::new();
        for ev in &tl.events {
            match ev.kind {
                Kind::Input => inputs.push(ev.t),
                Kind::Marker => {
                    let label = crate::render::escape::escape_controls(&tl.text_of(ev));
                    markers.push((ev.t, label));
                }
                _ => {}
            }
        }
        let mut clock_opts = opts.clock.clone();
        if clock_opts.idle_limit.is_none() {
            // the recording's own limit (asciicast header), as asciinema does
            clock_opts.idle_limit = tl
                .idle_time_limit
                .filter(|s| *s > 0.0 && s.is_finite())
                .map(super::clock::secs_to_nanos);
        }
        let clock = Clock::new(
            tl.events.iter().map(|e| e.t),
            markers.iter().map(|m| m.0).collect(),
            &clock_opts,
        );
        let mut app = App {
            name: loaded.name,
            tl,
            replay,
            indexed: false,
            clock,
            utc: opts.utc,
            size,
            pos: 0,
            stale: false,
            inputs,
            markers,
            analysis: None,
            bg,
            search: None,
            prompt: None,
            help: false,
            panel: None,
            selected: 0,
            view: View {
                off: (0, 0),
                follow: true,
            },
            drag: None,
            message: None,
            back_to_list: false,
            ended: None,
            dirty: true,
            percents: (0, 0),
        };
        if let Some(spec) = &opts.start_at {
            let t = spec
                .resolve(&app.tl)
                .map_err(|e| format!("--start-at: {e}"))?;
            app.clock
                .seek(now, t.clamp(0, app.tl.duration() as i128) as Nanos);
        }
        if !opts.paused {
            app.clock.play(now);
        }
        app.sync(now);
        app.follow_cursor();
        Ok(app)
    }

    pub fn timeline(&self) -> &Arc<Timeline> {
        &self.tl
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn replay(&self) -> &Replay {
        &self.replay
    }

    /// Recording time shown.
    pub fn position(&self) -> Nanos {
        self.pos
    }

    pub fn playing(&self) -> bool {
        self.clock.playing()
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
        } else if self.panel.is_some() {
            Mode::Panel
        } else {
            Mode::Normal
        }
    }

    /// Wait for the background work and take its results (tests, screenshots).
    pub fn wait_background(&mut self, now: Duration) {
        if let Some(mut job) = self.bg.index.take() {
            if let Some(r) = job.wait() {
                self.install_index(r);
            }
        }
        if let Some(mut job) = self.bg.analysis.take() {
            if let Some(a) = job.wait() {
                self.install_analysis(a, now);
            }
        }
        self.sync(now);
    }

    fn install_index(&mut self, r: Replay) {
        self.replay = r;
        self.indexed = true;
        self.dirty = true;
    }

    fn install_analysis(&mut self, a: Analysis, now: Duration) {
        self.analysis = Some(a);
        self.dirty = true;
        if self.search.as_ref().is_some_and(|s| s.hits.is_none()) {
            self.run_search(now);
        }
    }

    /// Progress of the background work, in percent: (indexing, analysis); 100 when done.
    pub fn progress(&self) -> (u8, u8) {
        (
            self.bg.index.as_ref().map_or(100, |j| j.percent()),
            self.bg.analysis.as_ref().map_or(100, |j| j.percent()),
        )
    }

    fn take_background(&mut self, now: Duration) {
        if let Some(job) = self.bg.index.as_mut() {
            if let Some(r) = job.try_take() {
                self.bg.index = None;
                self.install_index(r);
            }
        }
        if let Some(job) = self.bg.analysis.as_mut() {
            if let Some(a) = job.try_take() {
                self.bg.analysis = None;
                self.install_analysis(a, now);
            }
        }
        let p = self.progress();
        if p != self.percents {
            self.percents = p;
            self.dirty = true;
        }
    }

    /// Output bytes to replay to show the first `n` events, past what is indexed (stops
    /// counting past the limit).
    fn replay_cost(&self, n: usize) -> usize {
        let from = self.replay.indexed().min(n);
        let mut cost = 0;
        for ev in &self.tl.events[from..n] {
            if ev.kind == Kind::Output {
                cost += ev.len as usize;
                if cost > SYNC_LIMIT {
                    break;
                }
            }
        }
        cost
    }

    /// Bring the screen to the clock's position.
    fn sync(&mut self, now: Duration) {
        self.take_background(now);
        let p = self.clock.tick(now);
        if p != self.pos {
            self.pos = p;
            self.dirty = true;
        }
        let n = self.tl.count_at(p as i128);
        if n != self.replay.position() {
            if !self.indexed && n > self.replay.indexed() && self.replay_cost(n) > SYNC_LIMIT {
                if !self.stale {
                    self.stale = true;
                    self.dirty = true;
                }
            } else {
                self.replay.seek_index(n);
                self.stale = false;
                self.dirty = true;
                self.follow_cursor();
            }
        } else if self.stale {
            self.stale = false;
            self.dirty = true;
        }
    }

    /// How long the loop may sleep before something is due (`None`: until input arrives).
    pub fn next_wake(&self, now: Duration) -> Option<Duration> {
        let mut wake: Option<Duration> = None;
        let mut at = |d: Duration| wake = Some(wake.map_or(d, |w| w.min(d)));
        if self.clock.playing() {
            let n = self.tl.count_at(self.pos as i128);
            if let Some(ev) = self.tl.events.get(n) {
                if let Some(d) = self.clock.until(now, ev.t) {
                    at(d);
                }
            }
            at(STATUS_TICK);
        }
        if self.bg.busy() || self.stale {
            at(BACKGROUND_TICK);
        }
        wake
    }

    /// The recording position now (between ticks, while playing).
    fn now_pos(&self, now: Duration) -> Nanos {
        self.clock.squeeze().rec(self.clock.pres_position(now))
    }

    fn seek(&mut self, now: Duration, t: Nanos) {
        self.clock.seek(now, t);
    }

    fn seek_pres(&mut self, now: Duration, p: i128) {
        let p = p.clamp(0, self.clock.total() as i128) as Nanos;
        self.clock.seek_pres(now, p);
    }

    /// Times to stop at with `[` and `]`: commands submitted and markers.
    pub fn stops(&self) -> Vec<Nanos> {
        let mut v: Vec<Nanos> = self.markers.iter().map(|m| m.0).collect();
        if let Some(a) = &self.analysis {
            v.extend(a.commands.iter().map(|l| l.t));
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The command at or before the position (the one whose effect is on screen).
    pub fn current_command(&self) -> Option<usize> {
        let a = self.analysis.as_ref()?;
        a.commands
            .partition_point(|l| l.t <= self.pos)
            .checked_sub(1)
    }

    pub fn update(&mut self, action: Action, now: Duration) {
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
            Action::TogglePlay => self.clock.toggle(now),
            Action::SeekBy(ms) => {
                let p = self.clock.pres_position(now) as i128 + ms as i128 * 1_000_000;
                self.seek_pres(now, p);
            }
            Action::SeekFraction(f) => {
                let p = (self.clock.total() as f64 * f.clamp(0.0, 1.0)).round() as i128;
                self.seek_pres(now, p);
            }
            Action::SeekFractionBy(f) => {
                let p = self.clock.pres_position(now) as i128
                    + (self.clock.total() as f64 * f).round() as i128;
                self.seek_pres(now, p);
            }
            Action::Step(d) => self.step(now, d),
            Action::PrevStop => {
                let cur = self.now_pos(now);
                let grace = if self.clock.playing() {
                    NANOS_PER_SEC
                } else {
                    0
                };
                let before = cur.saturating_sub(grace);
                match self.stops().into_iter().rev().find(|&s| s < before) {
                    Some(s) => self.seek(now, s),
                    None => self.seek(now, 0),
                }
            }
            Action::NextStop => {
                let cur = self.now_pos(now);
                match self.stops().into_iter().find(|&s| s > cur) {
                    Some(s) => self.seek(now, s),
                    None => self.message = Some("no command or marker after this point".into()),
                }
            }
            Action::Start => self.seek(now, 0),
            Action::End => self.seek(now, self.tl.duration()),
            Action::SpeedUp => self.clock.set_speed(now, self.clock.faster()),
            Action::SpeedDown => self.clock.set_speed(now, self.clock.slower()),
            Action::SpeedReset => self.clock.set_speed(now, 1.0),
            Action::OpenPrompt(kind) => {
                let text = match (kind, &self.search) {
                    (PromptKind::Search, Some(s)) => s.pattern.clone(),
                    _ => String::new(),
                };
                self.prompt = Some((kind, text));
            }
            Action::PromptInput(c) => {
                if let Some((_, s)) = self.prompt.as_mut() {
                    if !crate::render::escape::is_control(c) && s.chars().count() < 256 {
                        s.push(c);
                    }
                }
            }
            Action::PromptBackspace => {
                if let Some((_, s)) = self.prompt.as_mut() {
                    s.pop();
                }
            }
            Action::PromptClear => {
                if let Some((_, s)) = self.prompt.as_mut() {
                    s.clear();
                }
            }
            Action::PromptCancel => self.prompt = None,
            Action::PromptSubmit => {
                if let Some((kind, text)) = self.prompt.take() {
                    self.submit(now, kind, text);
                }
            }
            Action::SearchNext => self.search_step(now, true),
            Action::SearchPrev => self.search_step(now, false),
            Action::ToggleCommands => self.toggle_panel(Panel::Commands),
            Action::ToggleHits => {
                if self.search.is_some() {
                    self.toggle_panel(Panel::Hits)
                } else {
                    self.message = Some("no search yet: press / to search".into());
                }
            }
            Action::ToggleHelp => self.help = !self.help,
            Action::Close => {
                if self.help {
                    self.help = false;
                } else if self.panel.is_some() {
                    self.panel = None;
                } else if self.search.is_some() || !self.back_to_list {
                    self.search = None;
                } else {
                    self.ended = Some(Ended::Back);
                }
            }
            Action::PanelMove(d) => {
                let len = self.panel_len();
                if len > 0 {
                    self.selected =
                        (self.selected as i64 + d as i64).clamp(0, len as i64 - 1) as usize;
                }
            }
            Action::PanelSelect => self.panel_select(now),
            Action::Pan(dx, dy) => {
                self.view.follow = false;
                let (x, y) = self.view.off;
                self.view.off = self.clamp_off(x as i32 + dx, y as i32 + dy);
            }
            Action::Follow => {
                self.view.follow = true;
                self.follow_cursor();
            }
            Action::Mouse(m) => self.mouse(now, m),
            Action::Resize(w, h) => {
                self.size = (w, h);
                let (x, y) = self.view.off;
                self.view.off = self.clamp_off(x as i32, y as i32);
                self.follow_cursor();
            }
        }
        self.sync(now);
    }

    fn step(&mut self, now: Duration, d: i8) {
        self.clock.pause(now);
        let cur = self.now_pos(now);
        let n = self.tl.count_at(cur as i128);
        let events = &self.tl.events;
        if d > 0 {
            if let Some(ev) = events.get(n) {
                self.seek(now, ev.t);
            }
        } else if n > 0 {
            let shown = events[n - 1].t;
            let k = events.partition_point(|e| e.t < shown);
            let t = if k == 0 { 0 } else { events[k - 1].t };
            self.seek(now, t);
        }
    }

    fn submit(&mut self, now: Duration, kind: PromptKind, text: String) {
        match kind {
            PromptKind::Time => match text.parse::<TimeSpec>().and_then(|s| s.resolve(&self.tl)) {
                Ok(t) => {
                    if t < 0 {
                        self.message =
                            Some("that is before the recording: showing its start".into());
                    } else if t > self.tl.duration() as i128 {
                        self.message = Some("that is after the recording: showing its end".into());
                    }
                    self.seek(now, t.clamp(0, self.tl.duration() as i128) as Nanos);
                }
                Err(e) => self.message = Some(e),
            },
            PromptKind::Search => {
                if text.is_empty() {
                    self.search = None;
                    return;
                }
                self.search = Some(Search {
                    pattern: text,
                    hits: None,
                    current: None,
                });
                if self.analysis.is_some() {
                    self.run_search(now);
                } else {
                    self.message = Some("preparing the text to search…".into());
                }
            }
        }
    }

    fn run_search(&mut self, now: Duration) {
        let (Some(a), Some(s)) = (&self.analysis, self.search.as_mut()) else {
            return;
        };
        let hits = a.text.find(&self.tl, &s.pattern);
        s.hits = Some(hits);
        s.current = None;
        if self.panel == Some(Panel::Hits) {
            self.selected = 0;
        }
        self.search_step(now, true);
    }

    fn search_step(&mut self, now: Duration, forward: bool) {
        let cur = self.now_pos(now);
        let Some(s) = self.search.as_ref() else {
            self.message = Some("no search yet: press / to search".into());
            return;
        };
        let Some(hits) = s.hits.as_ref() else {
            self.message = Some("preparing the text to search…".into());
            return;
        };
        if hits.is_empty() {
            self.message = Some(format!(
                "no match for “{}”",
                crate::render::escape::escape_controls(&s.pattern)
            ));
            return;
        }
        // still on the hit last jumped to: go on from it (hits may share a moment)
        let on = s.current.filter(|&i| hits[i].t == cur);
        let next = if forward {
            match on {
                Some(i) if i + 1 < hits.len() => Some(i + 1),
                Some(_) => None,
                None => hits.iter().position(|h| h.t > cur),
            }
        } else {
            match on {
                Some(i) => i.checked_sub(1),
                None => hits.iter().rposition(|h| h.t < cur),
            }
        };
        let (i, wrapped) = match next {
            Some(i) => (i, false),
            None if forward => (0, true),
            None => (hits.len() - 1, true),
        };
        if wrapped {
            self.message = Some(if forward {
                "search wrapped to the start".into()
            } else {
                "search wrapped to the end".into()
            });
        }
        self.jump_to_hit(now, i);
    }

    fn jump_to_hit(&mut self, now: Duration, i: usize) {
        let Some(t) = self
            .search
            .as_ref()
            .and_then(|s| s.hits.as_ref())
            .and_then(|h| h.get(i))
            .map(|h| h.t)
        else {
            return;
        };
        // paused, so that the match stays on screen
        self.clock.pause(now);
        self.seek(now, t);
        if let Some(s) = self.search.as_mut() {
            s.current = Some(i);
        }
        if self.panel == Some(Panel::Hits) {
            self.selected = i;
        }
    }

    fn panel_len(&self) -> usize {
        match self.panel {
            Some(Panel::Commands) => self.analysis.as_ref().map_or(0, |a| a.commands.len()),
            Some(Panel::Hits) => self
                .search
                .as_ref()
                .and_then(|s| s.hits.as_ref())
                .map_or(0, |h| h.len()),
            None => 0,
        }
    }

    fn toggle_panel(&mut self, p: Panel) {
        if self.panel == Some(p) {
            self.panel = None;
            return;
        }
        self.panel = Some(p);
        self.selected = match p {
            Panel::Commands => self.current_command().unwrap_or(0),
            Panel::Hits => self
                .search
                .as_ref()
                .and_then(|s| {
                    s.current.or_else(|| {
                        let hits = s.hits.as_ref()?;
                        let i = hits.partition_point(|h| h.t < self.pos);
                        Some(i.min(hits.len().saturating_sub(1)))
                    })
                })
                .unwrap_or(0),
        };
        let (x, y) = self.view.off;
        self.view.off = self.clamp_off(x as i32, y as i32);
        self.follow_cursor();
    }

    fn panel_select(&mut self, now: Duration) {
        match self.panel {
            Some(Panel::Commands) => {
                let t = self
                    .analysis
                    .as_ref()
                    .and_then(|a| a.commands.get(self.selected))
                    .map(|l| l.t);
                if let Some(t) = t {
                    self.seek(now, t);
                }
            }
            Some(Panel::Hits) => self.jump_to_hit(now, self.selected),
            None => {}
        }
    }

    /// The areas of the screen now.
    pub fn areas(&self) -> super::ui::Areas {
        super::ui::layout(Rect::new(0, 0, self.size.0, self.size.1), self)
    }

    /// The recorded screen's size (columns, rows).
    pub fn screen_size(&self) -> (u16, u16) {
        let (rows, cols) = self.replay.screen().size();
        (cols.get(), rows.get())
    }

    fn clamp_off(&self, x: i32, y: i32) -> (u16, u16) {
        let view = self.areas().view;
        let (cols, rows) = self.screen_size();
        let mx = cols.saturating_sub(view.width) as i32;
        let my = rows.saturating_sub(view.height) as i32;
        (x.clamp(0, mx) as u16, y.clamp(0, my) as u16)
    }

    /// With follow on, move the view just enough to hold the cursor.
    fn follow_cursor(&mut self) {
        if !self.view.follow {
            return;
        }
        let view = self.areas().view;
        if view.width == 0 || view.height == 0 {
            return;
        }
        let (row, col) = self.replay.screen().cursor_position();
        let (mut x, mut y) = self.view.off;
        if col < x {
            x = col;
        } else if col >= x + view.width {
            x = col + 1 - view.width;
        }
        if row < y {
            y = row;
        } else if row >= y + view.height {
            y = row + 1 - view.height;
        }
        let off = self.clamp_off(x as i32, y as i32);
        if off != self.view.off {
            self.view.off = off;
            self.dirty = true;
        }
    }

    fn mouse(&mut self, now: Duration, m: Mouse) {
        let a = self.areas();
        let inside = |r: Rect, x: u16, y: u16| r.contains(ratatui::layout::Position { x, y });
        match m {
            Mouse::Down(x, y) => {
                if inside(a.bar, x, y) {
                    self.drag = Some(Drag::Bar);
                    self.seek_bar(now, a.bar, x);
                } else if inside(a.view, x, y) {
                    self.drag = Some(Drag::Screen {
                        x,
                        y,
                        off: self.view.off,
                    });
                } else if let Some(p) = a.panel_list.filter(|p| inside(*p, x, y)) {
                    let first = super::ui::panel::first_shown(self, p.height as usize);
                    let i = first + (y - p.y) as usize;
                    if i < self.panel_len() {
                        self.selected = i;
                        self.panel_select(now);
                    }
                }
            }
            Mouse::Drag(x, y) => match self.drag {
                Some(Drag::Bar) => self.seek_bar(now, a.bar, x),
                Some(Drag::Screen { x: sx, y: sy, off }) => {
                    self.view.follow = false;
                    let nx = off.0 as i32 - (x as i32 - sx as i32);
                    let ny = off.1 as i32 - (y as i32 - sy as i32);
                    self.view.off = self.clamp_off(nx, ny);
                }
                None => {}
            },
            Mouse::Up => self.drag = None,
            Mouse::Scroll(x, y, dx, dy) => {
                if a.panel_list.is_some_and(|p| inside(p, x, y)) {
                    let len = self.panel_len();
                    if len > 0 {
                        self.selected =
                            (self.selected as i64 + dy as i64).clamp(0, len as i64 - 1) as usize;
                    }
                } else {
                    self.view.follow = false;
                    let (ox, oy) = self.view.off;
                    self.view.off = self.clamp_off(ox as i32 + dx, oy as i32 + dy);
                }
            }
        }
    }

    fn seek_bar(&mut self, now: Duration, bar: Rect, x: u16) {
        let w = bar.width.saturating_sub(1).max(1) as f64;
        let f = (x.saturating_sub(bar.x) as f64 / w).clamp(0.0, 1.0);
        let p = (self.clock.total() as f64 * f).round() as i128;
        self.seek_pres(now, p);
    }

    /// Keys typed shortly before the position, oldest first, as named in transcripts.
    pub fn recent_keys(&self) -> Vec<String> {
        let sq = self.clock.squeeze();
        let window = (KEYS_SHOWN.as_nanos() as f64 * self.clock.speed().max(1.0)) as Nanos;
        let now_p = sq.pres(self.pos);
        let from = now_p.saturating_sub(window);
        let n = self.tl.count_at(self.pos as i128);
        let mut keys: Vec<String> = Vec::new();
        for ev in self.tl.events[..n].iter().rev().take(2000) {
            if sq.pres(ev.t) < from || keys.len() >= 64 {
                break;
            }
            if ev.kind == Kind::Input {
                let names = crate::transcript::key_names(&self.tl.data(ev));
                keys.extend(names.into_iter().rev());
            }
        }
        keys.reverse();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::TermArgs;
    use crate::commands::prepare;

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
        let term = TermArgs {
            cols: Some(40),
            rows: Some(6),
            ..Default::default()
        };
        let loaded = prepare("test".into(), tl, &term);
        let mut app = App::new(loaded, opts, (80, 20), ms(0)).unwrap();
        app.wait_background(ms(0));
        app
    }

    fn app() -> App {
        app_with(session(), Options::default())
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
        a.update(Action::ToggleCommands, ms(0));
        a.update(Action::OpenPrompt(PromptKind::Search), ms(0));
        a.update(Action::PromptInput('x'), ms(0));
        a.update(Action::PromptSubmit, ms(0));
        assert!(a.search().is_some());
        a.update(Action::ToggleHelp, ms(0));
        assert!(a.help);
        a.update(Action::Close, ms(0));
        assert!(!a.help && a.panel.is_some());
        a.update(Action::Close, ms(0));
        assert!(a.panel.is_none() && a.search().is_some());
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
        a.update(Action::ToggleCommands, ms(0));
        assert_eq!(a.mode(), Mode::Panel);
        assert_eq!(a.selected, 1, "the current command is selected");
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
        a.update(Action::ToggleHits, ms(0));
        assert_eq!(a.panel, Some(Panel::Hits));
        assert_eq!(a.selected, 1);
        a.update(Action::PanelMove(-1), ms(0));
        a.update(Action::PanelSelect, ms(0));
        assert_eq!(a.position(), 5 * S);
        a.update(Action::OpenPrompt(PromptKind::Search), ms(0));
        a.update(Action::PromptClear, ms(0));
        a.update(Action::PromptInput('Z'), ms(0));
        a.update(Action::PromptSubmit, ms(0));
        assert!(a.message().unwrap().contains("no match"));
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
        let term = TermArgs {
            cols: Some(80),
            rows: Some(24),
            ..Default::default()
        };
        let loaded = prepare("big".into(), tl, &term);
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
        a.update(Action::ToggleCommands, ms(0));
        let list = a.areas().panel_list.unwrap();
        a.update(Action::Mouse(Mouse::Down(list.x + 3, list.y + 1)), ms(0));
        assert_eq!(a.selected, 1);
        assert_eq!(a.position(), 5 * S);
    }
}
