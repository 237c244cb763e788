//! A terminal in virtual time, for tests of the loops ([`super::run`], [`super::session`]):
//! scripted input, frames drawn into ratatui's `TestBackend` and kept as text.

use super::app::App;
use super::picker::Picker;
use super::run::Io;
use super::ui;
use crate::timeline::Nanos;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::Event;
use ratatui::Terminal;
use std::collections::VecDeque;
use std::io;
use std::time::Duration;

/// Waiting advances the clock to the timeout or to the next scripted input, instantly.
pub struct FakeIo {
    pub now: Duration,
    pub script: VecDeque<(Duration, Event)>,
    pub terminal: Terminal<TestBackend>,
    /// (when, position shown) for every frame of a player drawn.
    pub draws: Vec<(Duration, Nanos)>,
    /// (when, timeout) for every wait.
    pub waits: Vec<(Duration, Option<Duration>)>,
    /// Every frame drawn (player or picker), as text.
    pub frames: Vec<String>,
    /// Every change of the mouse capture asked for.
    pub mouse: Vec<bool>,
}

impl FakeIo {
    /// A 120×34 terminal; `script` is (milliseconds, input).
    pub fn new(script: Vec<(u64, Event)>) -> Self {
        Self::with_size(script, (120, 34))
    }

    pub fn with_size(script: Vec<(u64, Event)>, size: (u16, u16)) -> Self {
        FakeIo {
            now: Duration::ZERO,
            script: script
                .into_iter()
                .map(|(ms, e)| (Duration::from_millis(ms), e))
                .collect(),
            terminal: Terminal::new(TestBackend::new(size.0, size.1)).unwrap(),
            draws: Vec::new(),
            waits: Vec::new(),
            frames: Vec::new(),
            mouse: Vec::new(),
        }
    }

    fn keep_frame(&mut self) {
        self.frames.push(format!("{}", self.terminal.backend()));
    }
}

impl Io for FakeIo {
    fn now(&self) -> Duration {
        self.now
    }

    fn next_event(&mut self, timeout: Option<Duration>) -> io::Result<Option<Event>> {
        if timeout != Some(Duration::ZERO) {
            self.waits.push((self.now, timeout));
        }
        if let Some((at, _)) = self.script.front() {
            if timeout.is_none_or(|t| self.now + t >= *at) {
                self.now = self.now.max(*at);
                return Ok(self.script.pop_front().map(|(_, e)| e));
            }
        }
        match timeout {
            Some(t) => {
                self.now += t;
                Ok(None)
            }
            None => Err(io::Error::other(
                "would sleep forever with nothing to wake it",
            )),
        }
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        let _ = self.terminal.draw(|f| ui::draw(app, f));
        self.draws.push((self.now, app.position()));
        self.keep_frame();
        Ok(())
    }

    fn draw_picker(&mut self, picker: &Picker) -> io::Result<()> {
        let _ = self.terminal.draw(|f| ui::picker::draw(picker, f));
        self.keep_frame();
        Ok(())
    }

    fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.terminal.backend().buffer().area;
        Ok((s.width, s.height))
    }

    fn set_mouse(&mut self, on: bool) -> io::Result<()> {
        self.mouse.push(on);
        Ok(())
    }
}
