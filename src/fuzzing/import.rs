//! The `vcard`, `linkedin` and `merge` targets: what `kith import` reads, and the one edit
//! it makes to a note the user wrote.
//!
//! `vcard`: the input as a `.vcf` file, cut into cards as it is read and each card read.
//! `linkedin`: the input as `Connections.csv`. Checked for both: the file is cut the same
//! way whatever the size of the reader's buffer; cards and rows are numbered in order and
//! their lines lie in the file; every contact read keeps the promises of
//! [`Incoming`] (one-line values without control characters or runs of white space, at
//! most [`MAX_VALUE_CHARS`], lists without repeats); and the note kith would create for it
//! has a safe file name and reads back as a contact with that name and those properties,
//! without a problem.
//!
//! `merge`: a note, a separator, then a vCard. Checked: a merge keeps every byte of the
//! note, adds one run of text in one place, and the note's properties read as before with
//! the keys added after them.

use std::io::BufReader;

use jiff::civil::Date;

use super::{Input, line_count, lossy};
use crate::core::frontmatter::{self, RawProperty};
use crate::core::import::merge::{Merge, add_missing};
use crate::core::import::render::{file_stem, properties};
use crate::core::import::template::Template;
use crate::core::import::{Incoming, Item, MAX_VALUE_CHARS, Source, vcard};
use crate::core::model::{self, Rules};
use crate::core::note;
use crate::core::problem::Severity;
use crate::import::{cards, csv};

/// Checks the `vcard` target's input.
pub fn check_vcard(data: &[u8]) {
    let whole = cut(data, data.len().max(1));
    let small = cut(data, 3);
    assert_eq!(
        format!("{whole:?}"),
        format!("{small:?}"),
        "the cards depend on the reader's buffer"
    );
    let (pieces, _) = whole;
    let lines = 1..=line_count(&lossy(data));
    for (i, piece) in pieces.iter().enumerate() {
        let (number, line) = match piece {
            cards::Piece::Card { number, line, .. }
            | cards::Piece::Unterminated { number, line }
            | cards::Piece::TooLarge { number, line } => (*number, *line),
        };
        assert_eq!(number, i + 1, "{piece:?} is not card {}", i + 1);
        assert!(
            lines.contains(&line),
            "{piece:?} is outside lines {lines:?}"
        );
        let cards::Piece::Card { bytes, .. } = piece else {
            continue;
        };
        let (text, _) = vcard::decode(bytes);
        let source = Source {
            file: 0,
            item: Item::Card(number),
            line,
        };
        if let Ok(card) = vcard::read(&text, source) {
            check_incoming(&card.contact);
        }
    }
}

/// The pieces of a vCard file read through a buffer of `capacity` bytes, and what it held.
fn cut(data: &[u8], capacity: usize) -> (Vec<cards::Piece>, cards::Contents) {
    let mut pieces = Vec::new();
    let contents = cards::split(BufReader::with_capacity(capacity, data), |p| pieces.push(p))
        .expect("reading from memory never fails");
    (pieces, contents)
}

/// Checks the `linkedin` target's input.
pub fn check_linkedin(data: &[u8]) {
    let rows = csv::read(data, "Connections.csv", 0);
    let lines = 1..=memchr::memchr_iter(b'\n', data).count() + 1;
    for p in &rows.problems {
        if let Some(line) = p.line {
            assert!(lines.contains(&line), "{p:?} is outside lines {lines:?}");
        }
    }
    let mut last = (0, 0);
    for c in &rows.contacts {
        let Item::Row(row) = c.source.item else {
            panic!("a row read as {:?}", c.source);
        };
        let at = (row, c.source.line);
        assert!(at > last, "row {row} on line {} comes after {last:?}", at.1);
        assert!(
            lines.contains(&at.1),
            "row {row} is outside lines {lines:?}"
        );
        last = at;
        check_incoming(c);
    }
}

/// Checks the `merge` target's input.
pub fn check_merge(data: &[u8]) {
    let mut input = Input::new(data);
    let note = input.text();
    let card = input.text();
    let source = Source {
        file: 0,
        item: Item::Card(1),
        line: 1,
    };
    let incoming = match vcard::read(&card, source) {
        Ok(card) => card.contact,
        Err(_) => {
            let fixed = "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.org\n\
                         BDAY:1815-12-10\nCATEGORIES:math,Friends\nNOTE:Met at a talk\nEND:VCARD\n";
            vcard::read(fixed, source)
                .expect("the fixed card reads")
                .contact
        }
    };
    let (text, keys) = match add_missing(&note, &incoming) {
        Ok(Merge::Added { text, keys }) => (text, keys),
        Ok(Merge::Nothing) | Err(_) => return,
    };
    assert!(!keys.is_empty(), "nothing added, yet the note changed");
    let prefix = common_prefix(&note, &text);
    let suffix = common_suffix(&note, &text);
    assert!(
        text.len() > note.len() && prefix + suffix >= note.len(),
        "the merge changed the note's bytes, not only added some:\n{note:?}\n{text:?}"
    );
    let before: Vec<String> = keys_of(&frontmatter::properties_of(&note));
    let after: Vec<String> = keys_of(&frontmatter::properties_of(&text));
    let mut expected = before;
    expected.extend(keys.iter().map(|k| k.to_string()));
    assert_eq!(
        after, expected,
        "the merged note's properties read otherwise"
    );
}

fn keys_of(props: &[RawProperty]) -> Vec<String> {
    props.iter().map(|p| p.key.clone()).collect()
}

/// The length of the longest common prefix of two texts, in bytes.
fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// The length of the longest common suffix of two texts, in bytes.
fn common_suffix(a: &str, b: &str) -> usize {
    a.bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// An incoming contact keeps the promises of [`Incoming`], and the note made for it reads
/// back as a contact with its name and properties, with no problem.
fn check_incoming(c: &Incoming) {
    assert!(!c.name.is_empty(), "a contact without a name: {c:?}");
    let single = [&c.company, &c.role, &c.location, &c.linkedin, &c.uid]
        .into_iter()
        .flatten()
        .chain([&c.name])
        .chain(&c.aliases)
        .chain(&c.emails)
        .chain(&c.phones)
        .chain(&c.websites)
        .chain(&c.interests);
    for value in single {
        let clean = !value.chars().any(char::is_control)
            && value.trim() == value
            && !value.contains("  ")
            && value.split_whitespace().collect::<Vec<_>>().join(" ") == *value
            && value.chars().count() <= MAX_VALUE_CHARS;
        assert!(clean, "{value:?} is not one clean line, in {c:?}");
    }
    for tag in &c.tags {
        assert!(
            !tag.is_empty() && !tag.chars().any(char::is_whitespace) && !tag.starts_with('#'),
            "{tag:?} is not a tag"
        );
    }
    for note in &c.notes {
        let clean = note
            .chars()
            .all(|ch| ch == '\n' || ch == '\t' || !ch.is_control())
            && note.lines().all(|l| l.trim_end() == l)
            && !note.starts_with('\n')
            && !note.ends_with('\n');
        assert!(clean, "the note {note:?} is not clean, in {c:?}");
    }
    for list in [&c.aliases, &c.emails, &c.phones, &c.websites, &c.tags] {
        let mut lower: Vec<String> = list.iter().map(|v| v.to_lowercase()).collect();
        lower.sort();
        lower.dedup();
        assert_eq!(lower.len(), list.len(), "repeats in {list:?}");
    }

    let stem = file_stem(&c.name);
    let safe = !stem.is_empty()
        && stem.len() <= 200
        && !stem
            .chars()
            .any(|ch| ch.is_control() || "/\\:*?\"<>|#^[]".contains(ch))
        && !stem.starts_with('.')
        && !stem.ends_with(['.', ' ']);
    assert!(safe, "{stem:?} is no safe file name for {:?}", c.name);
    let template = Template::Default {
        log_heading: "Log".to_string(),
    };
    let text = template.render(c, &stem, Date::constant(2026, 11, 23));
    let path = format!("People/{stem}.md");
    let rules = Rules::default();
    let parsed = note::parse(&path, &text, &rules.contacts);
    assert!(parsed.is_contact, "{path} is not a contact:\n{text}");
    let written: Vec<&str> = properties(c, stem != c.name)
        .iter()
        .map(|p| p.key)
        .collect();
    let read: Vec<&str> = parsed.properties.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        read, written,
        "the new note's properties read otherwise:\n{text}"
    );
    let vault = model::build(vec![parsed], &rules);
    // Its properties read without a problem. The body is the address book's text, which may
    // hold what `kith check` warns of (a date written otherwise than YYYY-MM-DD).
    let properties_end = match frontmatter::split(&text) {
        // The lines up to the body: each ends in a line break.
        frontmatter::Split::Closed { body_offset, .. } => {
            memchr::memchr_iter(b'\n', &text.as_bytes()[..body_offset]).count()
        }
        _ => 0,
    };
    let bad: Vec<_> = vault
        .problems
        .iter()
        .filter(|p| {
            p.severity == Severity::Error || p.line.is_none_or(|line| line <= properties_end)
        })
        .collect();
    assert!(
        bad.is_empty(),
        "the new note for {c:?} has problems {bad:?}:\n{text}"
    );
    assert_eq!(
        vault.contacts[0].name, c.name,
        "the new note's name:\n{text}"
    );
}
