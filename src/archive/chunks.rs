//! A session's content as the stores keep it: its pieces (the [`Entry`]s [`super::index`]
//! makes) gathered in chunks of one kind, up to [`CHUNK_BYTES`] of text, each chunk one row
//! with its pieces' times and where each starts in its text.
//!
//! Why: most pieces are a line or two; a row each costs more in row headers, repeated words
//! and index entries than the text itself, short texts are not compressed, and a common word
//! matches so many rows that ranking them all is slow. A chunk is stored compressed (TOAST in
//! PostgreSQL, deflate in SQLite), its words indexed once. The database finds the chunks
//! that match, best first; [`hits`] then finds the pieces in them that do (every term in
//! one piece, a phrase's words in order), at their times.

use super::{words, Entry, Hit, In, Query};
use std::borrow::Cow;
use std::collections::HashMap;

/// A chunk's text is closed once it holds this much.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// One chunk.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub kind: &'static str,
    /// Nanoseconds from the session's start, each piece's.
    pub times: Vec<i64>,
    /// Where each piece starts in `text` (bytes).
    pub starts: Vec<i32>,
    pub text: String,
    /// The `tsvector` literal, when asked for (PostgreSQL's index); else empty.
    pub words: String,
    /// How many different words the `tsvector` holds.
    pub nwords: usize,
}

impl Chunk {
    /// The pieces' texts, in order.
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        let ends = self.starts[1.min(self.starts.len())..]
            .iter()
            .map(|&s| s as usize)
            .chain(std::iter::once(self.text.len()));
        self.starts
            .iter()
            .zip(ends)
            .filter_map(|(&from, to)| self.text.get(from as usize..to))
    }
}

/// No text the stores keep holds NUL (PostgreSQL's cannot): one is kept as U+FFFD.
pub fn no_nul(s: &str) -> String {
    s.replace('\0', "\u{fffd}")
}

/// [`no_nul`], borrowed when there is none.
fn without_nul(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(no_nul(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// The chunks of a session's content (kept in its order); with `tsvector`, each with its
/// `tsvector` literal, its pieces cut where a `tsvector`'s positions end.
pub fn chunks(content: &[Entry], tsvector: bool) -> Vec<Chunk> {
    let mut out = Vec::new();
    // the chunk being filled, its words, the positions they take
    let mut open: Option<(Chunk, words::WordSet, usize)> = None;
    let close = |open: &mut Option<(Chunk, words::WordSet, usize)>, out: &mut Vec<Chunk>| {
        if let Some((mut c, words, _)) = open.take() {
            if tsvector {
                (c.words, c.nwords) = words.tsvector();
            }
            out.push(c);
        }
    };
    for e in content {
        let text = without_nul(&e.text);
        let spans = if tsvector {
            words::spans(&text)
        } else {
            Vec::new()
        };
        let pieces = if tsvector {
            words::pieces_of_spans(&text, &spans)
        } else {
            vec![(&*text, &spans[..])]
        };
        for (piece, spans) in pieces {
            let n = spans.len() + 1;
            let fits = open.as_ref().is_some_and(|(c, _, used)| {
                c.kind == e.kind.as_str()
                    && c.text.len() < CHUNK_BYTES
                    && (!tsvector || used + n <= words::MAX_WORDS)
                    && c.text.len() + piece.len() < i32::MAX as usize
            });
            if !fits {
                close(&mut open, &mut out);
                open = Some((
                    Chunk {
                        kind: e.kind.as_str(),
                        ..Chunk::default()
                    },
                    words::WordSet::default(),
                    0,
                ));
            }
            let (c, words, used) = open.as_mut().expect("opened above");
            c.times.push(e.t.min(i64::MAX as u64) as i64);
            c.starts.push(c.text.len() as i32);
            c.text.push_str(piece);
            for &(a, b) in spans {
                words.add(&text[a..b]);
            }
            *used += n;
        }
    }
    close(&mut open, &mut out);
    out
}

/// The pieces of a chunk read back that match the query (at most `max`): their time, and a
/// snippet.
pub fn hits(
    times: &[i64],
    starts: &[i32],
    text: &str,
    q: &Query,
    max: usize,
) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    for (i, &t) in times.iter().enumerate() {
        if out.len() >= max {
            break;
        }
        let at = |k: usize| -> Option<usize> {
            match starts.get(k) {
                Some(&s) => usize::try_from(s).ok(),
                None => Some(text.len()),
            }
        };
        let (Some(from), Some(to)) = (at(i), at(i + 1)) else {
            continue;
        };
        let Some(piece) = text.get(from..to) else {
            continue;
        };
        if words::is_match(piece, q) {
            out.push((t.max(0) as u64, words::snippet(piece, q)));
        }
    }
    out
}

/// A session's hits that come before any other session's second-best ones.
const PER_SESSION: usize = 5;

/// Hits taken from chunks read best first, where the stores give every session's best chunk
/// before any session's second best (`round` 1, then 2…): a session's first
/// [`PER_SESSION`] hits come first, in that order, the rest after them. So a word that fills
/// one session's chunk does not hide the other sessions that hold it, and a search stops
/// reading as soon as it has its hits.
pub struct Gather {
    limit: usize,
    first: Vec<Hit>,
    rest: Vec<Hit>,
    per_session: HashMap<String, usize>,
}

impl Gather {
    pub fn new(limit: usize) -> Gather {
        Gather {
            limit,
            first: Vec::new(),
            rest: Vec::new(),
            per_session: HashMap::new(),
        }
    }

    /// Whether a chunk of this round can still change the hits.
    pub fn wants(&self, round: i64) -> bool {
        let had = self.first.len() + self.rest.len();
        self.first.len() < self.limit && (round <= 1 || had < self.limit)
    }

    /// A chunk's hits, in its order.
    pub fn add(&mut self, hits: impl IntoIterator<Item = Hit>) {
        for h in hits {
            let n = self
                .per_session
                .entry(h.session.audit_log_id.clone())
                .or_default();
            *n += 1;
            if *n <= PER_SESSION {
                self.first.push(h);
            } else if self.rest.len() < self.limit {
                self.rest.push(h);
            }
        }
    }

    /// At most `limit`, best first.
    pub fn hits(mut self) -> Vec<Hit> {
        self.first.append(&mut self.rest);
        self.first.truncate(self.limit);
        self.first
    }
}

/// The kind stored in a chunk.
pub fn kind(s: &str) -> In {
    In::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(kind: In, t: u64, text: &str) -> Entry {
        Entry {
            kind,
            t,
            text: text.into(),
        }
    }

    #[test]
    fn pieces_gathered_by_kind_and_found_again() {
        let content = [
            e(In::Command, 1, "rm -rf cache"),
            e(In::Command, 5, "ls"),
            e(In::Output, 2, "removed\0 cache"),
            e(In::Output, 6, "a.txt b.txt"),
        ];
        let c = chunks(&content, true);
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].kind, &c[0].times[..], &c[0].starts[..]),
            ("command", &[1, 5][..], &[0, 12][..])
        );
        assert_eq!(c[1].text, "removed\u{fffd} cachea.txt b.txt");
        let q = Query::parse("cache").unwrap();
        let found = hits(&c[1].times, &c[1].starts, &c[1].text, &q, 10);
        assert_eq!(found, [(2, "removed\u{fffd} \u{2}cache\u{3}".to_string())]);
        // every term in one piece, as SQLite finds them
        let q = Query::parse("removed txt").unwrap();
        assert!(hits(&c[1].times, &c[1].starts, &c[1].text, &q, 10).is_empty());
    }

    proptest::proptest! {
        /// A chunk's `tsvector` is every word of its pieces once, sorted, as `words` reads
        /// them: the set built while chunking misses none and adds none.
        #[test]
        fn a_chunks_words_are_its_pieces_words(
            texts in proptest::collection::vec("[a-zA-Z0-9 '\\\\éÉ\u{301}日ω_.\0-]{0,40}", 1..12)
        ) {
            let content: Vec<Entry> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| e(if i % 3 == 0 { In::Command } else { In::Output }, i as u64, t))
                .collect();
            for c in chunks(&content, true) {
                let set: std::collections::BTreeSet<String> = c
                    .pieces()
                    .flat_map(|p| words::words(p).into_iter().map(|w| w.folded))
                    .collect();
                let want: Vec<String> = set
                    .iter()
                    .map(|w| format!("'{}'", w.replace('\\', "\\\\").replace('\'', "''")))
                    .collect();
                proptest::prop_assert_eq!(&c.words, &want.join(" "));
                proptest::prop_assert_eq!(c.nwords, set.len());
            }
        }
    }

    #[test]
    fn chunks_close_at_their_size() {
        let line = "word ".repeat(1000);
        let content: Vec<Entry> = (0..40).map(|i| e(In::Output, i, &line)).collect();
        let c = chunks(&content, true);
        assert!(c.len() > 1, "{}", c.len());
        assert!(c.iter().all(|c| c.text.len() < CHUNK_BYTES + line.len()));
        assert_eq!(c.iter().map(|c| c.times.len()).sum::<usize>(), 40);
        // and within what a tsvector's positions can say
        let words: Vec<Entry> = (0..40)
            .map(|i| e(In::Output, i, &"w ".repeat(1500)))
            .collect();
        for c in chunks(&words, true) {
            assert!(
                c.times.len() * 1501 <= words::MAX_WORDS,
                "{}",
                c.times.len()
            );
        }
    }
}
