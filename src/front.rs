//! The `kith` executable, the one on the user's PATH. It answers a search itself when a
//! running `kith watch` started from the same `kith-engine` answers it: without tantivy or
//! the vault model in it, it starts like a small program, which is most of what such a
//! search costs. Everything else (every other command, a search no watcher answers, a
//! command line it cannot read) goes to `kith-engine`, installed next to it, with the same
//! arguments: on Unix by `exec`, so the engine is the same process, with the same signals,
//! streams and exit code.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser as _;
use jiff::civil::Date;

use crate::cli::{ASKED_WATCHER, Cli};
use crate::commands::{self, Action};
use crate::config::Config;
use crate::index::serve::Asked;

/// The executable that runs every command, installed next to `kith`.
pub const ENGINE: &str = "kith-engine";

/// Set in the environment of the engine the front hands over to. A front that finds it set
/// was itself run as the engine (a `kith-engine` that is a copy of, or a link to, `kith`):
/// it stops there instead of handing the command on to itself forever.
const HANDED_OVER: &str = "KITH_HANDED_OVER";

/// The front's `main`.
pub fn run() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if std::env::var_os(HANDED_OVER).is_some() {
        eprintln!(
            "kith: error: {} is not kith's engine: it is kith itself (a copy or a link?); \
             install both with `cargo install --path .`",
            std::env::current_exe().map_or_else(|_| ENGINE.into(), |p| p.display().to_string())
        );
        return ExitCode::from(1);
    }
    let engine = engine_path();
    let asked = match search(&args, &engine) {
        Searched::Done(code) => return code,
        Searched::Asked => true,
        Searched::NotAsked => false,
    };
    hand_over(&engine, &args, asked)
}

/// `kith-engine` next to this executable. Where the system names the executable by the path
/// it was started by (macOS), and the engine is not there, next to the file that path leads to
/// (a `kith` reached through a symbolic link; Linux gives that file already). When the
/// executable cannot be known (Linux without `/proc`), `kith-engine` as found on `PATH`.
pub fn engine_path() -> PathBuf {
    let name = format!("{ENGINE}{}", std::env::consts::EXE_SUFFIX);
    let Ok(exe) = std::env::current_exe() else {
        return PathBuf::from(name);
    };
    let beside = exe.with_file_name(&name);
    if beside.exists() {
        return beside;
    }
    match std::fs::canonicalize(&exe) {
        Ok(real) if real != exe => real.with_file_name(&name),
        _ => beside,
    }
}

enum Searched {
    /// Answered by the watcher (or refused: a query error, dates the wrong way round).
    Done(ExitCode),
    /// A search a watcher took and did not answer in time: the engine need not ask again.
    Asked,
    /// Not a search the front answers.
    NotAsked,
}

/// A search without `--contact`, asked of a running watcher. Anything the front cannot read
/// (clap errors, `--help`, a bad config) is left to the engine, which reports it.
fn search(args: &[OsString], engine: &Path) -> Searched {
    let Ok(cli) = Cli::try_parse_from(args) else {
        return Searched::NotAsked;
    };
    if cli.asked_watcher {
        return Searched::NotAsked;
    }
    let (flags, action) = cli.into_parts();
    let Action::Search {
        search,
        contact: None,
        json,
        ..
    } = action
    else {
        return Searched::NotAsked;
    };
    let Ok(cwd) = std::env::current_dir() else {
        return Searched::NotAsked;
    };
    // As the engine does: a search never reads the local date (`--today` still wins).
    let Ok(config) = Config::load_for_search(&flags, &cwd, Date::ZERO) else {
        return Searched::NotAsked;
    };
    match commands::search::through_watcher(&config, &search, json, engine) {
        Ok(Ok(code)) => Searched::Done(code),
        Ok(Err(e)) => Searched::Done(commands::failed(&e)),
        // A watcher that took the request and said nothing: the engine need not wait again.
        Err(Asked::Silent) => Searched::Asked,
        // None, or one that declined: the engine (whose own identity may be the watcher's,
        // when `kith-engine` is a wrapper script) asks for itself.
        Err(_) => Searched::NotAsked,
    }
}

/// Runs the engine with this process's arguments (and `--asked-watcher` first when the
/// watcher has just been asked); returns only when it cannot be run.
fn hand_over(engine: &Path, args: &[OsString], asked: bool) -> ExitCode {
    let mut cmd = std::process::Command::new(engine);
    cmd.env(HANDED_OVER, "1");
    if asked {
        cmd.arg(format!("--{ASKED_WATCHER}"));
    }
    cmd.args(args.iter().skip(1));
    #[cfg(unix)]
    let err = {
        use std::os::unix::process::CommandExt as _;
        // The engine names itself as it was called (usage lines say `kith`).
        cmd.arg0(
            args.first()
                .map_or_else(|| OsString::from("kith"), Clone::clone),
        );
        cmd.exec()
    };
    #[cfg(not(unix))]
    let err = match cmd.status() {
        Ok(status) => {
            return ExitCode::from(
                status
                    .code()
                    .and_then(|c| u8::try_from(c).ok())
                    .unwrap_or(1),
            );
        }
        Err(e) => e,
    };
    eprintln!(
        "kith: error: cannot run {}: {err}\n  \
         (kith hands its commands to {ENGINE}, installed next to it: `cargo install --path .` \
         installs both, `cargo build --release` builds both)",
        engine.display()
    );
    ExitCode::from(1)
}
