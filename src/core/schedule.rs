//! This week: check-ins, planned interactions, promises, celebrations, exchange warnings,
//! introductions and vault health (docs/due-note.md).
//!
//! Pure: `today` is an argument.

use std::cmp::Ordering;

use jiff::civil::Date;
use rayon::prelude::*;

use super::dates::{days_between, week_label, week_of};
use super::model::{Contact, ContactTask, Rules, Status, Vault};

/// Why someone is on the check-in list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    Overdue,
    Never,
    Due,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Overdue => "overdue",
            Reason::Never => "never",
            Reason::Due => "due",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    /// Index into [`Vault::contacts`].
    pub contact: usize,
    pub reason: Reason,
    pub next_due: Date,
    pub days_overdue: i64,
    pub last_contact: Option<Date>,
    /// Index into the contact's interactions: the latest made one.
    pub last_interaction: Option<usize>,
    /// Indexes into the contact's tasks: the open ones.
    pub open_tasks: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub contact: usize,
    /// Index into the contact's interactions.
    pub interaction: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promise {
    pub contact: usize,
    /// Index into the contact's tasks.
    pub task: usize,
    pub due: Date,
    pub overdue: bool,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CelebrationKind {
    Birthday,
    Milestone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Celebration {
    pub contact: usize,
    pub kind: CelebrationKind,
    /// `birthday`, or the milestone's text.
    pub what: String,
    pub date: Date,
    pub years: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeWarning {
    pub contact: usize,
    pub asks_in_a_row: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introduction {
    /// The contact whose name sorts first.
    pub a: usize,
    pub b: usize,
    pub shared: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverCapacity {
    pub tier: String,
    pub count: usize,
    pub max: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub contacts: usize,
    pub never_contacted: usize,
    pub over_capacity: Vec<OverCapacity>,
    pub problems: usize,
}

/// Everything due in one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub today: Date,
    pub start: Date,
    pub end: Date,
    /// The ISO week label, `2026-W48`.
    pub label: String,
    pub check_ins: Vec<CheckIn>,
    pub planned: Vec<Planned>,
    pub promises: Vec<Promise>,
    pub celebrations: Vec<Celebration>,
    pub exchange_warnings: Vec<ExchangeWarning>,
    pub introductions: Vec<Introduction>,
    pub health: Health,
}

/// Compares contacts by name, the way every list orders names: case-folded, then as
/// written, then by path.
pub fn by_name(a: &Contact, b: &Contact) -> Ordering {
    a.name_key
        .cmp(&b.name_key)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.path.cmp(&b.path))
}

/// The latest of the `last_contact` property and the interactions dated today or earlier.
pub fn last_contact(contact: &Contact, today: Date) -> Option<Date> {
    let logged = contact
        .interactions
        .iter()
        .rev()
        .map(|i| i.date)
        .find(|d| *d <= today);
    logged.max(contact.last_contact_property)
}

/// The latest interaction dated today or earlier (an index into its interactions).
pub fn last_interaction(contact: &Contact, today: Date) -> Option<usize> {
    contact.interactions.iter().rposition(|i| i.date <= today)
}

/// When the next check-in is due: last contact + cadence (today when never contacted),
/// moved to `snooze_until` when that is later; `None` for cadence `never`.
pub fn next_due(contact: &Contact, today: Date) -> Option<Date> {
    next_due_after(contact, last_contact(contact, today), today)
}

/// [`next_due`] for a contact whose last contact is already known.
fn next_due_after(contact: &Contact, last: Option<Date>, today: Date) -> Option<Date> {
    let due = match last {
        Some(last) => contact.cadence.after(last)?,
        None => {
            contact.cadence.after(today)?;
            today
        }
    };
    Some(match contact.snooze_until {
        Some(snooze) if snooze > due => snooze,
        _ => due,
    })
}

/// A contact's next check-in, when kith reminds of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInDue {
    pub next_due: Date,
    pub reason: Reason,
    pub last_contact: Option<Date>,
}

/// When `contact` is next due for a check-in and why: only an active contact, whose cadence
/// is not `never`, with no planned interaction (it may fall after any week or window).
pub fn check_in_due(contact: &Contact, today: Date) -> Option<CheckInDue> {
    if contact.status != Status::Active || contact.interactions.iter().any(|i| i.date > today) {
        return None;
    }
    let last = last_contact(contact, today);
    let next_due = next_due_after(contact, last, today)?;
    let reason = if last.is_none() {
        Reason::Never
    } else if next_due < today {
        Reason::Overdue
    } else {
        Reason::Due
    };
    Some(CheckInDue {
        next_due,
        reason,
        last_contact: last,
    })
}

/// When an open task is due, making it a promise for any week that ends on or after that day.
pub fn promise_due(task: &ContactTask) -> Option<Date> {
    task.due.filter(|_| task.open)
}

/// What one week keeps for the next of the same vault (`kith watch` schedules a week on
/// every change): the introductions, which depend only on the contacts' paths, names,
/// statuses, topics and links, and which most changes leave as they were.
#[derive(Default)]
pub struct Memo {
    introductions: Option<(u64, Vec<Introduction>)>,
}

/// A hash of everything [`introductions`] reads (the bytes gathered first and hashed once:
/// many small updates of a streaming hash cost more than the copy).
fn introductions_key(vault: &Vault, rules: &Rules) -> u64 {
    let mut bytes: Vec<u8> = Vec::with_capacity(vault.contacts.len() * 96);
    let mut put = |b: &[u8]| bytes.extend_from_slice(b);
    put(&rules.min_shared.to_le_bytes());
    put(&rules.max_introductions.to_le_bytes());
    for c in &vault.contacts {
        for text in [&c.path, &c.name, &c.name_key] {
            put(&(text.len() as u32).to_le_bytes());
            put(text.as_bytes());
        }
        put(&[c.status as u8]);
        put(&(c.topics.len() as u32).to_le_bytes());
        for t in &c.topics {
            put(&(t.len() as u32).to_le_bytes());
            put(t.as_bytes());
        }
        put(&(c.links_to.len() as u32).to_le_bytes());
        for l in &c.links_to {
            put(&(*l as u32).to_le_bytes());
        }
    }
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// The per-contact lines of a week, before they are sorted.
#[derive(Default)]
struct Lists {
    check_ins: Vec<CheckIn>,
    planned: Vec<Planned>,
    promises: Vec<Promise>,
    celebrations: Vec<Celebration>,
    exchange_warnings: Vec<ExchangeWarning>,
}

impl Lists {
    /// What contact `ci` brings to the week from `start` to `end`.
    fn add(&mut self, ci: usize, c: &Contact, rules: &Rules, today: Date, start: Date, end: Date) {
        for (ii, i) in c.interactions.iter().enumerate() {
            if i.date > today && i.date <= end {
                self.planned.push(Planned {
                    contact: ci,
                    interaction: ii,
                });
            }
        }
        if let Some(due) = check_in_due(c, today)
            && due.next_due <= end
        {
            self.check_ins.push(CheckIn {
                contact: ci,
                reason: due.reason,
                next_due: due.next_due,
                days_overdue: if due.reason == Reason::Overdue {
                    days_between(due.next_due, today)
                } else {
                    0
                },
                last_contact: due.last_contact,
                last_interaction: last_interaction(c, today),
                open_tasks: (0..c.tasks.len()).filter(|&t| c.tasks[t].open).collect(),
            });
        }
        for (ti, t) in c.tasks.iter().enumerate() {
            if let Some(due) = promise_due(t)
                && due <= end
            {
                self.promises.push(Promise {
                    contact: ci,
                    task: ti,
                    due,
                    overdue: due < today,
                    days_overdue: days_between(due, today).max(0),
                });
            }
        }
        celebrations_between(ci, c, start, end, &mut self.celebrations);
        if c.status == Status::Active
            && let Some(asks) = asks_in_a_row(c, rules, today)
        {
            self.exchange_warnings.push(ExchangeWarning {
                contact: ci,
                asks_in_a_row: asks,
            });
        }
    }

    fn append(&mut self, mut other: Lists) {
        self.check_ins.append(&mut other.check_ins);
        self.planned.append(&mut other.planned);
        self.promises.append(&mut other.promises);
        self.celebrations.append(&mut other.celebrations);
        self.exchange_warnings.append(&mut other.exchange_warnings);
    }
}

/// Schedules the week containing `today`.
pub fn week(vault: &Vault, rules: &Rules, today: Date) -> Week {
    week_with(vault, rules, today, &mut Memo::default())
}

/// [`week`], with what the last week of the same vault kept.
pub fn week_with(vault: &Vault, rules: &Rules, today: Date, memo: &mut Memo) -> Week {
    let (start, end) = week_of(today, rules.week_start);
    let contacts = &vault.contacts;
    let name_cmp = |a: usize, b: usize| by_name(&contacts[a], &contacts[b]);

    // Each contact's lines, on both cores (in contact order), beside the introductions' key.
    const CHUNK: usize = 512;
    let (parts, key) = rayon::join(
        || {
            contacts
                .par_chunks(CHUNK)
                .enumerate()
                .map(|(k, chunk)| {
                    let mut lists = Lists::default();
                    for (j, c) in chunk.iter().enumerate() {
                        lists.add(k * CHUNK + j, c, rules, today, start, end);
                    }
                    lists
                })
                .collect::<Vec<Lists>>()
        },
        || introductions_key(vault, rules),
    );
    let Lists {
        mut check_ins,
        mut planned,
        mut promises,
        mut celebrations,
        mut exchange_warnings,
    } = parts.into_iter().fold(Lists::default(), |mut all, part| {
        all.append(part);
        all
    });

    check_ins.par_sort_by(|a, b| {
        let (ca, cb) = (&contacts[a.contact], &contacts[b.contact]);
        rules
            .tier_rank(&ca.tier)
            .cmp(&rules.tier_rank(&cb.tier))
            .then(a.reason.cmp(&b.reason))
            .then(a.next_due.cmp(&b.next_due))
            .then_with(|| name_cmp(a.contact, b.contact))
    });
    planned.sort_by(|a, b| {
        let ia = &contacts[a.contact].interactions[a.interaction];
        let ib = &contacts[b.contact].interactions[b.interaction];
        ia.date
            .cmp(&ib.date)
            .then_with(|| name_cmp(a.contact, b.contact))
            .then_with(|| (&ia.path, ia.line).cmp(&(&ib.path, ib.line)))
    });
    promises.par_sort_by(|a, b| {
        let ta = &contacts[a.contact].tasks[a.task];
        let tb = &contacts[b.contact].tasks[b.task];
        a.due
            .cmp(&b.due)
            .then_with(|| name_cmp(a.contact, b.contact))
            .then(ta.line.cmp(&tb.line))
            .then_with(|| ta.path.cmp(&tb.path))
    });
    celebrations.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| name_cmp(a.contact, b.contact))
            .then((a.kind as u8).cmp(&(b.kind as u8)))
            .then_with(|| a.what.cmp(&b.what))
    });
    exchange_warnings.sort_by(|a, b| {
        b.asks_in_a_row
            .cmp(&a.asks_in_a_row)
            .then_with(|| name_cmp(a.contact, b.contact))
    });

    let introductions = match &memo.introductions {
        Some((k, kept)) if *k == key => kept.clone(),
        _ => {
            let found = introductions(vault, rules);
            memo.introductions = Some((key, found.clone()));
            found
        }
    };
    let health = health(vault, rules, today);
    Week {
        today,
        start,
        end,
        label: week_label(start),
        check_ins,
        planned,
        promises,
        celebrations,
        exchange_warnings,
        introductions,
        health,
    }
}

/// The day a yearly date (a birthday, a milestone) falls on in `year`: 29 February falls on
/// 28 February in other years.
fn anniversary_in(year: i16, month: i8, day: i8) -> Option<Date> {
    Date::new(year, month, day).ok().or_else(|| {
        (month == 2 && day == 29)
            .then(|| Date::new(year, 2, 28).ok())
            .flatten()
    })
}

/// The birthdays and milestones of contact `ci` whose day falls from `from` to `to`
/// (both included), every year of that span: none for an archived contact. An
/// anniversary counts from its first year on.
pub fn celebrations_between(
    ci: usize,
    c: &Contact,
    from: Date,
    to: Date,
    out: &mut Vec<Celebration>,
) {
    if c.status == Status::Archived || (c.birthday.is_none() && c.milestones.is_empty()) {
        return;
    }
    for year in from.year()..=to.year() {
        let inside =
            |month, day| anniversary_in(year, month, day).filter(|d| (from..=to).contains(d));
        if let Some(b) = c.birthday
            && let Some(date) = inside(b.month, b.day)
        {
            let years = b.year.map(|y| i64::from(year) - i64::from(y));
            if years.is_none_or(|y| y > 0) {
                out.push(Celebration {
                    contact: ci,
                    kind: CelebrationKind::Birthday,
                    what: "birthday".to_string(),
                    date,
                    years,
                });
            }
        }
        for m in &c.milestones {
            let years = i64::from(year) - i64::from(m.date.year());
            if years > 0
                && let Some(date) = inside(m.date.month(), m.date.day())
            {
                out.push(Celebration {
                    contact: ci,
                    kind: CelebrationKind::Milestone,
                    what: m.what.clone(),
                    date,
                    years: Some(years),
                });
            }
        }
    }
}

/// When the `streak` most recent interactions tagged ask or give (dated today or earlier) are
/// all asks: how many asks since the last give.
fn asks_in_a_row(c: &Contact, rules: &Rules, today: Date) -> Option<usize> {
    if rules.streak == 0 {
        return None;
    }
    let is_any = |tags: &[String], set: &[String]| tags.iter().any(|t| set.contains(t));
    // true = ask, false = give; newest first.
    let tagged = c
        .interactions
        .iter()
        .rev()
        .filter(|i| i.date <= today)
        .filter_map(|i| {
            if is_any(&i.tags, &rules.give_tags) {
                Some(false)
            } else if is_any(&i.tags, &rules.ask_tags) {
                Some(true)
            } else {
                None
            }
        });
    let asks = tagged.take_while(|ask| *ask).count();
    (asks >= rules.streak).then_some(asks)
}

/// Pairs of active contacts sharing at least `min_shared` topics, neither linking to the
/// other: most shared first, then by names; at most `max_introductions`.
fn introductions(vault: &Vault, rules: &Rules) -> Vec<Introduction> {
    let contacts = &vault.contacts;
    if rules.max_introductions == 0 {
        return Vec::new();
    }
    // Active contacts with topics, most topics first: a pair shares at most as many topics
    // as its smaller side has, so once the best pairs share more than a contact holds,
    // neither it nor anyone after it can enter.
    let mut active: Vec<usize> = (0..contacts.len())
        .filter(|&i| contacts[i].status == Status::Active && !contacts[i].topics.is_empty())
        .collect();
    active.sort_by_key(|&i| (std::cmp::Reverse(contacts[i].topics.len()), i));
    // Topic → positions (in the order above) of the active contacts holding it. The inner
    // loop below touches only these small arrays, not the contacts.
    let mut topic_ids: std::collections::HashMap<&str, usize> = Default::default();
    let mut holders: Vec<Vec<usize>> = Vec::new();
    let mut topics_at: Vec<Vec<usize>> = Vec::with_capacity(active.len());
    for (p, &i) in active.iter().enumerate() {
        let ids = contacts[i]
            .topics
            .iter()
            .map(|t| {
                let id = *topic_ids.entry(t.as_str()).or_insert_with(|| {
                    holders.push(Vec::new());
                    holders.len() - 1
                });
                holders[id].push(p);
                id
            })
            .collect();
        topics_at.push(ids);
    }
    let topic_count: Vec<usize> = topics_at.iter().map(Vec::len).collect();
    // Every contact's place in name order, so pairs compare by integers.
    let mut order: Vec<usize> = (0..contacts.len()).collect();
    order.sort_by(|&a, &b| by_name(&contacts[a], &contacts[b]));
    let mut rank = vec![0usize; contacts.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let mut seen = vec![false; active.len()];
    // p's topics, by id.
    let mut mine = vec![false; holders.len()];
    let mut touched = Vec::new();
    // The best pairs so far, best first: (shared, rank of a, rank of b). Smaller keys are
    // better, so `Reverse` puts the most shared first.
    let max = rules.max_introductions;
    let mut best: Vec<(std::cmp::Reverse<usize>, usize, usize)> = Vec::with_capacity(max + 1);
    let min_shared = rules.min_shared.max(1);
    let mut lists: Vec<&[usize]> = Vec::new();
    for (p, &i) in active.iter().enumerate() {
        // The fewest shared topics a new pair needs to enter (ties may still win by name).
        let floor = match best.last() {
            Some(worst) if best.len() == max => worst.0.0.max(min_shared),
            _ => min_shared,
        };
        if topic_count[p] < floor {
            break;
        }
        // A partner sharing `floor` of p's topics holds at least one of any
        // `count - floor + 1` of them: look only at the holders of the rarest ones.
        lists.clear();
        for &t in &topics_at[p] {
            let list = &holders[t];
            lists.push(&list[list.partition_point(|&q| q <= p)..]);
        }
        lists.sort_by_key(|l| l.len());
        for list in &lists[..topic_count[p] - floor + 1] {
            for &q in *list {
                if topic_count[q] < floor {
                    break;
                }
                if !seen[q] {
                    seen[q] = true;
                    touched.push(q);
                }
            }
        }
        for &t in &topics_at[p] {
            mine[t] = true;
        }
        for &q in &touched {
            seen[q] = false;
            let shared = topics_at[q].iter().filter(|&&t| mine[t]).count();
            let j = active[q];
            if shared < floor {
                continue;
            }
            let key = (
                std::cmp::Reverse(shared),
                rank[i].min(rank[j]),
                rank[i].max(rank[j]),
            );
            // Cheap comparisons first; whether the notes link each other last.
            if best.len() == max && best.last().is_some_and(|worst| key >= *worst)
                || contacts[i].links_to.contains(&j)
                || contacts[j].links_to.contains(&i)
            {
                continue;
            }
            let at = best.partition_point(|k| *k < key);
            best.insert(at, key);
            best.truncate(max);
        }
        touched.clear();
        for &t in &topics_at[p] {
            mine[t] = false;
        }
    }
    let pairs: Vec<(usize, usize, usize)> = best
        .into_iter()
        .map(|(shared, ra, rb)| (shared.0, order[ra], order[rb]))
        .collect();
    pairs
        .into_iter()
        .map(|(_, a, b)| Introduction {
            a,
            b,
            shared: contacts[a]
                .topics
                .iter()
                .filter(|t| contacts[b].topics.binary_search(t).is_ok())
                .cloned()
                .collect(),
        })
        .collect()
}

fn health(vault: &Vault, rules: &Rules, today: Date) -> Health {
    let active = |c: &&Contact| c.status == Status::Active;
    // The same test as a check-in's reason `never`: a planned conversation is no contact yet.
    let never_contacted = vault
        .contacts
        .iter()
        .filter(active)
        .filter(|c| last_contact(c, today).is_none())
        .count();
    let over_capacity = rules
        .tiers
        .iter()
        .filter_map(|t| {
            let max = t.max?;
            let count = vault
                .contacts
                .iter()
                .filter(active)
                .filter(|c| c.tier == t.name)
                .count();
            (count > max).then(|| OverCapacity {
                tier: t.name.clone(),
                count,
                max,
            })
        })
        .collect();
    Health {
        contacts: vault.contacts.len(),
        never_contacted,
        over_capacity,
        problems: vault.problems.len(),
    }
}

#[cfg(test)]
mod tests;
