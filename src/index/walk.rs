//! The stat walk: every note's size and modification time, without reading any, and the
//! folders that could not be read. Compared with the manifest, it says what changed.
//!
//! A watcher keeps its walk between batches and stats again only the paths its events named
//! ([`Walk::restat`]), instead of walking the whole vault on every save.

use std::collections::BTreeSet;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::config::Config;
use crate::core::problem::{self, Problem};
use crate::vault::{self, Found, NoteFile};

/// A note found by the stat walk.
#[derive(Debug, Clone)]
pub struct Stat {
    pub file: NoteFile,
    /// `None` when it could not be stat'ed (it vanished, say): it is read, and reported, like
    /// any changed file.
    pub size: Option<u64>,
    /// Nanoseconds since the epoch.
    pub mtime: i128,
}

impl Stat {
    /// Stats `file` now.
    fn of(file: NoteFile) -> Stat {
        match std::fs::symlink_metadata(&file.abs) {
            Ok(m) => Stat {
                file,
                size: Some(m.len()),
                mtime: mtime_ns(&m),
            },
            Err(_) => Stat {
                file,
                size: None,
                mtime: 0,
            },
        }
    }
}

/// A file's modification time in nanoseconds since the epoch (negative before it).
pub fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    match meta.modified() {
        Ok(t) => match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        },
        Err(_) => 0,
    }
}

/// Every note of the vault stat'ed, sorted by path, and the problems of the walk.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub stats: Vec<Stat>,
    /// Folders and files that could not be read, sorted.
    pub problems: Vec<Problem>,
}

impl Walk {
    /// Walks the vault and stats every note, on both cores.
    pub fn of(config: &Config) -> Walk {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for found in vault::walk(config) {
            match found {
                Found::Note(f) => files.push(f),
                Found::Problem(p) => problems.push(p),
                Found::Link => {}
            }
        }
        let mut stats: Vec<Stat> = files.into_par_iter().map(Stat::of).collect();
        stats.sort_unstable_by(|a, b| a.file.rel.cmp(&b.file.rel));
        problem::sort(&mut problems);
        Walk { stats, problems }
    }

    /// The hash of this walk ([`super::manifest::walk_hash`]); none when a note could not
    /// be stat'ed (such a walk matches no manifest: the note is read and reported).
    pub fn hash(&self) -> Option<u64> {
        let mut files = Vec::with_capacity(self.stats.len());
        for s in &self.stats {
            files.push((s.file.rel.as_str(), s.size?, s.mtime));
        }
        Some(super::manifest::walk_hash(
            files.into_iter(),
            self.problems.iter().map(|p| p.path.as_str()),
        ))
    }

    /// Stats again the notes at `paths` (relative to the root) and everything below them: a
    /// note changed, created or gone, a folder moved in or out. The rest is kept as it was.
    pub fn restat(&mut self, config: &Config, paths: &BTreeSet<String>) {
        let mut found = Vec::new();
        let mut problems = Vec::new();
        for rel in paths {
            if rel.is_empty() || vault::excluded(config, rel) {
                continue;
            }
            let abs = config.vault.join(rel);
            match std::fs::symlink_metadata(&abs) {
                Ok(m) if m.is_dir() => {
                    for item in vault::walk_from(config, abs) {
                        match item {
                            Found::Note(file) => found.push(Stat::of(file)),
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
                        size: Some(m.len()),
                        mtime: mtime_ns(&m),
                    });
                }
                _ => {} // gone, a link, or not a note
            }
        }
        self.merge(paths, found, problems);
    }

    /// Replaces what the walk knew below `paths` with `found` and `problems`, keeping the
    /// order by path.
    fn merge(&mut self, paths: &BTreeSet<String>, mut found: Vec<Stat>, problems: Vec<Problem>) {
        let under = |rel: &str, hint: &str| {
            rel == hint || (rel.starts_with(hint) && rel.as_bytes().get(hint.len()) == Some(&b'/'))
        };
        // What the named paths were: dropped (sorted, so each is a run from its own place).
        let mut drop = vec![false; self.stats.len()];
        for hint in paths {
            let from = self
                .stats
                .partition_point(|s| s.file.rel.as_str() < hint.as_str());
            for (i, s) in self.stats[from..].iter().enumerate() {
                if !s.file.rel.starts_with(hint.as_str()) {
                    break;
                }
                if under(&s.file.rel, hint) {
                    drop[from + i] = true;
                }
            }
            self.problems.retain(|p| !under(&p.path, hint));
        }
        let mut at = 0;
        self.stats.retain(|_| {
            at += 1;
            !drop[at - 1]
        });
        // What they are now, merged in path order (a folder and a note in it may both be
        // named: once each).
        found.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
        found.dedup_by(|a, b| a.file.rel == b.file.rel);
        if !found.is_empty() {
            let old = std::mem::take(&mut self.stats);
            self.stats.reserve(old.len() + found.len());
            let mut found = found.into_iter().peekable();
            for s in old {
                while let Some(f) = found.next_if(|f| f.file.rel < s.file.rel) {
                    self.stats.push(f);
                }
                self.stats.push(s);
            }
            self.stats.extend(found);
        }
        self.problems.extend(problems);
        problem::sort(&mut self.problems);
        // A folder and a folder below it both named: their problems once.
        self.problems.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(rel: &str, size: u64) -> Stat {
        Stat {
            file: NoteFile {
                rel: rel.into(),
                abs: rel.into(),
            },
            size: Some(size),
            mtime: 1,
        }
    }

    fn rels(walk: &Walk) -> Vec<(&str, Option<u64>)> {
        walk.stats
            .iter()
            .map(|s| (s.file.rel.as_str(), s.size))
            .collect()
    }

    #[test]
    fn a_batch_replaces_what_it_names_and_keeps_the_rest_in_order() {
        let mut walk = Walk {
            stats: vec![
                stat("A.md", 1),
                stat("Old/a.md", 1),
                stat("Old/b/c.md", 1),
                stat("Older.md", 1),
                stat("People/Ada.md", 1),
                stat("People/Bob.md", 1),
            ],
            problems: vec![
                Problem::error("Old/locked", None, "cannot be read"),
                Problem::error("Secret", None, "cannot be read"),
            ],
        };
        let paths: BTreeSet<String> = ["Old", "People/Ada.md", "New", "New/x.md"]
            .into_iter()
            .map(String::from)
            .collect();
        // `Old` went away (its notes and problem go, not `Older.md`, whose name only begins
        // with it); Ada grew; `New` came with a note, named twice (as a folder and a file),
        // and a folder that cannot be read.
        let found = vec![
            stat("New/x.md", 2),
            stat("People/Ada.md", 5),
            stat("New/x.md", 2),
        ];
        let problems = vec![Problem::error("New/locked", None, "cannot be read")];
        walk.merge(&paths, found, problems);
        assert_eq!(
            rels(&walk),
            [
                ("A.md", Some(1)),
                ("New/x.md", Some(2)),
                ("Older.md", Some(1)),
                ("People/Ada.md", Some(5)),
                ("People/Bob.md", Some(1)),
            ]
        );
        let problems: Vec<&str> = walk.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(problems, ["New/locked", "Secret"]);
    }

    #[test]
    fn a_batch_naming_nothing_walked_changes_nothing() {
        let mut walk = Walk {
            stats: vec![stat("a.md", 1), stat("b.md", 2)],
            problems: Vec::new(),
        };
        let paths: BTreeSet<String> = ["photo.png".to_string()].into_iter().collect();
        walk.merge(&paths, Vec::new(), Vec::new());
        assert_eq!(rels(&walk), [("a.md", Some(1)), ("b.md", Some(2))]);
    }
}
