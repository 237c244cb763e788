//! The terminal loop: the only place that touches the real terminal.
//!
//! [`run_loop`] drives an [`App`] through an [`Io`]: the real one ([`TerminalIo`]: crossterm,
//! the clock of the machine) or a fake one in tests. It sleeps until the next event of the
//! recording is due or input arrives, and draws only when something changed, at most once a
//! frame. The terminal is restored on every way out: a normal quit, an error, a panic (hook),
//! SIGTERM/SIGHUP/SIGINT/SIGQUIT (a thread that restores it and exits), and when the guard is
//! dropped.

use super::action::{Action, Ended};
use super::app::App;
use super::picker::Picker;
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
    /// Draw the session picker.
    fn draw_picker(&mut self, picker: &Picker) -> io::Result<()>;
    /// The terminal's size (columns, rows).
    fn size(&self) -> io::Result<(u16, u16)>;
    /// Capture the mouse (clicks and the wheel come as events), or let go of it (the
    /// terminal's own selection works).
    fn set_mouse(&mut self, on: bool) -> io::Result<()>;
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
    let mut mouse = true;
    let stats = loop {
        let now = io.now();
        app.update(Action::Tick, now);
        if app.should_quit() {
            break stats;
        }
        if app.mouse_captured != mouse {
            mouse = app.mouse_captured;
            io.set_mouse(mouse)?;
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
                    break;
                }
            }
            // take whatever else is already there before drawing
            next = io.next_event(Some(Duration::ZERO))?;
        }
        if app.should_quit() {
            break stats;
        }
    };
    if !mouse {
        // as the next player (from the session picker) expects it
        io.set_mouse(true)?;
    }
    Ok(stats)
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
        // not `terminal.clear()`: it asks the terminal where its cursor is (`CSI 6n`) and fails
        // when no answer comes; the player sends the viewer's terminal no query at all
        execute!(
            terminal.backend_mut(),
            terminal::Clear(terminal::ClearType::All)
        )?;
        Ok(TerminalIo { terminal, start })
    }

    /// Draw a frame (in one synchronized update, with the signal thread kept out).
    pub fn draw_with(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        let _lock = TERM_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        self.terminal.draw(render)?;
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        Ok(())
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
        self.draw_with(|f| ui::draw(app, f))
    }

    fn draw_picker(&mut self, picker: &Picker) -> io::Result<()> {
        self.draw_with(|f| ui::picker::draw(picker, f))
    }

    fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.terminal.size()?;
        Ok((s.width, s.height))
    }

    fn set_mouse(&mut self, on: bool) -> io::Result<()> {
        let _lock = TERM_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        execute!(
            self.terminal.backend_mut(),
            Print(if on { MOUSE_ON } else { MOUSE_OFF })
        )
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

/// The real terminal failed us.
#[derive(Debug)]
pub enum TerminalError {
    /// The signal handlers could not be installed.
    Signals(io::Error),
    /// Raw mode, the alternate screen or the mouse could not be set up.
    Setup(io::Error),
    /// Reading keys or drawing failed.
    Io(io::Error),
}

impl std::fmt::Display for TerminalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TerminalError::Signals(e) => write!(f, "cannot watch signals: {e}"),
            TerminalError::Setup(e) => write!(f, "cannot set up the terminal: {e}"),
            TerminalError::Io(e) => write!(f, "terminal: {e}"),
        }
    }
}

impl std::error::Error for TerminalError {}

/// Set the real terminal up (panic hook, signals, raw mode, alternate screen, mouse), run
/// `f` in it, and put it back as it was, whatever happens. One guard for a whole session:
/// the picker and the players it opens share it, and the terminal is not flickered between.
pub fn with_terminal<T>(
    start: Instant,
    f: impl FnOnce(&mut TerminalIo) -> Result<T, TerminalError>,
) -> Result<T, TerminalError> {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        prev(info);
    }));
    watch_signals().map_err(TerminalError::Signals)?;
    let _guard = Guard::enter().map_err(TerminalError::Setup)?;
    let mut io = TerminalIo::new(start).map_err(TerminalError::Setup)?;
    f(&mut io)
}

/// Play `app` until it ends, in a terminal already set up; say how it ended.
pub fn play(app: &mut App, io: &mut impl Io) -> Result<Ended, TerminalError> {
    if let Ok(size) = io.size() {
        app.update(Action::Resize(size.0, size.1), io.now());
    }
    run_loop(app, io).map_err(TerminalError::Io)?;
    Ok(app.ended().unwrap_or(Ended::Quit))
}

/// Play `app` in the real terminal; `start` is the instant its time counts from.
pub fn run(mut app: App, start: Instant) -> Result<Ended, TerminalError> {
    with_terminal(start, |io| play(&mut app, io))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::app::Options;
    use crate::player::fake::FakeIo;
    use crate::recording::{self, Settings, Source};
    use crate::timeline::Kind;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    fn demo(opts: Options) -> App {
        let loaded = recording::open(&Source::Demo, &Settings::default()).unwrap();
        let mut app = App::new(loaded, opts, (120, 34), Duration::ZERO).unwrap();
        app.wait_background(Duration::ZERO);
        app
    }

    #[test]
    fn events_are_drawn_on_time_and_a_paused_player_sleeps() {
        let mut app = demo(Options {
            paused: true,
            ..Default::default()
        });
        // play at 1 s, pause at 9 s, quit at 60 s
        let mut io = FakeIo::new(vec![(1000, key(' ')), (9000, key(' ')), (60_000, key('q'))]);
        let stats = run_loop(&mut app, &mut io).unwrap();
        assert!(app.should_quit());
        let tl = app.timeline().clone();
        let start = Duration::from_millis(1000);
        // every output event due while playing was drawn within a frame of its time
        for ev in tl
            .events
            .iter()
            .filter(|e| e.kind == Kind::Output && e.t > 0)
        {
            let due = start + Duration::from_nanos(ev.t);
            if due > Duration::from_millis(9000) {
                break;
            }
            let drawn = io
                .draws
                .iter()
                .find(|(at, pos)| *pos >= ev.t && *at >= start)
                .unwrap_or_else(|| panic!("event at {} never drawn", ev.t));
            assert!(
                drawn.0 >= due && drawn.0 <= due + FRAME_INTERVAL + Duration::from_millis(1),
                "event due at {due:?} drawn at {:?}",
                drawn.0
            );
        }
        // no drift: the position is exactly the time played
        let (at, pos) = *io
            .draws
            .iter()
            .rev()
            .find(|d| d.0 <= Duration::from_millis(9000))
            .unwrap();
        assert_eq!(Duration::from_nanos(pos), at - start);
        // paused: one wait with no timeout until the next key, and no frames meanwhile
        let paused: Vec<_> = io
            .waits
            .iter()
            .filter(|w| w.0 >= Duration::from_millis(9000))
            .collect();
        assert_eq!(paused.len(), 1, "{paused:?}");
        assert_eq!(paused[0].1, None);
        assert!(io.draws.iter().all(|d| d.0 <= Duration::from_millis(9000)));
        // at most one frame per interval
        for w in io.draws.windows(2) {
            assert!(w[1].0 - w[0].0 >= FRAME_INTERVAL || w[1].0 == Duration::from_millis(9000));
        }
        assert_eq!(stats.draws, io.draws.len());
    }

    #[test]
    fn m_lets_go_of_the_mouse_and_takes_it_back() {
        let mut app = demo(Options::default());
        let mut io = FakeIo::new(vec![(100, key('m')), (200, key('m')), (300, key('q'))]);
        run_loop(&mut app, &mut io).unwrap();
        assert_eq!(io.mouse, [false, true]);
        // let go when the player ends: taken back for what comes next (the session list)
        let mut app = demo(Options::default());
        let mut io = FakeIo::new(vec![(100, key('m')), (300, key('q'))]);
        run_loop(&mut app, &mut io).unwrap();
        assert_eq!(io.mouse, [false, true]);
        assert!(io
            .frames
            .iter()
            .any(|f| f.contains("mouse off: select text")));
    }

    #[test]
    fn the_end_pauses_and_waits_for_a_key() {
        let mut app = demo(Options {
            start_at: Some(crate::timeline::TimeSpec::Fraction(0.99)),
            ..Default::default()
        });
        let mut io = FakeIo::new(vec![(3_600_000, key('q'))]);
        run_loop(&mut app, &mut io).unwrap();
        assert_eq!(app.position(), app.timeline().duration());
        assert!(!app.playing());
        let last = io.waits.last().unwrap();
        assert_eq!(last.1, None, "sleeps at the end");
        assert!(io.draws.last().unwrap().0 < Duration::from_secs(2));
        let screen = format!("{}", io.terminal.backend());
        assert!(screen.contains("⏸"));
    }
}
