//! The context entries (`--with`) the context panel (`e`) lists.

use super::App;
use crate::context::merge::Row;
use crate::player::action::Panel;

impl App {
    /// Context entries for the context panel, timed from the session's start.
    pub fn set_context(&mut self, mut rows: Vec<Row>) {
        rows.sort_by_key(|r| r.t);
        self.context = rows;
    }

    /// When the context entry selected lies outside the session, where Enter went instead.
    pub(super) fn outside_session(&self) -> Option<String> {
        if self.panels.open != Some(Panel::Context) {
            return None;
        }
        let r = self.context.get(self.panels.selected)?;
        if r.t < 0 {
            Some("that entry is before the session: at its start".into())
        } else if r.t > self.tl.duration() as i128 {
            Some("that entry is after the session: at its end".into())
        } else {
            None
        }
    }
}
