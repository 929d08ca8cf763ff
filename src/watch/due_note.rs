//! The watcher's due note: written from the model it keeps, only when its bytes change, and
//! recognised by its bytes when its own write comes back as an event.

use std::time::Instant;

use crate::config::Config;
use crate::core::model::Vault;
use crate::core::{render, schedule};
use crate::report;
use crate::write::{self, Outcome};

/// The due note kith last wrote, and what one week keeps for the next.
#[derive(Default)]
pub struct DueNote {
    /// xxh3 of the bytes kith last wrote or found up to date.
    last: Option<u64>,
    memo: schedule::Memo,
}

impl DueNote {
    /// Computes the week and writes the note when its bytes change; what was done, for the
    /// watcher's line on stderr.
    pub fn write(&mut self, config: &Config, vault: &mut Vault) -> String {
        let started = Instant::now();
        let week = crate::vault::week(config, vault, &mut self.memo);
        let scheduled = started.elapsed();
        let note = render::due_note(&week, vault);
        let rendered = started.elapsed();
        // Not synced: rewritten on every change, and a flush would wait behind the index.
        let outcome = write::write_generated_as(
            &config.vault,
            &config.due_note,
            &note,
            write::Durability::Unsynced,
        );
        report::detail(
            config,
            format_args!(
                "due note: week {scheduled:?}, rendered {:?}, written {:?}",
                rendered - scheduled,
                started.elapsed() - rendered
            ),
        );
        if outcome.is_ok() {
            self.last = Some(xxhash_rust::xxh3::xxh3_64(note.as_bytes()));
        }
        match outcome {
            Ok(Outcome::Written) => format!("wrote {}", config.due_note),
            Ok(Outcome::Unchanged) => format!("{} unchanged", config.due_note),
            Err(e) => format!("due note not written: {e}"),
        }
    }

    /// Whether the note on disk is the one kith wrote last.
    pub fn is_own(&self, config: &Config) -> bool {
        let Some(last) = self.last else {
            return false;
        };
        std::fs::read(config.vault.join(&config.due_note))
            .is_ok_and(|bytes| xxhash_rust::xxh3::xxh3_64(&bytes) == last)
    }
}
