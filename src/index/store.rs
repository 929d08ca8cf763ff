//! The index folder: where it is, its files, and its two locks.
//!
//! `index_dir` is outside the vault (kith never writes its index into the vault). In it: the
//! manifest and the model cache ([`super::manifest`]), the tantivy index and the record of its documents
//! ([`super::sync`]), `kith.lock`, which a process holds while it writes any of these, and
//! `watch.lock`, which `kith watch` holds for as long as it runs.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::manifest::{Manifest, ManifestHead};
use super::schema::SCHEMA_VERSION;
use super::state::{self, StateError};
use crate::config::{Config, UsageError};
use crate::core::model::Vault;

const LOCK_FILE: &str = "kith.lock";
/// Held by `kith watch` for as long as it runs; holds its process id.
const WATCH_LOCK_FILE: &str = "watch.lock";
const MANIFEST_FILE: &str = "manifest.bin";
const MODEL_FILE: &str = "model.bin";
pub(super) const INDEXED_FILE: &str = "indexed.bin";
pub(super) const TANTIVY_DIR: &str = "tantivy";
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

/// The model cache's content.
#[derive(Serialize, Deserialize)]
struct Model {
    generation: u64,
    vault: Vault,
}

/// Another `kith watch` holds the vault's index.
#[derive(Debug)]
pub struct AlreadyWatched {
    pub pid: Option<u32>,
    pub dir: PathBuf,
}

/// The files of the index folder.
pub struct Store {
    pub dir: PathBuf,
}

impl Store {
    /// The vault's index folder, made if need be; refused inside the vault.
    pub fn open(config: &Config) -> anyhow::Result<Store> {
        let dir = index_dir(config)?;
        if inside(&dir, &config.vault) {
            return Err(UsageError(format!(
                "index_dir {} is inside the vault; kith never writes its index into the vault",
                dir.display()
            ))
            .into());
        }
        super::private::folder(&dir)
            .with_context(|| format!("cannot create the index folder {}", dir.display()))?;
        Ok(Store { dir })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn read_manifest(&self) -> Result<Manifest, StateError> {
        state::read(&self.path(MANIFEST_FILE), SCHEMA_VERSION)
    }

    /// The manifest without its lists of files and contacts.
    pub fn read_manifest_head(&self) -> Result<Manifest, StateError> {
        state::read_head::<ManifestHead>(&self.path(MANIFEST_FILE), SCHEMA_VERSION).map(Into::into)
    }

    pub fn write_manifest(&self, manifest: &Manifest) -> anyhow::Result<()> {
        state::write(&self.path(MANIFEST_FILE), SCHEMA_VERSION, manifest)
            .context("cannot write the index manifest")
    }

    /// The (length, modification time) of the manifest file: a watcher notices by it that
    /// another kith wrote the manifest meanwhile.
    pub fn manifest_stamp(&self) -> Option<(u64, i128)> {
        std::fs::symlink_metadata(self.path(MANIFEST_FILE))
            .ok()
            .map(|m| (m.len(), super::walk::mtime_ns(&m)))
    }

    /// The cached model of `generation`.
    pub fn read_model(&self, generation: u64) -> Result<Vault, StateError> {
        let m: Model = state::read(&self.path(MODEL_FILE), SCHEMA_VERSION)?;
        if m.generation != generation {
            return Err(StateError::Damaged("model and manifest differ".into()));
        }
        let mut vault = m.vault;
        // Own log entries were written without their path: it is the contact's.
        for c in &mut vault.contacts {
            let own: Arc<str> = Arc::from(c.path.as_str());
            for i in c.interactions.iter_mut().filter(|i| !i.mention) {
                i.path = Arc::clone(&own);
            }
        }
        Ok(vault)
    }

    /// Writes the model of `generation`. Own log entries go without their path (the
    /// contact's), so that reading the model back is quick.
    pub fn write_model(&self, vault: &mut Vault, generation: u64) -> anyhow::Result<()> {
        let empty: Arc<str> = Arc::from("");
        let mut own_paths = Vec::new();
        for c in &mut vault.contacts {
            for i in c.interactions.iter_mut().filter(|i| !i.mention) {
                own_paths.push(std::mem::replace(&mut i.path, Arc::clone(&empty)));
            }
        }
        let model = Model {
            generation,
            vault: std::mem::take(vault),
        };
        let written = state::write(&self.path(MODEL_FILE), SCHEMA_VERSION, &model);
        *vault = model.vault;
        let mut own_paths = own_paths.into_iter();
        for c in &mut vault.contacts {
            for i in c.interactions.iter_mut().filter(|i| !i.mention) {
                i.path = own_paths
                    .next()
                    .unwrap_or_else(|| Arc::from(c.path.as_str()));
            }
        }
        written.context("cannot write the model cache")
    }

    /// Whether a `kith watch` holds this index (its lock is taken).
    pub fn watched(&self) -> bool {
        let Ok(file) = File::open(self.path(WATCH_LOCK_FILE)) else {
            return false;
        };
        matches!(
            file.try_lock_shared(),
            Err(std::fs::TryLockError::WouldBlock)
        )
    }

    /// Takes the watch lock and writes this process's id into it, or says who holds it.
    pub fn watch_lock(&self) -> anyhow::Result<Result<File, AlreadyWatched>> {
        use std::io::{Read as _, Seek as _, Write as _};
        let path = self.path(WATCH_LOCK_FILE);
        let mut file = super::private::options()
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
                    dir: self.dir.clone(),
                }));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        Ok(Ok(file))
    }

    /// Takes the writer lock, waiting up to [`LOCK_WAIT`]; `None` when another holds it.
    pub fn lock(&self) -> anyhow::Result<Option<File>> {
        let path = self.path(LOCK_FILE);
        let file = super::private::options()
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

/// Whether `dir` is the vault or inside it (as written, or once links are resolved).
fn inside(dir: &Path, vault: &Path) -> bool {
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
