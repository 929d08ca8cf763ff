//! `kith index`: brings the index up to date and prints what changed.

use std::process::ExitCode;

use crate::config::Config;
use crate::core::render::plural;
use crate::index::{self, Need};
use crate::report;

pub fn run(config: &Config, rebuild: bool) -> anyhow::Result<ExitCode> {
    let fresh = index::refresh(config, Need::Index { rebuild })?;
    let mut out = fresh.changes.to_string();
    out.push_str(&format!(
        "; {} in the index; took {} ms\n",
        plural(fresh.manifest.files.len() as i64, "file"),
        fresh.took.as_millis()
    ));
    super::print_text(config, &out)?;
    report::detail(
        config,
        format_args!("index at {}", index::index_dir(config)?.display()),
    );
    Ok(ExitCode::SUCCESS)
}
