use super::{emit, load, rfc3339};
use crate::cli::{ScreenArgs, ScreenFormat};
use crate::emulator::replay::CrlfDetector;
use crate::emulator::{NewlineMode, Term};
use crate::error::{Error, Result};
use crate::timeline::{clock, Kind, TimeSpec};
use std::sync::mpsc::{self, Receiver, SyncSender};

pub fn run(args: &ScreenArgs) -> Result<()> {
    let (loaded, t, term) = match pipelined(args)? {
        Some(done) => done,
        None => {
            let loaded = load(&args.src)?;
            let t = args
                .at
                .resolve(&loaded.tl)
                .map_err(|e| Error::Usage(format!("--at: {e}")))?;
            let mut replay = loaded.replay_once();
            replay.seek_time(t);
            (loaded, t, replay.into_term())
        }
    };
    let screen = term.screen();
    let text = match args.format {
        ScreenFormat::Text => crate::render::text(screen),
        ScreenFormat::Ansi => crate::render::ansi::ansi_with(screen, args.color.colors()),
        ScreenFormat::Html | ScreenFormat::Svg => {
            let caption = caption(&loaded, t);
            let theme = &crate::render::picture::DARK;
            if args.format == ScreenFormat::Html {
                crate::render::html::html(screen, theme, &caption)
            } else {
                crate::render::svg::svg(screen, theme, &caption)
            }
        }
    };
    match &args.output {
        None => emit(&text),
        Some(path) => crate::export::atomic::write(path, text.as_bytes())
            .map_err(|e| Error::Runtime(format!("{}: cannot write: {e}", path.display()))),
    }
}

/// `FILE — wall-clock time (elapsed / duration)`, plain text (the renderers escape it).
pub fn caption(loaded: &super::Loaded, t: i128) -> String {
    let tl = &loaded.tl;
    let at = t.clamp(0, tl.duration() as i128) as u64;
    let name = std::path::Path::new(&loaded.name)
        .file_name()
        .map_or(loaded.name.clone(), |n| n.to_string_lossy().into_owned());
    let when = match tl.wall_clock(at) {
        Some(w) => format!("{} ", rfc3339(&w)),
        None => String::new(),
    };
    format!("{name} — {when}({} / {})", clock(at), clock(tl.duration()))
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
    fn add(&mut self, kind: Kind, lit: &[u8]) {
        let b = &mut self.batch;
        match kind {
            Kind::Output => {
                let n = b.data.len();
                crate::formats::json::unescape_into(lit, &mut b.data);
                b.items.push(Item::Output(b.data.len() - n));
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

/// `screen --at end`, in two threads: this one reads (decompression, JSON, unescaping) while
/// another emulates the events already read, so the time is the longer of the two rather
/// than their sum. When the size is not given, the emulator starts at the size inferred from
/// the first [`GUESS_BYTES`] of output; if the whole recording says otherwise, its work is
/// dropped and the loaded recording is replayed as usual. Either way the screen is the one
/// replaying the loaded recording gives (`tests/limits.rs` checks it). `None`: not a case
/// for it (another moment, a recording from the API, an asciicast file stating its size).
fn pipelined(args: &ScreenArgs) -> Result<Option<(super::Loaded, i128, Term)>> {
    let src = &args.src;
    let (cols, rows) = (src.term.cols, src.term.rows);
    if args.at != TimeSpec::End || src.source.starts_with("scalingo:") {
        return Ok(None);
    }
    if (cols.is_none() || rows.is_none()) && states_its_size(&src.source) {
        return Ok(None);
    }
    let (tx, rx) = mpsc::sync_channel(IN_FLIGHT);
    let newline = src.term.newline;
    let emulator = std::thread::Builder::new()
        .name("auditty-emulate".into())
        .spawn(move || emulate(rx, cols, rows, newline))
        .map_err(|e| Error::Runtime(format!("cannot start a thread: {e}")))?;
    let mut feeder = Feeder {
        tx,
        batch: Batch::default(),
    };
    let tl = crate::formats::load_tapped(
        &src.source,
        Box::new(move |kind, lit| feeder.add(kind, lit)),
    );
    // the size and newline mode of the whole recording, while the emulator finishes
    let loaded =
        tl.map(|tl| super::prepare(crate::formats::display_name(&src.source), tl, &src.term));
    let (term, size) = emulator
        .join()
        .map_err(|_| Error::Runtime("the emulator thread failed".into()))?;
    let loaded = loaded?;
    let t = args
        .at
        .resolve(&loaded.tl)
        .map_err(|e| Error::Usage(format!("--at: {e}")))?;
    let term = if size == (loaded.geometry.cols, loaded.geometry.rows) {
        term
    } else {
        // the guess was wrong: replay at the size the whole recording gives
        let mut replay = loaded.replay_once();
        replay.seek_time(t);
        replay.into_term()
    };
    Ok(Some((loaded, t, term)))
}

/// Whether a file starts with an asciicast header (which states the size: a guess from the
/// output would be wasted work).
fn states_its_size(source: &str) -> bool {
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
            size = Some(guess_size(&held, cols, rows));
        }
        if let (Some(c), Some((w, h))) = (crlf, size) {
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
