//! Binary-level tests of `kith`: each builds a vault in a temporary folder, runs the binary
//! with `--today` (never the real date) and checks its output against the documented behaviour, item by item
//! and in order.

use std::time::{Duration, SystemTime};

use crate::common::{Run, TODAY, TestVault, column, lines, pick, sample_vault, section};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// 1. The vault: discovery and skip rules
// ---------------------------------------------------------------------------------------

/// The paths of the contacts `kith due --json` lists as check-ins, run from `cwd` without
/// `--vault`, with an optional `KITH_VAULT`.
fn check_in_paths_from(
    v: &TestVault,
    cwd: &std::path::Path,
    env: Option<&std::path::Path>,
) -> Vec<String> {
    let mut cmd = v.bare();
    cmd.current_dir(cwd)
        .args(["--today", TODAY, "due", "--json"]);
    if let Some(vault) = env {
        cmd.env("KITH_VAULT", vault);
    }
    let due = Run::from(&mut cmd).ok().json();
    column(&due["check_ins"], "path")
}

#[test]
fn vault_from_flag_env_and_nearest_marked_ancestor() {
    // --vault, relative to the working folder.
    let v = TestVault::new();
    v.file("People/Ada.md", "");
    let run = Run::from(
        v.bare()
            .current_dir(v.scratch())
            .args(["--vault", "vault", "--today", TODAY, "due", "--json"]),
    );
    assert_eq!(
        column(&run.ok().json()["check_ins"], "path"),
        ["People/Ada.md"]
    );

    // $KITH_VAULT, from an unrelated folder.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        check_in_paths_from(&v, elsewhere.path(), Some(v.root())),
        ["People/Ada.md"]
    );

    // --vault wins over $KITH_VAULT.
    let other = TestVault::new();
    other.file("People/Bob.md", "");
    let mut cmd = v.bare();
    cmd.env("KITH_VAULT", other.root())
        .arg("--vault")
        .arg(v.root())
        .args(["--today", TODAY, "due", "--json"]);
    assert_eq!(
        column(&Run::from(&mut cmd).ok().json()["check_ins"], "path"),
        ["People/Ada.md"]
    );

    // The nearest ancestor holding kith.toml, from a subfolder.
    let t = TestVault::new();
    t.file("kith.toml", "")
        .file("People/Team/Ada.md", "")
        .dir("People/Team/Deep");
    assert_eq!(
        check_in_paths_from(&t, &t.path("People/Team/Deep"), None),
        ["People/Team/Ada.md"]
    );

    // The nearest ancestor holding .obsidian/, nearer than a kith.toml further up.
    let o = TestVault::new();
    o.file("kith.toml", "")
        .dir("Inner/.obsidian")
        .file("Inner/People/Bob.md", "")
        .dir("Inner/People/Sub");
    assert_eq!(
        check_in_paths_from(&o, &o.path("Inner/People/Sub"), None),
        ["People/Bob.md"]
    );

    // No marker anywhere, no --vault, no KITH_VAULT: no vault, and no guessing. Every
    // command but init says so, with the three ways to name one, and exits 2.
    let n = TestVault::new();
    n.file("People/Cy.md", "");
    for args in [
        &["due"][..],
        &["check"],
        &["search", "cy"],
        &["index"],
        &["show", "cy"],
    ] {
        let run = Run::from(n.bare().current_dir(n.root()).args(args)).code(2);
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
        assert!(
            run.stderr.starts_with("kith: error: no vault found: "),
            "{args:?}: {run:?}"
        );
        for way in ["--vault DIR", "KITH_VAULT", "kith init"] {
            assert!(run.stderr.contains(way), "{args:?}: {way}: {run:?}");
        }
    }
    assert!(
        !n.scratch().join("index").exists(),
        "nothing was indexed without a vault"
    );
    // A vault named, without contacts: it says how contacts are made.
    let e = TestVault::new();
    e.file("kith.toml", "[contacts]\nfolders = [\"Crew\"]\n")
        .file("Notes/Idea.md", "An idea.\n");
    for args in [&["due"][..], &["check"]] {
        let run = e.kith(args).ok();
        assert!(
            run.stderr.contains(
                "no contacts yet: to make one, put a note below Crew/, or tag it #person"
            ),
            "{args:?}: {run:?}"
        );
    }

    // A --vault that does not exist is a usage error.
    let run = Run::from(
        v.bare()
            .args(["--vault", "no-such-folder", "--today", TODAY, "due"]),
    );
    run.code(2);
}

#[test]
fn obsidian_template_folders_are_never_read() {
    let v = TestVault::new();
    let person = "---\ntags: [person]\n---\n## Log\n- {{date:YYYY-MM-DD}} met: \n";
    v.file(".obsidian/templates.json", "{\"folder\": \"Templates\"}")
        .file(
            ".obsidian/plugins/templater-obsidian/data.json",
            "{\"templates_folder\": \"/Meta/Templater/\", \"other\": 1}",
        )
        .file("Templates/Person.md", person)
        .file("Templates/Sub/Client.md", person)
        .file("Meta/Templater/Person.md", person)
        .file("Meta/Other/Ada.md", person)
        .file("Templates of mine/Bob.md", person);
    let due = v.due();
    let mut paths = column(&due["check_ins"], "path");
    paths.sort();
    assert_eq!(paths, ["Meta/Other/Ada.md", "Templates of mine/Bob.md"]);
    assert_eq!(due["health"]["contacts"], 2);
    // Unreadable settings name no folder: the notes are read as any other.
    v.file(".obsidian/templates.json", "{not json");
    v.file(".obsidian/plugins/templater-obsidian/data.json", "[]");
    assert_eq!(v.due()["health"]["contacts"], 5);
}

#[test]
fn skips_dot_folders_ignored_globs_other_files_links_and_the_due_note() {
    let v = TestVault::new();
    v.file("kith.toml", "ignore = [\"Templates/**\"]\n");
    v.file("People/Ada.md", "---\ntier: A\n---\n");
    let contact = "---\ntags: [person]\n---\n";
    let mention = "Saw [[Ada]] today.\n- [ ] Call [[Ada]] 📅 2026-11-24\n";
    // Dot folders: neither contacts nor mention sources.
    v.file(".obsidian/2026-11-20.md", mention)
        .file(".trash/2026-11-19.md", mention)
        .file(".git/2026-11-18.md", mention)
        .file(".trash/Trashed.md", contact)
        .file("People/.hidden/Ghost.md", contact)
        .file("Daily/.drafts/2026-11-17.md", mention);
    // Ignored by the config.
    v.file("Templates/Contact.md", contact)
        .file("Templates/Daily/2026-11-16.md", mention);
    // Not Markdown.
    v.file("People/Bob.txt", contact)
        .file("People/Cy.markdown", contact)
        .file("Daily/2026-11-15.txt", mention);
    // The due note: generated, dated, tagged and linking; still never input.
    v.file(
        "Due this week.md",
        &format!("---\ngenerated_by: kith\ndate: 2026-11-20\ntags: [person]\n---\n{mention}"),
    );
    // Symbolic links are never followed.
    #[cfg(unix)]
    {
        let outside = v.scratch().join("outside");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(outside.join("Eve.md"), contact).expect("write");
        std::fs::write(outside.join("2026-11-14.md"), mention).expect("write");
        v.dir("Daily");
        std::os::unix::fs::symlink(outside.join("Eve.md"), v.path("People/Eve.md")).expect("link");
        std::os::unix::fs::symlink(outside.join("2026-11-14.md"), v.path("Daily/2026-11-14.md"))
            .expect("link");
        std::os::unix::fs::symlink(&outside, v.path("People/Linked")).expect("link");
    }

    let due = v.due();
    assert_eq!(due["health"]["contacts"], 1, "{due:#}");
    assert_eq!(
        pick(&due["check_ins"], &["path", "reason", "last_contact"]),
        [json!(["People/Ada.md", "never", null])]
    );
    assert_eq!(due["promises"], json!([]));
    assert_eq!(due["health"]["never_contacted"], 1);
    let ada = v.show("Ada");
    assert_eq!(ada["interactions"], json!([]));
    assert_eq!(ada["open_tasks"], json!([]));
}

// ---------------------------------------------------------------------------------------
// 2. Configuration
// ---------------------------------------------------------------------------------------

#[test]
fn defaults_without_kith_toml() {
    let v = TestVault::new();
    v.file(
        "People/Ann.md",
        "---\ntier: A\nlast_contact: 2026-10-01\n---\n",
    )
    .file("People/Ben.md", "---\nlast_contact: 2026-08-01\n---\n")
    .file(
        "People/Cat.md",
        "---\ntier: C\nlast_contact: 2026-05-01\n---\n",
    );
    let due = v.due();
    assert_eq!(
        (&due["today"], &due["week_start"], &due["week_end"]),
        (
            &json!("2026-11-23"),
            &json!("2026-11-23"),
            &json!("2026-11-29")
        )
    );
    // Tier A (6w) first, then the default tier B (3mo), then C (6mo).
    assert_eq!(
        pick(
            &due["check_ins"],
            &["contact", "tier", "cadence", "next_due", "days_overdue"]
        ),
        [
            json!(["Ann", "A", "6w", "2026-11-12", 11]),
            json!(["Ben", "B", "3mo", "2026-11-01", 22]),
            json!(["Cat", "C", "6mo", "2026-11-01", 22]),
        ]
    );
    assert_eq!(due["health"]["problems"], 0);
    // The default due note.
    v.kith(&["due", "--write"]).ok();
    assert!(v.exists("Due this week.md"));
}

/// Asserts that stderr names the config file, a line and a key.
#[track_caller]
fn assert_config_error(run: &Run, line: usize, key: &str) {
    assert_eq!(run.code, 2, "exit code\nstderr:\n{}", run.stderr);
    let e = &run.stderr;
    assert!(e.contains("kith.toml"), "stderr names the file: {e}");
    assert!(
        e.contains(&format!("kith.toml:{line}:")) || e.contains(&format!("line {line}")),
        "stderr names line {line}: {e}"
    );
    assert!(e.contains(key), "stderr names the key `{key}`: {e}");
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
}

#[test]
fn invalid_config_is_a_usage_error_naming_file_line_and_key() {
    let table: &[(&str, usize, &str)] = &[
        (
            "due_note = \"Due.md\"\nweek_start = \"someday\"\n",
            2,
            "week_start",
        ),
        ("week_strat = \"monday\"\n", 1, "week_strat"),
        (
            "# tiers\n[tiers.A]\ncadence = \"often\"\n",
            3,
            "tiers.A.cadence",
        ),
        (
            "[tiers.A]\ncadence = \"6w\"\n[tiers.B]\ncadence = \"0w\"\n",
            4,
            "tiers.B.cadence",
        ),
        ("[exchange]\nstreak = \"three\"\n", 2, "streak"),
        ("default_tier = \"Z\"\n", 1, "default_tier"),
        ("[contacts]\nfolder = [\"People\"]\n", 2, "folder"),
        ("week_start = \n", 1, "week_start"),
        ("\n\ndue_note = \"../outside.md\"\n", 3, "due_note"),
    ];
    for (text, line, key) in table {
        let v = TestVault::new();
        v.file("kith.toml", text).file("People/Ada.md", "");
        for args in [&["due"][..], &["check"], &["show", "Ada"]] {
            let run = v.kith(args);
            assert_config_error(&run, *line, key);
        }
    }
    // A config that is not UTF-8 text: the file is named (there is no line or key).
    let v = TestVault::new();
    v.bytes("kith.toml", b"week_start = \"\xff\"\n");
    let run = v.kith(&["due"]).code(2);
    assert!(run.stderr.contains("kith.toml"), "{}", run.stderr);
}

#[test]
fn custom_tier_order_is_check_in_priority() {
    let v = TestVault::new();
    v.file(
        "kith.toml",
        &lines(&[
            "default_tier = \"wide\"",
            "[tiers.close]",
            "cadence = \"2w\"",
            "[tiers.wide]",
            "cadence = \"1y\"",
            "[tiers.inner]",
            "cadence = \"1w\"",
        ]),
    );
    // All never contacted: same reason, same next_due, so only the tier orders them.
    v.file("People/Aaron.md", "---\ntier: inner\n---\n")
        .file("People/Bea.md", "")
        .file("People/Cy.md", "---\ntier: close\n---\n");
    let due = v.due();
    assert_eq!(
        pick(&due["check_ins"], &["contact", "tier", "cadence"]),
        [
            json!(["Cy", "close", "2w"]),
            json!(["Bea", "wide", "1y"]),
            json!(["Aaron", "inner", "1w"]),
        ]
    );
}

#[test]
fn week_start_sets_the_week() {
    let table = [
        ("monday", "2026-11-23", "2026-11-29", true, false),
        ("sunday", "2026-11-22", "2026-11-28", false, true),
        ("Saturday", "2026-11-21", "2026-11-27", false, true),
        ("tuesday", "2026-11-17", "2026-11-23", false, true),
    ];
    for (day, start, end, due_on_29th, birthday_on_22nd) in table {
        let v = TestVault::new();
        v.file("kith.toml", &format!("week_start = \"{day}\"\n"));
        // next_due 2026-11-29 (a Sunday): in the week only when the week ends on or after it.
        v.file(
            "People/Sun.md",
            "---\ntier: A\nlast_contact: 2026-10-18\n---\n",
        );
        // A birthday on Sunday 2026-11-22.
        v.file(
            "People/Bday.md",
            "---\nbirthday: 1990-11-22\nlast_contact: 2026-11-01\n---\n",
        );
        let due = v.due();
        assert_eq!(
            (due["week_start"].as_str(), due["week_end"].as_str()),
            (Some(start), Some(end)),
            "week_start = {day}"
        );
        assert_eq!(
            column(&due["check_ins"], "contact") == ["Sun"],
            due_on_29th,
            "week_start = {day}: {due:#}"
        );
        assert_eq!(
            column(&due["celebrations"], "contact") == ["Bday"],
            birthday_on_22nd,
            "week_start = {day}: {due:#}"
        );
    }
    // The due note's ISO week for a Sunday week.
    let v = TestVault::new();
    v.file("kith.toml", "week_start = \"sunday\"\n");
    v.kith(&["due", "--write"]).ok();
    assert!(
        v.read("Due this week.md")
            .starts_with("---\ngenerated_by: kith\nweek: 2026-W48\n---\n")
    );
}

// ---------------------------------------------------------------------------------------
// 3. Contact notes
// ---------------------------------------------------------------------------------------

#[test]
fn contacts_by_folder_at_any_depth_and_by_tag_anywhere() {
    let v = TestVault::new();
    v.file("People/Ada.md", "")
        .file("People/Work/Clients/Bob.md", "# Bob\n")
        .file("Clients/Cy.md", "---\ntags: [Person]\n---\n")
        .file("Notes/Dee.md", "---\ntags: [\"#person\", friend]\n---\n")
        .file(
            "Notes/Eve.md",
            "---\ntags:\n  - colleague\n  - PERSON\n---\n",
        )
        // An inline tag in the body counts, as in Obsidian.
        .file("Notes/Gus.md", "Met at the meetup. #Person\n")
        // Not contacts: another tag, the tag only inside code or a comment, a folder that
        // merely starts with People, a note at the root.
        .file("Notes/Fay.md", "---\ntags: [friend]\n---\n")
        .file(
            "Notes/Jo.md",
            "Use `#person` or\n\n```\n#person\n```\n%% #person %%\n",
        )
        .file("Peoplex/Hal.md", "")
        .file("Ivy.md", "");
    let due = v.due();
    assert_eq!(due["health"]["contacts"], 6, "{due:#}");
    // All never contacted, tier B: ordered by name.
    assert_eq!(
        pick(&due["check_ins"], &["contact", "path", "reason"]),
        [
            json!(["Ada", "People/Ada.md", "never"]),
            json!(["Bob", "People/Work/Clients/Bob.md", "never"]),
            json!(["Cy", "Clients/Cy.md", "never"]),
            json!(["Dee", "Notes/Dee.md", "never"]),
            json!(["Eve", "Notes/Eve.md", "never"]),
            json!(["Gus", "Notes/Gus.md", "never"]),
        ]
    );
}

#[test]
fn name_property_else_stem_and_aliases_as_list_or_text() {
    let v = TestVault::new();
    v.file(
        "People/ada.md",
        "---\nname: Ada Lovelace\naliases: [Countess, Enchantress]\n---\n",
    )
    .file("People/Bob.md", "---\naliases: Bobby\n---\n")
    .file("People/Cy.md", "")
    // Front-matter may also end with `...`.
    .file("People/dot.md", "---\nname: Dot Com\n...\nBody.\n");
    let due = v.due();
    assert_eq!(
        column(&due["check_ins"], "contact"),
        ["Ada Lovelace", "Bob", "Cy", "Dot Com"]
    );
    assert_eq!(v.show("Countess")["contact"], "Ada Lovelace");
    assert_eq!(v.show("enchantress")["path"], "People/ada.md");
    assert_eq!(v.show("Bobby")["contact"], "Bob");

    // Links to an alias reach the contact.
    v.file(
        "Daily/2026-11-20.md",
        "Coffee with [[Countess]], then [[bobby]].\n",
    );
    let due = v.due();
    assert_eq!(column(&due["check_ins"], "contact"), ["Cy", "Dot Com"]);
    assert_eq!(v.show("Ada Lovelace")["last_contact"], "2026-11-20");
    assert_eq!(v.show("Bob")["last_contact"], "2026-11-20");
}

#[test]
fn cadence_grammar_and_month_end_clamp() {
    // (cadence, last contact, next due)
    let table = [
        ("6w", "2026-10-01", Some("2026-11-12")),
        ("2 months", "2026-10-01", Some("2026-12-01")),
        ("quarterly", "2026-10-01", Some("2027-01-01")),
        ("3mo", "2026-08-31", Some("2026-11-30")),
        ("1mo", "2026-01-31", Some("2026-02-28")),
        ("1 month", "2028-01-31", Some("2028-02-29")),
        ("6 months", "2026-03-31", Some("2026-09-30")),
        ("2m", "2026-12-31", Some("2027-02-28")),
        ("10d", "2026-11-01", Some("2026-11-11")),
        ("1 day", "2026-11-01", Some("2026-11-02")),
        ("2w", "2026-11-01", Some("2026-11-15")),
        ("1 Week", "2026-11-01", Some("2026-11-08")),
        ("3 WEEKS", "2026-11-01", Some("2026-11-22")),
        ("weekly", "2026-11-16", Some("2026-11-23")),
        ("biweekly", "2026-11-01", Some("2026-11-15")),
        ("fortnightly", "2026-11-01", Some("2026-11-15")),
        ("monthly", "2026-10-23", Some("2026-11-23")),
        ("1y", "2025-11-23", Some("2026-11-23")),
        ("1 year", "2024-02-29", Some("2025-02-28")),
        ("2 years", "2024-11-01", Some("2026-11-01")),
        ("yearly", "2025-12-01", Some("2026-12-01")),
        ("annually", "2025-11-01", Some("2026-11-01")),
        ("never", "2026-01-01", None),
        ("None", "2026-01-01", None),
    ];
    let v = TestVault::new();
    for (i, (cadence, last, _)) in table.iter().enumerate() {
        v.file(
            &format!("People/C{i:02}.md"),
            &format!("---\ncadence: \"{cadence}\"\nlast_contact: {last}\n---\n"),
        );
    }
    let due = v.due();
    for (i, (cadence, last, next)) in table.iter().enumerate() {
        let shown = v.show(&format!("C{i:02}"));
        assert_eq!(
            shown["next_due"],
            next.map_or(Value::Null, |d| json!(d)),
            "{last} + {cadence}"
        );
        assert_eq!(shown["last_contact"], json!(last));
    }
    // A cadence of `never` turns check-ins off, even though long overdue by any tier.
    let listed = column(&due["check_ins"], "contact");
    for (i, (cadence, _, next)) in table.iter().enumerate() {
        let expect = next.is_some_and(|d| d <= "2026-11-29");
        assert_eq!(
            listed.contains(&format!("C{i:02}")),
            expect,
            "{cadence}: {listed:?}"
        );
    }
    assert_eq!(due["health"]["problems"], 0, "every cadence is valid");
}

// ---------------------------------------------------------------------------------------
// 4. Interactions: the log and mentions
// ---------------------------------------------------------------------------------------

#[test]
fn interactions_from_headings_of_any_level_and_list_items_with_separators() {
    let v = TestVault::new();
    v.file(
        "People/Ada.md",
        &lines(&[
            "---",                                                // 1
            "tier: A",                                            // 2
            "---",                                                // 3
            "# 2026-01-05 Level one",                             // 4
            "Body of level one.",                                 // 5
            "",                                                   // 6
            "## Log",                                             // 7
            "",                                                   // 8
            "### 2026-03-01 coffee",                              // 9
            "Talked about compilers.",                            // 10
            "#### Details",                                       // 11
            "More.",                                              // 12
            "",                                                   // 13
            "###### 2026-03-02 tiny heading",                     // 14
            "tiny body",                                          // 15
            "",                                                   // 16
            "- 2026-04-01 lunch: Discussed the Engine.",          // 17
            "- 2026-04-02 - dash",                                // 18
            "- 2026-04-03 – en dash",                             // 19
            "- 2026-04-04 — em dash",                             // 20
            "- 2026-04-05 · middle dot",                          // 21
            "- 2026-04-06: colon",                                // 22
            "- 2026-04-07 | pipe",                                // 23
            "- 2026-04-08, comma",                                // 24
            "- [[2026-04-09]] daily link",                        // 25
            "- 2026-04-10",                                       // 26
            "- Notes from 2026-04-11 are not an interaction",     // 27
            "- 20260412 is not a date",                           // 28
            "  - 2026-04-13 nested item",                         // 29
            "",                                                   // 30
            "Paragraph 2026-04-14 is not an interaction either.", // 31
        ]),
    );
    let ada = v.show("Ada");
    assert_eq!(
        pick(&ada["interactions"], &["date", "title", "line"]),
        [
            json!(["2026-04-13", "nested item", 29]),
            json!(["2026-04-10", "", 26]),
            json!(["2026-04-09", "daily link", 25]),
            json!(["2026-04-08", "comma", 24]),
            json!(["2026-04-07", "pipe", 23]),
            json!(["2026-04-06", "colon", 22]),
            json!(["2026-04-05", "middle dot", 21]),
            json!(["2026-04-04", "em dash", 20]),
            json!(["2026-04-03", "en dash", 19]),
            json!(["2026-04-02", "dash", 18]),
            json!(["2026-04-01", "lunch", 17]),
            json!(["2026-03-02", "tiny heading", 14]),
            json!(["2026-03-01", "coffee", 9]),
            json!(["2026-01-05", "Level one", 4]),
        ]
    );
    let summaries = column(&ada["interactions"], "summary");
    assert_eq!(summaries[10], "Discussed the Engine.");
    assert_eq!(summaries[11], "tiny body");
    assert_eq!(summaries[12], "Talked about compilers.");
    assert_eq!(summaries[13], "Body of level one.");
    assert_eq!(ada["last_contact"], "2026-04-13");
}

#[test]
fn logs_newest_first_or_oldest_first_read_the_same() {
    let v = TestVault::new();
    v.file(
        "People/New.md",
        &lines(&[
            "---",
            "tier: A",
            "---",
            "## Log",
            "- 2026-11-01 call: latest",
            "- 2026-10-01 call: middle",
            "- 2026-09-01 call: oldest",
        ]),
    );
    v.file(
        "People/Old.md",
        &lines(&[
            "---",
            "tier: A",
            "---",
            "## Log",
            "### 2026-09-01 call",
            "oldest",
            "### 2026-10-01 call",
            "middle",
            "### 2026-11-01 call",
            "latest",
        ]),
    );
    for name in ["New", "Old"] {
        let c = v.show(name);
        assert_eq!(c["last_contact"], "2026-11-01", "{name}");
        assert_eq!(c["next_due"], "2026-12-13", "{name}");
        assert_eq!(
            column(&c["interactions"], "summary"),
            ["latest", "middle", "oldest"],
            "{name}: newest first"
        );
    }
    // A week later both are due on 2026-12-13, and the last interaction is the latest.
    let due = v.due_on("2026-12-14");
    assert_eq!(
        pick(
            &due["check_ins"],
            &[
                "contact",
                "last_contact",
                "next_due",
                "reason",
                "days_overdue"
            ]
        ),
        [
            json!(["New", "2026-11-01", "2026-12-13", "overdue", 1]),
            json!(["Old", "2026-11-01", "2026-12-13", "overdue", 1]),
        ]
    );
    for ci in due["check_ins"].as_array().expect("array") {
        assert_eq!(
            ci["last_interaction"],
            json!({"date": "2026-11-01", "title": "call", "summary": "latest"}),
            "{ci:#}"
        );
    }
}

#[test]
fn last_contact_is_the_later_of_property_and_log() {
    // (front-matter, log, last contact)
    let table = [
        (
            "last_contact: 2026-11-10",
            "- 2026-10-01 call",
            Some("2026-11-10"),
        ),
        (
            "last_contact: 2026-09-01",
            "- 2026-10-01 call",
            Some("2026-10-01"),
        ),
        ("last_contact: \"2026-10-05\"", "", Some("2026-10-05")),
        ("last_contact: 2026-10-06T10:30", "", Some("2026-10-06")),
        (
            "last_contact: 2026-10-01",
            "- 2026-11-25 lunch",
            Some("2026-10-01"),
        ),
        ("tier: B", "- 2026-11-25 lunch", None),
        ("tier: B", "- 2026-11-23 today's call", Some("2026-11-23")),
    ];
    let v = TestVault::new();
    for (i, (props, log, _)) in table.iter().enumerate() {
        v.file(
            &format!("People/P{i}.md"),
            &format!("---\n{props}\n---\n## Log\n{log}\n"),
        );
    }
    for (i, (props, log, last)) in table.iter().enumerate() {
        let c = v.show(&format!("P{i}"));
        assert_eq!(c["last_contact"], json!(last), "{props} / {log}");
    }
    assert_eq!(v.due()["health"]["problems"], 0);
}

#[test]
fn planned_interactions_are_listed_and_never_check_ins() {
    let v = TestVault::new();
    let overdue = "---\ntier: A\nlast_contact: 2026-01-01\n---\n## Log\n";
    v.file(
        "People/Pia.md",
        &format!("{overdue}- 2026-11-26 lunch: at noon\n"),
    )
    .file("People/Quinn.md", "## Log\n### 2026-11-25 call\nagenda\n")
    .file("People/Ray.md", &format!("{overdue}- 2026-11-26 dinner\n"))
    // Planned after the week: not listed, and still no check-in.
    .file("People/Sue.md", &format!("{overdue}- 2026-12-15 review\n"))
    // Planned through a mention in a dated meeting note.
    .file("People/Vic.md", overdue)
    .file("Meetings/2026-11-27 Workshop.md", "Run it with [[Vic]].\n")
    // No plans: a check-in.
    .file("People/Uma.md", overdue);
    let due = v.due();
    assert_eq!(
        pick(&due["planned"], &["contact", "path", "date", "title"]),
        [
            json!(["Quinn", "People/Quinn.md", "2026-11-25", "call"]),
            json!(["Pia", "People/Pia.md", "2026-11-26", "lunch"]),
            json!(["Ray", "People/Ray.md", "2026-11-26", "dinner"]),
            json!(["Vic", "People/Vic.md", "2026-11-27", "Workshop"]),
        ]
    );
    assert_eq!(column(&due["check_ins"], "contact"), ["Uma"]);
    // A planned interaction is not a contact made.
    assert_eq!(v.show("Pia")["last_contact"], "2026-01-01");
    assert_eq!(v.show("Quinn")["last_contact"], Value::Null);
}

#[test]
fn mentions_in_dated_notes_are_interactions() {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        "---\ntier: A\naliases: [Countess]\n---\n# Ada\nNotes.\n",
    );
    v.file(
        "People/Bob.md",
        "## Log\n- 2026-11-13 met [[Ada Lovelace]] at his place\n",
    );
    v.file("Topics/Engines.md", "# Engines\n");
    let mentions: &[(&str, &str)] = &[
        ("Daily/2026-11-01.md", "Met [[Ada Lovelace]].\n"),
        ("Daily/2026-11-02.md", "Lunch with [[Ada Lovelace|Ada]].\n"),
        ("Daily/2026-11-03.md", "See [[Ada Lovelace#Log]].\n"),
        (
            "Daily/2026-11-04.md",
            "Call with [[People/Ada Lovelace]].\n",
        ),
        ("Daily/2026-11-05.md", "Tea with the [[countess]].\n"),
        (
            "Daily/2026-11-06.md",
            "Wrote to [Ada](../People/Ada%20Lovelace.md).\n",
        ),
        (
            "Meetings/Board.md",
            "---\ndate: 2026-11-07\n---\n# Board\n\nWith [[ada lovelace]].\n",
        ),
        (
            "Meetings/2026-11-08 Team sync.md",
            "# Sync\n\n- [[Ada Lovelace]] presented\n",
        ),
        (
            "Notes/Reading.md",
            &lines(&[
                "# Reading",                          // 1
                "See [[Ada Lovelace]] (no date).",    // 2
                "## 2026-11-09 Conference",           // 3
                "",                                   // 4
                "Saw [[Ada Lovelace]] speak.",        // 5
                "### Details",                        // 6
                "Asked [[Ada Lovelace]] a question.", // 7
                "## Later",                           // 8
                "[[Ada Lovelace]] again, undated.",   // 9
            ]),
        ),
        (
            "Daily/2026-11-10.md",
            &lines(&[
                "Plans for [[Engines]].",                  // 1
                "",                                        // 2
                "Lunch with [[Ada Lovelace]].",            // 3
                "",                                        // 4
                "Later emailed [[Ada Lovelace|her]] too.", // 5
            ]),
        ),
        (
            "Daily/2026-11-11.md",
            &lines(&[
                "Morning: [[Ada Lovelace]].", // 1
                "## 2026-11-12 Follow-up",    // 2
                "Called [[Ada Lovelace]].",   // 3
            ]),
        ),
        (
            "Notes/Reference.md",
            "Read about [[Ada Lovelace]] and [[Countess]].\n",
        ),
    ];
    for (path, text) in mentions {
        v.file(path, text);
    }
    let ada = v.show("Ada Lovelace");
    assert_eq!(
        pick(&ada["interactions"], &["date", "path", "line", "title"]),
        [
            json!(["2026-11-12", "Daily/2026-11-11.md", 3, "Follow-up"]),
            json!(["2026-11-11", "Daily/2026-11-11.md", 1, ""]),
            json!(["2026-11-10", "Daily/2026-11-10.md", 3, ""]),
            json!(["2026-11-09", "Notes/Reading.md", 5, "Conference"]),
            json!([
                "2026-11-08",
                "Meetings/2026-11-08 Team sync.md",
                3,
                "Team sync"
            ]),
            json!(["2026-11-07", "Meetings/Board.md", 6, "Board"]),
            json!(["2026-11-06", "Daily/2026-11-06.md", 1, ""]),
            json!(["2026-11-05", "Daily/2026-11-05.md", 1, ""]),
            json!(["2026-11-04", "Daily/2026-11-04.md", 1, ""]),
            json!(["2026-11-03", "Daily/2026-11-03.md", 1, ""]),
            json!(["2026-11-02", "Daily/2026-11-02.md", 1, ""]),
            json!(["2026-11-01", "Daily/2026-11-01.md", 1, ""]),
        ],
        "{ada:#}"
    );
    assert_eq!(ada["last_contact"], "2026-11-12");
    // Bob's own log links Ada: an interaction with Bob, not a mention of Ada.
    assert_eq!(v.show("Bob")["interactions"][0]["date"], "2026-11-13");
    // The body of a mention is the blocks linking the contact, the first one first.
    let summary = ada["interactions"][2]["summary"].as_str().expect("summary");
    assert!(summary.contains("Lunch with"), "{summary}");
}

// ---------------------------------------------------------------------------------------
// 5. Tasks: promises
// ---------------------------------------------------------------------------------------

#[test]
fn tasks_markers_due_dates_owners_and_promise_order() {
    let v = TestVault::new();
    v.file(
        "People/Ada.md",
        &lines(&[
            "---",                                          // 1
            "tier: C",                                      // 2
            "last_contact: 2026-11-01",                     // 3
            "---",                                          // 4
            "## Tasks",                                     // 5
            "- [ ] dash task 📅 2026-11-20",                // 6
            "* [ ] star task [due:: 2026-11-24]",           // 7
            "+ [ ] plus task (due:: 2026-11-25)",           // 8
            "",                                             // 9
            "1. [ ] numbered task due:: 2026-11-26",        // 10
            "",                                             // 11
            "- [/] in progress task 📅 2026-11-27 ^abc123", // 12
            "- [x] done task 📅 2026-11-21",                // 13
            "- [X] done upper task 📅 2026-11-21",          // 14
            "- [-] cancelled task 📅 2026-11-21",           // 15
            "- [ ] today task 📅 2026-11-23",               // 16
            "- [ ] no due task",                            // 17
            "- [ ] later task 📅 2026-12-15",               // 18
            "- [ ] week end task 📅 2026-11-29",            // 19
            "- [ ] second star task [due:: 2026-11-24]",    // 20
            "- [ ] Introduce [[Bob]] to Cy 📅 2026-11-28",  // 21
        ]),
    );
    v.file(
        "People/Bob.md",
        "---\nlast_contact: 2026-11-01\n---\n- [ ] bob task 📅 2026-11-24\n",
    );
    v.file("Topics/Rust notes.md", "# Rust\n");
    v.file(
        "Projects/Plan.md",
        &lines(&[
            "# Plan",                                                // 1
            "",                                                      // 2
            "- [ ] Send [[Ada]] and [[Bob]] the deck 📅 2026-11-24", // 3
            "- [ ] Ask [[Bob]] about pricing 📅 2026-11-20",         // 4
            "- [ ] Unlinked task 📅 2026-11-20",                     // 5
            "- [ ] Mail [[Nobody]] 📅 2026-11-20",                   // 6
            "- [ ] Read [[Rust notes]] with [[Bob]] 📅 2026-11-25",  // 7
            "- [x] Closed for [[Ada]] 📅 2026-11-20",                // 8
        ]),
    );
    let due = v.due();
    assert_eq!(
        pick(
            &due["promises"],
            &["contact", "path", "line", "due", "overdue"]
        ),
        [
            json!(["Ada", "People/Ada.md", 6, "2026-11-20", true]),
            json!(["Bob", "Projects/Plan.md", 4, "2026-11-20", true]),
            json!(["Ada", "People/Ada.md", 16, "2026-11-23", false]),
            json!(["Ada", "Projects/Plan.md", 3, "2026-11-24", false]),
            json!(["Ada", "People/Ada.md", 7, "2026-11-24", false]),
            json!(["Ada", "People/Ada.md", 20, "2026-11-24", false]),
            json!(["Bob", "People/Bob.md", 4, "2026-11-24", false]),
            json!(["Ada", "People/Ada.md", 8, "2026-11-25", false]),
            json!(["Bob", "Projects/Plan.md", 7, "2026-11-25", false]),
            json!(["Ada", "People/Ada.md", 10, "2026-11-26", false]),
            json!(["Ada", "People/Ada.md", 12, "2026-11-27", false]),
            json!(["Ada", "People/Ada.md", 21, "2026-11-28", false]),
            json!(["Ada", "People/Ada.md", 19, "2026-11-29", false]),
        ],
        "{due:#}"
    );
    // The text as shown: no checkbox, no date markers, no block id.
    let texts: Vec<(i64, String)> = due["promises"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|p| p["path"] == "People/Ada.md")
        .map(|p| {
            (
                p["line"].as_i64().unwrap_or(0),
                p["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want = [
        (6, "dash task"),
        (16, "today task"),
        (7, "star task"),
        (20, "second star task"),
        (8, "plus task"),
        (10, "numbered task"),
        (12, "in progress task"),
        (19, "week end task"),
    ];
    for (line, text) in want {
        assert!(
            texts.contains(&(line, text.to_string())),
            "line {line}: {texts:?}"
        );
    }
    // Open tasks of Ada, wherever written: 11 in her note, 1 in Plan.md.
    let ada = v.show("Ada");
    let open = ada["open_tasks"].as_array().expect("array");
    assert_eq!(open.len(), 12, "{ada:#}");
    let open_text: Vec<String> = open
        .iter()
        .map(|t| t.as_str().or(t["text"].as_str()).unwrap_or("").to_string())
        .collect();
    for text in ["no due task", "later task", "in progress task"] {
        assert!(open_text.iter().any(|t| t == text), "{text}: {open_text:?}");
    }
    for text in ["done task", "done upper task", "cancelled task"] {
        assert!(
            !open_text.iter().any(|t| t == text),
            "{text}: {open_text:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 6. The week: check-ins, celebrations, exchange, introductions, health
// ---------------------------------------------------------------------------------------

#[test]
fn check_ins_reasons_order_snooze_and_status() {
    let v = TestVault::new();
    let c = |name: &str, front: &str, body: &str| {
        v.file(
            &format!("People/{name}.md"),
            &format!("---\n{front}\n---\n{body}"),
        );
    };
    c(
        "Zed",
        "tier: A",
        "## Log\n- 2026-08-01 walk: old\n- 2026-09-01 coffee: Talked about compilers\n- [ ] Send notes\n- [x] Old task\n",
    );
    c("Amy", "tier: A", "");
    c("Max", "tier: A\nlast_contact: 2026-10-15", "");
    c("Ann", "tier: A\nlast_contact: 2026-10-01", "");
    c("Bea", "tier: B\nlast_contact: 2026-08-01", "");
    c("Cal", "tier: B\nlast_contact: 2026-08-25", "");
    c("Dee", "tier: B\nlast_contact: 2026-08-30", "");
    c("Eve", "snooze_until: 2026-12-01", "");
    c(
        "Fay",
        "last_contact: 2026-01-01\nsnooze_until: 2026-11-27",
        "",
    );
    c(
        "Gus",
        "last_contact: 2026-07-01\nsnooze_until: 2026-09-01",
        "",
    );
    c("Hal", "tier: A\nstatus: dormant", "");
    c(
        "Ivy",
        "tier: A\nstatus: archived\nlast_contact: 2025-01-01",
        "",
    );
    c("Kim", "tier: C", "");
    c("Joe", "tier: C", "");
    c("Never", "tier: A\ncadence: never", "");
    let due = v.due();
    assert_eq!(
        pick(
            &due["check_ins"],
            &[
                "contact",
                "path",
                "tier",
                "reason",
                "next_due",
                "days_overdue",
                "last_contact"
            ]
        ),
        [
            json!([
                "Zed",
                "People/Zed.md",
                "A",
                "overdue",
                "2026-10-13",
                41,
                "2026-09-01"
            ]),
            json!([
                "Ann",
                "People/Ann.md",
                "A",
                "overdue",
                "2026-11-12",
                11,
                "2026-10-01"
            ]),
            json!(["Amy", "People/Amy.md", "A", "never", "2026-11-23", 0, null]),
            json!([
                "Max",
                "People/Max.md",
                "A",
                "due",
                "2026-11-26",
                0,
                "2026-10-15"
            ]),
            json!([
                "Gus",
                "People/Gus.md",
                "B",
                "overdue",
                "2026-10-01",
                53,
                "2026-07-01"
            ]),
            json!([
                "Bea",
                "People/Bea.md",
                "B",
                "overdue",
                "2026-11-01",
                22,
                "2026-08-01"
            ]),
            json!([
                "Cal",
                "People/Cal.md",
                "B",
                "due",
                "2026-11-25",
                0,
                "2026-08-25"
            ]),
            json!([
                "Fay",
                "People/Fay.md",
                "B",
                "due",
                "2026-11-27",
                0,
                "2026-01-01"
            ]),
            json!(["Joe", "People/Joe.md", "C", "never", "2026-11-23", 0, null]),
            json!(["Kim", "People/Kim.md", "C", "never", "2026-11-23", 0, null]),
        ],
        "{due:#}"
    );
    let zed = &due["check_ins"][0];
    assert_eq!(zed["cadence"], "6w");
    assert_eq!(
        zed["last_interaction"],
        json!({"date": "2026-09-01", "title": "coffee", "summary": "Talked about compilers"})
    );
    assert_eq!(zed["open_tasks"], json!(["Send notes"]));
    let amy = &due["check_ins"][2];
    assert_eq!(amy["last_interaction"], Value::Null);
    assert_eq!(amy["open_tasks"], json!([]));
    // A last_contact property alone is no interaction.
    assert_eq!(due["check_ins"][1]["last_interaction"], Value::Null);
    // The snoozed contacts' next_due as `show` sees it.
    assert_eq!(v.show("Eve")["next_due"], "2026-12-01");
    assert_eq!(v.show("Hal")["status"], "dormant");
    assert_eq!(v.show("Ivy")["status"], "archived");
}

#[test]
fn last_interaction_summary_is_its_first_line_cut_to_160_characters() {
    let v = TestVault::new();
    let long = "word ".repeat(80);
    v.file(
        "People/Lou.md",
        &format!("---\ntier: A\n---\n## Log\n### 2026-09-01 workshop\n{long}\nSecond line.\n"),
    );
    let due = v.due();
    let summary = due["check_ins"][0]["last_interaction"]["summary"]
        .as_str()
        .expect("summary");
    assert!(
        summary.chars().count() <= 160,
        "{} chars: {summary}",
        summary.chars().count()
    );
    assert!(
        summary.starts_with("word word") && !summary.contains("Second"),
        "{summary}"
    );
    v.kith(&["due", "--write"]).ok();
    let note = v.read("Due this week.md");
    let line = note
        .lines()
        .find(|l| l.starts_with(char::is_whitespace) && l.contains("2026-09-01"))
        .expect("the last interaction line, indented under the check-in");
    let first_line = line
        .split_once(" — ")
        .map(|(_, t)| t)
        .expect("title — first line");
    assert!(first_line.chars().count() <= 160, "{line}");
    assert!(line.contains("workshop"), "{line}");
}

#[test]
fn celebrations_birthdays_and_milestones_in_the_week() {
    let v = TestVault::new();
    let c = |name: &str, front: &str| {
        v.file(
            &format!("People/{name}.md"),
            &format!("---\nlast_contact: 2026-11-01\n{front}\n---\n"),
        );
    };
    c("Ada", "birthday: 1986-11-26");
    c("Bob", "birthday: --11-24");
    c("Zoe", "birthday: \"--11-24\"");
    c("Cy", "birthday: 11-27");
    c(
        "Dee",
        "milestones: [\"2019-11-25 joined Stripe\", \"2020-01-01 other\"]",
    );
    c(
        "Eve",
        "birthday: 1990-11-24\nstatus: archived\nmilestones: [\"2010-11-24 founded it\"]",
    );
    c("Fay", "birthday: 1990-11-28\nstatus: dormant");
    c("Gus", "birthday: 1990-11-30");
    c("Hal", "birthday: \"1980-11-29\"");
    c("Ida", "birthday: 1990-11-22");
    let due = v.due();
    assert_eq!(
        pick(
            &due["celebrations"],
            &["contact", "path", "kind", "what", "date", "years"]
        ),
        [
            json!([
                "Bob",
                "People/Bob.md",
                "birthday",
                "birthday",
                "2026-11-24",
                null
            ]),
            json!([
                "Zoe",
                "People/Zoe.md",
                "birthday",
                "birthday",
                "2026-11-24",
                null
            ]),
            json!([
                "Dee",
                "People/Dee.md",
                "milestone",
                "joined Stripe",
                "2026-11-25",
                7
            ]),
            json!([
                "Ada",
                "People/Ada.md",
                "birthday",
                "birthday",
                "2026-11-26",
                40
            ]),
            json!([
                "Cy",
                "People/Cy.md",
                "birthday",
                "birthday",
                "2026-11-27",
                null
            ]),
            json!([
                "Fay",
                "People/Fay.md",
                "birthday",
                "birthday",
                "2026-11-28",
                36
            ]),
            json!([
                "Hal",
                "People/Hal.md",
                "birthday",
                "birthday",
                "2026-11-29",
                46
            ]),
        ],
        "{due:#}"
    );
    assert_eq!(due["health"]["problems"], 0);
}

#[test]
fn celebrations_on_29_february_and_across_the_new_year() {
    let v = TestVault::new();
    v.file(
        "People/Leap.md",
        "---\nbirthday: 1988-02-29\nlast_contact: 2027-02-01\n---\n",
    );
    // 2027 is not a leap year: celebrated on Sunday 28 February.
    let due = v.due_on("2027-02-24");
    assert_eq!(
        (&due["week_start"], &due["week_end"]),
        (&json!("2027-02-22"), &json!("2027-02-28"))
    );
    assert_eq!(
        pick(&due["celebrations"], &["contact", "date", "years"]),
        [json!(["Leap", "2027-02-28", 39])]
    );
    // 2028 is: on the day itself, and not also on the 28th.
    let due = v.due_on("2028-02-28");
    assert_eq!(
        pick(&due["celebrations"], &["contact", "date", "years"]),
        [json!(["Leap", "2028-02-29", 40])]
    );

    // The week from Monday 2026-12-28 to Sunday 2027-01-03.
    let y = TestVault::new();
    y.file(
        "People/Jan.md",
        "---\nbirthday: 1990-01-02\nlast_contact: 2026-12-01\n---\n",
    )
    .file(
        "People/Dec.md",
        "---\nbirthday: 1990-12-29\nlast_contact: 2026-12-01\n---\n",
    )
    .file(
        "People/Unk.md",
        "---\nbirthday: --01-03\nlast_contact: 2026-12-01\n---\n",
    );
    let due = y.due_on("2026-12-30");
    assert_eq!(
        (&due["week_start"], &due["week_end"]),
        (&json!("2026-12-28"), &json!("2027-01-03"))
    );
    assert_eq!(
        pick(&due["celebrations"], &["contact", "date", "years"]),
        [
            json!(["Dec", "2026-12-29", 36]),
            json!(["Jan", "2027-01-02", 37]),
            json!(["Unk", "2027-01-03", null]),
        ]
    );
    y.kith_on("2026-12-30", &["due", "--write"]).ok();
    assert!(y.read("Due this week.md").contains("\nweek: 2026-W53\n"));
}

#[test]
fn exchange_warnings_count_asks_since_the_last_give() {
    let v = TestVault::new();
    v.file(
        "People/Ann.md",
        &lines(&[
            "## Log",
            "- 2026-11-01 lunch: gave feedback #give",
            "- 2026-11-05 #ask intro to investors",
            "- 2026-11-10 call: asked for a review #ask",
            "",
            "### 2026-11-15 call",
            "Asked for a reference. #ask",
            "## Notes",
            "Later I gave her a book #gave",
        ]),
    );
    v.file(
        "People/Ben.md",
        &lines(&[
            "- 2026-11-01 call #ask",
            "- 2026-11-05 call #ask",
            "- 2026-11-10 call #gave",
            "- 2026-11-15 call #ask",
            "- 2026-11-18 call #ask",
        ]),
    );
    // Only interactions dated today or earlier count.
    v.file(
        "People/Cat.md",
        &lines(&[
            "- 2026-11-05 call #ask",
            "- 2026-11-10 call #ask",
            "- 2026-11-20 coffee",
            "- 2026-11-25 call #ask",
        ]),
    );
    // Untagged interactions do not break a streak.
    v.file(
        "People/Dan.md",
        &lines(&[
            "- 2026-09-01 call #give",
            "- 2026-10-01 call #ask",
            "- 2026-10-15 coffee",
            "- 2026-11-01 call #ask",
            "- 2026-11-10 call #ask",
            "- 2026-11-12 call #ask",
        ]),
    );
    // Dormant: no warning.
    v.file(
        "People/Eli.md",
        "---\nstatus: dormant\n---\n- 2026-11-01 a #ask\n- 2026-11-02 b #ask\n- 2026-11-03 c #ask\n",
    );
    // A mention tagged #ask counts too.
    v.file(
        "People/Fin.md",
        "- 2026-11-01 call #ask\n- 2026-11-05 call #ask\n",
    );
    v.file("Daily/2026-11-20.md", "- Asked [[Fin]] for a favour #ask\n");
    // A tag inside code is no tag.
    v.file(
        "People/Gil.md",
        "- 2026-11-01 call #ask\n- 2026-11-05 call #ask\n- 2026-11-12 call: asked #ask, wrote `#give`\n",
    );
    let due = v.due();
    let mut warnings = pick(
        &due["exchange_warnings"],
        &["contact", "path", "asks_in_a_row"],
    );
    warnings.sort_by_key(|w| w[0].as_str().unwrap_or("").to_string());
    assert_eq!(
        warnings,
        [
            json!(["Ann", "People/Ann.md", 3]),
            json!(["Dan", "People/Dan.md", 4]),
            json!(["Fin", "People/Fin.md", 3]),
            json!(["Gil", "People/Gil.md", 3]),
        ],
        "{due:#}"
    );
    // A longer streak in the config.
    v.file("kith.toml", "[exchange]\nstreak = 4\n");
    assert_eq!(
        pick(&v.due()["exchange_warnings"], &["contact", "asks_in_a_row"]),
        [json!(["Dan", 4])]
    );
    // Other tags in the config.
    v.file(
        "kith.toml",
        "[exchange]\nask_tags = [\"favour\"]\ngive_tags = [\"thanks\"]\nstreak = 1\n",
    );
    v.file(
        "People/Hu.md",
        "- 2026-11-01 call #thanks\n- 2026-11-05 call #favour\n",
    );
    assert_eq!(
        pick(&v.due()["exchange_warnings"], &["contact", "asks_in_a_row"]),
        [json!(["Hu", 1])]
    );
}

/// The introductions of a vault as (a, b, sorted lower-case shared topics).
fn intros(due: &Value) -> Vec<(String, String, Vec<String>)> {
    due["introductions"]
        .as_array()
        .expect("array")
        .iter()
        .map(|i| {
            let mut shared: Vec<String> = i["shared"]
                .as_array()
                .expect("array")
                .iter()
                .map(|s| s.as_str().unwrap_or("").to_lowercase())
                .collect();
            shared.sort();
            (
                i["a"].as_str().unwrap_or("").to_string(),
                i["b"].as_str().unwrap_or("").to_string(),
                shared,
            )
        })
        .collect()
}

#[test]
fn introductions_share_topics_do_not_link_and_are_ranked() {
    let v = TestVault::new();
    v.file(
        "People/Ada.md",
        "---\ntags: [person, rust, Compilers]\ninterests: [music]\n---\n",
    )
    .file(
        "People/Bob.md",
        "---\ntags: [person]\ninterests: [rust, compilers, music]\n---\n",
    )
    .file(
        "People/Cy.md",
        "---\ninterests: [Rust, COMPILERS]\n---\nMet [him](Bob.md) once.\n",
    )
    .file(
        "People/Dee.md",
        "---\ninterests: [rust, compilers, music]\n---\nKnows [[Ada]].\n",
    )
    .file(
        "People/Eve.md",
        "---\nstatus: dormant\ninterests: [rust, compilers, music]\n---\n",
    )
    .file("People/Fay.md", "---\ninterests: [person, rust]\n---\n")
    .file("People/Gus.md", "Likes #rust #compilers #music\n");
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let p = |a: &str, b: &str, shared: &[&str]| (a.to_string(), b.to_string(), s(shared));
    let due = v.due();
    // Dee links Ada, Cy links Bob (one way each): never suggested. Default max is 3.
    assert_eq!(
        intros(&due),
        [
            p("Ada", "Bob", &["compilers", "music", "rust"]),
            p("Bob", "Dee", &["compilers", "music", "rust"]),
            p("Ada", "Cy", &["compilers", "rust"]),
        ],
        "{due:#}"
    );
    v.file("kith.toml", "[introductions]\nmax = 10\n");
    assert_eq!(
        intros(&v.due()),
        [
            p("Ada", "Bob", &["compilers", "music", "rust"]),
            p("Bob", "Dee", &["compilers", "music", "rust"]),
            p("Ada", "Cy", &["compilers", "rust"]),
            p("Cy", "Dee", &["compilers", "rust"]),
        ]
    );
    v.file("kith.toml", "[introductions]\nmin_shared = 3\nmax = 10\n");
    assert_eq!(
        intros(&v.due()),
        [
            p("Ada", "Bob", &["compilers", "music", "rust"]),
            p("Bob", "Dee", &["compilers", "music", "rust"]),
        ]
    );
}

#[test]
fn vault_health_counts() {
    let v = TestVault::new();
    v.file(
        "kith.toml",
        "[tiers.A]\ncadence = \"6w\"\nmax = 2\n[tiers.B]\ncadence = \"3mo\"\n",
    );
    v.file("People/A1.md", "---\ntier: A\n---\n- 2026-11-01 call\n")
        .file(
            "People/A2.md",
            "---\ntier: A\nlast_contact: 2026-11-01\n---\n",
        )
        .file("People/A3.md", "---\ntier: A\n---\n")
        .file("People/A4.md", "---\ntier: A\nstatus: dormant\n---\n")
        .file("People/B1.md", "---\nstatus: archived\n---\n")
        .file("People/B2.md", "---\ntier: Z\n---\n")
        .file("People/B3.md", "---\nname: [broken\n---\n");
    let due = v.due();
    assert_eq!(
        due["health"],
        json!({
            "contacts": 7,
            "never_contacted": 3,
            "over_capacity": [{"tier": "A", "count": 3, "max": 2}],
            "problems": 2,
        }),
        "{due:#}"
    );
    let check = v.kith(&["check", "--json"]).code(1).json();
    assert_eq!(check["problems"].as_array().map(Vec::len), Some(2));
    // Exactly at the max is not over it.
    v.file(
        "kith.toml",
        "[tiers.A]\ncadence = \"6w\"\nmax = 3\n[tiers.B]\ncadence = \"3mo\"\n",
    );
    assert_eq!(v.due()["health"]["over_capacity"], json!([]));
}

// ---------------------------------------------------------------------------------------
// 6. The due note
// ---------------------------------------------------------------------------------------

/// A vault where every section of the due note has something in it.
fn full_week_vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "People/ada-l.md",
        "---\nname: Ada Lovelace\ntier: A\n---\n- [ ] Send the deck 📅 2026-11-24\n",
    )
    .file("People/Bob.md", "---\nlast_contact: 2026-11-01\n---\n- 2026-11-25 lunch\n")
    .file("People/Cy.md", "---\nlast_contact: 2026-11-01\nbirthday: 1990-11-26\n---\n")
    .file(
        "People/Dee.md",
        "---\nlast_contact: 2026-11-01\n---\n- 2026-10-01 a #ask\n- 2026-10-02 b #ask\n- 2026-10-03 c #ask\n",
    )
    .file("People/Eve.md", "---\nlast_contact: 2026-11-01\ninterests: [rust, music]\n---\n")
    .file("People/Fay.md", "---\nlast_contact: 2026-11-01\ninterests: [Rust, Music]\n---\n")
    // Two notes share the stem `Sam`; a contact shares `Max` with another note.
    .file("People/Work/Sam.md", "")
    .file("People/Home/Sam.md", "")
    .file("People/Max.md", "")
    .file("Projects/Max.md", "# Max, the project\n");
    v
}

#[test]
fn due_note_front_matter_sections_and_wikilinks() {
    let v = full_week_vault();
    let run = v.kith(&["due", "--write"]).ok();
    let note = v.read("Due this week.md");
    assert!(
        note.starts_with("---\ngenerated_by: kith\nweek: 2026-W48\n---\n"),
        "front-matter:\n{note}"
    );
    // Sections in their documented order.
    let headings = [
        "# Due this week",
        "## Promises",
        "## Check in",
        "## Planned",
        "## Celebrate",
        "## Give before you ask",
        "## Worth an introduction",
        "## Vault health",
    ];
    let found: Vec<&str> = note
        .lines()
        .filter(|l| l.starts_with("# ") || l.starts_with("## "))
        .collect();
    assert_eq!(found, headings, "{note}");
    let title = section(&note, "# Due this week").expect("title");
    assert!(
        title.contains("2026-11-23") && title.contains("2026-11-29"),
        "{title}"
    );

    let promises = section(&note, "## Promises").expect("promises");
    let promise = promises
        .lines()
        .find(|l| l.contains("Send the deck"))
        .expect("promise line");
    assert!(promise.starts_with("- [ ] "), "{promise}");
    assert!(
        promise.contains("[[ada-l|Ada Lovelace]]") && promise.contains("2026-11-24"),
        "{promise}"
    );

    let check_in = section(&note, "## Check in").expect("check in");
    let ada = check_in
        .lines()
        .find(|l| l.contains("[[ada-l|Ada Lovelace]]"))
        .expect("Ada's line");
    assert!(ada.starts_with("- [ ] ") && ada.contains("never"), "{ada}");
    // An open task under its check-in, indented.
    assert!(
        check_in
            .lines()
            .any(|l| l.starts_with(char::is_whitespace) && l.contains("Send the deck")),
        "{check_in}"
    );
    // Shared stems: the path from the root, without .md.
    for target in ["[[People/Work/Sam", "[[People/Home/Sam", "[[People/Max"] {
        assert!(check_in.contains(target), "{target} in\n{check_in}");
    }
    assert!(
        !check_in.contains("[[Sam") && !check_in.contains("[[Max"),
        "{check_in}"
    );

    assert!(
        section(&note, "## Planned")
            .expect("planned")
            .contains("[[Bob]]")
    );
    assert!(
        !note.contains("[[Bob|"),
        "a name equal to the stem is not repeated"
    );
    let celebrate = section(&note, "## Celebrate").expect("celebrate");
    assert!(
        celebrate.contains("[[Cy]]") && celebrate.contains("36"),
        "{celebrate}"
    );
    assert!(
        section(&note, "## Give before you ask")
            .expect("give")
            .contains("[[Dee]]")
    );
    let intro = section(&note, "## Worth an introduction").expect("intro");
    assert!(
        intro.contains("[[Eve]]") && intro.contains("[[Fay]]"),
        "{intro}"
    );
    assert!(
        intro.to_lowercase().contains("music") && intro.to_lowercase().contains("rust"),
        "{intro}"
    );
    assert!(
        section(&note, "## Vault health")
            .expect("health")
            .contains('9'),
        "{note}"
    );
    // No clock time anywhere (`HH:MM`); the list went to stdout as well.
    let clock = note.as_bytes().windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b':'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
    });
    assert!(!clock, "{note}");
    assert!(run.stdout.contains("Ada Lovelace"));
    // Empty sections are left out.
    let quiet = TestVault::new();
    quiet.file("People/Solo.md", "");
    quiet.kith(&["due", "--write"]).ok();
    let note = quiet.read("Due this week.md");
    for absent in [
        "## Promises",
        "## Planned",
        "## Celebrate",
        "## Give before you ask",
        "## Worth an introduction",
    ] {
        assert!(!note.contains(absent), "{absent} in\n{note}");
    }
    assert!(
        note.contains("## Check in") && note.contains("## Vault health"),
        "{note}"
    );
}

#[test]
fn due_note_is_written_only_when_it_changes() {
    let v = full_week_vault();
    v.kith(&["due", "--write"]).ok();
    let path = v.path("Due this week.md");
    let first = std::fs::read(&path).expect("read");
    // Age the file, so that a rewrite would show in its mtime.
    let old = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(old))
        .expect("set mtime");
    v.kith(&["due", "--write"]).ok();
    assert_eq!(std::fs::read(&path).expect("read"), first, "byte-identical");
    let mtime = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(mtime, old, "not rewritten");
    // A change in the vault does rewrite it.
    v.file("People/New.md", "");
    v.kith(&["due", "--write"]).ok();
    assert_ne!(std::fs::read(&path).expect("read"), first);
    assert_ne!(
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime"),
        old
    );
    // No temporary files left behind.
    let stray: Vec<String> = std::fs::read_dir(v.root())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "People" && n != "Projects" && n != "Due this week.md")
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn due_note_never_overwrites_a_user_file() {
    let table = [
        "My own notes\n",
        "",
        "---\ngenerated_by: me\n---\n# Due this week\n",
        "# Due this week\ngenerated_by: kith\n",
    ];
    for text in table {
        let v = full_week_vault();
        v.file("Due this week.md", text);
        let run = v.kith(&["due", "--write"]).code(1);
        assert!(
            run.stderr.contains("Due this week.md"),
            "stderr says which file: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("generated_by") || run.stderr.contains("not generated"),
            "stderr says why: {}",
            run.stderr
        );
        assert_eq!(v.read("Due this week.md"), text, "untouched");
    }
}

#[test]
fn due_note_path_comes_from_the_config() {
    let v = TestVault::new();
    v.file(
        "kith.toml",
        "due_note = \"Reports/Weekly.md\"\n[contacts]\nfolders = [\"People\", \"Reports\"]\n",
    );
    v.file("People/Ada.md", "");
    // With another due_note, a note called `Due this week.md` is the user's own.
    v.file("Due this week.md", "mine\n");
    v.kith(&["due", "--write"]).ok();
    assert!(
        v.read("Reports/Weekly.md")
            .starts_with("---\ngenerated_by: kith\n")
    );
    assert_eq!(v.read("Due this week.md"), "mine\n");
    // The written note lies in a contact folder but is never read as a contact.
    assert_eq!(v.due()["health"]["contacts"], 1);
    // A user file at the configured path is refused.
    v.file("Reports/Weekly.md", "mine too\n");
    v.kith(&["due", "--write"]).code(1);
    assert_eq!(v.read("Reports/Weekly.md"), "mine too\n");
}

// ---------------------------------------------------------------------------------------
// 10. The command line: output streams, colour, show, check, init
// ---------------------------------------------------------------------------------------

#[test]
fn due_prints_the_list_on_stdout_and_the_summary_on_stderr() {
    let v = full_week_vault();
    let run = v.kith(&["due"]).ok();
    assert!(
        run.stdout.contains("Ada Lovelace") && run.stdout.contains("Send the deck"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no ANSI when piped: {:?}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("kith:"),
        "summary not on stdout: {}",
        run.stdout
    );
    assert!(
        run.stderr.contains("9 contacts"),
        "summary on stderr: {}",
        run.stderr
    );
    assert!(
        !v.exists("Due this week.md"),
        "without --write nothing is written"
    );
    // Every section's items are indented alike, and what belongs to an item further in.
    let sections = run
        .stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .count();
    assert!(sections >= 6, "{}", run.stdout);
    for line in run.stdout.lines().skip(1) {
        assert!(
            line.is_empty()
                || !line.starts_with(' ')
                || line.starts_with("  - ")
                || line.starts_with("      "),
            "{line:?} in\n{}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains("\n- "), "{}", run.stdout);
    // --json: stdout is exactly one JSON document.
    let run = v.kith(&["due", "--json"]).ok();
    assert_eq!(run.json()["health"]["contacts"], 9);
    // -v says more on stderr only.
    let verbose = v.kith(&["-v", "due"]).ok();
    assert_eq!(verbose.stdout, v.kith(&["due"]).ok().stdout);
    // -q: nothing on stderr.
    let run = v.kith(&["-q", "due"]).ok();
    assert_eq!(run.stderr, "");
    assert!(run.stdout.contains("Ada Lovelace"));
}

/// Flags, environment, and whether ANSI escapes are expected.
type ColourCase = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    bool,
);

#[test]
fn colour_follows_the_flag_and_no_color() {
    let v = full_week_vault();
    // (flags, environment, ANSI expected)
    let table: &[ColourCase] = &[
        (&[], &[], false),
        (&["--color", "auto"], &[], false),
        (&["--color", "never"], &[], false),
        (&["--color", "always"], &[], true),
        (&[], &[("NO_COLOR", "1")], false),
        (&["--color", "never"], &[("CLICOLOR_FORCE", "1")], false),
        // Observed: an explicit --color always wins over NO_COLOR (the no-color.org rule:
        // command-line flags override the variable).
        (&["--color", "always"], &[("NO_COLOR", "1")], true),
        // Observed (anstream): CLICOLOR_FORCE forces colour in auto mode, NO_COLOR beats it.
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], false),
    ];
    for (flags, env, ansi) in table {
        let mut cmd = v.bare();
        cmd.arg("--vault")
            .arg(v.root())
            .args(["--today", TODAY])
            .args(*flags)
            .arg("due");
        for (k, val) in *env {
            cmd.env(k, val);
        }
        let run = Run::from(&mut cmd).ok();
        assert_eq!(
            run.stdout.contains("\u{1b}["),
            *ansi,
            "{flags:?} {env:?}: {:?}",
            run.stdout
        );
        assert!(run.stdout.contains("Ada Lovelace"));
        // JSON is never coloured.
        let mut cmd = v.bare();
        cmd.arg("--vault")
            .arg(v.root())
            .args(["--today", TODAY])
            .args(*flags)
            .args(["due", "--json"]);
        for (k, val) in *env {
            cmd.env(k, val);
        }
        Run::from(&mut cmd).ok().json();
    }
}

#[test]
fn usage_errors_exit_2() {
    let v = TestVault::new();
    v.file("People/Ada.md", "");
    let table: &[&[&str]] = &[
        &["--today", "2026-02-30", "due"],
        &["--today", "tomorrow", "due"],
        &["--color", "sometimes", "due"],
        &["-v", "-q", "due"],
        &["frobnicate"],
        &["show"],
    ];
    for args in table {
        let mut cmd = v.bare();
        cmd.arg("--vault").arg(v.root()).args(*args);
        let run = Run::from(&mut cmd);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

fn show_vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        &lines(&[
            "---",                                         // 1
            "tier: A",                                     // 2
            "company: Analytical Engines",                 // 3
            "aliases: [Countess, Enchantress of Numbers]", // 4
            "last_contact: 2026-09-01",                    // 5
            "---",                                         // 6
            "## Log",                                      // 7
            "- 2026-10-02 coffee: Talked about Note G.",   // 8
            "- 2026-10-20 call: Follow-up.",               // 9
            "- [ ] Send the translation 📅 2026-12-01",    // 10
            "- [x] Old task",                              // 11
        ]),
    )
    .file("People/Adam Smith.md", "")
    .file("People/grace.md", "---\nname: Grace Hopper\n---\n")
    .file("People/Alan Turing.md", "")
    .file(
        "Daily/2026-11-01.md",
        "Met [[Ada Lovelace]] at the salon.\n",
    );
    v
}

#[test]
fn show_json_has_the_spec_keys() {
    let v = show_vault();
    let ada = v.show("Ada Lovelace");
    for key in [
        "contact",
        "path",
        "tier",
        "cadence",
        "status",
        "last_contact",
        "next_due",
        "properties",
        "open_tasks",
        "interactions",
    ] {
        assert!(ada.get(key).is_some(), "key {key} in {ada:#}");
    }
    assert_eq!(
        [
            &ada["contact"],
            &ada["path"],
            &ada["tier"],
            &ada["cadence"],
            &ada["status"]
        ],
        [
            &json!("Ada Lovelace"),
            &json!("People/Ada Lovelace.md"),
            &json!("A"),
            &json!("6w"),
            &json!("active")
        ]
    );
    assert_eq!(ada["last_contact"], "2026-11-01");
    assert_eq!(ada["next_due"], "2026-12-13");
    assert_eq!(ada["properties"]["company"], "Analytical Engines");
    let open = ada["open_tasks"].as_array().expect("array");
    assert_eq!(open.len(), 1);
    assert_eq!(
        open[0].as_str().or(open[0]["text"].as_str()),
        Some("Send the translation")
    );
    assert_eq!(
        pick(&ada["interactions"], &["date", "title", "summary", "line"])
            .into_iter()
            .map(|row| json!([row[0], row[1], row[3]]))
            .collect::<Vec<_>>(),
        [
            json!(["2026-11-01", "", 1]),
            json!(["2026-10-20", "call", 9]),
            json!(["2026-10-02", "coffee", 8]),
        ]
    );
    assert_eq!(ada["interactions"][1]["summary"], "Follow-up.");
    assert_eq!(ada["interactions"][2]["summary"], "Talked about Note G.");
    // A never-contacted contact: no last contact, due today.
    let alan = v.show("Alan Turing");
    assert_eq!(
        (&alan["last_contact"], &alan["next_due"]),
        (&Value::Null, &json!(TODAY))
    );
    assert_eq!(alan["interactions"], json!([]));
    // The terminal view names the contact on stdout.
    let run = v.kith(&["show", "countess"]).ok();
    assert!(
        run.stdout.contains("Ada Lovelace") && !run.stdout.contains('\u{1b}'),
        "{}",
        run.stdout
    );
}

#[test]
fn show_matches_name_alias_stem_and_unique_prefix() {
    let v = show_vault();
    let table = [
        ("Ada Lovelace", "Ada Lovelace"),
        ("ada lovelace", "Ada Lovelace"),
        ("COUNTESS", "Ada Lovelace"),
        ("Enchant", "Ada Lovelace"),
        ("grace", "Grace Hopper"),
        ("Grace Hopper", "Grace Hopper"),
        ("grace hop", "Grace Hopper"),
        ("Alan", "Alan Turing"),
        ("adam", "Adam Smith"),
        ("Ada Love", "Ada Lovelace"),
        // Any word of the name or an alias, case and accents aside; a whole word wins over
        // the start of another's (`ada` is Ada's first word, and only the start of Adam).
        ("lovelace", "Ada Lovelace"),
        ("hopper", "Grace Hopper"),
        ("numbers", "Ada Lovelace"),
        ("Ada", "Ada Lovelace"),
        ("turing", "Alan Turing"),
        ("TÜRING", "Alan Turing"),
    ];
    for (query, want) in table {
        let run = v.kith(&["show", query, "--json"]);
        assert_eq!(run.code, 0, "{query}: {}", run.stderr);
        assert_eq!(run.json()["contact"], want, "{query}");
    }
    // Several words as separate arguments.
    let run = v.kith(&["show", "Ada", "Lovelace", "--json"]).ok();
    assert_eq!(run.json()["contact"], "Ada Lovelace");
    // Ambiguous: exit 1, the candidates on stderr, nothing on stdout.
    for query in ["a", "AD"] {
        let run = v.kith(&["show", query]).code(1);
        assert!(
            run.stderr.contains("Ada Lovelace") && run.stderr.contains("Adam Smith"),
            "{query}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{query}: {}", run.stdout);
    }
    // An exact match wins over a prefix of another contact.
    let w = TestVault::new();
    w.file("People/Ada.md", "").file("People/Adam.md", "");
    assert_eq!(w.show("ada")["path"], "People/Ada.md");
    // Unknown: said, with the closest names when some are close.
    let run = v.kith(&["show", "Zed", "--json"]).code(1);
    assert!(
        run.stderr.ends_with("\nkith: no contact matches `Zed`\n"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let run = v.kith(&["show", "lovlace"]).code(1);
    assert!(
        run.stderr
            .contains("no contact matches `lovlace`; did you mean Ada Lovelace?"),
        "{}",
        run.stderr
    );
    // A note of that name that is no contact: said, and why.
    v.file("Notes/Linus.md", "Kernel notes.\n");
    let run = v.kith(&["show", "linus"]).code(1);
    assert!(
        run.stderr
            .contains("`Notes/Linus.md` is not a contact: not under People/ and no #person tag"),
        "{}",
        run.stderr
    );
    // The same resolution serves search --contact.
    let run = v
        .kith(&["search", "*", "--contact", "lovelace", "--json"])
        .ok();
    assert!(
        run.json()["total"].as_u64().unwrap_or(0) >= 2,
        "{}",
        run.stdout
    );
    let run = v.kith(&["search", "*", "--contact", "hoper"]).code(1);
    assert!(
        run.stderr.contains("did you mean Grace Hopper?"),
        "{}",
        run.stderr
    );
}

fn problem_vault() -> TestVault {
    let v = TestVault::new();
    v.file("People/Ok.md", "---\ntier: A\n---\n")
        .file(
            "People/Bad.md",
            "---\nname: [unclosed\n---\n- 2026-11-01 call\n",
        )
        .file("People/Tier.md", "---\nname: Tee\ntier: Z\n---\n")
        .file("People/Cad.md", "---\ntier: A\ncadence: often\n---\n")
        .file("People/Date.md", "---\nlast_contact: 2026-02-30\n---\n")
        .file("People/Birth.md", "---\nbirthday: 1990-13-01\n---\n")
        .file("People/Type.md", "---\nname: [a, b]\n---\n")
        .file(
            "People/Imp.md",
            "## Log\n### 2026-02-30 call\nx\n- [ ] task 📅 2026-13-01\n",
        )
        .file("People/Stat.md", "---\nstatus: sleeping\n---\n")
        .bytes("Notes/Binary.md", b"fine line\n\xff\xfe broken\n");
    v
}

#[test]
fn check_lists_problems_sorted_and_exits_1_on_errors() {
    let v = problem_vault();
    let run = v.kith(&["check"]).code(1);
    let got: Vec<(String, Option<usize>, String)> = run
        .stdout
        .lines()
        .map(|l| {
            // path:line: severity: message (the line where known)
            let (head, _) = l.split_once(": ").expect("path: severity");
            let (path, line) = match head.rsplit_once(':') {
                Some((p, n)) if n.chars().all(|c| c.is_ascii_digit()) => {
                    (p.to_string(), n.parse().ok())
                }
                _ => (head.to_string(), None),
            };
            let severity = l[head.len() + 2..]
                .split(':')
                .next()
                .unwrap_or("")
                .to_string();
            (path, line, severity)
        })
        .collect();
    let paths: Vec<(&str, Option<usize>, &str)> = got
        .iter()
        .map(|(p, n, s)| (p.as_str(), *n, s.as_str()))
        .collect();
    let line_of = |p: &str| got.iter().find(|g| g.0 == p).and_then(|g| g.1);
    assert_eq!(
        paths,
        [
            ("Notes/Binary.md", line_of("Notes/Binary.md"), "error"),
            ("People/Bad.md", line_of("People/Bad.md"), "error"),
            ("People/Birth.md", Some(2), "warning"),
            ("People/Cad.md", Some(3), "warning"),
            ("People/Date.md", Some(2), "warning"),
            ("People/Imp.md", Some(2), "warning"),
            ("People/Imp.md", Some(4), "warning"),
            ("People/Stat.md", Some(2), "warning"),
            ("People/Tier.md", Some(3), "warning"),
            ("People/Type.md", Some(2), "warning"),
        ],
        "{}",
        run.stdout
    );
    assert!(
        line_of("People/Bad.md").is_some(),
        "a YAML error has a line: {}",
        run.stdout
    );
    // The same problems as JSON, in the same order.
    let json = v.kith(&["check", "--json"]).code(1).json();
    let problems = json["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 10);
    for (p, (path, line, severity)) in problems.iter().zip(&got) {
        let mut keys: Vec<&str> = p
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["line", "message", "path", "severity"]);
        assert_eq!(p["path"], json!(path));
        assert_eq!(p["line"], json!(line));
        assert_eq!(p["severity"], json!(severity));
        assert!(p["message"].as_str().is_some_and(|m| !m.is_empty()));
        let text = match line {
            Some(n) => format!(
                "{path}:{n}: {severity}: {}",
                p["message"].as_str().unwrap_or("")
            ),
            None => format!(
                "{path}: {severity}: {}",
                p["message"].as_str().unwrap_or("")
            ),
        };
        assert!(
            run.stdout.lines().any(|l| l == text),
            "{text} in\n{}",
            run.stdout
        );
    }
    // Reading goes on: every other note is read, bad values replaced by defaults.
    let due = v.due();
    assert_eq!(due["health"]["contacts"], 9);
    assert_eq!(due["health"]["problems"], 10);
    let due_run = v.kith(&["due"]).ok();
    assert!(
        due_run.stderr.contains("10 problem"),
        "problem count on stderr: {}",
        due_run.stderr
    );
    assert_eq!(v.show("Tee")["tier"], "B");
    assert_eq!(v.show("Cad")["cadence"], "6w");
    assert_eq!(v.show("Date")["last_contact"], Value::Null);
    assert_eq!(v.show("Stat")["status"], "active");
    assert_eq!(v.show("Imp")["interactions"], json!([]));
    // A note whose front-matter is not YAML is still a contact, named by its stem, its
    // body read.
    let bad = v.show("Bad");
    assert_eq!(
        (&bad["path"], &bad["last_contact"]),
        (&json!("People/Bad.md"), &json!("2026-11-01"))
    );
}

#[test]
fn check_exits_0_with_only_warnings_or_nothing() {
    let v = TestVault::new();
    v.file("People/Tier.md", "---\ntier: Z\n---\n");
    let run = v.kith(&["check"]).ok();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("People/Tier.md:2: warning: "),
        "{}",
        run.stdout
    );
    let clean = TestVault::new();
    clean.file("People/Ada.md", "");
    let run = clean.kith(&["check"]).ok();
    assert_eq!(run.stdout, "");
    assert_eq!(
        clean.kith(&["check", "--json"]).ok().json(),
        json!({"problems": []})
    );
}

#[test]
fn properties_written_the_way_templates_write_them() {
    let v = TestVault::new();
    // `tags: #person` is a YAML comment: no tags, so no contact, and a warning saying how to
    // write it; the same in a list item.
    v.file("Notes/Linus.md", "---\ntags: #person\n---\nKernel.\n")
        .file(
            "Notes/Ken.md",
            "---\ntags:\n  - colleague\n  - #person\n---\n",
        )
        // Lists of addresses and numbers are no mistake.
        .file(
            "People/Grace.md",
            "---\nemail: [grace@navy.example, g@home.example]\nphone:\n  - \"+1 555 0100\"\n---\n",
        );
    let check = v.kith(&["check", "--json"]).ok().json();
    let problems: Vec<(String, u64, String)> = check["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap_or("").to_string(),
                p["line"].as_u64().unwrap_or(0),
                p["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!((problems[0].0.as_str(), problems[0].1), ("Notes/Ken.md", 4));
    assert_eq!(
        (problems[1].0.as_str(), problems[1].1),
        ("Notes/Linus.md", 2)
    );
    assert!(
        problems[1]
            .2
            .contains("`tags: #person` is a YAML comment, not a tag")
            && problems[1].2.contains("write `tags: [person]`"),
        "{problems:#?}"
    );
    assert_eq!(v.due()["health"]["contacts"], 1);
    // A tab in the front-matter: said in words a user can act on, with what it costs.
    v.file("People/Tab.md", "---\ntier: A\ntags:\n\t- friend\n---\n");
    let run = v.kith(&["check"]).code(1);
    assert!(
        run.stdout.contains(
            "People/Tab.md:4: error: front-matter is indented with a tab: YAML allows only \
             spaces, so indent with spaces; its properties were not read, so it uses tier B"
        ),
        "{}",
        run.stdout
    );
    let grace = v.show("grace");
    assert_eq!(
        grace["properties"]["email"],
        json!(["grace@navy.example", "g@home.example"])
    );
}

#[test]
fn log_entries_dated_the_way_people_type_are_reported_with_the_form_to_write() {
    let v = TestVault::new();
    v.file(
        "People/Ann.md",
        &lines(&[
            "## Log",                         // 1
            "- Dec 1, 2026 coffee: x",        // 2
            "- 12/01/2026 lunch",             // 3
            "### 1 December 2026 call",       // 4
            "- 2026-11-20 call: read fine",   // 5
            "- 3 weeks later, still no word", // 6
        ]),
    );
    let run = v.kith(&["check"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "People/Ann.md:2: warning: `Dec 1, 2026` is not a date kith reads, so this is no conversation: write it as YYYY-MM-DD, 2026-12-01",
            "People/Ann.md:3: warning: `12/01/2026` is not a date kith reads, so this is no conversation: write it as YYYY-MM-DD, 2026-12-01 (1 December) or 2026-01-12 (12 January)",
            "People/Ann.md:4: warning: `1 December 2026` is not a date kith reads, so this is no conversation: write it as YYYY-MM-DD, 2026-12-01",
        ]
    );
    // Only the entry kith reads is a conversation.
    assert_eq!(
        v.show("ann")["interactions"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn init_writes_a_working_vault_and_refuses_to_overwrite() {
    let v = TestVault::new();
    let run = Run::from(v.bare().arg("init").arg(v.root()));
    run.ok();
    assert!(v.exists("kith.toml"));
    let people: Vec<_> = std::fs::read_dir(v.path("People"))
        .expect("People/")
        .collect();
    assert_eq!(people.len(), 1, "one example contact");
    let config = v.read("kith.toml");
    assert!(
        config.lines().any(|l| l.trim_start().starts_with('#')),
        "commented: {config}"
    );
    let due = v.due();
    assert!(due["health"]["contacts"].as_u64() >= Some(1), "{due:#}");
    assert_eq!(due["health"]["problems"], 0);
    v.kith(&["check"]).ok();
    v.kith(&["due", "--write"]).ok();

    // A second init refuses and changes nothing.
    std::fs::write(v.path("kith.toml"), "week_start = \"sunday\"\n").expect("write");
    let run = Run::from(v.bare().arg("init").arg(v.root())).code(1);
    assert!(run.stderr.contains("kith.toml"), "{}", run.stderr);
    assert_eq!(v.read("kith.toml"), "week_start = \"sunday\"\n");

    // Without DIR: the working folder; refusing leaves no People/ behind.
    let w = TestVault::new();
    Run::from(w.bare().current_dir(w.root()).arg("init")).ok();
    assert!(w.exists("kith.toml") && w.exists("People"));
    let x = TestVault::new();
    x.file("kith.toml", "# mine\n");
    Run::from(x.bare().current_dir(x.root()).arg("init")).code(1);
    assert_eq!(x.read("kith.toml"), "# mine\n");
    assert!(!x.exists("People"));
}

// ---------------------------------------------------------------------------------------
// 1. Text: CRLF and BOM
// ---------------------------------------------------------------------------------------

/// Turns a note's LF text into the bytes written to disk.
type Encode = fn(&str) -> Vec<u8>;

#[test]
fn crlf_and_bom_notes_read_like_lf_notes() {
    let files: &[(&str, &str)] = &[
        (
            "kith.toml",
            "week_start = \"sunday\"\n[tiers.A]\ncadence = \"2w\"\n",
        ),
        (
            "People/Ada.md",
            "---\nname: Ada Lovelace\ntier: A\nbirthday: 1986-11-26\naliases: [Countess]\n---\n## Log\n\n### 2026-10-02 coffee\nTalked about compilers. #ask\n\n- 2026-10-20 call: Follow-up #ask\n- [ ] Send the deck 📅 2026-11-24 ^x1\n",
        ),
        (
            "People/Bob.md",
            "---\ninterests: [rust, music]\n---\nNotes.\n",
        ),
        ("People/Cy.md", "---\ninterests: [rust, music]\n---\n"),
        (
            "Daily/2026-11-20.md",
            "# Day\n\n- Asked [[Countess]] about it #ask\n",
        ),
        (
            "Projects/Plan.md",
            "# Plan\n\n- [ ] Ping [[Bob]] due:: 2026-11-21\n",
        ),
    ];
    let variants: [(&str, Encode); 4] = [
        ("LF", |t| t.as_bytes().to_vec()),
        ("CRLF", |t| t.replace('\n', "\r\n").into_bytes()),
        ("BOM+LF", |t| [&b"\xef\xbb\xbf"[..], t.as_bytes()].concat()),
        ("BOM+CRLF", |t| {
            [&b"\xef\xbb\xbf"[..], t.replace('\n', "\r\n").as_bytes()].concat()
        }),
    ];
    let mut outputs = Vec::new();
    for (label, encode) in variants {
        let v = TestVault::new();
        for (path, text) in files {
            v.bytes(path, &encode(text));
        }
        let due = v.due();
        let ada = v.show("Ada Lovelace");
        let check = v.kith(&["check", "--json"]).ok().json();
        outputs.push((label, due, ada, check));
    }
    let (_, due, ada, check) = &outputs[0];
    // The LF reading is the expected one.
    assert_eq!(due["week_start"], "2026-11-22");
    // Ada is mentioned on 2026-11-20.
    assert_eq!(
        pick(&due["check_ins"], &["contact", "reason"]),
        [json!(["Bob", "never"]), json!(["Cy", "never"])]
    );
    assert_eq!(
        pick(
            &due["promises"],
            &["contact", "path", "line", "due", "overdue"]
        ),
        [
            json!(["Bob", "Projects/Plan.md", 3, "2026-11-21", true]),
            json!(["Ada Lovelace", "People/Ada.md", 13, "2026-11-24", false]),
        ]
    );
    assert!(
        due["promises"][0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Ping"))
    );
    assert_eq!(due["promises"][1]["text"], "Send the deck");
    assert_eq!(
        pick(&due["celebrations"], &["contact", "years"]),
        [json!(["Ada Lovelace", 40])]
    );
    assert_eq!(
        pick(&due["exchange_warnings"], &["contact", "asks_in_a_row"]),
        [json!(["Ada Lovelace", 3])]
    );
    assert_eq!(due["introductions"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        pick(&ada["interactions"], &["date", "title", "summary", "line"]),
        [
            json!(["2026-11-20", "", ada["interactions"][0]["summary"], 3]),
            json!(["2026-10-20", "call", "Follow-up #ask", 12]),
            json!(["2026-10-02", "coffee", "Talked about compilers. #ask", 9]),
        ]
    );
    assert_eq!(check, &json!({"problems": []}));
    for (label, d, a, c) in &outputs[1..] {
        assert_eq!(d, due, "{label}: due --json");
        assert_eq!(a, ada, "{label}: show --json");
        assert_eq!(c, check, "{label}: check --json");
    }
}

// ---------------------------------------------------------------------------------------
// Snapshots of the sample vault
// ---------------------------------------------------------------------------------------

#[test]
fn sample_vault_due_note_snapshot() {
    let v = sample_vault();
    v.kith(&["due", "--write"]).ok();
    insta::assert_snapshot!("sample_vault_due_note", v.read("Due this week.md"));
}

#[test]
fn sample_vault_due_json_snapshot() {
    let v = sample_vault();
    let run = v.kith(&["due", "--json"]).ok();
    run.json();
    insta::assert_snapshot!("sample_vault_due_json", run.stdout);
}

// ---------------------------------------------------------------------------------------
// Edge cases found while testing
// ---------------------------------------------------------------------------------------

#[test]
fn setext_heading_entries_summarise_their_body() {
    // A setext heading is a heading too: its body starts after the underline.
    let v = TestVault::new();
    v.file(
        "People/Set.md",
        "---\ntier: A\nlast_contact: 2026-01-01\n---\n2026-11-10 setext call\n-----------------\nbody text\n",
    );
    let set = v.show("Set");
    assert_eq!(
        pick(&set["interactions"], &["date", "title", "line"]),
        [json!(["2026-11-10", "setext call", 5])]
    );
    assert_eq!(set["interactions"][0]["summary"], "body text", "{set:#}");
}

#[test]
fn front_matter_bombs_are_refused_cheaply() {
    let v = TestVault::new();
    let mut yaml = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        let refs = vec![format!("*{prev}"); 9].join(",");
        yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    yaml.push_str("---\n- 2026-11-01 call\n");
    v.file("People/Laughs.md", &yaml).file("People/Ok.md", "");
    let started = std::time::Instant::now();
    let check = v.kith(&["check", "--json"]).code(1).json();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        pick(&check["problems"], &["path", "severity"]),
        [json!(["People/Laughs.md", "error"])]
    );
    // Still a contact, named by its stem, its body read.
    assert_eq!(v.show("Laughs")["last_contact"], "2026-11-01");
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    // Enough output to fill a pipe, so that kith is still writing when the reader goes.
    let v = TestVault::new();
    for i in 0..300 {
        v.file(
            &format!("People/Contact number {i:03} with a rather long name.md"),
            "- [ ] A promise with a long enough text to make the output big 📅 2026-11-24\n",
        );
    }
    let mut failures = Vec::new();
    for args in [
        &["due"][..],
        &["due", "--write"],
        &["due", "--json"],
        &["due", "--write", "--json"],
    ] {
        let _ = std::fs::remove_file(v.path("Due this week.md"));
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kith"));
        cmd.env_remove("KITH_VAULT")
            .env("KITH_INDEX_DIR", v.scratch().join("index"))
            .arg("--vault")
            .arg(v.root())
            .args(["--today", TODAY])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawn kith");
        drop(child.stdout.take()); // `kith due | head -0`
        let out = child.wait_with_output().expect("wait for kith");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(0) || stderr.contains("error") {
            failures.push(format!(
                "{args:?}: exit {:?}: {}",
                out.status.code(),
                stderr.trim()
            ));
        }
        if args.contains(&"--write") && !v.exists("Due this week.md") {
            failures.push(format!("{args:?}: the due note was not written"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
