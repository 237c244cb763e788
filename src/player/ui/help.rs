//! The help overlay (`?`): every key.

use crate::player::keys::{HELP, LEGEND};
use crate::player::ui::timeline::glyphs;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};
use unicode_width::UnicodeWidthStr;

pub struct Help;

impl Widget for Help {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let kw = HELP.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
        let dw = HELP.iter().map(|(_, d)| d.width()).max().unwrap_or(0);
        let lw = LEGEND.iter().map(|l| l.width()).max().unwrap_or(0);
        let w = ((kw + dw + 3).max(lw) + 4) as u16;
        let h = (HELP.len() + LEGEND.len()) as u16 + 3;
        let w = w.min(area.width);
        let h = h.min(area.height);
        let r = Rect::new(
            area.x + (area.width - w) / 2,
            area.y + (area.height - h) / 2,
            w,
            h,
        );
        Clear.render(r, buf);
        let block = Block::bordered()
            .border_style(Style::new().fg(Color::Yellow))
            .title(Line::styled(
                " keys ",
                Style::new().add_modifier(Modifier::BOLD),
            ))
            .title_bottom(Line::styled(
                " any key closes ",
                Style::new().fg(Color::DarkGray),
            ));
        let inner = block.inner(r);
        block.render(r, buf);
        let inner = Rect::new(
            inner.x + 1,
            inner.y,
            inner.width.saturating_sub(2),
            inner.height,
        );
        for (i, (k, d)) in HELP.iter().enumerate() {
            if i as u16 >= inner.height {
                break;
            }
            Line::from(vec![
                Span::styled(
                    format!("{k:<kw$}"),
                    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                ),
                Span::raw("   "),
                Span::raw(*d),
            ])
            .render(Rect::new(inner.x, inner.y + i as u16, inner.width, 1), buf);
        }
        for (i, text) in LEGEND.iter().enumerate() {
            let y = inner.y + (HELP.len() + 1 + i) as u16;
            if y < inner.bottom() {
                legend(text).render(Rect::new(inner.x, y, inner.width, 1), buf);
            }
        }
    }
}

/// A line of the legend, each of the bar's glyphs in its own colour.
fn legend(text: &str) -> Line<'static> {
    let gray = Style::new().fg(Color::Gray);
    let spans: Vec<Span> = text
        .split_inclusive(' ')
        .map(|word| {
            let style = glyphs()
                .find(|(g, _)| word.trim_end() == *g)
                .map_or(gray, |(_, style)| style);
            Span::styled(word.to_string(), style)
        })
        .collect();
    Line::from(spans)
}
