//! The commands: each reads a `Timeline`, replays it, and writes text we generate.

pub mod api;
pub mod completions;
pub mod export;
pub mod info;
pub mod review;
pub mod screen;
pub mod transcript;

use crate::cli::{SourceArgs, TermArgs};
use crate::emulator::replay::resolve_newline;
use crate::error::{Error, Result};
use crate::geometry::{self, Geometry};
use crate::timeline::Timeline;
use std::io::Write;
use std::sync::Arc;

/// A recording loaded and ready to replay.
pub struct Loaded {
    pub name: String,
    pub tl: Arc<Timeline>,
    pub geometry: Geometry,
    pub crlf: bool,
}

impl Loaded {
    pub fn replay(&self) -> crate::emulator::Replay {
        crate::emulator::Replay::new(
            Arc::clone(&self.tl),
            self.geometry.cols,
            self.geometry.rows,
            self.crlf,
        )
    }

    /// A replay for a single seek (a command that prints one moment): no keyframes, which
    /// would only cost time and memory.
    pub fn replay_once(&self) -> crate::emulator::Replay {
        crate::emulator::Replay::with_interval(
            Arc::clone(&self.tl),
            self.geometry.cols,
            self.geometry.rows,
            self.crlf,
            0,
        )
    }
}

/// Load a source (path, `-`, …) with the terminal settings asked for.
pub fn load(src: &SourceArgs) -> Result<Loaded> {
    let tl = load_timeline(&src.source, &src.api)?;
    Ok(prepare(
        crate::formats::display_name(&src.source),
        tl,
        &src.term,
    ))
}

pub fn prepare(name: String, tl: Timeline, term: &TermArgs) -> Loaded {
    let geometry = geometry::resolve(&tl, term.cols, term.rows);
    let crlf = resolve_newline(&tl, term.newline);
    Loaded {
        name,
        tl: Arc::new(tl),
        geometry,
        crlf,
    }
}

/// Read a source into a timeline: a file, standard input, or an audit log fetched from the
/// Scalingo API into memory.
pub fn load_timeline(source: &str, api: &crate::cli::ApiArgs) -> Result<Timeline> {
    if let Some((app, id)) = crate::scalingo::parse_source_url(source) {
        let bytes = crate::scalingo::fetch_to_memory(api::config(api)?, &app, &id)
            .map_err(|e| Error::Runtime(format!("{source}: {e}")))?;
        return Ok(crate::formats::load_bytes(source, bytes)?);
    }
    if source.starts_with("scalingo:") {
        return Err(Error::Usage(format!(
            "{source}: a Scalingo source is scalingo://APP/AUDIT_LOG_ID"
        )));
    }
    Ok(crate::formats::load(source)?)
}

/// Write to stdout; a closed pipe (`| head`) ends the program quietly.
pub fn emit(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Error::Runtime(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// Serialize to JSON that is safe to print on a terminal.
pub fn to_json<T: serde::Serialize>(v: &T, pretty: bool) -> String {
    let s = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    };
    crate::render::escape::json_terminal_safe(&s.unwrap_or_default())
}

/// RFC 3339 with as many fraction digits as needed, in the time's own offset.
pub fn rfc3339(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}
