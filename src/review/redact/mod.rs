//! `--redact`: secrets kept off the page.
//!
//! What is masked: keys typed while nothing was echoed (their length kept, their text
//! replaced), and whatever the review rules marked `secret = true` match (cloud keys, private
//! key blocks, JWTs, URLs with a password, secret-looking `KEY=value`…: the rules are the one
//! list), wherever it appears. A masked character becomes as many `*` as the cells it takes,
//! so a screen keeps its layout and a text its columns.
//!
//! One [`Redactor`] serves every command that writes: [`Redactor::recording`] gives a copy of
//! a recording whose output and input events are rewritten (so that everything drawn from it,
//! a screen, a transcript, an exported asciicast or text, is masked), [`Redactor::screen`]
//! masks a screen cell by cell (what was drawn by cursor moves too), [`Redactor::text`] masks
//! a string (a finding's evidence, a title, a context entry's text), [`Redactor::value`] the
//! strings of a JSON value (a context entry's fields). The evidence file is never touched: the
//! copy is in memory. An export does not make the copy: [`live::Masked`] gives the events
//! masked as it writes them.

pub mod guard;
pub mod live;
mod screen;
mod stream;

use super::executed::Hidden;
use super::rules::{Matcher, Rules};
use crate::recording::Recording;
use crate::timeline::Timeline;
use regex::Regex;
use std::ops::Range;
use std::sync::Arc;

/// A hidden text this short is not looked for elsewhere (it would mask ordinary words).
const MIN_LITERAL: usize = 4;

/// One secret pattern, from a rule.
#[derive(Debug, Clone)]
struct Pattern {
    re: Regex,
    until: Option<Regex>,
}

/// What to mask, and how.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    patterns: Vec<Pattern>,
    /// The patterns with `^` and `$` at each line's ends, for a whole screen's text at once
    /// ([`Self::may_match_lines`]); none where a pattern anchors to a text's ends (`\A`,
    /// `\z`), which a text of many lines would change.
    lines: Option<Vec<Regex>>,
    /// Texts typed without echo, masked wherever they appear (a password echoed later).
    literals: Vec<String>,
}

/// A secret that runs on past the end of a line (a private key block): where it stops.
#[derive(Debug, Clone, Default)]
pub struct Carry(Option<Regex>);

impl Redactor {
    /// The secret patterns of a rule set (its output rules marked `secret`).
    pub fn new(rules: &Rules) -> Redactor {
        let patterns = rules
            .rules
            .iter()
            .filter(|r| r.secret)
            .filter_map(|r| match &r.matcher {
                Matcher::Output(re) | Matcher::Command(re) => Some(Pattern {
                    re: re.clone(),
                    until: r.until.clone(),
                }),
                Matcher::Hidden => None,
            })
            .collect::<Vec<Pattern>>();
        let text_anchored = patterns
            .iter()
            .any(|p| p.re.as_str().contains("\\A") || p.re.as_str().contains("\\z"));
        let lines = if text_anchored {
            None
        } else {
            patterns
                .iter()
                .map(|p| Regex::new(&format!("(?m){}", p.re.as_str())).ok())
                .collect::<Option<Vec<Regex>>>()
        };
        Redactor {
            patterns,
            lines,
            literals: Vec::new(),
        }
    }

    /// Also mask these texts (typed without echo) wherever they appear.
    pub fn with_hidden(mut self, hidden: &[Hidden]) -> Redactor {
        for h in hidden {
            let t = h.text.trim();
            if t.chars().count() >= MIN_LITERAL && !self.literals.iter().any(|l| l == t) {
                self.literals.push(t.to_string());
            }
        }
        self
    }

    /// The byte ranges of `line` to mask. `carry` holds a secret that runs on from the line
    /// before, and is left holding one that runs on to the next.
    pub fn spans(&self, line: &str, carry: &mut Carry) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut from = 0;
        if let Some(until) = carry.0.take() {
            match until.find(line) {
                Some(m) => {
                    out.push(0..m.start());
                    from = m.end();
                }
                None => {
                    out.push(0..line.len());
                    carry.0 = Some(until);
                    return out;
                }
            }
        }
        for p in &self.patterns {
            for c in p.re.captures_iter(&line[from..]) {
                let whole = c.get(0).map_or(0..0, |m| m.range());
                let m = c.name("secret").map_or(whole.clone(), |m| m.range());
                let m = m.start + from..m.end + from;
                match &p.until {
                    None => out.push(m),
                    Some(until) => {
                        let rest = whole.end + from;
                        match until.find(&line[rest..]) {
                            Some(e) => out.push(rest..rest + e.start()),
                            None => {
                                out.push(rest..line.len());
                                carry.0 = Some(until.clone());
                            }
                        }
                    }
                }
            }
        }
        for l in &self.literals {
            out.extend(line.match_indices(l.as_str()).map(|(i, s)| i..i + s.len()));
        }
        out.retain(|r| r.start < r.end);
        out
    }

    /// Whether a text of lines (separated by `\n`) may hold something to mask, a quick look
    /// before [`Self::spans`]: true whenever a pattern or a hidden text is in one of its
    /// lines (and, rarely, where a pattern's `\s` runs across two). The lines of ASCII are
    /// looked at together, each pattern going over them once; the others one by one, as
    /// a pattern's Unicode `\b` keeps the regex engine off its fast path on any text that
    /// is not ASCII (a whole screen with one box-drawing line in it would be slow).
    pub fn may_match_lines(&self, text: &str) -> bool {
        if self.literals.iter().any(|l| text.contains(l.as_str())) {
            return true;
        }
        let one = |line: &str| self.patterns.iter().any(|p| p.re.is_match(line));
        let Some(lines) = &self.lines else {
            return text.split('\n').any(one);
        };
        let mut ascii = String::with_capacity(text.len());
        for line in text.split('\n') {
            if line.is_ascii() {
                ascii.push_str(line);
                ascii.push('\n');
            } else if one(line) {
                return true;
            }
        }
        lines.iter().any(|re| re.is_match(&ascii))
    }

    /// A string masked, line by line (a secret may run on across its lines).
    pub fn text(&self, s: &str) -> String {
        let mut carry = Carry::default();
        let mut out = String::with_capacity(s.len());
        for (i, line) in s.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&self.line(line, &mut carry));
        }
        out
    }

    /// A JSON value with every string in it masked (a context entry's fields), keys kept.
    pub fn value(&self, v: &mut serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::Object(fields) => fields.values_mut().for_each(|v| self.value(v)),
            _ => {}
        }
    }

    /// One line of a text masked, `carry` holding a secret that runs on from the line
    /// before (and, after, to the next).
    pub fn line(&self, line: &str, carry: &mut Carry) -> String {
        let spans = self.spans(line, carry);
        mask_line(line, &spans)
    }

    /// Findings with their evidence and command masked.
    pub fn findings(&self, fs: &mut [super::findings::Finding]) {
        for f in fs {
            f.evidence = self.text(&f.evidence);
            f.command = f.command.as_deref().map(|c| self.text(c));
        }
    }

    /// A screen with its secrets masked cell by cell: same size, same positions, same
    /// colours, `*` in place of each masked character.
    pub fn screen(&self, s: &vt100::Screen) -> vt100::Screen {
        screen::mask(self, s)
    }

    /// A copy of a recording with its output and input rewritten: secrets masked wherever
    /// they are printed or typed, keys typed without echo replaced (one `*` each, Backspace
    /// and Enter kept), markers and title masked. Geometry and newline mode are the
    /// original's (so the copy replays on the same grid).
    pub fn recording(&self, rec: &Recording, hidden: &[Hidden]) -> Recording {
        let tl = &rec.tl;
        let this = self.clone().with_hidden(hidden);
        let mut out = Timeline::new(Vec::new());
        for (i, data) in live::Masked::new(&this, tl, hidden) {
            let ev = &tl.events[i];
            out.push(ev.t, ev.kind, &data);
        }
        out.format = tl.format;
        out.gzip = tl.gzip;
        out.start = tl.start;
        out.header_size = tl.header_size;
        out.idle_time_limit = tl.idle_time_limit;
        out.title = tl.title.as_deref().map(|t| this.text(t));
        out.warnings = tl.warnings.clone();
        out.sha256 = tl.sha256.clone();
        out.source_len = tl.source_len;
        Recording {
            name: rec.name.clone(),
            tl: Arc::new(out),
            geometry: rec.geometry.clone(),
            crlf: rec.crlf,
        }
    }
}

/// The mask of one character: a `*` per cell it takes (none for a zero-width one).
pub fn mask_char(c: char) -> &'static str {
    match unicode_width::UnicodeWidthChar::width(c) {
        Some(0) => "",
        Some(2) => "**",
        _ => "*",
    }
}

/// `line` with the characters in `spans` masked (tabs kept: they are not text).
fn mask_line(line: &str, spans: &[Range<usize>]) -> String {
    if spans.is_empty() {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        if c != '\t' && spans.iter().any(|r| r.contains(&i)) {
            out.push_str(mask_char(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// What `--redact` needs to mask a recording as it is written: the redactor (knowing the
/// texts typed without echo) and where keys were typed without echo.
pub struct Plan {
    pub redactor: Redactor,
    pub hidden: Vec<Hidden>,
}

impl Plan {
    /// The keys typed without echo found (one pass of the emulator), and `rules`' secret
    /// patterns.
    pub fn new(rec: &Recording, rules: &Rules) -> Plan {
        let g = &rec.geometry;
        let hidden = super::executed::analyse(&rec.tl, g.cols, g.rows, rec.crlf).hidden;
        Plan {
            redactor: Redactor::new(rules).with_hidden(&hidden),
            hidden,
        }
    }

    /// The events of `tl` (the recording's), masked as they are read.
    pub fn events<'a>(&'a self, tl: &'a Timeline) -> live::Masked<'a> {
        live::Masked::new(&self.redactor, tl, &self.hidden)
    }
}

/// The recording for a command given `--redact`: the keys typed without echo found, then
/// the copy masked. `rules` gives the secret patterns.
pub fn redacted(rec: &Recording, rules: &Rules) -> Recording {
    redacted_with(rec, rules).0
}

/// As [`redacted`], with the redactor that masked it (the texts typed without echo among
/// what it looks for), to mask what is shown beside the recording (context entries) alike.
pub fn redacted_with(rec: &Recording, rules: &Rules) -> (Recording, Redactor) {
    let analysis =
        super::executed::analyse(&rec.tl, rec.geometry.cols, rec.geometry.rows, rec.crlf);
    let redactor = Redactor::new(rules).with_hidden(&analysis.hidden);
    (redactor.recording(rec, &analysis.hidden), redactor)
}

#[cfg(test)]
mod tests;
