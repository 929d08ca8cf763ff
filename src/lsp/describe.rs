//! Short words for where a contact stands, shared by completion details, inlay hints and
//! hover: `overdue 12 days`, `due Thu`, `due today`, `never contacted`. The schedule decides
//! (check-ins are the due note's); this module only words it.

use jiff::civil::Date;

use crate::core::dates::{days_between, ymd};
use crate::core::model::Contact;
use crate::core::render::{plural, weekday};
use crate::core::schedule::{CheckInDue, Reason, check_in_due};

/// How soon a contact's check-in is: for ordering (lower is sooner) and for words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Standing {
    pub due: Option<CheckInDue>,
    pub today: Date,
}

impl Standing {
    pub(crate) fn of(contact: &Contact, today: Date) -> Standing {
        Standing {
            due: check_in_due(contact, today),
            today,
        }
    }

    /// Whether the check-in is due today or earlier.
    pub(crate) fn is_due(&self) -> bool {
        self.due.is_some_and(|d| d.next_due <= self.today)
    }

    /// Days until the check-in (negative when overdue), for ordering; `i64::MAX` when none.
    pub(crate) fn days_left(&self) -> i64 {
        self.due
            .map_or(i64::MAX, |d| days_between(self.today, d.next_due))
    }

    /// `overdue 12 days`, `never contacted`, `due today`, `due Thu` (within a week), `due
    /// 2026-12-03`; `None` when no check-in is reminded of.
    pub(crate) fn label(&self) -> Option<String> {
        let due = self.due?;
        let days = days_between(self.today, due.next_due);
        Some(match due.reason {
            Reason::Overdue => format!("overdue {}", plural(-days, "day")),
            Reason::Never => "never contacted".to_string(),
            Reason::Due if days <= 0 => "due today".to_string(),
            Reason::Due if days < 7 => format!("due {}", weekday(due.next_due)),
            Reason::Due => format!("due {}", ymd(due.next_due)),
        })
    }
}
