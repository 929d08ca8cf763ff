//! A [`Calendar`] as iCalendar text (RFC 5545): one all-day VEVENT per event, with a UID
//! derived from the contact and the event, a DTSTAMP at today's midnight UTC and, when asked,
//! a display alarm at a time of the day. The same calendar gives the same bytes: nothing
//! here reads the clock or draws a random number.
//!
//! Each content line is made by the `icalendar` crate's [`Property`] (TEXT escaping, parameter
//! quoting), then folded here. Its components are not used: they stamp any component without
//! a DTSTAMP or UID (an alarm among them) with the current time and a random UUID. Nor is its
//! folding: the last piece of a long line comes out at 76 octets.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use icalendar::Property;
use jiff::civil::Date;

use super::{Calendar, Event, Kind};
use crate::core::dates::{add_days, ymd};
use crate::core::model::{Contact, Vault};
use crate::core::render::plural;
use crate::core::schedule::{CelebrationKind, Reason, last_interaction};

/// What every calendar kith writes names as its maker: how kith knows a file it may replace.
/// No version in it, so that the same vault on the same day gives the same bytes whatever
/// kith wrote them.
pub const PRODID: &str = "-//kith//NONSGML kith//EN";

/// The calendar's name in calendar apps.
const NAME: &str = "kith";

/// How often a subscribed calendar app should fetch the file again.
const REFRESH: &str = "PT1H";

/// A display alarm on the event's day, at a time of that day (minutes after midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alarm {
    minutes: u16,
}

impl Alarm {
    /// Minutes in a day: an alarm is before the day ends.
    const DAY: u32 = 24 * 60;

    /// Parses a time of the day: `9h`, `9h30m`, `30m`, `0h`, or `9:30`; from 0h to 23h59m.
    pub fn parse(text: &str) -> Result<Alarm, String> {
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if t.starts_with('-') {
            return Err(format!(
                "`{text}` is before the day starts: the alarm is a time of the event's day, \
                 from 0h to 23h59m"
            ));
        }
        let bad = || {
            format!(
                "`{text}` is not a time of the day: give hours and minutes, such as 9h, 9h30m or 30m"
            )
        };
        let minutes = Self::minutes(&t).ok_or_else(bad)?;
        if minutes >= Self::DAY {
            return Err(format!(
                "`{text}` is 24 hours or more: the alarm is a time of the event's day, from 0h \
                 to 23h59m"
            ));
        }
        u16::try_from(minutes)
            .map(|minutes| Alarm { minutes })
            .map_err(|_| bad())
    }

    /// `9h30m`, `9h`, `30m` or `9:30` as minutes after midnight (unchecked against the day).
    fn minutes(t: &str) -> Option<u32> {
        let number = |s: &str| -> Option<u32> {
            (!s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        if let Some((h, m)) = t.split_once(':') {
            return (m.len() == 2)
                .then(|| Some(number(h)? * 60 + number(m).filter(|m| *m < 60)?))
                .flatten();
        }
        let (hours, rest) = match t.split_once('h') {
            Some((h, rest)) => (number(h)?, rest),
            None => (0, t),
        };
        let minutes = match rest.strip_suffix('m') {
            Some(m) => number(m)?,
            None if rest.is_empty() && t.ends_with('h') => 0,
            None => return None,
        };
        Some(hours * 60 + minutes)
    }

    /// The TRIGGER value: a duration after the start of the (all-day) event.
    fn trigger(self) -> String {
        match (self.minutes / 60, self.minutes % 60) {
            (0, 0) => "PT0S".to_string(),
            (0, m) => format!("PT{m}M"),
            (h, 0) => format!("PT{h}H"),
            (h, m) => format!("PT{h}H{m}M"),
        }
    }
}

impl fmt::Display for Alarm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.minutes / 60, self.minutes % 60) {
            (h, 0) => write!(f, "{h}h"),
            (0, m) => write!(f, "{m}m"),
            (h, m) => write!(f, "{h}h{m}m"),
        }
    }
}

/// How to write a calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub alarm: Option<Alarm>,
    /// The Obsidian vault's name: each event then links its contact's note
    /// (`obsidian://open?vault=...&file=...`).
    pub obsidian_vault: Option<String>,
}

/// Whether a file's bytes are a calendar kith wrote: `BEGIN:VCALENDAR`, then a PRODID of
/// kith's (`-//kith//...`, whatever follows) before the first component.
pub fn is_kith_calendar(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(b"BEGIN:VCALENDAR\r\n") else {
        return false;
    };
    rest.split(|&b| b == b'\n')
        .take_while(|line| !line.starts_with(b"BEGIN:"))
        .any(|line| line.starts_with(b"PRODID:-//kith//"))
}

/// The calendar as iCalendar text.
pub fn render(calendar: &Calendar, vault: &Vault, options: &Options) -> String {
    let mut out = String::with_capacity(256 + calendar.events.len() * 512);
    out.push_str("BEGIN:VCALENDAR\r\n");
    line(&mut out, "VERSION", "2.0");
    line(&mut out, "PRODID", PRODID);
    line(&mut out, "CALSCALE", "GREGORIAN");
    line(&mut out, "NAME", NAME);
    line(&mut out, "X-WR-CALNAME", NAME);
    param_line(&mut out, "REFRESH-INTERVAL", ("VALUE", "DURATION"), REFRESH);
    line(&mut out, "X-PUBLISHED-TTL", REFRESH);
    let stamp = format!("{}T000000Z", basic(calendar.today));
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(calendar.events.len());
    for event in &calendar.events {
        let contact = &vault.contacts[event.contact];
        // Two events alike (the same promise written twice) still get UIDs of their own.
        let mut identity = identity(event, contact);
        let count = seen.entry(identity.clone()).or_insert(0);
        if *count > 0 {
            let _ = write!(identity, "\u{1f}{count}");
        }
        *count += 1;
        let uid = format!(
            "{:032x}@kith",
            xxhash_rust::xxh3::xxh3_128(identity.as_bytes())
        );
        vevent(
            &mut out,
            event,
            contact,
            calendar.today,
            &uid,
            &stamp,
            options,
        );
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// One VEVENT.
fn vevent(
    out: &mut String,
    event: &Event,
    contact: &Contact,
    today: Date,
    uid: &str,
    stamp: &str,
    options: &Options,
) {
    let summary = clean(&summary(event, contact));
    out.push_str("BEGIN:VEVENT\r\n");
    line(out, "UID", uid);
    line(out, "DTSTAMP", stamp);
    param_line(out, "DTSTART", ("VALUE", "DATE"), &basic(event.date));
    param_line(
        out,
        "DTEND",
        ("VALUE", "DATE"),
        &basic(add_days(event.date, 1)),
    );
    line(out, "SUMMARY", &summary);
    line(
        out,
        "DESCRIPTION",
        &clean(&description(event, contact, today)),
    );
    // All-day reminders, not appointments: the day stays free.
    line(out, "TRANSP", "TRANSPARENT");
    if let Some(vault) = &options.obsidian_vault {
        let url = format!(
            "obsidian://open?vault={}&file={}",
            percent_encode(vault),
            percent_encode(&contact.path)
        );
        line(out, "URL", &url);
    }
    if let Some(alarm) = options.alarm {
        out.push_str("BEGIN:VALARM\r\n");
        line(out, "ACTION", "DISPLAY");
        line(out, "DESCRIPTION", &summary);
        line(out, "TRIGGER", &alarm.trigger());
        out.push_str("END:VALARM\r\n");
    }
    out.push_str("END:VEVENT\r\n");
}

/// What tells an event apart from every other, across runs: the contact's note, the kind,
/// and what of that kind (a promise by its text, not its line, which moves as the note is
/// edited). A check-in is known by the day it fell due, so that an overdue one keeps its UID
/// as it moves along with today; a contact never contacted has one check-in until the first
/// contact.
fn identity(event: &Event, contact: &Contact) -> String {
    let sep = '\u{1f}';
    let path = &contact.path;
    match &event.kind {
        Kind::Promise { task, due } => {
            let t = &contact.tasks[*task];
            format!(
                "promise{sep}{path}{sep}{}{sep}{}{sep}{}",
                t.path,
                t.text,
                ymd(*due)
            )
        }
        Kind::CheckIn(due) if due.reason == Reason::Never => {
            format!("check-in{sep}{path}{sep}never")
        }
        Kind::CheckIn(due) => format!("check-in{sep}{path}{sep}{}", ymd(due.next_due)),
        Kind::Celebration(c) => {
            let kind = match c.kind {
                CelebrationKind::Birthday => "birthday",
                CelebrationKind::Milestone => "milestone",
            };
            format!("{kind}{sep}{path}{sep}{}{sep}{}", c.what, ymd(c.date))
        }
    }
}

/// The event's title: `Check in with Ada Lovelace`, `Promise to Ada Lovelace: send the deck`,
/// `Ada Lovelace's birthday (turns 41)`, `Ada Lovelace: 5 years since joined Acme`.
fn summary(event: &Event, c: &Contact) -> String {
    let name = &c.name;
    match &event.kind {
        Kind::Promise { task, .. } => format!("Promise to {name}: {}", c.tasks[*task].text),
        Kind::CheckIn(_) => format!("Check in with {name}"),
        Kind::Celebration(cel) => match (cel.kind, cel.years) {
            (CelebrationKind::Birthday, Some(y)) => format!("{name}'s birthday (turns {y})"),
            (CelebrationKind::Birthday, None) => format!("{name}'s birthday"),
            (CelebrationKind::Milestone, Some(y)) => {
                format!("{name}: {} since {}", plural(y, "year"), cel.what)
            }
            (CelebrationKind::Milestone, None) => format!("{name}: {}", cel.what),
        },
    }
}

/// The event's notes: what makes it due, what to bring up, and where the note is. Nothing in
/// it counts days from today, so that an event's text changes only when the vault does.
fn description(event: &Event, c: &Contact, today: Date) -> String {
    let mut lines: Vec<String> = Vec::new();
    // The contact's note, last (for a promise written there, with its line).
    let mut place = c.path.clone();
    match &event.kind {
        Kind::Promise { task, due } => {
            let t = &c.tasks[*task];
            lines.push(if *due < today {
                format!("Overdue: it was due {}.", ymd(*due))
            } else {
                format!("Due {}.", ymd(*due))
            });
            if *t.path == *c.path {
                place = format!("{}, line {}", c.path, t.line);
            } else {
                lines.push(format!("Written in {}, line {}.", t.path, t.line));
            }
        }
        Kind::CheckIn(due) => {
            match due.reason {
                Reason::Overdue => {
                    lines.push(format!("Overdue: it was due {}.", ymd(due.next_due)))
                }
                Reason::Never => lines.push("No contact yet.".to_string()),
                Reason::Due => {}
            }
            if let Some(last) = due.last_contact {
                let title = last_interaction(c, today)
                    .map(|i| &c.interactions[i])
                    .filter(|i| i.date == last && !i.title.is_empty())
                    .map(|i| format!(": {}", i.title));
                lines.push(format!(
                    "Last contact {}{}.",
                    ymd(last),
                    title.unwrap_or_default()
                ));
            }
            lines.push(format!("Tier {}, every {}.", c.tier, c.cadence));
            for t in c.tasks.iter().filter(|t| t.open) {
                match t.due {
                    Some(d) => lines.push(format!("Open: {} (due {})", t.text, ymd(d))),
                    None => lines.push(format!("Open: {}", t.text)),
                }
            }
        }
        Kind::Celebration(_) => {}
    }
    lines.push(place);
    lines.join("\n")
}

/// Text as a TEXT value may hold it: line breaks as `\n` (escaped by the crate), and no other
/// control character, which the format does not allow (a lone CR would end the line).
fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .map(|c| match c {
            '\r' => '\n',
            '\n' | '\t' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A date in iCalendar's basic form, `20261123`.
fn basic(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

/// Percent-encodes everything but the unreserved characters of RFC 3986, as a query value.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// One content line, `KEY:value`, escaped as its value type asks, folded, with CRLF.
fn line(out: &mut String, key: &str, value: &str) {
    push(out, Property::new(key, value));
}

/// One content line with a parameter, `KEY;NAME=VALUE:value`.
fn param_line(out: &mut String, key: &str, (name, param): (&str, &str), value: &str) {
    let mut property = Property::new(key, value);
    property.add_parameter(name, param);
    push(out, property);
}

fn push(out: &mut String, property: Property) {
    // Writing into a String cannot fail. The crate's own folds are undone (a value holds no
    // line break: TEXT escapes them, and `clean` leaves no CR).
    if let Ok(text) = TryInto::<String>::try_into(property) {
        let unfolded = text.replace("\r\n ", "");
        fold(unfolded.trim_end_matches("\r\n"), out);
    }
}

/// The most octets of a physical line, its CRLF left out (RFC 5545, 3.1).
const FOLD_AT: usize = 75;

/// Writes a content line folded into physical lines of at most [`FOLD_AT`] octets (a
/// continuation's leading space included), each ending in CRLF, never inside a character.
/// Where it can, a fold falls between two characters that are not white space: some
/// readers trim the ends of physical lines before they unfold them.
fn fold(line: &str, out: &mut String) {
    let mut rest = line;
    let mut room = FOLD_AT;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let spaced = |at: usize| {
            rest[..at]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace)
                || rest[at..].chars().next().is_none_or(char::is_whitespace)
        };
        if spaced(cut)
            && let Some(better) = (cut.saturating_sub(16)..cut)
                .rev()
                .find(|&at| at > 0 && rest.is_char_boundary(at) && !spaced(at))
        {
            cut = better;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // A continuation starts with the space that marks it.
        room = FOLD_AT - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests;
