//! A context source alone, played as a feed: a [`Recording`] whose timeline has one output
//! event per entry, at the entry's time (from the first entry, whose time is the feed's
//! wall-clock start), each drawing one line — time, lane, actor, text, every control
//! character escaped and the line cut at the screen's width — on a screen that scrolls as a
//! log does. The same entries, as rows, are the feed's context (the player's panel, ticks,
//! `[`/`]`, `/`).
//!
//! Nothing from an entry reaches the emulator raw: the only control bytes in a feed's
//! timeline are CR, LF, the SGR written here and the cursor hidden at the start.

use super::merge::{self, Row};
use super::{Apis, Context, Kind, Lane, Options, Window};
use crate::error::{LoadError, Place, Result};
use crate::geometry::{Geometry, DEFAULT_COLS, DEFAULT_ROWS};
use crate::recording::Recording;
use crate::render::escape::escape_controls;
use crate::timeline::{self, Format, Timeline};
use chrono::{DateTime, FixedOffset};
use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;
use unicode_width::UnicodeWidthChar;

/// A feed: the recording drawn, its rows (every source's entries, in time order), and what
/// each source held.
pub struct Feed {
    pub rec: Recording,
    pub rows: Vec<Row>,
    pub parts: Vec<Part>,
}

/// What one source of a feed held.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub kind: Kind,
    /// Entries read.
    pub total: usize,
    /// Entries kept (a `--with` source: those in the window around the feed).
    pub entries: usize,
    pub warnings: Vec<String>,
}

/// A context file read for a feed, with what `info` says of the file itself.
pub struct Read {
    pub context: Context,
    pub sha256: String,
    pub len: u64,
    pub gzip: bool,
}

/// The context file at `path`, or `None` when its first bytes say it cannot be one (see
/// [`super::detect::could_be`]: a file that is neither a recording nor a context file is
/// not read to its end twice).
pub fn read_file(path: &Path, name: &str, opts: &Options) -> Result<Option<Read>, LoadError> {
    use sha2::Digest;
    let bytes = super::detect::read_file(path, name)?;
    if !super::detect::could_be(&bytes) {
        return Ok(None);
    }
    let sha256 = crate::formats::hex(&sha2::Sha256::digest(&bytes));
    let (len, gzip) = (
        bytes.len() as u64,
        bytes.starts_with(crate::formats::GZIP_MAGIC),
    );
    let context = super::from_bytes(name, bytes, opts)?;
    Ok(Some(Read {
        context,
        sha256,
        len,
        gzip,
    }))
}

/// `first` and the `with` sources (`--with`), each read over the window from `margin`
/// before `first`'s first entry to `margin` after its last.
pub fn with_sources(
    first: Context,
    with: &[OsString],
    opts: &Options,
    margin: i128,
    apis: &Apis,
) -> Result<Vec<Context>> {
    let window = match (first.entries.first(), first.entries.last()) {
        (Some(a), Some(b)) => Some(Window::around(a.time, b.time, margin)),
        _ => None,
    };
    let mut all = vec![first];
    all.extend(merge::open_all(with, opts, window.as_ref(), apis)?);
    Ok(all)
}

/// The feed of `contexts` (the first the one named `name`), drawn `cols` wide (80 unless
/// given) on `rows` lines (24 unless given).
pub fn build(
    name: String,
    contexts: Vec<Context>,
    cols: Option<u16>,
    rows: Option<u16>,
) -> Result<Feed, LoadError> {
    let parts: Vec<Part> = contexts
        .iter()
        .map(|c| Part {
            name: c.name.clone(),
            kind: c.kind,
            total: c.total,
            entries: c.entries.len(),
            warnings: c.warnings.clone(),
        })
        .collect();
    let mut tl = Timeline::new(Vec::new());
    tl.format = Some(Format::Feed);
    let kinds: Vec<&str> = parts.iter().map(|p| p.kind.name()).collect();
    tl.title = Some(kinds.join(" + "));
    // the feed's own source's warnings (the --with ones' are its parts', as beside a session)
    for w in parts.iter().take(1).flat_map(|p| &p.warnings) {
        tl.warn(Place::Whole, w.clone());
    }
    let feed_rows = merge::feed(contexts);
    let geometry = Geometry {
        cols: cols.unwrap_or(DEFAULT_COLS),
        rows: rows.unwrap_or(DEFAULT_ROWS),
        // not "default": that would say the size was guessed
        source: match (cols, rows) {
            (Some(_), Some(_)) => "given".to_string(),
            (None, None) => "a feed".to_string(),
            (Some(_), None) => "given cols, a feed".to_string(),
            (None, Some(_)) => "given rows, a feed".to_string(),
        },
    };
    draw(&name, &mut tl, &feed_rows, geometry.cols)?;
    if feed_rows.is_empty() {
        tl.warn(Place::Whole, "no entries: nothing to play");
    }
    Ok(Feed {
        rec: Recording {
            name,
            tl: Arc::new(tl),
            geometry,
            crlf: false,
        },
        rows: feed_rows,
        parts,
    })
}

/// DECTCEM off.
const HIDE_CURSOR: &str = "\x1b[?25l";

/// One output event per row, at its time: its line (after a line feed, but the first),
/// then a carriage return.
fn draw(name: &str, tl: &mut Timeline, rows: &[Row], cols: u16) -> Result<(), LoadError> {
    let Some(start) = rows.first().and_then(|r| r.time) else {
        return Ok(());
    };
    tl.start = Some(start);
    let last = rows.last().and_then(|r| r.time).unwrap_or(start);
    let dated = start.date_naive() != last.date_naive();
    for (i, r) in rows.iter().enumerate() {
        let t = timeline::check_span(r.t)
            .map_err(|what| LoadError::new(name, Place::Whole, format!("entry {i}: {what}")))?;
        // the cursor hidden, and back at the line's start (where the player's view follows it)
        let mut bytes = if i == 0 { HIDE_CURSOR } else { "\n" }.to_string();
        bytes.push_str(&line(r, cols, dated));
        bytes.push('\r');
        tl.push(t, timeline::Kind::Output, bytes.as_bytes());
    }
    Ok(())
}

/// The widest an actor is shown in a line (the rest is in the context panel).
const ACTOR_WIDTH: usize = 24;

/// An entry's line: `TIME  LANE  ACTOR  TEXT`, the time dimmed and the lane in its tick's
/// colour, everything from the entry escaped, at most `cols` columns (cut with `…`).
pub fn line(r: &Row, cols: u16, dated: bool) -> String {
    let time = r.time.map_or_else(|| "-".to_string(), |t| clock(&t, dated));
    let mut parts: Vec<(&str, String)> = vec![
        ("2", time),
        ("", "  ".into()),
        (lane_sgr(r.lane), format!("{:<9}", r.lane.name())),
        ("", "  ".into()),
    ];
    if let Some(a) = &r.actor {
        parts.push(("", cut(&escape_controls(a), ACTOR_WIDTH)));
        parts.push(("", "  ".into()));
    }
    parts.push(("", escape_controls(&r.text)));
    let total: usize = parts.iter().map(|(_, s)| width(s)).sum();
    let cols = usize::from(cols.max(1));
    let mut room = if total <= cols { cols } else { cols - 1 };
    let mut out = String::new();
    for (sgr, s) in &parts {
        if room == 0 {
            break;
        }
        if !sgr.is_empty() {
            out.push_str(&format!("\x1b[{sgr}m"));
        }
        for c in s.chars() {
            let w = c.width().unwrap_or(0);
            if w > room {
                room = 0;
                break;
            }
            room -= w;
            out.push(c);
        }
        if !sgr.is_empty() {
            out.push_str("\x1b[0m");
        }
    }
    if total > cols {
        out.push('…');
    }
    out
}

/// `10:00:07.000`, with the date when the feed spans more than a day.
fn clock(t: &DateTime<FixedOffset>, dated: bool) -> String {
    t.format(if dated {
        "%Y-%m-%d %H:%M:%S%.3f"
    } else {
        "%H:%M:%S%.3f"
    })
    .to_string()
}

/// The SGR colour of a lane's tick on the player's bar.
fn lane_sgr(lane: Lane) -> &'static str {
    match lane {
        Lane::Command => "32",
        Lane::Marker => "35",
        Lane::AppLog => "94",
        Lane::AppEvent => "91",
        Lane::Losant => "92",
        Lane::Datafold => "96",
    }
}

fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// At most `max` columns of (escaped) `s`, with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut room = max - 1;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if w > room {
            break;
        }
        room -= w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
