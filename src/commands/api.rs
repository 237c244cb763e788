//! `sessions` and `fetch`: the Scalingo API, as commands.

use super::{emit, to_json};
use crate::cli::{ApiArgs, FetchArgs, SessionsArgs};
use crate::error::{Error, Result};
use crate::scalingo::{self, ApiError, Config, FetchTarget};
use std::io::{IsTerminal, Write};

fn api_error(e: ApiError) -> Error {
    Error::Runtime(e.to_string())
}

/// The client configuration: flags first, then the official CLI's environment variables.
pub fn config(api: &ApiArgs) -> Result<Config> {
    api.scalingo().config()
}

pub fn sessions(args: &SessionsArgs, out: &mut dyn Write) -> Result<()> {
    let list = scalingo::sessions(config(&args.api)?, &args.app, args.limit).map_err(api_error)?;
    if args.json {
        emit(out, &format!("{}\n", to_json(&list, true)))
    } else {
        emit(out, &crate::views::sessions::render_sessions_table(&list))
    }
}

pub fn fetch(args: &FetchArgs, out: &mut dyn Write) -> Result<()> {
    let target = match args.output.as_deref() {
        Some("-") => FetchTarget::Stdout,
        Some(p) => FetchTarget::Path(p.into()),
        None => FetchTarget::Path(scalingo::default_fetch_path(&args.app, &args.audit_log_id)),
    };
    // `-o /dev/stdout` and the like are standard output too: the report goes to stderr
    let to_stdout = match &target {
        FetchTarget::Stdout => true,
        FetchTarget::Path(p) => crate::output::is_stdout(p),
    };
    if to_stdout && std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "refusing to write an audit log (raw terminal output) to the terminal: use -o FILE or a pipe"
                .into(),
        ));
    }
    let progress = std::io::stderr().is_terminal();
    let report = scalingo::fetch(
        config(&args.api)?,
        &args.app,
        &args.audit_log_id,
        target,
        args.force,
        progress,
    )
    .map_err(api_error)?;
    let what = match &report.path {
        Some(p) => crate::render::escape::escape_controls(&p.display().to_string()),
        None => "<stdout>".to_string(),
    };
    let line = format!(
        "{what}  {} bytes  sha256 {}\n",
        report.bytes, report.sha256_hex
    );
    if to_stdout {
        eprint!("{line}");
        Ok(())
    } else {
        emit(out, &line)
    }
}
