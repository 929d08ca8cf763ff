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
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
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

/// Text shown on one line of output: its control characters (a line break or an escape in a
/// file name, say) escaped as `\n`, `\u{1b}`, so that the line stays one line and cannot move
/// the cursor or colour the terminal. Everything else is shown as it is.
pub struct OneLine<'a>(pub &'a str);

impl std::fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_debug())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// A path or name without its `.md` extension (any letter case).
pub fn without_md(path: &str) -> &str {
    match path.len().checked_sub(3) {
        Some(cut) if path.is_char_boundary(cut) && path[cut..].eq_ignore_ascii_case(".md") => {
            &path[..cut]
        }
        _ => path,
    }
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
    if text.is_ascii() {
        let mut out = collapse_whitespace(text);
        out.make_ascii_lowercase();
        return out;
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.nfc().flat_map(char::to_lowercase));
    }
    out
}

/// A key for finding a name as people type it: like [`fold_key`], with accents taken off
/// (`Zoë Ångström` is `zoe angstrom`).
pub fn fold_accents(text: &str) -> String {
    if text.is_ascii() {
        return fold_key(text);
    }
    let bare: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    fold_key(&bare)
}

/// Inline Markdown as plain text: wikilinks become their shown text, Markdown links their
/// text, emphasis markers and code ticks go, white space is folded. Linear in the text's
/// length whatever it holds (a link is looked for only within a bounded window).
pub fn plain_inline(text: &str) -> String {
    plain_inline_max(text, usize::MAX)
}

/// Like [`plain_inline`], reading only as much of `text` as gives about `max_bytes` of
/// output (never cutting a link in two): for summaries of long paragraphs.
pub fn plain_inline_max(text: &str, max_bytes: usize) -> String {
    const WINDOW: usize = 1024;
    let full_len = text.len();
    let text = prefix_bytes(text, max_bytes.saturating_mul(4));
    let bytes = text.as_bytes();
    if !bytes.iter().any(|b| matches!(b, b'[' | b'*' | b'_' | b'`')) {
        let prefix = prefix_bytes(text, max_bytes);
        let mut out = collapse_whitespace(prefix);
        if prefix.len() < full_len {
            out.push('…');
        }
        return out;
    }
    let mut out = String::with_capacity(text.len().min(max_bytes));
    let n = bytes.len();
    let mut copied: usize = 0;
    let mut i: usize = 0;
    // The largest character boundary at or before `at`, not before `copied`.
    let floor = |mut at: usize, copied: usize| {
        while at > copied && !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    loop {
        // Where the output budget runs out, counted in input bytes from the last copy.
        let limit = copied
            .saturating_add(max_bytes.saturating_sub(out.len()))
            .min(n);
        if i >= limit {
            i = floor(limit.max(copied), copied);
            break;
        }
        let hay = &bytes[i..limit];
        let special = match (
            memchr::memchr3(b'[', b'*', b'`', hay),
            memchr::memchr(b'_', hay),
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let Some(p) = special.map(|p| i + p) else {
            i = floor(limit, copied);
            break;
        };
        let skip_to = match bytes[p] {
            b'[' if bytes.get(p + 1) == Some(&b'[') => {
                let window = prefix_bytes(&text[p + 2..], WINDOW);
                window.find("]]").map(|end| {
                    let link = &window[..end];
                    let shown = match link.split_once('|') {
                        Some((_, shown)) => shown,
                        None => link.split_once('#').map_or(link, |(target, _)| target),
                    };
                    (shown, p + 2 + end + 2)
                })
            }
            b'[' => {
                let window = prefix_bytes(&text[p + 1..], WINDOW);
                window.find("](").and_then(|mid| {
                    window[mid..]
                        .find(')')
                        .map(|close| (&window[..mid], p + 1 + mid + close + 1))
                })
            }
            b'*' | b'_' if bytes.get(p + 1) == Some(&bytes[p]) => Some(("", p + 2)),
            b'`' => Some(("", p + 1)),
            _ => None,
        };
        match skip_to {
            Some((keep, next)) => {
                out.push_str(&text[copied..p]);
                out.push_str(keep);
                i = next;
                copied = next;
            }
            None => i = p + 1,
        }
    }
    out.push_str(&text[copied..i.max(copied)]);
    let mut out = collapse_whitespace(&out);
    if i < n || text.len() < full_len {
        out.push('…');
    }
    out
}

/// Folds runs of white space into one space and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    let b = text.as_bytes();
    let clean = text.is_ascii()
        && memchr::memchr3(b'\t', b'\n', b'\r', b).is_none()
        && memchr::memchr2(0x0b, 0x0c, b).is_none()
        && memchr::memmem::find(b, b"  ").is_none()
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ');
    if clean {
        return text.to_string();
    }
    if text.is_ascii() {
        let mut out = Vec::with_capacity(text.len());
        let mut pending_space = false;
        for &b in text.as_bytes() {
            if b.is_ascii_whitespace() {
                pending_space = !out.is_empty();
            } else {
                if pending_space {
                    out.push(b' ');
                    pending_space = false;
                }
                out.push(b);
            }
        }
        // Only ASCII bytes were copied, so this cannot fail.
        return String::from_utf8(out).unwrap_or_default();
    }
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
    if text.len() <= max {
        return text.to_string();
    }
    if text.is_ascii() {
        return format!("{}…", text[..max.saturating_sub(1)].trim_end());
    }
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => {
            let cut = text
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            format!("{}…", text[..cut].trim_end())
        }
    }
}

/// A prefix of `text` of at most about `max_bytes` bytes, cut on a character boundary:
/// enough to make a short summary from without reading a whole paragraph.
pub fn prefix_bytes(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut cut = max_bytes;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
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
    fn plain_inline_max_cuts_on_char_boundaries() {
        let text = format!("[[x]] {}", "ã".repeat(300));
        for max in 0..40 {
            let out = plain_inline_max(&text, max);
            assert!(out.ends_with('…'), "{max}: {out}");
        }
        assert_eq!(plain_inline_max("short [[a|b]]", 100), "short b");
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 10), "héllo");
        assert_eq!(truncate_chars("héllo wörld", 6), "héllo…");
        assert_eq!(truncate_chars("abc", 3), "abc");
    }
}
