//! Diagnostics of an open note: exactly the problems `kith check` reports for its file (same
//! messages, same lines), and the links that reach no note but look like a contact's name (a
//! misspelt name, or someone who has no note yet). It must not make problems of its own
//! beyond those links: what a problem is stays the model's decision.

use std::collections::HashMap;

use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

use super::documents::LineMap;
use super::links::links_on;
use super::snapshot::Snapshot;
use crate::config::Config;
use crate::core::model::{Found, Prepared, Reach, Vault, bad_due_problem, find};
use crate::core::note::{self, LinkTarget, stem_of};
use crate::core::problem::{self, Problem, Severity};

/// The source every diagnostic names.
pub(crate) const SOURCE: &str = "kith";
/// The code of a link that looks like a contact's name but reaches no note.
pub(crate) const UNRESOLVED: &str = "unresolved-contact";

/// Whether kith reads the note at `rel` (a Markdown note, not skipped by the config).
pub(crate) fn is_read(config: &Config, rel: &str) -> bool {
    crate::vault::is_note_name(rel) && !crate::vault::excluded(config, rel)
}

/// What was found of links that reach no note, by target: looking a name up among every
/// contact is the costly part of a note's diagnostics, and the same links come back at
/// every keystroke. Valid while the vault's disk model is.
pub(crate) type Verdicts = HashMap<String, Option<String>>;

/// The diagnostics of the open note at `rel` with `text`. `own` are the problems of its
/// unsaved text (else the model's are used).
pub(crate) fn of_note(
    snapshot: &Snapshot,
    (rel, text): (&str, &str),
    own: Option<&Vec<Problem>>,
    verdicts: &mut Verdicts,
) -> Vec<Diagnostic> {
    if !is_read(&snapshot.config, rel) {
        return Vec::new();
    }
    let lines = LineMap::of(text);
    let problems = own.map_or_else(|| problems_of(&snapshot.vault, rel), Vec::as_slice);
    let mut out: Vec<Diagnostic> = problems.iter().map(|p| checked(p, text, &lines)).collect();
    out.extend(unresolved(snapshot, (rel, text), &lines, verdicts));
    out
}

/// The model's problems of one file (they are sorted by path).
fn problems_of<'a>(vault: &'a Vault, rel: &str) -> &'a [Problem] {
    let start = vault.problems.partition_point(|p| p.path.as_str() < rel);
    let end = vault.problems.partition_point(|p| p.path.as_str() <= rel);
    vault.problems.get(start..end).unwrap_or_default()
}

/// A problem as a diagnostic over its line's text (the first line when it names none).
fn checked(p: &Problem, text: &str, lines: &LineMap) -> Diagnostic {
    let line = p.line.map_or(0, |l| l.saturating_sub(1));
    Diagnostic {
        range: lines.line_range(text, line),
        severity: Some(match p.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        source: Some(SOURCE.to_string()),
        message: p.message.clone(),
        ..Diagnostic::default()
    }
}

/// The links of the note that reach no note and look like a contact's name.
fn unresolved(
    snapshot: &Snapshot,
    (rel, text): (&str, &str),
    lines: &LineMap,
    verdicts: &mut Verdicts,
) -> Vec<Diagnostic> {
    let parsed = note::parse(rel, text, &snapshot.config.rules.contacts);
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for link in &parsed.links {
        if snapshot.reach(&link.target, rel) != Reach::Nothing
            || !seen.insert((link.line, link.target.target.clone()))
        {
            continue;
        }
        let verdict = verdicts
            .entry(link.target.target.clone())
            .or_insert_with(|| looks_like_contact(&snapshot.vault, &link.target));
        let Some(message) = verdict.clone() else {
            continue;
        };
        let line = link.line.saturating_sub(1);
        let range = match lines.line_span(text, line) {
            Some((start, _)) => links_on(lines.line(text, line))
                .into_iter()
                .find(|l| l.target == link.target)
                .map_or_else(
                    || lines.line_range(text, line),
                    |l| lines.range(text, start + l.start, start + l.end),
                ),
            None => lines.line_range(text, line),
        };
        out.push(Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::INFORMATION),
            code: Some(NumberOrString::String(UNRESOLVED.to_string())),
            source: Some(SOURCE.to_string()),
            message,
            ..Diagnostic::default()
        });
    }
    out
}

/// The name a link gives: its target's file stem.
pub(crate) fn name_of(link: &LinkTarget) -> &str {
    stem_of(link.target.trim()).trim()
}

/// Why a link that reaches no note looks like a contact: a name close to contacts' (which
/// are suggested), or a person's name (two to four capitalised words).
fn looks_like_contact(vault: &Vault, link: &LinkTarget) -> Option<String> {
    let name = name_of(link);
    let near = match find(vault, name) {
        Found::One(i) => vec![i],
        Found::None(near) | Found::Many(near) => near,
    };
    if !near.is_empty() {
        let names: Vec<&str> = near
            .iter()
            .take(3)
            .filter_map(|&i| vault.contacts.get(i))
            .map(|c| c.name.as_str())
            .collect();
        return Some(format!(
            "no note is named `{name}`; did you mean {}?",
            names.join(", or ")
        ));
    }
    person_shaped(name).then(|| format!("no contact is named `{name}` yet"))
}

/// Whether a text reads like a person's name: two to four words, each a capital letter
/// followed by letters, apostrophes, dots or hyphens.
pub(crate) fn person_shaped(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase)
                && chars.all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '.' | '-'))
        })
}

/// The problems of an open note that the model could not take in, as `kith check` would give
/// them: the note's own, and the impossible due dates of the tasks that are a contact's
/// (all of a contact's note; elsewhere, those whose links reach a contact).
pub(crate) fn own_problems(snapshot: &Snapshot, prepared: Prepared) -> Vec<Problem> {
    let Prepared { note, contact } = prepared;
    let mut problems = note.problems;
    for task in &note.tasks {
        let owned = contact.is_some()
            || task
                .links
                .iter()
                .any(|l| matches!(snapshot.reach(l, &note.path), Reach::Contact(_)));
        if owned {
            problems.extend(bad_due_problem(&note.path, task));
        }
    }
    problem::sort(&mut problems);
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_names_are_told_from_other_titles() {
        for name in [
            "Sophie Wilson",
            "Jean-Luc Picard",
            "Zoë Ångström",
            "Mary O'Neil Jr.",
        ] {
            assert!(person_shaped(name), "{name}");
        }
        for name in [
            "Sophie",
            "project ideas",
            "Q3 Planning",
            "The Big Meeting Of 2026",
        ] {
            assert!(!person_shaped(name), "{name}");
        }
    }
}
