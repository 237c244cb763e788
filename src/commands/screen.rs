use super::{emit, rfc3339};
use crate::cli::{ScreenArgs, ScreenFormat};
use crate::error::{Error, Result};
use crate::recording::{self, Recording, Source};
use crate::timeline::{clock, TimeSpec};
use std::io::Write;

pub fn run(args: &ScreenArgs, out: &mut dyn Write) -> Result<()> {
    let source = args.src.source()?;
    let settings = args.src.settings();
    // the two-thread path reads the source itself: a redacted copy is replayed here instead
    let at_end = if args.at == TimeSpec::End && !args.redact {
        recording::pipeline::open_at_end(&source, &settings)?
    } else {
        None
    };
    let (loaded, t, term) = match at_end {
        Some((loaded, term)) => {
            let t = loaded.tl.duration() as i128;
            (loaded, t, term)
        }
        None => {
            let loaded = super::redact_if(recording::open(&source, &settings)?, args.redact);
            let t = args
                .at
                .resolve(&loaded.tl)
                .map_err(|e| Error::Usage(format!("--at: {e}")))?;
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
    let text = match args.format {
        ScreenFormat::Text => crate::render::text(screen),
        ScreenFormat::Ansi => crate::render::ansi::ansi_with(screen, args.color.colors()),
        ScreenFormat::Html | ScreenFormat::Svg => {
            let caption = caption(&source, &loaded, t);
            let theme = &crate::render::picture::DARK;
            if args.format == ScreenFormat::Html {
                crate::render::html::html(screen, theme, &caption)
            } else {
                crate::render::svg::svg(screen, theme, &caption)
            }
        }
    };
    match &args.output {
        None => emit(out, &text),
        Some(path) => crate::output::write(path, text.as_bytes(), &Default::default())
            .map_err(|e| Error::Runtime(format!("{}: cannot write: {e}", path.display()))),
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
