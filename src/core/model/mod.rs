//! The vault model: every contact with its interactions (entries in its own log and mentions
//! in other notes), its tasks and the contacts it links to, built from parsed notes and kept
//! up to date by patches. It only gathers what the notes say: it must not read files, the
//! clock or the index (the shell hands it [`ParsedNote`](super::note::ParsedNote)s and the
//! config's [`Rules`]), nor decide where a link goes ([`super::links`]) or when to reach out
//! ([`super::schedule`]).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use super::cadence::Cadence;
use super::frontmatter::{Birthday, RawProperty};
use super::note::ContactRules;
use super::problem::Problem;

// Building a model from parsed notes, reading one contact's note, finding a contact by NAME,
// and updating a model for changed notes.
mod build;
mod contact;
mod find;
mod patch;

pub use super::links::{Links, Reach};
pub use build::{Prepared, bad_due_problem, build, build_prepared, prepare};
pub use find::{Completion, Found, completions, find};
pub use patch::{Change, Refused, patch};

/// A tier of the config, in priority order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub name: String,
    pub cadence: Cadence,
    /// Warn when more active contacts than this are in the tier.
    pub max: Option<usize>,
}

/// The rules of the config that the core needs: pure data, no paths.
#[derive(Debug, Clone)]
pub struct Rules {
    pub contacts: ContactRules,
    /// Tiers in priority order.
    pub tiers: Vec<Tier>,
    pub default_tier: String,
    pub week_start: Weekday,
    /// Lower case, without `#`.
    pub ask_tags: Vec<String>,
    /// Lower case, without `#`.
    pub give_tags: Vec<String>,
    pub streak: usize,
    pub min_shared: usize,
    pub max_introductions: usize,
}

impl Default for Rules {
    fn default() -> Self {
        let tier = |name: &str, n, unit, max| Tier {
            name: name.to_string(),
            cadence: Cadence::Every { n, unit },
            max,
        };
        use super::cadence::Unit;
        Self {
            contacts: ContactRules {
                folders: vec!["People".to_string()],
                tags: vec!["person".to_string()],
            },
            tiers: vec![
                tier("A", 6, Unit::Week, Some(15)),
                tier("B", 3, Unit::Month, None),
                tier("C", 6, Unit::Month, None),
            ],
            default_tier: "B".to_string(),
            week_start: Weekday::Monday,
            ask_tags: vec!["ask".to_string()],
            give_tags: vec!["give".to_string(), "gave".to_string()],
            streak: 3,
            min_shared: 2,
            max_introductions: 3,
        }
    }
}

impl Rules {
    /// The tier named `name` (case-insensitive).
    pub fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
    }

    /// A tier's priority: its position in the config.
    pub fn tier_rank(&self, name: &str) -> usize {
        self.tiers
            .iter()
            .position(|t| t.name == name)
            .unwrap_or(self.tiers.len())
    }
}

/// Whether kith reminds you of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Active,
    Dormant,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Dormant => "dormant",
            Status::Archived => "archived",
        }
    }
}

/// A yearly anniversary: `YYYY-MM-DD what`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    #[serde(with = "crate::core::dates::serde_date")]
    pub date: Date,
    pub what: String,
}

/// One conversation with a contact: an entry in its own log, or a mention in a dated note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    #[serde(with = "crate::core::dates::serde_date")]
    pub date: Date,
    pub title: String,
    /// Its first line as written (see [`Interaction::summary`]); `None` in a model read
    /// from the cache, which leaves them in the notes: a command shows a handful of a large
    /// vault's, and reads those from their notes when it shows them.
    #[serde(skip)]
    pub first_line: Option<String>,
    /// Where it is written (for a mention, the mentioning note); shared by a note's
    /// interactions.
    pub path: Arc<str>,
    pub line: usize,
    /// Lower case, without `#`.
    pub tags: Vec<String>,
    /// A mention from another note rather than an entry in the contact's own log.
    pub mention: bool,
    /// Where its text is in the file at `path`: byte ranges (the entry; for a mention, the
    /// blocks that link the contact). The search index takes its documents' text from them.
    pub body: Vec<Range<usize>>,
}

impl Interaction {
    /// The first line of its text, plain, at most 160 characters.
    pub fn summary(&self) -> String {
        super::note::summary_text(self.first_line.as_deref().unwrap_or(""))
    }
}

/// A task that belongs to a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactTask {
    /// Where it is written.
    pub path: Arc<str>,
    pub line: usize,
    pub open: bool,
    pub text: String,
    #[serde(with = "crate::core::dates::serde_opt_date")]
    pub due: Option<Date>,
}

/// A contact and everything kith knows of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contact {
    /// Path relative to the root, with `/`: the contact's identity.
    pub path: String,
    pub stem: String,
    pub name: String,
    /// The name folded for sorting (NFC, lower case).
    pub name_key: String,
    pub aliases: Vec<String>,
    pub tier: String,
    pub cadence: Cadence,
    pub status: Status,
    #[serde(with = "crate::core::dates::serde_opt_date")]
    pub last_contact_property: Option<Date>,
    pub birthday: Option<Birthday>,
    pub milestones: Vec<Milestone>,
    #[serde(with = "crate::core::dates::serde_opt_date")]
    pub snooze_until: Option<Date>,
    /// Values of `tags` and `interests`, lower case, without contact tags; sorted.
    pub topics: Vec<String>,
    /// `email`, as written: an import matches incoming contacts on it.
    pub emails: Vec<String>,
    /// `uid`: the vCard UID the contact was imported from, matched by later imports.
    pub uid: Option<String>,
    /// The front-matter as written; `None` in a model read from the cache, which keeps only
    /// the typed properties above (`show` and the search index read the note again).
    #[serde(skip)]
    pub properties: Option<Vec<RawProperty>>,
    /// Sorted by date, then path, then line.
    pub interactions: Vec<Interaction>,
    pub tasks: Vec<ContactTask>,
    /// Indexes of the contacts this contact's note links to.
    pub links_to: BTreeSet<usize>,
    /// The wikilink target that reaches this note: its stem, or its path without `.md`
    /// where another note shares the stem.
    pub link_target: String,
}

impl Contact {
    /// Drops its interactions' first lines from memory (see [`Interaction::first_line`]).
    pub fn forget_first_lines(&mut self) {
        for i in &mut self.interactions {
            i.first_line = None;
        }
    }

    /// The contact as an Obsidian wikilink: `[[stem]]`, `[[stem|Name]]` or
    /// `[[path/stem|Name]]`.
    pub fn wikilink(&self) -> String {
        // A name cannot close the link or start another alias inside it.
        let shown: String = self
            .name
            .chars()
            .map(|c| match c {
                '[' | ']' | '|' => ' ',
                c => c,
            })
            .collect();
        let shown = shown.trim();
        if self.link_target == shown {
            format!("[[{}]]", self.link_target)
        } else {
            format!("[[{}|{}]]", self.link_target, shown)
        }
    }
}

/// The whole vault, as the scheduler sees it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Vault {
    /// Sorted by path.
    pub contacts: Vec<Contact>,
    /// Every problem, sorted.
    pub problems: Vec<Problem>,
    /// How many notes were read.
    pub notes: usize,
    /// Per note (by path), the links that reach no contact, as folded stems: a new contact
    /// with one of these stems or names changes other notes, so [`patch`](fn@patch) cannot
    /// add it.
    pub unresolved: BTreeMap<String, Vec<String>>,
}

impl Vault {
    /// The index of the contact whose note is at `path` (contacts are sorted by path).
    pub(super) fn contact_at(&self, path: &str) -> Option<usize> {
        self.contacts
            .binary_search_by(|c| c.path.as_str().cmp(path))
            .ok()
    }

    /// Drops every interaction's first line from memory (they are read from the notes for
    /// what is shown).
    pub fn forget_first_lines(&mut self) {
        self.contacts
            .iter_mut()
            .for_each(Contact::forget_first_lines);
    }
}

#[cfg(test)]
pub(crate) mod tests;
