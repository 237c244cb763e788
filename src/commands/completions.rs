//! `auditty completions SHELL` and `auditty man`: generated from the clap definitions.

use super::emit;
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::{Error, Result};
use clap::CommandFactory;
use std::io::Write;

pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "auditty", &mut buf);
    emit(out, &String::from_utf8_lossy(&buf))
}

pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<()> {
    let cmd = Cli::command();
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
            clap_mangen::generate_to(cmd, dir).map_err(fail)
        }
    }
}
