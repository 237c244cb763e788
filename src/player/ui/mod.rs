//! Drawing: a pure function of the [`App`]'s state, one widget per file.

pub mod commands;
pub mod help;
pub mod keystrokes;
pub mod panel;
pub mod picker;
pub mod screen;
pub mod search;
pub mod status;
pub mod timeline;

use super::action::{Mode, Panel};
use super::app::App;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};
use ratatui::Frame;

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
}

pub const FRAME: Style = Style::new().fg(Color::DarkGray);
pub const DIM: Style = Style::new().fg(Color::DarkGray);

/// Lay out a terminal of `area` for the app.
pub fn layout(area: Rect, app: &App) -> Areas {
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
    let mut main = Rect::new(area.x, area.y, area.width, area.height.saturating_sub(2));
    let (panel, panel_list) = if app.panel.is_some() && main.width >= 40 {
        let w = (main.width * 2 / 5).clamp(30, 64);
        let p = Rect::new(main.right() - w, main.y, w, main.height);
        main.width -= w;
        let list = Block::bordered().inner(p);
        (Some(p), Some(list))
    } else {
        (None, None)
    };
    let (cols, rows) = app.screen_size();
    let vw = cols.min(main.width.saturating_sub(2));
    let vh = rows.min(main.height.saturating_sub(2));
    let fw = (vw + 2).min(main.width);
    let fh = (vh + 2).min(main.height);
    let frame = Rect::new(
        main.x + (main.width - fw) / 2,
        main.y + (main.height - fh) / 2,
        fw,
        fh,
    );
    let view = Rect::new(frame.x + 1, frame.y + 1, vw, vh);
    Areas {
        frame,
        view,
        cropped: vw < cols || vh < rows,
        panel,
        panel_list,
        bar,
        status,
    }
}

/// Draw the whole player.
pub fn draw(app: &App, f: &mut Frame) {
    let a = layout(f.area(), app);
    let buf = f.buffer_mut();
    draw_screen(app, &a, buf);
    if let Some(p) = a.panel {
        match app.panel {
            Some(Panel::Commands) => commands::CommandsPanel { app }.render(p, buf),
            Some(Panel::Hits) => search::HitsPanel { app }.render(p, buf),
            None => {}
        }
    }
    timeline::TimelineBar { app }.render(a.bar, buf);
    if app.mode() == Mode::Prompt {
        search::PromptLine { app }.render(a.status, buf);
    } else {
        status::StatusLine { app }.render(a.status, buf);
    }
    if app.help {
        help::Help.render(f.area(), f.buffer_mut());
    }
}

fn draw_screen(app: &App, a: &Areas, buf: &mut ratatui::buffer::Buffer) {
    if a.frame.width < 2 || a.frame.height < 2 {
        return;
    }
    let (cols, rows) = app.screen_size();
    let mut block = Block::bordered()
        .border_style(FRAME)
        .title(Line::styled(
            format!(" {} ", crate::render::escape::escape_controls(&app.name)),
            Style::new().fg(Color::Gray),
        ))
        .title(Line::styled(format!(" {cols}×{rows} "), DIM).right_aligned());
    if app.stale {
        let (ix, _) = app.progress();
        block = block.title_bottom(Line::styled(
            format!(" indexing {ix}%: the screen catches up when it is done "),
            Style::new().fg(Color::Yellow),
        ));
    } else if a.cropped {
        let (x, y) = app.view.off;
        block = block.title_bottom(Line::styled(
            format!(
                " cropped {}×{}+{}+{} of {cols}×{rows} · pan: shift+↑↓ ctrl+←→ drag{} ",
                a.view.width,
                a.view.height,
                x,
                y,
                if app.view.follow { "" } else { " · f: follow" }
            ),
            Style::new().fg(Color::Yellow),
        ));
    }
    block.render(a.frame, buf);
    let highlight = app.search.as_ref().map(|s| s.pattern.as_str());
    screen::ScreenView {
        screen: app.replay.screen(),
        off: app.view.off,
        highlight,
    }
    .render(a.view, buf);
}

#[cfg(test)]
mod tests;
