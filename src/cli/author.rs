//! Scenario authoring: `standoff schema` (the JSON Schema of scenario files,
//! or the key reference of docs/config.md).

use anyhow::Result;
use clap::Args;
use std::io::Write;

use crate::config::schema;

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
