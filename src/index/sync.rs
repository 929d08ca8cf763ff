//! The search index proper: tantivy's files, and the record of what they hold (each file's
//! fingerprint, [`super::docs`]), brought in line with a model of the vault.
//!
//! The model cache and the search index are kept apart: `due`, `show` and `check` update the
//! model alone, and the index catches up when a command needs it. The record names the model
//! generation it was last brought in line with; when that is the manifest's, the index is
//! current without looking further. Otherwise every file's fingerprint is computed from the
//! model and compared with the record, and the documents of the files whose fingerprint
//! changed are rewritten: the fingerprints, not the generations, are the truth.

use std::collections::{HashMap, HashSet};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy, Term};

use super::docs::Sources;
use super::manifest::Manifest;
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::state::{self, StateError};
use super::store::{INDEXED_FILE, Store, TANTIVY_DIR};
use super::{Changes, Rebuild};
use crate::config::Config;
use crate::core::model::Vault;
use crate::progress::{Phases, Progress};
use crate::vault::{self, NoteFile};

/// Tantivy's indexing threads and their memory for a large update (shared; at least 15 MB
/// per thread); a few notes' documents take one thread and the least memory.
const INDEX_THREADS: usize = 2;
const WRITER_MEMORY: usize = 50_000_000;
const SMALL_UPDATE: usize = 64;

/// An opened index, ready to search.
pub struct Searchable {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

/// What the index holds, written after each commit.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    kith: String,
    /// The model generation the index was brought in line with; 0 when some documents were
    /// made from a newer text than the model's.
    model: u64,
    /// The commit's id, which tantivy's commit payload also names.
    commit: u64,
    /// The tantivy files and their sizes right after the commit: a cheap check for damage.
    index_files: Vec<(String, u64)>,
    // The fields above are the head ([`RecordHead`]).
    /// The fingerprint of every file that has documents, sorted by path.
    files: Vec<(String, u64)>,
}

#[derive(Debug, Deserialize)]
struct RecordHead {
    kith: String,
    model: u64,
    commit: u64,
    index_files: Vec<(String, u64)>,
}

/// Which files an update may have changed the documents of.
pub enum Scope<'a> {
    /// Any: compare every file's fingerprint.
    All,
    /// Only `paths`, since the model of generation `since` (when the index was in line with
    /// it; else every file is compared). `texts` holds the text of the notes just read.
    Touched {
        since: u64,
        paths: &'a HashSet<&'a str>,
        texts: &'a HashMap<&'a str, &'a str>,
    },
}

fn payload(commit: u64) -> String {
    format!("kith:{SCHEMA_VERSION}:{commit}")
}

/// Opens `index` for search: the analyzers registered, a reader that reloads only when told.
pub fn searchable(index: Index) -> tantivy::Result<Searchable> {
    schema::register(&index);
    let (_, fields) = schema::build();
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(Searchable {
        index,
        reader,
        fields,
    })
}

/// The index, when it is whole and in line with the model of `generation` (its record is
/// read without the list of files).
pub fn current(store: &Store, generation: u64) -> Option<Index> {
    let head: RecordHead = state::read_head(&store.path(INDEXED_FILE), SCHEMA_VERSION).ok()?;
    if head.model != generation || head.kith != env!("CARGO_PKG_VERSION") {
        return None;
    }
    check(store, &head.index_files, head.commit).ok()
}

/// The index as it is, for search, whatever model it was made from (another kith is
/// writing it).
pub fn open_as_is(store: &Store) -> anyhow::Result<Searchable> {
    Index::open_in_dir(store.path(TANTIVY_DIR))
        .and_then(searchable)
        .context("the index is being written by another kith and cannot be read yet")
}

/// Opens the index and checks that it is the one the record describes.
fn check(store: &Store, index_files: &[(String, u64)], commit: u64) -> Result<Index, String> {
    if files_of(store) != index_files {
        // Files changed behind kith's back: checksum them before trusting them.
        let index = Index::open_in_dir(store.path(TANTIVY_DIR)).map_err(|e| e.to_string())?;
        let bad = index.validate_checksum().map_err(|e| e.to_string())?;
        if !bad.is_empty() {
            return Err(format!("{} index files fail their checksum", bad.len()));
        }
        return Err("its files are not the ones last written".into());
    }
    let index = Index::open_in_dir(store.path(TANTIVY_DIR)).map_err(|e| e.to_string())?;
    let metas = index.load_metas().map_err(|e| e.to_string())?;
    if metas.payload.as_deref() != Some(payload(commit).as_str()) {
        return Err("the index and its record differ".into());
    }
    Ok(index)
}

/// The tantivy files and their sizes, sorted.
fn files_of(store: &Store) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = std::fs::read_dir(store.path(TANTIVY_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if name.starts_with('.') {
                return None; // tantivy's lock files
            }
            Some((name, e.metadata().ok()?.len()))
        })
        .collect();
    out.sort();
    out
}

/// The index and its record as they stand, or why they must be made anew (`None`: there
/// is no index yet, which needs no saying).
fn existing(store: &Store, rebuild: bool) -> Result<(Index, Record), Option<Rebuild>> {
    if rebuild {
        return Err(Some(Rebuild::Asked));
    }
    let record: Record = match state::read(&store.path(INDEXED_FILE), SCHEMA_VERSION) {
        Ok(r) => r,
        Err(StateError::Missing) if !store.path(TANTIVY_DIR).exists() => return Err(None),
        Err(StateError::Missing) => return Err(Some(Rebuild::Missing("record"))),
        Err(StateError::Version) => return Err(Some(Rebuild::OtherVersion(None))),
        Err(e) => return Err(Some(Rebuild::Damaged(format!("its record {e}")))),
    };
    if record.kith != env!("CARGO_PKG_VERSION") {
        return Err(Some(Rebuild::OtherVersion(Some(record.kith))));
    }
    match check(store, &record.index_files, record.commit) {
        Ok(index) => Ok((index, record)),
        Err(why) => Err(Some(Rebuild::Damaged(format!("it is damaged: {why}")))),
    }
}

/// Starts an empty index, removing what an earlier one left.
fn create(store: &Store) -> anyhow::Result<Index> {
    let dir = store.path(TANTIVY_DIR);
    if dir.exists() {
        // Only tantivy's own files: never anything else someone put there.
        for entry in std::fs::read_dir(&dir).context("cannot read the index folder")? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                std::fs::remove_file(entry.path())
                    .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            }
        }
    }
    let _ = std::fs::remove_file(store.path(INDEXED_FILE));
    super::private::folder(&dir).context("cannot create the index folder")?;
    let (schema, _) = schema::build();
    Index::create_in_dir(&dir, schema).context("cannot create the index")
}

/// Brings the index in line with `vault`, the model `manifest` describes, rewriting the
/// documents of the files whose fingerprint changed. Adds to `changes` the documents written
/// and why the index was made anew, if it was (said on stderr unless it is the first).
pub fn sync(
    store: &Store,
    config: &Config,
    (vault, manifest): (&Vault, &Manifest),
    scope: Scope<'_>,
    rebuild: bool,
    changes: &mut Changes,
) -> anyhow::Result<Index> {
    let mut phases = Phases::new(config);
    let (index, old) = match existing(store, rebuild) {
        Ok((index, record)) if record.model == manifest.generation => return Ok(index),
        Ok(found) => found,
        Err(why) => {
            if let Some(why) = &why {
                if !matches!(why, Rebuild::Asked) {
                    crate::report::note(
                        config,
                        format_args!("rebuilding the index at {} ({why})", store.dir.display()),
                    );
                }
                changes.rebuilt.get_or_insert(why.clone());
            }
            (create(store)?, Record::default())
        }
    };
    let no_texts = HashMap::new();
    let (sources, fingerprints) = match scope {
        Scope::Touched {
            since,
            paths,
            texts,
        } if old.model == since && since != 0 => {
            let sources = Sources::only(vault, paths);
            let fingerprints = touched_fingerprints(&sources, manifest, &old.files, paths);
            (sources, Plan::texts(fingerprints, texts))
        }
        _ => {
            let sources = Sources::new(vault);
            let fingerprints = manifest
                .files
                .iter()
                .map(|f| (f.rel.clone(), sources.fingerprint(&f.rel, f.hash)))
                .filter(|(_, fp)| *fp != 0)
                .collect();
            (sources, Plan::texts(fingerprints, &no_texts))
        }
    };
    phases.mark("fingerprints");
    let mut plan = fingerprints.against(&old.files);
    let written = write_documents(config, &index, &sources, &plan, manifest)?;
    plan.distrust(&written.changed_since);
    super::private::files_in(&store.path(TANTIVY_DIR))
        .context("cannot make the index's files private")?;
    changes.docs_written += written.documents;
    phases.mark("documents and commit");
    // Documents that are not the model's (their notes changed since it was made) leave the
    // index out of line with it, whatever the model's generation: the next run that needs the
    // index compares the fingerprints, even when the model has not changed meanwhile.
    let model = if written.changed_since.is_empty() {
        manifest.generation
    } else {
        0
    };
    let record = Record {
        kith: env!("CARGO_PKG_VERSION").to_string(),
        model,
        commit: plan.commit,
        index_files: files_of(store),
        files: plan.files,
    };
    state::write(&store.path(INDEXED_FILE), SCHEMA_VERSION, &record)
        .context("cannot write the index's record")?;
    Ok(index)
}

/// The fingerprints after a change to `paths` only: the old ones, with those of `paths`
/// computed again.
fn touched_fingerprints(
    sources: &Sources<'_>,
    manifest: &Manifest,
    old: &[(String, u64)],
    paths: &HashSet<&str>,
) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = old
        .iter()
        .filter(|(rel, _)| !paths.contains(rel.as_str()))
        .cloned()
        .collect();
    for rel in paths {
        if let Some(f) = manifest.entry(rel) {
            let fp = sources.fingerprint(rel, f.hash);
            if fp != 0 {
                out.push((f.rel.clone(), fp));
            }
        }
    }
    out.sort_unstable();
    out
}

/// What a sync writes: the fingerprints after it, the texts already in memory, and (once
/// compared with the record) the files whose documents go and come.
struct Plan<'a> {
    files: Vec<(String, u64)>,
    texts: &'a HashMap<&'a str, &'a str>,
    /// Files whose old documents are deleted.
    delete: Vec<String>,
    /// Files whose documents are written (a subset of `files`).
    write: Vec<String>,
    commit: u64,
}

impl<'a> Plan<'a> {
    fn texts(files: Vec<(String, u64)>, texts: &'a HashMap<&'a str, &'a str>) -> Self {
        Plan {
            files,
            texts,
            delete: Vec::new(),
            write: Vec::new(),
            commit: state::new_id(),
        }
    }

    /// Records that the documents of `files` were not made from the model's text: the
    /// fingerprint no model gives (that of a file without documents) makes the next sync
    /// delete and write them again.
    fn distrust(&mut self, files: &[String]) {
        for (rel, fp) in &mut self.files {
            if files.contains(rel) {
                *fp = 0;
            }
        }
    }

    /// Compares the fingerprints with the record's `old` ones.
    fn against(mut self, old: &[(String, u64)]) -> Self {
        let before: HashMap<&str, u64> = old.iter().map(|(r, f)| (r.as_str(), *f)).collect();
        let after: HashSet<&str> = self.files.iter().map(|(r, _)| r.as_str()).collect();
        for (rel, fp) in &self.files {
            match before.get(rel.as_str()) {
                Some(was) if was == fp => {}
                Some(_) => {
                    self.delete.push(rel.clone());
                    self.write.push(rel.clone());
                }
                None => self.write.push(rel.clone()),
            }
        }
        for (rel, _) in old {
            if !after.contains(rel.as_str()) {
                self.delete.push(rel.clone());
            }
        }
        self
    }
}

/// Deletes and writes the documents `plan` names, and commits.
fn write_documents(
    config: &Config,
    index: &Index,
    sources: &Sources<'_>,
    plan: &Plan<'_>,
    manifest: &Manifest,
) -> anyhow::Result<Written> {
    schema::register(index);
    let (_, fields) = schema::build();
    let (threads, memory) = if plan.write.len() <= SMALL_UPDATE {
        (1, 15_000_000)
    } else {
        (INDEX_THREADS, WRITER_MEMORY)
    };
    let mut writer = index
        .writer_with_num_threads(threads, memory)
        .context("cannot open the index for writing")?;
    for rel in &plan.delete {
        writer.delete_term(Term::from_field_text(fields.path, rel));
    }
    // One producer (reading a note and making its documents is cheap) feeding tantivy's
    // indexing threads, which do the real work (tokenizing, stemming): more producers only
    // spin on the full channel and take the cores away from them.
    let progress = Progress::new(config, "indexing", "notes", plan.write.len() as u64);
    let mut written = 0;
    let mut changed_since = Vec::new();
    for rel in &plan.write {
        let read;
        let text = match plan.texts.get(rel.as_str()) {
            Some(text) => *text,
            None => {
                let file = NoteFile {
                    rel: rel.clone(),
                    abs: config.vault.join(rel),
                };
                // A note that reads otherwise now (or not at all) has changed since the model
                // was made: its documents are made from what is there, and the record says
                // that they are not the model's, so the next update writes them again.
                let now = vault::read_note(&file).ok();
                let hash = now
                    .as_deref()
                    .map(|t| xxhash_rust::xxh3::xxh3_64(t.as_bytes()));
                if hash.is_none() || hash != manifest.entry(rel).map(|f| f.hash) {
                    changed_since.push(rel.clone());
                }
                let Some(text) = now else {
                    continue;
                };
                read = text;
                &read
            }
        };
        for doc in sources.documents(rel, text, &fields) {
            writer
                .add_document(doc)
                .context("cannot write to the index")?;
            written += 1;
        }
        progress.inc();
    }
    let mut prepared = writer.prepare_commit().context("cannot commit the index")?;
    prepared.set_payload(&payload(plan.commit));
    prepared.commit().context("cannot commit the index")?;
    writer
        .wait_merging_threads()
        .context("cannot finish merging the index")?;
    progress.finish();
    Ok(Written {
        documents: written,
        changed_since,
    })
}

/// What [`write_documents`] did.
struct Written {
    documents: usize,
    /// The files whose text on disk was not the one the model was made from.
    changed_since: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(list: &[(&str, u64)]) -> Vec<(String, u64)> {
        list.iter().map(|(r, f)| (r.to_string(), *f)).collect()
    }

    #[test]
    fn a_plan_writes_what_changed_and_deletes_what_went() {
        let texts = HashMap::new();
        let plan = Plan::texts(fp(&[("a.md", 1), ("b.md", 5), ("new.md", 7)]), &texts)
            .against(&fp(&[("a.md", 1), ("b.md", 2), ("gone.md", 3)]));
        assert_eq!(plan.write, ["b.md", "new.md"]);
        let mut delete = plan.delete.clone();
        delete.sort();
        assert_eq!(delete, ["b.md", "gone.md"]);
        // Nothing changed: nothing to do.
        let same = Plan::texts(fp(&[("a.md", 1)]), &texts).against(&fp(&[("a.md", 1)]));
        assert!(same.write.is_empty() && same.delete.is_empty());
        // Documents made from a text the model was not made from are written again next
        // time, though the model's fingerprint stays the same.
        let mut changed = Plan::texts(fp(&[("a.md", 1), ("b.md", 5)]), &texts);
        changed.distrust(&["a.md".to_string()]);
        assert_eq!(changed.files, fp(&[("a.md", 0), ("b.md", 5)]));
        let next = Plan::texts(fp(&[("a.md", 1), ("b.md", 5)]), &texts).against(&changed.files);
        assert_eq!(
            (next.write, next.delete),
            (vec!["a.md".to_string()], vec!["a.md".to_string()])
        );
    }
}
