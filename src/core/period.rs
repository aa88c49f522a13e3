//! The period an analytics query covers, parsed from either dialect's query
//! string: SMO1's `period=24h|7d|30d|90d` or SmartLinks' `from`/`to`.
//!
//! Clicks are stored in hourly buckets, so a period is a whole number of UTC
//! hours: an RFC 3339 bound inside an hour widens to that whole hour, and the
//! report echoes the widened bounds so it never claims more precision than
//! it has.

use crate::core::time::{Day, UnixMillis, MILLIS_PER_HOUR};
use thiserror::Error;

/// The longest period a query may ask for, in calendar days.
pub const MAX_DAYS: i64 = 400;
/// Periods of at most this many hours also get hourly buckets (`24h`, and a
/// one- or two-day `from`/`to`).
pub const MAX_HOURLY_BUCKETS: i64 = 48;
/// The period when the query names none: the SMO1 dashboard's usual view.
const DEFAULT_PERIOD: &str = "30d";

/// An hour-long bucket, as whole hours since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hour(pub i64);

impl Hour {
    /// The hour `instant` falls in.
    pub fn of(instant: UnixMillis) -> Self {
        Hour(instant.0.div_euclid(MILLIS_PER_HOUR))
    }

    pub fn start(self) -> UnixMillis {
        UnixMillis(self.0 * MILLIS_PER_HOUR)
    }

    pub fn day(self) -> Day {
        self.start().day()
    }
}

/// The query parameters that choose a period, as given (absent = `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodQuery<'a> {
    pub period: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

/// An inclusive range of whole hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    first: Hour,
    last: Hour,
}

/// Why a query's period is unusable; [`PeriodError::field`] names the query
/// parameter for the `validation_error` body.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PeriodError {
    #[error("`period` must be one of 24h, 7d, 30d, 90d")]
    UnknownPeriod,
    #[error("give either `period` or `from` and `to`, not both")]
    Conflict,
    #[error("`{missing}` is required together with `{given}`")]
    Missing {
        missing: &'static str,
        given: &'static str,
    },
    #[error("`{field}` must be a date (2026-01-31) or an RFC 3339 time (2026-01-31T12:00:00Z)")]
    InvalidTime { field: &'static str },
    #[error("`to` must not be before `from`")]
    Reversed,
    #[error("the period spans {days} days; at most 400 are allowed, so move `from` or `to`")]
    TooLong { days: i64 },
}

impl PeriodError {
    /// The query parameter to fix.
    pub fn field(&self) -> &'static str {
        match self {
            PeriodError::UnknownPeriod | PeriodError::Conflict => "period",
            PeriodError::Missing { missing, .. } => missing,
            PeriodError::InvalidTime { field } => field,
            PeriodError::Reversed | PeriodError::TooLong { .. } => "to",
        }
    }
}

/// Parses the period of an analytics query at time `now`.
///
/// - `period=24h`: the 24 hours up to and including the current one.
/// - `period=7d|30d|90d`: that many calendar days (UTC), today included, from
///   the start of the first day to the end of today.
/// - `from` and `to`, both required: `YYYY-MM-DD` (a `to` date means the end
///   of that day) or RFC 3339; inclusive; at most [`MAX_DAYS`] days.
/// - nothing: `30d`.
///
/// Empty values count as given (and invalid), so `?period=` is an error
/// rather than a silent default.
///
/// # Errors
/// [`PeriodError`], naming the parameter to fix.
pub fn parse_period(query: PeriodQuery<'_>, now: UnixMillis) -> Result<Period, PeriodError> {
    match (query.period, query.from, query.to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(PeriodError::Conflict),
        (Some(period), None, None) => relative(period, now),
        (None, Some(from), Some(to)) => absolute(from, to),
        (None, Some(_), None) => Err(PeriodError::Missing {
            missing: "to",
            given: "from",
        }),
        (None, None, Some(_)) => Err(PeriodError::Missing {
            missing: "from",
            given: "to",
        }),
        (None, None, None) => relative(DEFAULT_PERIOD, now),
    }
}

impl Period {
    /// The first millisecond of the period.
    pub fn from(&self) -> UnixMillis {
        self.first.start()
    }

    /// The last millisecond of the period.
    pub fn to(&self) -> UnixMillis {
        UnixMillis(self.last.start().0 + MILLIS_PER_HOUR - 1)
    }

    pub fn first_hour(&self) -> Hour {
        self.first
    }

    pub fn last_hour(&self) -> Hour {
        self.last
    }

    pub fn contains(&self, hour: Hour) -> bool {
        (self.first..=self.last).contains(&hour)
    }

    /// Every hour of the period, ascending.
    pub fn hours(&self) -> impl Iterator<Item = Hour> {
        (self.first.0..=self.last.0).map(Hour)
    }

    /// Every calendar day the period touches, ascending.
    pub fn days(&self) -> impl Iterator<Item = Day> {
        (self.first.day().0..=self.last.day().0).map(Day)
    }

    /// Whether the report should carry hourly buckets.
    pub fn is_hourly(&self) -> bool {
        self.last.0 - self.first.0 < MAX_HOURLY_BUCKETS
    }
}

fn relative(period: &str, now: UnixMillis) -> Result<Period, PeriodError> {
    let today = now.day();
    let days = match period.to_ascii_lowercase().as_str() {
        "24h" => {
            let last = Hour::of(now);
            return Ok(Period {
                first: Hour(last.0 - 23),
                last,
            });
        }
        "7d" => 7,
        "30d" => 30,
        "90d" => 90,
        _ => return Err(PeriodError::UnknownPeriod),
    };
    Ok(Period {
        first: Hour::of(Day(today.0 - (days - 1)).start()),
        last: Hour::of(today.end()),
    })
}

fn absolute(from: &str, to: &str) -> Result<Period, PeriodError> {
    let first = parse_bound(from, "from", Day::start)?;
    let last = parse_bound(to, "to", Day::end)?;
    if last < first {
        return Err(PeriodError::Reversed);
    }
    let days = last.day().0 - first.day().0 + 1;
    if days > MAX_DAYS {
        return Err(PeriodError::TooLong { days });
    }
    Ok(Period { first, last })
}

/// A bound's hour: a date means its first or last instant, per `of_day`.
fn parse_bound(
    text: &str,
    field: &'static str,
    of_day: fn(Day) -> UnixMillis,
) -> Result<Hour, PeriodError> {
    let text = text.trim();
    Day::parse(text)
        .map(of_day)
        .or_else(|| UnixMillis::parse_rfc3339(text))
        .map(Hour::of)
        .ok_or(PeriodError::InvalidTime { field })
}

#[cfg(test)]
mod tests;
