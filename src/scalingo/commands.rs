//! What the CLI calls: blocking functions (each runs its own current-thread tokio
//! runtime), the sessions table, the `scalingo://APP/ID` source, and the save (through
//! [`crate::output`]).

use std::cell::Cell;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use unicode_width::UnicodeWidthStr;

use super::client::{Client, Session};
use super::config::Config;
use super::error::ApiError;
use super::text::{escape_controls, human_size, truncate_chars};
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

/// The user shown for sessions opened by Scalingo's own staff.
const OPERATOR_EMAIL: &str = "deploy@scalingo.com";
/// Commands longer than this are cut in the table.
const COMMAND_WIDTH: usize = 60;

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| ApiError::Io {
            what: "cannot start the async runtime".into(),
            source,
        })
}

/// The app's one-off sessions, newest first, at most `limit`.
pub fn sessions(cfg: Config, app: &str, limit: Option<usize>) -> Result<Vec<Session>, ApiError> {
    runtime()?.block_on(async {
        let mut client = Client::new(cfg).await?;
        client.sessions(app, limit).await
    })
}

/// Downloads an audit log into memory (for the `scalingo://APP/ID` source). The buffer is
/// sized from `Content-Length` up front, so a large log is not copied while it grows.
pub fn fetch_to_memory(cfg: Config, app: &str, id: &str) -> Result<Vec<u8>, ApiError> {
    fetch_to_memory_with_progress(cfg, app, id, None, &|_, _| {})
}

/// [`fetch_to_memory`], calling `progress(bytes received, total when known)` as the bytes
/// arrive; `size_hint` (the run event's `audit_log_size`) is the total when the answer does
/// not say.
pub fn fetch_to_memory_with_progress(
    cfg: Config,
    app: &str,
    id: &str,
    size_hint: Option<u64>,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<Vec<u8>, ApiError> {
    runtime()?.block_on(async {
        // Never reserve more than the download may hold (the event's size is the server's word).
        let cap = cfg.max_bytes;
        let mut client = Client::new(cfg).await?;
        let size = Cell::new(None);
        let mut sink = SizedVec {
            bytes: Vec::new(),
            size: &size,
        };
        client
            .download_audit_log_sized(app, id, size_hint, &mut sink, &|done, total| {
                size.set(total.map(|t| t.min(cap)));
                progress(done, total);
            })
            .await?;
        Ok(sink.bytes)
    })
}

/// A `Vec` sink that reserves the announced size before its first write (up to 1 GiB, and
/// up to the download limit; a failed reservation just lets it grow as usual).
struct SizedVec<'a> {
    bytes: Vec<u8>,
    size: &'a Cell<Option<u64>>,
}

impl AsyncWrite for SizedVec<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.bytes.capacity() == 0 {
            if let Some(size) = this.size.get() {
                let wanted = usize::try_from(size.min(1 << 30)).unwrap_or(0);
                let _ = this.bytes.try_reserve_exact(wanted.max(buf.len()));
            }
        }
        this.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
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

/// `scalingo://APP/AUDIT_LOG_ID` → `(APP, AUDIT_LOG_ID)`; `None` for anything else.
pub fn parse_source_url(s: &str) -> Option<(String, String)> {
    const SCHEME: &str = "scalingo://";
    let head = s.get(..SCHEME.len())?;
    if !head.eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    let rest = &s[SCHEME.len()..];
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (app, id) = rest.split_once('/')?;
    if app.is_empty() || id.is_empty() || id.contains('/') {
        return None;
    }
    Some((app.to_string(), id.to_string()))
}

/// The sessions table's column titles.
pub const SESSION_COLUMNS: [&str; 5] = ["WHEN", "WHO", "COMMAND", "AUDIT LOG", "SIZE"];

/// One session as the table's cells: when (in the event's own offset), who, command, audit
/// log id, size. Every string from the server is escaped and long ones are cut. (Shared by
/// `sessions` and the player's session picker.)
/// The widest audit-log id shown in the table (ids are 36 characters; `--json` keeps the
/// full value).
const AUDIT_LOG_ID_WIDTH: usize = 40;

pub fn session_cells(s: &Session) -> [String; 5] {
    [
        when_cell(s),
        who_cell(s),
        command_cell(s),
        s.audit_log_id
            .as_deref()
            .map(|id| escape_controls(&truncate_chars(id, AUDIT_LOG_ID_WIDTH)))
            .unwrap_or_else(|| "-".into()),
        s.audit_log_size
            .map(human_size)
            .unwrap_or_else(|| "-".into()),
    ]
}

/// The sessions as a table: when (in the event's own offset), who, command, audit log id,
/// size. Every string from the server is escaped.
pub fn render_sessions_table(sessions: &[Session]) -> String {
    if sessions.is_empty() {
        return "No one-off sessions found.\n".to_string();
    }
    let header = SESSION_COLUMNS.map(String::from);
    let rows: Vec<[String; 5]> = sessions.iter().map(session_cells).collect();
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.width());
            if i == 4 {
                // Sizes right-aligned.
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn when_cell(s: &Session) -> String {
    match s.created_at_time() {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        None if s.created_at.is_empty() => "?".into(),
        None => escape_controls(&truncate_chars(&s.created_at, 40)),
    }
}

fn who_cell(s: &Session) -> String {
    let email = s.user.email.as_str();
    if email.trim().eq_ignore_ascii_case(OPERATOR_EMAIL) {
        "Scalingo operator".into()
    } else if !email.is_empty() {
        escape_controls(&truncate_chars(email, 60))
    } else if !s.user.username.is_empty() {
        escape_controls(&truncate_chars(&s.user.username, 60))
    } else {
        "?".into()
    }
}

fn command_cell(s: &Session) -> String {
    if s.command.trim().is_empty() {
        "(operator shell)".into()
    } else {
        escape_controls(&truncate_chars(&s.command, COMMAND_WIDTH))
    }
}

// ----- fetch --------------------------------------------------------------------------------

async fn fetch_to_stdout(
    cfg: Config,
    app: &str,
    id: &str,
    progress: bool,
) -> Result<FetchReport, ApiError> {
    let mut client = Client::new(cfg).await?;
    let bar = Progress::new(progress);
    let mut out = HashingWriter::new(Checking::new(tokio::io::stdout()));
    let bytes = until_interrupted(
        client.download_audit_log(app, id, &mut out, &|done, total| bar.update(done, total)),
    )
    .await?;
    let sha256_hex = out.hex_digest();
    // Already written: the status at least says so.
    out.into_inner().finish()?;
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
    let mut out = HashingWriter::new(BufWriter::with_capacity(
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
    let interrupt = async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let terminate = async {
                match signal(SignalKind::terminate()) {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                r = tokio::signal::ctrl_c() => if r.is_err() { std::future::pending::<()>().await },
                () = terminate => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await
        }
    };
    tokio::select! {
        biased;
        result = work => result,
        () = interrupt => Err(ApiError::Interrupted),
    }
}

/// Hashes (SHA-256) exactly the bytes its inner writer accepts.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
        }
    }

    fn hex_digest(&self) -> String {
        use std::fmt::Write as _;
        self.hasher
            .clone()
            .finalize()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }

    fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for HashingWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                this.hasher.update(&buf[..n.min(buf.len())]);
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Checks, streaming, that what goes through it is a whole audit log (for standard
/// output, which cannot be read back).
struct Checking<W> {
    inner: W,
    check: crate::formats::sniff::StreamCheck,
}

impl<W> Checking<W> {
    fn new(inner: W) -> Self {
        Checking {
            inner,
            check: crate::formats::sniff::StreamCheck::new(),
        }
    }

    fn finish(self) -> Result<(), ApiError> {
        self.check
            .finish()
            .map_err(|reason| ApiError::InvalidStreamed { reason })
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Checking<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                this.check.feed(&buf[..n.min(buf.len())]);
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The download's progress bar on stderr (or nothing). Cleared when dropped.
struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(enabled: bool) -> Progress {
        let bar = enabled.then(|| {
            let style = ProgressStyle::with_template(
                "{spinner} {decimal_bytes} received ({decimal_bytes_per_sec})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                .with_style(style)
                .with_finish(ProgressFinish::AndClear)
        });
        Progress { bar }
    }

    fn update(&self, done: u64, total: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        if let Some(total) = total {
            if bar.length() != Some(total) {
                let style = ProgressStyle::with_template(
                    "{wide_bar} {decimal_bytes}/{decimal_total_bytes} ({decimal_bytes_per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                bar.set_style(style);
                bar.set_length(total);
            }
        }
        bar.set_position(done);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalingo::User;

    fn session(created_at: &str, email: &str, command: &str) -> Session {
        Session {
            id: "ev".into(),
            created_at: created_at.into(),
            user: User {
                username: "john".into(),
                email: email.into(),
                id: "us-1".into(),
            },
            app_name: "app".into(),
            command: command.into(),
            audit_log_id: Some("abcdef-1234".into()),
            audit_log_size: Some(122_445_385),
            detached: Some(false),
        }
    }

    #[test]
    fn table_columns() {
        let sessions = vec![
            session(
                "2015-02-12T18:05:14.226+01:00",
                "john@doe.com",
                "bundle exec rake db:migrate",
            ),
            Session {
                audit_log_id: None,
                audit_log_size: None,
                ..session("2015-02-11T09:00:00Z", "deploy@scalingo.com", "")
            },
        ];
        let table = render_sessions_table(&sessions);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3, "{table}");
        assert!(lines[0].starts_with("WHEN"));
        assert!(lines[0].contains("WHO") && lines[0].contains("AUDIT LOG"));
        assert!(lines[1].starts_with("2015-02-12 18:05:14 +01:00  john@doe.com"));
        assert!(lines[1].contains("bundle exec rake db:migrate"));
        assert!(lines[1].contains("abcdef-1234"));
        assert!(lines[1].ends_with("122.4 MB"));
        assert!(lines[2].starts_with("2015-02-11 09:00:00 +00:00  Scalingo operator"));
        assert!(lines[2].contains("(operator shell)"));
        assert!(lines[2].ends_with('-'));
        // Sizes are right-aligned: every line ends at the same column.
        assert_eq!(lines[0].width(), lines[1].width());
        assert_eq!(lines[1].width(), lines[2].width());
    }

    #[test]
    fn table_escapes_everything_from_the_server() {
        let mut evil = session(
            "\u{1b}]0;pwned\u{7}",
            "a\u{1b}[2Jb@x.io",
            "rm -rf /\u{9b}31m\nnext",
        );
        evil.audit_log_id = Some("id\u{1b}c".into());
        evil.user.email = "\u{85}e@x.io".into();
        let table = render_sessions_table(&[evil]);
        assert!(
            !table.chars().any(|c| c.is_control() && c != '\n'),
            "{table:?}"
        );
        assert!(table.contains("^[]0;pwned^G"));
        assert!(table.contains("\\x9b31m^Jnext"));
        assert!(table.contains("id^[c"));
        assert!(table.contains("\\x85e@x.io"));
        assert_eq!(table.lines().count(), 2);
    }

    #[test]
    fn empty_table() {
        assert_eq!(render_sessions_table(&[]), "No one-off sessions found.\n");
    }

    #[test]
    fn long_commands_are_cut() {
        let long = "x".repeat(500);
        let table = render_sessions_table(&[session("2015-02-12T18:05:14Z", "a@b.c", &long)]);
        assert!(table.contains(&format!("{}…", "x".repeat(COMMAND_WIDTH - 1))));
        assert!(!table.contains(&"x".repeat(COMMAND_WIDTH)));
    }

    #[test]
    fn long_audit_log_ids_are_cut() {
        let mut s = session("2015-02-12T18:05:14Z", "a@b.c", "ls");
        s.audit_log_id = Some("i".repeat(100_000));
        let table = render_sessions_table(&[s]);
        assert!(table.contains(&format!("{}…", "i".repeat(AUDIT_LOG_ID_WIDTH - 1))));
        assert!(!table.contains(&"i".repeat(AUDIT_LOG_ID_WIDTH)));
        assert!(table.lines().all(|l| l.len() < 300), "{table}");
    }

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

    #[test]
    fn source_urls() {
        assert_eq!(
            parse_source_url("scalingo://my-app/abcdef-1234"),
            Some(("my-app".into(), "abcdef-1234".into()))
        );
        assert_eq!(
            parse_source_url("Scalingo://my-app/abc/"),
            Some(("my-app".into(), "abc".into()))
        );
        for bad in [
            "scalingo://",
            "scalingo://app",
            "scalingo://app/",
            "scalingo:///id",
            "scalingo://app/a/b",
            "http://app/id",
            "app/id",
            "scal",
            "",
        ] {
            assert_eq!(parse_source_url(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn sized_vec_reserves_the_announced_size() {
        let size = Cell::new(Some(10_000));
        let mut sink = SizedVec {
            bytes: Vec::new(),
            size: &size,
        };
        sink.write_all(b"[1,2]").await.unwrap();
        assert!(sink.bytes.capacity() >= 10_000);
        assert_eq!(sink.bytes, b"[1,2]");
        let huge = Cell::new(Some(u64::MAX));
        let mut sink = SizedVec {
            bytes: Vec::new(),
            size: &huge,
        };
        sink.write_all(b"x").await.unwrap();
        assert_eq!(sink.bytes, b"x");
    }

    #[tokio::test]
    async fn hashing_writer_hashes_what_it_writes() {
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(b"ab").await.unwrap();
        w.write_all(b"c").await.unwrap();
        assert_eq!(
            w.hex_digest(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(w.into_inner(), b"abc");
    }
}
