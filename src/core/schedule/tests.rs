use super::*;
use crate::core::dates::{parse_date, ymd};
use crate::core::model::build;
use crate::core::note::parse;

fn d(s: &str) -> Date {
    parse_date(s).expect("test date")
}

fn week_of_files(files: &[(&str, &str)], today: &str) -> (Vault, Week) {
    let rules = Rules::default();
    let notes = files
        .iter()
        .map(|(path, text)| parse(path, text, &rules.contacts))
        .collect();
    let vault = build(notes, &rules);
    let week = week(&vault, &rules, d(today));
    (vault, week)
}

fn names(vault: &Vault, indexes: impl IntoIterator<Item = usize>) -> Vec<String> {
    indexes
        .into_iter()
        .map(|i| vault.contacts[i].name.clone())
        .collect()
}

#[test]
fn check_ins_are_ordered_by_tier_reason_due_and_name() {
    let (v, w) = week_of_files(
        &[
            ("People/B due.md", "---\ntier: B\n---\n- 2026-08-25 call\n"),
            ("People/A never.md", "---\ntier: A\n---\n"),
            (
                "People/A overdue.md",
                "---\ntier: A\n---\n- 2026-09-02 coffee: hi\n- [ ] Send it\n",
            ),
            (
                "People/C overdue.md",
                "---\ntier: C\n---\n- 2026-01-01 call\n",
            ),
            ("People/A fine.md", "---\ntier: A\n---\n- 2026-11-20 call\n"),
            (
                "People/A planned.md",
                "---\ntier: A\n---\n- 2026-01-01 call\n- 2026-12-24 dinner\n",
            ),
            (
                "People/A snoozed.md",
                "---\ntier: A\nsnooze_until: 2026-12-01\n---\n- 2026-01-01 call\n",
            ),
            (
                "People/A dormant.md",
                "---\ntier: A\nstatus: dormant\n---\n",
            ),
            (
                "People/A never cadence.md",
                "---\ntier: A\ncadence: never\n---\n",
            ),
        ],
        "2026-11-23",
    );
    let got: Vec<_> = w
        .check_ins
        .iter()
        .map(|c| {
            (
                v.contacts[c.contact].name.as_str(),
                c.reason,
                ymd(c.next_due),
                c.days_overdue,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("A overdue", Reason::Overdue, "2026-10-14".to_string(), 40),
            ("A never", Reason::Never, "2026-11-23".to_string(), 0),
            ("B due", Reason::Due, "2026-11-25".to_string(), 0),
            ("C overdue", Reason::Overdue, "2026-07-01".to_string(), 145),
        ]
    );
    let first = &w.check_ins[0];
    assert_eq!(first.last_contact, Some(d("2026-09-02")));
    assert!(first.last_interaction.is_some());
    assert_eq!(first.open_tasks.len(), 1);
}

#[test]
fn last_contact_is_the_later_of_property_and_log() {
    let (v, _) = week_of_files(
        &[
            (
                "People/P.md",
                "---\nlast_contact: 2026-10-01\n---\n- 2026-09-01 call\n",
            ),
            (
                "People/L.md",
                "---\nlast_contact: 2026-08-01\n---\n- 2026-09-01 call\n- 2026-12-01 later\n",
            ),
        ],
        "2026-11-23",
    );
    let today = d("2026-11-23");
    assert_eq!(last_contact(&v.contacts[1], today), Some(d("2026-10-01")));
    assert_eq!(last_contact(&v.contacts[0], today), Some(d("2026-09-01")));
}

#[test]
fn planned_lists_interactions_inside_the_week() {
    let (v, w) = week_of_files(
        &[
            ("People/Zed.md", "- 2026-11-26 lunch\n- 2026-12-10 later\n"),
            ("People/Amy.md", "- 2026-11-26 coffee\n- 2026-11-23 today\n"),
        ],
        "2026-11-23",
    );
    let got: Vec<_> = w
        .planned
        .iter()
        .map(|p| {
            let i = &v.contacts[p.contact].interactions[p.interaction];
            (v.contacts[p.contact].name.as_str(), i.title.as_str())
        })
        .collect();
    assert_eq!(got, [("Amy", "coffee"), ("Zed", "lunch")]);
    assert!(w.check_ins.is_empty());
}

#[test]
fn promises_are_open_tasks_due_by_the_week_end() {
    let (v, w) = week_of_files(
        &[
            (
                "People/Bea.md",
                "- [ ] b1 📅 2026-11-20\n- [ ] b2 📅 2026-11-29\n- [ ] b3 📅 2026-11-30\n- [x] done 📅 2026-11-20\n",
            ),
            (
                "People/Abe.md",
                "- [ ] a2 📅 2026-11-29\n- [ ] a1 📅 2026-11-29\n",
            ),
        ],
        "2026-11-23",
    );
    let got: Vec<_> = w
        .promises
        .iter()
        .map(|p| {
            let t = &v.contacts[p.contact].tasks[p.task];
            (t.text.as_str(), p.overdue, p.days_overdue)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("b1", true, 3),
            ("a2", false, 0),
            ("a1", false, 0),
            ("b2", false, 0)
        ]
    );
}

#[test]
fn celebrations_count_years_and_fall_back_from_29_february() {
    let files = [
        ("People/Leap.md", "---\nbirthday: 1988-02-29\n---\n"),
        ("People/NoYear.md", "---\nbirthday: --02-27\n---\n"),
        (
            "People/Job.md",
            "---\nmilestones: [\"2019-02-26 joined Stripe\", \"2027-02-25 too new\"]\n---\n",
        ),
        (
            "People/Gone.md",
            "---\nstatus: archived\nbirthday: 1990-02-24\n---\n",
        ),
        (
            "People/Resting.md",
            "---\nstatus: dormant\nbirthday: 1990-02-24\n---\n",
        ),
    ];
    let (v, w) = week_of_files(&files, "2027-02-24");
    let got: Vec<_> = w
        .celebrations
        .iter()
        .map(|c| {
            (
                v.contacts[c.contact].name.as_str(),
                c.what.as_str(),
                ymd(c.date),
                c.years,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Resting", "birthday", "2027-02-24".to_string(), Some(37)),
            ("Job", "joined Stripe", "2027-02-26".to_string(), Some(8)),
            ("NoYear", "birthday", "2027-02-27".to_string(), None),
            ("Leap", "birthday", "2027-02-28".to_string(), Some(39)),
        ]
    );
    // In a leap year, 29 February is the day.
    let (_, w) = week_of_files(&files[..1], "2028-02-28");
    assert_eq!(
        w.celebrations
            .iter()
            .map(|c| ymd(c.date))
            .collect::<Vec<_>>(),
        ["2028-02-29"]
    );
    // Across the new year.
    let (_, w) = week_of_files(
        &[("People/Jan.md", "---\nbirthday: 1990-01-02\n---\n")],
        "2026-12-30",
    );
    assert_eq!(w.celebrations[0].years, Some(37));
}

#[test]
fn exchange_warnings_count_asks_since_the_last_give() {
    let (v, w) = week_of_files(
        &[
            (
                "People/Taker.md",
                "- 2026-01-01 a #give\n- 2026-02-01 b #ask\n- 2026-03-01 c\n- 2026-04-01 d #ask\n- 2026-05-01 e #ASK\n- 2026-12-01 f #give\n",
            ),
            (
                "People/Fair.md",
                "- 2026-01-01 a #ask\n- 2026-02-01 b #ask\n- 2026-03-01 c #gave\n- 2026-04-01 d #ask\n",
            ),
        ],
        "2026-11-23",
    );
    let got: Vec<_> = w
        .exchange_warnings
        .iter()
        .map(|x| (v.contacts[x.contact].name.as_str(), x.asks_in_a_row))
        .collect();
    assert_eq!(got, [("Taker", 3)]);
}

#[test]
fn introductions_rank_shared_topics_and_skip_linked_pairs() {
    let (v, w) = week_of_files(
        &[
            (
                "People/Ann.md",
                "---\ninterests: [rust, compilers, go]\ntags: [person]\n---\n",
            ),
            (
                "People/Ben.md",
                "---\ninterests: [Rust, Compilers, GO]\n---\n",
            ),
            (
                "People/Cat.md",
                "---\ntags: [rust, compilers]\n---\nSee [[Ann]].\n",
            ),
            ("People/Dan.md", "---\ninterests: [rust, compilers]\n---\n"),
            (
                "People/Eve.md",
                "---\ninterests: [rust, compilers]\nstatus: dormant\n---\n",
            ),
            ("People/Fay.md", "---\ninterests: [rust]\n---\n"),
        ],
        "2026-11-23",
    );
    let got: Vec<_> = w
        .introductions
        .iter()
        .map(|i| (names(&v, [i.a, i.b]), i.shared.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                vec!["Ann".to_string(), "Ben".to_string()],
                vec![
                    "compilers".to_string(),
                    "go".to_string(),
                    "rust".to_string()
                ]
            ),
            (
                vec!["Ann".to_string(), "Dan".to_string()],
                vec!["compilers".to_string(), "rust".to_string()]
            ),
            (
                vec!["Ben".to_string(), "Cat".to_string()],
                vec!["compilers".to_string(), "rust".to_string()]
            ),
        ]
    );
}

#[test]
fn health_counts() {
    let (_, w) = week_of_files(
        &[
            ("People/A1.md", "---\ntier: A\n---\n"),
            (
                "People/A2.md",
                "---\ntier: A\nlast_contact: 2026-01-01\n---\n",
            ),
            ("People/A3.md", "---\ntier: A\nstatus: archived\n---\n"),
            ("People/Bad.md", "---\ntier: [x\n---\n"),
            // Only a planned conversation: not contacted yet, as its check-in reason says.
            ("People/Plan.md", "- 2026-12-01 lunch\n"),
        ],
        "2026-11-23",
    );
    assert_eq!(w.health.contacts, 5);
    assert_eq!(w.health.never_contacted, 3);
    assert_eq!(w.health.problems, 1);
    assert!(w.health.over_capacity.is_empty());
    assert_eq!(w.label, "2026-W48");
}

mod introductions_property {
    use super::*;
    use proptest::prelude::*;

    const TOPICS: [&str; 6] = ["rust", "go", "chess", "jazz", "ai", "tea"];

    /// Every pair, counted the slow way: the list the fast search must give.
    fn brute_force(vault: &Vault, rules: &Rules) -> Vec<(usize, usize, Vec<String>)> {
        let c = &vault.contacts;
        let mut pairs = Vec::new();
        for a in 0..c.len() {
            for b in a + 1..c.len() {
                let ok = |i: usize| c[i].status == Status::Active;
                if !ok(a) || !ok(b) || c[a].links_to.contains(&b) || c[b].links_to.contains(&a) {
                    continue;
                }
                let shared: Vec<String> = c[a]
                    .topics
                    .iter()
                    .filter(|t| c[b].topics.contains(t))
                    .cloned()
                    .collect();
                if shared.len() >= rules.min_shared.max(1) {
                    let (x, y) = if by_name(&c[a], &c[b]).is_lt() {
                        (a, b)
                    } else {
                        (b, a)
                    };
                    pairs.push((x, y, shared));
                }
            }
        }
        pairs.sort_by(|p, q| {
            q.2.len()
                .cmp(&p.2.len())
                .then_with(|| by_name(&c[p.0], &c[q.0]))
                .then_with(|| by_name(&c[p.1], &c[q.1]))
        });
        pairs.truncate(rules.max_introductions);
        pairs
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn introductions_are_the_best_pairs(
            people in prop::collection::vec(
                (prop::collection::btree_set(0..TOPICS.len(), 0..5), 0u8..6, prop::option::of(0usize..12)),
                0..12,
            ),
            min_shared in 0usize..4,
            max in 0usize..6,
        ) {
            let files: Vec<(String, String)> = people
                .iter()
                .enumerate()
                .map(|(i, (topics, name, link))| {
                    let topics: Vec<&str> = topics.iter().map(|&t| TOPICS[t]).collect();
                    let status = if *name == 5 { "\nstatus: dormant" } else { "" };
                    let link = link.map(|l| format!("See [[P{l}]].\n")).unwrap_or_default();
                    // Names repeat (ties are broken by path).
                    (
                        format!("People/P{i}.md"),
                        format!("---\nname: N{name}\ninterests: [{}]{status}\n---\n{link}", topics.join(", ")),
                    )
                })
                .collect();
            let rules = Rules { min_shared, max_introductions: max, ..Rules::default() };
            let notes = files.iter().map(|(p, t)| parse(p, t, &rules.contacts)).collect();
            let vault = build(notes, &rules);
            let got: Vec<(usize, usize, Vec<String>)> = introductions(&vault, &rules)
                .into_iter()
                .map(|i| (i.a, i.b, i.shared))
                .collect();
            prop_assert_eq!(got, brute_force(&vault, &rules));
        }
    }
}

#[test]
fn a_kept_memo_gives_the_week_a_fresh_one_would() {
    let (mut v, _) = week_of_files(
        &[
            ("People/Ann.md", "---\ninterests: [rust, go, chess]\n---\n"),
            ("People/Ben.md", "---\ninterests: [rust, go]\n---\n"),
            ("People/Cat.md", "---\ninterests: [rust, chess]\n---\n"),
            ("People/Dan.md", "---\ninterests: [go, chess]\n---\n"),
        ],
        "2026-11-23",
    );
    let rules = Rules {
        max_introductions: 1,
        ..Rules::default()
    };
    let today = d("2026-11-23");
    let mut memo = Memo::default();
    let mut check = |v: &Vault| {
        let kept = week_with(v, &rules, today, &mut memo);
        assert_eq!(kept, week(v, &rules, today));
        kept.introductions
            .iter()
            .map(|i| names(v, [i.a, i.b]).join("+"))
            .collect::<Vec<_>>()
    };
    assert_eq!(check(&v), ["Ann+Ben"]);
    // Each thing introductions read, changed in turn.
    v.contacts[1].topics = vec!["tea".into()];
    assert_eq!(check(&v), ["Ann+Cat"]);
    v.contacts[0].links_to.insert(2);
    assert_eq!(check(&v), ["Ann+Dan"]);
    v.contacts[3].status = Status::Dormant;
    assert_eq!(check(&v), Vec::<String>::new());
    v.contacts[3].status = Status::Active;
    v.contacts[0].name = "Zed".into();
    v.contacts[0].name_key = "zed".into();
    assert_eq!(check(&v), ["Dan+Zed"]);
}

#[test]
fn due_today_is_due_not_overdue_by_zero_days() {
    // Tier A (6 weeks): met 2026-10-12, due 2026-11-23, today.
    let (v, w) = week_of_files(
        &[
            ("People/Ada.md", "---\ntier: A\n---\n- 2026-10-12 call\n"),
            ("People/Bob.md", "---\ntier: A\n---\n- 2026-10-11 call\n"),
            (
                "People/Cy.md",
                "---\ncadence: never\n---\n- [ ] today 📅 2026-11-23\n- [ ] yesterday 📅 2026-11-22\n",
            ),
        ],
        "2026-11-23",
    );
    let check_ins: Vec<_> = w
        .check_ins
        .iter()
        .map(|c| {
            (
                v.contacts[c.contact].name.as_str(),
                c.reason,
                c.days_overdue,
            )
        })
        .collect();
    assert_eq!(
        check_ins,
        [("Bob", Reason::Overdue, 1), ("Ada", Reason::Due, 0)]
    );
    let promises: Vec<_> = w
        .promises
        .iter()
        .map(|p| (v.contacts[p.contact].tasks[p.task].text.as_str(), p.overdue))
        .collect();
    assert_eq!(promises, [("yesterday", true), ("today", false)]);
}

#[test]
fn a_conversation_tagged_ask_and_give_counts_as_a_give() {
    let asks = |log: &str| {
        let (_, w) = week_of_files(&[("People/Ada.md", log)], "2026-11-23");
        w.exchange_warnings.first().map(|x| x.asks_in_a_row)
    };
    let three_asks = "- 2026-01-01 a #ask\n- 2026-02-01 b #ask\n- 2026-03-01 c #ask\n";
    assert_eq!(asks(three_asks), Some(3));
    assert_eq!(
        asks(&format!("{three_asks}- 2026-04-01 d #ask #give\n")),
        None
    );
    assert_eq!(
        asks(&format!("{three_asks}- 2026-04-01 d #give #ask\n")),
        None
    );
}

#[test]
fn next_due_is_last_contact_plus_cadence_or_today_moved_by_a_later_snooze() {
    let (v, _) = week_of_files(
        &[
            ("People/Ada.md", "---\ntier: A\n---\n- 2026-10-12 call\n"),
            ("People/Bob.md", "---\ntier: A\n---\n"),
            (
                "People/Cy.md",
                "---\ncadence: never\n---\n- 2026-10-12 call\n",
            ),
            (
                "People/Di.md",
                "---\ntier: A\nsnooze_until: 2026-12-01\n---\n- 2026-10-12 call\n",
            ),
            (
                "People/Ed.md",
                "---\ntier: A\nsnooze_until: 2026-11-01\n---\n- 2026-10-12 call\n",
            ),
        ],
        "2026-11-23",
    );
    let due: Vec<_> = v
        .contacts
        .iter()
        .map(|c| (c.name.as_str(), next_due(c, d("2026-11-23"))))
        .collect();
    assert_eq!(
        due,
        [
            ("Ada", Some(d("2026-11-23"))),
            ("Bob", Some(d("2026-11-23"))),
            ("Cy", None),
            ("Di", Some(d("2026-12-01"))),
            ("Ed", Some(d("2026-11-23"))),
        ]
    );
}

#[test]
fn the_last_interaction_is_the_latest_up_to_today() {
    let (v, _) = week_of_files(
        &[(
            "People/Ada.md",
            "- 2026-09-01 a\n- 2026-10-01 b\n- 2026-11-23 c\n- 2026-12-01 planned\n",
        )],
        "2026-11-23",
    );
    let ada = &v.contacts[0];
    assert_eq!(last_interaction(ada, d("2026-11-23")), Some(2));
    assert_eq!(last_interaction(ada, d("2026-10-15")), Some(1));
    assert_eq!(last_interaction(ada, d("2026-08-01")), None);
}

#[test]
fn a_conversation_today_is_the_last_contact_not_a_plan() {
    // Every two days: met today, due again on Wednesday, inside the week.
    let (v, w) = week_of_files(
        &[(
            "People/Ada.md",
            "---\ncadence: 2d\n---\n- 2026-11-23 call\n",
        )],
        "2026-11-23",
    );
    let got: Vec<_> = w
        .check_ins
        .iter()
        .map(|c| (v.contacts[c.contact].name.as_str(), c.next_due))
        .collect();
    assert_eq!(got, [("Ada", d("2026-11-25"))]);
    assert!(w.planned.is_empty());
}

#[test]
fn a_birthday_or_milestone_is_celebrated_from_its_first_year_on() {
    let (v, w) = week_of_files(
        &[
            ("People/Ada.md", "---\nbirthday: 2026-11-25\n---\n"),
            ("People/Bob.md", "---\nbirthday: 2025-11-25\n---\n"),
        ],
        "2026-11-23",
    );
    let got: Vec<_> = w
        .celebrations
        .iter()
        .map(|c| (v.contacts[c.contact].name.as_str(), c.years))
        .collect();
    assert_eq!(got, [("Bob", Some(1))]);
}

#[test]
fn a_large_vault_schedules_every_contact_as_its_own() {
    // More contacts than one chunk of the parallel pass: each is found at its own index.
    let files: Vec<(String, String)> = (0..1100)
        .map(|i| {
            let day = 1 + i % 28;
            (
                format!("People/P{i:04}.md"),
                format!("---\ntier: A\n---\n- 2026-09-{day:02} call\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (v, w) = week_of_files(&refs, "2026-11-23");
    assert_eq!(w.check_ins.len(), 1100);
    for c in &w.check_ins {
        let contact = &v.contacts[c.contact];
        assert_eq!(c.last_contact, contact.interactions.last().map(|i| i.date));
    }
}
