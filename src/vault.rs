//! The vault on disk: walking it, reading its notes, and handing their text to the core.
//!
//! Skip rules: any path with a component starting with `.` below the root, the `ignore`
//! globs, the template folders of Obsidian's settings, the due note, anything that is not `*.md`, and symbolic links (never followed, so
//! a link loop or a link out of the vault is never read). A file that cannot be read, or a
//! note or folder whose name is not UTF-8 (kith names every note by its path as text), is a
//! problem; the walk goes on.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::core::model::Prepared;
use crate::core::model::{self, Vault};
use crate::core::note;
use crate::core::problem::Problem;

/// Notes larger than this are reported and skipped.
pub const MAX_NOTE_BYTES: u64 = 64 * 1024 * 1024;

/// A Markdown file found by the walk.
#[derive(Debug, Clone)]
pub struct NoteFile {
    /// Relative to the root, with `/`.
    pub rel: String,
    pub abs: PathBuf,
}

/// One thing the walk met.
#[derive(Debug)]
pub enum Found {
    Note(NoteFile),
    /// A folder or file that could not be read.
    Problem(Problem),
    /// A symbolic link, passed by.
    Link,
}

fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    match rel.to_str() {
        Some(s) if std::path::MAIN_SEPARATOR == '/' => s.to_string(),
        _ => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            parts.join("/")
        }
    }
}

fn is_markdown(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.len() > 3 && name[name.len() - 3..].eq_ignore_ascii_case(b".md")
}

/// Walks the vault lazily: every note kith may read, every problem met, every link passed.
pub fn walk(config: &Config) -> impl Iterator<Item = Found> + Send + '_ {
    walk_from(config, config.vault.clone())
}

/// Whether a path (relative to the root, with `/`) is one kith never reads: below a
/// dot-folder or a dot-file, or matched by an `ignore` glob (or below a folder that is).
pub fn excluded(config: &Config, rel: &str) -> bool {
    let mut end = 0;
    for part in rel.split('/') {
        end += part.len();
        if part.starts_with('.') || config.skips(&rel[..end]) {
            return true;
        }
        end += 1;
    }
    false
}

/// Whether a file name is a Markdown note's (`*.md`, any case).
pub fn is_note_name(name: &str) -> bool {
    is_markdown(std::ffi::OsStr::new(name))
}

/// The folders below `start` (itself included) that the walk enters.
pub fn folders(config: &Config, start: &Path) -> Vec<PathBuf> {
    let root = &config.vault;
    WalkDir::new(start)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.file_type().is_dir()
                && (e.path() == root || !excluded(config, &rel_path(root, e.path())))
        })
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// Like [`walk`], from a folder inside the vault (paths stay relative to the root).
pub fn walk_from(config: &Config, start: PathBuf) -> impl Iterator<Item = Found> + Send + '_ {
    let root = &config.vault;
    let start_depth = start
        .strip_prefix(root)
        .map_or(0, |r| r.components().count());
    let may_skip = config.may_skip();
    WalkDir::new(start)
        .follow_links(false)
        .into_iter()
        .filter_entry(move |e| {
            if e.depth() + start_depth == 0 {
                return true;
            }
            if e.file_name().as_encoded_bytes().first() == Some(&b'.') {
                return false;
            }
            !may_skip || !config.skips(&rel_path(root, e.path()))
        })
        .filter_map(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let rel = err
                        .path()
                        .map(|p| rel_path(root, p))
                        .unwrap_or_else(|| ".".to_string());
                    let reason = err
                        .io_error()
                        .map_or_else(|| err.to_string(), ToString::to_string);
                    return Some(Found::Problem(Problem::error(
                        rel,
                        None,
                        format!("cannot be read: {reason}"),
                    )));
                }
            };
            let ft = entry.file_type();
            if ft.is_symlink() {
                return (entry.depth() + start_depth > 0).then_some(Found::Link);
            }
            let note = ft.is_file() && is_markdown(entry.file_name());
            if entry
                .path()
                .strip_prefix(root)
                .is_ok_and(|rel| rel.to_str().is_none())
            {
                // A name kith cannot write down: reported once, for the note or the folder
                // (whose notes are passed by).
                let own = entry.file_name().to_str().is_none();
                return (own && (note || ft.is_dir())).then(|| {
                    Found::Problem(Problem::error(
                        rel_path(root, entry.path()),
                        None,
                        "the name is not UTF-8 text; kith cannot name it, so skips it \
                         (and all it holds): rename it",
                    ))
                });
            }
            if !note {
                return None;
            }
            let rel = rel_path(root, entry.path());
            Some(Found::Note(NoteFile {
                rel,
                abs: entry.into_path(),
            }))
        })
}

/// The text of a note, or the problem that stops it being read.
pub fn read_note(file: &NoteFile) -> Result<String, Problem> {
    use std::io::Read as _;
    let cannot =
        |e: std::io::Error| Problem::error(&file.rel, None, format!("cannot be read: {e}"));
    let mut handle = std::fs::File::open(&file.abs).map_err(cannot)?;
    let size = handle.metadata().map_err(cannot)?.len();
    if size > MAX_NOTE_BYTES {
        return Err(Problem::error(
            &file.rel,
            None,
            format!(
                "note is larger than {} MiB; skipped",
                MAX_NOTE_BYTES / 1024 / 1024
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    handle
        .by_ref()
        .take(MAX_NOTE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = memchr::memchr_iter(b'\n', &bytes[..valid]).count() + 1;
        Problem::error(
            &file.rel,
            Some(line),
            "not UTF-8 text (a binary file?); skipped",
        )
    })
}

/// Parses a note's text, unless it is the due note kith wrote (output, never input: `None`).
/// A note of the user's that happens to sit at the due note's path is read like any other,
/// with a warning.
pub fn parse_note(config: &Config, rel: &str, text: &str) -> Option<note::ParsedNote> {
    let own_due_note = rel == config.due_note;
    if own_due_note && crate::write::is_generated(text) {
        return None;
    }
    let mut parsed = note::parse(rel, text, &config.rules.contacts);
    if own_due_note {
        parsed.problems.push(Problem::warning(
            rel,
            Some(1),
            "this is the due note's path, but kith did not write this note \
             (no `generated_by: kith`): it is read as a note, and `kith due --write` \
             will not overwrite it",
        ));
    }
    Some(parsed)
}

/// The week of `config.today`, with the first lines it shows read in (a model from the cache
/// leaves them in the notes).
pub fn week(
    config: &Config,
    vault: &mut Vault,
    memo: &mut crate::core::schedule::Memo,
) -> crate::core::schedule::Week {
    let week = crate::core::schedule::week_with(vault, &config.rules, config.today, memo);
    let shown: Vec<(usize, usize)> = week
        .check_ins
        .iter()
        .filter_map(|c| c.last_interaction.map(|i| (c.contact, i)))
        .collect();
    fill_first_lines(config, vault, &shown);
    week
}

/// Reads in the first lines of the interactions at `wanted` (contact, interaction) that the
/// model does not hold (a model read from the cache leaves them in the notes): each note
/// they are written in is read and parsed once, on both cores. A note that changed since
/// the model was made may no longer have an interaction at that line: its first line stays
/// empty.
pub fn fill_first_lines(config: &Config, vault: &mut Vault, wanted: &[(usize, usize)]) {
    let model: &Vault = vault;
    let mut by_path: std::collections::BTreeMap<&str, Vec<(usize, usize, usize)>> =
        Default::default();
    for &(c, i) in wanted {
        if let Some(it) = model.contacts.get(c).and_then(|c| c.interactions.get(i))
            && it.first_line.is_none()
        {
            by_path.entry(&it.path).or_default().push((c, i, it.line));
        }
    }
    let found: Vec<((usize, usize), String)> = by_path
        .into_par_iter()
        .flat_map_iter(|(rel, at)| {
            let note = read_parsed(config, rel);
            at.into_iter().map(move |(c, i, line)| {
                let text = note
                    .as_ref()
                    .and_then(|n| n.first_line_at(line))
                    .unwrap_or_default();
                ((c, i), text.to_string())
            })
        })
        .collect();
    for ((c, i), text) in found {
        vault.contacts[c].interactions[i].first_line = Some(text);
    }
}

/// Reads and parses the note at `rel` as it is now; `None` when it cannot be read.
pub fn read_parsed(config: &Config, rel: &str) -> Option<note::ParsedNote> {
    let file = NoteFile {
        rel: rel.to_string(),
        abs: config.vault.join(rel),
    };
    let text = read_note(&file).ok()?;
    Some(note::parse(rel, &text, &config.rules.contacts))
}

/// Walks, reads and parses the whole vault into its model. The walk feeds both cores as it
/// goes, so reading and parsing overlap with listing folders.
pub fn load(config: &Config) -> Vault {
    let started = std::time::Instant::now();
    let links = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<Prepared, Problem>> = walk(config)
        .par_bridge()
        .filter_map(|found| match found {
            Found::Note(file) => {
                let text = match read_note(&file) {
                    Ok(text) => text,
                    Err(problem) => return Some(Err(problem)),
                };
                let parsed = parse_note(config, &file.rel, &text)?;
                drop(text);
                Some(Ok(model::prepare(parsed, &config.rules)))
            }
            Found::Problem(p) => Some(Err(p)),
            Found::Link => {
                links.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                None
            }
        })
        .collect();
    let parsed = started.elapsed();
    let mut notes = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(n) => notes.push(n),
            Err(p) => problems.push(p),
        }
    }
    let mut vault = model::build_prepared(notes);
    vault.problems.append(&mut problems);
    crate::core::problem::sort(&mut vault.problems);
    crate::report::detail(
        config,
        format_args!(
            "{} notes, {} symbolic links passed by: walk+read+parse {:?}, model {:?}",
            vault.notes,
            links.into_inner(),
            parsed,
            started.elapsed() - parsed
        ),
    );
    vault
}
