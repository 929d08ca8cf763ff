//! One note's text → a [`ParsedNote`]: front-matter, interactions, dated scopes, links,
//! tasks and problems. This file holds what a parsed note is and [`parse`], which reads the
//! front-matter and hides comments and overlong lines before the body walker (`body.rs`)
//! reads the body; inline text is `inline.rs`'s and the size limits are `limits.rs`'. Nothing
//! here reads files or knows other notes: resolving links is [`super::links`]' job.

use std::ops::Range;

use jiff::civil::Date;

use super::dates::{leading_date, parse_date};
use super::frontmatter::{self, RawProperty, Split, Yaml};
use super::problem::Problem;
use super::tags;
use super::text::{LineIndex, plain_inline, strip_bom, truncate_chars};

// The body walker, inline text helpers and size limits that `parse` relies on.
mod body;
mod inline;
mod limits;

pub(crate) use inline::first_line_summary;
pub use inline::{SUMMARY_CHARS, TITLE_CHARS, plain_block, summary_text};
pub use limits::MAX_LINE_BYTES;
pub(crate) use limits::chunks;
use limits::long_lines;

use body::BodyWalker;
pub(crate) use body::link_target;

/// What decides that a note is a contact: its folder or its `tags` property.
#[derive(Debug, Clone, Default)]
pub struct ContactRules {
    /// Folders relative to the root, with `/` and no trailing slash.
    pub folders: Vec<String>,
    /// Contact tags, lower case, without `#`.
    pub tags: Vec<String>,
}

impl ContactRules {
    /// Whether a note at `path` with these `tags` property values is a contact.
    pub fn is_contact(&self, path: &str, note_tags: &[String]) -> bool {
        let in_folder = self.folders.iter().any(|folder| {
            folder.is_empty()
                || path
                    .strip_prefix(folder.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        in_folder
            || note_tags
                .iter()
                .any(|t| self.tags.iter().any(|c| *c == tags::normalize(t)))
    }

    /// Whether the note's body (from `body_start` in `text`) holds one of the contact tags
    /// inline (`#person`), outside code. Most notes hold none, and are told so by a plain
    /// search; only a note that seems to is read for its code spans.
    pub fn tagged_inline(&self, text: &str, body_start: usize) -> bool {
        let body = &text[body_start..];
        let seems = self.tags.iter().any(|tag| {
            let wanted = format!("#{tag}");
            memchr::memmem::find_iter(body.as_bytes(), b"#").any(|at| {
                body.get(at..at + wanted.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(&wanted))
            })
        });
        if !seems {
            return false;
        }
        let code = body::code_ranges(text, body_start);
        tags::scan_from(text, body_start, &code)
            .iter()
            .any(|(_, t)| self.tags.contains(&tags::normalize(t)))
    }

    /// Why the note at `path` is not a contact, for someone who expected it to be: `not
    /// under People/ and no #person tag`.
    pub fn why_not(&self, path: &str) -> String {
        let mut why = Vec::new();
        if !self.folders.is_empty() {
            let folders: Vec<String> = self.folders.iter().map(|f| format!("{f}/")).collect();
            why.push(format!("not under {}", folders.join(" or ")));
        }
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|t| format!("#{t}")).collect();
            why.push(format!("no {} tag", tags.join(" or ")));
        }
        if why.is_empty() {
            return format!("the config names no contact folder and no contact tag for {path}");
        }
        why.join(" and ")
    }
}

/// A link as written: its target without `#heading`, `^block` or `|shown` parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    /// The target text (a wikilink's target, or a Markdown link's decoded path).
    pub target: String,
    /// A Markdown link (`[x](People/Ada%20Lovelace.md)`): its target is a path relative to
    /// the linking note's folder.
    pub markdown: bool,
}

/// A link in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteLink {
    pub target: LinkTarget,
    /// 1-based line.
    pub line: usize,
    /// The block (paragraph, list item, heading or table cell) holding it: an index into
    /// [`ParsedNote::blocks`].
    pub block: Option<usize>,
    /// The nearest enclosing dated scope (a dated list item, else a dated heading): an index
    /// into [`ParsedNote::scopes`].
    pub scope: Option<usize>,
    /// In an open task's own text (`- [ ] call [[Bob]]`): a plan, not a conversation.
    pub plan: bool,
}

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A paragraph, list item, heading or table cell of the body.
    Text,
    /// The note's properties, holding links (`attendees: ["[[Ada]]"]`): its range is the
    /// whole body, the meeting's text, for a contact linked from them alone.
    Properties,
}

/// A paragraph, list item, heading or table cell that holds at least one link (or the
/// properties, when they hold links).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub range: Range<usize>,
    pub line: usize,
    /// Its own text, as plain text on one line.
    pub text: String,
    /// The tags inside it.
    pub tags: Vec<String>,
}

/// A dated heading's section, or a dated list item with its nested items, in a note that is
/// not a contact: a scope for mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub date: Date,
    pub title: String,
    pub line: usize,
    pub tags: Vec<String>,
}

/// Where an interaction is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Heading,
    ListItem,
}

/// A dated heading or list item in a contact note: one interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    pub date: Date,
    pub title: String,
    /// The first line of its text as written (a bounded prefix, list and quote markers
    /// removed): [`summary_text`] makes the summary shown from it, only when one is shown.
    pub summary_raw: String,
    /// 1-based line of the heading or item.
    pub line: usize,
    /// Byte range in the note's text: the heading's whole section, or the item with its
    /// nested items.
    pub range: Range<usize>,
    pub tags: Vec<String>,
}

/// A task: a list item with a checkbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub line: usize,
    /// `[ ]` and `[/]` are open; every other mark is closed.
    pub open: bool,
    /// The item's text without the checkbox, date markers and a trailing block id.
    pub text: String,
    pub due: Option<Date>,
    /// A due marker whose date is impossible, as written.
    pub bad_due: Option<String>,
    /// The links in its text, in order.
    pub links: Vec<LinkTarget>,
}

/// Everything kith reads from one note.
#[derive(Debug, Clone, Default)]
pub struct ParsedNote {
    /// Path relative to the root, with `/`.
    pub path: String,
    /// File name without `.md`.
    pub stem: String,
    pub is_contact: bool,
    /// Front-matter properties, their lines counted in the whole file.
    pub properties: Vec<RawProperty>,
    /// When the front-matter could not be read: its problem (an index into `problems`).
    pub front_matter_problem: Option<usize>,
    /// Interactions (contact notes only).
    pub entries: Vec<Entry>,
    /// Dated headings and list items (other notes only).
    pub scopes: Vec<Scope>,
    pub links: Vec<NoteLink>,
    /// Blocks that hold links (other notes only).
    pub blocks: Vec<Block>,
    pub tasks: Vec<Task>,
    /// The `date` property, or a date the stem begins with (other notes only).
    pub note_date: Option<Date>,
    pub problems: Vec<Problem>,
}

impl ParsedNote {
    /// A property by key, compared case-insensitively.
    pub fn property(&self, key: &str) -> Option<&RawProperty> {
        self.properties
            .iter()
            .find(|p| p.key.eq_ignore_ascii_case(key))
    }

    /// The `tags` property's values, as written (a list, or one text of comma- or
    /// space-separated tags).
    pub fn tag_values(&self) -> Vec<String> {
        self.property("tags")
            .map(|p| text_list(&p.value, true))
            .unwrap_or_default()
    }
}

impl ParsedNote {
    /// The first line, as written, of the interaction at `line` of this note: the log
    /// entry's there (a contact's note), else the text of the block there that links a
    /// contact (a mention).
    pub fn first_line_at(&self, line: usize) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.line == line)
            .map(|e| e.summary_raw.as_str())
            .or_else(|| {
                self.blocks
                    .iter()
                    .find(|b| b.line == line)
                    .map(|b| b.text.as_str())
            })
    }
}

/// The texts of a list-valued property; one text is split on commas (and, for tags, on white
/// space). Non-text items are skipped.
pub fn text_list(value: &Yaml, split_spaces: bool) -> Vec<String> {
    let split = |s: &str| -> Vec<String> {
        s.split(|c: char| c == ',' || (split_spaces && c.is_whitespace()))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    };
    match value {
        Yaml::Seq(items) => items
            .iter()
            .filter_map(Yaml::as_text)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        Yaml::Str(s) => split(s),
        _ => Vec::new(),
    }
}

/// The title a note's file name gives its conversations: the stem without a leading date and
/// separator (`2026-11-20 Team sync` → `Team sync`), empty for a daily note.
pub fn title_of_stem(stem: &str) -> String {
    match leading_date(stem) {
        Some((_, rest)) => inline::title_after_date(rest).to_string(),
        None => stem.to_string(),
    }
}

/// The file stem of a vault path: its last component without `.md`.
pub fn stem_of(path: &str) -> &str {
    super::text::without_md(path.rsplit('/').next().unwrap_or(path))
}

/// Parses one note. `path` is relative to the root with `/`; `text` is the whole file.
pub fn parse(path: &str, text: &str, rules: &ContactRules) -> ParsedNote {
    let (text, _) = strip_bom(text);
    let lines = LineIndex::new(text);
    let mut note = ParsedNote {
        path: path.to_string(),
        stem: stem_of(path).to_string(),
        ..ParsedNote::default()
    };
    if let Some(nul) = memchr::memchr(0, text.as_bytes()) {
        note.problems.push(Problem::warning(
            path,
            Some(lines.line_of(nul)),
            "a NUL byte (binary content?) in the text; the note is read as text",
        ));
    }
    let body_offset = match frontmatter::split(text) {
        Split::None => 0,
        Split::Unclosed => {
            note.front_matter_problem = Some(note.problems.len());
            note.problems.push(Problem::error(
                path,
                Some(1),
                "front-matter opened on line 1 is never closed (no `---` line after it); read as body text",
            ));
            0
        }
        Split::Closed { yaml, body_offset } => {
            commented_tags(&mut note, yaml);
            match frontmatter::parse_yaml(yaml) {
                Ok(mut props) => {
                    for p in &mut props {
                        p.line += 1; // the YAML starts on the file's second line
                    }
                    note.properties = props;
                }
                Err(err) => {
                    note.front_matter_problem = Some(note.problems.len());
                    // YAML indents with spaces only; a tab is the commonest mistake, and the
                    // parser's words for it do not say what to do.
                    let tab = yaml
                        .lines()
                        .position(|l| l.trim_start_matches(' ').starts_with('\t'));
                    let problem = match tab {
                        Some(i) => Problem::error(
                            path,
                            Some(i + 2),
                            "front-matter is indented with a tab: YAML allows only spaces, \
                             so indent with spaces",
                        ),
                        None => {
                            Problem::error(path, Some(err.line.map_or(1, |l| l + 1)), err.message)
                        }
                    };
                    note.problems.push(problem);
                }
            }
            body_offset
        }
    };
    // Obsidian comments (`%%…%%`) and lines too long to be prose are hidden from everything
    // below: blanked to spaces of the same length, so offsets and lines hold.
    let body = &text[body_offset..];
    let mut hidden: Vec<Range<usize>> = comment_ranges(body)
        .map(|r| r.start + body_offset..r.end + body_offset)
        .collect();
    for r in long_lines(body) {
        let r = r.start + body_offset..r.end + body_offset;
        note.problems.push(Problem::warning(
            path,
            Some(lines.line_of(r.start)),
            format!(
                "a line longer than {} KiB; its links, tags and dates are not read",
                MAX_LINE_BYTES / 1024
            ),
        ));
        hidden.push(r);
    }
    let hidden = merge_ranges(hidden);
    let blanked;
    let visible = if hidden.is_empty() {
        text
    } else {
        blanked = blank_ranges(text, &hidden, 0);
        blanked.as_str()
    };
    // Obsidian counts a `#person` in the body as the note's tag, as much as one in `tags`.
    note.is_contact =
        rules.is_contact(path, &note.tag_values()) || rules.tagged_inline(visible, body_offset);
    if !note.is_contact {
        note.note_date = note_date(&mut note);
    }
    property_links(&mut note, &text[body_offset..], body_offset);
    BodyWalker::new(&mut note, visible, body_offset, &lines).walk();
    note
}

/// `tags: #person` is a YAML comment, so the note has no tags at all (and a `- #person` item
/// is empty): said, with how to write it, since the note silently is no contact otherwise.
fn commented_tags(note: &mut ParsedNote, yaml: &str) {
    let mut in_tags = false;
    for (i, line) in yaml.lines().enumerate() {
        let top_level = !line.starts_with([' ', '\t', '-']);
        if top_level {
            in_tags = false;
        }
        let value = match line.split_once(':') {
            Some((key, value)) if top_level && key.trim().eq_ignore_ascii_case("tags") => {
                in_tags = true;
                value.trim()
            }
            _ if in_tags => match line.trim_start().strip_prefix('-') {
                Some(item) => item.trim(),
                None => continue,
            },
            _ => continue,
        };
        let Some(tag) = value.strip_prefix('#') else {
            continue;
        };
        let tag = tag.split([' ', ',', ']']).next().unwrap_or("").trim();
        if tag.is_empty() {
            continue;
        }
        note.problems.push(Problem::warning(
            &note.path,
            Some(i + 2),
            format!(
                "`{}` is a YAML comment, not a tag (YAML starts a comment at `#`): write \
                 `tags: [{tag}]` or `tags: {tag}`",
                line.trim()
            ),
        ));
    }
}

/// Wikilinks in property values (`attendees: ["[[Ada]]"]`): Obsidian counts them as the
/// note's links, so kith does too, in the part of the note outside dated headings. Their
/// block is the body (`body`, at `body_offset`): the meeting's text is the conversation of
/// a contact linked from the properties alone.
fn property_links(note: &mut ParsedNote, body: &str, body_offset: usize) {
    let mut found = Vec::new();
    fn has_link(value: &Yaml) -> bool {
        match value {
            Yaml::Str(s) => s.contains("[["),
            Yaml::Seq(items) => items.iter().any(has_link),
            Yaml::Map(entries) => entries.iter().any(|(_, v)| has_link(v)),
            _ => false,
        }
    }
    for p in note.properties.iter().filter(|p| has_link(&p.value)) {
        let mut values = Vec::new();
        p.value.flatten_text(&mut values);
        let mut targets = Vec::new();
        for value in &values {
            let mut rest = value.as_str();
            while let Some(open) = rest.find("[[") {
                let after = &rest[open + 2..];
                let Some(close) = after.find("]]") else { break };
                let inner = &after[..close];
                let target = inner.split(['|', '#', '^']).next().unwrap_or("").trim();
                if !target.is_empty() {
                    targets.push(target.to_string());
                }
                rest = &after[close + 2..];
            }
        }
        if !targets.is_empty() {
            let shown = values
                .iter()
                .map(|v| plain_inline(v))
                .collect::<Vec<_>>()
                .join(", ");
            found.push((p.line, format!("{}: {shown}", p.key), targets));
        }
    }
    let first_line = inline::first_line_summary(body);
    for (line, text, targets) in found {
        let block = (!note.is_contact).then(|| {
            let shown = if first_line.is_empty() {
                &text
            } else {
                &first_line
            };
            note.blocks.push(Block {
                kind: BlockKind::Properties,
                range: body_offset..body_offset + body.len(),
                line,
                text: truncate_chars(shown, SUMMARY_CHARS * 2),
                tags: Vec::new(),
            });
            note.blocks.len() - 1
        });
        for target in targets {
            note.links.push(NoteLink {
                target: LinkTarget {
                    target,
                    markdown: false,
                },
                line,
                block,
                scope: None,
                plan: false,
            });
        }
    }
}

/// The date of a note that is not a contact: its `date` property, else a date its stem
/// begins with.
fn note_date(note: &mut ParsedNote) -> Option<Date> {
    if let Some(p) = note.property("date") {
        match p.value.as_text().map(|t| parse_date(&t)) {
            Some(Ok(date)) => return Some(date),
            Some(Err(_)) | None if p.value != Yaml::Null => {
                let shown = p
                    .value
                    .as_text()
                    .unwrap_or_else(|| p.value.kind().to_string());
                let problem = Problem::warning(
                    &note.path,
                    Some(p.line),
                    format!("property `date`: `{shown}` is not a date (YYYY-MM-DD)"),
                );
                note.problems.push(problem);
            }
            _ => {}
        }
    }
    match leading_date(&note.stem) {
        Some((Ok(date), _)) => Some(date),
        _ => None,
    }
}

/// Obsidian comments: from a `%%` to the next `%%` (or to the end, when none closes it).
fn comment_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut marks = memchr::memmem::find_iter(text.as_bytes(), b"%%");
    let mut last_end = 0;
    std::iter::from_fn(move || {
        let open = marks.by_ref().find(|&at| at >= last_end)?;
        let close = marks
            .by_ref()
            .find(|&at| at >= open + 2)
            .map_or(text.len(), |at| at + 2);
        last_end = close;
        Some(open..close)
    })
}

/// `body` as the reader sees it: Obsidian comments and lines too long to be prose blanked to
/// spaces of the same length, so that offsets hold.
pub(crate) fn visible(body: &str) -> std::borrow::Cow<'_, str> {
    let hidden = merge_ranges(comment_ranges(body).chain(long_lines(body)).collect());
    if hidden.is_empty() {
        std::borrow::Cow::Borrowed(body)
    } else {
        std::borrow::Cow::Owned(blank_ranges(body, &hidden, 0))
    }
}

/// Where a comment left open at the end of `text` (a `%%` no other closes) begins, if one is.
pub(crate) fn open_comment(text: &str) -> Option<usize> {
    let last = comment_ranges(text).last()?;
    left_open(text, &last).then_some(last.start)
}

/// Whether a line starting at `offset` of `text` (a note's body) starts inside a comment: one
/// that opened before it and closes after it, or never.
pub(crate) fn in_comment(text: &str, offset: usize) -> bool {
    comment_ranges(text)
        .any(|r| r.start < offset && (offset < r.end || offset == r.end && left_open(text, &r)))
}

/// Whether the comment at `range` of `text` is one no `%%` closes.
fn left_open(text: &str, range: &Range<usize>) -> bool {
    let closed = range.len() >= 4 && text[..range.end].ends_with("%%");
    range.end == text.len() && !closed
}

/// Sorted ranges with overlaps merged.
pub(super) fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// A copy of `text` with the given ranges (offsets shifted by `base`) replaced by spaces of
/// the same byte length.
fn blank_ranges(text: &str, ranges: &[Range<usize>], base: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        let (s, e) = (r.start - base, r.end - base);
        out.push_str(&text[at..s]);
        out.extend(std::iter::repeat_n(' ', e - s));
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests;
