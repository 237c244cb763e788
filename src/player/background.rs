//! Work done off the UI thread, so that the first frame of a big recording appears at once:
//! - the *indexer* replays the whole timeline in a second [`Replay`], making every keyframe,
//!   and hands it over; the UI swaps it in and from then on seeks instantly anywhere;
//! - the *analysis* reconstructs the commands typed and the searchable output text.
//!
//! Both report progress through atomics the status line reads.

use super::search::SearchText;
use crate::emulator::Replay;
use crate::recording::Recording;
use crate::transcript::{self, Line};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;

/// What a keyframe's scrollback may take: the rows kept are as many as fit in it at the
/// recording's width (3,216 at 80 columns, 1,963 at 132, 1,300 at 200), within
/// [`SCROLLBACK_MIN`]..=[`SCROLLBACK_MAX`].
///
/// Why a budget and not a fixed depth: every keyframe carries the scrollback (a row is
/// `cols × 32 + 48` bytes), and keyframes are spaced so that together they never take more
/// memory than the output they stand for (`Replay::new`); so the scrollback's size is also the
/// most output a backward seek replays. 8 MB is twice the UI's synchronous budget
/// (`app::SYNC_LIMIT`, tens of milliseconds): with 10,000 rows at 80 columns (26 MB a
/// keyframe) a 20 MB recording got no keyframe at all, and every backward seek replayed it
/// from the start (12 s in a debug build instead of 0.1 s).
pub const SCROLLBACK_BYTES: usize = 8 << 20;
pub const SCROLLBACK_MIN: usize = 1_000;
pub const SCROLLBACK_MAX: usize = 10_000;

/// Rows of scrollback kept for a screen `cols` wide.
pub fn scrollback_lines(cols: u16) -> usize {
    (SCROLLBACK_BYTES / (cols.max(1) as usize * 32 + 48)).clamp(SCROLLBACK_MIN, SCROLLBACK_MAX)
}

/// The player's replay of a recording (with its scrollback), the same on the UI thread and
/// on the indexer's.
pub fn replay(rec: &Recording) -> Replay {
    let (cols, _) = crate::geometry::bounded(rec.geometry.cols, rec.geometry.rows);
    rec.replay().with_scrollback(scrollback_lines(cols))
}

/// What the analysis thread produces.
pub struct Analysis {
    /// Lines typed (the transcript).
    pub commands: Vec<Line>,
    pub text: SearchText,
}

/// A job running on its own thread.
pub struct Job<T> {
    rx: Receiver<T>,
    handle: Option<JoinHandle<()>>,
    /// Events processed so far.
    progress: Arc<AtomicUsize>,
    total: usize,
}

impl<T: Send + 'static> Job<T> {
    fn spawn(
        name: &str,
        total: usize,
        cancel: Arc<AtomicBool>,
        work: impl FnOnce(&AtomicUsize, &AtomicBool) -> Option<T> + Send + 'static,
    ) -> Self {
        let (tx, rx) = mpsc::channel();
        let progress = Arc::new(AtomicUsize::new(0));
        let p = Arc::clone(&progress);
        let handle = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                if let Some(v) = work(&p, &cancel) {
                    let _ = tx.send(v);
                }
            })
            .ok();
        Job {
            rx,
            handle,
            progress,
            total,
        }
    }

    /// The result, if it is ready (once).
    pub fn try_take(&mut self) -> Option<T> {
        self.rx.try_recv().ok()
    }

    /// Wait for the result (tests, and the screenshots).
    pub fn wait(&mut self) -> Option<T> {
        let v = self.rx.recv().ok();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        v
    }

    /// Done, in percent.
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return 100;
        }
        (self.progress.load(Ordering::Relaxed).min(self.total) * 100 / self.total) as u8
    }
}

/// The background jobs of one player.
pub struct Background {
    pub index: Option<Job<Replay>>,
    pub analysis: Option<Job<Analysis>>,
    cancel: Arc<AtomicBool>,
    /// The indexer's own (a new size starts a new indexer and stops the old one).
    index_cancel: Arc<AtomicBool>,
}

impl Background {
    /// Index and analyse a recording: its own replay (as the player's), made on the thread.
    pub fn spawn(rec: &Recording) -> Self {
        let cancel = Arc::new(AtomicBool::new(false));
        let tl = &rec.tl;
        let n = tl.events.len();
        let index_cancel = Arc::new(AtomicBool::new(false));
        let index = index_job(rec, Arc::clone(&index_cancel));
        let t2 = Arc::clone(tl);
        let analysis = Job::spawn(
            "auditty-analysis",
            n,
            Arc::clone(&cancel),
            move |p, stop| {
                let commands = transcript::lines(&t2);
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                let text = SearchText::build(&t2, |i| p.store(i, Ordering::Relaxed));
                p.store(n, Ordering::Relaxed);
                Some(Analysis { commands, text })
            },
        );
        Background {
            index: Some(index),
            analysis: Some(analysis),
            cancel,
            index_cancel,
        }
    }

    /// No background work (everything is given by the caller).
    pub fn none() -> Self {
        Background {
            index: None,
            analysis: None,
            cancel: Arc::new(AtomicBool::new(false)),
            index_cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Index again (the recording is replayed at another size): the indexer running stops.
    pub fn reindex(&mut self, rec: &Recording) {
        self.index_cancel.store(true, Ordering::Relaxed);
        self.index_cancel = Arc::new(AtomicBool::new(false));
        self.index = Some(index_job(rec, Arc::clone(&self.index_cancel)));
    }

    pub fn busy(&self) -> bool {
        self.index.is_some() || self.analysis.is_some()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.index_cancel.store(true, Ordering::Relaxed);
    }
}

/// The indexer: the player's replay of `rec`, every keyframe made, handed over when done.
fn index_job(rec: &Recording, cancel: Arc<AtomicBool>) -> Job<Replay> {
    let n = rec.tl.events.len();
    let rec = rec.clone();
    Job::spawn("auditty-index", n, cancel, move |p, stop| {
        let mut r = replay(&rec);
        // in steps, to report progress; the same keyframes as `index_all`
        let step = (n / 200).max(1);
        let mut k = 0;
        while k < n {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            k = (k + step).min(n);
            r.seek_index(k);
            p.store(k, Ordering::Relaxed);
        }
        r.index_all();
        Some(r)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scrollback_fits_its_budget() {
        assert_eq!(scrollback_lines(80), 3216);
        assert_eq!(scrollback_lines(132), 1963);
        assert_eq!(scrollback_lines(2000), SCROLLBACK_MIN);
        assert_eq!(scrollback_lines(10), SCROLLBACK_MAX);
        // a full scrollback at 80 columns is within the budget
        assert!(scrollback_lines(80) * (80 * 32 + 48) <= SCROLLBACK_BYTES);
    }
}
