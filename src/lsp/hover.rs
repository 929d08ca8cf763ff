//! Hover on a link to a contact (`[[Ada]]`, `[[Ada|shown]]`, an alias, a Markdown link): who
//! this is to you, in Markdown: tier and cadence, last contact, next check-in, open promises,
//! the next birthday or milestone, and the last conversation. It reads the snapshot only.

use std::fmt::Write as _;

use jiff::civil::Date;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::describe::Standing;
use super::documents::Document;
use super::links::under_cursor;
use super::snapshot::Snapshot;
use crate::core::dates::{add_days, days_between, ymd};
use crate::core::model::{Contact, Status};
use crate::core::note::summary_text;
use crate::core::render::ago;
use crate::core::schedule::{Celebration, celebrations_between, last_contact, last_interaction};

/// The hover for the link at `at` in the note at `rel`, when it reaches a contact.
pub(crate) fn hover(
    snapshot: &Snapshot,
    rel: &str,
    doc: &Document,
    at: Position,
    today: Date,
) -> Option<Hover> {
    let (link, range) = under_cursor(doc, at)?;
    let (ci, contact) = snapshot.contact_of(&link, rel)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: card(snapshot, ci, contact, today),
        }),
        range: Some(range),
    })
}

/// The contact's card, in Markdown.
pub(crate) fn card(snapshot: &Snapshot, ci: usize, c: &Contact, today: Date) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "**{}**  ", text(&c.name));
    let _ = writeln!(
        out,
        "tier {} · every {} · {}\n",
        text(&c.tier),
        c.cadence,
        c.status.as_str()
    );
    let _ = writeln!(out, "{}  ", last_line(c, today));
    let _ = writeln!(out, "{}", due_line(c, today));
    let promises: Vec<String> = c
        .tasks
        .iter()
        .filter(|t| t.open)
        .map(|t| match t.due {
            Some(due) if due < today => format!("- {} (due {}, overdue)", text(&t.text), ymd(due)),
            Some(due) => format!("- {} (due {})", text(&t.text), ymd(due)),
            None => format!("- {}", text(&t.text)),
        })
        .collect();
    if !promises.is_empty() {
        let _ = writeln!(out, "\n**Open promises**\n\n{}", promises.join("\n"));
    }
    if let Some(next) = next_celebration(ci, c, today) {
        let years = next
            .years
            .map(|y| format!(" ({y} years)"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n**Next {}**: {}{years}",
            text(&next.what),
            ymd(next.date)
        );
    }
    if let Some(i) = last_interaction(c, today).and_then(|i| c.interactions.get(i)) {
        let summary = summary_text(&snapshot.first_line(i));
        let said = if summary.is_empty() {
            String::new()
        } else {
            format!(" — {}", text(&summary))
        };
        let _ = writeln!(
            out,
            "\n**Last conversation**: {} {}{said}",
            ymd(i.date),
            text(&i.title)
        );
    }
    out
}

/// `Last contact 2026-10-01 (7 weeks ago)`, or never.
fn last_line(c: &Contact, today: Date) -> String {
    match last_contact(c, today) {
        Some(d) => format!("Last contact {} ({})", ymd(d), ago(d, today)),
        None => "Never contacted".to_string(),
    }
}

/// When the next check-in is: overdue by N days, due on a day, or why there is none.
fn due_line(c: &Contact, today: Date) -> String {
    let standing = Standing::of(c, today);
    match standing.due {
        _ if c.status != Status::Active => {
            format!("No check-in reminders ({})", c.status.as_str())
        }
        Some(due) if due.next_due < today => format!(
            "**Overdue by {} days** (due {})",
            days_between(due.next_due, today),
            ymd(due.next_due)
        ),
        Some(due) => format!("Next check-in {}", ymd(due.next_due)),
        None if c.interactions.iter().any(|i| i.date > today) => {
            "A conversation is planned".to_string()
        }
        None => "No check-in reminders".to_string(),
    }
}

/// The next birthday or milestone within a year.
fn next_celebration(ci: usize, c: &Contact, today: Date) -> Option<Celebration> {
    let mut found = Vec::new();
    celebrations_between(ci, c, today, add_days(today, 366), &mut found);
    found.into_iter().min_by_key(|cel| cel.date)
}

/// A text of the user's, safe in Markdown: no emphasis, links or HTML made of it.
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}
