//! Concurrency: kith against itself and against an editor, on one vault. Two `kith log` into
//! one note at once, `kith log` while `kith watch` runs, an editor saving the note kith is
//! writing, searches during an index rebuild, two watchers started at the same instant.
//! Nothing lost, nothing mangled, no lock error shown to the user. Every wait is bounded.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, TODAY, TestVault, kith_command, lines};
use crate::watch::{self, Watcher};

/// Longest wait for another process to reach a point: generous for a loaded machine.
const PATIENCE: Duration = Duration::from_secs(20);

/// What must never reach the user: a lock error, a crash, a raw system error.
const NEVER_SAID: &[&str] = &[
    "lock",
    "panicked",
    "os error",
    "temporarily unavailable",
    "WouldBlock",
];

#[track_caller]
fn assert_said_nothing_wrong(what: &str, stderr: &str) {
    for word in NEVER_SAID {
        assert!(!stderr.contains(word), "{what} said {word:?}:\n{stderr}");
    }
}

/// `kith --vault <root> --today 2026-11-23 ARGS...`, spawned, its output piped.
fn spawn(v: &TestVault, args: &[&str], envs: &[(&str, &Path)]) -> Child {
    let mut cmd = kith_command(v.scratch());
    cmd.arg("--vault")
        .arg(v.root())
        .args(["--today", TODAY])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in envs {
        cmd.env(key, value);
    }
    cmd.spawn().expect("kith starts")
}

/// Waits for a spawned kith: (stdout, stderr, exit code).
fn finish(child: Child) -> (String, String, Option<i32>) {
    let out = child.wait_with_output().expect("kith ends");
    (
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
        out.status.code(),
    )
}

/// The 1-based line `n` of `text`, without its line break.
fn line_at(text: &str, n: usize) -> &str {
    text.lines().nth(n - 1).unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// kith against kith
// ---------------------------------------------------------------------------------------------

/// Twenty rounds of two `kith log` into one note at the same instant: both succeed, each
/// says the line it wrote and that line holds its entry, and the note is what it was plus
/// the two entries, in one order or the other, every other byte as it was.
#[test]
fn two_logs_into_one_note_at_once_both_land_whole() {
    let v = TestVault::new();
    v.file(
        "People/Ada.md",
        "---\r\ntier: A\r\n---\r\n## Log\r\n- 2026-10-01 call: a\r\n\r\nNotes after.",
    );
    for round in 0..20 {
        let before = v.read("People/Ada.md");
        let texts = [format!("call: {round} one"), format!("call: {round} two")];
        let children: Vec<Child> = texts
            .iter()
            .map(|t| spawn(&v, &["log", "ada", t], &[]))
            .collect();
        let after_runs: Vec<_> = children.into_iter().map(finish).collect();
        let note = v.read("People/Ada.md");
        let entries = texts.clone().map(|t| format!("- 2026-11-23 {t}\r\n"));
        let at = before.find("\r\nNotes after.").expect("the tail");
        let insert = |first: &str, second: &str| {
            format!("{}{first}{second}{}", &before[..at], &before[at..])
        };
        assert!(
            note == insert(&entries[0], &entries[1]) || note == insert(&entries[1], &entries[0]),
            "round {round}:\n{note:?}\nwas:\n{before:?}"
        );
        for ((stdout, stderr, code), text) in after_runs.iter().zip(&texts) {
            assert_eq!(*code, Some(0), "{stderr}");
            assert_said_nothing_wrong("kith log", stderr);
            let line: usize = stdout
                .trim_end()
                .strip_prefix("People/Ada.md:")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("where it wrote: {stdout:?}"));
            assert_eq!(line_at(&note, line), format!("- 2026-11-23 {text}"));
        }
    }
}

/// Waits until `kith search WORD --json` (which, while the watcher runs, reads the index it
/// keeps) finds `total` matches; the last total.
fn until_found(v: &TestVault, word: &str, total: u64) -> u64 {
    let until = Instant::now() + PATIENCE;
    loop {
        let found = v.kith(&["search", word, "--json"]).ok().json()["total"]
            .as_u64()
            .expect("total");
        if found == total || Instant::now() > until {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Five rounds of three `kith log` at once (two into one note) while `kith watch` runs: every
/// entry lands whole, the watcher follows each, readers find them through its index, and its
/// due note ends as a run from scratch writes it.
#[test]
fn logs_while_the_watcher_runs_land_and_are_followed() {
    let v = TestVault::new();
    let overdue = lines(&["---", "tier: A", "---", "## Log", "- 2026-09-02 call: old"]);
    v.file("People/Ada Lovelace.md", &overdue)
        .file("People/Bob Kahn.md", &overdue)
        .file("People/Cy Young.md", &overdue);
    let mut w = Watcher::start(&v);
    let due = common::column(&v.due()["check_ins"], "contact");
    assert_eq!(due, ["Ada Lovelace", "Bob Kahn", "Cy Young"]);
    for round in 0..5 {
        let word = format!("otter{round}");
        let children: Vec<Child> = ["ada", "ada", "bob"]
            .iter()
            .enumerate()
            .map(|(i, who)| spawn(&v, &["log", who, &format!("call: {word} {i}")], &[]))
            .collect();
        for (stdout, stderr, code) in children.into_iter().map(finish) {
            assert_eq!(code, Some(0), "{stdout}{stderr}");
            assert_said_nothing_wrong("kith log", &stderr);
        }
        assert_eq!(until_found(&v, &word, 3), 3, "{:#?}", w.seen);
        for i in 0..2 {
            let entry = format!("- 2026-11-23 call: {word} {i}\n");
            assert_eq!(v.read("People/Ada Lovelace.md").matches(&entry).count(), 1);
        }
    }
    w.expect("updated");
    let due = common::column(&v.due()["check_ins"], "contact");
    assert_eq!(due, ["Cy Young"]);
    let ada = v.read("People/Ada Lovelace.md");
    assert!(ada.starts_with(&overdue), "{ada}");
    assert_eq!(ada.lines().count(), 5 + 10, "{ada}");
    w.stop_fresh(&v);
}

/// An index rebuilt four times (`kith index --rebuild`) while searches run one after
/// another: every search answers in full (all 200 matches) with exit 0, and none shows a
/// lock error or a crash.
#[test]
fn searches_during_an_index_rebuild_all_answer() {
    let v = TestVault::new();
    for i in 0..200 {
        v.file(
            &format!("People/P{i}.md"),
            &format!(
                "## Log\n- 2026-10-{:02} call: talked about wombat {i}\n",
                i % 28 + 1
            ),
        );
    }
    for i in 0..1500 {
        v.file(
            &format!("Notes/2026-09-{:02} N{i}.md", i % 28 + 1),
            &format!("Met [[P{}]] about gears {i}.\n", i % 200),
        );
    }
    v.kith(&["index"]).ok();
    let (rebuilds, searches) = std::thread::scope(|scope| {
        let rebuilding = scope.spawn(|| {
            (0..4)
                .map(|_| {
                    let run = v.kith(&["index", "--rebuild"]);
                    (run.code, run.stderr)
                })
                .collect::<Vec<_>>()
        });
        let mut searches = Vec::new();
        while !rebuilding.is_finished() || searches.len() < 10 {
            let run = v.kith(&["search", "wombat", "--json", "--limit", "1"]);
            searches.push(run);
        }
        (rebuilding.join().expect("the rebuilds"), searches)
    });
    for (code, stderr) in rebuilds {
        assert_eq!(code, 0, "{stderr}");
        assert_said_nothing_wrong("kith index --rebuild", &stderr);
    }
    let mut said: Vec<&str> = searches.iter().map(|r| r.stderr.as_str()).collect();
    said.sort();
    said.dedup();
    eprintln!("DEBUG {} searches: {said:#?}", searches.len());
    for run in &searches {
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_said_nothing_wrong("kith search", &run.stderr);
        assert_eq!(run.json()["total"], 200, "{}", run.stderr);
    }
}

/// A watcher's stderr, written to a file.
struct Started {
    child: Child,
    stderr: PathBuf,
}

impl Started {
    fn said(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

/// Two `kith watch` started at the same instant, three times (the first with no index yet,
/// so that both bring it up to date before taking the vault): exactly one watches, the
/// other says that one is already running and exits 1, and neither shows a lock error.
#[test]
fn two_watchers_started_at_once_exactly_one_runs() {
    let v = TestVault::new();
    v.file(
        "People/Ada.md",
        &lines(&["---", "tier: A", "---", "- 2026-09-02 call"]),
    );
    for round in 0..3 {
        let both: Vec<Started> = (0..2)
            .map(|i| {
                let stderr = v.scratch().join(format!("watch-{round}-{i}.txt"));
                let mut cmd: Command = watch::command(&v);
                cmd.args(["--today", TODAY, "watch", "--debounce", "50"])
                    .stdout(Stdio::null())
                    .stderr(std::fs::File::create(&stderr).expect("a file"));
                Started {
                    child: cmd.spawn().expect("kith watch starts"),
                    stderr,
                }
            })
            .collect();
        let until = Instant::now() + PATIENCE;
        let mut both = both;
        let (loser, code) = loop {
            let ended = both
                .iter_mut()
                .enumerate()
                .find_map(|(i, s)| s.child.try_wait().expect("wait").map(|st| (i, st)));
            if let Some((i, status)) = ended {
                break (i, status.code());
            }
            assert!(
                Instant::now() < until,
                "neither watcher gave way:\n{}\n{}",
                both[0].said(),
                both[1].said()
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut winner = both.swap_remove(1 - loser);
        let lost = both.pop().expect("the other").said();
        assert_eq!(code, Some(1), "{lost}");
        assert!(
            lost.contains("kith: error: kith watch is already running for this vault"),
            "{lost}"
        );
        assert_said_nothing_wrong("the second kith watch", &lost);
        while !winner.said().contains("kith: watching") {
            assert!(
                Instant::now() < until && winner.child.try_wait().expect("wait").is_none(),
                "the first watcher never started:\n{}",
                winner.said()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let status = Command::new("kill")
            .args(["-INT", &winner.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let code = winner.child.wait().expect("wait").code();
        assert_eq!(code, Some(0), "{}", winner.said());
        assert_said_nothing_wrong("kith watch", &winner.said());
    }
}

// ---------------------------------------------------------------------------------------------
// kith against an editor
// ---------------------------------------------------------------------------------------------

/// Waits until the kith running as `child` has paused in its edit (see `test_pause` in
/// src/write.rs): true, or false once it has ended without pausing.
fn paused(pause: &Path, child: &mut Child) -> bool {
    let until = Instant::now() + PATIENCE;
    loop {
        if pause.join("paused").exists() {
            return true;
        }
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        assert!(Instant::now() < until, "kith never paused");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Lets the paused kith go on.
fn resume(pause: &Path) {
    std::fs::remove_file(pause.join("paused")).expect("resume");
}

/// Saves a note as an editor does: in place, or by renaming a new file over it.
fn editor_saves(v: &TestVault, rel: &str, text: &str, by_rename: bool) {
    if by_rename {
        let tmp = v.path(".editor-swap");
        std::fs::write(&tmp, text).expect("write");
        std::fs::rename(&tmp, v.path(rel)).expect("rename");
    } else {
        std::fs::write(v.path(rel), text).expect("write");
    }
}

/// An editor saves the note after kith read it and before kith replaces it. kith sees the
/// note changed, writes nothing over the save, reads the note again and adds its entry to
/// what the editor saved: both land, in place and by rename. (Debug builds only: the
/// pause that puts the save in that window every time is not in release builds.)
#[test]
#[cfg(debug_assertions)]
fn an_editor_saving_during_kiths_write_keeps_its_save_and_the_entry_lands_on_it() {
    for by_rename in [false, true] {
        let v = TestVault::new();
        let pause = v.scratch().join("pause");
        std::fs::create_dir(&pause).expect("mkdir");
        v.file("People/Ada.md", "## Log\n- 2026-10-01 call: a\n");
        let mut child = spawn(
            &v,
            &["log", "ada", "call: from kith"],
            &[("KITH_TEST_EDIT_PAUSE", &pause)],
        );
        assert!(paused(&pause, &mut child));
        let saved = "## Log\n- 2026-10-01 call: a\n- 2026-11-22 lunch: typed in the editor\n";
        editor_saves(&v, "People/Ada.md", saved, by_rename);
        resume(&pause);
        // Read again, the note as the editor saved it; this time nothing comes between.
        assert!(paused(&pause, &mut child));
        resume(&pause);
        let (stdout, stderr, code) = finish(child);
        assert_eq!(code, Some(0), "{stderr}");
        assert_said_nothing_wrong("kith log", &stderr);
        assert_eq!(stdout, "People/Ada.md:4\n");
        assert_eq!(
            v.read("People/Ada.md"),
            format!("{saved}- 2026-11-23 call: from kith\n")
        );
    }
}

/// An editor saves the note in the window of every one of kith's tries (five). kith gives
/// up and writes nothing for that note: exit 1, one line saying so, the note exactly as the
/// editor last saved it, no temporary file left.
#[test]
#[cfg(debug_assertions)]
fn an_editor_saving_on_every_try_makes_kith_write_nothing() {
    let v = TestVault::new();
    let pause = v.scratch().join("pause");
    std::fs::create_dir(&pause).expect("mkdir");
    v.file("People/Ada.md", "## Log\n- 2026-10-01 call: a\n");
    let mut child = spawn(
        &v,
        &["log", "ada", "call: from kith"],
        &[("KITH_TEST_EDIT_PAUSE", &pause)],
    );
    let mut saved = String::new();
    let mut tries = 0;
    while paused(&pause, &mut child) {
        tries += 1;
        saved = format!("## Log\n- 2026-10-01 call: a\n- 2026-11-22 save {tries}\n");
        editor_saves(&v, "People/Ada.md", &saved, tries % 2 == 0);
        resume(&pause);
    }
    assert_eq!(tries, 5, "kith tries five times");
    let (stdout, stderr, code) = finish(child);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_eq!(
        stderr,
        "kith: error: People/Ada.md changed while kith was writing it; nothing was written \
         (the next run tries again)\n"
    );
    assert_eq!(v.read("People/Ada.md"), saved);
    let names: Vec<String> = std::fs::read_dir(v.path("People"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["Ada.md"]);
}
