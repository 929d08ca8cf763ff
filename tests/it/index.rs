//! Binary-level tests of the index and of `kith search`, `kith who` and
//! `kith index`: what is found, freshness without `kith index`, damage, two
//! processes at once, and that the cache changes nothing `due` and `show` print.

use std::path::{Path, PathBuf};

use crate::common::{self, Run, TestVault, lines};
use serde_json::Value;

/// A small vault: log entries, a meeting note and a daily note that mention contacts (one by
/// alias), accented and CJK names, tags and dates.
fn vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        &lines(&[
            "---",
            "tier: A",
            "aliases: [Countess]",
            "company: Analytical Engines",
            "interests: [compilers, rust]",
            "tags: [person, math]",
            "---",
            "Met at the Berlin meetup. Loves difference engines.",
            "",
            "## Log",
            "- 2026-10-02 coffee: Talked about compilers and the Berlin offsite. #ask",
            "- 2026-06-01 call: Budget review for the engine project.",
        ]),
    );
    v.file(
        "People/Kurt Gödel.md",
        &lines(&[
            "---",
            "tier: B",
            "interests: [logic]",
            "---",
            "## Log",
            "- 2026-09-15 lunch: Incompleteness, again; he recommended a café in Wien.",
        ]),
    );
    v.file(
        "People/山田太郎.md",
        &lines(&[
            "---",
            "tier: C",
            "---",
            "## Log",
            "- 2026-08-20 meeting: 東京のオフィスで会った. Discussed robotics meetings.",
        ]),
    );
    v.file(
        "Meetings/2026-11-02 Planning.md",
        &lines(&[
            "# Planning",
            "",
            "- [[Countess]] proposed a zeppelin itinerary for the offsite.",
            "- Kurt was not there.",
        ]),
    );
    v.file(
        "Daily/2026-11-10.md",
        &lines(&["Walked with [[Kurt Gödel]] through the quantum garden. #give"]),
    );
    v.settle();
    v
}

fn search(v: &TestVault, args: &[&str]) -> Value {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.push("--json");
    v.kith(&all).ok().json()
}

/// The date of each hit.
fn hit_dates(result: &Value) -> Vec<String> {
    result["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["date"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// `(contact, path, line)` of each hit.
fn hits(result: &Value) -> Vec<(String, String, u64)> {
    result["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            (
                h["contact"].as_str().unwrap_or_default().to_string(),
                h["path"].as_str().unwrap_or_default().to_string(),
                h["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn hit(contact: &str, path: &str, line: u64) -> (String, String, u64) {
    (contact.to_string(), path.to_string(), line)
}

/// Every file below `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap_or(&p).to_path_buf())
        .collect();
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The index folder of the test vault (there is one vault per scratch folder).
fn index_dir(v: &TestVault) -> PathBuf {
    let base = v.scratch().join("index");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .expect("the index folder exists")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(dirs.len(), 1, "one index per vault: {dirs:?}");
    dirs.remove(0)
}

#[test]
fn search_finds_log_entries_with_the_spec_json() {
    let v = vault();
    let r = search(&v, &["berlin", "offsite"]);
    assert_eq!(r["query"], "berlin offsite");
    assert_eq!(r["total"], 1);
    let h = &r["hits"][0];
    assert_eq!(h["contact"], "Ada Lovelace");
    assert_eq!(h["path"], "People/Ada Lovelace.md");
    assert_eq!(h["line"], 11);
    assert_eq!(h["date"], "2026-10-02");
    assert_eq!(h["title"], "coffee");
    assert!(h["score"].as_f64().unwrap_or(0.0) > 0.0);
    let snippet = h["snippet"].as_str().unwrap_or_default();
    assert!(snippet.contains("Berlin offsite"), "{snippet}");
    // Highlights point at the matched words.
    let marked: Vec<&str> = h["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &snippet[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(marked, ["Berlin", "offsite"]);
    // Every term is required: the contact document's "Berlin meetup" is no interaction,
    // and no other entry has both words.
    assert_eq!(search(&v, &["berlin", "budget"])["total"], 0);
}

#[test]
fn mentions_in_meeting_and_daily_notes_are_interactions_of_the_linked_contacts() {
    let v = vault();
    // Linked by alias, from a meeting note dated by its stem.
    let r = search(&v, &["zeppelin"]);
    assert_eq!(
        hits(&r),
        [hit("Ada Lovelace", "Meetings/2026-11-02 Planning.md", 3)]
    );
    assert_eq!(r["hits"][0]["date"], "2026-11-02");
    // A daily note.
    let r = search(&v, &["quantum", "garden"]);
    assert_eq!(hits(&r), [hit("Kurt Gödel", "Daily/2026-11-10.md", 1)]);
    // The contact field holds names and aliases.
    let r = search(&v, &["contact:countess"]);
    assert_eq!(r["total"], 3);
}

#[test]
fn accented_and_cjk_words_and_english_stems_are_found() {
    let v = vault();
    for q in ["godel", "Gödel", "GÖDEL"] {
        let r = search(&v, &[&format!("contact:{q}")]);
        assert_eq!(r["total"], 2, "{q}");
    }
    assert_eq!(hits(&search(&v, &["cafe"]))[0].0, "Kurt Gödel");
    assert_eq!(hits(&search(&v, &["café"]))[0].0, "Kurt Gödel");
    // CJK: every character is a word, a query of several is a phrase.
    assert_eq!(hits(&search(&v, &["contact:山田"]))[0].0, "山田太郎");
    assert_eq!(hits(&search(&v, &["東京"]))[0].0, "山田太郎");
    assert_eq!(search(&v, &["京東"])["total"], 0);
    // Stems: "meeting" finds "meetings", "recommend" finds "recommended".
    assert_eq!(hits(&search(&v, &["meeting"]))[0].0, "山田太郎");
    assert_eq!(hits(&search(&v, &["recommend"]))[0].0, "Kurt Gödel");
}

#[test]
fn filters_by_contact_date_and_tag_as_flags_and_as_fields() {
    let v = vault();
    let all = search(&v, &["*", "--limit", "100"]);
    assert_eq!(all["total"], 6);
    // --contact takes a name, alias or unique prefix.
    for name in ["Ada Lovelace", "countess", "ada"] {
        let r = search(&v, &["*", "--contact", name]);
        assert_eq!(r["total"], 3, "{name}");
    }
    let r = search(&v, &["*", "--since", "2026-09-15", "--until", "2026-11-02"]);
    let dates = hit_dates(&r);
    assert_eq!(r["total"], 3, "{dates:?}");
    let r = search(&v, &["date:[2026-09-15 TO 2026-11-02]"]);
    assert_eq!(r["total"], 3);
    // A single date, alone or beside words.
    let r = search(&v, &["date:2026-10-02"]);
    assert_eq!(hit_dates(&r), ["2026-10-02"]);
    assert_eq!(search(&v, &["coffee", "date:2026-10-02"])["total"], 1);
    assert_eq!(search(&v, &["coffee", "date:2026-10-03"])["total"], 0);
    let r = search(&v, &["*", "--tag", "#ASK"]);
    assert_eq!(
        hits(&r),
        [hit("Ada Lovelace", "People/Ada Lovelace.md", 11)]
    );
    assert_eq!(
        search(&v, &["tag:give"])["hits"][0]["path"],
        "Daily/2026-11-10.md"
    );
    // --sort date: newest first.
    let r = search(&v, &["*", "--sort", "date", "--limit", "3"]);
    let dates = hit_dates(&r);
    assert_eq!(dates, ["2026-11-10", "2026-11-02", "2026-10-02"]);
    assert_eq!(r["total"], 6);
    // An unknown contact exits 1; an ambiguous prefix lists the candidates.
    let run = v.kith(&["search", "x", "--contact", "nobody"]).code(1);
    assert!(run.stderr.contains("no contact matches"), "{}", run.stderr);
}

#[test]
fn bad_queries_are_usage_errors_with_a_message() {
    let v = vault();
    for (q, says) in [
        ("\"berlin", "syntax"),
        ("(berlin", "syntax"),
        ("nosuchfield:x", "no field `nosuchfield`"),
        ("date:2026-02-30", "not a real date"),
        ("date:[0001-01-01 TO *]", "between 1678 and 2261"),
    ] {
        let run = v.kith(&["search", q]).code(2);
        assert!(run.stderr.contains(says), "{q}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let run = v.kith(&["search", "x", "--since", "2026-13-01"]).code(2);
    assert!(run.stderr.contains("not a real date"), "{}", run.stderr);
    let run = v
        .kith(&[
            "search",
            "x",
            "--since",
            "2026-05-01",
            "--until",
            "2026-04-01",
        ])
        .code(2);
    assert!(run.stderr.contains("after --until"), "{}", run.stderr);
    for args in [
        &["search", "x", "--limit", "0"][..],
        &["who", "x", "--limit", "0"],
    ] {
        let run = v.kith(args).code(2);
        assert!(run.stderr.contains("must be at least 1"), "{}", run.stderr);
        assert!(
            !run.stderr.contains("18446744073709551615"),
            "{}",
            run.stderr
        );
    }
    // A huge limit is fine.
    let r = search(&v, &["coffee", "--limit", "18446744073709551615"]);
    assert_eq!(r["total"], 1);
}

#[test]
fn the_index_follows_edits_deletes_and_renames_without_kith_index() {
    let v = vault();
    assert_eq!(search(&v, &["zeppelin"])["total"], 1);
    // An edit.
    v.file(
        "Meetings/2026-11-02 Planning.md",
        &lines(&[
            "# Planning",
            "",
            "- [[Countess]] proposed a hot-air balloon instead.",
        ]),
    );
    assert_eq!(search(&v, &["zeppelin"])["total"], 0);
    assert_eq!(search(&v, &["balloon"])["total"], 1);
    // A rename: the hits follow the new path.
    std::fs::rename(
        v.path("Meetings/2026-11-02 Planning.md"),
        v.path("Meetings/2026-11-02 Offsite planning.md"),
    )
    .unwrap();
    assert_eq!(
        hits(&search(&v, &["balloon"])),
        [hit(
            "Ada Lovelace",
            "Meetings/2026-11-02 Offsite planning.md",
            3
        )]
    );
    // A delete.
    std::fs::remove_file(v.path("Meetings/2026-11-02 Offsite planning.md")).unwrap();
    assert_eq!(search(&v, &["balloon"])["total"], 0);
    // A contact renamed: mentions of it elsewhere follow the new name.
    v.file(
        "People/Kurt Gödel.md",
        &lines(&["---", "name: Kurt Friedrich Gödel", "---", "## Log"]),
    );
    assert_eq!(
        search(&v, &["quantum"])["hits"][0]["contact"],
        "Kurt Friedrich Gödel"
    );
    assert_eq!(search(&v, &["incompleteness"])["total"], 0);
}

/// Sets the modification time of the note at `rel` to `at`.
fn set_mtime(v: &TestVault, rel: &str, at: std::time::SystemTime) {
    let file = std::fs::File::options()
        .write(true)
        .open(v.path(rel))
        .expect("open the note");
    file.set_modified(at).expect("set its time");
}

/// A note that changed between the model's read and the index's (here: a rewrite that kept
/// its size and time) gets documents that are not the model's. Those are written again by a
/// later run, even when the note then returns to the model's text and only its time moved.
#[test]
fn documents_made_from_a_newer_text_are_written_again() {
    let v = vault();
    let note = "People/Racer.md";
    let first = "---\ntier: A\n---\n## Log\n- 2026-09-02 call: alpha\n";
    let second = first.replace("alpha", "gamma");
    // Written long ago, so that the time is trusted to tell a change.
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    v.file(note, first);
    set_mtime(&v, note, long_ago);
    v.due(); // the model (not the index) reads the first text
    v.file(note, &second);
    set_mtime(&v, note, long_ago);
    // The model is the first text; the index is made from the second, found on disk.
    assert_eq!(search(&v, &["gamma"])["total"], 1);
    // The first text back, at a new time: the model is unchanged, and so must the index be.
    v.file(note, first);
    assert_eq!(search(&v, &["alpha"])["total"], 1);
    assert_eq!(search(&v, &["gamma"])["total"], 0);
}

/// Two saves of one size within one step of the file system's clock leave the same time:
/// a note read just after it was written is read again by the next run. (A time a little
/// ahead of the clock stands for "just written" here, whatever the machine's speed.)
#[test]
fn a_second_save_with_the_same_size_and_time_is_seen() {
    let v = vault();
    let note = "People/Racer.md";
    let first = "---\ntier: A\n---\n## Log\n- 2026-09-02 call: alpha\n";
    v.file(note, first);
    let written = std::time::SystemTime::now() + std::time::Duration::from_secs(30);
    set_mtime(&v, note, written);
    assert_eq!(search(&v, &["alpha"])["total"], 1);
    v.file(note, &first.replace("alpha", "gamma"));
    set_mtime(&v, note, written);
    assert_eq!(search(&v, &["gamma"])["total"], 1);
    assert_eq!(search(&v, &["alpha"])["total"], 0);
    assert_eq!(v.show("racer")["last_contact"], "2026-09-02");
}

#[test]
fn kith_index_prints_what_changed() {
    let v = vault();
    let first = v.kith(&["index"]).ok();
    assert!(
        first
            .stdout
            .starts_with("added 5, updated 0, removed 0, moved 0"),
        "{}",
        first.stdout
    );
    let again = v.kith(&["index"]).ok();
    assert!(
        again.stdout.starts_with(
            "added 0, updated 0, removed 0, moved 0; 0 files read, 0 documents written"
        ),
        "{}",
        again.stdout
    );
    v.file("Daily/2026-11-11.md", "Tea with [[Ada Lovelace]].\n");
    v.file("Daily/2026-11-10.md", "Walked with [[Kurt Gödel]] again.\n");
    std::fs::rename(v.path("People/山田太郎.md"), v.path("People/Yamada.md")).unwrap();
    std::fs::remove_file(v.path("Meetings/2026-11-02 Planning.md")).unwrap();
    let run = v.kith(&["index"]).ok();
    assert!(
        run.stdout
            .starts_with("added 1, updated 1, removed 1, moved 1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("5 files in the index"),
        "{}",
        run.stdout
    );
    let rebuilt = v.kith(&["index", "--rebuild"]).ok();
    assert!(
        rebuilt.stdout.starts_with("rebuilt (asked to (--rebuild))"),
        "{}",
        rebuilt.stdout
    );
    assert_eq!(search(&v, &["tea"])["total"], 1);
}

#[test]
fn indexing_writes_nothing_into_the_vault() {
    let v = vault();
    let before = listing(v.root());
    let bytes: Vec<Vec<u8>> = before
        .iter()
        .map(|p| std::fs::read(v.root().join(p)).unwrap())
        .collect();
    v.kith(&["index"]).ok();
    search(&v, &["coffee"]);
    v.kith(&["who", "rust"]).ok();
    v.kith(&["due"]).ok();
    assert_eq!(listing(v.root()), before);
    let after: Vec<Vec<u8>> = before
        .iter()
        .map(|p| std::fs::read(v.root().join(p)).unwrap())
        .collect();
    assert_eq!(after, bytes);
    // An index folder inside the vault is refused.
    let mut cmd = v.bare();
    cmd.env("KITH_INDEX_DIR", v.path(".kith"));
    cmd.arg("--vault").arg(v.root()).args(["search", "coffee"]);
    let run = Run::from(&mut cmd).code(2);
    assert!(run.stderr.contains("inside the vault"), "{}", run.stderr);
    assert!(!v.exists(".kith"));
}

#[test]
fn a_relative_index_dir_is_taken_from_the_vault() {
    let v = vault();
    v.file("kith.toml", "index_dir = \"../elsewhere\"\n");
    v.dir("Daily/deep");
    // Run from a folder inside the vault: the index goes beside the vault all the same.
    let mut cmd = v.bare();
    cmd.current_dir(v.path("Daily/deep")).args([
        "--today",
        common::TODAY,
        "search",
        "zeppelin",
        "--json",
    ]);
    let run = Run::from(&mut cmd).ok();
    assert_eq!(run.json()["total"], 1, "{}", run.stderr);
    assert!(v.scratch().join("elsewhere/manifest.bin").exists());
}

/// Damages the index in some way, then checks that a search rebuilds it, says so once, and
/// finds what it should.
fn damaged(damage: impl Fn(&Path), says: &str) {
    let v = vault();
    assert_eq!(search(&v, &["zeppelin"])["total"], 1);
    damage(&index_dir(&v));
    let run = v.kith(&["search", "zeppelin", "--json"]).ok();
    assert_eq!(run.json()["total"], 1, "{}", run.stderr);
    let rebuilding: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("rebuilding"))
        .collect();
    assert_eq!(rebuilding.len(), 1, "{}", run.stderr);
    assert!(rebuilding[0].contains(says), "{}", run.stderr);
    // And it stays healthy.
    let again = v.kith(&["search", "zeppelin"]).ok();
    assert!(!again.stderr.contains("rebuilding"), "{}", again.stderr);
}

#[test]
fn garbage_in_the_index_files_is_detected_and_rebuilt() {
    damaged(
        |dir| {
            for f in walkdir(&dir.join("tantivy")) {
                let name = f.file_name().unwrap().to_string_lossy().to_string();
                if !name.starts_with('.') && name != "meta.json" {
                    std::fs::write(&f, b"garbage garbage garbage").unwrap();
                }
            }
        },
        "damaged",
    );
}

#[test]
fn a_half_written_index_is_rebuilt() {
    // As after `kill -9` between the commit and the manifest: the files disagree.
    damaged(
        |dir| std::fs::remove_file(dir.join("tantivy/meta.json")).unwrap(),
        "damaged",
    );
    damaged(
        |dir| std::fs::write(dir.join("manifest.bin"), b"\0\0\0").unwrap(),
        "manifest",
    );
    damaged(
        |dir| std::fs::remove_file(dir.join("manifest.bin")).unwrap(),
        "manifest is missing",
    );
}

#[test]
fn another_schema_version_is_rebuilt() {
    damaged(
        |dir| {
            // The schema version sits after the magic number and the format version.
            let path = dir.join("manifest.bin");
            let mut bytes = std::fs::read(&path).unwrap();
            bytes[12] = bytes[12].wrapping_add(1);
            std::fs::write(&path, bytes).unwrap();
        },
        "another version of kith",
    );
}

#[test]
fn two_processes_at_once_both_succeed() {
    let v = vault();
    v.kith(&["index"]).ok();
    v.file("Daily/2026-11-12.md", "Sketching with [[Ada Lovelace]].\n");
    // Two searches that both find the vault changed and race to update it.
    let spawn = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kith"));
        cmd.env("KITH_INDEX_DIR", v.scratch().join("index"))
            .arg("--vault")
            .arg(v.root())
            .args(["--today", common::TODAY, "search", "sketching", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["total"], 1);
    }
    // A search while another process holds the writer lock, with a change to index: it
    // waits a moment, then answers from what is there, without failing.
    let lock = std::fs::File::create(index_dir(&v).join("kith.lock")).unwrap();
    lock.lock().unwrap();
    v.file("Daily/2026-11-13.md", "Chess with [[Ada Lovelace]].\n");
    let run = v.kith(&["search", "sketching", "--json"]).ok();
    assert_eq!(run.json()["total"], 1);
    assert!(
        run.stderr.contains("another kith is updating"),
        "{}",
        run.stderr
    );
    // due reads the vault itself meanwhile, so it is fresh.
    let due = v.kith(&["show", "ada", "--json"]).ok().json();
    assert_eq!(due["last_contact"], "2026-11-13");
    drop(lock);
    assert_eq!(search(&v, &["chess"])["total"], 1);
}

#[test]
fn who_ranks_contacts_and_says_what_matched() {
    let v = vault();
    let r = v.kith(&["who", "rust", "--json"]).ok().json();
    assert_eq!(r["topic"], "rust");
    assert_eq!(r["contacts"][0]["contact"], "Ada Lovelace");
    assert_eq!(r["contacts"][0]["path"], "People/Ada Lovelace.md");
    assert_eq!(
        r["contacts"][0]["matched"],
        serde_json::json!(["interests"])
    );
    assert_eq!(r["contacts"].as_array().unwrap().len(), 1);
    // Conversations count too, and the contact's own note ranks first.
    let r = v.kith(&["who", "offsite", "--json"]).ok().json();
    let names: Vec<&str> = r["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contact"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ada Lovelace"]);
    assert_eq!(
        r["contacts"][0]["matched"],
        serde_json::json!(["conversations"])
    );
    let run = v.kith(&["who", "company:analytical"]).code(2);
    assert!(run.stderr.contains("no field `company`"), "{}", run.stderr);
    let r = v.kith(&["who", "analytical", "--json"]).ok().json();
    assert_eq!(
        r["contacts"][0]["matched"],
        serde_json::json!(["properties"])
    );
    let r = v.kith(&["who", "logic", "math", "--json"]).ok().json();
    assert!(r["contacts"].as_array().unwrap().is_empty());
    let text = v.kith(&["who", "logic"]).ok();
    assert!(text.stdout.starts_with("Kurt Gödel"), "{}", text.stdout);
}

#[test]
fn due_and_show_print_the_same_from_the_cache_as_from_the_notes() {
    let v = vault();
    let runs = |v: &TestVault| {
        (
            v.kith(&["due"]).ok().stdout,
            v.kith(&["due", "--json"]).ok().stdout,
            v.kith(&["show", "ada"]).ok().stdout,
            v.kith(&["show", "ada", "--json"]).ok().stdout,
            v.kith(&["check", "--json"]).stdout,
        )
    };
    let first = runs(&v); // builds the index
    let cached = runs(&v); // from the cache
    assert_eq!(first, cached);
    // With an index folder that cannot be made, kith reads the notes and says so.
    let blocker = v.scratch().join("blocker");
    std::fs::write(&blocker, "").unwrap();
    let mut cmd = v.bare();
    cmd.env("KITH_INDEX_DIR", &blocker)
        .arg("--vault")
        .arg(v.root())
        .args(["--today", common::TODAY, "due"]);
    let direct = Run::from(&mut cmd).ok();
    assert_eq!(direct.stdout, first.0);
    assert!(
        direct.stderr.contains("the index cannot be used"),
        "{}",
        direct.stderr
    );
    // A change shows at once.
    v.file("Daily/2026-11-20.md", "Dinner with [[Ada Lovelace]].\n");
    assert_eq!(v.show("ada")["last_contact"], "2026-11-20");
}

#[test]
fn due_show_and_check_never_build_the_search_index() {
    let v = vault();
    v.kith(&["due"]).ok();
    v.kith(&["show", "ada"]).ok();
    v.kith(&["check"]).ok();
    let dir = index_dir(&v);
    assert!(dir.join("manifest.bin").exists(), "the model is cached");
    assert!(!dir.join("tantivy").exists(), "no search index yet");
    // An edit the model takes in (due) while the index is not there: the first search
    // builds the index from the model as it is now.
    v.file(
        "Daily/2026-11-12.md",
        "Tea with [[Ada Lovelace]], talking wombats.\n",
    );
    assert_eq!(v.show("ada")["last_contact"], "2026-11-12");
    assert!(!dir.join("tantivy").exists());
    assert_eq!(search(&v, &["wombats"])["total"], 1);
    // Then due patches the model again, leaving the index behind; search catches up, writing
    // only the documents of the note that changed.
    v.file(
        "Daily/2026-11-12.md",
        "Tea with [[Ada Lovelace]], talking ocelots.\n",
    );
    v.settle();
    v.kith(&["due"]).ok();
    let run = v.kith(&["index"]).ok();
    assert!(
        run.stdout.contains("0 files read, 1 document written"),
        "{}",
        run.stdout
    );
    assert_eq!(search(&v, &["ocelots"])["total"], 1);
    assert_eq!(search(&v, &["wombats"])["total"], 0);
}

#[test]
fn the_generated_due_note_is_never_indexed() {
    let v = vault();
    v.kith(&["due", "--write"]).ok();
    assert!(v.exists("Due this week.md"));
    let run = v.kith(&["index"]).ok();
    assert!(
        run.stdout.starts_with("added 0, updated 0"),
        "{}",
        run.stdout
    );
    let r = search(&v, &["check", "--limit", "50"]);
    assert!(hits(&r).iter().all(|h| h.1 != "Due this week.md"), "{r}");
}

/// Everything a user sees of the model and the index, but scores (tantivy's term
/// statistics count deleted documents until segments merge).
fn outputs(v: &TestVault) -> Vec<Value> {
    fn unscored(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("score");
                map.values_mut().for_each(unscored);
            }
            Value::Array(items) => items.iter_mut().for_each(unscored),
            _ => {}
        }
    }
    [
        v.kith(&["due", "--json"]).ok().stdout,
        v.kith(&["show", "ada", "--json"]).ok().stdout,
        v.kith(&["show", "kurt", "--json"]).ok().stdout,
        v.kith(&["check", "--json"]).stdout,
        v.kith(&["search", "*", "--limit", "100", "--sort", "date", "--json"])
            .ok()
            .stdout,
        v.kith(&["who", "compilers", "--json"]).ok().stdout,
    ]
    .iter()
    .map(|out| {
        let mut json: Value = serde_json::from_str(out).expect("JSON");
        unscored(&mut json);
        json
    })
    .collect()
}

#[test]
fn only_changed_notes_are_read_and_the_result_is_a_rebuilds() {
    let v = vault();
    v.kith(&["index"]).ok();
    // Edits, a new note, a new contact no link names yet, a removed note: each read alone.
    let steps: [(&dyn Fn(), &str); 5] = [
        (
            &|| {
                v.file(
                    "People/Ada Lovelace.md",
                    &std::fs::read_to_string(v.path("People/Ada Lovelace.md")).unwrap().replace(
                        "## Log\n",
                        "## Log\n- 2026-11-21 call: Zeppelin budget, and a task. #give\n- [ ] send the deck 📅 2026-11-25\n",
                    ),
                );
            },
            "updated 1, removed 0, moved 0; 1 file read",
        ),
        (
            &|| {
                v.file("Daily/2026-11-10.md", "Walked with [[Countess]], then [[Kurt Gödel]].\n- [ ] ask [[Kurt Gödel]] about Wien\n");
            },
            "updated 1, removed 0, moved 0; 1 file read",
        ),
        (
            &|| {
                v.file(
                    "Daily/2026-11-12.md",
                    "Lunch with [[Kurt Gödel]] about compilers.\n",
                );
            },
            "added 1, updated 0, removed 0, moved 0; 1 file read",
        ),
        (
            &|| {
                v.file(
                    "People/Grace Hopper.md",
                    "---\ninterests: [compilers]\n---\n## Log\n- 2026-11-01 call: COBOL.\n",
                );
            },
            "added 1, updated 0, removed 0, moved 0; 1 file read",
        ),
        (
            &|| std::fs::remove_file(v.path("Meetings/2026-11-02 Planning.md")).unwrap(),
            "added 0, updated 0, removed 1, moved 0; 0 files read",
        ),
    ];
    for (change, says) in steps {
        change();
        v.settle();
        let run = v.kith(&["index"]).ok();
        assert!(run.stdout.contains(says), "{}", run.stdout);
        let patched = outputs(&v);
        v.kith(&["index", "--rebuild"]).ok();
        let whole = outputs(&v);
        for (a, b) in patched.iter().zip(&whole) {
            assert_eq!(a, b, "after {says}");
        }
    }
    // A new contact that a link already names changes other notes: every note is read.
    v.file("Daily/2026-11-13.md", "Met [[Alan Turing]].\n");
    v.kith(&["index"]).ok();
    v.file("People/Alan Turing.md", "## Log\n");
    v.settle();
    let run = v.kith(&["index"]).ok();
    assert!(run.stdout.contains("; 8 files read"), "{}", run.stdout);
    assert_eq!(v.show("alan")["last_contact"], "2026-11-13");
}

/// The index holds copies of private conversations: however permissive the umask, its
/// folder is the owner's alone (0700) and so is every file in it (0600), tantivy's included.
#[cfg(unix)]
#[test]
fn the_index_is_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt as _;
    let v = vault();
    for args in [&["search", "coffee"][..], &["due"], &["index", "--rebuild"]] {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg("umask 000; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_kith"))
            .arg("--vault")
            .arg(v.root())
            .args(["--today", common::TODAY])
            .args(args)
            .env("KITH_INDEX_DIR", v.scratch().join("index"))
            .env_remove("KITH_VAULT");
        let out = cmd.output().expect("kith runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let dir = index_dir(&v);
    let mut seen = 0;
    let folders = [dir.clone(), dir.join("tantivy")];
    for path in folders.into_iter().chain(walkdir(&dir)) {
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
        let wanted = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, wanted, "{} is {mode:o}", path.display());
        seen += 1;
    }
    assert!(seen > 8, "only {seen} entries in {}", dir.display());
}
