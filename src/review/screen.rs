//! Reading the emulated screen for the review: the logical line at the cursor, the prompt,
//! whether a key changed anything, and what full-screen programs do to the main screen.

/// Common endings of a shell or REPL prompt, for when the prompt was not seen.
pub(super) const PROMPT_ENDINGS: [&str; 4] = ["$ ", "# ", "> ", "% "];

/// The text of one row's first `width` columns, padded with spaces to that width.
fn row_upto(screen: &vt100::Screen, row: u16, width: u16) -> String {
    // the one row, found without formatting the rows above it (which `rows().nth()` does)
    // nor walking the grid for every cell (which `cell()` does)
    let full = screen.contents_between(row, 0, row.saturating_add(1), 0);
    let mut s = String::with_capacity(full.len());
    let mut w = 0;
    for c in full.trim_end_matches('\n').chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > usize::from(width) {
            break;
        }
        s.push(c);
        w += cw;
    }
    s.extend(std::iter::repeat_n(
        ' ',
        usize::from(width).saturating_sub(w),
    ));
    s
}

/// The text of one row, every column (empty ones as spaces), wide characters once.
pub(super) fn row_text(screen: &vt100::Screen, row: u16) -> String {
    let (_, cols) = screen.size();
    row_upto(screen, row, cols.get())
}

/// The rows of the logical line holding `row`: the rows it wraps from and into.
pub(super) fn line_rows(screen: &vt100::Screen, row: u16) -> (u16, u16) {
    let (rows, _) = screen.size();
    let mut first = row;
    while first > 0 && screen.row_wrapped(first - 1) {
        first -= 1;
    }
    let mut last = row;
    while last + 1 < rows.get() && screen.row_wrapped(last) {
        last += 1;
    }
    (first, last)
}

/// The logical line at the cursor, trailing spaces trimmed.
pub(super) fn cursor_line(screen: &vt100::Screen) -> String {
    let (row, _) = screen.cursor_position();
    let (first, last) = line_rows(screen, row);
    let mut s = String::new();
    for r in first..=last {
        s.push_str(&row_text(screen, r));
    }
    s.trim_end().to_string()
}

/// The logical line at the cursor, up to the cursor: the prompt when typing starts.
pub(super) fn left_of_cursor(screen: &vt100::Screen) -> String {
    let (row, col) = screen.cursor_position();
    let (first, _) = line_rows(screen, row);
    let mut s = String::new();
    for r in first..row {
        s.push_str(&row_text(screen, r));
    }
    let (_, cols) = screen.size();
    s.push_str(&row_upto(screen, row, col.min(cols.get())));
    s
}

/// Strip the prompt from a line read off the screen: the prompt seen when typing started if
/// the line still starts with it, else up to the first common prompt ending.
pub fn strip_prompt(line: &str, seen: Option<&str>) -> (String, String) {
    if let Some(p) = seen {
        let p_trim = p.trim_end();
        if !p_trim.is_empty() {
            if let Some(rest) = line.strip_prefix(p) {
                return (p.to_string(), rest.trim().to_string());
            }
            if let Some(rest) = line.strip_prefix(p_trim) {
                if rest.is_empty() || rest.starts_with(' ') {
                    return (p_trim.to_string(), rest.trim().to_string());
                }
            }
        }
    }
    let first = PROMPT_ENDINGS
        .iter()
        .filter_map(|e| line.find(e).map(|i| i + e.len()))
        .min();
    match first {
        Some(i) => (line[..i].to_string(), line[i..].trim().to_string()),
        None => (String::new(), line.trim().to_string()),
    }
}

/// What the cursor and its row look like: compared to tell whether a key was echoed.
#[derive(PartialEq, Eq, Clone)]
pub(super) struct Look {
    pub cursor: (u16, u16),
    pub row: String,
    pub alternate: bool,
}

pub(super) fn look(screen: &vt100::Screen) -> Look {
    let cursor = screen.cursor_position();
    Look {
        cursor,
        row: row_text(screen, cursor.0),
        alternate: screen.alternate_screen(),
    }
}

/// Watches output for what full-screen programs do on the main screen.
#[derive(Default)]
pub(super) struct Redraws {
    pub alternate: bool,
    /// The main screen was drawn by absolute moves since a line editor last started.
    pub redrawn: bool,
}

impl vte::Perform for Redraws {
    fn csi_dispatch(&mut self, params: &vte::Params, inter: &[u8], _: bool, c: char) {
        let first = params
            .iter()
            .next()
            .and_then(|p| p.first().copied())
            .unwrap_or(0);
        if inter == b"?" {
            let modes: Vec<u16> = params.iter().filter_map(|p| p.first().copied()).collect();
            let set = match c {
                'h' => true,
                'l' => false,
                _ => return,
            };
            for m in modes {
                match m {
                    47 | 1047 | 1049 => self.alternate = set,
                    2004 if set && !self.alternate => self.redrawn = false,
                    _ => {}
                }
            }
            return;
        }
        if !inter.is_empty() || self.alternate {
            return;
        }
        match c {
            'H' | 'f' | 'd' if first > 1 => self.redrawn = true,
            'r' if !params.is_empty() && first > 1 => self.redrawn = true,
            _ => {}
        }
    }
}
