//! The integration tests, as one test crate (one binary to link against the
//! library instead of one per file). Each module is one former `tests/*.rs`
//! file; test names are `<module>::<sentence>`, e.g.
//! `cargo test --test it sweep::` runs the sweep tests.

mod alloc;
mod attrition;
mod authoring;
mod cli;
mod common;
mod config_cases;
mod draws;
mod force;
mod forecast;
mod frontier;
mod fuzz;
mod golden;
mod invariants;
mod levers_events;
mod outputs;
mod signals;
mod sweep;
mod theory;
mod tidy;
mod usage;
mod vector;
