//! The whole build: every note read and parsed on both cores, the model built from them all,
//! and the model cache written. Taken on the first update, after damage, on a config change,
//! and when a change may move links in notes that were not read.

use anyhow::Context as _;
use rayon::prelude::*;

use super::manifest::Manifest;
use super::state;
use super::store::Store;
use super::update::{OnModel, Read, Updated, save, tally};
use super::walk::Walk;
use crate::config::Config;
use crate::core::model;
use crate::core::problem::{self, Problem};
use crate::progress::{Phases, Progress};

/// Reads every note of `walk` and builds the model whole; `old` is what the last update saw
/// (empty when there is none), to say what changed.
pub fn whole(
    store: &Store,
    config: &Config,
    cfg: u64,
    old: &Manifest,
    walk: &Walk,
    on_model: OnModel<'_>,
) -> anyhow::Result<Updated> {
    let mut phases = Phases::new(config);
    // The notes are read and parsed on a pool of threads that ends with the read. mimalloc
    // keeps what one thread frees of another's memory with the thread that allocated it,
    // until that one allocates again: the global pool sleeps while the index is written,
    // and would keep the memory of every parsed note the model no longer needs.
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .context("cannot start the threads that read the notes")?;
    let progress = Progress::new(config, "reading", "notes", walk.stats.len() as u64);
    let reads: Vec<Read> = pool.install(|| {
        walk.stats
            .par_iter()
            .map(|s| {
                let r = Read::note(config, s, false);
                progress.inc();
                r
            })
            .collect()
    });
    drop(pool);
    progress.finish();
    phases.mark("read+parse");
    let changes = tally(old, &reads, &old.pair(&walk.stats).removed);
    let mut prepared = Vec::with_capacity(reads.len());
    let mut problems: Vec<Problem> = walk.problems.clone();
    let mut files = Vec::with_capacity(reads.len());
    for r in reads {
        prepared.extend(r.prepared);
        problems.extend(r.problem);
        files.push(r.state);
    }
    let mut vault = model::build_prepared(prepared);
    vault.problems.append(&mut problems);
    problem::sort(&mut vault.problems);
    phases.mark("model");
    on_model(&mut vault);

    let generation = state::new_id();
    let manifest = save(store, (cfg, generation), files, &walk.problems, &mut vault)?;
    phases.mark("caches");
    Ok(Updated {
        vault,
        manifest,
        links: model::Links::default(),
        changes,
        touched: None,
    })
}
