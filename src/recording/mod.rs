//! One front door for a recording: a [`Source`] (a path, standard input, `scalingo://APP/ID`,
//! `archive://ID`, the bundled demo) is opened with [`Settings`] into a [`Recording`]: its timeline, and the
//! geometry and newline mode it is shown with, ready to replay.
//!
//! Every command and view gets its recording here ([`open`]), or, when it fetched the bytes
//! itself (the player's session picker, which shows download progress), through
//! [`from_bytes`]; nothing else reads a source or decides how it is emulated.

pub mod bytes;
pub mod pipeline;
pub mod prefix;

use crate::emulator::replay::detect_crlf;
use crate::emulator::{NewlineMode, Replay};
use crate::error::{Error, LoadError, Result};
use crate::geometry::{self, Geometry};
use crate::timeline::Timeline;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::sync::Arc;

/// The demo recording `auditty` plays with no arguments.
pub const DEMO: &[u8] = include_bytes!("../../assets/demo.json");

/// Where a recording comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, by its path as given (which need not be UTF-8).
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// An audit log from the Scalingo API; `url` is the spelling given, shown in messages.
    Scalingo {
        app: String,
        id: String,
        url: String,
    },
    /// The recording bundled with auditty.
    Demo,
    /// An audit log kept in the archive (`archive://AUDIT_LOG_ID`): read with no network,
    /// its sha256 checked first.
    Archive { id: String },
}

impl Source {
    /// What the user wrote: `-`, `scalingo://APP/AUDIT_LOG_ID`, or a path.
    pub fn parse(spec: &OsStr) -> Result<Source> {
        if spec == "-" {
            return Ok(Source::Stdin);
        }
        if let Some(s) = spec.to_str() {
            if let Some((app, id)) = crate::scalingo::parse_source_url(s) {
                let url = s.to_string();
                return Ok(Source::Scalingo { app, id, url });
            }
            if let Some(id) = s.strip_prefix("archive://") {
                if id.is_empty() || id.contains('/') || id.chars().any(char::is_control) {
                    return Err(Error::Usage(format!(
                        "{}: an archived source is archive://AUDIT_LOG_ID",
                        crate::render::escape::escape_controls(s)
                    )));
                }
                return Ok(Source::Archive { id: id.to_string() });
            }
            if s.starts_with("scalingo:") {
                return Err(Error::Usage(format!(
                    "{s}: a Scalingo source is scalingo://APP/AUDIT_LOG_ID"
                )));
            }
        }
        Ok(Source::Path(PathBuf::from(spec)))
    }

    /// A source named on the command line, or the demo when none is.
    pub fn parse_or_demo(spec: Option<&OsString>) -> Result<Source> {
        spec.map_or(Ok(Source::Demo), |s| Source::parse(s))
    }

    /// The audit log `id` of a Scalingo `app`.
    pub fn scalingo(app: &str, id: &str) -> Source {
        Source::Scalingo {
            app: app.to_string(),
            id: id.to_string(),
            url: format!("scalingo://{app}/{id}"),
        }
    }

    /// The name shown in messages and captions (`<stdin>` for standard input; a path that is
    /// not UTF-8 with U+FFFD in place of its odd bytes). Not escaped: whoever prints it does.
    pub fn name(&self) -> String {
        match self {
            Source::Path(p) => p.to_string_lossy().into_owned(),
            Source::Stdin => "<stdin>".to_string(),
            Source::Scalingo { url, .. } => url.clone(),
            Source::Demo => "demo".to_string(),
            Source::Archive { id } => format!("archive://{id}"),
        }
    }

    /// The last part of the name, for a caption: a file's name without its folder, an audit
    /// log's id, `<stdin>`, `demo`.
    pub fn short_name(&self) -> String {
        let name = self.name();
        match std::path::Path::new(&name).file_name() {
            Some(n) => n.to_string_lossy().into_owned(),
            None => name,
        }
    }
}

/// How a recording is emulated: the size and newline mode asked for, each defaulting to what
/// the recording says or shows.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub cols: Option<u16>,
    pub rows: Option<u16>,
    pub newline: NewlineMode,
    /// How to reach the Scalingo API, for a `scalingo://` source.
    pub scalingo: ScalingoApi,
    /// Where the archive is, for an `archive://` source (`--archive`, `--db`, their
    /// variables, else the platform's default).
    pub archive: crate::archive::Place,
}

/// The Scalingo API flags (`--token`, `--region`, `--api-url`, `--auth-url`); the official
/// CLI's environment variables fill in the rest, read only when a `scalingo://` source is
/// opened.
#[derive(Debug, Clone, Default)]
pub struct ScalingoApi {
    pub token: Option<String>,
    pub region: Option<String>,
    pub api_url: Option<String>,
    pub auth_url: Option<String>,
}

impl ScalingoApi {
    /// The client configuration: flags first, then the environment.
    pub fn config(&self) -> Result<crate::scalingo::Config> {
        crate::scalingo::Config::from_env(
            self.token.clone(),
            self.region.clone(),
            self.api_url.clone(),
            self.auth_url.clone(),
        )
        .map_err(|e| Error::Runtime(e.to_string()))
    }
}

/// A recording opened and ready to replay (a clone shares the timeline).
#[derive(Clone)]
pub struct Recording {
    /// The source's name ([`Source::name`]).
    pub name: String,
    pub tl: Arc<Timeline>,
    pub geometry: Geometry,
    /// Whether a bare LF is shown as CR LF.
    pub crlf: bool,
}

impl Recording {
    /// A timeline read from a source, with its geometry and newline mode resolved.
    pub fn new(name: String, tl: Timeline, settings: &Settings) -> Recording {
        let geometry = geometry::resolve(&tl, settings.cols, settings.rows);
        let crlf = resolve_newline(&tl, settings.newline);
        Recording {
            name,
            tl: Arc::new(tl),
            geometry,
            crlf,
        }
    }

    /// What is odd about this recording, one line each (not escaped): the timeline's
    /// warnings (times going backwards, skipped events, sizes cut), then a guessed geometry.
    /// Every command says them once on stderr; the player shows them at start.
    pub fn warnings(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tl.warnings.iter().map(|w| w.to_string()).collect();
        if let Some(guess) = self.geometry_guess() {
            v.push(guess);
        }
        v
    }

    /// `geometry guessed: 80x24 (inferred: …)` when the size was neither given nor recorded.
    pub fn geometry_guess(&self) -> Option<String> {
        let g = &self.geometry;
        let guessed = g.source.contains("inferred") || g.source.contains("default");
        guessed.then(|| {
            format!(
                "geometry guessed: {}x{} ({}); --cols and --rows set it",
                g.cols, g.rows, g.source
            )
        })
    }

    /// A replay with keyframes, for seeking back and forth.
    pub fn replay(&self) -> Replay {
        Replay::new(
            Arc::clone(&self.tl),
            self.geometry.cols,
            self.geometry.rows,
            self.crlf,
        )
    }

    /// A replay for a single seek (a command that prints one moment): no keyframes, which
    /// would only cost time and memory.
    pub fn replay_once(&self) -> Replay {
        Replay::with_interval(
            Arc::clone(&self.tl),
            self.geometry.cols,
            self.geometry.rows,
            self.crlf,
            0,
        )
    }
}

/// Whether bare LFs are shown as CR LF: `auto` does when the output has LF but never CR LF.
pub fn resolve_newline(tl: &Timeline, mode: NewlineMode) -> bool {
    match mode {
        NewlineMode::Auto => detect_crlf(tl),
        NewlineMode::Crlf => true,
        NewlineMode::Raw => false,
    }
}

/// Open a source: read it, parse it, and resolve how it is shown.
pub fn open(source: &Source, settings: &Settings) -> Result<Recording> {
    let tl = read(source, settings)?;
    Ok(Recording::new(source.name(), tl, settings))
}

/// Read a source into a timeline: a file, standard input, an audit log fetched from the
/// Scalingo API into memory, or the demo.
pub fn read(source: &Source, settings: &Settings) -> Result<Timeline> {
    let name = source.name();
    let bytes = match source {
        // read as they are parsed: the text of an audit log is never held whole
        Source::Path(path) => return Ok(bytes::load_file(path, &name, None, true)?),
        Source::Stdin => return Ok(bytes::load_stdin(&name, None, true)?),
        Source::Scalingo { app, id, url } => {
            crate::scalingo::fetch_to_memory(settings.scalingo.config()?, app, id)
                .map_err(|e| Error::Runtime(format!("{url}: {e}")))?
        }
        Source::Demo => DEMO.to_vec(),
        Source::Archive { id } => crate::archive::open_existing(&settings.archive)?
            .read(id)
            .map_err(|e| Error::Runtime(format!("{name}: {e}")))?,
    };
    Ok(crate::formats::load_bytes(&name, bytes)?)
}

/// A recording from bytes the caller read from `source` itself (the session picker, which
/// shows a download's progress).
pub fn from_bytes(
    source: &Source,
    bytes: Vec<u8>,
    settings: &Settings,
) -> Result<Recording, LoadError> {
    let name = source.name();
    let tl = crate::formats::load_bytes(&name, bytes)?;
    Ok(Recording::new(name, tl, settings))
}

#[cfg(test)]
mod tests;
