//! Every timestamp form the context sources use, normalised to an instant with its offset:
//! RFC 3339 with an offset or `Z`, nanoseconds written `+0000 UTC` (app logs), a Unix-date
//! string (log archives), milliseconds (or seconds) since the epoch, and a bare date-time
//! with no offset, taken as UTC (the caller says so in a warning).

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// A time read from a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub time: DateTime<FixedOffset>,
    /// The text had no offset: UTC was assumed.
    pub assumed_utc: bool,
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset")
}

/// A time given as a JSON value: a string in any form below, or a number of milliseconds
/// since the epoch (seconds when it is too small to be milliseconds of this era).
pub fn parse_value(v: &serde_json::Value) -> Option<Stamp> {
    match v {
        serde_json::Value::String(s) => parse(s),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let ns = if i.abs() < 100_000_000_000 {
                    i.checked_mul(1_000_000_000)?
                } else {
                    i.checked_mul(1_000_000)?
                };
                return Some(Stamp {
                    time: Utc.timestamp_nanos(ns).with_timezone(&utc()),
                    assumed_utc: false,
                });
            }
            epoch(n.as_f64()?)
        }
        _ => None,
    }
}

/// Milliseconds since the epoch; a value below 10^11 (before 1973 in milliseconds) is taken
/// as seconds.
fn epoch(n: f64) -> Option<Stamp> {
    if !n.is_finite() {
        return None;
    }
    let ms = if n.abs() < 1e11 { n * 1000.0 } else { n };
    let ns = (ms * 1e6).round();
    if ns.abs() > i64::MAX as f64 {
        return None;
    }
    let t = Utc.timestamp_nanos(ns as i64).with_timezone(&utc());
    Some(Stamp {
        time: t,
        assumed_utc: false,
    })
}

/// A time written as text.
pub fn parse(s: &str) -> Option<Stamp> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    let known = |time| {
        Some(Stamp {
            time,
            assumed_utc: false,
        })
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return known(t);
    }
    // `2015-02-16 02:02:43.930163178 +0000 UTC` (Go's time.String), also without the zone
    // name, and `T` in place of the space
    let no_zone = match s.rsplit_once(' ') {
        Some((head, zone))
            if (2..=5).contains(&zone.len()) && zone.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            head
        }
        _ => s,
    };
    for f in [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%dT%H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(no_zone, f) {
            // a zone name that contradicts the offset is not checked: the offset is exact
            return known(t);
        }
    }
    // `Fri Mar 24 14:00:00 +0000 UTC 2017` (Go's Unix date), and RFC 2822
    if let Some(t) = unix_date(s) {
        return known(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return known(t);
    }
    // a number of milliseconds written as text
    if s.bytes().all(|b| b.is_ascii_digit()) && s.len() >= 9 {
        return s.parse::<f64>().ok().and_then(epoch);
    }
    // no offset at all: UTC assumed
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Stamp {
                time: utc().from_utc_datetime(&n),
                assumed_utc: true,
            });
        }
    }
    None
}

/// `Fri Mar 24 14:00:00 +0000 UTC 2017` or `Fri Mar 24 14:00:00 UTC 2017`.
fn unix_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    match parts.as_slice() {
        [_, mon, day, hms, off, _zone, year] => DateTime::parse_from_str(
            &format!("{mon} {day} {year} {hms} {off}"),
            "%b %d %Y %H:%M:%S%.f %z",
        )
        .ok(),
        [_, mon, day, hms, "UTC" | "GMT", year] => DateTime::parse_from_str(
            &format!("{mon} {day} {year} {hms} +0000"),
            "%b %d %Y %H:%M:%S%.f %z",
        )
        .ok(),
        _ => None,
    }
}

/// Text that is not a duration (as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotADuration(pub String);

impl std::fmt::Display for NotADuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: not a duration (examples: 90s, 10m, 1h30m)", self.0)
    }
}

impl std::error::Error for NotADuration {}

/// `--around`: `300`, `90s`, `10m`, `1h`, `1h30m`, `500ms`, as nanoseconds.
pub fn parse_duration(s: &str) -> Result<i128, NotADuration> {
    let bad = || NotADuration(s.to_string());
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..n_end].parse().map_err(|_| bad())?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..u_end] {
            "" | "s" => 1.0,
            "ms" => 0.001,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return Err(bad()),
        };
        rest = &rest[u_end..];
        total += num * unit;
    }
    if !(0.0..=1e9).contains(&total) {
        return Err(bad());
    }
    Ok((total * 1e9).round() as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(s: &Stamp) -> String {
        s.time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
    }

    #[test]
    fn every_form() {
        let cases = [
            (
                "2015-02-16 02:02:43.930163178 +0000 UTC",
                "2015-02-16T02:02:43.930163178+00:00",
            ),
            (
                "2015-02-12T18:05:14.226+01:00",
                "2015-02-12T18:05:14.226+01:00",
            ),
            ("2024-03-01T10:00:00.123Z", "2024-03-01T10:00:00.123+00:00"),
            (
                "Fri Mar 24 14:00:00 +0000 UTC 2017",
                "2017-03-24T14:00:00+00:00",
            ),
            ("2019-05-03 17:27:32 +0200", "2019-05-03T17:27:32+02:00"),
            (
                "2019-05-03 17:27:32.5 +0200 CEST",
                "2019-05-03T17:27:32.500+02:00",
            ),
        ];
        for (s, want) in cases {
            let st = parse(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(rfc(&st), want, "{s}");
            assert!(!st.assumed_utc);
        }
    }

    #[test]
    fn bare_strings_assume_utc() {
        for s in ["2024-03-01T10:00:00.5", "2024-03-01 10:00:00"] {
            let st = parse(s).unwrap();
            assert!(st.assumed_utc, "{s}");
            assert!(rfc(&st).ends_with("+00:00"));
        }
    }

    #[test]
    fn epoch_numbers() {
        let ms = parse_value(&serde_json::json!(1_709_287_200_123_i64)).unwrap();
        assert_eq!(rfc(&ms), "2024-03-01T10:00:00.123+00:00");
        let s = parse_value(&serde_json::json!(1_709_287_200)).unwrap();
        assert_eq!(rfc(&s), "2024-03-01T10:00:00+00:00");
        assert!(parse_value(&serde_json::json!("1709287200123")).is_some());
        assert!(parse_value(&serde_json::json!(null)).is_none());
        assert!(parse_value(&serde_json::json!(f64::MAX)).is_none());
    }

    #[test]
    fn garbage_is_none() {
        for s in [
            "",
            "yesterday",
            "2024-13-45T99:00:00Z",
            "12",
            "Fri Mar 99 14:00:00 +0000 UTC 2017",
        ] {
            assert!(parse(s).is_none(), "{s}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m").unwrap(), 600_000_000_000);
        assert_eq!(parse_duration("90").unwrap(), 90_000_000_000);
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("500ms").unwrap(), 500_000_000);
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-5m").is_err());
    }
}
