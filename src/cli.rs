//! The command line, as clap derive types only. [`Cli::into_parts`] turns them into plain
//! [`Flags`] and an [`Action`], so nothing past `main` sees clap; only the completion
//! scripts and the manual page, made from these definitions, ask for [`command`].

use std::path::PathBuf;

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::commands::{Action, IcsRequest};
use crate::complete::Shell;
use crate::config::{Color, Flags};
use crate::core::calendar::ics::Alarm;
use crate::core::calendar::{DEFAULT_WEEKS, MAX_WEEKS};

/// kith keeps professional relationships alive from a plain Markdown vault.
#[derive(Debug, Parser)]
#[command(name = "kith", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The vault folder (default: $KITH_VAULT, else the nearest folder upwards holding
    /// kith.toml or .obsidian/)
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<PathBuf>,

    /// Take this date as today instead of the local date
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<Date>,

    /// Say more on stderr (timings, skipped files)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Say nothing on stderr but errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// When to colour the output (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented kith.toml and a People/ folder with one example contact
    Init {
        /// Where to set up the vault (default: the current folder)
        dir: Option<PathBuf>,
    },
    /// List every problem in the vault (exit 1 when there is an error)
    Check {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Print whom to check in with this week; --write also writes the due note
    Due {
        /// Also write the due note (default "Due this week.md") into the vault
        #[arg(long)]
        write: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show one contact: properties, last contact, next due, open tasks, interactions
    Show {
        /// The contact's name, alias or file name (case-insensitive; a unique prefix is
        /// enough)
        #[arg(required = true, num_args = 1.., add = crate::complete::contact_names())]
        name: Vec<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Log a conversation in a contact's note
    #[command(after_help = "Examples:\n  \
        kith log ada \"coffee: talked about her new team #give\"\n  \
        kith log lovelace --title call --date 2026-11-20 \"Budget review.\"\n  \
        echo \"Notes from the call\" | kith log ada\n  \
        kith log ada          (opens $VISUAL or $EDITOR)")]
    Log {
        /// The contact: a name, alias, file name or any word of a name (quote several words)
        #[arg(add = crate::complete::contact_names())]
        name: String,
        /// What was said; `title: text` gives it a title. Without it: standard input when it
        /// is not a terminal, else $VISUAL or $EDITOR
        text: Option<String>,
        /// The conversation's date (default: today)
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
        date: Option<Date>,
        /// Its title (default: the text's `title:` prefix, else `note`)
        #[arg(long, value_name = "TITLE")]
        title: Option<String>,
    },
    /// Search past conversations (tantivy query syntax; every word required)
    #[command(after_help = "Fields: title, body, contact, tag, date. Examples:\n  \
        kith search berlin offsite\n  kith search 'contact:ada \"eu ai act\"'\n  \
        kith search 'rust AND (compiler OR wasm) date:[2026-01-01 TO 2026-06-30]'\n  \
        kith search coffee --contact ada --since 2026-01-01 --sort date")]
    Search {
        /// The query
        #[arg(required = true, num_args = 1.., value_name = "QUERY")]
        query: Vec<String>,
        /// Only conversations with this contact (name, alias or file name; a unique prefix
        /// is enough)
        #[arg(long, value_name = "NAME", add = crate::complete::contact_names())]
        contact: Option<String>,
        /// Only conversations on or after this date
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
        since: Option<Date>,
        /// Only conversations on or before this date
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
        until: Option<Date>,
        /// Only conversations with this tag
        #[arg(long, value_name = "TAG")]
        tag: Option<String>,
        /// Show at most N hits
        #[arg(long, value_name = "N", default_value_t = 10, value_parser = parse_count)]
        limit: u64,
        /// Order hits by relevance or by date (newest first)
        #[arg(long, value_enum, default_value_t = SortArg::Score)]
        sort: SortArg,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Contacts whose interests, tags, properties or conversations match a topic
    Who {
        /// The topic (same syntax as search)
        #[arg(required = true, num_args = 1.., value_name = "TOPIC")]
        topic: Vec<String>,
        /// Show at most N contacts
        #[arg(long, value_name = "N", default_value_t = 10, value_parser = parse_count)]
        limit: u64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Bring the index up to date and print what changed
    Index {
        /// Start over from an empty index
        #[arg(long)]
        rebuild: bool,
    },
    /// Make contact notes from an address book: vCard files or LinkedIn's Connections.csv
    #[command(
        after_help = "A contact that matches one of the vault (same uid, email, name or \
        alias) is not made again: it is skipped, or with --merge the properties its note lacks \
        are added. Examples:\n  \
        kith import vcard --dry-run contacts.vcf\n  \
        kith import vcard contacts.vcf\n  \
        kith import linkedin --merge Connections.csv"
    )]
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Export what is due to other programs
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
    /// Keep the due note and the index fresh on every change, and at midnight
    Watch {
        /// Wait this long after a change for more before acting (milliseconds)
        #[arg(long, value_name = "MS", default_value_t = 100, value_parser = parse_debounce)]
        debounce: u64,
        /// For tests: read the local date from this file (YYYY-MM-DD) instead of the clock
        #[arg(long, value_name = "FILE", hide = true)]
        clock_file: Option<std::path::PathBuf>,
        /// For tests: how often the date is looked at (milliseconds)
        #[arg(long, value_name = "MS", hide = true, default_value_t = 60_000, value_parser = clap::value_parser!(u64).range(1..))]
        date_check: u64,
    },
    /// Run the language server on stdin and stdout, for editors (see docs/editors.md)
    #[command(
        after_help = "Editors start it themselves; see docs/editors.md for Neovim, \
        Helix, VS Code, Zed and Emacs."
    )]
    Lsp,
    /// Print the script that completes kith's commands, options and contact names in SHELL
    #[command(after_help = "Install it (see docs/install.md), e.g. for bash:\n  \
        kith completions bash > ~/.local/share/bash-completion/completions/kith")]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// Print kith's manual page (roff); with COMMAND, that command's page alone
    #[command(after_help = "Install it (see docs/install.md):\n  \
        kith man > ~/.local/share/man/man1/kith.1 && man kith")]
    Man {
        /// A command to print the page of (`kith man show` is kith-show(1))
        #[arg(value_name = "COMMAND", add = clap_complete::engine::ArgValueCandidates::new(command_names))]
        command: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    #[value(name = "powershell", alias = "pwsh")]
    PowerShell,
    Elvish,
}

/// Where `kith import` reads contacts from.
#[derive(Debug, Subcommand)]
pub enum ImportFrom {
    /// vCard files (.vcf): exported by phones, Apple Contacts, Google Contacts, Outlook
    Vcard {
        /// The vCard files (2.1, 3.0 or 4.0; several cards each)
        #[arg(required = true, num_args = 1.., value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        how: ImportArgs,
    },
    /// LinkedIn's Connections.csv (from "Get a copy of your data" in LinkedIn's settings)
    Linkedin {
        /// The Connections.csv file
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        how: ImportArgs,
    },
}

/// The options every import takes.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Add the properties a matching contact's note lacks (nothing it has is changed)
    #[arg(long)]
    merge: bool,
    /// Print what would be created, merged and skipped, and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// The formats `kith export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportFormat {
    /// An iCalendar file (RFC 5545) of the check-ins, promises and celebrations of the next
    /// weeks: all-day events for a calendar app
    #[command(after_help = "Examples:\n  \
        kith export ics > kith.ics\n  \
        kith export ics --weeks 4 --alarm 9h -o ~/Dropbox/kith.ics\n\n\
        See docs/calendar.md for subscribing to the file from a calendar app.")]
    Ics {
        /// How many weeks ahead, from today: 1 to 520 (default: 8, or `weeks` in kith.toml's
        /// [export])
        #[arg(long, value_name = "N", value_parser = parse_weeks)]
        weeks: Option<u16>,
        /// A reminder at this time of each event's day: 9h, 9h30m, 30m, 0h (default: none, or
        /// `alarm` in kith.toml's [export])
        #[arg(long, value_name = "DURATION", value_parser = parse_alarm, allow_hyphen_values = true)]
        alarm: Option<Alarm>,
        /// Write the calendar to FILE instead of stdout (only over a calendar kith exported)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Score,
    Date,
}

fn parse_date_arg(text: &str) -> Result<Date, String> {
    parse_today(text)
}

/// A count of hits or contacts to show: a whole number, at least 1.
fn parse_count(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1 (it is how many to show)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{text}` is not a whole number; give how many to show, such as 20"
        )),
    }
}

/// A debounce: milliseconds, at most a minute.
fn parse_debounce(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if n <= 60_000 => Ok(n),
        Ok(_) => Err("must be at most 60000 (a minute); the default is 100".into()),
        Err(_) => Err(format!(
            "`{text}` is not a number of milliseconds, such as 100"
        )),
    }
}

/// How many weeks a calendar spans: 1 to [`MAX_WEEKS`].
fn parse_weeks(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if (1..=u64::from(MAX_WEEKS)).contains(&n) => {
            u16::try_from(n).map_err(|e| e.to_string())
        }
        Ok(_) => Err(format!(
            "must be from 1 to {MAX_WEEKS} (weeks ahead, from today); the default is {DEFAULT_WEEKS}"
        )),
        Err(_) => Err(format!("`{text}` is not a number of weeks, such as 8")),
    }
}

fn parse_alarm(text: &str) -> Result<Alarm, String> {
    Alarm::parse(text)
}

fn parse_today(text: &str) -> Result<Date, String> {
    crate::core::dates::parse_date(text)
        .map_err(|_| format!("`{text}` is not a real date (YYYY-MM-DD)"))
}

/// The command line's definition, for the completion scripts and the manual page.
pub fn command() -> clap::Command {
    Cli::command()
}

/// The subcommands' names, offered after `kith man`.
fn command_names() -> Vec<clap_complete::engine::CompletionCandidate> {
    command()
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| {
            clap_complete::engine::CompletionCandidate::new(sub.get_name())
                .help(sub.get_about().cloned())
        })
        .collect()
}

/// `$KITH_VAULT`, the vault when no `--vault` is given; an empty value counts as unset.
pub(crate) fn vault_from_env() -> Option<PathBuf> {
    std::env::var_os("KITH_VAULT")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

impl Cli {
    /// The typed flags and the action, free of clap types.
    pub fn into_parts(self) -> (Flags, Action) {
        let flags = Flags {
            vault: self.vault.or_else(vault_from_env),
            today: self.today,
            verbose: self.verbose,
            quiet: self.quiet,
            color: match self.color {
                ColorArg::Auto => Color::Auto,
                ColorArg::Always => Color::Always,
                ColorArg::Never => Color::Never,
            },
        };
        let action = match self.command {
            Command::Init { dir } => Action::Init { dir },
            Command::Check { json } => Action::Check { json },
            Command::Due { write, json } => Action::Due { write, json },
            Command::Show { name, json } => Action::Show {
                name: name.join(" "),
                json,
            },
            Command::Log {
                name,
                text,
                date,
                title,
            } => Action::Log {
                name,
                text,
                date,
                title,
            },
            Command::Search {
                query,
                contact,
                since,
                until,
                tag,
                limit,
                sort,
                json,
            } => Action::Search {
                search: crate::index::search::Search {
                    query: query.join(" "),
                    contact: None,
                    since,
                    until,
                    tag,
                    limit: usize::try_from(limit).unwrap_or(usize::MAX),
                    sort: match sort {
                        SortArg::Score => crate::index::search::Sort::Score,
                        SortArg::Date => crate::index::search::Sort::Date,
                    },
                },
                contact,
                json,
            },
            Command::Who { topic, limit, json } => Action::Who {
                topic: topic.join(" "),
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
                json,
            },
            Command::Index { rebuild } => Action::Index { rebuild },
            Command::Import { from } => {
                let (format, files, how) = match from {
                    ImportFrom::Vcard { files, how } => (crate::import::Format::Vcard, files, how),
                    ImportFrom::Linkedin { file, how } => {
                        (crate::import::Format::Linkedin, vec![file], how)
                    }
                };
                Action::Import(crate::commands::ImportRequest {
                    format,
                    files,
                    merge: how.merge,
                    dry_run: how.dry_run,
                    json: how.json,
                })
            }
            Command::Export {
                format:
                    ExportFormat::Ics {
                        weeks,
                        alarm,
                        output,
                    },
            } => Action::ExportIcs(IcsRequest {
                weeks,
                alarm,
                output,
            }),
            Command::Watch {
                debounce,
                clock_file,
                date_check,
            } => Action::Watch(crate::watch::Options {
                debounce: std::time::Duration::from_millis(debounce),
                clock_file,
                date_check: std::time::Duration::from_millis(date_check),
            }),
            Command::Completions { shell } => Action::Completions {
                shell: match shell {
                    ShellArg::Bash => Shell::Bash,
                    ShellArg::Zsh => Shell::Zsh,
                    ShellArg::Fish => Shell::Fish,
                    ShellArg::PowerShell => Shell::PowerShell,
                    ShellArg::Elvish => Shell::Elvish,
                },
            },
            Command::Man { command } => Action::Man { command },
            Command::Lsp => Action::Lsp,
        };
        (flags, action)
    }
}
