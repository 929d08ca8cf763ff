//! `kith watch`: starts the watcher ([`crate::watch`]) and turns how it ends into an exit
//! code.

use std::path::Path;
use std::process::ExitCode;

use crate::config::{Config, Flags};
use crate::report;
use crate::watch::{Options, Watcher};

pub fn run(
    config: Config,
    flags: &Flags,
    cwd: &Path,
    options: Options,
) -> anyhow::Result<ExitCode> {
    match Watcher::start(config, flags, cwd, options)? {
        Ok(watcher) => {
            watcher.run()?;
            Ok(ExitCode::SUCCESS)
        }
        Err(other) => {
            let who = other
                .pid
                .map_or_else(String::new, |pid| format!(" (process {pid})"));
            report::error(format_args!(
                "kith watch is already running for this vault{who}; index at {}",
                other.dir.display()
            ));
            Ok(ExitCode::from(1))
        }
    }
}
