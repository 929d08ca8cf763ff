//! Whether what the index folder holds can be used as it is: the fast path of every command
//! on an unchanged vault, what a running watcher keeps fresh, and what is there while
//! another kith writes.

use std::time::Duration;

use super::manifest::Manifest;
use super::store::Store;
use super::walk::Walk;
use super::{Changes, Fresh, Need, sync};
use crate::config::Config;
use crate::core::model::Vault;
use crate::report;

/// The fast path: the manifest matches the walk, and the files it names are whole (and, when
/// `need` searches, the index is in line with the model).
pub fn try_unchanged(store: &Store, cfg: u64, need: Need, walk: &Walk) -> Option<Fresh> {
    let manifest = read(store, need)?;
    if !manifest.is_current(cfg) || !manifest.matches(walk) {
        return None;
    }
    cached(store, manifest, need)
}

/// What a watcher keeps fresh, read as it is (tried again if it was writing meanwhile).
pub fn read_watched(store: &Store, cfg: u64, need: Need) -> Option<Fresh> {
    (0..3).find_map(|attempt| {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(50));
        }
        let manifest = read(store, need)?;
        if !manifest.is_current(cfg) {
            return None;
        }
        cached(store, manifest, need)
    })
}

/// The manifest, without its lists of files and contacts unless `need` asks for them.
fn read(store: &Store, need: Need) -> Option<Manifest> {
    if need.lists() {
        store.read_manifest().ok()
    } else {
        store.read_manifest_head().ok()
    }
}

/// What `need` asks for, from the cache and the index as `manifest` describes them; `None`
/// when they cannot be read (damaged, behind, or written by another process meanwhile).
fn cached(store: &Store, manifest: Manifest, need: Need) -> Option<Fresh> {
    let index = if need.index() {
        let index = sync::current(store, manifest.generation)?;
        if need.opens_index() {
            Some(sync::searchable(index).ok()?)
        } else {
            None
        }
    } else {
        None
    };
    let vault = if need.model() {
        store.read_model(manifest.generation).ok()?
    } else {
        Vault::default()
    };
    Some(Fresh {
        vault,
        manifest,
        index,
        changes: Changes::default(),
        took: Duration::ZERO,
    })
}

/// Another kith holds the writer lock: work from what is there. The model is read from the
/// notes (so it is fresh), the index opened as last committed.
pub fn as_it_is(store: &Store, config: &Config, need: Need) -> anyhow::Result<Fresh> {
    let index = if need.opens_index() {
        Some(sync::open_as_is(store)?)
    } else {
        None
    };
    report::note(
        config,
        "another kith is updating the index; using it as it is",
    );
    let vault = if need.model() {
        crate::vault::load(config)
    } else {
        Vault::default()
    };
    Ok(Fresh {
        vault,
        manifest: store.read_manifest().unwrap_or_default(),
        index,
        changes: Changes {
            stale: true,
            ..Changes::default()
        },
        took: Duration::ZERO,
    })
}
