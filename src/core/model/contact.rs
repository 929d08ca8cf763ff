//! Reading a contact from its note: its typed properties (name, aliases, tier, cadence,
//! status, dates, milestones, topics) and its own log of interactions. A property of the
//! wrong type, or with a value kith cannot read, is reported as a warning at its line and read
//! as unset (or as the config's default): it must never stop the contact from being read, and
//! nothing here looks at other notes.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::civil::Date;

use super::{Contact, Interaction, Milestone, Rules, Status};
use crate::core::cadence::Cadence;
use crate::core::dates::{DateError, parse_date};
use crate::core::frontmatter::{Yaml, parse_birthday};
use crate::core::note::{ParsedNote, text_list};
use crate::core::problem::Problem;
use crate::core::tags;
use crate::core::text::fold_key;

/// Reads a contact's typed properties, reporting wrong values as warnings.
pub(super) fn read_contact(
    note: &mut ParsedNote,
    rules: &Rules,
    problems: &mut Vec<Problem>,
) -> Contact {
    let note_path = note.path.clone();
    let mut warn = |line: usize, message: String| {
        problems.push(Problem::warning(&note_path, Some(line), message));
    };
    let text_prop = |key: &str, warn: &mut dyn FnMut(usize, String)| -> Option<String> {
        let p = note.property(key)?;
        match &p.value {
            Yaml::Null => None,
            v => match v.as_text() {
                Some(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
                Some(_) => None,
                None => {
                    warn(
                        p.line,
                        format!("property `{key}` should be text, not {}", v.kind()),
                    );
                    None
                }
            },
        }
    };
    let date_prop = |key: &str, warn: &mut dyn FnMut(usize, String)| -> Option<Date> {
        let p = note.property(key)?;
        if p.value == Yaml::Null {
            return None;
        }
        let Some(t) = p.value.as_text() else {
            warn(
                p.line,
                format!(
                    "property `{key}` should be a date (YYYY-MM-DD), not {}",
                    p.value.kind()
                ),
            );
            return None;
        };
        match parse_date(&t) {
            Ok(d) => Some(d),
            Err(DateError::Impossible) => {
                warn(
                    p.line,
                    format!("property `{key}`: `{}` is not a real date", t.trim()),
                );
                None
            }
            Err(DateError::NotADate) => {
                warn(
                    p.line,
                    format!(
                        "property `{key}`: `{}` is not a date (YYYY-MM-DD)",
                        t.trim()
                    ),
                );
                None
            }
        }
    };

    let name = text_prop("name", &mut warn).unwrap_or_else(|| note.stem.clone());
    let aliases = match note.property("aliases").or_else(|| note.property("alias")) {
        Some(p) => match &p.value {
            Yaml::Null => Vec::new(),
            Yaml::Seq(_) => text_list(&p.value, false),
            v => match v.as_text() {
                Some(t) if !t.trim().is_empty() => vec![t.trim().to_string()],
                Some(_) => Vec::new(),
                None => {
                    warn(
                        p.line,
                        format!(
                            "property `aliases` should be a list of text, not {}",
                            v.kind()
                        ),
                    );
                    Vec::new()
                }
            },
        },
        None => Vec::new(),
    };

    let default_tier = rules
        .tier(&rules.default_tier)
        .map_or_else(|| rules.default_tier.clone(), |t| t.name.clone());
    let tier = match text_prop("tier", &mut warn) {
        Some(t) => match rules.tier(&t) {
            Some(tier) => tier.name.clone(),
            None => {
                let line = note.property("tier").map_or(1, |p| p.line);
                let known: Vec<&str> = rules.tiers.iter().map(|t| t.name.as_str()).collect();
                warn(
                    line,
                    format!(
                        "unknown tier `{t}` (the config has {}); using `{default_tier}`",
                        known.join(", ")
                    ),
                );
                default_tier.clone()
            }
        },
        None => default_tier.clone(),
    };
    let tier_cadence = rules.tier(&tier).map_or(Cadence::Never, |t| t.cadence);
    let cadence = match text_prop("cadence", &mut warn) {
        Some(t) => match Cadence::parse(&t) {
            Ok(c) => c,
            Err(e) => {
                let line = note.property("cadence").map_or(1, |p| p.line);
                warn(
                    line,
                    format!("property `cadence`: {e}; using the tier's {tier_cadence}"),
                );
                tier_cadence
            }
        },
        None => tier_cadence,
    };
    let status = match text_prop("status", &mut warn) {
        Some(t) => match t.to_lowercase().as_str() {
            "active" => Status::Active,
            "dormant" => Status::Dormant,
            "archived" => Status::Archived,
            _ => {
                let line = note.property("status").map_or(1, |p| p.line);
                warn(
                    line,
                    format!(
                        "property `status`: `{t}` is not active, dormant or archived; using active"
                    ),
                );
                Status::Active
            }
        },
        None => Status::Active,
    };
    let last_contact_property = date_prop("last_contact", &mut warn);
    let snooze_until = date_prop("snooze_until", &mut warn);
    let birthday = match note.property("birthday") {
        Some(p) if p.value != Yaml::Null => match p.value.as_text() {
            Some(t) => match parse_birthday(&t) {
                Ok(b) => Some(b),
                Err(e) => {
                    warn(p.line, format!("property `birthday`: {e}"));
                    None
                }
            },
            None => {
                warn(
                    p.line,
                    format!(
                        "property `birthday` should be a date, not {}",
                        p.value.kind()
                    ),
                );
                None
            }
        },
        _ => None,
    };
    let mut milestones = Vec::new();
    if let Some(p) = note.property("milestones") {
        let items: Vec<Option<String>> = match &p.value {
            Yaml::Null => Vec::new(),
            Yaml::Seq(items) => items.iter().map(Yaml::as_text).collect(),
            v => vec![v.as_text()],
        };
        for item in items {
            let Some(item) = item else {
                warn(
                    p.line,
                    "property `milestones`: each milestone should be text `YYYY-MM-DD what`"
                        .to_string(),
                );
                continue;
            };
            let item = item.trim();
            let (date_text, what) = match item.split_once(char::is_whitespace) {
                Some((d, w)) => (d, w.trim()),
                None => (item, ""),
            };
            match parse_date(date_text) {
                Ok(date) => milestones.push(Milestone {
                    date,
                    what: if what.is_empty() {
                        "milestone".to_string()
                    } else {
                        what.to_string()
                    },
                }),
                Err(_) => warn(
                    p.line,
                    format!(
                        "property `milestones`: `{item}` does not start with a real date (YYYY-MM-DD what)"
                    ),
                ),
            }
        }
    }
    for key in ["company", "role", "email", "phone", "location", "linkedin"] {
        let _ = text_prop(key, &mut warn);
    }
    let mut topics: Vec<String> = Vec::new();
    for key in ["tags", "interests"] {
        if let Some(p) = note.property(key) {
            match &p.value {
                Yaml::Null => {}
                Yaml::Seq(_) | Yaml::Str(_) => {
                    topics.extend(
                        text_list(&p.value, key == "tags")
                            .iter()
                            .map(|t| tags::normalize(t)),
                    );
                }
                v => warn(
                    p.line,
                    format!(
                        "property `{key}` should be a list of text, not {}",
                        v.kind()
                    ),
                ),
            }
        }
    }
    topics.retain(|t| !t.is_empty() && !rules.contacts.tags.contains(t));
    topics.sort();
    topics.dedup();

    let path: Arc<str> = Arc::from(note.path.as_str());
    let interactions = note
        .entries
        .iter_mut()
        .map(|e| Interaction {
            date: e.date,
            title: std::mem::take(&mut e.title),
            first_line: Some(std::mem::take(&mut e.summary_raw)),
            path: Arc::clone(&path),
            line: e.line,
            tags: if e.tags.is_empty() {
                Vec::new()
            } else {
                let mut t: Vec<String> = e.tags.iter().map(|t| tags::normalize(t)).collect();
                t.sort();
                t.dedup();
                t
            },
            mention: false,
            body: vec![e.range.clone()],
        })
        .collect();

    Contact {
        path: note.path.clone(),
        stem: note.stem.clone(),
        link_target: note.stem.clone(),
        name_key: fold_key(&name),
        name,
        aliases,
        tier,
        cadence,
        status,
        last_contact_property,
        birthday,
        milestones,
        snooze_until,
        topics,
        properties: Some(std::mem::take(&mut note.properties)),
        interactions,
        tasks: Vec::new(),
        links_to: BTreeSet::new(),
    }
}
