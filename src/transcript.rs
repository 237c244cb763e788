//! What was typed: submitted lines reconstructed from input keystrokes.

use crate::timeline::{Kind, Nanos, Timeline};

/// One thing typed, as a list of units (a character, or a key name such as `<Up>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Time of the keystroke that ended the line (Enter, or ^C / ^D).
    pub t: Nanos,
    /// Time of its first keystroke.
    pub started: Nanos,
    pub text: String,
    /// Index of the event holding the keystroke that ended it.
    pub event: usize,
    /// How it ended: `enter`, `interrupt` (^C), `eof` (^D on an empty line), or `open` at the
    /// end of the recording.
    pub end: &'static str,
}

/// The most keys a typed line keeps (a paste of a whole file is one line): the rest are
/// counted, and the line ends with `…(N more keys)`. A line thus holds at most about 100 000
/// small strings, whatever the recording types without pressing Enter.
pub const MAX_LINE_UNITS: usize = 100_000;

/// Reconstructs lines from a stream of keystrokes.
#[derive(Default)]
pub struct LineEditor {
    units: Vec<String>,
    /// Keys typed past [`MAX_LINE_UNITS`] on the current line, and not erased since.
    dropped: usize,
    started: Option<Nanos>,
    esc: Vec<u8>,
    paste: bool,
    utf8: Vec<u8>,
    pub lines: Vec<Line>,
}

fn key_name(seq: &[u8]) -> String {
    // seq starts after ESC
    let name = match seq {
        b"[A" | b"OA" => "<Up>",
        b"[B" | b"OB" => "<Down>",
        b"[C" | b"OC" => "<Right>",
        b"[D" | b"OD" => "<Left>",
        b"[H" | b"OH" | b"[1~" | b"[7~" => "<Home>",
        b"[F" | b"OF" | b"[4~" | b"[8~" => "<End>",
        b"[2~" => "<Ins>",
        b"[3~" => "<Del>",
        b"[5~" => "<PgUp>",
        b"[6~" => "<PgDn>",
        b"[Z" => "<S-Tab>",
        b"OP" | b"[11~" => "<F1>",
        b"OQ" | b"[12~" => "<F2>",
        b"OR" | b"[13~" => "<F3>",
        b"OS" | b"[14~" => "<F4>",
        b"[15~" => "<F5>",
        b"[17~" => "<F6>",
        b"[18~" => "<F7>",
        b"[19~" => "<F8>",
        b"[20~" => "<F9>",
        b"[21~" => "<F10>",
        b"[23~" => "<F11>",
        b"[24~" => "<F12>",
        b"[I" => "<FocusIn>",
        b"[O" => "<FocusOut>",
        _ => "",
    };
    if !name.is_empty() {
        return name.to_string();
    }
    // modified cursor keys: ESC [ 1 ; 5 C → <C-Right>
    if let [b'[', b'1', b';', m, k] = seq {
        let base = match k {
            b'A' => "Up",
            b'B' => "Down",
            b'C' => "Right",
            b'D' => "Left",
            b'H' => "Home",
            b'F' => "End",
            _ => "",
        };
        let m = match m {
            b'2' => "S-",
            b'3' => "M-",
            b'5' => "C-",
            b'6' => "C-S-",
            _ => "",
        };
        if !base.is_empty() {
            return format!("<{m}{base}>");
        }
    }
    let mut s = String::from("<Esc>");
    for c in String::from_utf8_lossy(seq).chars() {
        crate::render::escape::push_escaped(&mut s, c);
    }
    s
}

/// Whether an escape sequence (after ESC) is complete.
fn esc_complete(seq: &[u8]) -> bool {
    match seq {
        [] => false,
        [b'['] | [b'O'] => false,
        [b'O', _] => true,
        [b'[', rest @ ..] => rest.last().is_some_and(|&b| (0x40..=0x7E).contains(&b)),
        [_] => true,
        _ => true,
    }
}

impl LineEditor {
    pub fn new() -> Self {
        Self::default()
    }

    fn push_unit(&mut self, t: Nanos, u: String) {
        self.started.get_or_insert(t);
        if self.units.len() < MAX_LINE_UNITS {
            self.units.push(u);
        } else {
            self.dropped += 1;
        }
    }

    /// Backspace: the last key typed goes (one of those not kept, if any).
    fn pop_unit(&mut self) {
        if self.dropped > 0 {
            self.dropped -= 1;
        } else {
            self.units.pop();
        }
    }

    fn end_line(&mut self, t: Nanos, event: usize, end: &'static str) {
        let mut text: String = self.units.concat();
        if self.dropped > 0 {
            text.push_str(&format!("…({} more keys)", self.dropped));
            self.dropped = 0;
        }
        self.lines.push(Line {
            t,
            started: self.started.unwrap_or(t),
            text,
            event,
            end,
        });
        self.units.clear();
        self.started = None;
    }

    /// Feed the bytes of one input event; the lines it ends are added to `lines`.
    pub fn feed(&mut self, t: Nanos, event: usize, bytes: &[u8]) {
        let mut done = std::mem::take(&mut self.lines);
        self.feed_each(t, event, bytes, &mut |l| done.push(l));
        self.lines = done;
    }

    /// Feed the bytes of one input event, giving each line to `sink` as soon as it ends (so
    /// that an event of a million Enter keys is not held as a million lines).
    pub fn feed_each(&mut self, t: Nanos, event: usize, bytes: &[u8], sink: &mut dyn FnMut(Line)) {
        for &b in bytes {
            if !self.lines.is_empty() {
                self.lines.drain(..).for_each(&mut *sink);
            }
            if !self.esc.is_empty() {
                self.esc.push(b);
                let seq = &self.esc[1..];
                // ESC ESC: the first was a lone Escape
                if seq == [0x1b] {
                    self.push_unit(t, "<Esc>".into());
                    self.esc = vec![0x1b];
                    continue;
                }
                if seq.len() == 1 && !matches!(seq[0], b'[' | b'O') {
                    // Alt+key
                    let c = seq[0];
                    self.esc.clear();
                    if c < 0x20 || c == 0x7f {
                        let mut s = String::from("<M-");
                        crate::render::escape::push_escaped(&mut s, c as char);
                        s.push('>');
                        self.push_unit(t, s);
                    } else if c < 0x80 {
                        self.push_unit(t, format!("<M-{}>", c as char));
                    } else {
                        self.push_unit(t, "<Esc>".into());
                        self.byte(t, event, c);
                    }
                    continue;
                }
                if esc_complete(seq) || seq.len() > 16 {
                    let seq = self.esc.split_off(1);
                    self.esc.clear();
                    match seq.as_slice() {
                        b"[200~" => self.paste = true,
                        b"[201~" => self.paste = false,
                        _ => {
                            let name = key_name(&seq);
                            self.push_unit(t, name);
                        }
                    }
                }
                continue;
            }
            self.byte(t, event, b);
        }
        // an Escape alone at the end of what was read is the Escape key, not a prefix
        if self.esc.len() == 1 {
            self.esc.clear();
            self.push_unit(t, "<Esc>".into());
        }
        self.lines.drain(..).for_each(sink);
    }

    fn byte(&mut self, t: Nanos, event: usize, b: u8) {
        if b >= 0x80 {
            self.utf8.push(b);
            match std::str::from_utf8(&self.utf8) {
                Ok(s) => {
                    let s = s.to_string();
                    self.utf8.clear();
                    let mut u = String::new();
                    for c in s.chars() {
                        crate::render::escape::push_escaped(&mut u, c);
                    }
                    self.push_unit(t, u);
                }
                Err(e) if e.error_len().is_some() || self.utf8.len() >= 4 => {
                    self.utf8.clear();
                    self.push_unit(t, "\u{fffd}".into());
                }
                Err(_) => {}
            }
            return;
        }
        self.utf8.clear();
        match b {
            b'\r' | b'\n' if self.paste => self.push_unit(t, "⏎".into()),
            b'\r' | b'\n' => self.end_line(t, event, "enter"),
            0x1b => self.esc = vec![0x1b],
            0x7f | 0x08 => self.pop_unit(),
            0x15 => {
                self.units.clear();
                self.dropped = 0;
            }
            0x17 if self.dropped > 0 => {
                // the word erased is among the keys not kept (which are not held, so how
                // many it was is not known): the line stays marked as cut
            }
            0x17 => {
                while self.units.last().is_some_and(|u| u == " ") {
                    self.units.pop();
                }
                while self.units.last().is_some_and(|u| u != " ") {
                    self.units.pop();
                }
            }
            0x03 => {
                self.push_unit(t, "^C".into());
                self.end_line(t, event, "interrupt");
            }
            0x04 if self.units.is_empty() => {
                self.push_unit(t, "^D".into());
                self.end_line(t, event, "eof");
            }
            b'\t' => self.push_unit(t, "<Tab>".into()),
            0x00..=0x1f => self.push_unit(t, format!("^{}", (b + 0x40) as char)),
            _ => self.push_unit(t, (b as char).to_string()),
        }
    }

    /// End of the recording: a line being typed is kept, marked open.
    pub fn finish(&mut self, t: Nanos, event: usize) {
        if !self.esc.is_empty() {
            let seq = self.esc.split_off(1);
            self.esc.clear();
            let name = if seq.is_empty() {
                "<Esc>".to_string()
            } else {
                key_name(&seq)
            };
            self.push_unit(t, name);
        }
        if !self.units.is_empty() {
            self.end_line(t, event, "open");
        }
    }
}

/// The keys in one chunk of input, each named as a transcript shows it: a character as itself,
/// control keys as `^C`, Enter as `⏎`, Backspace as `⌫`, Tab as `<Tab>`, escape sequences as
/// `<Up>`, `<F1>`, `<M-b>`, a lone Escape as `<Esc>`. Bracketed-paste markers are dropped.
/// Every name is safe to print (controls escaped).
pub fn key_names(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == 0x1b {
            let rest = &bytes[i + 1..];
            match rest.first() {
                None => {
                    out.push("<Esc>".to_string());
                    i += 1;
                }
                Some(b'[') | Some(b'O') => {
                    let mut len = 1;
                    while len < rest.len() && !esc_complete(&rest[..len]) && len <= 16 {
                        len += 1;
                    }
                    let seq = &rest[..len];
                    match seq {
                        b"[200~" | b"[201~" => {}
                        _ => out.push(key_name(seq)),
                    }
                    i += 1 + len;
                }
                Some(&0x1b) => {
                    out.push("<Esc>".to_string());
                    i += 1;
                }
                Some(&c) if c < 0x80 => {
                    let mut s = String::from("<M-");
                    crate::render::escape::push_escaped(&mut s, c as char);
                    s.push('>');
                    out.push(s);
                    i += 2;
                }
                Some(_) => {
                    out.push("<Esc>".to_string());
                    i += 1;
                }
            }
            continue;
        }
        if b >= 0x80 {
            let len = match b {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => 1,
            };
            let end = (i + len).min(bytes.len());
            match std::str::from_utf8(&bytes[i..end]) {
                Ok(s) => {
                    let mut u = String::new();
                    for c in s.chars() {
                        crate::render::escape::push_escaped(&mut u, c);
                    }
                    out.push(u);
                    i = end;
                }
                Err(_) => {
                    out.push("\u{fffd}".to_string());
                    i += 1;
                }
            }
            continue;
        }
        out.push(match b {
            b'\r' | b'\n' => "⏎".to_string(),
            0x7f | 0x08 => "⌫".to_string(),
            b'\t' => "<Tab>".to_string(),
            0x00..=0x1f => format!("^{}", (b + 0x40) as char),
            _ => (b as char).to_string(),
        });
        i += 1;
    }
    out
}

/// Every line typed in a recording.
pub fn lines(tl: &Timeline) -> Vec<Line> {
    let mut out = Vec::new();
    each_line(tl, &mut |l| out.push(l));
    out
}

/// Every line typed in a recording, given to `sink` one by one, in order.
pub fn each_line(tl: &Timeline, sink: &mut dyn FnMut(Line)) {
    let mut ed = LineEditor::new();
    for (i, ev) in tl.events.iter().enumerate() {
        if ev.kind == Kind::Input {
            ed.feed_each(ev.t, i, &tl.data(ev), sink);
        }
    }
    ed.finish(tl.duration(), tl.events.len().saturating_sub(1));
    ed.lines.drain(..).for_each(sink);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(chunks: &[&[u8]]) -> Vec<String> {
        let mut ed = LineEditor::new();
        for (i, c) in chunks.iter().enumerate() {
            ed.feed(i as u64, i, c);
        }
        ed.finish(99, 99);
        ed.lines.into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn names_keys() {
        assert_eq!(
            key_names(b"ls\r\x03\x1b[A\x1b[1;5C\x7f\x1bb\x1b\t\xe2\x98\x83"),
            [
                "l",
                "s",
                "⏎",
                "^C",
                "<Up>",
                "<C-Right>",
                "⌫",
                "<M-b>",
                "<M-^I>",
                "☃"
            ]
        );
        assert_eq!(key_names(b"\x1b[200~x\x1b[201~"), ["x"]);
        assert_eq!(key_names(b"\x1b"), ["<Esc>"]);
        assert_eq!(key_names(b"\x1b[31"), ["<Esc>[31"]);
        assert_eq!(key_names(b"\xc2\x9b"), ["\\x9b"]);
    }

    #[test]
    fn editing_keys() {
        assert_eq!(typed(&[b"ls -la\r"]), ["ls -la"]);
        assert_eq!(typed(&[b"lx", b"\x7fs\r"]), ["ls"]);
        assert_eq!(typed(&[b"rm -rf /tmp\x15echo ok\r"]), ["echo ok"]);
        assert_eq!(typed(&[b"git commit  \x17push\r"]), ["git push"]);
        assert_eq!(typed(&[b"\x1b[A\x1b[A\r"]), ["<Up><Up>"]);
        assert_eq!(typed(&[b"\x1b[", b"B\r"]), ["<Down>"]);
        assert_eq!(
            typed(&[b"vim\r", b"ihello", b"\x1b", b":wq\r"]),
            ["vim", "ihello<Esc>:wq"]
        );
        assert_eq!(typed(&[b"sleep 100\x03"]), ["sleep 100^C"]);
        assert_eq!(typed(&[b"\x04"]), ["^D"]);
        assert_eq!(typed(&[b"echo \xe2\x98\x83\r"]), ["echo ☃"]);
        assert_eq!(typed(&[b"\x1b[200~a\rb\x1b[201~\r"]), ["a⏎b"]);
        assert_eq!(typed(&[b"cd /\x1bb\x01x\r"]), ["cd /<M-b>^Ax"]);
        assert_eq!(typed(&[b"unfinished"]), ["unfinished"]);
    }

    #[test]
    fn a_line_keeps_at_most_max_line_units_keys() {
        let mut long = vec![b'a'; MAX_LINE_UNITS + 5];
        long.extend_from_slice(b"\x7f\x7f\r");
        let lines = typed(&[&long]);
        assert_eq!(
            lines,
            [format!("{}…(3 more keys)", "a".repeat(MAX_LINE_UNITS))]
        );
        // erased back below the limit: nothing is marked
        let mut long = vec![b'b'; MAX_LINE_UNITS + 2];
        long.extend_from_slice(b"\x7f\x7f\x7f\r");
        assert_eq!(typed(&[&long]), ["b".repeat(MAX_LINE_UNITS - 1)]);
        assert_eq!(
            typed(&[&vec![b'c'; MAX_LINE_UNITS * 2], b"\x15ok\r"]),
            ["ok"]
        );
    }

    #[test]
    fn lines_are_given_as_they_end() {
        let mut ed = LineEditor::new();
        let mut got = Vec::new();
        ed.feed_each(1, 0, b"a\rb\rc", &mut |l| got.push(l.text));
        assert_eq!(got, ["a", "b"]);
        assert!(ed.lines.is_empty());
        ed.finish(2, 0);
        assert_eq!(ed.lines[0].text, "c");
    }
}
