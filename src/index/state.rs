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
pub const FORMAT: u32 = 3;
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
    /// The tantivy files and their sizes right after the commit: a cheap check for damage.
    pub index_files: Vec<(String, u64)>,
    // The fields above are the head, which a search reads alone ([`ManifestHead`]).
    /// Folders or files the walk could not read (their problems are in the model).
    pub walk_problems: Vec<String>,
    /// Every contact, by path.
    pub contacts: Vec<ContactKey>,
    /// Sorted by `rel`.
    pub files: Vec<FileState>,
}

/// The first fields of a [`Manifest`], which is all a search needs of it: its lists of files
/// and contacts are most of its bytes.
#[derive(Debug, Deserialize)]
pub struct ManifestHead {
    pub schema: u32,
    pub kith: String,
    pub config: u64,
    pub generation: u64,
    pub index_files: Vec<(String, u64)>,
}

impl From<ManifestHead> for Manifest {
    fn from(h: ManifestHead) -> Manifest {
        Manifest {
            schema: h.schema,
            kith: h.kith,
            config: h.config,
            generation: h.generation,
            index_files: h.index_files,
            ..Manifest::default()
        }
    }
}

/// The model file's content.
#[derive(Debug, Serialize, Deserialize)]
pub struct Model {
    pub generation: u64,
    /// The epoch of the summaries file the interactions' `summary_at` point into.
    pub summaries: u64,
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

/// The summaries of every interaction, apart from the model: `kith due` needs a handful, so
/// they are read one by one from this file instead of being loaded with the model, and an
/// update appends the summaries of the notes it read instead of writing them all again.
///
/// Layout: the header, an epoch (a number drawn when the file is made, which the model
/// names), the file's length when it was made, then records (a u32 length, then the text).
/// A record is found by its offset, which the model keeps in [`Interaction::summary_at`]
/// (`crate::core::model::Interaction`). Appending leaves earlier records in place: a reader
/// holding an older model still finds its own; a crash mid-append leaves bytes no model names.
pub struct SummaryFile<'a> {
    pub path: &'a Path,
    pub schema: u32,
}

const SUMMARY_HEAD: usize = 16; // epoch, length when made

impl SummaryFile<'_> {
    fn head_len(&self) -> usize {
        header(self.schema).len() + SUMMARY_HEAD
    }

    /// Makes a new file holding `texts`: its epoch and each text's offset.
    pub fn create<'t>(
        &self,
        texts: impl Iterator<Item = &'t str>,
    ) -> Result<(u64, Vec<u64>), StateError> {
        let epoch = new_epoch();
        let mut out = header(self.schema);
        out.extend_from_slice(&epoch.to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes());
        let offsets = records(&mut out, texts)?;
        let len = out.len() as u64;
        let at = header(self.schema).len() + 8;
        out[at..at + 8].copy_from_slice(&len.to_le_bytes());
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        let result = std::fs::write(&tmp, &out).and_then(|()| std::fs::rename(&tmp, self.path));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result?;
        Ok((epoch, offsets))
    }

    /// Appends `texts` to the file of `epoch`: their offsets. `None` when the file has
    /// grown to more than twice its size when made (time to write it anew).
    pub fn append<'t>(
        &self,
        epoch: u64,
        texts: impl Iterator<Item = &'t str>,
    ) -> Result<Option<Vec<u64>>, StateError> {
        use std::io::Read as _;
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .open(self.path)?;
        let mut head = vec![0u8; self.head_len()];
        file.read_exact(&mut head)?;
        let (made_len, file_epoch) = self.check_head(&head)?;
        if file_epoch != epoch {
            return Err(StateError::Damaged("summaries and model differ".into()));
        }
        let len = file.metadata()?.len();
        if len > made_len.saturating_mul(2).max(1 << 20) {
            return Ok(None);
        }
        let mut out = Vec::new();
        let offsets = records(&mut out, texts)?
            .into_iter()
            .map(|o| o + len)
            .collect();
        file.write_all(&out)?;
        Ok(Some(offsets))
    }

    /// (length when made, epoch) from a file's head.
    fn check_head(&self, head: &[u8]) -> Result<(u64, u64), StateError> {
        let h = header(self.schema);
        if !head.starts_with(MAGIC) {
            return Err(StateError::Damaged("not a kith file".into()));
        }
        if head.len() < h.len() + SUMMARY_HEAD || head[..h.len()] != h[..] {
            return Err(StateError::Version);
        }
        let word = |at: usize| u64::from_le_bytes(head[at..at + 8].try_into().unwrap_or([0; 8]));
        Ok((word(h.len() + 8), word(h.len())))
    }

    /// Reads the texts at `offsets` from the file of `epoch`.
    pub fn read(&self, epoch: u64, offsets: &[u64]) -> Result<Vec<String>, StateError> {
        use std::io::{Read as _, Seek as _, SeekFrom};
        let mut file = std::fs::File::open(self.path)?;
        let mut head = vec![0u8; self.head_len()];
        file.read_exact(&mut head)?;
        if self.check_head(&head)?.1 != epoch {
            return Err(StateError::Damaged("summaries and model differ".into()));
        }
        let len = file.metadata()?.len();
        let mut out = Vec::with_capacity(offsets.len());
        for &at in offsets {
            let mut size = [0u8; 4];
            if at < head.len() as u64 || at + 4 > len {
                return Err(StateError::Damaged("summary out of range".into()));
            }
            file.seek(SeekFrom::Start(at))?;
            file.read_exact(&mut size)?;
            let size = u64::from(u32::from_le_bytes(size));
            if at + 4 + size > len {
                return Err(StateError::Damaged("summary out of range".into()));
            }
            let mut text = vec![0u8; usize::try_from(size).unwrap_or(0)];
            file.read_exact(&mut text)?;
            out.push(String::from_utf8(text).map_err(|e| StateError::Damaged(e.to_string()))?);
        }
        Ok(out)
    }
}

/// Appends length-prefixed records to `out`: the offset of each within `out`.
fn records<'t>(
    out: &mut Vec<u8>,
    texts: impl Iterator<Item = &'t str>,
) -> Result<Vec<u64>, StateError> {
    let mut offsets = Vec::new();
    for t in texts {
        let size = u32::try_from(t.len())
            .map_err(|_| StateError::Damaged("a summary over 4 GiB".into()))?;
        offsets.push(out.len() as u64);
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(t.as_bytes());
    }
    Ok(offsets)
}

/// A number that differs between files made at different times or by different processes.
fn new_epoch() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut seed = nanos.to_le_bytes().to_vec();
    seed.extend_from_slice(&std::process::id().to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&seed).max(1)
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
            index_files: vec![("meta.json".into(), 120)],
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
        // The head alone: the first fields, the lists left out.
        let head: Manifest = read_head::<ManifestHead>(&path, 1).unwrap().into();
        assert_eq!(
            head,
            Manifest {
                files: Vec::new(),
                ..m.clone()
            }
        );
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
        // Damage past the head is still damage to a head reader (the checksum is whole).
        assert!(matches!(
            read_head::<ManifestHead>(&path, 1),
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

    #[test]
    fn summaries_are_appended_and_read_by_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.bin");
        let file = SummaryFile {
            path: &path,
            schema: 1,
        };
        let (epoch, first) = file.create(["one", "", "three"].into_iter()).unwrap();
        let more = file.append(epoch, ["four"].into_iter()).unwrap().unwrap();
        assert_eq!(
            file.read(epoch, &[more[0], first[2], first[1], first[0]])
                .unwrap(),
            ["four", "three", "", "one"]
        );
        // Another epoch, an offset past the end or inside the header: damage, not a panic.
        assert!(matches!(
            file.read(epoch + 1, &first),
            Err(StateError::Damaged(_))
        ));
        assert!(matches!(
            file.read(epoch, &[1 << 40]),
            Err(StateError::Damaged(_))
        ));
        assert!(matches!(
            file.read(epoch, &[3]),
            Err(StateError::Damaged(_))
        ));
        assert!(matches!(
            file.append(epoch + 1, [""].into_iter()),
            Err(StateError::Damaged(_))
        ));
        // A file grown past twice its size is to be written anew.
        let big = "x".repeat(1 << 20);
        assert!(
            file.append(epoch, [big.as_str(), big.as_str()].into_iter())
                .unwrap()
                .is_some()
        );
        assert!(file.append(epoch, ["y"].into_iter()).unwrap().is_none());
        let (second, _) = file.create(["a"].into_iter()).unwrap();
        assert_ne!(second, epoch);
    }
}
