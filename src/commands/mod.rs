//! The commands: glue from the command line to the views. Each opens its recording through
//! [`recording::open`] and writes what it makes to the `Write` it is given (main passes
//! standard output).

pub mod api;
pub mod archive;
pub mod completions;
pub mod export;
pub mod info;
pub mod logs;
pub mod play;
pub mod report;
pub mod review;
pub mod screen;
pub mod transcript;

use crate::cli::SourceArgs;
use crate::error::{Error, Result};
use crate::recording::{self, Recording};
use std::io::Write;

/// Open the recording a command's SOURCE names, with the terminal settings asked for.
pub fn load(src: &SourceArgs) -> Result<Recording> {
    recording::open(&src.source()?, &src.settings())
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
