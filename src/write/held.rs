//! A note of the user's, edited: read and held against every other kith that edits it (an
//! advisory lock), and written back only when it still holds the bytes that were read.

use std::path::{Path, PathBuf};

use super::staged::Staged;
use super::{Durability, Outcome, WriteError, check_no_links};

/// How long an edit waits for another kith editing the same note.
const EDIT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A note of the user's, read to be edited: held against every other kith that edits it
/// (an advisory lock on the file) until it is written or dropped.
pub struct Held {
    root: PathBuf,
    rel: String,
    path: PathBuf,
    /// The note's text as read.
    pub text: String,
    _lock: std::fs::File,
}

impl Held {
    /// Reads the note at `rel` under `root` for an edit: a regular file inside the vault,
    /// reached through no symbolic link, writable, UTF-8.
    pub fn read(root: &Path, rel: &str) -> Result<Held, WriteError> {
        check_no_links(root, rel)?;
        let path = root.join(rel);
        let io = |source| WriteError::Io {
            path: rel.to_string(),
            source,
        };
        let started = std::time::Instant::now();
        loop {
            let file = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(WriteError::Missing {
                        path: rel.to_string(),
                    });
                }
                Err(e) => return Err(io(e)),
            };
            let meta = file.metadata().map_err(io)?;
            if !meta.is_file() {
                return Err(WriteError::Missing {
                    path: rel.to_string(),
                });
            }
            // Read-only by its mode, or not writable by this user: a rename would replace it
            // all the same, so kith asks first.
            let writable = std::fs::OpenOptions::new().write(true).open(&path).is_ok();
            if meta.permissions().readonly() || !writable {
                return Err(WriteError::ReadOnly {
                    path: rel.to_string(),
                });
            }
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < EDIT_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(WriteError::Changed {
                        path: rel.to_string(),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            // Another kith may have renamed a new note over the one this lock holds.
            if !same_file(&file, &path) {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(io)?;
            let text = String::from_utf8(bytes).map_err(|_| WriteError::NotUtf8 {
                path: rel.to_string(),
            })?;
            return Ok(Held {
                root: root.to_path_buf(),
                rel: rel.to_string(),
                path,
                text,
                _lock: file,
            });
        }
    }

    /// Replaces the note with `text`, synced, keeping its permissions: only when the file
    /// still holds the bytes that were read (else [`WriteError::Changed`], and nothing is
    /// written).
    pub fn write(self, text: &str) -> Result<Outcome, WriteError> {
        if text == self.text {
            return Ok(Outcome::Unchanged);
        }
        let io = |source| WriteError::Io {
            path: self.rel.clone(),
            source,
        };
        let staged = Staged::new(&self.path, text, Durability::Synced).map_err(io)?;
        test_pause();
        // Just before the rename: does the note still hold what was read?
        let now = std::fs::read(&self.path);
        if !now.is_ok_and(|bytes| bytes == self.text.as_bytes()) {
            staged.discard();
            return Err(WriteError::Changed {
                path: self.rel.clone(),
            });
        }
        if let Err(e) = check_no_links(&self.root, &self.rel) {
            staged.discard();
            return Err(e);
        }
        staged.commit(&self.path).map_err(io)?;
        Ok(Outcome::Written)
    }
}

/// For the integration tests, in debug builds only: with `KITH_TEST_EDIT_PAUSE` naming a
/// folder, an edit stops between staging the new bytes and looking at the note again before
/// replacing it, makes the file `paused` in that folder and waits until it is gone (10 s at
/// most). A test saves the note meanwhile, as an editor would, and removes the file: the one
/// way to make an editor's save fall in that window every time.
#[cfg(debug_assertions)]
fn test_pause() {
    let Some(dir) = std::env::var_os("KITH_TEST_EDIT_PAUSE") else {
        return;
    };
    let flag = Path::new(&dir).join("paused");
    if std::fs::write(&flag, b"").is_err() {
        return;
    }
    let started = std::time::Instant::now();
    while flag.exists() && started.elapsed() < EDIT_WAIT {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

#[cfg(not(debug_assertions))]
fn test_pause() {}

/// How many times an edit reads a note again when it changed under it.
const EDIT_TRIES: usize = 5;

/// Edits the note at `rel` under `root`: `change` makes the new text from the text read,
/// and a value to give back (`None`: nothing to change). When the note changes between the
/// read and the write (an editor saving it, another kith), it is read and changed again, a
/// few times, so that two edits at once both land.
pub fn edit<T>(
    root: &Path,
    rel: &str,
    change: impl Fn(&str) -> Option<(String, T)>,
) -> Result<Option<T>, WriteError> {
    let mut tries = 0;
    loop {
        let held = Held::read(root, rel)?;
        let Some((text, value)) = change(&held.text) else {
            return Ok(None);
        };
        match held.write(&text) {
            Ok(_) => return Ok(Some(value)),
            Err(WriteError::Changed { .. }) if tries + 1 < EDIT_TRIES => tries += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Whether the open `file` is the one at `path` now.
#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, _path: &Path) -> bool {
    true
}
