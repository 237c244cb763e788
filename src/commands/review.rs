//! `auditty review`: the findings of one or more recordings, in time order.

use super::{emit, rfc3339};
use crate::cli::{LevelArg, ReviewArgs};
use crate::error::{Error, Result};
use crate::recording::{self, Recording, Source};
use crate::render::escape::escape_controls;
use crate::review::findings::Finding;
use crate::review::redact::Redactor;
use crate::review::rules::{Level, Rules};
use crate::timeline::{clock, secs};
use serde_json::json;
use std::io::Write;

/// Exit status when `--fail-on` finds a finding at its level or above.
pub const FAIL_STATUS: i32 = 3;

/// Open one source: the one place `review` loads recordings.
fn open(args: &ReviewArgs, source: &std::ffi::OsStr) -> Result<Recording> {
    recording::open(&Source::parse(source)?, &args.term.settings(&args.api))
}

fn level(l: LevelArg) -> Level {
    match l {
        LevelArg::High => Level::High,
        LevelArg::Medium => Level::Medium,
        LevelArg::Low => Level::Low,
    }
}

/// The rules: built in, with `--rules FILE` on top.
pub fn rules(args: &ReviewArgs) -> Result<Rules> {
    match &args.rules {
        None => Rules::load(None),
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Runtime(format!("{name}: cannot read the rules: {e}")))?;
            Rules::load(Some((&name, &text)))
        }
    }
}

/// The findings of a loaded recording; with `redact`, their evidence masked, and commands
/// as the masked recording's screen shows them (a secret the line editor redrew in pieces,
/// which no pattern matches whole, is masked there).
pub fn findings(l: &Recording, rules: &Rules, show_secrets: bool, redact: bool) -> Vec<Finding> {
    let g = &l.geometry;
    let analysis = crate::review::executed::analyse(&l.tl, g.cols, g.rows, l.crlf);
    let mut found = crate::review::findings::find(&l.tl, l.crlf, &analysis, rules, show_secrets);
    if redact {
        let r = Redactor::new(rules).with_hidden(&analysis.hidden);
        let shown = r.recording(l, &analysis.hidden);
        let masked = crate::review::executed::analyse(&shown.tl, g.cols, g.rows, shown.crlf);
        let commands: std::collections::HashMap<_, _> =
            crate::review::findings::statements(&masked)
                .into_iter()
                .collect();
        for f in found.iter_mut().filter(|f| f.command.is_some()) {
            if let Some(c) = commands.get(&f.t) {
                f.evidence = crate::review::findings::clip(c);
                f.command = Some(c.clone());
            }
        }
        r.findings(&mut found);
    }
    found
}

/// Write the findings of every source to `out`; whether one reached `--fail-on`'s level.
pub fn review_to(args: &ReviewArgs, out: &mut dyn Write) -> Result<bool> {
    let rules = rules(args)?;
    let several = args.sources.len() > 1;
    let gate = args.fail_on.map(level);
    let mut failed = false;
    // load every source first: a bad one is an error before anything is printed
    let mut loaded = Vec::new();
    for src in &args.sources {
        loaded.push(open(args, src)?);
    }
    // and their warnings said once all are read (a bad one is then the only line)
    loaded.iter().for_each(super::warn);
    let mut s = String::new();
    for l in &loaded {
        let tl = &l.tl;
        for f in findings(l, &rules, args.show_secrets, args.redact) {
            failed |= gate.is_some_and(|g| f.level >= g);
            let time = tl.wall_clock(f.t).map(|w| rfc3339(&w));
            if args.json {
                let mut v = json!({
                    "t": secs(f.t),
                    "time": time,
                    "level": f.level.as_str(),
                    "rule": f.rule,
                    "command": f.command,
                    "evidence": f.evidence,
                    "why": f.why,
                });
                if several {
                    v["session"] = json!(l.name);
                }
                s.push_str(&super::to_json(&v, false));
                s.push('\n');
            } else {
                let when = time.unwrap_or_else(|| clock(f.t));
                if several {
                    s.push_str(&escape_controls(&l.name));
                    s.push_str(": ");
                }
                s.push_str(&format!(
                    "[{when}] {:<6} {}: {} ({})\n",
                    f.level.as_str(),
                    escape_controls(&f.rule),
                    escape_controls(&f.evidence),
                    escape_controls(&f.why),
                ));
            }
        }
    }
    out.write_all(s.as_bytes())
        .map_err(|e| Error::Runtime(format!("cannot write the findings: {e}")))?;
    Ok(failed)
}

pub fn run(args: &ReviewArgs, out: &mut dyn Write) -> Result<()> {
    let mut buf = Vec::new();
    let failed = review_to(args, &mut buf)?;
    emit(out, &String::from_utf8_lossy(&buf))?;
    if failed {
        return Err(Error::Exit(FAIL_STATUS));
    }
    Ok(())
}
