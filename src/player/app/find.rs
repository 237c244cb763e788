//! Search from the player: running the query on the session's text and its context entries,
//! `n`/`N`, and going to a hit (paused on it; a hit in the output brought into view:
//! `reveal` in `app/scrollback.rs`; one in a context entry outside the session said so).

use super::context::outside;
use super::App;
use crate::player::action::Panel;
use crate::player::search::Found;
use std::time::Duration;

impl App {
    pub(super) fn run_search(&mut self, now: Duration) {
        let (Some(a), Some(s)) = (&self.analysis, self.search.as_mut()) else {
            return;
        };
        s.run(&self.tl, &a.text, &self.context.rows);
        self.panels.follow(Panel::Hits, 0);
        self.search_step(now, true);
    }

    pub(super) fn search_step(&mut self, now: Duration, forward: bool) {
        let cur = self.playback.now_pos(now);
        let Some(s) = self.search.as_ref() else {
            self.message = Some("no search yet: press / to search".into());
            return;
        };
        match s.next(cur, forward) {
            // "no match" is said once, by the status line
            Err(crate::player::search::NoHit::NoMatch(_)) => {}
            Err(m) => self.message = Some(m.to_string()),
            Ok((i, wrapped)) => {
                self.say(wrapped);
                self.jump_to_hit(now, i);
            }
        }
    }

    pub(super) fn jump_to_hit(&mut self, now: Duration, i: usize) {
        let Some(h) = self.search.as_ref().and_then(|s| s.found().get(i)).cloned() else {
            return;
        };
        // paused, so that the match stays on screen
        self.playback.pause(now);
        self.playback.seek(now, h.t);
        let pattern = self.search.as_mut().map(|s| {
            s.current = Some(i);
            s.pattern.clone()
        });
        match h.found {
            Found::Output { .. } => self.reveal = pattern,
            Found::Context(r) => {
                // the entry, not the screen, holds the match; one outside the session is at
                // its start or end, and the status line says so
                self.reveal = None;
                let duration = self.tl.duration();
                let outside = self.context.rows.get(r).and_then(|r| outside(r, duration));
                self.say(outside);
                self.panels.follow(Panel::Context, r);
            }
        }
        self.panels.follow(Panel::Hits, i);
    }
}

#[cfg(test)]
mod tests {
    use crate::player::action::{Action, Panel, PromptKind};
    use crate::player::app::App;
    use crate::player::search::Found;
    use crate::player::ui::timeline::tests::app_with_context;
    use crate::timeline::NANOS_PER_SEC;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use std::time::Duration;

    fn search(a: &mut App, pattern: &str) {
        a.update(Action::OpenPrompt(PromptKind::Search), Duration::ZERO);
        for c in pattern.chars() {
            a.update(Action::PromptInput(c), Duration::ZERO);
        }
        a.update(Action::PromptSubmit, Duration::ZERO);
    }

    fn frame(a: &App) -> String {
        let mut t = Terminal::new(TestBackend::new(a.size.0, a.size.1)).unwrap();
        t.draw(|f| crate::player::ui::draw(a, f)).unwrap();
        format!("{}", t.backend())
    }

    #[test]
    fn a_search_finds_context_entries_and_the_list_says_their_lane() {
        let mut a = app_with_context((150, 24));
        search(&mut a, "deploy");
        assert_eq!(a.position(), 5 * NANOS_PER_SEC, "the app event at 5 s");
        assert_eq!(a.search().unwrap().found()[0].found, Found::Context(3));
        // the output and the entries, one list in time order, each entry with its lane
        search(&mut a, "e");
        a.update(Action::TogglePanel(Panel::Hits), Duration::ZERO);
        let s = frame(&a);
        insta::assert_snapshot!("hits_with_context_entries", s);
        assert!(
            s.contains("app-event web-1: deployment ^[[31msuccess"),
            "{s}"
        );
        assert!(!s.contains('\u{1b}'));
        for lane in ["app-log", "app-event", "losant", "datafold"] {
            assert!(s.contains(lane), "{lane}: {s}");
        }
    }

    #[test]
    fn a_hit_in_an_entry_outside_the_session_goes_to_its_edge_and_says_so() {
        let mut a = app_with_context((120, 24));
        search(&mut a, "after the session");
        assert_eq!(a.position(), 20 * NANOS_PER_SEC);
        assert_eq!(
            a.message(),
            Some("that entry is after the session: at its end")
        );
        search(&mut a, "before the session");
        assert_eq!(a.position(), 0);
        assert_eq!(
            a.message(),
            Some("that entry is before the session: at its start")
        );
        // with the context panel open, its selection follows the hit
        a.update(Action::TogglePanel(Panel::Context), Duration::ZERO);
        search(&mut a, "monitor");
        assert_eq!(a.position(), 16 * NANOS_PER_SEC);
        assert_eq!(a.panels.selected, 6);
        assert_eq!(a.message(), None, "inside the session: nothing to say");
    }
}
