//! The index folder: the parsed vault (the model cache) and a tantivy index of every
//! interaction and contact, kept in `index_dir`, never in the vault.
//!
//! [`refresh`] gives a command what it needs ([`Need`]), fresh: it stats every note (no
//! reads) and compares with the manifest; on an unchanged vault that is all. Otherwise it
//! takes the writer lock, brings the model up to date (reading only the notes that changed
//! when it can) and, for the commands that search, brings the index in line with the model.
//! `due`, `show` and `check` never touch the search index. A missing, damaged, half-written
//! or other-version cache or index is rebuilt, with one line on stderr saying why.
//!
//! Concurrency: readers take no lock. A writer takes `kith.lock` (an advisory file lock that
//! dies with its process); a second writer waits for it a moment, and if it is still held,
//! works from what is there. While `kith watch` runs ([`Watched`]), readers take what it
//! keeps fresh without walking the vault.
//!
//! The files, each owning one part: [`store`] (the folder, its files and locks), [`state`]
//! (their format), [`manifest`] (what the model was made from), [`walk`] (the stat walk),
//! [`fresh`] (whether what is cached can be used as it is), [`update`], [`build`] and
//! [`patch`] (the model brought up to date), [`sync`] (the search index
//! brought in line with the model), [`docs`], [`schema`], [`tokenizer`] and [`search`] (the
//! documents and how they are searched), [`progress`], and [`watched`] (the watcher's hold).

mod build;
pub mod docs;
mod fresh;
mod manifest;
mod patch;
mod private;
pub mod schema;
pub mod search;
mod state;
mod store;
mod sync;
pub mod tokenizer;
mod update;
mod walk;
mod watched;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

pub use manifest::Manifest;
pub use store::{AlreadyWatched, index_dir};
pub use sync::Searchable;
pub(crate) use sync::searchable;
pub use watched::{Hint, Watched};

use crate::config::Config;
use crate::core::model::{self, Vault};
use crate::report;
use store::Store;
use update::{Kept, OnModel, Updated};
use walk::Walk;

/// What a command needs from [`refresh`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// `due`, `show`, `check`: the model; never the search index.
    Model,
    /// `search`: the index, opened; the model too when a contact is named.
    Search { model: bool },
    /// `who`: the index, opened, and the list of contacts.
    Who,
    /// `index`: the index in line with the vault (made anew with `rebuild`), and the list of
    /// files.
    Index { rebuild: bool },
    /// `watch`: the model, and the index in line with it.
    Watch,
    /// `lsp`: the model and the list of notes (where links go depends on every note's
    /// path); never the search index.
    ModelAndNotes,
}

impl Need {
    fn model(self) -> bool {
        matches!(
            self,
            Need::Model | Need::Search { model: true } | Need::Watch | Need::ModelAndNotes
        )
    }

    /// Whether the search index must be in line with the model.
    fn index(self) -> bool {
        !matches!(self, Need::Model | Need::ModelAndNotes)
    }

    /// Whether the index is opened for searching.
    fn opens_index(self) -> bool {
        matches!(self, Need::Search { .. } | Need::Who)
    }

    fn rebuild(self) -> bool {
        matches!(self, Need::Index { rebuild: true })
    }

    /// Whether the manifest's lists of files and contacts are needed (the watcher keeps the
    /// manifest to patch from).
    fn lists(self) -> bool {
        matches!(
            self,
            Need::Who | Need::Index { .. } | Need::Watch | Need::ModelAndNotes
        )
    }
}

/// Why the model cache or the index was made anew.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuild {
    /// `kith index --rebuild`.
    Asked,
    /// One of its files is missing (the manifest, the index's record).
    Missing(&'static str),
    /// Written by another version of kith (which one, when known).
    OtherVersion(Option<String>),
    /// Unreadable or inconsistent: why.
    Damaged(String),
}

impl std::fmt::Display for Rebuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rebuild::Asked => f.write_str("asked to (--rebuild)"),
            Rebuild::Missing(what) => write!(f, "its {what} is missing"),
            Rebuild::OtherVersion(None) => f.write_str("it was written by another version of kith"),
            Rebuild::OtherVersion(Some(kith)) => write!(f, "it was written by kith {kith}"),
            Rebuild::Damaged(why) => f.write_str(why),
        }
    }
}

/// What an update did, for `kith index` and `-v`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Files moved or renamed (same content, new path).
    pub moved: usize,
    /// Files re-read whose content had not changed (a touch, a save without edits).
    pub touched: usize,
    /// Files that could not be read this time.
    pub unreadable: usize,
    /// Files read (the others were only stat'ed).
    pub read: usize,
    /// The first few notes read or removed that changed, by path (for the watcher's log).
    pub named: Vec<String>,
    /// Documents written.
    pub docs_written: usize,
    /// Why the cache or the index was made anew, if it was.
    pub rebuilt: Option<Rebuild>,
    /// Another kith held the writer lock: what is there was used as it was.
    pub stale: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added + self.updated + self.removed + self.moved == 0 && self.rebuilt.is_none()
    }
}

/// `added 2, updated 1, removed 0, moved 0` and what else happened.
impl std::fmt::Display for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::core::render::plural;
        if let Some(why) = &self.rebuilt {
            write!(f, "rebuilt ({why}): ")?;
        }
        write!(
            f,
            "added {}, updated {}, removed {}, moved {}",
            self.added, self.updated, self.removed, self.moved
        )?;
        if self.touched > 0 {
            write!(f, ", {} touched but unchanged", self.touched)?;
        }
        if self.unreadable > 0 {
            write!(f, ", {} unreadable (run `kith check`)", self.unreadable)?;
        }
        if self.stale {
            f.write_str(" (another kith is updating the index: shown as it is)")?;
        }
        write!(
            f,
            "; {} read, {} written",
            plural(self.read as i64, "file"),
            plural(self.docs_written as i64, "document")
        )
    }
}

/// A fresh view of the vault: the model, and the index to search.
pub struct Fresh {
    pub vault: Vault,
    pub manifest: Manifest,
    pub index: Option<Searchable>,
    pub changes: Changes,
    pub took: Duration,
}

/// What the index records of the config it was made with: its file's bytes as loaded (not
/// as they are now on disk, which may have changed since) and the due note's path.
pub(crate) fn config_hash(config: &Config) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&config.config_bytes);
    hasher.update(config.due_note.as_bytes());
    for folder in &config.templates {
        hasher.update(&[0]);
        hasher.update(folder.as_bytes());
    }
    hasher.digest()
}

/// Brings what `need` asks for up to date and returns it. While `kith watch` runs on the
/// vault, what it keeps fresh is read as it is, without walking the vault.
pub fn refresh(config: &Config, need: Need) -> anyhow::Result<Fresh> {
    refresh_with(config, need, true)
}

/// [`refresh`]; `trust_watcher: false` for the watcher itself.
fn refresh_with(config: &Config, need: Need, trust_watcher: bool) -> anyhow::Result<Fresh> {
    let started = Instant::now();
    let store = Store::open(config)?;
    let cfg = config_hash(config);
    let done = |fresh: Fresh| Fresh {
        took: started.elapsed(),
        ..fresh
    };
    if trust_watcher
        && !need.rebuild()
        && store.watched()
        && let Some(fresh) = fresh::read_watched(&store, cfg, need)
    {
        return Ok(done(fresh));
    }
    let walk = Walk::of(config);
    if !need.rebuild()
        && let Some(fresh) = fresh::try_unchanged(&store, cfg, need, &walk)
    {
        return Ok(done(fresh));
    }
    let Some(lock) = store.lock()? else {
        return fresh::as_it_is(&store, config, need).map(done);
    };
    // Under the lock, another process may just have brought everything up to date.
    if !need.rebuild()
        && let Some(fresh) = fresh::try_unchanged(&store, cfg, need, &walk)
    {
        return Ok(done(fresh));
    }
    let (fresh, _) = apply(&store, config, cfg, need, &walk, None, &mut |_| {})?;
    drop(lock);
    Ok(done(fresh))
}

/// Under the writer lock: the model brought up to date with `walk`, then the search index in
/// line with it when `need` asks.
fn apply(
    store: &Store,
    config: &Config,
    cfg: u64,
    need: Need,
    walk: &Walk,
    kept: Option<Kept>,
    on_model: OnModel<'_>,
) -> anyhow::Result<(Fresh, model::Links)> {
    let Updated {
        vault,
        manifest,
        links,
        mut changes,
        touched,
    } = update::update(store, config, cfg, need.rebuild(), walk, kept, on_model)?;
    let index = if need.index() {
        let paths: HashSet<&str>;
        let texts: HashMap<&str, &str>;
        let scope = match &touched {
            Some(t) => {
                paths = t.paths.iter().map(String::as_str).collect();
                texts = t
                    .texts
                    .iter()
                    .map(|(p, t)| (p.as_str(), t.as_str()))
                    .collect();
                sync::Scope::Touched {
                    since: t.since,
                    paths: &paths,
                    texts: &texts,
                }
            }
            None => sync::Scope::All,
        };
        let index = sync::sync(
            store,
            config,
            (&vault, &manifest),
            scope,
            need.rebuild(),
            &mut changes,
        )?;
        need.opens_index()
            .then(|| sync::searchable(index))
            .transpose()?
    } else {
        None
    };
    let fresh = Fresh {
        vault,
        manifest,
        index,
        changes,
        took: Duration::ZERO,
    };
    Ok((fresh, links))
}

/// Whether the model cache and the search index are up to date with the vault (a stat walk;
/// nothing is read or written).
pub fn is_current(config: &Config) -> bool {
    let Ok(store) = Store::open(config) else {
        return false;
    };
    let walk = Walk::of(config);
    fresh::try_unchanged(
        &store,
        config_hash(config),
        Need::Index { rebuild: false },
        &walk,
    )
    .is_some()
}

/// The model of the vault for commands that do not search: from the cache when it is
/// fresh, else brought up to date. If the index folder cannot be used (a read-only cache,
/// say), the vault is read directly, with one line saying why.
pub fn model(config: &Config) -> anyhow::Result<Vault> {
    match refresh(config, Need::Model) {
        Ok(fresh) => {
            report::detail(config, format_args!("model ready in {:?}", fresh.took));
            Ok(fresh.vault)
        }
        Err(err) if err.downcast_ref::<crate::config::UsageError>().is_some() => Err(err),
        Err(err) => {
            report::warning(
                config,
                format_args!("the index cannot be used ({err:#}); reading the vault"),
            );
            Ok(crate::vault::load(config))
        }
    }
}

/// Reads a contact's properties from its note when the model holds none (a model read
/// from the cache keeps only typed properties).
pub fn load_properties(config: &Config, vault: &mut Vault, contact: usize) {
    let Some(c) = vault.contacts.get_mut(contact) else {
        return;
    };
    if c.properties.is_some() {
        return;
    }
    let file = crate::vault::NoteFile {
        rel: c.path.clone(),
        abs: config.vault.join(&c.path),
    };
    if let Ok(text) = crate::vault::read_note(&file) {
        c.properties = Some(crate::core::frontmatter::properties_of(&text));
    }
}
