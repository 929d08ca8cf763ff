//! Inline text of a note, one line or short span at a time: the title after an entry's date,
//! a list item's marker and checkbox, a heading's text, a task's text and due date, a link's
//! percent-encoded path, and the summaries kept and shown. These read text as written and
//! must not parse Markdown blocks nor know where in the note the text stands: the body walker
//! finds the spans and hands them here.

use jiff::civil::Date;

use crate::core::dates::parse_date;
use crate::core::text::{
    collapse_whitespace, plain_inline, plain_inline_max, prefix_bytes, truncate_chars,
};

/// How long a summary may be, in characters.
pub const SUMMARY_CHARS: usize = 160;
/// How long a title may be, in characters.
pub const TITLE_CHARS: usize = 200;
/// How much of a first line is kept for its summary: room for 160 characters of text
/// after links and emphasis are dropped.
pub(super) const SUMMARY_RAW_BYTES: usize = SUMMARY_CHARS * 3;

/// Splits the text after an entry's date into its title: an optional separator, then the
/// rest.
pub(super) fn title_after_date(rest: &str) -> &str {
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix(['-', '–', '—', '·', ':', '|', ','])
        .unwrap_or(rest);
    rest.trim()
}

/// The list marker and checkbox at the start of a list item's first line: returns the text
/// after the marker and, for a task, the checkbox's mark.
pub(super) fn after_list_marker(line: &str) -> (&str, Option<char>) {
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
pub(super) fn heading_text(raw: &str) -> &str {
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

/// Whether `text` is written as a date, `NNNN-NN-NN`, whether or not the day exists.
fn date_shaped(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// A task's text as shown, and its due date (or an impossible due date as written).
pub(super) fn task_text(raw: &str) -> (String, Option<Result<Date, String>>) {
    let mut text = raw.to_string();
    let mut due = None;
    // Tasks-plugin date emoji: the due date is 📅; the others are dropped from the text with
    // their dates. An emoji without a date after it is text (a due marker without one says
    // so), and what follows it stays.
    for marker in ["📅", "⏳", "🛫", "✅", "➕", "❌"] {
        let mut from = 0;
        while let Some(found) = text[from..].find(marker) {
            let pos = from + found;
            let after = &text[pos + marker.len()..];
            let trimmed = after.trim_start();
            let skipped = after.len() - trimmed.len();
            let Some(date_text) = trimmed.get(..10).filter(|d| date_shaped(d)) else {
                if marker == "📅" && due.is_none() {
                    let word = trimmed.split_whitespace().next().unwrap_or("");
                    due = Some(Err(truncate_chars(word, 10)));
                }
                from = pos + marker.len();
                continue;
            };
            if marker == "📅" && due.is_none() {
                due = Some(parse_date(date_text).map_err(|_| date_text.to_string()));
            }
            let end = pos + marker.len() + skipped + 10;
            text.replace_range(pos..end, " ");
            from = pos + 1;
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
pub(super) fn percent_decode(s: &str) -> String {
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

/// The first line of text below a heading (or after an item's first line), as plain text:
/// list markers, quote markers and heading markers removed, at most [`SUMMARY_CHARS`].
pub(crate) fn first_line_summary(section: &str) -> String {
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

/// The summary shown for a first line kept as written: plain text, at most
/// [`SUMMARY_CHARS`] characters.
pub fn summary_text(raw: &str) -> String {
    truncate_chars(&plain_inline_max(raw, SUMMARY_CHARS * 2), SUMMARY_CHARS)
}

/// Markdown as plain text, a line for each line that says something: quote, list and heading
/// marks, checkboxes, the Tasks plugin's date markers, `due::` fields, block ids and code
/// fences go; inline Markdown becomes its text ([`plain_inline`]). What the index searches
/// and shows of a conversation.
pub fn plain_block(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let mut t = line.trim();
        loop {
            let before = t;
            t = t.trim_start_matches('>').trim_start();
            let (after, checkbox) = after_list_marker(t);
            if after.len() != t.len() || checkbox.is_some() {
                t = after;
            }
            if t.starts_with('#') && t.trim_start_matches('#').starts_with([' ', '\t']) {
                t = t.trim_start_matches('#').trim_start();
            }
            if t == before {
                break;
            }
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            continue;
        }
        let cleaned;
        if t.contains(['📅', '⏳', '🛫', '✅', '➕', '❌']) || t.contains("::") || t.contains('^')
        {
            cleaned = task_text(t).0;
            t = cleaned.trim();
        }
        let plain = plain_inline(t);
        if plain
            .chars()
            .all(|c| matches!(c, '-' | '=' | '*' | '_' | '|' | ':' | ' '))
        {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&plain);
    }
    out
}
