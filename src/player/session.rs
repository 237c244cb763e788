//! `auditty play --app APP`: the session picker and the players it opens, in one terminal
//! session (one guard: the terminal stays in the alternate screen from the first frame of
//! the list to the last).
//!
//! The network is used on threads: the listing, and each download (which also reads the
//! audit log into a timeline), so the list stays responsive, shows progress, and a
//! download can be cancelled (Esc: its answer is then ignored). Their answers come back
//! through a channel the loop looks at while the picker is waiting for one.

use super::action::Ended;
use super::app::{self, App};
use super::keys;
use super::picker::{Action, Effect, Failure, Picker};
use super::run::{self, Io, TerminalError};
use crate::context::merge::Row;
use crate::recording::{self, Recording, Settings, Source};
use crate::scalingo::{self, Config};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// While waiting for the network, the loop looks for answers this often.
const POLL: Duration = Duration::from_millis(50);
/// Download progress is reported at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// What the threads send back: an action for the picker, or a recording ready to play (which
/// the loop, not the picker, acts on).
pub(crate) enum Msg {
    Picker(Action),
    Ready {
        ticket: u64,
        loaded: Recording,
        /// Its context entries (`--with`), for the context panel.
        context: Vec<Row>,
    },
}

/// The context entries (`--with`) of a session once it is read, or the error that says why
/// they cannot be: run on the download's thread (a context URI is fetched over the session's
/// window).
pub type ContextOf = Arc<dyn Fn(&Recording) -> Result<Vec<Row>, Failure> + Send + Sync>;

/// Where the sessions come from, and how to play them.
pub struct Picking {
    pub app: String,
    pub cfg: Config,
    pub settings: Settings,
    pub opts: app::Options,
    /// The context of each session chosen (`None`: no `--with`).
    pub context: Option<ContextOf>,
}

/// Carries out what the picker asks for ([`Effect`]), answering on `tx`: the network, on
/// threads ([`Picking`]), or a fake in tests.
pub(crate) trait Effects {
    fn perform(&self, effect: Effect, tx: &Sender<Msg>);
    /// Whether `/` searches (an archive has an index; the API has not).
    fn searchable(&self) -> bool {
        false
    }
}

impl Effects for Picking {
    fn perform(&self, effect: Effect, tx: &Sender<Msg>) {
        match effect {
            Effect::List => self.list(tx.clone()),
            Effect::Download {
                ticket,
                id,
                size_hint,
            } => self.download(ticket, id, size_hint, tx.clone()),
            Effect::Search { .. } => {
                let e = Failure::of("search needs the archive: auditty play --archive");
                let _ = tx.send(Msg::Picker(Action::Found(Err(e))));
            }
        }
    }
}

impl Picking {
    fn list(&self, tx: Sender<Msg>) {
        let (cfg, app) = (self.cfg.clone(), self.app.clone());
        spawn("auditty-sessions", move || {
            let r = scalingo::sessions(cfg, &app, None).map_err(Failure::of);
            let _ = tx.send(Msg::Picker(Action::Listed(r)));
        });
    }

    fn download(&self, ticket: u64, id: String, size_hint: Option<u64>, tx: Sender<Msg>) {
        let (cfg, app, settings) = (self.cfg.clone(), self.app.clone(), self.settings.clone());
        let context_of = self.context.clone();
        spawn("auditty-download", move || {
            let source = Source::scalingo(&app, &id);
            let last = std::cell::Cell::new(None::<Instant>);
            let progress = |done: u64, total: Option<u64>| {
                let now = Instant::now();
                if last.get().is_none_or(|t| now - t >= PROGRESS_EVERY) {
                    last.set(Some(now));
                    let _ = tx.send(Msg::Picker(Action::Progress {
                        ticket,
                        done,
                        total,
                    }));
                }
            };
            let bytes =
                match scalingo::fetch_to_memory_with_progress(cfg, &app, &id, size_hint, &progress)
                {
                    Ok(b) => b,
                    Err(e) => {
                        let message = format!("{}: {e}", source.name());
                        let _ = tx.send(Msg::Picker(Action::Failed { ticket, message }));
                        return;
                    }
                };
            let _ = tx.send(Msg::Picker(Action::Fetched { ticket }));
            let read = recording::from_bytes(&source, bytes, &settings).map_err(Failure::of);
            let _ = tx.send(ready(ticket, read, context_of.as_ref()));
        });
    }
}

/// What a download that read `read` answers: the recording ready to play with its context
/// (`context_of`), or why it cannot be played.
pub(crate) fn ready(
    ticket: u64,
    read: Result<Recording, Failure>,
    context_of: Option<&ContextOf>,
) -> Msg {
    let with_context = read.and_then(|loaded| {
        let context = context_of.map_or(Ok(Vec::new()), |f| f(&loaded))?;
        Ok((loaded, context))
    });
    match with_context {
        Ok((loaded, context)) => Msg::Ready {
            ticket,
            loaded,
            context,
        },
        Err(e) => Msg::Picker(Action::Failed {
            ticket,
            message: e.to_string(),
        }),
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) {
    // a thread that cannot start leaves the picker waiting: say so instead
    if let Err(e) = std::thread::Builder::new().name(name.into()).spawn(f) {
        eprintln!("error: cannot start a thread: {e}");
    }
}

/// Run the picker (and the players it opens) in the real terminal until the user quits.
pub fn run(picking: Picking, start: Instant) -> Result<(), TerminalError> {
    run::with_terminal(start, |io| pick(&picking.app, &picking.opts, &picking, io))
}

/// The picker's loop, for `app`'s sessions, opening players with `opts`, through `io`.
pub(crate) fn pick(
    app: &str,
    opts: &app::Options,
    effects: &impl Effects,
    io: &mut impl Io,
) -> Result<(), TerminalError> {
    let term_err = TerminalError::Io;
    let mut picker = Picker::new(app, io.size().unwrap_or((80, 24)));
    if effects.searchable() {
        picker.enable_search();
    }
    let (tx, rx) = mpsc::channel();
    effects.perform(Effect::List, &tx);
    loop {
        while let Ok(msg) = rx.try_recv() {
            let action = match msg {
                Msg::Picker(action) => action,
                Msg::Ready {
                    ticket,
                    loaded,
                    context,
                } => {
                    if !picker.downloading(ticket) {
                        continue; // cancelled
                    }
                    let size = io.size().unwrap_or(picker.size);
                    let mut opts = opts.clone();
                    if let Some(t) = picker.download().and_then(|d| d.start) {
                        // a search hit: played from its time
                        opts.start_at = Some(crate::timeline::TimeSpec::Offset(t));
                    }
                    match App::new(loaded, opts, size, io.now()) {
                        Err(e) => Action::Failed {
                            ticket,
                            message: e.to_string(),
                        },
                        Ok(mut player) => {
                            picker.update(Action::Opened { ticket });
                            player.set_context(context);
                            player.set_back_to_list();
                            if run::play(&mut player, io)? == Ended::Quit {
                                return Ok(());
                            }
                            picker.touch();
                            let (w, h) = io.size().unwrap_or(size);
                            Action::Resize(w, h)
                        }
                    }
                }
            };
            picker.update(action);
        }
        picker.update(Action::Tick(io.now()));
        if picker.take_dirty() {
            io.draw_picker(&picker).map_err(term_err)?;
        }
        let timeout = picker.busy().then_some(POLL);
        let mut next = io.next_event(timeout).map_err(term_err)?;
        while let Some(ev) = next {
            if let Some(a) = keys::picker(&ev, picker.typing()) {
                if let Some(effect) = picker.update(a) {
                    effects.perform(effect, &tx);
                }
                if picker.should_quit() {
                    return Ok(());
                }
            }
            next = io.next_event(Some(Duration::ZERO)).map_err(term_err)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::fake::FakeIo;
    use crate::player::picker::tests::sessions;
    use crate::scalingo::Session;
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use std::cell::RefCell;

    /// The network as the picker sees it: the listing answers at once; a download answers
    /// with progress, then the recording (`app::tests::session()`) or a failure.
    struct FakeNet {
        sessions: Vec<Session>,
        download_fails: Option<String>,
        /// The context entries a download comes with.
        context: Vec<Row>,
        /// The wall-clock start the recording downloaded has.
        start: Option<&'static str>,
        performed: RefCell<Vec<Effect>>,
        /// An archive's: `/` searches, and these are the hits.
        hits: Option<Vec<crate::player::finder::Found>>,
    }

    impl FakeNet {
        fn new(n: usize) -> Self {
            FakeNet {
                sessions: sessions(n),
                download_fails: None,
                context: Vec::new(),
                start: None,
                performed: RefCell::new(Vec::new()),
                hits: None,
            }
        }
    }

    impl Effects for FakeNet {
        fn searchable(&self) -> bool {
            self.hits.is_some()
        }

        fn perform(&self, effect: Effect, tx: &Sender<Msg>) {
            self.performed.borrow_mut().push(effect.clone());
            let send = |m| tx.send(m).unwrap();
            match effect {
                Effect::Search { .. } => {
                    send(Msg::Picker(Action::Found(Ok(self.hits.clone().unwrap()))))
                }
                Effect::List => send(Msg::Picker(Action::Listed(Ok(self.sessions.clone())))),
                Effect::Download { ticket, id, .. } => {
                    send(Msg::Picker(Action::Progress {
                        ticket,
                        done: 10,
                        total: Some(20),
                    }));
                    if let Some(message) = &self.download_fails {
                        send(Msg::Picker(Action::Failed {
                            ticket,
                            message: message.clone(),
                        }));
                        return;
                    }
                    send(Msg::Picker(Action::Fetched { ticket }));
                    let mut tl = crate::player::app::tests::session();
                    tl.start = self
                        .start
                        .map(|s| chrono::DateTime::parse_from_rfc3339(s).unwrap());
                    let loaded = Recording::new(format!("{id}.json"), tl, &Settings::default());
                    let context = self.context.clone();
                    send(Msg::Ready {
                        ticket,
                        loaded,
                        context,
                    });
                }
            }
        }
    }

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn run(net: &FakeNet, script: Vec<(u64, Event)>) -> (Result<(), String>, FakeIo) {
        run_with(net, &app::Options::default(), script)
    }

    fn run_with(
        net: &FakeNet,
        opts: &app::Options,
        script: Vec<(u64, Event)>,
    ) -> (Result<(), String>, FakeIo) {
        let mut io = FakeIo::with_size(script, (110, 16));
        let r = pick("my-app", opts, net, &mut io).map_err(|e| e.to_string());
        (r, io)
    }

    fn is_picker(frame: &str) -> bool {
        frame.contains("one-off sessions of my-app")
    }

    #[test]
    fn enter_plays_the_chosen_session_and_esc_comes_back_to_the_list() {
        let net = FakeNet::new(3);
        let (r, io) = run(
            &net,
            vec![
                (100, key(KeyCode::Down)),
                (200, key(KeyCode::Enter)),
                (3000, key(KeyCode::Esc)),
                (4000, key(KeyCode::Char('q'))),
            ],
        );
        assert_eq!(r, Ok(()));
        assert_eq!(
            *net.performed.borrow(),
            [
                Effect::List,
                Effect::Download {
                    ticket: 1,
                    id: "log-1".into(),
                    size_hint: Some(2000),
                }
            ]
        );
        // the list, then the player on the session chosen, then the list again
        let first = &io.frames[0];
        assert!(is_picker(first) && first.contains("3 sessions"), "{first}");
        let player = io
            .frames
            .iter()
            .position(|f| f.contains("log-1.json"))
            .expect("the player was drawn");
        assert!(io.frames[..player].iter().all(|f| is_picker(f)));
        assert!(io.frames[player].contains("Esc: back to the session list"));
        assert!(
            io.frames[player..].iter().any(|f| f.contains("file-a")),
            "the recording played"
        );
        let last = io.frames.last().unwrap();
        assert!(is_picker(last), "{last}");
        let selected = last.lines().find(|l| l.contains('▸')).unwrap();
        assert!(
            selected.contains("log-1"),
            "the selection is kept: {selected}"
        );
    }

    #[test]
    fn the_chosen_session_plays_with_its_context() {
        let mut net = FakeNet::new(2);
        net.context = vec![Row {
            t: 5 * crate::timeline::NANOS_PER_SEC as i128,
            time: None,
            lane: crate::context::Lane::AppEvent,
            source: "events.json".into(),
            actor: Some("alice".into()),
            text: "deployment \u{1b}[2Jsuccess".into(),
            fields: Default::default(),
        }];
        let (r, io) = run(
            &net,
            vec![
                (100, key(KeyCode::Enter)),
                (300, key(KeyCode::Char('e'))),
                (600, key(KeyCode::Char('q'))),
            ],
        );
        assert_eq!(r, Ok(()));
        let last = io.frames.last().unwrap();
        assert!(last.contains("context (1)"), "{last}");
        assert!(last.contains("app-event alice deployment ^[[2"), "{last}");
        assert!(!last.contains('\u{1b}'), "escaped");
    }

    #[test]
    fn a_search_hit_plays_from_its_time() {
        let mut net = FakeNet::new(3);
        net.hits = Some(vec![crate::player::finder::Found {
            session: net.sessions[1].clone(),
            t: 5_000_000_000,
            kind: "command",
            snippet: "\u{2}grep\u{3} x".into(),
        }]);
        let mut script = vec![(100, key(KeyCode::Char('/')))];
        script.extend("grep".chars().map(|c| (150, key(KeyCode::Char(c)))));
        script.extend([
            (200, key(KeyCode::Enter)),
            (300, key(KeyCode::Enter)),
            (3000, key(KeyCode::Char('q'))),
        ]);
        let (r, io) = run(&net, script);
        assert_eq!(r, Ok(()));
        assert_eq!(
            net.performed.borrow()[1],
            Effect::Search {
                query: "grep".into()
            }
        );
        let hits = io
            .frames
            .iter()
            .find(|f| f.contains("1 hit for grep"))
            .expect("the hits were drawn");
        assert!(hits.contains("log-1") && hits.contains("+0:05"), "{hits}");
        let player = io
            .frames
            .iter()
            .find(|f| f.contains("log-1.json"))
            .expect("the player was drawn");
        // from 0:05: what was typed then is on the screen at the first frame
        assert!(player.contains("grep x"), "{player}");
    }

    #[test]
    fn q_in_the_player_ends_everything() {
        let net = FakeNet::new(2);
        let (r, io) = run(
            &net,
            vec![(100, key(KeyCode::Enter)), (2000, key(KeyCode::Char('q')))],
        );
        assert_eq!(r, Ok(()));
        assert!(io.frames.last().unwrap().contains("log-0.json"));
        assert!(io.script.is_empty());
    }

    #[test]
    fn a_failed_download_is_said_in_the_list() {
        let mut net = FakeNet::new(2);
        net.download_fails = Some("scalingo://my-app/log-0: audit log log-0 not found".into());
        let (r, io) = run(
            &net,
            vec![(100, key(KeyCode::Enter)), (500, key(KeyCode::Char('q')))],
        );
        assert_eq!(r, Ok(()));
        assert!(io.frames.iter().all(|f| is_picker(f)), "no player opened");
        let last = io.frames.last().unwrap();
        assert!(
            last.contains("error: scalingo://my-app/log-0: audit log log-0 not found"),
            "{last}"
        );
    }

    #[test]
    fn a_cancelled_download_is_not_played() {
        let net = FakeNet::new(2);
        // Esc comes in before the loop looks at the answers
        let (r, io) = run(
            &net,
            vec![
                (100, key(KeyCode::Enter)),
                (100, key(KeyCode::Esc)),
                (500, key(KeyCode::Char('q'))),
            ],
        );
        assert_eq!(r, Ok(()));
        assert_eq!(
            net.performed.borrow().len(),
            2,
            "the download was asked for"
        );
        assert!(io.frames.iter().all(|f| is_picker(f)), "and not played");
        assert!(!io.frames.last().unwrap().contains("downloading"));
    }

    #[test]
    fn r_lists_again_and_ctrl_c_quits() {
        let net = FakeNet::new(1);
        let (r, io) = run(
            &net,
            vec![
                (100, key(KeyCode::Char('r'))),
                (
                    200,
                    Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
                ),
            ],
        );
        assert_eq!(r, Ok(()));
        assert_eq!(*net.performed.borrow(), [Effect::List, Effect::List]);
        assert!(io.frames.last().unwrap().contains("1 session"));
    }

    /// `play --app APP --start-at TIME` reads TIME as `play FILE --start-at TIME` does:
    /// `--clamp` takes the nearest end of a time outside the session, `--utc` reads a time
    /// of day in UTC (both were ignored: the picker said the time was outside).
    #[test]
    fn start_at_in_the_picker_follows_clamp_and_utc() {
        use crate::timeline::TimeSpec;
        let mut net = FakeNet::new(1);
        // the session: 11:00:00 to 11:00:10 in +01:00, that is 10:00:00 to 10:00:10 UTC
        net.start = Some("2024-03-01T11:00:00+01:00");
        let first_player_frame = |spec: &str, clamp: bool, utc: bool| {
            let opts = app::Options {
                start_at: Some(spec.parse::<TimeSpec>().unwrap()),
                clamp,
                utc,
                paused: true,
                ..Default::default()
            };
            let script = vec![(100, key(KeyCode::Enter)), (2000, key(KeyCode::Char('q')))];
            let (r, io) = run_with(&net, &opts, script);
            assert_eq!(r, Ok(()));
            let player = io.frames.iter().find(|f| f.contains("log-0.json"));
            (player.cloned(), io.frames.last().unwrap().clone())
        };
        // outside the session: an error in the list, unless --clamp
        let (player, last) = first_player_frame("1:00", false, false);
        assert!(player.is_none(), "not played");
        assert!(
            last.contains("error: --start-at: that is after the recording"),
            "{last}"
        );
        let (player, _) = first_player_frame("1:00", true, false);
        let player = player.expect("played from the end");
        assert!(player.contains("exit"), "{player}");
        // 10:00:05 is 5 s in, in UTC; in the recording's offset it is an hour before it
        let (player, _) = first_player_frame("10:00:05", false, true);
        let player = player.expect("played from 10:00:05 UTC");
        assert!(
            player.contains("grep x") && !player.contains("ERROR"),
            "{player}"
        );
        let (player, last) = first_player_frame("10:00:05", false, false);
        assert!(player.is_none(), "{last}");
        // the same time of day in the recording's offset
        let (player, _) = first_player_frame("11:00:05", false, false);
        assert!(player.expect("played").contains("grep x"));
    }
}
