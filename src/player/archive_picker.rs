//! `auditty play --archive`: the session picker on the archive, offline. The same picker and
//! loop as `play --app` ([`super::session::pick`]); the list is the archive's, and a session
//! is read from it (its sha256 checked) instead of downloaded.

use super::app;
use super::finder::Found;
use super::picker::{Action, Effect, Failure};
use super::run::{self, TerminalError};
use super::session::{pick, ready, ContextOf, Effects, Msg};
use crate::archive::{self, Filter, Place, Query, Scope, SessionMeta};
use crate::recording::{self, Settings, Source};
use crate::scalingo::{Session, User};
use std::sync::mpsc::Sender;
use std::time::Instant;

/// The archive to pick from, and how to play its sessions.
pub struct ArchivePicking {
    pub place: Place,
    pub settings: Settings,
    pub opts: app::Options,
    /// The context of each session chosen (`None`: no `--with`).
    pub context: Option<ContextOf>,
}

/// A session of the archive as the picker shows one.
fn as_session(m: SessionMeta) -> Session {
    Session {
        id: m.event_id,
        created_at: m.created_at,
        user: User {
            username: m.username,
            email: m.user,
            id: String::new(),
        },
        app_name: m.app,
        command: m.command,
        audit_log_id: Some(m.audit_log_id),
        audit_log_size: Some(m.size),
        detached: None,
    }
}

/// Hits a search in the picker shows at most.
pub const SEARCH_LIMIT: usize = 500;

/// The archive's hits for `query`, as the picker shows them.
fn search(place: &Place, query: &str) -> Result<Vec<Found>, Failure> {
    let q = Query::parse(query).map_err(Failure::of)?;
    let store = archive::open_existing(place).map_err(Failure::of)?;
    let hits = store
        .search(&q, Scope::All, &Filter::default(), SEARCH_LIMIT)
        .map_err(Failure::of)?;
    Ok(hits
        .into_iter()
        .map(|h| Found {
            session: as_session(h.session),
            t: h.t,
            kind: h.kind.as_str(),
            snippet: h.snippet,
        })
        .collect())
}

impl Effects for ArchivePicking {
    fn searchable(&self) -> bool {
        true
    }

    fn perform(&self, effect: Effect, tx: &Sender<Msg>) {
        match effect {
            Effect::Search { query } => {
                let (place, tx) = (self.place.clone(), tx.clone());
                let run = move || {
                    let _ = tx.send(Msg::Picker(Action::Found(search(&place, &query))));
                };
                if let Err(e) = std::thread::Builder::new()
                    .name("auditty-archive-search".into())
                    .spawn(run)
                {
                    eprintln!("error: cannot start a thread: {e}");
                }
            }
            Effect::List => {
                let listed = archive::open_existing(&self.place)
                    .and_then(|s| s.list(&Filter::default()))
                    .map(|l| l.into_iter().map(as_session).collect())
                    .map_err(Failure::of);
                let _ = tx.send(Msg::Picker(Action::Listed(listed)));
            }
            Effect::Download { ticket, id, .. } => {
                let context_of = self.context.clone();
                let (place, settings, tx) = (self.place.clone(), self.settings.clone(), tx.clone());
                let read = move || {
                    let source = Source::Archive { id };
                    let settings = Settings {
                        archive: place,
                        ..settings
                    };
                    let _ = tx.send(Msg::Picker(Action::Fetched { ticket }));
                    let read = recording::open(&source, &settings).map_err(Failure::of);
                    let _ = tx.send(ready(ticket, read, context_of.as_ref()));
                };
                if let Err(e) = std::thread::Builder::new()
                    .name("auditty-archive-read".into())
                    .spawn(read)
                {
                    eprintln!("error: cannot start a thread: {e}");
                }
            }
        }
    }
}

/// Run the picker on the archive in the real terminal until the user quits.
pub fn run(picking: ArchivePicking, start: Instant) -> Result<(), TerminalError> {
    run::with_terminal(start, |io| pick("archive", &picking.opts, &picking, io))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::sqlite::SqliteStore;
    use crate::archive::Store;
    use std::sync::mpsc;
    use std::time::Duration;

    fn archived(dir: &std::path::Path) -> Vec<u8> {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/recordings/shell-basics.json"
        ))
        .unwrap();
        let meta = SessionMeta {
            audit_log_id: "log-1".into(),
            app: "my-app".into(),
            event_id: "ev-1".into(),
            user: "ann@acme.io".into(),
            username: "ann".into(),
            command: "bash".into(),
            created_at: "2026-03-01T10:00:00+02:00".into(),
            size: bytes.len() as u64,
            sha256: archive::sha256_hex(&bytes),
            duration: 1.0,
            cols: 80,
            rows: 24,
            started_at: None,
        };
        let src = Source::Demo;
        let rec = recording::from_bytes(&src, bytes.clone(), &Settings::default()).unwrap();
        let content = archive::index::content(&rec);
        let mut s = SqliteStore::open(dir, true).unwrap();
        s.add(&meta, &bytes, &content).unwrap();
        bytes
    }

    fn picking(dir: &std::path::Path) -> ArchivePicking {
        ArchivePicking {
            place: Place::dir(dir),
            settings: Settings::default(),
            opts: app::Options::default(),
            context: None,
        }
    }

    fn download(p: &ArchivePicking) -> Vec<Msg> {
        let (tx, rx) = mpsc::channel();
        let effect = Effect::Download {
            ticket: 7,
            id: "log-1".into(),
            size_hint: None,
        };
        p.perform(effect, &tx);
        drop(tx);
        let mut got = Vec::new();
        while let Ok(m) = rx.recv_timeout(Duration::from_secs(20)) {
            got.push(m);
        }
        got
    }

    #[test]
    fn lists_the_archive_and_opens_a_session_from_it_offline() {
        let d = tempfile::tempdir().unwrap();
        archived(d.path());
        let p = picking(d.path());
        let (tx, rx) = mpsc::channel();
        p.perform(Effect::List, &tx);
        match rx.try_recv() {
            Ok(Msg::Picker(Action::Listed(Ok(list)))) => {
                assert_eq!(list.len(), 1);
                assert_eq!(list[0].audit_log_id.as_deref(), Some("log-1"));
                assert_eq!(list[0].user.email, "ann@acme.io");
            }
            _ => panic!("no listing"),
        }
        let got = download(&p);
        assert!(matches!(got[0], Msg::Picker(Action::Fetched { ticket: 7 })));
        match &got[1] {
            Msg::Ready {
                ticket: 7, loaded, ..
            } => assert_eq!(loaded.name, "archive://log-1"),
            _ => panic!("not opened"),
        }
    }

    #[test]
    fn slash_searches_the_archive() {
        let d = tempfile::tempdir().unwrap();
        archived(d.path());
        let p = picking(d.path());
        assert!(p.searchable());
        let found = |query: &str| {
            let (tx, rx) = mpsc::channel();
            p.perform(
                Effect::Search {
                    query: query.into(),
                },
                &tx,
            );
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(Msg::Picker(Action::Found(r))) => r,
                _ => panic!("no answer"),
            }
        };
        let hits = found("hello").unwrap();
        assert!(!hits.is_empty());
        assert!(hits
            .iter()
            .all(|h| h.session.audit_log_id.as_deref() == Some("log-1")));
        assert!(hits[0].snippet.contains("\u{2}hello\u{3}"), "{:?}", hits[0]);
        assert!(found("nothing-like-this").unwrap().is_empty());
        let e = found("\"open").unwrap_err();
        assert!(e.to_string().starts_with("bad search query"), "{e}");
    }

    #[test]
    fn a_tampered_session_is_refused_in_the_list() {
        let d = tempfile::tempdir().unwrap();
        let bytes = archived(d.path());
        let sha = archive::sha256_hex(&bytes);
        let object = d.path().join("objects").join(&sha[..2]).join(&sha[2..]);
        std::fs::write(object, [&bytes[..], b" "].concat()).unwrap();
        let got = download(&picking(d.path()));
        match &got[1] {
            Msg::Picker(Action::Failed { ticket: 7, message }) => {
                assert!(message.contains("does not match its sha256"), "{message}")
            }
            _ => panic!("not refused"),
        }
    }
}
