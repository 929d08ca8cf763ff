//! The `log_append` and `task_close` targets: the two edits kith makes to a note the user
//! wrote (`kith log` and a ticked check-in; a ticked promise).
//!
//! `log_append` input: a byte of flags (1: the entry has a title, 2: the log heading is the
//! one given rather than `Log`, when `kith.toml` would take it), a byte for the date, then
//! the heading, the title, the entry's text and the note, apart by separators. Checked: the
//! new note is the old one with one run of whole lines inserted at a line boundary, in the
//! note's line endings, and no other byte changed; the line said to hold the entry holds
//! its date; read again, the note has the new entry at that line and every entry it had,
//! saying the same.
//!
//! `task_close` input: a byte for a line, a byte for the date, then the note. Checked:
//! closing the task on that line, when there is one, changes that line alone, and only by
//! `[ ]` or `[/]` becoming `[x]` and ` ✅ YYYY-MM-DD` added at its end or before its block
//! id; and, as a ticked promise does, closing each open task the note is read to have
//! gives a note read with that task closed and every other task as it was.

use jiff::civil::Date;

use super::{Input, lossy};
use crate::core::dates::{add_days, ymd};
use crate::core::edit::{NewEntry, append_log, close_task, split_ending};
use crate::core::note::{self, ContactRules, Entry};

/// A contact's note.
const PATH: &str = "People/Ada.md";

fn rules() -> ContactRules {
    ContactRules {
        folders: vec!["People".to_string()],
        tags: vec!["person".to_string()],
    }
}

/// A date from one byte: the last day kith accepts, or a day around 2026-11-23.
fn date_of(byte: u8) -> Date {
    match byte {
        255 => Date::constant(9999, 12, 31),
        b => add_days(Date::constant(2026, 11, 23), (i64::from(b) - 128) * 3),
    }
}

/// Checks the `log_append` target's input.
pub fn check_log_append(data: &[u8]) {
    let mut input = Input::new(data);
    let flags = input.byte();
    let date = date_of(input.byte());
    let heading = input.text();
    let title = input.text();
    let text = input.text();
    let note = input.text();
    // The heading as kith.toml gives it, when it takes it.
    let heading = if flags & 2 == 0 || crate::config::log_heading_fault(&heading).is_some() {
        "Log"
    } else {
        heading.trim()
    };
    let entry = NewEntry {
        date,
        title: (flags & 1 != 0).then_some(title.as_str()),
        text: &text,
    };
    // Refusing is safe: nothing is written.
    let Ok(appended) = append_log(&note, heading, &entry) else {
        return;
    };
    let new = &appended.text;

    let at = insertion_at_line_start(&note, new).unwrap_or_else(|| {
        panic!("the entry is not whole lines inserted in the note:\n{note:?}\n{new:?}")
    });
    let inserted = &new[at..at + new.len() - note.len()];
    let eol = if note.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = inserted.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let ends = line.ends_with(eol) && !line[..line.len() - eol.len()].contains('\r');
        // A note without a final newline keeps lacking one: its old last line gains the
        // ending instead of the entry's last line.
        assert!(
            ends || (last && at == note.len() && !line.contains('\n')),
            "the line {line:?} does not end as the note's lines do ({eol:?})"
        );
    }
    let line = new.split_inclusive('\n').nth(appended.line - 1);
    assert!(
        line.is_some_and(|l| l.contains(&ymd(date))),
        "line {} ({line:?}) does not hold the entry",
        appended.line
    );

    let before = note::parse(PATH, &note, &rules());
    let after = note::parse(PATH, new, &rules());
    if before.front_matter_problem.is_some() {
        return;
    }
    let added = after
        .entries
        .iter()
        .position(|e| e.line == appended.line && e.date == date)
        .unwrap_or_else(|| {
            panic!(
                "the entry at line {} is not read back:\n{new}\n{:#?}",
                appended.line, after.entries
            )
        });
    // The entries already there are all still read, in order and saying the same. (The
    // entry's own text may hold more: a dated heading typed into it is one.)
    let mut others = after
        .entries
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != added)
        .map(|(_, e)| said(e));
    for was in before.entries.iter().map(said) {
        assert!(
            others.any(|is| is == was),
            "the entry {was:?} reads otherwise after the entry is added:\n{new}"
        );
    }
}

/// What an entry says, whatever its line.
fn said(e: &Entry) -> (Date, &str, &str) {
    (e.date, &e.title, &e.summary_raw)
}

/// Where `new` is `old` with one run of text inserted at the start of a line (or at the
/// end): the offset of the insertion in `new`.
fn insertion_at_line_start(old: &str, new: &str) -> Option<usize> {
    if new.len() < old.len() {
        return None;
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(old.len());
    let first = old.len() - suffix;
    // The last candidate: an earlier one would cut the inserted run's last line in two.
    (first..=prefix.min(old.len())).rev().find(|&at| {
        (at == 0 || at == old.len() || old.as_bytes()[at - 1] == b'\n') && new.is_char_boundary(at)
    })
}

/// Checks the `task_close` target's input.
pub fn check_task_close(data: &[u8]) {
    let mut input = Input::new(data);
    let line = usize::from(input.byte());
    let today = date_of(input.byte());
    let note = lossy(input.data);

    if let Some(closed) = close_task(&note, line, today) {
        check_closed(&note, &closed, line, today);
    }

    let before = note::parse(PATH, &note, &rules());
    // kith numbers lines by LF: tasks apart by a lone CR (Markdown's line break in files from
    // old Macs) share a line, and closing that line closes the first of them.
    let shared = |t: &note::Task| before.tasks.iter().filter(|o| o.line == t.line).count() > 1;
    if before.tasks.iter().any(shared) {
        return;
    }
    for task in before.tasks.iter().filter(|t| t.open) {
        let closed = close_task(&note, task.line, today).unwrap_or_else(|| {
            panic!(
                "the open task at line {} cannot be closed: {task:?}",
                task.line
            )
        });
        check_closed(&note, &closed, task.line, today);
        let after = note::parse(PATH, &closed, &rules());
        assert_eq!(
            after.tasks.len(),
            before.tasks.len(),
            "closing line {} changes the tasks:\n{closed}",
            task.line
        );
        for (was, is) in before.tasks.iter().zip(&after.tasks) {
            let expected = if was.line == task.line {
                (was.line, false, &was.text)
            } else {
                (was.line, was.open, &was.text)
            };
            assert_eq!(
                (is.line, is.open, &is.text),
                expected,
                "closing line {} reads as another change:\n{closed}",
                task.line
            );
        }
    }
}

/// `closed` is `note` with the task on `line` closed on `today`, and nothing else changed.
fn check_closed(note: &str, closed: &str, line: usize, today: Date) {
    let old: Vec<&str> = note.split_inclusive('\n').collect();
    let new: Vec<&str> = closed.split_inclusive('\n').collect();
    assert_eq!(old.len(), new.len(), "closing a task changes the lines");
    for (i, (o, n)) in old.iter().zip(&new).enumerate() {
        if i + 1 != line {
            assert_eq!(
                o,
                n,
                "closing the task on line {line} changes line {}",
                i + 1
            );
            continue;
        }
        let (o, o_end) = split_ending(o);
        let (n, n_end) = split_ending(n);
        assert_eq!(o_end, n_end, "closing a task changes its line's ending");
        // The mark: the only difference at the front.
        let mark = o
            .bytes()
            .zip(n.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| panic!("{o:?} is closed as {n:?}"));
        assert!(
            matches!(o.as_bytes()[mark], b' ' | b'/') && n.as_bytes()[mark] == b'x',
            "{o:?} is closed as {n:?}"
        );
        assert!(
            mark > 0 && o.get(mark - 1..mark) == Some("["),
            "{o:?} is closed as {n:?}"
        );
        let (o_rest, n_rest) = (&o[mark + 1..], &n[mark + 1..]);
        let done = format!(" ✅ {}", ymd(today));
        let at = n_rest
            .rfind(&done)
            .unwrap_or_else(|| panic!("{n:?} does not say when it was done"));
        let (head, tail) = (&n_rest[..at], &n_rest[at + done.len()..]);
        // What stood between the text and a block id may be white space the date replaced.
        let kept = o_rest.starts_with(head)
            && o_rest.ends_with(tail)
            && o_rest.len() >= head.len() + tail.len()
            && o_rest[head.len()..o_rest.len() - tail.len()]
                .chars()
                .all(char::is_whitespace);
        assert!(kept, "{o:?} is closed as {n:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_are_found_at_line_starts() {
        assert_eq!(insertion_at_line_start("a\nb\n", "a\nx\nb\n"), Some(2));
        assert_eq!(insertion_at_line_start("a", "a\nx"), Some(1));
        assert_eq!(insertion_at_line_start("ab\n", "axb\n"), None);
        assert_eq!(insertion_at_line_start("a\nb\n", "a\nc\n"), None);
    }

    #[test]
    fn a_closed_task_is_checked_line_by_line() {
        let today = Date::constant(2026, 11, 23);
        let note = "x\n- [ ] send it   ^id-1\n";
        let closed = close_task(note, 2, today).expect("an open task");
        check_closed(note, &closed, 2, today);
    }
}
