//! The command line as clap parses it, with what `--help` adds (the player's keys, how TIME
//! is written) and usage errors that name the likely subcommand or the command a flag belongs
//! to.

use crate::cli::Cli;
use std::ffi::OsString;
/// The player's keys, from its key table, for `--help` and the manual page.
pub fn player_keys() -> String {
    let mut s = String::from("Keys in the player:\n");
    for (key, what) in crate::player::keys::HELP {
        s.push_str(&format!("  {key:<18} {what}\n"));
    }
    s.push_str(&format!("  {}", crate::player::keys::LEGEND.join("\n  ")));
    s
}

/// The command line as clap sees it: [`Cli`]'s, with the player's keys after the long help
/// of `auditty` and `auditty play`, and how to write a time of day after `screen`'s.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let keys = player_keys();
    let root = crate::cli::Cli::command();
    let after = root
        .get_after_help()
        .map(|h| format!("{h}\n\n"))
        .unwrap_or_default();
    root.after_long_help(format!("{after}{keys}"))
        .mut_subcommand("play", |c| {
            c.after_long_help(format!("{TIME_HELP}\n\n{keys}"))
        })
        .mut_subcommand("screen", |c| c.after_long_help(TIME_HELP))
        .mut_subcommand("export", |c| {
            let after = c
                .get_after_help()
                .map(|h| format!("{h}\n\n"))
                .unwrap_or_default();
            c.after_long_help(format!("{after}{TIME_HELP}"))
        })
}

/// How TIME is written, for `--help`.
pub const TIME_HELP: &str = "TIME: seconds (12.5), a clock (1:02.5, 1:02:03), a percentage \
(50%), start, end, a time of day (10:27:40.352, or @10:27 for hours and minutes; 10:27:40 \
+02:00 in that offset), or a timestamp (2019-05-03T10:27:40+02:00; without an offset, or \
with a space for T, in the recording's). H:MM:SS is read as an offset when that falls inside \
the recording, else as the time of day; M:SS is always an offset (write @10:27 for the time \
of day). A moment outside the recording is an error naming its span; --clamp takes the \
nearest end instead.";

/// Parse the command line (see [`command`]).
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let args: Vec<OsString> = std::env::args_os().collect();
    let matches = command()
        .try_get_matches_from(&args)
        .map_err(|e| better(e, &args))?;
    let cli = Cli::from_arg_matches(&matches)?;
    match (&cli.command, &cli.source) {
        (None, Some(source)) => match typo(source) {
            Some(e) => Err(e),
            None => Ok(cli),
        },
        _ => Ok(cli),
    }
}

/// `auditty screan`: the lone SOURCE, when it is no file, no URI and near a subcommand's
/// name, is taken for a mistyped command (`unknown command 'screan' (did you mean
/// 'screen'?)`, status 2) rather than a file that is not there.
fn typo(source: &std::ffi::OsStr) -> Option<clap::Error> {
    let word = source.to_str()?;
    let path_like = word.is_empty() || word.contains(['/', '.', ':', '\\']) || word == "-";
    if path_like || std::path::Path::new(word).exists() {
        return None;
    }
    let cmd = command();
    let name = cmd
        .get_subcommands()
        .map(|c| c.get_name())
        .find(|n| near(word, n))?;
    Some(fail(
        clap::error::ErrorKind::InvalidSubcommand,
        format!(
            "unknown command '{}' (did you mean '{name}'?)",
            crate::formats::cut(word, 40)
        ),
    ))
}

/// clap's error, or one that names the likely subcommand or the command a flag belongs to.
fn better(e: clap::Error, args: &[OsString]) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let cmd = command();
    let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
    let first = args.get(1).map(|a| a.to_string_lossy().into_owned());
    let current = first
        .as_deref()
        .and_then(|f| cmd.get_subcommands().find(|c| c.get_name() == f));
    // `auditty screan demo.json`: a word near a subcommand's name, where SOURCE would go
    if let (None, Some(word)) = (current, first.as_deref()) {
        let path_like = word.starts_with('-') || word.contains(['/', '.', ':']);
        if !path_like && !std::path::Path::new(word).exists() {
            if let Some(name) = names.iter().find(|n| near(word, n)) {
                return fail(
                    ErrorKind::InvalidSubcommand,
                    format!(
                        "unrecognized subcommand '{}'\n\n  tip: did you mean `{name}`? \
                         (`auditty --help` lists them)",
                        crate::formats::cut(word, 40)
                    ),
                );
            }
        }
    }
    // `auditty demo.json --at 20`: a flag of another subcommand
    if e.kind() == ErrorKind::UnknownArgument {
        let Some(ContextValue::String(flag)) = e.get(ContextKind::InvalidArg) else {
            return e;
        };
        let long = flag
            .split('=')
            .next()
            .unwrap_or(flag)
            .trim_start_matches('-');
        if !flag.starts_with("--") || long.is_empty() {
            return e;
        }
        let has = |c: &clap::Command| c.get_arguments().any(|a| a.get_long() == Some(long));
        let owners: Vec<String> = cmd
            .get_subcommands()
            .filter(|c| has(c))
            .map(|c| format!("`auditty {}`", c.get_name()))
            .collect();
        let here = current.map_or(has(&cmd), has);
        if !owners.is_empty() && !here {
            let shown = crate::formats::cut(flag, 40);
            let r#where = current.map_or("auditty".to_string(), |c| {
                format!("auditty {}", c.get_name())
            });
            return fail(
                ErrorKind::UnknownArgument,
                format!(
                    "unexpected argument '{shown}' found\n\n  tip: `--{long}` belongs to {}, \
                     not `{where}` (e.g. auditty {} SOURCE --{long} …)",
                    owners.join(", "),
                    owners[0].trim_matches('`').trim_start_matches("auditty "),
                    r#where = r#where
                ),
            );
        }
    }
    e
}

fn fail(kind: clap::error::ErrorKind, message: String) -> clap::Error {
    clap::Error::raw(
        kind,
        format!("{message}\n\nFor more information, try '--help'.\n"),
    )
}

/// Whether `word` is a likely typo of `name`: at most one edit in four letters (two in
/// longer names; two letters swapped count as one edit), or a prefix of three letters or
/// more.
fn near(word: &str, name: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (word.chars().collect(), name.chars().collect());
    if a.len() >= 3 && name.starts_with(word) {
        return true;
    }
    let limit = if b.len() > 4 { 2 } else { 1 };
    if a.len().abs_diff(b.len()) > limit || a.is_empty() {
        return false;
    }
    // Levenshtein with swaps of neighbours (optimal string alignment), two rows kept
    let mut before: Vec<usize> = Vec::new();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 0..a.len() {
        let mut next = vec![i + 1; b.len() + 1];
        for j in 0..b.len() {
            let mut d = (row[j] + usize::from(a[i] != b[j]))
                .min(row[j + 1] + 1)
                .min(next[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                d = d.min(before[j - 1] + 1);
            }
            next[j + 1] = d;
        }
        before = std::mem::replace(&mut row, next);
    }
    row[b.len()] <= limit
}

#[cfg(test)]
mod tests {
    use super::near;

    #[test]
    fn typos_are_near() {
        assert!(near("screan", "screen"));
        assert!(near("exprot", "export"));
        assert!(near("trans", "transcript"));
        assert!(
            near("plya", "play") && near("inof", "info"),
            "a swap is one edit"
        );
        assert!(near("sreen", "screen") && near("scren", "screen"));
        assert!(!near("demo", "man"));
        assert!(!near("foo", "info"));
        assert!(!near("screan", "info") && !near("xyz", "man"));
    }
}
