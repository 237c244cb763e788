//! The array read as it arrives against the whole-text parser: the same timeline, or the same
//! error at the same place. Used by the tests beside it and by the `read_stream` fuzz target
//! (built with `--cfg fuzzing`, as cargo-fuzz builds).

use super::*;
use crate::formats::scalingo::parse_array;
use crate::timeline::{Kind, Timeline};

/// What a timeline shows, to compare two.
#[derive(Debug, PartialEq)]
struct Seen {
    events: Vec<(u64, Kind, Vec<u8>)>,
    warnings: Vec<String>,
    start: Option<String>,
}

fn seen(tl: &Timeline) -> Seen {
    Seen {
        events: tl
            .events
            .iter()
            .map(|e| (e.t, e.kind, tl.data(e).into_owned()))
            .collect(),
        warnings: tl.warnings.iter().map(|w| w.to_string()).collect(),
        start: tl.start.map(|s| s.to_rfc3339()),
    }
}

fn whole(text: &[u8]) -> Result<Seen, LoadError> {
    parse_array("f", text.to_vec()).map(|tl| seen(&tl))
}

/// `text` read `head` bytes first, then at most `block` bytes at a time (however many more
/// the window asks for).
fn streamed(text: &[u8], head: usize, block: usize) -> Result<Seen, LoadError> {
    let head = head.min(text.len());
    let mut at = head;
    let mut fill = |buf: &mut Vec<u8>, n: usize| {
        let k = n.min(block).min(text.len() - at);
        buf.extend_from_slice(&text[at..at + k]);
        at += k;
        Ok(at == text.len())
    };
    let mut w = Window::new(text[..head].to_vec(), head == text.len(), &mut fill, block);
    let mut b = Builder::streaming(None);
    read("f", &mut w, &mut b)?;
    Ok(seen(&b.finish(
        Timeline::default(),
        crate::timeline::Format::ScalingoJson,
    )))
}

/// Panics unless `text` read as it arrives gives what the whole-text parser gives, for a
/// few ways its blocks can end.
#[cfg(test)]
pub fn agree(text: &[u8]) {
    let n = text.len();
    for block in [1, 2, 3, 5, 8, 13, 64, n.max(1)] {
        for head in [0, 1, 2, block, n / 2, n] {
            agree_at(text, head, block);
        }
    }
}

/// Panics unless `text` read `head` bytes first, then `block` at a time, gives what the
/// whole-text parser gives.
pub fn agree_at(text: &[u8], head: usize, block: usize) {
    let block = block.max(1);
    assert_eq!(
        streamed(text, head, block),
        whole(text),
        "block {block}, head {head}: {}",
        String::from_utf8_lossy(text)
    );
}
