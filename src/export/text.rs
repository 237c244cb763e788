//! The whole session's text as a terminal would have shown it: the rows that scrolled off the
//! top of the main screen (its scrollback), then the last screen; control sequences applied, not
//! shown. As in real terminals, what a full-screen program drew on the alternate screen does not
//! enter the scrollback, and a scroll region that does not start on the top row keeps its rows.

use crate::commands::Loaded;
use crate::emulator::Term;
use crate::timeline::Kind;

/// The text, one line per row, trailing spaces trimmed, ending with a newline. With `from`, the
/// text shown from then on: the rows that scrolled off after it, then the screen at `to`.
pub fn session_text(loaded: &Loaded, from: Option<i128>, to: Option<i128>) -> String {
    let tl = &loaded.tl;
    let end = to.map_or(tl.events.len(), |t| tl.count_at(t));
    let start = from.map_or(0, |t| tl.count_at(t)).min(end);
    let mut term = Term::new(loaded.geometry.cols, loaded.geometry.rows, loaded.crlf);
    let mut lines: Vec<String> = Vec::new();
    for (i, ev) in tl.events[..end].iter().enumerate() {
        if i == start {
            term.capture_scrollback();
        }
        match ev.kind {
            Kind::Output => term.feed(&tl.data(ev)),
            Kind::Resize { cols, rows } => term.resize(cols, rows),
            _ => {}
        }
        lines.append(&mut term.take_scrolled());
    }
    let screen = crate::render::text(term.screen());
    let mut out =
        String::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + screen.len());
    for l in &lines {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(screen.trim_end_matches('\n'));
    out.push('\n');
    if out.trim().is_empty() {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::TermArgs;
    use crate::timeline::{Kind, Timeline};

    fn loaded(cols: u16, rows: u16, chunks: &[&str]) -> Loaded {
        let mut tl = Timeline::new(vec![]);
        for (i, c) in chunks.iter().enumerate() {
            tl.push(i as u64 * 1_000_000, Kind::Output, c.as_bytes());
        }
        let term = TermArgs {
            cols: Some(cols),
            rows: Some(rows),
            ..Default::default()
        };
        crate::commands::prepare("t".into(), tl, &term)
    }

    #[test]
    fn scrollback_then_screen() {
        let l = loaded(
            20,
            3,
            &["one\r\ntwo\r\n", "three\r\nfour\r\n", "\x1b[31mfive\x1b[m"],
        );
        assert_eq!(
            session_text(&l, None, None),
            "one\ntwo\nthree\nfour\nfive\n"
        );
    }

    #[test]
    fn alternate_screen_stays_out_of_scrollback() {
        let l = loaded(
            20,
            3,
            &[
                "$ vi\r\n",
                "\x1b[?1049h\x1b[Hfile\r\nl2\r\nl3\r\nl4\r\nl5",
                "\x1b[?1049l$ \r\n$ done",
            ],
        );
        assert_eq!(session_text(&l, None, None), "$ vi\n$\n$ done\n");
    }
}
