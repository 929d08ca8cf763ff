//! Binary-level tests of `kith export ics`: the calendar read back by an independent parser
//! (the `ical` crate), the same bytes for the same vault and day, and `-o` that never
//! replaces a file kith did not export.

use std::collections::BTreeSet;

use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use ical::property::Property;

use crate::common::{Run, TestVault, column, lines, sample_vault};

/// The one calendar in `text`, read by the `ical` crate.
#[track_caller]
fn parse(text: &str) -> IcalCalendar {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars
        .next()
        .expect("a calendar")
        .unwrap_or_else(|e| panic!("not iCalendar ({e}):\n{text}"));
    assert!(calendars.next().is_none(), "one calendar");
    calendar
}

fn value<'a>(props: &'a [Property], name: &str) -> &'a str {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_else(|| panic!("no {name}: {props:?}"))
}

/// Text as iCalendar writes it (the `ical` crate hands values over still escaped).
fn escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

fn summaries(events: &[IcalEvent]) -> Vec<&str> {
    events
        .iter()
        .map(|e| value(&e.properties, "SUMMARY"))
        .collect()
}

/// Every physical line ends in CRLF and holds at most 75 octets.
#[track_caller]
fn assert_lines(text: &str) {
    for line in text.split_inclusive('\n') {
        assert!(line.ends_with("\r\n"), "{line:?}");
        assert!(line.len() - 2 <= 75, "{} octets: {line:?}", line.len() - 2);
    }
}

#[test]
fn the_sample_vault_as_a_calendar_any_reader_takes() {
    let v = sample_vault();
    let run = v.kith(&["export", "ics"]).ok();
    assert_lines(&run.stdout);
    let cal = parse(&run.stdout);
    assert_eq!(value(&cal.properties, "VERSION"), "2.0");
    assert_eq!(
        value(&cal.properties, "PRODID"),
        "-//kith//NONSGML kith//EN"
    );
    assert!(!cal.events.is_empty());
    assert!(
        run.stderr.contains(&format!(
            "{} events, 2026-11-23 to 2027-01-17",
            cal.events.len()
        )),
        "{}",
        run.stderr
    );
    let mut uids = BTreeSet::new();
    let mut days = Vec::new();
    for e in &cal.events {
        let p = &e.properties;
        assert!(
            uids.insert(value(p, "UID")),
            "UID twice: {}",
            value(p, "UID")
        );
        assert_eq!(value(p, "DTSTAMP"), "20261123T000000Z");
        let start = value(p, "DTSTART");
        assert!(("20261123".."20270118").contains(&start), "{start}");
        days.push(start.to_string());
        assert!(e.alarms.is_empty());
    }
    let mut sorted = days.clone();
    sorted.sort();
    assert_eq!(days, sorted, "events by day");
    // The due week's check-ins and promises are all there (today is its first day).
    let due = v.due();
    let events = summaries(&cal.events);
    for name in column(&due["check_ins"], "contact") {
        let summary = format!("Check in with {name}");
        assert!(events.contains(&summary.as_str()), "{summary}: {events:#?}");
    }
    for (name, text) in column(&due["promises"], "contact")
        .into_iter()
        .zip(column(&due["promises"], "text"))
    {
        let summary = escaped(&format!("Promise to {name}: {text}"));
        assert!(events.contains(&summary.as_str()), "{summary}: {events:#?}");
    }
    // The same vault on the same day: the same bytes.
    assert_eq!(v.kith(&["export", "ics"]).ok().stdout, run.stdout);
    // A day later, the overdue ones are on the new today, with the UIDs they had.
    let later = v.kith_on("2026-11-24", &["export", "ics"]).ok();
    let later = parse(&later.stdout);
    let overdue = |cal: &IcalCalendar, day: &str| -> Vec<(String, String)> {
        cal.events
            .iter()
            .filter(|e| value(&e.properties, "DTSTART") == day)
            .filter(|e| value(&e.properties, "DESCRIPTION").starts_with("Overdue"))
            .map(|e| {
                let p = &e.properties;
                (value(p, "SUMMARY").to_string(), value(p, "UID").to_string())
            })
            .collect()
    };
    let before = overdue(&cal, "20261123");
    assert!(!before.is_empty());
    let after = overdue(&later, "20261124");
    for event in &before {
        assert!(after.contains(event), "{event:?} not in {after:#?}");
    }
}

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        &lines(&[
            "---",
            "tier: A",
            "birthday: 1985-11-25",
            "---",
            "## Log",
            "- 2026-09-02 coffee: Engines.",
            "- [ ] Send the deck 📅 2026-11-26",
            "- [ ] Send the deck 📅 2026-11-26",
        ]),
    );
    v
}

#[test]
fn alarms_weeks_and_usage_errors() {
    let v = vault();
    let run = v
        .kith(&["export", "ics", "--weeks", "1", "--alarm", "9h30m"])
        .ok();
    let cal = parse(&run.stdout);
    assert_eq!(
        summaries(&cal.events),
        [
            "Check in with Ada Lovelace",
            "Ada Lovelace's birthday (turns 41)",
            "Promise to Ada Lovelace: Send the deck",
            "Promise to Ada Lovelace: Send the deck",
        ]
    );
    let uids: BTreeSet<&str> = cal
        .events
        .iter()
        .map(|e| value(&e.properties, "UID"))
        .collect();
    assert_eq!(uids.len(), 4, "twin promises get UIDs of their own");
    for e in &cal.events {
        assert_eq!(e.alarms.len(), 1);
        let alarm = &e.alarms[0].properties;
        assert_eq!(value(alarm, "ACTION"), "DISPLAY");
        assert_eq!(value(alarm, "TRIGGER"), "PT9H30M");
        assert_eq!(value(alarm, "DESCRIPTION"), value(&e.properties, "SUMMARY"));
    }
    for (args, says) in [
        (&["--weeks", "0"][..], "must be from 1 to 520"),
        (&["--weeks", "521"], "must be from 1 to 520"),
        (&["--weeks", "eight"], "not a number of weeks"),
        (&["--alarm", "24h"], "24 hours or more"),
        (&["--alarm", "-1h"], "before the day starts"),
        (&["--alarm", "nine"], "not a time of the day"),
    ] {
        let mut all = vec!["export", "ics"];
        all.extend_from_slice(args);
        let run = v.kith(&all).code(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn output_files_are_written_once_and_never_over_anything_else() {
    let v = vault();
    let ada = v.read("People/Ada Lovelace.md");
    // Relative to the folder kith runs in (here the scratch folder, outside the vault).
    let run = v.kith(&["export", "ics", "-o", "out/kith.ics"]).ok();
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("wrote 4 events to out/kith.ics"),
        "{}",
        run.stderr
    );
    let path = v.scratch().join("out/kith.ics");
    let written = std::fs::read_to_string(&path).expect("the calendar");
    assert_eq!(written, v.kith(&["export", "ics"]).ok().stdout);
    let run = v.kith(&["export", "ics", "-o", "out/kith.ics"]).ok();
    assert!(
        run.stderr.contains("out/kith.ics is up to date"),
        "{}",
        run.stderr
    );
    // Another day: kith's own calendar is replaced.
    v.kith_on("2026-11-24", &["export", "ics", "-o", "out/kith.ics"])
        .ok();
    assert!(
        std::fs::read_to_string(&path)
            .expect("read")
            .contains("DTSTAMP:20261124T000000Z")
    );
    // A note, another program's calendar: refused, exit 1, left byte for byte.
    let theirs =
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nEND:VCALENDAR\r\n";
    std::fs::write(v.scratch().join("work.ics"), theirs).expect("write");
    let note = v.path("People/Ada Lovelace.md");
    let note = note.to_str().expect("UTF-8");
    for target in [note, "work.ics"] {
        let run = v.kith(&["export", "ics", "-o", target]).code(1);
        assert!(
            run.stderr
                .contains("exists and is not a calendar kith exported"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(v.read("People/Ada Lovelace.md"), ada);
    assert_eq!(
        std::fs::read_to_string(v.scratch().join("work.ics")).expect("read"),
        theirs
    );
    // `-o -` is stdout.
    let run = v.kith(&["export", "ics", "-o", "-"]).ok();
    assert!(run.stdout.starts_with("BEGIN:VCALENDAR\r\n"));
}

#[test]
fn export_never_builds_the_search_index() {
    let v = vault();
    let run: Run = v.kith(&["export", "ics"]).ok();
    assert!(!run.stdout.is_empty());
    let base = v.scratch().join("index");
    let dirs: Vec<_> = std::fs::read_dir(&base)
        .expect("the index folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(dirs.len(), 1);
    assert!(dirs[0].join("manifest.bin").exists(), "the model is cached");
    assert!(!dirs[0].join("tantivy").exists(), "no search index");
}

#[test]
fn export_in_kith_toml_sets_weeks_and_alarm_and_flags_win() {
    let v = vault();
    v.file("kith.toml", "[export]\nweeks = 1\nalarm = \"7h\"\n");
    let triggers = |args: &[&str]| -> (usize, BTreeSet<String>) {
        let mut all = vec!["export", "ics"];
        all.extend_from_slice(args);
        let cal = parse(&v.kith(&all).ok().stdout);
        let triggers = cal
            .events
            .iter()
            .flat_map(|e| &e.alarms)
            .map(|a| value(&a.properties, "TRIGGER").to_string())
            .collect();
        (cal.events.len(), triggers)
    };
    let one = |t: &str| BTreeSet::from([t.to_string()]);
    assert_eq!(triggers(&[]), (4, one("PT7H")));
    assert_eq!(triggers(&["--alarm", "8h"]), (4, one("PT8H")));
    // Ada's next birthday is a year on.
    assert_eq!(triggers(&["--weeks", "53"]), (5, one("PT7H")));
}
