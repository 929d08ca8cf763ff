//! The `kith` binary: parse, dispatch, turn the result into an exit code. Errors are printed
//! once, with their causes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let (flags, action) = kith::cli::Cli::parse().into_parts();
    match kith::commands::run(&flags, action, || jiff::ZonedDateTime::now().date()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("kith: error: {err:#}");
            if err.downcast_ref::<kith::config::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
