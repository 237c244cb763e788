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

use super::pass::Pass;
pub use super::screen::strip_prompt;
use crate::timeline::{Nanos, Timeline};
use crate::transcript::Line;

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
    use crate::timeline::{Kind, NANOS_PER_SEC};

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
