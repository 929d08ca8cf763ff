//! Reading cards and rows, cleaning values, naming files, planning and merging.

use std::collections::HashSet;

use jiff::civil::Date;
use proptest::prelude::*;

use super::linkedin::{self, Columns};
use super::merge::{Merge, add_missing};
use super::plan::{Fate, Matched, plan};
use super::render::{file_stem, scalar};
use super::template::Template;
use super::*;
use crate::core::frontmatter::{Yaml, properties_of};
use crate::core::model::{Rules, build};
use crate::core::note::parse;

const TODAY: Date = Date::constant(2026, 11, 23);

fn source(n: usize) -> Source {
    Source {
        file: 0,
        item: Item::Card(n),
        line: n,
    }
}

fn card(text: &str) -> vcard::Card {
    vcard::read(text, source(1)).expect("a card with a name")
}

#[test]
fn reads_a_2_1_card_with_quoted_printable_and_a_charset() {
    let c = card(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n\
         TEL;WORK;VOICE:+49 30 1234\r\nNOTE;ENCODING=QUOTED-PRINTABLE:line one=0D=0Aline two\r\nEND:VCARD\r\n",
    );
    assert_eq!(c.contact.name, "Jürgen Müller");
    assert_eq!(c.contact.phones, ["+49 30 1234"]);
    assert_eq!(c.contact.notes, ["line one\nline two"]);
}

#[test]
fn reads_a_3_0_card_with_groups_escapes_and_lower_case_names() {
    let c = card(
        "BEGIN:VCARD\nVERSION:3.0\nfn:Hopper\\, Grace\nitem1.EMAIL;type=INTERNET:grace@navy.mil\n\
         item1.X-ABLabel:work\nitem2.URL:https://www.linkedin.com/in/grace\nitem3.URL:https://grace.dev\n\
         ORG:US Navy;Research\nTITLE:Rear Admiral\nADR;TYPE=work:;;1 Main St;Arlington;VA;22201;USA\n\
         CATEGORIES:Computing,Navy history\nUID:abc-123\nNICKNAME:Amazing Grace\nEND:VCARD\n",
    );
    let g = c.contact;
    assert_eq!(g.name, "Hopper, Grace");
    assert_eq!(g.emails, ["grace@navy.mil"]);
    assert_eq!(
        g.linkedin.as_deref(),
        Some("https://www.linkedin.com/in/grace")
    );
    assert_eq!(g.websites, ["https://grace.dev"]);
    assert_eq!(g.company.as_deref(), Some("US Navy"));
    assert_eq!(g.role.as_deref(), Some("Rear Admiral"));
    assert_eq!(g.location.as_deref(), Some("Arlington"));
    assert_eq!(g.tags, ["Computing", "Navy-history"]);
    assert_eq!(g.uid.as_deref(), Some("abc-123"));
    assert_eq!(g.aliases, ["Amazing Grace"]);
}

#[test]
fn reads_birthdays_in_every_form_address_books_write() {
    let bday = |value: &str| {
        card(&format!(
            "BEGIN:VCARD\nVERSION:3.0\nFN:A\nBDAY:{value}\nEND:VCARD\n"
        ))
        .contact
        .birthday
    };
    let full = Some(Birthday {
        year: Some(1985),
        month: 4,
        day: 15,
    });
    let yearless = Some(Birthday {
        year: None,
        month: 4,
        day: 15,
    });
    assert_eq!(bday("1985-04-15"), full);
    assert_eq!(bday("19850415"), full);
    assert_eq!(bday("1985-04-15T00:00:00Z"), full);
    assert_eq!(bday("--0415"), yearless);
    assert_eq!(bday("--04-15"), yearless);
    let v3 = card("BEGIN:VCARD\nVERSION:3.0\nFN:A\nBDAY;VALUE=date:--04-15\nEND:VCARD\n");
    assert_eq!(v3.contact.birthday, yearless);
    let bad = card("BEGIN:VCARD\nVERSION:4.0\nFN:A\nBDAY:circa 1800\nEND:VCARD\n");
    assert_eq!(bad.contact.birthday, None);
    assert!(bad.warnings[0].contains("circa 1800"), "{:?}", bad.warnings);
}

#[test]
fn anniversaries_become_milestones() {
    let c = card(
        "BEGIN:VCARD\nVERSION:4.0\nFN:A\nANNIVERSARY:20090808T1430-0500\n\
         item1.X-ABDATE:2015-06-01\nitem1.X-ABLabel:_$!<Anniversary>!$_\n\
         item2.X-ABDATE;VALUE=date:2020-01-02\nitem2.X-ABLabel:Joined Acme\nEND:VCARD\n",
    );
    let whats: Vec<(String, &str)> = c
        .contact
        .milestones
        .iter()
        .map(|m| (crate::core::dates::ymd(m.date), m.what.as_str()))
        .collect();
    assert_eq!(
        whats,
        [
            ("2009-08-08".to_string(), "anniversary"),
            ("2015-06-01".to_string(), "anniversary"),
            ("2020-01-02".to_string(), "joined acme"),
        ]
    );
}

#[test]
fn a_card_without_a_name_is_named_by_its_organisation_or_email() {
    let org = card("BEGIN:VCARD\nVERSION:3.0\nORG:Acme Ltd\nEND:VCARD\n").contact;
    assert_eq!(
        (org.name.as_str(), org.naming),
        ("Acme Ltd", Naming::Organisation)
    );
    let mail = card("BEGIN:VCARD\nVERSION:3.0\nEMAIL:mailto:x@y.z\nEND:VCARD\n").contact;
    assert_eq!((mail.name.as_str(), mail.naming), ("x@y.z", Naming::Email));
    assert!(vcard::read("BEGIN:VCARD\nVERSION:3.0\nTEL:1\nEND:VCARD\n", source(1)).is_err());
}

#[test]
fn binary_payloads_never_become_text() {
    let c = card(
        "BEGIN:VCARD\nVERSION:3.0\nFN:A\nPHOTO;ENCODING=b;TYPE=JPEG:QUJDREVG\nKEY;ENCODING=b:QUJD\nEND:VCARD\n",
    );
    let text = format!("{:?}", c.contact);
    assert!(!text.contains("QUJD"), "{text}");
}

#[test]
fn not_utf8_reads_as_windows_1252_with_a_warning() {
    let (text, warning) = vcard::decode(b"FN:S\xf6ren \x93Q\x94 \x80");
    assert_eq!(text, "FN:Sören “Q” €");
    assert!(warning.is_some());
    assert_eq!(vcard::decode("FN:Zoë".as_bytes()).1, None);
}

#[test]
fn cleans_lines_blocks_and_tags() {
    assert_eq!(clean_line(" a\u{0}b\u{1b}[31m\n c  "), "a b [31m c");
    assert_eq!(
        clean_line(&"x".repeat(900)).chars().count(),
        MAX_VALUE_CHARS
    );
    assert_eq!(
        clean_block("\r\n\r\nline\u{7}\r\n  more  \r\n\n"),
        "line\n  more"
    );
    assert_eq!(clean_tag("Travel agent!"), Some("Travel-agent".to_string()));
    assert_eq!(clean_tag("#work/ai"), Some("work/ai".to_string()));
    assert_eq!(clean_tag("2024"), None);
    assert_eq!(clean_tag(" ,, "), None);
}

#[test]
fn file_stems_are_safe_everywhere() {
    assert_eq!(file_stem("Ada Lovelace"), "Ada Lovelace");
    assert_eq!(file_stem("../../etc/x"), "etc x");
    assert_eq!(
        file_stem("a/b\\c:d*e?f\"g<h>i|j#k^l[m]n"),
        "a b c d e f g h i j k l m n"
    );
    assert_eq!(file_stem("CON"), "CON (contact)");
    assert_eq!(file_stem("lpt1.txt"), "lpt1.txt (contact)");
    assert_eq!(file_stem(".hidden. "), "hidden");
    assert_eq!(file_stem("\u{0}\u{1}"), "Unnamed contact");
    assert_eq!(file_stem(&"é".repeat(300)).len(), 180);
    assert_eq!(file_stem(&"a".repeat(300)).chars().count(), 100);
}

proptest! {
    #[test]
    fn any_name_gives_a_safe_stem(name in "\\PC{0,300}") {
        let stem = file_stem(&name);
        prop_assert!(!stem.is_empty() && stem.len() <= 200);
        prop_assert!(!stem.starts_with('.') && !stem.ends_with('.') && !stem.ends_with(' '));
        prop_assert!(!stem.chars().any(|c| c.is_control() || "/\\:*?\"<>|#^[]".contains(c)));
    }

    #[test]
    fn any_text_reads_back_from_its_scalar(text in "\\PC{0,40}") {
        let yaml = format!("---\nk: {}\n---\n", scalar(&text));
        let props = properties_of(&yaml);
        prop_assert_eq!(&props[0].value, &Yaml::Str(text.clone()), "{}", yaml);
    }
}

#[test]
fn scalars_are_plain_when_nothing_could_misread_them() {
    assert_eq!(scalar("Ada Lovelace"), "Ada Lovelace");
    assert_eq!(scalar("yes"), "\"yes\"");
    assert_eq!(scalar("+15551234"), "\"+15551234\"");
    assert_eq!(scalar("a: b"), "\"a: b\"");
    assert_eq!(scalar("#x"), "\"#x\"");
}

fn incoming(name: &str) -> Incoming {
    Incoming::named(name.to_string(), Naming::Person, source(1))
}

#[test]
fn the_default_template_makes_a_contact_note() {
    let mut c = incoming("Ada Lovelace");
    c.emails = vec!["ada@example.org".into(), "ada@home.org".into()];
    c.birthday = Some(Birthday {
        year: None,
        month: 12,
        day: 10,
    });
    c.notes = vec!["# not a heading\n---\nmet at the RI".into()];
    let text = Template::Default {
        log_heading: "Log".into(),
    }
    .render(&c, "Ada Lovelace", TODAY);
    assert_eq!(
        text,
        "---\nemail:\n  - ada@example.org\n  - ada@home.org\nbirthday: \"--12-10\"\n---\n\
         # Ada Lovelace\n\n\\# not a heading\n\\---\nmet at the RI\n\n## Log\n"
    );
    let note = parse("People/Ada Lovelace.md", &text, &Rules::default().contacts);
    assert!(note.problems.is_empty(), "{:?}", note.problems);
}

#[test]
fn a_user_template_fills_its_placeholders_once() {
    let mut c = incoming("{{date}} Ada");
    c.company = Some("Analytical {{notes}}".into());
    c.notes = vec!["hello".into()];
    let template = Template::User(
        "---\ntier: C\ncompany: Mine\ncreated: {{date}}\n---\n# {{title}}\n\n{{notes}}\n".into(),
    );
    let text = template.render(&c, "Ada", TODAY);
    assert_eq!(
        text,
        "---\ntier: C\ncompany: Mine\ncreated: 2026-11-23\nname: \"{{date}} Ada\"\n---\n# {{date}} Ada\n\nhello\n"
    );
    let bare = Template::User("# {{name}}\r\n".into()).render(&c, "Ada", TODAY);
    assert!(bare.starts_with("---\r\nname: "), "{bare:?}");
    assert!(
        bare.ends_with("# {{date}} Ada\r\n\r\nhello\r\n"),
        "{bare:?}"
    );
}

#[test]
fn a_template_s_empty_properties_are_filled_in_on_their_lines() {
    let mut c = incoming("Ada");
    c.emails = vec!["ada@example.org".into()];
    c.company = Some("Engines".into());
    c.tags = vec!["maths".into()];
    c.interests = vec!["poetry".into()];
    c.uid = Some("u-1".into());
    let template = Template::User(
        "---\ntier: B\ncompany:\nemail: \ntags: [person]\ninterests: []\n---\n\n## Log\n\n- {{date:YYYY-MM-DD}} met: \n".into(),
    );
    assert_eq!(
        template.render(&c, "Ada", TODAY),
        "---\ntier: B\ncompany: Engines\nemail: ada@example.org\ntags: [person]\ninterests:\n  - poetry\nuid: u-1\n---\n\n## Log\n\n- 2026-11-23 met: \n"
    );
}

fn vault_of(notes: &[(&str, &str)]) -> crate::core::model::Vault {
    let rules = Rules::default();
    let parsed = notes
        .iter()
        .map(|(path, text)| parse(path, text, &rules.contacts))
        .collect();
    build(parsed, &rules)
}

#[test]
fn plans_skip_matches_and_fold_duplicates() {
    let vault = vault_of(&[
        ("People/Ada.md", "---\nemail: ADA@example.org\n---\n"),
        (
            "People/Grace Hopper.md",
            "---\naliases: [Amazing Grace]\nuid: g-1\n---\n",
        ),
    ]);
    let mut by_email = incoming("Augusta King");
    by_email.emails = vec!["ada@EXAMPLE.org".into()];
    let by_alias = incoming("amazing grace");
    let mut by_uid = incoming("Someone Else");
    by_uid.uid = Some("g-1".into());
    let mut first = incoming("Alan Turing");
    first.emails = vec!["alan@bletchley.uk".into()];
    let mut second = incoming("A. M. Turing");
    second.emails = vec!["alan@bletchley.uk".into()];
    second.phones = vec!["+44 1".into()];
    let third = incoming("Alan Turing");
    let taken: HashSet<String> = ["people/alan turing.md".to_string()].into();
    let planned = plan(
        &vault,
        vec![by_email, by_alias, by_uid, first, second, third],
        "People",
        &taken,
    );
    let fates: Vec<&Fate> = planned.iter().map(|p| &p.fate).collect();
    assert_eq!(
        fates,
        [
            &Fate::Existing {
                path: "People/Ada.md".into(),
                matched: Matched::Email("ada@EXAMPLE.org".into())
            },
            &Fate::Existing {
                path: "People/Grace Hopper.md".into(),
                matched: Matched::Name("amazing grace".into())
            },
            &Fate::Existing {
                path: "People/Grace Hopper.md".into(),
                matched: Matched::Uid("g-1".into())
            },
            &Fate::New {
                path: "People/Alan Turing 2.md".into(),
                stem: "Alan Turing 2".into()
            },
        ]
    );
    let alan = &planned[3];
    assert_eq!(alan.contact.aliases, ["A. M. Turing"]);
    assert_eq!(alan.contact.phones, ["+44 1"]);
    assert_eq!(alan.folded.len(), 2);
}

#[test]
fn a_person_name_wins_over_an_email_when_two_fold() {
    let mut nameless = Incoming::named("x@y.z".into(), Naming::Email, source(1));
    nameless.emails = vec!["x@y.z".into()];
    let mut named = incoming("Xavier");
    named.emails = vec!["x@y.z".into()];
    nameless.absorb(named);
    assert_eq!(nameless.name, "Xavier");
    assert!(nameless.aliases.is_empty());
}

#[test]
fn merging_adds_only_missing_properties_and_keeps_every_byte() {
    let mut c = incoming("Ada");
    c.emails = vec!["ada@example.org".into()];
    c.company = Some("Analytical Engines".into());
    c.aliases = vec!["Augusta".into()];
    let note =
        "\u{feff}---\r\nname: Ada\r\ncompany: Mine  \r\nalias: Countess\r\n---\r\nbody  \r\n";
    let Ok(Merge::Added { text, keys }) = add_missing(note, &c) else {
        panic!("nothing merged");
    };
    assert_eq!(keys, ["email"]);
    assert_eq!(
        text,
        "\u{feff}---\r\nname: Ada\r\ncompany: Mine  \r\nalias: Countess\r\nemail: ada@example.org\r\n---\r\nbody  \r\n"
    );
    assert_eq!(add_missing(&text, &c), Ok(Merge::Nothing));
    let bare = add_missing("Just text.\n", &c).expect("merges");
    assert!(
        matches!(bare, Merge::Added { ref text, .. } if text.starts_with("---\naliases:\n") && text.ends_with("---\nJust text.\n"))
    );
}

#[test]
fn merging_refuses_front_matter_it_cannot_add_to() {
    let mut c = incoming("Ada");
    c.emails = vec!["a@b.c".into()];
    assert!(add_missing("---\n{name: Ada}\n---\n", &c).is_err());
    assert!(add_missing("---\nname: [unclosed\n---\n", &c).is_err());
    assert!(add_missing("---\nname: Ada\n", &c).is_err());
}

#[test]
fn linkedin_rows_are_read_by_their_header() {
    let header = [
        "\u{feff}First Name",
        "Last Name",
        "URL",
        "Email Address",
        "Company",
        "Position",
        "Connected On",
    ];
    let columns = Columns::of_header(&header).expect("a header");
    assert!(columns.missing().is_empty());
    let row = linkedin::read(
        &columns,
        &[
            "Ada",
            "Lovelace",
            "https://www.linkedin.com/in/ada",
            "",
            "Engines",
            "Lead",
            "12 Nov 2023",
        ],
        source(1),
    )
    .expect("a row");
    assert_eq!(row.contact.name, "Ada Lovelace");
    assert_eq!(row.contact.emails, Vec::<String>::new());
    assert_eq!(row.contact.role.as_deref(), Some("Lead"));
    assert_eq!(row.contact.last_contact, Some(Date::constant(2023, 11, 12)));
    let connected = |on: &str| {
        let row = ["Ada", "Lovelace", "", "", "", "", on];
        linkedin::read(&columns, &row, source(1)).expect("a row")
    };
    assert_eq!(
        connected("2023-11-12").contact.last_contact,
        Some(Date::constant(2023, 11, 12))
    );
    // Year 0 is a date to jiff, not to kith: the note would not read back.
    let year_zero = connected("14 Mar 0");
    assert_eq!(year_zero.contact.last_contact, None);
    assert_eq!(
        year_zero.warnings,
        ["Connected On `14 Mar 0` is not a date; left out"]
    );
    assert!(Columns::of_header(&["Notes:"]).is_none());
    let short = Columns::of_header(&["First Name", "Last Name"]).expect("a header");
    assert_eq!(short.missing().len(), 5);
    assert!(linkedin::read(&short, &["", ""], source(2)).is_err());
}
