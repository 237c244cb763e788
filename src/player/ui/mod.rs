//! Drawing: a pure function of the [`App`]'s state and the [`layout`](super::layout), one
//! widget per file (the side panels draw themselves: [`super::panels`]).

pub mod help;
pub mod keystrokes;
pub mod picker;
pub mod prompt;
pub mod screen;
pub mod status;
pub mod timeline;

use super::app::App;
use super::layout::{layout, Areas};
use super::panels;
use crate::render::escape::escape_controls;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};
use ratatui::Frame;

pub const FRAME: Style = Style::new().fg(Color::DarkGray);
pub const DIM: Style = Style::new().fg(Color::DarkGray);

/// Draw the whole player.
pub fn draw(app: &App, f: &mut Frame) {
    let a = layout(f.area(), app.needs());
    let buf = f.buffer_mut();
    draw_screen(app, &a, buf);
    if let (Some(area), Some(id)) = (a.panel, app.panels.open) {
        panels::get(id).draw(&app.cx(), app.panels.selected, area, buf);
    }
    if app.chrome_shown() {
        if a.compact {
            Clear.render(a.bar, buf);
            Clear.render(a.status, buf);
        }
        timeline::TimelineBar { app }.render(a.bar, buf);
        if let Some(prompt) = &app.prompt {
            prompt::PromptLine { prompt }.render(a.status, buf);
        } else {
            status::StatusLine { app }.render(a.status, buf);
        }
    }
    if app.help {
        help::Help.render(f.area(), f.buffer_mut());
    }
}

/// The frame's label: the size, and whether it was guessed (`80×24 guessed`).
pub fn size_label(app: &App) -> String {
    let (cols, rows) = app.screen_size();
    if app.geometry_guessed() {
        format!("{cols}×{rows} guessed")
    } else {
        format!("{cols}×{rows}")
    }
}

fn draw_screen(app: &App, a: &Areas, buf: &mut ratatui::buffer::Buffer) {
    if !a.compact {
        draw_frame(app, a, buf);
    }
    let highlight = app.search.as_ref().map(|s| s.pattern.as_str());
    screen::ScreenView {
        screen: app.replay.screen(),
        off: app.view.off,
        highlight,
    }
    .render(a.view, buf);
    let (back, len) = app.scrolled_back();
    if back > 0 {
        // how far back, over the top right corner of the screen
        let text = format!(" ↑ {back} of {len} lines back · shift+PgDn ");
        let w = (text.chars().count() as u16).min(a.view.width);
        let r = Rect::new(a.view.right() - w, a.view.y, w, a.view.height.min(1));
        Line::styled(text, Style::new().fg(Color::Black).bg(Color::Yellow)).render(r, buf);
    }
}

fn draw_frame(app: &App, a: &Areas, buf: &mut ratatui::buffer::Buffer) {
    if a.frame.width < 2 || a.frame.height < 2 {
        return;
    }
    let (cols, rows) = app.screen_size();
    let name = escape_controls(&app.name);
    let label = match app.tl.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => format!(" {name} — {} ", escape_controls(t)),
        _ => format!(" {name} "),
    };
    let mut block = Block::bordered()
        .border_style(FRAME)
        .title(Line::styled(label, Style::new().fg(Color::Gray)))
        .title(Line::styled(format!(" {} ", size_label(app)), DIM).right_aligned());
    if app.stale {
        let (ix, _) = app.progress();
        block = block.title_bottom(Line::styled(
            format!(" indexing {ix}%: the screen catches up when it is done "),
            Style::new().fg(Color::Yellow),
        ));
    } else if app.behind {
        block = block.title_bottom(Line::styled(
            " catching up: this part of the recording is costly to draw ",
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
}

#[cfg(test)]
mod tests;
