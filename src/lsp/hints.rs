//! Inlay hints: beside a contact note's title (its first `# ` heading, else its first line
//! after the front-matter), where the contact stands: `overdue 12 days`, `due Thu`. Only the
//! contact's own note gets one.

use jiff::civil::Date;
use lsp_types::{InlayHint, InlayHintLabel, Range};

use super::describe::Standing;
use super::documents::Document;
use super::snapshot::Snapshot;
use crate::core::frontmatter::{self, Split};

/// The hints of the note at `rel` within `range`.
pub(crate) fn hints(
    snapshot: &Snapshot,
    rel: &str,
    doc: &Document,
    range: Range,
    today: Date,
) -> Vec<InlayHint> {
    let Some(contact) = snapshot
        .contact_at(rel)
        .and_then(|i| snapshot.vault.contacts.get(i))
    else {
        return Vec::new();
    };
    let Some(label) = Standing::of(contact, today).label() else {
        return Vec::new();
    };
    let line = title_line(doc);
    if line < range.start.line as usize || line > range.end.line as usize {
        return Vec::new();
    }
    let Some((_, end)) = doc.lines.line_span(&doc.text, line) else {
        return Vec::new();
    };
    vec![InlayHint {
        position: doc.lines.position(&doc.text, end),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }]
}

/// The 0-based line of the note's title: its first `# ` heading, else the first line after
/// the front-matter.
fn title_line(doc: &Document) -> usize {
    let body = match frontmatter::split(&doc.text) {
        Split::Closed { body_offset, .. } => body_offset,
        Split::None | Split::Unclosed => 0,
    };
    let first = doc.lines.position(&doc.text, body).line as usize;
    let mut line = first;
    while let Some((start, end)) = doc.lines.line_span(&doc.text, line) {
        if doc
            .text
            .get(start..end)
            .is_some_and(|l| l.starts_with("# "))
        {
            return line;
        }
        line += 1;
    }
    first
}
