//! Small text helpers: making server-supplied strings safe to show on a terminal,
//! human sizes, truncation.

use std::fmt::Write as _;

/// Returns `s` with every control character shown escaped, so that a string that came from
/// a server (or from a recording) can never drive the terminal it is printed on.
///
/// - C0 controls (U+0000–U+001F) use caret notation: ESC → `^[`, newline → `^J`, tab → `^I`.
/// - DEL (U+007F) → `^?`.
/// - C1 controls (U+0080–U+009F) → `\x9b` style.
/// - Unicode bidirectional overrides/isolates and line/paragraph separators (which can
///   reorder or break what is shown) → `\u{202e}` style.
///
/// A backslash is left as it is: the escapes are for reading, not for parsing back.
pub fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        match u {
            0x00..=0x1f => {
                out.push('^');
                out.push(char::from(b'@' + u as u8));
            }
            0x7f => out.push_str("^?"),
            0x80..=0x9f => {
                let _ = write!(out, "\\x{u:02x}");
            }
            0x061c | 0x200e | 0x200f | 0x2028 | 0x2029 | 0x202a..=0x202e | 0x2066..=0x2069 => {
                let _ = write!(out, "\\u{{{u:04x}}}");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Cuts `s` to at most `max` characters, ending with `…` when something was cut.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A byte count for people: `532 B`, `12.3 kB`, `119.6 MB`, `1.2 GB` (SI units, like the
/// sizes people compare with their file manager).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A duration for people: `0.2 s`, `3.5 s`, `31 s`.
pub(crate) fn human_secs(d: std::time::Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 10.0 {
        let rounded = if secs < 1.0 {
            format!("{secs:.2}")
        } else {
            format!("{secs:.1}")
        };
        let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
        format!("{} s", if trimmed.is_empty() { "0" } else { trimmed })
    } else {
        format!("{} s", secs.round() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn escapes_c0_del_c1_and_bidi() {
        assert_eq!(escape_controls("a\u{1b}[31mb"), "a^[[31mb");
        assert_eq!(escape_controls("x\ny\tz\r"), "x^Jy^Iz^M");
        assert_eq!(escape_controls("\0"), "^@");
        assert_eq!(escape_controls("del\u{7f}"), "del^?");
        assert_eq!(escape_controls("csi\u{9b}2J"), "csi\\x9b2J");
        assert_eq!(escape_controls("\u{80}\u{9f}"), "\\x80\\x9f");
        assert_eq!(escape_controls("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(escape_controls("héllo — ok ✓"), "héllo — ok ✓");
    }

    #[test]
    fn escaped_output_has_no_control_characters() {
        let all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        let escaped = escape_controls(&all);
        assert!(!escaped.chars().any(|c| c.is_control()), "{escaped:?}");
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("ééééé", 3), "éé…");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1000), "1.0 kB");
        assert_eq!(human_size(12_345), "12.3 kB");
        assert_eq!(human_size(122_445_385), "122.4 MB");
        assert_eq!(human_size(999_999), "1.0 MB");
        assert_eq!(human_size(5_000_000_000), "5.0 GB");
        assert_eq!(human_size(u64::MAX), "18446.7 PB");
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_secs(Duration::from_millis(200)), "0.2 s");
        assert_eq!(human_secs(Duration::from_millis(40)), "0.04 s");
        assert_eq!(human_secs(Duration::from_millis(1)), "0 s");
        assert_eq!(human_secs(Duration::ZERO), "0 s");
        assert_eq!(human_secs(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human_secs(Duration::from_secs(3)), "3 s");
        assert_eq!(human_secs(Duration::from_millis(31_400)), "31 s");
    }
}
