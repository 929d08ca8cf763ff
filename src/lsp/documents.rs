//! The notes open in the editor: their unsaved text, its version, and the conversion between
//! the protocol's positions (a line and UTF-16 code units) and byte offsets. Every position
//! an editor sends is clamped to the text, so that none can point past it or inside a
//! character. It must not parse notes nor know vaults.

use std::collections::HashMap;

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

/// Where each line of a text starts: the map between positions and byte offsets.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineMap {
    starts: Vec<usize>,
}

impl LineMap {
    pub(crate) fn of(text: &str) -> LineMap {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
        LineMap { starts }
    }

    /// The byte range of line `line` (from 0) without its line ending; `None` past the end.
    pub(crate) fn line_span(&self, text: &str, line: usize) -> Option<(usize, usize)> {
        let start = *self.starts.get(line)?;
        let mut end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some((start, end.max(start)))
    }

    /// The text of line `line` (from 0) without its line ending, empty past the end.
    pub(crate) fn line<'a>(&self, text: &'a str, line: usize) -> &'a str {
        self.line_span(text, line)
            .and_then(|(start, end)| text.get(start..end))
            .unwrap_or("")
    }

    /// The byte offset of a position: a line past the end is the end of the text, a
    /// character past the end of its line is the end of the line.
    pub(crate) fn offset(&self, text: &str, at: Position) -> usize {
        let Some((start, end)) = self.line_span(text, at.line as usize) else {
            return text.len();
        };
        let mut units = 0;
        for (i, c) in text.get(start..end).unwrap_or("").char_indices() {
            if units >= at.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The position of a byte offset (clamped to the text, and back to a character's start).
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = text
            .get(start..offset)
            .unwrap_or("")
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of bytes `start..end` of `text`.
    pub(crate) fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// The range of the text on 0-based line `line`, or an empty range at its start.
    pub(crate) fn line_range(&self, text: &str, line: usize) -> Range {
        match self.line_span(text, line) {
            Some((start, end)) => self.range(text, start, end),
            None => self.range(text, text.len(), text.len()),
        }
    }
}

/// A count or index as the protocol's `u32`, saturating.
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One open note.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub text: String,
    pub version: i32,
    pub lines: LineMap,
}

impl Document {
    pub(crate) fn new(text: String, version: i32) -> Document {
        let lines = LineMap::of(&text);
        Document {
            text,
            version,
            lines,
        }
    }

    /// Applies the editor's changes in order: a change with a range replaces it (its ends
    /// clamped, and put in order when reversed), one without replaces the whole text.
    pub(crate) fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let a = self.lines.offset(&self.text, range.start);
                    let b = self.lines.offset(&self.text, range.end);
                    self.text.replace_range(a.min(b)..a.max(b), &change.text);
                }
                None => self.text = change.text,
            }
            self.lines = LineMap::of(&self.text);
        }
        self.version = version;
    }

    /// The byte offset of a position in this text.
    pub(crate) fn offset(&self, at: Position) -> usize {
        self.lines.offset(&self.text, at)
    }
}

/// Every open note, by its address.
#[derive(Debug, Default)]
pub(crate) struct Documents {
    open: HashMap<Url, Document>,
}

impl Documents {
    pub(crate) fn open(&mut self, uri: Url, text: String, version: i32) {
        self.open.insert(uri, Document::new(text, version));
    }

    /// Applies changes to an open note; `false` when it is not open.
    pub(crate) fn change(
        &mut self,
        uri: &Url,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) -> bool {
        match self.open.get_mut(uri) {
            Some(doc) => {
                doc.apply(changes, version);
                true
            }
            None => false,
        }
    }

    pub(crate) fn close(&mut self, uri: &Url) {
        self.open.remove(uri);
    }

    pub(crate) fn get(&self, uri: &Url) -> Option<&Document> {
        self.open.get(uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range
                .map(|((a, b), (c, d))| Range::new(Position::new(a, b), Position::new(c, d))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn positions_count_utf16_units_and_are_clamped() {
        let text = "a😀b\r\nzoë\n";
        let map = LineMap::of(text);
        // The emoji is two UTF-16 units and four bytes.
        assert_eq!(map.offset(text, Position::new(0, 1)), 1);
        assert_eq!(map.offset(text, Position::new(0, 3)), 5);
        assert_eq!(
            map.offset(text, Position::new(0, 2)),
            5,
            "inside a character"
        );
        assert_eq!(map.offset(text, Position::new(0, 99)), 6, "before the CR");
        assert_eq!(map.offset(text, Position::new(1, 3)), 12);
        assert_eq!(map.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(map.position(text, 5), Position::new(0, 3));
        assert_eq!(
            map.position(text, 3),
            Position::new(0, 1),
            "inside a character"
        );
        assert_eq!(map.position(text, 999), Position::new(2, 0));
        assert_eq!(map.line(text, 0), "a😀b");
        assert_eq!(map.line(text, 7), "");
    }

    #[test]
    fn changes_apply_in_order_even_out_of_range() {
        let mut doc = Document::new("# Ada\n".to_string(), 1);
        doc.apply(
            vec![
                change(Some(((0, 5), (0, 5))), " Lovelace"),
                change(Some(((5, 0), (9, 9))), "\nmet [[Bob]]"),
                change(Some(((0, 4), (0, 2))), "A"),
            ],
            2,
        );
        assert_eq!(doc.text, "# Aa Lovelace\n\nmet [[Bob]]");
        assert_eq!(doc.version, 2);
        doc.apply(vec![change(None, "new")], 3);
        assert_eq!(doc.text, "new");
    }
}
