//! `kith-engine`: runs every command. The `kith` front hands it its command line; it can also
//! be run directly (`cargo run` runs it). Errors are printed once, with their causes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let (flags, action) = kith::cli::Cli::parse().into_parts();
    kith::commands::run(&flags, action, || jiff::ZonedDateTime::now().date())
        .unwrap_or_else(|err| kith::commands::failed(&err))
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
