//! Ticked boxes in the due note, read back: a ticked check-in is a conversation to log, a
//! ticked promise a task to close. The due note is kith's output; only these ticks are read
//! from it, matched against the model by the contact's link and, for a promise, the task's
//! exact text. A tick that matches nothing, or more than one task, is a problem, and nothing
//! is done for it. Pure: the shell carries the ticks out.

use jiff::civil::Date;

use super::model::Vault;
use super::problem::Problem;
use super::render::md_text;

/// What a tick asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Log a check-in with this contact, dated today.
    CheckIn { contact: usize },
    /// Close this task of this contact.
    Promise { contact: usize, task: usize },
}

/// The ticks of a due note: what to do (with the line of the tick), and the problems.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ticks {
    pub todo: Vec<(usize, Tick)>,
    pub problems: Vec<Problem>,
}

/// The section of the due note a tick stands in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Promises,
    CheckIn,
    Other,
}

/// Reads the ticked boxes of `due_note` (at `path`) against `vault` on `today`. A tick
/// already done (a check-in logged today, a promise closed) is left alone, so a note saved
/// twice logs once.
pub fn read(due_note: &str, path: &str, vault: &Vault, today: Date) -> Ticks {
    let mut ticks = Ticks::default();
    let mut section = Section::Other;
    for (i, line) in due_note.lines().enumerate() {
        let line_no = i + 1;
        if let Some(title) = line.strip_prefix("## ") {
            section = match title.trim() {
                "Promises" => Section::Promises,
                "Check in" => Section::CheckIn,
                _ => Section::Other,
            };
            continue;
        }
        let Some(rest) = ticked(line) else { continue };
        let found = match section {
            Section::CheckIn => check_in(rest, vault, today),
            Section::Promises => promise(rest, vault),
            Section::Other => continue,
        };
        match found {
            Ok(Some(tick)) => ticks.todo.push((line_no, tick)),
            Ok(None) => {}
            Err(why) => ticks.problems.push(Problem::warning(
                path,
                Some(line_no),
                format!("{why}; nothing was done for this tick"),
            )),
        }
    }
    ticks
}

/// The rest of a ticked box's line (`- [x] …`, any mark but ` ` and `/`).
fn ticked(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("- [")?;
    let mut chars = rest.chars();
    let mark = chars.next()?;
    let rest = chars.as_str().strip_prefix("] ")?;
    (mark != ' ' && mark != '/').then_some(rest)
}

/// The contact a wikilink at the start of `text` reaches (`[[stem]]`, `[[stem|Name]]`,
/// `[[path/stem|Name]]`), and the text after the link.
fn contact_of<'a>(text: &'a str, vault: &Vault) -> Result<(usize, &'a str), String> {
    let inner = text.strip_prefix("[[").ok_or("no contact link")?;
    let close = inner.find("]]").ok_or("no contact link")?;
    let target = inner[..close].split('|').next().unwrap_or("").trim();
    let at = vault
        .contacts
        .iter()
        .position(|c| c.link_target == target)
        .ok_or_else(|| format!("[[{target}]] is no contact"))?;
    Ok((at, &inner[close + 2..]))
}

/// A ticked check-in: log one, unless a conversation is logged today already.
fn check_in(rest: &str, vault: &Vault, today: Date) -> Result<Option<Tick>, String> {
    let (contact, _) = contact_of(rest, vault).map_err(|e| format!("ticked check-in: {e}"))?;
    let done = vault.contacts[contact]
        .interactions
        .iter()
        .any(|i| i.date == today && i.title == "check-in");
    Ok((!done).then_some(Tick::CheckIn { contact }))
}

/// A ticked promise: the open task of that contact with exactly that text.
fn promise(rest: &str, vault: &Vault) -> Result<Option<Tick>, String> {
    // The text is written escaped, so the first ` · [[` is the contact's link.
    let (text, link) = rest
        .split_once(" · [[")
        .ok_or("ticked promise: no contact link")?;
    let link = format!("[[{link}");
    let (contact, _) = contact_of(&link, vault).map_err(|e| format!("ticked promise: {e}"))?;
    let c = &vault.contacts[contact];
    let same = |open: bool| -> Vec<usize> {
        (0..c.tasks.len())
            .filter(|&t| c.tasks[t].open == open && md_text(&c.tasks[t].text) == text)
            .collect()
    };
    let open = same(true);
    match open.len() {
        1 => Ok(Some(Tick::Promise {
            contact,
            task: open[0],
        })),
        0 if !same(false).is_empty() => Ok(None), // closed already
        0 => Err(format!(
            "ticked promise `{text}` matches no open task of {}",
            c.name
        )),
        n => Err(format!(
            "ticked promise `{text}` matches {n} open tasks of {}; close the one you mean by hand",
            c.name
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Rules, build};
    use crate::core::note::parse;

    fn vault() -> Vault {
        let rules = Rules::default();
        let notes = [
            (
                "People/Ada Lovelace.md",
                "- 2026-10-01 call\n- [ ] Send the *deck* 📅 2026-11-20\n- [ ] twice\n- [ ] twice\n- [x] done\n",
            ),
            (
                "People/Bob.md",
                "---\nname: Robert\n---\n- 2026-11-23 check-in\n",
            ),
            ("Work/Bob.md", "---\ntags: [person]\n---\n"),
        ];
        build(
            notes
                .iter()
                .map(|(p, t)| parse(p, t, &rules.contacts))
                .collect(),
            &rules,
        )
    }

    #[test]
    fn ticks_are_matched_by_link_and_text() {
        let v = vault();
        let ada = v
            .contacts
            .iter()
            .position(|c| c.name == "Ada Lovelace")
            .unwrap();
        let work_bob = v
            .contacts
            .iter()
            .position(|c| c.path == "Work/Bob.md")
            .unwrap();
        let note = "---\ngenerated_by: kith\n---\n# Due this week\n\n## Promises\n\n\
            - [x] Send the *deck* · [[Ada Lovelace]] · due Fri 2026-11-20 · **3 days overdue**\n\
            - [ ] not ticked · [[Ada Lovelace]] · due Fri\n\
            - [x] twice · [[Ada Lovelace]] · due Fri\n\
            - [X] done · [[Ada Lovelace]] · due Fri\n\
            - [x] gone · [[Ada Lovelace]] · due Fri\n\
            \n## Check in\n\n\
            - [x] [[Ada Lovelace]] · tier A · overdue\n\
            \t- last: 2026-10-01 call\n\
            - [x] [[People/Bob|Robert]] · tier B · due\n\
            - [x] [[Work/Bob|Bob]] · tier B · never\n\
            - [x] [[Nobody]] · tier B\n\
            - [/] [[Ada Lovelace]] · half a tick is none\n\
            \n## Celebrate\n\n- [x] [[Ada Lovelace]] · birthday\n";
        let ticks = read(note, "Due this week.md", &v, Date::constant(2026, 11, 23));
        let task = v.contacts[ada]
            .tasks
            .iter()
            .position(|t| t.text == "Send the *deck*")
            .unwrap();
        assert_eq!(
            ticks.todo,
            [
                (8, Tick::Promise { contact: ada, task }),
                (16, Tick::CheckIn { contact: ada }),
                // Robert has a check-in logged today already: saved twice, logged once.
                (19, Tick::CheckIn { contact: work_bob }),
            ]
        );
        let problems: Vec<(usize, String)> = ticks
            .problems
            .iter()
            .map(|p| (p.line.unwrap_or(0), p.message.clone()))
            .collect();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert_eq!(problems[0].0, 10);
        assert!(
            problems[0].1.contains("matches 2 open tasks"),
            "{problems:#?}"
        );
        assert_eq!(problems[1].0, 12);
        assert!(
            problems[1].1.contains("matches no open task"),
            "{problems:#?}"
        );
        assert_eq!(problems[2].0, 20);
        assert!(
            problems[2].1.contains("[[Nobody]] is no contact"),
            "{problems:#?}"
        );
        assert!(
            problems
                .iter()
                .all(|p| p.1.ends_with("nothing was done for this tick"))
        );
    }
}
