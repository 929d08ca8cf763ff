//! Patching a model for changed notes: what the gone notes said is taken out and what the
//! notes read again say is put in, without reading the notes that did not change. A patch
//! must give exactly the model a whole build would, so it must not guess: when a change may
//! move a link in a note it does not read, it refuses and leaves the model as it was, and the
//! caller builds the model whole.

use std::collections::{HashMap, HashSet};

use super::Vault;
use super::build::{Prepared, apply_note, resolve_note, sort_contact};
use crate::core::links::{Links, Resolver, name_keys};
use crate::core::note::{ParsedNote, stem_of};
use crate::core::problem;
use crate::core::text::{fold_key, without_md};

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
///
/// [`build_prepared`]: super::build_prepared
pub fn patch(vault: &mut Vault, change: Change<'_>, links: &mut Links) -> Result<(), Refused> {
    let gone_set: HashSet<&str> = change.gone.iter().copied().collect();
    let moves = change.moves();
    check(vault, &change, &gone_set, moves)?;
    take_out(vault, &change, &gone_set);
    let Change { read, after, .. } = change;
    let notes = put_in_contacts(vault, read);
    let resolver = links.after_change(vault, after, moves);
    add_notes(vault, notes, resolver);
    vault.notes = after.len();
    Ok(())
}

impl Change<'_> {
    /// Whether the note at `path` was there before the change, and if so whether it was a
    /// contact.
    fn was(&self, path: &str) -> Option<bool> {
        // (Both lists are sorted by path.)
        self.before
            .binary_search_by(|(p, _)| (*p).cmp(path))
            .ok()
            .map(|i| self.before[i].1)
    }

    /// Whether the change adds or removes a note: an edit moves no stem and no name.
    fn moves(&self) -> bool {
        self.before.len() != self.after.len()
            || self.gone.iter().any(|p| self.was(p).is_none())
            || self.read.iter().any(|p| self.was(&p.note.path).is_none())
    }
}

/// Why the change may not be patched in, if it may move a link in a note it does not read
/// (see [`patch`]).
fn check(
    vault: &Vault,
    change: &Change<'_>,
    gone_set: &HashSet<&str>,
    moves: bool,
) -> Result<(), Refused> {
    // Only a note added or removed needs these (an edit moves no stem and no name).
    let stems = |notes: &[(&str, bool)]| {
        let mut counts: HashMap<String, usize> = HashMap::new();
        if moves {
            for (path, _) in notes {
                *counts.entry(fold_key(stem_of(path))).or_default() += 1;
            }
        }
        counts
    };
    let (stems_before, stems_after) = (stems(change.before), stems(change.after));
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

    let read_at: HashMap<&str, &Prepared> = change
        .read
        .iter()
        .map(|p| (p.note.path.as_str(), p))
        .collect();
    for &path in change.gone {
        if change.was(path) == Some(true) {
            let same = match (
                read_at.get(path).and_then(|p| p.contact.as_ref()),
                vault.contact_at(path),
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
        } else if !read_at.contains_key(path) && change.was(path).is_some() {
            let key = fold_key(stem_of(path));
            if names.contains(&key) || stems_before.get(&key).is_some_and(|&n| n > 1) {
                return Err(Refused::RemovalMovesLinks(path.to_string()));
            }
        }
    }
    for p in &change.read {
        let path = p.note.path.as_str();
        match change.was(path) {
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
    Ok(())
}

/// Takes out what the gone notes said. A contact's note says things of its contact only
/// (mentions and given tasks come from other notes), so when only contacts' notes go,
/// only those contacts are looked at.
fn take_out(vault: &mut Vault, change: &Change<'_>, gone_set: &HashSet<&str>) {
    let only_own = change.gone.iter().all(|p| change.was(p) == Some(true));
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
}

/// Puts in the contacts read: one read again replaces its old self (keeping what other notes
/// say of it); a new one goes in at its place, moving the indexes after it. Returns the notes
/// read, sorted by path.
fn put_in_contacts(vault: &mut Vault, mut read: Vec<Prepared>) -> Vec<ParsedNote> {
    read.sort_by(|a, b| a.note.path.cmp(&b.note.path));
    let mut notes = Vec::with_capacity(read.len());
    for Prepared { note, contact } in read {
        if let Some(mut new) = contact {
            match vault.contact_at(&note.path) {
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
    notes
}

/// Adds what the notes read say of contacts, as a whole build would, with `resolver` for
/// where their links go.
fn add_notes(vault: &mut Vault, notes: Vec<ParsedNote>, resolver: &Resolver) {
    let mut touched = vec![false; vault.contacts.len()];
    let mut problems = Vec::new();
    for mut note in notes {
        let own = vault.contact_at(&note.path);
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
}
