//! Command-line definitions: one struct per subcommand.

use crate::emulator::{BadNewlineMode, NewlineMode};
use crate::recording::{ScalingoApi, Settings, Source};
use crate::timeline::TimeSpec;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;

pub mod archive;
pub mod context;
pub use archive::{
    ArchiveArgs, ArchiveCommand, ArchiveDir, LsArgs, SearchArgs, SearchIn, SessionFilter, SyncArgs,
};
pub use context::{ContextApiArgs, ContextArgs};

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
    pub source: Option<OsString>,
    #[command(flatten)]
    pub play: PlayOptions,
    #[command(flatten)]
    pub term: TermArgs,
    #[command(flatten)]
    pub api: ApiArgs,
}

impl Cli {
    /// `auditty [SOURCE] [options]` as the `play` command it is short for.
    pub fn play_args(&self) -> PlayArgs {
        PlayArgs {
            source: self.source.clone(),
            app: None,
            term: self.term.clone(),
            opts: self.play.clone(),
            api: self.api.clone(),
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
    /// The session's commands and markers beside the app's logs, events and audit trails
    Timeline(TimelineArgs),
    /// Write a recording, or a clip of it, as asciicast (asciinema, agg) or as plain text
    Export(ExportArgs),
    /// Findings a reviewer must see: dangerous commands, secrets shown, input typed unseen
    Review(ReviewArgs),
    /// One self-contained HTML file for a ticket: header, findings, every command and its screen
    Report(ReportArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a folder
    Man(ManArgs),
    /// List an app's one-off sessions (run events) from the Scalingo API, newest first
    Sessions(SessionsArgs),
    /// Download an audit log from the Scalingo API, byte for byte
    Fetch(FetchArgs),
    /// The archive of audit logs: sync it from the Scalingo API, list it
    Archive(ArchiveArgs),
    /// Search every archived session's commands and output, offline
    Search(SearchArgs),
    /// An app's logs from the Scalingo API, dumped or followed live, control characters escaped
    Logs(LogsArgs),
}

/// How to reach the Scalingo API (the official CLI's environment variables are read too).
#[derive(Args, Debug, Clone, Default)]
pub struct ApiArgs {
    /// Scalingo API token [default: $SCALINGO_API_TOKEN]
    #[arg(long, value_name = "TOKEN", help_heading = "Scalingo API")]
    pub token: Option<String>,
    /// Region whose API to use, looked up on the auth host [default: $SCALINGO_REGION, else osc-fr1]
    #[arg(long, value_name = "NAME", help_heading = "Scalingo API")]
    pub region: Option<String>,
    /// API base URL, e.g. http://127.0.0.1:3001 [default: $SCALINGO_API_URL, else from the region]
    #[arg(long, value_name = "URL", help_heading = "Scalingo API")]
    pub api_url: Option<String>,
    /// Auth base URL [default: $SCALINGO_AUTH_URL, else https://auth.scalingo.com]
    #[arg(long, value_name = "URL", help_heading = "Scalingo API")]
    pub auth_url: Option<String>,
    /// Where `archive://` sources are read (and `archive sync` writes)
    #[command(flatten)]
    pub archive: ArchiveDir,
}

impl ApiArgs {
    /// The flags as the recording layer takes them.
    pub fn scalingo(&self) -> ScalingoApi {
        ScalingoApi {
            token: self.token.clone(),
            region: self.region.clone(),
            api_url: self.api_url.clone(),
            auth_url: self.auth_url.clone(),
        }
    }
}

#[derive(Args, Debug)]
pub struct SessionsArgs {
    /// The app [default: $SCALINGO_APP]
    #[arg(long, env = "SCALINGO_APP")]
    pub app: String,
    /// Print JSON: an array of sessions
    #[arg(long)]
    pub json: bool,
    /// At most N sessions (the newest)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Args, Debug)]
pub struct FetchArgs {
    /// The app [default: $SCALINGO_APP]
    #[arg(long, env = "SCALINGO_APP")]
    pub app: String,
    /// The audit log's id (from `auditty sessions`)
    pub audit_log_id: String,
    /// Where to save it (`-` for standard output) [default: APP-AUDIT_LOG_ID.json]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Args, Debug)]
pub struct LogsArgs {
    /// The app [default: $SCALINGO_APP]
    #[arg(long, env = "SCALINGO_APP")]
    pub app: String,
    /// Lines of history: the last N (with --follow, before the live lines)
    #[arg(short = 'n', long = "lines", value_name = "N")]
    pub lines: Option<u64>,
    /// Only lines of a container, a type or a regex (`web`, `router`, `web|worker`)
    #[arg(long, value_name = "FILTER")]
    pub filter: Option<String>,
    /// Stream new lines live until Ctrl-C, reconnecting when the connection drops
    #[arg(short, long)]
    pub follow: bool,
    /// One JSON object per line: {"time", "container", "message"}
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub api: ApiArgs,
}

/// Where a recording comes from and how to emulate it.
#[derive(Args, Debug, Clone)]
pub struct SourceArgs {
    /// The recording: a file path, `-` for standard input, scalingo://APP/AUDIT_LOG_ID or archive://AUDIT_LOG_ID
    pub source: OsString,
    #[command(flatten)]
    pub term: TermArgs,
    #[command(flatten)]
    pub api: ApiArgs,
}

impl SourceArgs {
    /// The source named (a usage error for a malformed `scalingo:` one).
    pub fn source(&self) -> crate::error::Result<Source> {
        Source::parse(&self.source)
    }

    pub fn settings(&self) -> Settings {
        self.term.settings(&self.api)
    }
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

impl TermArgs {
    /// How to emulate a recording, and how to reach the API for a `scalingo://` one.
    pub fn settings(&self, api: &ApiArgs) -> Settings {
        Settings {
            cols: self.cols,
            rows: self.rows,
            newline: self.newline,
            scalingo: api.scalingo(),
            archive: api.archive.dir.clone(),
        }
    }
}

fn parse_newline(s: &str) -> Result<NewlineMode, BadNewlineMode> {
    s.parse()
}

pub fn parse_time(s: &str) -> Result<TimeSpec, <TimeSpec as std::str::FromStr>::Err> {
    s.parse()
}

/// A number option's value that is out of its range (the value given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadNumber {
    IdleLimit(String),
    Speed(String),
    Seconds(String),
}

impl std::fmt::Display for BadNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadNumber::IdleLimit(s) => write!(
                f,
                "invalid idle time limit '{s}': a number of seconds above 0"
            ),
            BadNumber::Speed(s) => write!(
                f,
                "invalid speed '{s}': a factor between 0.01 and 1000, such as 2 or 0.5"
            ),
            BadNumber::Seconds(s) => write!(
                f,
                "invalid number of seconds '{s}': a positive number such as 2 or 0.5"
            ),
        }
    }
}

impl std::error::Error for BadNumber {}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenFormat {
    /// Plain text, one line per row, trailing spaces trimmed
    Text,
    /// Text with colours and attributes as SGR escape sequences
    Ansi,
    /// A standalone HTML page: selectable text, colours, caption
    Html,
    /// A standalone SVG picture: colours, caption
    Svg,
}

/// Whether `--format ansi` uses colours.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colours unless the NO_COLOR environment variable is set (and not empty)
    #[default]
    Auto,
    /// Colours even when NO_COLOR is set
    Always,
    /// No colours (bold, underline, inverse… are kept)
    Never,
}

impl ColorChoice {
    pub fn colors(self) -> bool {
        match self {
            ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            ColorChoice::Always => true,
            ColorChoice::Never => false,
        }
    }
}

/// How a TIME outside the recording, or a time of day, is taken.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct Moments {
    /// Take the nearest end of the recording for a TIME outside it (instead of an error)
    #[arg(long)]
    pub clamp: bool,
    /// Read a time of day (10:27:40) in UTC instead of the recording's own offset
    #[arg(long)]
    pub utc: bool,
}

impl Moments {
    pub fn within(self) -> crate::timeline::Within {
        crate::timeline::Within {
            clamp: self.clamp,
            utc: self.utc,
        }
    }
}

#[derive(Args, Debug)]
pub struct ScreenArgs {
    #[command(flatten)]
    pub src: SourceArgs,
    /// The moment: seconds (12.5), a clock (1:02.5, 1:02:03), a percentage (50%), start, end,
    /// a time of day as the player shows it (10:27:40.352; @10:27 for hours and minutes), or a
    /// timestamp (RFC 3339, or without an offset: in the recording's). Every event at or
    /// before it is shown; a moment outside the recording is an error (see --clamp).
    #[arg(long, default_value = "end", value_parser = crate::timeline::timespec::TimeParser, allow_hyphen_values = true)]
    pub at: TimeSpec,
    #[command(flatten)]
    pub moments: Moments,
    /// Output format [default: from FILE's extension (.txt, .ans, .html, .svg), else text]
    #[arg(long, value_enum)]
    pub format: Option<ScreenFormat>,
    /// Write to FILE (replaced whole, or left as it was on error) instead of standard output
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<std::path::PathBuf>,
    /// Overwrite an existing FILE
    #[arg(long)]
    pub force: bool,
    /// Colours in `--format ansi`: auto follows NO_COLOR
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Mask secrets (the review rules' secret patterns) and keys typed without echo, keeping
    /// the layout; the source is not modified
    #[arg(long)]
    pub redact: bool,
}

#[derive(Args, Debug)]
pub struct InfoArgs {
    #[command(flatten)]
    pub src: SourceArgs,
    #[command(flatten)]
    pub context: ContextArgs,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TranscriptArgs {
    #[command(flatten)]
    pub src: SourceArgs,
    #[command(flatten)]
    pub context: ContextArgs,
    /// Include the output between the typed lines, as plain text
    #[arg(long)]
    pub output: bool,
    /// One JSON object per line: {t, time, type, text}
    #[arg(long)]
    pub json: bool,
    /// Mask secrets (the review rules' secret patterns) and keys typed without echo, keeping
    /// the layout; the source is not modified
    #[arg(long)]
    pub redact: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "SOURCE may also be a context file alone (a feed of its entries). Text: time \
in the session's offset, seconds from the session's start, lane, actor, text. --json: one \
object per line {time, t, lane, source, actor, text, fields}; lanes are command, marker, \
app-log, app-event, losant, datafold."
)]
pub struct TimelineArgs {
    #[command(flatten)]
    pub src: SourceArgs,
    #[command(flatten)]
    pub context: ContextArgs,
    /// One JSON object per line: {time, t, lane, source, actor, text, fields}
    #[arg(long)]
    pub json: bool,
}

/// A finding level, for `--fail-on`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelArg {
    High,
    Medium,
    Low,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Commands are read from the emulated screen at each Enter (what ran, after \
history recall, completion and edits), prompt stripped. Rules are data: see assets/rules.toml \
for the built-in set and its format. Exit status 0, or 3 with --fail-on when a finding at \
that level or above exists."
)]
pub struct ReviewArgs {
    /// The recordings: file paths, `-` for standard input, scalingo://APP/AUDIT_LOG_ID or archive://AUDIT_LOG_ID
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<OsString>,
    /// A TOML file of rules: new names are added, a built-in name is overridden, and
    /// `enabled = false` switches a rule off
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub rules: Option<std::path::PathBuf>,
    /// One JSON object per finding and line: {t, time, level, rule, command, evidence, why}
    /// (and session, with several sources)
    #[arg(long)]
    pub json: bool,
    /// Exit with status 3 when a finding at this level or above exists
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<LevelArg>,
    /// Show what was typed without echo (passwords) instead of only its length
    #[arg(long, conflicts_with = "redact")]
    pub show_secrets: bool,
    /// Mask secrets (the review rules' secret patterns) and keys typed without echo, keeping
    /// the layout; the source is not modified
    #[arg(long)]
    pub redact: bool,
    #[command(flatten)]
    pub term: TermArgs,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Args, Debug)]
#[command(
    after_help = "The page needs nothing else to be read (no script, no font, no image, no \
network: a Content-Security-Policy forbids any request) and prints well. It is written whole \
or not at all; an existing file is replaced only with --force."
)]
pub struct ReportArgs {
    /// The recording: a file path, `-` for standard input, or scalingo://APP/AUDIT_LOG_ID
    #[arg(value_name = "SOURCE")]
    pub source: OsString,
    /// Write the report to FILE
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: std::path::PathBuf,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
    /// A TOML file of rules, as `review --rules`
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub rules: Option<std::path::PathBuf>,
    /// Show what was typed without echo (passwords) instead of only its length
    #[arg(long, conflicts_with = "redact")]
    pub show_secrets: bool,
    /// Mask secrets (the review rules' secret patterns) and keys typed without echo, in the
    /// findings and on every screen; the source is not modified
    #[arg(long)]
    pub redact: bool,
    // `--with CONTEXT` (context lanes beside the terminal) comes here: its entries are
    // handed to `report::Report::context`, see src/report/mod.rs.
    #[command(flatten)]
    pub term: TermArgs,
    #[command(flatten)]
    pub api: ApiArgs,
}

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

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write auditty.1 and one page per command (auditty-screen.1, …) into DIR
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct PlayArgs {
    /// The recording: a file path, `-` for standard input, scalingo://APP/AUDIT_LOG_ID or archive://AUDIT_LOG_ID
    /// (default: the bundled demo)
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
