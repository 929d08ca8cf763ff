//! What a note, or the text of a new entry, leaves open at its end: an Obsidian comment
//! (`%%`), a fenced code block or an HTML block that runs to the end and would take in
//! whatever is added below it, and the line that closes each.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

use crate::core::frontmatter::{self, Split};
use crate::core::note::{open_comment, visible};

/// Where the body of `note` begins: after its byte-order mark and front-matter.
pub(super) fn body_start(note: &str) -> usize {
    let text = note.strip_prefix('\u{feff}').unwrap_or(note);
    (note.len() - text.len())
        + match frontmatter::split(text) {
            Split::Closed { body_offset, .. } => body_offset,
            _ => 0,
        }
}

/// A comment, fenced code block or HTML block left open at the end of a text: what would
/// close it, and the line (0-based) where it begins.
pub(super) struct LeftOpen {
    pub closing: String,
    pub line: usize,
    /// A comment's `%%` may end any line; the others need a line of their own.
    pub own_line: bool,
}

/// What is left open at the end of `text`: a comment, else a code fence or HTML block.
pub(super) fn left_open(text: &str) -> Option<LeftOpen> {
    let start = body_start(text);
    if let Some(at) = open_comment(&text[start..]) {
        return Some(LeftOpen {
            closing: "%%".to_string(),
            line: text[..start + at].matches('\n').count(),
            own_line: false,
        });
    }
    open_block(text, start)
}

/// The fenced code block or HTML block left open at the end of `note`, if there is one, and
/// the line that closes it (at the block's indentation).
pub(super) fn open_block(note: &str, body_start: usize) -> Option<LeftOpen> {
    let end = note.trim_end().len();
    let body = visible(&note[body_start..]);
    let (block, range) = Parser::new(&body)
        .into_offset_iter()
        .find_map(|(event, range)| {
            let range = range.start + body_start..range.end + body_start;
            matches!(
                event,
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_)) | Tag::HtmlBlock)
            )
            .then(|| (&note[range.clone()], range))
            .filter(|(_, range)| range.end >= end)
        })?;
    let closing = fence_closing(block).or_else(|| html_closing(block))?;
    // What stands before the block on its line: quote markers are kept, the rest (a list
    // item's marker) becomes the spaces that keep the closing line inside the item.
    let line_start = note[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = note[line_start..range.start]
        .chars()
        .map(|c| if c == '>' { '>' } else { ' ' })
        .collect();
    Some(LeftOpen {
        closing: format!("{indent}{closing}"),
        line: note[..line_start].matches('\n').count(),
        own_line: true,
    })
}

/// The fence that closes the fenced code `block`, when nothing closes it yet.
fn fence_closing(block: &str) -> Option<String> {
    let opener = block.lines().next()?.trim_start();
    let mark = opener.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let width = opener.chars().take_while(|c| *c == mark).count();
    let closed = block.lines().count() > 1
        && block.lines().last().is_some_and(|l| {
            let l = l.trim();
            l.len() >= width && l.chars().all(|c| c == mark)
        });
    (!closed).then(|| mark.to_string().repeat(width))
}

/// What ends the HTML `block` (CommonMark's kinds that run until a marker, not a blank
/// line), when it has not come yet.
fn html_closing(block: &str) -> Option<String> {
    let lower = block.trim_start().to_ascii_lowercase();
    let raw_text = ["<script", "<pre", "<style", "<textarea"];
    let (opener, ends): (&str, &[&str]) =
        if let Some(tag) = raw_text.iter().find(|t| lower.starts_with(*t)) {
            (tag, &["</script>", "</pre>", "</style>", "</textarea>"])
        } else if lower.starts_with("<!--") {
            ("<!--", &["-->"])
        } else if lower.starts_with("<?") {
            ("<?", &["?>"])
        } else if lower.starts_with("<![cdata[") {
            ("<![cdata[", &["]]>"])
        } else if lower.starts_with("<!") {
            ("<!", &[">"])
        } else {
            return None;
        };
    if ends.iter().any(|end| lower[opener.len()..].contains(end)) {
        return None;
    }
    // A raw-text block is closed by the tag it opened with.
    Some(match ends {
        [end] => end.to_string(),
        _ => format!("</{}>", &opener[1..]),
    })
}
