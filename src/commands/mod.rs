//! The commands: glue from the command line to the views. Each opens its recording through
//! [`recording::open`] and writes what it makes to the `Write` it is given (main passes
//! standard output).

pub mod api;
pub mod archive;
pub mod completions;
pub mod export;
pub mod feed;
pub mod info;
pub mod logs;
mod outfile;
pub mod play;
pub mod report;
pub mod review;
pub mod screen;
pub mod timeline;
pub mod transcript;

use crate::cli::SourceArgs;
use crate::error::{Error, Result};
use crate::recording::{self, Recording};
use std::io::Write;

/// Open the recording a command's SOURCE names, with the terminal settings asked for, and
/// say its warnings on stderr.
pub fn load(src: &SourceArgs) -> Result<Recording> {
    let loaded = recording::open(&src.source()?, &src.settings())?;
    warn(&loaded);
    Ok(loaded)
}

/// [`load`], or for a context file, its feed (as `export` and `screen` take one: with no
/// `--with`).
pub fn load_or_feed(src: &SourceArgs) -> Result<Recording> {
    let cx = crate::cli::ContextArgs::default();
    let loaded = feed::open(&src.source, &src.settings(), &cx, &src.api)?.rec;
    warn(&loaded);
    Ok(loaded)
}

/// A recording's warnings, `warning: NAME: WHAT`, escaped: kept until the command is done,
/// then said once on stderr by `main` ([`take_warnings`]) — a command that fails says only
/// its one-line error.
pub fn warn(loaded: &Recording) {
    let esc = crate::render::escape::escape_controls;
    let mut kept = WARNINGS.lock().unwrap_or_else(|e| e.into_inner());
    for w in loaded.warnings() {
        let line = format!("warning: {}: {}", esc(&loaded.name), esc(&w));
        if !kept.contains(&line) {
            kept.push(line);
        }
    }
}

static WARNINGS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The warnings said so far by [`warn`], each once.
pub fn take_warnings() -> Vec<String> {
    std::mem::take(&mut *WARNINGS.lock().unwrap_or_else(|e| e.into_inner()))
}

/// The moment `spec` designates in `loaded`, for `flag`: outside the recording is an error
/// naming its span (status 1), unless `within.clamp`.
pub fn moment(
    spec: &crate::timeline::TimeSpec,
    loaded: &Recording,
    within: crate::timeline::Within,
    flag: &str,
) -> Result<crate::timeline::Nanos> {
    use crate::timeline::TimeError;
    spec.resolve_within(&loaded.tl, within)
        .map_err(|e| match e {
            TimeError::Outside { .. } => Error::Runtime(format!("{flag}: {e}")),
            TimeError::NoStart => Error::Usage(format!("{flag}: {e}")),
        })
}

/// The recording a command writes from: with `--redact`, a masked copy (secrets after the
/// built-in rules' patterns, keys typed without echo); the source is never modified.
pub fn redact_if(rec: Recording, redact: bool) -> Recording {
    if redact {
        crate::review::redact::redacted(&rec, &crate::review::rules::Rules::builtin())
    } else {
        rec
    }
}

/// The context entries `with` names (`--with`, `--context`), in the window `cx.around`
/// gives around `rec`, in time order, as `cx` asks them read and `api` reaches Scalingo's.
pub fn context_rows(
    rec: &Recording,
    with: &[std::ffi::OsString],
    cx: &crate::cli::ContextArgs,
    api: &crate::cli::ApiArgs,
) -> Result<Vec<crate::context::merge::Row>> {
    if with.is_empty() {
        return Ok(Vec::new());
    }
    crate::context::merge::context_rows(rec, with, &cx.options(), cx.margin()?, &cx.apis(api))
}

/// Write a command's output; a closed pipe (`| head`) is [`Error::ClosedPipe`], which ends
/// the program quietly.
pub fn emit(out: &mut dyn Write, s: &str) -> Result<()> {
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Error::ClosedPipe),
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

#[cfg(test)]
mod tests;
