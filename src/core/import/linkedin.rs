//! One row of LinkedIn's `Connections.csv` as an [`Incoming`] contact. The export opens with
//! a few lines of notes before its header, and its columns have moved between versions, so
//! the header is found by its names and each column looked up by name.

use jiff::civil::Date;

use super::vcard::is_linkedin;
use super::{Incoming, Naming, Source, clean_line, push_unique};
use crate::core::dates::parse_date;

/// Where each column kith reads is in the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    first: usize,
    last: usize,
    url: Option<usize>,
    email: Option<usize>,
    company: Option<usize>,
    position: Option<usize>,
    connected: Option<usize>,
    /// How many columns the header has.
    pub width: usize,
}

/// The optional columns, as LinkedIn names them.
const OPTIONAL: [&str; 5] = [
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
];

impl Columns {
    /// The columns of a header row: `None` unless it names both `First Name` and
    /// `Last Name` (compared case-insensitively).
    pub fn of_header(fields: &[&str]) -> Option<Columns> {
        let find = |name: &str| {
            fields.iter().position(|f| {
                f.trim_start_matches('\u{feff}')
                    .trim()
                    .eq_ignore_ascii_case(name)
            })
        };
        let [url, email, company, position, connected] = OPTIONAL.map(find);
        Some(Columns {
            first: find("First Name")?,
            last: find("Last Name")?,
            url: url.or_else(|| find("Profile URL")),
            email,
            company,
            position,
            connected,
            width: fields.len(),
        })
    }

    /// The columns kith reads that the header lacks.
    pub fn missing(&self) -> Vec<&'static str> {
        let present = [
            self.url,
            self.email,
            self.company,
            self.position,
            self.connected,
        ];
        OPTIONAL
            .into_iter()
            .zip(present)
            .filter(|(_, at)| at.is_none())
            .map(|(name, _)| name)
            .collect()
    }
}

/// A row read: the contact, and what was left out of it.
#[derive(Debug)]
pub struct Row {
    pub contact: Incoming,
    pub warnings: Vec<String>,
}

/// Reads one data row. An error when it has no name.
pub fn read(columns: &Columns, fields: &[&str], source: Source) -> Result<Row, String> {
    let field = |at: Option<usize>| {
        at.and_then(|i| fields.get(i))
            .map(|f| clean_line(f))
            .filter(|f| !f.is_empty())
    };
    let name = clean_line(&format!(
        "{} {}",
        field(Some(columns.first)).unwrap_or_default(),
        field(Some(columns.last)).unwrap_or_default()
    ));
    if name.is_empty() {
        return Err("has no name (First Name and Last Name are empty); skipped".to_string());
    }
    let mut warnings = Vec::new();
    if fields.len() < columns.width {
        warnings.push(format!(
            "has {} fields where the header has {}; the missing ones are empty",
            fields.len(),
            columns.width
        ));
    }
    let mut contact = Incoming::named(name, Naming::Person, source);
    contact.company = field(columns.company);
    contact.role = field(columns.position);
    if let Some(url) = field(columns.url) {
        if is_linkedin(&url) {
            contact.linkedin = Some(url);
        } else {
            contact.websites.push(url);
        }
    }
    if let Some(email) = field(columns.email) {
        push_unique(&mut contact.emails, email);
    }
    if let Some(text) = field(columns.connected) {
        match connected_on(&text) {
            Some(date) => contact.last_contact = Some(date),
            None => warnings.push(format!("Connected On `{text}` is not a date; left out")),
        }
    }
    Ok(Row { contact, warnings })
}

/// LinkedIn's date, `12 Nov 2023`, or an ISO date; within the years kith reads (1 to 9999),
/// so that the note it goes into reads back.
fn connected_on(text: &str) -> Option<Date> {
    jiff::fmt::strtime::parse("%d %b %Y", text)
        .and_then(|t| t.to_date())
        .ok()
        .filter(|d| d.year() >= 1)
        .or_else(|| parse_date(text).ok())
}
