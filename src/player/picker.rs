//! The session picker (`auditty play --app APP`): an app's one-off sessions, newest first;
//! Enter downloads the chosen one and plays it, Esc in the player comes back here.
//!
//! Like the player, the state changes only in [`Picker::update`]; the network is not
//! touched here: `update` returns an [`Effect`] (list the sessions, download one) that the
//! loop ([`super::session`]) carries out on a thread, reporting back with actions
//! ([`Action::Listed`], [`Action::Progress`], …). Drawing is [`super::ui::picker`].

use super::finder::{Finder, Found, Results};
use crate::scalingo::Session;
use std::time::Duration;

/// Rows moved by PageUp / PageDown.
pub const PAGE: usize = 10;
/// The spinner's frames, one every [`SPIN`].
pub const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
pub const SPIN: Duration = Duration::from_millis(100);

/// Everything the picker can be told.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Move the selection by rows (clamped).
    Move(i64),
    Home,
    End,
    /// Enter: play the selected session.
    Open,
    /// Esc: cancel a download, else forget the message.
    Cancel,
    /// `r`: list the sessions again.
    Reload,
    Quit,
    Resize(u16, u16),
    /// Time passed (the spinner turns).
    Tick(Duration),
    /// The listing arrived (or failed: the message to show).
    Listed(Result<Vec<Session>, Failure>),
    /// Download `ticket` has received `done` bytes of `total`.
    Progress {
        ticket: u64,
        done: u64,
        total: Option<u64>,
    },
    /// Download `ticket` has all its bytes; the recording is being read.
    Fetched {
        ticket: u64,
    },
    /// Download `ticket` failed (or the audit log could not be read).
    Failed {
        ticket: u64,
        message: String,
    },
    /// Download `ticket` is ready and is being played: the picker is left for now.
    Opened {
        ticket: u64,
    },
    /// `/`: open the search prompt (the archive's picker).
    SearchOpen,
    /// A character typed into the search prompt.
    SearchType(char),
    /// Backspace in the search prompt.
    SearchBack,
    /// Enter in the search prompt: run the search.
    SearchRun,
    /// The search's hits arrived (or it failed: the message to show).
    Found(Result<Vec<Found>, Failure>),
}

/// Why something the picker asked for (a listing, a download, a search) failed: already
/// worded by the layer that met it, as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(String);

impl Failure {
    pub fn of(e: impl std::fmt::Display) -> Self {
        Failure(e.to_string())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

/// What the loop must do for the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Fetch the list of sessions (answer with [`Action::Listed`]).
    List,
    /// Download an audit log and read it (answer with [`Action::Progress`],
    /// [`Action::Fetched`], then [`Action::Failed`] or, when playing it, [`Action::Opened`]).
    Download {
        ticket: u64,
        id: String,
        size_hint: Option<u64>,
    },
    /// Search the archive (answer with [`Action::Found`]).
    Search { query: String },
}

/// The list of sessions, as far as it is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    Loading,
    Loaded(Vec<Session>),
    /// The listing failed: one line saying why.
    Failed(String),
}

/// A download under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub ticket: u64,
    pub id: String,
    pub done: u64,
    pub total: Option<u64>,
    /// All bytes are in; the recording is being read.
    pub reading: bool,
    /// Where to start playing (a search hit's time, nanoseconds).
    pub start: Option<u64>,
}

pub struct Picker {
    /// The app, as given on the command line.
    pub app: String,
    pub(crate) listing: Listing,
    pub(crate) selected: usize,
    pub(crate) download: Option<Download>,
    /// One line at the bottom (an error, or why Enter did nothing), until the next key.
    pub(crate) message: Option<String>,
    pub(crate) size: (u16, u16),
    /// The spinner's frame.
    pub(crate) spin: usize,
    /// `/` and its hits.
    pub(crate) finder: Finder,
    next_ticket: u64,
    quit: bool,
    dirty: bool,
}

impl Picker {
    /// A picker for `app`, loading its sessions: the caller starts [`Effect::List`].
    pub fn new(app: &str, size: (u16, u16)) -> Picker {
        Picker {
            app: app.to_string(),
            listing: Listing::Loading,
            selected: 0,
            download: None,
            message: None,
            size,
            spin: 0,
            finder: Finder::default(),
            next_ticket: 1,
            quit: false,
            dirty: true,
        }
    }

    pub fn listing(&self) -> &Listing {
        &self.listing
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn download(&self) -> Option<&Download> {
        self.download.as_ref()
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Waiting for the network (the spinner turns, the loop wakes up to look for answers).
    pub fn busy(&self) -> bool {
        self.listing == Listing::Loading
            || self.download.is_some()
            || matches!(self.finder.shown, Some((_, Results::Searching)))
    }

    /// Whether something changed since the last call (and a frame should be drawn).
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Draw again (e.g. back from the player, whose frames replaced the picker's).
    pub fn touch(&mut self) {
        self.dirty = true;
    }

    fn sessions(&self) -> &[Session] {
        match &self.listing {
            Listing::Loaded(s) => s,
            _ => &[],
        }
    }

    /// The session under the selection (a hit's, when hits are shown).
    pub fn current(&self) -> Option<&Session> {
        if self.finder.showing() {
            return self.finder.hits().get(self.selected).map(|h| &h.session);
        }
        self.sessions().get(self.selected)
    }

    /// Rows to choose from: the hits shown, else the sessions.
    fn rows(&self) -> usize {
        if self.finder.showing() {
            self.finder.hits().len()
        } else {
            self.sessions().len()
        }
    }

    pub fn update(&mut self, action: Action) -> Option<Effect> {
        match &action {
            Action::Tick(_) | Action::Progress { .. } => {}
            Action::Listed(_) | Action::Fetched { .. } | Action::Opened { .. } => self.dirty = true,
            Action::Found(_) => self.dirty = true,
            Action::Failed { .. } | Action::Resize(..) => self.dirty = true,
            _ => {
                self.dirty = true;
                self.message = None;
            }
        }
        match action {
            Action::Move(d) => {
                let n = self.rows();
                if n > 0 {
                    self.selected = (self.selected as i64 + d).clamp(0, n as i64 - 1) as usize;
                }
            }
            Action::Home => self.selected = 0,
            Action::End => self.selected = self.rows().saturating_sub(1),
            Action::Open => return self.open(),
            Action::Cancel => {
                if !self.search_cancel() {
                    self.download = None;
                }
            }
            a @ (Action::SearchOpen
            | Action::SearchType(_)
            | Action::SearchBack
            | Action::SearchRun
            | Action::Found(_)) => return self.search_action(a),
            Action::Reload => {
                if self.listing != Listing::Loading {
                    self.listing = Listing::Loading;
                    return Some(Effect::List);
                }
            }
            Action::Quit => self.quit = true,
            Action::Resize(w, h) => self.size = (w, h),
            Action::Tick(now) => {
                let spin = (now.as_millis() / SPIN.as_millis()) as usize % SPINNER.len();
                if self.busy() && spin != self.spin {
                    self.spin = spin;
                    self.dirty = true;
                }
            }
            Action::Listed(Ok(list)) => {
                if !self.finder.showing() {
                    self.selected = self.selected.min(list.len().saturating_sub(1));
                }
                self.listing = Listing::Loaded(list);
            }
            Action::Listed(Err(e)) => self.listing = Listing::Failed(e.to_string()),
            Action::Progress {
                ticket,
                done,
                total,
            } => {
                if let Some(d) = self.download.as_mut().filter(|d| d.ticket == ticket) {
                    d.done = done;
                    d.total = total;
                    self.dirty = true;
                }
            }
            Action::Fetched { ticket } => {
                if let Some(d) = self.download.as_mut().filter(|d| d.ticket == ticket) {
                    d.reading = true;
                }
            }
            Action::Failed { ticket, message } => {
                if self.downloading(ticket) {
                    self.download = None;
                    self.message = Some(message);
                }
            }
            Action::Opened { ticket } => {
                if self.downloading(ticket) {
                    self.download = None;
                }
            }
        }
        None
    }

    /// Whether `ticket` is the download the picker waits for (answers for cancelled ones are
    /// dropped).
    pub fn downloading(&self, ticket: u64) -> bool {
        self.download.as_ref().is_some_and(|d| d.ticket == ticket)
    }

    fn open(&mut self) -> Option<Effect> {
        if self.download.is_some() {
            return None;
        }
        let s = self.current()?;
        // a hit's session plays from the hit (no hits unless they are shown)
        let start = self.finder.hits().get(self.selected).map(|h| h.t);
        let Some(id) = s.audit_log_id.clone() else {
            self.message = Some("this session has no audit log to play".into());
            return None;
        };
        let size_hint = s.audit_log_size;
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.download = Some(Download {
            ticket,
            id: id.clone(),
            done: 0,
            total: size_hint,
            reading: false,
            start,
        });
        Some(Effect::Download {
            ticket,
            id,
            size_hint,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scalingo::User;

    pub(crate) fn session(n: usize, id: Option<&str>) -> Session {
        Session {
            id: format!("ev-{n}"),
            created_at: format!("2024-03-{:02}T10:{:02}:00.000+01:00", 28 - n % 27, n % 60),
            user: User {
                username: "john".into(),
                email: if n % 3 == 2 {
                    "deploy@scalingo.com".into()
                } else {
                    format!("user{n}@example.com")
                },
                id: "us-1".into(),
            },
            app_name: "my-app".into(),
            command: if n % 3 == 2 {
                String::new()
            } else {
                format!("bundle exec rails console # {n}")
            },
            audit_log_id: id.map(String::from),
            audit_log_size: id.map(|_| 1000 * (n as u64 + 1)),
            detached: Some(false),
        }
    }

    pub(crate) fn sessions(n: usize) -> Vec<Session> {
        (0..n)
            .map(|i| session(i, Some(&format!("log-{i}"))))
            .collect()
    }

    fn loaded(n: usize) -> Picker {
        let mut p = Picker::new("my-app", (100, 20));
        assert_eq!(p.update(Action::Listed(Ok(sessions(n)))), None);
        p
    }

    #[test]
    fn loads_then_lists() {
        let mut p = Picker::new("my-app", (100, 20));
        assert!(p.busy());
        assert_eq!(p.listing(), &Listing::Loading);
        assert_eq!(p.update(Action::Open), None, "nothing to open yet");
        assert_eq!(p.update(Action::Reload), None, "already loading");
        p.update(Action::Listed(Ok(sessions(3))));
        assert!(!p.busy());
        assert_eq!(p.current().unwrap().id, "ev-0");
    }

    #[test]
    fn moves_within_the_list() {
        let mut p = loaded(25);
        p.update(Action::Move(1));
        assert_eq!(p.selected(), 1);
        p.update(Action::Move(-5));
        assert_eq!(p.selected(), 0);
        p.update(Action::Move(PAGE as i64));
        p.update(Action::Move(PAGE as i64));
        p.update(Action::Move(PAGE as i64));
        assert_eq!(p.selected(), 24);
        p.update(Action::Home);
        assert_eq!(p.selected(), 0);
        p.update(Action::End);
        assert_eq!(p.selected(), 24);
        // a shorter list on reload keeps the selection inside it
        assert_eq!(p.update(Action::Reload), Some(Effect::List));
        assert_eq!(p.listing(), &Listing::Loading);
        p.update(Action::Listed(Ok(sessions(4))));
        assert_eq!(p.selected(), 3);
        let mut empty = loaded(0);
        empty.update(Action::Move(1));
        empty.update(Action::End);
        assert_eq!(empty.selected(), 0);
        assert_eq!(empty.update(Action::Open), None);
    }

    #[test]
    fn enter_downloads_the_selected_session_then_it_plays() {
        let mut p = loaded(3);
        p.update(Action::Move(1));
        let e = p.update(Action::Open);
        assert_eq!(
            e,
            Some(Effect::Download {
                ticket: 1,
                id: "log-1".into(),
                size_hint: Some(2000),
            })
        );
        assert!(p.busy());
        assert_eq!(p.update(Action::Open), None, "one download at a time");
        p.update(Action::Progress {
            ticket: 1,
            done: 500,
            total: Some(2000),
        });
        let d = p.download().unwrap();
        assert_eq!((d.done, d.total, d.reading), (500, Some(2000), false));
        p.update(Action::Fetched { ticket: 1 });
        assert!(p.download().unwrap().reading);
        assert!(p.downloading(1));
        p.update(Action::Opened { ticket: 1 });
        assert!(p.download().is_none());
        assert!(!p.busy());
    }

    #[test]
    fn failures_and_cancels() {
        let mut p = loaded(3);
        let Some(Effect::Download { ticket, .. }) = p.update(Action::Open) else {
            panic!()
        };
        p.update(Action::Failed {
            ticket,
            message: "audit log not found".into(),
        });
        assert!(p.download().is_none());
        assert_eq!(p.message(), Some("audit log not found"));
        // the next key forgets the message
        p.update(Action::Move(1));
        assert_eq!(p.message(), None);
        // a cancelled download's late answers are ignored
        let Some(Effect::Download { ticket: t2, .. }) = p.update(Action::Open) else {
            panic!()
        };
        assert_ne!(t2, ticket);
        p.update(Action::Cancel);
        assert!(p.download().is_none());
        assert!(!p.downloading(t2));
        p.update(Action::Progress {
            ticket: t2,
            done: 1,
            total: None,
        });
        p.update(Action::Failed {
            ticket: t2,
            message: "late".into(),
        });
        assert!(p.download().is_none());
        assert_eq!(p.message(), None);
        // a session without an audit log says so
        let mut p = Picker::new("my-app", (100, 20));
        p.update(Action::Listed(Ok(vec![session(0, None)])));
        assert_eq!(p.update(Action::Open), None);
        assert!(p.message().unwrap().contains("no audit log"));
        // the listing failing, then reloaded
        let mut p = Picker::new("my-app", (100, 20));
        p.update(Action::Listed(Err(Failure::of("app not found"))));
        assert_eq!(p.listing(), &Listing::Failed("app not found".into()));
        assert!(!p.busy());
        assert_eq!(p.update(Action::Reload), Some(Effect::List));
    }

    #[test]
    fn draws_only_when_something_changed() {
        let mut p = Picker::new("my-app", (100, 20));
        assert!(p.take_dirty());
        assert!(!p.take_dirty());
        p.update(Action::Tick(Duration::from_millis(10)));
        assert!(!p.take_dirty(), "same spinner frame");
        p.update(Action::Tick(Duration::from_millis(120)));
        assert!(p.take_dirty(), "the spinner turned");
        p.update(Action::Listed(Ok(sessions(1))));
        assert!(p.take_dirty());
        p.update(Action::Tick(Duration::from_millis(1000)));
        assert!(!p.take_dirty(), "idle: no spinner");
        p.update(Action::Quit);
        assert!(p.should_quit());
    }
}
