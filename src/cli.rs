//! The command line: argument parsing, progress bars and the glue between
//! config, runner and output. The only module that uses clap, indicatif and
//! anyhow.

use crate::config::{self, ConfigError, Loaded};
use crate::outcome::Metrics;
use crate::output::{Invocation, Manifest, OutputDir, OutputError, RunInfo, RunsCsv, TraceCsv};
use crate::rng::RunCoord;
use crate::runner::{self, Pool, PoolError, RunSpec};
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

mod author;
pub mod forecast;
mod interrupt;
mod progress;
pub mod sweep;
pub mod usage;
mod validate;

pub use interrupt::{Interrupt, Interrupted};
pub use progress::Progress;

/// standoff: Monte Carlo simulation of coercive bilateral bargaining.
#[derive(Debug, Parser)]
#[command(
    name = "standoff",
    version = env!("STANDOFF_LONG_VERSION"),
    about,
    long_about = None,
    after_help = usage::TOP
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run many seeded negotiations and write outcome distributions as CSV.
    #[command(after_help = usage::RUN)]
    Run(RunArgs),
    /// Replay one run and print its round-by-round trace as CSV on stdout.
    #[command(after_help = usage::REPLAY)]
    Replay(ReplayArgs),
    /// Run a sweep file's points (or resume an interrupted sweep) and write sweep_summary.csv.
    #[command(after_help = usage::SWEEP)]
    Sweep(sweep::SweepArgs),
    /// Run the theory configs through the engine and compare with bargaining theory (exit 1 on a failure).
    #[command(after_help = usage::VALIDATE)]
    Validate(validate::ValidateArgs),
    /// Validate a scenario file and print it as resolved (defaults filled in); warn on stderr
    /// about dates past the horizon and levers or events that can never happen.
    #[command(after_help = usage::CHECK)]
    Check {
        /// Scenario file (TOML).
        config: PathBuf,
    },
    /// Forecast from several dates (the facts dated on or before each) and write forecast.csv.
    #[command(after_help = usage::FORECAST)]
    Forecast(forecast::ForecastArgs),
    /// List the built-in scenarios (run any of them by name: `standoff run NAME`).
    Scenarios,
    /// Print a completion script for a shell on stdout (bash, zsh, fish, elvish, powershell).
    Completions(usage::CompletionsArgs),
    /// Print the man page (roff) on stdout: `standoff man > ~/.local/share/man/man1/standoff.1`.
    Man,
    /// Print the JSON Schema of scenario files (or, with --markdown, the key reference).
    Schema(author::SchemaArgs),
    /// Write a commented scenario that runs, to start from (NAME.toml; stdout without NAME).
    Init(author::InitArgs),
}

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML) or the name of a built-in scenario (`standoff scenarios`); the
    /// built-in 2025 Korea–US scenario if omitted.
    pub config: Option<PathBuf>,
    /// Number of runs (with a forecast: runs kept).
    #[arg(long, default_value_t = 10_000)]
    pub runs: u64,
    /// Forecast from this date (YYYY-MM-DD) with the scenario's facts dated on or before it.
    #[arg(long, conflicts_with = "no_forecast")]
    pub as_of: Option<String>,
    /// Leave out the scenario's [forecast]: run the model from clock.start ("what if" runs).
    #[arg(long)]
    pub no_forecast: bool,
    /// Seed and threads.
    #[command(flatten)]
    pub seeding: Seeding,
    /// Output folder (default: `runs/<scenario>-<UTC time>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the --out folder of an earlier run: its files are removed first (refused if it holds anything standoff does not write).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// No progress (bar or lines) and no closing line.
    #[arg(long)]
    pub quiet: bool,
    /// Do not write runs.csv (summaries then use memory independent of --runs).
    #[arg(long)]
    pub no_runs_csv: bool,
}

/// The master seed and the worker threads of a Monte Carlo command.
#[derive(Debug, Args)]
pub struct Seeding {
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Arguments of `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Scenario file (TOML) or the name of a built-in scenario; the built-in scenario if omitted.
    #[arg(conflicts_with = "sweep")]
    pub config: Option<PathBuf>,
    /// The forecast date the run was made with (`run --as-of`), if any.
    #[arg(long, conflicts_with_all = ["no_forecast", "sweep"])]
    pub as_of: Option<String>,
    /// The run was made with `--no-forecast`.
    #[arg(long, conflicts_with = "sweep")]
    pub no_forecast: bool,
    /// Master seed of the run (a sweep's is read from its folder).
    #[arg(long, default_value_t = 1, conflicts_with = "sweep")]
    pub seed: u64,
    /// Index of the run (the `run` column of runs.csv; with --sweep, the `replicate` column).
    #[arg(long)]
    pub run: u64,
    /// Replay a run of the sweep in this folder (written by `standoff sweep`), at --point.
    #[arg(long, value_name = "DIR", requires = "point")]
    pub sweep: Option<PathBuf>,
    /// With --sweep: the point's index (the `point` column of the sweep's runs.csv).
    #[arg(long, requires = "sweep")]
    pub point: Option<usize>,
}

/// A failure caused by the user's input (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The exit code for an error: 128 + the signal for an interruption (130
/// for SIGINT, 143 for SIGTERM), 2 for bad input, 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if let Some(i) = err.chain().find_map(|e| e.downcast_ref::<Interrupted>()) {
        i.exit_code()
    } else if err.chain().any(|e| {
        e.is::<ConfigError>()
            || e.is::<BadInput>()
            || matches!(
                e.downcast_ref(),
                Some(
                    OutputError::NotEmpty { .. }
                        | OutputError::NotStandoffFolder { .. }
                        | OutputError::Exists { .. }
                )
            )
    }) {
        2
    } else {
        1
    }
}

/// True if the error is a closed pipe (treated as success).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Replay(a) => cmd_replay(a),
        Command::Check { config } => cmd_check(&config),
        Command::Sweep(a) => sweep::cmd_sweep(a),
        Command::Validate(a) => validate::cmd_validate(a),
        Command::Forecast(a) => forecast::cmd_forecast(a),
        Command::Scenarios => cmd_scenarios(),
        Command::Completions(a) => usage::cmd_completions(a),
        Command::Man => usage::cmd_man(),
        Command::Schema(a) => author::cmd_schema(a),
        Command::Init(a) => author::cmd_init(a),
    }
}

/// The git commit this binary was built from (12 hex digits, `-dirty` if
/// its sources differed), when it was built from a git checkout (build.rs).
pub const COMMIT: Option<&str> = option_env!("STANDOFF_COMMIT");

/// This process's command line and the build's commit, for manifest.json.
pub fn invocation() -> Invocation {
    Invocation {
        argv: std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        commit: COMMIT.map(String::from),
    }
}

/// The `--out` folder of a new run or sweep: a new or empty one, or with
/// `force` one that standoff wrote, emptied of its files
/// ([`OutputDir::replace`]).
pub fn out_dir(path: &Path, force: bool) -> Result<OutputDir, OutputError> {
    if force {
        OutputDir::replace(path)
    } else {
        OutputDir::create_new(path)
    }
}

/// Loads a scenario file, a built-in scenario by name (when no such file
/// exists), or the default built-in scenario.
pub fn load(config: Option<&Path>) -> Result<Loaded> {
    Ok(match config {
        Some(p) if !p.exists() => match p.to_str().and_then(config::builtin_named) {
            Some(l) => l,
            None => config::load_file(p)?,
        },
        Some(p) => config::load_file(p)?,
        None => config::builtin(),
    })
}

/// The runner's pool of `--threads` workers (all cores if None); zero is bad input.
pub fn pool(threads: Option<usize>) -> Result<Pool> {
    if let Some(t) = threads.filter(|&t| t > MAX_THREADS) {
        return Err(BadInput(format!(
            "--threads: expected at most {MAX_THREADS} worker threads, found {t}"
        ))
        .into());
    }
    match Pool::new(threads) {
        Ok(p) => Ok(p),
        Err(PoolError::ZeroThreads) => {
            Err(BadInput("--threads: expected at least 1, found 0".into()).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The most worker threads `--threads` accepts (far more than any machine
/// this runs on has cores; results do not depend on the count).
pub const MAX_THREADS: usize = 1024;

/// Progress over `len` units on stderr: a bar on a terminal, plain lines
/// otherwise, nothing when quiet ([`Progress`]).
pub fn progress_bar(len: u64, quiet: bool, what: &str) -> Progress {
    Progress::new(len, quiet, what)
}

/// Seconds since the UNIX epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `runs/<name>-<UTC time>`, or with `-2`, `-3`, ... added when that
/// folder exists (two runs in the same second get folders of their own).
pub fn default_out(prefix: &str, name: &str) -> PathBuf {
    let ts = crate::date::rfc3339_utc(now_secs())
        .replace([':', '-'], "")
        .trim_end_matches('Z')
        .to_string();
    let base = PathBuf::from(prefix).join(format!("{name}-{ts}"));
    if !base.exists() {
        return base;
    }
    (2u32..10_000)
        .map(|k| PathBuf::from(prefix).join(format!("{name}-{ts}-{k}")))
        .find(|p| !p.exists())
        .unwrap_or(base)
}

fn cmd_run(a: RunArgs) -> Result<()> {
    if a.runs == 0 {
        return Err(BadInput("--runs: expected at least 1, found 0".into()).into());
    }
    let loaded = forecast::cut(
        load(a.config.as_deref())?,
        a.as_of.as_deref(),
        a.no_forecast,
    )?;
    let scn = &loaded.scenario;
    let metrics = Metrics::new(scn);
    let pool = pool(a.seeding.threads)?;
    let out_path = a.out.unwrap_or_else(|| default_out("runs", &scn.name));
    let interrupt = Interrupt::install().context("installing the SIGINT and SIGTERM handlers")?;
    let dir = out_dir(&out_path, a.force)?;
    let started = now_secs();
    let t0 = Instant::now();
    let mut runs_file = if a.no_runs_csv {
        None
    } else {
        let mut f = dir.stream("runs.csv")?;
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(RunsCsv::header(&metrics))?;
        f.write_all(&w.into_inner().context("csv header")?)?;
        Some(f)
    };
    let pb = progress_bar(a.runs, a.quiet, "runs");
    let spec = RunSpec {
        runs: a.runs,
        master_seed: a.seeding.seed,
        point: 0,
        rows: runs_file.is_some(),
    };
    let mut done = 0;
    let stats = pool.run(
        scn,
        spec,
        |rows| -> Result<()> {
            if let Some(f) = runs_file.as_mut() {
                f.write_all(rows)?;
            }
            Ok(())
        },
        |n| {
            pb.inc(n);
            done += n;
            Ok(interrupt.check()?)
        },
    );
    let ran = match stats {
        Ok(s) => s,
        Err(e) => {
            pb.abandon();
            // Dropping the unfinished runs.csv removes its .partial file.
            drop(runs_file);
            dir.remove_if_empty();
            if e.is::<Interrupted>() {
                return Err(e.context(format!(
                    "stopped after {done} of {} runs; {} holds no output of this run (no .partial file, no manifest); a run does not resume: run it again",
                    a.runs,
                    out_path.display()
                )));
            }
            return Err(e).context("writing runs.csv");
        }
    };
    pb.finish_and_clear();
    if let Err(e) = forecast::check_kept(&loaded.file, scn, &ran.tally, a.runs) {
        if let Some(f) = runs_file {
            f.discard()?;
        }
        dir.remove_if_empty();
        return Err(e);
    }
    let stats = &ran.stats;
    let mut files = Vec::new();
    if let Some(f) = runs_file {
        f.commit()?;
        files.push("runs.csv".to_string());
    }
    dir.write_summary(scn, &metrics, stats)?;
    dir.write_histograms(&metrics, stats)?;
    dir.write_survival(scn, stats)?;
    files.extend(["summary.csv", "histograms.csv", "survival.csv"].map(String::from));
    files.push("manifest.json".into());
    let manifest = Manifest::new(
        "run",
        &scn.name,
        &loaded.file,
        serde_json::to_value(&loaded.raw).context("serialising the resolved config")?,
        RunInfo {
            invocation: invocation(),
            master_seed: a.seeding.seed,
            runs: a.runs,
            threads: pool.threads(),
            chunk_size: runner::CHUNK,
            files,
            started_secs: started,
            finished_secs: now_secs(),
            wall_seconds: t0.elapsed().as_secs_f64(),
        },
    )
    .with_forecast(forecast::info(&loaded, &ran.tally));
    dir.write_manifest(&manifest)?;
    if !a.quiet {
        let deal = stats.metrics[metrics.deal].moments.mean;
        let kept = match &scn.forecast {
            Some(f) => format!(
                ", as of {}: kept {} of {} candidates",
                f.as_of, ran.tally.kept, ran.tally.candidates
            ),
            None => String::new(),
        };
        eprintln!(
            "{} runs of {} -> {} (P(deal) = {:.3}{kept})",
            a.runs,
            scn.name,
            out_path.display(),
            deal
        );
    }
    Ok(())
}

fn cmd_replay(a: ReplayArgs) -> Result<()> {
    let (scn, coord) = match (&a.sweep, a.point) {
        (Some(dir), Some(point)) => sweep::replay_point(dir, point, a.run)?,
        _ => {
            let loaded = forecast::cut(
                load(a.config.as_deref())?,
                a.as_of.as_deref(),
                a.no_forecast,
            )?;
            (loaded.scenario, RunCoord::new(a.seed, 0, a.run))
        }
    };
    let scn = &scn;
    let stdout = std::io::stdout().lock();
    let mut trace = TraceCsv::new(scn, stdout)?;
    let out = runner::replay(scn, coord, &mut trace);
    match (out.rejected, &scn.forecast) {
        (Some(i), Some(f)) => {
            trace.finish("rejected")?;
            let fact = &f.facts[i];
            eprintln!(
                "candidate {} is not a run of the forecast: in round {} it broke {} ({})",
                a.run,
                out.end_round.min(fact.round),
                fact.key,
                fact.describe(scn)
            );
        }
        _ => trace.finish(out.kind.label())?,
    }
    Ok(())
}

fn cmd_scenarios() -> Result<()> {
    let mut o = std::io::stdout().lock();
    writeln!(o, "name\tdescription")?;
    for (name, _) in config::BUILTINS {
        if let Some(l) = config::builtin_named(name) {
            let d = l.raw.description.as_deref().unwrap_or("");
            writeln!(o, "{name}\t{d}")?;
        }
    }
    Ok(())
}

fn cmd_check(path: &Path) -> Result<()> {
    let loaded = config::load_file(path)?;
    for w in config::warnings(&loaded) {
        eprintln!("warning: {w}");
    }
    let s = &loaded.scenario;
    let mut o = std::io::stdout().lock();
    writeln!(
        o,
        "# {}: valid. {} rounds of {} days from {}; {} issues, {} levers, {} events; offer paths of {} and {} points.",
        loaded.file,
        s.clock.horizon,
        s.clock.days_per_round,
        s.clock.start,
        s.issues.len(),
        s.levers.len(),
        s.events.len(),
        s.paths[0].len(),
        s.paths[1].len()
    )?;
    if let Some(f) = &s.clock.focal {
        writeln!(
            o,
            "# focal deadline {} on {} = round {}",
            f.name, f.date, f.round
        )?;
    }
    if let Some(f) = &s.forecast {
        writeln!(
            o,
            "# forecast as of {}: rounds 0-{} ({} to {}) are the observed history, the forecast starts at round {} ({}); {} facts, talks open included",
            f.as_of,
            f.last_round,
            s.clock.start,
            s.clock.date_of(f.last_round),
            f.last_round + 1,
            s.clock.date_of(f.last_round + 1),
            f.facts.len()
        )?;
    }
    write!(o, "{}", config::resolved_toml(&loaded.raw))?;
    Ok(())
}
