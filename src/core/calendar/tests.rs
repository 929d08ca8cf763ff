use super::*;
use crate::core::dates::{parse_date, ymd};
use crate::core::model::Rules;
use crate::core::model::tests::vault as vault_of;
use crate::core::schedule::{Reason, week};

fn d(s: &str) -> Date {
    parse_date(s).expect("test date")
}

/// Each event as (day, kind, contact, detail): a table to compare.
fn table(vault: &Vault, cal: &Calendar) -> Vec<(String, &'static str, String, String)> {
    cal.events
        .iter()
        .map(|e| {
            let c = &vault.contacts[e.contact];
            let (kind, detail) = match &e.kind {
                Kind::Promise { task, due } => {
                    ("promise", format!("{} {}", c.tasks[*task].text, ymd(*due)))
                }
                Kind::CheckIn(due) => (
                    "check-in",
                    format!("{} {}", due.reason.as_str(), ymd(due.next_due)),
                ),
                Kind::Celebration(cel) => (
                    match cel.kind {
                        CelebrationKind::Birthday => "birthday",
                        CelebrationKind::Milestone => "milestone",
                    },
                    format!("{} {:?}", cel.what, cel.years),
                ),
            };
            (ymd(e.date), kind, c.name.clone(), detail)
        })
        .collect()
}

fn row(
    day: &str,
    kind: &'static str,
    name: &str,
    detail: &str,
) -> (String, &'static str, String, String) {
    (day.to_string(), kind, name.to_string(), detail.to_string())
}

#[test]
fn check_ins_fall_on_their_day_and_what_is_late_on_today() {
    let v = vault_of(&[
        // A: 6 weeks. Due 2026-11-25, inside the first week.
        ("People/Due.md", "---\ntier: A\n---\n- 2026-10-14 coffee\n"),
        // Overdue since 2026-10-14: on today.
        ("People/Late.md", "---\ntier: A\n---\n- 2026-09-02 call\n"),
        ("People/New.md", "---\ntier: A\n---\n"),
        // Due 2027-01-17, the window's last day (8 weeks from 2026-11-23 end on 2027-01-17).
        (
            "People/Edge.md",
            "---\ncadence: 8w\n---\n- 2026-11-22 call\n",
        ),
        // Due 2027-01-18: outside.
        (
            "People/Beyond.md",
            "---\ncadence: 8w\n---\n- 2026-11-23 call\n",
        ),
    ]);
    let cal = calendar(&v, d("2026-11-23"), 8);
    assert_eq!(
        (ymd(cal.first), ymd(cal.last)),
        ("2026-11-23".into(), "2027-01-17".into())
    );
    assert_eq!(
        table(&v, &cal),
        [
            row("2026-11-23", "check-in", "Late", "overdue 2026-10-14"),
            row("2026-11-23", "check-in", "New", "never 2026-11-23"),
            row("2026-11-25", "check-in", "Due", "due 2026-11-25"),
            row("2027-01-17", "check-in", "Edge", "due 2027-01-17"),
        ]
    );
    // One week: only what falls in its seven days.
    let cal = calendar(&v, d("2026-11-23"), 1);
    assert_eq!(ymd(cal.last), "2026-11-29");
    assert_eq!(cal.events.len(), 3);
}

#[test]
fn snooze_status_cadence_and_plans_are_the_schedules() {
    let v = vault_of(&[
        // Overdue, but snoozed until 2026-12-10: on that day.
        (
            "People/Snoozed.md",
            "---\ntier: A\nsnooze_until: 2026-12-10\n---\n- 2026-09-02 call\n",
        ),
        // Snoozed past the window: nothing.
        (
            "People/Away.md",
            "---\ntier: A\nsnooze_until: 2027-06-01\n---\n- 2026-09-02 call\n",
        ),
        ("People/Resting.md", "---\nstatus: dormant\n---\n"),
        ("People/Gone.md", "---\nstatus: archived\n---\n"),
        ("People/Off.md", "---\ncadence: never\n---\n"),
        // A planned conversation (after the window, even) replaces the check-in.
        (
            "People/Planned.md",
            "---\ntier: A\n---\n- 2027-03-01 lunch\n",
        ),
    ]);
    let cal = calendar(&v, d("2026-11-23"), 8);
    assert_eq!(
        table(&v, &cal),
        [row("2026-12-10", "check-in", "Snoozed", "due 2026-12-10")]
    );
}

#[test]
fn promises_are_open_tasks_due_by_the_window_end_whatever_the_status() {
    let v = vault_of(&[
        (
            "People/Ada.md",
            "---\nstatus: archived\n---\n- [ ] late 📅 2026-11-02\n- [ ] soon 📅 2026-11-30\n\
             - [x] done 📅 2026-11-30\n- [ ] someday\n- [ ] far 📅 2027-01-18\n\
             - [/] started 📅 2027-01-17\n",
        ),
        (
            "Daily/2026-11-20.md",
            "- [ ] call [[Bob]] about it 📅 2026-11-24\n",
        ),
        ("People/Bob.md", "---\ncadence: never\n---\n"),
    ]);
    let cal = calendar(&v, d("2026-11-23"), 8);
    assert_eq!(
        table(&v, &cal),
        [
            row("2026-11-23", "promise", "Ada", "late 2026-11-02"),
            row(
                "2026-11-24",
                "promise",
                "Bob",
                "call Bob about it 2026-11-24"
            ),
            row("2026-11-30", "promise", "Ada", "soon 2026-11-30"),
            row("2027-01-17", "promise", "Ada", "started 2027-01-17"),
        ]
    );
}

#[test]
fn celebrations_recur_each_year_of_the_window_with_their_years() {
    let v = vault_of(&[
        (
            "People/Leap.md",
            "---\ncadence: never\nbirthday: 1988-02-29\n---\n",
        ),
        (
            "People/NoYear.md",
            "---\ncadence: never\nbirthday: --03-01\n---\n",
        ),
        (
            "People/Job.md",
            "---\ncadence: never\nmilestones: [\"2026-03-02 joined Stripe\"]\n---\n",
        ),
        (
            "People/Resting.md",
            "---\nstatus: dormant\nbirthday: 1990-02-27\n---\n",
        ),
        (
            "People/Gone.md",
            "---\nstatus: archived\nbirthday: 1990-02-27\n---\n",
        ),
    ]);
    // 2027-02-27 to 2029-03-02: two years and a bit, over the leap year 2028.
    let cal = calendar(&v, d("2027-02-27"), 105);
    assert_eq!(ymd(cal.last), "2029-03-02");
    assert_eq!(
        table(&v, &cal),
        [
            row("2027-02-27", "birthday", "Resting", "birthday Some(37)"),
            row("2027-02-28", "birthday", "Leap", "birthday Some(39)"),
            row("2027-03-01", "birthday", "NoYear", "birthday None"),
            row("2027-03-02", "milestone", "Job", "joined Stripe Some(1)"),
            row("2028-02-27", "birthday", "Resting", "birthday Some(38)"),
            row("2028-02-29", "birthday", "Leap", "birthday Some(40)"),
            row("2028-03-01", "birthday", "NoYear", "birthday None"),
            row("2028-03-02", "milestone", "Job", "joined Stripe Some(2)"),
            row("2029-02-27", "birthday", "Resting", "birthday Some(39)"),
            row("2029-02-28", "birthday", "Leap", "birthday Some(41)"),
            row("2029-03-01", "birthday", "NoYear", "birthday None"),
            row("2029-03-02", "milestone", "Job", "joined Stripe Some(3)"),
        ]
    );
}

#[test]
fn one_day_orders_promises_check_ins_then_celebrations_by_name() {
    let v = vault_of(&[
        (
            "People/Zoe.md",
            "---\nbirthday: 1990-11-23\n---\n- [ ] b 📅 2026-11-23\n",
        ),
        (
            "People/ada.md",
            "---\nbirthday: 1990-11-23\n---\n- [ ] a 📅 2026-11-23\n",
        ),
    ]);
    let cal = calendar(&v, d("2026-11-23"), 1);
    let got: Vec<_> = table(&v, &cal)
        .into_iter()
        .map(|(_, kind, name, _)| (kind, name))
        .collect();
    assert_eq!(
        got,
        [
            ("promise", "ada".to_string()),
            ("promise", "Zoe".to_string()),
            ("check-in", "ada".to_string()),
            ("check-in", "Zoe".to_string()),
            ("birthday", "ada".to_string()),
            ("birthday", "Zoe".to_string()),
        ]
    );
}

#[test]
fn the_first_week_holds_what_the_due_week_holds_from_today_on() {
    let v = vault_of(&[
        (
            "People/A.md",
            "---\ntier: A\n---\n- 2026-10-14 coffee\n- [ ] x 📅 2026-11-27\n",
        ),
        (
            "People/B.md",
            "---\nbirthday: 1990-11-26\n---\n- 2026-09-01 call\n",
        ),
        ("People/C.md", "---\ntier: C\n---\n- 2026-05-01 call\n"),
    ]);
    let today = d("2026-11-23"); // a Monday: the due week is the calendar's first week
    let w = week(&v, &Rules::default(), today);
    let cal = calendar(&v, today, 1);
    let check_ins: Vec<usize> = cal
        .events
        .iter()
        .filter(|e| matches!(e.kind, Kind::CheckIn(_)))
        .map(|e| e.contact)
        .collect();
    let mut due: Vec<usize> = w.check_ins.iter().map(|c| c.contact).collect();
    due.sort();
    let mut got = check_ins.clone();
    got.sort();
    assert_eq!(got, due);
    let promises = cal
        .events
        .iter()
        .filter(|e| matches!(e.kind, Kind::Promise { .. }))
        .count();
    assert_eq!(promises, w.promises.len());
    let celebrations = cal
        .events
        .iter()
        .filter(|e| matches!(e.kind, Kind::Celebration(_)))
        .count();
    assert_eq!(celebrations, w.celebrations.len());
    assert!(
        cal.events
            .iter()
            .any(|e| matches!(&e.kind, Kind::CheckIn(c) if c.reason == Reason::Overdue))
    );
}

#[test]
fn weeks_are_kept_between_one_and_the_most() {
    let v = vault_of(&[]);
    assert_eq!(calendar(&v, d("2026-11-23"), 0).last, d("2026-11-29"));
    let most = calendar(&v, d("2026-11-23"), u16::MAX);
    assert_eq!(most.last, add_days(d("2026-11-23"), 7 * 520 - 1));
}
