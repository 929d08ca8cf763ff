//! The template a new contact note is made from: kith's own, or the user's (an Obsidian
//! template works as it is). A user's template is filled line by line, so that no value an
//! address book gives is ever read as a placeholder.

use jiff::civil::Date;

use super::Incoming;
use super::render::{Property, notes_text, properties, with_properties};
use crate::core::frontmatter::{self, Split};

/// The template a new note is made from.
#[derive(Debug, Clone)]
pub enum Template {
    /// kith's: the properties, `# Name`, the notes and an empty log section.
    Default { log_heading: String },
    /// The user's note text, with `{{title}}` (or `{{name}}`), `{{date}}` (or
    /// `{{date:YYYY-MM-DD}}`), `{{properties}}` and `{{notes}}` in it.
    User(String),
}

impl Template {
    /// The text of a new note for `c`, named by its file `stem`, made `today`.
    pub fn render(&self, c: &Incoming, stem: &str, today: Date) -> String {
        let props = properties(c, stem != c.name);
        let notes = notes_text(&c.notes);
        match self {
            Template::Default { log_heading } => {
                let mut out = String::new();
                if !props.is_empty() {
                    let lines: String = props.iter().map(|p| p.yaml.as_str()).collect();
                    out.push_str(&format!("---\n{lines}---\n"));
                }
                out.push_str(&format!("# {}\n\n", c.name));
                if !notes.is_empty() {
                    out.push_str(&format!("{notes}\n\n"));
                }
                out.push_str(&format!("## {}\n", log_heading.trim()));
                out
            }
            Template::User(text) => fill(text, c, &props, &notes, today),
        }
    }
}

/// A property the template's front-matter names.
struct Named {
    /// Its line, from 0.
    line: usize,
    key: String,
    /// Written without a value (`email:`, `interests: []`): the import fills it in.
    empty: bool,
}

/// A user's template filled for one contact. A property the template leaves empty is filled
/// in on its line, one it sets keeps the template's value, and the others go where
/// `{{properties}}` stands, else at the end of the front-matter (a new one if there is
/// none). Notes go where `{{notes}}` stands, else at the end.
fn fill(template: &str, c: &Incoming, props: &[Property], notes: &str, today: Date) -> String {
    let eol = if template.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let named = front_matter_keys(template);
    let mut on_line = std::collections::HashMap::new();
    let mut rest = String::new();
    for p in props {
        match named.iter().find(|n| n.key.eq_ignore_ascii_case(p.key)) {
            Some(n) if n.empty => {
                on_line.insert(n.line, p.yaml.replace('\n', eol));
            }
            Some(_) => {}
            None => rest.push_str(&p.yaml.replace('\n', eol)),
        }
    }
    let notes = notes.replace('\n', eol);
    let values = Values {
        name: &c.name,
        today,
        properties: &rest,
        notes: &notes,
        eol,
    };
    let mut out = String::with_capacity(template.len() + rest.len() + notes.len());
    for (i, line) in template.split_inclusive('\n').enumerate() {
        match on_line.get(&i) {
            Some(yaml) => out.push_str(yaml),
            None if line.trim() == "{{properties}}" => out.push_str(&rest),
            None => values.substitute(line, &mut out),
        }
    }
    if !template.contains("{{properties}}") && !rest.is_empty() {
        out = with_properties(&out, &rest, eol);
    }
    if !template.contains("{{notes}}") && !notes.is_empty() {
        let gap = if out.ends_with(eol) {
            eol.to_string()
        } else {
            eol.repeat(2)
        };
        out = format!("{out}{gap}{notes}{eol}");
    }
    out
}

/// What a template's placeholders stand for.
struct Values<'a> {
    name: &'a str,
    today: Date,
    properties: &'a str,
    notes: &'a str,
    eol: &'a str,
}

impl Values<'_> {
    /// Writes `line` with its placeholders filled; an unknown one stays as written.
    fn substitute(&self, line: &str, out: &mut String) {
        let mut rest = line;
        while let Some(at) = rest.find("{{") {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            let Some(end) = rest.find("}}") else { break };
            let inner = &rest[2..end];
            match inner.trim() {
                "name" | "title" => out.push_str(self.name),
                "date" => out.push_str(&date_as(self.today, "YYYY-MM-DD")),
                "properties" => out.push_str(
                    self.properties
                        .strip_suffix(self.eol)
                        .unwrap_or(self.properties),
                ),
                "notes" => out.push_str(self.notes),
                other => match other.strip_prefix("date:") {
                    Some(format) => out.push_str(&date_as(self.today, format.trim())),
                    None => out.push_str(&rest[..end + 2]),
                },
            }
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
    }
}

/// A date in one of Obsidian's (moment.js) formats: `YYYY`, `MM` and `DD` are replaced,
/// the rest kept.
fn date_as(date: Date, format: &str) -> String {
    format
        .replace("YYYY", &format!("{:04}", date.year()))
        .replace("MM", &format!("{:02}", date.month()))
        .replace("DD", &format!("{:02}", date.day()))
}

/// The top-level properties a template's front-matter names.
fn front_matter_keys(template: &str) -> Vec<Named> {
    let text = template.strip_prefix('\u{feff}').unwrap_or(template);
    let Split::Closed { yaml, .. } = frontmatter::split(text) else {
        return Vec::new();
    };
    let lines: Vec<&str> = yaml.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.starts_with([' ', '\t', '#', '-']))
        .filter_map(|(i, l)| {
            let (key, value) = l.split_once(':')?;
            let continued = lines
                .get(i + 1)
                .is_some_and(|next| next.starts_with([' ', '\t', '-']));
            let value = value.trim();
            Some(Named {
                // The front-matter starts on the template's second line.
                line: i + 1,
                key: key.trim().to_string(),
                empty: !continued && ["", "[]", "\"\"", "''", "~", "null"].contains(&value),
            })
        })
        .collect()
}
