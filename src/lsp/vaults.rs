//! Which vault holds a file the editor names, found as every command finds its vault
//! (`--vault` or `$KITH_VAULT`, else the nearest folder upwards holding `kith.toml` or
//! `.obsidian/`), and each vault's state: loading, ready with its snapshot, or failed. Several
//! vaults may be open at once; a file in none is answered with nothing, and said once on
//! stderr. It must not read models: the worker does.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;

use super::snapshot::Snapshot;
use crate::config::{Config, Flags, discover_vault};

/// A vault's state in the server.
pub(crate) enum State {
    Loading,
    Ready(Arc<Snapshot>),
    /// Its config or its index could not be read (said on stderr): nothing is answered.
    Failed,
}

/// Where a file is.
pub(crate) enum Located {
    /// In a vault the server knows (by its root).
    Known(PathBuf),
    /// In a vault met for the first time: load it with this config.
    New(Arc<Config>),
    /// In no vault (or in one whose config is invalid).
    Outside,
}

/// Every vault met, by root.
pub(crate) struct Vaults {
    flags: Flags,
    states: HashMap<PathBuf, State>,
    /// Folders already looked up, and the vault root above each.
    roots: HashMap<PathBuf, Option<PathBuf>>,
    /// Files outside any vault already said on stderr.
    told: HashSet<PathBuf>,
}

impl Vaults {
    /// With `flags.vault` (`--vault` or `$KITH_VAULT`) absolute: only files inside it are
    /// answered.
    pub(crate) fn new(flags: Flags) -> Vaults {
        Vaults {
            flags,
            states: HashMap::new(),
            roots: HashMap::new(),
            told: HashSet::new(),
        }
    }

    /// The vault holding the file at `path`.
    pub(crate) fn locate(&mut self, path: &Path, today: Date) -> Located {
        let folder = path.parent().unwrap_or(path);
        match self.root_above(folder) {
            Some(root) if path.starts_with(&root) => self.known_or_new(root, today),
            _ => {
                if self.told.insert(path.to_path_buf()) {
                    crate::report::notice(format_args!(
                        "lsp: {} is in no vault (no kith.toml or .obsidian/ above it); \
                         nothing is answered for it",
                        path.display()
                    ));
                }
                Located::Outside
            }
        }
    }

    /// The vault of a workspace folder the editor opened, if it is in one.
    pub(crate) fn locate_folder(&mut self, folder: &Path, today: Date) -> Located {
        match self.root_above(folder) {
            Some(root) => self.known_or_new(root, today),
            None => Located::Outside,
        }
    }

    fn known_or_new(&mut self, root: PathBuf, today: Date) -> Located {
        if self.states.contains_key(&root) {
            return Located::Known(root);
        }
        let flags = Flags {
            vault: Some(root.clone()),
            ..self.flags.clone()
        };
        match Config::load(&flags, &root, today) {
            Ok(config) => {
                self.states.insert(root, State::Loading);
                Located::New(Arc::new(config))
            }
            Err(err) => {
                crate::report::error(format_args!("lsp: {err}"));
                self.states.insert(root.clone(), State::Failed);
                Located::Known(root)
            }
        }
    }

    /// The vault root above `folder`: the one `--vault` names, else the nearest folder with
    /// `kith.toml` or `.obsidian/` (looked up once per folder).
    fn root_above(&mut self, folder: &Path) -> Option<PathBuf> {
        if let Some(root) = self.roots.get(folder) {
            return root.clone();
        }
        let root = match &self.flags.vault {
            Some(fixed) => Some(fixed.clone()).filter(|f| folder.starts_with(f) && f.is_dir()),
            None => discover_vault(None, folder).ok(),
        };
        self.roots.insert(folder.to_path_buf(), root.clone());
        root
    }

    pub(crate) fn state(&self, root: &Path) -> Option<&State> {
        self.states.get(root)
    }

    pub(crate) fn set(&mut self, root: PathBuf, state: State) {
        self.states.insert(root, state);
    }

    /// The snapshots of every vault ready, and whether one is still loading.
    pub(crate) fn ready(&self) -> (Vec<Arc<Snapshot>>, Option<PathBuf>) {
        let mut ready = Vec::new();
        let mut loading = None;
        for (root, state) in &self.states {
            match state {
                State::Ready(s) => ready.push(Arc::clone(s)),
                State::Loading => loading = Some(root.clone()),
                State::Failed => {}
            }
        }
        (ready, loading)
    }
}
