//! Period parsing: both dialects, the default, and every error's field.

use super::*;

/// 2026-02-15T14:30:00Z
fn now() -> UnixMillis {
    UnixMillis::parse_rfc3339("2026-02-15T14:30:00Z").unwrap()
}

fn parse(
    period: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Period, PeriodError> {
    parse_period(PeriodQuery { period, from, to }, now())
}

fn bounds(period: &Period) -> (String, String) {
    (period.from().to_rfc3339(), period.to().to_rfc3339())
}

fn span(from: &str, to: &str) -> (String, String) {
    (from.to_owned(), to.to_owned())
}

#[test]
fn a_date_range_covers_whole_days_like_the_smartlinks_example() {
    let period = parse(None, Some("2026-01-01"), Some("2026-01-31")).unwrap();
    assert_eq!(
        bounds(&period),
        span("2026-01-01T00:00:00Z", "2026-01-31T23:59:59Z")
    );
    assert_eq!(period.days().count(), 31);
    assert!(!period.is_hourly());
}

#[test]
fn last_24_hours_ends_with_the_current_hour() {
    let period = parse(Some("24h"), None, None).unwrap();
    assert_eq!(
        bounds(&period),
        span("2026-02-14T15:00:00Z", "2026-02-15T14:59:59Z")
    );
    assert_eq!(period.hours().count(), 24);
    assert!(period.is_hourly());
    let days: Vec<_> = period.days().map(|d| d.to_string()).collect();
    assert_eq!(days, ["2026-02-14", "2026-02-15"]);
}

#[test]
fn day_periods_include_today_whole() {
    let period = parse(Some("7d"), None, None).unwrap();
    assert_eq!(
        bounds(&period),
        span("2026-02-09T00:00:00Z", "2026-02-15T23:59:59Z")
    );
    assert_eq!(parse(Some("30d"), None, None).unwrap().days().count(), 30);
    assert_eq!(parse(Some("90d"), None, None).unwrap().days().count(), 90);
}

#[test]
fn no_period_means_the_last_30_days() {
    assert_eq!(parse(None, None, None), parse(Some("30d"), None, None));
}

#[test]
fn period_names_ignore_case() {
    assert_eq!(parse(Some("7D"), None, None), parse(Some("7d"), None, None));
}

#[test]
fn rfc3339_bounds_widen_to_whole_hours() {
    let period = parse(
        None,
        Some("2026-02-01T10:15:00Z"),
        Some("2026-02-01T12:00:00+01:00"),
    )
    .unwrap();
    assert_eq!(
        bounds(&period),
        span("2026-02-01T10:00:00Z", "2026-02-01T11:59:59Z")
    );
    assert_eq!(period.hours().count(), 2);
}

#[test]
fn a_single_day_range_is_hourly() {
    let period = parse(None, Some("2026-02-01"), Some("2026-02-01")).unwrap();
    assert_eq!(period.hours().count(), 24);
    assert!(period.is_hourly());
}

#[test]
fn two_days_are_hourly_and_three_are_not() {
    assert!(parse(None, Some("2026-02-01"), Some("2026-02-02"))
        .unwrap()
        .is_hourly());
    assert!(!parse(None, Some("2026-02-01"), Some("2026-02-03"))
        .unwrap()
        .is_hourly());
}

#[test]
fn contains_exactly_the_hours_of_the_period() {
    let period = parse(None, Some("2026-02-01"), Some("2026-02-01")).unwrap();
    let first = period.first_hour();
    assert!(period.contains(first) && period.contains(period.last_hour()));
    assert!(!period.contains(Hour(first.0 - 1)));
    assert!(!period.contains(Hour(period.last_hour().0 + 1)));
}

#[test]
fn four_hundred_days_are_allowed_and_401_are_not() {
    assert!(parse(None, Some("2025-01-01"), Some("2026-02-04")).is_ok());
    let err = parse(None, Some("2025-01-01"), Some("2026-02-05")).unwrap_err();
    assert_eq!(err, PeriodError::TooLong { days: 401 });
    assert_eq!(err.field(), "to");
}

#[test]
fn an_unknown_period_names_the_period_field() {
    for bad in ["1y", "", "7", "24 h"] {
        let err = parse(Some(bad), None, None).unwrap_err();
        assert_eq!(
            (err.field(), err),
            ("period", PeriodError::UnknownPeriod),
            "{bad}"
        );
    }
}

#[test]
fn period_with_from_or_to_is_a_conflict() {
    let err = parse(Some("7d"), Some("2026-01-01"), None).unwrap_err();
    assert_eq!((err.field(), err), ("period", PeriodError::Conflict));
    assert_eq!(
        parse(Some("7d"), None, Some("2026-01-01")),
        Err(PeriodError::Conflict)
    );
}

#[test]
fn from_without_to_asks_for_to_and_vice_versa() {
    assert_eq!(
        parse(None, Some("2026-01-01"), None).unwrap_err().field(),
        "to"
    );
    assert_eq!(
        parse(None, None, Some("2026-01-01")).unwrap_err().field(),
        "from"
    );
}

#[test]
fn malformed_bounds_name_their_field() {
    let err = parse(None, Some("01/01/2026"), Some("2026-01-31")).unwrap_err();
    assert_eq!(err, PeriodError::InvalidTime { field: "from" });
    let err = parse(None, Some("2026-01-01"), Some("2026-02-30")).unwrap_err();
    assert_eq!(err, PeriodError::InvalidTime { field: "to" });
    assert!(
        err.to_string().contains("2026-01-31"),
        "says what a valid value looks like"
    );
}

#[test]
fn to_before_from_is_rejected_on_to() {
    let err = parse(None, Some("2026-01-31"), Some("2026-01-01")).unwrap_err();
    assert_eq!((err.field(), err), ("to", PeriodError::Reversed));
}

#[test]
fn hours_map_to_their_utc_day() {
    let hour = Hour::of(UnixMillis::parse_rfc3339("2026-02-15T23:59:59Z").unwrap());
    assert_eq!(hour.day().to_string(), "2026-02-15");
    assert_eq!(hour.start().to_rfc3339(), "2026-02-15T23:00:00Z");
}

proptest::proptest! {
    #[test]
    fn arbitrary_queries_never_panic(
        period in proptest::option::of("\\PC{0,12}"),
        from in proptest::option::of("\\PC{0,30}"),
        to in proptest::option::of("\\PC{0,30}"),
        now in -10_000_000_000_000i64..10_000_000_000_000,
    ) {
        let query = PeriodQuery { period: period.as_deref(), from: from.as_deref(), to: to.as_deref() };
        let _ = parse_period(query, UnixMillis(now));
    }
}
