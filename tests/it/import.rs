//! `kith import`: contacts from vCard files and LinkedIn's export become notes that kith
//! reads; nothing is made twice, no note is overwritten, `--merge` adds only what a note
//! lacks, and hostile files are reported by file and card or row without a panic.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{Run, TestVault, lines};

/// Writes an input file beside the vault (the folder kith runs from) and gives its name.
fn input(v: &TestVault, name: &str, bytes: &[u8]) -> String {
    std::fs::write(v.scratch().join(name), bytes).expect("write an input file");
    name.to_string()
}

/// Asserts that kith said `text` on stderr.
#[track_caller]
fn said(run: &Run, text: &str) {
    assert!(run.stderr.contains(text), "{}", run.stderr);
}

/// Every file under `root` with its bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("walk the vault");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).expect("under the root");
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(entry.path()).expect("read a file"),
            );
        }
    }
    out
}

/// The files of the vault that are not in `before`.
fn added(v: &TestVault, before: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    tree(v.root())
        .into_keys()
        .filter(|k| !before.contains_key(k))
        .collect()
}

const CARDS: &str = "\u{feff}BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n\
TEL;CELL:+49 170 1234\r\n\
EMAIL;INTERNET:juergen@example.de\r\n\
BDAY:19700102\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
FN:Grace Hopper\r\n\
item1.EMAIL;type=INTERNET:grace@navy.mil\r\n\
item1.X-ABLabel:work\r\n\
ORG:US Navy;Research\r\n\
TITLE:Rear Admiral\r\n\
ADR;TYPE=work:;;1 Main St;Arlington;VA;22201;USA\r\n\
URL:https://www.linkedin.com/in/gracehopper\r\n\
CATEGORIES:computing,navy\r\n\
NOTE:Met at the COBOL meeting\\, 1959.\\nAsk about nanoseconds.\r\n\
BDAY;VALUE=date:--12-09\r\n\
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n\
 /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
UID:urn:uuid:0f6b5c1e\r\n\
FN:Zoë Ångström\r\n\
EMAIL;TYPE=work:zoe@example.se\r\n\
ANNIVERSARY:20150601\r\n\
BDAY:--0415\r\n\
END:VCARD\r\n";

#[test]
fn vcards_become_contact_notes_that_kith_reads() {
    let v = TestVault::new();
    v.file("People/Ada Lovelace.md", "---\ntier: A\n---\n# Ada\n");
    let file = input(&v, "contacts.vcf", CARDS.as_bytes());
    let run = v.kith(&["import", "vcard", &file]).ok();
    assert_eq!(
        run.stdout,
        lines(&[
            "created People/Jürgen Müller.md from contacts.vcf card 1",
            "created People/Grace Hopper.md from contacts.vcf card 2",
            "created People/Zoë Ångström.md from contacts.vcf card 3",
        ])
    );
    said(&run, "kith: created 3 notes, merged 0, skipped 0");
    assert_eq!(
        v.read("People/Grace Hopper.md"),
        lines(&[
            "---",
            "company: US Navy",
            "role: Rear Admiral",
            "email: grace@navy.mil",
            "location: Arlington",
            "linkedin: https://www.linkedin.com/in/gracehopper",
            "birthday: \"--12-09\"",
            "tags:",
            "  - computing",
            "  - navy",
            "---",
            "# Grace Hopper",
            "",
            "Met at the COBOL meeting, 1959.",
            "Ask about nanoseconds.",
            "",
            "## Log",
        ])
    );
    // No photo bytes anywhere in the vault.
    for (path, bytes) in tree(v.root()) {
        assert!(!String::from_utf8_lossy(&bytes).contains("4AAQ"), "{path}");
    }
    let zoe = v.show("zoe");
    assert_eq!(zoe["properties"]["uid"], "urn:uuid:0f6b5c1e");
    assert_eq!(zoe["properties"]["milestones"][0], "2015-06-01 anniversary");
    let juergen = v.show("jurgen");
    assert_eq!(juergen["properties"]["birthday"], "1970-01-02");
    assert_eq!(juergen["properties"]["phone"], "+49 170 1234");
    let check = v.kith(&["check"]).ok();
    assert_eq!(check.stdout, "", "{}", check.stderr);
}

#[test]
fn importing_again_creates_nothing_and_changes_no_byte() {
    let v = TestVault::new();
    let file = input(&v, "contacts.vcf", CARDS.as_bytes());
    v.kith(&["import", "vcard", &file]).ok();
    let before = tree(v.root());
    let run = v.kith(&["import", "vcard", &file]).ok();
    assert_eq!(
        run.stdout,
        lines(&[
            "skipped contacts.vcf card 1: People/Jürgen Müller.md has the same email juergen@example.de",
            "skipped contacts.vcf card 2: People/Grace Hopper.md has the same email grace@navy.mil",
            "skipped contacts.vcf card 3: People/Zoë Ångström.md has the same uid urn:uuid:0f6b5c1e",
        ])
    );
    said(&run, "skipped 3 (1 same uid, 2 same email)");
    v.kith(&["import", "vcard", "--merge", &file]).ok();
    assert_eq!(tree(v.root()), before);
}

#[test]
fn merge_adds_only_what_a_hand_written_note_lacks() {
    let v = TestVault::new();
    // CRLF, a BOM, a comment, trailing spaces, a Grace under another name: all kept.
    let grace = "\u{feff}---\r\nname: Grace B. Hopper  \r\naliases: [Grace Hopper]\r\n# met in 1980\r\ncompany: Navy\r\n---\r\n# Grace\r\n\r\n## Log\r\n- 2026-01-02 call: ok\t\r\n";
    v.file("People/Amazing Grace.md", grace);
    let jurgen = "# Jürgen\n\nNo front-matter at all.\n";
    v.file("People/Jürgen Müller.md", jurgen);
    let file = input(&v, "contacts.vcf", CARDS.as_bytes());
    let dry = v
        .kith(&["import", "vcard", "--merge", "--dry-run", &file])
        .ok();
    assert!(
        dry.stdout.contains("would add role, email, location, linkedin, birthday, tags to People/Amazing Grace.md from contacts.vcf card 2 (same name Grace Hopper)"),
        "{}",
        dry.stdout
    );
    assert_eq!(v.read("People/Amazing Grace.md"), grace);
    let run = v.kith(&["import", "vcard", "--merge", &file]).ok();
    said(&run, "created 1 note, merged 2, skipped 0");
    assert_eq!(
        v.read("People/Amazing Grace.md"),
        "\u{feff}---\r\nname: Grace B. Hopper  \r\naliases: [Grace Hopper]\r\n# met in 1980\r\ncompany: Navy\r\n\
         role: Rear Admiral\r\nemail: grace@navy.mil\r\nlocation: Arlington\r\nlinkedin: https://www.linkedin.com/in/gracehopper\r\n\
         birthday: \"--12-09\"\r\ntags:\r\n  - computing\r\n  - navy\r\n---\r\n# Grace\r\n\r\n## Log\r\n- 2026-01-02 call: ok\t\r\n"
    );
    assert_eq!(
        v.read("People/Jürgen Müller.md"),
        format!(
            "---\nemail: juergen@example.de\nphone: \"+49 170 1234\"\nbirthday: 1970-01-02\n---\n{jurgen}"
        )
    );
    // Merging again finds nothing to add.
    let again = v.kith(&["import", "vcard", "--merge", &file]).ok();
    assert!(
        again
            .stderr
            .contains("created 0 notes, merged 0, skipped 3"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_note_kith_cannot_add_to_is_left_alone() {
    let v = TestVault::new();
    let flow = "---\n{company: Navy}\n---\n# Grace\n";
    v.file("People/Grace Hopper.md", flow);
    let file = input(&v, "contacts.vcf", CARDS.as_bytes());
    let run = v.kith(&["import", "vcard", "--merge", &file]).ok();
    assert!(
        run.stdout.contains("skipped contacts.vcf card 2: People/Grace Hopper.md has the same name Grace Hopper; not merged: its front-matter is written in a way kith cannot add to safely"),
        "{}",
        run.stdout
    );
    assert_eq!(v.read("People/Grace Hopper.md"), flow);
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let v = TestVault::new();
    v.dir("People");
    let file = input(&v, "contacts.vcf", CARDS.as_bytes());
    let before = tree(v.root());
    let run = v
        .kith(&["import", "vcard", "--dry-run", "--json", &file])
        .ok();
    assert_eq!(tree(v.root()), before);
    let json = run.json();
    assert_eq!(json["dry_run"], true);
    let created: Vec<&str> = json["created"]
        .as_array()
        .expect("created")
        .iter()
        .map(|c| c["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        created,
        [
            "People/Jürgen Müller.md",
            "People/Grace Hopper.md",
            "People/Zoë Ångström.md"
        ]
    );
    assert_eq!(json["created"][1]["from"][0]["card"], 2);
    said(&run, "dry run, nothing written: would create 3 notes");
}

#[test]
fn contacts_that_match_each_other_become_one_note() {
    let v = TestVault::new();
    let phone =
        "BEGIN:VCARD\nVERSION:3.0\nFN:Alan Turing\nTEL:+44 1\nEMAIL:alan@bletchley.uk\nEND:VCARD\n";
    let mail = "BEGIN:VCARD\nVERSION:3.0\nFN:A. M. Turing\nEMAIL:ALAN@bletchley.uk\nORG:NPL\nEND:VCARD\n\
                BEGIN:VCARD\nVERSION:3.0\nFN:alan turing\nNOTE:same name\nEND:VCARD\n";
    let a = input(&v, "phone.vcf", phone.as_bytes());
    let b = input(&v, "mail.vcf", mail.as_bytes());
    let run = v.kith(&["import", "vcard", &a, &b]).ok();
    assert_eq!(
        run.stdout,
        "created People/Alan Turing.md from phone.vcf card 1, mail.vcf card 1 (same email ALAN@bletchley.uk), mail.vcf card 2 (same name alan turing)\n"
    );
    assert_eq!(
        v.read("People/Alan Turing.md"),
        lines(&[
            "---",
            "aliases:",
            "  - A. M. Turing",
            "company: NPL",
            "email: alan@bletchley.uk",
            "phone: \"+44 1\"",
            "---",
            "# Alan Turing",
            "",
            "same name",
            "",
            "## Log",
        ])
    );
}

#[test]
fn a_taken_file_name_gets_a_number_and_nothing_is_overwritten() {
    let v = TestVault::new();
    // A folder with the note's name, and a file differing only in case.
    v.dir("People/Grace Hopper.md");
    v.file("People/zoë ångström.md.txt", "not a note");
    let file = input(&v, "contacts.vcf", CARDS.as_bytes());
    let run = v.kith(&["import", "vcard", &file]).ok();
    assert!(
        run.stdout.contains("created People/Grace Hopper 2.md"),
        "{}",
        run.stdout
    );
    assert!(
        v.read("People/Grace Hopper 2.md")
            .starts_with("---\nname: Grace Hopper\n")
    );
    assert_eq!(v.read("People/zoë ångström.md.txt"), "not a note");
}

#[test]
fn a_template_from_the_config_shapes_new_notes() {
    let v = TestVault::new();
    v.file(
        "kith.toml",
        "[import]\ntemplate = \"Templates/Person.md\"\n",
    );
    v.file(
        "Templates/Person.md",
        "---\ntier: C\ntags: [person]\ncreated: {{date}}\n{{properties}}\n---\n# {{title}}\n\n## Notes\n{{notes}}\n\n## Log\n",
    );
    let file = input(&v, "contacts.vcf", CARDS.as_bytes());
    v.kith(&["import", "vcard", &file]).ok();
    assert_eq!(
        v.read("People/Grace Hopper.md"),
        lines(&[
            "---",
            "tier: C",
            "tags: [person]",
            "created: 2026-11-23",
            "company: US Navy",
            "role: Rear Admiral",
            "email: grace@navy.mil",
            "location: Arlington",
            "linkedin: https://www.linkedin.com/in/gracehopper",
            "birthday: \"--12-09\"",
            "---",
            "# Grace Hopper",
            "",
            "## Notes",
            "Met at the COBOL meeting, 1959.",
            "Ask about nanoseconds.",
            "",
            "## Log",
        ])
    );
    assert_eq!(v.show("grace")["tier"], "C");
    v.file(
        "kith.toml",
        "[import]\ntemplate = \"Templates/Missing.md\"\n",
    );
    let missing = v.kith(&["import", "vcard", &file]).code(2);
    said(&missing, "Templates/Missing.md");
}

const CONNECTIONS: &str = "\u{feff}Notes:\r\n\
\"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261\"\r\n\
\r\n\
First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n\
Ada,Lovelace,https://www.linkedin.com/in/ada,,Analytical Engines,\"Lead, Research\",12 Nov 2023\r\n\
Grace,Hopper,https://www.linkedin.com/in/gracehopper,grace@navy.mil,US Navy,Admiral,01 Feb 2020\r\n\
John,\"Smith \"\"JS\"\"\",https://www.linkedin.com/in/js,,,,\r\n";

#[test]
fn linkedin_connections_become_notes() {
    let v = TestVault::new();
    v.file(
        "People/Grace Hopper.md",
        "---\ncompany: Navy\nemail: grace@navy.mil\n---\n",
    );
    let file = input(&v, "Connections.csv", CONNECTIONS.as_bytes());
    let run = v.kith(&["import", "linkedin", "--merge", &file]).ok();
    assert_eq!(
        run.stdout,
        lines(&[
            "created People/Ada Lovelace.md from Connections.csv row 1",
            "added role, linkedin, last_contact to People/Grace Hopper.md from Connections.csv row 2 (same email grace@navy.mil)",
            "created People/John Smith JS.md from Connections.csv row 3",
        ])
    );
    assert_eq!(
        v.read("People/Ada Lovelace.md"),
        lines(&[
            "---",
            "company: Analytical Engines",
            "role: Lead, Research",
            "linkedin: https://www.linkedin.com/in/ada",
            "last_contact: 2023-11-12",
            "---",
            "# Ada Lovelace",
            "",
            "## Log",
        ])
    );
    assert!(
        v.read("People/John Smith JS.md")
            .starts_with("---\nname: John Smith \"JS\"\n")
    );
    let ada = v.show("ada");
    assert_eq!(ada["last_contact"], "2023-11-12");
}

#[test]
fn a_vcard_and_linkedin_import_of_the_same_people_make_no_duplicates() {
    let v = TestVault::new();
    let cards = input(&v, "contacts.vcf", CARDS.as_bytes());
    let csv = input(&v, "Connections.csv", CONNECTIONS.as_bytes());
    v.kith(&["import", "vcard", &cards]).ok();
    let run = v.kith(&["import", "linkedin", &csv]).ok();
    assert!(
        run.stdout
            .contains("skipped Connections.csv row 2: People/Grace Hopper.md has the same email grace@navy.mil"),
        "{}",
        run.stdout
    );
    said(&run, "created 2 notes, merged 0, skipped 1");
}

#[test]
fn public_vcard_files_import_cleanly() {
    let v = TestVault::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vcard");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    let mut args = vec!["import", "vcard", "--json"];
    args.extend(files.iter().map(String::as_str));
    let run = v.kith(&args).ok();
    let json = run.json();
    let created = json["created"].as_array().expect("created").len();
    // 1,000 generated cards with a handful of repeated names, and 18 others.
    assert!(created > 950 && created < 1018, "{created}");
    let problems: Vec<String> = json["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["path"]
                    .as_str()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or(""),
                p["message"]
            )
        })
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("105.vcf") && p.contains("19723101")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("229.vcf") && p.contains("not UTF-8")),
        "{problems:?}"
    );
    let show = |name: &str| v.show(name)["properties"].clone();
    assert_eq!(show("forrest")["role"], "Shrimp Man");
    assert_eq!(show("Mäx Mustermann")["email"], "max@mustermann.de");
    assert_eq!(show("Rudi Wimmel")["company"], "Wurstdarm KG");
    assert_eq!(show("Sören")["location"], "Mößlitz");
    assert_eq!(show("J. Doe")["birthday"], "--02-03");
    assert_eq!(show("J. Doe")["milestones"][0], "1996-04-15 anniversary");
    assert_eq!(show("J. Doe")["company"], "ABC, Inc.");
    assert_eq!(
        show("Möhrke Gerda")["uid"],
        "9e49143d-201c-46cc-b1ca-b84cac8211e9"
    );
    assert_eq!(show("labeled guy")["company"], "Test Inc");
    let check = v.kith(&["check"]).ok();
    assert_eq!(check.stdout, "", "{}", check.stderr);
    // Nothing twice.
    let before = tree(v.root());
    let again = v.kith(&args).ok().json();
    assert_eq!(again["created"].as_array().map(Vec::len), Some(0));
    assert_eq!(tree(v.root()), before);
}

/// Runs an import of hostile input beside a hand-written note, and checks that nothing
/// outside `People/` appeared, the note is untouched, and kith did not panic.
fn hostile(format: &str, name: &str, bytes: &[u8]) -> (TestVault, Run, Vec<String>) {
    let v = TestVault::new();
    let ada = "---\ntier: A\n---\n# Ada\r\n";
    v.file("People/Ada.md", ada);
    let before = tree(v.root());
    let file = input(&v, name, bytes);
    let run = v.kith(&["import", format, &file]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(v.read("People/Ada.md"), ada);
    let new = added(&v, &before);
    for path in &new {
        assert!(
            path.starts_with("People/") && path.matches('/').count() == 1,
            "{path} is outside the contact folder"
        );
    }
    (v, run, new)
}

fn card_named(fn_value: &str) -> Vec<u8> {
    format!("BEGIN:VCARD\nVERSION:3.0\nFN:{fn_value}\nEND:VCARD\n").into_bytes()
}

#[test]
fn hostile_names_make_safe_file_names() {
    let (v, _, new) = hostile("vcard", "a.vcf", &card_named("../../etc/x"));
    assert_eq!(new, ["People/etc x.md"]);
    assert!(
        v.read("People/etc x.md")
            .starts_with("---\nname: \"../../etc/x\"\n")
    );
    let (_, _, new) = hostile("vcard", "a.vcf", &card_named("CON"));
    assert_eq!(new, ["People/CON (contact).md"]);
    let long = "Ж".repeat(300);
    let (v, run, new) = hostile("vcard", "a.vcf", &card_named(&long));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(new.len(), 1);
    assert!(new[0].len() < 200, "{}", new[0]);
    assert!(v.read(&new[0]).contains(&long));
    let (v, _, new) = hostile(
        "vcard",
        "a.vcf",
        &card_named("Ev\u{1b}[31mil\u{7} Na\u{0}me"),
    );
    assert_eq!(new, ["People/Ev 31mil Na me.md"]);
    assert!(!v.read(&new[0]).chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn hostile_vcard_files_are_reported_by_file_and_card() {
    let mut photo = b"BEGIN:VCARD\nVERSION:3.0\nFN:Big Photo\nPHOTO;ENCODING=b;TYPE=JPEG:".to_vec();
    photo.extend(std::iter::repeat_n(b'A', 10 << 20));
    photo.extend_from_slice(b"\nEMAIL:big@photo.org\nEND:VCARD\n");
    let (v, run, new) = hostile("vcard", "photo.vcf", &photo);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(new, ["People/Big Photo.md"]);
    assert!(v.read(&new[0]).len() < 200);

    let (_, run, new) = hostile(
        "vcard",
        "cut.vcf",
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Whole\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Cut Short\nEMAIL:c@d.e\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(new, ["People/Whole.md"]);
    said(&run, "cut.vcf:5: error: card 2 has no END:VCARD");

    let (v, run, new) = hostile(
        "vcard",
        "latin.vcf",
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Ren\xe9 Fran\xe7ois\nEND:VCARD\n",
    );
    assert_eq!(run.code, 0);
    assert_eq!(new, ["People/René François.md"]);
    assert!(v.read(&new[0]).contains("# René François"));
    said(&run, "latin.vcf:1: warning: card 1 is not UTF-8");

    let (_, run, new) = hostile("vcard", "empty.vcf", b"");
    assert_eq!((run.code, new.len()), (1, 0));
    said(&run, "empty.vcf: error: is empty");

    let (_, run, new) = hostile(
        "vcard",
        "bin.vcf",
        &[0x89, b'P', b'N', b'G', 0, 0, 0xff, b'\n', 1, 2],
    );
    assert_eq!((run.code, new.len()), (1, 0));
    said(&run, "bin.vcf: error: is not a text file");

    let (_, run, _) = hostile(
        "vcard",
        "nameless.vcf",
        b"BEGIN:VCARD\nVERSION:3.0\nTEL:1\nEND:VCARD\n",
    );
    said(&run, "nameless.vcf:1: warning: card 1 has no name");

    let missing = TestVault::new();
    let run = missing.kith(&["import", "vcard", "nowhere.vcf"]).code(1);
    said(&run, "nowhere.vcf: error: cannot be read");
}

#[test]
fn hostile_csv_files_are_reported_by_file_and_row() {
    let (_, run, new) = hostile("linkedin", "wrong.csv", b"Name,Email\nAda,a@b.c\n");
    assert_eq!((run.code, new.len()), (1, 0));
    said(&run, "wrong.csv: error: has no LinkedIn header");

    let (_, run, new) = hostile(
        "linkedin",
        "short.csv",
        b"First Name,Last Name,Company\nAda,Lovelace\n,,Nameless Inc\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(new, ["People/Ada Lovelace.md"]);
    said(
        &run,
        "short.csv:1: warning: the header has no column URL, Email Address, Position, Connected On",
    );
    said(
        &run,
        "short.csv:2: warning: row 1: has 2 fields where the header has 3",
    );
    said(&run, "short.csv:3: warning: row 2 has no name");

    let (_, run, new) = hostile(
        "linkedin",
        "quote.csv",
        b"First Name,Last Name\nAda,Lovelace\nGrace,\"Hopper\nAlan,Turing\nEdsger,Dijkstra\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(new, ["People/Ada Lovelace.md"]);
    said(
        &run,
        "quote.csv:3: error: row 2: a quote opens here and never closes",
    );
}

#[test]
fn a_hundred_thousand_rows_are_planned_in_one_pass() {
    let v = TestVault::new();
    v.dir("People");
    let mut csv =
        String::from("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n");
    for i in 0..100_000 {
        csv.push_str(&format!(
            "Person,Number {i},https://www.linkedin.com/in/p{i},p{i}@example.org,Acme,Engineer,12 Nov 2023\n"
        ));
    }
    let file = input(&v, "big.csv", csv.as_bytes());
    let run = v.kith(&["import", "linkedin", "--dry-run", &file]).ok();
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("would create "))
            .count(),
        100_000
    );
    assert!(
        run.stdout
            .ends_with("would create People/Person Number 99999.md from big.csv row 100000\n")
    );
    assert_eq!(tree(v.root()).len(), 0);
}
