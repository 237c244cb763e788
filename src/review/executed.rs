//! What was really run: at each Enter, the command line as the emulated screen shows it.
//!
//! Keys alone do not say what ran (`<Up>` recalls history, Tab completes, readline edits the
//! line in the middle), so the line is read from the screen. One pass over the recording
//! with its own emulated terminal:
//!
//! - **When** the line is read: just before the output that echoes the Enter, i.e. before the
//!   first LF the program writes after the input event holding the Enter (the k-th LF for the
//!   k-th Enter of one input event). When the keys were echoed one by one, that is the screen
//!   at the input event's time; when the line arrived in one piece (a paste, scripted input),
//!   its echo comes first and is included. With no LF before the next input (the program did
//!   not echo the Enter), the screen just before that input is used.
//! - **Which** text: the cursor's row joined with the rows it wraps from and into (the
//!   terminal's own wrap flags), so a long line is read whole.
//! - **The prompt** is the part of that line before the typed text started: the text left of
//!   the cursor at the first key of the line, when the line still starts with it; otherwise
//!   (type-ahead, a line that started inside a chunk, a redrawn prompt) everything up to the
//!   first common prompt ending (`$ `, `# `, `> `, `% `); otherwise nothing is stripped.
//! - **Not a command**: a line entered while the alternate screen was active (vim, less,
//!   psql's pager, htop…), or after the main screen was redrawn by absolute cursor moves
//!   (`CSI row;col H` below the top row, `CSI row d`, a scroll region) since the last Enter,
//!   with no line editor started since (readline, zle and most REPLs switch bracketed paste
//!   on, `CSI ?2004h`, each time they read a line; `clear`'s move home is not a redraw); a
//!   line whose keys were all typed without echo (hidden input); and a line ended by ^C or
//!   ^D, or still open at the end.
//! - **Hidden input**: printable keys after which neither the cursor nor its row changed
//!   (compared just before the next input event, or at the Enter's reading point), on the
//!   main screen, until the Enter: a password prompt, `read -s`, `stty -echo`. A stretch
//!   in which any key turned out to be echoed (a slow echo) is not hidden.

pub use super::screen::strip_prompt;
use super::screen::{cursor_line, left_of_cursor, look, Look, Redraws};
use crate::emulator::Term;
use crate::timeline::{Kind, Nanos, Timeline};
use crate::transcript::{Line, LineEditor};

/// Why a line typed is not a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCommand {
    /// A full-screen program had the terminal (alternate screen, or a screen drawn by
    /// absolute cursor moves).
    FullScreen,
    /// Nothing typed was echoed (a password, `read -s`).
    Hidden,
    /// The line was abandoned: ^C, ^D, or still being typed when the recording ends.
    NotEntered,
}

impl NotCommand {
    pub fn as_str(self) -> &'static str {
        match self {
            NotCommand::FullScreen => "full-screen program",
            NotCommand::Hidden => "hidden input",
            NotCommand::NotEntered => "not entered",
        }
    }
}

/// One line typed, with what the screen says was run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    /// The keys, as `transcript` shows them (from the input).
    pub keys: Line,
    /// The command line as shown on the screen, prompt stripped, or why it is not one.
    pub command: Result<String, NotCommand>,
    /// The prompt that was stripped (empty when none was found).
    pub prompt: String,
}

impl Executed {
    pub fn command(&self) -> Option<&str> {
        self.command.as_deref().ok()
    }
}

/// Keys typed without echo, ended by an Enter (or ^C).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// Time of the first hidden key.
    pub t: Nanos,
    /// Time of the Enter that ended it.
    pub end: Nanos,
    /// Characters typed (Backspace taken into account).
    pub len: usize,
    /// What was typed. Never shown unless asked for.
    pub text: String,
    /// The text left of the cursor when typing started (e.g. `Password: `).
    pub prompt: String,
}

/// Everything one pass over a recording finds.
#[derive(Debug, Default)]
pub struct Analysis {
    /// One per line of [`crate::transcript::lines`], in the same order.
    pub lines: Vec<Executed>,
    pub hidden: Vec<Hidden>,
}

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

struct Pass<'a> {
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
    fn new(
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
            let now = look(self.term.screen());
            if before.alternate || now.alternate || self.redraws.redrawn {
                self.run = HiddenRun::default();
                return;
            }
            if now == before {
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

    fn run(mut self) -> Analysis {
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

/// Every line typed in a recording, with what the screen shows was run, and the keys typed
/// without echo. `cols`×`rows` and `crlf` as the recording is replayed.
pub fn analyse(tl: &Timeline, cols: u16, rows: u16, crlf: bool) -> Analysis {
    Pass::new(tl, cols, rows, crlf, None).run()
}

/// The same pass, giving each typed line to `sink` as soon as the screen has settled it
/// (in order), holding only the lines not settled yet: memory does not grow with the
/// number of lines. The [`Analysis`] returned has no lines, only the hidden input.
pub fn each_line(
    tl: &Timeline,
    cols: u16,
    rows: u16,
    crlf: bool,
    sink: &mut dyn FnMut(Executed),
) -> Analysis {
    Pass::new(tl, cols, rows, crlf, Some(sink)).run()
}

/// What each typed line ran, one per line of [`crate::transcript::lines`], in order (None:
/// not a command), read on a thread of its own while the caller goes on: a bounded channel
/// of batches, so that memory does not grow with the number of lines.
pub fn commands(
    tl: std::sync::Arc<Timeline>,
    cols: u16,
    rows: u16,
    crlf: bool,
) -> std::io::Result<impl Iterator<Item = Option<String>>> {
    const BATCH: usize = 512;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Option<String>>>(16);
    std::thread::Builder::new()
        .name("auditty-executed".into())
        .spawn(move || {
            // a receiver gone (the caller stopped early) leaves the rest unread
            let mut batch = Vec::with_capacity(BATCH);
            each_line(&tl, cols, rows, crlf, &mut |e| {
                batch.push(e.command.ok());
                if batch.len() == BATCH {
                    let _ = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                }
            });
            let _ = tx.send(batch);
        })?;
    Ok(rx.into_iter().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::NANOS_PER_SEC;

    /// A timeline from (output?, bytes) steps, one per 100 ms.
    fn tl(steps: &[(bool, &str)]) -> Timeline {
        let mut tl = Timeline::new(Vec::new());
        for (i, (out, s)) in steps.iter().enumerate() {
            let kind = if *out { Kind::Output } else { Kind::Input };
            tl.push(i as u64 * NANOS_PER_SEC / 10, kind, s.as_bytes());
        }
        tl
    }

    fn commands(steps: &[(bool, &str)]) -> Vec<Option<String>> {
        analyse(&tl(steps), 40, 10, false)
            .lines
            .iter()
            .map(|e| e.command().map(str::to_string))
            .collect()
    }

    const O: bool = true;
    const I: bool = false;

    #[test]
    fn reads_the_line_from_the_screen() {
        // typed key by key, with a Tab completion and an <Up> recall
        let c = commands(&[
            (O, "user@host:~$ "),
            (I, "ec"),
            (O, "ec"),
            (I, "\t"),
            (O, "ho "),
            (I, "hi\r"),
            (O, "hi\r\nhi\r\nuser@host:~$ "),
            (I, "\x1b[A"),
            (O, "echo hi"),
            (I, "\r"),
            (O, "\r\nhi\r\nuser@host:~$ "),
        ]);
        assert_eq!(c, [Some("echo hi".into()), Some("echo hi".into())]);
    }

    #[test]
    fn a_chunk_is_read_after_its_echo() {
        let c = commands(&[
            (O, "$ "),
            (I, "ls -la\r"),
            (O, "ls -la\r\ntotal 0\r\n$ "),
            (I, "a\rb\r"),
            (O, "a\r\nx\r\n$ b\r\ny\r\n$ "),
        ]);
        assert_eq!(
            c,
            [Some("ls -la".into()), Some("a".into()), Some("b".into())]
        );
    }

    #[test]
    fn a_wrapped_line_is_read_whole() {
        let long = "echo 0123456789012345678901234567890123456789";
        let c = commands(&[(O, "$ "), (I, long), (O, long), (I, "\r"), (O, "\r\n")]);
        assert_eq!(c, [Some(long.into())]);
    }

    #[test]
    fn full_screen_programs_are_not_commands() {
        let c = commands(&[
            (O, "$ "),
            (I, "vim\r"),
            (O, "vim\r\n\x1b[?1049h\x1b[H\x1b[2J~\r\n~"),
            (I, ":wq\r"),
            (O, "\x1b[?1049l$ "),
            (I, "less -X f\r"),
            (O, "less -X f\r\n\x1b[1;1Hline\x1b[10;1H:"),
            (I, "q"),
            (O, "\r\x1b[K$ "),
            (I, "/x\r"),
            (O, "\r\n"),
        ]);
        assert_eq!(
            c,
            [Some("vim".into()), None, Some("less -X f".into()), None]
        );
        // `clear` only moves home: the next line is a command
        let c = commands(&[
            (O, "$ "),
            (I, "clear\r"),
            (O, "clear\r\n\x1b[H\x1b[2J\x1b[3J$ "),
            (I, "ls\r"),
            (O, "ls\r\n"),
        ]);
        assert_eq!(c, [Some("clear".into()), Some("ls".into())]);
        // a shell prompt after it (readline's bracketed paste) is a command again
        let c = commands(&[(O, "\x1b[5;1Hx\x1b[?2004h$ "), (I, "ls\r"), (O, "ls\r\n")]);
        assert_eq!(c, [Some("ls".into())]);
    }

    #[test]
    fn prompt_stripping() {
        assert_eq!(
            strip_prompt("[12:00] app ~ $ ls > x", Some("[12:00] app ~ $ ")),
            ("[12:00] app ~ $ ".into(), "ls > x".into())
        );
        assert_eq!(
            strip_prompt("mydb=> DELETE FROM t;", None),
            ("mydb=> ".into(), "DELETE FROM t;".into())
        );
        assert_eq!(strip_prompt("plain", None), (String::new(), "plain".into()));
        assert_eq!(strip_prompt("$", Some("$ ")), ("$".into(), String::new()));
    }

    #[test]
    fn hidden_input_is_found_with_its_length() {
        let a = analyse(
            &tl(&[
                (O, "$ "),
                (I, "sudo ls\r"),
                (O, "sudo ls\r\n[sudo] password for u: "),
                (I, "s"),
                (I, "e"),
                (I, "x\x7fcret"),
                (I, "\r"),
                (O, "\r\nfile\r\n$ "),
                (I, "ls\r"),
                (O, "ls\r\n"),
            ]),
            40,
            10,
            false,
        );
        assert_eq!(a.hidden.len(), 1, "{:?}", a.hidden);
        let h = &a.hidden[0];
        assert_eq!((h.len, h.text.as_str()), (6, "secret"));
        assert_eq!(h.prompt, "[sudo] password for u: ");
        assert_eq!(h.t, 3 * NANOS_PER_SEC / 10);
        let c: Vec<_> = a.lines.iter().map(|e| e.command.clone()).collect();
        assert_eq!(
            c,
            [
                Ok("sudo ls".into()),
                Err(NotCommand::Hidden),
                Ok("ls".into())
            ]
        );
    }

    #[test]
    fn a_secret_pasted_with_its_enter_is_hidden_too() {
        let a = analyse(
            &tl(&[
                (O, "$ "),
                (I, "stty -echo; read x; stty echo\r"),
                (O, "stty -echo; read x; stty echo\r\n"),
                (I, "pasted-secret\r"),
                (O, "\r\n$ "),
            ]),
            40,
            10,
            false,
        );
        assert_eq!(a.hidden.len(), 1, "{:?}", a.hidden);
        assert_eq!(
            (a.hidden[0].len, a.hidden[0].text.as_str()),
            (13, "pasted-secret")
        );
        assert_eq!(a.lines[1].command, Err(NotCommand::Hidden));
    }

    #[test]
    fn slow_echo_is_not_hidden() {
        let a = analyse(
            &tl(&[
                (O, "$ "),
                (I, "l"),
                (I, "s"),
                (O, "ls"),
                (I, "\r"),
                (O, "\r\n"),
            ]),
            40,
            10,
            false,
        );
        assert!(a.hidden.is_empty(), "{:?}", a.hidden);
        assert_eq!(a.lines[0].command(), Some("ls"));
    }
}
