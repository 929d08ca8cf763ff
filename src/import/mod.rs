//! `kith import`, the shell's half: reading the files given into incoming contacts (with a
//! problem for each card or row that cannot be), and carrying out the core's plan — new
//! notes created, never over a file, and with `--merge`, missing properties added to the
//! notes that match.

use std::cell::RefCell;
use std::collections::HashSet;
use std::io::Read as _;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::core::frontmatter::{self, Split};
use crate::core::import::merge::{self, Merge};
use crate::core::import::plan::{Fate, Matched, Planned};
use crate::core::import::template::Template;
use crate::core::import::{Incoming, Item, Source, vcard};
use crate::core::problem::Problem;
use crate::progress::Progress;
use crate::write::{self, WriteError};

// Crate-visible for the fuzz checks (`crate::fuzzing`), which read files as `gather` does.
pub(crate) mod cards;
pub(crate) mod csv;

/// The kind of file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Vcard,
    Linkedin,
}

/// The incoming contacts of every file, in order, and the problems met reading them.
#[derive(Debug, Default)]
pub struct Gathered {
    pub contacts: Vec<Incoming>,
    pub problems: Vec<Problem>,
}

/// Reads every file; a file that cannot be opened is a problem, and the others are read.
pub fn gather(format: Format, files: &[PathBuf]) -> Gathered {
    let mut out = Gathered::default();
    for (i, path) in files.iter().enumerate() {
        let shown = path.display().to_string();
        let file = match std::fs::File::open(path) {
            Ok(f) if f.metadata().is_ok_and(|m| m.is_dir()) => {
                out.problems
                    .push(Problem::error(&shown, None, "is a folder, not a file"));
                continue;
            }
            Ok(f) => f,
            Err(e) => {
                out.problems
                    .push(Problem::error(&shown, None, format!("cannot be read: {e}")));
                continue;
            }
        };
        let input = std::io::BufReader::with_capacity(1 << 16, file);
        match format {
            Format::Vcard => read_vcards(input, &shown, i, &mut out),
            Format::Linkedin => match read_whole(input) {
                Ok(bytes) => {
                    let rows = csv::read(&bytes, &shown, i);
                    out.contacts.extend(rows.contacts);
                    out.problems.extend(rows.problems);
                }
                Err(why) => out.problems.push(Problem::error(&shown, None, why)),
            },
        }
    }
    out
}

/// The largest CSV file read: LinkedIn's exports are a few megabytes.
const MAX_CSV: u64 = 256 << 20;

/// A CSV file's bytes, read whole (its rows' line numbers are counted from them).
fn read_whole(input: impl std::io::Read) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    input
        .take(MAX_CSV + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > MAX_CSV {
        return Err(format!(
            "is larger than {} MiB, more than any LinkedIn export; not read",
            MAX_CSV >> 20
        ));
    }
    Ok(bytes)
}

/// Reads the cards of one vCard file.
fn read_vcards(input: impl std::io::BufRead, shown: &str, file: usize, out: &mut Gathered) {
    let mut each = |piece: cards::Piece| {
        let (bytes, number, line) = match piece {
            cards::Piece::Card {
                bytes,
                number,
                line,
            } => (bytes, number, line),
            cards::Piece::Unterminated { number, line } => {
                let why =
                    format!("card {number} has no END:VCARD (the file may be cut short); skipped");
                out.problems.push(Problem::error(shown, Some(line), why));
                return;
            }
            cards::Piece::TooLarge { number, line } => {
                let why = format!(
                    "card {number} is larger than a contact can be, even without its photos; skipped"
                );
                out.problems.push(Problem::error(shown, Some(line), why));
                return;
            }
        };
        let (text, not_utf8) = vcard::decode(&bytes);
        if let Some(why) = not_utf8 {
            out.problems.push(Problem::warning(
                shown,
                Some(line),
                format!("card {number} {why}"),
            ));
        }
        let source = Source {
            file,
            item: Item::Card(number),
            line,
        };
        match vcard::read(&text, source) {
            Ok(card) => {
                for w in card.warnings {
                    out.problems.push(Problem::warning(
                        shown,
                        Some(line),
                        format!("card {number}: {w}"),
                    ));
                }
                out.contacts.push(card.contact);
            }
            Err(why) => out.problems.push(Problem::warning(
                shown,
                Some(line),
                format!("card {number} {why}"),
            )),
        }
    };
    let why = match cards::split(input, &mut each) {
        Ok(cards::Contents::Cards) => return,
        Ok(cards::Contents::Empty) => "is empty".to_string(),
        Ok(cards::Contents::Binary) => "is not a text file, so not a vCard file".to_string(),
        Ok(cards::Contents::NoCards) => "has no vCard in it (no BEGIN:VCARD line)".to_string(),
        Err(e) => format!("cannot be read: {e}"),
    };
    out.problems.push(Problem::error(shown, None, why));
}

/// The paths already used in `folder` (relative to the root), in lower case, so that a new
/// note takes none of them.
pub fn taken_paths(config: &Config, folder: &str) -> HashSet<String> {
    let prefix = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    std::fs::read_dir(config.vault.join(folder))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| format!("{prefix}{}", e.file_name().to_string_lossy()).to_lowercase())
        .collect()
}

/// What was done with (or, in a dry run, would be done with) one planned contact.
#[derive(Debug)]
pub enum Done {
    Created {
        path: String,
    },
    Merged {
        path: String,
        matched: Matched,
        keys: Vec<&'static str>,
    },
    /// It matched a contact, and nothing was added to its note (`reason` when something
    /// stopped a merge).
    Skipped {
        path: String,
        matched: Matched,
        reason: Option<String>,
    },
    Failed {
        error: String,
    },
}

/// How an import is carried out.
#[derive(Debug, Clone)]
pub struct Carry<'a> {
    pub template: &'a Template,
    pub merge: bool,
    pub dry_run: bool,
}

/// How many notes are written at once: each waits for the disk to flush it, and disks
/// flush several together about as fast as one.
const WRITERS: usize = 16;

/// Carries out a plan (what was done to each contact, in order), then flushes the folders
/// written to; an error when that fails.
pub fn carry_out(
    config: &Config,
    plan: &[Planned],
    how: &Carry<'_>,
) -> (Vec<Done>, Result<(), WriteError>) {
    let progress = Progress::new(config, "importing", "contacts", plan.len() as u64);
    let each = |p: &Planned| {
        let d = one(config, p, how);
        progress.inc();
        d
    };
    let done: Vec<Done> = match rayon::ThreadPoolBuilder::new().num_threads(WRITERS).build() {
        Ok(pool) if !how.dry_run => pool.install(|| plan.par_iter().map(each).collect()),
        _ => plan.iter().map(each).collect(),
    };
    progress.finish();
    let folders: HashSet<&str> = done
        .iter()
        .filter_map(|d| match d {
            Done::Created { path } if !how.dry_run => {
                Some(path.rsplit_once('/').map_or("", |(f, _)| f))
            }
            _ => None,
        })
        .collect();
    let synced = folders
        .iter()
        .try_for_each(|folder| write::sync_folder(&config.vault, folder));
    (done, synced)
}

fn one(config: &Config, p: &Planned, how: &Carry<'_>) -> Done {
    match &p.fate {
        Fate::New { path, stem } => {
            let text = how.template.render(&p.contact, stem, config.today);
            if let Err(why) = readable(&text) {
                return Done::Failed {
                    error: format!(
                        "{path}: the template gives a note whose front-matter cannot be read ({why}); not created"
                    ),
                };
            }
            if how.dry_run {
                return Done::Created { path: path.clone() };
            }
            match write::create_new(&config.vault, path, &text) {
                Ok(()) => Done::Created { path: path.clone() },
                Err(e) => Done::Failed {
                    error: e.to_string(),
                },
            }
        }
        Fate::Existing { path, matched } if how.merge => {
            merge_into(config, path, matched, &p.contact, how.dry_run)
        }
        Fate::Existing { path, matched } => Done::Skipped {
            path: path.clone(),
            matched: matched.clone(),
            reason: None,
        },
    }
}

/// Adds the properties the note at `path` lacks.
fn merge_into(config: &Config, path: &str, matched: &Matched, c: &Incoming, dry_run: bool) -> Done {
    let refused = RefCell::new(None);
    let change = |text: &str| match merge::add_missing(text, c) {
        Ok(Merge::Added { text, keys }) => Some((text, keys)),
        Ok(Merge::Nothing) => None,
        Err(why) => {
            *refused.borrow_mut() = Some(why);
            None
        }
    };
    let result = if dry_run {
        write::Held::read(&config.vault, path).map(|held| change(&held.text).map(|(_, keys)| keys))
    } else {
        write::edit(&config.vault, path, change)
    };
    let skipped = |reason| Done::Skipped {
        path: path.to_string(),
        matched: matched.clone(),
        reason,
    };
    match result {
        Ok(Some(keys)) => Done::Merged {
            path: path.to_string(),
            matched: matched.clone(),
            keys,
        },
        Ok(None) => skipped(refused.into_inner()),
        Err(
            e
            @ (WriteError::ReadOnly { .. } | WriteError::NotUtf8 { .. } | WriteError::Link { .. }),
        ) => skipped(Some(e.to_string())),
        Err(e) => Done::Failed {
            error: e.to_string(),
        },
    }
}

/// Whether a new note's front-matter reads.
fn readable(text: &str) -> Result<(), String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    match frontmatter::split(body) {
        Split::None => Ok(()),
        Split::Unclosed => Err("no `---` line closes it".into()),
        Split::Closed { yaml, .. } => frontmatter::parse_yaml(yaml)
            .map(drop)
            .map_err(|e| e.message),
    }
}

/// Where new notes go: the first contact folder (the root when contacts are told by tag
/// only).
pub fn folder(config: &Config) -> String {
    config
        .rules
        .contacts
        .folders
        .first()
        .cloned()
        .unwrap_or_default()
}

/// A file as shown in messages: as it was given.
pub fn shown(files: &[PathBuf], source: &Source) -> String {
    let file = files
        .get(source.file)
        .map_or_else(String::new, |f| f.display().to_string());
    match source.item {
        Item::Card(n) => format!("{file} card {n}"),
        Item::Row(n) => format!("{file} row {n}"),
    }
}
