//! Command-line definitions: one struct per subcommand.

use crate::emulator::NewlineMode;
use crate::timeline::TimeSpec;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "auditty",
    version,
    about = "Replay recorded terminal sessions (Scalingo audit logs, asciicast) as a movie you can play, pause, seek and search",
    long_about = None,
    args_conflicts_with_subcommands = true,
    after_help = "With no arguments, plays the bundled demo recording. `auditty SOURCE` is short for `auditty play SOURCE`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A recording to play (short for `auditty play SOURCE`)
    pub source: Option<String>,
    #[command(flatten)]
    pub play: PlayOptions,
    #[command(flatten)]
    pub term: TermArgs,
}

impl Cli {
    /// `auditty [SOURCE] [options]` as the `play` command it is short for.
    pub fn play_args(&self) -> PlayArgs {
        PlayArgs {
            source: self.source.clone(),
            term: self.term.clone(),
            opts: self.play.clone(),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Play a recording in the terminal: pause, seek, search (the default command)
    Play(PlayArgs),
    /// Print the emulated screen at a moment of the recording
    Screen(ScreenArgs),
    /// Describe a recording: format, events, times, geometry, checksum, warnings
    Info(InfoArgs),
    /// What was typed, line by line, with timestamps (and optionally the output between)
    Transcript(TranscriptArgs),
}

/// Where a recording comes from and how to emulate it.
#[derive(Args, Debug, Clone)]
pub struct SourceArgs {
    /// The recording: a file path, or `-` for standard input
    pub source: String,
    #[command(flatten)]
    pub term: TermArgs,
}

#[derive(Args, Debug, Clone, Default)]
pub struct TermArgs {
    /// Terminal width (default: from the recording, else inferred from its output)
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=2000))]
    pub cols: Option<u16>,
    /// Terminal height (default: from the recording, else inferred from its output)
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub rows: Option<u16>,
    /// Show a bare LF as CR LF: `auto` does when the output never has CR LF
    #[arg(long, value_name = "MODE", default_value = "auto", value_parser = parse_newline)]
    pub newline: NewlineMode,
}

fn parse_newline(s: &str) -> Result<NewlineMode, String> {
    s.parse()
}

pub fn parse_time(s: &str) -> Result<TimeSpec, String> {
    s.parse()
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenFormat {
    /// Plain text, one line per row, trailing spaces trimmed
    Text,
    /// Text with colours and attributes as SGR escape sequences
    Ansi,
}

#[derive(Args, Debug)]
pub struct ScreenArgs {
    #[command(flatten)]
    pub src: SourceArgs,
    /// The moment: seconds (12.5), a clock (1:02.5, 1:02:03), a percentage (50%), start, end,
    /// or an RFC 3339 timestamp. Every event at or before it is shown.
    #[arg(long, default_value = "end", value_parser = parse_time, allow_hyphen_values = true)]
    pub at: TimeSpec,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScreenFormat::Text)]
    pub format: ScreenFormat,
}

#[derive(Args, Debug)]
pub struct InfoArgs {
    #[command(flatten)]
    pub src: SourceArgs,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TranscriptArgs {
    #[command(flatten)]
    pub src: SourceArgs,
    /// Include the output between the typed lines, as plain text
    #[arg(long)]
    pub output: bool,
    /// One JSON object per line: {t, time, type, text}
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct PlayArgs {
    /// The recording: a file path, or `-` for standard input (default: the bundled demo)
    pub source: Option<String>,
    #[command(flatten)]
    pub term: TermArgs,
    #[command(flatten)]
    pub opts: PlayOptions,
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
    /// Where to start: 12.5, 1:02, 50%, end, or an RFC 3339 timestamp
    #[arg(long, value_name = "TIME", value_parser = parse_time, allow_hyphen_values = true)]
    pub start_at: Option<TimeSpec>,
    /// Start paused
    #[arg(long)]
    pub paused: bool,
    /// Show times in UTC instead of the recording's own offset
    #[arg(long)]
    pub utc: bool,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches(['x', '×']).parse::<f64>() {
        Ok(v) if v.is_finite() && (0.01..=1000.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "invalid speed '{s}': a factor between 0.01 and 1000, such as 2 or 0.5"
        )),
    }
}

fn parse_secs(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e9 => Ok(v),
        _ => Err(format!(
            "invalid number of seconds '{s}': a positive number such as 2 or 0.5"
        )),
    }
}
