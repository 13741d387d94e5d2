//! Calendar arithmetic for `YYYY-MM-DD` dates (no time zones beyond a fixed offset).

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The `YYYY-MM-DD` date of a Unix time seen at a UTC offset in minutes.
pub fn ymd(secs: i64, offset_minutes: i32) -> String {
    let days = (secs + i64::from(offset_minutes) * 60).div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
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
        assert_eq!(ymd(days_from_civil(2024, 2, 29) * 86_400, 0), "2024-02-29");
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
