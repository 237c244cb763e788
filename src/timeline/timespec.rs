//! The TIME syntax: `12.5`, `1:02.5`, `1:02:03`, `50%`, `start`, `end`, a time of day
//! (`10:27:40.352`, `@10:27`, `10:27:40 +02:00`), or a timestamp (RFC 3339, with or without
//! an offset, `T` or a space), and its resolution against a timeline: a moment outside the
//! recording is an error naming its span, unless the nearest end is asked for (`--clamp`).
//!
//! `H:MM:SS` is both an offset and a time of day: the offset wins when it falls inside the
//! recording, else the time of day is taken when it does. `M:SS` is an offset only; a time of
//! day is written `@10:27` (or `T10:27`).

use super::{clock, Nanos, Timeline, NANOS_PER_SEC};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use std::str::FromStr;

/// The forms, as the error for a malformed time and `--help` list them.
pub const FORMS: &str = "seconds (12.5), a clock (1:02.5, 1:02:03), a percentage (50%), \
start, end, a time of day (10:27:40.352, @10:27), or a timestamp (2019-05-03 10:27:40+02:00)";

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
    /// `H:MM:SS[.fff]`: an offset, or, when that falls outside the recording, the time of day.
    Clock {
        offset: Nanos,
        of_day: NaiveTime,
    },
    /// A time of day (`@10:27`, `T10:27:40`, `10:27:40 +02:00`): in the offset given, else the
    /// recording's (UTC with `--utc`).
    OfDay {
        time: NaiveTime,
        zone: Option<FixedOffset>,
    },
    /// A timestamp without an offset: in the recording's offset.
    Local(NaiveDateTime),
}

/// How to resolve a TIME: take the nearest end of a moment outside the recording, and read
/// times of day in UTC rather than in the recording's offset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Within {
    pub clamp: bool,
    pub utc: bool,
}

/// Why a TIME does not designate a moment of a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    /// Before the start (`before`) or after the end of the recording, whose span is given
    /// as [`span`] says it.
    Outside { before: bool, span: String },
    /// The recording cannot say: it has no start timestamp, and the time is a wall-clock one.
    NoStart,
}

impl std::fmt::Display for TimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeError::Outside { before, span } => {
                let side = if *before { "before" } else { "after" };
                write!(
                    f,
                    "that is {side} the recording, which runs {span} (--clamp takes the nearest end)"
                )
            }
            TimeError::NoStart => f.write_str(NO_START),
        }
    }
}

impl std::error::Error for TimeError {}

/// Why a TIME argument cannot be read (the argument is shown cut short, so that an error
/// line stays short whatever was typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseTimeError {
    /// None of the forms of [`FORMS`].
    Form(String),
    /// A percentage outside 0%..=100%.
    Percentage(String),
    /// It starts as a timestamp, but is not one (chrono says why).
    Timestamp {
        shown: String,
        reason: chrono::ParseError,
    },
}

impl std::fmt::Display for ParseTimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseTimeError::Form(shown) => write!(f, "invalid time '{shown}': use {FORMS}"),
            ParseTimeError::Percentage(shown) => write!(
                f,
                "invalid time '{shown}': a percentage is between 0% and 100%"
            ),
            ParseTimeError::Timestamp { shown, reason } => {
                write!(f, "invalid timestamp '{shown}': {reason}")
            }
        }
    }
}

impl std::error::Error for ParseTimeError {}

impl ParseTimeError {
    /// What is wrong, without the argument where the message would open with it (for clap's
    /// words, which quote it already).
    pub fn reason(&self) -> String {
        match self {
            ParseTimeError::Form(_) => format!("use {FORMS}"),
            ParseTimeError::Percentage(_) => "a percentage is between 0% and 100%".into(),
            ParseTimeError::Timestamp { .. } => self.to_string(),
        }
    }
}

impl FromStr for TimeSpec {
    type Err = ParseTimeError;

    fn from_str(s: &str) -> Result<Self, ParseTimeError> {
        let s = s.trim();
        // the argument as given, cut short: an error line stays short whatever was typed
        let shown = crate::formats::cut(s, 40);
        let bad = || ParseTimeError::Form(shown.to_string());
        match s {
            "" => return Err(bad()),
            "start" | "begin" => return Ok(TimeSpec::Start),
            "end" => return Ok(TimeSpec::End),
            _ => {}
        }
        if let Some(p) = s.strip_suffix('%') {
            let v: f64 = p.trim().parse().map_err(|_| bad())?;
            if !(0.0..=100.0).contains(&v) {
                return Err(ParseTimeError::Percentage(shown.to_string()));
            }
            return Ok(TimeSpec::Fraction(v / 100.0));
        }
        if s.len() > 10 && s.as_bytes().get(4) == Some(&b'-') {
            return timestamp(s).map_err(|reason| ParseTimeError::Timestamp {
                shown: shown.to_string(),
                reason,
            });
        }
        if let Some(t) = s.strip_prefix(['@', 'T', 't']) {
            return of_day(t).ok_or_else(bad);
        }
        if let Some((t, zone)) = s.split_once(' ') {
            let zone = zone_of(zone.trim()).ok_or_else(bad)?;
            let time = time_of_day(t).ok_or_else(bad)?;
            return Ok(TimeSpec::OfDay {
                time,
                zone: Some(zone),
            });
        }
        let offset = offset(s).ok_or_else(bad)?;
        if s.matches(':').count() == 2 {
            if let Some(of_day) = time_of_day(s) {
                return Ok(TimeSpec::Clock { offset, of_day });
            }
        }
        Ok(TimeSpec::Offset(offset))
    }
}

/// RFC 3339, with a space for `T`, or without an offset (a local timestamp).
fn timestamp(s: &str) -> Result<TimeSpec, chrono::ParseError> {
    let t = s.replacen(' ', "T", 1);
    match DateTime::parse_from_rfc3339(&t) {
        Ok(at) => Ok(TimeSpec::Absolute(at)),
        Err(e) => NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M"))
            .map(TimeSpec::Local)
            .map_err(|_| e),
    }
}

/// `@`'s time of day, with an optional offset after a space.
fn of_day(s: &str) -> Option<TimeSpec> {
    let (t, zone) = match s.split_once(' ') {
        Some((t, z)) => (t, Some(zone_of(z.trim())?)),
        None => (s, None),
    };
    Some(TimeSpec::OfDay {
        time: time_of_day(t)?,
        zone,
    })
}

/// `+02:00`, `-0500`, `Z` or `UTC`.
fn zone_of(s: &str) -> Option<FixedOffset> {
    if s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("z") {
        return FixedOffset::east_opt(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    if m >= 60 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// `H:MM`, `H:MM:SS`, `H:MM:SS.fff` with H below 24; with a fraction, the last instant it
/// designates (`.352` is `.352999999`).
fn time_of_day(s: &str) -> Option<NaiveTime> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let num = |p: &str, max: u32| -> Option<u32> {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok().filter(|v| *v < max)
    };
    let h = num(parts[0], 24)?;
    let m = num(parts[1], 60)?;
    if parts[1].len() != 2 {
        return None;
    }
    let (sec, nano) = match parts.get(2) {
        None => (0, 0),
        Some(p) => {
            let n = parse_seconds(p)?;
            let whole = p.split('.').next().unwrap_or("");
            if whole.len() != 2 || n >= 60 * NANOS_PER_SEC as u128 {
                return None;
            }
            // a fraction names the moment the player shows with it: the player cuts times to
            // the millisecond, so 10:27:40.352 is the last instant it shows as that
            let digits = p.split_once('.').map_or(0, |(_, f)| f.len()) as u32;
            let unit = if (1..9).contains(&digits) {
                10u64.pow(9 - digits) - 1
            } else {
                0
            };
            let n = n as u64 + unit;
            ((n / NANOS_PER_SEC) as u32, (n % NANOS_PER_SEC) as u32)
        }
    };
    NaiveTime::from_hms_nano_opt(h, m, sec, nano)
}

/// `12.5`, `1:02.5`, `1:02:03` → nanoseconds.
fn offset(s: &str) -> Option<Nanos> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    let mut total: u128 = 0;
    for (i, p) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        let n = if last {
            parse_seconds(p)?
        } else {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 9 {
                return None;
            }
            p.parse::<u128>().ok()? * NANOS_PER_SEC as u128
        };
        if i > 0 && last && n >= 60 * NANOS_PER_SEC as u128 {
            return None;
        }
        total = total * 60 + n;
        // minutes in h:mm:ss must be below 60
        if i > 0 && !last && p.parse::<u64>().unwrap_or(0) >= 60 {
            return None;
        }
    }
    u64::try_from(total).ok()
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
        s.parse().map_err(|e: ParseTimeError| {
            let name = arg.map_or_else(|| "TIME".to_string(), |a| a.to_string());
            let shown = crate::formats::cut(&s, 40);
            // the value is quoted once: clap's words quote it already
            let e = e.reason();
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

const NO_START: &str = "this recording has no start timestamp: give TIME relative to its start";

impl TimeSpec {
    /// The position this designates in `tl`, in nanoseconds from its start, unchecked:
    /// negative when a wall-clock time lies before the recording, past the duration after
    /// it. Times of day are read on the start's date, in the recording's offset.
    pub fn resolve(&self, tl: &Timeline) -> Result<i128, TimeError> {
        let d = tl.duration() as i128;
        Ok(match self {
            TimeSpec::Start => 0,
            TimeSpec::End => d,
            TimeSpec::Offset(n) | TimeSpec::Clock { offset: n, .. } => *n as i128,
            TimeSpec::Fraction(f) => (d as f64 * f).round() as i128,
            TimeSpec::Absolute(at) => since_start(tl, at)?,
            TimeSpec::Local(_) | TimeSpec::OfDay { .. } => {
                let start = tl.start.ok_or(TimeError::NoStart)?;
                let at = self.instants(&start, &start, false).next();
                since_start(tl, &at.ok_or(TimeError::NoStart)?)?
            }
        })
    }

    /// The position this designates in `tl`: inside the recording, or an error naming its
    /// span (with `within.clamp`, the nearest end instead).
    pub fn resolve_within(&self, tl: &Timeline, within: Within) -> Result<Nanos, TimeError> {
        let d = tl.duration() as i128;
        let inside = |t: i128| (0..=d).contains(&t);
        let t = match self {
            TimeSpec::Clock { offset, .. } if inside(*offset as i128) => *offset as i128,
            TimeSpec::Clock { offset, .. } => match self.of_day_inside(tl, within.utc) {
                Some(t) => t,
                None => *offset as i128,
            },
            TimeSpec::OfDay { .. } => {
                if tl.start.is_none() {
                    return Err(TimeError::NoStart);
                }
                match self.of_day_inside(tl, within.utc) {
                    Some(t) => t,
                    None => self.first_instant(tl, within.utc)?,
                }
            }
            TimeSpec::Local(_) => self.first_instant(tl, within.utc)?,
            _ => self.resolve(tl)?,
        };
        if inside(t) {
            return Ok(t as Nanos);
        }
        if within.clamp {
            return Ok(t.clamp(0, d) as Nanos);
        }
        Err(TimeError::Outside {
            before: t < 0,
            span: span(tl, within.utc),
        })
    }

    /// The first wall-clock reading of a time of day or local timestamp, as a position.
    fn first_instant(&self, tl: &Timeline, utc: bool) -> Result<i128, TimeError> {
        let start = tl.start.ok_or(TimeError::NoStart)?;
        let at = self.instants(&start, &start, utc).next();
        let at = at.ok_or(TimeError::NoStart)?;
        since_start(tl, &at)
    }

    /// A time of day's reading that falls inside the recording, if one does.
    fn of_day_inside(&self, tl: &Timeline, utc: bool) -> Option<i128> {
        let start = tl.start?;
        let end = tl.wall_clock(tl.duration())?;
        let d = tl.duration() as i128;
        self.instants(&start, &end, utc)
            .filter_map(|at| since_start(tl, &at).ok())
            .find(|t| (0..=d).contains(t))
    }

    /// The instants a time of day (or local timestamp) can mean, on each date from the
    /// start's to the end's (a few days at most are looked at).
    fn instants(
        &self,
        start: &DateTime<FixedOffset>,
        end: &DateTime<FixedOffset>,
        utc: bool,
    ) -> Box<dyn Iterator<Item = DateTime<FixedOffset>>> {
        let shown = if utc {
            FixedOffset::east_opt(0).unwrap_or(*start.offset())
        } else {
            *start.offset()
        };
        match self {
            TimeSpec::Local(n) => {
                let at = start.offset().from_local_datetime(n).single();
                Box::new(at.into_iter())
            }
            TimeSpec::OfDay { time, .. } | TimeSpec::Clock { of_day: time, .. } => {
                let zone = match self {
                    TimeSpec::OfDay { zone: Some(z), .. } => *z,
                    _ => shown,
                };
                let first = start.with_timezone(&zone).date_naive();
                let last = end.with_timezone(&zone).date_naive();
                let days = (last - first).num_days().clamp(0, 366) as u64;
                let time = *time;
                Box::new(first.iter_days().take(days as usize + 1).filter_map(
                    move |day: NaiveDate| zone.from_local_datetime(&day.and_time(time)).single(),
                ))
            }
            _ => Box::new(std::iter::empty()),
        }
    }
}

/// Nanoseconds from the recording's start to `at` (very far ones saturate).
fn since_start(tl: &Timeline, at: &DateTime<FixedOffset>) -> Result<i128, TimeError> {
    let start = tl.start.ok_or(TimeError::NoStart)?;
    let delta = at.signed_duration_since(start);
    Ok(delta.num_nanoseconds().map(i128::from).unwrap_or({
        if delta < chrono::Duration::zero() {
            i128::MIN / 2
        } else {
            i128::MAX / 2
        }
    }))
}

/// `from 0:00.000 to 0:53.120 (2019-05-03 10:27:00.500 to 10:27:53.620 +02:00)`: the span as
/// offsets and, when the recording has a start time, as the player shows times of day.
pub fn span(tl: &Timeline, utc: bool) -> String {
    let offsets = format!("from {} to {}", clock(0), clock(tl.duration()));
    let (Some(start), Some(end)) = (tl.start, tl.wall_clock(tl.duration())) else {
        return offsets;
    };
    let (start, end, zone) = if utc {
        let z = FixedOffset::east_opt(0).unwrap_or(*start.offset());
        (
            start.with_timezone(&z),
            end.with_timezone(&z),
            "UTC".to_string(),
        )
    } else {
        (start, end, start.format("%:z").to_string())
    };
    let end_date = if end.date_naive() == start.date_naive() {
        String::new()
    } else {
        end.format("%Y-%m-%d ").to_string()
    };
    format!(
        "{offsets} ({} to {end_date}{} {zone})",
        start.format("%Y-%m-%d %H:%M:%S%.3f"),
        end.format("%H:%M:%S%.3f")
    )
}
#[cfg(test)]
mod tests {
    use super::*;

    fn off(s: &str) -> u64 {
        match s.parse::<TimeSpec>().unwrap() {
            TimeSpec::Offset(n) | TimeSpec::Clock { offset: n, .. } => n,
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

    fn recording(start: &str, secs: u64) -> Timeline {
        let mut tl = Timeline::new(vec![]);
        tl.start = Some(DateTime::parse_from_rfc3339(start).unwrap());
        tl.events.push(crate::timeline::Event {
            t: secs * NANOS_PER_SEC,
            kind: crate::timeline::Kind::Output,
            start: 0,
            len: 0,
            enc: crate::timeline::Encoding::Raw,
        });
        tl
    }

    fn at(tl: &Timeline, s: &str, within: Within) -> Result<Nanos, TimeError> {
        s.parse::<TimeSpec>().unwrap().resolve_within(tl, within)
    }

    #[test]
    fn times_of_day_and_local_timestamps() {
        let tl = recording("2019-05-03T10:27:00.500+02:00", 53);
        let w = Within::default();
        let s = |n: f64| (n * NANOS_PER_SEC as f64).round() as Nanos;
        assert_eq!(at(&tl, "10:27:40", w), Ok(s(39.5)));
        // the moment the player shows as 10:27:40.352 (it cuts to the millisecond)
        assert_eq!(at(&tl, "10:27:40.352", w), Ok(s(39.852) + 999_999));
        assert_eq!(at(&tl, "10:27:40.352000000", w), Ok(s(39.852)));
        assert_eq!(at(&tl, "@10:27:10", w), Ok(s(9.5)));
        assert_eq!(at(&tl, "T10:27:10", w), Ok(s(9.5)));
        assert_eq!(at(&tl, "10:27:10 +02:00", w), Ok(s(9.5)));
        assert_eq!(at(&tl, "08:27:10 UTC", w), Ok(s(9.5)));
        assert_eq!(at(&tl, "2019-05-03 10:27:10", w), Ok(s(9.5)));
        assert_eq!(at(&tl, "2019-05-03T10:27:10.25", w), Ok(s(9.75)));
        let utc = Within { utc: true, ..w };
        assert_eq!(at(&tl, "08:27:40", utc), Ok(s(39.5)));
        assert!(matches!(
            at(&tl, "08:27:40", w),
            Err(TimeError::Outside { .. })
        ));
        // an offset inside wins over a time of day
        assert_eq!(at(&tl, "0:00:20", w), Ok(s(20.0)));
        // M:SS is an offset only
        assert!(matches!(
            at(&tl, "10:27", w),
            Err(TimeError::Outside { .. })
        ));
    }

    #[test]
    fn outside_is_an_error_naming_the_span_unless_clamped() {
        let tl = recording("2019-05-03T10:27:00.500+02:00", 53);
        let w = Within::default();
        let e = at(&tl, "1:02.5", w).unwrap_err().to_string();
        assert_eq!(
            e,
            "that is after the recording, which runs from 0:00.000 to 0:53.000 \
             (2019-05-03 10:27:00.500 to 10:27:53.500 +02:00) (--clamp takes the nearest end)"
        );
        let e = at(&tl, "2000-01-01T00:00:00Z", w).unwrap_err().to_string();
        assert!(e.starts_with("that is before the recording"), "{e}");
        let clamp = Within { clamp: true, ..w };
        assert_eq!(at(&tl, "1:02.5", clamp), Ok(53 * NANOS_PER_SEC));
        assert_eq!(at(&tl, "2000-01-01T00:00:00Z", clamp), Ok(0));
        assert_eq!(at(&tl, "end", w), Ok(53 * NANOS_PER_SEC));
        assert_eq!(at(&tl, "100%", w), Ok(53 * NANOS_PER_SEC));
        // no start time: a time of day cannot be placed
        let none = Timeline::new(vec![]);
        assert!(matches!(at(&none, "@10:27", w), Err(TimeError::NoStart)));
    }

    #[test]
    fn malformed_times_list_the_forms() {
        let e = "yesterday".parse::<TimeSpec>().unwrap_err();
        assert!(
            e.to_string()
                .contains("a time of day (10:27:40.352, @10:27"),
            "{e}"
        );
        for s in ["@25:00", "@10:7", "10:27:40 +2", "T", "@"] {
            assert!(s.parse::<TimeSpec>().is_err(), "{s} should be rejected");
        }
    }
}
