//! Errors that reach the user: one line, `FILE: WHERE: WHAT`.

use std::fmt;

/// Where in a source a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Nowhere in particular (the whole file).
    Whole,
    /// A line and column (1-based), as JSON parsers report them.
    LineCol(usize, usize),
    /// A byte offset in the (decompressed) stream.
    Byte(u64),
    /// An event, by its 0-based index in the file, with the line:column where known.
    Event(usize, Option<(usize, usize)>),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Whole => Ok(()),
            Place::LineCol(l, c) => write!(f, "{l}:{c}"),
            Place::Byte(b) => write!(f, "byte {b}"),
            Place::Event(i, None) => write!(f, "event {i}"),
            Place::Event(i, Some((l, c))) => write!(f, "event {i} ({l}:{c})"),
        }
    }
}

/// A recording could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file as the user named it (`-` is shown as `<stdin>`).
    pub file: String,
    pub place: Place,
    pub what: String,
}

impl LoadError {
    pub fn new(file: &str, place: Place, what: impl Into<String>) -> Self {
        LoadError {
            file: file.to_string(),
            place,
            what: what.into(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = crate::render::escape::escape_controls(&self.file);
        let what = crate::render::escape::escape_controls(&self.what);
        match self.place {
            Place::Whole => write!(f, "{file}: {what}"),
            ref p => write!(f, "{file}: {p}: {what}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Any failure of a command, already phrased for the user.
#[derive(Debug)]
pub enum Error {
    Load(LoadError),
    /// Bad command-line values that clap could not catch (exit status 2).
    Usage(String),
    /// Anything else at run time (exit status 1).
    Runtime(String),
    /// Standard output was closed by its reader (`| head`): the program ends quietly, with
    /// status 0, as `cat` does.
    ClosedPipe,
    /// The command did its work and ends with this status, with nothing more to say
    /// (`review --fail-on` when a finding reached the level: 3).
    Exit(i32),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) => e.fmt(f),
            Error::Usage(s) | Error::Runtime(s) => {
                f.write_str(&crate::render::escape::escape_controls(s))
            }
            Error::ClosedPipe => f.write_str("standard output was closed"),
            Error::Exit(code) => write!(f, "exit status {code}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Error::Load(e)
    }
}

impl Error {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::ClosedPipe => 0,
            Error::Exit(code) => *code,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
