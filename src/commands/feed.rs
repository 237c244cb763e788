//! A SOURCE that is not a recording but a context file (its kind told by its content, as
//! `--with` tells it) opens as a feed of its entries ([`crate::context::feed`]), for `play`,
//! `info`, `screen`, `transcript`, `export` and `timeline`; its `--with` sources are merged
//! in, over the window around its entries.

use crate::cli::{ApiArgs, ContextArgs};
use crate::context::feed::{self, Part};
use crate::context::merge::Row;
use crate::error::{Error, LoadError, Result};
use crate::recording::{self, Recording, Settings};
use std::ffi::OsStr;
use std::sync::Arc;

/// What a SOURCE opened to.
pub struct Opened {
    pub rec: Recording,
    /// A feed's rows: its entries and its `--with` sources' (`None`: a recording, whose
    /// `--with` sources its command reads around it).
    pub rows: Option<Vec<Row>>,
    /// A feed's sources (none for a recording).
    pub parts: Vec<Part>,
}

/// `spec` opened as a recording, or, when it is none, as a feed (its warnings not said: the
/// caller says them).
/// [`open`] of a command's SOURCE, with its context sources (the `--with` ones, and with
/// `--context` the session's app's), checked before it is opened.
pub fn open_source(
    src: &crate::cli::SourceArgs,
    cx: &ContextArgs,
) -> Result<(Vec<std::ffi::OsString>, Opened)> {
    let with = cx.sources(Some(&src.source))?;
    let opened = open(&src.source, &src.settings(), cx, &src.api)?;
    Ok((with, opened))
}

pub fn open(spec: &OsStr, settings: &Settings, cx: &ContextArgs, api: &ApiArgs) -> Result<Opened> {
    if crate::context::Source::is_uri(spec) {
        return uri(spec, settings, cx, api);
    }
    match recording::open(&recording::Source::parse(spec)?, settings) {
        Ok(rec) => Ok(Opened {
            rec,
            rows: None,
            parts: Vec::new(),
        }),
        Err(e) => instead(spec, e, settings, cx, api),
    }
}

/// When opening `spec` as a recording failed with `err`: its feed if it is a context file,
/// else `err` (which says, when the file is not a recording, that it is no context file
/// either).
pub fn instead(
    spec: &OsStr,
    err: Error,
    settings: &Settings,
    cx: &ContextArgs,
    api: &ApiArgs,
) -> Result<Opened> {
    if crate::context::Source::is_uri(spec) {
        return uri(spec, settings, cx, api);
    }
    let Error::Load(e) = err else {
        return Err(err);
    };
    let source = recording::Source::parse(spec)?;
    let recording::Source::Path(path) = &source else {
        return Err(Error::Load(e));
    };
    let name = source.name();
    match feed::read_file(path, &name, &cx.options()) {
        Ok(Some(read)) => {
            let file = (read.sha256, read.len, read.gzip);
            build(name, read.context, Some(file), settings, cx, api)
        }
        Ok(None) | Err(_) => Err(Error::Load(neither(e))),
    }
}

/// A context URI alone (an API has no window to be read over: its own error says so).
fn uri(spec: &OsStr, settings: &Settings, cx: &ContextArgs, api: &ApiArgs) -> Result<Opened> {
    let source = crate::context::Source::parse(spec)?;
    let first = crate::context::open(&source, &cx.options(), &cx.apis(api))?;
    build(source.name(), first, None, settings, cx, api)
}

/// The feed of `first` and the `--with` sources; `file`: the sha256, size and compression
/// of the file `first` was read from.
fn build(
    name: String,
    first: crate::context::Context,
    file: Option<(String, u64, bool)>,
    settings: &Settings,
    cx: &ContextArgs,
    api: &ApiArgs,
) -> Result<Opened> {
    let with = cx.sources(None)?;
    let all = feed::with_sources(first, &with, &cx.options(), cx.margin()?, &cx.apis(api))?;
    let mut f = feed::build(name, all, settings.cols, settings.rows)?;
    if let (Some((sha256, len, gzip)), Some(tl)) = (file, Arc::get_mut(&mut f.rec.tl)) {
        (tl.sha256, tl.source_len, tl.gzip) = (sha256, len, gzip);
    }
    Ok(Opened {
        rec: f.rec,
        rows: Some(f.rows),
        parts: f.parts,
    })
}

/// What the recording readers say of content that is no recording, and a context file may
/// be: for a file that is neither, the error names both.
fn neither(mut e: LoadError) -> LoadError {
    let not_a_recording = e.what.contains("not a recording")
        || e.what
            .contains("neither an audit log event nor an asciicast header");
    if not_a_recording {
        e.what.push_str(
            "; nor a context file (Scalingo app logs or app events, Losant or Datafold audit \
             logs)",
        );
    }
    e
}
