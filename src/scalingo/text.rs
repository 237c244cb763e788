//! Small text helpers: making server-supplied strings safe to show on a terminal,
//! human sizes, truncation.

pub use crate::render::escape::escape_controls;

pub(crate) use crate::net::text::truncate_chars;

/// A list of names quoted in a message: the first `shown`, each escaped and cut to 40
/// characters, then `… and N more`, so that a server listing 200k names still gives an error
/// line of a few hundred characters.
pub(crate) fn capped_list(names: &[String], shown: usize) -> String {
    let mut out: Vec<String> = names
        .iter()
        .take(shown)
        .map(|n| escape_controls(&truncate_chars(n, 40)))
        .collect();
    if names.len() > shown {
        out.push(format!("… and {} more", names.len() - shown));
    }
    out.join(", ")
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
    fn long_lists_are_capped_in_messages() {
        let two = vec!["osc-fr1".to_string(), "osc-secnum-fr1".to_string()];
        assert_eq!(capped_list(&two, 10), "osc-fr1, osc-secnum-fr1");
        let many: Vec<String> = (0..200_000).map(|i| format!("region-{i}")).collect();
        let s = capped_list(&many, 10);
        assert!(s.starts_with("region-0, region-1, "), "{s}");
        assert!(s.ends_with(", region-9, … and 199990 more"), "{s}");
        let long = vec!["x".repeat(100_000), "\u{1b}]0;t\u{7}".into()];
        let s = capped_list(&long, 10);
        assert_eq!(s, format!("{}…, ^[]0;t^G", "x".repeat(39)));
        let e = crate::scalingo::error::ApiError::UnknownRegion {
            region: "mars-1".into(),
            known: many,
        };
        let msg = e.to_string();
        assert!(msg.len() < 300, "{} characters", msg.len());
        assert!(msg.ends_with("region-9, … and 199990 more"), "{msg}");
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
