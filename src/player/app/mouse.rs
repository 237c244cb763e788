//! The mouse: a click or a drag on the timeline seeks, a drag or the wheel on the screen
//! pans it (the wheel past its top scrolls back), a click in a side panel jumps to the item.

use super::App;
use crate::player::action::Mouse;
use ratatui::layout::{Position, Rect};
use std::time::Duration;

/// What the mouse holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Drag {
    Bar,
    Screen { x: u16, y: u16, off: (u16, u16) },
}

impl App {
    pub(super) fn mouse(&mut self, now: Duration, m: Mouse) {
        let a = self.areas();
        let screen = self.screen_size();
        let inside = |r: Rect, x: u16, y: u16| r.contains(Position { x, y });
        match m {
            Mouse::Down(x, y) => {
                // a panel may lie over the screen: it comes first
                if let Some(p) = a.panel_list.filter(|p| inside(*p, x, y)) {
                    let cx = panel_cx!(self);
                    if self
                        .panels
                        .click((y - p.y) as usize, p.height as usize, &cx)
                    {
                        self.panel_select(now);
                    }
                } else if a.panel.is_some_and(|p| inside(p, x, y)) {
                } else if inside(a.bar, x, y) {
                    self.drag = Some(Drag::Bar);
                    self.seek_bar(now, a.bar, x);
                } else if inside(a.view, x, y) {
                    self.drag = Some(Drag::Screen {
                        x,
                        y,
                        off: self.view.off,
                    });
                }
            }
            Mouse::Drag(x, y) => match self.drag {
                Some(Drag::Bar) => self.seek_bar(now, a.bar, x),
                Some(Drag::Screen { x: sx, y: sy, off }) => {
                    let nx = off.0 as i32 - (x as i32 - sx as i32);
                    let ny = off.1 as i32 - (y as i32 - sy as i32);
                    self.view.pan_to(nx, ny, a.view, screen);
                }
                None => {}
            },
            Mouse::Up => self.drag = None,
            Mouse::Scroll(x, y, dx, dy) => {
                if a.panel_list.is_some_and(|p| inside(p, x, y)) {
                    let cx = panel_cx!(self);
                    self.panels.move_by(dy as i64, &cx);
                } else if dx == 0 && dy < 0 && self.view.off.1 == 0 {
                    // the wheel up past the top of the screen: the scrollback
                    self.scroll_back(3 * -dy as i64);
                } else if dx == 0 && dy > 0 && self.replay.scrollback() > 0 {
                    self.scroll_back(-3 * dy as i64);
                } else {
                    self.view.pan(dx, dy, a.view, screen);
                }
            }
        }
    }

    fn seek_bar(&mut self, now: Duration, bar: Rect, x: u16) {
        let w = bar.width.saturating_sub(1).max(1) as f64;
        let f = (x.saturating_sub(bar.x) as f64 / w).clamp(0.0, 1.0);
        self.playback.seek_fraction(now, f);
    }
}
