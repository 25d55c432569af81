//! Calendar dates without a calendar crate: a proleptic Gregorian day count.

use std::fmt;

/// A calendar date, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// Builds a date from year, month (1..=12) and day (1..=31); `None` if invalid.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    /// Parses `YYYY-MM-DD`, with a year of four digits (0001 to 9999, the
    /// range of ISO 8601 calendar dates without expansion): larger years
    /// would overflow the day count (and no negotiation runs that long).
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let y_s = it.next()?;
        let m_s = it.next()?;
        let d_s = it.next()?;
        if y_s.len() != 4 || !y_s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let y: i64 = y_s.parse().ok()?;
        if y == 0 || m_s.len() != 2 || d_s.len() != 2 {
            return None;
        }
        Date::from_ymd(y, m_s.parse().ok()?, d_s.parse().ok()?)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.0
    }

    /// The date `n` days later.
    pub fn plus_days(self, n: i64) -> Date {
        Date(self.0 + n)
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's public-domain civil-date algorithms.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats a UNIX time in seconds as an RFC 3339 UTC timestamp.
pub fn rfc3339_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        Date(days),
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_dates() {
        let d = Date::parse("2025-07-31").unwrap();
        assert_eq!(d.to_string(), "2025-07-31");
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        let apec = Date::parse("2025-10-29").unwrap();
        assert_eq!(apec.days() - d.days(), 90);
        assert_eq!(d.plus_days(7).to_string(), "2025-08-07");
        assert_eq!(
            Date::parse("2024-02-29").unwrap().plus_days(1).to_string(),
            "2024-03-01"
        );
    }

    #[test]
    fn rejects_malformed_dates() {
        for s in [
            "2025-02-30",
            "2025-13-01",
            "2025-1-01",
            "yesterday",
            "2025-07",
            "100000000000000000-01-01",
            "10000-01-01",
            "0000-01-01",
            "+2025-07-31",
            "-2025-07-31",
        ] {
            assert!(Date::parse(s).is_none(), "{s}");
        }
    }

    #[test]
    fn formats_timestamps() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(86_400 + 3661), "1970-01-02T01:01:01Z");
    }
}
