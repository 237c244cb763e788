//! Search through the output text of a whole session and its context entries (`--with`),
//! and on the screen shown.
//!
//! The output is turned into lines of plain text ([`PlainText`]: control sequences removed,
//! carriage-return overwrites resolved); each line remembers the output event that completed
//! it, so a hit is a moment of the recording. A context entry matches on its actor and its
//! text; its hit is at its time, within the session (one before or after it at its start or
//! end). Matching is literal, and ignores ASCII case unless the pattern has an upper-case
//! letter ("smart case").

use crate::context::merge::Row;
use crate::plaintext::PlainText;
use crate::render::escape::escape_controls;
use crate::timeline::{Kind, Nanos, Timeline};
use ratatui::style::{Color, Style};
use unicode_width::UnicodeWidthStr;

/// Hits kept at most (a pattern such as `e` in a big log would find millions).
pub const MAX_HITS: usize = 100_000;

/// Why `n`/`N` has no hit to go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoHit {
    /// The text to search is still being prepared.
    Preparing,
    /// Nothing matches the pattern (as typed).
    NoMatch(String),
}

impl std::fmt::Display for NoHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoHit::Preparing => f.write_str("preparing the text to search…"),
            NoHit::NoMatch(p) => write!(f, "no match for “{}”", escape_controls(p)),
        }
    }
}

/// The session's output as lines of text, each tied to an event.
#[derive(Debug, Default)]
pub struct SearchText {
    /// The lines, each ended by a line feed. Searched without a lowercased copy: a regex
    /// folding ASCII case finds what the lowercased text would (the copy was a quarter of
    /// the player's memory on a 120 MB log).
    text: String,
    /// Start of each line in `text`, with the index of the event that completed it.
    lines: Vec<(usize, usize)>,
}

/// One line that matches: a line of the output, or a context entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub found: Found,
    /// The recording time to go to.
    pub t: Nanos,
}

/// Where a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A line of the search text, and the event that completed it.
    Output { line: usize, event: usize },
    /// A context entry, by its index in the player's entries.
    Context(usize),
}

/// The search the player holds: what was asked, what was found, where `n`/`N` are.
#[derive(Debug, Clone)]
pub struct Search {
    pub pattern: String,
    /// `None` until the output text is ready.
    pub hits: Option<Vec<Hit>>,
    /// The hit last jumped to.
    pub current: Option<usize>,
}

impl Search {
    /// A search for `pattern`, its hits not looked for yet.
    pub fn new(pattern: String) -> Search {
        Search {
            pattern,
            hits: None,
            current: None,
        }
    }

    /// Find the hits in the session's text and in its context entries (`context`, in time
    /// order), in time order (the output's first at one moment).
    pub fn run(&mut self, tl: &Timeline, text: &SearchText, context: &[Row]) {
        let mut hits = text.find(tl, &self.pattern);
        hits.extend(find_in_rows(context, &self.pattern, tl.duration()));
        hits.sort_by_key(|h| h.t);
        hits.truncate(MAX_HITS);
        self.hits = Some(hits);
        self.current = None;
    }

    /// The hits found (none while the text is being prepared).
    pub fn found(&self) -> &[Hit] {
        self.hits.as_deref().unwrap_or_default()
    }

    /// Which hit `n` (`forward`) or `N` go to from the recording position `cur`, with a
    /// message when the search wrapped around; or why there is none to go to.
    pub fn next(&self, cur: Nanos, forward: bool) -> Result<(usize, Option<String>), NoHit> {
        let Some(hits) = self.hits.as_ref() else {
            return Err(NoHit::Preparing);
        };
        if hits.is_empty() {
            return Err(NoHit::NoMatch(self.pattern.clone()));
        }
        // still on the hit last jumped to: go on from it (hits may share a moment)
        let on = self.current.filter(|&i| hits[i].t == cur);
        let next = if forward {
            match on {
                Some(i) if i + 1 < hits.len() => Some(i + 1),
                Some(_) => None,
                None => hits.iter().position(|h| h.t > cur),
            }
        } else {
            match on {
                Some(i) => i.checked_sub(1),
                None => hits.iter().rposition(|h| h.t < cur),
            }
        };
        Ok(match next {
            Some(i) => (i, None),
            None if forward => (0, Some("search wrapped to the start".into())),
            None => (hits.len() - 1, Some("search wrapped to the end".into())),
        })
    }

    /// The hit to select when the list opens at `pos`: the current one, else the first at or
    /// after `pos`.
    pub fn nearest(&self, pos: Nanos) -> Option<usize> {
        self.current.or_else(|| {
            let hits = self.hits.as_ref()?;
            let i = hits.partition_point(|h| h.t < pos);
            Some(i.min(hits.len().saturating_sub(1)))
        })
    }
}

/// Whether matching ignores case: when the pattern has no upper-case letter.
pub fn ignore_case(pattern: &str) -> bool {
    !pattern.chars().any(char::is_uppercase)
}

impl SearchText {
    /// Build from every output event of a timeline. `progress` is told the events done.
    pub fn build(tl: &Timeline, mut progress: impl FnMut(usize)) -> Self {
        let mut p = PlainText::new();
        let mut st = SearchText::default();
        let mut last_output = 0;
        for (i, ev) in tl.events.iter().enumerate() {
            if ev.kind != Kind::Output {
                continue;
            }
            last_output = i;
            p.feed(&tl.data(ev));
            for line in p.take_lines() {
                st.push(line, i);
            }
            if i % 4096 == 0 {
                progress(i);
            }
        }
        let cur = p.current();
        if !cur.is_empty() {
            st.push(cur, last_output);
        }
        st
    }

    fn push(&mut self, line: String, event: usize) {
        if line.is_empty() {
            return;
        }
        self.lines.push((self.text.len(), event));
        self.text.push_str(&line);
        self.text.push('\n');
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The text of a line.
    pub fn line(&self, n: usize) -> &str {
        let start = self.lines[n].0;
        let end = self
            .lines
            .get(n + 1)
            .map_or(self.text.len(), |l| l.0)
            .saturating_sub(1)
            .max(start);
        &self.text[start..end]
    }

    /// Every line matching `pattern`, in order (one hit per line, at most [`MAX_HITS`]).
    pub fn find(&self, tl: &Timeline, pattern: &str) -> Vec<Hit> {
        if pattern.is_empty() || pattern.contains('\n') {
            return Vec::new();
        }
        let hay = self.text.as_bytes();
        // ASCII letters folded (as `to_ascii_lowercase` on both sides would), the rest as is
        let folded = ignore_case(pattern)
            .then(|| {
                regex::bytes::RegexBuilder::new(&regex::escape(pattern))
                    .case_insensitive(true)
                    .unicode(false)
                    .build()
                    .ok()
            })
            .flatten();
        let starts: Box<dyn Iterator<Item = usize>> = match &folded {
            Some(re) => Box::new(re.find_iter(hay).map(|m| m.start())),
            None if ignore_case(pattern) => {
                // a pattern too long for a regex: each line lowercased in turn
                let needle = pattern.to_ascii_lowercase().into_bytes();
                Box::new(self.lines.iter().filter_map(move |&(start, _)| {
                    let end = memchr::memchr(b'\n', &hay[start..]).map_or(hay.len(), |e| start + e);
                    let line = hay[start..end].to_ascii_lowercase();
                    memchr::memmem::find(&line, &needle).map(|at| start + at)
                }))
            }
            None => Box::new(memchr::memmem::find_iter(hay, pattern.as_bytes())),
        };
        let mut hits: Vec<Hit> = Vec::new();
        for at in starts {
            let line = self.lines.partition_point(|l| l.0 <= at) - 1;
            if hits
                .last()
                .is_some_and(|h| matches!(h.found, Found::Output { line: l, .. } if l == line))
            {
                continue;
            }
            let event = self.lines[line].1;
            hits.push(Hit {
                found: Found::Output { line, event },
                t: tl.events[event].t,
            });
            if hits.len() >= MAX_HITS {
                break;
            }
        }
        hits
    }
}

/// The context entries matching `pattern` in their actor or their text (at most
/// [`MAX_HITS`]), each at its time clamped to a session `duration` long.
pub fn find_in_rows(rows: &[Row], pattern: &str, duration: Nanos) -> Vec<Hit> {
    if pattern.is_empty() || pattern.contains('\n') {
        return Vec::new();
    }
    let fold = ignore_case(pattern);
    let needle = if fold {
        pattern.to_ascii_lowercase()
    } else {
        pattern.to_string()
    };
    let matches = |s: &str| {
        if fold {
            s.to_ascii_lowercase().contains(&needle)
        } else {
            s.contains(&needle)
        }
    };
    rows.iter()
        .enumerate()
        .filter(|(_, r)| matches(&r.text) || r.actor.as_deref().is_some_and(matches))
        .take(MAX_HITS)
        .map(|(i, r)| Hit {
            found: Found::Context(i),
            t: r.t.clamp(0, duration as i128) as Nanos,
        })
        .collect()
}

/// How a match is shown, on the screen and in the hit list.
pub const HIGHLIGHT: Style = Style::new().fg(Color::Black).bg(Color::Yellow);

/// Columns a cell's text takes: 1, or 2 for a wide character.
pub fn cell_width(s: &str) -> u16 {
    UnicodeWidthStr::width(s).clamp(1, 2) as u16
}

/// Where `pattern` occurs in a row of cells: the cell columns of each match. `cells` are the
/// row's cells left to right as (column, text), wide-character continuations left out.
pub fn find_in_cells(cells: &[(u16, &str)], pattern: &str) -> Vec<std::ops::Range<u16>> {
    if pattern.is_empty() {
        return Vec::new();
    }
    let fold = ignore_case(pattern);
    let mut s = String::new();
    let mut starts = Vec::with_capacity(cells.len());
    for (_, text) in cells {
        starts.push(s.len());
        if fold {
            s.push_str(&text.to_ascii_lowercase());
        } else {
            s.push_str(text);
        }
    }
    let needle = if fold {
        pattern.to_ascii_lowercase()
    } else {
        pattern.to_string()
    };
    let mut out = Vec::new();
    for (at, _) in s.match_indices(&needle) {
        let end = at + needle.len();
        let first = starts.partition_point(|&b| b <= at) - 1;
        let last = starts.partition_point(|&b| b < end) - 1;
        let from = cells[first].0;
        let to = cells[last].0 + cell_width(cells[last].1);
        out.push(from..to);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::NANOS_PER_SEC;

    fn tl() -> Timeline {
        let mut tl = Timeline::new(vec![]);
        tl.push(0, Kind::Output, b"$ ");
        tl.push(NANOS_PER_SEC, Kind::Input, b"l");
        tl.push(NANOS_PER_SEC, Kind::Output, b"ls\r\n");
        tl.push(
            2 * NANOS_PER_SEC,
            Kind::Output,
            b"\x1b[1mError\x1b[0m: 500\r\nok\r\n",
        );
        tl.push(
            3 * NANOS_PER_SEC,
            Kind::Output,
            b"progress 10%\rprogress 100%\r\nerror again",
        );
        tl
    }

    #[test]
    fn finds_lines_with_their_moment() {
        let tl = tl();
        let st = SearchText::build(&tl, |_| {});
        assert_eq!(st.line_count(), 5);
        assert_eq!(st.line(1), "Error: 500");
        assert_eq!(st.line(4), "error again");
        let hits = st.find(&tl, "error");
        assert_eq!(
            hits,
            vec![
                Hit {
                    found: Found::Output { line: 1, event: 3 },
                    t: 2 * NANOS_PER_SEC
                },
                Hit {
                    found: Found::Output { line: 4, event: 4 },
                    t: 3 * NANOS_PER_SEC
                }
            ]
        );
        assert_eq!(st.find(&tl, "Error").len(), 1, "smart case");
        assert_eq!(st.find(&tl, "10%").len(), 0, "overwritten text is gone");
        assert_eq!(st.find(&tl, "100%").len(), 1);
        assert!(st.find(&tl, "").is_empty());
        assert!(st.find(&tl, "[1m").is_empty(), "no control sequences");
    }

    /// The lines a lowercased copy of the text finds (how `find` searched before).
    fn by_copy(st: &SearchText, pattern: &str) -> Vec<usize> {
        let (hay, needle) = if ignore_case(pattern) {
            (st.text.to_ascii_lowercase(), pattern.to_ascii_lowercase())
        } else {
            (st.text.clone(), pattern.to_string())
        };
        let mut lines: Vec<usize> = memchr::memmem::find_iter(hay.as_bytes(), needle.as_bytes())
            .map(|at| st.lines.partition_point(|l| l.0 <= at) - 1)
            .collect();
        lines.dedup();
        lines
    }

    #[test]
    fn case_is_folded_as_a_lowercased_copy_would() {
        let mut tl = Timeline::new(vec![]);
        let text = "HeLLo Wörld\r\nÉTÉ été\r\na.b a*b (x) [y] $z ^w\r\nKELVIN \u{212a}elvin\r\n";
        tl.push(0, Kind::Output, text.as_bytes());
        let st = SearchText::build(&tl, |_| {});
        for p in [
            "hello",
            "wörld",
            "wö",
            "été",
            "ÉTÉ",
            "a.b",
            "a*b",
            "(x)",
            "[y]",
            "$z",
            "^w",
            "kelvin",
            "\u{212a}elvin",
            "Hello",
            "nothing",
        ] {
            let got: Vec<usize> = st
                .find(&tl, p)
                .iter()
                .map(|h| match h.found {
                    Found::Output { line, .. } => line,
                    Found::Context(_) => usize::MAX,
                })
                .collect();
            assert_eq!(got, by_copy(&st, p), "{p:?}");
        }
        assert_eq!(st.find(&tl, "a.b").len(), 1, "a dot is a dot");
    }

    #[test]
    fn finds_context_entries_with_the_output_in_time_order() {
        use crate::context::Lane;
        let row = |secs: i128, actor: Option<&str>, text: &str| Row {
            t: secs * NANOS_PER_SEC as i128,
            time: None,
            lane: Lane::AppLog,
            source: "app.log".into(),
            actor: actor.map(str::to_string),
            text: text.into(),
            fields: Default::default(),
        };
        let rows = [
            row(-60, None, "ERROR before the session"),
            row(2, Some("web-1"), "an error in the logs"),
            row(3, Some("Error-bot"), "said nothing"),
            row(99, None, "error after it"),
        ];
        let tl = tl();
        let st = SearchText::build(&tl, |_| {});
        let mut s = Search::new("error".into());
        s.run(&tl, &st, &rows);
        let found: Vec<(Found, Nanos)> = s.found().iter().map(|h| (h.found, h.t)).collect();
        let end = tl.duration();
        assert_eq!(
            found,
            [
                (Found::Context(0), 0),
                (Found::Output { line: 1, event: 3 }, 2 * NANOS_PER_SEC),
                (Found::Context(1), 2 * NANOS_PER_SEC),
                (Found::Output { line: 4, event: 4 }, 3 * NANOS_PER_SEC),
                (Found::Context(2), 3 * NANOS_PER_SEC),
                (Found::Context(3), end),
            ]
        );
        // smart case: the actor matched, the rest did not
        let mut s = Search::new("Error".into());
        s.run(&tl, &st, &rows);
        let found: Vec<Found> = s.found().iter().map(|h| h.found).collect();
        assert_eq!(
            found,
            [Found::Output { line: 1, event: 3 }, Found::Context(2)]
        );
    }

    #[test]
    fn finds_cells() {
        let cells = [(0, "a"), (1, "漢"), (3, "B"), (4, "c"), (5, "b")];
        assert_eq!(find_in_cells(&cells, "b"), vec![3..4, 5..6]);
        assert_eq!(find_in_cells(&cells, "漢b"), vec![1..4]);
        assert_eq!(find_in_cells(&cells, "B"), vec![3..4]);
        assert!(find_in_cells(&cells, "x").is_empty());
    }
}
