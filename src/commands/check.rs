//! `kith check`: every problem, as `path:line: severity: message` (exit 1 when one is an
//! error).

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::config::Config;
use crate::core::problem::{Problem, Severity};
use crate::core::render::plural;
use crate::report;

#[derive(Serialize)]
struct CheckJson<'a> {
    problems: &'a [Problem],
}

pub fn run(config: &Config, json: bool) -> anyhow::Result<ExitCode> {
    let vault = crate::index::model(config)?;
    if json {
        super::print_json(&CheckJson {
            problems: &vault.problems,
        })?;
    } else {
        let mut text = String::new();
        for p in &vault.problems {
            let _ = writeln!(text, "{p}");
        }
        super::print_text(config, &text)?;
    }
    let errors = vault
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = vault.problems.len() - errors;
    report::note(
        config,
        format_args!(
            "{}: {}, {}",
            super::counts(&vault),
            plural(errors as i64, "error"),
            plural(warnings as i64, "warning"),
        ),
    );
    if vault.contacts.is_empty() {
        report::note(config, super::how_contacts_are_made(config));
    }
    super::release(vault);
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
