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

/// Evidence cut to [`MAX_EVIDENCE`] characters.
pub fn clip(s: &str) -> String {
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

/// Whether a prompt asks for the rest of a statement: psql's `db->`, `db(>`, `db'>`,
/// sqlite's `...>`, mysql's `->`, a shell's `>` (PS2).
fn continues(prompt: &str) -> bool {
    let p = prompt.trim_end();
    p == ">"
        || ["->", "(>", "'>", "\">", "...>"]
            .iter()
            .any(|e| p.ends_with(e))
}

/// The commands executed, with the lines typed at a continuation prompt joined to the line
/// they continue (by a space), each at the time of its last Enter: a multi-line SQL
/// statement is judged whole.
pub fn statements(analysis: &super::executed::Analysis) -> Vec<(Nanos, String)> {
    let mut out: Vec<(Nanos, String)> = Vec::new();
    let mut open = false;
    for e in &analysis.lines {
        let Some(cmd) = e.command() else {
            open = false;
            continue;
        };
        match out.last_mut() {
            Some((t, s)) if open && continues(&e.prompt) => {
                *t = e.keys.t;
                s.push(' ');
                s.push_str(cmd);
            }
            _ => out.push((e.keys.t, cmd.to_string())),
        }
        open = true;
    }
    out.retain(|(_, s)| !s.is_empty());
    out
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
    for (t, cmd) in statements(analysis) {
        for (rule, _) in rules.on_command(&cmd) {
            out.push(finding(rule, t, Some(cmd.clone()), clip(&cmd)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::executed::Executed;
    use crate::transcript::Line;

    fn typed(t: Nanos, prompt: &str, cmd: &str) -> Executed {
        Executed {
            keys: Line {
                t,
                started: t,
                text: cmd.to_string(),
                event: t as usize,
                end: "enter",
            },
            command: Ok(cmd.to_string()),
            prompt: prompt.to_string(),
        }
    }

    #[test]
    fn continuation_lines_make_one_statement() {
        let a = Analysis {
            lines: vec![
                typed(1, "app=> ", "DELETE FROM users"),
                typed(2, "app-> ", "WHERE id = 3;"),
                typed(3, "app=> ", "DELETE FROM"),
                typed(4, "app-> ", "orders;"),
                typed(5, "$ ", "echo 'a"),
                typed(6, "> ", "b'"),
            ],
            hidden: Vec::new(),
        };
        assert_eq!(
            statements(&a),
            [
                (2, "DELETE FROM users WHERE id = 3;".to_string()),
                (4, "DELETE FROM orders;".to_string()),
                (6, "echo 'a b'".to_string()),
            ]
        );
        let tl = Timeline::new(Vec::new());
        let f = find(&tl, false, &a, &Rules::builtin(), false);
        let hits: Vec<(Nanos, &str)> = f.iter().map(|f| (f.t, f.rule.as_str())).collect();
        assert_eq!(hits, [(4, "sql-delete-without-where")]);
    }
}
