//! Building the model from parsed notes: each note's contact read on its own ([`prepare`]),
//! then links, mentions and tasks resolved across all notes ([`build_prepared`]). The steps
//! that add one note's say to the model ([`apply_note`] and its helpers) are shared with
//! [`patch`](mod@super::patch), so that a patched model and one built whole agree; this
//! module must not decide where a link goes (that is the [`Resolver`]'s job) nor read anything
//! but the notes it is given.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::contact::read_contact;
use super::{Contact, ContactTask, Interaction, Rules, Vault};
use crate::core::links::Resolver;
use crate::core::note::{BlockKind, ParsedNote, Task, stem_of, title_of_stem};
use crate::core::problem::{self, Problem};
use crate::core::tags;
use crate::core::text::{fold_key, without_md};

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

/// A note's links and its tasks' owners, resolved to contact indexes.
pub(super) fn resolve_note(note: &ParsedNote, resolver: &Resolver) -> Resolved {
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
pub(super) fn apply_note(
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
pub(super) fn sort_contact(c: &mut Contact) {
    c.interactions
        .sort_by(|a, b| (a.date, &a.path, a.line).cmp(&(b.date, &b.path, b.line)));

    c.tasks
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
}

/// The warning for a contact's task whose due date is impossible: a task counts for a contact
/// (and is checked) only once a link or its note makes it the contact's.
pub fn bad_due_problem(path: &str, task: &Task) -> Option<Problem> {
    task.bad_due.as_ref().map(|bad| {
        Problem::warning(
            path,
            Some(task.line),
            format!("task due date `{bad}` is not a real date; the task has no due date"),
        )
    })
}

fn add_task(
    contact: &mut Contact,
    note: &ParsedNote,
    path: &Arc<str>,
    task: &Task,
    problems: &mut Vec<Problem>,
) {
    problems.extend(bad_due_problem(&note.path, task));
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
        // A link in an open task is a plan: the task is a promise, not a conversation.
        let Some(ci) = ci.filter(|_| !link.plan) else {
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
    let stem_title = title_of_stem(&note.stem);
    for key in order {
        let (blocks, link_line) = &groups[&key];
        // The properties stand for the whole meeting only when nothing in it links them.
        let text_only: Vec<usize> = blocks
            .iter()
            .copied()
            .filter(|&b| note.blocks[b].kind == BlockKind::Text)
            .collect();
        let blocks = if text_only.is_empty() {
            blocks
        } else {
            &text_only
        };
        let (ci, scope) = key;
        let (date, title, mut tags) = match scope.map(|s| &note.scopes[s]) {
            Some(s) => (
                s.date,
                if s.title.is_empty() {
                    stem_title.clone()
                } else {
                    s.title.clone()
                },
                s.tags.clone(),
            ),
            None => match note.note_date {
                Some(d) => (d, stem_title.clone(), Vec::new()),
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
