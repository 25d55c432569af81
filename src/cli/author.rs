//! Scenario authoring: `standoff schema` (the JSON Schema of scenario files,
//! or the key reference of docs/config.md) and `standoff init` (a commented
//! scenario to start from).

use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::BadInput;
use crate::config::{self, schema};
use crate::output::{AtomicFile, OutputError};

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print the key reference (markdown tables: type, default, range and
    /// meaning of every key) instead of the JSON Schema.
    #[arg(long)]
    pub markdown: bool,
}

/// `standoff schema`: the schema (or the reference) on stdout.
pub fn cmd_schema(a: SchemaArgs) -> Result<()> {
    let text = if a.markdown {
        schema::reference_markdown()
    } else {
        schema::json_schema_text()
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The scenario's name (letters, digits, `_` and `-`): writes NAME.toml
    /// here, or the path given if it ends in `.toml` (the name is then its
    /// stem). Without it the scenario is printed on stdout.
    pub name: Option<PathBuf>,
}

/// The file beside an initialised scenario that its `#:schema` line names.
const SCHEMA_BESIDE: &str = "scenario.schema.json";

/// `standoff init [NAME]`: a commented scenario that runs, never written
/// over an existing file (exit 2), with the schema beside it for editors.
pub fn cmd_init(a: InitArgs) -> Result<()> {
    let Some(arg) = a.name else {
        std::io::stdout()
            .lock()
            .write_all(config::template("scenario").as_bytes())?;
        eprintln!(
            "(its first line names {SCHEMA_BESIDE} in the same folder: `standoff schema > {SCHEMA_BESIDE}` writes it)"
        );
        return Ok(());
    };
    let path = if arg.extension().is_some_and(|x| x == "toml") {
        arg.clone()
    } else {
        let mut p = arg.clone().into_os_string();
        p.push(".toml");
        PathBuf::from(p)
    };
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(BadInput(format!(
            "init: expected a scenario name of letters, digits, '_' and '-' (or a path to NAME.toml), found \"{}\"",
            config::clip(&arg.display().to_string())
        ))
        .into());
    }
    write_new(&path, &config::template(&name))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let schema_path = dir.join(SCHEMA_BESIDE);
    let schema_note = match write_new(&schema_path, &schema::json_schema_text()) {
        Ok(()) => format!(" and {}", schema_path.display()),
        Err(OutputError::Exists { .. }) => String::new(),
        Err(e) => return Err(e.into()),
    };
    eprintln!(
        "wrote {}{schema_note}; check it with `standoff check {0}`, run it with `standoff run {0}`",
        path.display()
    );
    Ok(())
}

/// Writes `text` to a new file at `path` (an existing file is an error).
fn write_new(path: &Path, text: &str) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(text.as_bytes())
        .map_err(|source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    f.commit_new()
}
