//! `[clock]`: the calendar (dates to rounds) and the focal deadline.

use crate::date::Date;
use crate::model::FocalDeadline;

use super::checks::{cost, unit_interval};
use super::{bad, k, Players, MAX_HORIZON, V};
use crate::config::raw::{Named, RawDate, RawFocal, RawScenario};

/// The calendar: maps dates to rounds.
pub(super) struct Cal {
    pub start: Date,
    pub days_per_round: u32,
    pub horizon: u32,
}

impl Cal {
    pub fn parse(key: &str, d: &RawDate) -> V<Date> {
        match Date::parse(&d.0) {
            Some(x) => Ok(x),
            None => bad(
                key,
                format!(
                    "expected a date \"YYYY-MM-DD\" from 0001-01-01 to 9999-12-31, found \"{}\"",
                    crate::config::error::clip(&d.0.escape_default().to_string())
                ),
            ),
        }
    }

    /// A date on or after the start.
    pub fn date(&self, key: &str, d: &RawDate) -> V<Date> {
        let x = Cal::parse(key, d)?;
        if x < self.start {
            return bad(
                key,
                format!(
                    "expected a date on or after clock.start ({}), found {x}",
                    self.start
                ),
            );
        }
        Ok(x)
    }

    fn days(&self, d: Date) -> i64 {
        d.days() - self.start.days()
    }

    /// First round on or after `d` (d >= start).
    pub fn round_from(&self, d: Date) -> u32 {
        let n = self.days(d);
        let dpr = self.days_per_round as i64;
        u32::try_from((n + dpr - 1) / dpr).unwrap_or(u32::MAX)
    }

    /// Last round on or before `d` (d >= start).
    pub fn round_until(&self, d: Date) -> u32 {
        u32::try_from(self.days(d) / self.days_per_round as i64).unwrap_or(u32::MAX)
    }
}

pub(super) fn clock_base(raw: &RawScenario) -> V<Cal> {
    let c = &raw.clock;
    let start = Cal::parse("clock.start", &c.start)?;
    if c.days_per_round == 0 {
        return bad(
            "clock.days_per_round",
            "expected a whole number of days >= 1, found 0",
        );
    }
    if c.horizon == 0 || c.horizon > MAX_HORIZON {
        return bad(
            "clock.horizon",
            format!(
                "expected a number of rounds in [1, {MAX_HORIZON}], found {}",
                c.horizon
            ),
        );
    }
    Ok(Cal {
        start,
        days_per_round: c.days_per_round,
        horizon: c.horizon,
    })
}

/// A per-player map of numbers (focal costs): unknown names are errors,
/// missing players get 0.
fn per_player(
    key: &str,
    m: &Named<f64>,
    players: &Players,
    check: impl Fn(&str, f64) -> V<f64>,
) -> V<[f64; 2]> {
    let mut out = [0.0; 2];
    for (n, v) in m.iter() {
        let kk = k(key, n);
        let i = players.index(&kk, n)?;
        out[i] = check(&kk, *v)?;
    }
    Ok(out)
}

pub(super) fn focal(f: &RawFocal, cal: &Cal, players: &Players) -> V<FocalDeadline> {
    let base = "clock.focal";
    if f.name.trim().is_empty() {
        return bad(k(base, "name"), "expected a non-empty name, found \"\"");
    }
    let date = cal.date(&k(base, "date"), &f.date)?;
    if cal.round_from(date) == 0 {
        // A deadline in round 0 would pass before the first offer.
        return bad(
            k(base, "date"),
            format!(
                "expected a date after the first round (after {}), found {}",
                cal.start, f.date.0
            ),
        );
    }
    Ok(FocalDeadline {
        name: f.name.clone(),
        date,
        round: cal.round_from(date),
        audience_cost: per_player(&k(base, "audience_cost"), &f.audience_cost, players, cost)?,
        support_loss: per_player(
            &k(base, "support_loss"),
            &f.support_loss,
            players,
            |kk, v| unit_interval(kk, v, "a fall in support"),
        )?,
    })
}
