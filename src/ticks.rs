//! Ticked boxes in the due note, carried out (by `kith due --write` and `kith watch`): a
//! ticked check-in is logged in the contact's note, a ticked promise closed where it is
//! written. Each edit goes through [`crate::write`]; what could not be done is a problem,
//! said on stderr, and the tick stays for the next run.

use crate::config::Config;
use crate::core::edit::{NewEntry, append_log, close_task};
use crate::core::model::Vault;
use crate::core::note;
use crate::core::problem::Problem;
use crate::core::ticks::{self, Tick};
use crate::report;
use crate::write;

/// What carrying out the ticks did.
#[derive(Debug, Default)]
pub struct Carried {
    /// The notes edited (relative to the root).
    pub edited: Vec<String>,
}

/// Carries out the ticks of the due note (if kith wrote it) against `vault`, saying on
/// stderr what was done and what could not be.
pub fn carry_out(config: &Config, vault: &Vault) -> Carried {
    let mut carried = Carried::default();
    let Ok(text) = std::fs::read_to_string(config.vault.join(&config.due_note)) else {
        return carried;
    };
    if !write::is_generated(&text) {
        return carried;
    }
    let found = ticks::read(&text, &config.due_note, vault, config.today);
    let mut problems = found.problems;
    for (line, tick) in found.todo {
        let (rel, done) = match tick {
            Tick::CheckIn { contact } => {
                let c = &vault.contacts[contact];
                (c.path.as_str(), log_check_in(config, &c.path, &c.name))
            }
            Tick::Promise { contact, task } => {
                let t = &vault.contacts[contact].tasks[task];
                (&*t.path, close(config, &t.path, &t.text))
            }
        };
        match done {
            Ok(what) => {
                report::note(config, what);
                carried.edited.push(rel.to_string());
            }
            Err(why) => problems.push(Problem::warning(
                &config.due_note,
                Some(line),
                format!("{why}; the tick stays for the next run"),
            )),
        }
    }
    for p in problems {
        report::note(config, p);
    }
    carried
}

/// Logs a `check-in` dated today in the note at `rel`.
fn log_check_in(config: &Config, rel: &str, name: &str) -> Result<String, String> {
    let entry = NewEntry {
        date: config.today,
        title: Some("check-in"),
        text: "",
    };
    // The edit may be tried again (the note changed meanwhile): the last try's refusal counts.
    let refused = std::cell::Cell::new(None);
    let line = write::edit(&config.vault, rel, |text| {
        let appended = append_log(text, &config.log_heading, &entry);
        refused.set(appended.as_ref().err().cloned());
        appended.ok().map(|a| (a.text, a.line))
    })
    .map_err(|e| e.to_string())?
    .unwrap_or(0);
    match refused.into_inner() {
        Some(why) => Err(format!("{rel}:{}: {why}", why.line)),
        None => Ok(format!("logged a check-in with {name} ({rel}:{line})")),
    }
}

/// Closes the open task with the text `task` in the note at `rel`, wherever it now stands.
fn close(config: &Config, rel: &str, task: &str) -> Result<String, String> {
    let closed = write::edit(&config.vault, rel, |text| {
        let parsed = note::parse(rel, text, &config.rules.contacts);
        let mut open = parsed.tasks.iter().filter(|t| t.open && t.text == task);
        let (Some(t), None) = (open.next(), open.next()) else {
            return None;
        };
        Some((close_task(text, t.line, config.today)?, t.line))
    })
    .map_err(|e| e.to_string())?;
    match closed {
        Some(line) => Ok(format!("closed the promise `{task}` ({rel}:{line})")),
        None => Err(format!(
            "the promise `{task}` is no longer one open task in {rel}"
        )),
    }
}
