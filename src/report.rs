//! The one way kith speaks on stderr besides a command's result: notes (`kith: …`), warnings
//! and errors, and the timings `-v` asks for. `--quiet` silences all but errors.
//!
//! Each message is one line, written in one piece, so lines from two threads or processes
//! sharing a terminal never interleave mid-line.

use std::fmt::Display;
use std::io::Write as _;

use crate::config::Config;

/// A note on what kith did (`kith: wrote Due this week.md`); not with `--quiet`.
pub fn note(config: &Config, message: impl Display) {
    if !config.quiet {
        line(format_args!("kith: {message}"));
    }
}

/// A message that is part of the command's outcome (`kith: no contact matches`), shown even
/// with `--quiet`.
pub fn notice(message: impl Display) {
    line(format_args!("kith: {message}"));
}

/// A warning: something is off, and kith carries on; not with `--quiet`.
pub fn warning(config: &Config, message: impl Display) {
    if !config.quiet {
        line(format_args!("kith: warning: {message}"));
    }
}

/// An error that ends what kith was doing (or one part of it); always shown.
pub fn error(message: impl Display) {
    line(format_args!("kith: error: {message}"));
}

/// A problem with something kith read (`path:line: severity: message`): an error always, a
/// warning not with `--quiet`.
pub fn problem(config: &Config, problem: &crate::core::problem::Problem) {
    if problem.severity == crate::core::problem::Severity::Error || !config.quiet {
        line(format_args!("{problem}"));
    }
}

/// Detail for `-v`: timings, what was read and why.
pub fn detail(config: &Config, message: impl Display) {
    if config.verbose > 0 {
        line(format_args!("kith: {message}"));
    }
}

/// Whether `-v` was given (to skip work done only to be reported).
pub fn verbose(config: &Config) -> bool {
    config.verbose > 0
}

fn line(text: std::fmt::Arguments<'_>) {
    let mut text = text.to_string();
    text.push('\n');
    let _ = std::io::stderr().write_all(text.as_bytes());
}
