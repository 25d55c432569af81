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
use crate::output::{RealColumns, RunsCsv};
use crate::rng::{run_rng, RunCoord};
use crate::stats::{wilson, RunStats};
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

/// One sweep point to simulate: its scenario, the `point` coordinate of
/// its runs' generators and, for its rows, the columns written as reals.
#[derive(Debug, Clone, Copy)]
pub struct PointSpec<'a> {
    /// The point's validated scenario.
    pub scenario: &'a Scenario,
    /// The `point` coordinate ([`RunCoord::point`]) of its runs.
    pub point: u64,
    /// The real columns of its rows, when they go into one file with other
    /// points' (a sweep's runs.csv: the union of all points'); `None`: the
    /// scenario's own ([`RealColumns::of`]).
    pub real: Option<&'a RealColumns>,
}

/// What [`Pool::run_points`] reports about a point, serially and in order.
#[derive(Debug)]
pub enum PointEvent<'a> {
    /// runs.csv rows of one chunk of the point, in run order (only when rows are asked for).
    Rows(&'a [u8]),
    /// The point is finished: its statistics, merged in chunk order, and
    /// the tally of its candidates (with a forecast, fewer than the runs
    /// asked for may have been kept).
    Done(RunStats, Tally),
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

    /// Simulates `spec.runs` kept runs of `scn`. Without a forecast every
    /// run is kept and run `i` is replicate `i`. With one, replicates are
    /// candidates, drawn in chunk order until `spec.runs` are kept (so the
    /// kept runs do not depend on the thread count), at most
    /// [`max_candidates`] of them, and no more once the acceptance rate is
    /// below the forecast's `min_acceptance` beyond doubt. Serially, in run order, after each chunk
    /// is merged: `write_rows` receives the rows of the chunk's kept runs
    /// (only if `spec.rows`), then `progress` the number of runs it kept.
    /// Returns the merged statistics of the kept runs and the tally of
    /// candidates (fewer than `spec.runs` kept if the candidates ran out);
    /// stops at the first error of `write_rows` or `progress` (so `progress`
    /// can stop a run at a chunk boundary).
    pub fn run<E>(
        &self,
        scn: &Scenario,
        spec: RunSpec,
        write_rows: impl FnMut(&[u8]) -> Result<(), E>,
        progress: impl FnMut(u64) -> Result<(), E>,
    ) -> Result<Ran, E> {
        let metrics = Metrics::new(scn);
        let real = RealColumns::of(scn, &metrics);
        self.run_with(scn, &metrics, &real, spec, write_rows, progress)
    }

    /// [`Pool::run`] with the rows' real columns given.
    fn run_with<E>(
        &self,
        scn: &Scenario,
        metrics: &Metrics,
        real: &RealColumns,
        spec: RunSpec,
        mut write_rows: impl FnMut(&[u8]) -> Result<(), E>,
        mut progress: impl FnMut(u64) -> Result<(), E>,
    ) -> Result<Ran, E> {
        let mut total = RunStats::new(metrics.len(), scn.clock.horizon);
        let mut tally = Tally::new(scn);
        let candidates = max_candidates(scn, spec.runs);
        let n_chunks = candidates.div_ceil(CHUNK);
        let mut next = 0;
        'batches: while next < n_chunks {
            let end = (next + BATCH_CHUNKS).min(n_chunks);
            let results: Vec<Chunk> = self.pool.install(|| {
                (next..end)
                    .into_par_iter()
                    .map(|c| {
                        run_chunk(
                            scn,
                            metrics,
                            real,
                            spec,
                            chunk_range(c, candidates),
                            u64::MAX,
                        )
                    })
                    .collect()
            });
            for (c, mut chunk) in (next..end).zip(results) {
                let left = spec.runs - tally.kept;
                if scn.forecast.is_some() && chunk.kept >= left {
                    // The last chunk needed: keep only its first `left`
                    // runs, and count no candidate after the last of them.
                    chunk = run_chunk(scn, metrics, real, spec, chunk_range(c, candidates), left);
                }
                total.merge(&chunk.stats);
                tally.add(&chunk);
                if spec.rows {
                    write_rows(&chunk.rows)?;
                }
                progress(chunk.kept)?;
                if tally.kept == spec.runs || hopeless(scn, &tally) {
                    break 'batches;
                }
            }
            next = end;
        }
        Ok(Ran {
            stats: total,
            tally,
        })
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
    /// first error of `report` or `progress`.
    pub fn run_points<E>(
        &self,
        points: &[PointSpec<'_>],
        runs: u64,
        master_seed: u64,
        rows: bool,
        mut report: impl FnMut(usize, PointEvent<'_>) -> Result<(), E>,
        mut progress: impl FnMut(u64) -> Result<(), E>,
    ) -> Result<(), E> {
        let metrics: Vec<Metrics> = points.iter().map(|p| Metrics::new(p.scenario)).collect();
        let own: Vec<RealColumns> = points
            .iter()
            .zip(&metrics)
            .map(|(p, m)| RealColumns::of(p.scenario, m))
            .collect();
        let real = |k: usize| points[k].real.unwrap_or(&own[k]);
        if points.iter().any(|p| p.scenario.forecast.is_some()) {
            // Candidates are drawn until enough are kept: point by point.
            for (k, p) in points.iter().enumerate() {
                let spec = RunSpec {
                    runs,
                    master_seed,
                    point: p.point,
                    rows,
                };
                let ran = self.run_with(
                    p.scenario,
                    &metrics[k],
                    real(k),
                    spec,
                    |r| report(k, PointEvent::Rows(r)),
                    &mut progress,
                )?;
                report(k, PointEvent::Done(ran.stats, ran.tally))?;
            }
            return Ok(());
        }
        let n_chunks = runs.div_ceil(CHUNK);
        let jobs: Vec<(usize, u64)> = (0..points.len())
            .flat_map(|k| (0..n_chunks).map(move |c| (k, c)))
            .collect();
        let mut current: Option<(usize, RunStats)> = None;
        for batch in jobs.chunks(POINT_BATCH_CHUNKS) {
            let results: Vec<Chunk> = self.pool.install(|| {
                batch
                    .par_iter()
                    .map(|&(k, c)| {
                        let spec = RunSpec {
                            runs,
                            master_seed,
                            point: points[k].point,
                            rows,
                        };
                        let range = chunk_range(c, runs);
                        run_chunk(
                            points[k].scenario,
                            &metrics[k],
                            real(k),
                            spec,
                            range,
                            u64::MAX,
                        )
                    })
                    .collect()
            });
            for (&(k, c), chunk) in batch.iter().zip(&results) {
                let (stats, chunk_rows) = (&chunk.stats, &chunk.rows);
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
                        let tally = Tally {
                            candidates: runs,
                            kept: runs,
                            rejected: Vec::new(),
                        };
                        report(k, PointEvent::Done(t, tally))?;
                    }
                }
                progress(chunk_len(c, runs))?;
            }
        }
        Ok(())
    }
}

/// What the candidates of a run gave: how many were tried and kept, and
/// how many broke each fact (a candidate that breaks several facts counts
/// against each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Candidates simulated.
    pub candidates: u64,
    /// Candidates kept (runs).
    pub kept: u64,
    /// Per fact of the forecast, the candidates that broke it (empty without one).
    pub rejected: Vec<u64>,
}

impl Tally {
    fn new(scn: &Scenario) -> Tally {
        Tally {
            candidates: 0,
            kept: 0,
            rejected: vec![0; scn.forecast.as_ref().map_or(0, |f| f.facts.len())],
        }
    }

    fn add(&mut self, c: &Chunk) {
        self.candidates += c.tried;
        self.kept += c.kept;
        for (t, r) in self.rejected.iter_mut().zip(&c.rejected) {
            *t += r;
        }
    }

    /// The share of candidates kept (1 without candidates).
    pub fn acceptance(&self) -> f64 {
        if self.candidates == 0 {
            1.0
        } else {
            self.kept as f64 / self.candidates as f64
        }
    }

    /// The fact that rejected the most candidates (the first on ties), if any did.
    pub fn worst_fact(&self) -> Option<usize> {
        let (i, n) = self
            .rejected
            .iter()
            .enumerate()
            .rev()
            .max_by_key(|&(_, n)| *n)?;
        (*n > 0).then_some(i)
    }
}

/// What [`Pool::run`] returns: the kept runs' statistics and the tally.
#[derive(Debug)]
pub struct Ran {
    /// Statistics of the kept runs, merged in chunk order.
    pub stats: RunStats,
    /// Candidates tried and kept.
    pub tally: Tally,
}

/// The most candidates a run of `runs` kept runs may try: `runs` without a
/// forecast, `runs / min_acceptance` (rounded up) with one.
pub fn max_candidates(scn: &Scenario, runs: u64) -> u64 {
    match &scn.forecast {
        None => runs,
        Some(f) => {
            let n = (runs as f64 / f.min_acceptance).ceil();
            if n >= u64::MAX as f64 {
                u64::MAX
            } else {
                (n as u64).max(runs)
            }
        }
    }
}

/// Confidence of the early stop in [`hopeless`]: z of a one-sided 99.95% bound.
const HOPELESS_Z: f64 = 3.29;

/// True when a forecast's acceptance rate is below its `min_acceptance`
/// beyond doubt (the upper end of the Wilson interval at z = 3.29 is below
/// it): trying the remaining candidates would only confirm it. Decided on
/// the tally in chunk order, so it does not depend on the thread count.
fn hopeless(scn: &Scenario, tally: &Tally) -> bool {
    match &scn.forecast {
        Some(f) => wilson(tally.kept, tally.candidates, HOPELESS_Z).1 < f.min_acceptance,
        None => false,
    }
}

/// One chunk's kept runs: statistics, runs.csv rows, and its tally.
struct Chunk {
    stats: RunStats,
    rows: Vec<u8>,
    tried: u64,
    kept: u64,
    rejected: Vec<u64>,
}

/// Simulates the candidates `replicates` of `spec` (on a worker thread),
/// keeping at most `limit` runs: it stops at the candidate that would be the
/// next kept one.
fn run_chunk(
    scn: &Scenario,
    metrics: &Metrics,
    real: &RealColumns,
    spec: RunSpec,
    replicates: Range<u64>,
    limit: u64,
) -> Chunk {
    let n_facts = scn.forecast.as_ref().map_or(0, |f| f.facts.len());
    let mut c = Chunk {
        stats: RunStats::new(metrics.len(), scn.clock.horizon),
        rows: Vec::new(),
        tried: 0,
        kept: 0,
        rejected: vec![0; n_facts],
    };
    let mut ws = Workspace::new(scn);
    let mut out = Outcome::for_scenario(scn);
    let mut values = vec![0.0; metrics.len()];
    for replicate in replicates {
        if c.kept == limit {
            break;
        }
        let coord = RunCoord::new(spec.master_seed, spec.point, replicate);
        let mut rng = run_rng(coord);
        simulate(scn, &mut rng, &mut ws, &mut out, &mut ());
        c.tried += 1;
        if out.rejected.is_some() {
            for (n, &b) in c.rejected.iter_mut().zip(&out.broken) {
                *n += u64::from(b);
            }
            continue;
        }
        c.kept += 1;
        metrics.values(&out, &mut values);
        c.stats.add(&values, &out);
        if spec.rows {
            RunsCsv::append_row(&mut c.rows, scn, metrics, real, coord, &out, &values);
        }
    }
    c
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
