//! One note's text → a [`ParsedNote`]: front-matter, interactions, dated scopes, links,
//! tasks and problems.
//!
//! The body is read with `pulldown-cmark` (wikilinks on), walking its events once with
//! explicit stacks, so no nesting depth can overflow the stack. Offsets are kept as byte
//! ranges into the note's text so the index can later take bodies without parsing again.
//! Nothing here reads files or knows other notes: resolving links is [`super::model`]'s job.

use std::ops::Range;

use jiff::civil::Date;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::dates::{leading_date, parse_date};
use super::frontmatter::{self, RawProperty, Split, Yaml};
use super::problem::Problem;
use super::tags;
use super::text::{
    LineIndex, collapse_whitespace, plain_inline, plain_inline_max, prefix_bytes, strip_bom,
    truncate_chars,
};

/// How long a summary may be, in characters.
pub const SUMMARY_CHARS: usize = 160;
/// How long a title may be, in characters.
pub const TITLE_CHARS: usize = 200;

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
    /// The nearest enclosing dated heading: an index into [`ParsedNote::scopes`].
    pub scope: Option<usize>,
}

/// A paragraph, list item, heading or table cell that holds at least one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub range: Range<usize>,
    pub line: usize,
    /// Its own text, as plain text on one line.
    pub text: String,
    /// The tags inside it.
    pub tags: Vec<String>,
}

/// A dated heading's section in a note that is not a contact: a scope for mentions.
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
    /// Whether the front-matter could be read (absent counts as read).
    pub front_matter_ok: bool,
    /// Interactions (contact notes only).
    pub entries: Vec<Entry>,
    /// Dated headings (other notes only).
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
        front_matter_ok: true,
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
            note.front_matter_ok = false;
            note.problems.push(Problem::error(
                path,
                Some(1),
                "front-matter opened on line 1 is never closed (no `---` line after it); read as body text",
            ));
            0
        }
        Split::Closed { yaml, body_offset } => {
            match frontmatter::parse_yaml(yaml) {
                Ok(mut props) => {
                    for p in &mut props {
                        p.line += 1; // the YAML starts on the file's second line
                    }
                    note.properties = props;
                }
                Err(err) => {
                    note.front_matter_ok = false;
                    note.problems.push(Problem::error(
                        path,
                        Some(err.line.map_or(1, |l| l + 1)),
                        err.message,
                    ));
                }
            }
            body_offset
        }
    };
    note.is_contact = rules.is_contact(path, &note.tag_values());
    if !note.is_contact {
        note.note_date = note_date(&mut note);
    }
    property_links(&mut note);
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
    BodyWalker::new(&mut note, visible, body_offset, &lines).walk();
    note
}

/// Wikilinks in property values (`attendees: ["[[Ada]]"]`): Obsidian counts them as the
/// note's links, so kith does too, in the part of the note outside dated headings.
fn property_links(note: &mut ParsedNote) {
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
    for (line, text, targets) in found {
        let block = (!note.is_contact).then(|| {
            note.blocks.push(Block {
                range: 0..0,
                line,
                text: truncate_chars(&text, SUMMARY_CHARS * 2),
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

/// Splits the text after an entry's date into its title: an optional separator, then the
/// rest.
fn title_after_date(rest: &str) -> &str {
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix(['-', '–', '—', '·', ':', '|', ','])
        .unwrap_or(rest);
    rest.trim()
}

/// The list marker and checkbox at the start of a list item's first line: returns the text
/// after the marker and, for a task, the checkbox's mark.
fn after_list_marker(line: &str) -> (&str, Option<char>) {
    let t = line.trim_start();
    let after = if let Some(rest) = t.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        if digits == 0 || digits > 9 {
            return (t, None);
        }
        match t[digits..].strip_prefix(['.', ')']) {
            Some(rest) => rest,
            None => return (t, None),
        }
    };
    let after = after.trim_start_matches([' ', '\t']);
    let mut chars = after.chars();
    if chars.next() == Some('[')
        && let (Some(mark), Some(']')) = (chars.next(), chars.next())
    {
        let rest = chars.as_str();
        if rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']) {
            return (rest.trim_start_matches([' ', '\t']), Some(mark));
        }
    }
    (after, None)
}

/// A heading's text from its source: without `#` markers (ATX) or its underline (setext).
fn heading_text(raw: &str) -> &str {
    let t = raw.trim_start();
    if t.starts_with('#') {
        let line = t.lines().next().unwrap_or("");
        let line = line.trim_start_matches('#').trim();
        // A closing sequence of #s, preceded by a space, is not part of the text.
        let without_close = line.trim_end_matches('#');
        if without_close.len() < line.len()
            && (without_close.is_empty() || without_close.ends_with([' ', '\t']))
        {
            without_close.trim_end()
        } else {
            line
        }
    } else {
        let t = t.trim_end();
        match t.rfind('\n') {
            Some(i) => t[..i].trim(),
            None => t,
        }
    }
}

/// A task's text as shown, and its due date (or an impossible due date as written).
fn task_text(raw: &str) -> (String, Option<Result<Date, String>>) {
    let mut text = raw.to_string();
    let mut due = None;
    // Tasks-plugin date emoji: the due date is 📅; the others are dropped from the text.
    for marker in ["📅", "⏳", "🛫", "✅", "➕", "❌"] {
        while let Some(pos) = text.find(marker) {
            let after = &text[pos + marker.len()..];
            let trimmed = after.trim_start();
            let skipped = after.len() - trimmed.len();
            let date_len = if trimmed.len() >= 10 && trimmed.is_char_boundary(10) {
                10
            } else {
                0
            };
            let date_text = &trimmed[..date_len];
            if marker == "📅" && due.is_none() {
                due = Some(parse_date(date_text).map_err(|_| date_text.to_string()));
            }
            let end = pos + marker.len() + skipped + date_len;
            text.replace_range(pos..end, " ");
        }
    }
    // Inline fields: [due:: D], (due:: D), due:: D.
    for (open, close) in [("[due::", "]"), ("(due::", ")")] {
        while let Some(pos) = text.find(open) {
            let Some(rel) = text[pos..].find(close) else {
                break;
            };
            let value = text[pos + open.len()..pos + rel].trim().to_string();
            if due.is_none() {
                due = Some(parse_date(&value).map_err(|_| value.clone()));
            }
            text.replace_range(pos..pos + rel + close.len(), " ");
        }
    }
    if let Some(pos) = text.find("due::") {
        let value = text[pos + 5..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        if due.is_none() {
            due = Some(parse_date(&value).map_err(|_| value.clone()));
        }
        let end = text[pos + 5..]
            .find(|c: char| !c.is_whitespace())
            .map_or(text.len(), |s| pos + 5 + s + value.len());
        text.replace_range(pos..end, " ");
    }
    let mut text = collapse_whitespace(&text);
    // A trailing block id: ` ^abc123`.
    if let Some(pos) = text.rfind(" ^") {
        let id = &text[pos + 2..];
        if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            text.truncate(pos);
        }
    } else if text.starts_with('^')
        && text[1..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        text.clear();
    }
    (text, due)
}

/// Percent-decodes a Markdown link destination.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A link target from a link event, or `None` for links that cannot reach a note (URLs,
/// anchors within the note).
fn link_target(link_type: LinkType, dest: &str) -> Option<LinkTarget> {
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
    /// For items that are tasks: the index into `tasks` and the links seen in its own text.
    task: Option<usize>,
    /// The block index assigned to this frame, once a link is found inside it.
    block: Option<usize>,
}

struct OpenHeading {
    level: usize,
    start: usize,
    /// Where the heading itself ends and its section's body begins.
    end: usize,
    /// For a dated heading: the entry (contact notes) or scope (other notes) it opened.
    dated: Option<usize>,
}

struct BodyWalker<'a> {
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
    fn new(note: &'a mut ParsedNote, text: &'a str, base: usize, lines: &'a LineIndex) -> Self {
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

    fn walk(mut self) {
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
                let task = self.list_item(&range);
                self.push_frame(FrameKind::Item, range);
                if let Some(top) = self.frames.last_mut() {
                    top.task = task;
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

    /// A heading's date, if its text begins with one: opens an entry or a scope.
    fn dated_heading(&mut self, range: &Range<usize>) -> Option<usize> {
        let raw = &self.text[range.clone()];
        let text = heading_text(raw);
        let (date, rest) = leading_date(text)?;
        let line = self.line(range.start);
        let date = match date {
            Ok(date) => date,
            Err(shown) => {
                self.note.problems.push(Problem::warning(
                    &self.note.path,
                    Some(line),
                    format!("`{shown}` is not a real date; this heading is not read as dated"),
                ));
                return None;
            }
        };
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

    /// Reads a list item's first line: a task, or (in a contact note) a dated entry.
    fn list_item(&mut self, range: &Range<usize>) -> Option<usize> {
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
                return None; // an empty checkbox is no task
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
            return Some(self.note.tasks.len() - 1);
        }
        if !self.note.is_contact {
            return None;
        }
        let (date, rest) = leading_date(own)?;
        let date = match date {
            Ok(date) => date,
            Err(shown) => {
                self.note.problems.push(Problem::warning(
                    &self.note.path,
                    Some(line),
                    format!(
                        "`{shown}` is not a real date; this list item is not read as an interaction"
                    ),
                ));
                return None;
            }
        };
        let rest = title_after_date(rest);
        let (title, summary) = match rest.split_once(": ") {
            Some((title, text)) => (title, text),
            None => match rest.strip_suffix(':') {
                Some(title) => (title, ""),
                None => (rest, ""),
            },
        };
        self.note.entries.push(Entry {
            kind: EntryKind::ListItem,
            date,
            title: truncate_chars(&plain_inline_max(title, TITLE_CHARS * 2), TITLE_CHARS),
            summary_raw: prefix_bytes(summary.trim(), SUMMARY_RAW_BYTES).to_string(),
            line,
            range: range.clone(),
            tags: Vec::new(),
        });
        self.entry_ranges
            .push((self.note.entries.len() - 1, range.clone()));
        None
    }

    /// Records a link: the block it stands in and the dated heading around it.
    fn link(&mut self, target: LinkTarget, range: Range<usize>) {
        let line = self.line(range.start);
        let scope = if self.note.is_contact {
            None
        } else {
            self.headings.iter().rev().find_map(|h| h.dated)
        };
        // A task's links, in order.
        if let Some(task) = self.items.last().map(|&i| &self.frames[i]) {
            let own_end = task.own_end.unwrap_or(task.range.end);
            if let Some(t) = task.task
                && range.start < own_end
            {
                self.note.tasks[t].links.push(target.clone());
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

/// The first line of text below a heading (or after an item's first line), as plain text:
/// list markers, quote markers and heading markers removed, at most [`SUMMARY_CHARS`].
fn first_line_summary(section: &str) -> String {
    for line in section.lines() {
        let mut t = line.trim();
        loop {
            let before = t;
            t = t.trim_start_matches('>').trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                t = "";
            }
            let (after, checkbox) = after_list_marker(t);
            if after.len() != t.len() || checkbox.is_some() {
                t = after;
            }
            if t.starts_with('#') {
                t = t.trim_start_matches('#').trim_start();
            }
            if t == before {
                break;
            }
        }
        if t.is_empty()
            || t.chars()
                .all(|c| matches!(c, '-' | '=' | '*' | '_' | '|' | ':' | ' '))
        {
            continue;
        }
        return prefix_bytes(t, SUMMARY_RAW_BYTES).to_string();
    }
    String::new()
}

/// How much of a first line is kept for its summary: room for 160 characters of text
/// after links and emphasis are dropped.
const SUMMARY_RAW_BYTES: usize = SUMMARY_CHARS * 3;

/// The summary shown for a first line kept as written: plain text, at most
/// [`SUMMARY_CHARS`] characters.
pub fn summary_text(raw: &str) -> String {
    truncate_chars(&plain_inline_max(raw, SUMMARY_CHARS * 2), SUMMARY_CHARS)
}

/// Bodies larger than this are parsed in pieces, so that the Markdown parser's memory (a few
/// dozen bytes per line, and up to a couple of hundred per bracket or emphasis mark) stays
/// bounded whatever the note holds.
const CHUNK_BYTES: usize = 512 * 1024;
/// A piece holding more inline marks than this may be cut at any line outside a fenced
/// block (only pathological text gets there: real prose has a few marks per line).
const CHUNK_MARKS: usize = 256 * 1024;
/// Lines longer than this are not prose: they are blanked before parsing and reported.
pub const MAX_LINE_BYTES: usize = 256 * 1024;

/// Splits a body into pieces of about [`CHUNK_BYTES`] or more. A piece ends before a line
/// that starts at the left margin, outside a fenced code block — a new paragraph, heading or
/// top-level list item, where no open block can go on — so a list item's nested lines always
/// stay with it. Only a piece that also holds more than [`CHUNK_MARKS`] brackets, emphasis
/// marks and the like may be cut at any line outside a fence. A body up to [`CHUNK_BYTES`]
/// is one piece, read exactly as a whole.
fn chunks(body: &str) -> Vec<Range<usize>> {
    if body.len() <= CHUNK_BYTES {
        return vec![Range {
            start: 0,
            end: body.len(),
        }];
    }
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut chunk_start = 0;
    let mut marks = 0usize;
    let mut fence: Option<(u8, usize)> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let line_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let line = &body[pos..line_end];
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let fence_mark = (indent < 4)
            .then(|| {
                let b = trimmed.as_bytes();
                let c = *b.first()?;
                let n = b.iter().take_while(|&&x| x == c).count();
                ((c == b'`' || c == b'~') && n >= 3).then_some((c, n))
            })
            .flatten();
        if fence.is_none() && pos - chunk_start >= CHUNK_BYTES {
            let at_margin = indent == 0 && !trimmed.trim().is_empty() && !trimmed.starts_with('\t');
            if at_margin || marks >= CHUNK_MARKS {
                out.push(chunk_start..pos);
                chunk_start = pos;
                marks = 0;
            }
        }
        marks += line
            .bytes()
            .filter(|b| {
                matches!(
                    b,
                    b'[' | b']' | b'*' | b'_' | b'`' | b'<' | b'!' | b'\\' | b'&'
                )
            })
            .count();
        match (fence, fence_mark) {
            (None, Some(mark)) => fence = Some(mark),
            (Some((c, n)), Some((c2, n2)))
                if c == c2 && n2 >= n && trimmed.trim_end().bytes().all(|b| b == c) =>
            {
                fence = None;
            }
            _ => {}
        }
        pos = line_end;
    }
    out.push(chunk_start..body.len());
    out
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

/// Sorted ranges with overlaps merged.
fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
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

/// The lines of `text` longer than [`MAX_LINE_BYTES`].
fn long_lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            let line = pos..end;
            pos = end + 1;
            if line.len() > MAX_LINE_BYTES {
                return Some(line);
            }
        }
        None
    })
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
