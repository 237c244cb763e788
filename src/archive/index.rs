//! What is searched in a session: each command line (what the screen shows ran, from
//! [`crate::review::executed`]; the keys, from [`crate::transcript`], for a line abandoned
//! with ^C), and the output as plain text lines ([`crate::pieces`]), with their times.
//!
//! Never indexed: keys typed without echo (a password) and keys typed into a full-screen
//! program.

use super::{Entry, In};
use crate::pieces::{each_piece, Piece};
use crate::recording::Recording;
use crate::review::executed::{self, NotCommand};

/// Output lines completed by one event are kept together, this many to an entry.
const LINES_PER_ENTRY: usize = 32;

/// The searchable content of a recording, commands first, each part in time order.
pub fn content(rec: &Recording) -> Vec<Entry> {
    let mut out = Vec::new();
    let g = &rec.geometry;
    executed::each_line(&rec.tl, g.cols, g.rows, rec.crlf, &mut |e| {
        let text = match &e.command {
            Ok(c) => c.clone(),
            Err(NotCommand::NotEntered) => e.keys.text.clone(),
            Err(NotCommand::Hidden | NotCommand::FullScreen) => return,
        };
        if !text.trim().is_empty() {
            out.push(Entry {
                kind: In::Command,
                t: e.keys.t,
                text,
            });
        }
    });
    // lines completed by one output event (at most 32) make one entry, at that event's time
    let mut held: Option<(u64, u64, Vec<String>)> = None;
    let flush = |held: &mut Option<(u64, u64, Vec<String>)>, out: &mut Vec<Entry>| {
        if let Some((_, at, lines)) = held.take() {
            if !lines.is_empty() {
                out.push(Entry {
                    kind: In::Output,
                    t: at,
                    text: lines.join("\n"),
                });
            }
        }
    };
    let _ = each_piece(&rec.tl, rec.crlf, true, &mut |p| {
        match p {
            Piece::Output { t, at, line, .. } => {
                if line.trim().is_empty() {
                    return Ok(());
                }
                let apart = |(ht, hat, l): &(u64, u64, Vec<String>)| {
                    *ht != t || *hat != at || l.len() >= LINES_PER_ENTRY
                };
                if held.as_ref().is_some_and(apart) {
                    flush(&mut held, &mut out);
                }
                let (_, _, lines) = held.get_or_insert_with(|| (t, at, Vec::new()));
                lines.push(line.trim_end().to_string());
            }
            Piece::OutputEnd { .. } => flush(&mut held, &mut out),
            Piece::Input { .. } => {}
        }
        Ok(())
    });
    flush(&mut held, &mut out);
    out
}
