//! Search from the player: running the query on the session's text, `n`/`N`, and going to a
//! hit (paused on it, brought into view: `reveal` in `app/scrollback.rs`).

use super::App;
use crate::player::action::Panel;
use std::time::Duration;

impl App {
    pub(super) fn run_search(&mut self, now: Duration) {
        let (Some(a), Some(s)) = (&self.analysis, self.search.as_mut()) else {
            return;
        };
        s.run(&self.tl, &a.text);
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
            Err(_) if s.hits.as_ref().is_some_and(|h| h.is_empty()) => {}
            Err(m) => self.message = Some(m),
            Ok((i, wrapped)) => {
                self.say(wrapped);
                self.jump_to_hit(now, i);
            }
        }
    }

    pub(super) fn jump_to_hit(&mut self, now: Duration, i: usize) {
        let Some(t) = self
            .search
            .as_ref()
            .and_then(|s| s.found().get(i))
            .map(|h| h.t)
        else {
            return;
        };
        // paused, so that the match stays on screen
        self.playback.pause(now);
        self.playback.seek(now, t);
        if let Some(s) = self.search.as_mut() {
            s.current = Some(i);
            self.reveal = Some(s.pattern.clone());
        }
        self.panels.follow(Panel::Hits, i);
    }
}
