//! `/` in the session picker of `play --archive`: a query typed at the bottom, then the
//! archive's hits in place of the list (Enter plays the hit's session from the hit's time,
//! Esc goes back to the list). The state only; the search itself is an [`super::picker::Effect`]
//! the loop carries out, the drawing is in [`super::ui::picker`].

use super::picker::{Action, Effect, Picker};
use crate::scalingo::Session;

/// One hit, as the picker shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub session: Session,
    /// Nanoseconds from the session's start.
    pub t: u64,
    /// `command` or `output`.
    pub kind: &'static str,
    /// The text around the match, the match between [`crate::archive::MARK_START`] and
    /// [`crate::archive::MARK_END`] (not escaped).
    pub snippet: String,
}

/// The hits of a search, as far as they are known.
#[derive(Debug, Clone, PartialEq)]
pub enum Results {
    Searching,
    Found(Vec<Found>),
    /// One line saying why (a malformed query, the archive unreadable).
    Failed(String),
}

/// The search's state in the picker.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finder {
    /// Whether `/` searches here (the archive's picker; the API's has no index).
    pub enabled: bool,
    /// The query being typed: `Some` while the prompt is open.
    pub typing: Option<String>,
    /// The last search run (its query) and its hits, shown instead of the list.
    pub shown: Option<(String, Results)>,
}

impl Finder {
    /// The hits shown, if any.
    pub fn hits(&self) -> &[Found] {
        match &self.shown {
            Some((_, Results::Found(h))) => h,
            _ => &[],
        }
    }

    /// Whether hits (or a search under way) are shown instead of the list.
    pub fn showing(&self) -> bool {
        self.shown.is_some()
    }
}

impl Picker {
    /// Offers `/` (the archive's picker).
    pub fn enable_search(&mut self) {
        self.finder.enabled = true;
    }

    /// The search: the prompt, the hits.
    pub fn finder(&self) -> &Finder {
        &self.finder
    }

    /// Whether keys go to the search prompt.
    pub fn typing(&self) -> bool {
        self.finder.typing.is_some()
    }

    /// Esc for the search: the prompt closed, else the hits left for the list (unless a
    /// download is under way: Esc cancels that first). Whether it did anything.
    pub(super) fn search_cancel(&mut self) -> bool {
        if self.finder.typing.take().is_some() {
            return true;
        }
        if self.download.is_none() && self.finder.shown.take().is_some() {
            self.selected = 0;
            return true;
        }
        false
    }

    /// The search's actions.
    pub(super) fn search_action(&mut self, action: Action) -> Option<Effect> {
        let f = &mut self.finder;
        match action {
            Action::SearchOpen if !f.enabled => {
                self.message = Some("search needs the archive: auditty play --archive".into());
            }
            Action::SearchOpen => {
                let last = f.shown.as_ref().map(|(q, _)| q.clone());
                f.typing = Some(last.unwrap_or_default());
            }
            Action::SearchType(c) => f.typing.iter_mut().for_each(|q| q.push(c)),
            Action::SearchBack => {
                f.typing.iter_mut().for_each(|q| {
                    q.pop();
                });
            }
            Action::SearchRun => {
                let query = f.typing.take()?;
                if query.trim().is_empty() {
                    return None;
                }
                f.shown = Some((query.clone(), Results::Searching));
                self.selected = 0;
                return Some(Effect::Search { query });
            }
            Action::Found(r) => {
                if let Some((_, results)) = f.shown.as_mut() {
                    *results = match r {
                        Ok(hits) => Results::Found(hits),
                        Err(e) => Results::Failed(e.to_string()),
                    };
                    self.selected = 0;
                }
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::picker::tests::sessions;

    fn found(s: &[Session]) -> Vec<Found> {
        vec![
            Found {
                session: s[2].clone(),
                t: 4_000_000_000,
                kind: "command",
                snippet: "psql -c '\u{2}DROP TABLE\u{3} users'".into(),
            },
            Found {
                session: s[0].clone(),
                t: 1_000_000_000,
                kind: "output",
                snippet: "\u{2}DROP TABLE\u{3}".into(),
            },
        ]
    }

    fn picker() -> Picker {
        let mut p = Picker::new("archive", (100, 20));
        p.enable_search();
        p.update(Action::Listed(Ok(sessions(3))));
        p
    }

    #[test]
    fn slash_types_a_query_enter_searches_and_a_hit_plays_from_its_time() {
        let mut p = picker();
        p.update(Action::SearchOpen);
        assert!(p.typing());
        for c in "drop tablx".chars() {
            p.update(Action::SearchType(c));
        }
        p.update(Action::SearchBack);
        p.update(Action::SearchType('e'));
        assert_eq!(
            p.update(Action::SearchRun),
            Some(Effect::Search {
                query: "drop table".into()
            })
        );
        assert!(!p.typing() && p.busy(), "searching");
        p.update(Action::Found(Ok(found(&sessions(3)))));
        assert!(!p.busy());
        p.update(Action::Move(5));
        assert_eq!(p.selected(), 1, "within the hits");
        p.update(Action::Home);
        assert_eq!(
            p.update(Action::Open),
            Some(Effect::Download {
                ticket: 1,
                id: "log-2".into(),
                size_hint: Some(3000),
            })
        );
        assert_eq!(p.download().unwrap().start, Some(4_000_000_000));
        // Esc cancels the download first, then leaves the hits for the list
        p.update(Action::Cancel);
        assert!(p.download().is_none() && p.finder().showing());
        p.update(Action::Cancel);
        assert!(!p.finder().showing());
        assert_eq!(p.current().unwrap().id, "ev-0");
        let Some(Effect::Download { .. }) = p.update(Action::Open) else {
            panic!()
        };
        assert_eq!(
            p.download().unwrap().start,
            None,
            "the list plays from the start"
        );
        // `/` again offers the last query
        p.update(Action::Cancel);
        p.update(Action::SearchOpen);
        assert_eq!(p.finder().typing.as_deref(), Some(""));
    }

    #[test]
    fn esc_closes_the_prompt_and_failures_are_shown() {
        let mut p = picker();
        p.update(Action::SearchOpen);
        p.update(Action::SearchType('x'));
        p.update(Action::Cancel);
        assert!(!p.typing() && !p.finder().showing());
        p.update(Action::SearchOpen);
        assert_eq!(p.update(Action::SearchRun), None, "nothing to search for");
        p.update(Action::SearchOpen);
        p.update(Action::SearchType('"'));
        p.update(Action::SearchRun);
        p.update(Action::Found(Err(crate::player::picker::Failure::of(
            "bad search query: a quote is not closed",
        ))));
        assert_eq!(
            p.finder().shown,
            Some((
                "\"".into(),
                Results::Failed("bad search query: a quote is not closed".into())
            ))
        );
        assert_eq!(p.update(Action::Open), None, "no hit to play");
        // the API's picker has no index
        let mut p = Picker::new("my-app", (100, 20));
        p.update(Action::Listed(Ok(sessions(1))));
        p.update(Action::SearchOpen);
        assert!(!p.typing());
        assert!(p.message().unwrap().contains("play --archive"));
    }
}
