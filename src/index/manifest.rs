//! The manifest: every note as the model cache last saw it (size, modification time, content
//! hash, what kind of note it was), with the config and the kith that made the model. A stat
//! walk that matches it exactly means the cached model is the vault's.

use serde::{Deserialize, Serialize};

use super::schema::SCHEMA_VERSION;
use super::walk::{Stat, Walk};

/// The hash of a walk: every note's path, size and modification time, in path order, and
/// the paths that could not be read.
pub fn walk_hash<'a>(
    files: impl Iterator<Item = (&'a str, u64, i128)>,
    problems: impl Iterator<Item = &'a str>,
) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (rel, size, mtime) in files {
        h.update(rel.as_bytes());
        h.update(&[0]);
        h.update(&size.to_le_bytes());
        h.update(&mtime.to_le_bytes());
    }
    h.update(&[1]);
    for p in problems {
        h.update(p.as_bytes());
        h.update(&[0]);
    }
    h.digest()
}

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

/// The modification time recorded for a note read within [`RACY_FINE`] of its last write: no
/// file has it, so the next update reads the note again. File systems keep times coarsely
/// (a clock tick on Linux, two seconds on FAT): a second save within one such step, of the
/// same size, would otherwise look like no change at all.
pub const UNSURE: i128 = i128::MIN;

/// How soon after a write a note's time is not trusted to tell a later write apart: a few
/// clock ticks where times have nanoseconds, more than FAT's two seconds where they have
/// whole seconds only.
pub const RACY_FINE: std::time::Duration = std::time::Duration::from_millis(50);
pub const RACY_COARSE: std::time::Duration = std::time::Duration::from_secs(3);

/// One file as it was when last read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// Relative to the root, with `/`.
    pub rel: String,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch; [`UNSURE`] for a note read so soon
    /// after it was written that a later write could still carry the same time.
    pub mtime: i128,
    /// xxh3 of the content.
    pub hash: u64,
    pub kind: FileKind,
}

/// A contact's keys, for lookups without loading the model (`kith who`).
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
    /// The model this manifest describes ([`super::state::new_id`]; 0: none yet).
    pub generation: u64,
    /// A hash of the walk it was made from ([`Walk::hash`]): a walk that hashes the same finds
    /// the vault as this manifest describes it, without reading the list of files.
    pub walk: u64,
    // The fields above are the head, which the fast path reads alone.
    /// Folders or files the walk could not read (their problems are in the model).
    pub walk_problems: Vec<String>,
    /// Every contact, by path.
    pub contacts: Vec<ContactKey>,
    /// Sorted by `rel`.
    pub files: Vec<FileState>,
}

/// The first fields of a [`Manifest`]: its lists of files and contacts are most of its
/// bytes, and a search needs none of them.
#[derive(Debug, Deserialize)]
pub struct ManifestHead {
    pub schema: u32,
    pub kith: String,
    pub config: u64,
    pub generation: u64,
    pub walk: u64,
}

impl From<ManifestHead> for Manifest {
    fn from(h: ManifestHead) -> Manifest {
        Manifest {
            schema: h.schema,
            kith: h.kith,
            config: h.config,
            generation: h.generation,
            walk: h.walk,
            ..Manifest::default()
        }
    }
}

impl Manifest {
    /// Whether this manifest was written by this kith and schema, for the config `cfg`.
    pub fn is_current(&self, cfg: u64) -> bool {
        self.schema == SCHEMA_VERSION
            && self.kith == env!("CARGO_PKG_VERSION")
            && self.config == cfg
    }

    /// A manifest of `files` and the walk problems at `walk_problems`, with the hash of the
    /// walk they make.
    pub fn new(
        head: ManifestHead,
        files: Vec<FileState>,
        walk_problems: Vec<String>,
        contacts: Vec<ContactKey>,
    ) -> Manifest {
        let walk = walk_hash(
            files.iter().map(|f| (f.rel.as_str(), f.size, f.mtime)),
            walk_problems.iter().map(String::as_str),
        );
        Manifest {
            walk,
            walk_problems,
            contacts,
            files,
            ..Manifest::from(head)
        }
    }

    /// The head's fields.
    pub fn head(&self) -> ManifestHead {
        ManifestHead {
            schema: self.schema,
            kith: self.kith.clone(),
            config: self.config,
            generation: self.generation,
            walk: self.walk,
        }
    }

    /// Whether the stat walk finds the vault exactly as this manifest describes it.
    pub fn matches(&self, walk: &Walk) -> bool {
        self.generation != 0 && walk.hash() == Some(self.walk)
    }

    /// The entry for `rel` (the files are sorted by path).
    pub fn entry(&self, rel: &str) -> Option<&FileState> {
        self.files
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()
            .map(|i| &self.files[i])
    }

    /// The notes among the files: (path, is a contact), sorted by path.
    pub fn notes(&self) -> Vec<(&str, bool)> {
        notes_of(&self.files)
    }

    /// Pairs the walk's files with this manifest's in one pass (both are sorted by path):
    /// for each file walked, the manifest's entry for it; and the entries no file walked has.
    pub fn pair<'a>(&'a self, stats: &[Stat]) -> Pairing<'a> {
        let mut was = Vec::with_capacity(stats.len());
        let mut removed = Vec::new();
        let mut olds = self.files.iter().peekable();
        for s in stats {
            let rel = s.file.rel.as_str();
            while let Some(o) = olds.next_if(|o| o.rel.as_str() < rel) {
                removed.push(o);
            }
            was.push(olds.next_if(|o| o.rel == rel));
        }
        removed.extend(olds);
        Pairing { was, removed }
    }
}

/// The notes among `files` (sorted by path): (path, is a contact).
pub fn notes_of(files: &[FileState]) -> Vec<(&str, bool)> {
    files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Contact | FileKind::Note))
        .map(|f| (f.rel.as_str(), f.kind == FileKind::Contact))
        .collect()
}

/// The walk's files against a manifest's: see [`Manifest::pair`].
pub struct Pairing<'a> {
    /// For each file walked (in the walk's order), its entry in the manifest, if any.
    pub was: Vec<Option<&'a FileState>>,
    /// The entries of files the walk no longer finds.
    pub removed: Vec<&'a FileState>,
}

impl Pairing<'_> {
    /// The files walked that must be read: new, or whose size or modification time moved
    /// (or that could not be stat'ed).
    pub fn changed<'s>(&self, stats: &'s [Stat]) -> Vec<&'s Stat> {
        stats
            .iter()
            .zip(&self.was)
            .filter(|(s, o)| {
                o.is_none_or(|o| s.size.is_none_or(|size| size != o.size) || o.mtime != s.mtime)
            })
            .map(|(s, _)| s)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::problem::Problem;
    use crate::vault::NoteFile;

    fn state(rel: &str, size: u64) -> FileState {
        FileState {
            rel: rel.into(),
            size,
            mtime: 5,
            hash: 9,
            kind: FileKind::Note,
        }
    }

    fn stat(rel: &str, size: Option<u64>) -> Stat {
        Stat {
            file: NoteFile {
                rel: rel.into(),
                abs: rel.into(),
            },
            size,
            mtime: 5,
        }
    }

    #[test]
    fn the_walk_pairs_with_the_manifest_in_one_pass() {
        let manifest = Manifest {
            files: vec![
                state("a.md", 1),
                state("b/c.md", 2),
                state("d.md", 3),
                state("z.md", 4),
            ],
            ..Manifest::default()
        };
        let stats = [
            stat("0.md", Some(1)),     // new, before every entry
            stat("b/c.md", Some(2)),   // as it was
            stat("b/new.md", Some(1)), // new, between entries
            stat("d.md", Some(30)),    // grown
            stat("y.md", None),        // cannot be stat'ed
        ];
        let pairing = manifest.pair(&stats);
        let was: Vec<Option<&str>> = pairing
            .was
            .iter()
            .map(|o| o.map(|f| f.rel.as_str()))
            .collect();
        assert_eq!(was, [None, Some("b/c.md"), None, Some("d.md"), None]);
        let removed: Vec<&str> = pairing.removed.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(removed, ["a.md", "z.md"]);
        let changed: Vec<&str> = pairing
            .changed(&stats)
            .iter()
            .map(|s| s.file.rel.as_str())
            .collect();
        assert_eq!(changed, ["0.md", "b/new.md", "d.md", "y.md"]);
        // The same files with the same stats match; a file that cannot be stat'ed never does.
        let head = ManifestHead {
            schema: 1,
            kith: "x".into(),
            config: 2,
            generation: 3,
            walk: 0,
        };
        let two = Manifest::new(
            head,
            vec![state("a.md", 1), state("b/c.md", 2)],
            Vec::new(),
            Vec::new(),
        );
        let walk = |stats: Vec<Stat>, problems: Vec<Problem>| Walk { stats, problems };
        let same = || vec![stat("a.md", Some(1)), stat("b/c.md", Some(2))];
        assert!(two.matches(&walk(same(), Vec::new())));
        assert!(!two.matches(&walk(
            vec![stat("a.md", Some(1)), stat("b/c.md", None)],
            Vec::new()
        )));
        assert!(!two.matches(&walk(same()[..1].to_vec(), Vec::new())));
        assert!(!two.matches(&walk(
            vec![stat("a.md", Some(1)), stat("b/c.md", Some(3))],
            Vec::new()
        )));
        let problem = Problem::error("Locked", None, "cannot be read");
        assert!(!two.matches(&walk(same(), vec![problem])));
        // A manifest of no update yet matches nothing.
        assert!(!Manifest::default().matches(&walk(Vec::new(), Vec::new())));
    }
}
