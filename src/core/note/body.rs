//! The body walker: reads a note's Markdown body with `pulldown-cmark` (wikilinks and tables
//! on) into dated entries, scopes, blocks, links and tasks. It walks the events once with
//! explicit stacks, so no nesting depth can overflow the stack, and keeps offsets as byte
//! ranges into the note's text, so the index can later take bodies without parsing again. It
//! only fills in the [`ParsedNote`] it is given: it must not read the front-matter nor judge
//! what a link reaches.

use std::ops::Range;

use jiff::civil::Date;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::inline::{
    SUMMARY_CHARS, SUMMARY_RAW_BYTES, TITLE_CHARS, after_list_marker, first_line_summary,
    heading_text, percent_decode, task_text, title_after_date,
};
use super::limits::chunks;
use super::{
    Block, BlockKind, Entry, EntryKind, LinkTarget, NoteLink, ParsedNote, Scope, Task, merge_ranges,
};
use crate::core::datelike::date_like;
use crate::core::dates::leading_date;
use crate::core::problem::Problem;
use crate::core::tags;
use crate::core::text::{LineIndex, plain_inline, plain_inline_max, prefix_bytes, truncate_chars};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Item,
    Paragraph,
    Heading,
    Cell,
    Other,
}

#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    range: Range<usize>,
    /// For items: where the item's own content ends (its first nested list).
    own_end: Option<usize>,
    /// For items that are tasks: the index into `tasks`.
    task: Option<usize>,
    /// For dated items in a note that is not a contact: the scope they open.
    scope: Option<usize>,
    /// The block index assigned to this frame, once a link is found inside it.
    block: Option<usize>,
}

/// What a list item's first line makes it.
enum Item {
    Task(usize),
    /// A dated item in a note that is not a contact: the scope it opens.
    Scope(usize),
    Plain,
}

struct OpenHeading {
    level: usize,
    start: usize,
    /// Where the heading itself ends and its section's body begins.
    end: usize,
    /// For a dated heading: the entry (contact notes) or scope (other notes) it opened.
    dated: Option<usize>,
}

pub(super) struct BodyWalker<'a> {
    note: &'a mut ParsedNote,
    text: &'a str,
    base: usize,
    lines: &'a LineIndex,
    frames: Vec<Frame>,
    /// Indexes into `frames` of the open paragraphs, items, headings and cells, and of the
    /// open items alone: the innermost of each is found without scanning `frames`, however
    /// deep the nesting.
    blocks: Vec<usize>,
    items: Vec<usize>,
    headings: Vec<OpenHeading>,
    code: Vec<Range<usize>>,
    /// Entries whose tags and summaries are filled in after the walk.
    entry_ranges: Vec<(usize, Range<usize>)>,
}

impl<'a> BodyWalker<'a> {
    pub(super) fn new(
        note: &'a mut ParsedNote,
        text: &'a str,
        base: usize,
        lines: &'a LineIndex,
    ) -> Self {
        Self {
            note,
            text,
            base,
            lines,
            frames: Vec::new(),
            blocks: Vec::new(),
            items: Vec::new(),
            headings: Vec::new(),
            code: Vec::new(),
            entry_ranges: Vec::new(),
        }
    }

    pub(super) fn walk(mut self) {
        let text = self.text;
        let body_start = self.base;
        let source = &text[body_start..];
        // Tables, for links in their cells; nothing else kith reads needs more.
        let options = Options::ENABLE_WIKILINKS | Options::ENABLE_TABLES;
        for chunk in chunks(source) {
            let start = body_start + chunk.start;
            for (event, range) in Parser::new_ext(&source[chunk], options).into_offset_iter() {
                let range = range.start + start..range.end + start;
                match event {
                    Event::Start(tag) => self.start(tag, range),
                    Event::End(end) => self.end(end, range),
                    Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                        self.code.push(range);
                    }
                    Event::Html(_) | Event::InlineHtml(_) => self.code.push(range),
                    _ => {}
                }
            }
            // Every block closes at a chunk's end; headings carry on.
            self.frames.clear();
            self.blocks.clear();
            self.items.clear();
        }
        let end = self.text.len();
        while let Some(h) = self.headings.pop() {
            self.close_heading(h, end);
        }
        self.finish();
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Heading { level, .. } => {
                let level = level as usize;
                while self.headings.last().is_some_and(|h| h.level >= level) {
                    if let Some(h) = self.headings.pop() {
                        self.close_heading(h, range.start);
                    }
                }
                let dated = self.dated_heading(&range);
                self.headings.push(OpenHeading {
                    level,
                    start: range.start,
                    end: range.end,
                    dated,
                });
                self.push_frame(FrameKind::Heading, range);
            }
            Tag::Item => {
                let item = self.list_item(&range);
                self.push_frame(FrameKind::Item, range);
                if let Some(top) = self.frames.last_mut() {
                    match item {
                        Item::Task(t) => top.task = Some(t),
                        Item::Scope(s) => top.scope = Some(s),
                        Item::Plain => {}
                    }
                }
            }
            Tag::List(_) => {
                if let Some(top) = self.frames.last_mut()
                    && top.kind == FrameKind::Item
                    && top.own_end.is_none()
                {
                    top.own_end = Some(range.start);
                }
                self.push_frame(FrameKind::Other, range);
            }
            Tag::Paragraph => self.push_frame(FrameKind::Paragraph, range),
            Tag::TableCell => self.push_frame(FrameKind::Cell, range),
            Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => {
                self.code.push(range.clone());
                self.push_frame(FrameKind::Other, range);
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            }
            | Tag::Image {
                link_type,
                dest_url,
                ..
            } => {
                if let Some(target) = link_target(link_type, &dest_url) {
                    self.link(target, range.clone());
                }
                self.push_frame(FrameKind::Other, range);
            }
            _ => self.push_frame(FrameKind::Other, range),
        }
    }

    fn push_frame(&mut self, kind: FrameKind, range: Range<usize>) {
        if kind != FrameKind::Other {
            self.blocks.push(self.frames.len());
        }
        if kind == FrameKind::Item {
            self.items.push(self.frames.len());
        }
        self.frames.push(Frame {
            kind,
            range,
            own_end: None,
            task: None,
            scope: None,
            block: None,
        });
    }

    fn end(&mut self, _end: TagEnd, _range: Range<usize>) {
        if let Some(frame) = self.frames.pop() {
            if frame.kind != FrameKind::Other {
                self.blocks.pop();
            }
            if frame.kind == FrameKind::Item {
                self.items.pop();
            }
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.lines.line_of(offset)
    }

    /// A date at the start of a heading or list item at `line`; when it is no real day, a
    /// warning that says so and what follows (`consequence`), and none.
    fn real_date(
        &mut self,
        date: Result<Date, String>,
        line: usize,
        consequence: &str,
    ) -> Option<Date> {
        match date {
            Ok(date) => Some(date),
            Err(shown) => {
                self.note.problems.push(Problem::warning(
                    &self.note.path,
                    Some(line),
                    format!("`{shown}` is not a real date; {consequence}"),
                ));
                None
            }
        }
    }

    /// In a contact's note, a heading or list item that begins with a date kith does not
    /// read (`Dec 1, 2026`): a warning with the form to write, as it is no conversation.
    fn typed_date(&mut self, text: &str, line: usize) {
        if !self.note.is_contact {
            return;
        }
        let Some(like) = date_like(text) else { return };
        let write: Vec<String> = like
            .readings
            .iter()
            .map(|d| {
                let iso = crate::core::dates::ymd(*d);
                if like.readings.len() > 1 {
                    format!("{iso} ({})", d.strftime("%-d %B"))
                } else {
                    iso
                }
            })
            .collect();
        self.note.problems.push(Problem::warning(
            &self.note.path,
            Some(line),
            format!(
                "`{}` is not a date kith reads, so this is no conversation: write it as \
                 YYYY-MM-DD, {}",
                like.shown,
                write.join(" or ")
            ),
        ));
    }

    /// A heading's date, if its text begins with one: opens an entry or a scope.
    fn dated_heading(&mut self, range: &Range<usize>) -> Option<usize> {
        let raw = &self.text[range.clone()];
        let text = heading_text(raw);
        let line = self.line(range.start);
        let Some((date, rest)) = leading_date(text) else {
            self.typed_date(text, line);
            return None;
        };
        let date = self.real_date(date, line, "this heading is not read as dated")?;
        let title = truncate_chars(
            &plain_inline_max(title_after_date(rest), TITLE_CHARS * 2),
            TITLE_CHARS,
        );
        if self.note.is_contact {
            self.note.entries.push(Entry {
                kind: EntryKind::Heading,
                date,
                title,
                summary_raw: String::new(),
                line,
                range: range.clone(),
                tags: Vec::new(),
            });
            Some(self.note.entries.len() - 1)
        } else {
            self.note.scopes.push(Scope {
                date,
                title,
                line,
                tags: Vec::new(),
            });
            Some(self.note.scopes.len() - 1)
        }
    }

    fn close_heading(&mut self, heading: OpenHeading, end: usize) {
        let Some(idx) = heading.dated else { return };
        if self.note.is_contact {
            let range = heading.start..end;
            let body = heading.end.min(end)..end;
            self.note.entries[idx].summary_raw = first_line_summary(&self.text[body]);
            self.note.entries[idx].range = range.clone();
            self.entry_ranges.push((idx, range));
        } else {
            // Scope tags: those in the heading itself.
            self.entry_ranges.push((idx, heading.start..heading.end));
        }
    }

    /// Reads a list item's first line: a task, or a dated entry (a contact's note) or scope
    /// (any other note).
    fn list_item(&mut self, range: &Range<usize>) -> Item {
        let first_line_end = self.text[range.clone()]
            .find('\n')
            .map_or(range.end, |i| range.start + i);
        let first = self.text[range.start..first_line_end].trim_end_matches('\r');
        // Titles and tasks are short: a pathological 5 MB line is read only so far.
        let first = prefix_bytes(first, 16 * 1024);
        let (own, checkbox) = after_list_marker(first);
        let line = self.line(range.start);
        if let Some(mark) = checkbox {
            let (text, due) = task_text(own);
            if text.is_empty() {
                return Item::Plain; // an empty checkbox is no task
            }
            let (due, bad_due) = match due {
                Some(Ok(d)) => (Some(d), None),
                Some(Err(shown)) => (None, Some(shown)),
                None => (None, None),
            };
            self.note.tasks.push(Task {
                line,
                open: mark == ' ' || mark == '/',
                text: plain_inline(&text),
                due,
                bad_due,
                links: Vec::new(),
            });
            return Item::Task(self.note.tasks.len() - 1);
        }
        let Some((date, rest)) = leading_date(own) else {
            self.typed_date(own, line);
            return Item::Plain;
        };
        let consequence = "this list item is not read as dated";
        let Some(date) = self.real_date(date, line, consequence) else {
            return Item::Plain;
        };
        let rest = title_after_date(rest);
        let (title, summary) = match rest.split_once(": ") {
            Some((title, text)) => (title, text),
            None => match rest.strip_suffix(':') {
                Some(title) => (title, ""),
                None => (rest, ""),
            },
        };
        let title = truncate_chars(&plain_inline_max(title, TITLE_CHARS * 2), TITLE_CHARS);
        if !self.note.is_contact {
            // A dated item of a running log (`- 2026-11-20 coffee with [[Ann]]`): its links
            // and its nested items' are dated by it; its tags are its first line's.
            self.note.scopes.push(Scope {
                date,
                title,
                line,
                tags: Vec::new(),
            });
            let idx = self.note.scopes.len() - 1;
            self.entry_ranges.push((idx, range.start..first_line_end));
            return Item::Scope(idx);
        }
        self.note.entries.push(Entry {
            kind: EntryKind::ListItem,
            date,
            title,
            summary_raw: prefix_bytes(summary.trim(), SUMMARY_RAW_BYTES).to_string(),
            line,
            range: range.clone(),
            tags: Vec::new(),
        });
        self.entry_ranges
            .push((self.note.entries.len() - 1, range.clone()));
        Item::Plain
    }

    /// Records a link: the block it stands in and the dated scope around it (the innermost
    /// dated list item, else the nearest dated heading).
    fn link(&mut self, target: LinkTarget, range: Range<usize>) {
        let line = self.line(range.start);
        let scope = if self.note.is_contact {
            None
        } else {
            self.items
                .iter()
                .rev()
                .find_map(|&i| self.frames[i].scope)
                .or_else(|| self.headings.iter().rev().find_map(|h| h.dated))
        };
        // A task's links, in order; in an open task, a plan rather than a conversation.
        let mut plan = false;
        if let Some(task) = self.items.last().map(|&i| &self.frames[i]) {
            let own_end = task.own_end.unwrap_or(task.range.end);
            if let Some(t) = task.task
                && range.start < own_end
            {
                self.note.tasks[t].links.push(target.clone());
                plan = self.note.tasks[t].open;
            }
        }
        let block = if self.note.is_contact {
            None
        } else {
            self.block_for_link()
        };
        self.note.links.push(NoteLink {
            target,
            line,
            block,
            scope,
            plan,
        });
    }

    /// The block a link stands in: the innermost paragraph, list item, heading or table
    /// cell (a paragraph directly inside a list item counts as the item).
    fn block_for_link(&mut self) -> Option<usize> {
        let mut idx = *self.blocks.last()?;
        if self.frames[idx].kind == FrameKind::Paragraph
            && idx > 0
            && self.frames[idx - 1].kind == FrameKind::Item
        {
            idx -= 1;
        }
        if let Some(b) = self.frames[idx].block {
            return Some(b);
        }
        let frame = &self.frames[idx];
        let end = frame.own_end.unwrap_or(frame.range.end);
        let range = frame.range.start..end.max(frame.range.start);
        let raw = prefix_bytes(&self.text[range.clone()], 4 * 1024);
        let text = match frame.kind {
            FrameKind::Item => after_list_marker(raw).0.to_string(),
            FrameKind::Heading => heading_text(raw).to_string(),
            _ => raw.to_string(),
        };
        // A paragraph in a quote or callout goes on over lines that start with `>`.
        let text = if text.contains('\n') {
            text.lines()
                .map(|l| l.trim_start().trim_start_matches(['>', ' ']))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            text
        };
        // Only a summary is kept; the whole block stays reachable through its range.
        let text = plain_inline_max(&text, SUMMARY_CHARS * 2);
        self.note.blocks.push(Block {
            kind: BlockKind::Text,
            line: self.line(range.start),
            range,
            text,
            tags: Vec::new(),
        });
        let b = self.note.blocks.len() - 1;
        self.frames[idx].block = Some(b);
        Some(b)
    }

    /// After the walk: tags of entries, scopes and blocks; summaries of heading entries.
    fn finish(self) {
        let Self {
            note,
            text,
            base,
            mut code,
            entry_ranges,
            ..
        } = self;
        code.sort_by_key(|r| r.start);
        let all_tags = tags::scan_from(text, base, &code);
        let tags_in = |range: &Range<usize>| -> Vec<String> {
            let from = all_tags.partition_point(|(at, _)| *at < range.start);
            let mut out: Vec<String> = all_tags[from..]
                .iter()
                .take_while(|(at, _)| *at < range.end)
                .map(|(_, t)| t.clone())
                .collect();
            out.dedup();
            out
        };
        // An entry's tags leave out those of the dated entries nested in it (a dated item
        // under a dated heading), so that one `#ask` is never counted twice.
        let mut by_start: Vec<Range<usize>> = if note.is_contact {
            entry_ranges.iter().map(|(_, r)| r.clone()).collect()
        } else {
            Vec::new()
        };
        by_start.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        for (idx, range) in entry_ranges {
            if note.is_contact {
                let from = by_start.partition_point(|r| r.start <= range.start);
                let nested: Vec<Range<usize>> = merge_ranges(
                    by_start[from..]
                        .iter()
                        .take_while(|r| r.start < range.end)
                        .cloned()
                        .collect(),
                );
                let entry = &mut note.entries[idx];
                entry.tags = if nested.is_empty() {
                    tags_in(&range)
                } else {
                    let mut own = Vec::new();
                    let mut at = range.start;
                    for r in nested
                        .iter()
                        .chain(std::iter::once(&(range.end..range.end)))
                    {
                        if r.start > at {
                            own.extend(tags_in(&(at..r.start.min(range.end))));
                        }
                        at = at.max(r.end);
                    }
                    own.sort();
                    own.dedup();
                    own
                };
                if entry.kind == EntryKind::ListItem && entry.summary_raw.is_empty() {
                    // The item's first line held no text after the title: use its next line.
                    let item = &text[range.clone()];
                    if let Some(nl) = item.find('\n') {
                        entry.summary_raw = first_line_summary(&item[nl..]);
                    }
                }
            } else {
                note.scopes[idx].tags = tags_in(&range);
            }
        }
        for block in &mut note.blocks {
            block.tags = tags_in(&block.range);
        }
    }
}

/// The code and HTML of a note's body (from `body_start` in `text`), sorted: what the walker
/// leaves out when it looks for tags, for a note that must be judged by its tags before it
/// is walked.
pub(super) fn code_ranges(text: &str, body_start: usize) -> Vec<Range<usize>> {
    let source = &text[body_start..];
    let options = Options::ENABLE_WIKILINKS | Options::ENABLE_TABLES;
    let mut code = Vec::new();
    for chunk in chunks(source) {
        let start = body_start + chunk.start;
        for (event, range) in Parser::new_ext(&source[chunk], options).into_offset_iter() {
            let is_code = match event {
                Event::Code(_)
                | Event::InlineMath(_)
                | Event::DisplayMath(_)
                | Event::Html(_)
                | Event::InlineHtml(_) => true,
                Event::Start(tag) => {
                    matches!(
                        tag,
                        Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)
                    )
                }
                _ => false,
            };
            if is_code {
                code.push(range.start + start..range.end + start);
            }
        }
    }
    code.sort_by_key(|r| r.start);
    code
}

/// A link target from a link event, or `None` for links that cannot reach a note (URLs,
/// anchors within the note).
pub(crate) fn link_target(link_type: LinkType, dest: &str) -> Option<LinkTarget> {
    let wiki = matches!(link_type, LinkType::WikiLink { .. });
    if !wiki
        && (dest.contains("://")
            || dest.starts_with("mailto:")
            || dest.starts_with('#')
            || matches!(link_type, LinkType::Autolink | LinkType::Email))
    {
        return None;
    }
    let decoded;
    let dest = if wiki {
        dest
    } else {
        decoded = percent_decode(dest);
        decoded.as_str()
    };
    let target = dest.split(['#', '|']).next().unwrap_or("").trim();
    let target = target.split("^").next().unwrap_or("").trim();
    if target.is_empty() {
        return None;
    }
    Some(LinkTarget {
        target: target.to_string(),
        markdown: !wiki,
    })
}
