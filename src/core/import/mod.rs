//! Bringing contacts in from an address book: what one incoming contact is, whatever its
//! source (a vCard, a row of LinkedIn's export), and the rules that clean its text.
//!
//! Reading a source ([`vcard`], [`linkedin`]) makes [`Incoming`] contacts; [`plan`] decides
//! what becomes of each (a new note, a match with an existing contact, one note for several
//! that match each other); [`template`] and [`render`] write a new note's text and file
//! name, and [`merge`] adds the properties an existing note lacks. Nothing here reads or writes a file.

use jiff::civil::Date;
use unicode_normalization::UnicodeNormalization as _;

use super::frontmatter::Birthday;
use super::model::Milestone;
use super::text::fold_accents;

pub mod linkedin;
pub mod merge;
pub mod plan;
pub mod render;
pub mod template;
pub mod vcard;

#[cfg(test)]
mod tests;

/// Where in an input file a contact was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    /// The n-th card of a vCard file, from 1.
    Card(usize),
    /// The n-th data row of a CSV file (after its header), from 1.
    Row(usize),
}

/// Where an incoming contact came from: a file (its position in the files given) and an
/// item in it, which starts on `line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    pub file: usize,
    pub item: Item,
    pub line: usize,
}

/// Where an incoming contact's name came from: a person's name is worth keeping as an alias
/// when two contacts fold into one, an organisation or an address is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Naming {
    /// The person's name (FN, N, or a row's first and last name).
    Person,
    /// No personal name: the organisation (ORG).
    Organisation,
    /// Nothing but an email address.
    Email,
}

/// One contact as an address book gives it, cleaned: single-line values have no control
/// characters and no runs of white space. Lists are kept in their first-seen order, without
/// repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub name: String,
    pub naming: Naming,
    pub aliases: Vec<String>,
    pub company: Option<String>,
    pub role: Option<String>,
    pub location: Option<String>,
    pub linkedin: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub websites: Vec<String>,
    pub birthday: Option<Birthday>,
    pub milestones: Vec<Milestone>,
    pub tags: Vec<String>,
    pub interests: Vec<String>,
    pub uid: Option<String>,
    pub last_contact: Option<Date>,
    /// Free text for the note's body, one paragraph each.
    pub notes: Vec<String>,
    pub source: Source,
}

impl Incoming {
    /// A contact with a name and nothing else yet.
    pub fn named(name: String, naming: Naming, source: Source) -> Incoming {
        Incoming {
            name,
            naming,
            aliases: Vec::new(),
            company: None,
            role: None,
            location: None,
            linkedin: None,
            emails: Vec::new(),
            phones: Vec::new(),
            websites: Vec::new(),
            birthday: None,
            milestones: Vec::new(),
            tags: Vec::new(),
            interests: Vec::new(),
            uid: None,
            last_contact: None,
            notes: Vec::new(),
            source,
        }
    }

    /// Takes in what `other` (the same person, from a later card or row) knows that this one
    /// does not: every list grows, and a single value is kept from the first that has one.
    pub fn absorb(&mut self, other: Incoming) {
        fn first<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        // A person's name wins over an organisation's or an address; a second person's
        // name is an alias.
        let (mut dropped, mut dropped_naming) = (other.name, other.naming);
        if dropped_naming < self.naming {
            std::mem::swap(&mut self.name, &mut dropped);
            std::mem::swap(&mut self.naming, &mut dropped_naming);
        }
        if dropped_naming == Naming::Person && fold_accents(&dropped) != fold_accents(&self.name) {
            push_unique(&mut self.aliases, dropped);
        }
        for alias in other.aliases {
            if fold_accents(&alias) != fold_accents(&self.name) {
                push_unique(&mut self.aliases, alias);
            }
        }
        first(&mut self.company, other.company);
        first(&mut self.role, other.role);
        first(&mut self.location, other.location);
        first(&mut self.linkedin, other.linkedin);
        first(&mut self.birthday, other.birthday);
        first(&mut self.uid, other.uid);
        // The later of two dates of last contact is the one that counts.
        self.last_contact = self.last_contact.max(other.last_contact);
        extend_unique(&mut self.emails, other.emails);
        extend_unique(&mut self.phones, other.phones);
        extend_unique(&mut self.websites, other.websites);
        extend_unique(&mut self.tags, other.tags);
        extend_unique(&mut self.interests, other.interests);
        extend_unique(&mut self.notes, other.notes);
        for m in other.milestones {
            if !self.milestones.contains(&m) {
                self.milestones.push(m);
            }
        }
    }
}

/// Adds `value` unless it is empty or already there (compared case-insensitively).
pub(crate) fn push_unique(list: &mut Vec<String>, value: String) {
    if !value.is_empty()
        && !list
            .iter()
            .any(|v| v.to_lowercase() == value.to_lowercase())
    {
        list.push(value);
    }
}

fn extend_unique(list: &mut Vec<String>, values: Vec<String>) {
    for v in values {
        push_unique(list, v);
    }
}

/// The longest single-line value kept, in characters: more is not a name or an address.
pub const MAX_VALUE_CHARS: usize = 500;

/// A single-line value as a note can hold it: NFC, no control characters (a NUL, an escape,
/// a line break become a space), white space folded, trimmed, at most [`MAX_VALUE_CHARS`].
pub fn clean_line(text: &str) -> String {
    let spaced: String = text
        .nfc()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let folded = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    match folded.char_indices().nth(MAX_VALUE_CHARS) {
        Some((at, _)) => folded[..at].trim_end().to_string(),
        None => folded,
    }
}

/// Free text for a note's body: NFC, line breaks as `\n`, no other control characters but
/// tabs, no trailing spaces, no blank lines at either end.
pub fn clean_block(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = unified
        .nfc()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect();
    let lines: Vec<&str> = cleaned.lines().map(str::trim_end).collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |i| i + 1);
    lines[start..end].join("\n")
}

/// A tag as Obsidian accepts one: letters, digits, `_`, `-` and `/`, other runs of
/// characters as one `-`, and not only digits. `None` when nothing is left.
pub fn clean_tag(text: &str) -> Option<String> {
    let mut tag = String::new();
    for c in clean_line(text).trim_start_matches('#').chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '/') {
            tag.push(c);
        } else if !tag.ends_with('-') {
            tag.push('-');
        }
    }
    let tag = tag.trim_matches(['-', '/']).to_string();
    (!tag.is_empty() && !tag.chars().all(|c| c.is_ascii_digit() || c == '-')).then_some(tag)
}

/// A date as address books write it: `1985-04-15`, `19850415`, with or without a time
/// after it, or without the year as `--0415` or `--04-15`. `None` when it is none of
/// these or not a real day.
pub fn parse_card_date(text: &str) -> Option<Birthday> {
    let t = text.trim();
    let date = t.split(['T', 't', ' ']).next().unwrap_or("");
    let digits: String = date.chars().filter(|c| *c != '-').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year_less = date.starts_with("--");
    let shape_ok = match (year_less, date.len()) {
        (true, 6) => digits.len() == 4, // --0415
        (true, 7) => date.as_bytes()[4] == b'-' && digits.len() == 4, // --04-15
        (false, 8) => digits.len() == 8, // 19850415
        (false, 10) => date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
        _ => false,
    };
    if !shape_ok {
        return None;
    }
    let n = |range: std::ops::Range<usize>| digits.get(range)?.parse::<i16>().ok();
    let (year, month, day) = if year_less {
        (None, n(0..2)?, n(2..4)?)
    } else {
        (Some(n(0..4)?), n(4..6)?, n(6..8)?)
    };
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    // A year of 0 is how some phones write "unknown"; 2000 is a leap year.
    let year = year.filter(|y| *y > 0);
    Date::new(year.unwrap_or(2000), month, day).ok()?;
    Some(Birthday { year, month, day })
}
