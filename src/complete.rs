//! Shell completion, with clap_complete's dynamic engine: the script a shell sources
//! ([`write_registration`]), the answer to the request that script makes on every TAB
//! ([`respond`]), and the contact names offered for `show`, `log` and `search --contact`
//! ([`contact_names`]).
//!
//! Everything here runs while the user waits on a TAB, with the terminal as stderr: it must
//! print nothing but candidates, never fail loudly (no vault, no names) and stay quick (the
//! cached model, never the search index).

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::Shells;

use crate::config::{Config, Flags};

/// The command the scripts complete, and the one they run to ask for candidates: `kith` as
/// found on PATH, never the path of the binary that printed the script (a build folder, an
/// old version), so that the script keeps working when kith is upgraded or moved.
const BIN: &str = "kith";

/// The variable that turns a run of kith into a completion request (`COMPLETE=bash kith`).
const VAR: &str = "COMPLETE";

/// The shells clap_complete knows, each with its script and its way of asking.
const SHELLS: Shells<'static> = Shells::builtins();

/// A shell kith prints a completion script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    PowerShell,
    Elvish,
}

impl Shell {
    /// Its name as clap_complete knows it (and as `COMPLETE` takes it).
    fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
            Shell::Elvish => "elvish",
        }
    }
}

/// Writes the script that registers kith's completions with `shell`: what
/// `COMPLETE=<shell> kith` prints, and for bash and zsh one line more (below).
pub fn write_registration(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(completer) = SHELLS.completer(shell.name()) else {
        return Err(std::io::Error::other(format!(
            "no completion script for {}",
            shell.name()
        )));
    };
    let cmd = crate::cli::command();
    completer.write_registration(VAR, cmd.get_name(), BIN, BIN, out)?;
    match shell {
        // Bash inserts a candidate as it is: `Zoë Ångström` would become two words, and
        // `kith log Zoë Ångström` logs `Ångström` with Zoë. Treated as file names, candidates
        // are quoted as the word being typed needs (`Zoë\ Ångström`, or inside the quote
        // the user opened). It must not fail: bash-completion loads the file only if its
        // last command succeeds.
        Shell::Bash => writeln!(out, "compopt -o filenames {BIN} 2>/dev/null || :"),
        // Installed in `fpath`, the script is the body of the autoloaded `_kith`: the first
        // TAB only defines the completer and registers it. This runs it on that TAB too; a
        // script that is sourced instead is left as it was.
        Shell::Zsh => writeln!(
            out,
            "if [[ ${{funcstack[1]}} = _{BIN} ]]; then _clap_dynamic_completer_{BIN} \"$@\"; fi"
        ),
        Shell::Fish | Shell::PowerShell | Shell::Elvish => Ok(()),
    }
}

/// Answers a completion request (`COMPLETE` names a shell): prints the candidates for the
/// words the shell passes and gives the exit code; `None` for a normal run. A `COMPLETE`
/// that names no shell kith knows is not a request: kith runs as usual rather than fail
/// for a variable that may have been set for something else.
pub fn respond() -> Option<ExitCode> {
    let name = std::env::var_os(VAR)?;
    let stem = Path::new(&name).file_stem()?.to_str()?;
    SHELLS.completer(stem)?;
    let cwd = std::env::current_dir().ok();
    let answered = clap_complete::CompleteEnv::with_factory(crate::cli::command)
        .bin(BIN)
        .completer(BIN)
        .shells(SHELLS)
        .try_complete(std::env::args_os(), cwd.as_deref());
    match answered {
        Ok(true) => Some(ExitCode::SUCCESS),
        Ok(false) => None,
        // Said on stderr, this would land in the middle of the command line being typed.
        Err(_) => Some(ExitCode::FAILURE),
    }
}

/// The completer of a contact NAME: the names of the vault's contacts that begin with what
/// is typed (see [`crate::core::model::completions`]).
pub fn contact_names() -> ArgValueCompleter {
    ArgValueCompleter::new(names_beginning)
}

fn names_beginning(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(config) = config() else {
        return Vec::new();
    };
    let Ok(vault) = crate::index::model(&config) else {
        return Vec::new();
    };
    let typed = unquoted(&current.to_string_lossy());
    let candidates = crate::core::model::completions(&vault, &typed)
        .into_iter()
        .map(|c| CompletionCandidate::new(c.value).help(c.alias_of.map(Into::into)))
        .collect();
    crate::commands::release(vault);
    candidates
}

/// The vault's config, found as commands find it (`$KITH_VAULT`, else the nearest folder
/// upwards holding kith.toml or .obsidian/), quiet. `--vault` on the command line is not
/// seen: clap_complete hands a value completer only the word being completed.
fn config() -> Option<Config> {
    let flags = Flags {
        vault: crate::cli::vault_from_env(),
        quiet: true,
        ..Flags::default()
    };
    let cwd: PathBuf = std::env::current_dir().ok()?;
    // The model does not depend on the date.
    Config::load(&flags, &cwd, jiff::civil::Date::ZERO).ok()
}

/// The word as meant rather than as typed, for shells that pass it raw: without its quotes,
/// and with backslash escapes undone (`'Ada Lo`, `Ada\ Lo` are `Ada Lo`).
fn unquoted(word: &str) -> String {
    let word = match word.chars().next() {
        Some(quote @ ('\'' | '"')) => {
            let inner = &word[1..];
            inner.strip_suffix(quote).unwrap_or(inner)
        }
        _ => word,
    };
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_quotes_and_escapes_are_undone() {
        assert_eq!(unquoted("ada"), "ada");
        assert_eq!(unquoted("'Ada Lo"), "Ada Lo");
        assert_eq!(unquoted("\"Ada Lo"), "Ada Lo");
        assert_eq!(unquoted("'Ada Lovelace'"), "Ada Lovelace");
        assert_eq!(unquoted("Ada\\ Lo"), "Ada Lo");
        assert_eq!(unquoted("Ada\\"), "Ada");
        assert_eq!(unquoted(""), "");
    }

    #[test]
    fn every_shell_has_a_script_that_calls_kith() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Elvish,
        ] {
            let mut out = Vec::new();
            write_registration(shell, &mut out).expect("a script");
            let script = String::from_utf8(out).expect("UTF-8");
            assert!(script.contains("kith"), "{shell:?}: {script}");
        }
    }
}
