//! The size limits that keep reading a hostile note bounded: a large body is parsed in pieces
//! ([`chunks`]), and lines too long to be prose are found ([`long_lines`]) so that they can be
//! blanked and reported. They must not change how an ordinary note reads: a body up to
//! [`CHUNK_BYTES`] is one piece, read exactly as a whole, and prose lines are far below
//! [`MAX_LINE_BYTES`].

use std::ops::Range;

/// Bodies larger than this are parsed in pieces, so that the Markdown parser's memory (a few
/// dozen bytes per line, and up to a couple of hundred per bracket or emphasis mark) stays
/// bounded whatever the note holds.
pub(super) const CHUNK_BYTES: usize = 512 * 1024;
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
pub(crate) fn chunks(body: &str) -> Vec<Range<usize>> {
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

/// The lines of `text` longer than [`MAX_LINE_BYTES`].
pub(crate) fn long_lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
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
