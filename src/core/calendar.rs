//! The calendar of the next weeks: every check-in, promise and celebration from today to the
//! end of a window of whole weeks, each placed on one day ([`ics`] writes them as iCalendar
//! text).
//!
//! Pure: `today` is an argument. Who is due, and when, is the schedule's to say
//! ([`super::schedule`]); this module only places what it says on days: what is overdue (or
//! never contacted) goes on today, the rest on its own day.

pub mod ics;

use std::cmp::Ordering;

use jiff::civil::Date;

use super::dates::add_days;
use super::model::Vault;
use super::schedule::{
    Celebration, CelebrationKind, CheckInDue, by_name, celebrations_between, check_in_due,
    promise_due,
};

/// The most weeks a calendar spans (ten years).
pub const MAX_WEEKS: u16 = 520;

/// How many weeks a calendar spans unless told otherwise.
pub const DEFAULT_WEEKS: u16 = 8;

/// What an event reminds of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An open task with a due date; `task` indexes the contact's tasks.
    Promise {
        task: usize,
        due: Date,
    },
    CheckIn(CheckInDue),
    /// A birthday or a milestone's anniversary.
    Celebration(Celebration),
}

impl Kind {
    /// The order of kinds on one day: as the due note's sections go.
    fn rank(&self) -> u8 {
        match self {
            Kind::Promise { .. } => 0,
            Kind::CheckIn(_) => 1,
            Kind::Celebration(c) if c.kind == CelebrationKind::Birthday => 2,
            Kind::Celebration(_) => 3,
        }
    }
}

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The day it is placed on.
    pub date: Date,
    /// Index into [`Vault::contacts`].
    pub contact: usize,
    pub kind: Kind,
}

/// The events of a window of days, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub today: Date,
    /// The window's first day (today) and last day.
    pub first: Date,
    pub last: Date,
    /// By day, then kind, then contact name (then where a promise is written, or a
    /// milestone's text).
    pub events: Vec<Event>,
}

/// The calendar of the `weeks` weeks from `today` (at least one, at most [`MAX_WEEKS`]).
pub fn calendar(vault: &Vault, today: Date, weeks: u16) -> Calendar {
    let weeks = weeks.clamp(1, MAX_WEEKS);
    let first = today;
    let last = add_days(today, 7 * i64::from(weeks) - 1);
    let on_or_after_today = |date: Date| date.max(today);
    let mut events = Vec::new();
    let mut celebrations = Vec::new();
    for (ci, c) in vault.contacts.iter().enumerate() {
        for (task, t) in c.tasks.iter().enumerate() {
            if let Some(due) = promise_due(t).filter(|due| *due <= last) {
                events.push(Event {
                    date: on_or_after_today(due),
                    contact: ci,
                    kind: Kind::Promise { task, due },
                });
            }
        }
        if let Some(due) = check_in_due(c, today).filter(|due| due.next_due <= last) {
            events.push(Event {
                date: on_or_after_today(due.next_due),
                contact: ci,
                kind: Kind::CheckIn(due),
            });
        }
        celebrations_between(ci, c, first, last, &mut celebrations);
    }
    events.extend(celebrations.into_iter().map(|c| Event {
        date: c.date,
        contact: c.contact,
        kind: Kind::Celebration(c),
    }));
    events.sort_by(|a, b| compare(vault, a, b));
    Calendar {
        today,
        first,
        last,
        events,
    }
}

/// The calendar's order: day, kind, contact name, then what tells two events of one kind
/// for one contact apart.
fn compare(vault: &Vault, a: &Event, b: &Event) -> Ordering {
    let contacts = &vault.contacts;
    a.date
        .cmp(&b.date)
        .then(a.kind.rank().cmp(&b.kind.rank()))
        .then_with(|| by_name(&contacts[a.contact], &contacts[b.contact]))
        .then_with(|| match (&a.kind, &b.kind) {
            (Kind::Promise { task: ta, .. }, Kind::Promise { task: tb, .. }) => {
                let ta = &contacts[a.contact].tasks[*ta];
                let tb = &contacts[b.contact].tasks[*tb];
                (&ta.path, ta.line).cmp(&(&tb.path, tb.line))
            }
            (Kind::Celebration(ca), Kind::Celebration(cb)) => ca.what.cmp(&cb.what),
            _ => Ordering::Equal,
        })
}

#[cfg(test)]
mod tests;
