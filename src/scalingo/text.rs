//! Small text helpers: making server-supplied strings safe to show on a terminal,
//! human sizes, truncation.

pub use crate::render::escape::escape_controls;

pub(crate) use crate::net::text::truncate_chars;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
