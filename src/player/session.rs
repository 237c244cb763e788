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
use super::picker::{self, Action, Effect, Picker};
use super::run::{self, Io, TerminalIo};
use super::ui;
use crate::cli::TermArgs;
use crate::commands::{self, Loaded};
use crate::scalingo::{self, Config};
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

/// While waiting for the network, the loop looks for answers this often.
const POLL: Duration = Duration::from_millis(50);
/// Download progress is reported at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// What the threads send back: an action for the picker, or a recording ready to play (which
/// the loop, not the picker, acts on).
enum Msg {
    Picker(Action),
    Ready { ticket: u64, loaded: Loaded },
}

/// Where the sessions come from, and how to play them.
pub struct Picking {
    pub app: String,
    pub cfg: Config,
    pub term: TermArgs,
    pub opts: app::Options,
}

impl Picking {
    fn perform(&self, effect: Effect, tx: &Sender<Msg>) {
        match effect {
            Effect::List => self.list(tx.clone()),
            Effect::Download {
                ticket,
                id,
                size_hint,
            } => self.download(ticket, id, size_hint, tx.clone()),
        }
    }

    fn list(&self, tx: Sender<Msg>) {
        let (cfg, app) = (self.cfg.clone(), self.app.clone());
        spawn("auditty-sessions", move || {
            let r = scalingo::commands::sessions(cfg, &app, None).map_err(|e| e.to_string());
            let _ = tx.send(Msg::Picker(Action::Listed(r)));
        });
    }

    fn download(&self, ticket: u64, id: String, size_hint: Option<u64>, tx: Sender<Msg>) {
        let (cfg, app, term) = (self.cfg.clone(), self.app.clone(), self.term.clone());
        spawn("auditty-download", move || {
            let source = format!("scalingo://{app}/{id}");
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
            let bytes = match scalingo::commands::fetch_to_memory_with_progress(
                cfg, &app, &id, size_hint, &progress,
            ) {
                Ok(b) => b,
                Err(e) => {
                    let message = format!("{source}: {e}");
                    let _ = tx.send(Msg::Picker(Action::Failed { ticket, message }));
                    return;
                }
            };
            let _ = tx.send(Msg::Picker(Action::Fetched { ticket }));
            let msg = match crate::formats::load_bytes(&source, bytes) {
                Ok(tl) => {
                    let name = crate::formats::display_name(&source);
                    Msg::Ready {
                        ticket,
                        loaded: commands::prepare(name, tl, &term),
                    }
                }
                Err(e) => Msg::Picker(Action::Failed {
                    ticket,
                    message: e.to_string(),
                }),
            };
            let _ = tx.send(msg);
        });
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) {
    // a thread that cannot start leaves the picker waiting: say so instead
    if let Err(e) = std::thread::Builder::new().name(name.into()).spawn(f) {
        eprintln!("error: cannot start a thread: {e}");
    }
}

/// Run the picker (and the players it opens) in the real terminal until the user quits.
pub fn run(picking: Picking, start: Instant) -> Result<(), String> {
    run::with_terminal(start, |io| pick(&picking, io))
}

fn pick(picking: &Picking, io: &mut TerminalIo) -> Result<(), String> {
    let term_err = |e: std::io::Error| format!("terminal: {e}");
    let mut picker = Picker::new(&picking.app, io.size().unwrap_or((80, 24)));
    let (tx, rx) = mpsc::channel();
    picking.perform(Effect::List, &tx);
    loop {
        while let Ok(msg) = rx.try_recv() {
            let action = match msg {
                Msg::Picker(action) => action,
                Msg::Ready { ticket, loaded } => {
                    if !picker.downloading(ticket) {
                        continue; // cancelled
                    }
                    let size = io.size().unwrap_or(picker.size);
                    match App::new(loaded, picking.opts.clone(), size, io.now()) {
                        Err(message) => Action::Failed { ticket, message },
                        Ok(mut player) => {
                            picker.update(Action::Opened { ticket });
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
            io.draw_with(|f| ui::picker::draw(&picker, f))
                .map_err(term_err)?;
        }
        let timeout = picker.busy().then_some(POLL);
        let mut next = io.next_event(timeout).map_err(term_err)?;
        while let Some(ev) = next {
            if let Some(a) = picker::action(&ev) {
                if let Some(effect) = picker.update(a) {
                    picking.perform(effect, &tx);
                }
                if picker.should_quit() {
                    return Ok(());
                }
            }
            next = io.next_event(Some(Duration::ZERO)).map_err(term_err)?;
        }
    }
}
