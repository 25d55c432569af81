//! standoff: a Monte Carlo simulator of coercive bilateral bargaining.
#![warn(missing_docs)]

pub mod date;
pub mod model;
pub mod outcome;
