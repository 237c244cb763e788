//! The side panels as the app drives them: opening one, Enter on an item, and what they read
//! (borrowed from the parts that hold it).

use super::{progress, App};
use crate::player::action::Panel;
use crate::player::background::{Analysis, Background};
use crate::player::panels::{Cx, Jump};
use crate::player::playback::Playback;
use crate::player::search::Search;
use std::time::Duration;

impl App {
    pub(super) fn toggle_panel(&mut self, id: Panel) {
        let cx = panel_cx!(self);
        match self.panels.toggle(id, &cx) {
            Err(why) => self.message = Some(why.into()),
            Ok(false) => {}
            Ok(true) => {
                self.reclamp();
                self.follow_cursor();
            }
        }
    }

    pub(super) fn panel_select(&mut self, now: Duration) {
        match self.panels.enter(&self.cx()) {
            Some(Jump::Seek(t)) => {
                self.playback.seek(now, t);
                let outside = self.outside_session();
                self.say(outside);
            }
            Some(Jump::Hit(i)) => self.jump_to_hit(now, i),
            None => {}
        }
    }
}

/// What the side panels read, from the parts that hold it (borrowing only those, so that
/// the panels' own state can change meanwhile).
pub(super) fn cx<'a>(
    analysis: &'a Option<Analysis>,
    search: &'a Option<Search>,
    playback: &'a Playback,
    bg: &Background,
    context: &'a super::context::Entries,
) -> Cx<'a> {
    Cx {
        analysis: analysis.as_ref(),
        search: search.as_ref(),
        pos: playback.position(),
        duration: playback.duration(),
        markers: &playback.markers,
        progress: progress(bg),
        context: &context.rows,
    }
}
