//! A side panel holding a list with a selection (commands, search hits).

use crate::player::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

pub const SELECTED: Style = Style::new()
    .bg(Color::DarkGray)
    .fg(Color::White)
    .add_modifier(Modifier::BOLD);

/// The first item shown in a list of `height` rows, so that the selection is in view.
pub fn first_shown(app: &App, height: usize) -> usize {
    let len = match app.panel {
        Some(crate::player::action::Panel::Commands) => {
            app.analysis.as_ref().map_or(0, |a| a.commands.len())
        }
        Some(crate::player::action::Panel::Hits) => app
            .search
            .as_ref()
            .and_then(|s| s.hits.as_ref())
            .map_or(0, |h| h.len()),
        None => 0,
    };
    if height == 0 || len <= height {
        return 0;
    }
    app.selected.saturating_sub(height / 2).min(len - height)
}

/// Draw a bordered panel with a title and the lines `item(i)` for the items in view.
pub fn render_list<'a>(
    app: &App,
    area: Rect,
    buf: &mut Buffer,
    title: Line<'a>,
    footer: Line<'a>,
    len: usize,
    item: impl Fn(usize) -> Line<'a>,
) {
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_style(Style::new().fg(Color::Gray))
        .title(title)
        .title_bottom(footer);
    let inner = block.inner(area);
    block.render(area, buf);
    let first = first_shown(app, inner.height as usize);
    for (row, i) in (first..len).take(inner.height as usize).enumerate() {
        let r = Rect::new(inner.x, inner.y + row as u16, inner.width, 1);
        let line = item(i);
        if i == app.selected {
            buf.set_style(r, SELECTED);
        }
        line.render(r, buf);
        if i == app.selected {
            buf.set_style(r, Style::new().bg(Color::DarkGray));
        }
    }
}
