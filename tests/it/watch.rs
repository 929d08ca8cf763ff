//! Binary-level tests of `kith watch`: a watcher on a temporary vault,
//! changed the ways editors and sync tools change notes. Waits are bounded: each waits for
//! the watcher's line on stderr (it prints one per batch) and gives up after a few seconds.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{self, TODAY, TestVault, lines};

/// Longest wait for one line: generous for a loaded CI machine; a passing test waits for
/// the line only.
const PATIENCE: Duration = Duration::from_secs(10);

/// A running `kith watch`, its stderr read line by line.
pub(crate) struct Watcher {
    pub(crate) child: Child,
    lines: mpsc::Receiver<String>,
    pub(crate) seen: Vec<String>,
}

impl Watcher {
    pub(crate) fn start(v: &TestVault) -> Watcher {
        let mut cmd = command(v);
        cmd.args(["--today", TODAY, "watch", "--debounce", "50"]);
        Watcher::spawn(cmd)
    }

    /// [`Watcher::start`] with `-v`: a line for every batch, even one that changes nothing.
    fn verbose(v: &TestVault) -> Watcher {
        let mut cmd = command(v);
        cmd.args(["-v", "--today", TODAY, "watch", "--debounce", "50"]);
        Watcher::spawn(cmd)
    }

    /// A watcher reading the date from `clock` (a file), looking at it every `check` ms.
    fn with_clock(v: &TestVault, clock: &std::path::Path, check: &str) -> Watcher {
        let mut cmd = command(v);
        cmd.args([
            "watch",
            "--debounce",
            "50",
            "--date-check",
            check,
            "--clock-file",
        ])
        .arg(clock);
        Watcher::spawn(cmd)
    }

    pub(crate) fn spawn(mut cmd: Command) -> Watcher {
        let mut child = cmd
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("kith watch starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut w = Watcher {
            child,
            lines: rx,
            seen: Vec::new(),
        };
        w.expect("kith: watching");
        w
    }

    /// Waits for a line containing `text`; the line.
    pub(crate) fn expect(&mut self, text: &str) -> String {
        let until = Instant::now() + PATIENCE;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!("no line with {text:?}; seen: {:#?}", self.seen),
            }
        }
    }

    /// Asserts that no line comes within `quiet`.
    fn silent_for(&mut self, quiet: Duration) {
        if let Ok(line) = self.lines.recv_timeout(quiet) {
            panic!("unexpected line {line:?}; seen before: {:#?}", self.seen);
        }
    }

    pub(crate) fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Stops it with `signal` and returns its exit code.
    pub(crate) fn stop(mut self, signal: &str) -> Option<i32> {
        self.signal(signal);
        self.expect("kith: watch stopped");
        let until = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < until, "the watcher did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Watcher {
    /// Stops it (`SIGINT`, exit 0), having said nothing of a panic or a lock, and asserts that
    /// the due note it left is the one a run from scratch writes: `kith due --write` with an
    /// index of its own finds it as it is.
    pub(crate) fn stop_fresh(self, v: &TestVault) {
        assert!(
            !self
                .seen
                .iter()
                .any(|l| l.contains("panicked") || l.contains("lock")),
            "{:#?}",
            self.seen
        );
        assert_eq!(self.stop("-INT"), Some(0));
        let watched = due_note(v);
        let run = common::Run::from(
            assert_cmd::Command::from_std(command(v))
                .env("KITH_INDEX_DIR", v.scratch().join("fresh-index"))
                .args(["--today", TODAY, "due", "--write"]),
        )
        .ok();
        assert_eq!(
            due_note(v),
            watched,
            "the watcher's due note differs from one written from scratch\n{}",
            run.stderr
        );
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// kith with the test environment (as `common::kith_bin`, but spawnable).
pub(crate) fn command(v: &TestVault) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kith"));
    for var in [
        "KITH_VAULT",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "TERM",
        "CI",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("KITH_INDEX_DIR", v.scratch().join("index"))
        .env("XDG_CACHE_HOME", v.scratch().join("cache"))
        .current_dir(v.scratch())
        .arg("--vault")
        .arg(v.root());
    cmd
}

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        &log_note("A", "- 2026-01-02 coffee: Engines."),
    );
    v.file(
        "People/Bob Kahn.md",
        &lines(&["---", "tier: B", "---", "## Log"]),
    );
    v.dir(".obsidian");
    v
}

/// A contact's note of `tier` with one log entry.
fn log_note(tier: &str, entry: &str) -> String {
    lines(&["---", &format!("tier: {tier}"), "---", "## Log", entry])
}

/// Bob's note with one log entry (the word `packets`).
fn bob_with_packets() -> String {
    log_note("B", "- 2026-11-19 lunch: Packets.")
}

fn search_total(v: &TestVault, word: &str) -> u64 {
    let run = common::Run::from(
        common::kith_bin(v.scratch())
            .arg("--vault")
            .arg(v.root())
            .args(["--today", TODAY, "search", word, "--json"]),
    )
    .ok();
    run.json()["total"].as_u64().expect("total")
}

fn due_note(v: &TestVault) -> String {
    v.read("Due this week.md")
}

#[test]
fn a_tick_in_the_due_note_is_logged_and_the_note_written_anew_once() {
    let v = vault();
    v.file(
        "People/Bob Kahn.md",
        &lines(&[
            "---",
            "tier: B",
            "---",
            "## Log",
            "- [ ] Send the packets 📅 2026-11-24",
        ]),
    );
    let mut w = Watcher::start(&v);
    let note = due_note(&v);
    assert!(note.contains("- [ ] [[Ada Lovelace]]"), "{note}");
    // Ticked in the editor, and saved (as Obsidian does: the whole note written in place).
    let ticked = note
        .replace("- [ ] [[Ada Lovelace]]", "- [x] [[Ada Lovelace]]")
        .replace("- [ ] Send the packets", "- [x] Send the packets");
    v.file("Due this week.md", &ticked);
    // In the due note's order: promises first, then check-ins; then one batch for both notes.
    w.expect("closed the promise `Send the packets` (People/Bob Kahn.md:5)");
    w.expect("logged a check-in with Ada Lovelace (People/Ada Lovelace.md:6)");
    let line = w.expect(" after ");
    assert!(line.contains("wrote Due this week.md"), "{line}");
    let after = due_note(&v);
    assert!(!after.contains("[x]"), "{after}");
    assert!(!after.contains("Send the packets"), "{after}");
    assert!(
        v.read("People/Ada Lovelace.md")
            .ends_with("- 2026-01-02 coffee: Engines.\n- 2026-11-23 check-in\n")
    );
    // Its own writes (both notes) bring no other round.
    w.silent_for(Duration::from_millis(400));
    assert_eq!(
        v.read("People/Ada Lovelace.md").matches("check-in").count(),
        1
    );
    assert_eq!(w.stop("-INT"), Some(0));
}

#[test]
fn writes_the_due_note_and_follows_in_place_and_atomic_saves() {
    let v = vault();
    let mut w = Watcher::start(&v);
    assert!(due_note(&v).contains("Ada Lovelace"), "{}", due_note(&v));
    // In place.
    v.file(
        "People/Ada Lovelace.md",
        &log_note("A", "- 2026-11-20 call: Zeppelins."),
    );
    w.expect("updated 1");
    assert!(!due_note(&v).contains("Ada Lovelace"), "{}", due_note(&v));
    assert_eq!(search_total(&v, "zeppelins"), 1);
    // Atomic: a temporary file renamed over the note.
    std::fs::write(
        v.path("People/.Ada.tmp"),
        log_note("A", "- 2025-01-02 call: Balloons."),
    )
    .unwrap();
    std::fs::rename(v.path("People/.Ada.tmp"), v.path("People/Ada Lovelace.md")).unwrap();
    w.expect("updated 1");
    assert!(due_note(&v).contains("Ada Lovelace"), "{}", due_note(&v));
    assert_eq!(search_total(&v, "balloons"), 1);
    assert_eq!(search_total(&v, "zeppelins"), 0);
    // vim with backups: the note renamed away, a new one written, the backup deleted.
    std::fs::rename(v.path("People/Bob Kahn.md"), v.path("People/Bob Kahn.md~")).unwrap();
    v.file("People/Bob Kahn.md", &bob_with_packets());
    std::fs::remove_file(v.path("People/Bob Kahn.md~")).unwrap();
    w.expect("updated 1");
    assert_eq!(search_total(&v, "packets"), 1);
    // kith's own write of the due note brings no other round, and nothing happens idle.
    w.silent_for(Duration::from_millis(400));
    assert_eq!(w.stop("-INT"), Some(0));
    // The index is clean and complete for the next run.
    let after = common::Run::from(
        common::kith_bin(v.scratch())
            .arg("--vault")
            .arg(v.root())
            .args(["--today", TODAY, "index"]),
    )
    .ok();
    assert!(
        after
            .stdout
            .starts_with("added 0, updated 0, removed 0, moved 0"),
        "{}",
        after.stdout
    );
}

#[test]
fn each_batch_names_its_notes_and_the_problems_it_brought_or_took() {
    let v = vault();
    let mut w = Watcher::start(&v);
    v.file(
        "People/Bob Kahn.md",
        &lines(&["---", "tier: Z", "---", "## Log"]),
    );
    let line = w.expect("updated 1");
    assert!(line.starts_with("kith: People/Bob Kahn.md: "), "{line}");
    let line = w.expect("new problem: ");
    assert!(
        line.contains("People/Bob Kahn.md:2: warning: ") && line.contains("`Z`"),
        "{line}"
    );
    v.file("People/Bob Kahn.md", &bob_with_packets());
    w.expect("updated 1");
    let line = w.expect("problem gone: ");
    assert!(line.contains("People/Bob Kahn.md:2: warning: "), "{line}");
    // Many new notes at once (a folder moved in) name the first few and count the rest.
    let outside = v.scratch().join("Daily");
    std::fs::create_dir_all(&outside).unwrap();
    for day in 10..15 {
        std::fs::write(
            outside.join(format!("2026-11-{day}.md")),
            "Tea with [[Ada Lovelace]].\n",
        )
        .unwrap();
    }
    std::fs::rename(&outside, v.path("Daily")).unwrap();
    let line = w.expect("added 5");
    assert!(
        line.starts_with(
            "kith: Daily/2026-11-10.md, Daily/2026-11-11.md, Daily/2026-11-12.md and 2 more: "
        ),
        "{line}"
    );
    assert_eq!(w.stop("-INT"), Some(0));
}

#[test]
fn follows_new_folders_moves_deletes_and_bursts() {
    let v = vault();
    let outside = v.scratch().join("outside");
    std::fs::create_dir_all(outside.join("Trip")).unwrap();
    std::fs::write(
        outside.join("Trip/2026-11-02.md"),
        "Met [[Bob Kahn]] in Berlin.\n",
    )
    .unwrap();
    let mut w = Watcher::start(&v);
    // A new folder, and a note saved into it at once.
    std::fs::create_dir(v.path("Meetings")).unwrap();
    v.file(
        "Meetings/2026-11-21 Sync.md",
        "Sync with [[Ada Lovelace]] about gears.\n",
    );
    w.expect("added 1");
    assert_eq!(search_total(&v, "gears"), 1);
    // A whole folder moved in, then out.
    std::fs::rename(outside.join("Trip"), v.path("Trip")).unwrap();
    w.expect("added 1");
    assert_eq!(search_total(&v, "berlin"), 1);
    std::fs::rename(v.path("Trip"), outside.join("Trip")).unwrap();
    w.expect("removed 1");
    assert_eq!(search_total(&v, "berlin"), 0);
    // A folder whose name begins another's: removing `Trip` leaves `Trip-2` and `Tripod.md`.
    v.file(
        "Trip/a.md",
        "---\ndate: 2026-11-03\n---\nMet [[Bob Kahn]]: alpaca.\n",
    );
    v.file(
        "Trip-2/b.md",
        "---\ndate: 2026-11-03\n---\nMet [[Bob Kahn]]: alpaca.\n",
    );
    v.file(
        "Tripod.md",
        "---\ndate: 2026-11-03\n---\nMet [[Bob Kahn]]: alpaca.\n",
    );
    while search_total(&v, "alpaca") < 3 {
        w.expect("added ");
    }
    std::fs::remove_dir_all(v.path("Trip")).unwrap();
    w.expect("removed 1");
    assert_eq!(search_total(&v, "alpaca"), 2);
    // A note moved between folders, then deleted.
    std::fs::create_dir(v.path("Archive")).unwrap();
    std::fs::rename(
        v.path("Meetings/2026-11-21 Sync.md"),
        v.path("Archive/2026-11-21 Sync.md"),
    )
    .unwrap();
    w.expect("moved 1");
    std::fs::remove_file(v.path("Archive/2026-11-21 Sync.md")).unwrap();
    w.expect("removed 1");
    assert_eq!(search_total(&v, "gears"), 0);
    // A burst (a checkout, a sync): 200 notes at once are one batch, or a few, never 200.
    for i in 0..200 {
        v.file(
            &format!("Daily/2026-10-{:02}-{i}.md", i % 28 + 1),
            &format!("Walked with [[Ada Lovelace]], note {i} quokka.\n"),
        );
    }
    let mut added = 0;
    let mut batches = 0;
    while added < 200 {
        let line = w.expect("added ");
        batches += 1;
        let n: usize = line
            .split("added ")
            .nth(1)
            .and_then(|t| t.split(',').next())
            .and_then(|n| n.parse().ok())
            .expect("a count");
        added += n;
    }
    assert!(batches <= 5, "{batches} batches: {:#?}", w.seen);
    assert_eq!(search_total(&v, "quokka"), 200);
    // Changes in dot-folders and to files that are not notes do nothing.
    v.file(".obsidian/workspace.json", "{}");
    v.file("People/photo.png", "png");
    w.silent_for(Duration::from_millis(400));
}

#[test]
fn reading_the_vault_does_not_wake_the_watcher() {
    let v = vault();
    v.file("Meetings/2026-11-20 Sync.md", "With [[Ada Lovelace]].\n");
    let mut w = Watcher::verbose(&v);
    // Its own first due note coming back.
    w.expect("events, no note changed");
    // What a search tool, a backup or a sync client does: open and read every file.
    for entry in walkdir::WalkDir::new(v.root()) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            std::fs::read(entry.path()).expect("read");
        }
    }
    w.silent_for(Duration::from_millis(400));
    // A change that is no note's is still seen (and said, with -v): the watcher is awake.
    v.bytes("photo.png", b"\x89PNG");
    w.expect("events, no note changed");
    assert_eq!(w.stop("-INT"), Some(0));
}

#[test]
fn reloads_the_config_and_keeps_the_last_good_one() {
    let v = vault();
    let mut w = Watcher::start(&v);
    v.file("kith.toml", "due_note = \"Week.md\"\n");
    w.expect("kith.toml reloaded");
    w.expect("wrote Week.md");
    assert!(v.exists("Week.md"));
    // Searches go on, reading the index the watcher keeps with the new config.
    assert_eq!(search_total(&v, "engines"), 1);
    v.file("kith.toml", "due_note = [\n");
    let line = w.expect("keeping the last good config");
    assert!(line.contains("kith.toml"), "{line}");
    // Still watching, with the last good config.
    v.file("People/Bob Kahn.md", &bob_with_packets());
    w.expect("updated 1");
    assert_eq!(w.stop("-TERM"), Some(0));
}

#[test]
fn one_watcher_per_vault_and_readers_use_its_index() {
    let v = vault();
    let mut w = Watcher::start(&v);
    let second = command(&v)
        .args(["--today", TODAY, "watch"])
        .output()
        .expect("runs");
    assert_eq!(second.status.code(), Some(1));
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("already running"), "{said}");
    // A reader while the watcher runs reads its index without walking the vault: with the
    // watcher paused, a new note is not seen; once it runs again and handles the event, it is.
    w.signal("-STOP");
    v.file(
        "Daily/2026-11-22.md",
        "Tea with [[Bob Kahn]], talking wombats.\n",
    );
    assert_eq!(search_total(&v, "wombats"), 0);
    w.signal("-CONT");
    w.expect("added 1");
    assert_eq!(search_total(&v, "wombats"), 1);
    assert_eq!(w.stop("-INT"), Some(0));
    // Once it stops, readers check freshness themselves again.
    v.file(
        "Daily/2026-11-23.md",
        "More wombats with [[Ada Lovelace]].\n",
    );
    assert_eq!(search_total(&v, "wombats"), 2);
}

/// The searches a user would type, each with the exit code it should give.
const SEARCHES: &[(&[&str], i32)] = &[
    (&["search", "engines"], 0),
    (&["search", "engines OR packets", "--json"], 0),
    (
        &[
            "search",
            "engines OR packets",
            "--sort",
            "date",
            "--limit",
            "1",
        ],
        0,
    ),
    (&["search", "packets", "--since", "2026-11-01", "--json"], 0),
    (&["search", "date:>=2026-11-01", "--tag", "nothing"], 0),
    (&["search", "engines", "--contact", "ada"], 0),
    (&["search", "zebras"], 0),
    (&["search", "date:2026-02-30"], 2),
];

/// Each of [`SEARCHES`] run with `-v`: (stdout, stderr without kith's timing lines, code).
fn searches(v: &TestVault) -> Vec<(String, String, i32)> {
    SEARCHES
        .iter()
        .map(|(args, code)| {
            let run = v.kith(&[&["-v"], *args].concat()).code(*code);
            let stderr: Vec<&str> = run
                .stderr
                .lines()
                // The count or the error (what -v adds says how it was found).
                .filter(|l| l.contains("match") || l.contains("error:"))
                .collect();
            (run.stdout.clone(), stderr.join("\n"), run.code)
        })
        .collect()
}

#[test]
fn searches_while_watching_find_what_they_find_alone() {
    let v = vault();
    v.file("People/Bob Kahn.md", &bob_with_packets());
    let w = Watcher::start(&v);
    let watched = searches(&v);
    assert!(watched[0].0.contains("Engines"), "{watched:#?}");
    assert!(watched[1].0.contains("Packets"), "{watched:#?}");
    assert!(watched[7].1.contains("2026-02-30"), "{watched:#?}");
    assert_eq!(w.stop("-INT"), Some(0));
    // Without a watcher: the same output, from an index each search checks itself.
    assert_eq!(searches(&v), watched);
}

#[test]
#[cfg(unix)]
fn a_search_while_watching_into_a_closed_pipe_is_not_an_error() {
    let v = vault();
    let w = Watcher::start(&v);
    for args in [&["search", "engines"][..], &["search", "engines", "--json"]] {
        let mut cmd = command(&v);
        cmd.args(["--today", TODAY, "-v"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn kith");
        drop(child.stdout.take()); // `kith search engines | head -0`
        let out = child.wait_with_output().expect("wait for kith");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
    assert_eq!(w.stop("-INT"), Some(0));
}

#[test]
fn a_killed_watcher_leaves_nothing_the_next_run_cannot_use() {
    let v = vault();
    let w = Watcher::start(&v);
    w.signal("-KILL");
    drop(w);
    // Its locks died with it: readers check freshness and search themselves.
    assert_eq!(search_total(&v, "engines"), 1);
    let mut again = Watcher::start(&v);
    v.file(
        "Daily/2026-11-22.md",
        "Tea with [[Bob Kahn]] and ocelots.\n",
    );
    again.expect("added 1");
    assert_eq!(search_total(&v, "ocelots"), 1);
}

#[test]
fn rolls_over_to_a_new_day_and_a_new_week_untouched() {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        &lines(&["---", "birthday: 1990-12-01", "cadence: never", "---"]),
    );
    v.file(
        "People/Bob Kahn.md",
        &lines(&["---", "tier: A", "---", "- 2026-10-01 call: Packets."]),
    );
    let clock = v.scratch().join("clock");
    std::fs::write(&clock, "2026-11-28\n").unwrap();
    let mut w = Watcher::with_clock(&v, &clock, "20");
    let saturday = due_note(&v);
    assert!(saturday.contains("2026-W48"), "{saturday}");
    assert!(!saturday.contains("birthday"), "{saturday}");
    // Midnight, within the week: the same week seen from a new day.
    std::fs::write(&clock, "2026-11-29\n").unwrap();
    w.expect("it is 2026-11-29");
    let sunday = due_note(&v);
    assert!(sunday.contains("2026-W48"), "{sunday}");
    assert_ne!(sunday, saturday, "a day later, Bob is a day more overdue");
    // Midnight into Monday (the default week_start): the new week, with its birthday.
    std::fs::write(&clock, "2026-11-30\n").unwrap();
    w.expect("it is 2026-11-30");
    let monday = due_note(&v);
    assert!(monday.contains("2026-W49"), "{monday}");
    assert!(monday.contains("Ada Lovelace"), "{monday}");
    assert!(monday.contains("birthday"), "{monday}");
    // An unreadable clock changes nothing.
    std::fs::write(&clock, "not a date\n").unwrap();
    w.silent_for(Duration::from_millis(200));
    assert_eq!(due_note(&v), monday);
    assert_eq!(w.stop("-INT"), Some(0));
    // A laptop waking on a new day: the first event (here a file that is not a note) comes
    // before the date check, and still brings the new day's note.
    std::fs::write(&clock, "2026-11-30\n").unwrap();
    let mut w = Watcher::with_clock(&v, &clock, "60000");
    let monday = due_note(&v);
    std::fs::write(&clock, "2026-12-01\n").unwrap();
    v.file("People/photo.png", "png");
    w.expect(" after ");
    assert_ne!(due_note(&v), monday, "Bob is a day more overdue on Tuesday");
    assert_eq!(w.stop("-INT"), Some(0));
}

/// Lines until the watcher has been quiet for a while: none may write anything (kith's own
/// writes coming back change no note, and with `-v` say so), and they must stop.
fn settle(w: &mut Watcher) {
    let mut lines = 0;
    while let Ok(line) = w.lines.recv_timeout(Duration::from_millis(400)) {
        assert!(!line.contains("wrote"), "{line:?}; seen: {:#?}", w.seen);
        lines += 1;
        assert!(
            lines <= 12,
            "the watcher keeps waking itself: {:#?}",
            w.seen
        );
        w.seen.push(line);
    }
}

#[test]
fn keeps_the_calendar_of_export_ics_fresh_without_waking_itself() {
    let v = vault();
    v.file(
        "kith.toml",
        "[export]\nics = \"Calendar/kith.ics\"\nalarm = \"9h\"\n",
    );
    let clock = v.scratch().join("clock");
    std::fs::write(&clock, "2026-11-23\n").unwrap();
    let mut cmd = command(&v);
    cmd.args(["-v", "watch", "--debounce", "50", "--date-check", "20"])
        .arg("--clock-file")
        .arg(&clock);
    let mut w = Watcher::spawn(cmd);
    let started = w.seen.last().cloned().unwrap_or_default();
    assert!(started.contains("; wrote Calendar/kith.ics"), "{started}");
    let calendar = v.read("Calendar/kith.ics");
    assert!(
        calendar.contains("SUMMARY:Check in with Ada Lovelace\r\n"),
        "{calendar}"
    );
    assert!(calendar.contains("TRIGGER:PT9H\r\n"), "{calendar}");
    assert!(calendar.contains("DTSTAMP:20261123T000000Z"), "{calendar}");
    settle(&mut w);
    // A new day: a new DTSTAMP, so a new calendar.
    std::fs::write(&clock, "2026-11-24\n").unwrap();
    let line = w.expect("it is 2026-11-24");
    assert!(line.contains("; wrote Calendar/kith.ics"), "{line}");
    assert!(
        v.read("Calendar/kith.ics")
            .contains("DTSTAMP:20261124T000000Z")
    );
    settle(&mut w);
    // A conversation with Ada: her next check-in is six weeks on.
    v.file(
        "People/Ada Lovelace.md",
        &log_note("A", "- 2026-11-24 call: Engines again."),
    );
    let line = w.expect("updated 1");
    assert!(line.ends_with("; wrote Calendar/kith.ics"), "{line}");
    let calendar = v.read("Calendar/kith.ics");
    assert!(
        calendar.contains("DTSTART;VALUE=DATE:20270105"),
        "{calendar}"
    );
    settle(&mut w);
    // The calendar is what `kith export ics` prints for that day.
    let printed = common::Run::from(
        common::kith_bin(v.scratch())
            .arg("--vault")
            .arg(v.root())
            .args(["--today", "2026-11-24", "export", "ics"]),
    )
    .ok();
    assert_eq!(printed.stdout, calendar);
    assert_eq!(w.stop("-INT"), Some(0));
}

#[test]
fn never_writes_the_calendar_over_a_file_of_the_users() {
    let v = vault();
    v.file(
        "Mine.ics",
        "BEGIN:VCALENDAR\r\nPRODID:-//me//EN\r\nEND:VCALENDAR\r\n",
    );
    v.file("kith.toml", "[export]\nics = \"Mine.ics\"\n");
    let mut w = Watcher::start(&v);
    let started = w.seen.last().cloned().unwrap_or_default();
    assert!(
        started.contains("calendar not written: Mine.ics exists and is not a calendar"),
        "{started}"
    );
    // It carries on: the due note follows the next change, and the file stays as it was.
    v.file("People/Bob Kahn.md", &bob_with_packets());
    let line = w.expect("updated 1");
    assert!(line.contains("calendar not written"), "{line}");
    assert_eq!(
        v.read("Mine.ics"),
        "BEGIN:VCALENDAR\r\nPRODID:-//me//EN\r\nEND:VCALENDAR\r\n"
    );
    // Outside the vault, by an absolute path.
    let outside = v.scratch().join("Sync/kith.ics");
    v.file(
        "kith.toml",
        &format!("[export]\nics = {:?}\n", outside.to_str().expect("UTF-8")),
    );
    w.expect("kith.toml reloaded");
    let line = w.expect("wrote");
    assert!(line.contains("kith.ics"), "{line}");
    assert!(
        std::fs::read_to_string(&outside)
            .expect("the calendar")
            .starts_with("BEGIN:VCALENDAR\r\n")
    );
    assert_eq!(w.stop("-TERM"), Some(0));
}
