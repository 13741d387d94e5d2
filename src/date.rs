//! Calendar dates as `YYYY-MM-DD` text (chrono's proleptic Gregorian calendar), and the
//! dated ids built from them.

use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate, Offset as _, Utc, Weekday};

/// The `YYYY-MM-DD` date of a Unix time seen at a UTC offset in minutes.
///
/// Times outside chrono's range (±262,000 years) read as the Unix epoch, and an offset
/// of a day or more as UTC.
pub fn ymd(secs: i64, offset_minutes: i32) -> String {
    let zone = FixedOffset::east_opt(offset_minutes * 60).unwrap_or(Utc.fix());
    let day = DateTime::from_timestamp(secs, 0)
        .unwrap_or(DateTime::UNIX_EPOCH)
        .with_timezone(&zone)
        .date_naive();
    show(day)
}

/// A date as `YYYY-MM-DD`.
pub fn show(day: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// The Unix time of midnight UTC on a `YYYY-MM-DD` date, when it is one (not `2026-02-30`).
pub fn parse_day(s: &str) -> Option<i64> {
    if s.len() != 10 {
        return None;
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

/// The Monday (UTC) of the week holding a Unix time, as days since 1970-01-01.
pub fn monday(secs: i64) -> i64 {
    let day = DateTime::from_timestamp(secs, 0)
        .unwrap_or(DateTime::UNIX_EPOCH)
        .date_naive();
    let first = day.week(Weekday::Mon).first_day();
    (first - DateTime::UNIX_EPOCH.date_naive()).num_days()
}

/// The next free dated id `<kind>-<date>-NN` (gate reports `GK`, question batches `Q`,
/// conflicts `C`, playtest notes `PT`) among the ids that exist.
pub fn next_dated_id<'a>(
    kind: &str,
    date: &str,
    existing: impl Iterator<Item = &'a str>,
) -> String {
    let prefix = format!("{kind}-{date}-");
    let max = existing
        .filter_map(|id| id.strip_prefix(&prefix))
        .filter_map(|n| n.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:02}", max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates() {
        assert_eq!(ymd(1_764_158_400, 0), "2025-11-26");
        assert_eq!(ymd(1_764_158_400 - 12 * 3600, -60), "2025-11-25");
        assert_eq!(
            parse_day("2024-02-29").map(|t| ymd(t, 0)).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_day("2026-02-30"), None);
        assert_eq!(parse_day("2026-2-3"), None);
        assert_eq!(ymd(-1, 0), "1969-12-31");
        let ids = [
            "Q-2026-11-26-01",
            "Q-2026-11-26-07",
            "Q-2026-11-25-09",
            "C-2026-11-26-30",
        ];
        assert_eq!(
            next_dated_id("Q", "2026-11-26", ids.into_iter()),
            "Q-2026-11-26-08"
        );
        assert_eq!(
            next_dated_id("PT", "2026-11-26", ids.into_iter()),
            "PT-2026-11-26-01"
        );
    }
}
