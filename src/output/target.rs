//! What a path names, and so how it is written: atomically (a regular file, or nothing yet) or
//! directly (a device, a FIFO, standard output through `/dev/stdout` or `/proc/self/fd/N`).

use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};

/// How a path is written.
#[derive(Debug)]
pub(crate) enum Plan {
    /// A temporary file beside `path`, renamed over it. `replaced` is the regular file that is
    /// there now, if any (its mode and owner are kept).
    Atomic {
        path: PathBuf,
        replaced: Option<Metadata>,
    },
    /// Opened for writing and written into; never unlinked, replaced or truncated. `append`
    /// for a file reached through `/proc` (standard output redirected to a file, say), so that
    /// what the shell opened with `>>` is appended to.
    Direct { path: PathBuf, append: bool },
}

/// Looks at `path` without changing anything.
pub(crate) fn plan(path: &Path) -> io::Result<Plan> {
    let atomic = |replaced| Plan::Atomic {
        path: path.to_path_buf(),
        replaced,
    };
    let meta = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(atomic(None)),
        Err(e) => return Err(e),
        Ok(meta) => meta,
    };
    if meta.is_file() {
        return Ok(atomic(Some(meta)));
    }
    if meta.is_dir() {
        // The rename fails and says why, as it always has.
        return Ok(atomic(None));
    }
    if !meta.file_type().is_symlink() {
        return Ok(Plan::Direct {
            path: path.to_path_buf(),
            append: false,
        });
    }
    if through_proc(path) {
        return Ok(Plan::Direct {
            path: path.to_path_buf(),
            append: true,
        });
    }
    match fs::metadata(path) {
        Ok(to) if to.is_file() => {
            // Opened through the kernel first (no truncation), so that its rules on following
            // links (protected_symlinks in sticky folders) and permissions apply, then the
            // link's target is replaced: the link stays a link.
            let opened = fs::OpenOptions::new().write(true).open(path)?.metadata()?;
            let real = fs::canonicalize(path)?;
            let now = fs::symlink_metadata(&real)?;
            if !same_file(&opened, &now) {
                return Err(io::Error::other("it changed while being opened"));
            }
            Ok(Plan::Atomic {
                path: real,
                replaced: Some(now),
            })
        }
        Ok(to) if !to.is_dir() => Ok(Plan::Direct {
            path: path.to_path_buf(),
            append: false,
        }),
        // A link to a folder, a dangling link or a loop: the link itself is replaced, as it
        // always was (rename does not follow it).
        _ => Ok(atomic(None)),
    }
}

/// Whether `path` names the same file as this process's standard output.
pub fn is_stdout(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() else {
            return false;
        };
        match (fs::File::from(fd).metadata(), fs::metadata(path)) {
            (Ok(out), Ok(p)) => same_file(&out, &p),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        a.len() == b.len() && a.file_type() == b.file_type()
    }
}

/// Whether a chain of links from `path` goes through `/proc` (`/dev/stdout` →
/// `/proc/self/fd/1`, `/dev/fd/3`): such links name an open file, not a place to put one.
fn through_proc(path: &Path) -> bool {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        let parent = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if fs::canonicalize(&parent).is_ok_and(|d| d.starts_with("/proc")) {
            return true;
        }
        match fs::read_link(&p) {
            Ok(to) => p = parent.join(to),
            Err(_) => return false,
        }
        if p.starts_with("/proc") {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, b"x").unwrap();
        assert!(matches!(
            plan(&file).unwrap(),
            Plan::Atomic {
                replaced: Some(_),
                ..
            }
        ));
        let new = dir.path().join("new");
        assert!(matches!(
            plan(&new).unwrap(),
            Plan::Atomic { replaced: None, .. }
        ));
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink("f", &link).unwrap();
            match plan(&link).unwrap() {
                Plan::Atomic { path, replaced } => {
                    assert_eq!(path, fs::canonicalize(&file).unwrap());
                    assert!(replaced.is_some());
                }
                other => panic!("{other:?}"),
            }
            let dangling = dir.path().join("dangling");
            std::os::unix::fs::symlink("nowhere", &dangling).unwrap();
            assert!(
                matches!(plan(&dangling).unwrap(), Plan::Atomic { path, replaced: None } if path == dangling)
            );
            let fifo = dir.path().join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                assert!(matches!(
                    plan(&fifo).unwrap(),
                    Plan::Direct { append: false, .. }
                ));
            }
            // Never written: only looked at.
            let fd1 = Path::new("/proc/self/fd/1");
            if fd1.exists() {
                assert!(through_proc(fd1));
                assert!(!through_proc(&link));
            }
        }
    }
}
