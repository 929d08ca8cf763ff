//! Reading a contact from its note: its typed properties (name, aliases, tier, cadence,
//! status, dates, milestones, topics) and its own log of interactions. A property of the
//! wrong type, or with a value kith cannot read, is reported as a warning at its line and read
//! as unset (or as the config's default): it must never stop the contact from being read, and
//! nothing here looks at other notes.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::sync::Arc;

use jiff::civil::Date;

use super::{Contact, Interaction, Milestone, Rules, Status};
use crate::core::cadence::Cadence;
use crate::core::dates::{DateError, parse_date};
use crate::core::frontmatter::{Birthday, RawProperty, Yaml, parse_birthday};
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
    let mut props = Props { note, problems };
    let name = props.text("name").unwrap_or_else(|| note.stem.clone());
    let aliases = props.aliases();
    let tier = props.tier(rules);
    let tier_cadence = rules.tier(&tier).map_or(Cadence::Never, |t| t.cadence);
    let cadence = props.cadence(tier_cadence);
    let status = props.status();
    let last_contact_property = props.date("last_contact");
    let snooze_until = props.date("snooze_until");
    let birthday = props.birthday();
    let milestones = props.milestones();
    // Shown and searched as written, so only their type is checked here. A person may have
    // several addresses and numbers (templates often write them as lists).
    for key in ["company", "role", "location", "linkedin"] {
        let _ = props.text(key);
    }
    let emails = props.texts("email");
    let _ = props.texts("phone");
    let uid = props.text("uid");
    let mut topics: Vec<String> = ["tags", "interests"]
        .into_iter()
        .flat_map(|key| props.list(key, key == "tags"))
        .map(|t| tags::normalize(&t))
        .collect();
    topics.retain(|t| !t.is_empty() && !rules.contacts.tags.contains(t));
    topics.sort();
    topics.dedup();
    let interactions = own_log(note);
    // A contact whose properties could not be read is still scheduled, with the defaults:
    // its problem says so, since its tier and cadence are not the ones written.
    if let Some(at) = note.front_matter_problem
        && let Some(p) = note.problems.get_mut(at)
    {
        p.message.push_str(&format!(
            "; its properties were not read, so it uses tier {tier}"
        ));
    }

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
        emails,
        uid,
        properties: Some(std::mem::take(&mut note.properties)),
        interactions,
        tasks: Vec::new(),
        links_to: BTreeSet::new(),
    }
}

/// The interactions of a contact's own log, one for each dated entry of its note (whose
/// titles and first lines move out of the note).
fn own_log(note: &mut ParsedNote) -> Vec<Interaction> {
    let path: Arc<str> = Arc::from(note.path.as_str());
    note.entries
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
        .collect()
}

/// A note's properties, read by type. An absent or null property is unset without a word; a
/// value of the wrong type, or one that cannot be read, is reported as a warning at its
/// property's line and read as unset, so one bad property never hides the others.
struct Props<'a> {
    note: &'a ParsedNote,
    problems: &'a mut Vec<Problem>,
}

impl<'a> Props<'a> {
    /// The property `key` (compared case-insensitively), unless it is absent or null.
    fn get(&self, key: &str) -> Option<&'a RawProperty> {
        self.note.property(key).filter(|p| p.value != Yaml::Null)
    }

    /// Text, trimmed; unset when empty.
    fn text(&mut self, key: &str) -> Option<String> {
        self.text_at(key).map(|(text, _)| text)
    }

    /// Text, trimmed, with its property's line; unset when empty.
    fn text_at(&mut self, key: &str) -> Option<(String, usize)> {
        let p = self.get(key)?;
        let text = self.text_of(p, key, "text")?;
        Some((non_empty(&text)?, p.line))
    }

    /// A date, `YYYY-MM-DD`.
    fn date(&mut self, key: &str) -> Option<Date> {
        let p = self.get(key)?;
        let text = self.text_of(p, key, "a date (YYYY-MM-DD)")?;
        let why = match parse_date(&text) {
            Ok(date) => return Some(date),
            Err(DateError::Impossible) => "is not a real date",
            Err(DateError::NotADate) => "is not a date (YYYY-MM-DD)",
        };
        self.bad(p.line, key, format_args!("`{}` {why}", text.trim()));
        None
    }

    /// A list of texts: a list, or one text split on commas (and on white space when
    /// `split_spaces`).
    fn list(&mut self, key: &str, split_spaces: bool) -> Vec<String> {
        let Some(p) = self.get(key) else {
            return Vec::new();
        };
        match &p.value {
            Yaml::Seq(_) | Yaml::Str(_) => text_list(&p.value, split_spaces),
            _ => {
                self.wrong_type(p, key, "a list of text");
                Vec::new()
            }
        }
    }

    /// One text or a list of texts, each kept whole.
    fn texts(&mut self, key: &str) -> Vec<String> {
        let Some(p) = self.get(key) else {
            return Vec::new();
        };
        match &p.value {
            Yaml::Seq(items)
                if items
                    .iter()
                    .all(|i| i.as_text().is_some() || *i == Yaml::Null) =>
            {
                text_list(&p.value, false)
            }
            Yaml::Seq(_) => {
                self.wrong_type(p, key, "text or a list of text");
                Vec::new()
            }
            _ => self
                .text_of(p, key, "text or a list of text")
                .and_then(|t| non_empty(&t))
                .into_iter()
                .collect(),
        }
    }

    /// `aliases` (or else `alias`): a list of texts, or one text taken whole.
    fn aliases(&mut self) -> Vec<String> {
        let note = self.note;
        let Some(p) = note.property("aliases").or_else(|| note.property("alias")) else {
            return Vec::new();
        };
        match &p.value {
            Yaml::Null => Vec::new(),
            Yaml::Seq(_) => text_list(&p.value, false),
            _ => self
                .text_of(p, "aliases", "a list of text")
                .and_then(|text| non_empty(&text))
                .into_iter()
                .collect(),
        }
    }

    /// `tier`: one of the config's tiers, as the config spells it; else the default tier.
    fn tier(&mut self, rules: &Rules) -> String {
        let default_tier = rules
            .tier(&rules.default_tier)
            .map_or_else(|| rules.default_tier.clone(), |t| t.name.clone());
        let Some((t, line)) = self.text_at("tier") else {
            return default_tier;
        };
        if let Some(tier) = rules.tier(&t) {
            return tier.name.clone();
        }
        let known: Vec<&str> = rules.tiers.iter().map(|t| t.name.as_str()).collect();
        self.warn(
            line,
            format!(
                "unknown tier `{t}` (the config has {}); using `{default_tier}`",
                known.join(", ")
            ),
        );
        default_tier
    }

    /// `cadence`; else the tier's.
    fn cadence(&mut self, tier_cadence: Cadence) -> Cadence {
        let Some((t, line)) = self.text_at("cadence") else {
            return tier_cadence;
        };
        Cadence::parse(&t).unwrap_or_else(|e| {
            let detail = format_args!("{e}; using the tier's {tier_cadence}");
            self.bad(line, "cadence", detail);
            tier_cadence
        })
    }

    /// `status`: active, dormant or archived, in any case; else active.
    fn status(&mut self) -> Status {
        let Some((t, line)) = self.text_at("status") else {
            return Status::Active;
        };
        match t.to_lowercase().as_str() {
            "active" => Status::Active,
            "dormant" => Status::Dormant,
            "archived" => Status::Archived,
            _ => {
                let detail = format_args!("`{t}` is not active, dormant or archived; using active");
                self.bad(line, "status", detail);
                Status::Active
            }
        }
    }

    /// `birthday`: a date, with or without its year.
    fn birthday(&mut self) -> Option<Birthday> {
        let p = self.get("birthday")?;
        let text = self.text_of(p, "birthday", "a date")?;
        match parse_birthday(&text) {
            Ok(birthday) => Some(birthday),
            Err(e) => {
                self.bad(p.line, "birthday", e);
                None
            }
        }
    }

    /// `milestones`: texts `YYYY-MM-DD what` (a list, or one text); each that cannot be read
    /// is reported and left out.
    fn milestones(&mut self) -> Vec<Milestone> {
        let Some(p) = self.get("milestones") else {
            return Vec::new();
        };
        let items: Vec<Option<String>> = match &p.value {
            Yaml::Seq(items) => items.iter().map(Yaml::as_text).collect(),
            v => vec![v.as_text()],
        };
        let mut milestones = Vec::new();
        for item in items {
            let Some(item) = item else {
                let detail = "each milestone should be text `YYYY-MM-DD what`";
                self.bad(p.line, "milestones", detail);
                continue;
            };
            let item = item.trim();
            match milestone(item) {
                Some(m) => milestones.push(m),
                None => {
                    let detail =
                        format_args!("`{item}` does not start with a real date (YYYY-MM-DD what)");
                    self.bad(p.line, "milestones", detail);
                }
            }
        }
        milestones
    }

    /// The property's value as one text; else a warning that it should be `what`.
    fn text_of(&mut self, p: &RawProperty, key: &str, what: &str) -> Option<String> {
        let text = p.value.as_text();
        if text.is_none() {
            self.wrong_type(p, key, what);
        }
        text
    }

    /// Reports a value of the wrong type: it should be `what`.
    fn wrong_type(&mut self, p: &RawProperty, key: &str, what: &str) {
        let kind = p.value.kind();
        self.warn(
            p.line,
            format!("property `{key}` should be {what}, not {kind}"),
        );
    }

    /// Reports a value of the right type that cannot be read, and why.
    fn bad(&mut self, line: usize, key: &str, detail: impl Display) {
        self.warn(line, format!("property `{key}`: {detail}"));
    }

    fn warn(&mut self, line: usize, message: String) {
        let problem = Problem::warning(&self.note.path, Some(line), message);
        self.problems.push(problem);
    }
}

/// A milestone `YYYY-MM-DD what` (`what` is "milestone" when none is written), or `None` when
/// the text does not start with a real date.
fn milestone(item: &str) -> Option<Milestone> {
    let (date_text, what) = match item.split_once(char::is_whitespace) {
        Some((d, w)) => (d, w.trim()),
        None => (item, ""),
    };
    let date = parse_date(date_text).ok()?;
    let what = if what.is_empty() { "milestone" } else { what };
    Some(Milestone {
        date,
        what: what.to_string(),
    })
}

/// A text trimmed, unless nothing is left.
fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}
