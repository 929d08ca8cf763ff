//! `kith log` and ticked boxes in the due note: kith editing notes the user wrote. Every byte
//! it does not mean to change stays as it was; a note it cannot edit safely is left alone
//! with a message naming it.

use std::io::Write as _;
use std::process::Stdio;

use crate::common::{Run, TestVault, kith_command, lines};

/// `kith --vault <root> --today 2026-11-23 log ARGS...` with `stdin` as its input.
fn log_with_input(v: &TestVault, args: &[&str], stdin: &str) -> Run {
    let mut cmd = kith_command(v.scratch());
    cmd.arg("--vault")
        .arg(v.root())
        .args(["--today", crate::common::TODAY, "log"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("kith runs");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("kith ends");
    Run {
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
        code: out.status.code().unwrap_or(-1),
    }
}

#[test]
fn log_follows_the_notes_style_and_prints_where_it_wrote() {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        &lines(&[
            "---",
            "tier: A",
            "---",
            "## Log",
            "- 2026-10-01 call: budget",
            "- 2026-11-01 lunch: engines",
        ]),
    );
    // CRLF, a byte-order mark, trailing spaces and no final newline: all kept.
    let bob = "\u{feff}# Bob  \r\n\r\n## Log\r\n\r\n### [[2026-11-01]] Lunch\r\n\r\nMore.\r\n\r\n### [[2026-10-01]] Call\r\n\r\nNotes.\t";
    v.file("People/Bob Kahn.md", bob);
    let run = v
        .kith(&["log", "lovelace", "coffee: talked about her new team #give"])
        .ok();
    assert_eq!(run.stdout, "People/Ada Lovelace.md:7\n");
    assert_eq!(
        v.read("People/Ada Lovelace.md"),
        lines(&[
            "---",
            "tier: A",
            "---",
            "## Log",
            "- 2026-10-01 call: budget",
            "- 2026-11-01 lunch: engines",
            "- 2026-11-23 coffee: talked about her new team #give",
        ])
    );
    let ada = v.show("ada");
    assert_eq!(ada["interactions"][0]["title"], "coffee");
    assert_eq!(ada["interactions"][0]["tags"], serde_json::json!(["give"]));
    // Newest first, headings, a title and a date given, several lines.
    let run = v
        .kith(&[
            "log",
            "bob",
            "--title",
            "Call",
            "--date",
            "2026-11-20",
            "First line.\nSecond line.",
        ])
        .ok();
    assert_eq!(run.stdout, "People/Bob Kahn.md:5\n");
    assert_eq!(
        v.read("People/Bob Kahn.md"),
        "\u{feff}# Bob  \r\n\r\n## Log\r\n\r\n### [[2026-11-20]] Call\r\n\r\nFirst line.\r\nSecond line.\r\n\r\n### [[2026-11-01]] Lunch\r\n\r\nMore.\r\n\r\n### [[2026-10-01]] Call\r\n\r\nNotes.\t"
    );
    assert_eq!(v.show("bob")["last_contact"], "2026-11-20");
}

#[test]
fn log_without_text_reads_stdin_or_an_editor_and_an_empty_text_writes_nothing() {
    let v = TestVault::new();
    v.file("People/Cy.md", "Met at a talk.\n");
    let run = log_with_input(&v, &["cy"], "From the pipe.\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "People/Cy.md:5\n");
    assert_eq!(
        v.read("People/Cy.md"),
        "Met at a talk.\n\n## Log\n\n- 2026-11-23 note: From the pipe.\n"
    );
    let before = v.read("People/Cy.md");
    let run = log_with_input(&v, &["cy"], "  \n");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(v.read("People/Cy.md"), before);
}

#[test]
fn ambiguous_or_unknown_names_write_nothing() {
    let v = TestVault::new();
    v.file("People/Ada Lovelace.md", "")
        .file("People/Adam Smith.md", "");
    let run = v.kith(&["log", "ad", "x"]).code(1);
    assert!(
        run.stderr.contains("Ada Lovelace") && run.stderr.contains("Adam Smith"),
        "{}",
        run.stderr
    );
    let run = v.kith(&["log", "lovlace", "x"]).code(1);
    assert!(
        run.stderr.contains("did you mean Ada Lovelace?"),
        "{}",
        run.stderr
    );
    assert_eq!(v.read("People/Ada Lovelace.md"), "");
    assert_eq!(v.read("People/Adam Smith.md"), "");
}

#[test]
fn notes_kith_cannot_edit_safely_are_left_alone_with_a_message() {
    let v = TestVault::new();
    // A note that is not UTF-8 is no contact kith can read, so none to log into.
    v.bytes("People/Bin.md", b"## Log\n\xff\xfe binary\n");
    let run = v.kith(&["log", "bin", "x"]).code(1);
    assert!(
        run.stderr
            .contains("`People/Bin.md` is in a contact folder, but kith could not read it"),
        "{}",
        run.stderr
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        v.file("People/Locked.md", "## Log\n");
        let path = v.path("People/Locked.md");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
        let run = v.kith(&["log", "locked", "x"]).code(1);
        assert!(
            run.stderr.contains("People/Locked.md is read-only"),
            "{}",
            run.stderr
        );
        assert_eq!(v.read("People/Locked.md"), "## Log\n");
        // A link to a note outside the vault is never followed, so never written through.
        let outside = v.scratch().join("outside.md");
        std::fs::write(&outside, "---\ntags: [person]\n---\n").expect("write");
        std::os::unix::fs::symlink(&outside, v.path("People/Linked.md")).expect("link");
        v.kith(&["log", "linked", "x"]).code(1);
        assert_eq!(
            std::fs::read_to_string(&outside).expect("read"),
            "---\ntags: [person]\n---\n"
        );
    }
    // A log heading inside a code block is no log heading.
    v.file("People/Code.md", "```\n## Log\n```\n");
    v.kith(&["log", "code", "x"]).ok();
    assert_eq!(
        v.read("People/Code.md"),
        "```\n## Log\n```\n\n## Log\n\n- 2026-11-23 note: x\n"
    );
    // Where the entry would not read as one (a `%%` in code hides the fence that closes
    // it), nothing is written, and the message says where and why.
    let odd = "# Odd\n```\n%%%#\n```\n";
    v.file("People/Odd.md", odd);
    let run = v.kith(&["log", "odd", "x"]).code(1);
    assert!(
        run.stderr
            .contains("People/Odd.md:9: an entry there would fall inside a code block"),
        "{}",
        run.stderr
    );
    assert_eq!(v.read("People/Odd.md"), odd);
}

#[test]
fn ten_logs_at_once_into_one_note_all_land_once() {
    let v = TestVault::new();
    v.file("People/Ada.md", "## Log\n- 2026-10-01 call: a\n");
    let children: Vec<_> = (0..10)
        .map(|i| {
            let mut cmd = kith_command(v.scratch());
            cmd.arg("--vault")
                .arg(v.root())
                .args(["--today", crate::common::TODAY, "log", "ada"])
                .arg(format!("call: number {i}"))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            cmd.spawn().expect("kith runs")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("kith ends");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let note = v.read("People/Ada.md");
    for i in 0..10 {
        assert_eq!(
            note.matches(&format!("call: number {i}\n")).count(),
            1,
            "{note}"
        );
    }
    assert_eq!(note.lines().count(), 12, "{note}");
}

/// A vault with a check-in due (Ada) and promises (one in a daily note).
fn ticking_vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        &lines(&[
            "---",
            "tier: A",
            "---",
            "## Log",
            "- 2026-09-01 call: budget",
            "- [ ] Send the deck 📅 2026-11-24",
        ]),
    )
    .file(
        "People/Bob.md",
        &lines(&["---", "tier: A", "---", "- 2026-11-20 call: fine"]),
    )
    .file(
        "Daily/2026-11-18.md",
        "Lunch.\n- [ ] Send [[Bob]] the pricing teardown 📅 2026-11-25 ^t1\n",
    );
    v
}

/// The due note with the boxes on the lines holding each of `texts` ticked.
fn tick(v: &TestVault, texts: &[&str]) -> String {
    let note = v.read("Due this week.md");
    let ticked: Vec<String> = note
        .lines()
        .map(|l| {
            if texts.iter().any(|t| l.contains(t)) {
                l.replacen("- [ ] ", "- [x] ", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    let ticked = ticked.join("\n") + "\n";
    v.file("Due this week.md", &ticked);
    ticked
}

#[test]
fn ticks_log_check_ins_and_close_promises_then_the_note_is_written_anew() {
    let v = ticking_vault();
    v.kith(&["due", "--write"]).ok();
    let ticked = tick(&v, &["[[Ada Lovelace]] · tier A", "the pricing teardown"]);
    assert_eq!(ticked.matches("- [x]").count(), 2, "{ticked}");
    let run = v.kith(&["due", "--write"]).ok();
    assert!(
        run.stderr
            .contains("logged a check-in with Ada Lovelace (People/Ada Lovelace.md:6)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("closed the promise"), "{}", run.stderr);
    assert_eq!(
        v.read("People/Ada Lovelace.md"),
        lines(&[
            "---",
            "tier: A",
            "---",
            "## Log",
            "- 2026-09-01 call: budget",
            "- 2026-11-23 check-in",
            "- [ ] Send the deck 📅 2026-11-24",
        ])
    );
    assert_eq!(
        v.read("Daily/2026-11-18.md"),
        "Lunch.\n- [x] Send [[Bob]] the pricing teardown 📅 2026-11-25 ✅ 2026-11-23 ^t1\n"
    );
    // The note written anew lists neither; Ada's own promise is still there.
    let note = v.read("Due this week.md");
    assert!(!note.contains("- [x]"), "{note}");
    assert!(!note.contains("pricing teardown"), "{note}");
    assert!(!note.contains("[[Ada Lovelace]] · tier A"), "{note}");
    assert!(note.contains("Send the deck"), "{note}");
    // The same ticks saved again (an editor's stale buffer): nothing done twice.
    v.file("Due this week.md", &ticked);
    let run = v.kith(&["due", "--write"]).ok();
    assert!(!run.stderr.contains("logged a check-in"), "{}", run.stderr);
    assert_eq!(
        v.read("People/Ada Lovelace.md").matches("check-in").count(),
        1
    );
}

#[test]
fn ticks_that_match_nothing_are_problems_and_the_rest_is_done() {
    let v = ticking_vault();
    v.kith(&["due", "--write"]).ok();
    tick(&v, &["Send the deck"]);
    // Lines moved about, a line deleted, text added, a tick whose task is gone.
    let mut note = v.read("Due this week.md");
    note.push_str("\nmy own words\n");
    note = note.replace(
        "## Promises\n",
        "## Promises\n\n- [x] Phone the bank · [[Ada Lovelace]] · due Mon\n",
    );
    v.file("Due this week.md", &note);
    let run = v.kith(&["due", "--write"]).ok();
    assert!(
        run.stderr.contains(
            "Due this week.md:11: warning: ticked promise `Phone the bank` matches no open task of Ada Lovelace; nothing was done for this tick"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("closed the promise `Send the deck`"),
        "{}",
        run.stderr
    );
    let after = v.read("Due this week.md");
    assert!(
        !after.contains("my own words") && !after.contains("Phone the bank"),
        "{after}"
    );
    assert!(
        v.read("People/Ada Lovelace.md")
            .contains("- [x] Send the deck 📅 2026-11-24 ✅ 2026-11-23")
    );
}

#[test]
fn a_very_large_note_gets_its_entry_at_its_size() {
    let v = TestVault::new();
    let mut note = String::from("## Log\n");
    // 20 MB: a long log, and a paragraph of brackets (the Markdown parser's worst case).
    for day in 0..150_000u32 {
        let d = 1 + day % 28;
        note.push_str(&format!(
            "- 2020-01-{d:02} call: about the bridge and the river\n"
        ));
    }
    note.push_str(&"[".repeat(12 * 1024 * 1024));
    note.push('\n');
    v.file("People/Big.md", &note);
    let run = v.kith(&["log", "big", "x"]).ok();
    assert_eq!(run.stdout, "People/Big.md:150002\n");
    let after = v.read("People/Big.md");
    assert_eq!(after.len(), note.len() + "- 2026-11-23 note: x\n".len());
    assert!(after.starts_with(&note[..note.find("[[[").unwrap_or(0)]));
}
