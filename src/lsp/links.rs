//! The links on one line of a note and where each stands, for what the cursor points at
//! (hover, definition, references, actions) and where a diagnostic goes. A link's target is
//! read by the note parser's own rule, so that it means here what it means to the model; this
//! module must not decide where a link goes (the model's links do).

use lsp_types::{Position, Range};
use pulldown_cmark::{Event, Options, Parser, Tag};

use super::documents::Document;
use crate::core::note::{LinkTarget, link_target};

/// How much of a long line around the cursor is read: the Markdown parser's memory grows
/// with the brackets it meets, and no link is this long.
const WINDOW: usize = 4096;

/// A link on a line: its bytes in the line, and its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineLink {
    pub start: usize,
    pub end: usize,
    pub target: LinkTarget,
}

/// The links on a line (without its line ending), in order.
pub(crate) fn links_on(line: &str) -> Vec<LineLink> {
    links_in(line, 0, line.len())
}

/// The link the byte offset `at` of the line stands in (its closing bracket included).
pub(crate) fn link_at(line: &str, at: usize) -> Option<LineLink> {
    let start = floor_boundary(line, at.saturating_sub(WINDOW));
    let end = floor_boundary(line, at.saturating_add(WINDOW));
    links_in(line, start, end)
        .into_iter()
        .find(|l| l.start <= at && at <= l.end)
}

/// The link under the cursor in an open note, and the range it covers.
pub(crate) fn under_cursor(doc: &Document, at: Position) -> Option<(LinkTarget, Range)> {
    let (start, end) = doc.lines.line_span(&doc.text, at.line as usize)?;
    let line = doc.text.get(start..end)?;
    let offset = doc.offset(at).saturating_sub(start);
    let link = link_at(line, offset)?;
    let range = doc
        .lines
        .range(&doc.text, start + link.start, start + link.end);
    Some((link.target, range))
}

/// The links in `line[start..end]`, with offsets in the whole line. Leading blanks are left
/// out of the parse: alone, an indented line would read as code.
fn links_in(line: &str, start: usize, end: usize) -> Vec<LineLink> {
    let piece = line.get(start..end.min(line.len())).unwrap_or("");
    let trimmed = piece.trim_start();
    let shift = start + piece.len() - trimmed.len();
    let mut out = Vec::new();
    let parser = Parser::new_ext(trimmed, Options::ENABLE_WIKILINKS).into_offset_iter();
    for (event, range) in parser {
        let (Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            ..
        })) = event
        else {
            continue;
        };
        if let Some(target) = link_target(link_type, &dest_url) {
            out.push(LineLink {
                start: shift + range.start,
                end: shift + range.end,
                target,
            });
        }
    }
    out
}

/// `at`, or the nearest character boundary before it, within the line.
pub(crate) fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(line: &str) -> Vec<(usize, usize, String, bool)> {
        links_on(line)
            .into_iter()
            .map(|l| (l.start, l.end, l.target.target, l.target.markdown))
            .collect()
    }

    #[test]
    fn wikilinks_aliases_and_markdown_links_are_found_where_they_stand() {
        assert_eq!(
            targets("    - met [[Ada|her]] and [Bob](People/Bob%20Ray.md) at https://x.org"),
            vec![
                (10, 21, "Ada".to_string(), false),
                (26, 52, "People/Bob Ray.md".to_string(), true),
            ]
        );
        assert_eq!(targets("[[Zoë#Work]] ![[pic.png]]")[0].2, "Zoë");
        assert!(targets("[[]] [x](#anchor) [y](mailto:a@b.c)").is_empty());
    }

    #[test]
    fn the_cursor_finds_the_link_it_stands_in() {
        let line = "call [[Ada Lovelace]] soon";
        assert_eq!(
            link_at(line, 5).map(|l| l.target.target),
            Some("Ada Lovelace".into())
        );
        assert_eq!(link_at(line, 21).map(|l| l.start), Some(5));
        assert_eq!(link_at(line, 2), None);
        assert_eq!(link_at(line, 999), None);
        let long = format!("{}[[Ada]]{}", "é".repeat(10_000), "[".repeat(10_000));
        assert_eq!(
            link_at(&long, 20_003).map(|l| l.target.target),
            Some("Ada".into())
        );
    }
}
