//! The writer: generated notes, calendars, edits of the user's notes, new notes.

use super::*;

/// Asserts that no hidden (temporary) file is left in `root`.
#[track_caller]
fn assert_no_hidden_files(root: &Path) {
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn recognises_generated_notes() {
    assert!(is_generated(
        "---\ngenerated_by: kith\nweek: 2026-W48\n---\n# Due\n"
    ));
    assert!(is_generated(
        "\u{feff}---\r\ngenerated_by: \"kith\"\r\n---\r\n"
    ));
    assert!(!is_generated("---\ngenerated_by: someone\n---\n"));
    assert!(!is_generated("# Due this week\ngenerated_by: kith\n"));
    assert!(!is_generated(""));
}

#[test]
fn writes_atomically_only_when_changed_and_never_over_user_notes() {
    for durability in [Durability::Synced, Durability::Unsynced] {
        writes_as(durability);
    }
}

fn writes_as(durability: Durability) {
    let write_generated =
        |root: &Path, rel: &str, content: &str| write_generated_as(root, rel, content, durability);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let note = "---\ngenerated_by: kith\n---\nhello\n";
    assert_eq!(
        write_generated(root, "Due.md", note).expect("write"),
        Outcome::Written
    );
    assert_eq!(
        write_generated(root, "Due.md", note).expect("write"),
        Outcome::Unchanged
    );
    let changed = "---\ngenerated_by: kith\n---\nhello again\n";
    assert_eq!(
        write_generated(root, "Due.md", changed).expect("write"),
        Outcome::Written
    );
    assert_eq!(
        std::fs::read_to_string(root.join("Due.md")).expect("read"),
        changed
    );

    std::fs::write(root.join("Mine.md"), "my own note\n").expect("write");
    let err = write_generated(root, "Mine.md", note).expect_err("refused");
    assert!(matches!(err, WriteError::NotGenerated { .. }));
    assert_eq!(
        std::fs::read_to_string(root.join("Mine.md")).expect("read"),
        "my own note\n"
    );

    assert_eq!(
        write_generated(root, "Sub/Folder/Due.md", note).expect("write"),
        Outcome::Written
    );
    assert_no_hidden_files(root);
}

#[test]
fn an_edit_changes_a_held_note_only_while_it_holds_what_was_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("Ada.md"), "a\r\n").expect("write");
    let held = Held::read(root, "Ada.md").expect("read");
    assert_eq!(held.text, "a\r\n");
    assert_eq!(held.write("a\r\nb\r\n").expect("write"), Outcome::Written);
    assert_eq!(
        std::fs::read(root.join("Ada.md")).expect("read"),
        b"a\r\nb\r\n"
    );
    // Changed between the read and the write: nothing written.
    let held = Held::read(root, "Ada.md").expect("read");
    std::fs::write(root.join("Ada.md"), "an editor's save\n").expect("write");
    assert!(matches!(
        held.write("mine\n"),
        Err(WriteError::Changed { .. })
    ));
    assert_eq!(
        std::fs::read_to_string(root.join("Ada.md")).expect("read"),
        "an editor's save\n"
    );
    // `edit` reads again and lands.
    let line = edit(root, "Ada.md", |text| Some((format!("{text}more\n"), 2))).expect("edit");
    assert_eq!(line, Some(2));
    // Not UTF-8, missing: refused, nothing written.
    std::fs::write(root.join("Bin.md"), b"\xff\xfe").expect("write");
    assert!(matches!(
        Held::read(root, "Bin.md"),
        Err(WriteError::NotUtf8 { .. })
    ));
    assert!(matches!(
        Held::read(root, "None.md"),
        Err(WriteError::Missing { .. })
    ));
    assert_no_hidden_files(root);
}

#[test]
fn calendars_replace_only_calendars_kith_exported() {
    let vault = tempfile::tempdir().expect("temp dir");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let root = vault.path();
    let ours =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith//NONSGML kith//EN\r\nEND:VCALENDAR\r\n";
    let newer = ours.replace("VERSION:2.0\r\n", "VERSION:2.0\r\nNAME:kith\r\n");
    let write = |path: &Path, content: &str| {
        write_calendar(root, path, "kith.ics", content, Durability::Synced)
    };
    for path in [
        root.join("Calendars/kith.ics"),
        elsewhere.path().join("kith.ics"),
    ] {
        assert_eq!(write(&path, ours).expect("write"), Outcome::Written);
        assert_eq!(write(&path, ours).expect("write"), Outcome::Unchanged);
        assert_eq!(write(&path, &newer).expect("write"), Outcome::Written);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), newer);
    }
    // A note, another program's calendar: refused, left as they were.
    for (name, mine) in [
        ("Ada.md", "---\ngenerated_by: kith\n---\n# Ada\n"),
        (
            "work.ics",
            "BEGIN:VCALENDAR\r\nPRODID:-//Apple Inc.//EN\r\nEND:VCALENDAR\r\n",
        ),
    ] {
        let path = root.join(name);
        std::fs::write(&path, mine).expect("write");
        let err = write(&path, ours).expect_err("refused");
        assert!(matches!(err, WriteError::NotCalendar { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("kith.ics exists and is not a calendar")
        );
        assert_eq!(std::fs::read_to_string(&path).expect("read"), mine);
    }
    // And a due note is never replaced by what a calendar would be.
    std::fs::write(root.join("Due.md"), ours).expect("write");
    assert!(matches!(
        write_generated(root, "Due.md", "---\ngenerated_by: kith\n---\n"),
        Err(WriteError::NotGenerated { .. })
    ));
}

#[cfg(unix)]
#[test]
fn never_writes_through_a_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outside = tempfile::tempdir().expect("temp dir");
    let target = outside.path().join("target.md");
    std::fs::write(&target, "---\ngenerated_by: kith\n---\n").expect("write");
    std::os::unix::fs::symlink(&target, dir.path().join("Due.md")).expect("link");
    let err = write_generated(dir.path(), "Due.md", "---\ngenerated_by: kith\n---\nnew\n")
        .expect_err("refused");
    assert!(matches!(err, WriteError::Link { .. }));
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "---\ngenerated_by: kith\n---\n"
    );
    // A calendar, inside the vault or out of it, is never written through a link.
    let calendar = "BEGIN:VCALENDAR\r\nPRODID:-//kith//NONSGML kith//EN\r\nEND:VCALENDAR\r\n";
    std::fs::write(&target, calendar).expect("write");
    for at in [dir.path().join("kith.ics"), outside.path().join("link.ics")] {
        std::os::unix::fs::symlink(&target, &at).expect("link");
        let err = write_calendar(
            dir.path(),
            &at,
            "kith.ics",
            calendar.replace("END", "X\r\nEND").as_str(),
            Durability::Synced,
        )
        .expect_err("refused");
        assert!(matches!(err, WriteError::Link { .. }), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&target).expect("read"), calendar);
}

#[test]
fn creates_new_notes_and_never_replaces_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    create_new(dir.path(), "People/Ada.md", "# Ada\n").expect("created");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("People/Ada.md")).expect("read"),
        "# Ada\n"
    );
    let err = create_new(dir.path(), "People/Ada.md", "# Other\n").expect_err("refused");
    assert!(matches!(err, WriteError::Exists { .. }));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("People/Ada.md")).expect("read"),
        "# Ada\n"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path().join("People"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["Ada.md"], "temporary files left");
    sync_folder(dir.path(), "People").expect("synced");
}

#[cfg(unix)]
#[test]
fn creates_nothing_behind_a_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outside = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("People")).expect("link");
    let err = create_new(dir.path(), "People/Ada.md", "# Ada\n").expect_err("refused");
    assert!(matches!(err, WriteError::Link { .. }));
    assert_eq!(std::fs::read_dir(outside.path()).expect("list").count(), 0);
}

/// A kith killed between naming its temporary file and the rename leaves that name; the
/// next write into the folder removes it, and only it: never a name of a running process.
#[cfg(target_os = "linux")]
#[test]
fn the_next_write_removes_what_a_killed_kith_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let gone = (100_000..4_000_000u32)
        .step_by(7919)
        .find(|pid| !Path::new(&format!("/proc/{pid}")).exists())
        .expect("a process number nobody runs");
    let left = [
        format!(".Ada.md.kith-{gone}.tmp"),
        format!(".Bob.md.kith-{}.tmp", std::process::id()),
        ".Cy.md.kith-1.tmp".to_string(),
        ".Di.md.kith-x.tmp".to_string(),
    ];
    for name in &left {
        std::fs::write(root.join(name), "partial").expect("a leftover");
    }
    write_generated(root, "Due.md", "---\ngenerated_by: kith\n---\nnew\n").expect("written");
    let mut names: Vec<String> = std::fs::read_dir(root)
        .expect("read the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, [&left[1], &left[2], &left[3], "Due.md"]);
}
