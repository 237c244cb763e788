//! The real binary in a tmux pane, for the end-to-end tests of the player.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Whether tmux can be run (the tests that need it skip with a notice otherwise).
pub fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tmux server of its own (its own socket) with one `cols`×`rows` pane running bash.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(name: &str, cols: u16, rows: u16) -> Tmux {
        let socket = format!("auditty-e2e-{}-{name}", std::process::id());
        let t = Tmux { socket };
        let (c, r) = (cols.to_string(), rows.to_string());
        let out = t.cmd(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &c,
            "-y",
            &r,
            "env",
            "PS1=$ ",
            "TERM=xterm-256color",
            "bash",
            "--norc",
            "--noprofile",
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.wait_for("the shell", |s| s.contains('$'));
        t
    }

    pub fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success());
    }

    pub fn type_text(&self, text: &str) {
        assert!(self
            .cmd(&["send-keys", "-t", "0", "-l", text])
            .status
            .success());
    }

    pub fn capture(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "0"]).stdout).into_owned()
    }

    pub fn display(&self, format: &str) -> String {
        String::from_utf8_lossy(
            &self
                .cmd(&["display-message", "-p", "-t", "0", format])
                .stdout,
        )
        .trim()
        .to_string()
    }

    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let s = self.capture();
            if ok(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the pane shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub fn wait_display(&self, what: &str, format: &str, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.display(format) != want {
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}: {format} is {}",
                    self.display(format)
                );
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }
    /// The last line of the pane: the player's status line.
    pub fn status(s: &str) -> String {
        s.lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string()
    }

    /// The pane is back to a working shell in its normal state.
    pub fn assert_shell_is_back(&self) {
        self.wait_for("the player to leave", |s| {
            !s.contains("⏸") && !s.contains("▶")
        });
        // the session picker shows neither mark: wait for the program to leave the
        // terminal restored too (it may take a moment on a loaded machine)
        let deadline = Instant::now() + Duration::from_secs(10);
        let restored = "#{alternate_on}#{cursor_flag}#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}";
        while self.display(restored) != "01000" && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(40));
        }
        assert_eq!(
            self.display("#{alternate_on}"),
            "0",
            "left the alternate screen"
        );
        assert_eq!(self.display("#{cursor_flag}"), "1", "cursor shown");
        assert_eq!(
            self.display("#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}"),
            "000",
            "mouse reporting off"
        );
        self.type_text("stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo; echo ok-$((6*7))");
        self.keys(&["Enter"]);
        let s = self.wait_for("the shell to answer", |s| s.contains("ok-42"));
        assert!(
            s.lines().any(|l| l.trim() == "icanon"),
            "raw mode is off:\n{s}"
        );
        assert!(s.lines().any(|l| l.trim() == "echo"), "echo is on:\n{s}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}
