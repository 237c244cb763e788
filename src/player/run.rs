//! The terminal loop: the only place that touches the real terminal.
//!
//! [`run_loop`] drives an [`App`] through an [`Io`]: the real one ([`TerminalIo`]: crossterm,
//! the clock of the machine) or a fake one in tests. It sleeps until the next event of the
//! recording is due or input arrives, and draws only when something changed, at most once a
//! frame. The terminal is restored on every way out: a normal quit, an error, a panic (hook),
//! SIGTERM/SIGHUP/SIGINT/SIGQUIT (a thread that restores it and exits), and when the guard is
//! dropped.

use super::app::{Action, App};
use super::{keys, ui};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event};
use ratatui::crossterm::style::Print;
use ratatui::crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use ratatui::crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most one frame this often while playing.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(16);

/// What the loop needs from the outside world.
pub trait Io {
    /// Time since any fixed instant.
    fn now(&self) -> Duration;
    /// Wait for input at most `timeout` (`None`: as long as it takes).
    fn next_event(&mut self, timeout: Option<Duration>) -> io::Result<Option<Event>>;
    fn draw(&mut self, app: &App) -> io::Result<()>;
}

/// What the loop did, for tests and measurements.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub draws: usize,
    pub waits: usize,
}

/// Run until the app quits.
pub fn run_loop(app: &mut App, io: &mut impl Io) -> io::Result<Stats> {
    let mut stats = Stats::default();
    let mut last_draw: Option<Duration> = None;
    loop {
        let now = io.now();
        app.update(Action::Tick, now);
        if app.should_quit() {
            return Ok(stats);
        }
        if app.take_dirty() {
            io.draw(app)?;
            stats.draws += 1;
            last_draw = Some(now);
        }
        let now = io.now();
        let mut timeout = app.next_wake(now);
        if let (Some(t), Some(drawn)) = (timeout.as_mut(), last_draw) {
            // no more than one frame per FRAME_INTERVAL: events due sooner are drawn together
            *t = (*t).max((drawn + FRAME_INTERVAL).saturating_sub(now));
        }
        stats.waits += 1;
        let mut next = io.next_event(timeout)?;
        while let Some(ev) = next {
            if let Some(a) = keys::action(app.mode(), &ev) {
                app.update(a, io.now());
                if app.should_quit() {
                    return Ok(stats);
                }
            }
            // take whatever else is already there before drawing
            next = io.next_event(Some(Duration::ZERO))?;
        }
    }
}

/// Serialises writes to the terminal between the loop and the signal thread.
static TERM_LOCK: Mutex<()> = Mutex::new(());
/// Whether the terminal is in the player's modes (and must be restored).
static ACTIVE: AtomicBool = AtomicBool::new(false);

const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1002h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1002l\x1b[?1000l\x1b[?1003l\x1b[?1015l";

/// Put the terminal back as it was: raw mode off, main screen, cursor shown, mouse off.
/// Idempotent; safe from a panic hook or the signal thread.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = execute!(
        out,
        EndSynchronizedUpdate,
        Print(MOUSE_OFF),
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal when dropped (also while unwinding).
pub struct Guard(());

impl Guard {
    pub fn enter() -> io::Result<Guard> {
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = Guard(());
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            Print(MOUSE_ON),
            cursor::Hide
        )?;
        Ok(guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _lock = TERM_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        restore();
    }
}

/// The real terminal.
pub struct TerminalIo {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    start: Instant,
}

impl TerminalIo {
    pub fn new(start: Instant) -> io::Result<Self> {
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        terminal.clear()?;
        Ok(TerminalIo { terminal, start })
    }

    pub fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.terminal.size()?;
        Ok((s.width, s.height))
    }
}

impl Io for TerminalIo {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn next_event(&mut self, timeout: Option<Duration>) -> io::Result<Option<Event>> {
        // "as long as it takes": an hour, then the loop looks again (and sleeps again)
        let t = timeout.unwrap_or(Duration::from_secs(3600));
        if event::poll(t)? {
            Ok(Some(event::read()?))
        } else {
            Ok(None)
        }
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        let _lock = TERM_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        self.terminal.draw(|f| ui::draw(app, f))?;
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        Ok(())
    }
}

/// Restore the terminal and exit on SIGTERM, SIGHUP, SIGINT and SIGQUIT.
fn watch_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new()
        .name("auditty-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // wait for a frame being drawn, but not forever (a hung-up terminal)
                let deadline = Instant::now() + Duration::from_millis(300);
                let lock = loop {
                    match TERM_LOCK.try_lock() {
                        Ok(l) => break Some(l),
                        Err(std::sync::TryLockError::Poisoned(e)) => break Some(e.into_inner()),
                        Err(std::sync::TryLockError::WouldBlock) if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(5))
                        }
                        Err(std::sync::TryLockError::WouldBlock) => break None,
                    }
                };
                restore();
                drop(lock);
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

/// Play `app` in the real terminal; `start` is the instant its time counts from.
pub fn run(mut app: App, start: Instant) -> Result<(), String> {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        prev(info);
    }));
    watch_signals().map_err(|e| format!("cannot watch signals: {e}"))?;
    let _guard = Guard::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let mut io = TerminalIo::new(start).map_err(|e| format!("cannot set up the terminal: {e}"))?;
    if let Ok(size) = io.size() {
        app.update(Action::Resize(size.0, size.1), io.now());
    }
    run_loop(&mut app, &mut io).map_err(|e| format!("terminal: {e}"))?;
    Ok(())
}
