//! The vault on disk: walking it, reading its notes, and handing their text to the core.
//!
//! Skip rules: any path with a component starting with `.` below the root, the `ignore`
//! globs, the due note, anything that is not `*.md`, and symbolic links (never followed, so
//! a link loop or a link out of the vault is never read). A file that cannot be read is a
//! problem; the walk goes on.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::core::model::{self, Vault};
use crate::core::note::{self, ParsedNote};
use crate::core::problem::Problem;

/// Notes larger than this are reported and skipped.
pub const MAX_NOTE_BYTES: u64 = 64 * 1024 * 1024;

/// A Markdown file found by the walk.
#[derive(Debug, Clone)]
pub struct NoteFile {
    /// Relative to the root, with `/`.
    pub rel: String,
    pub abs: PathBuf,
    pub size: u64,
}

/// What a walk found: the notes, the problems met, and how many links it passed by.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<NoteFile>,
    pub problems: Vec<Problem>,
    pub skipped_links: usize,
}

fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

fn is_markdown(name: &str) -> bool {
    name.len() > 3
        && name.is_char_boundary(name.len() - 3)
        && name[name.len() - 3..].eq_ignore_ascii_case(".md")
}

/// Walks the vault: every note kith may read, in path order.
pub fn walk(config: &Config) -> Walk {
    let root = &config.vault;
    let mut out = Walk::default();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if name.starts_with('.') {
                return false;
            }
            let rel = rel_path(root, e.path());
            !config.ignore.is_match(&rel)
        });
    for entry in walker {
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
                out.problems
                    .push(Problem::error(rel, None, format!("cannot be read: {reason}")));
                continue;
            }
        };
        let ft = entry.file_type();
        if ft.is_symlink() {
            if entry.depth() > 0 {
                out.skipped_links += 1;
            }
            continue;
        }
        if !ft.is_file() || !is_markdown(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let rel = rel_path(root, entry.path());
        if rel == config.due_note {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        out.files.push(NoteFile {
            rel,
            abs: entry.into_path(),
            size,
        });
    }
    out
}

/// The text of a note, or the problem that stops it being read.
pub fn read_note(file: &NoteFile) -> Result<String, Problem> {
    if file.size > MAX_NOTE_BYTES {
        return Err(Problem::error(
            &file.rel,
            None,
            format!(
                "note is larger than {} MiB; skipped",
                MAX_NOTE_BYTES / 1024 / 1024
            ),
        ));
    }
    let bytes = std::fs::read(&file.abs)
        .map_err(|e| Problem::error(&file.rel, None, format!("cannot be read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        Problem::error(
            &file.rel,
            Some(line),
            "not UTF-8 text (a binary file?); skipped",
        )
    })
}

/// Reads and parses every note of a walk, on all cores.
pub fn parse_all(config: &Config, files: &[NoteFile]) -> (Vec<ParsedNote>, Vec<Problem>) {
    let results: Vec<Result<ParsedNote, Problem>> = files
        .par_iter()
        .map(|file| {
            let text = read_note(file)?;
            Ok(note::parse(&file.rel, &text, &config.rules.contacts))
        })
        .collect();
    let mut notes = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(n) => notes.push(n),
            Err(p) => problems.push(p),
        }
    }
    (notes, problems)
}

/// Walks, reads and parses the whole vault into its model.
pub fn load(config: &Config) -> Vault {
    let started = std::time::Instant::now();
    let mut walk = walk(config);
    let walked = started.elapsed();
    let (notes, mut problems) = parse_all(config, &walk.files);
    let parsed = started.elapsed();
    let mut vault = model::build(notes, &config.rules);
    vault.problems.append(&mut walk.problems);
    vault.problems.append(&mut problems);
    crate::core::problem::sort(&mut vault.problems);
    if config.verbose > 0 {
        eprintln!(
            "kith: {} notes ({} links skipped): walk {:?}, read+parse {:?}, model {:?}",
            walk.files.len(),
            walk.skipped_links,
            walked,
            parsed - walked,
            started.elapsed() - parsed
        );
    }
    vault
}
