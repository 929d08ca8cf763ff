//! `kith show NAME`: one contact, with properties, last contact, next due, open tasks and
//! interactions (newest first).

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::config::Config;
use crate::core::dates::{days_between, ymd};
use crate::core::model::Contact;
use crate::core::render::ago;
use crate::core::schedule::{last_contact, next_due};

/// How many interactions the terminal view lists.
const RECENT: usize = 10;

#[derive(Serialize)]
struct InteractionJson {
    date: String,
    title: String,
    summary: String,
    path: String,
    line: usize,
    tags: Vec<String>,
    planned: bool,
}

#[derive(Serialize)]
struct TaskJson {
    text: String,
    due: Option<String>,
    path: String,
    line: usize,
}

#[derive(Serialize)]
struct ShowJson {
    contact: String,
    path: String,
    tier: String,
    cadence: String,
    status: &'static str,
    aliases: Vec<String>,
    last_contact: Option<String>,
    next_due: Option<String>,
    properties: serde_json::Map<String, serde_json::Value>,
    open_tasks: Vec<TaskJson>,
    interactions: Vec<InteractionJson>,
}

pub fn run(config: &Config, name: &str, json: bool) -> anyhow::Result<ExitCode> {
    let mut vault = crate::index::model(config)?;
    super::summary(config, &vault);
    let index = match super::find_contact(config, &vault, name) {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let all: Vec<(usize, usize)> = (0..vault.contacts[index].interactions.len())
        .map(|i| (index, i))
        .collect();
    crate::vault::fill_first_lines(config, &mut vault, &all);
    crate::index::load_properties(config, &mut vault, index);
    let c = &vault.contacts[index];
    let today = config.today;
    let last = last_contact(c, today);
    let due = next_due(c, today);
    let open: Vec<_> = c.tasks.iter().filter(|t| t.open).collect();
    if json {
        let value = ShowJson {
            contact: c.name.clone(),
            path: c.path.clone(),
            tier: c.tier.clone(),
            cadence: c.cadence.to_string(),
            status: c.status.as_str(),
            aliases: c.aliases.clone(),
            last_contact: last.map(ymd),
            next_due: due.map(ymd),
            properties: c
                .properties
                .iter()
                .flatten()
                .map(|p| (p.key.clone(), p.value.to_json()))
                .collect(),
            open_tasks: open
                .iter()
                .map(|t| TaskJson {
                    text: t.text.clone(),
                    due: t.due.map(ymd),
                    path: t.path.to_string(),
                    line: t.line,
                })
                .collect(),
            interactions: c
                .interactions
                .iter()
                .rev()
                .map(|i| InteractionJson {
                    date: ymd(i.date),
                    title: i.title.clone(),
                    summary: i.summary(),
                    path: i.path.to_string(),
                    line: i.line,
                    tags: i.tags.clone(),
                    planned: i.date > today,
                })
                .collect(),
        };
        super::print_json(&value)?;
    } else {
        super::print_text(config, &text(c, today, last, due))?;
    }
    super::release(vault);
    Ok(ExitCode::SUCCESS)
}

fn text(
    c: &Contact,
    today: jiff::civil::Date,
    last: Option<jiff::civil::Date>,
    due: Option<jiff::civil::Date>,
) -> String {
    const BOLD: anstyle::Style = anstyle::Style::new().bold();
    const DIM: anstyle::Style = anstyle::Style::new().dimmed();
    let mut out = String::new();
    let _ = writeln!(out, "{BOLD}{}{BOLD:#}  {DIM}{}{DIM:#}", c.name, c.path);
    let _ = writeln!(
        out,
        "tier {} · cadence {} · {}",
        c.tier,
        c.cadence,
        c.status.as_str()
    );
    let last_text = match last {
        Some(d) => format!("last contact {} ({})", ymd(d), ago(d, today)),
        None => "never contacted".to_string(),
    };
    let due_text = match due {
        _ if c.status != crate::core::model::Status::Active => {
            format!("no check-in reminders ({})", c.status.as_str())
        }
        Some(d) if d < today => format!(
            "next due {} (overdue by {} days)",
            ymd(d),
            days_between(d, today)
        ),
        Some(d) => format!("next due {}", ymd(d)),
        None => "no check-in reminders".to_string(),
    };
    let _ = writeln!(out, "{last_text} · {due_text}");
    if !c.aliases.is_empty() {
        let _ = writeln!(out, "aliases: {}", c.aliases.join(", "));
    }
    for p in c.properties.iter().flatten() {
        if matches!(
            p.key.as_str(),
            "name" | "aliases" | "tier" | "cadence" | "status"
        ) {
            continue;
        }
        let mut values = Vec::new();
        p.value.flatten_text(&mut values);
        if !values.is_empty() {
            let _ = writeln!(out, "{}: {}", p.key, values.join(", "));
        }
    }
    let open: Vec<_> = c.tasks.iter().filter(|t| t.open).collect();
    if !open.is_empty() {
        let _ = writeln!(out, "\n{BOLD}Open tasks{BOLD:#}");
        for t in open {
            let due = t
                .due
                .map(|d| format!(" (due {})", ymd(d)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  • {}{due}  {DIM}{}:{}{DIM:#}",
                t.text, t.path, t.line
            );
        }
    }
    if !c.interactions.is_empty() {
        let _ = writeln!(
            out,
            "\n{BOLD}Interactions{BOLD:#} ({})",
            c.interactions.len()
        );
        for i in c.interactions.iter().rev().take(RECENT) {
            let planned = if i.date > today { " (planned)" } else { "" };
            let mut line = format!("  {}{planned} {}", ymd(i.date), i.title);
            let summary = i.summary();
            if !summary.is_empty() {
                let _ = write!(line, " — {summary}");
            }
            let _ = writeln!(
                out,
                "{}  {DIM}{}:{}{DIM:#}",
                line.trim_end(),
                i.path,
                i.line
            );
        }
        if c.interactions.len() > RECENT {
            let _ = writeln!(
                out,
                "  … {} earlier (kith show --json lists them all)",
                c.interactions.len() - RECENT
            );
        }
    }
    out
}
