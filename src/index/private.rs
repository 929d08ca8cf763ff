//! The index folder holds copies of private conversations, so on Unix it is the owner's
//! alone whatever the umask: folders `0700`, files `0600`. kith's own files are created so;
//! tantivy creates its files with the umask's mode, so they are narrowed after each commit.
//! Elsewhere (Windows) the folder sits in the user's own profile and keeps its permissions.

use std::fs::OpenOptions;
use std::path::Path;

/// Makes `dir` and the folders above it that are missing, and narrows `dir` to its owner.
pub fn folder(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    narrow(dir, 0o700)
}

/// Options that create a file readable and writable by its owner alone.
pub fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Narrows every file directly in `dir` (tantivy's, after it wrote them) to its owner.
pub fn files_in(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            narrow(&entry.path(), 0o600)?;
        }
    }
    Ok(())
}

/// Sets `path`'s mode to `mode` when it grants anything to the group or others.
#[cfg(unix)]
fn narrow(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let meta = std::fs::symlink_metadata(path)?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn narrow(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
