//! Command-line definitions of `export`.

use super::{BadNumber, Moments, SourceArgs};
use crate::timeline::TimeSpec;
use clap::{Args, ValueEnum};

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// asciicast v2: absolute times (asciinema 2.x and later, agg, asciinema-player)
    #[value(name = "asciicast-v2")]
    AsciicastV2,
    /// asciicast v3: intervals between events (asciinema 3.x)
    #[value(name = "asciicast-v3")]
    AsciicastV3,
    /// The session's text as a terminal showed it, scrollback included
    Txt,
}

#[derive(Args, Debug)]
#[command(
    after_help = "The format follows FILE's extension: .cast is asciicast, .txt is txt; a \
--format that contradicts it is an error, another extension needs --format, and a picture \
(.gif, .png…) is refused: convert a .cast with agg. An existing FILE is replaced only with \
--force. \
Output bytes are written as auditty shows them (after the newline translation). \
A clip (--from) starts with an event that redraws the screen as it was at --from."
)]
pub struct ExportArgs {
    #[command(flatten)]
    pub src: SourceArgs,
    /// Where to write: a file (replaced whole, or left as it was on error), or `-` for standard
    /// output
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: String,
    /// Output format (default: from FILE's extension, .cast or .txt, else asciicast-v2)
    #[arg(short, long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Overwrite an existing FILE
    #[arg(long)]
    pub force: bool,
    /// Start of a clip: the export starts with the screen at TIME, and times count from it
    #[arg(long, value_name = "TIME", value_parser = crate::timeline::timespec::TimeParser, allow_hyphen_values = true)]
    pub from: Option<TimeSpec>,
    /// End of the export: events after TIME are left out
    #[arg(long, value_name = "TIME", value_parser = crate::timeline::timespec::TimeParser, allow_hyphen_values = true)]
    pub to: Option<TimeSpec>,
    #[command(flatten)]
    pub moments: Moments,
    /// Shorten pauses longer than SECS to SECS (also written as the header's idle_time_limit)
    #[arg(short = 'i', long, value_name = "SECS", value_parser = parse_idle)]
    pub idle_time_limit: Option<f64>,
    /// Mask secrets (the review rules' secret patterns) and keys typed without echo, keeping
    /// the layout; the source is not modified
    #[arg(long)]
    pub redact: bool,
}

fn parse_idle(s: &str) -> Result<f64, BadNumber> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e9 => Ok(v),
        _ => Err(BadNumber::IdleLimit(s.to_string())),
    }
}
