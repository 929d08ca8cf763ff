//! What every feature answers from: one vault's model as the editor sees it (the notes on
//! disk, with the unsaved text of its open notes patched in), where its links go, and its
//! config. A snapshot is made beside the message loop and never changes: the loop swaps in
//! the next one. It must not read the disk itself, but for the first lines of conversations,
//! which the model keeps in the notes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use lsp_types::Url;

use crate::config::Config;
use crate::core::model::{Contact, Interaction, Links, Reach, Vault};
use crate::core::note::LinkTarget;

/// Where today's date comes from: `--today`, or the system clock at each answer (a server
/// may run past midnight).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Today {
    Fixed(Date),
    Clock,
}

impl Today {
    pub(crate) fn date(self) -> Date {
        match self {
            Today::Fixed(date) => date,
            Today::Clock => jiff::ZonedDateTime::now().date(),
        }
    }
}

/// One vault as the editor sees it.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub config: Arc<Config>,
    pub vault: Arc<Vault>,
    pub links: Arc<Links>,
}

impl Snapshot {
    /// The vault root.
    pub(crate) fn root(&self) -> &Path {
        &self.config.vault
    }

    /// The path of a file relative to the root, with `/`; `None` outside the vault or for a
    /// name that is not UTF-8 (kith names notes by their paths as text).
    pub(crate) fn rel_of(&self, path: &Path) -> Option<String> {
        rel_in(self.root(), path)
    }

    /// The address of a note of the vault.
    pub(crate) fn url_of(&self, rel: &str) -> Option<Url> {
        Url::from_file_path(self.abs_of(rel)).ok()
    }

    /// The absolute path of a note of the vault.
    pub(crate) fn abs_of(&self, rel: &str) -> PathBuf {
        rel.split('/')
            .fold(self.root().to_path_buf(), |path, part| path.join(part))
    }

    /// The contact whose own note is at `rel`.
    pub(crate) fn contact_at(&self, rel: &str) -> Option<usize> {
        self.vault
            .contacts
            .binary_search_by(|c| c.path.as_str().cmp(rel))
            .ok()
    }

    /// What a link in the note at `from` reaches.
    pub(crate) fn reach(&self, link: &LinkTarget, from: &str) -> Reach {
        self.links.reach(link, from)
    }

    /// The contact a link in the note at `from` reaches, if any.
    pub(crate) fn contact_of(&self, link: &LinkTarget, from: &str) -> Option<(usize, &Contact)> {
        match self.reach(link, from) {
            Reach::Contact(i) => self.vault.contacts.get(i).map(|c| (i, c)),
            Reach::Note | Reach::Nothing => None,
        }
    }

    /// An interaction's first line: held by the model when the note was read from the
    /// editor, else read from its note.
    pub(crate) fn first_line(&self, interaction: &Interaction) -> String {
        if let Some(line) = &interaction.first_line {
            return line.clone();
        }
        crate::vault::read_parsed(&self.config, &interaction.path)
            .and_then(|note| note.first_line_at(interaction.line).map(str::to_string))
            .unwrap_or_default()
    }
}

/// `path` relative to `root`, with `/`, when it is inside and UTF-8.
pub(crate) fn rel_in(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let rel = parts?.join("/");
    (!rel.is_empty()).then_some(rel)
}
