//! Which part of a cropped recorded screen is shown: an offset, panned by the user or moved
//! to keep the cursor in view ("follow"). Every function takes the view's area and the
//! recorded screen's size from the layout; nothing here knows the terminal.

use ratatui::layout::Rect;

/// Which part of a cropped screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    /// The recorded screen's column and row at the view's top left corner.
    pub off: (u16, u16),
    /// Move with the cursor (until the user pans).
    pub follow: bool,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            off: (0, 0),
            follow: true,
        }
    }
}

impl Viewport {
    /// An offset of `x`, `y` kept inside what a `view` of a `screen` (columns, rows) allows.
    pub fn clamp(x: i32, y: i32, view: Rect, screen: (u16, u16)) -> (u16, u16) {
        let mx = screen.0.saturating_sub(view.width) as i32;
        let my = screen.1.saturating_sub(view.height) as i32;
        (x.clamp(0, mx) as u16, y.clamp(0, my) as u16)
    }

    /// Pan to `x`, `y` (clamped): the user moved, follow is off.
    pub fn pan_to(&mut self, x: i32, y: i32, view: Rect, screen: (u16, u16)) {
        self.follow = false;
        self.off = Self::clamp(x, y, view, screen);
    }

    /// Pan by `dx`, `dy`.
    pub fn pan(&mut self, dx: i32, dy: i32, view: Rect, screen: (u16, u16)) {
        let (x, y) = self.off;
        self.pan_to(x as i32 + dx, y as i32 + dy, view, screen);
    }

    /// Keep the offset valid after the view changed size.
    pub fn reclamp(&mut self, view: Rect, screen: (u16, u16)) {
        let (x, y) = self.off;
        self.off = Self::clamp(x as i32, y as i32, view, screen);
    }

    /// With follow on, move just enough to hold the cursor (row, column); whether it moved.
    pub fn follow_cursor(&mut self, cursor: (u16, u16), view: Rect, screen: (u16, u16)) -> bool {
        if !self.follow || view.width == 0 || view.height == 0 {
            return false;
        }
        let (row, col) = cursor;
        let (mut x, mut y) = self.off;
        if col < x {
            x = col;
        } else if col >= x + view.width {
            x = col + 1 - view.width;
        }
        if row < y {
            y = row;
        } else if row >= y + view.height {
            y = row + 1 - view.height;
        }
        let off = Self::clamp(x as i32, y as i32, view, screen);
        let moved = off != self.off;
        self.off = off;
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_cursor_until_panned_and_stays_inside() {
        let view = Rect::new(1, 1, 10, 4);
        let screen = (40, 12);
        let mut v = Viewport::default();
        assert!(v.follow_cursor((11, 39), view, screen));
        assert_eq!(v.off, (30, 8));
        assert!(!v.follow_cursor((11, 39), view, screen), "already in view");
        v.pan(-100, 2, view, screen);
        assert_eq!(v.off, (0, 8));
        assert!(!v.follow);
        assert!(!v.follow_cursor((0, 0), view, screen), "panned: stays put");
        v.pan(100, 100, view, screen);
        assert_eq!(v.off, (30, 8));
        // a bigger view: the offset shrinks to fit
        v.reclamp(Rect::new(0, 0, 38, 12), screen);
        assert_eq!(v.off, (2, 0));
    }
}
