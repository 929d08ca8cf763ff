//! `kith watch`'s hold on the index folder: the watch lock, and the model, the manifest, the
//! stat walk and where links go, kept in memory between changes so that a save costs the
//! notes it touched.

use std::collections::BTreeSet;
use std::fs::File;

use super::store::{AlreadyWatched, Store};
use super::update::{Kept, OnModel};
use super::walk::{Stat, Walk};
use super::{Changes, Fresh, Need, apply, config_hash, refresh_with};
use crate::config::Config;
use crate::core::model;
use crate::vault::NoteFile;

/// What a watcher saw change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// Anything may have changed (a lost event queue, a new config): walk the vault.
    Everything,
    /// These paths (relative to the root: notes, or folders and everything below them).
    Paths(BTreeSet<String>),
}

/// The watcher's hold on the index: see the module's documentation.
pub struct Watched {
    store: Store,
    _lock: File,
    pub fresh: Fresh,
    links: model::Links,
    /// The manifest file (length, modified) as the watcher last saw it: if another kith
    /// wrote it meanwhile (`kith index --rebuild`), what is kept is read again.
    stamp: Option<(u64, i128)>,
    /// The walk the manifest was made from, patched with what each batch's events name;
    /// `None`: made from the manifest when next needed.
    walk: Option<Walk>,
}

impl Watched {
    /// Takes the watch lock (or says who holds it), then brings the model and the index up
    /// to date.
    pub fn start(config: &Config) -> anyhow::Result<Result<Watched, AlreadyWatched>> {
        let store = Store::open(config)?;
        let lock = match store.watch_lock()? {
            Ok(lock) => lock,
            Err(other) => return Ok(Err(other)),
        };
        let mut watched = Watched {
            store,
            _lock: lock,
            fresh: refresh_with(config, Need::Watch, false)?,
            links: model::Links::default(),
            stamp: None,
            walk: None,
        };
        watched.settle();
        Ok(Ok(watched))
    }

    /// After an update: drops the interactions' first lines (they are read from the notes
    /// for what is shown), makes sure of where links go (a whole build does not keep them), and
    /// notes the manifest's stamp.
    fn settle(&mut self) {
        if !self.links.is_kept() {
            self.fresh.vault.forget_first_lines();
            self.links = model::Links::of(&self.fresh.vault, &self.fresh.manifest.notes());
        }
        self.stamp = self.store.manifest_stamp();
    }

    /// The index folder.
    pub fn dir(&self) -> &std::path::Path {
        &self.store.dir
    }

    /// Brings the model and the index up to date after a change, calling `on_model` with the
    /// model as soon as it is (before the caches and the index are written). On an error the
    /// model is read again from scratch, so that the watcher goes on from a known state.
    pub fn follow(
        &mut self,
        config: &Config,
        hint: &Hint,
        on_model: OnModel<'_>,
    ) -> anyhow::Result<Changes> {
        let mut phases = crate::progress::Phases::new(config);
        let walk = match hint {
            Hint::Everything => Walk::of(config),
            Hint::Paths(paths) => {
                let mut walk = match self.walk.take() {
                    Some(walk) => walk,
                    None => self.walk_from_manifest(config),
                };
                walk.restat(config, paths);
                walk
            }
        };
        phases.mark("stat what the events named");
        let result = self.follow_walk(config, &walk, on_model);
        // Kept for the next batch once the manifest says the same (else made from it again).
        self.walk = result.as_ref().is_ok_and(|c| !c.stale).then_some(walk);
        result
    }

    /// The walk as the manifest describes it, or a new walk when there is no manifest yet
    /// (a failed update, another kith writing at start): the events' paths alone would make
    /// every other note look removed.
    fn walk_from_manifest(&self, config: &Config) -> Walk {
        let manifest = &self.fresh.manifest;
        if manifest.generation == 0 {
            return Walk::of(config);
        }
        let stats = manifest
            .files
            .iter()
            .map(|f| Stat {
                file: NoteFile {
                    rel: f.rel.clone(),
                    abs: config.vault.join(&f.rel),
                },
                size: Some(f.size),
                mtime: f.mtime,
            })
            .collect();
        let problems = self
            .fresh
            .vault
            .problems
            .iter()
            .filter(|p| manifest.walk_problems.contains(&p.path))
            .cloned()
            .collect();
        Walk { stats, problems }
    }

    /// [`Watched::follow`] once the vault's notes are stat'ed.
    fn follow_walk(
        &mut self,
        config: &Config,
        walk: &Walk,
        on_model: OnModel<'_>,
    ) -> anyhow::Result<Changes> {
        let cfg = config_hash(config);
        let Some(lock) = self.store.lock()? else {
            return Ok(Changes {
                stale: true,
                ..Changes::default()
            });
        };
        let manifest = &self.fresh.manifest;
        if manifest.config == cfg && manifest.matches(walk) {
            return Ok(Changes::default());
        }
        let kept = (self.store.manifest_stamp() == self.stamp).then(|| Kept {
            vault: std::mem::take(&mut self.fresh.vault),
            manifest: std::mem::take(&mut self.fresh.manifest),
            links: std::mem::take(&mut self.links),
        });
        match apply(&self.store, config, cfg, Need::Watch, walk, kept, on_model) {
            Ok((fresh, links)) => {
                self.fresh = fresh;
                self.links = links;
                // Under the lock: the stamp is that of the manifest this update wrote.
                self.settle();
                drop(lock);
                Ok(self.fresh.changes.clone())
            }
            Err(err) => {
                drop(lock);
                self.fresh = refresh_with(config, Need::Watch, false)?;
                self.links = model::Links::default();
                self.settle();
                Err(err)
            }
        }
    }
}
