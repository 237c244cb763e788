//! The player's early start on a big file: the events of its first [`PREFIX_BYTES`] read
//! first (the player opens on them), and the whole recording read on a thread of its own
//! ([`Loading`]), for the player to swap in when it is ready.
//!
//! Only a plain or gzipped file over [`PREFIX_FROM`] holding an audit log's array is read so;
//! anything else (`None`) is read whole before the player opens, as every command reads it.

use super::{bytes, Recording, Settings, Source};
use crate::error::{Error, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;

/// Files larger than this (on disk) are opened on a prefix.
pub const PREFIX_FROM: u64 = 8 << 20;
/// The prefix: the events in the first this many bytes of the (decompressed) text.
pub const PREFIX_BYTES: usize = 4 << 20;

/// The first events of a big audit log (see the module's comment), with the size and newline
/// mode resolved from them; `None` when the source is not one to open so, or when its first
/// bytes do not parse (reading it whole then tells the whole's error).
pub fn open_prefix(source: &Source, settings: &Settings) -> Option<Recording> {
    let Source::Path(path) = source else {
        return None;
    };
    let name = source.name();
    // a folder, or a file too big, is refused as reading it whole refuses it
    let (mut f, len) = bytes::open_file(path, &name, crate::formats::max_bytes()).ok()?;
    if len <= PREFIX_FROM || !f.metadata().ok()?.is_file() {
        return None;
    }
    let tl = crate::formats::stream::load_prefix(&name, &mut f, PREFIX_BYTES).ok()??;
    if tl.events.is_empty() {
        return None;
    }
    Some(Recording::new(name, tl, settings))
}

/// A recording being read on its own thread.
pub struct Loading {
    rx: Receiver<Result<Recording>>,
    read: Arc<AtomicU64>,
    total: u64,
}

impl Loading {
    /// Read `source` (a file) whole on a thread, as [`super::open`] reads it.
    pub fn spawn(source: &Source, settings: &Settings) -> Result<Loading> {
        let Source::Path(path) = source else {
            return Err(Error::Runtime(
                "only a file is read in the background".into(),
            ));
        };
        let total = std::fs::metadata(path).map_or(0, |m| m.len());
        let read = Arc::new(AtomicU64::new(0));
        let (tx, rx) = mpsc::channel();
        let (path, name, settings) = (path.clone(), source.name(), settings.clone());
        let counter = Arc::clone(&read);
        std::thread::Builder::new()
            .name("auditty-read".into())
            .spawn(move || {
                let r = bytes::load_file_counted(&path, &name, counter)
                    .map(|tl| Recording::new(name, tl, &settings))
                    .map_err(Error::from);
                let _ = tx.send(r);
            })
            .map_err(|e| Error::Runtime(format!("cannot start a thread: {e}")))?;
        Ok(Loading { rx, read, total })
    }

    /// The recording or the error reading it gave, once it is done (once).
    pub fn try_take(&self) -> Option<Result<Recording>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err(Error::Runtime("the reading thread failed".into())))
            }
        }
    }

    /// Read so far, in percent of the file.
    pub fn percent(&self) -> u8 {
        match self.total {
            0 => 0,
            t => (self.read.load(Ordering::Relaxed).min(t) * 100 / t) as u8,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::formats::stream::{load_prefix, load_reader};
    use std::io::Write;

    /// An audit log of `n` output events, a millisecond apart (about 120 bytes each).
    fn log(n: usize) -> Vec<u8> {
        let mut v = b"[\n".to_vec();
        for i in 0..n {
            let sep = if i + 1 < n { "," } else { "" };
            writeln!(
                v,
                "{{\"time\": \"2026-11-22T09:00:{:02}.{:03}+01:00\", \"content\": \"line {i} \\u001b[1mbold\\u001b[m\\r\\n\", \"type\": \"output\"}}{sep}",
                i / 1000,
                i % 1000
            )
            .unwrap();
        }
        v.extend_from_slice(b"]\n");
        v
    }

    /// The prefix's events are the whole's first events, their contents and times the same,
    /// gzip or not; a small file, or one that is no array, is not read in part.
    #[test]
    fn a_prefix_is_the_start_of_the_whole() {
        let text = log(12_000);
        assert!(text.len() > 1_200_000);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&text).unwrap();
        let gz = gz.finish().unwrap();
        for bytes in [&text, &gz] {
            let whole = load_reader("x", &mut bytes.as_slice(), None).unwrap();
            let part = load_prefix("x", &mut bytes.as_slice(), 1_100_000)
                .unwrap()
                .unwrap();
            let n = part.events.len();
            assert!(n > 8_000 && n < whole.events.len(), "{n}");
            for (a, b) in part.events.iter().zip(&whole.events) {
                assert_eq!((a.t, a.kind), (b.t, b.kind));
                assert_eq!(part.data(a), whole.data(b));
            }
            assert_eq!(part.start, whole.start);
            assert_eq!(part.gzip, whole.gzip);
        }
        let small = log(100);
        assert!(load_prefix("x", &mut small.as_slice(), 1000)
            .unwrap()
            .is_none());
        let ndjson = b"{\"version\": 2, \"width\": 80, \"height\": 24}\n".repeat(40_000);
        assert!(load_prefix("x", &mut ndjson.as_slice(), 1000)
            .unwrap()
            .is_none());
    }
}
