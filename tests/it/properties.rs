//! Properties of the parsers through the library API: no input makes them panic, every
//! line they report lies inside the text, and the cadence grammar round-trips.
//!
//! Case counts stay moderate (256) so that the suite runs in a few seconds in a debug build;
//! raise them with `PROPTEST_CASES=100000 cargo test --release --test it properties::`.

use kith::core::cadence::{Cadence, CadenceError, Unit};
use kith::core::dates::{DateError, parse_date};
use kith::core::frontmatter::{parse_yaml, parse_yaml_full};
use kith::core::note::{ContactRules, ParsedNote, parse};
use proptest::prelude::*;

/// Pieces of Markdown, front-matter and Obsidian syntax that the parsers treat specially.
const FRAGMENTS: &[&str] = &[
    "---\n",
    "...\n",
    "- [ ] ",
    "- [x] ",
    "* [/] ",
    "1. ",
    "- ",
    "  ",
    "    ",
    "\t",
    "> ",
    "# 2026-02-30 ",
    "## 2026-11-20 ",
    "### [[2026-11-21]] ",
    "#### [[2026-11-22|Fri]] ",
    "- 2026-11-01 ",
    "- 2026-13-45 ",
    "2025-02-29",
    "0000-01-01",
    "9999-12-31",
    "[[",
    "]]",
    "[[Ada Lovelace]]",
    "[[People/Ada|Ada]]",
    "[[Ada#Log]]",
    "[x](People/Ada%20Lovelace.md)",
    "[x](%zz%)",
    "](",
    "![a ",
    "](u)",
    "|",
    "| a | b |\n|---|---|\n",
    "#tag",
    "#2026",
    "#a/b-c_d",
    "📅 ",
    "📅 2026-11-20",
    "📅 2026-02-30",
    "✅ 2026-11-20",
    "[due:: 2026-11-20]",
    "(due:: 2026-02-30)",
    "due:: ",
    "[due::",
    " ^abc123",
    "^",
    "`",
    "```\n",
    "~~~\n",
    "*",
    "**",
    "_",
    "<div>",
    "</div>",
    "<!-- ",
    "&amp;",
    "[^1]",
    "[^1]: note\n",
    "\\",
    "\r\n",
    "\n",
    "\r",
    "\n\n",
    "\u{feff}",
    "\0",
    "\u{2028}",
    "é",
    "Zoe\u{0308}",
    "𝔘",
    "name: ",
    "tier: A\n",
    "tags: [person, x]\n",
    "cadence: 0w\n",
    "cadence: -1w\n",
    "cadence: 999999999y\n",
    "last_contact: 2026-02-30\n",
    "birthday: --02-29\n",
    "date: 2026-11-20\n",
    "a: &a [x, *a]\n",
    "b: *a\n",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "=",
    "-",
    "—",
    "·",
    "Ada Lovelace",
    " ",
];

/// Markdown-ish text: fragments, sometimes mixed with arbitrary short strings.
fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
            1 => "\\PC{0,6}",
            1 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
        ],
        0..48,
    )
    .prop_map(|parts| parts.concat())
}

/// Lines that look like YAML front-matter, including its hostile corners.
const YAML_LINES: &[&str] = &[
    "name: Ada",
    "name: 'O''Brien'",
    "name: \"esc \\u00e9 \\x\"",
    "name: \"unterminated",
    "tier: A",
    "tags: [a, b",
    "tags: [a, b]",
    "tags: []",
    "tags:",
    "- x",
    "  - y",
    "  -",
    "    - deeper",
    "a: &a [x, y]",
    "b: *a",
    "c: *missing",
    "<<: *a",
    "d: {<<: *a}",
    "? k",
    ": v",
    "a: |",
    "a: >-",
    "  text",
    "\t- tab",
    "\tname: tab",
    "'",
    "\"",
    "k: 2026-02-30",
    "k: 2026-11-20T10:30",
    "k: 1e999",
    "k: -1e999",
    "k: .nan",
    "k: 0x1F",
    "k: 0o17",
    "k: 1_000",
    "k: 99999999999999999999999",
    "k: -9223372036854775809",
    "k: !!binary aGk=",
    "k: !tag x",
    "k: !!str 12",
    "k: ~",
    "k: null",
    "k: yes",
    "k: True",
    "k:  # comment",
    "---",
    "...",
    "%YAML 1.2",
    "# comment",
    "",
    " ",
    "\u{feff}",
    "a: b: c",
    "{a: 1}",
    "[1, 2]",
    "é: ü",
    "name: Zoë Ångström",
    "k: [[[[x]]]]",
    "k: {a: {b: {c: 1}}}",
    "k: 'multi",
    "  line'",
    "k: \0",
    "k: \u{2028}",
];

fn yamlish() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            prop_oneof![
                6 => prop::sample::select(YAML_LINES).prop_map(str::to_string),
                1 => "[a-z]{1,6}: \\PC{0,12}",
                1 => "\\PC{0,12}",
            ],
            0..12,
        ),
        prop::bool::ANY,
    )
        .prop_map(|(lines, crlf)| {
            let sep = if crlf { "\r\n" } else { "\n" };
            let mut s = lines.join(sep);
            s.push_str(sep);
            s
        })
}

fn rules() -> ContactRules {
    ContactRules {
        folders: vec!["People".to_string()],
        tags: vec!["person".to_string()],
    }
}

/// The number of lines of a text, as `str::lines` counts them.
fn line_count(text: &str) -> usize {
    text.lines().count()
}

/// Every line a parsed note reports (problems, entries, tasks, links, blocks, scopes,
/// properties) lies in 1..=lines+1.
fn check_lines(text: &str, note: &ParsedNote) -> Result<(), TestCaseError> {
    let max = line_count(text) + 1;
    for p in &note.problems {
        let line = p.line.unwrap_or(1);
        prop_assert!(
            (1..=max).contains(&line),
            "problem {p:?} outside 1..={max} in {text:?}"
        );
        prop_assert_eq!(&p.path, &note.path);
    }
    let mut lines: Vec<(&str, usize)> = Vec::new();
    lines.extend(note.entries.iter().map(|e| ("entry", e.line)));
    lines.extend(note.tasks.iter().map(|t| ("task", t.line)));
    lines.extend(note.links.iter().map(|l| ("link", l.line)));
    lines.extend(note.blocks.iter().map(|b| ("block", b.line)));
    lines.extend(note.scopes.iter().map(|s| ("scope", s.line)));
    lines.extend(note.properties.iter().map(|p| ("property", p.line)));
    for (what, line) in lines {
        prop_assert!(
            (1..=max).contains(&line),
            "{what} line {line} outside 1..={max} in {text:?}"
        );
    }
    for e in &note.entries {
        prop_assert!(e.range.start <= e.range.end && e.range.end <= text.len());
    }
    Ok(())
}

fn parse_both_ways(text: &str) -> Result<(), TestCaseError> {
    for path in ["People/Ada.md", "Notes/2026-11-20 Sync.md"] {
        let note = parse(path, text, &rules());
        check_lines(text, &note)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any string is a note: parsing never panics and its lines are in range.
    #[test]
    fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
        parse_both_ways(&text)?;
    }

    /// Markdown-ish text built from the fragments the parser treats specially.
    #[test]
    fn parse_never_panics_on_markdownish_text(text in markdownish()) {
        parse_both_ways(&text)?;
    }

    /// Front-matter-ish text wrapped as a note: closed, unclosed, with a BOM, with CRLF.
    #[test]
    fn parse_never_panics_on_front_matter(
        yaml in yamlish(),
        body in markdownish(),
        bom in prop::bool::ANY,
        close in prop::sample::select(&["---\n", "...\n", "---\r\n", "", "--- \n"][..]),
    ) {
        let text = format!("{}---\n{yaml}{close}{body}", if bom { "\u{feff}" } else { "" });
        parse_both_ways(&text)?;
    }

    /// Any path: the stem and the contact rules never panic.
    #[test]
    fn parse_never_panics_on_odd_paths(path in "\\PC{0,24}", text in markdownish()) {
        let note = parse(&path, &text, &rules());
        check_lines(&text, &note)?;
    }

    /// `parse_yaml` never panics; its property lines and error line lie inside the block.
    #[test]
    fn parse_yaml_never_panics(yaml in prop_oneof![yamlish(), any::<String>()]) {
        let max = line_count(&yaml) + 1;
        match parse_yaml(&yaml) {
            Ok(props) => {
                for p in props {
                    prop_assert!((1..=max).contains(&p.line), "{p:?} outside 1..={max} in {yaml:?}");
                }
            }
            Err(e) => {
                prop_assert!(!e.message.is_empty());
                if let Some(line) = e.line {
                    prop_assert!((1..=max).contains(&line), "error {e:?} outside 1..={max} in {yaml:?}");
                }
            }
        }
    }

    /// The simple reader (inside `parse_yaml`) and the full parser agree on every block:
    /// both accept it with the same properties, or both refuse it.
    #[test]
    fn parse_yaml_agrees_with_the_full_parser(yaml in yamlish()) {
        let fast = parse_yaml(&yaml);
        let full = parse_yaml_full(&yaml);
        prop_assert_eq!(fast.is_ok(), full.is_ok(), "{:?}: {:?} vs {:?}", yaml, fast, full);
        if let (Ok(fast), Ok(full)) = (fast, full) {
            prop_assert_eq!(fast, full, "{:?}", yaml);
        }
    }

    /// The same on one `key: value` line with any characters in the value (control
    /// characters, Unicode spaces): both readers accept or refuse it alike.
    #[test]
    fn parse_yaml_agrees_on_any_value(key in "[a-z]{1,6}", value in ".{0,8}") {
        let yaml = format!("{key}: {value}\n");
        let fast = parse_yaml(&yaml);
        let full = parse_yaml_full(&yaml);
        prop_assert_eq!(fast.is_ok(), full.is_ok(), "{:?}: {:?} vs {:?}", yaml, fast, full);
        if let (Ok(fast), Ok(full)) = (fast, full) {
            prop_assert_eq!(fast, full, "{:?}", yaml);
        }
    }

    /// `Cadence::parse` never panics, and whatever it accepts round-trips through its
    /// canonical display.
    #[test]
    fn cadence_parse_never_panics_and_round_trips(text in prop_oneof![
        any::<String>(),
        "-?[0-9]{0,25} ?(d|w|m|mo|mos|y|day|days|week|weeks|month|months|year|years|D|W|MO|Years|x)",
        prop::sample::select(&["weekly", "Biweekly", "FORTNIGHTLY", "monthly", "quarterly",
            "yearly", "annually", "never", "None", "0w", "-1w", "999999999y", "00d", " 4w ",
            "1.5mo", "6w2d", "+3w", "٣w", "３w", "6\u{a0}w", "6\tweeks"][..]).prop_map(str::to_string),
    ]) {
        if let Ok(c) = Cadence::parse(&text) {
            let shown = c.to_string();
            prop_assert_eq!(Cadence::parse(&shown), Ok(c), "{:?} shown as {:?}", text, shown);
            if let Cadence::Every { n, .. } = c {
                prop_assert!(n >= 1, "{:?} parsed to n = 0", text);
            }
        }
    }

    /// Every valid cadence is accepted in each of its spellings and round-trips; n = 0 and
    /// negative counts are refused as not positive.
    #[test]
    fn valid_cadences_round_trip(
        n in 0u32..40_000,
        unit in prop::sample::select(&[Unit::Day, Unit::Week, Unit::Month, Unit::Year][..]),
        spelling in 0usize..3,
        upper in prop::bool::ANY,
    ) {
        let max = match unit {
            Unit::Day => 36_525,
            Unit::Week => 5_218,
            Unit::Month => 1_200,
            Unit::Year => 100,
        };
        let words = match unit {
            Unit::Day => ["d", " day", " days"],
            Unit::Week => ["w", " week", " weeks"],
            Unit::Month => ["mo", " month", " months"],
            Unit::Year => ["y", " year", " years"],
        };
        let mut text = format!("{n}{}", words[spelling]);
        if upper {
            text = text.to_uppercase();
        }
        let parsed = Cadence::parse(&text);
        if n == 0 {
            prop_assert!(matches!(parsed, Err(CadenceError::NotPositive(_))), "{:?}: {:?}", text, parsed);
        } else if n > max {
            prop_assert!(matches!(parsed, Err(CadenceError::TooLong(_))), "{:?}: {:?}", text, parsed);
        } else {
            let c = Cadence::Every { n, unit };
            prop_assert_eq!(parsed.clone(), Ok(c), "{:?}", text);
            prop_assert_eq!(Cadence::parse(&c.to_string()), Ok(c));
            let negative = format!("-{text}");
            let parsed = Cadence::parse(&negative);
            prop_assert!(matches!(parsed, Err(CadenceError::NotPositive(_))), "{:?}: {:?}", negative, parsed);
        }
    }

    /// `parse_date` never panics; a date it accepts prints back as the `YYYY-MM-DD` it read.
    #[test]
    fn parse_date_never_panics(text in prop_oneof![
        any::<String>(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9:]{0,8})?",
        "\\PC{0,4}[0-9]{4}-[0-9]{2}-[0-9]{2}\\PC{0,4}",
    ]) {
        if let Ok(d) = parse_date(&text) {
            let shown = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            prop_assert!(text.trim().starts_with(&shown), "{:?} read as {}", text, shown);
            prop_assert_eq!(parse_date(&shown), Ok(d));
        }
    }

    /// For every `YYYY-MM-DD`, `parse_date` accepts exactly the days of the calendar (from
    /// year 1) and calls the others impossible (`2026-02-30`, `2026-13-45`).
    #[test]
    fn parse_date_knows_the_calendar(y in 0i16..=9999, m in 0i8..=99, d in 0i8..=99) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        let real = y >= 1 && jiff::civil::Date::new(y, m, d).is_ok();
        match parse_date(&text) {
            Ok(date) => {
                prop_assert!(real, "{} accepted", text);
                prop_assert_eq!((date.year(), date.month(), date.day()), (y, m, d));
            }
            Err(DateError::Impossible) => prop_assert!(!real, "{} refused", text),
            Err(DateError::NotADate) => prop_assert!(false, "{} is of the form", text),
        }
    }
}

/// Values where the simple front-matter reader and the full YAML parser disagreed: control
/// characters (the full parser refuses them) and Unicode line separators (the simple reader
/// trims them away).
#[test]
fn parse_yaml_agrees_with_the_full_parser_on_odd_characters() {
    for yaml in [
        "k: \0\n",
        "k: a\u{7f}\n",
        "k: a\u{b}b\n",
        "k: \u{1b}[31m\n",
        "k: \u{2028}\n",
        "k: a\u{85}\n",
    ] {
        let fast = parse_yaml(yaml);
        let full = parse_yaml_full(yaml);
        assert_eq!(fast, full, "{yaml:?}");
    }
}

/// The fixed hostile inputs, through the library: quick to run, easy to read.
#[test]
fn hostile_inputs_through_the_library() {
    let bomb = {
        let mut s = String::from(
            "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let mut prev = 'a';
        for level in 'b'..='i' {
            s.push_str(&format!(
                "{level}: &{level} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
            prev = level;
        }
        s + "---\nbody\n"
    };
    let inputs = [
        bomb,
        format!(
            "---\na: {}{}\n---\n",
            "[".repeat(20_000),
            "]".repeat(20_000)
        ),
        format!("---\na:\n{}x\n---\n", "- ".repeat(20_000)),
        format!("{}deep\n", "> ".repeat(20_000)),
        format!("{}deep\n", "- ".repeat(20_000)),
        "---\nname: never closed\n".to_string(),
        "\u{feff}".to_string(),
        String::new(),
        "a\0b\n\0".to_string(),
        "---\ncadence: 0w\nlast_contact: 2026-02-30\nbirthday: 2026-13-45\n---\n".to_string(),
    ];
    for text in &inputs {
        let note = parse("People/X.md", text, &rules());
        let max = line_count(text) + 1;
        for p in &note.problems {
            let line = p.line.unwrap_or(1);
            assert!((1..=max).contains(&line), "{p:?} in {:.80?}", text);
        }
    }
    for c in ["0w", "-1w", "999999999y"] {
        assert!(Cadence::parse(c).is_err(), "{c}");
    }
    for d in ["2026-02-30", "2026-13-45"] {
        assert_eq!(parse_date(d), Err(DateError::Impossible), "{d}");
    }
}

/// A log longer than the parser's 1 MiB pieces, as one list whose entries have nested
/// items: every entry and every nested task is read, wherever the pieces are cut.
#[test]
fn a_long_log_with_nested_items_loses_nothing() {
    let mut text = String::from("---\ntier: A\n---\n## Log\n");
    let mut n = 0;
    while text.len() < 3 * 1024 * 1024 {
        text.push_str(&format!(
            "- 2025-01-01 call {n}\n    - detail {n} {}\n    - [ ] follow up {n}\n",
            "x".repeat(60)
        ));
        n += 1;
    }
    text.push_str("- 2026-09-02 last call\n    - 2026-09-03 nested dated item\n");
    let note = parse("People/Log.md", &text, &rules());
    assert_eq!(note.entries.len(), n + 2, "entries");
    let missing: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("- [ ] follow up"))
        .map(|(i, _)| i + 1)
        .filter(|line| !note.tasks.iter().any(|t| t.line == *line))
        .collect();
    assert!(missing.is_empty(), "tasks not read, on lines {missing:?}");
}
