//! Command-line definitions of `play` (and bare `auditty`).

use super::{ApiArgs, BadNumber, ContextArgs, TermArgs};
use crate::timeline::TimeSpec;
use clap::Args;
use std::ffi::OsString;

#[derive(Args, Debug, Clone)]
pub struct PlayArgs {
    /// The recording: a file path, `-` for standard input, scalingo://APP/AUDIT_LOG_ID or archive://AUDIT_LOG_ID;
    /// or a context file alone (app logs, app events, Losant or Datafold audit logs), played as a
    /// feed of its entries (default: the bundled demo)
    pub source: Option<OsString>,
    /// Pick one of this app's one-off sessions from the Scalingo API, instead of a SOURCE
    /// [default: $SCALINGO_APP, for `auditty play` with no SOURCE]
    #[arg(long, value_name = "APP", conflicts_with = "source")]
    pub app: Option<String>,
    #[command(flatten)]
    pub term: TermArgs,
    #[command(flatten)]
    pub opts: PlayOptions,
    #[command(flatten)]
    pub api: ApiArgs,
}

impl PlayArgs {
    /// `auditty play` with neither SOURCE nor `--app` picks a session of `$SCALINGO_APP`
    /// when it is set (not empty). Bare `auditty` does not: it plays the demo.
    pub fn with_app_from_env(mut self) -> PlayArgs {
        if self.source.is_none() && self.app.is_none() {
            self.app = std::env::var(crate::scalingo::ENV_APP)
                .ok()
                .filter(|a| !a.trim().is_empty());
        }
        self
    }
}

/// How to play (asciinema's option names).
#[derive(Args, Debug, Clone)]
pub struct PlayOptions {
    /// Playback speed: 2 is twice as fast (`+`/`-` change it while playing)
    #[arg(short, long, value_name = "X", default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
    /// Squeeze pauses longer than SECS to SECS (default: the recording's own limit, if any)
    #[arg(short, long, value_name = "SECS", value_parser = parse_secs)]
    pub idle_time_limit: Option<f64>,
    /// Start over at the end instead of pausing on the last frame
    #[arg(short, long = "loop")]
    pub looping: bool,
    /// Pause at each marker
    #[arg(short = 'm', long)]
    pub pause_on_markers: bool,
    /// Where to start: 12.5, 1:02, 50%, end, a time of day (10:27:40, @10:27), or a timestamp
    #[arg(long, value_name = "TIME", value_parser = crate::timeline::timespec::TimeParser, allow_hyphen_values = true)]
    pub start_at: Option<TimeSpec>,
    /// Take the nearest end of the recording for a --start-at outside it (instead of an error)
    #[arg(long)]
    pub clamp: bool,
    /// Start paused
    #[arg(long)]
    pub paused: bool,
    /// Show times in UTC instead of the recording's own offset
    #[arg(long)]
    pub utc: bool,
    /// Where `s` saves the screen shown (.txt and .html) [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub save_dir: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub context: ContextArgs,
}

fn parse_speed(s: &str) -> Result<f64, BadNumber> {
    match s.trim().trim_end_matches(['x', '×']).parse::<f64>() {
        Ok(v) if v.is_finite() && (0.01..=1000.0).contains(&v) => Ok(v),
        _ => Err(BadNumber::Speed(s.to_string())),
    }
}

fn parse_secs(s: &str) -> Result<f64, BadNumber> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e9 => Ok(v),
        _ => Err(BadNumber::Seconds(s.to_string())),
    }
}
