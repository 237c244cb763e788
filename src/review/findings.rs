//! Findings: the rules run over what was executed, what was shown and what was typed unseen.

use super::executed::{Analysis, Hidden};
use super::rules::{Level, Rule, Rules};
use crate::plaintext::PlainText;
use crate::timeline::{Kind, Nanos, Timeline};

/// Longest evidence kept from a line of output, in characters.
const MAX_EVIDENCE: usize = 200;

/// One thing a reviewer must see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub t: Nanos,
    pub level: Level,
    pub rule: String,
    /// The command as executed, for a rule over commands.
    pub command: Option<String>,
    /// What matched: the command, the line of output, or a description of hidden input.
    pub evidence: String,
    pub why: String,
}

fn finding(rule: &Rule, t: Nanos, command: Option<String>, evidence: String) -> Finding {
    Finding {
        t,
        level: rule.level,
        rule: rule.name.clone(),
        command,
        evidence,
        why: rule.reason.clone(),
    }
}

fn clip(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= MAX_EVIDENCE {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_EVIDENCE - 1).collect();
    out.push('…');
    out
}

/// How hidden input is described: its length, and its text only when asked.
pub fn describe_hidden(h: &Hidden, show_secrets: bool) -> String {
    let prompt = h.prompt.trim();
    let at = if prompt.is_empty() {
        String::new()
    } else {
        format!(" at '{}'", clip(prompt))
    };
    let n = h.len;
    let chars = if n == 1 { "character" } else { "characters" };
    if show_secrets {
        format!("{n} {chars} typed without echo{at}: {}", h.text)
    } else {
        format!("{n} {chars} typed without echo{at}")
    }
}

/// Every finding in a recording, in time order.
pub fn find(
    tl: &Timeline,
    crlf: bool,
    analysis: &Analysis,
    rules: &Rules,
    show_secrets: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in &analysis.lines {
        if let Some(cmd) = e.command() {
            for (rule, _) in rules.on_command(cmd) {
                out.push(finding(rule, e.keys.t, Some(cmd.to_string()), clip(cmd)));
            }
        }
    }
    if let Some(rule) = rules.on_hidden() {
        for h in &analysis.hidden {
            out.push(finding(rule, h.t, None, describe_hidden(h, show_secrets)));
        }
    }
    // output, line by line as a line printer would show it
    let mut plain = PlainText::new();
    let mut pre = crate::emulator::Prefilter::new(crlf);
    let mut buf = Vec::new();
    let mut last_t = 0;
    let check = |out: &mut Vec<Finding>, t: Nanos, line: &str| {
        for (rule, _) in rules.on_output(line) {
            out.push(finding(rule, t, None, clip(line)));
        }
    };
    for ev in &tl.events {
        if ev.kind != Kind::Output {
            continue;
        }
        buf.clear();
        pre.filter(&tl.data(ev), &mut buf);
        plain.feed(&buf);
        for line in plain.take_lines() {
            check(&mut out, ev.t, &line);
        }
        last_t = ev.t;
    }
    let rest = plain.take_all();
    if !rest.is_empty() {
        check(&mut out, last_t, &rest);
    }
    out.sort_by_key(|f| f.t);
    out
}
