//! Where things go on the user's terminal: a pure function of sizes.
//!
//! [`layout`] takes the terminal's area and what the state needs room for ([`Needs`]: the
//! recorded screen's size, whether a side panel is open) and gives the [`Areas`]. The state
//! computes it to pan, follow the cursor and hit-test the mouse; the drawing computes the same
//! from the frame's area. Neither asks the other.
//!
//! ```text
//! ┌ frame ─────────────────────┐┌ panel ───────┐
//! │ view (the recorded screen) ││ panel_list   │
//! └────────────────────────────┘└──────────────┘
//! bar (the timeline)
//! status
//! ```
//!
//! Compact ([`Needs::compact`]): no frame, the recorded screen over the whole terminal, the bar
//! and the status over its two bottom rows (drawn only for a while after a key: the state
//! decides). The player chooses it when the full layout would crop a screen that fits the
//! terminal (an 80×24 recording in an 80×24 terminal), or when asked (`z`, `--compact`).

use ratatui::layout::Rect;
use ratatui::widgets::Block;

/// Where things go on the user's terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The frame around the recorded screen.
    pub frame: Rect,
    /// Inside it: the part of the recorded screen shown.
    pub view: Rect,
    /// Whether the recorded screen is larger than the view.
    pub cropped: bool,
    pub panel: Option<Rect>,
    /// The rows of the panel's list.
    pub panel_list: Option<Rect>,
    pub bar: Rect,
    pub status: Rect,
    /// No frame: the bar and the status lie over the screen's bottom rows.
    pub compact: bool,
}

/// What the state needs room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// The recorded screen's size (columns, rows).
    pub screen: (u16, u16),
    /// A side panel is open.
    pub panel: bool,
    /// No frame, the bar and the status over the screen.
    pub compact: bool,
}

/// Narrowest terminal beside which a side panel is shown.
pub const PANEL_MIN_WIDTH: u16 = 40;
/// Below this width a side panel opens over the screen, full width (Esc closes it), so that
/// its entries are readable at 80 columns; from it, beside the screen.
pub const PANEL_BESIDE_WIDTH: u16 = 100;

/// Lay out a terminal of `area`.
pub fn layout(area: Rect, needs: Needs) -> Areas {
    let status = Rect::new(
        area.x,
        area.bottom().saturating_sub(1),
        area.width,
        area.height.min(1),
    );
    let bar = Rect::new(
        area.x,
        area.bottom().saturating_sub(2),
        area.width,
        area.height.saturating_sub(1).min(1),
    );
    let chrome = if needs.compact { 0 } else { 2 };
    let border = if needs.compact { 0 } else { 1 };
    let mut main = Rect::new(
        area.x,
        area.y,
        area.width,
        area.height.saturating_sub(chrome),
    );
    let (panel, panel_list) = if needs.panel && main.width >= PANEL_MIN_WIDTH {
        let w = if main.width < PANEL_BESIDE_WIDTH {
            main.width
        } else {
            (main.width * 2 / 5).clamp(30, 64)
        };
        let p = Rect::new(main.right() - w, main.y, w, main.height);
        if w < main.width {
            main.width -= w;
        }
        let list = Block::bordered().inner(p);
        let p = Rect {
            height: p.height.saturating_sub(chrome.max(2) - chrome),
            ..p
        };
        let list = Rect {
            height: list.height.min(p.height.saturating_sub(2)),
            ..list
        };
        (Some(p), Some(list))
    } else {
        (None, None)
    };
    let (cols, rows) = needs.screen;
    let vw = cols.min(main.width.saturating_sub(2 * border));
    let vh = rows.min(main.height.saturating_sub(2 * border));
    let fw = (vw + 2 * border).min(main.width);
    let fh = (vh + 2 * border).min(main.height);
    let frame = Rect::new(
        main.x + (main.width - fw) / 2,
        main.y + (main.height - fh) / 2,
        fw,
        fh,
    );
    let view = Rect::new(frame.x + border, frame.y + border, vw, vh);
    Areas {
        frame,
        view,
        cropped: vw < cols || vh < rows,
        panel,
        panel_list,
        bar,
        status,
        compact: needs.compact,
    }
}

/// Whether the compact layout is the one to use when not asked: the full layout would crop
/// the screen and the compact one would not.
pub fn compact_fits(area: Rect, needs: Needs) -> bool {
    let full = layout(
        area,
        Needs {
            compact: false,
            ..needs
        },
    );
    let compact = layout(
        area,
        Needs {
            compact: true,
            ..needs
        },
    );
    full.cropped && !compact.cropped
}

/// The first item shown in a list of `len` items and `height` rows, so that `selected` is in
/// view (it stays in the middle while the list scrolls).
pub fn first_shown(len: usize, selected: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    selected.saturating_sub(height / 2).min(len - height)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(w: u16, h: u16, screen: (u16, u16), panel: bool) -> Areas {
        layout(
            Rect::new(0, 0, w, h),
            Needs {
                screen,
                panel,
                compact: false,
            },
        )
    }

    #[test]
    fn the_screen_is_framed_and_centred_above_the_bar_and_the_status() {
        let a = at(100, 30, (80, 24), false);
        assert_eq!(a.status, Rect::new(0, 29, 100, 1));
        assert_eq!(a.bar, Rect::new(0, 28, 100, 1));
        assert_eq!(a.frame, Rect::new(9, 1, 82, 26));
        assert_eq!(a.view, Rect::new(10, 2, 80, 24));
        assert!(!a.cropped);
        assert_eq!(a.panel, None);
    }

    #[test]
    fn a_panel_takes_two_fifths_on_the_right_and_crops_the_screen() {
        let a = at(120, 30, (80, 24), true);
        let p = a.panel.unwrap();
        assert_eq!(p, Rect::new(72, 0, 48, 28));
        // narrower than PANEL_BESIDE_WIDTH: over the screen, full width
        let o = at(80, 30, (80, 24), true);
        assert_eq!(o.panel, Some(Rect::new(0, 0, 80, 28)));
        assert_eq!(o.view.width, 78);
        assert_eq!(a.panel_list, Some(Rect::new(73, 1, 46, 26)));
        assert_eq!(a.view.width, 70);
        assert!(a.cropped);
        assert!(a.frame.right() <= p.x);
        // too narrow for a panel: none
        assert_eq!(at(39, 30, (80, 24), true).panel, None);
        assert!(at(40, 30, (80, 24), true).panel.is_some());
    }

    #[test]
    fn tiny_terminals_give_empty_areas_not_overflows() {
        for (w, h) in [(0, 0), (1, 1), (2, 2), (5, 3), (41, 2)] {
            let a = at(w, h, (80, 24), true);
            let area = Rect::new(0, 0, w, h);
            for r in [a.frame, a.bar, a.status] {
                assert_eq!(r.intersection(area), r, "{w}×{h}: {r:?}");
            }
            assert!(a.view.width <= a.frame.width && a.view.height <= a.frame.height);
        }
    }

    #[test]
    fn an_80x24_screen_fits_an_80x24_terminal_compact() {
        let area = Rect::new(0, 0, 80, 24);
        let mut needs = Needs {
            screen: (80, 24),
            panel: false,
            compact: false,
        };
        // the frame, the bar and the status take 2 columns and 4 rows: cropped
        assert!(layout(area, needs).cropped);
        assert!(compact_fits(area, needs));
        needs.compact = true;
        let a = layout(area, needs);
        assert!(!a.cropped);
        assert_eq!(a.view, area);
        assert_eq!(a.frame, area);
        assert_eq!((a.bar.y, a.status.y), (22, 23));
        // a smaller screen is centred; one that fits framed is not compact
        let small = Needs {
            screen: (70, 18),
            compact: false,
            ..needs
        };
        assert!(!compact_fits(area, small));
        // too big even without the frame: the full layout (compact does not help)
        let big = Needs {
            screen: (100, 30),
            ..small
        };
        assert!(!compact_fits(area, big));
    }

    #[test]
    fn the_selection_stays_in_view() {
        assert_eq!(first_shown(5, 4, 10), 0);
        assert_eq!(first_shown(100, 0, 10), 0);
        assert_eq!(first_shown(100, 50, 10), 45);
        assert_eq!(first_shown(100, 99, 10), 90);
        assert_eq!(first_shown(100, 50, 0), 0);
    }
}
