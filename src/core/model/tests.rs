use super::*;
use crate::core::note::parse;

fn vault(files: &[(&str, &str)]) -> Vault {
    let rules = Rules::default();
    let notes = files
        .iter()
        .map(|(path, text)| parse(path, text, &rules.contacts))
        .collect();
    build(notes, &rules)
}

fn contact<'a>(v: &'a Vault, path: &str) -> &'a Contact {
    v.contacts
        .iter()
        .find(|c| c.path == path)
        .unwrap_or_else(|| panic!("no contact {path}"))
}

#[test]
fn link_resolution_table() {
    let v = vault(&[
        (
            "People/Ada Lovelace.md",
            "---\naliases: [Countess, Ada L]\n---\n",
        ),
        (
            "People/Bob.md",
            "---\nname: Robert Kahn\naliases: Rob\n---\n",
        ),
        ("People/Work/Zoë Ångström.md", ""),
        ("Topics/Rust.md", ""),
        ("People/Rusty.md", "---\naliases: [Rust]\n---\n"),
    ]);
    let rules = Rules::default();
    let files = [
        ("People/Ada Lovelace.md", ""),
        ("People/Bob.md", ""),
        ("People/Work/Zoë Ångström.md", ""),
        ("Topics/Rust.md", ""),
        ("People/Rusty.md", ""),
    ];
    let notes: Vec<ParsedNote> = files
        .iter()
        .map(|(p, t)| parse(p, t, &rules.contacts))
        .collect();
    let contact_of_note: Vec<Option<usize>> = notes
        .iter()
        .map(|n| v.contacts.iter().position(|c| c.path == n.path))
        .collect();
    let resolver = Resolver::new(&notes, &contact_of_note, &v.contacts);
    let idx = |path: &str| v.contacts.iter().position(|c| c.path == path);
    let wiki = |t: &str| LinkTarget {
        target: t.to_string(),
        markdown: false,
    };
    let md = |t: &str| LinkTarget {
        target: t.to_string(),
        markdown: true,
    };
    let table = [
        (
            wiki("Ada Lovelace"),
            "Daily/x.md",
            idx("People/Ada Lovelace.md"),
        ),
        (
            wiki("ada lovelace"),
            "Daily/x.md",
            idx("People/Ada Lovelace.md"),
        ),
        (
            wiki("Countess"),
            "Daily/x.md",
            idx("People/Ada Lovelace.md"),
        ),
        (
            wiki("People/Ada Lovelace"),
            "Daily/x.md",
            idx("People/Ada Lovelace.md"),
        ),
        (
            wiki("Ada Lovelace.md"),
            "Daily/x.md",
            idx("People/Ada Lovelace.md"),
        ),
        (wiki("Robert Kahn"), "Daily/x.md", idx("People/Bob.md")),
        (wiki("Rob"), "Daily/x.md", idx("People/Bob.md")),
        (wiki("Bob"), "Daily/x.md", idx("People/Bob.md")),
        // NFD spelling of an NFC file name, and a partial path.
        (
            wiki("Zoe\u{0308} Ångström"),
            "Daily/x.md",
            idx("People/Work/Zoë Ångström.md"),
        ),
        (
            wiki("Work/Zoë Ångström"),
            "Daily/x.md",
            idx("People/Work/Zoë Ångström.md"),
        ),
        (md("../People/Bob.md"), "Daily/x.md", idx("People/Bob.md")),
        (md("People/Bob.md"), "Home.md", idx("People/Bob.md")),
        (md("Bob.md"), "People/Other.md", idx("People/Bob.md")),
        (md("../../outside.md"), "Daily/x.md", None),
        // A note named Rust exists: the link reaches it, not the contact aliased Rust.
        (wiki("Rust"), "Daily/x.md", None),
        (wiki("Nobody"), "Daily/x.md", None),
    ];
    for (link, from, want) in table {
        assert_eq!(resolver.resolve(&link, from), want, "{link:?} from {from}");
    }
}

#[test]
fn typed_properties_with_warnings_for_wrong_values() {
    let v = vault(&[(
        "People/Ada.md",
        "---\nname: Ada Lovelace\ntier: Z\ncadence: 0w\nbirthday: 1815-13-10\nlast_contact: soon\n\
         status: sleeping\nmilestones: [\"2019-11-25 joined Stripe\", \"someday nothing\"]\n\
         interests: [Rust, Poetry]\ntags: [person, rust]\ncompany: [a, b]\n---\n",
    )]);
    let c = contact(&v, "People/Ada.md");
    assert_eq!(c.name, "Ada Lovelace");
    assert_eq!(c.tier, "B");
    assert_eq!(c.cadence.to_string(), "3mo");
    assert_eq!(c.birthday, None);
    assert_eq!(c.status, Status::Active);
    assert_eq!(c.milestones.len(), 1);
    assert_eq!(c.topics, ["poetry", "rust"]);
    let lines: Vec<_> = v.problems.iter().map(|p| p.line.unwrap_or(0)).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 11], "{:#?}", v.problems);
    assert!(
        v.problems
            .iter()
            .all(|p| p.severity == crate::core::problem::Severity::Warning)
    );
}

#[test]
fn mentions_group_by_contact_and_scope() {
    let v = vault(&[
        ("People/Ada.md", "- 2026-10-01 call\n"),
        ("People/Bob.md", ""),
        (
            "Meetings/2026-11-12 Offsite.md",
            "Intro with [[Ada]].\n\nAgain [[Ada|her]] and [[Bob]].\n\n## 2026-11-13 Day two\n- [[Ada]] spoke\n\n\
             ## Undated heading\nStill the 12th for [[Bob]]\n",
        ),
        ("Topics/Undated.md", "About [[Ada]]\n"),
    ]);
    let ada = contact(&v, "People/Ada.md");
    let got: Vec<_> = ada
        .interactions
        .iter()
        .map(|i| {
            (
                crate::core::dates::ymd(i.date),
                i.title.as_str(),
                &*i.path,
                i.line,
                i.mention,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2026-10-01".into(), "call", "People/Ada.md", 1, false),
            (
                "2026-11-12".into(),
                "2026-11-12 Offsite",
                "Meetings/2026-11-12 Offsite.md",
                1,
                true
            ),
            (
                "2026-11-13".into(),
                "Day two",
                "Meetings/2026-11-12 Offsite.md",
                6,
                true
            ),
        ]
    );
    assert_eq!(ada.interactions[1].summary(), "Intro with Ada.");
    let bob = contact(&v, "People/Bob.md");
    assert_eq!(
        bob.interactions.len(),
        1,
        "one scope outside dated headings"
    );
    assert_eq!(bob.interactions[0].line, 3);
}

#[test]
fn tasks_belong_to_their_note_or_first_linked_contact() {
    let v = vault(&[
        ("People/Ada.md", "- [ ] Send the summary 📅 2026-11-20\n"),
        ("People/Bob.md", ""),
        (
            "Daily/2026-11-20.md",
            "- [ ] Call [[Bob]] about [[Ada]]\n- [ ] Buy milk\n",
        ),
    ]);
    assert_eq!(contact(&v, "People/Ada.md").tasks.len(), 1);
    let bob = contact(&v, "People/Bob.md");
    assert_eq!(bob.tasks.len(), 1);
    assert_eq!(bob.tasks[0].text, "Call Bob about Ada");
    assert_eq!(&*bob.tasks[0].path, "Daily/2026-11-20.md");
}

#[test]
fn links_between_contacts_and_path_qualified_wikilinks() {
    let v = vault(&[
        ("People/Ada.md", "Knows [[Bob]] well.\n"),
        ("People/Bob.md", "---\nname: Robert\n---\n"),
        ("People/Work/Max.md", ""),
        ("Projects/Max.md", ""),
    ]);
    let ada = contact(&v, "People/Ada.md");
    let bob_idx = v.contacts.iter().position(|c| c.path == "People/Bob.md");
    assert_eq!(
        ada.links_to.iter().copied().collect::<Vec<_>>(),
        [bob_idx.expect("bob")]
    );
    assert_eq!(ada.wikilink(), "[[Ada]]");
    assert_eq!(contact(&v, "People/Bob.md").wikilink(), "[[Bob|Robert]]");
    assert_eq!(
        contact(&v, "People/Work/Max.md").wikilink(),
        "[[People/Work/Max|Max]]"
    );
}

#[test]
fn find_by_name_alias_stem_or_prefix() {
    let v = vault(&[
        ("People/Ada Lovelace.md", "---\naliases: [Countess]\n---\n"),
        ("People/Adam Smith.md", ""),
        ("People/Bob.md", "---\nname: Robert Kahn\n---\n"),
    ]);
    let name = |f: Found| match f {
        Found::One(i) => vec![v.contacts[i].name.clone()],
        Found::Many(m) => m.into_iter().map(|i| v.contacts[i].name.clone()).collect(),
        Found::None => vec![],
    };
    assert_eq!(name(find(&v, "ada lovelace")), ["Ada Lovelace"]);
    assert_eq!(name(find(&v, "countess")), ["Ada Lovelace"]);
    assert_eq!(name(find(&v, "bob")), ["Robert Kahn"]);
    assert_eq!(name(find(&v, "rob")), ["Robert Kahn"]);
    assert_eq!(name(find(&v, "ada")), ["Ada Lovelace", "Adam Smith"]);
    assert_eq!(name(find(&v, "zed")), Vec::<String>::new());
}

#[test]
fn links_in_properties_are_links() {
    let v = vault(&[
        ("People/Ada.md", ""),
        ("People/Bob.md", "---\nknows: \"[[Ada]]\"\n---\n"),
        (
            "Meetings/Sync.md",
            "---\ndate: 2026-11-20\nattendees:\n  - \"[[Ada|Ada L]]\"\n  - \"[[Bob]]\"\n---\nNotes.\n",
        ),
    ]);
    let ada = contact(&v, "People/Ada.md");
    assert_eq!(ada.interactions.len(), 1);
    let i = &ada.interactions[0];
    assert_eq!((&*i.path, i.line), ("Meetings/Sync.md", 3));
    assert_eq!(i.summary(), "attendees: Ada L, Bob");
    let bob = contact(&v, "People/Bob.md");
    let ada_idx = v
        .contacts
        .iter()
        .position(|c| c.path == "People/Ada.md")
        .expect("ada");
    assert!(bob.links_to.contains(&ada_idx));
}
