//! The calendar export between the model and a file: the events of the next weeks, rendered
//! as iCalendar text with what only the shell knows (whether the vault is an Obsidian vault,
//! and its name). `kith export ics` and `kith watch` share it; writing goes through
//! [`crate::write::write_calendar`].

use jiff::civil::Date;

use crate::config::Config;
use crate::core::calendar::{self, ics};
use crate::core::model::Vault;

/// A rendered calendar.
pub struct Exported {
    pub text: String,
    /// How many events it holds.
    pub events: usize,
    /// Its first and last day.
    pub first: Date,
    pub last: Date,
}

/// The calendar of the `weeks` weeks from the config's today, with a display `alarm` on each
/// event when asked.
pub fn render(config: &Config, vault: &Vault, weeks: u16, alarm: Option<ics::Alarm>) -> Exported {
    let cal = calendar::calendar(vault, config.today, weeks);
    let options = ics::Options {
        alarm,
        obsidian_vault: obsidian_vault(config),
    };
    Exported {
        text: ics::render(&cal, vault, &options),
        events: cal.events.len(),
        first: cal.first,
        last: cal.last,
    }
}

/// The name Obsidian knows the vault by (its folder's name) when the vault root is an
/// Obsidian vault: events then link their contact's note.
fn obsidian_vault(config: &Config) -> Option<String> {
    if !config.vault.join(".obsidian").is_dir() {
        return None;
    }
    // `--vault ..` names no folder until it is resolved.
    let root = config.vault.canonicalize().ok()?;
    root.file_name()?.to_str().map(str::to_string)
}
