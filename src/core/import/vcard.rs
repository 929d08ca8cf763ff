//! One vCard (2.1, 3.0 or 4.0) as an [`Incoming`] contact, read with `calcard`: it unfolds
//! lines, decodes quoted-printable and `CHARSET=`, unescapes `\,` `\;` `\n`, and reads
//! grouped and lower-case properties. The card's text arrives whole; cutting a file into
//! cards, and leaving out photos on the way, is the reader's job.

use calcard::vcard::{VCard, VCardEntry, VCardProperty, VCardValue};
use calcard::{Entry, Parser};

use super::{
    Incoming, Naming, Source, clean_block, clean_line, clean_tag, parse_card_date, push_unique,
};
use crate::core::model::Milestone;

/// A card read: the contact, and what was left out of it and why.
#[derive(Debug)]
pub struct Card {
    pub contact: Incoming,
    pub warnings: Vec<String>,
}

/// The text of a card's bytes: UTF-8 when they are, else Windows-1252 (what old exports
/// without a charset use), with a warning saying so.
pub fn decode(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(_) => (
            bytes.iter().map(|&b| windows_1252(b)).collect(),
            Some("is not UTF-8; read as Windows-1252 (check the accented letters)".to_string()),
        ),
    }
}

/// A Windows-1252 byte as a character (Latin-1, but for the printable 0x80..0x9F).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Reads one card (`BEGIN:VCARD` to `END:VCARD`). An error when it has nothing to name its
/// note by (no FN, N, ORG or EMAIL).
pub fn read(text: &str, source: Source) -> Result<Card, String> {
    let card = match Parser::new(text).entry() {
        Entry::VCard(card) => card,
        _ => return Err("is not a vCard".to_string()),
    };
    let mut warnings = Vec::new();
    let (name, naming) = name_of(&card)
        .ok_or_else(|| "has no name (no FN, N, ORG or EMAIL); skipped".to_string())?;
    let mut contact = Incoming::named(name, naming, source);
    for entry in &card.entries {
        take(&mut contact, entry);
    }
    contact.role = contact
        .role
        .or_else(|| first_text(&card, &VCardProperty::Role));
    for (_, value) in raw_values(text, "BDAY").into_iter().take(1) {
        match parse_card_date(&value) {
            Some(day) => contact.birthday = Some(day),
            None => warnings.push(format!(
                "BDAY `{}` is not a date; left out",
                clean_line(&value)
            )),
        }
    }
    for (_, value) in raw_values(text, "ANNIVERSARY") {
        anniversary(&mut contact, &value, "anniversary", &mut warnings);
    }
    for (label, value) in labelled_dates(&card, text) {
        anniversary(&mut contact, &value, &label, &mut warnings);
    }
    Ok(Card { contact, warnings })
}

/// The note's name: FN, else the parts of N (given, additional, family), else ORG, else the
/// first email address.
fn name_of(card: &VCard) -> Option<(String, Naming)> {
    let from_n = || {
        let n = card.entries.iter().find(|e| e.name == VCardProperty::N)?;
        let part = |i: usize| n.values.get(i).map(value_text).unwrap_or_default();
        let name = clean_line(&format!("{} {} {}", part(1), part(2), part(0)));
        (!name.is_empty()).then_some(name)
    };
    let person = first_text(card, &VCardProperty::Fn).or_else(from_n);
    let email = || {
        first_text(card, &VCardProperty::Email).map(|e| strip_prefix_ci(&e, "mailto:").to_string())
    };
    person
        .map(|n| (n, Naming::Person))
        .or_else(|| first_text(card, &VCardProperty::Org).map(|n| (n, Naming::Organisation)))
        .or_else(|| email().map(|n| (n, Naming::Email)))
}

/// The first non-empty value of the first entry named `prop`, cleaned.
fn first_text(card: &VCard, prop: &VCardProperty) -> Option<String> {
    card.entries
        .iter()
        .filter(|e| &e.name == prop)
        .find_map(|e| e.values.first().map(|v| clean_line(&value_text(v))))
        .filter(|t| !t.is_empty())
}

/// A value as text: text as it is, the parts of a structured value joined by spaces;
/// binary data (a photo, a key) is never text.
fn value_text(value: &VCardValue) -> String {
    match value {
        VCardValue::Text(t) => t.clone(),
        VCardValue::Component(parts) => parts.join(" "),
        VCardValue::Integer(n) => n.to_string(),
        VCardValue::Float(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Every value of an entry as cleaned, non-empty text.
fn texts(entry: &VCardEntry) -> impl Iterator<Item = String> + '_ {
    entry
        .values
        .iter()
        .map(|v| clean_line(&value_text(v)))
        .filter(|t| !t.is_empty())
}

/// Takes what kith keeps of one entry into the contact.
fn take(c: &mut Incoming, entry: &VCardEntry) {
    let first = || texts(entry).next();
    match &entry.name {
        VCardProperty::Nickname => texts(entry).for_each(|t| push_alias(c, t)),
        VCardProperty::Email => texts(entry)
            .map(|t| strip_prefix_ci(&t, "mailto:").to_string())
            .for_each(|t| push_unique(&mut c.emails, t)),
        VCardProperty::Tel => texts(entry).for_each(|t| push_unique(&mut c.phones, phone(&t))),
        VCardProperty::Org => c.company = c.company.take().or_else(first),
        VCardProperty::Title => c.role = c.role.take().or_else(first),
        VCardProperty::Adr => c.location = c.location.take().or_else(|| locality(entry)),
        VCardProperty::Url => texts(entry).for_each(|t| push_url(c, t)),
        VCardProperty::Socialprofile => texts(entry)
            .filter(|t| is_linkedin(t))
            .for_each(|t| push_url(c, t)),
        VCardProperty::Other(name) if name.eq_ignore_ascii_case("X-SOCIALPROFILE") => {
            texts(entry)
                .filter(|t| is_linkedin(t))
                .for_each(|t| push_url(c, t));
        }
        VCardProperty::Categories => texts(entry)
            .filter_map(|t| clean_tag(&t))
            .for_each(|t| push_unique(&mut c.tags, t)),
        VCardProperty::Interest | VCardProperty::Hobby | VCardProperty::Expertise => {
            texts(entry).for_each(|t| push_unique(&mut c.interests, t));
        }
        VCardProperty::Note => {
            let note = entry
                .values
                .iter()
                .map(value_text)
                .collect::<Vec<_>>()
                .join(", ");
            push_unique(&mut c.notes, clean_block(&note));
        }
        VCardProperty::Uid => c.uid = c.uid.take().or_else(first),
        _ => {}
    }
}

fn push_alias(c: &mut Incoming, alias: String) {
    if crate::core::text::fold_accents(&alias) != crate::core::text::fold_accents(&c.name) {
        push_unique(&mut c.aliases, alias);
    }
}

fn push_url(c: &mut Incoming, url: String) {
    if is_linkedin(&url) && c.linkedin.is_none() {
        c.linkedin = Some(url);
    } else {
        push_unique(&mut c.websites, url);
    }
}

/// Whether a URL is a LinkedIn profile.
pub(crate) fn is_linkedin(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let host = lower
        .split("://")
        .nth(1)
        .unwrap_or(&lower)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    host == "linkedin.com" || host.ends_with(".linkedin.com")
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> &'a str {
    match text.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => &text[prefix.len()..],
        _ => text,
    }
}

/// A number as people write it: a `tel:` URI loses its scheme, and its extension reads
/// `ext. 12`.
fn phone(text: &str) -> String {
    let bare = strip_prefix_ci(text, "tel:");
    match bare.split_once(";ext=") {
        Some((number, ext)) => format!("{number} ext. {ext}"),
        None => bare.to_string(),
    }
}

/// The town of an address (its locality), else its region, else its country.
fn locality(entry: &VCardEntry) -> Option<String> {
    [3, 4, 6]
        .into_iter()
        .filter_map(|i| entry.values.get(i))
        .map(|v| clean_line(&value_text(v)))
        .find(|t| !t.is_empty())
}

/// A yearly date as a milestone (`YYYY-MM-DD what`); without its year it cannot be one, so
/// it goes into the note's text.
fn anniversary(c: &mut Incoming, value: &str, what: &str, warnings: &mut Vec<String>) {
    let what = clean_line(what);
    match parse_card_date(value) {
        Some(day) => match day
            .year
            .and_then(|y| jiff::civil::Date::new(y, day.month, day.day).ok())
        {
            Some(date) => {
                let m = Milestone { date, what };
                if !c.milestones.contains(&m) {
                    c.milestones.push(m);
                }
            }
            None => push_unique(
                &mut c.notes,
                format!("{}: --{:02}-{:02}", capitalised(&what), day.month, day.day),
            ),
        },
        None => warnings.push(format!(
            "the date `{}` is not a date; left out",
            clean_line(value)
        )),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The vendors' properties for a yearly date.
const DATE_PROPERTIES: [&str; 4] = [
    "X-ABDATE",
    "X-ANNIVERSARY",
    "X-MS-ANNIVERSARY",
    "X-EVOLUTION-ANNIVERSARY",
];

/// Dates that address books write as their own properties: Apple's `itemN.X-ABDATE` is named
/// by the `itemN.X-ABLabel` of the same group (`_$!<Anniversary>!$_` is an anniversary, any
/// other label names itself); the others are anniversaries.
fn labelled_dates(card: &VCard, text: &str) -> Vec<(String, String)> {
    let label_of = |group: &str| {
        card.entries
            .iter()
            .find(|l| {
                l.group.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(group))
                    && matches!(&l.name, VCardProperty::Other(n) if n.eq_ignore_ascii_case("X-ABLABEL"))
            })
            .and_then(|l| l.values.first().map(value_text))
    };
    DATE_PROPERTIES
        .iter()
        .flat_map(|name| raw_values(text, name))
        .map(|(group, value)| {
            let label = group
                .and_then(label_of)
                .unwrap_or_else(|| "anniversary".to_string());
            let label = label
                .trim_start_matches("_$!<")
                .trim_end_matches(">!$_")
                .to_lowercase();
            (label, value)
        })
        .collect()
}

/// The values of the property `name` as written in the card, after unfolding, with their
/// groups: dates are read from these, since the parser takes a 3.0 `--04-15` for a month
/// without its day and a 4.0 `2020-01-02` for less than a day.
fn raw_values<'a>(card: &'a str, name: &str) -> Vec<(Option<&'a str>, String)> {
    let mut out = Vec::new();
    let mut lines = card.lines().peekable();
    while let Some(first) = lines.next() {
        let mut line = first.to_string();
        while let Some(next) = lines.next_if(|l| l.starts_with([' ', '\t'])) {
            line.push_str(&next[1..]);
        }
        let Some((head, value)) = line.split_once(':') else {
            continue;
        };
        let property = head.split(';').next().unwrap_or("");
        let (group, property) = match property.rsplit_once('.') {
            Some((g, p)) => (Some(g), p),
            None => (None, property),
        };
        if property.trim().eq_ignore_ascii_case(name) {
            let group = group.and_then(|g| first.get(..g.len()));
            out.push((group, value.trim().to_string()));
        }
    }
    out
}
