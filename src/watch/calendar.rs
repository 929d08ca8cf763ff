//! The watcher's calendar, `[export] ics` in kith.toml: written from the model it keeps, after
//! the due note, only when its bytes change (a new day changes its DTSTAMP), and never over a
//! file that is not a calendar kith exported. Its own writes, inside the vault, come back as
//! events that are no note's.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::core::model::Vault;
use crate::write::{self, Durability, Outcome};

/// Writes the calendar when kith.toml names one; what was done, for the watcher's line
/// (`None`: nothing to say, no calendar or the same bytes).
fn write(config: &Config, vault: &Vault) -> Option<String> {
    let file = config.export.ics.as_ref()?;
    let exported = crate::export::render(config, vault, config.export.weeks, config.export.alarm);
    // Not synced, as the due note: rewritten on every change.
    let outcome = write::write_calendar(
        &config.vault,
        &file.path,
        &file.shown,
        &exported.text,
        Durability::Unsynced,
    );
    match outcome {
        Ok(Outcome::Written) => Some(format!("wrote {}", file.shown)),
        Ok(Outcome::Unchanged) => None,
        Err(e) => Some(format!("calendar not written: {e}")),
    }
}

/// Takes the calendar out of a batch's paths: kith's own write coming back (or anyone's
/// change to it) is no note's change.
pub fn leave_out(config: &Config, paths: &mut BTreeSet<String>) {
    let inside = config
        .export
        .ics
        .as_ref()
        .and_then(|file| file.path.strip_prefix(&config.vault).ok())
        .and_then(|rel| rel.to_str());
    if let Some(rel) = inside {
        paths.remove(&rel.replace('\\', "/"));
    }
}

/// [`write`], as the end of the watcher's line: `; wrote kith.ics`, or nothing.
pub fn tail(config: &Config, vault: &Vault) -> String {
    write(config, vault)
        .map(|done| format!("; {done}"))
        .unwrap_or_default()
}
