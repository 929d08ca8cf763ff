//! Finding a contact by the NAME a user types: its name, an alias, its file stem or its path,
//! case-insensitively, an exact match before a prefix. It only looks the name up and must not
//! choose among several matches: what to do with none or many is the command's call.

use super::{Contact, Vault};
use crate::core::text::{fold_key, without_md};

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
                    crate::core::schedule::by_name(&vault.contacts[a], &vault.contacts[b])
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
