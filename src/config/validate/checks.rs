//! Checks of single values: ranges, choices and names.

use super::{bad, list, V};
use crate::config::error::clip;

/// The largest magnitude any number of a config may have. Costs are in
/// USD bn (1e12 bn is ten thousand times world output) and issue values in
/// their units; beyond it, sums over rounds and products of values can
/// overflow to inf in the outputs.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// `Err` if `v` is finite but larger in magnitude than [`MAX_MAGNITUDE`].
fn magnitude(key: &str, v: f64, what: &str) -> V<f64> {
    if v.abs() <= MAX_MAGNITUDE {
        Ok(v)
    } else {
        bad(
            key,
            format!(
                "expected {what} of magnitude at most {MAX_MAGNITUDE:e} (larger values overflow the outputs), found {v:e}"
            ),
        )
    }
}

pub(super) fn finite(key: &str, v: f64, expected: &str) -> V<f64> {
    if v.is_finite() {
        magnitude(key, v, expected)
    } else {
        bad(key, format!("expected {expected}, found {v}"))
    }
}

pub(super) fn prob(key: &str, v: f64) -> V<f64> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        bad(key, format!("expected a probability in [0, 1], found {v}"))
    }
}

pub(super) fn unit_interval(key: &str, v: f64, what: &str) -> V<f64> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        bad(key, format!("expected {what} in [0, 1], found {v}"))
    }
}

pub(super) fn signed_unit(key: &str, v: f64, what: &str) -> V<f64> {
    if v.is_finite() && (-1.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        bad(key, format!("expected {what} in [-1, 1], found {v}"))
    }
}

pub(super) fn cost(key: &str, v: f64) -> V<f64> {
    if v.is_finite() && v >= 0.0 {
        magnitude(key, v, "a cost (USD bn)")
    } else {
        bad(
            key,
            format!("expected a non-negative cost (USD bn, >= 0), found {v}"),
        )
    }
}

pub(super) fn nonneg(key: &str, v: f64, what: &str) -> V<f64> {
    if v.is_finite() && v >= 0.0 {
        magnitude(key, v, what)
    } else {
        bad(key, format!("expected {what} >= 0, found {v}"))
    }
}

pub(super) fn positive(key: &str, v: f64, what: &str) -> V<f64> {
    if v.is_finite() && v > 0.0 {
        magnitude(key, v, what)
    } else {
        bad(key, format!("expected {what} > 0, found {v}"))
    }
}

pub(super) fn one_of<'a>(key: &str, v: &str, what: &str, allowed: &[&'a str]) -> V<&'a str> {
    match allowed.iter().find(|a| **a == v) {
        Some(a) => Ok(a),
        None => bad(
            key,
            format!(
                "unknown {what} '{}'; expected one of {}",
                clip(v),
                list(allowed)
            ),
        ),
    }
}

/// Names that end up in file and column names.
pub(super) fn name(key: &str, v: &str, what: &str) -> V<()> {
    let ok = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        bad(
            key,
            format!(
                "expected a {what} name of letters, digits, '_' and '-', found \"{}\"",
                clip(&v.escape_default().to_string())
            ),
        )
    }
}
