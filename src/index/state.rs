//! What kith keeps beside the tantivy index: the manifest (one line per note: size, mtime,
//! content hash, and a fingerprint of the documents made from it) and the vault model, so
//! that commands on an unchanged vault read neither the notes nor the index.
//!
//! Both files open with a magic number, the format and schema versions and a generation
//! number that the tantivy commit also carries: a set of files from different updates (a
//! process killed between two writes) is seen and rebuilt.

use std::io::Write as _;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::core::model::Vault;

/// Bumped when the layout of these files changes.
pub const FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"kith-ix\n";

/// How a file of the vault was read last time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    /// A note that is a contact.
    Contact,
    /// Any other note.
    Note,
    /// The due note that kith wrote: output, never read.
    Generated,
    /// A file that could not be read (its problem is in the model).
    Unreadable,
}

/// One file as it was when last indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// Relative to the root, with `/`.
    pub rel: String,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch.
    pub mtime: i128,
    /// xxh3 of the content.
    pub hash: u64,
    pub kind: FileKind,
    /// A fingerprint of the documents made from this file (0: none).
    pub docs: u64,
}

/// A contact's keys, for lookups without loading the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactKey {
    pub path: String,
    pub name: String,
}

/// The manifest: read on every command, so kept small.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: u32,
    /// kith's version: the parser's behaviour is part of what the model means.
    pub kith: String,
    /// A hash of the config file's bytes (the rules shape the model).
    pub config: u64,
    pub generation: u64,
    /// Sorted by `rel`.
    pub files: Vec<FileState>,
    /// Folders or files the walk could not read (their problems are in the model).
    pub walk_problems: Vec<String>,
    /// The tantivy files and their sizes right after the commit: a cheap check for damage.
    pub index_files: Vec<(String, u64)>,
    /// Every contact, by path.
    pub contacts: Vec<ContactKey>,
}

/// The model file's content.
#[derive(Debug, Serialize, Deserialize)]
pub struct Model {
    pub generation: u64,
    pub vault: Vault,
}

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

fn header(schema: u32) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&FORMAT.to_le_bytes());
    h.extend_from_slice(&schema.to_le_bytes());
    h
}

/// Writes `value` to `path` through a temporary file and a rename, so a reader sees the old
/// file or the new one, never half of one. Not synced: this is derived data, and a torn set
/// is detected by its generation and rebuilt.
pub fn write<T: Serialize>(path: &Path, schema: u32, value: &T) -> Result<(), StateError> {
    let body = postcard::to_stdvec(value).map_err(|e| StateError::Damaged(e.to_string()))?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
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
    postcard::from_bytes(body).map_err(|e| StateError::Damaged(e.to_string()))
}

/// The summaries of every interaction, apart from the model: `kith due` needs a handful, so
/// they are read one by one from this file instead of being loaded with the model.
///
/// Layout: the header, the generation, the count `n`, `n + 1` offsets (u64, little-endian)
/// into the text that follows, then the texts.
pub fn write_summaries(
    path: &Path,
    schema: u32,
    generation: u64,
    texts: &[String],
) -> Result<(), StateError> {
    let mut out = header(schema);
    out.extend_from_slice(&generation.to_le_bytes());
    out.extend_from_slice(&(texts.len() as u64).to_le_bytes());
    let mut offset = 0u64;
    out.extend_from_slice(&offset.to_le_bytes());
    for t in texts {
        offset += t.len() as u64;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for t in texts {
        out.extend_from_slice(t.as_bytes());
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = std::fs::write(&tmp, &out).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(result?)
}

/// Reads the summaries at `wanted` (indexes in model order) from a file written by
/// [`write_summaries`] for `generation`.
pub fn read_summaries(
    path: &Path,
    schema: u32,
    generation: u64,
    wanted: &[usize],
) -> Result<Vec<String>, StateError> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let mut read_at = |buf: &mut [u8], at: u64| -> std::io::Result<()> {
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(buf)
    };
    let head = header(schema);
    let mut buf = vec![0u8; head.len() + 16];
    read_at(&mut buf, 0)?;
    if buf[..head.len()] != head[..] {
        return Err(StateError::Version);
    }
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
    if word(&buf[head.len()..head.len() + 8]) != generation {
        return Err(StateError::Damaged("summaries and manifest differ".into()));
    }
    let count = word(&buf[head.len() + 8..]);
    let offsets_at = (head.len() + 16) as u64;
    let texts_at = offsets_at + (count + 1) * 8;
    let len = std::fs::metadata(path)?.len();
    let mut out = Vec::with_capacity(wanted.len());
    for &i in wanted {
        if i as u64 >= count {
            return Err(StateError::Damaged("summary out of range".into()));
        }
        let mut pair = [0u8; 16];
        read_at(&mut pair, offsets_at + i as u64 * 8)?;
        let (start, end) = (word(&pair[..8]), word(&pair[8..]));
        if start > end || texts_at + end > len {
            return Err(StateError::Damaged("summary out of range".into()));
        }
        let mut text = vec![0u8; usize::try_from(end - start).unwrap_or(0)];
        read_at(&mut text, texts_at + start)?;
        out.push(String::from_utf8(text).map_err(|e| StateError::Damaged(e.to_string()))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        let m = Manifest {
            schema: 1,
            kith: "x".into(),
            generation: 7,
            files: vec![FileState {
                rel: "People/Ada.md".into(),
                size: 3,
                mtime: -5,
                hash: 9,
                kind: FileKind::Contact,
                docs: 1,
            }],
            ..Manifest::default()
        };
        write(&path, 1, &m).unwrap();
        assert_eq!(read::<Manifest>(&path, 1).unwrap(), m);
        assert!(matches!(
            read::<Manifest>(&path, 2),
            Err(StateError::Version)
        ));
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            read::<Manifest>(&path, 1),
            Err(StateError::Damaged(_))
        ));
        std::fs::write(&path, b"garbage").unwrap();
        assert!(matches!(
            read::<Manifest>(&path, 1),
            Err(StateError::Damaged(_))
        ));
        assert!(matches!(
            read::<Manifest>(&dir.path().join("none"), 1),
            Err(StateError::Missing)
        ));
    }
}
