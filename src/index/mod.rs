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
/// Held by `kith watch` for as long as it runs; holds its process id.
const WATCH_LOCK_FILE: &str = "watch.lock";
const MANIFEST_FILE: &str = "manifest.bin";
const MODEL_FILE: &str = "model.bin";
const SUMMARIES_FILE: &str = "summaries.bin";
pub(crate) const TANTIVY_DIR: &str = "tantivy";
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
    /// Files read (the others were only stat'ed).
    pub read: usize,
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
    /// Fills in the summaries of the interactions at `wanted` (contact, interaction) that
    /// the model holds only in the cache.
    pub fn fill(&self, vault: &mut Vault, wanted: &[(usize, usize)]) -> anyhow::Result<()> {
        let Some((path, epoch)) = &self.0 else {
            return Ok(());
        };
        let missing: Vec<(usize, usize, u64)> = wanted
            .iter()
            .filter_map(|&(c, i)| {
                let it = vault.contacts.get(c)?.interactions.get(i)?;
                let at = it.summary_at.filter(|_| it.summary_raw.is_empty())?;
                Some((c, i, at))
            })
            .collect();
        let offsets: Vec<u64> = missing.iter().map(|m| m.2).collect();
        let file = state::SummaryFile {
            path,
            schema: SCHEMA_VERSION,
        };
        let texts = file.read(*epoch, &offsets).map_err(|e| {
            anyhow::anyhow!("the index's summaries {e} (run `kith index --rebuild`)")
        })?;
        for ((c, i, _), text) in missing.into_iter().zip(texts) {
            vault.contacts[c].interactions[i].summary_raw = text;
        }
        Ok(())
    }

    /// Fills in every summary.
    fn fill_all(&self, vault: &mut Vault) -> anyhow::Result<()> {
        let all: Vec<(usize, usize)> = vault
            .contacts
            .iter()
            .enumerate()
            .flat_map(|(c, contact)| (0..contact.interactions.len()).map(move |i| (c, i)))
            .collect();
        self.fill(vault, &all)
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
    /// The manifest's lists of files and contacts (a search needs neither).
    pub lists: bool,
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

/// What the index records of the config it was made with: its file's bytes as loaded (not
/// as they are now on disk, which may have changed since) and the due note's path.
pub(crate) fn config_hash(config: &Config) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&config.config_bytes);
    hasher.update(config.due_note.as_bytes());
    hasher.digest()
}

/// The files of the index folder.
struct Store {
    dir: PathBuf,
}

impl Store {
    /// The vault's index folder, made if need be; refused inside the vault.
    fn open(config: &Config) -> anyhow::Result<Store> {
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
        Ok(Store { dir })
    }

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
        let summaries = Summaries(Some((self.path(SUMMARIES_FILE), m.summaries)));
        Ok((vault, summaries))
    }

    /// Writes the model: the summaries it does not have in the summaries file yet go there
    /// (appended to the file of `summaries`, or all of them into a new file), and own entries
    /// go without their (the contact's) path, so that reading it back is quick.
    fn write_model(
        &self,
        vault: &mut Vault,
        generation: u64,
        summaries: &Summaries,
    ) -> anyhow::Result<u64> {
        let path = self.path(SUMMARIES_FILE);
        let file = state::SummaryFile {
            path: &path,
            schema: SCHEMA_VERSION,
        };
        let pending = |vault: &Vault, all: bool| -> Vec<(usize, usize)> {
            let mut at = Vec::new();
            for (ci, c) in vault.contacts.iter().enumerate() {
                for (ii, i) in c.interactions.iter().enumerate() {
                    if all || i.summary_at.is_none() {
                        at.push((ci, ii));
                    }
                }
            }
            at
        };
        let text = |vault: &Vault, &(c, i): &(usize, usize)| -> String {
            vault.contacts[c].interactions[i].summary_raw.clone()
        };
        let appended = match &summaries.0 {
            Some((_, epoch)) => {
                let new = pending(vault, false);
                let texts: Vec<String> = new.iter().map(|at| text(vault, at)).collect();
                file.append(*epoch, texts.iter().map(String::as_str))?
                    .map(|offsets| (*epoch, new, offsets))
            }
            None => None,
        };
        let (epoch, at, offsets) = match appended {
            Some(done) => done,
            None => {
                summaries.fill_all(vault)?;
                let all = pending(vault, true);
                let (epoch, offsets) = file.create(
                    all.iter()
                        .map(|&(c, i)| vault.contacts[c].interactions[i].summary_raw.as_str()),
                )?;
                (epoch, all, offsets)
            }
        };
        for ((c, i), offset) in at.into_iter().zip(offsets) {
            vault.contacts[c].interactions[i].summary_at = Some(offset);
        }

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
            summaries: epoch,
            vault: std::mem::take(vault),
        };
        let written = state::write(&self.path(MODEL_FILE), SCHEMA_VERSION, &model);
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
        written?;
        Ok(epoch)
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

    /// Whether a `kith watch` holds this index (its lock is taken).
    fn watched(&self) -> bool {
        let Ok(file) = std::fs::File::open(self.path(WATCH_LOCK_FILE)) else {
            return false;
        };
        matches!(
            file.try_lock_shared(),
            Err(std::fs::TryLockError::WouldBlock)
        )
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

pub(crate) fn searchable(index: Index) -> tantivy::Result<Searchable> {
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
/// While `kith watch` runs on the vault, the index it keeps fresh is read as it is, without
/// walking the vault.
pub fn refresh(config: &Config, need: Need) -> anyhow::Result<Fresh> {
    refresh_with(config, need, true)
}

/// [`refresh`]; `trust_watcher: false` for the watcher itself.
pub fn refresh_with(config: &Config, need: Need, trust_watcher: bool) -> anyhow::Result<Fresh> {
    let started = Instant::now();
    let store = Store::open(config)?;
    let cfg = config_hash(config);
    if trust_watcher
        && !need.rebuild
        && store.watched()
        && let Some(fresh) = read_watched(&store, cfg, need)
    {
        return Ok(Fresh {
            took: started.elapsed(),
            ..fresh
        });
    }
    let (stats, walk_problems) = stat_walk(config);

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
    let (fresh, _) = update(
        &store,
        config,
        cfg,
        need,
        (&stats, &walk_problems),
        None,
        &mut |_, _| {},
    )?;
    drop(lock);
    Ok(Fresh {
        took: started.elapsed(),
        ..fresh
    })
}

/// Whether the index, the manifest and the model are up to date with the vault (a stat
/// walk; nothing is read or written).
pub fn is_current(config: &Config) -> bool {
    let Ok(store) = Store::open(config) else {
        return false;
    };
    let (stats, walk_problems) = stat_walk(config);
    let need = Need {
        model: false,
        index: false,
        rebuild: false,
        lists: false,
    };
    try_unchanged(&store, config_hash(config), need, &stats, &walk_problems).is_some()
}

/// What a watcher keeps fresh, read as it is (tried again if it was writing meanwhile).
fn read_watched(store: &Store, cfg: u64, need: Need) -> Option<Fresh> {
    (0..3).find_map(|attempt| {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(50));
        }
        let manifest = if need.lists {
            store.read_manifest().ok()?
        } else {
            state::read_head::<state::ManifestHead>(&store.path(MANIFEST_FILE), SCHEMA_VERSION)
                .ok()?
                .into()
        };
        if !current(&manifest, cfg) {
            return None;
        }
        store.cached(manifest, need, Changes::default())
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
    if !current(&manifest, cfg) || !unchanged(&manifest, stats, walk_problems) {
        return None;
    }
    store.cached(manifest, need, Changes::default())
}

/// Whether a manifest was written by this kith, schema and config.
fn current(manifest: &Manifest, cfg: u64) -> bool {
    manifest.schema == SCHEMA_VERSION
        && manifest.kith == env!("CARGO_PKG_VERSION")
        && manifest.config == cfg
}

/// A note read for an update.
struct Read {
    state: FileState,
    /// The parsed note, when it is one.
    prepared: Option<Prepared>,
    problem: Option<Problem>,
    /// Its text, when asked to keep it (a patch writes a few notes' documents from it).
    text: Option<String>,
}

fn read_one(config: &Config, stat: &Stat, keep_text: bool) -> Read {
    let mut read = Read {
        state: FileState {
            rel: stat.file.rel.clone(),
            size: stat.size,
            mtime: stat.mtime,
            hash: 0,
            kind: FileKind::Unreadable,
            docs: 0,
        },
        prepared: None,
        problem: None,
        text: None,
    };
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
            read.prepared = Some(model::prepare(parsed, &config.rules));
        }
    }
    read.text = keep_text.then_some(text);
    read
}

/// Whether a file read again is as it was: only its size or mtime moved (a touch, a save
/// without edits), or it is kith's own due note.
fn same_as(read: &Read, old: &FileState) -> bool {
    read.problem.is_none()
        && read.state.kind == old.kind
        && (read.state.hash == old.hash || old.kind == FileKind::Generated)
}

/// What changed, from the manifest and the files read (the files not read did not change).
/// The manifest's entry for `rel` (its files are sorted by path).
fn entry<'a>(manifest: &'a Manifest, rel: &str) -> Option<&'a FileState> {
    manifest
        .files
        .binary_search_by(|f| f.rel.as_str().cmp(rel))
        .ok()
        .map(|i| &manifest.files[i])
}

/// Pairs the walk's files with the manifest's in one pass (both are sorted by path): for
/// each file walked, the manifest's entry for it; and the entries no file walked has.
fn pair<'a>(old: &'a Manifest, stats: &[Stat]) -> (Vec<Option<&'a FileState>>, Vec<&'a FileState>) {
    let mut was = Vec::with_capacity(stats.len());
    let mut removed = Vec::new();
    let mut olds = old.files.iter().peekable();
    for s in stats {
        let rel = s.file.rel.as_str();
        while let Some(o) = olds.next_if(|o| o.rel.as_str() < rel) {
            removed.push(o);
        }
        was.push(olds.next_if(|o| o.rel == rel));
    }
    removed.extend(olds);
    (was, removed)
}

fn tally(old: &Manifest, reads: &[Read], removed: &[&FileState], fresh_start: bool) -> Changes {
    let mut changes = Changes::default();
    let notes = reads.iter().filter(|r| r.state.kind != FileKind::Generated);
    if fresh_start {
        changes.added = notes.count();
        return changes;
    }
    let removed_hashes: HashSet<u64> = removed.iter().map(|f| f.hash).collect();
    let mut moved_from = 0;
    for r in notes {
        match entry(old, &r.state.rel) {
            None if removed_hashes.contains(&r.state.hash) => {
                changes.moved += 1;
                moved_from += 1;
            }
            None => changes.added += 1,
            Some(o) if same_as(r, o) => {
                if o.size != r.state.size || o.mtime != r.state.mtime {
                    changes.touched += 1;
                }
            }
            Some(_) => changes.updated += 1,
        }
        if r.problem.is_some() {
            changes.unreadable += 1;
        }
    }
    changes.removed = removed.len().saturating_sub(moved_from);
    changes
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

/// Opens a writer on the index with `threads` indexing threads.
fn writer(index: &Index, threads: usize) -> anyhow::Result<(tantivy::IndexWriter, Fields)> {
    schema::register(index);
    let (_, fields) = schema::build();
    // Tantivy asks at least 15 MB per thread; a patch needs no more.
    let memory = if threads == 1 {
        15_000_000
    } else {
        WRITER_MEMORY
    };
    let writer = index
        .writer_with_num_threads(threads, memory)
        .context("cannot open the index for writing")?;
    Ok((writer, fields))
}

/// Commits under `generation` and waits for merges to end.
fn commit(mut writer: tantivy::IndexWriter, generation: u64) -> anyhow::Result<()> {
    let mut prepared = writer.prepare_commit().context("cannot commit the index")?;
    prepared.set_payload(&payload(generation));
    prepared.commit().context("cannot commit the index")?;
    writer
        .wait_merging_threads()
        .context("cannot finish merging the index")?;
    Ok(())
}

/// The manifest after an update.
fn new_manifest(
    store: &Store,
    cfg: u64,
    generation: u64,
    files: Vec<FileState>,
    walk_problems: &[Problem],
    vault: &Vault,
) -> Manifest {
    Manifest {
        schema: SCHEMA_VERSION,
        kith: env!("CARGO_PKG_VERSION").to_string(),
        config: cfg,
        generation,
        files,
        walk_problems: walk_problems.iter().map(|p| p.path.clone()).collect(),
        index_files: store.index_files(),
        contacts: vault
            .contacts
            .iter()
            .map(|c| ContactKey {
                path: c.path.clone(),
                name: c.name.clone(),
            })
            .collect(),
    }
}

/// Updates from what changed only: re-reads the changed files, patches the cached model and
/// rewrites their documents. `None` when that cannot be done (too many changes, the cache
/// cannot be read, a change that may move links in notes not read): build the model whole.
fn try_patch(
    store: &Store,
    config: &Config,
    need: Need,
    old: &Manifest,
    (stats, walk_problems): (&[Stat], &[Problem]),
    in_memory: Option<(Vault, Summaries, model::Links)>,
    on_model: OnModel<'_>,
) -> anyhow::Result<Option<(Fresh, model::Links)>> {
    let quiet_none = |why: &str| {
        if config.verbose > 0 {
            eprintln!("kith: index update: reading every note ({why})");
        }
        Ok(None)
    };
    if !old
        .walk_problems
        .iter()
        .eq(walk_problems.iter().map(|p| &p.path))
    {
        return quiet_none("folders that could not be read changed");
    }
    let mut phases = Phases::new(config);
    let (was, removed_states) = pair(old, stats);
    let changed: Vec<&Stat> = stats
        .iter()
        .zip(&was)
        .filter(|(s, o)| {
            o.is_none_or(|o| o.size != s.size || o.mtime != s.mtime || s.size == u64::MAX)
        })
        .map(|(s, _)| s)
        .collect();
    let removed: Vec<&str> = removed_states.iter().map(|f| f.rel.as_str()).collect();
    let old_at = |rel: &str| entry(old, rel);
    if changed.len() + removed.len() > (stats.len() / 4).max(64) {
        return quiet_none("many notes changed");
    }
    let reads: Vec<Read> = changed
        .par_iter()
        .map(|s| read_one(config, s, true))
        .collect();
    phases.mark("read changed notes");
    let changes = Changes {
        read: reads.len(),
        ..tally(old, &reads, &removed_states, false)
    };

    // The files after the change; what goes from the model and what comes in.
    let read_at: HashMap<&str, &Read> = reads.iter().map(|r| (r.state.rel.as_str(), r)).collect();
    let mut gone: Vec<&str> = removed.clone();
    for r in &reads {
        if old_at(&r.state.rel).is_some_and(|o| !same_as(r, o)) {
            gone.push(&r.state.rel);
        }
    }
    let files: Vec<FileState> = stats
        .iter()
        .zip(&was)
        .map(|(s, o)| {
            let rel = s.file.rel.as_str();
            match (read_at.get(rel), o) {
                (Some(r), Some(o)) if same_as(r, o) => FileState {
                    size: r.state.size,
                    mtime: r.state.mtime,
                    hash: r.state.hash,
                    ..(*o).clone()
                },
                (Some(r), _) => r.state.clone(),
                (None, Some(o)) => (*o).clone(),
                // Every file the manifest does not name was read; this keeps the types whole.
                (None, None) => FileState {
                    rel: rel.to_string(),
                    size: s.size,
                    mtime: s.mtime,
                    hash: 0,
                    kind: FileKind::Unreadable,
                    docs: 0,
                },
            }
        })
        .collect();
    let fresh_reads: Vec<&Read> = reads
        .iter()
        .filter(|r| old_at(&r.state.rel).is_none_or(|o| !same_as(r, o)))
        .collect();
    if gone.is_empty() && fresh_reads.is_empty() {
        // Touches only: the model and the documents stay.
        let manifest = Manifest {
            files,
            ..old.clone()
        };
        let (fresh, links) = match in_memory {
            Some((vault, summaries, links)) => (
                Fresh {
                    vault,
                    summaries,
                    index: None,
                    manifest,
                    changes,
                    took: Duration::ZERO,
                },
                links,
            ),
            None => match store.cached(manifest, need, changes) {
                Some(fresh) => (fresh, model::Links::default()),
                None => return quiet_none("the cache cannot be read"),
            },
        };
        state::write(&store.path(MANIFEST_FILE), SCHEMA_VERSION, &fresh.manifest)
            .context("cannot write the index manifest")?;
        return Ok(Some((fresh, links)));
    }
    let (mut vault, summaries, mut links) = match in_memory {
        Some(model) => model,
        None => match store.read_model(old.generation) {
            Ok((vault, summaries)) => (vault, summaries, model::Links::default()),
            Err(_) => return quiet_none("the model cache cannot be read"),
        },
    };
    phases.mark("read the model");
    let (before, after) = (notes(&old.files), notes(&files));
    let mut read = Vec::new();
    let mut problems = Vec::new();
    let mut texts: HashMap<&str, &str> = HashMap::new();
    for r in &fresh_reads {
        if let Some(p) = &r.prepared {
            read.push(p.clone());
        }
        problems.extend(r.problem.clone());
        if let Some(t) = &r.text {
            texts.insert(&r.state.rel, t);
        }
    }
    let patched = model::patch(
        &mut vault,
        model::Change {
            gone: &gone,
            read,
            before: &before,
            after: &after,
        },
        &mut links,
    );
    if let Err(why) = patched {
        return quiet_none(&why);
    }
    vault.problems.append(&mut problems);
    problem::sort(&mut vault.problems);
    phases.mark("patch the model");
    on_model(&mut vault, &summaries);
    phases.mark("the model's first reader");

    // The documents of the files read again, and of none other.
    let touched: HashSet<&str> = gone
        .iter()
        .copied()
        .chain(fresh_reads.iter().map(|r| r.state.rel.as_str()))
        .collect();
    let sources = docs::Sources::only(&vault, &touched);
    let mut files = files;
    for f in files
        .iter_mut()
        .filter(|f| touched.contains(f.rel.as_str()))
    {
        f.docs = sources.fingerprint(&f.rel, f.hash);
    }
    let generation = old.generation.wrapping_add(1).max(1);
    let index = Index::open_in_dir(store.path(TANTIVY_DIR)).context("cannot open the index")?;
    let (writer, fields) = writer(&index, 1)?;
    let mut written = 0;
    for rel in &touched {
        writer.delete_term(Term::from_field_text(fields.path, rel));
        if let Some(text) = texts.get(rel) {
            for doc in sources.documents(rel, text, &fields) {
                writer
                    .add_document(doc)
                    .context("cannot write to the index")?;
                written += 1;
            }
        }
    }
    commit(writer, generation)?;
    phases.mark("documents");
    let changes = Changes {
        docs_written: written,
        read: reads.len(),
        ..changes
    };
    let written = Written {
        cfg: old.config,
        generation,
        files,
        walk_problems,
        summaries: &summaries,
    };
    let fresh = written.save(store, need, vault, index, changes)?;
    phases.mark("caches");
    Ok(Some((fresh, links)))
}

/// The notes among `files` (sorted by path): (path, is a contact).
fn notes(files: &[FileState]) -> Vec<(&str, bool)> {
    files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Contact | FileKind::Note))
        .map(|f| (f.rel.as_str(), f.kind == FileKind::Contact))
        .collect()
}

/// What an update wrote to the index, for [`Written::save`].
struct Written<'a> {
    cfg: u64,
    generation: u64,
    files: Vec<FileState>,
    walk_problems: &'a [Problem],
    /// Where the model's summaries are (none: write them all into a new file).
    summaries: &'a Summaries,
}

impl Written<'_> {
    /// After the commit: writes the model and the manifest, and returns the fresh view.
    fn save(
        self,
        store: &Store,
        need: Need,
        mut vault: Vault,
        index: Index,
        changes: Changes,
    ) -> anyhow::Result<Fresh> {
        let manifest = new_manifest(
            store,
            self.cfg,
            self.generation,
            self.files,
            self.walk_problems,
            &vault,
        );
        let epoch = store
            .write_model(&mut vault, self.generation, self.summaries)
            .context("cannot write the model cache")?;
        state::write(&store.path(MANIFEST_FILE), SCHEMA_VERSION, &manifest)
            .context("cannot write the index manifest")?;
        let index = if need.index {
            Some(searchable(index).context("cannot open the index")?)
        } else {
            None
        };
        Ok(Fresh {
            vault,
            summaries: Summaries(Some((store.path(SUMMARIES_FILE), epoch))),
            manifest,
            index,
            changes,
            took: Duration::ZERO,
        })
    }
}

/// Re-reads what changed (or everything), brings the model up to date, rewrites the
/// documents that changed, commits.
fn update(
    store: &Store,
    config: &Config,
    cfg: u64,
    need: Need,
    (stats, walk_problems): (&[Stat], &[Problem]),
    kept: Option<Kept>,
    on_model: OnModel<'_>,
) -> anyhow::Result<(Fresh, model::Links)> {
    // What a watcher kept is what it last wrote, under its lock: no need to read it again.
    let (old, in_memory) = match kept {
        Some(k) if !need.rebuild && current(&k.manifest, cfg) => {
            (Ok(k.manifest), Some((k.vault, k.summaries, k.links)))
        }
        _ => (store.read_manifest(), None),
    };
    let mut reason = if need.rebuild {
        Some("asked to (--rebuild)".to_string())
    } else if in_memory.is_some() {
        None
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
        && let Some(patched) = try_patch(
            store,
            config,
            need,
            &old,
            (stats, walk_problems),
            in_memory,
            on_model,
        )?
    {
        return Ok(patched);
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

    // Read and parse every note on both cores: the model is built whole.
    let mut phases = Phases::new(config);
    let reads: Vec<Read> = stats
        .par_iter()
        .map(|s| {
            let r = read_one(config, s, false);
            progress.inc();
            r
        })
        .collect();

    phases.mark("read+parse");
    let (_, removed_states) = pair(&old, stats);
    let mut changes = Changes {
        rebuilt: reason.filter(|r| !r.is_empty()),
        read: reads.len(),
        ..tally(&old, &reads, &removed_states, fresh_start)
    };

    // The model.
    let mut prepared = Vec::with_capacity(reads.len());
    let mut problems: Vec<Problem> = walk_problems.to_vec();
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
    on_model(&mut vault, &Summaries::default());
    // The documents: rewritten for every file whose fingerprint changed.
    let sources = docs::Sources::new(&vault);
    for f in &mut files {
        f.docs = sources.fingerprint(&f.rel, f.hash);
    }
    let old_files: HashMap<&str, &FileState> =
        old.files.iter().map(|f| (f.rel.as_str(), f)).collect();
    let stale: Vec<&FileState> = files
        .iter()
        .filter(|f| {
            old_files
                .get(f.rel.as_str())
                .is_none_or(|o| o.docs != f.docs)
        })
        .collect();
    let gone: Vec<&str> = removed_states
        .iter()
        .filter(|f| f.docs != 0)
        .map(|f| f.rel.as_str())
        .collect();

    phases.mark("fingerprints");
    let generation = old.generation.wrapping_add(1).max(1);
    let index = if fresh_start {
        create_index(store)?
    } else {
        Index::open_in_dir(store.path(TANTIVY_DIR)).context("cannot open the index")?
    };
    let (writer, fields) = writer(&index, INDEX_THREADS)?;
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
    commit(writer, generation)?;
    progress.finish();
    phases.mark("commit+merge");

    let written = Written {
        cfg,
        generation,
        files,
        walk_problems,
        summaries: &Summaries::default(),
    };
    let fresh = written.save(store, need, vault, index, changes)?;
    phases.mark("caches");
    Ok((fresh, model::Links::default()))
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
    let need = Need::model();
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

/// What a watcher saw change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// Anything may have changed (a lost event queue, a new config): walk the vault.
    Everything,
    /// These paths (relative to the root: notes, or folders and everything below them).
    Paths(std::collections::BTreeSet<String>),
}

/// Called with the model as soon as an update has it, before the index and the caches are
/// written (the watcher writes the due note from it).
type OnModel<'a> = &'a mut dyn FnMut(&mut Vault, &Summaries);

/// What a watcher keeps between updates: the model, the manifest and where links go, as it
/// last wrote them under its lock.
struct Kept {
    vault: Vault,
    summaries: Summaries,
    manifest: Manifest,
    links: model::Links,
}

/// `kith watch`'s hold on the index: the watch lock, and the model kept in memory between
/// changes, so that a change costs the notes it touched.
pub struct Watch {
    store: Store,
    _lock: File,
    pub fresh: Fresh,
    links: model::Links,
    /// The manifest file (length, modified) as the watcher last saw it: if another kith
    /// wrote it meanwhile (`kith index --rebuild`), what is kept is read again.
    stamp: Option<(u64, i128)>,
    /// The walk the manifest was made from (every note's stat, the folders that could not
    /// be read), patched with what each batch's events name; `None`: made from the manifest.
    walk: Option<(Vec<Stat>, Vec<Problem>)>,
}

/// Another watcher holds the vault's index.
#[derive(Debug)]
pub struct AlreadyWatched {
    pub pid: Option<u32>,
    pub dir: PathBuf,
}

impl Watch {
    /// Takes the watch lock (or says who holds it), then brings the index up to date.
    pub fn start(config: &Config) -> anyhow::Result<Result<Watch, AlreadyWatched>> {
        use std::io::{Read as _, Seek as _, Write as _};
        let store = Store::open(config)?;
        let path = store.path(WATCH_LOCK_FILE);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Ok(Err(AlreadyWatched {
                    pid: text.trim().parse().ok(),
                    dir: store.dir,
                }));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        let mut watch = Watch {
            store,
            _lock: file,
            fresh: refresh_with(config, Need::model(), false)?,
            links: model::Links::default(),
            stamp: None,
            walk: None,
        };
        watch.settle();
        Ok(Ok(watch))
    }

    /// After an update: drops the summaries the summaries file holds after a whole build (a
    /// patch leaves only those of the notes it read and those the due note showed, which it
    /// will show again), makes sure of where links go (a whole build does not keep them), and
    /// notes the manifest's stamp.
    fn settle(&mut self) {
        if !self.links.is_kept() {
            release_summaries(&mut self.fresh);
            self.links = model::Links::of(&self.fresh.vault, &notes(&self.fresh.manifest.files));
        }
        self.stamp = self.manifest_stamp();
    }

    fn manifest_stamp(&self) -> Option<(u64, i128)> {
        std::fs::symlink_metadata(self.store.path(MANIFEST_FILE))
            .ok()
            .map(|m| (m.len(), mtime_ns(&m)))
    }

    /// The index folder.
    pub fn dir(&self) -> &std::path::Path {
        &self.store.dir
    }

    /// Brings the index and the model up to date after a change, calling `on_model` with the
    /// model as soon as it is (before the index and the caches are written). On an error the
    /// model is read again from scratch, so that the watcher goes on from a known state.
    pub fn follow(
        &mut self,
        config: &Config,
        hint: &Hint,
        on_model: OnModel<'_>,
    ) -> anyhow::Result<Changes> {
        let mut phases = Phases::new(config);
        let (stats, walk_problems) = match hint {
            Hint::Everything => stat_walk(config),
            Hint::Paths(paths) => self.stat_paths(config, paths),
        };
        phases.mark("stat what the events named");
        let result = self.follow_walk(config, &stats, &walk_problems, on_model);
        // Kept for the next batch once the manifest says the same (else made from it again).
        self.walk = result
            .as_ref()
            .is_ok_and(|c| !c.stale)
            .then_some((stats, walk_problems));
        result
    }

    /// [`Watch::follow`] once the vault's notes are stat'ed.
    fn follow_walk(
        &mut self,
        config: &Config,
        stats: &[Stat],
        walk_problems: &[Problem],
        on_model: OnModel<'_>,
    ) -> anyhow::Result<Changes> {
        let cfg = config_hash(config);
        let Some(lock) = self.store.lock()? else {
            return Ok(Changes {
                stale: true,
                ..Changes::default()
            });
        };
        if self.fresh.manifest.config == cfg
            && self.fresh.manifest.generation != 0
            && unchanged(&self.fresh.manifest, stats, walk_problems)
        {
            return Ok(Changes::default());
        }
        let kept = (self.manifest_stamp() == self.stamp).then(|| Kept {
            vault: std::mem::take(&mut self.fresh.vault),
            summaries: std::mem::take(&mut self.fresh.summaries),
            manifest: std::mem::take(&mut self.fresh.manifest),
            links: std::mem::take(&mut self.links),
        });
        let result = update(
            &self.store,
            config,
            cfg,
            Need::model(),
            (stats, walk_problems),
            kept,
            on_model,
        );
        match result {
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
                self.fresh = refresh_with(config, Need::model(), false)?;
                self.links = model::Links::default();
                self.settle();
                Err(err)
            }
        }
    }

    /// The stat of every note as the last batch left it (or as the manifest has it), with
    /// the paths in `paths` (and all below them) stat'ed again: a note changed, created or
    /// gone, a folder moved in or out.
    fn stat_paths(
        &mut self,
        config: &Config,
        paths: &std::collections::BTreeSet<String>,
    ) -> (Vec<Stat>, Vec<Problem>) {
        let (mut stats, mut problems) = match self.walk.take() {
            Some(walk) => walk,
            // Nothing known to start from (a failed update, another kith writing at start):
            // the events' paths alone would make every other note look removed.
            None if self.fresh.manifest.generation == 0 => return stat_walk(config),
            None => {
                let manifest = &self.fresh.manifest;
                let stats = manifest
                    .files
                    .iter()
                    .map(|f| Stat {
                        file: NoteFile {
                            rel: f.rel.clone(),
                            abs: config.vault.join(&f.rel),
                        },
                        size: f.size,
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
                (stats, problems)
            }
        };
        let under = |rel: &str, hint: &str| {
            rel == hint || (rel.starts_with(hint) && rel.as_bytes().get(hint.len()) == Some(&b'/'))
        };
        // What the named paths were: dropped (sorted, so each is a run from its own place).
        let mut drop = vec![false; stats.len()];
        for hint in paths {
            let from = stats.partition_point(|s| s.file.rel.as_str() < hint.as_str());
            for (i, s) in stats[from..].iter().enumerate() {
                if !s.file.rel.starts_with(hint.as_str()) {
                    break;
                }
                if under(&s.file.rel, hint) {
                    drop[from + i] = true;
                }
            }
            problems.retain(|p| !under(&p.path, hint));
        }
        let mut at = 0;
        stats.retain(|_| {
            at += 1;
            !drop[at - 1]
        });
        // What they are now.
        let mut found: Vec<Stat> = Vec::new();
        for rel in paths {
            if rel.is_empty() || vault::excluded(config, rel) {
                continue;
            }
            let abs = config.vault.join(rel);
            match std::fs::symlink_metadata(&abs) {
                Ok(m) if m.is_dir() => {
                    for item in vault::walk_from(config, abs) {
                        match item {
                            Found::Note(file) => {
                                let (size, mtime) = std::fs::symlink_metadata(&file.abs)
                                    .map_or((u64::MAX, 0), |m| (m.len(), mtime_ns(&m)));
                                found.push(Stat { file, size, mtime });
                            }
                            Found::Problem(p) => problems.push(p),
                            Found::Link => {}
                        }
                    }
                }
                Ok(m)
                    if m.is_file()
                        && vault::is_note_name(rel.rsplit('/').next().unwrap_or(rel)) =>
                {
                    found.push(Stat {
                        file: NoteFile {
                            rel: rel.clone(),
                            abs,
                        },
                        size: m.len(),
                        mtime: mtime_ns(&m),
                    });
                }
                _ => {} // gone, a link, or not a note
            }
        }
        // Merged in path order (a folder and a note in it may both be named: once each).
        found.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
        found.dedup_by(|a, b| a.file.rel == b.file.rel);
        if !found.is_empty() {
            let old = std::mem::take(&mut stats);
            stats.reserve(old.len() + found.len());
            let mut found = found.into_iter().peekable();
            for s in old {
                while let Some(f) = found.next_if(|f| f.file.rel < s.file.rel) {
                    stats.push(f);
                }
                stats.push(s);
            }
            stats.extend(found);
        }
        problem::sort(&mut problems);
        // A folder and a folder below it both named: their problems once.
        problems.dedup();
        (stats, problems)
    }
}

impl Need {
    /// The model only.
    pub fn model() -> Self {
        Need {
            model: true,
            index: false,
            rebuild: false,
            lists: false,
        }
    }
}

/// Drops the summaries the summaries file holds from a model kept in memory (they are read
/// back for what is shown).
fn release_summaries(fresh: &mut Fresh) {
    if fresh.summaries.0.is_none() {
        return;
    }
    for c in &mut fresh.vault.contacts {
        for i in &mut c.interactions {
            if i.summary_at.is_some() {
                i.summary_raw = String::new();
            }
        }
    }
}
