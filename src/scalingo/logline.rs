//! One line of Scalingo's app logs, `2015-02-16 02:02:43.930163178 +0000 UTC [web-1] message`,
//! split into its time, container and message (for `auditty logs --json`).

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::Serialize;

/// A log line's parts. A line not in the documented shape is all `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// RFC 3339, to the nanosecond the server wrote.
    pub time: Option<String>,
    pub container: Option<String>,
    pub message: String,
}

/// The time at the start of a line: `DATE TIME OFFSET [ZONE]`.
fn leading_time(line: &str) -> Option<(DateTime<FixedOffset>, &str)> {
    let mut rest = line;
    let mut take = || {
        let r = rest.trim_start_matches(' ');
        let end = r.find(' ').unwrap_or(r.len());
        let (word, tail) = r.split_at(end);
        rest = tail;
        word
    };
    let (date, time, offset) = (take(), take(), take());
    let t = DateTime::parse_from_str(
        &format!("{date} {time} {offset}"),
        "%Y-%m-%d %H:%M:%S%.f %z",
    )
    .ok()?;
    let after = rest.trim_start_matches(' ');
    let after = match after.split_once(' ') {
        Some((zone, tail)) if zone.chars().all(|c| c.is_ascii_uppercase()) && !zone.is_empty() => {
            tail
        }
        None if after.chars().all(|c| c.is_ascii_uppercase()) => "",
        _ => after,
    };
    Some((t, after))
}

/// Splits a line (without its newline).
pub fn parse_log_line(line: &str) -> LogLine {
    let Some((time, rest)) = leading_time(line) else {
        return LogLine {
            time: None,
            container: None,
            message: line.to_string(),
        };
    };
    let rest = rest.trim_start_matches(' ');
    let (container, message) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((c, m)) => (Some(c.to_string()), m.strip_prefix(' ').unwrap_or(m)),
        None => (None, rest),
    };
    LogLine {
        time: Some(time.to_rfc3339_opts(SecondsFormat::AutoSi, false)),
        container,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_lines() {
        let l = parse_log_line(
            "2015-02-16 02:02:43.930163178 +0000 UTC [web-1] [martini] Started GET / for [filtered IP]",
        );
        assert_eq!(
            l.time.as_deref(),
            Some("2015-02-16T02:02:43.930163178+00:00")
        );
        assert_eq!(l.container.as_deref(), Some("web-1"));
        assert_eq!(l.message, "[martini] Started GET / for [filtered IP]");
        let l = parse_log_line("2015-02-16 02:02:43 +0100 [router] method=GET path=/");
        assert_eq!(l.time.as_deref(), Some("2015-02-16T02:02:43+01:00"));
        assert_eq!(l.container.as_deref(), Some("router"));
        assert_eq!(l.message, "method=GET path=/");
    }

    #[test]
    fn other_lines_are_all_message() {
        for line in ["", "hello world", "2015-02-16 nope", "\u{1b}[31mred"] {
            let l = parse_log_line(line);
            assert_eq!(
                (l.time, l.container, l.message.as_str()),
                (None, None, line)
            );
        }
    }
}
