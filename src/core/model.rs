//! The vault model: contacts with their interactions (own log entries and mentions from other
//! notes), tasks and links, built from every [`ParsedNote`].
//!
//! Where a link goes is [`super::links`]' answer. Pure: no file system, no clock.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use jiff::civil::{Date, Weekday};

use super::cadence::Cadence;
use super::dates::{DateError, parse_date};
use super::frontmatter::{Birthday, RawProperty, Yaml, parse_birthday};
pub use super::links::Links;
use super::links::{Resolver, name_keys};
use super::note::{ContactRules, ParsedNote, stem_of, text_list};
use super::problem::{self, Problem};
use super::tags;
use super::text::{fold_key, without_md};

/// A tier of the config, in priority order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub name: String,
    pub cadence: Cadence,
    /// Warn when more active contacts than this are in the tier.
    pub max: Option<usize>,
}

/// The rules of the config that the core needs: pure data, no paths.
#[derive(Debug, Clone)]
pub struct Rules {
    pub contacts: ContactRules,
    /// Tiers in priority order.
    pub tiers: Vec<Tier>,
    pub default_tier: String,
    pub week_start: Weekday,
    /// Lower case, without `#`.
    pub ask_tags: Vec<String>,
    /// Lower case, without `#`.
    pub give_tags: Vec<String>,
    pub streak: usize,
    pub min_shared: usize,
    pub max_introductions: usize,
}

impl Default for Rules {
    fn default() -> Self {
        let tier = |name: &str, n, unit, max| Tier {
            name: name.to_string(),
            cadence: Cadence::Every { n, unit },
            max,
        };
        use super::cadence::Unit;
        Self {
            contacts: ContactRules {
                folders: vec!["People".to_string()],
                tags: vec!["person".to_string()],
            },
            tiers: vec![
                tier("A", 6, Unit::Week, Some(15)),
                tier("B", 3, Unit::Month, None),
                tier("C", 6, Unit::Month, None),
            ],
            default_tier: "B".to_string(),
            week_start: Weekday::Monday,
            ask_tags: vec!["ask".to_string()],
            give_tags: vec!["give".to_string(), "gave".to_string()],
            streak: 3,
            min_shared: 2,
            max_introductions: 3,
        }
    }
}

impl Rules {
    /// The tier named `name` (case-insensitive).
    pub fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
    }

    /// A tier's priority: its position in the config.
    pub fn tier_rank(&self, name: &str) -> usize {
        self.tiers
            .iter()
            .position(|t| t.name == name)
            .unwrap_or(self.tiers.len())
    }
}

/// Whether kith reminds you of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Active,
    Dormant,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Dormant => "dormant",
            Status::Archived => "archived",
        }
    }
}

/// A yearly anniversary: `YYYY-MM-DD what`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    #[serde(with = "crate::core::dates::serde_date")]
    pub date: Date,
    pub what: String,
}

/// One conversation with a contact: an entry in its own log, or a mention in a dated note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    #[serde(with = "crate::core::dates::serde_date")]
    pub date: Date,
    pub title: String,
    /// Its first line as written (see [`Interaction::summary`]); `None` in a model read
    /// from the cache, which leaves them in the notes: a command shows a handful of a large
    /// vault's, and reads those from their notes when it shows them.
    #[serde(skip)]
    pub first_line: Option<String>,
    /// Where it is written (for a mention, the mentioning note); shared by a note's
    /// interactions.
    pub path: Arc<str>,
    pub line: usize,
    /// Lower case, without `#`.
    pub tags: Vec<String>,
    /// A mention from another note rather than an entry in the contact's own log.
    pub mention: bool,
    /// Where its text is in the file at `path`: byte ranges (the entry; for a mention, the
    /// blocks that link the contact). The search index takes its documents' text from them.
    pub body: Vec<Range<usize>>,
}

impl Interaction {
    /// The first line of its text, plain, at most 160 characters.
    pub fn summary(&self) -> String {
        super::note::summary_text(self.first_line.as_deref().unwrap_or(""))
    }
}

/// A task that belongs to a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactTask {
    /// Where it is written.
    pub path: Arc<str>,
    pub line: usize,
    pub open: bool,
    pub text: String,
    #[serde(with = "crate::core::dates::serde_opt_date")]
    pub due: Option<Date>,
}

/// A contact and everything kith knows of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contact {
    /// Path relative to the root, with `/`: the contact's identity.
    pub path: String,
    pub stem: String,
    pub name: String,
    /// The name folded for sorting (NFC, lower case).
    pub name_key: String,
    pub aliases: Vec<String>,
    pub tier: String,
    pub cadence: Cadence,
    pub status: Status,
    #[serde(with = "crate::core::dates::serde_opt_date")]
    pub last_contact_property: Option<Date>,
    pub birthday: Option<Birthday>,
    pub milestones: Vec<Milestone>,
    #[serde(with = "crate::core::dates::serde_opt_date")]
    pub snooze_until: Option<Date>,
    /// Values of `tags` and `interests`, lower case, without contact tags; sorted.
    pub topics: Vec<String>,
    /// The front-matter as written; `None` in a model read from the cache, which keeps only
    /// the typed properties above (`show` and the search index read the note again).
    #[serde(skip)]
    pub properties: Option<Vec<RawProperty>>,
    /// Sorted by date, then path, then line.
    pub interactions: Vec<Interaction>,
    pub tasks: Vec<ContactTask>,
    /// Indexes of the contacts this contact's note links to.
    pub links_to: BTreeSet<usize>,
    /// The wikilink target that reaches this note: its stem, or its path without `.md`
    /// where another note shares the stem.
    pub link_target: String,
}

impl Contact {
    /// Drops its interactions' first lines from memory (see [`Interaction::first_line`]).
    pub fn forget_first_lines(&mut self) {
        for i in &mut self.interactions {
            i.first_line = None;
        }
    }

    /// The contact as an Obsidian wikilink: `[[stem]]`, `[[stem|Name]]` or
    /// `[[path/stem|Name]]`.
    pub fn wikilink(&self) -> String {
        // A name cannot close the link or start another alias inside it.
        let shown: String = self
            .name
            .chars()
            .map(|c| match c {
                '[' | ']' | '|' => ' ',
                c => c,
            })
            .collect();
        let shown = shown.trim();
        if self.link_target == shown {
            format!("[[{}]]", self.link_target)
        } else {
            format!("[[{}|{}]]", self.link_target, shown)
        }
    }
}

/// The whole vault, as the scheduler sees it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Vault {
    /// Sorted by path.
    pub contacts: Vec<Contact>,
    /// Every problem, sorted.
    pub problems: Vec<Problem>,
    /// How many notes were read.
    pub notes: usize,
    /// Per note (by path), the links that reach no contact, as folded stems: a new contact
    /// with one of these stems or names changes other notes, so [`patch`] cannot add it.
    pub unresolved: BTreeMap<String, Vec<String>>,
}

impl Vault {
    /// Drops every interaction's first line from memory (they are read from the notes for
    /// what is shown).
    pub fn forget_first_lines(&mut self) {
        self.contacts
            .iter_mut()
            .for_each(Contact::forget_first_lines);
    }
}

/// Builds the vault model from every parsed note (in any order).
/// A note's links and its tasks' owners, resolved to contact indexes.
type Resolved = (Vec<Option<usize>>, Vec<Option<usize>>);

/// A parsed note with its contact read, when it is one: the part of building the model
/// that needs no other note, so the shell can run it on every core as notes are parsed.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub note: ParsedNote,
    pub contact: Option<Contact>,
}

/// Reads a note's contact (typed properties, its own log) when it is one.
pub fn prepare(mut note: ParsedNote, rules: &Rules) -> Prepared {
    let contact = note.is_contact.then(|| {
        let mut problems = Vec::new();
        let mut c = read_contact(&mut note, rules, &mut problems);
        note.problems.append(&mut problems);
        c.interactions
            .sort_by(|a, b| (a.date, &a.path, a.line).cmp(&(b.date, &b.path, b.line)));
        // Its interactions and properties now live in the contact.
        note.entries = Vec::new();
        c
    });
    Prepared { note, contact }
}

/// Builds the vault model from every parsed note (in any order).
pub fn build(notes: Vec<ParsedNote>, rules: &Rules) -> Vault {
    build_prepared(notes.into_iter().map(|n| prepare(n, rules)).collect())
}

/// Builds the vault model from prepared notes (in any order): resolves links, mentions and
/// tasks across notes.
pub fn build_prepared(prepared: Vec<Prepared>) -> Vault {
    // Sort by path through indexes: the notes are large, and moving them is costly.
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    order.sort_unstable_by(|&a, &b| prepared[a].note.path.cmp(&prepared[b].note.path));
    let mut slots: Vec<Option<Prepared>> = prepared.into_iter().map(Some).collect();
    let mut problems: Vec<Problem> = Vec::new();
    let mut contacts = Vec::new();
    let mut contact_of_note = Vec::with_capacity(slots.len());
    let mut notes = Vec::with_capacity(slots.len());
    for Prepared { mut note, contact } in order.into_iter().filter_map(|i| slots[i].take()) {
        problems.append(&mut note.problems);
        match contact {
            Some(c) => {
                contact_of_note.push(Some(contacts.len()));
                contacts.push(c);
            }
            None => contact_of_note.push(None),
        }
        notes.push(note);
    }

    let resolver = Resolver::new(
        notes
            .iter()
            .map(|n| n.path.as_str())
            .zip(contact_of_note.iter().copied()),
        &contacts,
    );
    // Link targets: the stem, or the path where another note shares the stem.
    for c in &mut contacts {
        if resolver.stem_shared(&c.stem) {
            c.link_target = without_md(&c.path).to_string();
        }
    }
    // Resolving is read-only, so every note's links and task owners are resolved on all
    // cores first; the model is then updated in path order.
    let resolved: Vec<Resolved> = notes
        .par_iter()
        .map(|note| resolve_note(note, &resolver))
        .collect();
    let mut touched = vec![false; contacts.len()];
    let mut unresolved = BTreeMap::new();
    for ((note, own), resolved) in notes.iter().zip(&contact_of_note).zip(&resolved) {
        let keys = apply_note(
            note,
            *own,
            resolved,
            &mut contacts,
            &mut touched,
            &mut problems,
        );
        if !keys.is_empty() {
            unresolved.insert(note.path.clone(), keys);
        }
    }
    for (c, touched) in contacts.iter_mut().zip(touched) {
        if touched {
            sort_contact(c);
        }
    }
    problem::sort(&mut problems);
    Vault {
        contacts,
        problems,
        notes: notes.len(),
        unresolved,
    }
}

/// Why [`patch`] cannot update a model: the change may move links in notes it did not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// This contact was removed, or its name or aliases changed.
    ContactRenamed(String),
    /// Removing this note moves links (its stem is a contact's name, or another note's).
    RemovalMovesLinks(String),
    /// This note became or stopped being a contact.
    ContactMadeOrUnmade(String),
    /// This new note's stem or names are taken, or links elsewhere may name it.
    NewNoteMovesLinks(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::ContactRenamed(p) => write!(f, "contact {p} was removed or renamed"),
            Refused::RemovalMovesLinks(p) => write!(f, "removing {p} changes where links go"),
            Refused::ContactMadeOrUnmade(p) => write!(f, "{p} became or stopped being a contact"),
            Refused::NewNoteMovesLinks(p) => write!(f, "new note {p} may change where links go"),
        }
    }
}

/// A change to patch into a model: which notes' contributions go, and which notes were read.
pub struct Change<'a> {
    /// Paths whose old contributions go: notes removed, changed, or no longer readable.
    pub gone: &'a [&'a str],
    /// Notes read again or for the first time (a subset of the notes after the change).
    pub read: Vec<Prepared>,
    /// Every note before the change: (path, is a contact), sorted by path.
    pub before: &'a [(&'a str, bool)],
    /// Every note after the change, sorted by path.
    pub after: &'a [(&'a str, bool)],
}

/// Updates a model built by [`build_prepared`] (perhaps read back from a cache) for changed
/// notes, without the notes that did not change. `links` are where links went before the
/// change ([`Links::of`], or empty) and where they go after it on success.
///
/// The result is the model [`build_prepared`] would give for the notes after the change,
/// provided no link in an unread note resolves differently. When that cannot be ruled out —
/// a contact removed, renamed, or made or unmade; a new note whose stem or names another note
/// already uses, or which links elsewhere may name; a removed note whose stem shadowed a
/// name — `vault` is left as it was and the reason returned: build the model whole.
pub fn patch(vault: &mut Vault, change: Change<'_>, links: &mut Links) -> Result<(), Refused> {
    let Change {
        gone,
        read,
        before,
        after,
    } = change;
    let gone_set: HashSet<&str> = gone.iter().copied().collect();
    let contact_at = |contacts: &[Contact], path: &str| {
        contacts
            .binary_search_by(|c| c.path.as_str().cmp(path))
            .ok()
    };
    // (Both lists are sorted by path.)
    let was = |path: &str| {
        before
            .binary_search_by(|(p, _)| (*p).cmp(path))
            .ok()
            .map(|i| before[i].1)
    };
    // Only a note added or removed needs these (an edit moves no stem and no name).
    let moves = before.len() != after.len()
        || gone.iter().any(|p| was(p).is_none())
        || read.iter().any(|p| was(&p.note.path).is_none());
    let stems = |notes: &[(&str, bool)]| {
        let mut counts: HashMap<String, usize> = HashMap::new();
        if moves {
            for (path, _) in notes {
                *counts.entry(fold_key(stem_of(path))).or_default() += 1;
            }
        }
        counts
    };
    let (stems_before, stems_after) = (stems(before), stems(after));
    let names: HashSet<String> = if moves {
        vault.contacts.iter().flat_map(name_keys).collect()
    } else {
        HashSet::new()
    };
    let unresolved: HashSet<&str> = vault
        .unresolved
        .iter()
        .filter(|(path, _)| moves && !gone_set.contains(path.as_str()))
        .flat_map(|(_, keys)| keys.iter().map(String::as_str))
        .collect();

    // What may be patched.
    let read_at: HashMap<&str, &Prepared> =
        read.iter().map(|p| (p.note.path.as_str(), p)).collect();
    for &path in gone {
        if was(path) == Some(true) {
            let same = match (
                read_at.get(path).and_then(|p| p.contact.as_ref()),
                contact_at(&vault.contacts, path),
            ) {
                // Exactly: other notes' search documents carry the name as written.
                (Some(new), Some(ci)) => {
                    let old = &vault.contacts[ci];
                    new.name == old.name && new.aliases == old.aliases
                }
                _ => false,
            };
            if !same {
                return Err(Refused::ContactRenamed(path.to_string()));
            }
        } else if !read_at.contains_key(path) && was(path).is_some() {
            let key = fold_key(stem_of(path));
            if names.contains(&key) || stems_before.get(&key).is_some_and(|&n| n > 1) {
                return Err(Refused::RemovalMovesLinks(path.to_string()));
            }
        }
    }
    for p in &read {
        let path = p.note.path.as_str();
        match was(path) {
            Some(contact) if contact != p.contact.is_some() => {
                return Err(Refused::ContactMadeOrUnmade(path.to_string()));
            }
            Some(_) => {}
            None => {
                let stem = fold_key(stem_of(path));
                let mut keys = vec![stem.clone()];
                if let Some(c) = &p.contact {
                    keys.extend(name_keys(c));
                }
                let taken = stems_after.get(&stem).is_some_and(|&n| n > 1)
                    || keys.iter().any(|k| {
                        names.contains(k)
                            || (k != &stem && stems_after.contains_key(k))
                            || (p.contact.is_some() && unresolved.contains(k.as_str()))
                    });
                if taken {
                    return Err(Refused::NewNoteMovesLinks(path.to_string()));
                }
            }
        }
    }

    // Take out what the gone notes said. A contact's note says things of its contact only
    // (mentions and given tasks come from other notes), so when only contacts' notes go,
    // only those contacts are looked at.
    let only_own = gone.iter().all(|p| was(p) == Some(true));
    for c in vault
        .contacts
        .iter_mut()
        .filter(|c| !only_own || gone_set.contains(c.path.as_str()))
    {
        c.interactions
            .retain(|i| !(i.mention && gone_set.contains(&*i.path)));
        c.tasks.retain(|t| !gone_set.contains(&*t.path));
    }
    vault
        .problems
        .retain(|p| !gone_set.contains(p.path.as_str()));
    vault
        .unresolved
        .retain(|path, _| !gone_set.contains(path.as_str()));

    // Contacts read again replace their old selves (keeping what other notes say of them);
    // new ones go in at their place, moving the indexes after them.
    let mut read = read;
    read.sort_by(|a, b| a.note.path.cmp(&b.note.path));
    let mut notes = Vec::with_capacity(read.len());
    for Prepared { note, contact } in read {
        if let Some(mut new) = contact {
            match contact_at(&vault.contacts, &note.path) {
                Some(ci) => {
                    let old = &mut vault.contacts[ci];
                    new.interactions
                        .extend(old.interactions.drain(..).filter(|i| i.mention));
                    new.tasks = std::mem::take(&mut old.tasks);
                    *old = new;
                }
                None => {
                    let at = vault
                        .contacts
                        .partition_point(|c| c.path.as_str() < note.path.as_str());
                    for c in &mut vault.contacts {
                        if c.links_to.range(at..).next().is_some() {
                            c.links_to = c
                                .links_to
                                .iter()
                                .map(|&l| if l >= at { l + 1 } else { l })
                                .collect();
                        }
                    }
                    vault.contacts.insert(at, new);
                }
            }
        }
        notes.push(note);
    }

    let resolver = links.after_change(vault, after, moves);
    let mut touched = vec![false; vault.contacts.len()];
    let mut problems = Vec::new();
    for mut note in notes {
        let own = contact_at(&vault.contacts, &note.path);
        if let Some(ci) = own {
            let c = &mut vault.contacts[ci];
            c.link_target = if resolver.stem_shared(&c.stem) {
                without_md(&c.path).to_string()
            } else {
                c.stem.clone()
            };
        }
        problems.append(&mut note.problems);
        let resolved = resolve_note(&note, resolver);
        let keys = apply_note(
            &note,
            own,
            &resolved,
            &mut vault.contacts,
            &mut touched,
            &mut problems,
        );
        if !keys.is_empty() {
            vault.unresolved.insert(note.path.clone(), keys);
        }
    }
    for (c, touched) in vault.contacts.iter_mut().zip(touched) {
        if touched {
            sort_contact(c);
        }
    }
    vault.problems.append(&mut problems);
    problem::sort(&mut vault.problems);
    vault.notes = after.len();
    Ok(())
}

/// A note's links and its tasks' owners, resolved to contact indexes.
fn resolve_note(note: &ParsedNote, resolver: &Resolver) -> Resolved {
    let links = note
        .links
        .iter()
        .map(|l| resolver.resolve(&l.target, &note.path))
        .collect();
    let owners = note
        .tasks
        .iter()
        .map(|t| t.links.iter().find_map(|l| resolver.resolve(l, &note.path)))
        .collect();
    (links, owners)
}

/// Adds what one note says of contacts: its contact's links and tasks, or its mentions and
/// the tasks it gives to contacts. Marks the contacts whose lists must be sorted again, and
/// returns the folded stems of the links that reach no contact.
fn apply_note(
    note: &ParsedNote,
    own: Option<usize>,
    (links, owners): &Resolved,
    contacts: &mut [Contact],
    touched: &mut [bool],
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    let path: Arc<str> = Arc::from(note.path.as_str());
    match own {
        Some(ci) => {
            contacts[ci].links_to = links
                .iter()
                .flatten()
                .copied()
                .filter(|c| *c != ci)
                .collect();
            for task in &note.tasks {
                add_task(&mut contacts[ci], note, &path, task, problems);
            }
            touched[ci] = true;
        }
        None => {
            add_mentions(note, &path, links, contacts, touched);
            for (task, owner) in note.tasks.iter().zip(owners) {
                if let Some(ci) = *owner {
                    add_task(&mut contacts[ci], note, &path, task, problems);
                    touched[ci] = true;
                }
            }
        }
    }
    // (A task's links are among the note's links.)
    let mut keys: Vec<String> = note
        .links
        .iter()
        .zip(links)
        .filter(|(_, c)| c.is_none())
        .map(|(l, _)| fold_key(stem_of(l.target.target.trim())))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Puts a contact's interactions and tasks back in order.
fn sort_contact(c: &mut Contact) {
    c.interactions
        .sort_by(|a, b| (a.date, &a.path, a.line).cmp(&(b.date, &b.path, b.line)));

    c.tasks
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
}

fn add_task(
    contact: &mut Contact,
    note: &ParsedNote,
    path: &Arc<str>,
    task: &super::note::Task,
    problems: &mut Vec<Problem>,
) {
    if let Some(bad) = &task.bad_due {
        problems.push(Problem::warning(
            &note.path,
            Some(task.line),
            format!("task due date `{bad}` is not a real date; the task has no due date"),
        ));
    }
    contact.tasks.push(ContactTask {
        path: Arc::clone(path),
        line: task.line,
        open: task.open,
        text: task.text.clone(),
        due: task.due,
    });
}

/// Mentions: in a note that is not a contact, all links to one contact within one dated
/// scope are one interaction.
fn add_mentions(
    note: &ParsedNote,
    path: &Arc<str>,
    resolved: &[Option<usize>],
    contacts: &mut [Contact],
    touched: &mut [bool],
) {
    // (contact, scope) → blocks in order of first appearance, and the first link's line.
    let mut groups: BTreeMap<(usize, Option<usize>), (Vec<usize>, usize)> = BTreeMap::new();
    let mut order: Vec<(usize, Option<usize>)> = Vec::new();
    for (link, ci) in note.links.iter().zip(resolved) {
        let Some(ci) = *ci else {
            continue;
        };
        let dated = match link.scope {
            Some(_) => true,
            None => note.note_date.is_some(),
        };
        if !dated {
            continue;
        }
        let key = (ci, link.scope);
        let group = groups.entry(key).or_insert_with(|| {
            order.push(key);
            (Vec::new(), link.line)
        });
        if let Some(b) = link.block
            && !group.0.contains(&b)
        {
            group.0.push(b);
        }
    }
    for key in order {
        let (blocks, link_line) = &groups[&key];
        let (ci, scope) = key;
        let (date, title, mut tags) = match scope.map(|s| &note.scopes[s]) {
            Some(s) => (
                s.date,
                if s.title.is_empty() {
                    note.stem.clone()
                } else {
                    s.title.clone()
                },
                s.tags.clone(),
            ),
            None => match note.note_date {
                Some(d) => (d, note.stem.clone(), Vec::new()),
                None => continue,
            },
        };
        let mut texts = Vec::new();
        for &b in blocks {
            let block = &note.blocks[b];
            texts.push(block.text.as_str());
            tags.extend(block.tags.iter().cloned());
        }
        let mut tags: Vec<String> = tags.iter().map(|t| tags::normalize(t)).collect();
        tags.sort();
        tags.dedup();
        let line = blocks.first().map_or(*link_line, |&b| note.blocks[b].line);
        let body = blocks
            .iter()
            .map(|&b| note.blocks[b].range.clone())
            .collect();
        let summary = texts.first().map(|t| t.to_string()).unwrap_or_default();
        touched[ci] = true;
        contacts[ci].interactions.push(Interaction {
            date,
            title,
            first_line: Some(summary),
            path: Arc::clone(path),
            line,
            tags,
            mention: true,
            body,
        });
    }
}

/// Reads a contact's typed properties, reporting wrong values as warnings.
fn read_contact(note: &mut ParsedNote, rules: &Rules, problems: &mut Vec<Problem>) -> Contact {
    let note_path = note.path.clone();
    let mut warn = |line: usize, message: String| {
        problems.push(Problem::warning(&note_path, Some(line), message));
    };
    let text_prop = |key: &str, warn: &mut dyn FnMut(usize, String)| -> Option<String> {
        let p = note.property(key)?;
        match &p.value {
            Yaml::Null => None,
            v => match v.as_text() {
                Some(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
                Some(_) => None,
                None => {
                    warn(
                        p.line,
                        format!("property `{key}` should be text, not {}", v.kind()),
                    );
                    None
                }
            },
        }
    };
    let date_prop = |key: &str, warn: &mut dyn FnMut(usize, String)| -> Option<Date> {
        let p = note.property(key)?;
        if p.value == Yaml::Null {
            return None;
        }
        let Some(t) = p.value.as_text() else {
            warn(
                p.line,
                format!(
                    "property `{key}` should be a date (YYYY-MM-DD), not {}",
                    p.value.kind()
                ),
            );
            return None;
        };
        match parse_date(&t) {
            Ok(d) => Some(d),
            Err(DateError::Impossible) => {
                warn(
                    p.line,
                    format!("property `{key}`: `{}` is not a real date", t.trim()),
                );
                None
            }
            Err(DateError::NotADate) => {
                warn(
                    p.line,
                    format!(
                        "property `{key}`: `{}` is not a date (YYYY-MM-DD)",
                        t.trim()
                    ),
                );
                None
            }
        }
    };

    let name = text_prop("name", &mut warn).unwrap_or_else(|| note.stem.clone());
    let aliases = match note.property("aliases").or_else(|| note.property("alias")) {
        Some(p) => match &p.value {
            Yaml::Null => Vec::new(),
            Yaml::Seq(_) => text_list(&p.value, false),
            v => match v.as_text() {
                Some(t) if !t.trim().is_empty() => vec![t.trim().to_string()],
                Some(_) => Vec::new(),
                None => {
                    warn(
                        p.line,
                        format!(
                            "property `aliases` should be a list of text, not {}",
                            v.kind()
                        ),
                    );
                    Vec::new()
                }
            },
        },
        None => Vec::new(),
    };

    let default_tier = rules
        .tier(&rules.default_tier)
        .map_or_else(|| rules.default_tier.clone(), |t| t.name.clone());
    let tier = match text_prop("tier", &mut warn) {
        Some(t) => match rules.tier(&t) {
            Some(tier) => tier.name.clone(),
            None => {
                let line = note.property("tier").map_or(1, |p| p.line);
                let known: Vec<&str> = rules.tiers.iter().map(|t| t.name.as_str()).collect();
                warn(
                    line,
                    format!(
                        "unknown tier `{t}` (the config has {}); using `{default_tier}`",
                        known.join(", ")
                    ),
                );
                default_tier.clone()
            }
        },
        None => default_tier.clone(),
    };
    let tier_cadence = rules.tier(&tier).map_or(Cadence::Never, |t| t.cadence);
    let cadence = match text_prop("cadence", &mut warn) {
        Some(t) => match Cadence::parse(&t) {
            Ok(c) => c,
            Err(e) => {
                let line = note.property("cadence").map_or(1, |p| p.line);
                warn(
                    line,
                    format!("property `cadence`: {e}; using the tier's {tier_cadence}"),
                );
                tier_cadence
            }
        },
        None => tier_cadence,
    };
    let status = match text_prop("status", &mut warn) {
        Some(t) => match t.to_lowercase().as_str() {
            "active" => Status::Active,
            "dormant" => Status::Dormant,
            "archived" => Status::Archived,
            _ => {
                let line = note.property("status").map_or(1, |p| p.line);
                warn(
                    line,
                    format!(
                        "property `status`: `{t}` is not active, dormant or archived; using active"
                    ),
                );
                Status::Active
            }
        },
        None => Status::Active,
    };
    let last_contact_property = date_prop("last_contact", &mut warn);
    let snooze_until = date_prop("snooze_until", &mut warn);
    let birthday = match note.property("birthday") {
        Some(p) if p.value != Yaml::Null => match p.value.as_text() {
            Some(t) => match parse_birthday(&t) {
                Ok(b) => Some(b),
                Err(e) => {
                    warn(p.line, format!("property `birthday`: {e}"));
                    None
                }
            },
            None => {
                warn(
                    p.line,
                    format!(
                        "property `birthday` should be a date, not {}",
                        p.value.kind()
                    ),
                );
                None
            }
        },
        _ => None,
    };
    let mut milestones = Vec::new();
    if let Some(p) = note.property("milestones") {
        let items: Vec<Option<String>> = match &p.value {
            Yaml::Null => Vec::new(),
            Yaml::Seq(items) => items.iter().map(Yaml::as_text).collect(),
            v => vec![v.as_text()],
        };
        for item in items {
            let Some(item) = item else {
                warn(
                    p.line,
                    "property `milestones`: each milestone should be text `YYYY-MM-DD what`"
                        .to_string(),
                );
                continue;
            };
            let item = item.trim();
            let (date_text, what) = match item.split_once(char::is_whitespace) {
                Some((d, w)) => (d, w.trim()),
                None => (item, ""),
            };
            match parse_date(date_text) {
                Ok(date) => milestones.push(Milestone {
                    date,
                    what: if what.is_empty() {
                        "milestone".to_string()
                    } else {
                        what.to_string()
                    },
                }),
                Err(_) => warn(
                    p.line,
                    format!(
                        "property `milestones`: `{item}` does not start with a real date (YYYY-MM-DD what)"
                    ),
                ),
            }
        }
    }
    for key in ["company", "role", "email", "phone", "location", "linkedin"] {
        let _ = text_prop(key, &mut warn);
    }
    let mut topics: Vec<String> = Vec::new();
    for key in ["tags", "interests"] {
        if let Some(p) = note.property(key) {
            match &p.value {
                Yaml::Null => {}
                Yaml::Seq(_) | Yaml::Str(_) => {
                    topics.extend(
                        text_list(&p.value, key == "tags")
                            .iter()
                            .map(|t| tags::normalize(t)),
                    );
                }
                v => warn(
                    p.line,
                    format!(
                        "property `{key}` should be a list of text, not {}",
                        v.kind()
                    ),
                ),
            }
        }
    }
    topics.retain(|t| !t.is_empty() && !rules.contacts.tags.contains(t));
    topics.sort();
    topics.dedup();

    let path: Arc<str> = Arc::from(note.path.as_str());
    let interactions = note
        .entries
        .iter_mut()
        .map(|e| Interaction {
            date: e.date,
            title: std::mem::take(&mut e.title),
            first_line: Some(std::mem::take(&mut e.summary_raw)),
            path: Arc::clone(&path),
            line: e.line,
            tags: if e.tags.is_empty() {
                Vec::new()
            } else {
                let mut t: Vec<String> = e.tags.iter().map(|t| tags::normalize(t)).collect();
                t.sort();
                t.dedup();
                t
            },
            mention: false,
            body: vec![e.range.clone()],
        })
        .collect();

    Contact {
        path: note.path.clone(),
        stem: note.stem.clone(),
        link_target: note.stem.clone(),
        name_key: fold_key(&name),
        name,
        aliases,
        tier,
        cadence,
        status,
        last_contact_property,
        birthday,
        milestones,
        snooze_until,
        topics,
        properties: Some(std::mem::take(&mut note.properties)),
        interactions,
        tasks: Vec::new(),
        links_to: BTreeSet::new(),
    }
}

/// The result of looking a contact up by NAME.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    One(usize),
    None,
    /// Several contacts match: their indexes, by name.
    Many(Vec<usize>),
}

/// Finds a contact by name, alias or stem (or path without `.md`), case-insensitively; an
/// exact match wins, else a unique prefix.
pub fn find(vault: &Vault, query: &str) -> Found {
    let q = fold_key(without_md(query.trim()));
    if q.is_empty() {
        return Found::None;
    }
    let keys = |c: &Contact| -> Vec<String> {
        let mut k: Vec<String> = [&c.name, &c.stem]
            .into_iter()
            .chain(&c.aliases)
            .map(|s| fold_key(s))
            .collect();
        k.push(fold_key(without_md(&c.path)));
        k
    };
    let pick = |matches: Vec<usize>| -> Found {
        match matches.len() {
            0 => Found::None,
            1 => Found::One(matches[0]),
            _ => {
                let mut m = matches;
                m.sort_by(|&a, &b| {
                    super::schedule::by_name(&vault.contacts[a], &vault.contacts[b])
                });
                Found::Many(m)
            }
        }
    };
    let exact: Vec<usize> = (0..vault.contacts.len())
        .filter(|&i| keys(&vault.contacts[i]).contains(&q))
        .collect();
    if !exact.is_empty() {
        return pick(exact);
    }
    pick(
        (0..vault.contacts.len())
            .filter(|&i| keys(&vault.contacts[i]).iter().any(|k| k.starts_with(&q)))
            .collect(),
    )
}

#[cfg(test)]
mod tests;
