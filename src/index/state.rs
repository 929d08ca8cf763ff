//! The format of kith's own files in the index folder (the manifest, the model, the index's
//! record of its documents): a magic number, the format and schema versions, a checksum of
//! the body, then the body in postcard.
//!
//! A file is replaced by a rename, so a reader sees the old file or the new one. They are
//! derived data and not synced: a set of files from different updates (a process killed
//! between two writes) is told apart by the generations they name, and rebuilt.

use std::io::Write as _;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Bumped when the layout of these files changes.
pub const FORMAT: u32 = 5;
pub(super) const MAGIC: &[u8; 8] = b"kith-ix\n";

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("missing")]
    Missing,
    #[error("cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("was written by another version of kith")]
    Version,
    #[error("is damaged ({0})")]
    Damaged(String),
}

/// The head every file of this format opens with.
pub(super) fn header(schema: u32) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&FORMAT.to_le_bytes());
    h.extend_from_slice(&schema.to_le_bytes());
    h
}

/// Writes `value` to `path` through a temporary file and a rename, so a reader sees the old
/// file or the new one, never half of one.
pub fn write<T: Serialize>(path: &Path, schema: u32, value: &T) -> Result<(), StateError> {
    let body = postcard::to_stdvec(value).map_err(|e| StateError::Damaged(e.to_string()))?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| {
        let mut f = super::private::options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(&header(schema))?;
        f.write_all(&(xxhash_rust::xxh3::xxh3_64(&body)).to_le_bytes())?;
        f.write_all(&body)?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(result?)
}

/// Reads a file written by [`write`], checking its header and checksum.
pub fn read<T: DeserializeOwned>(path: &Path, schema: u32) -> Result<T, StateError> {
    read_with(path, schema, |body| postcard::from_bytes(body))
}

/// Reads the first fields of a file written by [`write`] (`T`'s fields are the first of what
/// was written), checking its header and the checksum of the whole.
pub fn read_head<T: DeserializeOwned>(path: &Path, schema: u32) -> Result<T, StateError> {
    read_with(path, schema, |body| {
        postcard::take_from_bytes(body).map(|(head, _rest)| head)
    })
}

fn read_with<T>(
    path: &Path,
    schema: u32,
    decode: impl FnOnce(&[u8]) -> postcard::Result<T>,
) -> Result<T, StateError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StateError::Missing),
        Err(e) => return Err(e.into()),
    };
    let head = header(schema);
    if bytes.len() < head.len() + 8 || !bytes.starts_with(MAGIC) {
        return Err(StateError::Damaged("not a kith file".into()));
    }
    if bytes[..head.len()] != head[..] {
        return Err(StateError::Version);
    }
    let (sum, body) = bytes[head.len()..].split_at(8);
    let sum = u64::from_le_bytes(sum.try_into().map_err(|_| StateError::Version)?);
    if xxhash_rust::xxh3::xxh3_64(body) != sum {
        return Err(StateError::Damaged("checksum mismatch".into()));
    }
    decode(body).map_err(|e| StateError::Damaged(e.to_string()))
}

/// A number that differs between files made at different times or by different processes:
/// the generations that tie the files of one update together, never 0.
pub fn new_id() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut seed = nanos.to_le_bytes().to_vec();
    seed.extend_from_slice(&std::process::id().to_le_bytes());
    // Two ids drawn in the same nanosecond by one process still differ.
    static DRAWN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = DRAWN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    seed.extend_from_slice(&n.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&seed).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    struct Whole {
        id: u64,
        name: String,
        list: Vec<u32>,
    }

    #[derive(Debug, PartialEq, Eq, serde::Deserialize)]
    struct Head {
        id: u64,
        name: String,
    }

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        let whole = Whole {
            id: 7,
            name: "x".into(),
            list: vec![1, 2, 3],
        };
        write(&path, 1, &whole).unwrap();
        assert_eq!(read::<Whole>(&path, 1).unwrap(), whole);
        // The head alone: the first fields, the list left out.
        assert_eq!(
            read_head::<Head>(&path, 1).unwrap(),
            Head {
                id: 7,
                name: "x".into()
            }
        );
        assert!(matches!(read::<Whole>(&path, 2), Err(StateError::Version)));
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            read::<Whole>(&path, 1),
            Err(StateError::Damaged(_))
        ));
        // Damage past the head is still damage to a head reader (the checksum is whole).
        assert!(matches!(
            read_head::<Head>(&path, 1),
            Err(StateError::Damaged(_))
        ));
        std::fs::write(&path, b"garbage").unwrap();
        assert!(matches!(
            read::<Whole>(&path, 1),
            Err(StateError::Damaged(_))
        ));
        assert!(matches!(
            read::<Whole>(&dir.path().join("none"), 1),
            Err(StateError::Missing)
        ));
    }

    #[test]
    fn ids_differ_and_are_never_zero() {
        let a = new_id();
        let b = new_id();
        assert_ne!(a, b);
        assert!(a != 0 && b != 0);
    }
}
