use std::collections::HashMap;

use super::*;
use crate::core::links::Resolver;
use crate::core::note::{LinkTarget, ParsedNote, parse};

/// The vault these notes make, under the default rules (other modules' tests use it too).
pub(crate) fn vault(files: &[(&str, &str)]) -> Vault {
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
    let resolver = Resolver::new(
        notes
            .iter()
            .map(|n| n.path.as_str())
            .zip(contact_of_note.iter().copied()),
        &v.contacts,
    );
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
                "Offsite",
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
        Found::None(_) => vec![],
    };
    assert_eq!(name(find(&v, "ada lovelace")), ["Ada Lovelace"]);
    assert_eq!(name(find(&v, "countess")), ["Ada Lovelace"]);
    assert_eq!(name(find(&v, "bob")), ["Robert Kahn"]);
    assert_eq!(name(find(&v, "rob")), ["Robert Kahn"]);
    // A whole word of a name wins over the start of another's; a shared start is ambiguous.
    assert_eq!(name(find(&v, "ada")), ["Ada Lovelace"]);
    assert_eq!(name(find(&v, "ad")), ["Ada Lovelace", "Adam Smith"]);
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
    // Linked from the properties alone: the meeting's text is the conversation.
    assert_eq!(i.summary(), "Notes.");
    let text =
        "---\ndate: 2026-11-20\nattendees:\n  - \"[[Ada|Ada L]]\"\n  - \"[[Bob]]\"\n---\nNotes.\n";
    let body_start = text.find("Notes.").expect("body");
    assert_eq!(
        i.body,
        vec![Range {
            start: body_start,
            end: text.len()
        }]
    );
    let bob = contact(&v, "People/Bob.md");
    let ada_idx = v
        .contacts
        .iter()
        .position(|c| c.path == "People/Ada.md")
        .expect("ada");
    assert!(bob.links_to.contains(&ada_idx));
}

#[test]
fn mentions_follow_dated_items_plans_and_file_names() {
    let v = vault(&[
        ("People/Ada.md", ""),
        ("People/Bob.md", ""),
        ("People/Cy.md", ""),
        (
            "Notes/Running log.md",
            "## 2026-11-01 November\n\
             - 2026-11-20 coffee with [[Ada]]: she moved teams #give\n  \
               - and [[Bob]] joined\n\
             - [[Cy]] in November\n\
             - [ ] call [[Cy]] about the deck\n\
             - [x] called [[Bob]]\n",
        ),
        (
            "Daily/2026-11-18.md",
            "Lunch with [[Ada]].\n- [ ] send [[Bob]] the notes\n",
        ),
    ]);
    let seen = |path: &str| -> Vec<(String, String, usize, Vec<String>)> {
        contact(&v, path)
            .interactions
            .iter()
            .map(|i| {
                (
                    crate::core::dates::ymd(i.date),
                    i.title.clone(),
                    i.line,
                    i.tags.clone(),
                )
            })
            .collect()
    };
    // A dated list item is a scope of its own, nested items included, its date and title
    // winning over the heading's; a daily note's conversation has no title.
    assert_eq!(
        seen("People/Ada.md"),
        [
            ("2026-11-18".into(), String::new(), 1, vec![]),
            (
                "2026-11-20".into(),
                "coffee with Ada".into(),
                2,
                vec!["give".into()]
            ),
        ]
    );
    // Bob: the nested item of the dated one, and a closed task (an ordinary link); the open
    // task in the daily note is a plan, no conversation.
    assert_eq!(
        seen("People/Bob.md")
            .iter()
            .map(|(d, _, l, _)| (d.as_str(), *l))
            .collect::<Vec<_>>(),
        [("2026-11-01", 6), ("2026-11-20", 3)]
    );
    // Cy: the undated item counts under the heading; the open task does not.
    assert_eq!(
        seen("People/Cy.md"),
        [("2026-11-01".into(), "November".into(), 4, vec![])]
    );
    assert_eq!(contact(&v, "People/Cy.md").interactions[0].body.len(), 1);
}

/// The model patched from `before` to `after`, or why it could not be; and the model built
/// whole from `after`.
fn patched(before: &[(&str, &str)], after: &[(&str, &str)]) -> (Result<Vault, String>, Vault) {
    let rules = Rules::default();
    let vault = build(parse_all(before, &rules), &rules);
    let whole = build(parse_all(after, &rules), &rules);
    let patched = patch_from(vault, before, after, &mut Links::default());
    (patched, whole)
}

fn parse_all(files: &[(&str, &str)], rules: &Rules) -> Vec<ParsedNote> {
    files
        .iter()
        .map(|(p, t)| parse(p, t, &rules.contacts))
        .collect()
}

/// `vault` (the model of `before`, with `links` where its links go) patched to `after`.
fn patch_from(
    mut vault: Vault,
    before: &[(&str, &str)],
    after: &[(&str, &str)],
    links: &mut Links,
) -> Result<Vault, String> {
    let rules = Rules::default();
    let text_before: HashMap<&str, &str> = before.iter().copied().collect();
    let text_after: HashMap<&str, &str> = after.iter().copied().collect();
    let gone: Vec<&str> = before
        .iter()
        .filter(|(p, t)| text_after.get(p) != Some(t))
        .map(|(p, _)| *p)
        .collect();
    let read: Vec<Prepared> = after
        .iter()
        .filter(|(p, t)| text_before.get(p) != Some(t))
        .map(|(p, t)| prepare(parse(p, t, &rules.contacts), &rules))
        .collect();
    let (b, a) = (listed(before), listed(after));
    let b: Vec<(&str, bool)> = b.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let a: Vec<(&str, bool)> = a.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let change = Change {
        gone: &gone,
        read,
        before: &b,
        after: &a,
    };
    patch(&mut vault, change, links)
        .map(|()| vault)
        .map_err(|e| e.to_string())
}

/// The notes of `files` as (path, is a contact), sorted by path.
fn listed(files: &[(&str, &str)]) -> Vec<(String, bool)> {
    let rules = Rules::default();
    let mut l: Vec<(String, bool)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), parse(p, t, &rules.contacts).is_contact))
        .collect();
    l.sort();
    l
}

fn assert_patches(before: &[(&str, &str)], after: &[(&str, &str)]) -> Vault {
    let (patched, whole) = patched(before, after);
    let patched = patched.expect("patchable");
    assert_eq!(format!("{patched:#?}"), format!("{whole:#?}"));
    patched
}

const ADA: (&str, &str) = (
    "People/Ada.md",
    "---\naliases: [Countess]\ntags: [person]\n---\n## 2026-11-01 Coffee\nTalked [[Bob]].\n- [ ] send paper to [[Bob]]\n",
);
const BOB: (&str, &str) = (
    "People/Bob.md",
    "---\nname: Robert\n---\n- 2026-10-02 Lunch: fine\n",
);
const DAILY: (&str, &str) = (
    "Daily/2026-11-20.md",
    "Met [[Countess]] and [[Bob|him]].\n\n- [ ] call [[Zed]] #ask\n",
);

#[test]
fn patch_edits_additions_and_removals_as_a_whole_build_would() {
    let base = [ADA, BOB, DAILY];
    // An entry added to a contact's log, keeping the mentions from the daily note.
    let ada2 = (
        ADA.0,
        "---\naliases: [Countess]\n---\n## 2026-11-01 Coffee\nTalked.\n## 2026-11-21 Call #give\nAgain [[Bob]].\n",
    );
    let v = assert_patches(&base, &[ada2, BOB, DAILY]);
    assert_eq!(contact(&v, ADA.0).interactions.len(), 3);
    // A daily note edited and a meeting note added.
    let daily2 = (
        DAILY.0,
        "## 2026-11-20 Sync\nWith [[Bob]] - [ ] ask [[Ada]] due:: 2026-13-01\n",
    );
    let meeting = ("Meetings/2026-11-22 Board.md", "Notes with [[Ada]].\n");
    assert_patches(&base, &[ADA, BOB, daily2, meeting]);
    // A note removed.
    assert_patches(&base, &[ADA, BOB]);
    // A new contact before the others: every index after it moves.
    let aaron = ("People/Aaron.md", "Knows [[Bob]].\n## 2026-01-02 Met\n");
    let v = assert_patches(&base, &[aaron, ADA, BOB, DAILY]);
    assert_eq!(v.contacts[0].path, "People/Aaron.md");
    assert!(contact(&v, ADA.0).links_to.contains(&2));
    // A note moved to another folder, unchanged.
    assert_patches(&base, &[ADA, BOB, ("Archive/2026-11-20.md", DAILY.1)]);
}

#[test]
fn patch_refuses_what_could_move_links_elsewhere() {
    let base = [ADA, BOB, DAILY];
    let refused = |after: &[(&str, &str)], why: &str| {
        let err = patched(&base, after).0.expect_err("a whole build");
        assert!(err.contains(why), "{err}");
    };
    // `[[Zed]]` in the daily note reaches no one yet.
    refused(
        &[ADA, BOB, DAILY, ("People/Zed.md", "")],
        "may change where links go",
    );
    refused(
        &[ADA, BOB, DAILY, ("Topics/Countess.md", "")],
        "may change where links go",
    );
    refused(&[ADA, DAILY], "was removed or renamed");
    refused(
        &[ADA, ("People/Bob.md", "---\nname: Bobby\n---\n"), DAILY],
        "was removed or renamed",
    );
    refused(
        &[ADA, BOB, (DAILY.0, "---\ntags: [person]\n---\n")],
        "became or stopped being a contact",
    );
}

mod patch_property {
    use super::*;
    use proptest::prelude::*;

    const PATHS: [&str; 8] = [
        "People/Ada.md",
        "People/Bob.md",
        "People/Cy.md",
        "Topics/Ada.md",
        "Daily/2026-11-01.md",
        "Daily/2026-11-02.md",
        "Meetings/Sync.md",
        "Archive/Sync.md",
    ];
    const FRONT: [&str; 6] = [
        "",
        "---\nname: Robert\n---\n",
        "---\naliases: [Countess]\n---\n",
        "---\ntags: [person]\n---\n",
        "---\nname: Ada\naliases: [Bob, Cy]\n---\n",
        "---\ndate: 2026-11-03\n---\n",
    ];
    const LINKS: [&str; 9] = [
        "[[Ada]]",
        "[[Bob]]",
        "[[Robert]]",
        "[[Countess]]",
        "[[Cy]]",
        "[[Zed]]",
        "[[People/Ada]]",
        "[b](../People/Bob.md)",
        "[[Sync]]",
    ];

    /// A note's text from small numbers: a front-matter and lines of log, mentions, tasks.
    fn text((front, lines): &(usize, Vec<(u8, usize, u8)>)) -> String {
        let mut t = FRONT[*front].to_string();
        for (kind, link, day) in lines {
            let link = LINKS[*link];
            let day = day % 28 + 1;
            t += &match kind % 4 {
                0 => format!("## 2026-11-{day:02} Talk {link}\n"),
                1 => format!("- [ ] call {link} 📅 2026-12-{day:02}\n"),
                2 => format!("Met {link} #ask\n"),
                _ => format!("- 2026-10-{day:02} Lunch: with {link}\n"),
            };
        }
        t
    }

    /// A note as small numbers: its front-matter and its lines (see [`text`]).
    type Spec = Option<(usize, Vec<(u8, usize, u8)>)>;

    fn note() -> impl Strategy<Value = (usize, Vec<(u8, usize, u8)>)> {
        (
            0..FRONT.len(),
            prop::collection::vec((any::<u8>(), 0..LINKS.len(), any::<u8>()), 0..4),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Whenever a change can be patched in, the patched model is the one a whole build
        /// gives.
        #[test]
        fn a_patched_model_is_the_whole_model(
            before in prop::collection::vec(prop::option::of(note()), PATHS.len()),
            edits in prop::collection::vec((0u8..4, prop::option::of(note())), PATHS.len()),
        ) {
            // Most files stay as they were; some keep their front-matter (and so what
            // they are) with new lines; some are replaced, added or removed.
            let after: Vec<Option<String>> = before
                .iter()
                .zip(&edits)
                .map(|(b, (how, new))| match (how, b, new) {
                    (0, _, new) => new.as_ref().map(text),
                    (1, Some(b), Some(new)) => Some(text(&(b.0, new.1.clone()))),
                    (_, b, _) => b.as_ref().map(text),
                })
                .collect();
            let before: Vec<Option<String>> = before.iter().map(|n| n.as_ref().map(text)).collect();
            let files = |texts: &[Option<String>]| -> Vec<(&str, String)> {
                PATHS.iter().zip(texts).filter_map(|(p, t)| Some((*p, t.clone()?))).collect()
            };
            let (b, a) = (files(&before), files(&after));
            let b: Vec<(&str, &str)> = b.iter().map(|(p, t)| (*p, t.as_str())).collect();
            let a: Vec<(&str, &str)> = a.iter().map(|(p, t)| (*p, t.as_str())).collect();
            let (patched, whole) = patched(&b, &a);
            if let Ok(patched) = patched {
                prop_assert_eq!(format!("{patched:#?}"), format!("{whole:#?}"));
            }
        }

        /// A chain of patches with the links kept between them (as `kith watch` keeps them)
        /// gives the whole model at every step.
        #[test]
        fn kept_links_give_the_whole_model(
            start in prop::collection::vec(prop::option::of(note()), PATHS.len()),
            steps in prop::collection::vec(
                prop::collection::vec((0u8..6, prop::option::of(note())), PATHS.len()),
                1..5,
            ),
        ) {
            let rules = Rules::default();
            let mut texts: Vec<Spec> = start;
            let files = |texts: &[Spec]| -> Vec<(&str, String)> {
                PATHS.iter().zip(texts).filter_map(|(p, t)| Some((*p, text(t.as_ref()?)))).collect()
            };
            let first = files(&texts);
            let first: Vec<(&str, &str)> = first.iter().map(|(p, t)| (*p, t.as_str())).collect();
            let mut vault = build(parse_all(&first, &rules), &rules);
            let mut links = Links::of(&vault, &listed(&first).iter().map(|(p, c)| (p.as_str(), *c)).collect::<Vec<_>>());
            for edits in steps {
                // Mostly new lines under the same front-matter (what an edit in a watched
                // vault is); now and then a note replaced, added or removed.
                let next: Vec<_> = texts
                    .iter()
                    .zip(&edits)
                    .map(|(b, (how, new))| match (how, b, new) {
                        (0, _, new) => new.clone(),
                        (1..=3, Some(b), Some(new)) => Some((b.0, new.1.clone())),
                        (_, b, _) => b.clone(),
                    })
                    .collect();
                let (b, a) = (files(&texts), files(&next));
                let b: Vec<(&str, &str)> = b.iter().map(|(p, t)| (*p, t.as_str())).collect();
                let a: Vec<(&str, &str)> = a.iter().map(|(p, t)| (*p, t.as_str())).collect();
                let whole = build(parse_all(&a, &rules), &rules);
                vault = match patch_from(vault, &b, &a, &mut links) {
                    Ok(patched) => {
                        prop_assert_eq!(format!("{patched:#?}"), format!("{whole:#?}"));
                        patched
                    }
                    // What a watcher does when a change cannot be patched in.
                    Err(_) => {
                        let l = listed(&a);
                        links = Links::of(&whole, &l.iter().map(|(p, c)| (p.as_str(), *c)).collect::<Vec<_>>());
                        whole
                    }
                };
                texts = next;
            }
        }
    }
}
