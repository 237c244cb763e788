//! The sessions table: an app's one-off sessions as `auditty sessions` prints them and the
//! player's session picker lists them. Every string from the server is escaped and long
//! ones are cut.

use crate::net::text::truncate_chars;
use crate::render::escape::escape_controls;
use crate::scalingo::{human_size, Session};
use unicode_width::UnicodeWidthStr;

/// The user shown for sessions opened by Scalingo's own staff.
const OPERATOR_EMAIL: &str = "deploy@scalingo.com";
/// Commands longer than this are cut in the table.
const COMMAND_WIDTH: usize = 60;

/// The sessions table's column titles.
pub const SESSION_COLUMNS: [&str; 5] = ["WHEN", "WHO", "COMMAND", "AUDIT LOG", "SIZE"];

/// The widest audit-log id shown in the table (ids are 36 characters; `--json` keeps the
/// full value).
const AUDIT_LOG_ID_WIDTH: usize = 40;

/// One session as the table's cells: when (in the event's own offset), who, command, audit
/// log id, size. Every string from the server is escaped and long ones are cut. (Shared by
/// `sessions` and the player's session picker.)
pub fn session_cells(s: &Session) -> [String; 5] {
    [
        when_cell(s),
        who_cell(s),
        command_cell(s),
        s.audit_log_id
            .as_deref()
            .map(|id| escape_controls(&truncate_chars(id, AUDIT_LOG_ID_WIDTH)))
            .unwrap_or_else(|| "-".into()),
        s.audit_log_size
            .map(human_size)
            .unwrap_or_else(|| "-".into()),
    ]
}

/// The sessions as a table: when (in the event's own offset), who, command, audit log id,
/// size. Every string from the server is escaped.
pub fn render_sessions_table(sessions: &[Session]) -> String {
    if sessions.is_empty() {
        return "No one-off sessions found.\n".to_string();
    }
    let header = SESSION_COLUMNS.map(String::from);
    let rows: Vec<[String; 5]> = sessions.iter().map(session_cells).collect();
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.width());
            if i == 4 {
                // Sizes right-aligned.
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn when_cell(s: &Session) -> String {
    match s.created_at_time() {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        None if s.created_at.is_empty() => "?".into(),
        None => escape_controls(&truncate_chars(&s.created_at, 40)),
    }
}

fn who_cell(s: &Session) -> String {
    let email = s.user.email.as_str();
    if email.trim().eq_ignore_ascii_case(OPERATOR_EMAIL) {
        "Scalingo operator".into()
    } else if !email.is_empty() {
        escape_controls(&truncate_chars(email, 60))
    } else if !s.user.username.is_empty() {
        escape_controls(&truncate_chars(&s.user.username, 60))
    } else {
        "?".into()
    }
}

fn command_cell(s: &Session) -> String {
    if s.command.trim().is_empty() {
        "(operator shell)".into()
    } else {
        escape_controls(&truncate_chars(&s.command, COMMAND_WIDTH))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalingo::User;

    fn session(created_at: &str, email: &str, command: &str) -> Session {
        Session {
            id: "ev".into(),
            created_at: created_at.into(),
            user: User {
                username: "john".into(),
                email: email.into(),
                id: "us-1".into(),
            },
            app_name: "app".into(),
            command: command.into(),
            audit_log_id: Some("abcdef-1234".into()),
            audit_log_size: Some(122_445_385),
            detached: Some(false),
        }
    }

    #[test]
    fn table_columns() {
        let sessions = vec![
            session(
                "2015-02-12T18:05:14.226+01:00",
                "john@doe.com",
                "bundle exec rake db:migrate",
            ),
            Session {
                audit_log_id: None,
                audit_log_size: None,
                ..session("2015-02-11T09:00:00Z", "deploy@scalingo.com", "")
            },
        ];
        let table = render_sessions_table(&sessions);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3, "{table}");
        assert!(lines[0].starts_with("WHEN"));
        assert!(lines[0].contains("WHO") && lines[0].contains("AUDIT LOG"));
        assert!(lines[1].starts_with("2015-02-12 18:05:14 +01:00  john@doe.com"));
        assert!(lines[1].contains("bundle exec rake db:migrate"));
        assert!(lines[1].contains("abcdef-1234"));
        assert!(lines[1].ends_with("122.4 MB"));
        assert!(lines[2].starts_with("2015-02-11 09:00:00 +00:00  Scalingo operator"));
        assert!(lines[2].contains("(operator shell)"));
        assert!(lines[2].ends_with('-'));
        // Sizes are right-aligned: every line ends at the same column.
        assert_eq!(lines[0].width(), lines[1].width());
        assert_eq!(lines[1].width(), lines[2].width());
    }

    #[test]
    fn table_escapes_everything_from_the_server() {
        let mut evil = session(
            "\u{1b}]0;pwned\u{7}",
            "a\u{1b}[2Jb@x.io",
            "rm -rf /\u{9b}31m\nnext",
        );
        evil.audit_log_id = Some("id\u{1b}c".into());
        evil.user.email = "\u{85}e@x.io".into();
        let table = render_sessions_table(&[evil]);
        assert!(
            !table.chars().any(|c| c.is_control() && c != '\n'),
            "{table:?}"
        );
        assert!(table.contains("^[]0;pwned^G"));
        assert!(table.contains("\\x9b31m^Jnext"));
        assert!(table.contains("id^[c"));
        assert!(table.contains("\\x85e@x.io"));
        assert_eq!(table.lines().count(), 2);
    }

    #[test]
    fn empty_table() {
        assert_eq!(render_sessions_table(&[]), "No one-off sessions found.\n");
    }

    #[test]
    fn long_commands_are_cut() {
        let long = "x".repeat(500);
        let table = render_sessions_table(&[session("2015-02-12T18:05:14Z", "a@b.c", &long)]);
        assert!(table.contains(&format!("{}…", "x".repeat(COMMAND_WIDTH - 1))));
        assert!(!table.contains(&"x".repeat(COMMAND_WIDTH)));
    }

    #[test]
    fn long_audit_log_ids_are_cut() {
        let mut s = session("2015-02-12T18:05:14Z", "a@b.c", "ls");
        s.audit_log_id = Some("i".repeat(100_000));
        let table = render_sessions_table(&[s]);
        assert!(table.contains(&format!("{}…", "i".repeat(AUDIT_LOG_ID_WIDTH - 1))));
        assert!(!table.contains(&"i".repeat(AUDIT_LOG_ID_WIDTH)));
        assert!(table.lines().all(|l| l.len() < 300), "{table}");
    }
}
