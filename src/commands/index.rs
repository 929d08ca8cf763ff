//! `kith index`: brings the index up to date and prints what changed.

use std::process::ExitCode;

use crate::config::Config;
use crate::core::render::plural;
use crate::index::{self, Changes, Need};

pub fn run(config: &Config, rebuild: bool) -> anyhow::Result<ExitCode> {
    let fresh = index::refresh(config, Need::Index { rebuild })?;
    let mut out = describe(&fresh.changes);
    out.push_str(&format!(
        "; {} in the index; took {} ms\n",
        plural(fresh.manifest.files.len() as i64, "file"),
        fresh.took.as_millis()
    ));
    super::print_text(config, &out)?;
    if config.verbose > 0 {
        eprintln!("kith: index at {}", index::index_dir(config)?.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `added 2, updated 1, removed 0, moved 0` and what else happened.
pub fn describe(c: &Changes) -> String {
    let mut out = String::new();
    if let Some(why) = &c.rebuilt {
        out.push_str(&format!("rebuilt ({why}): "));
    }
    out.push_str(&format!(
        "added {}, updated {}, removed {}, moved {}",
        c.added, c.updated, c.removed, c.moved
    ));
    if c.touched > 0 {
        out.push_str(&format!(", {} touched but unchanged", c.touched));
    }
    if c.unreadable > 0 {
        out.push_str(&format!(", {} unreadable (run `kith check`)", c.unreadable));
    }
    if c.stale {
        out.push_str(" (another kith is updating the index: shown as it is)");
    }
    out.push_str(&format!(
        "; {} read, {} written",
        plural(c.read as i64, "file"),
        plural(c.docs_written as i64, "document")
    ));
    out
}
