//! The archive's files: each audit log stored once, by its sha256, at
//! `DIR/objects/ab/cdef…` (the first two hex digits name the folder), written whole through
//! [`crate::output`] (a temporary file renamed into place) and never rewritten.

use crate::error::{Error, Result};
use crate::output::{self, NewFile, Options, Overwrite};
use std::path::{Path, PathBuf};

/// Where the file of this sha256 is.
pub fn path(dir: &Path, sha256: &str) -> PathBuf {
    let (a, b) = sha256.split_at(2.min(sha256.len()));
    dir.join("objects").join(a).join(b)
}

/// Stores `bytes` (whose sha256 is `sha256`), unless a file with those bytes is there
/// already; then reads it back and checks it.
pub fn store(dir: &Path, sha256: &str, bytes: &[u8]) -> Result<()> {
    let p = path(dir, sha256);
    let shown = p.display().to_string();
    if !p.exists() {
        if let Some(parent) = p.parent() {
            let mut made = std::fs::DirBuilder::new();
            made.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut made, 0o700);
            made.create(parent)
                .map_err(|e| Error::Runtime(format!("{}: {e}", parent.display())))?;
        }
        let opts = Options {
            overwrite: Overwrite::Refuse,
            new_file: NewFile::Private,
            ..Options::default()
        };
        match output::write(&p, bytes, &opts) {
            Ok(()) => {}
            // another sync stored it meanwhile: checked below like any file found there
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::Runtime(format!("{shown}: cannot store: {e}"))),
        }
    }
    read(dir, sha256).map(drop)
}

/// The file of this sha256, checked: one whose bytes no longer have it is refused.
pub fn read(dir: &Path, sha256: &str) -> Result<Vec<u8>> {
    let p = path(dir, sha256);
    let shown = p.display();
    let bytes = std::fs::read(&p).map_err(|e| Error::Runtime(format!("{shown}: {e}")))?;
    verify(&shown.to_string(), sha256, &bytes)?;
    Ok(bytes)
}

/// Refuses stored bytes that no longer have their sha256 (`place` names where they are).
pub fn verify(place: &str, sha256: &str, bytes: &[u8]) -> Result<()> {
    let found = super::sha256_hex(bytes);
    if found != sha256 {
        return Err(Error::Runtime(format!(
            "{place}: the stored file does not match its sha256 (tampered with or corrupted): \
             expected {sha256}, found {found}; refusing to use it"
        )));
    }
    Ok(())
}
