//! Command-line definitions of `screen`: formats, colours, how a TIME is taken.

use super::SourceArgs;
use crate::timeline::TimeSpec;
use clap::{Args, ValueEnum};

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
