use super::{emit, rfc3339};
use crate::cli::{ScreenArgs, ScreenFormat};
use crate::error::{Error, Result};
use crate::recording::{self, Recording, Source};
use crate::timeline::{clock, TimeSpec};
use std::io::Write;

/// The format for a file name's extension (`.txt`, `.ans`, `.html`, `.svg`).
fn by_extension(ext: &str) -> Option<ScreenFormat> {
    match ext {
        "txt" | "text" => Some(ScreenFormat::Text),
        "ans" | "ansi" => Some(ScreenFormat::Ansi),
        "html" | "htm" => Some(ScreenFormat::Html),
        "svg" => Some(ScreenFormat::Svg),
        _ => None,
    }
}

fn name(f: ScreenFormat) -> String {
    match f {
        ScreenFormat::Text => "text",
        ScreenFormat::Ansi => "ansi",
        ScreenFormat::Html => "html",
        ScreenFormat::Svg => "svg",
    }
    .into()
}

pub fn run(args: &ScreenArgs, out: &mut dyn Write) -> Result<()> {
    let (format, options) = match &args.output {
        None => (
            args.format.unwrap_or(ScreenFormat::Text),
            Default::default(),
        ),
        Some(path) => (
            super::outfile::format(
                path,
                args.format,
                ScreenFormat::Text,
                by_extension,
                ".txt, .ans, .html or .svg",
                name,
            )?,
            super::outfile::options(path, args.force)?,
        ),
    };
    let source = args.src.source()?;
    let settings = args.src.settings();
    // the two-thread path reads the source itself: a redacted copy is replayed here instead
    // a context file alone is a feed of its entries
    let no_context = crate::cli::ContextArgs::default();
    let or_feed =
        |e| super::feed::instead(&args.src.source, e, &settings, &no_context, &args.src.api);
    let mut feed = None;
    let at_end = if args.at == TimeSpec::End && !args.redact {
        match recording::pipeline::open_at_end(&source, &settings) {
            Ok(at_end) => at_end,
            Err(e) => {
                feed = Some(or_feed(e)?.rec);
                None
            }
        }
    } else {
        None
    };
    let (loaded, t, term) = match at_end {
        Some((loaded, term)) => {
            super::warn(&loaded);
            let t = loaded.tl.duration() as i128;
            (loaded, t, term)
        }
        None => {
            let loaded = match feed {
                Some(rec) => rec,
                None => match recording::open(&source, &settings) {
                    Ok(rec) => rec,
                    Err(e) => or_feed(e)?.rec,
                },
            };
            let loaded = super::redact_if(loaded, args.redact);
            super::warn(&loaded);
            let t = super::moment(&args.at, &loaded, args.moments.within(), "--at")? as i128;
            let mut replay = loaded.replay_once();
            replay.seek_time(t);
            (loaded, t, replay.into_term())
        }
    };
    let masked = args.redact.then(|| {
        crate::review::redact::Redactor::new(&crate::review::rules::Rules::builtin())
            .screen(term.screen())
    });
    let screen = masked.as_ref().unwrap_or(term.screen());
    let text = match format {
        ScreenFormat::Text => crate::render::text(screen),
        ScreenFormat::Ansi => crate::render::ansi::ansi_with(screen, args.color.colors()),
        ScreenFormat::Html | ScreenFormat::Svg => {
            let caption = caption(&source, &loaded, t);
            let theme = &crate::render::picture::DARK;
            if format == ScreenFormat::Html {
                crate::render::html::html(screen, theme, &caption)
            } else {
                crate::render::svg::svg(screen, theme, &caption)
            }
        }
    };
    match &args.output {
        None => emit(out, &text),
        Some(path) => crate::output::write(path, text.as_bytes(), &options).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                return super::outfile::exists(path);
            }
            Error::Runtime(format!("{}: cannot write: {e}", path.display()))
        }),
    }
}

/// `FILE — wall-clock time (elapsed / duration)`, plain text (the renderers escape it).
pub fn caption(source: &Source, loaded: &Recording, t: i128) -> String {
    let tl = &loaded.tl;
    let at = t.clamp(0, tl.duration() as i128) as u64;
    let name = source.short_name();
    let when = match tl.wall_clock(at) {
        Some(w) => format!("{} ", rfc3339(&w)),
        None => String::new(),
    };
    format!("{name} — {when}({} / {})", clock(at), clock(tl.duration()))
}
