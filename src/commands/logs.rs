//! `logs`: an app's logs, dumped or followed, every control character escaped (or one JSON
//! object per line).

use std::io::Write;

use super::{api::config, emit, to_json};
use crate::cli::LogsArgs;
use crate::error::{Error, Result};
use crate::render::escape::escape_controls;
use crate::scalingo::{self, ApiError, FollowOptions};

/// A line as printed: escaped text, or `{"time","container","message"}`.
fn shown(line: &str, json: bool) -> String {
    if json {
        format!("{}\n", to_json(&scalingo::parse_log_line(line), false))
    } else {
        format!("{}\n", escape_controls(line))
    }
}

fn api_error(e: ApiError) -> Error {
    match e {
        ApiError::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe => {
            Error::ClosedPipe
        }
        e => Error::Runtime(e.to_string()),
    }
}

pub fn run(args: &LogsArgs, out: &mut dyn Write) -> Result<()> {
    let cfg = config(&args.api)?;
    if !args.follow {
        let dump = scalingo::fetch_logs(cfg, &args.app, args.lines, args.filter.as_deref())
            .map_err(api_error)?;
        let text = String::from_utf8_lossy(&dump);
        let mut all = String::with_capacity(text.len() + text.len() / 8);
        for line in text.lines() {
            all.push_str(&shown(line, args.json));
        }
        return emit(out, &all);
    }
    let opts = FollowOptions {
        n: args.lines,
        filter: args.filter.clone(),
        ..FollowOptions::default()
    };
    let json = args.json;
    let mut on_line = |line: &str| {
        out.write_all(shown(line, json).as_bytes())?;
        out.flush()
    };
    let mut on_notice = |notice: &str| eprintln!("auditty: {notice}");
    scalingo::follow_logs(cfg, &args.app, &opts, &mut on_line, &mut on_notice).map_err(api_error)
}
