//! The player: a recording played like a movie in the terminal (ratatui).
//!
//! - [`clock`]: pure: time in, position out (speed, idle limit, loop, markers, the end);
//! - [`app`]: the state, changed only by `App::update(Action)`;
//! - [`keys`]: keys and the mouse → `Action`, in one place;
//! - [`ui`]: drawing, a pure function of the state, one widget per file;
//! - [`run`]: the terminal loop, the only code that touches the real terminal;
//! - [`background`]: indexing and analysis off the UI thread; [`search`]: finding text.

pub mod app;
pub mod background;
pub mod clock;
pub mod keys;
pub mod run;
pub mod search;
pub mod ui;

use crate::cli::{ApiArgs, PlayArgs, PlayOptions, SourceArgs, TermArgs};
use crate::commands::{self, Loaded};
use crate::error::{Error, Result};
use std::io::IsTerminal;
use std::time::Instant;

/// The demo recording `auditty` plays with no arguments.
pub const DEMO: &[u8] = include_bytes!("../../assets/demo.json");

/// Load what SOURCE names: a path, `-` for standard input, `scalingo://APP/ID`, or nothing
/// for the bundled demo. (The one place sources are resolved for the player.)
pub fn open(source: Option<&str>, term: &TermArgs, api: &ApiArgs) -> Result<Loaded> {
    match source {
        None => {
            let tl = crate::formats::load_bytes("demo", DEMO.to_vec())?;
            Ok(commands::prepare("demo".into(), tl, term))
        }
        Some(s) => commands::load(&SourceArgs {
            source: s.to_string(),
            term: term.clone(),
            api: api.clone(),
        }),
    }
}

/// The player's options from the command line.
pub fn options(o: &PlayOptions) -> app::Options {
    app::Options {
        clock: clock::ClockOptions {
            speed: o.speed,
            idle_limit: o.idle_time_limit.map(clock::secs_to_nanos),
            looping: o.looping,
            pause_on_markers: o.pause_on_markers,
        },
        start_at: o.start_at.clone(),
        paused: o.paused,
        utc: o.utc,
    }
}

/// `auditty play`.
pub fn run(args: &PlayArgs) -> Result<()> {
    let start = Instant::now();
    let loaded = open(args.source.as_deref(), &args.term, &args.api)?;
    if !std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "the player needs a terminal: for output to a file or a pipe, use `auditty screen` or `auditty transcript`"
                .into(),
        ));
    }
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let app =
        app::App::new(loaded, options(&args.opts), size, start.elapsed()).map_err(Error::Usage)?;
    run::run(app, start).map_err(Error::Runtime)?;
    Ok(())
}
