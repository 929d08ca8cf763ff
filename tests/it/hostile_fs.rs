//! Hostile file systems: names no editor would give a note, one name in two Unicode forms,
//! folders 200 deep, 100,000 empty notes, a note rewritten while kith reads it, a note that
//! turns into a folder and back under the watcher, and vaults on unusual paths.
//!
//! The promises are those of [`super::hostile`], checked with its harness: kith runs under a
//! watchdog ([`hostile::TIMEOUT`], and the peak memory sampled), never panics, reports every
//! bad note with its path and line, and schedules the healthy contacts beside the hostile
//! ones exactly as it would alone. Everything is generated here, in temporary folders.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{self, TestVault, kith_command};
use crate::hostile::{self, Expect, tier_a, tier_b, verify, want, write, write_healthy};
use crate::watch::Watcher;

/// A contact note whose tier is unknown (a warning on line 2; tier B is used) and whose
/// last contact is 2026-08-01: overdue since 2026-11-01.
const ODD_NOTE: &str = "---\ntier: Z\n---\n## Log\n- 2026-08-01 call: odd\n";

/// Stems no editor would give a note; each becomes `People/<stem>.md`, holding [`ODD_NOTE`].
#[cfg(unix)]
const ODD_STEMS: &[&str] = &[
    "New\nline",
    "Carriage\rreturn",
    "Tab\tname",
    "Escape\u{1b}[31m",
    "Co:lon",
    "Back\\slash",
    "Dot.",
    "Space ",
    " Lead",
    "Dots and spaces. . .",
];

/// Notes in folders whose names end in a dot or a space, or hold a colon, a backslash and a
/// line break.
#[cfg(unix)]
const ODD_FOLDERS: &[&str] = &[
    "People/Dotted./Dotted inner.md",
    "People/Spaced /Spaced inner.md",
    "People/Odd: \\ folder\n/Odd inner.md",
];

/// A path as `kith check` prints it: control characters escaped.
fn shown(path: &str) -> String {
    path.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `kith due --json`'s check-ins, by path.
fn due_paths(week: &Value) -> Vec<String> {
    common::column(&week["check_ins"], "path")
}

/// Waits (at most 10 s) until `kith due --json`, which reads what the watcher keeps, says
/// `done`; the last answer.
fn until_due(v: &TestVault, done: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let week = v.due();
        if done(&week) || Instant::now() > until {
            return week;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// Line breaks, a carriage return, a tab, an escape, a colon, a backslash, trailing dots and
/// spaces, a leading space, in notes' names and in folders' names: each is a contact named
/// by its stem, warned about on its line 2 under its exact path, scheduled (tier B, overdue);
/// links reach `Co:lon` and `Back\slash`. `Note.md.` and `Note.md ` are no notes. Each
/// problem is one line of `kith check` (control characters escaped), the index takes every
/// name and finds them unchanged the next time, and `kith log` writes into an odd name.
#[test]
#[cfg(unix)]
fn odd_file_names_are_notes_like_any_other() {
    let v = TestVault::new();
    let root = v.root();
    write_healthy(root);
    let mut expect = Expect::default();
    let mut paths: Vec<String> = ODD_STEMS
        .iter()
        .map(|stem| format!("People/{stem}.md"))
        .collect();
    paths.extend(ODD_FOLDERS.iter().map(|p| p.to_string()));
    for path in &paths {
        write(root, path, ODD_NOTE);
        expect
            .problems
            .push(want(path, "warning", 2..=2, "unknown tier"));
        let stem = path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".md");
        if !["Co:lon", "Back\\slash"].contains(&stem) {
            expect.check_ins.push(tier_b(stem, path, "2026-08-01"));
        }
    }
    expect.contacts = Some(paths.len());
    // Met on 2026-11-20: not due.
    write(
        root,
        "Notes/2026-11-20 Links.md",
        "Met [[Co:lon]] and [[Back\\slash]].\n",
    );
    write(root, "People/Note.md.", ODD_NOTE);
    write(root, "People/Note.md ", ODD_NOTE);
    let out = verify(root, &expect);
    assert_eq!(out.problems.len(), paths.len(), "{:#?}", out.problems);

    let text = hostile::kith(root, &["check"]);
    text.assert_normal();
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines.len(), out.problems.len(), "{}", text.stdout);
    for p in &out.problems {
        let head = format!("{}:2: warning: unknown tier `Z`", shown(&p.path));
        assert!(
            lines.iter().any(|l| l.starts_with(&head)),
            "no line starts with {head:?}:\n{}",
            text.stdout
        );
    }

    v.kith(&["index"]).ok();
    let again = v.kith(&["index"]).ok();
    assert!(
        again
            .stdout
            .starts_with("added 0, updated 0, removed 0, moved 0"),
        "{}",
        again.stdout
    );
    let found = v.kith(&["search", "odd", "--json"]).ok().json();
    assert_eq!(found["total"], paths.len(), "{found}");
    let run = v.kith(&["log", "Co:lon", "call: logged"]).ok();
    assert_eq!(run.stdout, "People/Co:lon.md:6\n");
    assert_eq!(
        v.read("People/Co:lon.md"),
        format!("{ODD_NOTE}- 2026-11-23 call: logged\n")
    );
}

/// The watcher follows a change to each odd name as it does to any note (a `\` is a letter
/// of a name, not a folder), says so on one line naming the note (control characters
/// escaped), the check-in goes once the note says it was met on 2026-11-20, and its due note
/// is the one a run from scratch writes.
#[test]
#[cfg(unix)]
fn the_watcher_follows_notes_with_odd_names() {
    let v = TestVault::new();
    write_healthy(v.root());
    let mut paths: Vec<String> = ODD_STEMS
        .iter()
        .map(|stem| format!("People/{stem}.md"))
        .collect();
    paths.extend(ODD_FOLDERS.iter().map(|p| p.to_string()));
    for path in &paths {
        v.file(path, ODD_NOTE);
    }
    let mut w = Watcher::start(&v);
    let due = due_paths(&v.due());
    for path in &paths {
        assert!(due.contains(path), "{path:?} is due: {due:#?}");
        v.file(path, &ODD_NOTE.replace("2026-08-01", "2026-11-20"));
        let line = w.expect("updated 1");
        let head = format!("kith: {}: ", shown(path));
        assert!(line.starts_with(&head), "{line:?}, not {head:?}");
        let due = due_paths(&v.due());
        assert!(
            !due.contains(path),
            "{path:?} was met on 2026-11-20: {due:#?}"
        );
    }
    w.stop_fresh(&v);
}

/// A file name that is not UTF-8 (Latin-1 from an old archive), for a note and for a
/// folder: kith cannot name it, so it is an error naming the path as far as it can be shown,
/// and it is skipped (with everything in the folder); two such names that look alike stay
/// two problems and the index settles.
#[test]
#[cfg(target_os = "linux")]
fn names_that_are_not_utf8_are_reported_and_skipped() {
    use std::os::unix::ffi::OsStrExt as _;
    let v = TestVault::new();
    let root = v.root();
    write_healthy(root);
    let people = root.join("People");
    for name in [&b"Ren\xe9.md"[..], b"Ren\xe8.md"] {
        std::fs::write(people.join(std::ffi::OsStr::from_bytes(name)), ODD_NOTE).expect("write");
    }
    let folder = people.join(std::ffi::OsStr::from_bytes(b"Caf\xe9"));
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("Inside.md"), ODD_NOTE).expect("write");
    let out = verify(
        root,
        &Expect {
            contacts: Some(0),
            ..Expect::default()
        },
    );
    let names: Vec<(&str, Option<u64>, &str)> = out
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.line, p.severity.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("People/Caf\u{fffd}", None, "error"),
            ("People/Ren\u{fffd}.md", None, "error"),
            ("People/Ren\u{fffd}.md", None, "error"),
        ],
        "{:#?}",
        out.problems
    );
    assert!(
        out.problems.iter().all(|p| p.message.contains("not UTF-8")),
        "{:#?}",
        out.problems
    );
    v.kith(&["index"]).ok();
    let again = v.kith(&["index"]).ok();
    assert!(
        again
            .stdout
            .starts_with("added 0, updated 0, removed 0, moved 0"),
        "{}",
        again.stdout
    );
}

/// `Zoë.md` written precomposed (NFC) and decomposed (NFD), side by side. kith reads both:
/// two contacts of the same name, each scheduled from its own note, no problem. A link in
/// either form reaches the one whose path sorts first by its bytes (the NFD one: `e`,
/// 0x65, before `ë`, 0xC3), the same on every run; the due note links each by its path,
/// since they share a stem; `kith show Zoë` says the name is ambiguous and lists both.
#[test]
#[cfg(unix)]
fn nfc_and_nfd_forms_of_one_name_side_by_side() {
    let v = TestVault::new();
    let root = v.root();
    write_healthy(root);
    let nfc = "People/Zo\u{eb}.md";
    let nfd = "People/Zoe\u{308}.md";
    write(root, nfc, "---\ntier: A\n---\n- 2026-09-06 call: nfc\n");
    write(root, nfd, "---\ntier: A\n---\n- 2026-09-07 call: nfd\n");
    if std::fs::read_dir(root.join("People"))
        .expect("list")
        .count()
        != 5
    {
        // A file system that folds Unicode forms (APFS, HFS+): one file, nothing to test.
        eprintln!("this file system keeps one of the two forms; skipped");
        return;
    }
    write(
        root,
        "Notes/2026-11-20 Zoe.md",
        "Met [[Zo\u{eb}]], and [[Zoe\u{308}]] again.\n",
    );
    let expect = Expect {
        clean: vec![nfc.into(), nfd.into()],
        check_ins: vec![tier_a("Zo\u{eb}", nfc, "2026-09-06", &[])],
        contacts: Some(2),
        ..Expect::default()
    };
    verify(root, &expect);
    let run = v.kith(&["show", "Zo\u{eb}", "--json"]).code(1);
    assert!(
        run.stderr.contains("matches more than one contact")
            && run.stderr.contains(nfc)
            && run.stderr.contains(nfd),
        "{}",
        run.stderr
    );
    v.kith(&["due", "--write"]).ok();
    let note = v.read("Due this week.md");
    assert!(
        note.contains("[[People/Zo\u{eb}|Zo\u{eb}]]"),
        "linked by its path:\n{note}"
    );
}

// ---------------------------------------------------------------------------------------------
// Depth and breadth
// ---------------------------------------------------------------------------------------------

/// 200 folders deep: a contact at the bottom (warned on its line 2, scheduled), and a tree
/// whose full path is longer than the system allows (`PATH_MAX`, 4,096 bytes on Linux),
/// which is an error naming the folder, not a crash. The watcher sees a note added at the
/// bottom.
#[test]
#[cfg(unix)]
fn folders_two_hundred_deep() {
    let v = TestVault::new();
    let root = v.root();
    write_healthy(root);
    let deep = format!("People/{}", "d/".repeat(200));
    let contact = format!("{deep}Deep.md");
    write(root, &contact, ODD_NOTE);
    // Two chains of 100 folders of 30 letters, each short enough to make, one moved into
    // the other: 6,000 bytes in all.
    let long = "l".repeat(30);
    let chain = |from: &Path| (0..100).fold(from.to_path_buf(), |p, _| p.join(&long));
    let inner = chain(&v.scratch().join("Inner"));
    write(&inner, "Lost.md", ODD_NOTE);
    let outer = chain(&root.join("Archive"));
    std::fs::create_dir_all(&outer).expect("mkdir");
    std::fs::rename(v.scratch().join("Inner"), outer.join("Inner")).expect("move");
    let expect = Expect {
        problems: vec![want(&contact, "warning", 2..=2, "unknown tier")],
        check_ins: vec![tier_b("Deep", &contact, "2026-08-01")],
        contacts: Some(1),
        ..Expect::default()
    };
    let out = verify(root, &expect);
    let too_long: Vec<_> = out
        .problems
        .iter()
        .filter(|p| p.path.starts_with("Archive/"))
        .collect();
    assert!(
        too_long.len() == 1
            && too_long[0].severity == "error"
            && too_long[0].message.contains("cannot be read"),
        "{:#?}",
        out.problems
    );

    let mut w = Watcher::start(&v);
    v.file(
        &format!("{deep}2026-11-21 Met.md"),
        "---\ntags: [person]\n---\nBottom.\n",
    );
    w.expect("added 1");
    let week = until_due(&v, |w| {
        due_paths(w).contains(&format!("{deep}2026-11-21 Met.md"))
    });
    assert!(
        due_paths(&week).contains(&format!("{deep}2026-11-21 Met.md")),
        "{week}"
    );
    w.stop_fresh(&v);
}

/// `count` empty notes in folders of 1,000: no problem, no contact, and the healthy
/// contacts as alone. `check`, `due`, `search` and `index` each stay under 1 GiB (about
/// 250 MB for 100,000 notes: a few KiB a note, no more) and within the watchdog's time (a
/// few seconds each in a debug build), and the index finds them all unchanged the next time.
fn empty_notes(count: usize) {
    let v = TestVault::new();
    let root = v.root();
    write_healthy(root);
    for n in 0..count {
        if n % 1000 == 0 {
            std::fs::create_dir_all(root.join(format!("Archive/{:03}", n / 1000))).expect("mkdir");
        }
        std::fs::File::create(root.join(format!("Archive/{:03}/{n}.md", n / 1000)))
            .expect("create");
    }
    let out = verify(
        root,
        &Expect {
            contacts: Some(0),
            ..Expect::default()
        },
    );
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let notes = format!("{} notes", count + 3);
    assert!(out.check.stderr.contains(&notes), "{}", out.check.stderr);
    let mut runs = vec![out.check, out.due];
    for args in [&["search", "engines", "--json"][..], &["index"]] {
        let run = hostile::kith(root, args);
        run.assert_normal();
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        runs.push(run);
    }
    for run in runs {
        assert!(run.peak_kib < hostile::ONE_GIB_KIB, "{} KiB", run.peak_kib);
    }
    v.kith(&["index"]).ok();
    let again = v.kith(&["index"]).ok();
    assert!(
        again
            .stdout
            .starts_with("added 0, updated 0, removed 0, moved 0"),
        "{}",
        again.stdout
    );
}

#[test]
fn twenty_thousand_empty_notes() {
    empty_notes(20_000);
}

/// Ignored by default: making and removing 100,000 files takes from 5 s to well over a
/// minute, depending on the disk and on what else runs; kith's own runs take a few seconds
/// each. Run it with `cargo test --test it hostile_fs::a_hundred -- --ignored`.
#[test]
#[ignore = "100,000 files: run with -- --ignored"]
fn a_hundred_thousand_empty_notes() {
    empty_notes(100_000);
}

// ---------------------------------------------------------------------------------------------
// Notes that change under kith
// ---------------------------------------------------------------------------------------------

/// Rewrites `rel` under `root` until `stop`: in place (truncated, then written in two
/// parts, so a reader may see it empty or half written) and by renaming a new file over it
/// (as editors save), alternating two versions of different sizes.
fn keep_rewriting(root: &Path, rel: &str, versions: [&str; 2], stop: &AtomicBool) -> usize {
    use std::io::Write as _;
    let path = root.join(rel);
    let tmp = root.join(".rewrite.tmp");
    let mut rounds = 0;
    while !stop.load(Ordering::Relaxed) {
        let text = versions[rounds % 2].as_bytes();
        if rounds % 4 < 2 {
            let mut file = std::fs::File::create(&path).expect("truncate");
            file.write_all(&text[..text.len() / 2]).expect("write");
            file.flush().expect("flush");
            file.write_all(&text[text.len() / 2..]).expect("write");
        } else {
            std::fs::write(&tmp, text).expect("write");
            std::fs::rename(&tmp, &path).expect("rename");
        }
        rounds += 1;
    }
    rounds
}

/// A contact note rewritten without pause while `check`, `due`, `search` and `index` read
/// the vault: each run ends normally, the healthy contacts come out exactly as alone,
/// whatever version (or torn version) of the note it saw; once the rewriting stops, the
/// index kept across the runs gives the last version, not a stale one.
#[test]
fn a_note_rewritten_while_it_is_read() {
    let v = TestVault::new();
    let root = v.root();
    write_healthy(root);
    let flux = "People/Flux.md";
    let overdue = "---\ntier: A\n---\n## Log\n- 2026-09-02 call: overdue\n";
    let recent = format!(
        "---\ntier: C\n---\n## Log\n- 2026-11-01 call: recent\n{}",
        "Padding to widen the window of a torn read. [[Ada Lovelace]]\n".repeat(2000)
    );
    write(root, flux, overdue);
    let stop = AtomicBool::new(false);
    let expect = Expect {
        unsettled: vec![flux.into()],
        contacts: Some(1),
        ..Expect::default()
    };
    let rounds = std::thread::scope(|scope| {
        let writer = scope.spawn(|| keep_rewriting(root, flux, [overdue, &recent], &stop));
        for _ in 0..3 {
            verify(root, &expect);
            for args in [&["search", "recent", "--json"][..], &["index"]] {
                let run = hostile::kith(root, args);
                run.assert_normal();
                assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
            }
            // With the index kept between runs, as a user's is.
            v.due();
            v.kith(&["search", "recent"]);
        }
        stop.store(true, Ordering::Relaxed);
        writer.join().expect("the writer")
    });
    assert!(rounds > 10, "the note was rewritten {rounds} times only");
    write(root, flux, overdue);
    let week = v.due();
    assert!(
        due_paths(&week).contains(&flux.to_string()),
        "the last version (overdue) counts: {week}"
    );
    assert_eq!(
        v.kith(&["search", "overdue", "--json"]).ok().json()["total"],
        1
    );
    verify(
        root,
        &Expect {
            check_ins: vec![tier_a("Flux", flux, "2026-09-02", &[])],
            contacts: Some(1),
            ..Expect::default()
        },
    );
}

/// A contact note that turns into a folder (holding a contact note of its own) and back,
/// fifty times, while `kith watch` runs: the watcher keeps running, ends with the last
/// state (the note, met on 2026-11-20: not due; the note inside the folder gone), and its
/// due note is the one a run from scratch writes.
#[test]
fn a_note_that_turns_into_a_folder_and_back_while_the_watcher_runs() {
    let v = TestVault::new();
    write_healthy(v.root());
    let shape = "People/Shape.md";
    let inner = "People/Shape.md/Inner.md";
    v.file(shape, ODD_NOTE);
    let mut w = Watcher::start(&v);
    assert!(due_paths(&v.due()).contains(&shape.to_string()));
    for round in 0..50u64 {
        std::fs::remove_file(v.path(shape)).expect("remove the note");
        v.file(inner, "---\ntier: A\n---\n- 2026-09-02 call: inside\n");
        std::thread::sleep(Duration::from_millis(round % 7 * 5));
        std::fs::remove_dir_all(v.path(shape)).expect("remove the folder");
        v.file(shape, ODD_NOTE);
        std::thread::sleep(Duration::from_millis(round % 5 * 7));
    }
    v.file(shape, &ODD_NOTE.replace("2026-08-01", "2026-11-20"));
    let week = until_due(&v, |week| {
        let due = due_paths(week);
        !due.contains(&shape.to_string()) && !due.contains(&inner.to_string())
    });
    let due = due_paths(&week);
    assert!(
        !due.contains(&shape.to_string()) && !due.contains(&inner.to_string()),
        "{due:#?}"
    );
    assert!(
        w.child.try_wait().expect("wait").is_none(),
        "the watcher ended: {:#?}",
        w.seen
    );
    w.stop_fresh(&v);
}

// ---------------------------------------------------------------------------------------------
// Where the vault is
// ---------------------------------------------------------------------------------------------

/// Everything a user does, on a vault reached by `root`: the healthy contacts exact, a log
/// entry written, a search finding it, the watcher following a change and writing the due
/// note inside the vault.
fn everything_works_at(v: &TestVault) {
    write_healthy(v.root());
    verify(
        v.root(),
        &Expect {
            contacts: Some(0),
            ..Expect::default()
        },
    );
    let run = v.kith(&["log", "ada", "call: from afar"]).ok();
    assert_eq!(run.stdout, "People/Ada.md:10\n");
    assert!(
        v.read("People/Ada.md")
            .contains("- 2026-09-02 coffee: Talked about engines\n- 2026-11-23 call: from afar\n")
    );
    assert_eq!(
        v.kith(&["search", "afar", "--json"]).ok().json()["total"],
        1
    );
    let mut w = Watcher::start(v);
    assert!(due_paths(&v.due()).contains(&"People/Grace.md".to_string()));
    v.file(
        "People/Grace.md",
        "---\nbirthday: 1986-11-26\n---\n- 2026-11-22 coffee: at last\n",
    );
    w.expect("updated 1");
    let week = v.due();
    assert!(
        !due_paths(&week).contains(&"People/Grace.md".to_string()),
        "{week}"
    );
    w.stop_fresh(v);
}

/// A vault on a path with spaces, an apostrophe, a dash and letters beyond ASCII.
#[test]
fn a_vault_on_a_path_with_spaces_and_non_ascii_letters() {
    let v = TestVault::named("My Vault — Zoë's notes, ünïcödé 日本語");
    everything_works_at(&v);
}

/// A vault whose root is a symbolic link to the folder: kith reads, writes and watches
/// through the root link (only links below the root are never followed). The vault reached
/// by the link and by its real path is one vault, with one index: a second watcher on the
/// real path is refused.
#[test]
#[cfg(unix)]
fn a_vault_root_that_is_a_symbolic_link() {
    let v = TestVault::named("real vault").through_link("link to the vault");
    everything_works_at(&v);
    assert!(
        std::fs::symlink_metadata(v.root())
            .expect("the link")
            .file_type()
            .is_symlink()
    );
    let real = v.scratch().join("real vault");
    assert!(real.join("Due this week.md").is_file());
    let _w = Watcher::start(&v);
    let second = common::Run::from(
        assert_cmd::Command::from_std(kith_command(v.scratch()))
            .arg("--vault")
            .arg(&real)
            .args(["--today", common::TODAY, "watch"]),
    )
    .code(1);
    assert!(
        second.stderr.contains("already running"),
        "{}",
        second.stderr
    );
}
