//! `kith due`: this week's list on stdout; `--write` also writes the due note.

use std::process::ExitCode;

use crate::config::Config;
use crate::core::{render, schedule};
use crate::report;
use crate::write::{self, Outcome};

pub fn run(config: &Config, write_note: bool, json: bool) -> anyhow::Result<ExitCode> {
    let mut vault = crate::index::model(config)?;
    // Ticks in the due note first: the note written next no longer lists what they did.
    if write_note && !crate::ticks::carry_out(config, &vault).edited.is_empty() {
        super::release(vault);
        vault = crate::index::model(config)?;
    }
    let started = std::time::Instant::now();
    let week = crate::vault::week(config, &mut vault, &mut schedule::Memo::default());
    report::detail(
        config,
        format_args!("scheduled the week in {:?}", started.elapsed()),
    );
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
        Some(Ok(Outcome::Written)) => {
            report::note(config, format_args!("wrote {}", config.due_note))
        }
        Some(Ok(Outcome::Unchanged)) => {
            report::note(config, format_args!("{} is up to date", config.due_note));
        }
        Some(Err(err)) => {
            report::error(err);
            return Ok(ExitCode::from(1));
        }
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}
