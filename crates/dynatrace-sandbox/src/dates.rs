//! Date formats of the Environment API v2: ISO 8601 output with milliseconds, and the three
//! input forms of `expirationDate`, `from` and `to` (UTC milliseconds, ISO 8601 with optional
//! parts, and relative `now±NU/A`).

use jiff::civil::{DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, Unit, Zoned, ZonedRound};

/// Formats `timestamp` as the API does: `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC.
pub(crate) fn format(timestamp: Timestamp) -> String {
    timestamp.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Drops everything below milliseconds, the API's precision.
pub(crate) fn truncate_to_millis(timestamp: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(timestamp.as_millisecond())
        .expect("millisecond of a valid timestamp")
}

/// Parses one of the API's date forms relative to `now`:
/// - UTC milliseconds since the epoch (`1611554221123`);
/// - ISO 8601 `2021-01-25T05:57:01.123+01:00`, where seconds, the fraction and the zone are
///   optional (no zone means UTC) and a space may replace the `T`;
/// - `now`, `now+14d`, `now-1y/w`: an offset in `m`, `h`, `d`, `w`, `M` or `y`, and an optional
///   alignment that rounds down to the start of that unit.
///
/// The result is truncated to milliseconds. The error is a message for a constraint violation.
pub(crate) fn parse(input: &str, now: Timestamp) -> Result<Timestamp, String> {
    let input = input.trim();
    let parsed = if let Some(relative) = input.strip_prefix("now") {
        parse_relative(relative, now)
    } else if !input.is_empty() && input.bytes().all(|byte| byte.is_ascii_digit()) {
        input
            .parse::<i64>()
            .ok()
            .and_then(|millis| Timestamp::from_millisecond(millis).ok())
            .ok_or_else(|| "the timestamp in milliseconds is out of range".to_owned())
    } else {
        parse_iso(input)
    };
    parsed.map(truncate_to_millis).map_err(|reason| {
        format!(
            "Invalid date '{input}': {reason}. Use UTC milliseconds, an ISO 8601 date such as \
             2021-01-25T05:57:01.123+01:00, or a relative time such as now+14d."
        )
    })
}

fn parse_iso(input: &str) -> Result<Timestamp, String> {
    // A space may replace the `T`; the date itself never contains a space.
    let normalized = input.replacen(' ', "T", 1);
    let has_time = normalized.contains('T');
    if !has_time {
        return Err("the time of day is missing".to_owned());
    }
    let time_part = &normalized[normalized.find('T').unwrap_or(0) + 1..];
    let has_zone = time_part.ends_with(['Z', 'z']) || time_part.contains(['+', '-']);

    if has_zone {
        normalized
            .parse::<Timestamp>()
            .map_err(|error| error.to_string())
    } else {
        let civil: DateTime = normalized
            .parse()
            .map_err(|error: jiff::Error| error.to_string())?;
        civil
            .to_zoned(TimeZone::UTC)
            .map(|zoned| zoned.timestamp())
            .map_err(|error| error.to_string())
    }
}

/// Parses what follows `now`: `[+-]N<unit>` then optionally `/<unit>`, or nothing.
fn parse_relative(rest: &str, now: Timestamp) -> Result<Timestamp, String> {
    let (offset, alignment) = match rest.split_once('/') {
        Some((offset, alignment)) => (offset, Some(alignment)),
        None => (rest, None),
    };

    let mut zoned = now.to_zoned(TimeZone::UTC);
    if !offset.is_empty() {
        let sign: i64 = match offset.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return Err("a relative time needs + or - after now".to_owned()),
        };
        let body = &offset[1..];
        let digits_end = body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len());
        let amount: i64 = body[..digits_end]
            .parse()
            .map_err(|_| "a relative time needs an amount, as in now+14d".to_owned())?;
        let unit = parse_unit(&body[digits_end..])?;
        let span = span_of(unit, sign * amount)?;
        zoned = zoned.checked_add(span).map_err(|error| error.to_string())?;
    }

    if let Some(alignment) = alignment {
        zoned = align(&zoned, parse_unit(alignment)?)?;
    }
    Ok(zoned.timestamp())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RelativeUnit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

fn parse_unit(text: &str) -> Result<RelativeUnit, String> {
    match text {
        "m" => Ok(RelativeUnit::Minute),
        "h" => Ok(RelativeUnit::Hour),
        "d" => Ok(RelativeUnit::Day),
        "w" => Ok(RelativeUnit::Week),
        "M" => Ok(RelativeUnit::Month),
        "y" => Ok(RelativeUnit::Year),
        other => Err(format!(
            "unknown time unit '{other}', expected one of m, h, d, w, M, y"
        )),
    }
}

fn span_of(unit: RelativeUnit, amount: i64) -> Result<Span, String> {
    let span = match unit {
        RelativeUnit::Minute => Span::new().try_minutes(amount),
        RelativeUnit::Hour => Span::new().try_hours(amount),
        RelativeUnit::Day => Span::new().try_days(amount),
        RelativeUnit::Week => Span::new().try_weeks(amount),
        RelativeUnit::Month => Span::new().try_months(amount),
        RelativeUnit::Year => Span::new().try_years(amount),
    };
    span.map_err(|_| "the relative amount is out of range".to_owned())
}

/// Rounds `zoned` down to the start of `unit`; weeks start on Monday.
fn align(zoned: &Zoned, unit: RelativeUnit) -> Result<Zoned, String> {
    let aligned = match unit {
        RelativeUnit::Minute => zoned.round(
            ZonedRound::new()
                .smallest(Unit::Minute)
                .mode(jiff::RoundMode::Trunc),
        ),
        RelativeUnit::Hour => zoned.round(
            ZonedRound::new()
                .smallest(Unit::Hour)
                .mode(jiff::RoundMode::Trunc),
        ),
        RelativeUnit::Day => zoned.start_of_day(),
        RelativeUnit::Week => {
            let days_since_monday = i64::from(zoned.weekday().since(Weekday::Monday));
            zoned
                .start_of_day()
                .and_then(|day| day.checked_sub(Span::new().days(days_since_monday)))
        }
        RelativeUnit::Month => zoned.first_of_month().and_then(|day| day.start_of_day()),
        RelativeUnit::Year => zoned.first_of_year().and_then(|day| day.start_of_day()),
    };
    aligned.map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-12-04T15:45:51.250Z".parse().unwrap()
    }

    fn parsed(input: &str) -> String {
        format(parse(input, now()).unwrap_or_else(|error| panic!("{input:?}: {error}")))
    }

    #[test]
    fn format_has_milliseconds_and_zulu() {
        assert_eq!(format(now()), "2026-12-04T15:45:51.250Z");
    }

    #[test]
    fn milliseconds_parse_as_utc() {
        assert_eq!(parsed("1611554221123"), "2021-01-25T05:57:01.123Z");
    }

    #[test]
    fn iso_forms_parse() {
        let cases = [
            ("2021-01-25T05:57:01.123+01:00", "2021-01-25T04:57:01.123Z"),
            ("2021-01-25T05:57:01+01:00", "2021-01-25T04:57:01.000Z"),
            ("2021-01-25T05:57+01:00", "2021-01-25T04:57:00.000Z"),
            ("2021-01-25T05:57:01.123Z", "2021-01-25T05:57:01.123Z"),
            ("2021-01-25T05:57:01.123", "2021-01-25T05:57:01.123Z"),
            ("2021-01-25T05:57", "2021-01-25T05:57:00.000Z"),
            ("2021-01-25 05:57:01.123-02:00", "2021-01-25T07:57:01.123Z"),
            ("2021-01-25 05:57", "2021-01-25T05:57:00.000Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(parsed(input), expected, "{input}");
        }
    }

    #[test]
    fn relative_forms_parse() {
        let cases = [
            ("now", "2026-12-04T15:45:51.250Z"),
            ("now+14d", "2026-12-18T15:45:51.250Z"),
            ("now-2h", "2026-12-04T13:45:51.250Z"),
            ("now+30m", "2026-12-04T16:15:51.250Z"),
            ("now+1w", "2026-12-11T15:45:51.250Z"),
            ("now+1M", "2027-01-04T15:45:51.250Z"),
            ("now+1y", "2027-12-04T15:45:51.250Z"),
            ("now-1y/w", "2025-12-01T00:00:00.000Z"),
            ("now/d", "2026-12-04T00:00:00.000Z"),
            ("now/M", "2026-12-01T00:00:00.000Z"),
            ("now/y", "2026-01-01T00:00:00.000Z"),
            ("now/h", "2026-12-04T15:00:00.000Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(parsed(input), expected, "{input}");
        }
    }

    #[test]
    fn malformed_dates_are_rejected() {
        for input in [
            "",
            "tomorrow",
            "now+14",
            "now+d",
            "now14d",
            "now+14x",
            "2021-13-01T00:00",
            "2021-01-25",
            "now/q",
        ] {
            assert!(parse(input, now()).is_err(), "{input:?} should be rejected");
        }
    }
}
