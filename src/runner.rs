//! The Monte Carlo runner: the only module that uses rayon.
//!
//! Runs are cut into chunks of `CHUNK` runs whose boundaries do not depend on
//! the thread count. A batch of chunks is simulated in parallel; the chunk
//! results (statistics and formatted runs.csv rows) come back in chunk order
//! and are merged and written serially. So the output is byte-identical for
//! any number of threads, and memory is bounded by one batch whatever the
//! number of runs.

use crate::engine::{simulate, Workspace};
use crate::model::Scenario;
use crate::outcome::{metric_names, metric_values, Outcome};
use crate::output;
use crate::rng::run_rng;
use crate::stats::RunStats;
use rayon::prelude::*;

/// Runs per chunk (fixed: part of the reproducibility contract only through
/// the order of floating-point merges in the summaries).
pub const CHUNK: u64 = 1024;
/// Chunks simulated between two serial merges.
const BATCH_CHUNKS: u64 = 32;

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

/// Simulates `spec.runs` runs of `scn` on the current rayon pool. `write_rows`
/// receives the runs.csv rows chunk by chunk, in run order (only if
/// `spec.rows`); `progress` is told how many runs finished (from worker
/// threads; it must not affect results). Returns the merged statistics.
pub fn run<E>(
    scn: &Scenario,
    spec: RunSpec,
    mut write_rows: impl FnMut(&[u8]) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunStats, E> {
    let n_metrics = metric_names(scn).len();
    let horizon = scn.clock.horizon;
    let mut total = RunStats::new(n_metrics, horizon);
    let n_chunks = spec.runs.div_ceil(CHUNK);
    let mut next = 0;
    while next < n_chunks {
        let end = (next + BATCH_CHUNKS).min(n_chunks);
        let results: Vec<(RunStats, Vec<u8>)> = (next..end)
            .into_par_iter()
            .map(|c| {
                let lo = c * CHUNK;
                let hi = ((c + 1) * CHUNK).min(spec.runs);
                let r = run_chunk(scn, spec, lo..hi, n_metrics);
                progress(hi - lo);
                r
            })
            .collect();
        for (stats, rows) in &results {
            total.merge(stats);
            if spec.rows {
                write_rows(rows)?;
            }
        }
        next = end;
    }
    Ok(total)
}

fn run_chunk(
    scn: &Scenario,
    spec: RunSpec,
    range: std::ops::Range<u64>,
    n_metrics: usize,
) -> (RunStats, Vec<u8>) {
    let mut stats = RunStats::new(n_metrics, scn.clock.horizon);
    let mut ws = Workspace::new(scn);
    let mut out = Outcome::for_scenario(scn);
    let mut values = vec![0.0; n_metrics];
    let mut rows = Vec::new();
    for i in range {
        let mut rng = run_rng(spec.master_seed, spec.point, i);
        simulate(scn, &mut rng, &mut ws, &mut out, &mut ());
        metric_values(&out, &mut values);
        stats.add(&values, &out);
        if spec.rows {
            output::RunsCsv::append_row(
                &mut rows,
                scn,
                i,
                spec.master_seed,
                spec.point,
                i,
                &out,
                &values,
            );
        }
    }
    (stats, rows)
}

/// Chunks simulated between two serial merges in [`run_points`].
const POINT_BATCH_CHUNKS: usize = 64;

/// One sweep point to simulate: its scenario and the `point` coordinate of
/// its runs' generators.
#[derive(Debug, Clone, Copy)]
pub struct PointSpec<'a> {
    /// The point's validated scenario.
    pub scenario: &'a Scenario,
    /// The `point` argument of `run_rng` for its runs.
    pub point: u64,
}

/// What [`run_points`] reports about a point, serially and in order.
#[derive(Debug)]
pub enum PointEvent<'a> {
    /// runs.csv rows of one chunk of the point, in run order (only when rows are asked for).
    Rows(&'a [u8]),
    /// The point is finished: its statistics, merged in chunk order.
    Done(RunStats),
}

/// Simulates `runs` runs of each point on the current rayon pool, in
/// parallel over (point, chunk) jobs, so that many points with few runs keep
/// every thread busy. Chunk boundaries are those of [`run`] (`CHUNK` runs),
/// so a point's statistics and rows are exactly what `run` gives with
/// `RunSpec { point: spec.point, .. }`, whatever the thread count.
///
/// `report(k, event)` is called serially: for point `k` (an index into
/// `points`), its rows chunk by chunk (only if `rows`), then `Done`; points
/// in order. `progress` is told how many runs finished (from worker threads).
pub fn run_points<E>(
    points: &[PointSpec<'_>],
    runs: u64,
    master_seed: u64,
    rows: bool,
    mut report: impl FnMut(usize, PointEvent<'_>) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), E> {
    let n_chunks = runs.div_ceil(CHUNK);
    let jobs: Vec<(usize, u64)> = (0..points.len())
        .flat_map(|k| (0..n_chunks).map(move |c| (k, c)))
        .collect();
    let mut current: Option<(usize, RunStats)> = None;
    for batch in jobs.chunks(POINT_BATCH_CHUNKS) {
        let results: Vec<(RunStats, Vec<u8>)> = batch
            .par_iter()
            .map(|&(k, c)| {
                let p = points[k];
                let spec = RunSpec {
                    runs,
                    master_seed,
                    point: p.point,
                    rows,
                };
                let lo = c * CHUNK;
                let hi = ((c + 1) * CHUNK).min(runs);
                let r = run_chunk(p.scenario, spec, lo..hi, metric_names(p.scenario).len());
                progress(hi - lo);
                r
            })
            .collect();
        for (&(k, c), (stats, chunk_rows)) in batch.iter().zip(&results) {
            if current.as_ref().is_none_or(|(j, _)| *j != k) {
                let scn = points[k].scenario;
                current = Some((k, RunStats::new(metric_names(scn).len(), scn.clock.horizon)));
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
        }
    }
    Ok(())
}

/// Simulates one run alone (for `replay` and tests), with an observer.
pub fn replay<O: crate::engine::Observer>(
    scn: &Scenario,
    master_seed: u64,
    point: u64,
    replicate: u64,
    obs: &mut O,
) -> Outcome {
    let mut ws = Workspace::new(scn);
    let mut out = Outcome::for_scenario(scn);
    let mut rng = run_rng(master_seed, point, replicate);
    simulate(scn, &mut rng, &mut ws, &mut out, obs);
    out
}
