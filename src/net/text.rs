//! Small text helpers for what the network layer words: cutting server text short and
//! durations for people.

/// Cuts `s` to at most `max` characters, ending with `…` when something was cut.
///
/// Never cut a server's text before redacting it ([`super::Redactor::clean`] does both in
/// the right order): a secret cut short no longer matches.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A duration for people: `0.2 s`, `3.5 s`, `31 s`.
pub fn human_secs(d: std::time::Duration) -> String {
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
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("ééééé", 3), "éé…");
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
