//! One file per subcommand: glue from a [`Config`] to the core and the shell. Each returns
//! the exit code; only results go to stdout, everything else to stderr.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use jiff::civil::Date;

use crate::config::{Color, Config, Flags, UsageError};
use crate::core::model::Vault;
use crate::core::render::plural;

pub use export::IcsRequest;

mod check;
mod completions;
mod due;
mod export;
mod import;
mod index;
mod init;
mod log;
mod lsp;
mod man;
mod search;
mod show;
mod watch;
mod who;

/// What the user asked for, free of clap types.
#[derive(Debug, Clone)]
pub enum Action {
    Init {
        dir: Option<PathBuf>,
    },
    Check {
        json: bool,
    },
    Due {
        write: bool,
        json: bool,
    },
    Show {
        name: String,
        json: bool,
    },
    Log {
        name: String,
        text: Option<String>,
        date: Option<Date>,
        title: Option<String>,
    },
    Search {
        search: crate::index::search::Search,
        contact: Option<String>,
        json: bool,
    },
    Who {
        topic: String,
        limit: usize,
        json: bool,
    },
    Index {
        rebuild: bool,
    },
    Watch(crate::watch::Options),
    Import(ImportRequest),
    Completions {
        shell: crate::complete::Shell,
    },
    Man {
        /// One subcommand's page instead of the whole manual.
        command: Option<String>,
    },
    ExportIcs(IcsRequest),
    /// The language server, on stdin and stdout.
    Lsp,
}

pub use import::Request as ImportRequest;
pub(crate) use import::template as import_template;

/// Runs an action. `local_today` gives the local date, asked for only when `--today` was not
/// given and the action looks at the date: it reads the system's time zone database, which
/// costs a search a third of its time.
pub fn run(
    flags: &Flags,
    action: Action,
    local_today: impl FnOnce() -> Date,
) -> anyhow::Result<ExitCode> {
    // Neither needs a vault, a folder or a date.
    match &action {
        Action::Completions { shell } => return completions::run(*shell),
        Action::Man { command } => return man::run(command.as_deref()),
        _ => {}
    }
    if let Action::Lsp = action {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        return lsp::run(flags, &cwd);
    }
    let dateless = matches!(
        action,
        Action::Search { .. } | Action::Who { .. } | Action::Index { .. }
    );
    let today = match flags.today {
        Some(today) => today,
        // Never read by these (the index and the model do not depend on the date).
        None if dateless => Date::ZERO,
        None => local_today(),
    };
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    if let Action::Init { dir } = &action {
        let dir = dir.clone().unwrap_or_else(|| cwd.clone());
        return init::run(&cwd.join(dir), flags.quiet);
    }
    let config = Config::load(flags, &cwd, today)?;
    match action {
        Action::Init { .. } | Action::Completions { .. } | Action::Man { .. } | Action::Lsp => {
            Ok(ExitCode::SUCCESS)
        }
        Action::Check { json } => check::run(&config, json),
        Action::Due { write, json } => due::run(&config, write, json),
        Action::Show { name, json } => show::run(&config, &name, json),
        Action::Log {
            name,
            text,
            date,
            title,
        } => log::run(&config, &name, text, date, title.as_deref()),
        Action::Search {
            search,
            contact,
            json,
        } => search::run(&config, search, contact, json),
        Action::Who { topic, limit, json } => who::run(&config, &topic, limit, json),
        Action::Index { rebuild } => index::run(&config, rebuild),
        Action::Watch(options) => watch::run(config, flags, &cwd, options),
        Action::Import(request) => import::run(&config, &request),
        Action::ExportIcs(request) => export::ics(&config, &cwd, request),
    }
}

/// Prints an error once, with its causes, and gives its exit code: 2 for a usage or
/// configuration error, else 1.
pub fn failed(err: &anyhow::Error) -> ExitCode {
    crate::report::error(format_args!("{err:#}"));
    if err.downcast_ref::<UsageError>().is_some() {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Stdout, with ANSI styles kept or stripped as `--color`, `NO_COLOR` and the terminal say.
pub(crate) fn stdout(config: &Config) -> anstream::AutoStream<std::io::Stdout> {
    let choice = match config.color {
        Color::Auto => anstream::ColorChoice::Auto,
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    };
    anstream::AutoStream::new(std::io::stdout(), choice)
}

/// Prints a value as pretty JSON on stdout, ignoring a closed pipe (`kith due --json | head`).
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value).context("cannot make JSON")?;
    text.push('\n');
    write_stdout(&mut std::io::stdout().lock(), &text)
}

fn write_stdout(out: &mut impl Write, text: &str) -> anyhow::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e).context("cannot write to stdout"),
    }
}

/// Writes text to stdout, ignoring a closed pipe (`kith due | head`).
/// Written in one piece: through `anstream`, each run of text between styles would be a
/// write of its own.
pub(crate) fn print_text(config: &Config, text: &str) -> anyhow::Result<()> {
    let mut stream = stdout(config);
    match stream.current_choice() {
        anstream::ColorChoice::Never => write_stdout(
            &mut std::io::stdout().lock(),
            &anstream::adapter::strip_str(text).to_string(),
        ),
        anstream::ColorChoice::AlwaysAnsi => write_stdout(&mut std::io::stdout().lock(), text),
        // A console that takes its colours by calls (old Windows).
        _ => write_stdout(&mut stream, text),
    }
}

/// The one line on stderr that counts contacts and problems (not with `--quiet`).
pub(crate) fn summary(config: &Config, vault: &Vault) {
    let problems = vault.problems.len();
    let tail = if problems == 0 {
        "no problems".to_string()
    } else if problems == 1 {
        "1 problem (run `kith check`)".to_string()
    } else {
        format!("{problems} problems (run `kith check`)")
    };
    crate::report::note(config, format_args!("{}, {tail}", counts(vault)));
    if vault.contacts.is_empty() {
        crate::report::note(config, how_contacts_are_made(config));
    }
}

/// What makes a note a contact under this config, for a vault that has none.
pub(crate) fn how_contacts_are_made(config: &Config) -> String {
    let rules = &config.rules.contacts;
    let mut ways = Vec::new();
    if !rules.folders.is_empty() {
        let folders: Vec<String> = rules.folders.iter().map(|f| format!("{f}/")).collect();
        ways.push(format!("put a note below {}", folders.join(" or ")));
    }
    if !rules.tags.is_empty() {
        let tags: Vec<String> = rules.tags.iter().map(|t| format!("#{t}")).collect();
        ways.push(format!("tag it {}", tags.join(" or ")));
    }
    format!(
        "no contacts yet: to make one, {} (see docs/vault.md)",
        ways.join(", or ")
    )
}

/// `12 notes, 10 contacts`, in the singular where it is one.
pub(crate) fn counts(vault: &Vault) -> String {
    format!(
        "{}, {}",
        plural(vault.notes as i64, "note"),
        plural(vault.contacts.len() as i64, "contact")
    )
}

/// The contact NAME means (see docs/vault.md); when none or several do, says so on stderr
/// (with the closest names, or why a note of that name is no contact) and gives the exit
/// code, 1.
pub(crate) fn find_contact(config: &Config, vault: &Vault, name: &str) -> Result<usize, ExitCode> {
    use crate::core::model::{Found, find};
    let listed = |at: &[usize]| -> Vec<String> {
        at.iter().map(|&i| vault.contacts[i].name.clone()).collect()
    };
    match find(vault, name) {
        Found::One(i) => Ok(i),
        Found::None(near) => {
            let mut msg = format!("no contact matches `{name}`");
            if let Some(note) = note_named(config, name) {
                let rules = &config.rules.contacts;
                msg = if rules.is_contact(&note, &[]) {
                    format!(
                        "`{note}` is in a contact folder, but kith could not read it (run `kith check`)"
                    )
                } else {
                    format!("`{note}` is not a contact: {}", rules.why_not(&note))
                };
            }
            if !near.is_empty() {
                msg.push_str(&format!("; did you mean {}?", listed(&near).join(", or ")));
            }
            crate::report::notice(msg);
            Err(ExitCode::from(1))
        }
        Found::Many(candidates) => {
            let mut msg = format!("`{name}` matches more than one contact; say which:");
            for i in candidates {
                let c = &vault.contacts[i];
                msg.push_str(&format!("\n  {} ({})", c.name, c.path));
            }
            crate::report::notice(msg);
            Err(ExitCode::from(1))
        }
    }
}

/// The path of a note (not a contact) whose file name is `name`, ignoring case and accents.
fn note_named(config: &Config, name: &str) -> Option<String> {
    use crate::core::note::stem_of;
    use crate::core::text::{fold_accents, without_md};
    let wanted = fold_accents(without_md(name.trim()));
    crate::vault::walk(config).find_map(|found| match found {
        crate::vault::Found::Note(file)
            if fold_accents(stem_of(&file.rel)) == wanted
                || fold_accents(without_md(&file.rel)) == wanted =>
        {
            Some(file.rel)
        }
        _ => None,
    })
}

/// With `-v`, what bringing the index up to date did.
pub(crate) fn report_refresh(config: &Config, fresh: &crate::index::Fresh) {
    crate::report::detail(
        config,
        format_args!("index: {} ({} ms)", fresh.changes, fresh.took.as_millis()),
    );
}

/// Hands the vault back when a command is done with it. The process ends right after, and
/// freeing millions of small allocations one by one costs more (tens of milliseconds on a
/// large vault) than letting the operating system reclaim the memory at exit.
pub(crate) fn release(vault: Vault) {
    std::mem::forget(vault);
}
