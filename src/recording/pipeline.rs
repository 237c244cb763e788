//! `screen --at end` in two threads: this one reads (decompression, JSON, unescaping) while
//! another emulates the events already read, so the time is the longer of the two rather
//! than their sum. When the size is not given, the emulator starts at the size inferred from
//! the first [`GUESS_BYTES`] of output; if the whole recording says otherwise, its work is
//! dropped (it is told to stop) and the loaded recording is replayed as usual. Either way the
//! screen is the one replaying the loaded recording gives (`tests/limits.rs` checks it).

use super::{bytes, Recording, Settings, Source};
use crate::emulator::replay::CrlfDetector;
use crate::emulator::{NewlineMode, Term};
use crate::error::{Error, Result};
use crate::timeline::Kind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, OnceLock};

/// What the two threads share.
#[derive(Default)]
struct Shared {
    /// The size the emulator guessed, once it did.
    size: OnceLock<(u16, u16)>,
    /// Set when the emulator's screen will not be used (the load failed, the guess was wrong).
    abandon: AtomicBool,
}

/// The recording and its terminal after its last event, read and emulated at once; `None`
/// when this is not a case for it (a recording from the API or the demo, an asciicast file
/// stating its size while the size is not given).
pub fn open_at_end(source: &Source, settings: &Settings) -> Result<Option<(Recording, Term)>> {
    let (cols, rows) = (settings.cols, settings.rows);
    let name = source.name();
    match source {
        Source::Path(path) if (cols.is_none() || rows.is_none()) && states_its_size(path) => {
            return Ok(None)
        }
        Source::Path(_) | Source::Stdin => {}
        _ => return Ok(None),
    }
    let (tx, rx) = mpsc::sync_channel(IN_FLIGHT);
    let newline = settings.newline;
    let shared = Arc::new(Shared::default());
    let theirs = Arc::clone(&shared);
    let emulator = std::thread::Builder::new()
        .name("auditty-emulate".into())
        .spawn(move || emulate(rx, cols, rows, newline, &theirs))
        .map_err(|e| Error::Runtime(format!("cannot start a thread: {e}")))?;
    let mut feeder = Feeder {
        tx,
        batch: Batch::default(),
    };
    // the sha256 of the source is not computed: a one-shot command that shows a screen has
    // no use for it
    let tap: crate::formats::Tap = Box::new(move |kind, data| feeder.add(kind, data));
    let tl = match source {
        Source::Path(path) => bytes::load_file(path, &name, Some(tap), false),
        _ => bytes::load_stdin(&name, Some(tap), false),
    };
    // the size and newline mode of the whole recording, while the emulator finishes
    let loaded = tl.map(|tl| Recording::new(name, tl, settings));
    let wasted = match (&loaded, shared.size.get()) {
        (Err(_), _) => true,
        (Ok(l), Some(&size)) => size != (l.geometry.cols, l.geometry.rows),
        (Ok(_), None) => false,
    };
    if wasted {
        // its screen will not be shown: let the emulator stop
        shared.abandon.store(true, Ordering::Relaxed);
    }
    let (term, size) = emulator
        .join()
        .map_err(|_| Error::Runtime("the emulator thread failed".into()))?;
    let loaded = loaded?;
    let term = if size == (loaded.geometry.cols, loaded.geometry.rows) && !wasted {
        term
    } else {
        // the guess was wrong: replay at the size the whole recording gives
        let mut replay = loaded.replay_once();
        replay.seek_time(loaded.tl.duration() as i128);
        replay.into_term()
    };
    Ok(Some((loaded, term)))
}

/// Bytes of content handed at a time from the reader to the emulator.
const BATCH: usize = 256 * 1024;
/// Batches in flight: how far the reader may run ahead of the emulator (a memory bound).
const IN_FLIGHT: usize = 8;

/// Events' contents, one after another, as the emulator needs them.
#[derive(Default)]
struct Batch {
    data: Vec<u8>,
    items: Vec<Item>,
}

enum Item {
    /// Output: the next `n` bytes of `data`.
    Output(usize),
    Resize(u16, u16),
}

/// The reader's side of the pipeline: fills batches and sends them, the last one when the
/// reader is done with it (dropped).
struct Feeder {
    tx: SyncSender<Batch>,
    batch: Batch,
}

impl Feeder {
    fn add(&mut self, kind: Kind, data: &[u8]) {
        let b = &mut self.batch;
        match kind {
            Kind::Output => {
                b.data.extend_from_slice(data);
                b.items.push(Item::Output(data.len()));
            }
            Kind::Resize { cols, rows } => b.items.push(Item::Resize(cols, rows)),
            _ => return,
        }
        if b.data.len() >= BATCH || b.items.len() >= BATCH / 16 {
            // a closed channel means the emulator is gone: the load goes on and says why
            let _ = self.tx.send(std::mem::take(b));
        }
    }
}

impl Drop for Feeder {
    fn drop(&mut self) {
        let _ = self.tx.send(std::mem::take(&mut self.batch));
    }
}

/// Output bytes read before the size is guessed, when it is not given (see [`pipelined`]).
const GUESS_BYTES: usize = 4 << 20;

/// Whether a file starts with an asciicast header (which states the size: a guess from the
/// output would be wasted work).
fn states_its_size(source: &std::path::Path) -> bool {
    let mut head = [0u8; 4096];
    let n = std::fs::File::open(source)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let head = &head[..n];
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    line.trim_ascii_start().starts_with(b"{")
        && memchr::memmem::find(line, b"\"version\"").is_some()
}

/// The emulator's side: every event, in order, on a terminal of the given size (guessed from
/// the first output when not given); returns the terminal and the size used. With
/// `--newline auto`, output waits until it is known whether the recording has CR LF (it
/// usually says so at its first line).
fn emulate(
    rx: Receiver<Batch>,
    cols: Option<u16>,
    rows: Option<u16>,
    newline: NewlineMode,
    shared: &Shared,
) -> (Term, (u16, u16)) {
    let mut crlf = match newline {
        NewlineMode::Auto => None,
        NewlineMode::Crlf => Some(true),
        NewlineMode::Raw => Some(false),
    };
    let mut size = cols.zip(rows);
    let mut detect = CrlfDetector::default();
    let mut held: Vec<Batch> = Vec::new();
    let mut held_bytes = 0;
    let mut term: Option<Term> = None;
    let mut rx = rx.into_iter();
    loop {
        let next = rx.next();
        let done = next.is_none();
        if let Some(b) = next {
            if crlf.is_none() {
                let mut at = 0;
                for it in &b.items {
                    if let Item::Output(n) = *it {
                        if detect.feed(&b.data[at..at + n]).is_some() {
                            crlf = Some(false);
                            break;
                        }
                        at += n;
                    }
                }
            }
            held_bytes += b.data.len();
            held.push(b);
        }
        if done && crlf.is_none() {
            crlf = Some(detect.finish());
        }
        if size.is_none() && (done || held_bytes >= GUESS_BYTES) {
            let guess = guess_size(&held, cols, rows);
            let _ = shared.size.set(guess);
            size = Some(guess);
        }
        if shared.abandon.load(Ordering::Relaxed) {
            held.clear();
        } else if let (Some(c), Some((w, h))) = (crlf, size) {
            let t = term.get_or_insert_with(|| Term::new(w, h, c));
            for b in held.drain(..) {
                apply(t, &b);
            }
        }
        if done {
            break;
        }
    }
    let (w, h) = size.unwrap_or((80, 24));
    (term.unwrap_or_else(|| Term::new(w, h, false)), (w, h))
}

/// The size the first output gives (as [`crate::geometry::resolve`] finds it).
fn guess_size(held: &[Batch], cols: Option<u16>, rows: Option<u16>) -> (u16, u16) {
    let mut tl = crate::timeline::Timeline::default();
    for b in held {
        let mut at = 0;
        for it in &b.items {
            if let Item::Output(n) = *it {
                tl.push(0, Kind::Output, &b.data[at..at + n]);
                at += n;
            }
        }
    }
    let g = crate::geometry::resolve(&tl, cols, rows);
    (g.cols, g.rows)
}

fn apply(term: &mut Term, b: &Batch) {
    let mut at = 0;
    for it in &b.items {
        match *it {
            Item::Output(n) => {
                term.feed(&b.data[at..at + n]);
                at += n;
            }
            Item::Resize(cols, rows) => term.resize(cols, rows),
        }
    }
}
