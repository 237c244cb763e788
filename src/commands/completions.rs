//! `auditty completions SHELL` and `auditty man`: generated from the clap definitions.

use super::emit;
use crate::cli::{CompletionsArgs, ManArgs};
use crate::error::{Error, Result};
use std::io::Write;

pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut cmd = crate::usage::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "auditty", &mut buf);
    emit(out, &String::from_utf8_lossy(&buf))
}

pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<()> {
    let cmd = crate::usage::command();
    match &args.dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut buf)
                .map_err(|e| Error::Runtime(format!("cannot render the manual page: {e}")))?;
            emit(out, &String::from_utf8_lossy(&buf))
        }
        Some(dir) => {
            let fail =
                |e: std::io::Error| Error::Runtime(format!("{}: cannot write: {e}", dir.display()));
            std::fs::create_dir_all(dir).map_err(fail)?;
            write_pages(cmd, dir).map_err(fail)
        }
    }
}

/// One page per command, as `clap_mangen::generate_to` makes them, each written whole by
/// [`crate::output`] (which keeps a replaced page's mode and writes into a device or FIFO).
fn write_pages(cmd: clap::Command, dir: &std::path::Path) -> std::io::Result<()> {
    fn pages(cmd: clap::Command, dir: &std::path::Path) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            pages(sub, dir)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        man.render(&mut page)?;
        crate::output::write(&dir.join(man.get_filename()), &page, &Default::default())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    pages(cmd, dir)
}
