//! The search syntax: words, "phrases in quotes" and prefixes (`DROP*`), all of which must
//! match (in any order). Checked here, so that no store ever sees a malformed query; each
//! store translates a [`Query`] into its own language (FTS5 `MATCH`, a `tsquery`).

use crate::error::{Error, Result};

/// One thing to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word, or several that must follow one another (a phrase, or a word with
    /// punctuation, such as `.env` or `acme-prod`).
    Phrase(String),
    /// A word's beginning (`DROP*`).
    Prefix(String),
}

/// A parsed query: every term must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

const USAGE: &str = "search words, \"a phrase\" or a prefix (DROP*)";

impl Query {
    pub fn parse(s: &str) -> Result<Query> {
        let bad = |why: &str| Error::Usage(format!("bad search query: {why}: {USAGE}"));
        let mut terms = Vec::new();
        let mut chars = s.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            if c == '"' {
                chars.next();
                let mut phrase = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '"' {
                        closed = true;
                        break;
                    }
                    phrase.push(c);
                }
                if !closed {
                    return Err(bad("a quote is not closed"));
                }
                if chars.peek() == Some(&'*') {
                    return Err(bad("a phrase cannot be a prefix"));
                }
                if !has_word(&phrase) {
                    return Err(bad("an empty phrase"));
                }
                terms.push(Term::Phrase(phrase));
                continue;
            }
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            let stars = word.len() - word.trim_end_matches('*').len();
            let stem = word.trim_end_matches('*');
            if stem.contains('*') || stars > 1 {
                return Err(bad("`*` only ends a word"));
            }
            if !has_word(stem) {
                return Err(bad("a term without letters or digits"));
            }
            if stars == 1 {
                if stem.chars().any(|c| !c.is_alphanumeric() && c != '_') {
                    return Err(bad("a prefix is letters and digits only"));
                }
                terms.push(Term::Prefix(stem.to_string()));
            } else {
                terms.push(Term::Phrase(stem.to_string()));
            }
        }
        if terms.is_empty() {
            return Err(bad("nothing to search for"));
        }
        Ok(Query { terms })
    }

    /// The query as an FTS5 `MATCH` expression for an index that keeps no positions
    /// (`detail=column`): every word of every term, quoted so that nothing in it is FTS5
    /// syntax, a prefix's with `*`. It finds the texts that hold all the words; whether a
    /// phrase's words follow one another is for the caller to check.
    pub fn to_fts5_words(&self) -> String {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let mut out = Vec::new();
        for t in &self.terms {
            match t {
                // each word as it is written: FTS5 folds it as it folded the text
                Term::Phrase(p) => {
                    out.extend(
                        super::words::words(p)
                            .iter()
                            .map(|w| quote(&p[w.start..w.end])),
                    );
                }
                Term::Prefix(p) => out.extend(
                    super::words::words(p)
                        .iter()
                        .map(|w| format!("{}*", quote(&p[w.start..w.end]))),
                ),
            }
        }
        out.join(" AND ")
    }
}

fn has_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_prefixes() {
        let q = Query::parse(r#"DROP* "rm -rf" .env"#).unwrap();
        assert_eq!(
            q.terms,
            [
                Term::Prefix("DROP".into()),
                Term::Phrase("rm -rf".into()),
                Term::Phrase(".env".into())
            ]
        );
        assert_eq!(q.to_fts5_words(), r#""DROP"* AND "rm" AND "rf" AND "env""#);
    }

    #[test]
    fn malformed_queries_are_usage_errors() {
        for q in [
            "", "  ", "\"open", "a*b", "**", "drop**", "\"\"", "-", "\"x\"*", "a.b*",
        ] {
            match Query::parse(q) {
                Err(Error::Usage(m)) => assert!(m.starts_with("bad search query"), "{m}"),
                other => panic!("{q:?}: {other:?}"),
            }
        }
    }
}
