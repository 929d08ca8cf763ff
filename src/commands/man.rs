//! `kith man [COMMAND]`: prints the manual page, kith(1), or one command's, in roff.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::UsageError;
use crate::man::{Page, page};

pub(crate) fn run(command: Option<&str>) -> anyhow::Result<ExitCode> {
    let roff = match page(command).context("cannot make the manual page")? {
        Page::Roff(roff) => roff,
        Page::NoSuchCommand(commands) => {
            return Err(UsageError(format!(
                "no command `{}`; the commands are {}",
                command.unwrap_or_default(),
                commands.join(", ")
            ))
            .into());
        }
    };
    super::write_stdout(&mut std::io::stdout().lock(), &roff)?;
    Ok(ExitCode::SUCCESS)
}
