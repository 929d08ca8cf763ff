//! Completion: after `[[`, the contacts whose name or alias (any word of it, accents aside)
//! begins with what is typed, the people due first, each with its tier and where it stands
//! (`overdue 12 days`); in a contact note's front-matter, the values of `tier:` (the
//! config's tiers), `cadence:` and `status:`. Names are matched as `kith show` matches them
//! ([`completions`]); this module only orders and words them.

use jiff::civil::Date;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionResponse, CompletionTextEdit,
    Position, Range, TextEdit,
};

use super::describe::Standing;
use super::documents::Document;
use super::links::floor_boundary;
use super::snapshot::Snapshot;
use crate::core::cadence::Cadence;
use crate::core::frontmatter::{self, Split};
use crate::core::model::{Completion, completions};
use crate::core::text::fold_accents;

/// At most this many contacts are offered at once; typing more narrows the list.
const MAX_ITEMS: usize = 200;
/// How far back from the cursor an open `[[` is looked for.
const LOOK_BACK: usize = 512;

/// The cadences offered after `cadence:`.
const CADENCES: [&str; 11] = [
    "weekly",
    "biweekly",
    "monthly",
    "quarterly",
    "yearly",
    "2w",
    "6w",
    "3mo",
    "6mo",
    "1y",
    "never",
];

/// The completions at `at` in the note at `rel`.
pub(crate) fn complete(
    snapshot: &Snapshot,
    rel: &str,
    doc: &Document,
    at: Position,
    today: Date,
) -> Option<CompletionResponse> {
    let (start, end) = doc.lines.line_span(&doc.text, at.line as usize)?;
    let cursor = doc.offset(at).clamp(start, end);
    let line = doc.text.get(start..end)?;
    let before = line.get(..cursor - start)?;
    if let Some(typed_at) = open_link(before) {
        let after = line.get(cursor - start..).unwrap_or("");
        let range = doc.lines.range(&doc.text, start + typed_at, cursor);
        let typed = before.get(typed_at..).unwrap_or("");
        return Some(contacts(
            snapshot,
            typed,
            range,
            after.starts_with("]]"),
            today,
        ));
    }
    let in_contact =
        snapshot.contact_at(rel).is_some() || snapshot.config.rules.contacts.is_contact(rel, &[]);
    if in_contact && in_front_matter(&doc.text, start) {
        return property_values(snapshot, before, |from| {
            doc.lines.range(&doc.text, start + from, cursor)
        });
    }
    None
}

/// Where the name typed after an open `[[` begins, when the cursor is inside one.
fn open_link(before: &str) -> Option<usize> {
    let from = floor_boundary(before, before.len().saturating_sub(LOOK_BACK));
    let at = from + before.get(from..)?.rfind("[[")? + 2;
    let typed = before.get(at..)?;
    (!typed.contains(']') && !typed.contains('|')).then_some(at)
}

/// The contacts that complete `typed`: due people first (the most overdue first), then by
/// name.
fn contacts(
    snapshot: &Snapshot,
    typed: &str,
    range: Range,
    closed: bool,
    today: Date,
) -> CompletionResponse {
    let vault = &snapshot.vault;
    let mut found: Vec<(Completion, Standing)> = completions(vault, typed.trim_start())
        .into_iter()
        .filter_map(|c| {
            let standing = Standing::of(vault.contacts.get(c.contact)?, today);
            Some((c, standing))
        })
        .collect();
    // Stable: among equals, the order of names stays.
    found.sort_by_key(|(_, s)| (!s.is_due(), s.is_due().then(|| s.days_left())));
    let incomplete = found.len() > MAX_ITEMS;
    let items = found
        .into_iter()
        .take(MAX_ITEMS)
        .enumerate()
        .filter_map(|(rank, (c, standing))| {
            let contact = vault.contacts.get(c.contact)?;
            let mut detail = format!("tier {}", contact.tier);
            if let Some(label) = standing.label() {
                detail = format!("{detail} · {label}");
            }
            if let Some(name) = &c.alias_of {
                detail = format!("{name} · {detail}");
            }
            let target = match &c.alias_of {
                Some(_) => c.value.clone(),
                None => contact
                    .wikilink()
                    .trim_start_matches("[[")
                    .trim_end_matches("]]")
                    .to_string(),
            };
            let new_text = if closed {
                target
            } else {
                format!("{target}]]")
            };
            Some(CompletionItem {
                label: c.value.clone(),
                kind: Some(CompletionItemKind::REFERENCE),
                detail: Some(detail),
                sort_text: Some(format!("{rank:05}")),
                filter_text: Some(format!("{} {}", c.value, fold_accents(&c.value))),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text })),
                ..CompletionItem::default()
            })
        })
        .collect();
    CompletionResponse::List(CompletionList {
        is_incomplete: incomplete,
        items,
    })
}

/// Whether the line starting at byte `line_start` is inside the note's front-matter.
fn in_front_matter(text: &str, line_start: usize) -> bool {
    match frontmatter::split(text) {
        Split::Closed { body_offset, .. } => line_start > 0 && line_start < body_offset,
        Split::None | Split::Unclosed => false,
    }
}

/// The values of the property on this line (`tier:`, `cadence:`, `status:`), for the value
/// typed so far; `range_from` gives the range from a byte of the line to the cursor.
fn property_values(
    snapshot: &Snapshot,
    before: &str,
    range_from: impl Fn(usize) -> Range,
) -> Option<CompletionResponse> {
    let (key, value) = before.split_once(':')?;
    let value_at = before.len() - value.trim_start().len();
    let values: Vec<(String, String)> = match key.trim().to_ascii_lowercase().as_str() {
        "tier" => snapshot
            .config
            .rules
            .tiers
            .iter()
            .map(|t| (t.name.clone(), format!("every {}", t.cadence)))
            .collect(),
        "cadence" => CADENCES
            .iter()
            .filter_map(|c| Some((c.to_string(), Cadence::parse(c).ok()?.to_string())))
            .collect(),
        "status" => [
            ("active", "check-in reminders"),
            ("dormant", "no reminders; kept in the vault"),
            ("archived", "no reminders, no birthdays"),
        ]
        .iter()
        .map(|(v, d)| (v.to_string(), d.to_string()))
        .collect(),
        _ => return None,
    };
    let range = range_from(value_at);
    let items = values
        .into_iter()
        .map(|(value, detail)| CompletionItem {
            label: value.clone(),
            kind: Some(CompletionItemKind::VALUE),
            detail: Some(detail),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range,
                new_text: value,
            })),
            ..CompletionItem::default()
        })
        .collect();
    Some(CompletionResponse::Array(items))
}
