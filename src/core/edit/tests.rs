use super::*;
use proptest::prelude::*;

fn day(d: u8) -> Date {
    Date::constant(2026, 11, d as i8)
}

fn entry(text: &str) -> NewEntry<'_> {
    NewEntry {
        date: day(23),
        title: None,
        text,
    }
}

fn log(note: &str, text: &str) -> Appended {
    append_log(note, "Log", &entry(text)).expect("the entry reads as one")
}

#[test]
fn a_list_log_oldest_first_gets_the_entry_last() {
    let note = "---\ntier: A\n---\n# Ada\n\n## Log\n- 2026-10-01 call: a\n- 2026-11-01 call: b\n  - nested\n\n## Later\ntext\n";
    let a = log(note, "coffee: talked about her team");
    assert_eq!(
        a.text,
        "---\ntier: A\n---\n# Ada\n\n## Log\n- 2026-10-01 call: a\n- 2026-11-01 call: b\n  - nested\n- 2026-11-23 coffee: talked about her team\n\n## Later\ntext\n"
    );
    assert_eq!(a.line, 10);
}

#[test]
fn a_newest_first_log_gets_the_entry_first_in_its_style() {
    let note = "## Log\n\n* [[2026-11-01]] call: b\n* [[2026-10-01]] call: a\n";
    let a = log(note, "plain words");
    assert_eq!(
        a.text,
        "## Log\n\n* [[2026-11-23]] note: plain words\n* [[2026-11-01]] call: b\n* [[2026-10-01]] call: a\n"
    );
    assert_eq!(a.line, 3);
}

#[test]
fn a_list_entry_never_becomes_the_first_line_of_a_dated_heading() {
    // The items below a dated heading are entries, and the first is also the heading's
    // summary: the new newest entry goes above the heading rather than change it.
    let note = "## Log\n\n### 2026-11-10 Board\n- 2026-11-01 call: b\n- 2026-10-01 call: a\n";
    let a = log(note, "coffee: new team");
    assert_eq!(
        a.text,
        "## Log\n\n- 2026-11-23 coffee: new team\n### 2026-11-10 Board\n- 2026-11-01 call: b\n- 2026-10-01 call: a\n"
    );
    assert_eq!(a.line, 3);
    // With words of its own below the heading, the heading's summary is those words.
    let worded = "## Log\n\n### 2026-11-10 Board\nMet the board.\n- 2026-11-01 call: b\n- 2026-10-01 call: a\n";
    assert_eq!(log(worded, "coffee: new team").line, 5);
}

#[test]
fn a_new_log_never_becomes_the_text_of_a_dated_heading() {
    // A dated top heading with no words below it: a `## Log` after it would be its summary.
    let note = "# Ada\n\nWorks on engines.\n\n# 2026-10-01 Lunch\n";
    let a = log(note, "coffee: new team");
    assert_eq!(
        a.text,
        "# Ada\n\nWorks on engines.\n\n## Log\n\n- 2026-11-23 coffee: new team\n\n# 2026-10-01 Lunch\n"
    );
    assert_eq!(a.line, 7);
    // Words hidden in a comment are no words: the heading's summary is still empty.
    let hidden = "# Ada\n\n# 2026-10-01 Lunch %%\nNotes.\n";
    assert_eq!(log(hidden, "coffee: new team").line, 5);
    // With words of its own, the new log goes at the end as always.
    let worded = "# Ada\n\n# 2026-10-01 Lunch\nNotes.\n";
    assert_eq!(log(worded, "coffee: new team").line, 8);
}

#[test]
fn a_heading_log_gets_a_heading_entry_one_level_down() {
    let note = "# Bob\n\n## Log\n\n### 2026-10-01 Call\nNotes.\n\n### 2026-11-01 Lunch\nMore.\n";
    let a = append_log(
        note,
        "log",
        &NewEntry {
            date: day(23),
            title: Some("Coffee"),
            text: "Line one.\nLine two. #give",
        },
    )
    .expect("placed");
    assert_eq!(
        a.text,
        "# Bob\n\n## Log\n\n### 2026-10-01 Call\nNotes.\n\n### 2026-11-01 Lunch\nMore.\n\n### 2026-11-23 Coffee\nLine one.\nLine two. #give\n"
    );
    assert_eq!(a.line, 11);
    // Headings set off from their text by a blank line: so is the new one.
    let spaced = "## Log\n\n### 2026-10-01 Call\n\nNotes.\n";
    assert_eq!(
        log(spaced, "x").text,
        "## Log\n\n### 2026-10-01 Call\n\nNotes.\n\n### 2026-11-23 note\n\nx\n"
    );
    // Newest first: before the first entry, set off by a blank line.
    let newest = "## Log\n### 2026-11-01 Lunch\nMore.\n### 2026-10-01 Call\nNotes.\n";
    let a = log(newest, "x");
    assert_eq!(
        a.text,
        "## Log\n\n### 2026-11-23 note\nx\n\n### 2026-11-01 Lunch\nMore.\n### 2026-10-01 Call\nNotes.\n"
    );
    assert_eq!(a.line, 3);
}

#[test]
fn a_note_without_a_log_gets_one_at_the_end() {
    let a = log("# Cy\n\nMet at a talk.\n", "first: hello");
    assert_eq!(
        a.text,
        "# Cy\n\nMet at a talk.\n\n## Log\n\n- 2026-11-23 first: hello\n"
    );
    assert_eq!(a.line, 7);
    // No final newline: still none, and every byte before kept.
    let a = log("# Cy\r\nMet.", "x");
    assert_eq!(
        a.text,
        "# Cy\r\nMet.\r\n\r\n## Log\r\n\r\n- 2026-11-23 note: x"
    );
    // A "## Log" inside a code block is no log heading.
    let a = log("```\n## Log\n```\n", "x");
    assert_eq!(
        a.text,
        "```\n## Log\n```\n\n## Log\n\n- 2026-11-23 note: x\n"
    );
}

#[test]
fn several_lines_go_in_as_one_entry_under_the_item() {
    let a = log(
        "## Log\n- 2026-11-01 call: a\n",
        "coffee: first\nsecond line\n\nthird after a gap\n",
    );
    assert_eq!(
        a.text,
        "## Log\n- 2026-11-01 call: a\n- 2026-11-23 coffee: first\n  second line\n\n  third after a gap\n"
    );
}

#[test]
fn a_code_fence_left_open_is_closed_before_the_entry() {
    let a = log("# Ada\n```rust\nlet x = 1;\n", "call: about code");
    assert_eq!(
        a.text,
        "# Ada\n```rust\nlet x = 1;\n```\n\n## Log\n\n- 2026-11-23 call: about code\n"
    );
    assert_eq!(a.line, 8);
    let in_log = log("## Log\n- 2026-11-01 a\n- 2026-11-02 b\n\n~~~~\ncode", "c");
    assert_eq!(
        in_log.text,
        "## Log\n- 2026-11-01 a\n- 2026-11-02 b\n- 2026-11-23 note: c\n\n~~~~\ncode"
    );
    // Open below the log's entries, it is left open: the entry is not in it.
    let newest_first = log("## Log\n- 2026-11-02 b\n- 2026-11-01 a\n\n~~~~\ncode", "c");
    assert_eq!(
        newest_first.text,
        "## Log\n- 2026-11-23 note: c\n- 2026-11-02 b\n- 2026-11-01 a\n\n~~~~\ncode"
    );
    // A closed fence, or one in the middle, is left as it is.
    let closed = "# Ada\n```\ncode\n```\n";
    assert!(log(closed, "c").text.starts_with(closed));
    let fenced_property = "---\nnote: |\n  ```\n---\n# Ada\n";
    assert_eq!(
        log(fenced_property, "e").text,
        format!("{fenced_property}\n## Log\n\n- 2026-11-23 note: e\n")
    );
    let item = log("- ```\n  code\n", "d");
    assert!(
        item.text.starts_with("- ```\n  code\n  ```\n"),
        "{:?}",
        item.text
    );
}

#[test]
fn obsidian_comments_neither_hold_nor_swallow_the_entry() {
    // Entries inside a comment are hidden: the new one goes after the last one shown.
    let hidden = "## Log\n- 2026-11-01 a\n%%\n- 2026-11-02 hidden\n%%\n";
    assert_eq!(
        log(hidden, "b").text,
        "## Log\n- 2026-11-01 a\n- 2026-11-23 note: b\n%%\n- 2026-11-02 hidden\n%%\n"
    );
    // An entry inside a comment is set between a `%%` that closes it and one that opens it
    // again over what follows (none is needed at the end)...
    assert_eq!(
        log("# Ada\n%% draft", "c").text,
        "# Ada\n%% draft\n\n%%\n## Log\n\n- 2026-11-23 note: c"
    );
    let a = log("## Log\n- 2026-11-01 a %%hidden\n## More\ntext\n", "b");
    assert_eq!(
        a.text,
        "## Log\n- 2026-11-01 a %%hidden\n%%\n- 2026-11-23 note: b\n%%\n## More\ntext\n"
    );
    assert_eq!(a.line, 4);
    // ... and left as it is when the entry goes above it.
    let above = "## Log\n- 2026-11-01 a\n\n%% draft\n";
    assert_eq!(
        log(above, "d").text,
        "## Log\n- 2026-11-01 a\n- 2026-11-23 note: d\n\n%% draft\n"
    );
    // A `%%` the text opens is closed at the end of the entry.
    assert_eq!(
        log("## Log\n", "call: done %% the rest").text,
        "## Log\n- 2026-11-23 call: done %% the rest%%\n"
    );
}

#[test]
fn a_code_block_or_html_the_text_leaves_open_is_closed_in_the_entry() {
    let note = "## Log\n\n### 2026-11-02 Lunch\nMore.\n\n### 2026-11-01 Call\nNotes.\n";
    let fenced = log(note, "call: the plan\n```rust\nlet x = 1;");
    assert_eq!(
        fenced.text,
        "## Log\n\n### 2026-11-23 call\nthe plan\n```rust\nlet x = 1;\n```\n\n### 2026-11-02 Lunch\nMore.\n\n### 2026-11-01 Call\nNotes.\n"
    );
    let listed = log("## Log\n", "call: the plan\n<!-- draft");
    assert_eq!(
        listed.text,
        "## Log\n- 2026-11-23 call: the plan\n  <!-- draft\n  -->\n"
    );
    let pre = log("## Log\n", "call: the plan\n<PRE>\nx");
    assert!(
        pre.text.ends_with("  <PRE>\n  x\n  </pre>\n"),
        "{:?}",
        pre.text
    );
}

#[test]
fn html_left_open_at_the_end_is_closed_before_the_entry() {
    assert_eq!(
        log("# Ada\n\n<!-- notes", "c").text,
        "# Ada\n\n<!-- notes\n-->\n\n## Log\n\n- 2026-11-23 note: c"
    );
    // A last line ending in a lone CR: the note's lines end in LF, and so do the new ones.
    assert_eq!(
        log("# Ada\n<!-- notes\r", "c").text,
        "# Ada\n<!-- notes\r\n-->\n\n## Log\n\n- 2026-11-23 note: c"
    );
    // Closed, or of a kind a blank line ends: left as it is.
    let closed = "# Ada\n\n<!-- notes -->\n";
    assert!(log(closed, "c").text.starts_with(closed));
    let div = "# Ada\n\n<div>\n";
    assert_eq!(
        log(div, "c").text,
        format!("{div}\n## Log\n\n- 2026-11-23 note: c\n")
    );
}

#[test]
fn an_entry_that_would_not_read_as_one_is_refused() {
    // A `%%` inside code opens a comment to kith's reader, which hides the fence closing the
    // code: an entry closing that comment would land in the code block.
    let note = "# Ada\n```\n%%%#\n```\n";
    let refused = append_log(note, "Log", &entry("call: b")).expect_err("refused");
    assert_eq!(refused.line, 9);
}

#[test]
fn every_line_break_of_the_text_ends_a_line_as_the_note_does() {
    // CRLF, a lone CR (old Macs; a line break to Markdown) and LF alike.
    let a = log(
        "## Log\r\n- 2026-11-01 call: a\r\n",
        "coffee: first\rsecond\r\nthird\nfourth",
    );
    assert_eq!(
        a.text,
        "## Log\r\n- 2026-11-01 call: a\r\n- 2026-11-23 coffee: first\r\n  second\r\n  third\r\n  fourth\r\n"
    );
    let titled = NewEntry {
        title: Some("Call\rabout\nit"),
        ..entry("said")
    };
    assert_eq!(
        append_log("## Log\n", "Log", &titled).expect("placed").text,
        "## Log\n- 2026-11-23 Call about it: said\n"
    );
}

#[test]
fn crlf_bom_tabs_and_trailing_spaces_stay() {
    let note = "\u{feff}---\r\nname: Ann  \r\n---\r\n## Log\r\n  - 2026-11-01 call:\ta  \r\n";
    let a = log(note, "x");
    assert_eq!(
        a.text,
        "\u{feff}---\r\nname: Ann  \r\n---\r\n## Log\r\n  - 2026-11-01 call:\ta  \r\n  - 2026-11-23 note: x\r\n"
    );
}

#[test]
fn closing_a_task_changes_its_line_alone() {
    let note = "a\r\n- [ ] Send the deck 📅 2026-11-20 ^abc1  \r\n  * [/] half\r\nz";
    assert_eq!(
        close_task(note, 2, day(23)).as_deref(),
        Some("a\r\n- [x] Send the deck 📅 2026-11-20 ✅ 2026-11-23 ^abc1  \r\n  * [/] half\r\nz")
    );
    assert_eq!(
        close_task(note, 3, day(23)).as_deref(),
        Some("a\r\n- [ ] Send the deck 📅 2026-11-20 ^abc1  \r\n  * [x] half ✅ 2026-11-23\r\nz")
    );
    for line in [0, 1, 4, 5] {
        assert_eq!(close_task(note, line, day(23)), None, "line {line}");
    }
    assert_eq!(close_task("- [x] done\n", 1, day(23)), None);
    assert_eq!(
        close_task("1. [ ] numbered", 1, day(23)).as_deref(),
        Some("1. [x] numbered ✅ 2026-11-23")
    );
    // A vertical tab is text: the date goes after it.
    assert_eq!(
        close_task("- [ ] Call\u{b}\n", 1, day(23)).as_deref(),
        Some(
            "- [ ] Call\u{b} ✅ 2026-11-23\n"
                .replacen("[ ]", "[x]", 1)
                .as_str()
        )
    );
    // Lists and quotes nested on one line: the innermost item's checkbox.
    assert_eq!(
        close_task("- - [ ] inner\n", 1, day(23)).as_deref(),
        Some("- - [x] inner ✅ 2026-11-23\n")
    );
    assert_eq!(
        close_task("> 1) [/] quoted\n", 1, day(23)).as_deref(),
        Some("> 1) [x] quoted ✅ 2026-11-23\n")
    );
    for not_a_task in [
        "> [ ] quoted",
        "-[ ] tight",
        "- [ ]tight",
        "10000000000. [ ] long",
        "[ ] bare",
    ] {
        assert_eq!(close_task(not_a_task, 1, day(23)), None, "{not_a_task}");
    }
    // A lone CR ends a line for Markdown: the task after one is closed, the rest kept.
    assert_eq!(
        close_task("- talk\r- [ ] Write up\r- more\n", 1, day(23)).as_deref(),
        Some("- talk\r- [x] Write up ✅ 2026-11-23\r- more\n")
    );
}

/// Pieces of notes with the corners that matter to an edit.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("## Log".to_string()),
        Just("# Log".to_string()),
        Just("### 2026-10-01 Call".to_string()),
        Just("- 2026-10-01 call: a".to_string()),
        Just("- [[2026-09-01]] lunch".to_string()),
        Just("  - nested".to_string()),
        Just("\t- tabbed  ".to_string()),
        Just("- [ ] task 📅 2026-11-20".to_string()),
        Just("* [/] half done ^id1".to_string()),
        Just("```".to_string()),
        Just("---".to_string()),
        Just("text with #ask".to_string()),
        Just(String::new()),
        Just("Setext\n======".to_string()),
        "[a-z #\\-\\[\\]]{0,12}",
    ]
}

fn note() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(piece(), 0..14),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(pieces, crlf, bom, final_newline)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&pieces.join(eol));
            if final_newline && !pieces.is_empty() {
                text.push_str(eol);
            }
            text
        })
}

/// `after` is `before` with lines inserted and no other change: every line of `before` is
/// in `after`, in order, byte for byte (the last one may gain a line ending).
fn only_inserted(before: &str, after: &str) -> Option<Vec<String>> {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let mut added = Vec::new();
    let mut i = 0;
    for n in &new {
        let same = old.get(i).is_some_and(|o| {
            o == n
                || (i + 1 == old.len()
                    && !o.ends_with('\n')
                    && n.strip_suffix('\n').map(|s| s.trim_end_matches('\r')) == Some(o))
        });
        if same {
            i += 1;
        } else {
            added.push(n.to_string());
        }
    }
    (i == old.len()).then_some(added)
}

proptest! {
    #[test]
    fn a_log_entry_adds_lines_and_changes_no_other_byte(text in note(), said in "[a-z: ]{1,20}") {
        let a = log(&text, &said);
        let added = only_inserted(&text, &a.text);
        prop_assert!(added.is_some(), "before {text:?}\nafter {:?}", a.text);
        let added = added.unwrap_or_default();
        // The lines added are the entry (and its heading, and blank lines), in the note's
        // line endings; the entry stands at the line given.
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        for l in &added {
            prop_assert!(!l.contains('\n') || l.ends_with(eol), "{l:?}");
        }
        let line = a.text.split_inclusive('\n').nth(a.line - 1).unwrap_or("");
        prop_assert!(line.contains("2026-11-23"), "line {}: {line:?}\n{:?}", a.line, a.text);
        prop_assert_eq!(a.text.starts_with('\u{feff}'), text.starts_with('\u{feff}'));
        // A note without a final newline keeps lacking one.
        prop_assert_eq!(a.text.ends_with('\n'), text.is_empty() || text.ends_with('\n'));
    }

    #[test]
    fn closing_a_task_changes_that_line_alone(text in note(), line in 1usize..16) {
        if let Some(after) = close_task(&text, line, day(23)) {
            let old: Vec<&str> = text.split_inclusive('\n').collect();
            let new: Vec<&str> = after.split_inclusive('\n').collect();
            prop_assert_eq!(old.len(), new.len());
            for (i, (o, n)) in old.iter().zip(&new).enumerate() {
                if i + 1 == line {
                    prop_assert!(n.contains("[x]") && n.contains("✅ 2026-11-23"), "{n:?}");
                    prop_assert_eq!(split_ending(o).1, split_ending(n).1);
                } else {
                    prop_assert_eq!(o, n);
                }
            }
        }
    }
}
