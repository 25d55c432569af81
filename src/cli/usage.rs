//! How to use the command line, from the command line: the examples shown
//! after `--help` (and in the man page), `standoff completions SHELL` and
//! `standoff man`.
//!
//! Every example line is parsed by the real parser in a test, so an example
//! cannot name an option that does not exist.

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use clap_mangen::roff::{roman, Roff};
use clap_mangen::Man;
use std::io::Write;

use super::Cli;

/// Examples of the top level (`standoff --help`).
pub const TOP: &str = "\
Examples:
  standoff run                                  # the built-in forecast from 2025-10-27, 10,000 kept runs
  standoff run --no-forecast --runs 50000 --seed 7 --out runs/model
  standoff replay --no-forecast --seed 7 --run 14 > trace.csv
  standoff sweep experiments/us_levers/sweep.toml --runs 200 --runs-csv
  standoff forecast --as-of 2025-08-31,2025-10-27 --runs 2000
  standoff check configs/korea_us_2025.toml
  standoff validate --case rubinstein
  standoff completions bash > ~/.local/share/bash-completion/completions/standoff
  standoff man > ~/.local/share/man/man1/standoff.1";

/// Examples of `run`.
pub const RUN: &str = "\
Examples:
  standoff run                                  # the built-in forecast, into runs/<scenario>-<time>
  standoff run japan_us_2025 --runs 20000       # another built-in scenario (standoff scenarios)
  standoff run my_scenario.toml --as-of 2025-09-30 --seed 3
  standoff run --no-forecast --runs 100000 --no-runs-csv --threads 2
  standoff run --no-forecast --out runs/model --force  # replace an earlier run's folder";

/// Examples of `replay`.
pub const REPLAY: &str = "\
Examples:
  standoff replay --run 291 --seed 11           # candidate 291 of `standoff run --seed 11`
  standoff replay --no-forecast --seed 7 --run 14 > trace.csv
  standoff replay my_scenario.toml --as-of 2025-09-30 --seed 3 --run 0
  standoff replay --sweep sweeps/levers --point 2 --run 17   # a row of the sweep's runs.csv";

/// Examples of `sweep`.
pub const SWEEP: &str = "\
Examples:
  standoff sweep experiments/us_levers/sweep.toml --runs 200 --out sweeps/levers
  standoff sweep experiments/fx_exposure/sweep.toml --runs-csv --seed 9
  standoff sweep --resume sweeps/levers         # finish an interrupted sweep
  standoff sweep experiments/us_levers/sweep.toml --out sweeps/levers --force  # start it again";

/// Examples of `forecast`.
pub const FORECAST: &str = "\
Examples:
  standoff forecast --as-of 2025-08-31,2025-09-30,2025-10-27 --runs 2000
  standoff forecast my_scenario.toml --as-of 2025-10-01 --out runs/fc --force";

/// Examples of `validate`.
pub const VALIDATE: &str = "\
Examples:
  standoff validate                             # the theory cases, then the statics suite
  standoff validate --case rubinstein,nash --runs 5000
  standoff validate --statics --config my_scenario.toml";

/// Examples of `check`.
pub const CHECK: &str = "\
Examples:
  standoff check configs/korea_us_2025.toml     # prints the scenario as resolved
  standoff check my_scenario.toml > resolved.toml";

/// The example command lines of a help text: each line after the first
/// without its `# comment` and its `> redirection`.
pub fn example_lines(examples: &str) -> Vec<String> {
    examples
        .lines()
        .skip(1)
        .map(|l| {
            let l = l.split(" #").next().unwrap_or_default();
            l.split(" > ").next().unwrap_or_default().trim().to_string()
        })
        .collect()
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: Shell,
}

/// `standoff completions SHELL`: the shell's completion script on stdout.
pub fn cmd_completions(a: CompletionsArgs) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "standoff", &mut buf);
    let mut o = std::io::stdout().lock();
    o.write_all(&buf)?;
    o.flush()?;
    Ok(())
}

/// `standoff man`: one man page (roff) on stdout for the whole command line:
/// the top level, then a section per command with its synopsis, description,
/// options and examples.
pub fn cmd_man() -> Result<()> {
    let page = man_page().context("rendering the man page")?;
    let mut o = std::io::stdout().lock();
    o.write_all(&page)?;
    o.flush()?;
    Ok(())
}

/// The man page's bytes.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut cmd = Cli::command();
    cmd.build();
    let top = Man::new(cmd.clone());
    let mut w = Vec::new();
    top.render_title(&mut w)?;
    top.render_name_section(&mut w)?;
    top.render_synopsis_section(&mut w)?;
    top.render_description_section(&mut w)?;
    top.render_options_section(&mut w)?;
    examples(&mut w, TOP)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let title = format!("STANDOFF {}", sub.get_name().to_uppercase());
        Roff::new()
            .control("SH", [title.as_str()])
            .to_writer(&mut w)?;
        // The command's own sections, one level down.
        let man = Man::new(sub.clone());
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part)?;
        man.render_description_section(&mut part)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(&mut part)?;
        }
        if let Some(text) = sub.get_after_help() {
            examples(&mut part, &text.to_string())?;
        }
        for line in String::from_utf8_lossy(&part).lines() {
            match line.strip_prefix(".SH ") {
                Some(heading) => writeln!(w, ".SS {heading}")?,
                None => writeln!(w, "{line}")?,
            }
        }
    }
    top.render_version_section(&mut w)?;
    // Each part above begins with roff's preamble (the definition of an
    // apostrophe string): keep the first.
    let preamble = Roff::new().render();
    let text = String::from_utf8_lossy(&w);
    let body = text.replace(&preamble, "");
    Ok(format!("{preamble}{body}").into_bytes())
}

/// An examples section: the lines after the text's `Examples:` line, as
/// they are (no filling).
fn examples(w: &mut Vec<u8>, text: &str) -> std::io::Result<()> {
    let mut r = Roff::new();
    r.control("SH", ["EXAMPLES"]).control("nf", []);
    for line in text.lines().skip(1) {
        r.text([roman(line.trim_start())]);
    }
    r.control("fi", []).to_writer(w)
}
