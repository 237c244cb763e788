//! Command-line definitions of `review` and `report`.

use super::{ApiArgs, ContextArgs, ContextSources, TermArgs};
use clap::{Args, ValueEnum};
use std::ffi::OsString;

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
    /// Show what was typed without echo (passwords) instead of only its length, and
    /// variable values and other secrets in context entries in clear
    #[arg(long, conflicts_with = "redact")]
    pub show_secrets: bool,
    /// Mask secrets (the review rules' secret patterns) and keys typed without echo, in the
    /// findings, on every screen and in context entries; the source is not modified
    #[arg(long)]
    pub redact: bool,
    #[command(flatten)]
    pub sources: ContextSources,
    #[command(flatten)]
    pub term: TermArgs,
    #[command(flatten)]
    pub api: ApiArgs,
}

impl ReportArgs {
    /// The context flags as the other commands have them (`--show-secrets` being ours).
    pub fn context_args(&self) -> ContextArgs {
        ContextArgs {
            sources: self.sources.clone(),
            show_secrets: self.show_secrets,
        }
    }
}
