//! Distributions of a player's private type.

use crate::model::Dist;

use super::checks::{finite, nonneg};
use super::{bad, k, V};
use crate::config::raw::RawDist;

/// Where a distribution's support must lie.
#[derive(Clone, Copy)]
pub(super) enum Bounds {
    Within(f64, f64),
    AtLeast(f64),
    Above(f64),
}

pub(super) fn dist(key: &str, d: &RawDist, bounds: Bounds, what: &str) -> V<Dist> {
    let num = |kk: &str, v: f64| finite(kk, v, "a finite number");
    let out = match d {
        RawDist::Fixed(v) => Dist::Fixed(num(key, *v)?),
        RawDist::Uniform([lo, hi]) => {
            let uk = k(key, "uniform");
            num(&uk, *lo)?;
            num(&uk, *hi)?;
            if lo > hi {
                return bad(
                    uk,
                    format!("expected [lo, hi] with lo <= hi, found [{lo}, {hi}]"),
                );
            }
            Dist::Uniform { lo: *lo, hi: *hi }
        }
        RawDist::Normal(n) => {
            let nk = k(key, "normal");
            num(&k(&nk, "mean"), n.mean)?;
            nonneg(&k(&nk, "sd"), n.sd, "a standard deviation")?;
            num(&k(&nk, "lo"), n.lo)?;
            num(&k(&nk, "hi"), n.hi)?;
            if n.lo > n.hi {
                return bad(
                    k(&nk, "hi"),
                    format!("expected hi >= lo = {}, found {}", n.lo, n.hi),
                );
            }
            Dist::Normal {
                mean: n.mean,
                sd: n.sd,
                lo: n.lo,
                hi: n.hi,
            }
        }
        RawDist::Choice(v) => {
            let ck = k(key, "choice");
            if v.is_empty() {
                return bad(ck, "expected at least one value, found an empty list");
            }
            for x in v {
                num(&ck, *x)?;
            }
            Dist::Choice(v.clone())
        }
    };
    let (lo, hi) = out.support();
    let (ok, range) = match bounds {
        Bounds::Within(a, b) => (lo >= a && hi <= b, format!("in [{a}, {b}]")),
        Bounds::AtLeast(a) => (lo >= a, format!(">= {a}")),
        Bounds::Above(a) => (lo > a, format!("> {a}")),
    };
    if !ok {
        let found = if lo == hi {
            format!("{lo}")
        } else {
            format!("values from {lo} to {hi}")
        };
        return bad(
            key,
            format!("expected {what} with every value {range}, found {found}"),
        );
    }
    Ok(out)
}
