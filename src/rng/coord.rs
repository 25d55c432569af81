//! The coordinates of one run: what its generator is a function of.

/// The coordinates of one run: with the validated scenario, they determine
/// the run completely ([`super::run_rng`]). They are the `master_seed`,
/// `point` and `replicate` columns of runs.csv (whose `run` column repeats
/// `replicate`), and what `replay` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunCoord {
    /// The master seed.
    pub master_seed: u64,
    /// The sweep point's rng point (0 for a plain run).
    pub point: u64,
    /// The replicate index within the point (the run index of a plain run).
    pub replicate: u64,
}

impl RunCoord {
    /// The coordinates (master seed, point, replicate).
    pub const fn new(master_seed: u64, point: u64, replicate: u64) -> RunCoord {
        RunCoord {
            master_seed,
            point,
            replicate,
        }
    }
}
