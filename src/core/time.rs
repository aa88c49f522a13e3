//! Calendar arithmetic on UTC instants: RFC 3339 and `YYYY-MM-DD` in and out.
//!
//! Hand-written (Howard Hinnant's civil-date algorithms) rather than pulling a
//! date crate into the worker bundle: all we need is UTC, days and seconds.

use std::fmt;

pub const MILLIS_PER_SECOND: i64 = 1_000;
pub const MILLIS_PER_HOUR: i64 = 3_600_000;
pub const MILLIS_PER_DAY: i64 = 86_400_000;

/// An instant, as milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixMillis(pub i64);

/// A UTC calendar day, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl UnixMillis {
    pub fn day(self) -> Day {
        Day(self.0.div_euclid(MILLIS_PER_DAY))
    }

    /// Whole seconds since the epoch, rounded down.
    pub fn seconds(self) -> i64 {
        self.0.div_euclid(MILLIS_PER_SECOND)
    }

    /// RFC 3339 in UTC with second precision, e.g. `2026-02-01T10:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        let (y, m, d) = civil_from_days(self.day().0);
        let secs_of_day = self.0.rem_euclid(MILLIS_PER_DAY) / MILLIS_PER_SECOND;
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60
        )
    }

    /// Parses RFC 3339 (`2026-02-01T10:00:00Z`, fractional seconds and
    /// `±HH:MM` offsets allowed; `t`/`z` and a space separator too).
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let (date, rest) = (text.get(..10)?, text.get(10..)?);
        let day = Day::parse(date)?;
        let b = rest.as_bytes();
        let [sep, h1, h2, b':', m1, m2, b':', s1, s2, rest @ ..] = b else {
            return None;
        };
        if !matches!(sep, b'T' | b't' | b' ') {
            return None;
        }
        let hour = digits(&[*h1, *h2])?;
        let minute = digits(&[*m1, *m2])?;
        let second = digits(&[*s1, *s2])?;
        // 60 is a leap second: accepted and folded into the next minute's 0.
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let (millis, rest) = fraction(rest)?;
        let offset_minutes = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = digits(&[*h1, *h2])?;
                let minutes = digits(&[*m1, *m2])?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let total = hours * 60 + minutes;
                if *sign == b'-' {
                    -total
                } else {
                    total
                }
            }
            _ => return None,
        };
        let seconds = hour * 3600 + minute * 60 + second - offset_minutes * 60;
        Some(UnixMillis(
            day.start().0 + seconds * MILLIS_PER_SECOND + millis,
        ))
    }
}

/// An optional `.fff…` fraction of a second: its milliseconds (digits past
/// the third are read and ignored) and what follows it.
fn fraction(bytes: &[u8]) -> Option<(i64, &[u8])> {
    let Some((b'.', after_dot)) = bytes.split_first() else {
        return Some((0, bytes));
    };
    let len = after_dot.iter().take_while(|c| c.is_ascii_digit()).count();
    if len == 0 {
        return None;
    }
    let (frac, rest) = after_dot.split_at(len);
    let millis = frac
        .iter()
        .take(3)
        .zip([100, 10, 1])
        .map(|(c, scale)| i64::from(c - b'0') * scale)
        .sum();
    Some((millis, rest))
}

impl Day {
    /// Parses `YYYY-MM-DD`, rejecting impossible dates such as `2026-02-30`.
    pub fn parse(text: &str) -> Option<Self> {
        let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = text.as_bytes() else {
            return None;
        };
        let year = digits(&[*y1, *y2, *y3, *y4])?;
        let month = digits(&[*m1, *m2])?;
        let day = digits(&[*d1, *d2])?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Day(days_from_civil(year, month, day)))
    }

    /// The first millisecond of the day.
    pub fn start(self) -> UnixMillis {
        UnixMillis(self.0 * MILLIS_PER_DAY)
    }

    /// The last millisecond of the day.
    pub fn end(self) -> UnixMillis {
        UnixMillis(self.0 * MILLIS_PER_DAY + MILLIS_PER_DAY - 1)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0, |acc, &c| acc * 10 + i64::from(c - b'0')),
    )
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_the_epoch() {
        assert_eq!(UnixMillis(0).to_rfc3339(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn formats_a_seed_example() {
        let t = UnixMillis::parse_rfc3339("2026-02-01T10:00:00Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-02-01T10:00:00Z");
        assert_eq!(t.0, 1_769_940_000_000);
    }

    #[test]
    fn parses_offsets_and_fractions() {
        let t = UnixMillis::parse_rfc3339("2026-02-01T12:30:00.250+02:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-02-01T10:00:00Z");
        assert_eq!(t.0 % 1000, 250);
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for bad in [
            "",
            "2026-02-01",
            "2026-02-01T10:00:00",
            "2026-02-30T10:00:00Z",
            "2026-02-01T24:00:00Z",
            "2026-02-01T10:00:00.Z",
            "2026-02-01T10:00:00+0200",
            "2026-02-01X10:00:00Z",
            "２026-02-01T10:00:00Z",
        ] {
            assert_eq!(UnixMillis::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_dates_and_rejects_impossible_ones() {
        assert_eq!(Day::parse("1970-01-02"), Some(Day(1)));
        assert_eq!(
            Day::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_bounds_cover_the_whole_day() {
        let day = Day::parse("2026-01-31").unwrap();
        assert_eq!(day.start().to_rfc3339(), "2026-01-31T00:00:00Z");
        assert_eq!(day.end().to_rfc3339(), "2026-01-31T23:59:59Z");
        assert_eq!(day.end().day(), day);
    }

    proptest! {
        #[test]
        fn civil_round_trips(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn rfc3339_round_trips_at_second_precision(secs in 0i64..10_000_000_000) {
            let t = UnixMillis(secs * 1000);
            prop_assert_eq!(UnixMillis::parse_rfc3339(&t.to_rfc3339()), Some(t));
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in ".{0,40}") {
            let _ = UnixMillis::parse_rfc3339(&text);
            let _ = Day::parse(&text);
        }
    }
}
