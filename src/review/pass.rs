//! The one pass over a recording behind [`super::executed`]: its own emulated terminal, the
//! lines typed (from the keys) waiting for the screen to show them, and the stretches of keys
//! typed without echo.

use super::executed::{Analysis, Executed, Hidden, NotCommand};
use super::screen::{cursor_line, left_of_cursor, look, strip_prompt, Look, Redraws};
use crate::emulator::Term;
use crate::timeline::{Kind, Nanos, Timeline};
use crate::transcript::{Line, LineEditor};

/// A line whose Enter has been typed, waiting for the screen to show it.
struct Pending {
    /// Index into `Analysis::lines`.
    line: usize,
    /// Whether the line counts as a command so far (else why not).
    verdict: Result<(), NotCommand>,
    prompt: Option<String>,
    /// The look of the screen at the input event, for hidden input.
    before: Look,
    /// The printable keys of this line that came in the Enter's own event.
    chunk_keys: String,
    /// For a line after the first of one chunk: the text typed, which its echo must end
    /// with (the LFs before it belong to the previous line's output).
    expect: Option<String>,
}

/// A stretch of keys typed without echo so far.
#[derive(Default)]
struct HiddenRun {
    /// (time of the first key, prompt) once a key went unechoed.
    start: Option<(Nanos, String)>,
    text: String,
    /// A key of the stretch was echoed after all.
    spoilt: bool,
}

/// Lines waiting for the screen held at most (see [`Pass::ended`]).
const MAX_PENDING: usize = 4096;

/// What an input event found, for each line it ends.
struct Seen<'k> {
    t: Nanos,
    keys: &'k str,
    has_enter: bool,
    full: bool,
    before: &'k Look,
}

pub(super) struct Pass<'a> {
    tl: &'a Timeline,
    term: Term,
    redraws: Redraws,
    vte: vte::Parser,
    ed: LineEditor,
    out: Analysis,
    pending: std::collections::VecDeque<Pending>,
    /// The prompt seen at the first key of the line being typed (None: not known).
    prompt: Option<String>,
    /// No key of the next line has been typed yet.
    fresh: bool,
    /// The last input event with printable keys and no Enter, and the look before it.
    unechoed_check: Option<(Nanos, Look, String)>,
    run: HiddenRun,
    /// The index of `out.lines[0]` among all lines (lines given to `sink` are dropped).
    base: usize,
    /// Given each line, in order, once it is settled; `None`: all are kept in `out.lines`.
    sink: Option<&'a mut dyn FnMut(Executed)>,
    /// The cursor's line and the look of the screen, while nothing was fed since they were
    /// read (many lines ended by one input event are read at the same screen).
    view: Option<(String, Look)>,
}

/// Printable characters in a chunk of input, Backspace applied, up to the first Enter;
/// and whether an Enter (or ^C) came. Backspaces that erase more than the chunk typed are
/// kept as `\x7f` at its start.
fn printable(bytes: &[u8]) -> (String, bool) {
    let mut s = String::new();
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' | '\x03' => return (s, true),
            '\x7f' | '\x08' => {
                if s.is_empty() || s.ends_with('\x7f') {
                    s.push('\x7f');
                } else {
                    s.pop();
                }
            }
            '\x1b' => {
                // skip an escape sequence: ESC [ … final, ESC O x, ESC x
                match chars.next() {
                    Some('[') => {
                        for c in chars.by_ref() {
                            if ('\x40'..='\x7e').contains(&c) {
                                break;
                            }
                        }
                    }
                    Some('O') => {
                        chars.next();
                    }
                    Some(_) | None => {}
                }
            }
            c if (c as u32) < 0x20 => {}
            c => s.push(c),
        }
    }
    (s, false)
}

/// Append keys from [`printable`] to a text, applying its leading backspaces.
fn push_keys(text: &mut String, keys: &str) {
    for c in keys.chars() {
        if c == '\x7f' {
            text.pop();
        } else {
            text.push(c);
        }
    }
}

impl<'a> Pass<'a> {
    pub(super) fn new(
        tl: &'a Timeline,
        cols: u16,
        rows: u16,
        crlf: bool,
        sink: Option<&'a mut dyn FnMut(Executed)>,
    ) -> Self {
        Pass {
            tl,
            term: Term::new(cols, rows, crlf),
            redraws: Redraws::default(),
            vte: vte::Parser::new(),
            ed: LineEditor::new(),
            out: Analysis::default(),
            pending: Default::default(),
            prompt: None,
            fresh: true,
            unechoed_check: None,
            run: HiddenRun::default(),
            base: 0,
            sink,
            view: None,
        }
    }

    /// The cursor's line and the look of the screen as it is now.
    fn view(&mut self) -> &(String, Look) {
        let term = &self.term;
        self.view.get_or_insert_with(|| {
            let screen = term.screen();
            (cursor_line(screen), look(screen))
        })
    }

    /// The line of index `i` among all lines.
    fn line(&mut self, i: usize) -> &mut Executed {
        &mut self.out.lines[i - self.base]
    }

    /// With a sink: give it the lines settled so far (those before the first one waiting for
    /// the screen), and forget them.
    fn flush(&mut self) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        let end = self.base + self.out.lines.len();
        let settled = self.pending.front().map_or(end, |p| p.line) - self.base;
        for e in self.out.lines.drain(..settled) {
            sink(e);
        }
        self.base += settled;
    }

    fn full_screen(&self) -> bool {
        self.term.screen().alternate_screen() || self.redraws.redrawn
    }

    /// Read the lines waiting for the screen, all of them at the screen as it is now.
    fn settle(&mut self, all: bool) {
        while let Some(p) = self.pending.pop_front() {
            self.read_line(p);
            if !all {
                break;
            }
        }
    }

    fn read_line(&mut self, p: Pending) {
        let mut verdict = p.verdict;
        if verdict.is_ok() && self.term.screen().alternate_screen() {
            verdict = Err(NotCommand::FullScreen);
        }
        let (shown, now) = self.view();
        let unchanged = *now == p.before;
        let (prompt, mut command) = strip_prompt(shown, p.prompt.as_deref());
        if let Some(want) = &p.expect {
            if !shown.ends_with(want.as_str()) {
                // never echoed as expected before the next input: what was typed
                command = want.clone();
            }
        }
        if verdict.is_ok() && !p.chunk_keys.is_empty() && unchanged {
            // the keys that came with the Enter were not echoed: hidden input
            verdict = Err(NotCommand::Hidden);
            let mut text = String::new();
            push_keys(&mut text, &p.chunk_keys);
            if !text.is_empty() {
                let t = self.line(p.line).keys.t;
                self.out.hidden.push(Hidden {
                    t,
                    end: t,
                    len: text.chars().count(),
                    text,
                    prompt: p.prompt.clone().unwrap_or_default(),
                });
            }
        }
        let e = self.line(p.line);
        match verdict {
            Ok(()) => {
                e.command = Ok(command);
                e.prompt = prompt;
            }
            Err(why) => e.command = Err(why),
        }
    }

    fn output(&mut self, data: &[u8]) {
        let mut from = 0;
        while !self.pending.is_empty() {
            match memchr::memchr(b'\n', &data[from..]) {
                Some(i) => {
                    let at = from + i;
                    self.feed(&data[from..at]);
                    let due = match self.pending.front().and_then(|p| p.expect.as_deref()) {
                        Some(want) => cursor_line(self.term.screen()).ends_with(want),
                        None => true,
                    };
                    if due {
                        self.settle(false);
                    }
                    from = at;
                    // the LF itself goes with what follows
                    self.feed(&data[from..from + 1]);
                    from += 1;
                }
                None => break,
            }
        }
        self.feed(&data[from..]);
    }

    fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.term.feed(bytes);
        self.view = None;
        self.vte.advance(&mut self.redraws, bytes);
    }

    /// Whether the key(s) before were echoed: called just before the next input or Enter.
    fn check_echo(&mut self) {
        if let Some((t, before, keys)) = self.unechoed_check.take() {
            // the screen's look now, kept for the input event that follows
            let (now_alternate, unchanged) = {
                let now = &self.view().1;
                (now.alternate, *now == before)
            };
            if before.alternate || now_alternate || self.redraws.redrawn {
                self.run = HiddenRun::default();
                return;
            }
            if unchanged {
                if self.run.start.is_none() {
                    let prompt = left_of_cursor(self.term.screen());
                    self.run.start = Some((t, prompt));
                }
                push_keys(&mut self.run.text, &keys);
            } else if self.run.start.is_some() {
                self.run.spoilt = true;
            }
        }
    }

    fn end_hidden_run(&mut self, t: Nanos, extra: &str, enter_hidden: bool) -> bool {
        let run = std::mem::take(&mut self.run);
        let mut text = run.text;
        push_keys(&mut text, extra);
        match run.start {
            Some((start, prompt)) if !run.spoilt && enter_hidden && !text.is_empty() => {
                self.out.hidden.push(Hidden {
                    t: start,
                    end: t,
                    len: text.chars().count(),
                    text,
                    prompt,
                });
                true
            }
            _ => false,
        }
    }

    fn input(&mut self, i: usize, t: Nanos, data: &[u8]) {
        // lines still waiting: the program never echoed their Enter
        self.settle(true);
        self.check_echo();
        let before = self.view().1.clone();
        let screen = self.term.screen();
        if self.fresh {
            self.prompt = Some(left_of_cursor(screen));
            self.fresh = false;
        }
        let full = self.full_screen();
        let (keys, has_enter) = printable(data);
        // each line as it ends (an event of a million Enter keys is not held as a million)
        let mut ed = std::mem::replace(&mut self.ed, LineEditor::new());
        let mut k = 0;
        let seen = Seen {
            t,
            keys: &keys,
            has_enter,
            full,
            before: &before,
        };
        ed.feed_each(t, i, data, &mut |line| {
            self.ended(k, line, &seen);
            k += 1;
        });
        self.ed = ed;
        if k == 0 {
            if !keys.is_empty() {
                self.unechoed_check = Some((t, before, keys));
            }
            return;
        }
        // a new line starts with the next key, unless this chunk went on after its last Enter
        self.fresh = matches!(data.last(), Some(b'\r' | b'\n' | 0x03 | 0x04));
        self.prompt = None;
        if !self.pending.is_empty() {
            self.redraws.redrawn = false;
        }
    }

    /// The `k`th line ended by an input event, with what was seen at that event.
    fn ended(&mut self, k: usize, line: Line, seen: &Seen) {
        let Seen {
            t,
            keys,
            has_enter,
            full,
            before,
        } = *seen;
        let first_in_event = k == 0;
        let entered = line.end == "enter";
        // hidden input: the keys before this Enter went unechoed
        let mut hidden = false;
        if first_in_event && has_enter && !full && !before.alternate {
            // keys typed in this same chunk count as hidden only if the screen does not
            // show them at the reading point; that is judged in `read_line`
            hidden = self.end_hidden_run(t, keys, true);
        } else if first_in_event {
            self.run = HiddenRun::default();
        }
        let chunk_keys = if first_in_event && !hidden {
            keys.to_string()
        } else {
            String::new()
        };
        let verdict = if !entered {
            Err(NotCommand::NotEntered)
        } else if hidden {
            Err(NotCommand::Hidden)
        } else if full || before.alternate {
            Err(NotCommand::FullScreen)
        } else {
            Ok(())
        };
        let prompt = if first_in_event {
            self.prompt.take()
        } else {
            None
        };
        self.out.lines.push(Executed {
            keys: line,
            command: Err(NotCommand::NotEntered),
            prompt: String::new(),
        });
        let idx = self.base + self.out.lines.len() - 1;
        if entered {
            let expect = {
                let typed = &self.line(idx).keys.text;
                (!first_in_event && !typed.is_empty() && !typed.contains(['<', '^', '⏎']))
                    .then(|| typed.clone())
            };
            self.pending.push_back(Pending {
                line: idx,
                verdict,
                prompt,
                before: before.clone(),
                chunk_keys,
                expect,
            });
        } else {
            self.line(idx).command = verdict.map(|()| String::new());
        }
        if self.pending.len() > MAX_PENDING {
            // Enters by the thousand with no output between: read the oldest half now, at
            // the screen as it is, rather than hold them all
            while self.pending.len() > MAX_PENDING / 2 {
                self.settle(false);
            }
            self.flush();
        }
    }

    pub(super) fn run(mut self) -> Analysis {
        let tl = self.tl;
        for (i, ev) in tl.events.iter().enumerate() {
            match ev.kind {
                Kind::Output => self.output(&tl.data(ev)),
                Kind::Input => self.input(i, ev.t, &tl.data(ev)),
                Kind::Resize { cols, rows } => {
                    self.term.resize(cols, rows);
                    self.view = None;
                }
                _ => {}
            }
            self.flush();
        }
        self.settle(true);
        self.ed
            .finish(tl.duration(), tl.events.len().saturating_sub(1));
        for line in std::mem::take(&mut self.ed.lines) {
            self.out.lines.push(Executed {
                keys: line,
                command: Err(NotCommand::NotEntered),
                prompt: String::new(),
            });
        }
        self.flush();
        self.out
    }
}
