//! Command-line definitions of the archive: `archive sync`, `archive ls`, `search`.

use super::ApiArgs;
use crate::archive::{DbUrl, Place};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Where the archive is (`--archive DIR`, `$AUDITTY_ARCHIVE`; `--db URL`, `$AUDITTY_DB`).
#[derive(Args, Debug, Clone, Default)]
pub struct ArchiveDir {
    /// The archive's folder [default: $AUDITTY_ARCHIVE, else the platform's data folder +
    /// auditty/]; `play --archive` with no SOURCE picks a session from it
    #[arg(
        long = "archive",
        value_name = "DIR",
        num_args = 0..=1,
        default_missing_value = "",
        value_parser = clap::builder::TypedValueParser::map(clap::builder::OsStringValueParser::new(), PathBuf::from),
        help_heading = "Archive"
    )]
    pub dir: Option<PathBuf>,
    /// The archive in PostgreSQL instead, e.g. postgres://USER@127.0.0.1:5432/auditty
    /// [default: $AUDITTY_DB]; the password, if any, is never shown
    #[arg(
        long = "db",
        value_name = "URL",
        value_parser = |s: &str| Ok::<_, std::convert::Infallible>(DbUrl::flag(s)),
        help_heading = "Archive"
    )]
    pub db: Option<DbUrl>,
}

impl ArchiveDir {
    /// Where the archive is, as the archive module takes it.
    pub fn place(&self) -> Place {
        Place {
            dir: self.dir.clone(),
            db: self.db.clone(),
        }
    }
}

#[derive(Args, Debug)]
pub struct ArchiveArgs {
    #[command(subcommand)]
    pub command: ArchiveCommand,
}

#[derive(Subcommand, Debug)]
pub enum ArchiveCommand {
    /// Download, store and index every one-off session's audit log not archived yet
    Sync(SyncArgs),
    /// List the archived sessions, newest first
    Ls(LsArgs),
}

/// Which sessions: by app, operator, time.
#[derive(Args, Debug, Clone, Default)]
pub struct SessionFilter {
    /// Only this app's sessions (may be repeated)
    #[arg(long, value_name = "APP")]
    pub app: Vec<String>,
    /// Only the sessions of this operator (email or username)
    #[arg(long, value_name = "EMAIL")]
    pub user: Option<String>,
    /// Only sessions started at or after DATE (YYYY-MM-DD, or RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only sessions started before the end of DATE (YYYY-MM-DD, or RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// The app whose sessions to archive (may be repeated) [default: $SCALINGO_APP]
    #[arg(long, value_name = "APP")]
    pub app: Vec<String>,
    /// Only sessions started at or after DATE (YYYY-MM-DD, or RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Args, Debug)]
pub struct LsArgs {
    #[command(flatten)]
    pub filter: SessionFilter,
    /// Print JSON: one object per session
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub archive: ArchiveDir,
}

/// Where `search` looks.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchIn {
    Commands,
    Output,
    All,
}

#[derive(Args, Debug)]
#[command(
    after_help = "QUERY: words (all must match), \"phrases in quotes\", prefixes (DROP*). \
                  Searches every archived session, offline."
)]
pub struct SearchArgs {
    /// What to find
    pub query: String,
    #[command(flatten)]
    pub filter: SessionFilter,
    /// Search the commands, the output, or both
    #[arg(long = "in", value_enum, value_name = "WHAT", default_value = "all")]
    pub scope: SearchIn,
    /// At most N hits
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    /// Print JSON: one object per line
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub archive: ArchiveDir,
}
