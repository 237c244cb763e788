//! `archive sync`: every `run` event's audit log not archived yet is downloaded (through the
//! client `fetch` uses, `AUDITTY_MAX_BYTES` and all: one client for the whole sync, so one
//! region lookup and one token exchange), indexed (two at once, on threads of their own,
//! while the next downloads) and stored in the order they came, each committed on its own:
//! a sync stopped anywhere is taken up by the next one.

use super::{index, sha256_hex, Added, Entry, SessionMeta, Store};
use crate::error::Result;
use crate::recording::{self, Settings, Source};
use crate::render::escape::escape_controls;
use crate::scalingo::{Client, Config, Session};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::VecDeque;

/// What a sync did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Sessions archived by this sync.
    pub new: usize,
    /// Sessions found archived already.
    pub already: usize,
    /// Sessions (or apps' lists) that could not be archived.
    pub failed: usize,
}

impl Report {
    pub fn summary(&self) -> String {
        format!(
            "{} new, {} already there, {} failed",
            self.new, self.already, self.failed
        )
    }
}

/// What to sync.
pub struct Plan<'a> {
    pub cfg: Config,
    pub apps: &'a [String],
    /// Only sessions created at or after this (Unix nanoseconds).
    pub since: Option<i64>,
    /// A progress bar on stderr.
    pub progress: bool,
}

/// Syncs the apps' sessions into `store`; each failure is given to `report` (one line, escaped)
/// and the rest go on.
pub fn sync(store: &mut dyn Store, plan: &Plan<'_>, report: &mut dyn FnMut(&str)) -> Report {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report(&format!("cannot start the async runtime: {e}"));
            return Report {
                failed: plan.apps.len(),
                ..Report::default()
            };
        }
    };
    rt.block_on(sync_with_client(store, plan, report))
}

async fn sync_with_client(
    store: &mut dyn Store,
    plan: &Plan<'_>,
    report: &mut dyn FnMut(&str),
) -> Report {
    let mut done = Report::default();
    let mut client = match Client::new(plan.cfg.clone()).await {
        Ok(c) => c,
        Err(e) => {
            report(&e.to_string());
            done.failed = plan.apps.len();
            return done;
        }
    };
    let mut todo: Vec<(String, Session)> = Vec::new();
    for app in plan.apps {
        match client.sessions(app, None).await {
            Ok(list) => {
                for s in list {
                    let Some(id) = s.audit_log_id.as_deref() else {
                        continue;
                    };
                    if plan
                        .since
                        .is_some_and(|since| super::created_nanos(&s.created_at) < since)
                    {
                        continue;
                    }
                    match store.contains(id) {
                        Ok(true) => done.already += 1,
                        Ok(false) => todo.push((app.clone(), s)),
                        Err(e) => {
                            report(&e.to_string());
                            done.failed += 1;
                        }
                    }
                }
            }
            Err(e) => {
                report(&format!("app '{}': {e}", escape_controls(app)));
                done.failed += 1;
            }
        }
    }
    // oldest first: an archive stopped midway holds a period whole
    todo.reverse();
    let bar = progress_bar(plan.progress, todo.len());
    // downloading the next sessions while the last ones are indexed (on other threads: the
    // indexing is what costs), stored in the order they came, each as soon as it is ready
    let mut indexing: VecDeque<(String, Indexing)> = VecDeque::new();
    let mut finish = |place: String, r: Result<Added>, done: &mut Report| {
        match r {
            Ok(Added::New) => done.new += 1,
            Ok(Added::Already) => done.already += 1,
            Err(e) => {
                let line = format!("{place}: {e}");
                bar.suspend(|| report(&line));
                done.failed += 1;
            }
        }
        bar.inc(1);
    };
    for (app, s) in &todo {
        let id = s.audit_log_id.as_deref().unwrap_or_default();
        let place = format!(
            "scalingo://{}/{}",
            escape_controls(app),
            escape_controls(id)
        );
        bar.set_message(escape_controls(id));
        while indexing.len() >= IN_FLIGHT {
            let (place, job) = indexing.pop_front().expect("not empty");
            let r = store_indexed(store, job).await;
            finish(place, r, &mut done);
        }
        match download(&mut client, app, s).await {
            Ok(bytes) => {
                let (app, s) = (app.clone(), s.clone());
                indexing.push_back((
                    place,
                    tokio::task::spawn_blocking(move || indexed(&app, &s, bytes)),
                ));
            }
            Err(e) => finish(place, Err(e), &mut done),
        }
    }
    while let Some((place, job)) = indexing.pop_front() {
        let r = store_indexed(store, job).await;
        finish(place, r, &mut done);
    }
    bar.finish_and_clear();
    done
}

/// Sessions downloaded and being indexed at once, at most: one a core here, while the next
/// downloads.
const IN_FLIGHT: usize = 2;

/// A session being indexed on a thread of its own.
type Indexing = tokio::task::JoinHandle<Result<(SessionMeta, Vec<u8>, Vec<Entry>)>>;

/// Stores a session once its indexing is done.
async fn store_indexed(store: &mut dyn Store, job: Indexing) -> Result<Added> {
    let (meta, bytes, content) = job
        .await
        .map_err(|e| crate::error::Error::Runtime(format!("indexing stopped: {e}")))??;
    store.add(&meta, &bytes, &content)
}

fn progress_bar(shown: bool, len: usize) -> ProgressBar {
    if !shown {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("archiving {pos}/{len} {wide_bar} {msg}") {
        bar.set_style(style);
    }
    bar
}

/// Downloads one session's audit log.
async fn download(client: &mut Client, app: &str, s: &Session) -> Result<Vec<u8>> {
    let id = s.audit_log_id.as_deref().unwrap_or_default();
    let mut bytes = Vec::new();
    client
        .download_audit_log_sized(app, id, s.audit_log_size, &mut bytes, &|_, _| {})
        .await
        .map_err(|e| crate::error::Error::Runtime(e.to_string()))?;
    Ok(bytes)
}

/// A downloaded session read and indexed: what the store is given.
fn indexed(app: &str, s: &Session, bytes: Vec<u8>) -> Result<(SessionMeta, Vec<u8>, Vec<Entry>)> {
    let id = s.audit_log_id.as_deref().unwrap_or_default();
    let source = Source::scalingo(app, id);
    let rec = recording::from_bytes(&source, bytes.clone(), &Settings::default())?;
    // the sha256 of exactly these bytes, computed as they were read
    let sha256 = rec.tl.sha256.clone();
    debug_assert_eq!(sha256, sha256_hex(&bytes));
    let content = index::content(&rec);
    let meta = SessionMeta {
        audit_log_id: id.to_string(),
        app: app.to_string(),
        event_id: s.id.clone(),
        user: s.user.email.clone(),
        username: s.user.username.clone(),
        command: s.command.clone(),
        created_at: s.created_at.clone(),
        size: bytes.len() as u64,
        sha256,
        duration: crate::timeline::secs(rec.tl.duration()),
        cols: rec.geometry.cols,
        rows: rec.geometry.rows,
        started_at: rec
            .tl
            .wall_clock(0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)),
    };
    drop(rec);
    Ok((meta, bytes, content))
}
