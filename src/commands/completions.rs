//! `kith completions SHELL`: prints the script that registers kith's completions with a shell.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::complete::{Shell, write_registration};

pub(crate) fn run(shell: Shell) -> anyhow::Result<ExitCode> {
    let mut script = Vec::new();
    write_registration(shell, &mut script).context("cannot make the completion script")?;
    super::write_stdout(
        &mut std::io::stdout().lock(),
        &String::from_utf8_lossy(&script),
    )?;
    Ok(ExitCode::SUCCESS)
}
