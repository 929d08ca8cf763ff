//! The pieces of a new contact note: the front-matter lines of an [`Incoming`] contact, its
//! notes as Markdown, and a file name that every file system and Obsidian accept.

use super::Incoming;
use crate::core::dates::ymd;
use crate::core::frontmatter::{self, Birthday, Split, Yaml};

/// One front-matter property of an incoming contact, in the order a note lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub key: &'static str,
    /// The lines of YAML, `key: value\n` or `key:\n  - item\n...`.
    pub yaml: String,
}

/// What a property's value is, for how it is written.
enum Value<'a> {
    Text(&'a str),
    /// One item written as text, several as a list (`email`, `phone`).
    Texts(&'a [String]),
    /// Always a list, as Obsidian types them (`aliases`, `tags`).
    List(&'a [String]),
    /// Written as it is: a date, which YAML and Obsidian read as one.
    Plain(String),
}

/// The properties of `c`, in order; `name` only when the note's file name does not say it.
pub fn properties(c: &Incoming, with_name: bool) -> Vec<Property> {
    let milestones: Vec<String> = c
        .milestones
        .iter()
        .map(|m| format!("{} {}", ymd(m.date), m.what))
        .collect();
    let birthday = c.birthday.map(birthday_text);
    let values: [(&'static str, Option<Value<'_>>); 15] = [
        ("name", with_name.then_some(Value::Text(&c.name))),
        ("aliases", Some(Value::List(&c.aliases))),
        ("company", c.company.as_deref().map(Value::Text)),
        ("role", c.role.as_deref().map(Value::Text)),
        ("email", Some(Value::Texts(&c.emails))),
        ("phone", Some(Value::Texts(&c.phones))),
        ("location", c.location.as_deref().map(Value::Text)),
        ("linkedin", c.linkedin.as_deref().map(Value::Text)),
        ("website", Some(Value::Texts(&c.websites))),
        ("birthday", birthday.map(Value::Plain)),
        ("milestones", Some(Value::List(&milestones))),
        ("tags", Some(Value::List(&c.tags))),
        ("interests", Some(Value::List(&c.interests))),
        ("last_contact", c.last_contact.map(|d| Value::Plain(ymd(d)))),
        ("uid", c.uid.as_deref().map(Value::Text)),
    ];
    values
        .into_iter()
        .filter_map(|(key, value)| {
            Some(Property {
                key,
                yaml: yaml(key, value?)?,
            })
        })
        .collect()
}

/// `YYYY-MM-DD`, or `--MM-DD` without the year.
fn birthday_text(b: Birthday) -> String {
    match b.year {
        Some(y) => format!("{y:04}-{:02}-{:02}", b.month, b.day),
        None => format!("--{:02}-{:02}", b.month, b.day),
    }
}

/// A property's YAML lines; `None` for an empty list.
fn yaml(key: &str, value: Value<'_>) -> Option<String> {
    let list = |items: &[String]| {
        let mut out = format!("{key}:\n");
        for item in items {
            out.push_str(&format!("  - {}\n", scalar(item)));
        }
        out
    };
    match value {
        Value::Text(text) => Some(format!("{key}: {}\n", scalar(text))),
        Value::Plain(text) if text.starts_with('-') => Some(format!("{key}: {}\n", scalar(&text))),
        Value::Plain(text) => Some(format!("{key}: {text}\n")),
        Value::Texts([]) | Value::List([]) => None,
        Value::Texts([one]) => Some(format!("{key}: {}\n", scalar(one))),
        Value::Texts(items) | Value::List(items) => Some(list(items)),
    }
}

/// A YAML scalar for `text`: as it is when YAML reads it back as the same text and nothing
/// about it could read otherwise elsewhere, else double-quoted (JSON's quoting is YAML's).
pub fn scalar(text: &str) -> String {
    let risky_start = text.starts_with(|c: char| {
        c.is_whitespace() || c.is_ascii_digit() || "-?:,[]{}#&*!|>'\"%@`+.~".contains(c)
    });
    let keyword = matches!(
        text.to_ascii_lowercase().as_str(),
        "yes" | "no" | "on" | "off" | "y" | "n" | "true" | "false" | "null"
    );
    let plain = !text.is_empty()
        && !risky_start
        && !keyword
        && text.trim() == text
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.chars().any(char::is_control)
        && reads_back(text);
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
    }
}

/// Whether `key: text` reads back as the text.
fn reads_back(text: &str) -> bool {
    frontmatter::parse_yaml(&format!("k: {text}\n"))
        .is_ok_and(|p| p.len() == 1 && p[0].value == Yaml::Str(text.to_string()))
}

/// `text` with property lines added at the end of its front-matter (a new block when it has
/// none).
pub(super) fn with_properties(text: &str, props: &str, eol: &str) -> String {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    match frontmatter::split(body) {
        Split::Closed { yaml, .. } => {
            let first_line = body.find('\n').map_or(body.len(), |i| i + 1);
            let at = first_line + yaml.len();
            format!("{bom}{}{props}{}", &body[..at], &body[at..])
        }
        _ => format!("{bom}---{eol}{props}---{eol}{body}"),
    }
}

/// The notes as Markdown paragraphs: a line that would read as a heading or as the line
/// under one is escaped, so that the text stays text.
pub(super) fn notes_text(notes: &[String]) -> String {
    notes
        .iter()
        .map(|note| {
            note.lines()
                .map(|line| {
                    let t = line.trim_start();
                    let rule = !t.is_empty() && t.chars().all(|c| matches!(c, '-' | '=' | ' '));
                    if t.starts_with('#') || rule {
                        format!("\\{t}")
                    } else {
                        line.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The longest file stem kith makes, in characters and in bytes (file systems allow 255
/// bytes, and room is left for ` 99.md`).
const MAX_STEM_CHARS: usize = 100;
const MAX_STEM_BYTES: usize = 180;

/// A file stem for a contact's name that no file system or Obsidian refuses: no path
/// separators, no characters Windows, macOS or Obsidian links forbid, no leading dot, no
/// trailing dot or space, not a device name of Windows, not too long.
pub fn file_stem(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|#^[]".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut stem = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((at, _)) = stem.char_indices().nth(MAX_STEM_CHARS) {
        stem.truncate(at);
    }
    while stem.len() > MAX_STEM_BYTES {
        stem.pop();
    }
    let stem = stem
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if stem.is_empty() {
        return "Unnamed contact".to_string();
    }
    let device = stem
        .split('.')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    let reserved = matches!(
        device.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || (device.len() == 4
        && (device.starts_with("COM") || device.starts_with("LPT"))
        && device.ends_with(|c: char| c.is_ascii_digit()));
    if reserved {
        format!("{stem} (contact)")
    } else {
        stem
    }
}
