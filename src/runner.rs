//! The Monte Carlo runner: the only module that uses rayon.
//!
//! Parallel work runs in a [`Pool`] owned here (`Pool::run`,
//! `Pool::run_points`). Runs are cut into chunks of `CHUNK` runs whose
//! boundaries do not depend on the thread count. A batch of chunks is
//! simulated in parallel; the chunk results (statistics and formatted
//! runs.csv rows) come back in chunk order and are merged, written and
//! reported serially on the calling thread. Workers only simulate: they never
//! call back into the caller (rows, events and progress all come from the
//! serial merge loop). So the output is byte-identical for any number of
//! threads, and memory is bounded by one batch whatever the number of runs.

use crate::engine::{simulate, Observer, Workspace};
use crate::model::Scenario;
use crate::outcome::{Metrics, Outcome};
use crate::output::RunsCsv;
use crate::rng::{run_rng, RunCoord};
use crate::stats::RunStats;
use rayon::prelude::*;
use std::ops::Range;

/// Runs per chunk (fixed: part of the reproducibility contract only through
/// the order of floating-point merges in the summaries).
pub const CHUNK: u64 = 1024;
/// Chunks simulated between two serial merges in [`Pool::run`].
const BATCH_CHUNKS: u64 = 32;
/// Chunks simulated between two serial merges in [`Pool::run_points`].
const POINT_BATCH_CHUNKS: usize = 64;

/// Errors of the runner boundary: starting the worker threads.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// Zero worker threads were asked for.
    #[error("expected at least 1 worker thread, found 0")]
    ZeroThreads,
    /// The threads cannot be started.
    #[error("cannot start worker threads")]
    Start(#[source] rayon::ThreadPoolBuildError),
}

/// The worker threads that simulate chunks of runs.
#[derive(Debug)]
pub struct Pool {
    pool: rayon::ThreadPool,
}

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct RunSpec {
    /// Number of runs (replicates).
    pub runs: u64,
    /// Master seed.
    pub master_seed: u64,
    /// Sweep point (0 for a plain run).
    pub point: u64,
    /// Whether to format runs.csv rows.
    pub rows: bool,
}

/// One sweep point to simulate: its scenario and the `point` coordinate of
/// its runs' generators.
#[derive(Debug, Clone, Copy)]
pub struct PointSpec<'a> {
    /// The point's validated scenario.
    pub scenario: &'a Scenario,
    /// The `point` coordinate ([`RunCoord::point`]) of its runs.
    pub point: u64,
}

/// What [`Pool::run_points`] reports about a point, serially and in order.
#[derive(Debug)]
pub enum PointEvent<'a> {
    /// runs.csv rows of one chunk of the point, in run order (only when rows are asked for).
    Rows(&'a [u8]),
    /// The point is finished: its statistics, merged in chunk order.
    Done(RunStats),
}

/// The replicates of chunk `c` of `runs` runs.
fn chunk_range(c: u64, runs: u64) -> Range<u64> {
    c * CHUNK..((c + 1) * CHUNK).min(runs)
}

/// The number of runs in chunk `c` of `runs` runs.
fn chunk_len(c: u64, runs: u64) -> u64 {
    let r = chunk_range(c, runs);
    r.end - r.start
}

impl Pool {
    /// A pool of `threads` workers (all cores if `None`).
    pub fn new(threads: Option<usize>) -> Result<Pool, PoolError> {
        if threads == Some(0) {
            return Err(PoolError::ZeroThreads);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.unwrap_or(0))
            .build()
            .map_err(PoolError::Start)?;
        Ok(Pool { pool })
    }

    /// The number of worker threads (results do not depend on it).
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Simulates `spec.runs` runs of `scn`. Serially, in run order, after
    /// each chunk is merged: `write_rows` receives the chunk's runs.csv rows
    /// (only if `spec.rows`), then `progress` the number of runs it held.
    /// Returns the merged statistics; stops at the first error of `write_rows`.
    pub fn run<E>(
        &self,
        scn: &Scenario,
        spec: RunSpec,
        mut write_rows: impl FnMut(&[u8]) -> Result<(), E>,
        mut progress: impl FnMut(u64),
    ) -> Result<RunStats, E> {
        let metrics = Metrics::new(scn);
        let mut total = RunStats::new(metrics.len(), scn.clock.horizon);
        let n_chunks = spec.runs.div_ceil(CHUNK);
        let mut next = 0;
        while next < n_chunks {
            let end = (next + BATCH_CHUNKS).min(n_chunks);
            let results: Vec<(RunStats, Vec<u8>)> = self.pool.install(|| {
                (next..end)
                    .into_par_iter()
                    .map(|c| run_chunk(scn, &metrics, spec, chunk_range(c, spec.runs)))
                    .collect()
            });
            for (c, (stats, rows)) in (next..end).zip(&results) {
                total.merge(stats);
                if spec.rows {
                    write_rows(rows)?;
                }
                progress(chunk_len(c, spec.runs));
            }
            next = end;
        }
        Ok(total)
    }

    /// Simulates `runs` runs of each point, in parallel over (point, chunk)
    /// jobs, so that many points with few runs keep every thread busy. Chunk
    /// boundaries are those of [`Pool::run`] (`CHUNK` runs), so a point's
    /// statistics and rows are exactly what `run` gives with
    /// `RunSpec { point: spec.point, .. }`, whatever the thread count.
    ///
    /// Serially, after each chunk is merged: `report(k, event)` for point
    /// `k` (an index into `points`) gets the chunk's rows (only if `rows`),
    /// and `Done` after the point's last chunk; then `progress` gets the
    /// number of runs the chunk held. Points come in order. Stops at the
    /// first error of `report`.
    pub fn run_points<E>(
        &self,
        points: &[PointSpec<'_>],
        runs: u64,
        master_seed: u64,
        rows: bool,
        mut report: impl FnMut(usize, PointEvent<'_>) -> Result<(), E>,
        mut progress: impl FnMut(u64),
    ) -> Result<(), E> {
        let metrics: Vec<Metrics> = points.iter().map(|p| Metrics::new(p.scenario)).collect();
        let n_chunks = runs.div_ceil(CHUNK);
        let jobs: Vec<(usize, u64)> = (0..points.len())
            .flat_map(|k| (0..n_chunks).map(move |c| (k, c)))
            .collect();
        let mut current: Option<(usize, RunStats)> = None;
        for batch in jobs.chunks(POINT_BATCH_CHUNKS) {
            let results: Vec<(RunStats, Vec<u8>)> = self.pool.install(|| {
                batch
                    .par_iter()
                    .map(|&(k, c)| {
                        let spec = RunSpec {
                            runs,
                            master_seed,
                            point: points[k].point,
                            rows,
                        };
                        run_chunk(points[k].scenario, &metrics[k], spec, chunk_range(c, runs))
                    })
                    .collect()
            });
            for (&(k, c), (stats, chunk_rows)) in batch.iter().zip(&results) {
                if current.as_ref().is_none_or(|(j, _)| *j != k) {
                    let horizon = points[k].scenario.clock.horizon;
                    current = Some((k, RunStats::new(metrics[k].len(), horizon)));
                }
                if let Some((_, total)) = current.as_mut() {
                    total.merge(stats);
                }
                if rows {
                    report(k, PointEvent::Rows(chunk_rows))?;
                }
                if c + 1 == n_chunks {
                    if let Some((_, t)) = current.take() {
                        report(k, PointEvent::Done(t))?;
                    }
                }
                progress(chunk_len(c, runs));
            }
        }
        Ok(())
    }
}

/// Simulates the runs `replicates` of `spec` (on a worker thread).
fn run_chunk(
    scn: &Scenario,
    metrics: &Metrics,
    spec: RunSpec,
    replicates: Range<u64>,
) -> (RunStats, Vec<u8>) {
    let mut stats = RunStats::new(metrics.len(), scn.clock.horizon);
    let mut ws = Workspace::new(scn);
    let mut out = Outcome::for_scenario(scn);
    let mut values = vec![0.0; metrics.len()];
    let mut rows = Vec::new();
    for replicate in replicates {
        let coord = RunCoord::new(spec.master_seed, spec.point, replicate);
        let mut rng = run_rng(coord);
        simulate(scn, &mut rng, &mut ws, &mut out, &mut ());
        metrics.values(&out, &mut values);
        stats.add(&values, &out);
        if spec.rows {
            RunsCsv::append_row(&mut rows, scn, metrics, coord, &out, &values);
        }
    }
    (stats, rows)
}

/// Simulates the run at `coord` alone (for `replay` and tests), with an
/// observer, on the calling thread.
pub fn replay<O: Observer>(scn: &Scenario, coord: RunCoord, obs: &mut O) -> Outcome {
    let mut ws = Workspace::new(scn);
    let mut out = Outcome::for_scenario(scn);
    let mut rng = run_rng(coord);
    simulate(scn, &mut rng, &mut ws, &mut out, obs);
    out
}
