//! `kith`: parses the command line, runs the command and turns the result into an exit code.
//! Errors are printed once, with their causes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A shell asking for completions (`COMPLETE=bash kith -- kith show a`) gets its answer
    // and nothing else.
    if let Some(code) = kith::complete::respond() {
        return code;
    }
    let (flags, action) = kith::cli::Cli::parse().into_parts();
    kith::commands::run(&flags, action, || jiff::ZonedDateTime::now().date())
        .unwrap_or_else(|err| kith::commands::failed(&err))
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
