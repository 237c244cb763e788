//! Command-line definitions: one struct per subcommand.

use crate::emulator::{BadNewlineMode, NewlineMode};
use crate::recording::{ScalingoApi, Settings, Source};
use crate::timeline::TimeSpec;
use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;

pub mod archive;
pub mod context;
mod export;
mod play;
mod review;
mod screen;
pub use archive::{
    ArchiveArgs, ArchiveCommand, ArchiveDir, LsArgs, SearchArgs, SearchIn, SessionFilter, SyncArgs,
};
pub use context::{ContextApiArgs, ContextArgs, ContextSources};
pub use export::*;
pub use play::*;
pub use review::*;
pub use screen::*;

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
    /// The recording: a file path, `-` for standard input, scalingo://APP/AUDIT_LOG_ID or archive://AUDIT_LOG_ID;
    /// or a context file alone (app logs, app events, Losant or Datafold audit logs), played as a
    /// feed of its entries
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
    /// Terminal width (default: from the recording, else inferred from its output; 80 for a
    /// feed)
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=2000))]
    pub cols: Option<u16>,
    /// Terminal height (default: from the recording, else inferred from its output; 24 for a
    /// feed)
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
            archive: api.archive.place(),
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
    /// the layout, in the context entries (--with) too; the source is not modified
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
    /// Mask secrets (the review rules' secret patterns) and keys typed without echo, in the
    /// session's commands and markers and in every context entry's text, actor and fields;
    /// the sources are not modified
    #[arg(long)]
    pub redact: bool,
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
