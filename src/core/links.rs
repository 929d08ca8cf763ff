//! Link resolution: which contact a link in a note reaches, by path, by file stem, then by
//! `name` or alias, compared case-insensitively and across Unicode normal forms. The model
//! asks and this module answers, from the paths, names and aliases it is given: it must not
//! change a model nor look past those, so that a model built whole and one patched resolve
//! every link the same way.

use std::collections::HashMap;

use super::model::{Contact, Vault};
use super::note::{LinkTarget, stem_of};
use super::text::{fold_key, without_md};

/// Where links go, kept between patches of one model (by `kith watch`): a change that adds
/// no note and removes none moves no link target, so the next [`patch`](super::model::patch)
/// uses these instead of folding every note's path and every contact's name again.
#[derive(Default, Clone)]
pub struct Links(Option<Resolver>);

impl Links {
    /// Where links go in `vault`, whose notes are `notes` (path, is a contact), sorted by path.
    pub fn of(vault: &Vault, notes: &[(&str, bool)]) -> Links {
        Links(Some(resolver_for(vault, notes)))
    }

    /// What a link from the note at `from` reaches, by the same rules the model uses
    /// (nothing when these are not kept).
    pub fn reach(&self, link: &LinkTarget, from: &str) -> Reach {
        self.0
            .as_ref()
            .map_or(Reach::Nothing, |r| r.reach(link, from))
    }

    /// Whether these are kept (else the next patch makes them).
    pub fn is_kept(&self) -> bool {
        self.0.is_some()
    }

    /// Where links go once the notes are `notes` (path, is a contact), sorted by path: these,
    /// unless a note was added or removed (`moved`) or none are kept.
    pub(super) fn after_change(
        &mut self,
        vault: &Vault,
        notes: &[(&str, bool)],
        moved: bool,
    ) -> &Resolver {
        if moved || self.0.is_none() {
            self.0 = Some(resolver_for(vault, notes));
        }
        self.0.get_or_insert_default()
    }
}

/// The resolver for a model whose notes are `notes` (path, is a contact).
fn resolver_for(vault: &Vault, notes: &[(&str, bool)]) -> Resolver {
    Resolver::new(
        notes
            .iter()
            .map(|&(path, contact)| (path, contact.then(|| vault.contact_at(path)).flatten())),
        &vault.contacts,
    )
}

/// What a link reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A contact's note (or a contact by name or alias): its index.
    Contact(usize),
    /// A note that is not a contact.
    Note,
    /// No note: the link is unresolved.
    Nothing,
}

impl From<Option<usize>> for Reach {
    /// A note found: a contact's (its index) or another.
    fn from(contact: Option<usize>) -> Self {
        contact.map_or(Reach::Note, Reach::Contact)
    }
}

/// Which notes a link target may mean.
#[derive(Default, Clone)]
pub(super) struct Resolver {
    /// Folded stem → (contact index or none for other notes), in path order.
    by_stem: HashMap<String, Vec<Option<usize>>>,
    /// Folded path without `.md` → contact index or none.
    by_path: HashMap<String, Option<usize>>,
    /// Folded name or alias → contact indexes, in path order.
    by_name: HashMap<String, Vec<usize>>,
}

impl Resolver {
    /// From every note's path (with its contact index, if it is one) and the contacts.
    pub(super) fn new<'a>(
        notes: impl Iterator<Item = (&'a str, Option<usize>)>,
        contacts: &[Contact],
    ) -> Self {
        let mut r = Resolver::default();
        for (path, contact) in notes {
            r.by_stem
                .entry(fold_key(stem_of(path)))
                .or_default()
                .push(contact);
            r.by_path.insert(fold_key(without_md(path)), contact);
        }
        for (i, c) in contacts.iter().enumerate() {
            for key in name_keys(c) {
                r.by_name.entry(key).or_default().push(i);
            }
        }
        r
    }

    /// Whether more than one note has this (folded) stem.
    pub(super) fn stem_shared(&self, stem: &str) -> bool {
        self.by_stem
            .get(&fold_key(stem))
            .is_some_and(|n| n.len() > 1)
    }

    /// The contact a link from the note at `from` reaches, if any.
    pub(super) fn resolve(&self, link: &LinkTarget, from: &str) -> Option<usize> {
        match self.reach(link, from) {
            Reach::Contact(c) => Some(c),
            Reach::Note | Reach::Nothing => None,
        }
    }

    /// What a link from the note at `from` reaches: a contact, another note, or nothing.
    pub(super) fn reach(&self, link: &LinkTarget, from: &str) -> Reach {
        let target = without_md(link.target.trim());
        if link.markdown {
            let folder = from.rsplit_once('/').map_or("", |(f, _)| f);
            if let Some(joined) = join_relative(folder, target)
                && let Some(hit) = self.by_path.get(&fold_key(&joined))
            {
                return (*hit).into();
            }
            if let Some(hit) = self.by_path.get(&fold_key(target.trim_start_matches('/'))) {
                return (*hit).into();
            }
            if target.contains('/') {
                return Reach::Nothing;
            }
        } else if target.contains('/') {
            let key = fold_key(target.trim_start_matches('/'));
            if let Some(hit) = self.by_path.get(&key) {
                return (*hit).into();
            }
            // Obsidian also accepts a partial path: `Work/Ada` for `People/Work/Ada.md`.
            let suffix = format!("/{key}");
            let mut hits: Vec<&Option<usize>> = self
                .by_path
                .iter()
                .filter(|(path, _)| path.ends_with(&suffix))
                .map(|(_, c)| c)
                .collect();
            hits.sort();
            return hits.first().map_or(Reach::Nothing, |hit| (**hit).into());
        }
        let key = fold_key(target);
        if let Some(notes) = self.by_stem.get(&key) {
            // A note with this stem exists: the link reaches it, contact or not.
            return notes.iter().flatten().next().copied().into();
        }
        self.by_name
            .get(&key)
            .and_then(|c| c.first().copied())
            .map_or(Reach::Nothing, Reach::Contact)
    }
}

/// A contact's name and aliases, folded, sorted, without repeats: the keys links reach it by.
pub(super) fn name_keys(c: &Contact) -> Vec<String> {
    let mut keys: Vec<String> = std::iter::once(&c.name)
        .chain(&c.aliases)
        .map(|k| fold_key(k))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Joins a relative path onto a folder, resolving `.` and `..`; `None` when it leaves the
/// root.
fn join_relative(folder: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        folder.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}
