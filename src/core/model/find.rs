//! Finding a contact by the NAME a user types: its name, an alias, its file stem or its path,
//! case-insensitively and ignoring accents (`zoe` finds Zoë); an exact match before a unique
//! prefix of the whole name or of any word in it (`ada` and `lovelace` both find Ada
//! Lovelace). When nothing matches, the closest names are offered. It only looks the name up
//! and must not choose among several matches: what to do with none or many is the caller's.
//!
//! [`completions`] lists, by the same folding, the names that complete what is typed so far
//! (for shell completion).

use super::{Contact, Vault};
use crate::core::text::{fold_accents, without_md};

/// The result of looking a contact up by NAME.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    One(usize),
    /// No contact matches: the closest ones (at most three, closest first), if any is close.
    None(Vec<usize>),
    /// Several contacts match: their indexes, by name.
    Many(Vec<usize>),
}

/// How many close names a miss offers.
const SUGGESTIONS: usize = 3;

/// Finds a contact by name, alias, stem or path (without `.md`): an exact match wins, then
/// an exact word of a name or alias, then a unique prefix of any of these.
pub fn find(vault: &Vault, query: &str) -> Found {
    let q = fold_accents(without_md(query.trim()));
    if q.is_empty() {
        return Found::None(Vec::new());
    }
    let all: Vec<Keys> = vault.contacts.iter().map(Keys::of).collect();
    let matching = |test: &dyn Fn(&Keys) -> bool| -> Vec<usize> {
        (0..all.len()).filter(|&i| test(&all[i])).collect()
    };
    // An exact name first, then an exact word of a name, then a prefix of either.
    let tests: [&dyn Fn(&Keys) -> bool; 3] =
        [&|k| k.whole.contains(&q), &|k| k.words.contains(&q), &|k| {
            k.whole
                .iter()
                .chain(&k.words)
                .any(|key| key.starts_with(&q))
        }];
    let found = tests
        .iter()
        .map(|test| matching(*test))
        .find(|found| !found.is_empty())
        .unwrap_or_default();
    match found.len() {
        0 => Found::None(closest(vault, &all, &q)),
        1 => Found::One(found[0]),
        _ => Found::Many(by_name(vault, found)),
    }
}

/// A name offered to complete what the user has typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What completes the word: the contact's name, or the alias that was typed.
    pub value: String,
    /// The contact's name, when `value` is one of its aliases.
    pub alias_of: Option<String>,
    /// The contact (an index into the vault's contacts).
    pub contact: usize,
}

/// The names that complete `typed`: each contact whose name, or any word of it, begins
/// with it, ignoring case and accents (`zo` and `ang` offer Zoë Ångström); failing the
/// name, the alias that does (`pep` offers Pepe). By name, each value once. Nothing typed
/// offers every name.
pub fn completions(vault: &Vault, typed: &str) -> Vec<Completion> {
    let q = fold_accents(typed);
    let begins = |name: &str| {
        let name = fold_accents(name);
        name.starts_with(&q) || name.split([' ', '-']).any(|word| word.starts_with(&q))
    };
    let mut order: Vec<usize> = (0..vault.contacts.len()).collect();
    order.sort_by(|&a, &b| crate::core::schedule::by_name(&vault.contacts[a], &vault.contacts[b]));
    let mut offered = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (contact, c) in order.into_iter().map(|i| (i, &vault.contacts[i])) {
        let completion = if begins(&c.name) {
            Completion {
                value: c.name.clone(),
                alias_of: None,
                contact,
            }
        } else if let Some(alias) = c.aliases.iter().find(|a| begins(a)) {
            Completion {
                value: alias.clone(),
                alias_of: Some(c.name.clone()),
                contact,
            }
        } else {
            continue;
        };
        if offered.insert(completion.value.clone()) {
            out.push(completion);
        }
    }
    out
}

/// A contact's keys, folded: its whole names and paths, and the words of its names.
struct Keys {
    whole: Vec<String>,
    words: Vec<String>,
}

impl Keys {
    fn of(c: &Contact) -> Keys {
        let names: Vec<String> = std::iter::once(&c.name)
            .chain(&c.aliases)
            .map(|n| fold_accents(n))
            .collect();
        let words = names
            .iter()
            .flat_map(|n| n.split([' ', '-']).map(str::to_string))
            .filter(|w| !w.is_empty())
            .collect();
        let mut whole = names;
        whole.push(fold_accents(&c.stem));
        whole.push(fold_accents(without_md(&c.path)));
        Keys { whole, words }
    }

    /// How far `q` is from the nearest of these keys (0: the same, 1: nothing alike).
    fn distance(&self, q: &str) -> f64 {
        self.whole
            .iter()
            .chain(&self.words)
            .map(|k| 1.0 - strsim::jaro_winkler(q, k))
            .fold(1.0, f64::min)
    }
}

/// The contacts whose names are close to `q`, closest first.
fn closest(vault: &Vault, all: &[Keys], q: &str) -> Vec<usize> {
    // Jaro-Winkler favours a shared beginning, as typos and half-remembered names keep it.
    const CLOSE: f64 = 0.2;
    let mut near: Vec<(f64, usize)> = all
        .iter()
        .enumerate()
        .map(|(i, k)| (k.distance(q), i))
        .filter(|(d, _)| *d <= CLOSE)
        .collect();
    near.sort_by(|a, b| {
        a.0.total_cmp(&b.0).then_with(|| {
            crate::core::schedule::by_name(&vault.contacts[a.1], &vault.contacts[b.1])
        })
    });
    near.into_iter().take(SUGGESTIONS).map(|(_, i)| i).collect()
}

/// `found`, in the order of their names.
fn by_name(vault: &Vault, mut found: Vec<usize>) -> Vec<usize> {
    found.sort_by(|&a, &b| crate::core::schedule::by_name(&vault.contacts[a], &vault.contacts[b]));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Rules, build};
    use crate::core::note::parse;

    fn vault(notes: &[(&str, &str)]) -> Vault {
        let rules = Rules::default();
        build(
            notes
                .iter()
                .map(|(p, t)| parse(p, t, &rules.contacts))
                .collect(),
            &rules,
        )
    }

    fn path(v: &Vault, found: &Found) -> Vec<String> {
        let at = match found {
            Found::One(i) => vec![*i],
            Found::None(near) | Found::Many(near) => near.clone(),
        };
        at.into_iter().map(|i| v.contacts[i].path.clone()).collect()
    }

    #[test]
    fn names_are_found_by_any_word_case_and_accents_aside() {
        let v = vault(&[
            ("People/Ada Lovelace.md", ""),
            (
                "People/Grace Hopper.md",
                "---\naliases: [Amazing Grace]\n---\n",
            ),
            ("People/Zoë Ångström.md", ""),
            ("People/Jean-Luc Picard.md", ""),
            ("People/Adam Smith.md", ""),
        ]);
        let one = |q: &str| match find(&v, q) {
            Found::One(i) => v.contacts[i].path.clone(),
            other => panic!("{q}: {other:?}"),
        };
        assert_eq!(one("ada lovelace"), "People/Ada Lovelace.md");
        assert_eq!(one("lovelace"), "People/Ada Lovelace.md");
        assert_eq!(one("LOVE"), "People/Ada Lovelace.md");
        assert_eq!(one("hopper"), "People/Grace Hopper.md");
        assert_eq!(one("amazing"), "People/Grace Hopper.md");
        assert_eq!(one("zoe"), "People/Zoë Ångström.md");
        assert_eq!(one("angstrom"), "People/Zoë Ångström.md");
        assert_eq!(one("Zoë Ångström.md"), "People/Zoë Ångström.md");
        assert_eq!(one("luc"), "People/Jean-Luc Picard.md");
        assert_eq!(one("People/Adam Smith"), "People/Adam Smith.md");
        // A whole word wins over the start of another: `ada` is Ada's first word and only
        // the start of Adam; `ad` starts both, and is ambiguous.
        assert_eq!(one("ada"), "People/Ada Lovelace.md");
        let found = find(&v, "ad");
        assert!(matches!(found, Found::Many(_)), "{found:?}");
        assert_eq!(
            path(&v, &found),
            ["People/Ada Lovelace.md", "People/Adam Smith.md"]
        );
    }

    #[test]
    fn typed_beginnings_complete_to_names_then_aliases() {
        let v = vault(&[
            ("People/Zoë Ångström.md", ""),
            ("People/Ada Lovelace.md", ""),
            ("People/José Núñez.md", "---\naliases: Pepe\n---\n"),
            ("People/Jean-Luc Picard.md", ""),
            ("Clients/Ada Lovelace.md", "---\ntags: [person]\n---\n"),
            ("People/Bob.md", "---\naliases: [Rob, Rob Mensah]\n---\n"),
        ]);
        let values = |typed: &str| -> Vec<(String, Option<String>)> {
            completions(&v, typed)
                .into_iter()
                .map(|c| (c.value, c.alias_of))
                .collect()
        };
        let names = |typed: &str| -> Vec<String> {
            values(typed).into_iter().map(|(value, _)| value).collect()
        };
        assert_eq!(names("zo"), ["Zoë Ångström"]);
        assert_eq!(names("ANG"), ["Zoë Ångström"]);
        assert_eq!(names("zoë å"), ["Zoë Ångström"]);
        assert_eq!(names("luc"), ["Jean-Luc Picard"]);
        // Two notes of one name: the name once.
        assert_eq!(names("ada l"), ["Ada Lovelace"]);
        assert_eq!(names("love"), ["Ada Lovelace"]);
        assert_eq!(
            values("pe"),
            [("Pepe".to_string(), Some("José Núñez".to_string()))]
        );
        // The name wins over an alias that also begins so.
        assert_eq!(values("bo"), [("Bob".to_string(), None)]);
        assert_eq!(
            values("rob m"),
            [("Rob Mensah".to_string(), Some("Bob".to_string()))]
        );
        assert_eq!(names("xyz"), Vec::<String>::new());
        assert_eq!(
            names(""),
            [
                "Ada Lovelace",
                "Bob",
                "Jean-Luc Picard",
                "José Núñez",
                "Zoë Ångström"
            ]
        );
    }

    #[test]
    fn a_miss_offers_the_closest_names() {
        let v = vault(&[
            ("People/Grace Hopper.md", ""),
            ("People/Ada Lovelace.md", ""),
            ("People/Alan Turing.md", ""),
        ]);
        let found = find(&v, "hoper");
        assert!(matches!(found, Found::None(_)), "{found:?}");
        assert_eq!(path(&v, &found), ["People/Grace Hopper.md"]);
        assert_eq!(path(&v, &find(&v, "lovlace")), ["People/Ada Lovelace.md"]);
        // Nothing alike: nothing offered.
        assert_eq!(find(&v, "xyzzy"), Found::None(Vec::new()));
        assert_eq!(find(&v, "  "), Found::None(Vec::new()));
    }
}
