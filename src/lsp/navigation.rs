//! Going places: from a link to the contact's note (definition), to every conversation with
//! that contact across the vault (references), and to any contact by name (workspace
//! symbols, across every open vault). It reads the snapshots only.

use std::sync::Arc;

use lsp_types::{Location, Position, Range, SymbolInformation, SymbolKind};

use super::documents::{Document, to_u32};
use super::links::under_cursor;
use super::snapshot::Snapshot;
use crate::core::model::Contact;
use crate::core::text::fold_accents;

/// At most this many contacts answer a workspace symbol query.
const MAX_SYMBOLS: usize = 500;

/// The contact's note, for the link at `at`.
pub(crate) fn definition(
    snapshot: &Snapshot,
    rel: &str,
    doc: &Document,
    at: Position,
) -> Option<Location> {
    let (link, _) = under_cursor(doc, at)?;
    let (_, contact) = snapshot.contact_of(&link, rel)?;
    note_start(snapshot, contact)
}

/// Every conversation with the contact the link at `at` reaches (or, outside a link, the
/// contact whose note this is), with its note first when `with_note`.
pub(crate) fn references(
    snapshot: &Snapshot,
    rel: &str,
    doc: &Document,
    at: Position,
    with_note: bool,
) -> Option<Vec<Location>> {
    let contact = match under_cursor(doc, at) {
        Some((link, _)) => snapshot.contact_of(&link, rel).map(|(_, c)| c),
        None => snapshot
            .contact_at(rel)
            .and_then(|i| snapshot.vault.contacts.get(i)),
    }?;
    let mut out = Vec::new();
    if with_note {
        out.extend(note_start(snapshot, contact));
    }
    for i in &contact.interactions {
        let line = to_u32(i.line.saturating_sub(1));
        if let Some(uri) = snapshot.url_of(&i.path) {
            out.push(Location::new(
                uri,
                Range::new(
                    Position::new(line, 0),
                    Position::new(line.saturating_add(1), 0),
                ),
            ));
        }
    }
    Some(out)
}

/// The contacts of every vault whose name or alias holds `query` (accents and case aside).
pub(crate) fn symbols(snapshots: &[Arc<Snapshot>], query: &str) -> Vec<SymbolInformation> {
    let wanted = fold_accents(query.trim());
    let mut out = Vec::new();
    for snapshot in snapshots {
        for c in &snapshot.vault.contacts {
            if out.len() >= MAX_SYMBOLS {
                return out;
            }
            let matches = std::iter::once(&c.name)
                .chain(&c.aliases)
                .any(|n| fold_accents(n).contains(&wanted));
            if !matches {
                continue;
            }
            if let Some(location) = note_start(snapshot, c) {
                #[allow(deprecated)]
                out.push(SymbolInformation {
                    name: c.name.clone(),
                    kind: SymbolKind::OBJECT,
                    tags: None,
                    deprecated: None,
                    location,
                    container_name: Some(format!("tier {}", c.tier)),
                });
            }
        }
    }
    out
}

/// The start of a contact's note.
fn note_start(snapshot: &Snapshot, contact: &Contact) -> Option<Location> {
    let uri = snapshot.url_of(&contact.path)?;
    Some(Location::new(uri, Range::default()))
}
