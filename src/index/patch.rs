//! The patch: an update that reads only the notes whose size or modification time moved and
//! patches the model they came from, so that a save costs the note saved. It gives up (and
//! the update reads every note) when too much changed, when the cached model cannot be read,
//! or when the change may move links in notes it did not read (see [`model::patch`]).

use std::collections::HashMap;

use rayon::prelude::*;

use super::manifest::{FileKind, FileState, Manifest, notes_of};
use super::state;
use super::store::Store;
use super::update::{OnModel, Read, Touched, Updated, save, tally};
use super::walk::Walk;
use crate::config::Config;
use crate::core::model::{self, Vault};
use crate::core::problem;
use crate::progress::Phases;
use crate::report;

/// Why a patch gave way to reading every note (said with `-v`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FullRead {
    /// The folders that could not be read are not the same.
    WalkProblemsChanged,
    /// More than a quarter of the vault changed.
    ManyChanged,
    /// The cached model could not be read.
    CacheUnreadable,
    /// A change that may move links in notes not read.
    Links(model::Refused),
}

impl std::fmt::Display for FullRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FullRead::WalkProblemsChanged => f.write_str("folders that could not be read changed"),
            FullRead::ManyChanged => f.write_str("many notes changed"),
            FullRead::CacheUnreadable => f.write_str("the model cache cannot be read"),
            FullRead::Links(why) => write!(f, "{why}"),
        }
    }
}

/// Updates from what changed only: re-reads the changed files and patches the model (the
/// one in memory, else the cached one). `None` when that cannot be done.
pub fn try_patch(
    store: &Store,
    config: &Config,
    old: &Manifest,
    walk: &Walk,
    in_memory: Option<(Vault, model::Links)>,
    on_model: OnModel<'_>,
) -> anyhow::Result<Option<Updated>> {
    match patch(store, config, old, walk, in_memory, on_model)? {
        Ok(updated) => Ok(Some(updated)),
        Err(why) => {
            report::detail(
                config,
                format_args!("index update: reading every note ({why})"),
            );
            Ok(None)
        }
    }
}

fn patch(
    store: &Store,
    config: &Config,
    old: &Manifest,
    walk: &Walk,
    in_memory: Option<(Vault, model::Links)>,
    on_model: OnModel<'_>,
) -> anyhow::Result<Result<Updated, FullRead>> {
    if !old
        .walk_problems
        .iter()
        .eq(walk.problems.iter().map(|p| &p.path))
    {
        return Ok(Err(FullRead::WalkProblemsChanged));
    }
    let mut phases = Phases::new(config);
    let pairing = old.pair(&walk.stats);
    let changed = pairing.changed(&walk.stats);
    if changed.len() + pairing.removed.len() > (walk.stats.len() / 4).max(64) {
        return Ok(Err(FullRead::ManyChanged));
    }
    let reads: Vec<Read> = changed
        .par_iter()
        .map(|s| Read::note(config, s, true))
        .collect();
    phases.mark("read changed notes");
    let changes = tally(old, &reads, &pairing.removed);

    // The files after the change; what goes from the model and what comes in.
    let read_at: HashMap<&str, &Read> = reads.iter().map(|r| (r.state.rel.as_str(), r)).collect();
    let mut gone: Vec<&str> = pairing.removed.iter().map(|f| f.rel.as_str()).collect();
    let mut fresh_reads: Vec<&Read> = Vec::new();
    for r in &reads {
        match old.entry(&r.state.rel) {
            Some(o) if r.same_as(o) => {}
            Some(_) => {
                gone.push(&r.state.rel);
                fresh_reads.push(r);
            }
            // A new due note of kith's brings nothing to the model.
            None if r.prepared.is_none() && r.problem.is_none() => {}
            None => fresh_reads.push(r),
        }
    }
    let files: Vec<FileState> = walk
        .stats
        .iter()
        .zip(&pairing.was)
        .map(|(s, o)| match (read_at.get(s.file.rel.as_str()), o) {
            (Some(r), Some(o)) if r.same_as(o) => FileState {
                size: r.state.size,
                mtime: r.state.mtime,
                hash: r.state.hash,
                ..(*o).clone()
            },
            (Some(r), _) => r.state.clone(),
            (None, Some(o)) => (*o).clone(),
            // Every file the manifest does not name was read; this keeps the types whole.
            (None, None) => FileState {
                rel: s.file.rel.clone(),
                size: s.size.unwrap_or(0),
                mtime: s.mtime,
                hash: 0,
                kind: FileKind::Unreadable,
            },
        })
        .collect();

    let (mut vault, mut links) = match in_memory {
        Some(model) => model,
        None => match store.read_model(old.generation) {
            Ok(vault) => (vault, model::Links::default()),
            Err(_) => return Ok(Err(FullRead::CacheUnreadable)),
        },
    };
    phases.mark("read the model");
    if gone.is_empty() && fresh_reads.is_empty() {
        // Touches only: the model stays; the manifest takes the new sizes and times.
        let manifest = Manifest::new(
            old.head(),
            files,
            old.walk_problems.clone(),
            old.contacts.clone(),
        );
        store.write_manifest(&manifest)?;
        return Ok(Ok(Updated {
            vault,
            manifest,
            links,
            changes,
            touched: Some(Touched {
                since: old.generation,
                paths: Vec::new(),
                texts: HashMap::new(),
            }),
        }));
    }
    let (before, after) = (old.notes(), notes_of(&files));
    let mut read = Vec::new();
    let mut problems = Vec::new();
    for r in &fresh_reads {
        read.extend(r.prepared.clone());
        problems.extend(r.problem.clone());
    }
    let change = model::Change {
        gone: &gone,
        read,
        before: &before,
        after: &after,
    };
    if let Err(why) = model::patch(&mut vault, change, &mut links) {
        return Ok(Err(FullRead::Links(why)));
    }
    vault.problems.append(&mut problems);
    problem::sort(&mut vault.problems);
    phases.mark("patch the model");
    on_model(&mut vault);
    phases.mark("the model's first reader");

    let touched = Touched {
        since: old.generation,
        paths: gone
            .iter()
            .map(|p| p.to_string())
            .chain(fresh_reads.iter().map(|r| r.state.rel.clone()))
            .collect(),
        texts: fresh_reads
            .iter()
            .filter_map(|r| Some((r.state.rel.clone(), r.text.clone()?)))
            .collect(),
    };
    let generation = state::new_id();
    let manifest = save(
        store,
        (old.config, generation),
        files,
        &walk.problems,
        &mut vault,
    )?;
    phases.mark("caches");
    Ok(Ok(Updated {
        vault,
        manifest,
        links,
        changes,
        touched: Some(touched),
    }))
}
