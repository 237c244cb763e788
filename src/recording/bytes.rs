//! Reading a source's bytes into memory, refusing oversized ones (`AUDITTY_MAX_BYTES`), and
//! content that cannot be a recording within its first megabyte
//! ([`crate::formats::SNIFF_BYTES`]: a pipe of binary data is not read to the limit first).

use crate::error::{LoadError, Place};
use crate::formats::{max_bytes, read_up_to, sniff, GZIP_MAGIC, SNIFF_BYTES};
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
    let f = std::fs::File::open(path).map_err(io(name))?;
    let meta = f.metadata().map_err(io(name))?;
    if meta.is_dir() {
        return Err(LoadError::new(name, Place::Whole, "is a directory"));
    }
    if meta.len() > limit {
        return Err(too_big(name, meta.len(), limit));
    }
    let mut buf = Vec::new();
    buf.reserve_exact(meta.len() as usize);
    read_sniffed(name, f, buf, limit)
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
