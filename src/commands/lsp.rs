//! `kith lsp`: the language server on stdin and stdout, for the vaults of the files the
//! editor opens (see [`crate::lsp`]).

use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::Flags;

pub fn run(flags: &Flags, cwd: &std::path::Path) -> anyhow::Result<ExitCode> {
    // A relative `--vault` means the same folder whatever files the editor opens.
    let flags = Flags {
        vault: flags.vault.as_ref().map(|v| cwd.join(v)),
        ..flags.clone()
    };
    let (connection, threads) = crate::lsp::stdio().context("cannot start the language server")?;
    let served = crate::lsp::serve(&connection, flags);
    drop(connection);
    threads.join();
    served.map(|()| ExitCode::SUCCESS)
}
