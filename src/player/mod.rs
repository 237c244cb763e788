//! The player: a recording played like a movie in the terminal (ratatui).
//!
//! - [`clock`]: pure: time in, position out (speed, idle limit, loop, markers, the end);
//! - [`action`]: what the player can be asked to do ([`action::Action`]) and its modes;
//! - [`app`]: the state, changed only by `App::update(Action)`, which hands each action to
//!   its part: [`playback`] (clock, position, markers), [`search`] (the query, its hits),
//!   [`panels`] (the side panels, one file each), [`viewport`] (pan, follow the cursor),
//!   [`prompt`] (what is being typed);
//! - [`layout`]: where things go on the terminal, a pure function of sizes;
//! - [`keys`]: keys and the mouse → `Action`, in one place;
//! - [`ui`]: drawing, a pure function of the state, one widget per file;
//! - [`run`]: the terminal loop behind the [`run::Io`] trait (the real terminal and clock,
//!   or a fake in tests), the only code that touches the real terminal;
//! - [`background`]: indexing and analysis off the UI thread; [`search`]: finding text;
//! - [`picker`]: the session picker's state (`play --app APP`); [`session`]: its loop
//!   (behind the same `Io`, its network behind `session::Effects`), which opens players
//!   and comes back to the list.
//!
//! Imports run one way: `action` and `layout` import nothing of the player; the parts
//! (`playback`, `search`, `viewport`, `prompt`, `panels`) import neither `app` nor `ui`;
//! `app` imports the parts, never `ui`; `ui` reads `app` and draws.

pub mod action;
pub mod app;
pub mod background;
pub mod clock;
#[cfg(test)]
pub(crate) mod fake;
pub mod keys;
pub mod layout;
pub mod panels;
pub mod picker;
pub mod playback;
pub mod prompt;
pub mod run;
pub mod search;
pub mod session;
pub mod ui;
pub mod viewport;

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

/// `auditty play`: a recording, or with `--app APP` and no SOURCE, the session picker.
pub fn run(args: &PlayArgs) -> Result<()> {
    let start = Instant::now();
    if let (None, Some(app)) = (&args.source, &args.app) {
        return pick(app, args, start);
    }
    let loaded = open(args.source.as_deref(), &args.term, &args.api)?;
    need_terminal()?;
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let app =
        app::App::new(loaded, options(&args.opts), size, start.elapsed()).map_err(Error::Usage)?;
    run::run(app, start).map_err(Error::Runtime)?;
    Ok(())
}

fn need_terminal() -> Result<()> {
    if !std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "the player needs a terminal: for output to a file or a pipe, use `auditty screen` or `auditty transcript`"
                .into(),
        ));
    }
    Ok(())
}

/// `auditty play --app APP`: what can be checked without the network is checked before the
/// terminal is taken over (an `error:` line, exit status 1); what the API answers is shown
/// in the picker.
fn pick(app: &str, args: &PlayArgs, start: Instant) -> Result<()> {
    if app.trim().is_empty() {
        return Err(Error::Usage("--app: the app name is empty".into()));
    }
    let cfg = commands::api::config(&args.api)?;
    if cfg.token.is_none() {
        return Err(Error::Runtime(
            crate::scalingo::ApiError::MissingToken.to_string(),
        ));
    }
    if !std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "the session picker needs a terminal: for a list, use `auditty sessions --app APP`"
                .into(),
        ));
    }
    session::run(
        session::Picking {
            app: app.to_string(),
            cfg,
            term: args.term.clone(),
            opts: options(&args.opts),
        },
        start,
    )
    .map_err(Error::Runtime)
}
