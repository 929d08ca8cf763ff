//! The new bytes of a file before they take its name: a temporary file in the same folder.
//!
//! On Linux it is unnamed (`O_TMPFILE`): written, flushed if asked, and only then given a
//! hidden name (`.NAME.kith-PID.tmp`) that a rename turns into the file's own at once. A kith
//! killed while writing leaves nothing, unless it dies in the few microseconds between the
//! link and the rename; the next write into that folder removes such a leftover. Elsewhere
//! a synced write goes through atomic-write-file, and an unsynced one through a hidden file.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use atomic_write_file::AtomicWriteFile;

use super::Durability;

/// A temporary file with the new bytes, beside the file it becomes.
pub(super) enum Staged {
    /// A file without a name yet (Linux), in the target's folder.
    Unnamed { file: File, durability: Durability },
    /// Flushed before it replaces the file (atomic-write-file).
    Synced(AtomicWriteFile),
    /// A hidden file beside the target.
    Named(PathBuf),
}

impl Staged {
    /// The bytes `content`, staged to replace (or become) the file at `path`.
    pub(super) fn new(
        path: &Path,
        content: &str,
        durability: Durability,
    ) -> std::io::Result<Staged> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let (mut file, staged) = match (unnamed::open(dir), durability) {
            (Some(file), _) => (file.try_clone()?, Staged::Unnamed { file, durability }),
            (None, Durability::Synced) => {
                let mut file = AtomicWriteFile::open(path)?;
                file.write_all(content.as_bytes())?;
                return Ok(Staged::Synced(file));
            }
            (None, Durability::Unsynced) => {
                let tmp = temporary_name(path);
                (named(&tmp)?, Staged::Named(tmp))
            }
        };
        // The mode of the file it replaces, as atomic-write-file keeps it.
        if let Ok(meta) = std::fs::metadata(path) {
            let _ = file.set_permissions(meta.permissions());
        }
        let written = file
            .write_all(content.as_bytes())
            .and_then(|()| match &staged {
                Staged::Unnamed {
                    durability: Durability::Synced,
                    ..
                } => file.sync_all(),
                _ => Ok(()),
            });
        if let Err(e) = written {
            staged.discard();
            return Err(e);
        }
        Ok(staged)
    }

    /// Puts the staged file in the place of the one at `path`.
    pub(super) fn commit(self, path: &Path) -> std::io::Result<()> {
        match self {
            Staged::Synced(file) => file.commit(),
            Staged::Unnamed { file, durability } => {
                leftovers::sweep(path);
                let tmp = temporary_name(path);
                let _ = std::fs::remove_file(&tmp);
                unnamed::link(&file, &tmp)?;
                std::fs::rename(&tmp, path).inspect_err(|_| {
                    let _ = std::fs::remove_file(&tmp);
                })?;
                if durability == Durability::Synced {
                    sync_parent(path)?;
                }
                Ok(())
            }
            Staged::Named(tmp) => std::fs::rename(&tmp, path).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            }),
        }
    }

    /// Flushes the staged bytes and gives them the name `path`, only if no file has it:
    /// [`std::io::ErrorKind::AlreadyExists`] otherwise. The folder is not flushed.
    pub(super) fn create(self, path: &Path) -> std::io::Result<()> {
        match self {
            Staged::Unnamed { file, .. } => {
                leftovers::sweep(path);
                file.sync_all()?;
                unnamed::link(&file, path)
            }
            Staged::Named(tmp) => {
                let linked = File::open(&tmp)
                    .and_then(|f| f.sync_all())
                    .and_then(|()| std::fs::hard_link(&tmp, path));
                let _ = std::fs::remove_file(&tmp);
                linked
            }
            Staged::Synced(file) => {
                let _ = file.discard();
                Err(std::io::Error::other(
                    "a synced write replaces a file; it does not create one",
                ))
            }
        }
    }

    pub(super) fn discard(self) {
        match self {
            Staged::Synced(file) => {
                let _ = file.discard();
            }
            Staged::Unnamed { .. } => {}
            Staged::Named(tmp) => {
                let _ = std::fs::remove_file(tmp);
            }
        }
    }
}

/// `.NAME.kith-PID.tmp` beside `path`: hidden from kith, Obsidian and most tools.
fn temporary_name(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(
        ".{}.kith-{}.tmp",
        name.unwrap_or_default(),
        std::process::id()
    ))
}

/// A new file at `tmp`, replacing one a killed process of the same number left.
fn named(tmp: &Path) -> std::io::Result<File> {
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)
    };
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(tmp)?;
            create()
        }
        other => other,
    }
}

/// Flushes the folder holding `path`, so that its new name survives a power cut.
fn sync_parent(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(target_os = "linux")]
mod unnamed {
    use std::fs::File;
    use std::os::fd::AsRawFd as _;
    use std::path::Path;

    use nix::fcntl::{AT_FDCWD, AtFlags, OFlag};
    use nix::sys::stat::Mode;
    use nix::unistd::linkat;

    /// An unnamed file in `dir`, or `None` where the file system has none (or `/proc`,
    /// through which it is linked, is not mounted).
    pub fn open(dir: &Path) -> Option<File> {
        if !Path::new("/proc/self/fd").is_dir() {
            return None;
        }
        let flags = OFlag::O_TMPFILE | OFlag::O_WRONLY | OFlag::O_CLOEXEC;
        let mode = Mode::from_bits_truncate(0o666);
        nix::fcntl::open(dir, flags, mode).ok().map(File::from)
    }

    /// Gives the unnamed `file` the name `path`; fails when the name is taken.
    pub fn link(file: &File, path: &Path) -> std::io::Result<()> {
        let fd = format!("/proc/self/fd/{}", file.as_raw_fd());
        linkat(
            AT_FDCWD,
            fd.as_str(),
            AT_FDCWD,
            path,
            AtFlags::AT_SYMLINK_FOLLOW,
        )
        .map_err(std::io::Error::from)
    }
}

#[cfg(not(target_os = "linux"))]
mod unnamed {
    use std::fs::File;
    use std::path::Path;

    pub fn open(_dir: &Path) -> Option<File> {
        None
    }

    pub fn link(_file: &File, _path: &Path) -> std::io::Result<()> {
        Err(std::io::Error::other("no unnamed files here"))
    }
}

/// Temporary names left by a kith killed between a link and its rename, removed by the next
/// write into the same folder (once per folder and process).
#[cfg(target_os = "linux")]
mod leftovers {
    use std::collections::HashSet;
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, PoisonError};

    static SWEPT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

    pub fn sweep(path: &Path) {
        let Some(dir) = path.parent() else { return };
        {
            let mut swept = SWEPT.lock().unwrap_or_else(PoisonError::into_inner);
            if !swept
                .get_or_insert_with(HashSet::new)
                .insert(dir.to_path_buf())
            {
                return;
            }
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(pid_of) else {
                continue;
            };
            // Only a process that is gone: this one's names may be another thread's write
            // in progress (and one of its own that a dead process left with the same number
            // is replaced when it writes that file).
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The process number in a kith temporary name, `.NAME.kith-PID.tmp`.
    fn pid_of(name: &str) -> Option<u32> {
        let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
        let (_, pid) = rest.rsplit_once(".kith-")?;
        pid.parse().ok()
    }
}

#[cfg(not(target_os = "linux"))]
mod leftovers {
    pub fn sweep(_path: &std::path::Path) {}
}
