//! Crash safety: every writer killed with SIGKILL at random moments (seeded), then the vault
//! checked. Every file must hold its bytes from before the run or from a run that finished
//! (never half of one), no temporary file may be left in the vault, and the next run must
//! recover by itself: the index rebuilt or brought up to date, nothing lost, nothing done
//! twice.
//!
//! `KITH_CRASH_ROUNDS` sets the rounds per writer (default 6; `KITH_CRASH_SEED` the seed).

#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TODAY, copy_tree, kith_command};

/// A small seeded generator (xorshift64*): the same seed kills at the same moments.
struct Rng(u64);

impl Rng {
    fn from_env() -> Rng {
        let seed = std::env::var("KITH_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5eed_cafe_f00d_u64);
        Rng(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

fn rounds() -> usize {
    std::env::var("KITH_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6)
}

/// Every file under `root` (dot-files included) with its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("walk the vault");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).expect("under the root");
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            out.insert(rel.to_string_lossy().into_owned(), bytes);
        }
    }
    out
}

/// Asserts that each file of `now` holds the bytes it had `before` or `after` (the state a
/// finished run leaves), and that nothing else is there.
#[track_caller]
fn whole(
    now: &BTreeMap<String, Vec<u8>>,
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    for (path, bytes) in now {
        assert!(
            known(path, bytes, &[before, after]),
            "{what}: {path} is neither as before nor as after a finished run{}",
            if before.contains_key(path) || after.contains_key(path) {
                " (half written)"
            } else {
                " (a file no run leaves)"
            }
        );
    }
    for path in before.keys().filter(|p| after.contains_key(*p)) {
        assert!(now.contains_key(path), "{what}: {path} is gone");
    }
}

/// Whether `path` holds bytes one of `states` gives it. A kill between the two steps of a
/// replacement (link the finished file to `.NAME.kith-PID.tmp`, rename it over `NAME`) may
/// leave that name, holding all of the new bytes; the next run removes it, which the
/// recovery checks (a finished run leaves no such name).
fn known(path: &str, bytes: &[u8], states: &[&BTreeMap<String, Vec<u8>>]) -> bool {
    let target = kith_temporary_target(path);
    states.iter().any(|state| {
        state.get(path).is_some_and(|b| b == bytes)
            || target
                .as_ref()
                .is_some_and(|t| state.get(t).is_some_and(|b| b == bytes))
    })
}

/// The file a kith temporary name `DIR/.NAME.kith-PID.tmp` stands for: `DIR/NAME`.
fn kith_temporary_target(path: &str) -> Option<String> {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let (name, pid) = file
        .strip_prefix('.')?
        .strip_suffix(".tmp")?
        .rsplit_once(".kith-")?;
    pid.parse::<u32>().ok()?;
    Some(if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    })
}

/// A vault of some size, so that each writer runs long enough to be killed midway.
fn make_vault(root: &Path) {
    std::fs::create_dir_all(root.join("People")).expect("People");
    std::fs::create_dir_all(root.join("Meetings")).expect("Meetings");
    for i in 0..150 {
        let mut text = format!(
            "---\ntier: {}\nemail: p{i}@example.org\n---\n## Log\n",
            ["A", "B", "C"][i % 3]
        );
        for d in 1..=12 {
            text.push_str(&format!(
                "- 2026-{:02}-{:02} call: talked about topic {} and the engine #give\n",
                1 + d % 10,
                1 + (i + d) % 27,
                (i * d) % 40
            ));
        }
        text.push_str(&format!(
            "- [ ] Send item {i} 📅 2026-11-{:02}\n",
            20 + i % 9
        ));
        std::fs::write(root.join(format!("People/Person {i:03}.md")), text).expect("a contact");
    }
    for m in 0..60 {
        let text = format!(
            "# Meeting {m}\n\nWith [[Person {:03}]] and [[Person {:03}]] about rust and search.\n",
            m % 150,
            (m * 7) % 150
        );
        std::fs::write(
            root.join(format!("Meetings/2026-10-{:02} Meeting {m}.md", 1 + m % 28)),
            text,
        )
        .expect("a meeting");
    }
}

/// A vault folder and an index folder in `scratch`, the vault a copy of `template`.
struct Scene {
    root: PathBuf,
    scratch: PathBuf,
}

impl Scene {
    fn new(scratch: &Path, template: &Path, name: &str) -> Scene {
        let root = scratch.join(name);
        let _ = std::fs::remove_dir_all(&root);
        copy_tree(template, &root);
        let scratch = scratch.join(format!("{name}-scratch"));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).expect("scratch");
        Scene { root, scratch }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = kith_command(&self.scratch);
        cmd.arg("--vault")
            .arg(&self.root)
            .args(["--today", TODAY])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    /// Runs kith to the end; its stdout.
    fn run(&self, args: &[&str]) -> String {
        let out = self
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("kith runs");
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "kith {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts kith and kills it after `after`; whether it was still running then.
    fn kill_after(&self, args: &[&str], after: Duration) -> bool {
        let mut child = self.command(args).spawn().expect("kith starts");
        kill_child(&mut child, after)
    }
}

fn kill_child(child: &mut Child, after: Duration) -> bool {
    let until = Instant::now() + after;
    while Instant::now() < until {
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let running = child.try_wait().expect("wait").is_none();
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// How long a finished run of `args` takes here: kills are spread over it.
fn duration_of(scene: &Scene, args: &[&str]) -> Duration {
    let started = Instant::now();
    scene.run(args);
    started.elapsed()
}

/// What the due list and a search say: what must come out the same after a recovery (the
/// search's hits as `path:line`, sorted: scores may move with the index's segments).
fn outcome(scene: &Scene) -> (String, Vec<String>) {
    let found: serde_json::Value =
        serde_json::from_str(&scene.run(&["search", "engine", "--limit", "5000", "--json"]))
            .expect("search JSON");
    let mut hits: Vec<String> = found["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| format!("{}:{}", h["path"].as_str().unwrap_or(""), h["line"]))
        .collect();
    hits.sort();
    (scene.run(&["due", "--json"]), hits)
}

/// Asserts two outcomes are the same, showing the first difference.
#[track_caller]
fn same_outcome(now: &(String, Vec<String>), expected: &(String, Vec<String>), what: &str) {
    let first_diff = |a: &[&str], b: &[&str]| {
        a.iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .map(|i| format!("first difference at {i}: {:?} / {:?}", a[i], b[i]))
            .unwrap_or_else(|| format!("lengths {} / {}", a.len(), b.len()))
    };
    let due: (Vec<&str>, Vec<&str>) = (now.0.lines().collect(), expected.0.lines().collect());
    assert!(
        now.0 == expected.0,
        "{what}: the due list differs: {}",
        first_diff(&due.0, &due.1)
    );
    let hits: (Vec<&str>, Vec<&str>) = (
        now.1.iter().map(String::as_str).collect(),
        expected.1.iter().map(String::as_str).collect(),
    );
    assert!(
        now.1 == expected.1,
        "{what}: the search differs: {}",
        first_diff(&hits.0, &hits.1)
    );
}

/// Kills `args` at random moments over `rounds` runs, each on a fresh copy of `template`
/// (with `prepare` run first, unkilled), checks the vault after each kill with [`whole`], and
/// that `recover` then leaves the state a finished run leaves.
fn kill_rounds(
    name: &str,
    template: &Path,
    scratch: &Path,
    args: &[&str],
    prepare: &[&[&str]],
    recover: &[&str],
) {
    let mut rng = Rng::from_env();
    let clean = Scene::new(scratch, template, &format!("{name}-clean"));
    for p in prepare {
        clean.run(p);
    }
    let before = snapshot(&clean.root);
    let took = duration_of(&clean, args);
    let after = snapshot(&clean.root);
    let expected = outcome(&clean);
    let mut killed = 0;
    for round in 0..rounds() {
        let scene = Scene::new(scratch, template, name);
        for p in prepare {
            scene.run(p);
        }
        let at = Duration::from_micros(rng.below(took.as_micros() as u64 + 1));
        killed += usize::from(scene.kill_after(args, at));
        let now = snapshot(&scene.root);
        whole(
            &now,
            &before,
            &after,
            &format!("{name}, round {round}, killed after {at:?}"),
        );
        scene.run(recover);
        assert_eq!(
            snapshot(&scene.root),
            after,
            "{name}, round {round}: the next run did not recover"
        );
        same_outcome(
            &outcome(&scene),
            &expected,
            &format!("{name}, round {round}: after the recovery"),
        );
    }
    assert!(
        killed > 0,
        "{name}: no run was killed midway (each took {took:?})"
    );
}

fn template() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("template");
    make_vault(&root);
    (dir, root)
}

#[test]
fn a_killed_index_build_leaves_the_vault_alone_and_is_rebuilt() {
    let (dir, root) = template();
    kill_rounds(
        "index",
        &root,
        dir.path(),
        &["index", "--rebuild"],
        &[&["index"]],
        &["index"],
    );
}

#[test]
fn a_killed_due_write_leaves_the_old_note_or_the_new() {
    let (dir, root) = template();
    kill_rounds(
        "due",
        &root,
        dir.path(),
        &["due", "--write"],
        &[&["index"]],
        &["due", "--write"],
    );
}

#[test]
fn a_killed_import_leaves_whole_notes_and_the_next_finishes_it() {
    let (dir, root) = template();
    let mut cards = String::new();
    for i in 0..300 {
        cards.push_str(&format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported {i}\r\nEMAIL:i{i}@example.net\r\nNOTE:about the engine\r\nEND:VCARD\r\n"
        ));
    }
    let file = dir.path().join("cards.vcf");
    std::fs::write(&file, cards).expect("cards");
    let file = file.display().to_string();
    let args = ["import", "vcard", file.as_str()];
    kill_rounds("import", &root, dir.path(), &args, &[&["index"]], &args);
}

#[test]
fn a_killed_log_leaves_the_note_as_it_was_or_with_the_entry() {
    let (dir, root) = template();
    // `kith log` appends again when run again, so the recovery is an index update.
    let mut rng = Rng::from_env();
    let clean = Scene::new(dir.path(), &root, "log-clean");
    clean.run(&["index"]);
    let before = snapshot(&clean.root);
    let args = ["log", "person 077", "call: about the crash test"];
    let took = duration_of(&clean, &args);
    let after = snapshot(&clean.root);
    let mut killed = 0;
    for round in 0..rounds() {
        let scene = Scene::new(dir.path(), &root, "log");
        scene.run(&["index"]);
        let at = Duration::from_micros(rng.below(took.as_micros() as u64 + 1));
        killed += usize::from(scene.kill_after(&args, at));
        let now = snapshot(&scene.root);
        whole(&now, &before, &after, &format!("log, round {round}"));
        let found = scene.run(&["search", "crash", "--json"]);
        assert_eq!(
            found.contains("People/Person 077.md"),
            now == after,
            "log, round {round}: the index does not match the note"
        );
    }
    assert!(
        killed > 0,
        "log: no run was killed midway (each took {took:?})"
    );
}

/// A watcher with a tick in the due note, killed at a random moment while it carries the
/// tick out: the contact's note is as before or has the check-in, and the next run logs it
/// exactly once.
#[test]
fn a_killed_watcher_carrying_out_a_tick_logs_it_once() {
    let (dir, root) = template();
    let mut rng = Rng::from_env();
    let clean = Scene::new(dir.path(), &root, "tick-clean");
    clean.run(&["due", "--write"]);
    let due_path = clean.root.join("Due this week.md");
    let due = std::fs::read_to_string(&due_path).expect("the due note");
    let (at_line, link) = due
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            l.strip_prefix("- [ ] [[Person ")
                .map(|rest| (i, rest.to_string()))
        })
        .expect("a check-in to tick");
    let stem = format!("Person {}", &link[..3]);
    let ticked: String = due
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == at_line {
                l.replacen("- [ ] ", "- [x] ", 1)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let note = format!("People/{stem}.md");
    let before = snapshot(&clean.root);
    std::fs::write(&due_path, &ticked).expect("tick");
    clean.run(&["due", "--write"]);
    let after = snapshot(&clean.root);
    assert_ne!(before[&note], after[&note], "the tick logged nothing");
    let mut with_tick = before.clone();
    with_tick.insert("Due this week.md".into(), ticked.clone().into_bytes());
    let mut killed = 0;
    for round in 0..rounds() {
        let scene = Scene::new(dir.path(), &root, "tick");
        scene.run(&["due", "--write"]);
        let mut watcher = scene
            .command(&["watch", "--debounce", "20"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("kith watch starts");
        let stderr = watcher.stderr.take().expect("stderr");
        let mut lines_in = BufReader::new(stderr).lines();
        let ready = lines_in.find(|l| l.as_ref().is_ok_and(|l| l.contains("kith: watching")));
        assert!(ready.is_some(), "the watcher did not start");
        std::thread::spawn(move || lines_in.for_each(drop));
        std::fs::write(scene.root.join("Due this week.md"), &ticked).expect("tick");
        let at = Duration::from_micros(rng.below(400_000));
        killed += usize::from(kill_child(&mut watcher, at));
        let now = snapshot(&scene.root);
        let what = format!("tick, round {round}, killed after {at:?}");
        for (path, bytes) in &now {
            assert!(
                known(path, bytes, &[&before, &after, &with_tick]),
                "{what}: {path} is half written or unknown"
            );
        }
        scene.run(&["due", "--write"]);
        assert_eq!(
            snapshot(&scene.root),
            after,
            "{what}: the next run did not log the tick exactly once"
        );
    }
    assert!(killed > 0, "tick: the watcher was never killed");
}
