//! Scalingo app logs: lines `2015-02-16 02:02:43.930163178 +0000 UTC [web-1] message` (the
//! dump, and the archives once decompressed).

use super::time::{self, Stamp};
use super::{at_line, mask, Lane, Reader};
use serde_json::{json, Map};

/// A line's time, container and message.
pub fn parse_line(line: &str) -> Option<(Stamp, &str, &str)> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if !line.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (ts, rest) = line.split_once(" [")?;
    let (container, msg) = rest.split_once(']')?;
    let stamp = time::parse(ts)?;
    Some((stamp, container, msg.strip_prefix(' ').unwrap_or(msg)))
}

/// Every line of `text`; empty lines are passed over, others that are not log lines are
/// skipped and counted.
pub fn read(text: &str, r: &mut Reader) {
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Some((stamp, container, msg)) => {
                let msg = mask::url_tokens(msg);
                let mut fields = Map::new();
                fields.insert("container".into(), json!(container));
                fields.insert("message".into(), json!(msg));
                r.push(
                    stamp,
                    Lane::AppLog,
                    Some(container.to_string()),
                    msg,
                    fields,
                );
            }
            None => r.skip(at_line(i + 1), "not a log line"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{from_bytes, Options};
    use super::*;

    #[test]
    fn lines_with_nanoseconds_and_utc() {
        let (s, c, m) =
            parse_line("2015-02-16 02:02:43.930163178 +0000 UTC [web-1] GET / [200]").unwrap();
        assert_eq!(s.time.timestamp_subsec_nanos(), 930_163_178);
        assert_eq!(c, "web-1");
        assert_eq!(m, "GET / [200]");
        assert!(parse_line("hello [web-1] x").is_none());
        assert!(parse_line("2015-02-16 [web-1] x").is_none());
    }

    #[test]
    fn malformed_lines_counted_and_gzip_read() {
        let text = "2015-02-16 02:02:43.930163178 +0000 UTC [web-1] one\n\
                    garbage\n\n\
                    2015-02-16 02:02:44 +0100 CET [router] method=GET path=/?token=abc\n\
                    2015-99-16 02:02:44 +0100 CET [router] bad date\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
        for bytes in [text.as_bytes().to_vec(), gz.finish().unwrap()] {
            let c = from_bytes("app.log", bytes, &Options::default()).unwrap();
            assert_eq!(c.kind, super::super::Kind::AppLog);
            assert_eq!(c.entries.len(), 2);
            // 02:02:44+01:00 is before 02:02:43Z: sorted by instant
            assert_eq!(c.entries[0].actor.as_deref(), Some("router"));
            assert_eq!(c.entries[0].text, "method=GET path=/?token=••••");
            assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
            assert!(c.warnings[0].starts_with("2 unreadable entries skipped (the first at line 2"));
        }
    }
}
