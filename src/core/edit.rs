//! Changing a note the user wrote: appending a log entry (`kith log`, a ticked check-in) and
//! closing a task (a ticked promise). Each takes the note's text and gives the new text, in
//! which only the intended lines differ: line endings (LF or CRLF), a byte-order mark, tabs,
//! trailing spaces, a missing final newline and the front-matter stay exactly as they were.
//! Pure: the shell reads and writes ([`crate::write`]).

use std::ops::Range;

use jiff::civil::Date;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::dates::{leading_date, ymd};
use super::note::{chunks, first_line_summary, in_comment, visible};
use super::text::LineIndex;
use open::{body_start, left_open, open_block};

mod open;

/// An interaction to add to a contact's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry<'a> {
    pub date: Date,
    /// Its title; without one, the text's first line gives it when it reads `title: text`,
    /// else it is `note`.
    pub title: Option<&'a str>,
    /// What was said: one line or several (the first line follows the title).
    pub text: &'a str,
}

/// A note with an entry added, and the 1-based line where the entry begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub text: String,
    pub line: usize,
}

/// How a log writes its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Style {
    /// `- 2026-11-23 title: text`, with this list marker and indentation.
    List { marker: char, indent: String },
    /// A heading of this level, the text below it (after a blank line, with `gap`).
    Heading { level: usize, gap: bool },
}

/// A log section as found: where entries go and how they are written.
struct Log {
    style: Style,
    /// Dates written as daily-note links (`[[2026-11-23]]`).
    linked: bool,
    /// The line before which an entry goes: first or after the last entry, as the order
    /// says; the end of the section when it has none.
    at_line: usize,
    /// The log heading's line.
    heading_line: usize,
}

/// Why an entry cannot be added to a note: where it would go, code, HTML or a `%%` comment
/// that the note leaves open would take it in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "an entry there would fall inside a code block, HTML block or %% comment the note \
     leaves open, and would not read as one; nothing was written (add it by hand)"
)]
pub struct Unplaceable {
    /// Where the entry would have begun (1-based).
    pub line: usize,
}

/// Adds `entry` to the log of `note`: the section headed `log_heading` (outside code), in
/// the note's own style and order, or a new `## Log` section at the end. Checked: the entry
/// reads as an entry where it is put, or nothing is changed.
pub fn append_log(
    note: &str,
    log_heading: &str,
    entry: &NewEntry<'_>,
) -> Result<Appended, Unplaceable> {
    let appended = place(note, log_heading, entry);
    let (headings, items) = structure(&appended.text);
    let at = appended.line - 1;
    if headings.iter().any(|h| h.line == at) || items.iter().any(|i| i.lines.start == at) {
        Ok(appended)
    } else {
        Err(Unplaceable {
            line: appended.line,
        })
    }
}

/// [`append_log`], unchecked.
fn place(note: &str, log_heading: &str, entry: &NewEntry<'_>) -> Appended {
    // A code fence or HTML block left open runs to the note's end and would take in an entry
    // below it: it is closed first, which shows the note as before (an open one ends where
    // the note does).
    // The note's own line ending throughout: a closing line after a last line that ends in
    // a lone CR must not make the note look like one of CRLF.
    let eol = Lines::of(note).eol;
    let mut note = std::borrow::Cow::Borrowed(note);
    // One closing each for what can nest (a fence in HTML, or HTML in a fence): never more.
    let mut closings = 0;
    loop {
        let lines = Lines::of(&note).ending(eol);
        let insertion = Insertion::find(&note, &lines, log_heading, entry);
        match open_block(&note, body_start(&note)) {
            Some(open) if closings < 2 && insertion.at > open.line => {
                closings += 1;
                let mut closed = note.to_string();
                if !closed.ends_with('\n') {
                    closed.push_str(lines.eol);
                }
                closed.push_str(&open.closing);
                if note.ends_with('\n') {
                    closed.push_str(lines.eol);
                }
                note = std::borrow::Cow::Owned(closed);
            }
            _ => return insertion.out_of_comments(&note, &lines).apply(&lines),
        }
    }
}

/// Where and what [`append_log`] inserts.
struct Insertion {
    /// The line index (0-based) before which the lines go.
    at: usize,
    new: Vec<String>,
    /// Set off by blank lines from what stands around.
    spaced: bool,
    /// The entry's first line, counted from the first inserted line.
    entry: usize,
}

impl Insertion {
    fn find(note: &str, lines: &Lines<'_>, log_heading: &str, entry: &NewEntry<'_>) -> Self {
        let (headings, items) = structure(note);
        let base = body_start(note);
        let shown = Shown {
            body: &visible(&note[base..]),
            base,
            lines,
        };
        match find_log((&headings, &items), lines, log_heading) {
            Some(log) => {
                let (spaced, level) = match log.style {
                    Style::Heading { level, .. } => (true, Some(level)),
                    Style::List { .. } => (false, None),
                };
                let opens = Opens {
                    level,
                    floor: log.heading_line + 1,
                };
                Insertion {
                    at: above_summaries(log.at_line, &headings, &shown, opens),
                    new: entry_lines(entry, &log.style, log.linked),
                    spaced,
                    entry: 0,
                }
            }
            None => {
                let style = Style::List {
                    marker: '-',
                    indent: String::new(),
                };
                let mut new = vec![format!("## {}", log_heading.trim()), String::new()];
                new.extend(entry_lines(entry, &style, false));
                let opens = Opens {
                    level: Some(2),
                    floor: 0,
                };
                Insertion {
                    at: above_summaries(lines.count(), &headings, &shown, opens),
                    new,
                    spaced: true,
                    entry: 2, // below the new heading and its blank line
                }
            }
        }
    }

    /// Inside a `%%` comment the entry would be hidden: it is set between a `%%` that closes
    /// the comment and one that opens it again over what follows, which stays hidden.
    fn out_of_comments(mut self, note: &str, lines: &Lines<'_>) -> Self {
        let offset = lines.start(self.at);
        let start = body_start(note);
        if offset < start || !in_comment(&note[start..], offset - start) {
            return self;
        }
        self.new.insert(0, "%%".to_string());
        self.entry += 1;
        if self.at < lines.count() {
            self.new.push("%%".to_string());
        }
        self
    }

    fn apply(&self, lines: &Lines<'_>) -> Appended {
        let mut appended = lines.insert(self.at, &self.new, self.spaced);
        appended.line += self.entry;
        appended
    }
}

/// A note's lines as its reader sees them: comments and over-long lines blank.
struct Shown<'a> {
    /// The body, blanked where hidden (offsets as in the note, less `base`).
    body: &'a str,
    base: usize,
    lines: &'a Lines<'a>,
}

impl Shown<'_> {
    /// Whether `lines` (0-based) hold nothing a summary would show.
    fn says_nothing(&self, lines: Range<usize>) -> bool {
        let from = self.lines.start(lines.start).saturating_sub(self.base);
        let to = self.lines.start(lines.end).saturating_sub(self.base);
        first_line_summary(&self.body[from..to]).is_empty()
    }
}

/// What an insertion begins with, for [`above_summaries`].
#[derive(Clone, Copy)]
struct Opens {
    /// The level of the heading it begins with; `None` for a list item.
    level: Option<usize>,
    /// The first line it may go before.
    floor: usize,
}

/// Where to insert what `opens` describes, at `at` or above: never as the first words below
/// a dated heading whose section holds it, for those words are that entry's summary. It
/// goes above such a heading instead.
fn above_summaries(mut at: usize, headings: &[Heading], shown: &Shown<'_>, opens: Opens) -> usize {
    'up: loop {
        // The headings whose sections hold line `at`, innermost first.
        let mut below = usize::MAX;
        for h in headings.iter().rev().filter(|h| h.line < at) {
            if h.level >= below {
                continue;
            }
            below = h.level;
            if h.line < opens.floor {
                break;
            }
            let holds = opens.level.is_none_or(|level| h.level < level);
            if holds && leading_date(h.text.trim()).is_some() && shown.says_nothing(h.line + 1..at)
            {
                at = h.line;
                continue 'up;
            }
        }
        return at;
    }
}

/// Closes the open task at 1-based `line` (`- [ ]` or `- [/]` becomes `- [x]`, and
/// ` ✅ YYYY-MM-DD` is added, as the Tasks plugin does, before a trailing block id).
/// `None` when that line is no open task.
pub fn close_task(note: &str, line: usize, today: Date) -> Option<String> {
    let lines = Lines::of(note);
    let l = *lines.all.get(line.checked_sub(1)?)?;
    let (content, ending) = split_ending(l);
    // A lone CR ends a line in Markdown (files from old Macs), so the task may start after
    // one: it is the first part of the line that is an open task.
    let (start, task) = cr_parts(content).find(|(_, part)| open_checkbox(part).is_some())?;
    let closed = format!(
        "{}{}{}",
        &content[..start],
        closed(task, today)?,
        &content[start + task.len()..]
    );
    let mut out = String::with_capacity(note.len() + 16);
    for (i, original) in lines.all.iter().enumerate() {
        if i + 1 == line {
            out.push_str(&closed);
            out.push_str(ending);
        } else {
            out.push_str(original);
        }
    }
    Some(out)
}

/// The parts of a line between lone CRs, each with where it starts.
fn cr_parts(content: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    content.split('\r').map(move |part| {
        let at = start;
        start += part.len() + 1;
        (at, part)
    })
}

/// The open task `task` (one line, without its ending), closed on `today`.
fn closed(task: &str, today: Date) -> Option<String> {
    let mark_at = open_checkbox(task)?;
    let mut closed = String::with_capacity(task.len() + 16);
    closed.push_str(&task[..mark_at]);
    closed.push('x');
    let rest = &task[mark_at + 1..];
    // Spaces and tabs end the line; other white space (a vertical tab) is the task's text.
    let body_end = rest.trim_end_matches([' ', '\t']).len();
    let (body, trailing) = rest.split_at(body_end);
    let done = format!(" ✅ {}", ymd(today));
    match block_id_start(body) {
        Some(id) => {
            closed.push_str(body[..id].trim_end());
            closed.push_str(&done);
            closed.push(' ');
            closed.push_str(&body[id..]);
        }
        None => {
            closed.push_str(body);
            closed.push_str(&done);
        }
    }
    closed.push_str(trailing);
    Some(closed)
}

/// Where the mark of an open checkbox (`[ ]`, `[/]`) of a list item is, in its line. Lists
/// and quotes may nest on one line (`- - [ ] a`, `> - [ ] a`): the checkbox opens the
/// innermost list item.
fn open_checkbox(line: &str) -> Option<usize> {
    let mut at = 0;
    let mut in_item = false;
    loop {
        let rest = &line[at..];
        let t = rest.trim_start_matches([' ', '\t']);
        at += rest.len() - t.len();
        if t.starts_with('>') {
            at += 1;
            in_item = false;
        } else if let Some(len) = list_marker(t) {
            at += len;
            in_item = true;
        } else {
            break;
        }
    }
    let b = line.as_bytes();
    let open = in_item
        && b.get(at) == Some(&b'[')
        && matches!(b.get(at + 1), Some(b' ' | b'/'))
        && b.get(at + 2) == Some(&b']')
        && b.get(at + 3).is_none_or(|c| matches!(c, b' ' | b'\t'));
    open.then_some(at + 1)
}

/// The length of the list marker `text` starts with (`-`, `*`, `+`, `1.`, `1)`), when a
/// space or tab follows it.
fn list_marker(text: &str) -> Option<usize> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let len = match text.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        _ => return None,
    };
    matches!(text.as_bytes().get(len), Some(b' ' | b'\t')).then_some(len)
}

/// Where a trailing block id (` ^abc-123`) starts in a task's text.
fn block_id_start(text: &str) -> Option<usize> {
    let at = text.rfind(" ^")? + 1;
    let id = &text[at + 1..];
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).then_some(at)
}

/// A line's content and its ending (`\n`, `\r\n` or none).
pub(crate) fn split_ending(line: &str) -> (&str, &str) {
    if let Some(content) = line.strip_suffix("\r\n") {
        (content, "\r\n")
    } else if let Some(content) = line.strip_suffix('\n') {
        (content, "\n")
    } else {
        (line, "")
    }
}

/// A note's lines, each with its ending.
struct Lines<'a> {
    all: Vec<&'a str>,
    /// Where each line starts in the note, and (last) the note's length.
    starts: Vec<usize>,
    /// The ending new lines get: the note's own (CRLF when it has one).
    eol: &'static str,
}

impl<'a> Lines<'a> {
    fn of(note: &'a str) -> Lines<'a> {
        let all: Vec<&str> = note.split_inclusive('\n').collect();
        let starts = std::iter::once(0)
            .chain(all.iter().scan(0, |at, l| {
                *at += l.len();
                Some(*at)
            }))
            .collect();
        Lines {
            all,
            starts,
            eol: if note.contains("\r\n") { "\r\n" } else { "\n" },
        }
    }

    /// Where line `i` (0-based) starts; the note's length past its last line.
    fn start(&self, i: usize) -> usize {
        self.starts[i.min(self.all.len())]
    }

    /// These lines, with new lines ending in `eol`.
    fn ending(self, eol: &'static str) -> Lines<'a> {
        Lines { eol, ..self }
    }

    fn count(&self) -> usize {
        self.all.len()
    }

    fn blank(&self, i: usize) -> bool {
        self.all.get(i).is_some_and(|l| l.trim().is_empty())
    }

    /// The note with `new` inserted before line index `at` (0-based); with `spaced`, set off
    /// by blank lines from what stands before and after. A note without a final newline keeps
    /// lacking one.
    fn insert(&self, at: usize, new: &[String], spaced: bool) -> Appended {
        let mut block: Vec<String> = Vec::new();
        if spaced && at > 0 && !self.blank(at - 1) {
            block.push(String::new());
        }
        let first = block.len();
        block.extend(new.iter().cloned());
        if spaced && at < self.count() && !self.blank(at) {
            block.push(String::new());
        }
        let mut out = String::new();
        for l in &self.all[..at] {
            out.push_str(l);
        }
        let at_end = at == self.count();
        let unterminated = at_end && self.all.last().is_some_and(|l| !l.ends_with('\n'));
        if unterminated {
            out.push_str(self.eol);
        }
        let last = block.len() - 1;
        for (i, l) in block.iter().enumerate() {
            out.push_str(l);
            if !(unterminated && i == last) {
                out.push_str(self.eol);
            }
        }
        for l in &self.all[at..] {
            out.push_str(l);
        }
        Appended {
            text: out,
            line: at + first + 1,
        }
    }
}

/// The lines of an entry in `style`.
fn entry_lines(entry: &NewEntry<'_>, style: &Style, linked: bool) -> Vec<String> {
    let date = if linked {
        format!("[[{}]]", ymd(entry.date))
    } else {
        ymd(entry.date)
    };
    // Any line break ends a line, a lone CR too (as Markdown reads it): the entry's lines
    // then all end as the note's do.
    let text = entry.text.replace("\r\n", "\n").replace('\r', "\n");
    let mut text = text.trim_end().lines();
    let first = text.next().unwrap_or("").trim();
    let rest: Vec<&str> = text.collect();
    // A title is one line: its line breaks become spaces.
    let title = entry
        .title
        .map(|t| t.split(['\r', '\n']).collect::<Vec<_>>().join(" "));
    // The title, and what of the first line follows it.
    let (title, said) = match title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) => (title, first),
        None => match first.split_once(": ") {
            Some((title, said)) if !title.trim().is_empty() => (title.trim(), said.trim()),
            _ => ("note", first),
        },
    };
    let mut out = match style {
        Style::List { marker, indent } => {
            let mut head = format!("{indent}{marker} {date} {title}");
            if !said.is_empty() {
                head.push_str(": ");
                head.push_str(said);
            }
            let under = format!("{indent}  ");
            let mut out = vec![head];
            out.extend(rest.iter().map(|l| {
                if l.trim().is_empty() {
                    String::new()
                } else {
                    format!("{under}{}", l.trim_end())
                }
            }));
            out
        }
        Style::Heading { level, gap } => {
            let mut out = vec![format!("{} {date} {title}", "#".repeat(*level))];
            if *gap && (!said.is_empty() || !rest.is_empty()) {
                out.push(String::new());
            }
            if !said.is_empty() {
                out.push(said.to_string());
            }
            out.extend(rest.iter().map(|l| l.trim_end().to_string()));
            out
        }
    };
    // Text that opens an Obsidian comment (`%%`), a code fence or an HTML block and leaves it
    // open would take in the rest of the note: it is closed at the end of the entry.
    for _ in 0..2 {
        let Some(open) = left_open(&out.join("\n")) else {
            break;
        };
        match out.last_mut() {
            Some(last) if !open.own_line => last.push_str(&open.closing),
            _ => out.push(open.closing),
        }
    }
    out
}

/// A heading of the body: its level, text and the lines it spans.
struct Heading {
    level: usize,
    text: String,
    /// 0-based index of its first line.
    line: usize,
}

/// A top-level list item of the body: its first line's text after the marker, its marker
/// and indentation, and the lines it spans (0-based, end exclusive).
struct Item {
    first: String,
    marker: char,
    indent: String,
    lines: Range<usize>,
}

/// The log section of `note` and how an entry goes into it.
fn find_log(
    (headings, items): (&[Heading], &[Item]),
    lines: &Lines<'_>,
    log_heading: &str,
) -> Option<Log> {
    let wanted = log_heading.trim();
    let at = headings
        .iter()
        .position(|h| h.text.trim().eq_ignore_ascii_case(wanted))?;
    let log = &headings[at];
    let end = headings[at + 1..]
        .iter()
        .find(|h| h.level <= log.level)
        .map_or(lines.count(), |h| h.line);
    let in_section = |line: usize| line > log.line && line < end;
    let dated = |text: &str| leading_date(text).map(|(d, _)| (d.ok(), text.starts_with("[[")));
    let dated_items: Vec<(&Item, Option<Date>, bool)> = items
        .iter()
        .filter(|i| in_section(i.lines.start))
        .filter_map(|i| dated(&i.first).map(|(d, linked)| (i, d, linked)))
        .collect();
    let dated_heads: Vec<(&Heading, Option<Date>, bool)> = headings[at + 1..]
        .iter()
        .filter(|h| in_section(h.line))
        .filter_map(|h| dated(h.text.trim()).map(|(d, linked)| (h, d, linked)))
        .collect();
    let order = |dates: Vec<Option<Date>>| -> bool {
        let dates: Vec<Date> = dates.into_iter().flatten().collect();
        dates.len() >= 2 && dates[0] > dates[dates.len() - 1]
    };
    // The end of the section's content: before the blank lines that close it.
    let mut content_end = end;
    while content_end > log.line + 1 && lines.blank(content_end - 1) {
        content_end -= 1;
    }
    if !dated_heads.is_empty() && dated_items.is_empty() {
        let newest_first = order(dated_heads.iter().map(|h| h.1).collect());
        let at_line = if newest_first {
            dated_heads[0].0.line
        } else {
            content_end
        };
        let first = dated_heads[0].0;
        return Some(Log {
            style: Style::Heading {
                level: first.level,
                gap: lines.blank(first.line + 1),
            },
            linked: dated_heads[0].2,
            at_line,
            heading_line: log.line,
        });
    }
    let newest_first = order(dated_items.iter().map(|i| i.1).collect());
    let (style, linked, at_line) = match (dated_items.first(), dated_items.last()) {
        (Some(first), Some(last)) => (
            Style::List {
                marker: first.0.marker,
                indent: first.0.indent.clone(),
            },
            first.2,
            if newest_first {
                first.0.lines.start
            } else {
                last.0.lines.end.min(end)
            },
        ),
        _ => (
            Style::List {
                marker: '-',
                indent: String::new(),
            },
            false,
            content_end,
        ),
    };
    Some(Log {
        style,
        linked,
        at_line,
        heading_line: log.line,
    })
}

/// The headings and top-level list items of a note's body (after its front-matter), with
/// their lines. Headings inside code are no headings.
fn structure(note: &str) -> (Vec<Heading>, Vec<Item>) {
    let base = body_start(note);
    // As the note's reader does: what is in a comment is no heading or item, and lines too
    // long to be prose are blank (parsing them would cost many times their size).
    let body = visible(&note[base..]);
    let body = body.as_ref();
    let index = LineIndex::new(note);
    // 0-based.
    let line_of = |offset: usize| index.line_of(offset) - 1;
    let mut headings = Vec::new();
    let mut items = Vec::new();
    let mut depth = 0usize;
    // In pieces, as the note is read: a very large note costs its size, not many times it.
    let events = chunks(body).into_iter().flat_map(|piece| {
        let start = piece.start;
        Parser::new_ext(&body[piece], Options::ENABLE_WIKILINKS)
            .into_offset_iter()
            .map(move |(event, range)| (event, range.start + start..range.end + start))
    });
    for (event, range) in events {
        let range = range.start + base..range.end + base;
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                headings.push(Heading {
                    level: level_number(level),
                    text: heading_source(&note[range.clone()]).to_string(),
                    line: line_of(range.start),
                });
            }
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => {
                let first_line = note[range.clone()].lines().next().unwrap_or("");
                let trimmed = first_line.trim_start();
                let indent = first_line[..first_line.len() - trimmed.len()].to_string();
                let marker = trimmed.chars().next().unwrap_or('-');
                let after = trimmed
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .get(1..)
                    .unwrap_or("")
                    .trim_start();
                // Its last line with text (in the text as parsed, long lines blank).
                let end_line = {
                    let end = range.end.max(range.start + 1) - base;
                    line_of(body[..end].trim_end().len() + base) + 1
                };
                items.push(Item {
                    first: after.to_string(),
                    marker: if marker.is_ascii_digit() { '-' } else { marker },
                    indent,
                    lines: line_of(range.start)..end_line,
                });
            }
            _ => {}
        }
    }
    (headings, items)
}

/// A heading's text as written: without its `#` marks (or its setext underline).
fn heading_source(raw: &str) -> &str {
    let first = raw.lines().next().unwrap_or("").trim();
    match first.strip_prefix('#') {
        Some(_) => {
            let text = first.trim_start_matches('#').trim();
            let closed = text.trim_end_matches('#');
            if closed.len() < text.len() && (closed.is_empty() || closed.ends_with(' ')) {
                closed.trim_end()
            } else {
                text
            }
        }
        None => first,
    }
}

fn level_number(level: HeadingLevel) -> usize {
    level as usize
}

#[cfg(test)]
mod tests;
