//! Every file auditty writes goes through here: exports, pictures (`screen -o`), `fetch`, the
//! manual pages, and later the archive. It sits low in the flow: it imports nothing of
//! auditty's, and `export/`, `commands/` and `scalingo/` use it.
//!
//! What a [`Writer`] does depends on what the path names:
//! - **a regular file, or nothing yet**: written atomically. The bytes go to a temporary file
//!   in the same folder, `.NAME.auditty-PID-RANDOM.tmp` (the one naming scheme of every
//!   write), which [`Writer::commit`] syncs and renames over the target (tempfile's
//!   `persist`, or `persist_noclobber` with [`Overwrite::Refuse`]); dropped without a commit,
//!   it is removed and a previous file is left as it was. Whole or not at all.
//! - **a symbolic link to a regular file**: the file it points to is written that way; the
//!   link stays a link. (A dangling link, or one to a folder, is replaced, as rename does.)
//! - **anything else** — a character or block device, a FIFO, `/dev/stdout`,
//!   `/proc/self/fd/N`: opened for writing and written into, never unlinked, replaced or
//!   truncated. [`Writer::commit`] only flushes; what was written is there already.
//!
//! Modes: a file replaced keeps its permission bits (not setuid, setgid or sticky) and, where
//! the system allows it (as root), its owner and group. A new file gets 0666 under the umask
//! (0644 usually), or 0600 with [`NewFile::Private`] (`fetch`: an audit log holds what was
//! typed, passwords included).
//!
//! Temporary files never outlive their process: SIGINT, SIGTERM, SIGHUP and SIGQUIT remove
//! them (`output/signals.rs`) before the process ends as that signal ends it; one left by a
//! process that is gone (SIGKILL, a power cut) is removed the next time the same target is
//! written (`output/temp.rs`).

mod signals;
mod target;
mod temp;

pub use target::is_stdout;

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use target::Plan;

/// Whether an existing file may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// Replace whatever is there.
    #[default]
    Replace,
    /// Refuse if anything is there, when the writer is made and again, atomically, on commit
    /// (`fetch` without `--force`).
    Refuse,
}

/// The mode of a file that did not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NewFile {
    /// 0666 under the umask.
    #[default]
    Shared,
    /// 0600: only its owner reads it.
    Private,
}

/// How to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub overwrite: Overwrite,
    pub new_file: NewFile,
    /// The command handles SIGINT and SIGTERM itself (and then drops the writer): the signal
    /// thread only removes temporary files on those two. Set for the rest of the process.
    pub caller_handles_interrupt: bool,
}

/// Why a [`Writer`] could not be made.
#[derive(Debug)]
pub enum CreateError {
    /// Something is there and [`Overwrite::Refuse`] was asked.
    Exists,
    /// The temporary file could not be made in `dir`.
    Temp { dir: PathBuf, source: io::Error },
    /// The target could not be looked at or opened.
    Open(io::Error),
}

impl From<CreateError> for io::Error {
    fn from(e: CreateError) -> io::Error {
        match e {
            CreateError::Exists => io::ErrorKind::AlreadyExists.into(),
            CreateError::Temp { source, .. } | CreateError::Open(source) => source,
        }
    }
}

impl std::fmt::Display for CreateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CreateError::Exists => write!(f, "it already exists"),
            CreateError::Temp { source, .. } | CreateError::Open(source) => source.fmt(f),
        }
    }
}

impl std::error::Error for CreateError {}

/// A file being written; see the module's documentation for the rules.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::io::Write;
/// let mut w = auditty::output::Writer::create("out.cast".as_ref(), &Default::default())?;
/// w.write_all(b"...")?;
/// // check what was written here if need be: dropping `w` instead leaves nothing
/// w.commit()?;
/// # Ok(()) }
/// ```
pub struct Writer {
    out: Option<BufWriter<File>>,
    /// `None` when writing directly.
    temp: Option<Temp>,
    /// The file the temporary file becomes (a link's target), or the one written into.
    target: PathBuf,
    refuse: bool,
}

/// A temporary file on disk, in the signal thread's list; removed when dropped.
struct Temp {
    path: Option<tempfile::TempPath>,
    id: u64,
    dir: PathBuf,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let mut live = signals::live();
            live.take(self.id);
            drop(path); // removes the file, while the list is locked
        }
    }
}

const BUFFER: usize = 256 * 1024;

impl Writer {
    /// Starts writing `path`: makes the temporary file (removing stale ones of ours first),
    /// or opens the device or FIFO.
    pub fn create(path: &Path, opts: &Options) -> Result<Writer, CreateError> {
        let refuse = opts.overwrite == Overwrite::Refuse;
        if refuse && std::fs::symlink_metadata(path).is_ok() {
            return Err(CreateError::Exists);
        }
        match target::plan(path).map_err(CreateError::Open)? {
            Plan::Direct {
                path: target,
                append,
            } => {
                let mut open = OpenOptions::new();
                open.write(true).append(append);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    // Never the controlling terminal of the process.
                    open.custom_flags(libc::O_NOCTTY);
                }
                let file = open.open(&target).map_err(CreateError::Open)?;
                Ok(Writer {
                    out: Some(BufWriter::with_capacity(BUFFER, file)),
                    temp: None,
                    target,
                    refuse,
                })
            }
            Plan::Atomic {
                path: target,
                replaced,
            } => {
                let (file, temp) = make_temp(&target, replaced.as_ref(), opts)?;
                Ok(Writer {
                    out: Some(BufWriter::with_capacity(BUFFER, file)),
                    temp: Some(temp),
                    target,
                    refuse,
                })
            }
        }
    }

    /// The open file (the temporary file, or the device or FIFO), for a caller that writes
    /// through its own handle (`try_clone`); do not mix that with this writer's own writes,
    /// which are buffered.
    pub fn file(&self) -> &File {
        self.out.as_ref().expect("open until committed").get_ref()
    }

    /// The temporary file, or `None` when writing directly.
    pub fn temp_path(&self) -> Option<&Path> {
        self.temp
            .as_ref()
            .and_then(|t| t.path.as_ref())
            .map(|p| p.as_ref())
    }

    /// Whether the bytes go straight into the target (a device, a FIFO…).
    pub fn is_direct(&self) -> bool {
        self.temp.is_none()
    }

    /// Whether the target is a terminal (then nothing from a recording may be written raw).
    pub fn is_terminal(&self) -> bool {
        self.is_direct() && self.file().is_terminal()
    }

    /// Flushes, syncs and renames the temporary file over the target (or only flushes, when
    /// writing directly). Errors: `AlreadyExists` when [`Overwrite::Refuse`] finds a file
    /// there now; `Interrupted` when a signal removed the temporary file; else what failed.
    pub fn commit(mut self) -> io::Result<()> {
        let out = self.out.take().expect("open until committed");
        let file = out.into_inner().map_err(|e| e.into_error())?;
        let Some(mut temp) = self.temp.take() else {
            return Ok(());
        };
        file.sync_all()?;
        drop(file);
        let mut live = signals::live();
        let path = temp.path.take().expect("kept until committed");
        if !live.take(temp.id) {
            // The signal thread removed it.
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "interrupted by a signal",
            ));
        }
        let result = if self.refuse {
            persist_noclobber(path, &self.target)
        } else {
            path.persist(&self.target).map_err(|e| {
                drop(e.path);
                e.error
            })
        };
        drop(live);
        if result.is_ok() {
            sync_dir(&temp.dir);
        }
        result
    }
}

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.as_mut().expect("open until committed").write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out
            .as_mut()
            .expect("open until committed")
            .write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("open until committed").flush()
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // The file is closed first, then the temporary file (if any) removed.
        self.out.take();
        self.temp.take();
    }
}

/// Writes `bytes` to `path` whole (see [`Writer`]).
pub fn write(path: &Path, bytes: &[u8], opts: &Options) -> io::Result<()> {
    let mut w = Writer::create(path, opts)?;
    w.write_all(bytes)?;
    w.commit()
}

/// The temporary file for `target`, with the mode (and owner) it is to have.
fn make_temp(
    target: &Path,
    replaced: Option<&std::fs::Metadata>,
    opts: &Options,
) -> Result<(File, Temp), CreateError> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().ok_or_else(|| {
        CreateError::Open(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    temp::remove_stale(&dir, name);
    signals::watch(opts.caller_handles_interrupt);

    let created_mode = match (replaced, opts.new_file) {
        (Some(_), _) | (None, NewFile::Private) => 0o600,
        (None, NewFile::Shared) => 0o666,
    };
    let mut id = 0;
    let temp_err = |source| CreateError::Temp {
        dir: dir.clone(),
        source,
    };
    let made = tempfile::Builder::new()
        .prefix(&temp::prefix(name, std::process::id()))
        .suffix(temp::SUFFIX)
        .rand_bytes(temp::RANDOM_LEN)
        .make_in(&dir, |path| {
            // Made and listed under one lock: a signal finds it listed, or not made yet.
            let mut live = signals::live();
            let mut open = OpenOptions::new();
            open.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                open.mode(created_mode);
            }
            #[cfg(not(unix))]
            let _ = created_mode;
            let file = open.open(path)?;
            id = live.add(path);
            Ok(file)
        })
        .map_err(temp_err)?;
    let (file, path) = made.into_parts();
    let temp = Temp {
        path: Some(path),
        id,
        dir: dir.clone(),
    };
    if let Some(old) = replaced {
        keep_mode(&file, old).map_err(temp_err)?;
    }
    Ok((file, temp))
}

/// Gives the temporary file the replaced file's owner (where allowed) and permission bits.
fn keep_mode(file: &File, old: &std::fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{fchown, MetadataExt, PermissionsExt};
        let now = file.metadata()?;
        if (now.uid(), now.gid()) != (old.uid(), old.gid())
            && fchown(file, Some(old.uid()), Some(old.gid())).is_err()
        {
            // Not root: at least the group, if we are in it.
            let _ = fchown(file, None, Some(old.gid()));
        }
        file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o777))
    }
    #[cfg(not(unix))]
    {
        file.set_permissions(old.permissions())
    }
}

/// Renames without replacing anything; on a file system where that cannot be asked for
/// atomically, checks and then renames.
fn persist_noclobber(path: tempfile::TempPath, target: &Path) -> io::Result<()> {
    match path.persist_noclobber(target) {
        Ok(()) => Ok(()),
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Err(e.error),
        Err(e) => {
            if std::fs::symlink_metadata(target).is_ok() {
                return Err(io::ErrorKind::AlreadyExists.into());
            }
            e.path.persist(target).map_err(|e| e.error)
        }
    }
}

/// Makes the rename durable (best effort; not every system can sync a folder).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.cast");
        write(&dest, b"first", &Options::default()).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"first");
        {
            let mut w = Writer::create(&dest, &Options::default()).unwrap();
            w.write_all(b"half-writ").unwrap();
            let temp = w.temp_path().unwrap().file_name().unwrap();
            let temp = temp.to_str().unwrap();
            assert!(temp.starts_with(".out.cast.auditty-") && temp.ends_with(".tmp"));
            // dropped without commit: an error happened
        }
        assert_eq!(std::fs::read(&dest).unwrap(), b"first");
        write(&dest, b"second", &Options::default()).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"second");
        assert_eq!(names(dir.path()), ["out.cast"]);
    }

    #[test]
    fn refuse_never_clobbers() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.json");
        let refuse = Options {
            overwrite: Overwrite::Refuse,
            ..Options::default()
        };
        std::fs::write(&target, b"old").unwrap();
        assert!(matches!(
            Writer::create(&target, &refuse),
            Err(CreateError::Exists)
        ));
        // A file that appears while writing is not replaced either.
        let other = dir.path().join("y.json");
        let mut w = Writer::create(&other, &refuse).unwrap();
        w.write_all(b"new").unwrap();
        std::fs::write(&other, b"appeared").unwrap();
        let err = w.commit().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&other).unwrap(), b"appeared");
        assert_eq!(names(dir.path()), ["x.json", "y.json"]);
        let fresh = dir.path().join("z.json");
        write(&fresh, b"fresh", &refuse).unwrap();
        assert_eq!(std::fs::read(&fresh).unwrap(), b"fresh");
    }

    #[cfg(unix)]
    #[test]
    fn modes() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let dir = tempfile::tempdir().unwrap();
        let private = Options {
            new_file: NewFile::Private,
            ..Options::default()
        };
        let new = dir.path().join("new.json");
        write(&new, b"x", &private).unwrap();
        assert_eq!(mode(&new), 0o600);
        let kept = dir.path().join("kept.cast");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&kept, b"new", &Options::default()).unwrap();
        assert_eq!(mode(&kept), 0o640);
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o4755)).unwrap();
        write(&kept, b"newer", &private).unwrap();
        assert_eq!(mode(&kept), 0o755, "no setuid bit carried over");
    }
}
