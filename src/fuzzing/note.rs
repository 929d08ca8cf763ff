//! The `note` target: one or two notes through everything `kith due` does with them (parse,
//! build the model, schedule the week, render the due note, the terminal text and the JSON,
//! make the search documents), beside three fixed notes that link to them and to each other.
//!
//! Input: a byte of flags, a byte for today, then the first note, and after a separator a
//! second note. Flags: 1 puts the first note outside the contact folder (a meeting note
//! that mentions contacts), 2 puts the second inside it, 4 makes contacts by tag alone, 8
//! leaves the fixed notes out.
//!
//! Checked: every line a parsed note reports lies in the note, and every range is on
//! character boundaries inside it; the model does not depend on the order of the notes; a
//! model patched from the fixed notes to all of them (and back) is the model built whole;
//! every contact is found by its path, and the link the due note writes for it reads back
//! as its link target.

use std::sync::OnceLock;

use jiff::civil::Date;

use super::{Input, line_count};
use crate::core::dates::add_days;
use crate::core::links::Links;
use crate::core::model::{self, Change, Found, Rules, Vault};
use crate::core::note::{self, ParsedNote};
use crate::core::{render, schedule, text};
use crate::index::docs::Sources;
use crate::index::schema::{self, Fields};

/// Notes always there (unless flag 8): a contact with an alias and a log that links, a
/// contact named by a property, and a daily note mentioning both and a fuzzed note's stem.
const FIXED: [(&str, &str); 3] = [
    (
        "People/Ada.md",
        "---\naliases: [Countess]\ntags: [person]\ncadence: 2w\nbirthday: --11-25\n---\n\
         ## Log\n- 2026-11-01 Coffee: talked to [[Bob]] #ask\n- [ ] send the paper to [[Ada Lovelace]] 📅 2026-11-24\n",
    ),
    (
        "People/Bob.md",
        "---\nname: Robert\ntier: A\nlast_contact: 2026-01-02\n---\n- 2026-10-02 Lunch: fine #give\n",
    ),
    (
        "Daily/2026-11-20.md",
        "Met [[Countess]] and [[Bob|him]], then [[2026-11-20 Sync]].\n\n- [ ] call [[Bob Stone]] #ask\n",
    ),
];

/// Checks the `note` target's input.
pub fn check_note(data: &[u8]) {
    let mut input = Input::new(data);
    let flags = input.byte();
    let today = today_of(input.byte());
    let first = input.text();
    let second = input.more().then(|| input.text());

    let mut rules = Rules::default();
    if flags & 4 != 0 {
        rules.contacts.folders.clear();
    }
    let mut fuzzed: Vec<(&str, &str)> = vec![(
        if flags & 1 == 0 {
            "People/Ada Lovelace.md"
        } else {
            "Meetings/2026-11-20 Sync.md"
        },
        &first,
    )];
    if let Some(second) = &second {
        let path = if flags & 2 == 0 {
            "Daily/2026-11-21.md"
        } else {
            "People/Bob Stone.md"
        };
        fuzzed.push((path, second));
    }
    let fixed: &[(&str, &str)] = if flags & 8 == 0 { &FIXED } else { &[] };
    let all: Vec<(&str, &str)> = fixed.iter().chain(&fuzzed).copied().collect();

    let parsed: Vec<ParsedNote> = all
        .iter()
        .map(|(path, text)| {
            let note = note::parse(path, text, &rules.contacts);
            check_parsed(text, &note);
            note
        })
        .collect();

    // The same model whatever the order the notes come in.
    let vault = model::build(parsed.clone(), &rules);
    let reversed = model::build(parsed.into_iter().rev().collect(), &rules);
    assert_eq!(
        format!("{vault:?}"),
        format!("{reversed:?}"),
        "the model depends on the order of the notes"
    );

    let week = schedule::week(&vault, &rules, today);
    let due = render::due_note(&week, &vault);
    let _ = render::due_terminal(&week, &vault);
    serde_json::to_string(&render::due_json(&week, &vault)).expect("the JSON serialises");
    let _ = note::parse("Due this week.md", &due, &rules.contacts);

    let sources = Sources::new(&vault);
    for (path, text) in &all {
        let _ = sources.documents(path, text, fields());
    }

    check_contacts(&vault, &rules);
    if !fixed.is_empty() {
        check_patches(fixed, &all, &vault, &rules);
    }
}

/// Today from one byte: the ends of the calendar kith accepts, or a day around 2026-11-23.
fn today_of(byte: u8) -> Date {
    match byte {
        0 => Date::constant(1, 1, 1),
        255 => Date::constant(9999, 12, 31),
        b => add_days(Date::constant(2026, 11, 23), (i64::from(b) - 128) * 5),
    }
}

fn fields() -> &'static Fields {
    static FIELDS: OnceLock<Fields> = OnceLock::new();
    FIELDS.get_or_init(|| schema::build().1)
}

/// Every line a parsed note reports is one of its lines, and every range lies inside it on
/// character boundaries.
fn check_parsed(text: &str, note: &ParsedNote) {
    let (text, _) = text::strip_bom(text);
    let lines = 1..=line_count(text);
    for p in &note.problems {
        assert_eq!(p.path, note.path, "{p:?}");
        if let Some(line) = p.line {
            assert!(lines.contains(&line), "{p:?} is outside lines {lines:?}");
        }
    }
    let mut reported: Vec<(&str, usize)> = Vec::new();
    reported.extend(note.entries.iter().map(|e| ("entry", e.line)));
    reported.extend(note.tasks.iter().map(|t| ("task", t.line)));
    reported.extend(note.links.iter().map(|l| ("link", l.line)));
    reported.extend(note.blocks.iter().map(|b| ("block", b.line)));
    reported.extend(note.scopes.iter().map(|s| ("scope", s.line)));
    reported.extend(note.properties.iter().map(|p| ("property", p.line)));
    for (what, line) in reported {
        assert!(
            lines.contains(&line),
            "{what} line {line} is outside {lines:?}"
        );
    }
    let ranges = note
        .entries
        .iter()
        .map(|e| ("entry", &e.range))
        .chain(note.blocks.iter().map(|b| ("block", &b.range)));
    for (what, r) in ranges {
        assert!(
            r.start <= r.end && text.get(r.clone()).is_some(),
            "{what} range {r:?} is not inside the {} bytes of the note",
            text.len()
        );
    }
    for l in &note.links {
        assert!(l.block.is_none_or(|b| b < note.blocks.len()), "{l:?}");
        assert!(l.scope.is_none_or(|s| s < note.scopes.len()), "{l:?}");
    }
}

/// Every contact is found by its path, and the wikilink written for it in the due note
/// reads back as a link to its link target.
fn check_contacts(vault: &Vault, rules: &Rules) {
    for (i, c) in vault.contacts.iter().enumerate() {
        match model::find(vault, &c.path) {
            Found::One(j) => assert_eq!(i, j, "{} finds another contact", c.path),
            Found::Many(found) => assert!(found.contains(&i), "{} is not found", c.path),
            Found::None(_) => panic!("{} is not found by its path", c.path),
        }
        let link = c.wikilink();
        let text = format!("- {link}\n");
        let back = note::parse("Due this week.md", &text, &rules.contacts);
        let targets: Vec<&str> = back
            .links
            .iter()
            .map(|l| l.target.target.as_str())
            .collect();
        assert_eq!(
            targets,
            [c.link_target.as_str()],
            "the due note's link {link:?} for {} reads back otherwise",
            c.path
        );
    }
}

/// A model patched from `fixed` to `all`, and from `all` back to `fixed`, is the model built
/// whole (when the patch is made: it may refuse, and the caller then builds whole).
fn check_patches(fixed: &[(&str, &str)], all: &[(&str, &str)], whole: &Vault, rules: &Rules) {
    let fixed_vault = model::build(parse_all(fixed, rules), rules);
    let forward = patched(fixed_vault.clone(), fixed, all, rules);
    if let Some(v) = forward {
        assert_eq!(
            format!("{v:?}"),
            format!("{whole:?}"),
            "adding the notes by a patch gives another model than a whole build"
        );
    }
    let back = patched(whole.clone(), all, fixed, rules);
    if let Some(v) = back {
        assert_eq!(
            format!("{v:?}"),
            format!("{fixed_vault:?}"),
            "removing the notes by a patch gives another model than a whole build"
        );
    }
}

fn parse_all(notes: &[(&str, &str)], rules: &Rules) -> Vec<ParsedNote> {
    notes
        .iter()
        .map(|(p, t)| note::parse(p, t, &rules.contacts))
        .collect()
}

/// `vault`, the model of `before`, patched to `after`; `None` when the patch refuses.
fn patched(
    mut vault: Vault,
    before: &[(&str, &str)],
    after: &[(&str, &str)],
    rules: &Rules,
) -> Option<Vault> {
    let listed = |notes: &[(&str, &str)]| -> Vec<(String, bool)> {
        let mut l: Vec<(String, bool)> = notes
            .iter()
            .map(|(p, t)| (p.to_string(), note::parse(p, t, &rules.contacts).is_contact))
            .collect();
        l.sort();
        l
    };
    let (b, a) = (listed(before), listed(after));
    let b: Vec<(&str, bool)> = b.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let a: Vec<(&str, bool)> = a.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let gone: Vec<&str> = before
        .iter()
        .filter(|(p, t)| !after.contains(&(p, t)))
        .map(|(p, _)| *p)
        .collect();
    let read = after
        .iter()
        .filter(|note| !before.contains(note))
        .map(|(p, t)| model::prepare(note::parse(p, t, &rules.contacts), rules))
        .collect();
    let mut links = Links::of(&vault, &b);
    let change = Change {
        gone: &gone,
        read,
        before: &b,
        after: &a,
    };
    model::patch(&mut vault, change, &mut links).ok()?;
    Some(vault)
}
