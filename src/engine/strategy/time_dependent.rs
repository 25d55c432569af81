//! Faratin, Sierra & Jennings (1998) time-dependent concession: the target
//! utility is `floor + (1 − floor)(1 − (k/T)^(1/e))`, where `k` is the
//! player's concession clock, `T` its deadline round and `e` its exponent
//! divided by its drawn resolve (e < 1 Boulware, e = 1 linear, e > 1 Conceder).

use super::{Mind, Strategy, TargetInput};
use crate::model::{DeadlineRef, Scenario, Side};
use std::cell::Cell;

/// Time-dependent concession towards a deadline.
#[derive(Debug, Clone)]
pub struct TimeDependent {
    exponent: f64,
    /// The deadline round T (at least 1).
    t_dead: f64,
    /// The last `(base, power, base^power)`: a player's clock usually moves
    /// by the same rate each round, so the target it expects next round is
    /// the one it computes when it next proposes. A pure cache: `powf` of
    /// the same bits is the same bits.
    last_pow: Cell<(f64, f64, f64)>,
}

impl TimeDependent {
    /// Concession with `exponent` towards `deadline` in `scn`.
    pub fn new(scn: &Scenario, exponent: f64, deadline: DeadlineRef) -> TimeDependent {
        TimeDependent {
            exponent,
            t_dead: scn.deadline_round(deadline).max(1) as f64,
            last_pow: Cell::new((f64::NAN, f64::NAN, f64::NAN)),
        }
    }

    /// `base^power`, reusing the last result for the same bits.
    #[inline]
    fn pow(&self, base: f64, power: f64) -> f64 {
        let (b, p, v) = self.last_pow.get();
        if b.to_bits() == base.to_bits() && p.to_bits() == power.to_bits() {
            return v;
        }
        let v = base.powf(power);
        self.last_pow.set((base, power, v));
        v
    }
}

impl Strategy for TimeDependent {
    fn target(&self, _scn: &Scenario, _side: Side, inp: &TargetInput, _mind: &Mind) -> f64 {
        let frac = (inp.clock / self.t_dead).clamp(0.0, 1.0);
        let e = self.exponent / inp.resolve;
        inp.floor + (1.0 - inp.floor) * (1.0 - self.pow(frac, 1.0 / e))
    }
}
