//! `[issues.NAME]`: the issues of the deal and each player's preferences.

use crate::model::{Issue, IssuePref};

use super::checks::{finite, name, nonneg, one_of, positive};
use super::{bad, k, list, Players, MAX_RESOLUTION, V};
use crate::config::raw::{Named, RawIssue};

/// The largest weight an issue may have (weights are normalised per player,
/// so only their ratios matter; this keeps their sum finite).
pub const MAX_WEIGHT: f64 = 1e12;

pub(super) fn issues(raw: &Named<RawIssue>, players: &Players) -> V<Vec<Issue>> {
    if raw.is_empty() {
        return bad(
            "issues",
            "expected at least one issue ([issues.NAME] table), found none",
        );
    }
    let mut out = Vec::with_capacity(raw.len());
    for (n, is) in raw.iter() {
        out.push(issue(&k("issues", n), n, is, players)?);
    }
    // Normalise each player's weights to sum to 1.
    for side in 0..2 {
        let total: f64 = out.iter().map(|i| i.prefs[side].weight).sum();
        if total <= 0.0 {
            let first = raw.names().next().unwrap_or_default();
            let pn = players.0[side];
            return bad(
                format!("issues.{first}.{pn}.weight"),
                format!(
                    "every weight of player '{pn}' is 0; expected at least one issue with a positive weight"
                ),
            );
        }
        for i in out.iter_mut() {
            i.prefs[side].weight /= total;
        }
    }
    Ok(out)
}

fn issue(base: &str, n: &str, is: &RawIssue, players: &Players) -> V<Issue> {
    name(base, n, "issue")?;
    if let Some(v) = is.fixed {
        return fixed(base, n, is, v);
    }
    let range = |key: &str, v: Option<f64>| match v {
        Some(v) => finite(&k(base, key), v, "a finite number"),
        None => bad(
            k(base, key),
            format!("missing required key '{key}' (or declare the issue `fixed = VALUE`)"),
        ),
    };
    let lo = range("lo", is.lo)?;
    let hi = range("hi", is.hi)?;
    if lo >= hi {
        return bad(
            k(base, "hi"),
            format!(
                "expected hi > lo (an issue's range cannot be empty), found lo = {lo}, hi = {hi}"
            ),
        );
    }
    let mut prefs: [Option<IssuePref>; 2] = [None, None];
    for (pn, p) in is.prefs.iter() {
        let pk = k(base, pn);
        let Some(side) = players.0.iter().position(|x| *x == pn) else {
            return bad(
                pk,
                format!(
                    "unknown key '{pn}'; expected unit, lo, hi or a player name ({})",
                    list(players.0)
                ),
            );
        };
        let weight = p.weight;
        if weight.is_finite() && weight > MAX_WEIGHT {
            // Weights are relative; a sum past f64's range would zero them all.
            return bad(
                k(&pk, "weight"),
                format!(
                    "expected a weight of at most {MAX_WEIGHT:e} (weights are relative: only their ratios matter), found {weight:e}"
                ),
            );
        }
        let weight = nonneg(&k(&pk, "weight"), weight, "a weight")?;
        let prefers_high = one_of(
            &k(&pk, "prefers"),
            &p.prefers,
            "direction",
            &["low", "high"],
        )? == "high";
        let exponent = positive(&k(&pk, "exponent"), p.exponent, "an exponent")?;
        prefs[side] = Some(IssuePref {
            weight,
            prefers_high,
            exponent,
        });
    }
    let mut get = |side: usize| -> V<IssuePref> {
        match prefs[side].take() {
            Some(p) => Ok(p),
            None => {
                let pn = players.0[side];
                bad(
                    k(base, pn),
                    format!(
                        "missing: every issue needs each player's preference, e.g. \
                         {pn} = {{ weight = 0.1, prefers = \"low\" }}"
                    ),
                )
            }
        }
    };
    let p0 = get(0)?;
    let p1 = get(1)?;
    Ok(Issue {
        name: n.to_string(),
        unit: is.unit.clone(),
        lo,
        hi,
        prefs: [p0, p1],
        fixed: false,
        steps: match is.steps {
            Some(st) if st == 0 || st > MAX_RESOLUTION => {
                return bad(
                    k(base, "steps"),
                    format!("expected a number of grid steps in [1, {MAX_RESOLUTION}], found {st}"),
                )
            }
            st => st,
        },
    })
}

/// An issue fixed at `v` by an earlier agreement: no range, no preferences
/// (the same in every deal, so worth nothing to trade).
fn fixed(base: &str, n: &str, is: &RawIssue, v: f64) -> V<Issue> {
    let v = finite(&k(base, "fixed"), v, "a finite number")?;
    for (key, given) in [
        ("lo", is.lo),
        ("hi", is.hi),
        ("steps", is.steps.map(f64::from)),
    ] {
        if given.is_some() {
            return bad(
                k(base, key),
                "an issue declared fixed has no range; remove lo, hi and steps, or remove fixed"
                    .to_string(),
            );
        }
    }
    if let Some((pn, _)) = is.prefs.iter().next() {
        return bad(
            k(base, pn),
            "an issue declared fixed has no preferences (it is the same in every deal); remove them, or remove fixed".to_string(),
        );
    }
    let none = IssuePref {
        weight: 0.0,
        prefers_high: true,
        exponent: 1.0,
    };
    Ok(Issue {
        name: n.to_string(),
        unit: is.unit.clone(),
        lo: v,
        hi: v,
        prefs: [none, none],
        fixed: true,
        steps: None,
    })
}
