//! Forecasts from a date: `run --as-of`, the check that enough candidates
//! were kept, and the `forecast` command (one forecast per as-of date, into
//! forecast.csv).

use super::{
    default_out, invocation, load, now_secs, out_dir, pool, progress_bar, BadInput, Interrupt,
    Seeding,
};
use crate::config::{self, Loaded};
use crate::model::Scenario;
use crate::outcome::Metrics;
use crate::output::{forecast_rows, ForecastInfo, Manifest, RunInfo};
use crate::runner::{self, RunSpec, Tally};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Scenario file (TOML) or the name of a built-in scenario (default: the built-in 2025 Korea–US scenario).
    pub config: Option<PathBuf>,
    /// The dates to forecast from, comma-separated (e.g. 2025-08-31,2025-10-27), each on or
    /// before the scenario's forecast.as_of: each uses the facts dated on or before it.
    #[arg(long, value_delimiter = ',', required = true)]
    pub as_of: Vec<String>,
    /// Kept runs per date.
    #[arg(long, default_value_t = 10_000)]
    pub runs: u64,
    /// Seed and threads.
    #[command(flatten)]
    pub seeding: Seeding,
    /// Output folder (default: `runs/<scenario>-forecast-<UTC time>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the --out folder of an earlier run: its files are removed first (refused if it holds anything standoff does not write).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// No progress (bar or lines) and no closing line.
    #[arg(long)]
    pub quiet: bool,
}

/// The scenario cut at `--as-of`, or without its forecast (`--no-forecast`),
/// or unchanged.
pub fn cut(loaded: Loaded, as_of: Option<&str>, no_forecast: bool) -> Result<Loaded> {
    Ok(match as_of {
        Some(d) => config::cut_at(&loaded, d)?,
        None if no_forecast => config::drop_forecast(&loaded)?,
        None => loaded,
    })
}

/// Bad input if fewer than `runs` candidates of `scn` (from the config
/// labelled `file`) were kept: names the fact that rejected the most.
pub fn check_kept(file: &str, scn: &Scenario, tally: &Tally, runs: u64) -> Result<()> {
    if tally.kept >= runs {
        return Ok(());
    }
    let Some(f) = &scn.forecast else {
        return Ok(());
    };
    let worst = match tally.worst_fact() {
        Some(i) => {
            let fact = &f.facts[i];
            format!(
                "; the fact that rejects the most is {} ({}): {} of the {} candidates",
                fact.key,
                fact.describe(scn),
                tally.rejected[i],
                tally.candidates
            )
        }
        None => String::new(),
    };
    Err(BadInput(format!(
        "{}: only {} of {} candidates ({:.3}%) agree with the facts of the forecast as of {}: \
         fewer than the {runs} runs asked for within the candidates forecast.min_acceptance = {} \
         allows (runs / min_acceptance, or fewer once the acceptance rate is surely below it){worst}",
        file,
        tally.kept,
        tally.candidates,
        100.0 * tally.acceptance(),
        f.as_of,
        f.min_acceptance,
    ))
    .into())
}

/// The forecast record of a run's manifest (none without a forecast).
pub fn info(loaded: &Loaded, tally: &Tally) -> Option<ForecastInfo> {
    ForecastInfo::new(
        &loaded.scenario,
        tally.candidates,
        tally.kept,
        &tally.rejected,
    )
}

/// `standoff forecast`.
pub fn cmd_forecast(a: ForecastArgs) -> Result<()> {
    if a.runs == 0 {
        return Err(BadInput("--runs: expected at least 1, found 0".into()).into());
    }
    let base = load(a.config.as_deref())?;
    // Validate every date before running any.
    let cuts = a
        .as_of
        .iter()
        .map(|d| cut(base.clone(), Some(d.trim()), false))
        .collect::<Result<Vec<_>>>()?;
    let pool = pool(a.seeding.threads)?;
    let out_path = a
        .out
        .unwrap_or_else(|| default_out("runs", &format!("{}-forecast", base.scenario.name)));
    // Refused before any run if it holds anything (with --force: anything
    // standoff did not write).
    let dir = out_dir(&out_path, a.force)?;
    let interrupt = Interrupt::install().context("installing the SIGINT and SIGTERM handlers")?;
    let started = now_secs();
    let t0 = Instant::now();
    let pb = progress_bar(cuts.len() as u64, a.quiet, "as-of dates");
    let mut rows = Vec::new();
    let mut infos = Vec::new();
    for (i, loaded) in cuts.iter().enumerate() {
        let scn = &loaded.scenario;
        let spec = RunSpec {
            runs: a.runs,
            master_seed: a.seeding.seed,
            point: 0,
            rows: false,
        };
        let ran = pool.run(scn, spec, |_| Ok(()), |_| interrupt.check());
        let ran = match ran {
            Ok(r) => r,
            Err(e) => {
                pb.abandon();
                dir.remove_if_empty();
                return Err(anyhow::Error::new(e).context(format!(
                    "stopped during the forecast as of {} ({i} of {} dates done); nothing was written: run it again",
                    scn.forecast.as_ref().map_or(String::new(), |f| f.as_of.to_string()),
                    cuts.len()
                )));
            }
        };
        if let Err(e) = check_kept(&loaded.file, scn, &ran.tally, a.runs) {
            dir.remove_if_empty();
            return Err(e);
        }
        let metrics = Metrics::new(scn);
        rows.extend(forecast_rows(
            scn,
            &metrics,
            &ran.stats,
            ran.tally.candidates,
        ));
        infos.extend(info(loaded, &ran.tally));
        pb.inc(1);
    }
    pb.finish_and_clear();
    dir.write_forecast(&rows)?;
    let manifest = Manifest::new(
        "forecast",
        &base.scenario.name,
        &base.file,
        serde_json::to_value(&base.raw).context("serialising the resolved config")?,
        RunInfo {
            invocation: invocation(),
            master_seed: a.seeding.seed,
            runs: a.runs,
            threads: pool.threads(),
            chunk_size: runner::CHUNK,
            files: vec!["forecast.csv".into(), "manifest.json".into()],
            started_secs: started,
            finished_secs: now_secs(),
            wall_seconds: t0.elapsed().as_secs_f64(),
        },
    )
    .with_forecasts(infos);
    dir.write_manifest(&manifest)?;
    if !a.quiet {
        eprintln!(
            "{} forecasts of {} ({} runs each) -> {}",
            cuts.len(),
            base.scenario.name,
            a.runs,
            out_path.join("forecast.csv").display()
        );
    }
    Ok(())
}
