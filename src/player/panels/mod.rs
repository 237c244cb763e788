//! The side panels: lists beside the screen (commands typed, search hits, and those to come),
//! each opened by a key, with a selection that Enter or a click jumps to.
//!
//! A panel is a file here implementing [`SidePanel`] — its key, its title, its items, what
//! Enter on an item does — and a line in [`PANELS`] (and its variant in
//! [`Panel`](super::action::Panel)). The state of the open one ([`Panels`]: which, its
//! selection) is shared; the list is drawn, scrolled and clicked the same for all.

pub mod commands;
pub mod context;
pub mod hits;

use super::action::Panel;
use super::background::Analysis;
use super::layout::first_shown;
use super::search::Search;
use crate::timeline::Nanos;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

/// Every panel. Adding one is a file in this folder and a line here.
pub static PANELS: [&(dyn SidePanel + Sync); 3] =
    [&commands::Commands, &hits::Hits, &context::Context];

/// The panel registered for `id`.
pub fn get(id: Panel) -> &'static dyn SidePanel {
    match PANELS.iter().find(|p| p.id() == id) {
        Some(p) => *p,
        None => unreachable!("panel {id:?} is not in PANELS"),
    }
}

/// The panel a key opens, if any.
pub fn opened_by(key: char) -> Option<Panel> {
    PANELS.iter().find(|p| p.key() == key).map(|p| p.id())
}

/// What a panel reads of the player's state.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub analysis: Option<&'a Analysis>,
    pub search: Option<&'a Search>,
    /// The recording position shown, and the recording's duration.
    pub pos: Nanos,
    pub duration: Nanos,
    /// The recording's markers: (time, label, escaped).
    pub markers: &'a [(Nanos, String)],
    /// Background work in percent: (indexing, analysis).
    pub progress: (u8, u8),
    /// Context entries (`--with`), in time order, timed from the session's start.
    pub context: &'a [crate::context::merge::Row],
}

/// Where Enter on an item goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// Seek to this recording time.
    Seek(Nanos),
    /// Go to this search hit (paused on it, as `n` does).
    Hit(usize),
}

/// A side panel: a titled list of items, each a moment to jump to.
pub trait SidePanel {
    fn id(&self) -> Panel;
    /// The key that opens and closes it.
    fn key(&self) -> char;
    /// Why it cannot be opened now (said in the status line), if it cannot.
    fn unavailable(&self, _cx: &Cx) -> Option<&'static str> {
        None
    }
    /// Items in the list now.
    fn len(&self, cx: &Cx) -> usize;
    /// The item selected when it opens.
    fn initial(&self, cx: &Cx) -> usize;
    /// Where Enter on item `i` goes.
    fn enter(&self, cx: &Cx, i: usize) -> Option<Jump>;
    /// The title on its border; `None`: nothing to show at all.
    fn title(&self, cx: &Cx) -> Option<Line<'static>>;
    /// Item `i`, as one line `width` columns wide at most (what does not fit is cut).
    fn item(&self, cx: &Cx, i: usize, width: u16) -> Line<'static>;
    /// Draw it: a bordered list, the selection in view.
    fn draw(&self, cx: &Cx, selected: usize, area: Rect, buf: &mut Buffer) {
        let Some(title) = self.title(cx) else {
            return;
        };
        let footer = Line::styled(
            format!(" ↑↓ select · Enter jump · {} close ", self.key()),
            Style::new().fg(Color::DarkGray),
        );
        let len = self.len(cx);
        render_list(area, buf, title, footer, len, selected, |i, w| {
            self.item(cx, i, w)
        });
    }
}

/// Which panel is open, and its selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Panels {
    pub open: Option<Panel>,
    pub selected: usize,
}

impl Panels {
    /// Open `id` (closing the one open), or close it if it is open. Whether it opened.
    pub fn toggle(&mut self, id: Panel, cx: &Cx) -> Result<bool, &'static str> {
        let p = get(id);
        if let Some(why) = p.unavailable(cx) {
            return Err(why);
        }
        if self.open == Some(id) {
            self.open = None;
            return Ok(false);
        }
        self.open = Some(id);
        self.selected = p.initial(cx);
        Ok(true)
    }

    /// Items in the open panel.
    pub fn len(&self, cx: &Cx) -> usize {
        self.open.map_or(0, |id| get(id).len(cx))
    }

    /// Move the selection by `d` items (clamped).
    pub fn move_by(&mut self, d: i64, cx: &Cx) {
        let len = self.len(cx);
        if len > 0 {
            self.selected = (self.selected as i64 + d).clamp(0, len as i64 - 1) as usize;
        }
    }

    /// Select the item on row `row` of a list `height` rows high, if there is one there.
    pub fn click(&mut self, row: usize, height: usize, cx: &Cx) -> bool {
        let len = self.len(cx);
        let i = first_shown(len, self.selected, height) + row;
        if i < len {
            self.selected = i;
        }
        i < len
    }

    /// Where Enter on the selection goes.
    pub fn enter(&self, cx: &Cx) -> Option<Jump> {
        self.open.and_then(|id| get(id).enter(cx, self.selected))
    }

    /// When `id` is open, select item `i` (the list follows what `n`/`N` did).
    pub fn follow(&mut self, id: Panel, i: usize) {
        if self.open == Some(id) {
            self.selected = i;
        }
    }
}

pub const SELECTED: Style = Style::new()
    .bg(Color::DarkGray)
    .fg(Color::White)
    .add_modifier(Modifier::BOLD);

/// Draw a bordered panel with a title and the lines `item(i)` for the items in view.
pub fn render_list<'a>(
    area: Rect,
    buf: &mut Buffer,
    title: Line<'a>,
    footer: Line<'a>,
    len: usize,
    selected: usize,
    item: impl Fn(usize, u16) -> Line<'a>,
) {
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_style(Style::new().fg(Color::Gray))
        .title(title)
        .title_bottom(footer);
    let inner = block.inner(area);
    block.render(area, buf);
    let first = first_shown(len, selected, inner.height as usize);
    for (row, i) in (first..len).take(inner.height as usize).enumerate() {
        let r = Rect::new(inner.x, inner.y + row as u16, inner.width, 1);
        let line = item(i, inner.width);
        if i == selected {
            buf.set_style(r, SELECTED);
        }
        line.render(r, buf);
        if i == selected {
            // the selection's background, except under a match (black on yellow stays so)
            for x in r.left()..r.right() {
                if let Some(cell) = buf.cell_mut((x, r.y)) {
                    if cell.bg != Color::Yellow {
                        cell.set_bg(Color::DarkGray);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_panel_is_registered_once_with_its_own_key() {
        for id in [Panel::Commands, Panel::Hits, Panel::Context] {
            // a new variant fails to compile here until it is listed
            match id {
                Panel::Commands | Panel::Hits | Panel::Context => {}
            }
            assert_eq!(get(id).id(), id);
            assert_eq!(opened_by(get(id).key()), Some(id));
        }
        let mut keys: Vec<char> = PANELS.iter().map(|p| p.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), PANELS.len());
    }

    #[test]
    fn toggles_moves_and_clicks() {
        let cx = Cx {
            analysis: None,
            search: None,
            pos: 0,
            duration: 0,
            markers: &[],
            progress: (100, 100),
            context: &[],
        };
        let mut p = Panels::default();
        assert_eq!(p.toggle(Panel::Commands, &cx), Ok(true));
        assert_eq!(p.open, Some(Panel::Commands));
        assert_eq!(p.len(&cx), 0);
        p.move_by(3, &cx);
        assert_eq!(p.selected, 0, "nothing to move through");
        assert!(!p.click(0, 10, &cx));
        assert_eq!(p.enter(&cx), None);
        // the hit list needs a search
        assert!(p.toggle(Panel::Hits, &cx).is_err());
        assert_eq!(p.open, Some(Panel::Commands));
        assert_eq!(p.toggle(Panel::Commands, &cx), Ok(false));
        assert_eq!(p.open, None);
    }
}
