//! The compact layout's chrome: the timeline bar and the status line lie over the screen's
//! bottom rows, shown for [`CHROME_SHOWN`] after a key, a click or a seek (as video players do;
//! pausing does not pin them), and whenever a prompt, the help or a panel is open.

use super::App;
use crate::player::action::Action;
use std::time::Duration;

/// How long the bar and the status stay over a compact screen after an input.
pub const CHROME_SHOWN: Duration = Duration::from_secs(4);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chrome {
    until: Duration,
    shown: bool,
}

impl Chrome {
    pub fn shown_at(now: Duration) -> Self {
        Chrome {
            until: now + CHROME_SHOWN,
            shown: true,
        }
    }

    /// Take an action into account; whether what is drawn changes.
    pub fn update(&mut self, action: &Action, now: Duration) -> bool {
        match action {
            Action::Tick => {
                if self.shown && now >= self.until {
                    self.shown = false;
                    return true;
                }
                false
            }
            _ => {
                let was = self.shown;
                *self = Chrome::shown_at(now);
                !was
            }
        }
    }

    /// How long until it hides (`None`: hidden already).
    pub fn due(&self, now: Duration) -> Option<Duration> {
        self.shown.then(|| self.until.saturating_sub(now))
    }
}

impl App {
    /// Whether the bar and the status are drawn: always in the full layout; in the compact
    /// one, shortly after an input, or while something asks for keys.
    pub fn chrome_shown(&self) -> bool {
        !self.needs().compact
            || self.chrome.shown
            || self.prompt.is_some()
            || self.help
            || self.panels.open.is_some()
    }

    pub(super) fn toggle_compact(&mut self) {
        let now_compact = self.needs().compact;
        self.compact = Some(!now_compact);
        self.reclamp();
        self.follow_cursor();
        self.message = Some(if now_compact {
            "framed (z: compact)".into()
        } else {
            "compact: no frame; the bar and the status after a key (z: framed)".into()
        });
    }
}
