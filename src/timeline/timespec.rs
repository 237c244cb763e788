//! The TIME syntax: `12.5`, `1:02.5`, `1:02:03`, `50%`, `start`, `end`, or RFC 3339.

use super::{Nanos, Timeline, NANOS_PER_SEC};
use chrono::{DateTime, FixedOffset};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub enum TimeSpec {
    Start,
    End,
    /// Nanoseconds from the start.
    Offset(Nanos),
    /// A fraction of the duration, 0.0 to 1.0.
    Fraction(f64),
    /// A wall-clock instant.
    Absolute(DateTime<FixedOffset>),
}

impl FromStr for TimeSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        // the argument as given, cut short: an error line stays short whatever was typed
        let shown = crate::formats::cut(s, 40);
        let bad = || {
            format!(
                "invalid time '{shown}': use seconds (12.5), a clock (1:02.5, 1:02:03), \
                 a percentage (50%), start, end, or an RFC 3339 timestamp"
            )
        };
        match s {
            "" => return Err(bad()),
            "start" | "begin" => return Ok(TimeSpec::Start),
            "end" => return Ok(TimeSpec::End),
            _ => {}
        }
        if let Some(p) = s.strip_suffix('%') {
            let v: f64 = p.trim().parse().map_err(|_| bad())?;
            if !(0.0..=100.0).contains(&v) {
                return Err(format!(
                    "invalid time '{shown}': a percentage is between 0% and 100%"
                ));
            }
            return Ok(TimeSpec::Fraction(v / 100.0));
        }
        if s.len() > 10 && s.as_bytes().get(4) == Some(&b'-') {
            return DateTime::parse_from_rfc3339(s)
                .or_else(|_| DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)))
                .map(TimeSpec::Absolute)
                .map_err(|e| format!("invalid timestamp '{shown}': {e}"));
        }
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() > 3 {
            return Err(bad());
        }
        let mut total: u128 = 0;
        for (i, p) in parts.iter().enumerate() {
            let last = i == parts.len() - 1;
            let n = if last {
                parse_seconds(p).ok_or_else(bad)?
            } else {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 9 {
                    return Err(bad());
                }
                p.parse::<u128>().map_err(|_| bad())? * NANOS_PER_SEC as u128
            };
            if i > 0 && last && n >= 60 * NANOS_PER_SEC as u128 {
                return Err(bad());
            }
            total = total * 60 + n;
            if i > 0 && !last {
                // minutes in h:mm:ss must be below 60
                if p.parse::<u64>().unwrap_or(0) >= 60 {
                    return Err(bad());
                }
            }
        }
        let total = u64::try_from(total).map_err(|_| bad())?;
        Ok(TimeSpec::Offset(total))
    }
}

/// The parser of TIME arguments. clap's own message quotes a bad argument whole (a TIME of
/// 300 digits gave a 700-character line); this one quotes it cut, as [`TimeSpec::from_str`]
/// does, in the same words clap uses.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeParser;

impl clap::builder::TypedValueParser for TimeParser {
    type Value = TimeSpec;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<TimeSpec, clap::Error> {
        let s = value.to_string_lossy();
        s.parse().map_err(|e: String| {
            let name = arg.map_or_else(|| "TIME".to_string(), |a| a.to_string());
            let shown = crate::formats::cut(&s, 40);
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value '{shown}' for '{name}': {e}\n\nFor more information, try '--help'.\n"),
            )
            .with_cmd(cmd)
        })
    }
}

/// `12`, `12.5`, `.5`, `12.123456789` → nanoseconds (exact, no float rounding).
fn parse_seconds(s: &str) -> Option<u128> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if int.len() > 12 || frac.len() > 9 {
        return None;
    }
    let i: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut f: u128 = 0;
    for (k, b) in frac.bytes().enumerate() {
        f += (b - b'0') as u128 * 10u128.pow(8 - k as u32);
    }
    Some(i * NANOS_PER_SEC as u128 + f)
}

impl TimeSpec {
    /// The position this designates in `tl`, in nanoseconds from its start. Negative when an
    /// absolute time lies before the recording (nothing has happened yet then).
    pub fn resolve(&self, tl: &Timeline) -> Result<i128, String> {
        let d = tl.duration() as i128;
        Ok(match self {
            TimeSpec::Start => 0,
            TimeSpec::End => d,
            TimeSpec::Offset(n) => *n as i128,
            TimeSpec::Fraction(f) => (d as f64 * f).round() as i128,
            TimeSpec::Absolute(at) => {
                let start = tl.start.ok_or_else(|| {
                    "this recording has no start timestamp: give TIME relative to its start"
                        .to_string()
                })?;
                let delta = at.signed_duration_since(start);
                delta.num_nanoseconds().map(i128::from).unwrap_or_else(|| {
                    if delta < chrono::Duration::zero() {
                        i128::MIN / 2
                    } else {
                        i128::MAX / 2
                    }
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off(s: &str) -> u64 {
        match s.parse::<TimeSpec>().unwrap() {
            TimeSpec::Offset(n) => n,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn forms() {
        assert_eq!(off("12.5"), 12_500_000_000);
        assert_eq!(off("0"), 0);
        assert_eq!(off(".25"), 250_000_000);
        assert_eq!(off("1:02.5"), 62_500_000_000);
        assert_eq!(off("1:02:03"), 3723 * NANOS_PER_SEC);
        assert_eq!(off("0.000000001"), 1);
        assert_eq!("50%".parse::<TimeSpec>().unwrap(), TimeSpec::Fraction(0.5));
        assert_eq!("end".parse::<TimeSpec>().unwrap(), TimeSpec::End);
        assert_eq!("start".parse::<TimeSpec>().unwrap(), TimeSpec::Start);
        assert!(matches!(
            "2019-05-03T17:27:32.681685591+02:00"
                .parse::<TimeSpec>()
                .unwrap(),
            TimeSpec::Absolute(_)
        ));
    }

    #[test]
    fn rejects() {
        for s in [
            "", "abc", "1:2:3:4", "-5", "1:60", "101%", "1e3", "1.2.3", "::", "1:", "nan%",
        ] {
            assert!(s.parse::<TimeSpec>().is_err(), "{s} should be rejected");
        }
    }

    #[test]
    fn resolves_absolute_exactly() {
        let mut tl = Timeline::new(vec![]);
        tl.start =
            Some(DateTime::parse_from_rfc3339("2019-05-03T17:27:27.819655645+02:00").unwrap());
        let spec: TimeSpec = "2019-05-03T15:27:32.681685591Z".parse().unwrap();
        assert_eq!(spec.resolve(&tl).unwrap(), 4_862_029_946);
    }
}
