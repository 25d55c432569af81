//! standoff: a Monte Carlo simulator of coercive bilateral bargaining.
#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod date;
pub mod engine;
pub mod model;
pub mod outcome;
pub mod output;
pub mod rng;
pub mod runner;
pub mod statics;
pub mod stats;
pub mod sweep;
pub mod theory;
