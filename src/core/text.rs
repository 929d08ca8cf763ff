//! Small text helpers shared by the parsers and renderers: line numbers from byte offsets,
//! BOM stripping, plain text from inline Markdown, truncation.

use unicode_normalization::UnicodeNormalization;

/// Maps byte offsets of a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|&(_, b)| *b == b'\n')
        .map(|(i, _)| i)
}

/// The text without a leading byte-order mark, and the BOM's length in bytes.
pub fn strip_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3),
        None => (text, 0),
    }
}

/// A key for comparing names, stems, aliases and link targets: NFC, lower case, inner white
/// space folded.
pub fn fold_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.nfc().flat_map(char::to_lowercase));
    }
    out
}

/// Inline Markdown as plain text: wikilinks become their shown text, Markdown links their
/// text, emphasis markers and code ticks go, white space is folded.
pub fn plain_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(['[', '*', '_', '`']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(inner) = tail.strip_prefix("[[") {
            if let Some(end) = inner.find("]]") {
                let link = &inner[..end];
                let shown = match link.split_once('|') {
                    Some((_, shown)) => shown,
                    None => link.split_once('#').map_or(link, |(target, _)| target),
                };
                out.push_str(shown);
                rest = &inner[end + 2..];
                continue;
            }
        } else if let Some(inner) = tail.strip_prefix('[') {
            if let Some(end) = inner.find("](") {
                if let Some(close) = inner[end..].find(')') {
                    out.push_str(&inner[..end]);
                    rest = &inner[end + close + 1..];
                    continue;
                }
            }
        } else if tail.starts_with("**") || tail.starts_with("__") {
            rest = &tail[2..];
            continue;
        } else if tail.starts_with('`') {
            rest = &tail[1..];
            continue;
        }
        let c = tail.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &tail[c.len_utf8()..];
    }
    out.push_str(rest);
    collapse_whitespace(&out)
}

/// Folds runs of white space into one space and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// At most `max` characters of `text`, ending in `…` when cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => {
            let cut: String = text.chars().take(max.saturating_sub(1)).collect();
            format!("{}…", cut.trim_end())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_one_based() {
        let idx = LineIndex::new("a\nbb\r\nccc\n");
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(1), 1);
        assert_eq!(idx.line_of(2), 2);
        assert_eq!(idx.line_of(6), 3);
        assert_eq!(idx.line_of(10), 4);
    }

    #[test]
    fn strips_a_bom() {
        assert_eq!(strip_bom("\u{feff}---"), ("---", 3));
        assert_eq!(strip_bom("---"), ("---", 0));
    }

    #[test]
    fn folds_keys_across_unicode_forms() {
        // "Zoë" precomposed (NFC) and decomposed (NFD) fold to one key.
        assert_eq!(fold_key("Zo\u{00eb}"), fold_key("Zoe\u{0308}"));
        assert_eq!(fold_key("  Ada   LOVELACE "), "ada lovelace");
        assert_eq!(fold_key("Ångström"), "ångström");
    }

    #[test]
    fn plain_inline_table() {
        let table = [
            ("Lunch with [[Ada Lovelace|Ada]]", "Lunch with Ada"),
            ("Call [[Grace Hopper#Log]]", "Call Grace Hopper"),
            ("See [the deck](https://x.test/a_b)", "See the deck"),
            ("**big** news about `rustc`", "big news about rustc"),
            ("snake_case stays", "snake_case stays"),
            ("unclosed [[link", "unclosed [[link"),
            ("  many   spaces ", "many spaces"),
        ];
        for (input, want) in table {
            assert_eq!(plain_inline(input), want, "{input}");
        }
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 10), "héllo");
        assert_eq!(truncate_chars("héllo wörld", 6), "héllo…");
        assert_eq!(truncate_chars("abc", 3), "abc");
    }
}
