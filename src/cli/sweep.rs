//! `standoff sweep`: run a sweep file's points, or resume a sweep folder.
//!
//! Every point's scenario is validated before anything runs or is written.
//! Points are simulated in groups, in parallel over (point, chunk) jobs
//! (`runner::Pool::run_points`); each finished point is written at once, atomically,
//! as `points/<i>.csv`. The final `sweep_summary.csv` is assembled from those
//! files, so an interrupted sweep completed with `--resume` ends with the same
//! bytes as an uninterrupted one. See `sweep::store` for the folder layout.
//!
//! Test hook: [`HALT_AFTER_POINTS`] stops a sweep at a known point, so that
//! the tests can interrupt it deterministically.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;

use super::{
    default_out, invocation, now_secs, out_dir, pool, progress_bar, BadInput, Interrupt,
    Interrupted,
};
use crate::outcome::Metrics;
use crate::output::{self, AtomicFile, Manifest, OutputDir, RunInfo, RunsCsv};
use crate::runner::{self, PointEvent, PointSpec, Pool};
use crate::sweep::store::{self, State};
use crate::sweep::{self, Point, Sweep, SweepError};

/// Arguments of `sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Sweep file (TOML). With --resume it is optional; if given, it (and its
    /// base scenario) must be the same as the copies kept in the folder.
    #[arg(required_unless_present = "resume")]
    pub sweep: Option<PathBuf>,
    /// Output folder (default: sweeps/NAME-TIME, TIME in UTC). It must not hold a sweep already.
    #[arg(long, conflicts_with = "resume")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder of an earlier sweep (finished or not): its files are removed
    /// first (refused if it holds anything standoff does not write).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Complete the interrupted sweep in this folder.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Runs per point, overriding the file's `replicates` (e.g. reduced runs for CI).
    #[arg(long, conflicts_with = "resume")]
    pub runs: Option<u64>,
    /// Master seed, overriding the file's `seed`.
    #[arg(long, conflicts_with = "resume")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress (bar or lines) and no closing message.
    #[arg(long)]
    pub quiet: bool,
    /// Also write each point's runs as points/I/runs.csv.
    #[arg(long, conflicts_with = "resume")]
    pub runs_csv: bool,
}

/// Sweep errors are input errors (exit code 2): their whole chain, as one message.
fn bad_input(e: SweepError) -> anyhow::Error {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    BadInput(msg).into()
}

/// Points per group handed to the runner at once (bounds the memory of
/// scenarios; results do not depend on it).
const GROUP: usize = 64;

/// Test hook, for the tests only: with this environment variable set to
/// `k`, the sweep, once exactly `k` points have been written in this
/// invocation (their files committed), stops as an interruption would
/// stop it: it writes no more points, no sweep_summary.csv and no
/// manifest, prints a line saying that it halted to stderr, and waits
/// for a signal: SIGINT or SIGTERM then ends it as they end any sweep
/// (should no signal come, it fails after [`HALT_WAIT`], still writing
/// nothing). `0` halts before the first
/// point; a `k` larger than the number of points to run never halts.
/// Unset, it changes nothing.
pub const HALT_AFTER_POINTS: &str = "STANDOFF_TEST_HALT_AFTER_POINTS";

/// How long a sweep halted by [`HALT_AFTER_POINTS`] waits to be killed.
const HALT_WAIT: Duration = Duration::from_secs(600);

/// How `execute` behaves, apart from what it computes and writes.
#[derive(Debug, Clone, Copy)]
struct Behaviour {
    /// No progress bar and no closing message.
    quiet: bool,
    /// The test hook [`HALT_AFTER_POINTS`], if set.
    halt_after_points: Option<usize>,
}

/// The value of the test hook [`HALT_AFTER_POINTS`] (read before anything is written).
fn halt_after_points() -> Result<Option<usize>> {
    let Some(v) = std::env::var_os(HALT_AFTER_POINTS) else {
        return Ok(None);
    };
    match v.to_str().and_then(|t| t.parse().ok()) {
        Some(k) => Ok(Some(k)),
        None => Err(BadInput(format!(
            "{HALT_AFTER_POINTS}={}: expected a number of points (it is a test hook: unset it)",
            v.to_string_lossy()
        ))
        .into()),
    }
}

/// The test hook's halt, once `written` points are written: says so and
/// waits for a signal; the error if none comes.
fn halt(pb: &super::Progress, written: usize, interrupt: &Interrupt) -> anyhow::Error {
    pb.abandon();
    eprintln!(
        "standoff: halted after {written} points were written ({HALT_AFTER_POINTS} is set); waiting to be killed"
    );
    let t0 = Instant::now();
    while t0.elapsed() < HALT_WAIT {
        if let Err(i) = interrupt.check() {
            return i.into();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    anyhow::anyhow!(
        "halted by {HALT_AFTER_POINTS} and not killed within {} s",
        HALT_WAIT.as_secs()
    )
}

/// Runs `standoff sweep`.
pub fn cmd_sweep(a: SweepArgs) -> Result<()> {
    let how = Behaviour {
        quiet: a.quiet,
        halt_after_points: halt_after_points()?,
    };
    match a.resume.clone() {
        Some(dir) => resume(a, &dir, how),
        None => start(a, how),
    }
}

fn start(a: SweepArgs, how: Behaviour) -> Result<()> {
    let path = a
        .sweep
        .as_deref()
        .ok_or_else(|| BadInput("a sweep file or --resume DIR is required".into()))?;
    let sw = sweep::load(path).map_err(bad_input)?;
    let seed = a.seed.unwrap_or(sw.seed);
    let replicates = a.runs.unwrap_or(sw.replicates);
    if replicates == 0 {
        return Err(BadInput("--runs: expected at least 1, found 0".into()).into());
    }
    let points = sw.points(seed).map_err(bad_input)?;
    let runs_metrics = sw.validate(&points, a.runs_csv).map_err(bad_input)?;
    let pool = pool(a.threads)?;
    let out = a.out.unwrap_or_else(|| default_out("sweeps", &sw.name));
    if !a.force && store::is_sweep_folder(&out) {
        return Err(BadInput(format!(
            "{}: holds a sweep already ({}): complete it with `standoff sweep --resume {}`, start it again with --force, or choose another folder",
            out.display(),
            store::STATE,
            out.display()
        ))
        .into());
    }
    let dir = out_dir(&out, a.force)?;
    let state = State::new(&sw, seed, replicates, a.runs_csv, points.len());
    write_bytes(&dir, store::SWEEP_COPY, sw.text.as_bytes())?;
    write_bytes(&dir, store::BASE_COPY, sw.base.text.as_bytes())?;
    dir.write_csv(
        store::POINTS_CSV,
        store::points_header(&sw),
        store::points_rows(&points),
    )?;
    // The state last: a folder with a state file has its copies.
    write_bytes(&dir, store::STATE, state.to_json().as_bytes())?;
    execute(&dir, &sw, &state, &points, runs_metrics, pool, how, true)
}

fn resume(a: SweepArgs, dir_path: &Path, how: Behaviour) -> Result<()> {
    let (state, sw) = sweep::open(dir_path).map_err(bad_input)?;
    if state.version != env!("CARGO_PKG_VERSION") {
        return Err(BadInput(format!(
            "{}: the sweep was started by standoff {}, this is {}: its results would differ; refusing to resume",
            dir_path.display(),
            state.version,
            env!("CARGO_PKG_VERSION")
        ))
        .into());
    }
    if let Some(given) = a.sweep.as_deref() {
        let g = sweep::load(given).map_err(bad_input)?;
        let differs = if g.text != sw.text {
            Some("the sweep file")
        } else if g.base.text != sw.base.text {
            Some("its base scenario")
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(BadInput(format!(
                "{}: {what} differs from the copy kept in {} (the sweep was started from other files); refusing to resume",
                given.display(),
                dir_path.display()
            ))
            .into());
        }
    }
    let points = sw.points(state.master_seed).map_err(bad_input)?;
    if points.len() != state.points {
        return Err(BadInput(format!(
            "{}: the sweep has {} points, but {} says {}; refusing to resume",
            dir_path.display(),
            points.len(),
            store::STATE,
            state.points
        ))
        .into());
    }
    let runs_metrics = sw.validate(&points, state.runs_csv).map_err(bad_input)?;
    let pool = pool(a.threads)?;
    let dir = OutputDir::create(dir_path)?;
    execute(&dir, &sw, &state, &points, runs_metrics, pool, how, false)
}

/// The scenario and coordinates of run `run` of point `point` of the sweep
/// in `dir` (`standoff replay --sweep DIR --point I --run R`).
pub fn replay_point(
    dir: &Path,
    point: usize,
    run: u64,
) -> Result<(crate::model::Scenario, crate::rng::RunCoord)> {
    let (state, sw) = sweep::open(dir).map_err(bad_input)?;
    let points = sw.points(state.master_seed).map_err(bad_input)?;
    let Some(p) = points.get(point) else {
        return Err(BadInput(format!(
            "--point {point}: the sweep in {} has {} points (0 to {})",
            dir.display(),
            points.len(),
            points.len().saturating_sub(1)
        ))
        .into());
    };
    let (_, scn) = sw.scenario(p).map_err(bad_input)?;
    if scn.forecast.is_none() && run >= state.replicates {
        return Err(BadInput(format!(
            "--run {run}: the sweep in {} ran {} runs per point (0 to {})",
            dir.display(),
            state.replicates,
            state.replicates - 1
        ))
        .into());
    }
    Ok((
        scn,
        crate::rng::RunCoord::new(state.master_seed, p.rng_point, run),
    ))
}

fn write_bytes(dir: &OutputDir, name: &str, bytes: &[u8]) -> Result<()> {
    let mut f = dir.stream(name)?;
    f.write_all(bytes)
        .with_context(|| format!("writing {}", dir.path().join(name).display()))?;
    f.commit()?;
    Ok(())
}

/// Runs the points (when resuming, only those not finished), then writes
/// sweep_summary.csv, runs.csv (with `--runs-csv`: `runs_metrics` are the
/// metrics every point shares) and the manifest.
#[allow(clippy::too_many_arguments)]
fn execute(
    dir: &OutputDir,
    sw: &Sweep,
    state: &State,
    points: &[Point],
    runs_metrics: Option<sweep::RunsColumns>,
    pool: Pool,
    how: Behaviour,
    fresh: bool,
) -> Result<()> {
    let quiet = how.quiet;
    let interrupt = Interrupt::install().context("installing the SIGINT and SIGTERM handlers")?;
    let started = now_secs();
    let t0 = Instant::now();
    let root = dir.path().to_path_buf();
    OutputDir::create(root.join(store::POINTS_DIR))?;
    let header = store::encode_csv([store::summary_header(sw)])?;
    // Some exactly when runs are kept (`validate` with `state.runs_csv`).
    let runs_header = match &runs_metrics {
        Some(c) => Some(store::encode_csv([RunsCsv::sweep_header(
            &c.metrics,
            &store::param_columns(sw),
        )])?),
        None => None,
    };
    let pending: Vec<&Point> = points
        .iter()
        .filter(|p| fresh || !store::point_done(&root, p.index, state.runs_csv))
        .collect();
    let pb = progress_bar(pending.len() as u64 * state.replicates, quiet, "runs");
    // Points written so far by this invocation (for the test hook).
    let mut written = 0usize;
    // What an interruption says: what was done, and how to resume.
    let stopped = |e: anyhow::Error, written: usize| {
        if !e.is::<Interrupted>() {
            return e.context("writing the sweep's point files");
        }
        let done = points.len() - pending.len() + written;
        e.context(format!(
            "stopped with {done} of {} points written in {} (no .partial file, no sweep_summary.csv, no manifest); resume with `standoff sweep --resume {}`",
            points.len(),
            root.display(),
            root.display()
        ))
    };
    if how.halt_after_points == Some(written) {
        return Err(stopped(halt(&pb, written, &interrupt), written));
    }
    // "point k/n": the point whose runs are being merged.
    let stage = |k: usize| pb.set_stage(&format!("point {}/{}", k + 1, pending.len()));
    stage(0);
    for group in pending.chunks(GROUP) {
        let (raws, scenarios): (Vec<_>, Vec<_>) = group
            .iter()
            .map(|p| sw.scenario(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad_input)?
            .into_iter()
            .unzip();
        let specs: Vec<PointSpec<'_>> = group
            .iter()
            .zip(&scenarios)
            .map(|(p, s)| PointSpec {
                scenario: s,
                point: p.rng_point,
                real: runs_metrics.as_ref().map(|c| &c.real),
            })
            .collect();
        let metrics: Vec<Metrics> = scenarios.iter().map(Metrics::new).collect();
        let mut runs_file: Option<AtomicFile> = None;
        let mut led = Vec::new();
        let result = pool.run_points(
            &specs,
            state.replicates,
            state.master_seed,
            state.runs_csv,
            |k, ev| -> Result<()> {
                let p = group[k];
                match ev {
                    PointEvent::Rows(rows) => {
                        if runs_file.is_none() {
                            OutputDir::create(root.join(store::point_dir(p.index)))?;
                            let mut f = dir.stream(&store::point_runs_file(p.index))?;
                            f.write_all(runs_header.as_deref().unwrap_or_default())?;
                            runs_file = Some(f);
                        }
                        if let Some(f) = runs_file.as_mut() {
                            led.clear();
                            RunsCsv::append_led(&mut led, &store::runs_lead(p)?, rows);
                            f.write_all(&led)?;
                        }
                    }
                    PointEvent::Done(stats, tally) => {
                        if tally.kept < state.replicates {
                            let e = super::forecast::check_kept(
                                &format!("{} (point {})", sw.base.file, p.index),
                                &scenarios[k],
                                &tally,
                                state.replicates,
                            );
                            if let Some(f) = runs_file.take() {
                                f.discard()?;
                            }
                            e?;
                        }
                        if let Some(f) = runs_file.take() {
                            f.commit()?;
                        }
                        OutputDir::create(root.join(store::point_dir(p.index)))?;
                        write_bytes(
                            dir,
                            &store::point_scenario_file(p.index),
                            point_scenario(sw, p, &raws[k]).as_bytes(),
                        )?;
                        let rows = store::summary_rows_of(p, &scenarios[k], &metrics[k], &stats);
                        let mut bytes = header.clone();
                        bytes.extend(store::encode_csv(rows)?);
                        write_bytes(dir, &store::point_file(p.index), &bytes)?;
                        written += 1;
                        if how.halt_after_points == Some(written) {
                            return Err(halt(&pb, written, &interrupt));
                        }
                        if written < pending.len() {
                            stage(written);
                        }
                    }
                }
                Ok(())
            },
            |n| {
                pb.inc(n);
                Ok(interrupt.check()?)
            },
        );
        if let Err(e) = result {
            pb.abandon();
            // Dropping an unfinished points/I/runs.csv removes its .partial file.
            drop(runs_file);
            return Err(stopped(e, written));
        }
    }
    pb.finish_and_clear();

    let mut summary = header.clone();
    for p in points {
        summary.extend(store::read_point_body(&root, p.index, &header).map_err(bad_input)?);
    }
    write_bytes(dir, store::SUMMARY_CSV, &summary)?;
    if let Some(h) = &runs_header {
        assemble_runs(dir, points, h)?;
    }

    let mut files: Vec<String> = [
        store::SWEEP_COPY,
        store::BASE_COPY,
        store::STATE,
        store::POINTS_CSV,
    ]
    .map(String::from)
    .to_vec();
    for p in points {
        files.push(store::point_file(p.index));
        files.push(store::point_scenario_file(p.index));
    }
    files.push(store::SUMMARY_CSV.into());
    if state.runs_csv {
        files.push(store::RUNS_CSV.into());
    }
    files.push(output::MANIFEST.into());
    let config = serde_json::json!({
        "sweep": serde_json::to_value(&sw.raw).context("serialising the sweep")?,
        "base": serde_json::to_value(&sw.base.loaded.raw).context("serialising the base scenario")?,
    });
    let manifest = Manifest::new(
        "sweep",
        &sw.base.loaded.scenario.name,
        &sw.file,
        config,
        RunInfo {
            invocation: invocation(),
            master_seed: state.master_seed,
            runs: state.replicates,
            threads: pool.threads(),
            chunk_size: runner::CHUNK,
            files,
            started_secs: started,
            finished_secs: now_secs(),
            wall_seconds: t0.elapsed().as_secs_f64(),
        },
    );
    dir.write_manifest(&manifest)?;
    if !quiet {
        eprintln!(
            "{} points x {} runs of {} ({} run now) -> {}",
            points.len(),
            state.replicates,
            sw.base.loaded.scenario.name,
            pending.len(),
            root.display()
        );
    }
    Ok(())
}

/// The text of `points/<i>/scenario.toml`: a comment saying what the point
/// is and how its runs are seeded, then its scenario as resolved.
fn point_scenario(sw: &Sweep, p: &Point, raw: &crate::config::RawScenario) -> String {
    format!(
        "# Point {} of the sweep {} ({}), its scenario as resolved (every default filled in).\n\
         # Its runs draw from the generators at rng_point = {} (sweep_points.csv): replay\n\
         # run R of it with `standoff replay --sweep DIR --point {} --run R`.\n{}",
        p.index,
        sw.file,
        sw.describe(p),
        p.rng_point,
        p.index,
        crate::config::resolved_toml(raw)
    )
}

/// Writes the sweep's runs.csv: `header`, then each point's runs.csv
/// after its header, in point order (byte for byte, as sweep_summary.csv
/// is assembled); then removes the points' runs.csv. Already assembled
/// (a resumed sweep stopped after it), it only removes what is left.
fn assemble_runs(dir: &OutputDir, points: &[Point], header: &[u8]) -> Result<()> {
    let root = dir.path();
    if !store::runs_assembled(root) {
        let mut f = dir.stream(store::RUNS_CSV)?;
        f.write_all(header)?;
        for p in points {
            let body = store::read_point_runs(root, p.index, header).map_err(bad_input)?;
            f.write_all(&body)?;
        }
        f.commit()?;
    }
    for p in points {
        dir.remove(&store::point_runs_file(p.index))?;
    }
    Ok(())
}
