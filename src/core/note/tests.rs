use super::limits::CHUNK_BYTES;
use super::*;

fn rules() -> ContactRules {
    ContactRules {
        folders: vec!["People".into()],
        tags: vec!["person".into()],
    }
}

fn contact(text: &str) -> ParsedNote {
    parse("People/Ada.md", text, &rules())
}

fn d(s: &str) -> Date {
    parse_date(s).expect("test date")
}

#[test]
fn contacts_by_folder_or_tag() {
    assert!(contact("").is_contact);
    assert!(parse("People/Deep/Ada.md", "", &rules()).is_contact);
    assert!(!parse("Peoples/Ada.md", "", &rules()).is_contact);
    assert!(parse("x/Ada.md", "---\ntags: [Person]\n---\n", &rules()).is_contact);
    assert!(parse("x/Ada.md", "---\ntags: \"#person\"\n---\n", &rules()).is_contact);
    assert!(parse("x/Ada.md", "---\ntags: person, client\n---\n", &rules()).is_contact);
    assert!(!parse("x/Ada.md", "---\ntags: [personal]\n---\n", &rules()).is_contact);
}

#[test]
fn interactions_from_headings_and_list_items() {
    let note = contact(
        "# Ada\n\n## Log\n\n### 2026-10-02 — Coffee at Noma\nTalked about **Rust** #give\n\n\
         #### notes\nmore\n\n### [[2026-09-01]]: call\n- 2026-08-01 lunch: she moves to Berlin #ask\n\
         - 2026-07-01\n  nested detail\n- not dated\n## Other\n",
    );
    let got: Vec<_> = note
        .entries
        .iter()
        .map(|e| {
            (
                ymd(e.date),
                e.title.as_str(),
                summary_text(&e.summary_raw),
                e.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "2026-10-02".into(),
                "Coffee at Noma",
                "Talked about Rust #give".to_string(),
                5
            ),
            // A heading's summary is the first line below it, whatever it is.
            (
                "2026-09-01".into(),
                "call",
                "2026-08-01 lunch: she moves to Berlin #ask".to_string(),
                11
            ),
            (
                "2026-08-01".into(),
                "lunch",
                "she moves to Berlin #ask".to_string(),
                12
            ),
            ("2026-07-01".into(), "", "nested detail".to_string(), 13),
        ]
    );
    // A heading's body runs to the next heading of the same or a higher level.
    let coffee = &note.entries[0];
    let body = &"# Ada\n\n## Log\n\n### 2026-10-02 — Coffee at Noma\nTalked about **Rust** #give\n\n\
         #### notes\nmore\n\n### [[2026-09-01]]: call\n"[coffee.range.clone()];
    assert!(body.contains("#### notes\nmore"), "{body:?}");
    assert!(!body.contains("2026-09-01"));
    assert_eq!(note.entries[0].tags, ["give"]);
    assert_eq!(note.entries[2].tags, ["ask"]);
    // The `call` heading holds the dated list items below it, but not their tags.
    assert!(note.entries[1].tags.is_empty());
}

fn ymd(date: Date) -> String {
    super::super::dates::ymd(date)
}

#[test]
fn separators_after_the_date() {
    for sep in ["", " -", " –", " —", " ·", ":", " |", ","] {
        let note = contact(&format!("- 2026-10-02{sep} coffee\n"));
        assert_eq!(note.entries[0].title, "coffee", "separator {sep:?}");
    }
}

#[test]
fn impossible_dates_are_warnings_not_interactions() {
    let note = contact("## 2026-02-30 lunch\n- 2026-13-45 call\n- 2026-11-01 fine\n");
    assert_eq!(note.entries.len(), 1);
    let lines: Vec<_> = note.problems.iter().map(|p| (p.line, p.severity)).collect();
    assert_eq!(
        lines,
        [
            (Some(1), crate::core::problem::Severity::Warning),
            (Some(2), crate::core::problem::Severity::Warning)
        ]
    );
}

#[test]
fn tags_in_code_are_not_tags() {
    let note = contact("- 2026-10-02 call: `#ask` and\n  ```\n  #ask\n  ```\n  then #give\n");
    assert_eq!(note.entries[0].tags, ["give"]);
}

#[test]
fn tasks_and_due_dates() {
    let note = parse(
        "Daily/2026-11-20.md",
        "- [ ] Send [[Ada]] the deck 📅 2026-11-24 ^abc123\n\
         * [/] Draft letter (due:: 2026-11-25)\n\
         1. [x] Sent slides [due:: 2026-11-02]\n\
         - [-] Cancelled due:: 2026-11-03\n\
         + [ ] No date\n\
         - [ ] Bad date 📅 2026-02-30\n\
         - [ ]\n",
        &rules(),
    );
    let got: Vec<_> = note
        .tasks
        .iter()
        .map(|t| {
            (
                t.line,
                t.open,
                t.text.as_str(),
                t.due.map(ymd),
                t.bad_due.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                1,
                true,
                "Send Ada the deck",
                Some("2026-11-24".into()),
                None
            ),
            (2, true, "Draft letter", Some("2026-11-25".into()), None),
            (3, false, "Sent slides", Some("2026-11-02".into()), None),
            (4, false, "Cancelled", Some("2026-11-03".into()), None),
            (5, true, "No date", None, None),
            (6, true, "Bad date", None, Some("2026-02-30")),
        ]
    );
    assert_eq!(note.tasks[0].links[0].target, "Ada");
}

#[test]
fn a_long_promise_keeps_its_due_date() {
    // A promise written at length (a pasted paragraph) still falls due; only a line beyond
    // reason (16 KiB) is read so far.
    let long = format!(
        "- [ ] Send [[Ada]] {} 📅 2026-11-24\n",
        "the notes ".repeat(400)
    );
    let note = parse("Daily/2026-11-20.md", &long, &rules());
    assert_eq!(note.tasks[0].due.map(ymd).as_deref(), Some("2026-11-24"));
    let beyond = format!("- [ ] Send {} 📅 2026-11-24\n", "x".repeat(17 * 1024));
    let note = parse("Daily/2026-11-20.md", &beyond, &rules());
    assert_eq!(note.tasks[0].due, None);
}

#[test]
fn a_date_emoji_without_a_date_is_text() {
    let note = parse(
        "Daily/2026-11-20.md",
        "- [ ] ✅2 ✅ 2026-11-23\n- [ ] ship ✅ not yet done\n- [ ] call 📅 tomorrow morning\n",
        &rules(),
    );
    let got: Vec<_> = note
        .tasks
        .iter()
        .map(|t| (t.text.as_str(), t.bad_due.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("✅2", None),
            ("ship ✅ not yet done", None),
            ("call 📅 tomorrow morning", Some("tomorrow")),
        ]
    );
}

#[test]
fn links_in_every_form_with_scope_and_block() {
    let note = parse(
        "Meetings/Offsite.md",
        "---\ndate: 2026-11-12\n---\nWith [[Ada Lovelace|Ada]] and [[Grace#Log]].\n\n\
         ## 2026-11-13 Day two\n- lunch with [[People/Bob]] and [Eve](../People/Eve%20Smith.md)\n\
         - https://example.com/#x and ![[Ada.png]]\n",
        &rules(),
    );
    assert_eq!(note.note_date, Some(d("2026-11-12")));
    let got: Vec<_> = note
        .links
        .iter()
        .map(|l| (l.target.target.as_str(), l.target.markdown, l.line, l.scope))
        .collect();
    assert_eq!(
        got,
        [
            ("Ada Lovelace", false, 4, None),
            ("Grace", false, 4, None),
            ("People/Bob", false, 7, Some(0)),
            ("../People/Eve Smith.md", true, 7, Some(0)),
            ("Ada.png", false, 8, Some(0)),
        ]
    );
    assert_eq!(note.scopes[0].title, "Day two");
    assert_eq!(
        note.links[2].block, note.links[3].block,
        "one list item, one block"
    );
    let block = &note.blocks[note.links[2].block.expect("block")];
    assert_eq!(block.text, "lunch with People/Bob and Eve");
}

#[test]
fn note_dates_from_property_or_stem() {
    assert_eq!(
        parse("Daily/2026-11-20.md", "", &rules()).note_date,
        Some(d("2026-11-20"))
    );
    assert_eq!(
        parse("Meetings/2026-11-20 Team sync.md", "", &rules()).note_date,
        Some(d("2026-11-20"))
    );
    assert_eq!(parse("Meetings/Review.md", "", &rules()).note_date, None);
    let bad = parse(
        "Meetings/Review.md",
        "---\ndate: 2026-13-01\n---\n",
        &rules(),
    );
    assert_eq!(bad.note_date, None);
    assert_eq!(bad.problems.len(), 1);
    assert_eq!(bad.problems[0].line, Some(2));
}

#[test]
fn broken_front_matter_is_an_error_and_the_body_is_still_read() {
    let note = contact("---\nname: [unclosed\n---\n- 2026-10-02 call\n");
    assert_eq!(note.front_matter_problem, Some(0));
    assert_eq!(
        note.problems[0].severity,
        crate::core::problem::Severity::Error
    );
    assert_eq!(note.entries.len(), 1);
    let unclosed = contact("---\nname: Ada\n- 2026-10-02 call\n");
    assert_eq!(unclosed.problems[0].line, Some(1));
    assert_eq!(unclosed.entries.len(), 1, "read as body text");
}

#[test]
fn crlf_and_bom_read_like_lf() {
    let lf = contact("---\nname: Ada\n---\n## Log\n- 2026-10-02 call: hi #ask\n");
    let crlf =
        contact("\u{feff}---\r\nname: Ada\r\n---\r\n## Log\r\n- 2026-10-02 call: hi #ask\r\n");
    assert_eq!(lf.properties, crlf.properties);
    assert_eq!(lf.entries.len(), crlf.entries.len());
    assert_eq!(lf.entries[0].title, crlf.entries[0].title);
    assert_eq!(lf.entries[0].summary_raw, crlf.entries[0].summary_raw);
    assert_eq!(lf.entries[0].line, crlf.entries[0].line);
    assert_eq!(lf.entries[0].tags, crlf.entries[0].tags);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let quotes = format!("{} 2026-10-02 deep\n", ">".repeat(20_000));
    let _ = contact(&quotes);
    let lists = format!("{} 2026-10-02 deep\n", "- ".repeat(20_000));
    let _ = contact(&lists);
}

#[test]
fn stems() {
    assert_eq!(stem_of("People/Ada Lovelace.md"), "Ada Lovelace");
    assert_eq!(stem_of("a.MD"), "a");
    assert_eq!(stem_of("x/y.txt"), "y.txt");
}

#[test]
fn large_notes_are_read_in_pieces_without_losing_entries() {
    // About 4 MiB of log, in a list, under headings and with a fenced block: every entry is
    // found on its own line, as if the note were read whole.
    let mut text = String::from("---\ntier: A\n---\n");
    let mut line = 3; // lines written so far
    let mut want = Vec::new();
    for i in 0..60_000 {
        if i % 1000 == 0 {
            text.push_str(&format!(
                "\n## 2026-01-{:02} Section {i}\n\n",
                i / 1000 % 28 + 1
            ));
            want.push(line + 2);
            text.push_str("```\n- 2026-01-01 not an entry inside code\n```\n\n");
            line += 7;
        }
        text.push_str(&format!(
            "- 2026-02-{:02} call {i}: talked about [[Ada]] and #ask things at some length\n",
            i % 28 + 1
        ));
        line += 1;
        want.push(line);
    }
    assert!(text.len() > 4 * CHUNK_BYTES);
    let note = contact(&text);
    let lines: Vec<usize> = note.entries.iter().map(|e| e.line).collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, want);
    assert!(
        note.entries
            .iter()
            .filter(|e| e.kind == EntryKind::ListItem)
            .all(|e| e.tags == ["ask"])
    );
    assert!(note.problems.is_empty(), "{:?}", note.problems);
}

#[test]
fn overlong_lines_are_reported_and_not_parsed() {
    let text = format!(
        "- 2026-10-01 ok\n{}\n- 2026-10-02 fine #give\n",
        "[".repeat(MAX_LINE_BYTES + 1)
    );
    let note = contact(&text);
    assert_eq!(note.entries.len(), 2);
    assert_eq!(note.entries[1].line, 3);
    assert_eq!(note.entries[1].tags, ["give"]);
    assert_eq!(note.problems.len(), 1);
    assert_eq!(note.problems[0].line, Some(2));
}

#[test]
fn obsidian_comments_are_not_read() {
    let note = contact(
        "- 2026-10-01 call #give\n%%\n## 2026-11-07 hidden heading [[Bob]] #ask\n%%\n\
         - 2026-10-02 lunch %% inline [[Eve]] %% #give\n%% never closed\n- 2026-10-03 gone\n",
    );
    let titles: Vec<_> = note.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["call #give", "lunch #give"]);
    assert!(note.links.is_empty());
    assert_eq!(note.entries[1].tags, ["give"]);
}

#[test]
fn nested_entries_keep_their_own_tags() {
    let note = contact(
        "### 2026-10-01 coffee\nTalked shop #give\n- 2026-09-01 lunch #ask\n  - 2026-08-01 call #ask\n### 2026-07-01 x\n",
    );
    let tags: Vec<_> = note
        .entries
        .iter()
        .map(|e| (e.title.as_str(), e.tags.clone()))
        .collect();
    assert_eq!(
        tags,
        [
            ("coffee", vec!["give".to_string()]),
            ("lunch #ask", vec!["ask".to_string()]),
            ("call #ask", vec!["ask".to_string()]),
            ("x", vec![]),
        ]
    );
}

#[test]
fn quoted_blocks_read_without_their_markers() {
    let note = parse(
        "Daily/2026-11-20.md",
        "> quoted [[Ben]]\n> second line\n",
        &rules(),
    );
    assert_eq!(note.blocks[0].text, "quoted Ben second line");
}

#[test]
fn task_dates_are_taken_out_however_they_are_spaced() {
    let note = parse(
        "Daily/2026-11-20.md",
        "- [ ] Send deck 📅  2026-11-24 today\n\
         - [ ] Café📅 2026-11-25\n\
         - [ ] Start ⏳ 2026-11-10 then ✅ 2026-11-11\n",
        &rules(),
    );
    let got: Vec<_> = note
        .tasks
        .iter()
        .map(|t| (t.text.as_str(), t.due.map(ymd)))
        .collect();
    assert_eq!(
        got,
        [
            ("Send deck today", Some("2026-11-24".into())),
            ("Café", Some("2026-11-25".into())),
            // Only 📅 is a due date; the others' dates are dropped with them.
            ("Start then", None),
        ]
    );
}

#[test]
fn a_trailing_block_id_is_no_part_of_a_tasks_text() {
    let note = parse(
        "Daily/2026-11-20.md",
        "- [ ] Call\n- [ ] Call Ada ^ab-12\n- [ ] Call Bob ^\n- [ ] ^ab-12\n- [ ] Call ^a_b\n",
        &rules(),
    );
    let texts: Vec<&str> = note.tasks.iter().map(|t| t.text.as_str()).collect();
    // A task of a block id alone has no text, and is no task.
    assert_eq!(texts, ["Call", "Call Ada", "Call Bob ^", "Call ^a_b"]);
}

#[test]
fn dates_typed_otherwise_in_a_contacts_log_are_reported_with_the_form_to_write() {
    let note = contact("## Log\n- Dec 1, 2026 call\n### 12/01/2026 lunch\n");
    let got: Vec<_> = note
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Some(2),
                "`Dec 1, 2026` is not a date kith reads, so this is no conversation: write it \
                 as YYYY-MM-DD, 2026-12-01"
            ),
            (
                Some(3),
                "`12/01/2026` is not a date kith reads, so this is no conversation: write it \
                 as YYYY-MM-DD, 2026-12-01 (1 December) or 2026-01-12 (12 January)"
            ),
        ]
    );
    assert!(note.entries.is_empty());
    // Outside a contact's note such text is no log, and no problem.
    let meeting = parse("Meetings/Review.md", "- Dec 1, 2026 call\n", &rules());
    assert!(meeting.problems.is_empty(), "{:?}", meeting.problems);
}

#[test]
fn long_titles_keep_two_hundred_characters_and_tags_at_a_long_lines_end() {
    let long = "é".repeat(300);
    let note = contact(&format!(
        "## Log\n### 2026-11-01 {long}\n- 2026-11-02 {long}\n- 2026-11-03 call: {} #ask\n",
        "word ".repeat(400)
    ));
    let titles: Vec<usize> = note
        .entries
        .iter()
        .map(|e| e.title.chars().count())
        .collect();
    assert_eq!(&titles[..2], [TITLE_CHARS, TITLE_CHARS]);
    assert_eq!(note.entries[2].tags, ["ask"]);
}

#[test]
fn an_empty_date_property_is_no_problem() {
    let note = parse("Meetings/Review.md", "---\ndate:\n---\n", &rules());
    assert_eq!(note.note_date, None);
    assert!(note.problems.is_empty(), "{:?}", note.problems);
}
