use super::{emit, rfc3339};
use crate::cli::{ScreenArgs, ScreenFormat};
use crate::error::{Error, Result};
use crate::recording::{self, Recording, Source};
use crate::timeline::clock;
use std::io::Write;

pub fn run(args: &ScreenArgs, out: &mut dyn Write) -> Result<()> {
    let source = args.src.source()?;
    let loaded = recording::open(&source, &args.src.settings())?;
    let t = args
        .at
        .resolve(&loaded.tl)
        .map_err(|e| Error::Usage(format!("--at: {e}")))?;
    let mut replay = loaded.replay_once();
    replay.seek_time(t);
    let screen = replay.screen();
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
