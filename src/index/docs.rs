//! From the vault model and a note's text to the index's documents, and the fingerprint of
//! those documents: a file's documents are rewritten only when its fingerprint changes (its
//! text, or what links resolve to: a contact renamed changes the mentions of it elsewhere).

use std::collections::HashMap;
use std::ops::Range;

use jiff::civil::Date;
use tantivy::TantivyDocument;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::schema::{Fields, KIND_CONTACT, KIND_INTERACTION};
use crate::core::frontmatter::{self, Split};
use crate::core::model::{Contact, Vault};
use crate::core::note::plain_block;
use crate::core::text::strip_bom;

/// Properties that are not free text about the person: left out of `properties`.
const STRUCTURAL: &[&str] = &[
    "name",
    "aliases",
    "alias",
    "tags",
    "interests",
    "tier",
    "cadence",
    "status",
    "last_contact",
    "snooze_until",
    "birthday",
    "milestones",
    "generated_by",
];

/// The key a contact's documents are grouped by in `kith who`.
pub fn contact_key(path: &str) -> u64 {
    xxh3_64(path.as_bytes())
}

/// A date as a tantivy date (midnight UTC). Tantivy counts nanoseconds in an `i64`, which
/// reaches only the years 1678 to 2261: dates outside are clamped to that range.
pub fn to_tantivy(date: Date) -> tantivy::DateTime {
    const LIMIT: i64 = 106_000; // days either side of 1970 (about 290 years)
    let days = date
        .since((jiff::Unit::Day, Date::constant(1970, 1, 1)))
        .map_or(0, |s| i64::from(s.get_days()))
        .clamp(-LIMIT, LIMIT);
    tantivy::DateTime::from_timestamp_secs(days * 86_400)
}

/// A tantivy date back to a civil date.
pub fn from_tantivy(dt: tantivy::DateTime) -> Option<Date> {
    let days = dt.into_timestamp_secs().div_euclid(86_400);
    crate::core::dates::add_days(Date::constant(1970, 1, 1), days).into()
}

/// Which documents each file makes, from the model.
pub struct Sources<'a> {
    vault: &'a Vault,
    /// Path → (contact, interaction) written there.
    interactions: HashMap<&'a str, Vec<(usize, usize)>>,
    /// Path → the contact whose note it is.
    contacts: HashMap<&'a str, usize>,
}

impl<'a> Sources<'a> {
    pub fn new(vault: &'a Vault) -> Self {
        Self::of(vault, |_| true)
    }

    /// The sources of the files at `paths` only (quicker when a few notes changed).
    pub fn only(vault: &'a Vault, paths: &std::collections::HashSet<&str>) -> Self {
        Self::of(vault, |p| paths.contains(p))
    }

    fn of(vault: &'a Vault, wanted: impl Fn(&str) -> bool) -> Self {
        let mut interactions: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        let mut contacts = HashMap::new();
        for (ci, c) in vault.contacts.iter().enumerate() {
            if wanted(&c.path) {
                contacts.insert(c.path.as_str(), ci);
            }
            for (ii, i) in c.interactions.iter().enumerate() {
                if wanted(&i.path) {
                    interactions.entry(&*i.path).or_default().push((ci, ii));
                }
            }
        }
        Self {
            vault,
            interactions,
            contacts,
        }
    }

    /// Whether the file makes any document.
    pub fn has_docs(&self, rel: &str) -> bool {
        self.contacts.contains_key(rel) || self.interactions.contains_key(rel)
    }

    /// A fingerprint of the documents made from the file at `rel` whose text hashes to
    /// `hash`; 0 when it makes none.
    pub fn fingerprint(&self, rel: &str, hash: u64) -> u64 {
        if !self.has_docs(rel) {
            return 0;
        }
        let mut h = Xxh3::new();
        h.update(&hash.to_le_bytes());
        let names = |c: &Contact, h: &mut Xxh3| {
            h.update(c.path.as_bytes());
            h.update(&[0]);
            h.update(c.name.as_bytes());
            for a in &c.aliases {
                h.update(&[1]);
                h.update(a.as_bytes());
            }
            h.update(&[2]);
        };
        if let Some(&ci) = self.contacts.get(rel) {
            names(&self.vault.contacts[ci], &mut h);
        }
        for &(ci, ii) in self.interactions.get(rel).into_iter().flatten() {
            let c = &self.vault.contacts[ci];
            let i = &c.interactions[ii];
            names(c, &mut h);
            h.update(&(i.line as u64).to_le_bytes());
            h.update(&crate::core::dates::serde_date::pack(i.date).to_le_bytes());
            h.update(i.title.as_bytes());
            for t in &i.tags {
                h.update(&[3]);
                h.update(t.as_bytes());
            }
            for r in &i.body {
                h.update(&(r.start as u64).to_le_bytes());
                h.update(&(r.end as u64).to_le_bytes());
            }
        }
        h.digest().max(1)
    }

    /// Every document made from the file at `rel`, whose text is `text`.
    pub fn documents(&self, rel: &str, text: &str, f: &Fields) -> Vec<TantivyDocument> {
        let (text, _) = strip_bom(text);
        let mut docs = Vec::new();
        if let Some(&ci) = self.contacts.get(rel) {
            docs.push(contact_doc(&self.vault.contacts[ci], text, f));
        }
        for &(ci, ii) in self.interactions.get(rel).into_iter().flatten() {
            let c = &self.vault.contacts[ci];
            let i = &c.interactions[ii];
            let mut d = TantivyDocument::new();
            d.add_text(f.kind, KIND_INTERACTION);
            d.add_text(f.path, rel);
            add_contact(&mut d, c, f);
            d.add_u64(f.line, i.line as u64);
            d.add_date(f.date, to_tantivy(i.date));
            d.add_text(f.title, &i.title);
            let body = join(text, &i.body);
            d.add_text(f.body, after_date_and_title(&body, i.date, &i.title));
            for t in &i.tags {
                d.add_text(f.tag, t);
            }
            docs.push(d);
        }
        docs
    }
}

fn add_contact(d: &mut TantivyDocument, c: &Contact, f: &Fields) {
    d.add_text(f.contact_path, &c.path);
    d.add_u64(f.contact_key, contact_key(&c.path));
    d.add_text(f.contact, &c.name);
    for a in &c.aliases {
        d.add_text(f.contact, a);
    }
}

/// The text of some byte ranges of `text` as plain text (what is searched and shown in
/// snippets: no `[[ ]]`, `###` or `- [ ]`), joined by a blank line; ranges that do not fit
/// the text (it changed since it was parsed) are left out.
fn join(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::new();
    for r in ranges {
        if let Some(part) = text.get(r.clone()) {
            let plain = plain_block(part);
            if plain.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&plain);
        }
    }
    out
}

/// A conversation's text without the date and title it opens with (`2026-07-10 coffee: In
/// Berlin…` is `In Berlin…`): they are shown, and searched, on their own.
fn after_date_and_title<'a>(body: &'a str, date: Date, title: &str) -> &'a str {
    let date = crate::core::dates::ymd(date);
    let Some(rest) = body.strip_prefix(date.as_str()) else {
        return body;
    };
    let (first, more) = rest.split_once('\n').unwrap_or((rest, ""));
    let first = first.trim_start_matches([' ', '-', '–', '—', '·', ':', '|', ',']);
    match first.strip_prefix(title).map(str::trim_start) {
        Some(said) if said.starts_with(':') && !said[1..].trim().is_empty() => {
            // Where the text after the title's colon begins, in `rest`.
            let at = said.as_ptr() as usize - rest.as_ptr() as usize + 1;
            rest[at..].trim_start()
        }
        // The first line is only the title: the text is what follows.
        Some(said) if said.is_empty() || said.starts_with(':') => more,
        _ => body,
    }
}

fn contact_doc(c: &Contact, text: &str, f: &Fields) -> TantivyDocument {
    let read;
    let properties = match &c.properties {
        Some(p) => p,
        // A model from the cache keeps no properties: read them from the text.
        None => {
            read = frontmatter::properties_of(text);
            &read
        }
    };
    let mut d = TantivyDocument::new();
    d.add_text(f.kind, KIND_CONTACT);
    d.add_text(f.path, &c.path);
    add_contact(&mut d, c, f);
    d.add_u64(f.line, 1);
    d.add_text(f.title, &c.name);
    for p in properties {
        let key = p.key.to_lowercase();
        let mut values = Vec::new();
        p.value.flatten_text(&mut values);
        match key.as_str() {
            "tags" => {
                for v in values {
                    for t in v.split_whitespace() {
                        d.add_text(f.tag, crate::core::tags::normalize(t));
                    }
                }
            }
            "interests" => values.iter().for_each(|v| d.add_text(f.interests, v)),
            k if STRUCTURAL.contains(&k) => {}
            _ => values
                .iter()
                .for_each(|v| d.add_text(f.properties, format!("{}: {v}", p.key))),
        }
    }
    // The text outside the front-matter and outside the contact's own log entries.
    let start = match frontmatter::split(text) {
        Split::Closed { body_offset, .. } => body_offset,
        _ => 0,
    };
    let mut own: Vec<Range<usize>> = c
        .interactions
        .iter()
        .filter(|i| !i.mention)
        .flat_map(|i| i.body.iter().cloned())
        .collect();
    own.sort_by_key(|r| r.start);
    let mut gaps = Vec::new();
    let mut pos = start;
    for r in own {
        if r.start > pos {
            gaps.push(pos..r.start);
        }
        pos = pos.max(r.end);
    }
    if pos < text.len() {
        gaps.push(pos..text.len());
    }
    d.add_text(f.body, join(text, &gaps));
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversation_text_leaves_out_its_date_and_title() {
        let day = Date::constant(2026, 7, 10);
        for (body, title, text) in [
            (
                "2026-07-10 coffee: In Berlin.\nMore.",
                "coffee",
                "In Berlin.\nMore.",
            ),
            ("2026-07-10 — walk: Rain.", "walk", "Rain."),
            (
                "2026-07-10 Call: seed #ask\nAsked about it.",
                "Call: seed #ask",
                "Asked about it.",
            ),
            ("2026-07-10 call\nNext line.", "call", "Next line."),
            (
                "2026-07-10\nA daily heading's text.",
                "",
                "A daily heading's text.",
            ),
            // Not a conversation's own opening: kept whole.
            ("Lunch with Rob.", "lunch", "Lunch with Rob."),
            ("2026-07-11 coffee: x", "coffee", "2026-07-11 coffee: x"),
            (
                "2026-07-10 coffee with Ann: notes",
                "coffee",
                "2026-07-10 coffee with Ann: notes",
            ),
        ] {
            assert_eq!(after_date_and_title(body, day, title), text, "{body}");
        }
    }
}
