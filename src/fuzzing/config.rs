//! The `config` target: the input as the text of `kith.toml`.
//!
//! Checked: a config refused says so in a message naming the file; a config read has at
//! least one tier, its default tier among them, contact tags and exchange tags as kith
//! compares them (lower case, no `#`), a one-line log heading, a due note inside the vault,
//! and ignore patterns that match paths; and the week it schedules for a small vault
//! renders.

use jiff::civil::Date;

use super::lossy;
use crate::config::parse_config;
use crate::core::model;
use crate::core::note;
use crate::core::{render, schedule, tags};

/// A small vault to schedule with the config's rules: contacts in two folders, one tagged,
/// with tiers, cadences and a log.
const VAULT: [(&str, &str); 4] = [
    (
        "People/Ada.md",
        "---\ntier: A\ntags: [person, rust]\n---\n- 2026-10-01 Coffee #ask\n- 2026-10-08 Call #ask\n",
    ),
    (
        "Clients/Bob.md",
        "---\ntier: C\ncadence: 3mo\ntags: [client]\n---\n- 2026-11-02 Lunch #give\n",
    ),
    (
        "Notes/Cy.md",
        "#person #rust\n## 2026-06-01 Met at a talk\n",
    ),
    (
        "Daily/2026-11-20.md",
        "- [ ] intro [[Ada]] to [[Bob]] #ask\n",
    ),
];

/// Checks the `config` target's input.
pub fn check_config(data: &[u8]) {
    let text = lossy(data);
    let config = match parse_config(&text, "kith.toml") {
        Ok(config) => config,
        Err(e) => {
            assert!(
                e.0.starts_with("kith.toml"),
                "{:?} does not name the file",
                e.0
            );
            return;
        }
    };
    let rules = &config.rules;
    assert!(!rules.tiers.is_empty(), "no tier in {config:?}");
    assert!(
        rules.tier(&rules.default_tier).is_some(),
        "the default tier {:?} is not a tier",
        rules.default_tier
    );
    for tag in [&rules.contacts.tags, &rules.ask_tags, &rules.give_tags]
        .into_iter()
        .flatten()
    {
        assert_eq!(
            &tags::normalize(tag),
            tag,
            "the tag {tag:?} is not normalized"
        );
    }
    let heading = &config.log_heading;
    assert!(
        !heading.is_empty() && heading.trim() == heading && !heading.chars().any(char::is_control),
        "the log heading {heading:?} is not one line of text"
    );
    let due = &config.due_note;
    assert!(
        !due.is_empty() && !due.starts_with('/') && !due.split('/').any(|p| p == ".."),
        "the due note {due:?} is outside the vault"
    );
    for path in ["People/Ada.md", ".obsidian/app.json", "a/b/c.md", ""] {
        let _ = config.ignore.is_match(path);
    }

    let notes = VAULT
        .iter()
        .map(|(path, text)| note::parse(path, text, &rules.contacts))
        .collect();
    let vault = model::build(notes, rules);
    for today in [Date::constant(2026, 11, 23), Date::constant(9999, 12, 31)] {
        let week = schedule::week(&vault, rules, today);
        let _ = render::due_note(&week, &vault);
    }
}
