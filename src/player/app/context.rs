//! The context entries (`--with`): what the context panel (`e`) lists, their ticks on the
//! timeline bar, the stops `[`/`]` make at them, and the newest one passed, flashed in the
//! status line.

use super::App;
use crate::context::merge::Row;
use crate::context::Lane;
use crate::player::action::Panel;
use crate::player::playback::KEYS_SHOWN;
use crate::timeline::Nanos;

/// The context lanes, in the order their ticks win a cell of the bar (the rarest first:
/// a deployment is not hidden by the log lines around it).
pub const LANES: [Lane; 4] = [Lane::AppEvent, Lane::Losant, Lane::Datafold, Lane::AppLog];

/// The context entries, in time order, and the times of those inside the session by lane.
#[derive(Debug, Default)]
pub struct Entries {
    pub rows: Vec<Row>,
    /// For each lane of [`LANES`] that has entries inside the session: their times.
    pub ticks: Vec<(Lane, Vec<Nanos>)>,
}

impl Entries {
    /// `rows` sorted, for a session `duration` long.
    pub fn new(mut rows: Vec<Row>, duration: Nanos) -> Entries {
        rows.sort_by_key(|r| r.t);
        let ticks = LANES
            .iter()
            .map(|&lane| {
                let times: Vec<Nanos> = rows
                    .iter()
                    .filter(|r| r.lane == lane)
                    .filter_map(|r| inside(r.t, duration))
                    .collect();
                (lane, times)
            })
            .filter(|(_, times)| !times.is_empty())
            .collect();
        Entries { rows, ticks }
    }

    /// The times of the entries inside the session (the stops of `[` and `]`).
    pub fn stops(&self) -> impl Iterator<Item = Nanos> + '_ {
        self.ticks
            .iter()
            .flat_map(|(_, times)| times.iter().copied())
    }
}

/// A time from the session's start as a recording time, if it is inside the session.
fn inside(t: i128, duration: Nanos) -> Option<Nanos> {
    Nanos::try_from(t).ok().filter(|&t| t <= duration)
}

impl App {
    /// Context entries for the context panel, timed from the session's start.
    pub fn set_context(&mut self, rows: Vec<Row>) {
        self.context = Entries::new(rows, self.tl.duration());
        self.dirty = true;
    }

    /// When the context entry selected lies outside the session, where Enter went instead.
    pub(super) fn outside_session(&self) -> Option<String> {
        if self.panels.open != Some(Panel::Context) {
            return None;
        }
        outside(
            self.context.rows.get(self.panels.selected)?,
            self.tl.duration(),
        )
    }

    /// The newest entry inside the session at or before the position, while it was passed
    /// shortly before ([`KEYS_SHOWN`] of wall time at the current speed, as typed keys are):
    /// flashed in the status line.
    pub fn context_flash(&self) -> Option<&Row> {
        let pos = self.playback.pos;
        let rows = &self.context.rows;
        let i = rows
            .partition_point(|r| r.t <= pos as i128)
            .checked_sub(1)?;
        let r = &rows[i];
        let t = Nanos::try_from(r.t).ok()?;
        let sq = self.playback.clock.squeeze();
        let speed = self.playback.clock.speed().max(1.0);
        let window = (KEYS_SHOWN.as_nanos() as f64 * speed) as Nanos;
        (sq.pres(pos).saturating_sub(sq.pres(t)) <= window).then_some(r)
    }
}

/// Where a seek to `r` went instead, when it lies outside a session `duration` long.
pub fn outside(r: &Row, duration: Nanos) -> Option<String> {
    if r.t < 0 {
        Some("that entry is before the session: at its start".into())
    } else if r.t > duration as i128 {
        Some("that entry is after the session: at its end".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::player::action::Action;
    use crate::player::ui::timeline::tests::app_with_context;
    use crate::timeline::{Nanos, NANOS_PER_SEC};
    use std::time::Duration;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn at(secs: f64) -> Nanos {
        (secs * NANOS_PER_SEC as f64) as Nanos
    }

    #[test]
    fn brackets_stop_at_commands_markers_and_entries_inside_the_session() {
        let mut a = app_with_context((80, 20));
        // commands at 2 s and 9 s, the marker at 12 s; entries at 3, 3.1, 5, 7, 15, 16 s
        let want = [2.0, 3.0, 3.1, 5.0, 7.0, 9.0, 12.0, 15.0, 16.0].map(at);
        assert_eq!(a.stops(), want);
        for t in want {
            a.update(Action::NextStop, ms(0));
            assert_eq!(a.position(), t);
        }
        a.update(Action::NextStop, ms(0));
        assert_eq!(a.position(), at(16.0), "nothing after: it stays");
        assert_eq!(
            a.message(),
            Some("no command, marker or context entry after this point")
        );
        a.update(Action::PrevStop, ms(0));
        assert_eq!(a.position(), at(15.0));
        a.update(Action::PrevStop, ms(0));
        assert_eq!(a.position(), at(12.0), "the marker");
        // an empty context: commands and markers only, as before
        a.set_context(Vec::new());
        assert_eq!(a.stops(), [2.0, 9.0, 12.0].map(at));
    }

    #[test]
    fn the_entry_passed_is_flashed_briefly() {
        let mut a = app_with_context((80, 20));
        assert!(a.context_flash().is_none(), "at the start: none passed yet");
        a.update(Action::TogglePlay, ms(0));
        a.update(Action::Tick, ms(5200));
        let r = a.context_flash().expect("the app event at 5 s");
        assert!(r.text.starts_with("deployment"), "{r:?}");
        // long after it (1.5 s at 1×), gone
        a.update(Action::Tick, ms(6800));
        assert!(a.context_flash().is_none());
        // paused on an entry, it stays
        a.update(Action::TogglePlay, ms(6800));
        a.update(Action::NextStop, ms(6800));
        assert_eq!(
            a.context_flash().map(|r| r.text.as_str()),
            Some("device.patch → 200")
        );
    }
}
