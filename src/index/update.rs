//! Bringing the model cache up to date with the vault: what an update starts from, reading
//! the notes that changed, and what it reports. The update itself is either a patch of the
//! cached model ([`super::patch`]) or, when that cannot be, a read of every note
//! ([`super::build`]).

use std::collections::{HashMap, HashSet};
use std::time::SystemTime;

use super::manifest::{FileKind, FileState, Manifest, RACY_COARSE, RACY_FINE, UNSURE};
use super::state::StateError;
use super::store::Store;
use super::walk::{Stat, Walk};
use super::{Changes, Rebuild, build, patch};
use crate::config::Config;
use crate::core::model::{self, Prepared, Vault};
use crate::core::problem::Problem;
use crate::vault;

/// Called with the model as soon as an update has it, before the caches and the index are
/// written (the watcher writes the due note from it).
pub type OnModel<'a> = &'a mut dyn FnMut(&mut Vault);

/// What a watcher keeps between updates: the model, the manifest and where links go, as it
/// last wrote them under its lock.
pub struct Kept {
    pub vault: Vault,
    pub manifest: Manifest,
    pub links: model::Links,
}

/// A model brought up to date, and what changed.
pub struct Updated {
    pub vault: Vault,
    pub manifest: Manifest,
    pub links: model::Links,
    pub changes: Changes,
    /// When only some files changed: which, for the index.
    pub touched: Option<Touched>,
}

/// The files a patch read or dropped, and the text of those it read.
pub struct Touched {
    /// The model generation before the patch.
    pub since: u64,
    pub paths: Vec<String>,
    pub texts: HashMap<String, String>,
}

/// What an update starts from.
enum Base {
    /// What a watcher kept in memory.
    Kept(Box<Kept>),
    /// The last update's manifest, and the model it names in the cache.
    Cached(Manifest),
    /// The last update's manifest, made with another config: every note is read again
    /// (silently: the config said so), compared with it.
    OtherConfig(Manifest),
    /// Nothing to compare with; why, unless it is the first update.
    Nothing(Option<Rebuild>),
}

impl Base {
    fn of(store: &Store, cfg: u64, rebuild: bool, kept: Option<Kept>) -> Base {
        if rebuild {
            return Base::Nothing(Some(Rebuild::Asked));
        }
        if let Some(k) = kept.filter(|k| k.manifest.is_current(cfg)) {
            return Base::Kept(Box::new(k));
        }
        match store.read_manifest() {
            Ok(m)
                if m.schema != super::schema::SCHEMA_VERSION
                    || m.kith != env!("CARGO_PKG_VERSION") =>
            {
                Base::Nothing(Some(Rebuild::OtherVersion(Some(m.kith))))
            }
            Ok(m) if m.config != cfg => Base::OtherConfig(m),
            Ok(m) => Base::Cached(m),
            Err(StateError::Missing) if store.path(super::store::TANTIVY_DIR).exists() => {
                Base::Nothing(Some(Rebuild::Missing("manifest")))
            }
            Err(StateError::Missing) => Base::Nothing(None),
            Err(StateError::Version) => Base::Nothing(Some(Rebuild::OtherVersion(None))),
            Err(e) => Base::Nothing(Some(Rebuild::Damaged(format!("its manifest {e}")))),
        }
    }
}

/// Brings the model up to date with `walk`: a patch when it can be, else every note read.
/// Writes the model cache and the manifest.
pub fn update(
    store: &Store,
    config: &Config,
    cfg: u64,
    rebuild: bool,
    walk: &Walk,
    kept: Option<Kept>,
    on_model: OnModel<'_>,
) -> anyhow::Result<Updated> {
    let old = match Base::of(store, cfg, rebuild, kept) {
        Base::Kept(k) => {
            let Kept {
                vault,
                manifest,
                links,
            } = *k;
            let in_memory = (vault, links);
            match patch::try_patch(store, config, &manifest, walk, Some(in_memory), on_model)? {
                Some(updated) => return Ok(updated),
                None => manifest,
            }
        }
        Base::Cached(manifest) => {
            match patch::try_patch(store, config, &manifest, walk, None, on_model)? {
                Some(updated) => return Ok(updated),
                None => manifest,
            }
        }
        Base::OtherConfig(manifest) => manifest,
        Base::Nothing(why) => {
            if let Some(why) = why.as_ref().filter(|w| !matches!(w, Rebuild::Asked)) {
                crate::report::note(
                    config,
                    format_args!("rebuilding the index at {} ({why})", store.dir.display()),
                );
            }
            let mut updated =
                build::whole(store, config, cfg, &Manifest::default(), walk, on_model)?;
            updated.changes.rebuilt = why;
            return Ok(updated);
        }
    };
    build::whole(store, config, cfg, &old, walk, on_model)
}

/// A note read for an update.
pub struct Read {
    pub state: FileState,
    /// The parsed note, when it is one.
    pub prepared: Option<Prepared>,
    pub problem: Option<Problem>,
    /// Its text, when asked to keep it (a patch writes a few notes' documents from it).
    pub text: Option<String>,
}

impl Read {
    /// Reads and parses the note `stat` names.
    pub fn note(config: &Config, stat: &Stat, keep_text: bool) -> Read {
        let mut read = Read {
            state: FileState {
                rel: stat.file.rel.clone(),
                size: stat.size.unwrap_or(0),
                mtime: stat.mtime,
                hash: 0,
                kind: FileKind::Unreadable,
            },
            prepared: None,
            problem: None,
            text: None,
        };
        if racy(stat.mtime, SystemTime::now()) {
            read.state.mtime = UNSURE;
        }
        let text = match vault::read_note(&stat.file) {
            Ok(t) => t,
            Err(p) => {
                read.problem = Some(p);
                return read;
            }
        };
        read.state.hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        // The size read is the truth (the file may have changed since the stat).
        read.state.size = text.len() as u64;
        match vault::parse_note(config, &stat.file.rel, &text) {
            None => read.state.kind = FileKind::Generated,
            Some(parsed) => {
                read.state.kind = if parsed.is_contact {
                    FileKind::Contact
                } else {
                    FileKind::Note
                };
                let mut prepared = model::prepare(parsed, &config.rules);
                // Shown for a handful of notes only, and read from them then: a large vault's
                // first lines would be most of the model's memory.
                if let Some(c) = prepared.contact.as_mut() {
                    c.forget_first_lines();
                }
                read.prepared = Some(prepared);
            }
        }
        read.text = keep_text.then_some(text);
        read
    }

    /// Whether the note is as it was: only its size or mtime moved (a touch, a save without
    /// edits), or it is kith's own due note.
    pub fn same_as(&self, old: &FileState) -> bool {
        self.problem.is_none()
            && self.state.kind == old.kind
            && (self.state.hash == old.hash || old.kind == FileKind::Generated)
    }
}

/// Whether a note last written at `mtime` (nanoseconds since the epoch) and read at `now` may
/// be written again with the same time. A time of whole seconds is taken to come from a file
/// system that keeps no finer ones.
fn racy(mtime: i128, now: SystemTime) -> bool {
    let now = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    let window = if mtime % 1_000_000_000 == 0 {
        RACY_COARSE
    } else {
        RACY_FINE
    };
    mtime > now - window.as_nanos() as i128
}

/// How many changed notes [`Changes::named`] names.
const NAMED: usize = 3;

/// What changed, from the old manifest and the files read (the files not read did not
/// change); a move is a removed file's content under a new path.
pub fn tally(old: &Manifest, reads: &[Read], removed: &[&FileState]) -> Changes {
    let mut changes = Changes {
        read: reads.len(),
        ..Changes::default()
    };
    let notes = reads.iter().filter(|r| r.state.kind != FileKind::Generated);
    let removed_hashes: HashSet<u64> = removed.iter().map(|f| f.hash).collect();
    let mut moved_from = 0;
    for r in notes {
        match old.entry(&r.state.rel) {
            None if removed_hashes.contains(&r.state.hash) => {
                changes.moved += 1;
                moved_from += 1;
            }
            None => changes.added += 1,
            Some(o) if r.same_as(o) => {
                // Read again only because its time was unsure: no one touched it.
                let unsure = o.mtime == UNSURE || r.state.mtime == UNSURE;
                if !unsure && (o.size != r.state.size || o.mtime != r.state.mtime) {
                    changes.touched += 1;
                }
                continue;
            }
            Some(_) => changes.updated += 1,
        }
        if changes.named.len() < NAMED {
            changes.named.push(r.state.rel.clone());
        }
        if r.problem.is_some() {
            changes.unreadable += 1;
        }
    }
    changes.removed = removed.len().saturating_sub(moved_from);
    let room = NAMED.saturating_sub(changes.named.len());
    let moved: HashSet<u64> = reads.iter().map(|r| r.state.hash).collect();
    changes.named.extend(
        removed
            .iter()
            .filter(|f| !moved.contains(&f.hash))
            .take(room)
            .map(|f| f.rel.clone()),
    );
    changes
}

/// Writes the model cache and the manifest of `generation` for `files`.
pub fn save(
    store: &Store,
    (cfg, generation): (u64, u64),
    files: Vec<FileState>,
    walk_problems: &[Problem],
    vault: &mut Vault,
) -> anyhow::Result<Manifest> {
    let head = super::manifest::ManifestHead {
        schema: super::schema::SCHEMA_VERSION,
        kith: env!("CARGO_PKG_VERSION").to_string(),
        config: cfg,
        generation,
        walk: 0,
    };
    let contacts = vault
        .contacts
        .iter()
        .map(|c| super::manifest::ContactKey {
            path: c.path.clone(),
            name: c.name.clone(),
        })
        .collect();
    let walk_problems = walk_problems.iter().map(|p| p.path.clone()).collect();
    let manifest = Manifest::new(head, files, walk_problems, contacts);
    store.write_model(vault, generation)?;
    store.write_manifest(&manifest)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_note_written_moments_before_its_read_is_racy() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let at = |millis: u64| Duration::from_millis(millis).as_nanos() as i128;
        // Times with nanoseconds: a few clock ticks.
        assert!(racy(at(999_999_999) + 1, now));
        assert!(racy(at(999_999_960) + 1, now));
        assert!(!racy(at(999_999_900) + 1, now));
        // Whole seconds (FAT keeps two): seconds.
        assert!(racy(at(999_998_000), now));
        assert!(!racy(at(999_990_000), now));
        // A time in the future (another machine's clock) is not trusted either.
        assert!(racy(at(1_000_100_000), now));
    }
}
