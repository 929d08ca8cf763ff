//! Code actions, as edits the editor applies (the server writes nothing): "Log a
//! conversation with Ada today" appends the entry `kith log` would, in the contact note's own
//! style ([`append_log`]); "Create a contact note for Sophie Wilson", on a link that reaches
//! no note, makes the note `kith import` would ([`Template`]). The edits are computed here;
//! what the entry or the note says is the core's.

use std::collections::HashMap;

use jiff::civil::Date;
use lsp_types::{
    ClientCapabilities, CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile,
    CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Range, ResourceOp, ResourceOperationKind,
    TextDocumentEdit, TextEdit, Url, WorkspaceEdit,
};

use super::diagnostics::name_of;
use super::documents::{Document, Documents, LineMap};
use super::links::{floor_boundary, under_cursor};
use super::snapshot::Snapshot;
use crate::core::edit::{NewEntry, append_log};
use crate::core::import::render::file_stem;
use crate::core::import::{Incoming, Item, Naming, Source};
use crate::core::model::{Contact, Reach};

/// What edits the editor can apply.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EditSupport {
    /// Versioned edits of documents (`documentChanges`).
    pub document_changes: bool,
    /// Creating files within an edit.
    pub create_files: bool,
}

impl EditSupport {
    pub(crate) fn of(caps: &ClientCapabilities) -> EditSupport {
        let edit = caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref());
        let document_changes = edit.and_then(|e| e.document_changes).unwrap_or(false);
        let create_files = document_changes
            && edit
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create));
        EditSupport {
            document_changes,
            create_files,
        }
    }
}

/// The actions at `range` in the note at `rel`.
pub(crate) fn actions(
    snapshot: &Snapshot,
    (rel, doc): (&str, &Document),
    range: Range,
    today: Date,
    (support, open): (EditSupport, &Documents),
) -> Vec<CodeActionOrCommand> {
    let link = under_cursor(doc, range.start);
    let contact = match &link {
        Some((link, _)) => snapshot.contact_of(link, rel).map(|(_, c)| c),
        None => snapshot
            .contact_at(rel)
            .and_then(|i| snapshot.vault.contacts.get(i)),
    };
    let mut out = Vec::new();
    if let Some(contact) = contact {
        out.extend(log_today(snapshot, contact, today, support, open));
    }
    if let Some((link, _)) = &link
        && snapshot.reach(link, rel) == Reach::Nothing
    {
        out.extend(create_contact(snapshot, name_of(link), today, support));
    }
    out.into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// "Log a conversation with Ada today": the entry `kith log` appends, as an edit of the
/// contact's note (its unsaved text when it is open).
fn log_today(
    snapshot: &Snapshot,
    contact: &Contact,
    today: Date,
    support: EditSupport,
    open: &Documents,
) -> Option<CodeAction> {
    let uri = snapshot.url_of(&contact.path)?;
    let (text, version) = match open.get(&uri) {
        Some(doc) => (doc.text.clone(), Some(doc.version)),
        None => (
            std::fs::read_to_string(snapshot.abs_of(&contact.path)).ok()?,
            None,
        ),
    };
    let entry = NewEntry {
        date: today,
        title: None,
        text: "",
    };
    // No action is offered where the entry would not read as one.
    let appended = append_log(&text, &snapshot.config.log_heading, &entry).ok()?;
    let edit = smallest_edit(&text, &appended.text);
    let workspace = if support.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: vec![OneOf::Left(edit)],
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri, vec![edit])])),
            ..WorkspaceEdit::default()
        }
    };
    Some(action(
        format!("Log a conversation with {} today", contact.name),
        workspace,
    ))
}

/// "Create a contact note for Sophie Wilson": the note `kith import` would make, in the first
/// contact folder (or tagged as a contact when the config names no folder).
fn create_contact(
    snapshot: &Snapshot,
    name: &str,
    today: Date,
    support: EditSupport,
) -> Option<CodeAction> {
    if name.is_empty() {
        return None;
    }
    let config = &snapshot.config;
    let stem = file_stem(name);
    let rel = match config.rules.contacts.folders.first() {
        Some(folder) if !folder.is_empty() => format!("{folder}/{stem}.md"),
        _ => format!("{stem}.md"),
    };
    let abs = snapshot.abs_of(&rel);
    if abs.exists() {
        return None;
    }
    let source = Source {
        file: 0,
        item: Item::Card(1),
        line: 1,
    };
    let mut incoming = Incoming::named(name.to_string(), Naming::Person, source);
    if config.rules.contacts.folders.is_empty() {
        incoming
            .tags
            .extend(config.rules.contacts.tags.first().cloned());
    }
    let template = crate::commands::import_template(config).ok()?;
    let text = template.render(&incoming, &stem, today);
    let uri = Url::from_file_path(&abs).ok()?;
    Some(action(
        format!("Create a contact note for {name}"),
        new_file(uri, text, support),
    ))
}

/// The edit that makes a file with `text`: created in the edit when the editor can; else
/// the editor opens the new file and inserts the text (eglot does), and saving makes it.
fn new_file(uri: Url, text: String, support: EditSupport) -> WorkspaceEdit {
    let fill = TextEdit::new(Range::default(), text);
    if !support.create_files {
        return WorkspaceEdit {
            changes: Some(HashMap::from([(uri, vec![fill])])),
            ..WorkspaceEdit::default()
        };
    }
    let create = DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
        uri: uri.clone(),
        options: Some(CreateFileOptions {
            overwrite: Some(false),
            ignore_if_exists: Some(true),
        }),
        annotation_id: None,
    }));
    let fill = DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
        edits: vec![OneOf::Left(fill)],
    });
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![create, fill])),
        ..WorkspaceEdit::default()
    }
}

fn action(title: String, edit: WorkspaceEdit) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        edit: Some(edit),
        ..CodeAction::default()
    }
}

/// The one edit that turns `old` into `new`: what lies between their common beginning and
/// their common end.
pub(crate) fn smallest_edit(old: &str, new: &str) -> TextEdit {
    let same_start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let start = floor_boundary(old, same_start);
    let most = old.len().min(new.len()) - start;
    let mut same_end = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(most)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - same_end) {
        same_end -= 1;
    }
    let lines = LineMap::of(old);
    let range = lines.range(old, start, old.len() - same_end);
    let inserted = new.get(start..new.len() - same_end).unwrap_or("");
    TextEdit::new(range, inserted.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, edit: &TextEdit) -> String {
        let lines = LineMap::of(old);
        let a = lines.offset(old, edit.range.start);
        let b = lines.offset(old, edit.range.end);
        format!("{}{}{}", &old[..a], edit.new_text, &old[b..])
    }

    #[test]
    fn the_smallest_edit_gives_the_new_text_exactly() {
        for (old, new) in [
            (
                "# Ada\n\n## Log\n- 2026-01-01 x\n",
                "# Ada\n\n## Log\n- 2026-01-01 x\n- 2026-11-23 note\n",
            ),
            ("a\r\nb", "a\r\nz\r\nb"),
            ("é", "è"),
            ("", "new"),
            ("same", "same"),
            ("ab😀", "a😀"),
        ] {
            assert_eq!(
                apply(old, &smallest_edit(old, new)),
                new,
                "{old:?} → {new:?}"
            );
        }
    }
}
