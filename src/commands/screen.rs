use super::{emit, load};
use crate::cli::{ScreenArgs, ScreenFormat};
use crate::error::{Error, Result};

pub fn run(args: &ScreenArgs) -> Result<()> {
    let loaded = load(&args.src)?;
    let t = args
        .at
        .resolve(&loaded.tl)
        .map_err(|e| Error::Usage(format!("--at: {e}")))?;
    let mut replay = loaded.replay();
    replay.seek_time(t);
    let screen = replay.screen();
    let text = match args.format {
        ScreenFormat::Text => crate::render::text(screen),
        ScreenFormat::Ansi => crate::render::ansi::ansi(screen),
    };
    emit(&text)
}
