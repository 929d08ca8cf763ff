//! The command line, as clap derive types only. [`Cli::into_parts`] turns them into plain
//! [`Flags`] and an [`Action`], so nothing past `main` sees clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::commands::Action;
use crate::config::{Color, Flags};

/// kith keeps professional relationships alive from a plain Markdown vault.
#[derive(Debug, Parser)]
#[command(name = "kith", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The vault folder (default: $KITH_VAULT, else the nearest folder upwards holding
    /// kith.toml or .obsidian/, else the current folder)
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
        #[arg(required = true, num_args = 1..)]
        name: Vec<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

fn parse_today(text: &str) -> Result<Date, String> {
    crate::core::dates::parse_date(text)
        .map_err(|_| format!("`{text}` is not a real date (YYYY-MM-DD)"))
}

impl Cli {
    /// The typed flags and the action, free of clap types.
    pub fn into_parts(self) -> (Flags, Action) {
        let flags = Flags {
            // $KITH_VAULT when no --vault is given; an empty value counts as unset.
            vault: self.vault.or_else(|| {
                std::env::var_os("KITH_VAULT")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            }),
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
        };
        (flags, action)
    }
}
