//! `kith import --merge`: the properties an existing contact's note lacks, added at the end
//! of its front-matter. Every byte already there stays as it was, and the result is read
//! back to prove it: when the note's properties would read differently, nothing is added.

use super::Incoming;
use super::render::{Property, properties, with_properties};
use crate::core::frontmatter::{self, RawProperty, Split};

/// What merging into a note gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// The note's new text, and the keys added.
    Added {
        text: String,
        keys: Vec<&'static str>,
    },
    /// The note already has every property the contact brings.
    Nothing,
}

/// The keys that stand for another: a note with `alias` has its aliases.
const SAME_AS: [(&str, &str); 2] = [("aliases", "alias"), ("tags", "tag")];

/// Adds to `note` the properties of `c` that it lacks (never `name`: the note has one). An
/// error says why the note cannot take them.
pub fn add_missing(note: &str, c: &Incoming) -> Result<Merge, String> {
    let body = note.strip_prefix('\u{feff}').unwrap_or(note);
    let before: Vec<RawProperty> = match frontmatter::split(body) {
        Split::None => Vec::new(),
        Split::Unclosed => return Err("its front-matter never closes (no `---` line)".into()),
        Split::Closed { yaml, .. } => frontmatter::parse_yaml(yaml)
            .map_err(|e| format!("its front-matter cannot be read ({})", e.message))?,
    };
    let has = |key: &str| {
        before.iter().any(|p| {
            p.key.eq_ignore_ascii_case(key)
                || SAME_AS
                    .iter()
                    .any(|(k, other)| *k == key && p.key.eq_ignore_ascii_case(other))
        })
    };
    let missing: Vec<Property> = properties(c, false)
        .into_iter()
        .filter(|p| !has(p.key))
        .collect();
    if missing.is_empty() {
        return Ok(Merge::Nothing);
    }
    let eol = if body.split('\n').next().is_some_and(|l| l.ends_with('\r')) {
        "\r\n"
    } else {
        "\n"
    };
    let lines: String = missing.iter().map(|p| p.yaml.replace('\n', eol)).collect();
    let text = with_properties(note, &lines, eol);
    let keys: Vec<&'static str> = missing.iter().map(|p| p.key).collect();
    if reads_as(&text, &before, &keys) {
        Ok(Merge::Added { text, keys })
    } else {
        Err("its front-matter is written in a way kith cannot add to safely".into())
    }
}

/// Whether `text`'s properties are `before`'s, unchanged, then `added`.
fn reads_as(text: &str, before: &[RawProperty], added: &[&str]) -> bool {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Split::Closed { yaml, .. } = frontmatter::split(body) else {
        return false;
    };
    let Ok(after) = frontmatter::parse_yaml(yaml) else {
        return false;
    };
    after.len() == before.len() + added.len()
        && before
            .iter()
            .zip(&after)
            .all(|(a, b)| a.key == b.key && a.value == b.value)
        && after[before.len()..]
            .iter()
            .zip(added)
            .all(|(p, key)| p.key == *key)
}
