//! `kith due`: this week's list on stdout; `--write` also writes the due note.

use std::process::ExitCode;

use crate::config::Config;
use crate::core::model::Vault;
use crate::core::{render, schedule};
use crate::write::{self, Outcome};

/// The week of `config.today`, with the first lines it shows read in (a model from the cache
/// leaves them in the notes).
pub(crate) fn week(
    config: &Config,
    vault: &mut Vault,
    memo: &mut schedule::Memo,
) -> schedule::Week {
    let week = schedule::week_with(vault, &config.rules, config.today, memo);
    let shown: Vec<(usize, usize)> = week
        .check_ins
        .iter()
        .filter_map(|c| c.last_interaction.map(|i| (c.contact, i)))
        .collect();
    crate::vault::fill_first_lines(config, vault, &shown);
    week
}

pub fn run(config: &Config, write_note: bool, json: bool) -> anyhow::Result<ExitCode> {
    let mut vault = crate::index::model(config)?;
    let started = std::time::Instant::now();
    let week = week(config, &mut vault, &mut schedule::Memo::default());
    if config.verbose > 0 {
        eprintln!("kith: scheduled the week in {:?}", started.elapsed());
    }
    // The note is written first, so that a closed stdout cannot stop it.
    let written = write_note.then(|| {
        let note = render::due_note(&week, &vault);
        write::write_generated(&config.vault, &config.due_note, &note)
    });
    if json {
        super::print_json(&render::due_json(&week, &vault))?;
    } else {
        super::print_text(config, &render::due_terminal(&week, &vault))?;
    }
    super::summary(config, &vault);
    super::release(vault);
    match written {
        Some(Ok(Outcome::Written)) if !config.quiet => {
            eprintln!("kith: wrote {}", config.due_note);
        }
        Some(Ok(Outcome::Unchanged)) if !config.quiet => {
            eprintln!("kith: {} is up to date", config.due_note);
        }
        Some(Err(err)) => {
            eprintln!("kith: error: {err}");
            return Ok(ExitCode::from(1));
        }
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}
