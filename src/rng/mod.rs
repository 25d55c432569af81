//! Seeding and the few draws the engine makes. Every run owns one ChaCha8
//! generator derived from (master seed, sweep point, replicate); nothing else
//! in the crate produces randomness.
//!
//! The conversions below are written here rather than taken from `rand`'s
//! distributions so that results depend only on the ChaCha8 stream, which is
//! pinned (see tests/it/vector.rs).

pub mod dist;

use crate::model::Dist;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod coord;
pub mod hash;

pub use coord::RunCoord;

/// The generator of one run.
pub type RunRng = ChaCha8Rng;

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of the run at `c`: replicate `c.replicate` at sweep point
/// `c.point` under master seed `c.master_seed`. The 256-bit key is expanded
/// from (master seed, point) by SplitMix64; the replicate selects the ChaCha
/// stream. A plain `run` uses point 0.
pub fn run_rng(c: RunCoord) -> RunRng {
    let mut state = c.master_seed ^ c.point.wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    let mut rng = ChaCha8Rng::from_seed(seed);
    rng.set_stream(c.replicate);
    rng
}

/// A uniform draw in [0, 1) with 53 bits of precision.
#[inline]
pub fn uniform(rng: &mut RunRng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A draw from a configured distribution: its quantile at one uniform
/// (exactly one draw, whatever the distribution; see [`dist`]).
#[inline]
pub fn sample(d: &Dist, rng: &mut RunRng) -> f64 {
    dist::quantile(d, uniform(rng))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_point_and_replicate() {
        let a = run_rng(RunCoord::new(7, 0, 0)).next_u64();
        assert_ne!(a, run_rng(RunCoord::new(7, 0, 1)).next_u64());
        assert_ne!(a, run_rng(RunCoord::new(7, 1, 0)).next_u64());
        assert_ne!(a, run_rng(RunCoord::new(8, 0, 0)).next_u64());
        assert_eq!(a, run_rng(RunCoord::new(7, 0, 0)).next_u64());
    }

    #[test]
    fn draws_stay_in_their_support() {
        let mut r = run_rng(RunCoord::new(1, 0, 0));
        for _ in 0..10_000 {
            let u = uniform(&mut r);
            assert!((0.0..1.0).contains(&u));
            let n = sample(
                &Dist::Normal {
                    mean: 0.0,
                    sd: 1.0,
                    lo: -0.5,
                    hi: 0.5,
                },
                &mut r,
            );
            assert!((-0.5..=0.5).contains(&n));
            let c = sample(&Dist::Choice(vec![1.0, 2.0]), &mut r);
            assert!(c == 1.0 || c == 2.0);
        }
    }
}
