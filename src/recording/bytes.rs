//! Reading a source's bytes, refusing oversized ones (`AUDITTY_MAX_BYTES`), and content that
//! cannot be a recording within its first megabyte ([`crate::formats::SNIFF_BYTES`]: a pipe
//! of binary data is not read to the limit first): either into memory ([`file`], [`stdin`]),
//! or parsed as it is read ([`load_file`], [`load_stdin`], [`load`]: the JSON text of an
//! audit log is then never held whole).

use crate::error::{LoadError, Place};
use crate::formats::{max_bytes, read_up_to, sniff, Tap, GZIP_MAGIC, SNIFF_BYTES};
use crate::timeline::Timeline;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

fn too_big(name: &str, n: u64, limit: u64) -> LoadError {
    LoadError::new(
        name,
        Place::Whole,
        format!(
            "too large ({n} bytes; the limit is {limit} bytes, set AUDITTY_MAX_BYTES to raise it)"
        ),
    )
}

fn io(name: &str) -> impl Fn(std::io::Error) -> LoadError + '_ {
    move |e| LoadError::new(name, Place::Whole, io_message(&e))
}

/// A file; `name` is used in messages.
pub fn file(path: &Path, name: &str) -> Result<Vec<u8>, LoadError> {
    let limit = max_bytes();
    let (f, len) = open_file(path, name, limit)?;
    let mut buf = Vec::new();
    buf.reserve_exact(len as usize);
    read_sniffed(name, f, buf, limit)
}

/// A file opened to be read, and its size: a directory, or a file over `limit`, refused
/// before anything is read.
pub(super) fn open_file(
    path: &Path,
    name: &str,
    limit: u64,
) -> Result<(std::fs::File, u64), LoadError> {
    let f = std::fs::File::open(path).map_err(io(name))?;
    let meta = f.metadata().map_err(io(name))?;
    if meta.is_dir() {
        return Err(LoadError::new(name, Place::Whole, "is a directory"));
    }
    if meta.len() > limit {
        return Err(too_big(name, meta.len(), limit));
    }
    Ok((f, meta.len()))
}

/// Standard input; `name` is used in messages.
pub fn stdin(name: &str) -> Result<Vec<u8>, LoadError> {
    let limit = max_bytes();
    // a file redirected to standard input: refused by its size, without reading it
    if let Some(len) = stdin_file_len() {
        if len > limit {
            return Err(too_big(name, len, limit));
        }
    }
    read_sniffed(name, std::io::stdin().lock(), Vec::new(), limit)
}

/// A file parsed as it is read (see [`load`]).
pub fn load_file(
    path: &Path,
    name: &str,
    tap: Option<Tap>,
    hash: bool,
) -> Result<Timeline, LoadError> {
    let (f, _) = open_file(path, name, max_bytes())?;
    load(name, f, tap, hash)
}

/// A file parsed as it is read (see [`load`], sha256 included), the bytes read so far
/// counted in `read` (the player's `reading N%`).
pub fn load_file_counted(
    path: &Path,
    name: &str,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> Result<Timeline, LoadError> {
    let (f, _) = open_file(path, name, max_bytes())?;
    load(name, Counted { f, read }, None, true)
}

/// A reader counting what it gives.
struct Counted<R> {
    f: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.f.read(buf)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Standard input parsed as it is read (see [`load`]).
pub fn load_stdin(name: &str, tap: Option<Tap>, hash: bool) -> Result<Timeline, LoadError> {
    let limit = max_bytes();
    if let Some(len) = stdin_file_len() {
        if len > limit {
            return Err(too_big(name, len, limit));
        }
    }
    load(name, std::io::stdin().lock(), tap, hash)
}

/// A recording parsed as `src` is read ([`crate::formats::stream::load_reader`]), at most
/// the size limit, its events handed to `tap` as they are read; the sha256 of what was read
/// is computed when `hash` is set. The timeline and errors are those of reading `src` whole
/// into memory and [`crate::formats::load_bytes`].
pub fn load(
    name: &str,
    src: impl Read,
    tap: Option<Tap>,
    hash: bool,
) -> Result<Timeline, LoadError> {
    let mut raw = Raw {
        src,
        name,
        limit: max_bytes(),
        count: 0,
        sha: hash.then(Sha256::new),
        fault: None,
    };
    let r = crate::formats::stream::load_reader(name, &mut raw, tap);
    if let Some(e) = raw.fault.take() {
        return Err(e);
    }
    let mut tl = r?;
    tl.source_len = raw.count;
    if let Some(sha) = raw.sha.take() {
        tl.sha256 = crate::formats::hex(&sha.finalize());
    }
    Ok(tl)
}

/// A source as it is read: counted, hashed, and failing once past the limit or after a read
/// error, the fault kept (it is the one told, whatever the parser made of the failure).
struct Raw<'a, R> {
    src: R,
    name: &'a str,
    limit: u64,
    count: u64,
    sha: Option<Sha256>,
    fault: Option<LoadError>,
}

impl<R: Read> Read for Raw<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fault.is_some() {
            return Err(std::io::Error::other("the source could not be read"));
        }
        // one byte past the limit is read, to tell a source of just the limit from a larger one
        let room = (self.limit + 1).saturating_sub(self.count);
        let max = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = match self.src.read(&mut buf[..max]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Err(e),
            Err(e) => {
                self.fault = Some(io(self.name)(e));
                return Err(std::io::Error::other("the source could not be read"));
            }
        };
        self.count += n as u64;
        if self.count > self.limit {
            self.fault = Some(too_big(self.name, self.count, self.limit));
            return Err(std::io::Error::other("the source is too large"));
        }
        if let Some(sha) = self.sha.as_mut() {
            sha.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Read `src` to its end into `buf`, at most `limit` bytes; after the first
/// [`SNIFF_BYTES`], content that cannot be a recording is refused (gzip is looked at once
/// decompressed, by the reader).
fn read_sniffed(
    name: &str,
    mut src: impl Read,
    mut buf: Vec<u8>,
    limit: u64,
) -> Result<Vec<u8>, LoadError> {
    let first = SNIFF_BYTES.min(
        usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_add(1),
    );
    let complete = read_up_to(&mut src, &mut buf, first).map_err(io(name))?;
    if !complete && buf.len() as u64 <= limit {
        if !buf.starts_with(GZIP_MAGIC) {
            sniff(name, &buf)?;
        }
        let room = (limit + 1).saturating_sub(buf.len() as u64);
        src.take(room).read_to_end(&mut buf).map_err(io(name))?;
    }
    if buf.len() as u64 > limit {
        return Err(too_big(name, buf.len() as u64, limit));
    }
    Ok(buf)
}

/// The size of standard input when it is a regular file (`< file`), else `None`.
#[cfg(unix)]
fn stdin_file_len() -> Option<u64> {
    use std::os::fd::AsFd;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.is_file().then_some(meta.len())
}

#[cfg(not(unix))]
fn stdin_file_len() -> Option<u64> {
    None
}

fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file".into(),
        PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            // drop the " (os error N)" suffix
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
