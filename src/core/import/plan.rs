//! What becomes of each incoming contact: contacts that match each other become one, and
//! one that matches a contact of the vault — by UID, by email, or by name or alias — is not
//! made again; every other gets a new note with a file name of its own.

use std::collections::{HashMap, HashSet};

use super::render::file_stem;
use super::{Incoming, Source};
use crate::core::model::Vault;
use crate::core::text::fold_accents;

/// How an incoming contact matched another: the kind, and the value they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matched {
    Uid(String),
    Email(String),
    Name(String),
}

impl Matched {
    /// `uid`, `email` or `name`.
    pub fn kind(&self) -> &'static str {
        match self {
            Matched::Uid(_) => "uid",
            Matched::Email(_) => "email",
            Matched::Name(_) => "name",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Matched::Uid(v) | Matched::Email(v) | Matched::Name(v) => v,
        }
    }
}

/// Where an incoming contact goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// A new note at this path (relative to the root, with `/`).
    New { path: String, stem: String },
    /// The contact whose note is at `path` is the same person.
    Existing { path: String, matched: Matched },
}

/// One contact of the import, with the others that matched it folded in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub contact: Incoming,
    /// The contacts of the import folded into this one, and how each matched.
    pub folded: Vec<(Source, Matched)>,
    pub fate: Fate,
}

/// Plans an import into `folder` (relative to the root, with `/`; empty for the root).
/// `taken` holds the paths already in use there, folded to lower case: a new note never
/// takes one, even on a file system that tells case apart.
pub fn plan(
    vault: &Vault,
    incoming: Vec<Incoming>,
    folder: &str,
    taken: &HashSet<String>,
) -> Vec<Planned> {
    let existing = Keys::of_vault(vault);
    let mut taken = taken.clone();
    fold_together(incoming)
        .into_iter()
        .map(|(contact, folded)| {
            let fate = match existing.find(&contact) {
                Some((i, matched)) => Fate::Existing {
                    path: vault.contacts[i].path.clone(),
                    matched,
                },
                None => new_note(&contact.name, folder, &mut taken),
            };
            Planned {
                contact,
                folded,
                fate,
            }
        })
        .collect()
}

/// A new note's path: the name made safe, with ` 2`, ` 3`… when it is taken.
fn new_note(name: &str, folder: &str, taken: &mut HashSet<String>) -> Fate {
    let base = file_stem(name);
    let mut n = 1;
    loop {
        let stem = if n == 1 {
            base.clone()
        } else {
            format!("{base} {n}")
        };
        let path = if folder.is_empty() {
            format!("{stem}.md")
        } else {
            format!("{folder}/{stem}.md")
        };
        if taken.insert(path.to_lowercase()) {
            return Fate::New { path, stem };
        }
        n += 1;
    }
}

/// The incoming contacts with those that match an earlier one folded into it, in order.
fn fold_together(incoming: Vec<Incoming>) -> Vec<(Incoming, Vec<(Source, Matched)>)> {
    let mut groups: Vec<(Incoming, Vec<(Source, Matched)>)> = Vec::new();
    let mut keys = Keys::default();
    for contact in incoming {
        match keys.find(&contact) {
            Some((g, matched)) => {
                let source = contact.source;
                keys.add(&contact, g);
                groups[g].0.absorb(contact);
                groups[g].1.push((source, matched));
            }
            None => {
                keys.add(&contact, groups.len());
                groups.push((contact, Vec::new()));
            }
        }
    }
    groups
}

/// Lookups from what identifies a contact to its position in a list.
#[derive(Default)]
struct Keys {
    uids: HashMap<String, usize>,
    emails: HashMap<String, usize>,
    names: HashMap<String, usize>,
}

impl Keys {
    fn of_vault(vault: &Vault) -> Keys {
        let mut keys = Keys::default();
        for (i, c) in vault.contacts.iter().enumerate() {
            if let Some(uid) = &c.uid {
                keys.uids.entry(uid.trim().to_string()).or_insert(i);
            }
            for email in &c.emails {
                keys.emails.entry(email_key(email)).or_insert(i);
            }
            for name in std::iter::once(&c.name).chain(&c.aliases).chain([&c.stem]) {
                keys.names.entry(fold_accents(name)).or_insert(i);
            }
        }
        keys
    }

    /// Remembers an incoming contact's keys as pointing at `at` (the first keeps a key).
    fn add(&mut self, c: &Incoming, at: usize) {
        if let Some(uid) = &c.uid {
            self.uids.entry(uid.clone()).or_insert(at);
        }
        for email in &c.emails {
            self.emails.entry(email_key(email)).or_insert(at);
        }
        for name in std::iter::once(&c.name).chain(&c.aliases) {
            self.names.entry(fold_accents(name)).or_insert(at);
        }
    }

    /// What `c` matches, trying its UID, then its emails, then its name.
    fn find(&self, c: &Incoming) -> Option<(usize, Matched)> {
        let by_uid = || {
            let uid = c.uid.as_ref()?;
            Some((*self.uids.get(uid)?, Matched::Uid(uid.clone())))
        };
        let by_email = || {
            c.emails
                .iter()
                .find_map(|e| Some((*self.emails.get(&email_key(e))?, Matched::Email(e.clone()))))
        };
        let by_name = || {
            Some((
                *self.names.get(&fold_accents(&c.name))?,
                Matched::Name(c.name.clone()),
            ))
        };
        by_uid().or_else(by_email).or_else(by_name)
    }
}

/// Emails compare without case (their domains do, and people rarely rely on the rest).
fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}
