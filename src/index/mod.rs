//! The index: tantivy documents of every interaction and contact, with a manifest and the
//! vault model kept beside them in `index_dir`, never in the vault.
//!
//! [`refresh`] brings all three up to date and is called by every command that reads the
//! vault: it stats every note (no reads) and compares with the manifest; on an unchanged
//! vault that is all. Otherwise it takes the writer lock, re-reads the notes whose size or
//! mtime changed, and when a content hash changed rebuilds the model and rewrites the
//! documents of exactly the files whose documents changed. A missing, damaged, half-written
//! or other-version index is rebuilt, with one line on stderr saying why.
//!
//! Concurrency: readers take no lock. A writer takes `kith.lock` (an advisory file lock that
//! dies with its process); a second writer waits for it a moment, and if it is still held,
//! works from what is there (the model in memory, the index as last committed).

pub mod docs;
pub mod schema;
pub mod search;
pub mod state;
pub mod tokenizer;

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use rayon::prelude::*;
use tantivy::{Index, IndexReader, ReloadPolicy, Term};

use crate::config::Config;
use crate::core::model::{self, Prepared, Vault};
use crate::core::note;
use crate::core::problem::{self, Problem};
use crate::vault::{self, Found, NoteFile};
use schema::{Fields, SCHEMA_VERSION};
use state::{ContactKey, FileKind, FileState, Manifest, Model, StateError};

const LOCK_FILE: &str = "kith.lock";
const MANIFEST_FILE: &str = "manifest.bin";
const MODEL_FILE: &str = "model.bin";
const SUMMARIES_FILE: &str = "summaries.bin";
const TANTIVY_DIR: &str = "tantivy";
/// Tantivy's indexing threads and their memory (shared; at least 15 MB per thread).
const INDEX_THREADS: usize = 2;
const WRITER_MEMORY: usize = 60_000_000;
/// How long a writer waits for another to finish before working from what is there.
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// Where the index of this vault lives: `index_dir` from the config, else `$KITH_INDEX_DIR`,
/// else the platform cache folder + `kith/` + a hash of the canonical vault path.
pub fn index_dir(config: &Config) -> anyhow::Result<PathBuf> {
    if let Some(dir) = &config.index_dir {
        return Ok(dir.clone());
    }
    let canonical = std::fs::canonicalize(&config.vault).unwrap_or_else(|_| config.vault.clone());
    let hash = xxhash_rust::xxh3::xxh3_64(canonical.as_os_str().as_encoded_bytes());
    let base = match std::env::var_os("KITH_INDEX_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => directories::BaseDirs::new()
            .map(|d| d.cache_dir().join("kith"))
            .context("cannot find the cache folder (set KITH_INDEX_DIR)")?,
    };
    Ok(base.join(format!("{hash:016x}")))
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
    /// Documents written and deleted.
    pub docs_written: usize,
    /// Why the index was rebuilt from scratch, if it was.
    pub rebuilt: Option<String>,
    /// Another kith held the writer lock: the index was read as it was.
    pub stale: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added + self.updated + self.removed + self.moved == 0 && self.rebuilt.is_none()
    }
}

/// A fresh view of the vault: the model, and the index to search.
pub struct Fresh {
    pub vault: Vault,
    /// Where the interactions' summaries are when the model came from the cache without them.
    pub summaries: Summaries,
    pub manifest: Manifest,
    pub index: Option<Searchable>,
    pub changes: Changes,
    pub took: Duration,
}

/// The summaries of a model read from the cache: left in their own file until asked for.
#[derive(Debug, Clone, Default)]
pub struct Summaries(Option<(PathBuf, u64)>);

impl Summaries {
    /// Fills in the summaries of the interactions at `wanted` (contact, interaction).
    pub fn fill(&self, vault: &mut Vault, wanted: &[(usize, usize)]) -> anyhow::Result<()> {
        let Some((path, generation)) = &self.0 else {
            return Ok(());
        };
        let mut starts = Vec::with_capacity(vault.contacts.len());
        let mut n = 0;
        for c in &vault.contacts {
            starts.push(n);
            n += c.interactions.len();
        }
        let valid: Vec<(usize, usize)> = wanted
            .iter()
            .copied()
            .filter(|&(c, i)| {
                vault
                    .contacts
                    .get(c)
                    .is_some_and(|c| i < c.interactions.len())
            })
            .collect();
        let at: Vec<usize> = valid.iter().map(|&(c, i)| starts[c] + i).collect();
        let texts = state::read_summaries(path, SCHEMA_VERSION, *generation, &at).map_err(|e| {
            anyhow::anyhow!("the index's summaries {e} (run `kith index --rebuild`)")
        })?;
        for ((c, i), text) in valid.into_iter().zip(texts) {
            vault.contacts[c].interactions[i].summary_raw = text;
        }
        Ok(())
    }

    /// Fills in a contact's properties (not kept in the cache) by reading its note again.
    pub fn fill_properties(&self, config: &Config, vault: &mut Vault, contact: usize) {
        if self.0.is_none() {
            return;
        }
        let Some(c) = vault.contacts.get_mut(contact) else {
            return;
        };
        let file = NoteFile {
            rel: c.path.clone(),
            abs: config.vault.join(&c.path),
        };
        if let Ok(text) = vault::read_note(&file) {
            c.properties = note::parse(&c.path, &text, &config.rules.contacts).properties;
        }
    }
}

/// An opened index, ready to search.
pub struct Searchable {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

/// What a command needs from [`refresh`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// The vault model (due, show, check).
    pub model: bool,
    /// The index, opened for search.
    pub index: bool,
    /// Start over (`kith index --rebuild`).
    pub rebuild: bool,
}

/// A file found by the stat-only walk.
#[derive(Debug, Clone)]
struct Stat {
    file: NoteFile,
    size: u64,
    mtime: i128,
}

fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    match meta.modified() {
        Ok(t) => match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        },
        Err(_) => 0,
    }
}

/// Walks the vault and stats every note, on both cores. Walk problems are returned apart.
fn stat_walk(config: &Config) -> (Vec<Stat>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for found in vault::walk(config) {
        match found {
            Found::Note(f) => files.push(f),
            Found::Problem(p) => problems.push(p),
            Found::Link => {}
        }
    }
    let mut stats: Vec<Stat> = files
        .into_par_iter()
        .map(|file| {
            // A file that vanished or cannot be stat'ed is read (and reported) like any
            // changed file.
            let (size, mtime) = std::fs::symlink_metadata(&file.abs)
                .map_or((u64::MAX, 0), |m| (m.len(), mtime_ns(&m)));
            Stat { file, size, mtime }
        })
        .collect();
    stats.sort_unstable_by(|a, b| a.file.rel.cmp(&b.file.rel));
    problem::sort(&mut problems);
    (stats, problems)
}

/// Whether the stat walk matches the manifest exactly.
fn unchanged(manifest: &Manifest, stats: &[Stat], walk_problems: &[Problem]) -> bool {
    manifest.files.len() == stats.len()
        && manifest.files.iter().zip(stats).all(|(m, s)| {
            m.rel == s.file.rel && m.size == s.size && m.mtime == s.mtime && s.size != u64::MAX
        })
        && manifest
            .walk_problems
            .iter()
            .eq(walk_problems.iter().map(|p| &p.path))
}

fn config_hash(config: &Config) -> u64 {
    let mut bytes = config
        .config_file
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .unwrap_or_default();
    bytes.extend_from_slice(config.due_note.as_bytes());
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// The files of the index folder.
struct Store {
    dir: PathBuf,
}

impl Store {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn read_manifest(&self) -> Result<Manifest, StateError> {
        state::read(&self.path(MANIFEST_FILE), SCHEMA_VERSION)
    }

    fn read_model(&self, generation: u64) -> Result<(Vault, Summaries), StateError> {
        let m: Model = state::read(&self.path(MODEL_FILE), SCHEMA_VERSION)?;
        if m.generation != generation {
            return Err(StateError::Damaged("model and manifest differ".into()));
        }
        let mut vault = m.vault;
        // Own log entries were written without their path: it is the contact's.
        for c in &mut vault.contacts {
            let own: std::sync::Arc<str> = std::sync::Arc::from(c.path.as_str());
            for i in &mut c.interactions {
                if i.path.is_empty() {
                    i.path = std::sync::Arc::clone(&own);
                }
            }
        }
        let summaries = Summaries(Some((self.path(SUMMARIES_FILE), generation)));
        Ok((vault, summaries))
    }

    /// Writes the model, its summaries apart and own entries without their (the contact's)
    /// path, so that reading it back is quick.
    fn write_model(&self, vault: &mut Vault, generation: u64) -> Result<(), StateError> {
        let empty: std::sync::Arc<str> = std::sync::Arc::from("");
        let mut texts = Vec::new();
        let mut paths = Vec::new();
        for c in &mut vault.contacts {
            for i in &mut c.interactions {
                texts.push(std::mem::take(&mut i.summary_raw));
                if !i.mention {
                    paths.push(std::mem::replace(
                        &mut i.path,
                        std::sync::Arc::clone(&empty),
                    ));
                }
            }
        }
        let model = Model {
            generation,
            vault: std::mem::take(vault),
        };
        let written = state::write(&self.path(MODEL_FILE), SCHEMA_VERSION, &model).and_then(|()| {
            state::write_summaries(
                &self.path(SUMMARIES_FILE),
                SCHEMA_VERSION,
                generation,
                &texts,
            )
        });
        *vault = model.vault;
        let mut texts = texts.into_iter();
        let mut paths = paths.into_iter();
        for c in &mut vault.contacts {
            for i in &mut c.interactions {
                i.summary_raw = texts.next().unwrap_or_default();
                if !i.mention {
                    i.path = paths
                        .next()
                        .unwrap_or_else(|| std::sync::Arc::from(c.path.as_str()));
                }
            }
        }
        written
    }

    /// The tantivy files and their sizes, sorted.
    fn index_files(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = std::fs::read_dir(self.path(TANTIVY_DIR))
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

    /// Opens the index and checks that it is the one the manifest describes.
    fn open_index(&self, manifest: &Manifest) -> Result<Searchable, String> {
        if self.index_files() != manifest.index_files {
            // Files changed behind kith's back: checksum them before trusting them.
            let index = Index::open_in_dir(self.path(TANTIVY_DIR)).map_err(|e| e.to_string())?;
            let bad = index.validate_checksum().map_err(|e| e.to_string())?;
            if !bad.is_empty() {
                return Err(format!("{} index files fail their checksum", bad.len()));
            }
            return Err("its files are not the ones last written".into());
        }
        let index = Index::open_in_dir(self.path(TANTIVY_DIR)).map_err(|e| e.to_string())?;
        let metas = index.load_metas().map_err(|e| e.to_string())?;
        if metas.payload.as_deref() != Some(payload(manifest.generation).as_str()) {
            return Err("the index and its manifest differ".into());
        }
        searchable(index).map_err(|e| e.to_string())
    }

    /// What `need` asks for, from the index and the cache as `manifest` describes them;
    /// `None` when they cannot be read (damaged, or written by another process meanwhile).
    fn cached(&self, manifest: Manifest, need: Need, changes: Changes) -> Option<Fresh> {
        let index = if need.index {
            Some(self.open_index(&manifest).ok()?)
        } else {
            None
        };
        let (vault, summaries) = if need.model {
            self.read_model(manifest.generation).ok()?
        } else {
            (Vault::default(), Summaries::default())
        };
        Some(Fresh {
            vault,
            summaries,
            manifest,
            index,
            changes,
            took: Duration::ZERO,
        })
    }

    /// Takes the writer lock, waiting up to [`LOCK_WAIT`]; `None` when another holds it.
    fn lock(&self) -> anyhow::Result<Option<File>> {
        let path = self.path(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
    }
}

fn payload(generation: u64) -> String {
    format!("kith:{SCHEMA_VERSION}:{generation}")
}

fn searchable(index: Index) -> tantivy::Result<Searchable> {
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

/// Whether `dir` is the vault or inside it (as written, or once links are resolved).
fn inside(dir: &std::path::Path, vault: &std::path::Path) -> bool {
    if dir.starts_with(vault) {
        return true;
    }
    let Ok(vault) = std::fs::canonicalize(vault) else {
        return false;
    };
    // The folder may not exist yet: resolve its nearest existing ancestor.
    let mut probe = dir.to_path_buf();
    let mut tail = Vec::new();
    while !probe.exists() {
        match (probe.file_name().map(|n| n.to_os_string()), probe.parent()) {
            (Some(name), Some(parent)) => {
                tail.push(name);
                probe = parent.to_path_buf();
            }
            _ => return false,
        }
    }
    let Ok(mut real) = std::fs::canonicalize(&probe) else {
        return false;
    };
    real.extend(tail.iter().rev());
    real.starts_with(vault)
}

/// Brings the index, the manifest and the model up to date, and returns what `need` asks for.
pub fn refresh(config: &Config, need: Need) -> anyhow::Result<Fresh> {
    let started = Instant::now();
    let dir = index_dir(config)?;
    if inside(&dir, &config.vault) {
        return Err(crate::config::UsageError(format!(
            "index_dir {} is inside the vault; kith never writes its index into the vault",
            dir.display()
        ))
        .into());
    }
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the index folder {}", dir.display()))?;
    let store = Store { dir };
    let (stats, walk_problems) = stat_walk(config);
    let cfg = config_hash(config);

    // The fast path: nothing changed since the last update.
    if !need.rebuild
        && let Some(fresh) = try_unchanged(&store, cfg, need, &stats, &walk_problems)
    {
        return Ok(Fresh {
            took: started.elapsed(),
            ..fresh
        });
    }
    let Some(lock) = store.lock()? else {
        // Another kith is writing: work from what is there.
        let vault = vault::load(config);
        let manifest = store.read_manifest().unwrap_or_default();
        let index = if need.index {
            let opened = Index::open_in_dir(store.path(TANTIVY_DIR))
                .map_err(|e| e.to_string())
                .and_then(|i| searchable(i).map_err(|e| e.to_string()));
            Some(opened.map_err(|e| {
                anyhow::anyhow!(
                    "the index is being written by another kith and cannot be read yet ({e})"
                )
            })?)
        } else {
            None
        };
        if !config.quiet {
            eprintln!("kith: another kith is updating the index; using it as it is");
        }
        return Ok(Fresh {
            vault,
            summaries: Summaries::default(),
            manifest,
            index,
            changes: Changes {
                stale: true,
                ..Changes::default()
            },
            took: started.elapsed(),
        });
    };
    // Under the lock, another process may just have brought everything up to date.
    if !need.rebuild
        && let Some(fresh) = try_unchanged(&store, cfg, need, &stats, &walk_problems)
    {
        drop(lock);
        return Ok(Fresh {
            took: started.elapsed(),
            ..fresh
        });
    }
    let fresh = update(&store, config, cfg, need, stats, walk_problems)?;
    drop(lock);
    Ok(Fresh {
        took: started.elapsed(),
        ..fresh
    })
}

/// The fast path: the manifest matches the walk, and the files it names are whole.
fn try_unchanged(
    store: &Store,
    cfg: u64,
    need: Need,
    stats: &[Stat],
    walk_problems: &[Problem],
) -> Option<Fresh> {
    let manifest = store.read_manifest().ok()?;
    if manifest.schema != SCHEMA_VERSION
        || manifest.kith != env!("CARGO_PKG_VERSION")
        || manifest.config != cfg
        || !unchanged(&manifest, stats, walk_problems)
    {
        return None;
    }
    store.cached(manifest, need, Changes::default())
}

/// A note read for an update.
struct Read {
    state: FileState,
    /// The parsed note, when it is one.
    prepared: Option<Prepared>,
    problem: Option<Problem>,
}

fn read_one(config: &Config, stat: &Stat) -> Read {
    let mut state = FileState {
        rel: stat.file.rel.clone(),
        size: stat.size,
        mtime: stat.mtime,
        hash: 0,
        kind: FileKind::Unreadable,
        docs: 0,
    };
    let text = match vault::read_note(&stat.file) {
        Ok(t) => t,
        Err(p) => {
            return Read {
                state,
                prepared: None,
                problem: Some(p),
            };
        }
    };
    state.hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    // The size read is the truth (the file may have changed since the stat).
    state.size = text.len() as u64;
    let Some(parsed) = vault::parse_note(config, &stat.file.rel, &text) else {
        state.kind = FileKind::Generated;
        return Read {
            state,
            prepared: None,
            problem: None,
        };
    };
    state.kind = if parsed.is_contact {
        FileKind::Contact
    } else {
        FileKind::Note
    };
    Read {
        state,
        prepared: Some(model::prepare(parsed, &config.rules)),
        problem: None,
    }
}

/// Why the existing index cannot be updated in place, if it cannot.
fn rebuild_reason(
    store: &Store,
    manifest: &Result<Manifest, StateError>,
    cfg: u64,
) -> Option<String> {
    match manifest {
        Err(StateError::Missing) => {
            if store.path(TANTIVY_DIR).exists() {
                Some("its manifest is missing".into())
            } else {
                Some(String::new()) // a first index: nothing to say
            }
        }
        Err(StateError::Version) => Some("it was written by another version of kith".into()),
        Err(e) => Some(format!("its manifest {e}")),
        Ok(m) if m.schema != SCHEMA_VERSION || m.kith != env!("CARGO_PKG_VERSION") => Some(
            format!("it was written by kith {} (schema {})", m.kith, m.schema),
        ),
        Ok(m) if m.config != cfg => Some("the config changed".into()),
        Ok(m) => store
            .open_index(m)
            .err()
            .map(|e| format!("it is damaged: {e}")),
    }
}

/// When every changed file changed nothing that matters (a save without edits, or kith's own
/// due note rewritten), records their new size and mtime and keeps the model and index.
fn touch_only(
    store: &Store,
    config: &Config,
    need: Need,
    old: &Manifest,
    stats: &[Stat],
    walk_problems: &[Problem],
) -> Option<Fresh> {
    if old.files.len() != stats.len()
        || !old
            .walk_problems
            .iter()
            .eq(walk_problems.iter().map(|p| &p.path))
    {
        return None;
    }
    let mut files = old.files.clone();
    let mut touched = 0;
    for (f, s) in files.iter_mut().zip(stats) {
        if f.rel != s.file.rel {
            return None;
        }
        if f.size == s.size && f.mtime == s.mtime {
            continue;
        }
        let r = read_one(config, s);
        let same = r.problem.is_none()
            && r.state.kind == f.kind
            && (r.state.hash == f.hash || f.kind == FileKind::Generated);
        if !same {
            return None;
        }
        f.size = r.state.size;
        f.mtime = r.state.mtime;
        f.hash = r.state.hash;
        if f.kind != FileKind::Generated {
            touched += 1;
        }
    }
    let manifest = Manifest {
        files,
        ..old.clone()
    };
    let changes = Changes {
        touched,
        ..Changes::default()
    };
    let fresh = store.cached(manifest, need, changes)?;
    state::write(&store.path(MANIFEST_FILE), SCHEMA_VERSION, &fresh.manifest).ok()?;
    Some(fresh)
}

/// Re-reads what changed, rebuilds the model, rewrites the documents that changed, commits.
fn update(
    store: &Store,
    config: &Config,
    cfg: u64,
    need: Need,
    stats: Vec<Stat>,
    walk_problems: Vec<Problem>,
) -> anyhow::Result<Fresh> {
    let old = store.read_manifest();
    let mut reason = if need.rebuild {
        Some("asked to (--rebuild)".to_string())
    } else {
        rebuild_reason(store, &old, cfg)
    };
    // A config change keeps the documents (their fingerprints tell what changed); anything
    // else starts from an empty index.
    let config_only = reason.as_deref() == Some("the config changed");
    let old = match old {
        Ok(m) if reason.is_none() || config_only => m,
        _ => Manifest::default(),
    };
    if config_only {
        reason = None;
    }
    let fresh_start = old.generation == 0;
    if !fresh_start
        && !config_only
        && let Some(fresh) = touch_only(store, config, need, &old, &stats, &walk_problems)
    {
        return Ok(fresh);
    }
    if let Some(why) = reason.as_deref().filter(|w| !w.is_empty())
        && !config.quiet
    {
        eprintln!(
            "kith: rebuilding the index at {} ({why})",
            store.dir.display()
        );
    }
    let progress = Progress::new(config, stats.len() as u64);

    // Read and parse every note on both cores. (An unchanged note is parsed again too: the
    // model is rebuilt whole, since links between notes decide where mentions go.)
    let mut phases = Phases::new(config);
    let reads: Vec<Read> = stats
        .par_iter()
        .map(|s| {
            let r = read_one(config, s);
            progress.inc();
            r
        })
        .collect();

    phases.mark("read+parse");
    // What changed, by path and by content.
    let old_files: HashMap<&str, &FileState> =
        old.files.iter().map(|f| (f.rel.as_str(), f)).collect();
    let new_paths: HashSet<&str> = stats.iter().map(|s| s.file.rel.as_str()).collect();
    let removed_hashes: HashSet<u64> = old
        .files
        .iter()
        .filter(|f| !new_paths.contains(f.rel.as_str()))
        .map(|f| f.hash)
        .collect();
    let mut changes = Changes {
        rebuilt: reason.filter(|r| !r.is_empty()),
        ..Changes::default()
    };
    let mut moved_from = 0;
    for r in reads.iter().filter(|r| r.state.kind != FileKind::Generated) {
        match old_files.get(r.state.rel.as_str()) {
            None if !fresh_start && removed_hashes.contains(&r.state.hash) => {
                changes.moved += 1;
                moved_from += 1;
            }
            None if !fresh_start => changes.added += 1,
            None => {}
            Some(o) if o.hash != r.state.hash || o.kind != r.state.kind => changes.updated += 1,
            Some(o) if o.size != r.state.size || o.mtime != r.state.mtime => changes.touched += 1,
            Some(_) => {}
        }
        if r.problem.is_some() {
            changes.unreadable += 1;
        }
    }
    changes.removed = removed_count(&old, &new_paths).saturating_sub(moved_from);
    if fresh_start {
        changes.added = reads
            .iter()
            .filter(|r| r.state.kind != FileKind::Generated)
            .count();
    }

    // The model.
    let mut prepared = Vec::with_capacity(reads.len());
    let mut problems: Vec<Problem> = walk_problems.clone();
    let mut files = Vec::with_capacity(reads.len());
    for r in reads {
        if let Some(p) = r.prepared {
            prepared.push(p);
        }
        problems.extend(r.problem);
        files.push(r.state);
    }
    let mut vault = model::build_prepared(prepared);
    vault.problems.append(&mut problems);
    problem::sort(&mut vault.problems);

    phases.mark("model");
    // The documents: rewritten for every file whose fingerprint changed.
    let sources = docs::Sources::new(&vault);
    for f in &mut files {
        f.docs = sources.fingerprint(&f.rel, f.hash);
    }
    let stale: Vec<&FileState> = files
        .iter()
        .filter(|f| {
            old_files
                .get(f.rel.as_str())
                .is_none_or(|o| o.docs != f.docs)
        })
        .collect();
    let gone: Vec<&str> = old
        .files
        .iter()
        .filter(|f| !new_paths.contains(f.rel.as_str()) && f.docs != 0)
        .map(|f| f.rel.as_str())
        .collect();

    phases.mark("fingerprints");
    let generation = old.generation.wrapping_add(1).max(1);
    let index = if fresh_start {
        create_index(store)?
    } else {
        Index::open_in_dir(store.path(TANTIVY_DIR)).context("cannot open the index")?
    };
    schema::register(&index);
    let (_, fields) = schema::build();
    let mut writer: tantivy::IndexWriter = index
        .writer_with_num_threads(INDEX_THREADS, WRITER_MEMORY)
        .context("cannot open the index for writing")?;
    let by_rel: HashMap<&str, &Stat> = stats.iter().map(|s| (s.file.rel.as_str(), s)).collect();
    for rel in gone.iter().copied().chain(
        stale
            .iter()
            .filter(|_| !fresh_start)
            .map(|f| f.rel.as_str()),
    ) {
        writer.delete_term(Term::from_field_text(fields.path, rel));
    }
    // One producer (reading a note and making its documents is cheap) feeding tantivy's
    // indexing threads, which do the real work (tokenizing, stemming): more producers only
    // spin on the full channel and take the cores away from them.
    let mut written = 0;
    for f in stale.iter().filter(|f| f.docs != 0) {
        let Some(stat) = by_rel.get(f.rel.as_str()) else {
            continue;
        };
        // Read again: the text was dropped after parsing to keep memory flat.
        let Ok(text) = vault::read_note(&stat.file) else {
            continue;
        };
        for doc in sources.documents(&f.rel, &text, &fields) {
            writer
                .add_document(doc)
                .context("cannot write to the index")?;
            written += 1;
        }
    }
    changes.docs_written = written;
    phases.mark("documents");
    let mut prepared_commit = writer.prepare_commit().context("cannot commit the index")?;
    prepared_commit.set_payload(&payload(generation));
    prepared_commit
        .commit()
        .context("cannot commit the index")?;
    writer
        .wait_merging_threads()
        .context("cannot finish merging the index")?;
    progress.finish();
    phases.mark("commit+merge");

    let contacts = vault
        .contacts
        .iter()
        .map(|c| ContactKey {
            path: c.path.clone(),
            name: c.name.clone(),
        })
        .collect();
    let manifest = Manifest {
        schema: SCHEMA_VERSION,
        kith: env!("CARGO_PKG_VERSION").to_string(),
        config: cfg,
        generation,
        files,
        walk_problems: walk_problems.iter().map(|p| p.path.clone()).collect(),
        index_files: store.index_files(),
        contacts,
    };
    store
        .write_model(&mut vault, generation)
        .context("cannot write the model cache")?;
    state::write(&store.path(MANIFEST_FILE), SCHEMA_VERSION, &manifest)
        .context("cannot write the index manifest")?;
    phases.mark("caches");
    let index = if need.index {
        Some(searchable(index).context("cannot open the index")?)
    } else {
        None
    };
    Ok(Fresh {
        vault,
        summaries: Summaries::default(),
        manifest,
        index,
        changes,
        took: Duration::ZERO,
    })
}

fn removed_count(old: &Manifest, new_paths: &HashSet<&str>) -> usize {
    old.files
        .iter()
        .filter(|f| !new_paths.contains(f.rel.as_str()))
        .count()
}

/// Starts an empty index, removing what an earlier one left.
fn create_index(store: &Store) -> anyhow::Result<Index> {
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
    let _ = std::fs::remove_file(store.path(MANIFEST_FILE));
    let _ = std::fs::remove_file(store.path(MODEL_FILE));
    let _ = std::fs::remove_file(store.path(SUMMARIES_FILE));
    std::fs::create_dir_all(&dir).context("cannot create the index folder")?;
    let (schema, _) = schema::build();
    Index::create_in_dir(&dir, schema).context("cannot create the index")
}

/// Timings of an update's phases, on stderr with `-v`.
struct Phases {
    on: bool,
    last: Instant,
}

impl Phases {
    fn new(config: &Config) -> Self {
        Self {
            on: config.verbose > 0,
            last: Instant::now(),
        }
    }

    fn mark(&mut self, what: &str) {
        if self.on {
            eprintln!("kith: index update: {what} {:?}", self.last.elapsed());
            self.last = Instant::now();
        }
    }
}

/// A progress bar on stderr, shown only on a terminal and only once the work has taken
/// more than a second.
struct Progress {
    bar: indicatif::ProgressBar,
    started: Instant,
    enabled: bool,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn new(config: &Config, total: u64) -> Self {
        use std::io::IsTerminal as _;
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(total);
        Self {
            bar,
            started: Instant::now(),
            enabled: !config.quiet && std::io::stderr().is_terminal(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn inc(&self) {
        self.bar.inc(1);
        if self.enabled
            && !self.shown.load(std::sync::atomic::Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "kith: indexing {bar:30} {pos}/{len} notes, {eta} left",
            ) {
                self.bar.set_style(style);
            }
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        if self.shown.load(std::sync::atomic::Ordering::Relaxed) {
            self.bar.finish_and_clear();
        }
    }
}

/// The model of the vault for commands that do not search: from the cache when it is
/// fresh, else brought up to date. If the index folder cannot be used (a read-only cache,
/// say), the vault is read directly, with one line saying why.
pub fn model(config: &Config) -> anyhow::Result<(Vault, Summaries)> {
    let need = Need {
        model: true,
        index: false,
        rebuild: false,
    };
    match refresh(config, need) {
        Ok(fresh) => {
            if config.verbose > 0 {
                eprintln!("kith: model ready in {:?}", fresh.took);
            }
            Ok((fresh.vault, fresh.summaries))
        }
        Err(err) if err.downcast_ref::<crate::config::UsageError>().is_some() => Err(err),
        Err(err) => {
            if !config.quiet {
                eprintln!("kith: warning: the index cannot be used ({err:#}); reading the vault");
            }
            Ok((vault::load(config), Summaries::default()))
        }
    }
}
