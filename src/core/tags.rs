//! Obsidian `#tags` in note bodies.
//!
//! Obsidian's rule: `#` at the start of a line or after white space, then letters, digits,
//! `_`, `-` and `/`, with at least one character that is not a digit. Tags inside code are
//! not tags; the caller passes the code ranges to skip.

use std::ops::Range;

/// Finds the tags in `text`, skipping byte ranges in `skip` (sorted, not overlapping).
/// Returns each tag's byte offset (of its `#`) and its text without the `#`.
pub fn scan(text: &str, skip: &[Range<usize>]) -> Vec<(usize, String)> {
    scan_from(text, 0, skip)
}

/// Like [`scan`], from byte `start` on (offsets stay those of the whole text).
pub fn scan_from(text: &str, start: usize, skip: &[Range<usize>]) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut skip_idx = 0;
    let mut from = start;
    while let Some(rel) = memchr::memchr(b'#', &bytes[from.min(bytes.len())..]) {
        let at = from + rel;
        from = at + 1;
        while skip_idx < skip.len() && skip[skip_idx].end <= at {
            skip_idx += 1;
        }
        if skip.get(skip_idx).is_some_and(|r| r.start <= at) {
            continue;
        }
        let preceded_ok = at == 0
            || text[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
        if !preceded_ok {
            continue;
        }
        let rest = &text[at + 1..];
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '/'))
            .map_or(rest.len(), |(i, _)| i);
        let tag = &rest[..len];
        if tag.chars().any(|c| !c.is_ascii_digit()) {
            found.push((at, tag.to_string()));
        }
        from = at + 1 + len;
    }
    found
}

/// Normalises a tag for comparison: without a leading `#`, lower case.
pub fn normalize(tag: &str) -> String {
    tag.trim().trim_start_matches('#').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<String> {
        scan(text, &[]).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn obsidian_tag_rule() {
        assert_eq!(tags("#ask for an intro"), ["ask"]);
        assert_eq!(tags("talked #give and #gave"), ["give", "gave"]);
        assert_eq!(tags("nested #work/hiring-2026 ok"), ["work/hiring-2026"]);
        assert_eq!(tags("number #2026 is not a tag, #y2026 is"), ["y2026"]);
        assert_eq!(
            tags("url https://x.test/#frag and a#b"),
            Vec::<String>::new()
        );
        assert_eq!(tags("## Heading"), Vec::<String>::new());
        assert_eq!(tags("accents #café"), ["café"]);
        assert_eq!(tags("#"), Vec::<String>::new());
    }

    #[test]
    fn skips_code_ranges() {
        let text = "`#notatag` and #tag";
        assert_eq!(
            scan(text, &[Range { start: 0, end: 10 }]),
            vec![(15, "tag".to_string())]
        );
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("#Person"), "person");
        assert_eq!(normalize(" Rust "), "rust");
    }
}
