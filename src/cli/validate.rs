//! `standoff validate`: the theory configs through the ordinary engine,
//! compared with bargaining theory, and the comparative-statics suite on
//! the built-in scenario (see `theory`, `statics` and docs/validation.md).

use super::{pool, BadInput};
use crate::theory::{self, Settings, Source};
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Folder of the theory configs (default: configs/theory if it exists,
    /// else the copies built into the binary).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Runs of each random case.
    #[arg(long, default_value_t = 20_000)]
    pub runs: u64,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Only these cases (comma-separated; default all).
    #[arg(long, value_delimiter = ',')]
    pub case: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Only the comparative-statics suite, on a scenario (CONFIG, default
    /// the built-in): each row changes one incentive and checks the paired
    /// effect's sign (docs/validation.md). Without this flag, `validate`
    /// runs the theory cases and then the suite on the built-in scenario
    /// (the theory cases only with `--case` or `--dir`).
    #[arg(long)]
    pub statics: bool,
    /// The scenario of `--statics` (default: the built-in scenario).
    #[arg(long, requires = "statics")]
    pub config: Option<PathBuf>,
}

/// Runs the cases, prints the tables; an error (exit 1) names failing rows.
pub fn cmd_validate(a: ValidateArgs) -> Result<()> {
    if a.runs == 0 {
        return Err(BadInput("--runs: expected at least 1, found 0".into()).into());
    }
    let mut o = std::io::stdout().lock();
    let (failed, total) = if a.statics {
        statics(&a, &mut o)?
    } else {
        let (mut failed, mut total) = theory_cases(&a, &mut o)?;
        if a.case.is_empty() && a.dir.is_none() {
            writeln!(o)?;
            let (f, t) = statics(&a, &mut o)?;
            failed.extend(f);
            total += t;
        }
        (failed, total)
    };
    finish(&mut o, &failed, total)
}

/// The theory cases: prints their table; returns the failed checks and
/// how many there were.
fn theory_cases(a: &ValidateArgs, o: &mut impl Write) -> Result<(Vec<String>, usize)> {
    let default = PathBuf::from("configs/theory");
    let src = match &a.dir {
        Some(d) => Source::Dir(d.clone()),
        None if default.is_dir() => Source::Dir(default),
        None => Source::Builtin,
    };
    let pool = pool(a.threads)?;
    let set = Settings {
        runs: a.runs,
        seed: a.seed,
        pool: &pool,
    };
    let cases: Vec<String> = if a.case.is_empty() {
        theory::CASES.iter().map(|c| c.to_string()).collect()
    } else {
        a.case.clone()
    };
    let mut rows = Vec::new();
    for c in &cases {
        rows.extend(theory::case(c, &src, &set)?);
    }
    let from = match &src {
        Source::Dir(d) => d.display().to_string(),
        Source::Builtin => "built-in copies".into(),
    };
    writeln!(
        o,
        "# standoff validate: theory configs from {from}; {} runs per random case, seed {}",
        set.runs, set.seed
    )?;
    write!(o, "{}", theory::format_table(&rows))?;
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| !r.pass())
        .map(|r| format!("theory: {}", r.label()))
        .collect();
    writeln!(
        o,
        "# {} of {} theory checks pass",
        rows.len() - failed.len(),
        rows.len()
    )?;
    Ok((failed, rows.len()))
}

/// Prints the closing line; an error (exit 1) names the failed checks.
fn finish(o: &mut impl Write, failed: &[String], total: usize) -> Result<()> {
    writeln!(o, "# {} of {total} checks pass", total - failed.len())?;
    o.flush()?;
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} of {total} checks failed: {}",
            failed.len(),
            failed.join("; ")
        )
    }
}

/// The comparative-statics suite on `--config` (default the built-in
/// scenario): prints its table; returns the failed checks and how many
/// there were.
fn statics(a: &ValidateArgs, o: &mut impl Write) -> Result<(Vec<String>, usize)> {
    let loaded = super::load(a.config.as_deref())?;
    let checks = crate::statics::suite(&loaded, a.runs, a.seed);
    writeln!(
        o,
        "# standoff validate --statics: {} ({}); {} paired runs per row, seed {}",
        loaded.scenario.name, loaded.file, a.runs, a.seed
    )?;
    write!(o, "{}", crate::statics::format_table(&checks))?;
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| !c.pass())
        .map(|c| format!("statics: {}: {}", c.change, c.measure))
        .collect();
    let n = checks.len();
    writeln!(
        o,
        "# {} of {n} comparative-statics checks pass",
        n - failed.len()
    )?;
    Ok((failed, n))
}
