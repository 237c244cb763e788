//! `auditty play` (and bare `auditty`): a recording in the player, or with `--app APP` and no
//! SOURCE, the session picker.

use crate::cli::{PlayArgs, PlayOptions};
use crate::error::{Error, Result};
use crate::player::{app, clock, run, session};
use crate::recording::{self, Source};
use std::ffi::OsStr;
use std::io::IsTerminal;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

/// The player's options from the command line.
pub fn options(o: &PlayOptions) -> app::Options {
    app::Options {
        clock: clock::ClockOptions {
            speed: o.speed,
            idle_limit: o.idle_time_limit.map(crate::timeline::secs_to_nanos),
            looping: o.looping,
            pause_on_markers: o.pause_on_markers,
        },
        start_at: o.start_at.clone(),
        clamp: o.clamp,
        paused: o.paused,
        utc: o.utc,
        save_dir: o.save_dir.clone(),
        work_clock: Some(app::sync::WorkClock::real()),
    }
}

pub fn run(args: &PlayArgs) -> Result<()> {
    let start = Instant::now();
    if let (None, Some(app)) = (&args.source, &args.app) {
        return pick(app, args, start);
    }
    if let (None, Some(_)) = (&args.source, &args.api.archive.dir) {
        return pick_archived(args, start);
    }
    let cx = &args.opts.context;
    let with = cx.sources(args.source.as_deref())?;
    let settings = args.term.settings(&args.api);
    // a big file: the player opens on its start while the rest is read
    if let Some(spec) = args
        .source
        .as_deref()
        .filter(|_| with.is_empty() && !cx.context && args.opts.start_at.is_none())
    {
        if !crate::context::Source::is_uri(spec) {
            let source = Source::parse(spec)?;
            if let Some(prefix) = recording::prefix::open_prefix(&source, &settings) {
                return play_prefix(prefix, &source, &settings, args, start);
            }
        }
    }
    // a context file alone plays as a feed: its entries (and the --with ones) are its context
    let (loaded, feed_rows) = match &args.source {
        None => (recording::open(&Source::Demo, &settings)?, None),
        Some(spec) => {
            let o = super::feed::open(spec, &settings, cx, &args.api)?;
            (o.rec, o.rows)
        }
    };
    super::warn(&loaded);
    // read before the terminal is taken over: a bad context file is an `error:` line
    let rows = match feed_rows {
        Some(rows) => rows,
        None => super::context_rows(&loaded, &with, cx, &args.api)?,
    };
    let mut opts = options(&args.opts);
    if let Some(spec) = &args.opts.start_at {
        // checked here, before the terminal is taken over: the player gets the position
        let within = crate::timeline::Within {
            clamp: args.opts.clamp,
            utc: args.opts.utc,
        };
        let t = super::moment(spec, &loaded, within, "--start-at")?;
        opts.start_at = Some(crate::timeline::TimeSpec::Offset(t));
    }
    need_terminal()?;
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let mut app = app::App::new(loaded, opts, size, start.elapsed())
        .map_err(|e| Error::Usage(e.to_string()))?;
    app.set_context(rows);
    run::run(app, start).map_err(terminal)?;
    Ok(())
}

/// The player on the start of a big file, the whole read on a thread and swapped in when it
/// is ready; reading it failing past the start ends the player with an `error:` line.
fn play_prefix(
    prefix: recording::Recording,
    source: &Source,
    settings: &recording::Settings,
    args: &PlayArgs,
    start: Instant,
) -> Result<()> {
    super::warn(&prefix);
    need_terminal()?;
    let whole = Rc::new(recording::prefix::Loading::spawn(source, settings)?);
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let opts = options(&args.opts);
    let mut app = app::App::new(prefix, opts, size, start.elapsed())
        .map_err(|e| Error::Usage(e.to_string()))?;
    let theirs = Rc::clone(&whole);
    app.set_loading(app::loading::Loading::new(
        Box::new(move |_| theirs.try_take()),
        Box::new(move || whole.percent()),
    ));
    run::with_terminal(start, |io| run::play(&mut app, io)).map_err(terminal)?;
    match app.failed() {
        Some(e) => Err(Error::Runtime(e.to_string())),
        None => Ok(()),
    }
}

/// In a session picker, the context of each session chosen: the `--with` sources (with
/// `--context`, `app`'s logs and events too) checked now, read once a session is (`None`:
/// no context asked for).
fn context_of(args: &PlayArgs, app: Option<&str>) -> Result<Option<session::ContextOf>> {
    let cx = &args.opts.context;
    let with = match app {
        // `--context` names the app of a scalingo://APP/ID session: any ID will do
        Some(app) if cx.context => cx.sources(Some(OsStr::new(&format!("scalingo://{app}/-"))))?,
        _ => cx.sources(None)?,
    };
    if with.is_empty() {
        return Ok(None);
    }
    cx.margin()?;
    for spec in &with {
        crate::context::Source::parse(spec)?;
    }
    let (cx, api) = (cx.clone(), args.api.clone());
    Ok(Some(Arc::new(move |rec: &recording::Recording| {
        super::context_rows(rec, &with, &cx, &api).map_err(crate::player::picker::Failure::of)
    })))
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
    let cfg = super::api::config(&args.api)?;
    let context = context_of(args, Some(app))?;
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
            settings: args.term.settings(&args.api),
            opts: options(&args.opts),
            context,
        },
        start,
    )
    .map_err(terminal)
}

/// `auditty play --archive [DIR]` (or `--archive --db URL`): the picker on the archive,
/// offline (an archive that is not there is an `error:` line before the terminal is taken
/// over).
fn pick_archived(args: &PlayArgs, start: Instant) -> Result<()> {
    let place = args.api.archive.place();
    crate::archive::open_existing(&place)?;
    let context = context_of(args, None)?;
    if !std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "the session picker needs a terminal: for a list, use `auditty archive ls`".into(),
        ));
    }
    crate::player::archive_picker::run(
        crate::player::archive_picker::ArchivePicking {
            place,
            settings: args.term.settings(&args.api),
            opts: options(&args.opts),
            context,
        },
        start,
    )
    .map_err(terminal)
}

fn terminal(e: run::TerminalError) -> Error {
    Error::Runtime(e.to_string())
}
