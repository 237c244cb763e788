//! Words as the archive searches them, for a store that has no tokenizer of its own to match
//! SQLite's: PostgreSQL's parsers read `ann@acme.io`, `/usr/bin/x` or `3.2` as single
//! tokens and its configurations stem, where FTS5's `unicode61` (the SQLite store) splits on
//! everything but letters and digits, folds case and removes diacritics. Here is that
//! tokenizer, and what the PostgreSQL store builds from it: `tsvector` and `tsquery`
//! literals (no parser, no dictionary: the same words for any server locale); and for both
//! stores, whose indexes say only which chunks hold a query's words, which pieces match
//! ([`is_match`]: a phrase's words in order) and their snippets.

use super::query::{Query, Term};
use super::{MARK_END, MARK_START};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The longest word PostgreSQL keeps (bytes); a longer one is cut there, in the index and in
/// a query alike, so that it is still found.
const MAX_WORD: usize = 2046;
/// The words of a piece, and of a chunk, at most (a text with more is stored in pieces): what
/// one `tsvector` holds stays bounded.
pub const MAX_WORDS: usize = 16_000;
/// Words of a snippet, as FTS5's `snippet(…, 16)`.
const SNIPPET_WORDS: usize = 16;

/// One word of a text: where it is, and how it is compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub folded: String,
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c) || ('\u{e000}'..='\u{f8ff}').contains(&c)
}

/// Lowercase, without diacritics, at most [`MAX_WORD`] bytes.
fn fold(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    fold_into(&mut out, w);
    out
}

/// [`fold`] onto `out`.
fn fold_into(out: &mut String, w: &str) {
    if w.is_ascii() {
        let from = out.len();
        out.push_str(&w[..w.len().min(MAX_WORD)]);
        out[from..].make_ascii_lowercase();
        return;
    }
    let from = out.len();
    for c in w.chars().flat_map(char::to_lowercase).nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if out.len() - from + c.len_utf8() > MAX_WORD {
            break;
        }
        out.push(c);
    }
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Word> {
    spans(text)
        .into_iter()
        .map(|(start, end)| Word {
            start,
            end,
            folded: fold(&text[start..end]),
        })
        .collect()
}

/// How many words `text` holds (as [`words`] finds them, counted without being folded).
pub fn count(text: &str) -> usize {
    let mut n = 0;
    let mut inside = false;
    for c in text.chars() {
        let w = is_word_char(c);
        if w && !inside {
            n += 1;
        }
        inside = w;
    }
    n
}

/// `text` cut before every [`MAX_WORDS`]th word, so that each piece's words fit a
/// `tsvector`.
#[cfg(test)]
pub fn pieces(text: &str) -> Vec<&str> {
    let spans = spans(text);
    pieces_of_spans(text, &spans)
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

/// Where the words of `text` are (as [`words`] finds them), not folded.
pub fn spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let w = &text[s..i];
                // an ASCII word folds to itself lowercased; another may fold to nothing
                if w.is_ascii() || !fold(w).is_empty() {
                    out.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// [`pieces`] from the words' [`spans`]: each piece with its words' spans.
pub fn pieces_of_spans<'t, 's>(
    text: &'t str,
    spans: &'s [(usize, usize)],
) -> Vec<(&'t str, &'s [(usize, usize)])> {
    let groups: Vec<&[(usize, usize)]> = if spans.is_empty() {
        vec![spans]
    } else {
        spans.chunks(MAX_WORDS).collect()
    };
    let ends = groups[1..]
        .iter()
        .map(|g| g[0].0)
        .chain(std::iter::once(text.len()));
    let mut at = 0;
    groups
        .iter()
        .zip(ends)
        .map(|(g, to)| {
            let piece = &text[at..to];
            at = to;
            (piece, *g)
        })
        .collect()
}

/// The different words of texts kept together, folded once each: what a `tsvector` holds.
#[derive(Default)]
pub struct WordSet {
    set: std::collections::HashSet<String>,
    buf: String,
}

impl WordSet {
    /// Adds the word `w` (a span of [`spans`]).
    pub fn add(&mut self, w: &str) {
        self.buf.clear();
        fold_into(&mut self.buf, w);
        if !self.set.contains(self.buf.as_str()) {
            self.set.insert(self.buf.clone());
        }
    }

    /// The `tsvector` literal of the words, and how many there are.
    pub fn tsvector(self) -> (String, usize) {
        let mut words: Vec<String> = self.set.into_iter().collect();
        words.sort_unstable();
        let n = words.len();
        let mut out = String::with_capacity(words.iter().map(|w| w.len() + 3).sum());
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            push_quoted(&mut out, w);
        }
        (out, n)
    }
}

/// A lexeme quoted for a `tsvector` or `tsquery` literal, onto `out`.
fn push_quoted(out: &mut String, s: &str) {
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("''"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

/// A lexeme quoted for a `tsvector` or `tsquery` literal.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_quoted(&mut out, s);
    out
}

/// The `tsvector` literal of a text: each word once, without positions (as `strip` leaves
/// one): the index says which chunks hold a word, and [`is_match`] which pieces hold a
/// phrase.
#[cfg(test)]
pub fn tsvector(text: &str) -> String {
    let mut set = WordSet::default();
    for (a, b) in spans(text) {
        set.add(&text[a..b]);
    }
    set.tsvector().0
}

/// A term's words: each compared whole, the last one as a beginning for a prefix.
fn term_words(t: &Term) -> (Vec<String>, bool) {
    let (s, prefix) = match t {
        Term::Phrase(s) => (s, false),
        Term::Prefix(s) => (s, true),
    };
    (words(s).into_iter().map(|w| w.folded).collect(), prefix)
}

/// The `tsquery` literal of a query for a `tsvector` without positions: every word of every
/// term (`&`), a prefix's last word `:*`. Whether a phrase's words follow one another is
/// for the caller to check ([`is_match`]).
pub fn tsquery(q: &Query) -> String {
    q.terms
        .iter()
        .map(|t| {
            let (w, prefix) = term_words(t);
            let last = w.len().saturating_sub(1);
            let parts: Vec<String> = w
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let star = if prefix && i == last { ":*" } else { "" };
                    format!("{}{star}", quoted(w))
                })
                .collect();
            format!("({})", parts.join(" & "))
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Where in `w` a term matches: `(first, last)` word indexes, in order.
fn find(w: &[Word], t: &Term) -> Vec<(usize, usize)> {
    let (tw, prefix) = term_words(t);
    if tw.is_empty() || tw.len() > w.len() {
        return Vec::new();
    }
    (0..=w.len() - tw.len())
        .filter(|&i| {
            tw.iter().enumerate().all(|(k, x)| {
                let y = &w[i + k].folded;
                if prefix && k == tw.len() - 1 {
                    y.starts_with(x.as_str())
                } else {
                    y == x
                }
            })
        })
        .map(|i| (i, i + tw.len() - 1))
        .collect()
}

/// Which words of `w` the query's terms match, in order.
fn matches(w: &[Word], q: &Query) -> Vec<(usize, usize)> {
    let mut out: Vec<_> = q.terms.iter().flat_map(|t| find(w, t)).collect();
    out.sort_unstable();
    out
}

/// Whether `text` matches the query: every term somewhere in it (what FTS5 `MATCH` and
/// `@@` answer for one piece).
pub fn is_match(text: &str, q: &Query) -> bool {
    // an ASCII text folds to its lowercase: a term's word not in it is not a word of it
    if text.is_ascii() {
        let lower = text.to_ascii_lowercase();
        let absent = q.terms.iter().any(|t| {
            let (tw, _) = term_words(t);
            tw.iter().any(|w| !lower.contains(w.as_str()))
        });
        if absent {
            return false;
        }
    }
    let w = words(text);
    q.terms.iter().all(|t| !find(&w, t).is_empty())
}

/// The text around the first match, at most [`SNIPPET_WORDS`] words, the matches between
/// [`MARK_START`] and [`MARK_END`], `…` where the text goes on (as FTS5's `snippet`).
pub fn snippet(text: &str, q: &Query) -> String {
    let w = words(text);
    let found = matches(&w, q);
    let Some(&(first, last)) = found.first() else {
        let end = w.get(SNIPPET_WORDS - 1).map_or(text.len(), |w| w.end);
        let more = if end < text.len() { "…" } else { "" };
        return format!("{}{more}", &text[..end]);
    };
    let room = SNIPPET_WORDS.saturating_sub(last - first + 1);
    let from = first.saturating_sub(room / 2);
    let to = (from + SNIPPET_WORDS).min(w.len()).max(last + 1);
    let from = to.saturating_sub(SNIPPET_WORDS).min(first);
    let start = if from == 0 { 0 } else { w[from].start };
    let end = if to == w.len() {
        text.len()
    } else {
        w[to - 1].end
    };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    let mut open: Option<usize> = None;
    for &(a, b) in found.iter().filter(|(a, b)| *a >= from && *b < to) {
        let (s, e) = (w[a].start, w[b].end);
        if open.is_some_and(|o| s <= o) {
            // overlaps or touches the mark before it: one mark
            continue;
        }
        out.push_str(&text[at..s]);
        out.push(MARK_START);
        out.push_str(&text[s..e]);
        out.push(MARK_END);
        at = e;
        open = Some(e);
    }
    out.push_str(&text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_are_counted_as_they_are_found() {
        for text in [
            "",
            "  ",
            "psql -c 'DROP TABLE users'",
            "état-civil 42\u{e9}x",
            "a\nb\tc",
        ] {
            assert_eq!(count(text), words(text).len(), "{text:?}");
        }
    }

    use super::*;

    fn folded(s: &str) -> Vec<String> {
        words(s).into_iter().map(|w| w.folded).collect()
    }

    #[test]
    fn words_as_fts5_unicode61_reads_them() {
        // the terms SQLite's fts5vocab lists for this text
        assert_eq!(
            folded("SECRET_KEY=zebra42 rm -rf .env acme-prod Café naïve 3.2 ann@acme.io"),
            [
                "secret", "key", "zebra42", "rm", "rf", "env", "acme", "prod", "cafe", "naive",
                "3", "2", "ann", "acme", "io"
            ]
        );
        assert_eq!(
            folded("e\u{301}x x\u{200b}y 日本語 Ωmega"),
            ["ex", "x", "y", "日本語", "ωmega"]
        );
        let long = "a".repeat(3000);
        assert_eq!(folded(&long)[0].len(), MAX_WORD);
    }

    #[test]
    fn literals() {
        assert_eq!(tsvector("rm -rf / rm it's"), "'it' 'rf' 'rm' 's'");
        let q = Query::parse(r#"DROP* "rm -rf" SECRET_K* it's"#).unwrap();
        assert_eq!(
            tsquery(&q),
            "('drop':*) & ('rm' & 'rf') & ('secret' & 'k':*) & ('it' & 's')"
        );
    }

    #[test]
    fn a_phrase_is_its_words_in_order_in_one_text() {
        let q = Query::parse("\"rf rm\" x").unwrap();
        assert!(!is_match("rm -rf", &q));
        assert!(is_match("x rf rm", &q));
        assert!(!is_match("rf rm", &q), "every term");
    }

    #[test]
    fn long_texts_in_pieces_of_whole_words() {
        let text = "w ".repeat(MAX_WORDS * 2 + 5);
        let p = pieces(&text);
        assert_eq!(p.len(), 3);
        assert_eq!(p.concat(), text);
        assert!(p.iter().all(|p| words(p).len() <= MAX_WORDS));
    }

    #[test]
    fn snippets_mark_the_match() {
        let q = Query::parse("\"drop table\"").unwrap();
        assert_eq!(
            snippet("psql -c 'DROP TABLE users'", &q),
            "psql -c '\u{2}DROP TABLE\u{3} users'"
        );
        let text = (0..40)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let s = snippet(&text, &Query::parse("w20").unwrap());
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("\u{2}w20\u{3}"), "{s}");
        assert_eq!(words(&s).len(), SNIPPET_WORDS, "{s}");
        assert_eq!(snippet("a b", &Query::parse("zz").unwrap()), "a b");
    }
}
