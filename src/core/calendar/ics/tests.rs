use proptest::prelude::*;

use super::*;
use crate::core::calendar::calendar;
use crate::core::dates::parse_date;
use crate::core::model::tests::vault as vault_of;

fn d(s: &str) -> Date {
    parse_date(s).expect("test date")
}

fn ics(files: &[(&str, &str)], today: &str, weeks: u16, options: &Options) -> String {
    let v = vault_of(files);
    render(&calendar(&v, d(today), weeks), &v, options)
}

/// The calendar read back by an independent parser (the `ical` crate).
fn parsed(text: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("not iCalendar: {e}\n{text}"));
    assert!(calendars.next().is_none(), "one calendar only");
    calendar
}

fn value<'a>(props: &'a [ical::property::Property], name: &str) -> &'a str {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_else(|| panic!("no {name} in {props:?}"))
}

/// The physical lines, each checked: CRLF-terminated, at most 75 octets.
#[track_caller]
fn check_lines(text: &str) {
    assert!(text.ends_with("\r\n"), "ends with CRLF");
    for l in text.split_inclusive('\n') {
        assert!(l.ends_with("\r\n"), "a line without CRLF: {l:?}");
        let content = &l[..l.len() - 2];
        assert!(!content.contains('\r'), "a lone CR: {l:?}");
        assert!(content.len() <= 75, "{} octets: {l:?}", content.len());
    }
}

/// Undoes the folding: RFC 5545 removes a CRLF followed by one space or tab.
fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

/// Undoes TEXT escaping.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(c) => out.push(c),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

const ADA: (&str, &str) = (
    "People/Ada Lovelace.md",
    "---\ntier: A\nbirthday: 1985-11-25\n---\n## Log\n- 2026-09-02 coffee: Engines.\n\
     - [ ] Send the deck, v2; \\final\\ 📅 2026-11-20\n- [ ] Send the deck, v2; \\final\\ 📅 2026-11-20\n",
);

#[test]
fn writes_all_day_events_an_independent_parser_reads() {
    let options = Options {
        alarm: Some(Alarm::parse("9h30m").expect("alarm")),
        obsidian_vault: Some("My Notes".to_string()),
    };
    let text = ics(&[ADA], "2026-11-23", 8, &options);
    check_lines(&text);
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith//NONSGML kith//EN\r\n")
    );
    let cal = parsed(&text);
    assert_eq!(value(&cal.properties, "PRODID"), PRODID);
    let summaries: Vec<&str> = cal
        .events
        .iter()
        .map(|e| value(&e.properties, "SUMMARY"))
        .collect();
    assert_eq!(
        summaries,
        [
            "Promise to Ada Lovelace: Send the deck\\, v2\\; \\\\final\\\\",
            "Promise to Ada Lovelace: Send the deck\\, v2\\; \\\\final\\\\",
            "Check in with Ada Lovelace",
            "Ada Lovelace's birthday (turns 41)",
        ]
    );
    for e in &cal.events {
        assert_eq!(value(&e.properties, "DTSTAMP"), "20261123T000000Z");
        assert!(value(&e.properties, "UID").ends_with("@kith"));
        let start = e
            .properties
            .iter()
            .find(|p| p.name == "DTSTART")
            .expect("start");
        assert_eq!(
            start.params,
            Some(vec![("VALUE".to_string(), vec!["DATE".to_string()])])
        );
        assert_eq!(
            value(&e.properties, "URL"),
            "obsidian://open?vault=My%20Notes&file=People%2FAda%20Lovelace.md"
        );
        assert_eq!(e.alarms.len(), 1);
        assert_eq!(value(&e.alarms[0].properties, "ACTION"), "DISPLAY");
        assert_eq!(value(&e.alarms[0].properties, "TRIGGER"), "PT9H30M");
    }
    // Overdue promises and the overdue check-in on today; the birthday on its day.
    let days: Vec<(&str, &str)> = cal
        .events
        .iter()
        .map(|e| {
            (
                value(&e.properties, "DTSTART"),
                value(&e.properties, "DTEND"),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("20261123", "20261124"),
            ("20261123", "20261124"),
            ("20261123", "20261124"),
            ("20261125", "20261126"),
        ]
    );
    let mut uids: Vec<&str> = cal
        .events
        .iter()
        .map(|e| value(&e.properties, "UID"))
        .collect();
    uids.sort();
    uids.dedup();
    assert_eq!(
        uids.len(),
        4,
        "two promises alike still get UIDs of their own"
    );
    let promise = unescape(value(&cal.events[1].properties, "DESCRIPTION"));
    assert_eq!(
        promise,
        "Overdue: it was due 2026-11-20.\nPeople/Ada Lovelace.md, line 8"
    );
    let check_in = unescape(value(&cal.events[2].properties, "DESCRIPTION"));
    assert_eq!(
        check_in,
        "Overdue: it was due 2026-10-14.\nLast contact 2026-09-02: coffee.\nTier A, every 6w.\n\
         Open: Send the deck, v2; \\final\\ (due 2026-11-20)\nOpen: Send the deck, v2; \\final\\ \
         (due 2026-11-20)\nPeople/Ada Lovelace.md"
    );
    // Without options: no alarm, no link.
    let plain = ics(&[ADA], "2026-11-23", 8, &Options::default());
    assert!(!plain.contains("VALARM") && !plain.contains("URL:"));
    assert_eq!(plain, ics(&[ADA], "2026-11-23", 8, &Options::default()));
}

/// The UID of each event, by summary.
fn uids(files: &[(&str, &str)], today: &str) -> Vec<(String, String)> {
    let text = ics(files, today, 8, &Options::default());
    parsed(&text)
        .events
        .iter()
        .map(|e| {
            (
                value(&e.properties, "SUMMARY").to_string(),
                value(&e.properties, "UID").to_string(),
            )
        })
        .collect()
}

#[test]
fn uids_stay_with_their_events() {
    let bob = (
        "People/Bob.md",
        "---\ncadence: never\n---\n- [ ] call 📅 2026-12-01\n",
    );
    let first = uids(&[ADA, bob], "2026-11-23");
    // Another contact, lines moved, a day later: every event that is still there keeps its
    // UID (the overdue ones move to the new today with theirs).
    let ada_moved = (
        ADA.0,
        &*format!("{}\nmore text\n", ADA.1.replace("## Log\n", "## Log\n\n")),
    );
    let later = uids(
        &[ada_moved, bob, ("People/Cy.md", "---\ntier: A\n---\n")],
        "2026-11-24",
    );
    for event in &first {
        assert!(later.contains(event), "{event:?} not in {later:?}");
    }
    // A contact never contacted keeps the UID of its one check-in from day to day.
    let never = |today| uids(&[("People/Cy.md", "---\ntier: A\n---\n")], today);
    assert_eq!(never("2026-11-23"), never("2026-11-24"));
    // A check-in done: the next one is another event.
    let done = uids(
        &[(
            ADA.0,
            "---\ntier: A\n---\n## Log\n- 2026-09-02 coffee\n- 2026-11-20 call\n",
        )],
        "2026-11-23",
    );
    let check_in = |list: &[(String, String)]| {
        list.iter()
            .find(|(s, _)| s.starts_with("Check in"))
            .map(|(_, u)| u.clone())
    };
    assert_ne!(check_in(&first), check_in(&done));
    assert!(check_in(&done).is_some());
}

#[test]
fn text_is_escaped_and_control_characters_left_out() {
    let v = vault_of(&[(
        "People/Odd.md",
        "---\nname: \"A,B;C\\\\D\\r\\nE\\u0007F\"\ncadence: never\nbirthday: 1990-11-23\n---\n",
    )]);
    let text = render(&calendar(&v, d("2026-11-23"), 1), &v, &Options::default());
    check_lines(&text);
    let cal = parsed(&text);
    assert_eq!(
        value(&cal.events[0].properties, "SUMMARY"),
        "A\\,B\\;C\\\\D\\nE F's birthday (turns 36)"
    );
}

#[test]
fn recognises_its_own_calendars_only() {
    let text = ics(&[ADA], "2026-11-23", 1, &Options::default());
    assert!(is_kith_calendar(text.as_bytes()));
    // An older kith's PRODID, with a version, is still kith's.
    assert!(is_kith_calendar(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith//kith 0.1//EN\r\nEND:VCALENDAR\r\n"
    ));
    for other in [
        &b""[..],
        b"---\ngenerated_by: kith\n---\n",
        b"BEGIN:VCALENDAR\r\nPRODID:-//Apple Inc.//macOS 15//EN\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nPRODID:-//kith//x//EN\r\nEND:VEVENT\r\n",
        b"# Ada\nPRODID:-//kith//NONSGML kith//EN\n",
    ] {
        assert!(
            !is_kith_calendar(other),
            "{}",
            String::from_utf8_lossy(other)
        );
    }
}

#[test]
fn alarms_are_times_of_the_day() {
    for (text, trigger, shown) in [
        ("9h", "PT9H", "9h"),
        ("9h30m", "PT9H30M", "9h30m"),
        ("9H 30M", "PT9H30M", "9h30m"),
        ("30m", "PT30M", "30m"),
        ("0h", "PT0S", "0h"),
        ("0m", "PT0S", "0h"),
        ("90m", "PT1H30M", "1h30m"),
        ("23h59m", "PT23H59M", "23h59m"),
        ("9:05", "PT9H5M", "9h5m"),
        ("18:00", "PT18H", "18h"),
    ] {
        let alarm = Alarm::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            (alarm.trigger().as_str(), alarm.to_string().as_str()),
            (trigger, shown),
            "{text}"
        );
    }
    for (text, says) in [
        ("-1h", "before the day starts"),
        ("24h", "24 hours or more"),
        ("23h60m", "24 hours or more"),
        ("1440m", "24 hours or more"),
        ("99999h", "24 hours or more"),
        ("", "not a time of the day"),
        ("h", "not a time of the day"),
        ("9", "not a time of the day"),
        ("9m30h", "not a time of the day"),
        ("9:5", "not a time of the day"),
        ("9:60", "not a time of the day"),
        ("nine", "not a time of the day"),
        ("999999h", "not a time of the day"),
    ] {
        let err = Alarm::parse(text).expect_err(text);
        assert!(err.contains(says), "{text}: {err}");
    }
}

#[test]
fn urls_encode_every_reserved_byte() {
    assert_eq!(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
    assert_eq!(
        percent_encode("Zoë & co/x?.md"),
        "Zo%C3%AB%20%26%20co%2Fx%3F.md"
    );
}

proptest! {
    /// Any text, however long and in whatever script, comes out in lines of at most 75
    /// octets, never split inside a character, and unfolds and unescapes to the text as
    /// cleaned.
    #[test]
    fn any_text_folds_at_75_octets_and_reads_back(text in "\\PC{0,300}|[a-zé€😀 ,;\\\\\n\r]{0,300}") {
        let mut out = String::new();
        line(&mut out, "DESCRIPTION", &clean(&text));
        check_lines(&out);
        let unfolded = unfold(&out);
        let value = unfolded
            .strip_prefix("DESCRIPTION:")
            .and_then(|v| v.strip_suffix("\r\n"))
            .expect("one line");
        prop_assert_eq!(unescape(value), clean(&text));
    }
}

#[test]
fn folds_fall_between_words_where_they_can() {
    let text = "Talked about the notes on the Analytical Engine; she wants feedback on Note G \
                and a copy of the Menabrea paper, translated, with every table redrawn.";
    let mut out = String::new();
    line(&mut out, "DESCRIPTION", text);
    check_lines(&out);
    let physical: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(physical.len() > 2, "{physical:?}");
    for l in &physical {
        assert!(!l.ends_with(' '), "{physical:?}");
        assert!(!l.starts_with("  "), "{physical:?}");
    }
    // Only white space: folded all the same.
    let mut out = String::new();
    line(&mut out, "DESCRIPTION", &" ".repeat(200));
    check_lines(&out);
    assert_eq!(unfold(&out), format!("DESCRIPTION:{}\r\n", " ".repeat(200)));
}

#[test]
fn a_promise_written_elsewhere_says_where() {
    let files = [
        ("People/Bob.md", "---\ncadence: never\n---\n"),
        (
            "Daily/2026-11-20.md",
            "# Friday\n- [ ] call [[Bob]] back 📅 2026-11-24\n",
        ),
    ];
    let cal = parsed(&ics(&files, "2026-11-23", 1, &Options::default()));
    assert_eq!(
        unescape(value(&cal.events[0].properties, "DESCRIPTION")),
        "Due 2026-11-24.\nWritten in Daily/2026-11-20.md, line 2.\nPeople/Bob.md"
    );
}
