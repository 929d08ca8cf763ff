//! `kith who`: contacts whose interests, tags, properties, notes or conversations match a
//! topic, best first.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::config::{Config, UsageError};
use crate::index::{self, Need, search};
use crate::report;

#[derive(Serialize)]
struct WhoJson<'a> {
    topic: &'a str,
    contacts: Vec<ContactJson<'a>>,
}

#[derive(Serialize)]
struct ContactJson<'a> {
    contact: &'a str,
    path: &'a str,
    score: f32,
    matched: &'a [&'static str],
    /// How many conversations matched (kith's addition).
    conversations: u32,
}

pub fn run(config: &Config, topic: &str, limit: usize, json: bool) -> anyhow::Result<ExitCode> {
    let fresh = index::refresh(config, Need::Who)?;
    super::report_refresh(config, &fresh);
    let Some(searchable) = &fresh.index else {
        anyhow::bail!("the index could not be opened");
    };
    let paths: Vec<String> = fresh
        .manifest
        .contacts
        .iter()
        .map(|c| c.path.clone())
        .collect();
    let names: HashMap<&str, &str> = fresh
        .manifest
        .contacts
        .iter()
        .map(|c| (c.path.as_str(), c.name.as_str()))
        .collect();
    let mut hits = search::who(searchable, topic, &paths).map_err(|e| UsageError(e.0))?;
    let total = hits.len();
    hits.truncate(limit);
    let name = |path: &str| names.get(path).copied().unwrap_or(path).to_string();
    if json {
        let contacts = hits
            .iter()
            .map(|h| ContactJson {
                contact: names
                    .get(h.contact_path.as_str())
                    .copied()
                    .unwrap_or(&h.contact_path),
                path: &h.contact_path,
                score: h.score,
                matched: &h.matched,
                conversations: h.conversations,
            })
            .collect();
        super::print_json(&WhoJson { topic, contacts })?;
    } else {
        const BOLD: anstyle::Style = anstyle::Style::new().bold();
        const DIM: anstyle::Style = anstyle::Style::new().dimmed();
        let mut out = String::new();
        for h in &hits {
            let mut matched: Vec<String> = h.matched.iter().map(|m| m.to_string()).collect();
            if let Some(last) = matched.last_mut()
                && last == "conversations"
            {
                *last = crate::core::render::plural(i64::from(h.conversations), "conversation");
            }
            let _ = writeln!(
                out,
                "{BOLD}{}{BOLD:#}  {DIM}{}{DIM:#}  {}",
                name(&h.contact_path),
                h.contact_path,
                matched.join(", ")
            );
        }
        super::print_text(config, &out)?;
    }
    if !config.quiet {
        if total == 0 {
            report::notice("no contact matches");
        } else if hits.len() < total {
            report::notice(format_args!(
                "{} of {total} contacts (--limit N shows more)",
                hits.len()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
