//! `fetch`: an audit log saved to a file (through [`crate::output`]: atomic, or straight
//! into a device or FIFO) or streamed to standard output, checked to be a whole audit log,
//! with its SHA-256 and a progress bar.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tokio::io::{AsyncWriteExt, BufWriter};

use super::blocking::runtime;
use super::client::Client;
use super::config::Config;
use super::error::ApiError;
use crate::formats::sniff::StreamCheck;
use crate::net::download::{HashingWriter, Observe, Observed, Progress};
use crate::output;

/// Where `fetch` puts the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchTarget {
    /// A file, written by [`crate::output`]: atomically (a temporary file in the same folder,
    /// then renamed), or straight into a device or FIFO.
    Path(PathBuf),
    /// Standard output, as the bytes arrive.
    Stdout,
}

/// What `fetch` saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchReport {
    /// The file written; `None` for standard output.
    pub path: Option<PathBuf>,
    /// Bytes written (exactly the body the API sent).
    pub bytes: u64,
    /// SHA-256 of those bytes, lowercase hex.
    pub sha256_hex: String,
}

/// Downloads an audit log to a file or to standard output, keeping the exact bytes.
///
/// A file is written by [`crate::output`]: to `.NAME.auditty-PID-RANDOM.tmp` in the same
/// folder, synced, then renamed: on any failure, Ctrl-C or another signal, nothing is left
/// behind and an existing file is untouched (a device or FIFO is written into directly). An
/// existing file is replaced only with `force` (checked before downloading, and again,
/// atomically, when the download is in place), keeping its mode; a new one is made 0600.
/// `progress` shows a bar on stderr.
pub fn fetch(
    cfg: Config,
    app: &str,
    id: &str,
    out: FetchTarget,
    force: bool,
    progress: bool,
) -> Result<FetchReport, ApiError> {
    let rt = runtime()?;
    match out {
        FetchTarget::Stdout => rt.block_on(fetch_to_stdout(cfg, app, id, progress)),
        FetchTarget::Path(path) => rt.block_on(fetch_to_file(cfg, app, id, &path, force, progress)),
    }
}

/// The default file name for `fetch`: `APP-AUDIT_LOG_ID.json`, with anything but ASCII
/// letters, digits, `-`, `_` and `.` replaced by `_`, so that it stays in the current folder.
pub fn default_fetch_path(app: &str, id: &str) -> PathBuf {
    fn part(s: &str) -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
    let mut name = format!("{}-{}.json", part(app), part(id));
    if name.starts_with('.') || name.starts_with('-') {
        name.insert(0, '_');
    }
    PathBuf::from(name)
}

async fn fetch_to_stdout(
    cfg: Config,
    app: &str,
    id: &str,
    progress: bool,
) -> Result<FetchReport, ApiError> {
    let mut client = Client::new(cfg).await?;
    let bar = Progress::new(progress);
    let mut out = HashingWriter::hashing(Checking::new(tokio::io::stdout(), StreamCheck::new()));
    let bytes = until_interrupted(
        client.download_audit_log(app, id, &mut out, &|done, total| bar.update(done, total)),
    )
    .await?;
    let sha256_hex = out.hex_digest();
    // Already written: the status at least says so.
    checked(out.into_inner().observer)?;
    Ok(FetchReport {
        path: None,
        bytes,
        sha256_hex,
    })
}

async fn fetch_to_file(
    cfg: Config,
    app: &str,
    id: &str,
    target: &Path,
    force: bool,
    progress: bool,
) -> Result<FetchReport, ApiError> {
    let cannot = |what: &str, source: io::Error| ApiError::Io {
        what: format!("cannot {what} {}", target.display()),
        source,
    };
    if std::fs::metadata(target).is_ok_and(|m| m.is_dir()) {
        return Err(cannot("save to", io::Error::other("it is a folder")));
    }
    if !force && std::fs::symlink_metadata(target).is_ok() {
        return Err(ApiError::TargetExists {
            path: target.to_path_buf(),
        });
    }
    if target.file_name().is_none() {
        return Err(cannot(
            "save to",
            io::Error::new(io::ErrorKind::InvalidInput, "it does not name a file"),
        ));
    }

    let mut client = Client::new(cfg).await?;

    let opts = output::Options {
        overwrite: if force {
            output::Overwrite::Replace
        } else {
            output::Overwrite::Refuse
        },
        // an audit log holds what was typed, passwords included
        new_file: output::NewFile::Private,
        // `until_interrupted` reports SIGINT and SIGTERM
        caller_handles_interrupt: true,
    };
    let saved = output::Writer::create(target, &opts).map_err(|e| match e {
        output::CreateError::Exists => ApiError::TargetExists {
            path: target.to_path_buf(),
        },
        output::CreateError::Temp { dir, source } => ApiError::Io {
            what: format!("cannot create a temporary file in {}", dir.display()),
            source,
        },
        output::CreateError::Open(source) => cannot("open", source),
    })?;
    if saved.is_terminal() {
        return Err(cannot(
            "save to",
            io::Error::other("it is a terminal, and an audit log is raw terminal output"),
        ));
    }
    let written = saved.temp_path().unwrap_or(target).to_path_buf();
    let write_err = |source| ApiError::Io {
        what: format!("cannot write {}", written.display()),
        source,
    };
    let file = saved.file().try_clone().map_err(write_err)?;
    let bar = Progress::new(progress);
    let mut out = HashingWriter::hashing(BufWriter::with_capacity(
        256 * 1024,
        tokio::fs::File::from_std(file),
    ));
    let bytes = until_interrupted(
        client.download_audit_log(app, id, &mut out, &|done, total| bar.update(done, total)),
    )
    .await?;
    out.flush().await.map_err(write_err)?;
    let sha256_hex = out.hex_digest();
    let file = out.into_inner().into_inner();
    if !saved.is_direct() {
        file.sync_all().await.map_err(write_err)?;
    }
    drop(file);

    if let Some(written) = saved.temp_path() {
        // a device or FIFO written into cannot be read back; a file about to be committed can
        check_saved(written, target)?;
    }
    saved.commit().map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => ApiError::TargetExists {
            path: target.to_path_buf(),
        },
        io::ErrorKind::Interrupted => ApiError::Interrupted,
        _ => ApiError::Io {
            what: format!("cannot move the download to {}", target.display()),
            source: e,
        },
    })?;
    Ok(FetchReport {
        path: Some(target.to_path_buf()),
        bytes,
        sha256_hex,
    })
}

/// Checks, streaming, that the file about to be committed as `target` is a whole audit log
/// (the first bytes were sniffed during the download; this reads it to its end). On error
/// the caller drops the temporary file: nothing is saved.
fn check_saved(written: &Path, target: &Path) -> Result<(), ApiError> {
    let file = std::fs::File::open(written).map_err(|source| ApiError::Io {
        what: format!("cannot read back {}", written.display()),
        source,
    })?;
    crate::formats::sniff::check_audit_log(file).map_err(|reason| ApiError::Invalid {
        path: target.display().to_string(),
        reason,
    })
}

/// Runs `work` until it ends or the user interrupts (Ctrl-C, or SIGTERM on Unix): then
/// `work` is dropped (which removes a temporary file) and the result is `Interrupted`.
async fn until_interrupted<T>(
    work: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let interrupt = crate::net::download::interrupted();
    tokio::select! {
        biased;
        result = work => result,
        () = interrupt => Err(ApiError::Interrupted),
    }
}

/// Checks, streaming, that what goes through it is a whole audit log (for standard
/// output, which cannot be read back).
type Checking<W> = Observed<W, StreamCheck>;

impl Observe for StreamCheck {
    fn observe(&mut self, bytes: &[u8]) {
        self.feed(bytes);
    }
}

fn checked(check: StreamCheck) -> Result<(), ApiError> {
    check
        .finish()
        .map_err(|reason| ApiError::InvalidStreamed { reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_paths_stay_in_the_folder() {
        assert_eq!(
            default_fetch_path("my-app", "abcdef-1234"),
            PathBuf::from("my-app-abcdef-1234.json")
        );
        for (app, id) in [
            ("../etc", "passwd"),
            ("a/b", "../../c"),
            ("..", ".."),
            ("app", "/abs"),
            ("x\u{1b}y", "\\win"),
        ] {
            let p = default_fetch_path(app, id);
            assert_eq!(p.components().count(), 1, "{p:?}");
            let s = p.to_str().unwrap();
            assert!(
                !s.contains('/') && !s.contains('\\') && !s.starts_with('.'),
                "{s}"
            );
            assert!(s.ends_with(".json"));
        }
    }
}
