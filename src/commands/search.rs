//! `kith search`: past conversations matching a query, best first (or newest first).

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::config::{Config, UsageError};
use crate::core::dates::ymd;
use crate::report;

use crate::index::search::{self, Hit, Search};
use crate::index::{self, Need};

#[derive(Serialize)]
struct SearchJson<'a> {
    query: &'a str,
    total: usize,
    hits: Vec<HitJson<'a>>,
}

#[derive(Serialize)]
struct HitJson<'a> {
    contact: &'a str,
    path: &'a str,
    line: u64,
    date: Option<String>,
    title: &'a str,
    snippet: &'a str,
    score: f32,
    /// The contact's note (kith's addition).
    contact_path: &'a str,
    /// Byte ranges of the matched words in `snippet` (kith's addition).
    highlights: Vec<[usize; 2]>,
}

/// Runs a search on the index, brought up to date first (or as a running `kith watch`
/// keeps it).
pub fn run(
    config: &Config,
    mut q: Search,
    contact: Option<String>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    check_dates(&q)?;
    let need = Need::Search {
        model: contact.is_some(),
    };
    let fresh = index::refresh(config, need)?;
    super::report_refresh(config, &fresh);
    if let Some(name) = &contact {
        match super::find_contact(config, &fresh.vault, name) {
            Ok(i) => q.contact = Some(fresh.vault.contacts[i].path.clone()),
            Err(code) => return Ok(code),
        }
    }
    let Some(searchable) = &fresh.index else {
        anyhow::bail!("the index could not be opened");
    };
    let started = std::time::Instant::now();
    if config.verbose > 1 {
        // The first query pays for mapping the index files; a second one shows the query alone.
        let _ = search::search(searchable, &q);
        report::detail(
            config,
            format_args!("first query and snippets in {:?}", started.elapsed()),
        );
    }
    let started = std::time::Instant::now();
    let (total, hits) = search::search(searchable, &q).map_err(|e| UsageError(e.0))?;
    report::detail(
        config,
        format_args!("query and snippets in {:?}", started.elapsed()),
    );
    let code = show(config, &q, total, &hits, json)?;
    std::mem::forget(fresh);
    Ok(code)
}

fn check_dates(q: &Search) -> anyhow::Result<()> {
    match (q.since, q.until) {
        (Some(a), Some(b)) if a > b => {
            Err(UsageError(format!("--since {} is after --until {}", ymd(a), ymd(b))).into())
        }
        _ => Ok(()),
    }
}

/// Prints the hits (stdout) and how many there are (stderr).
fn show(
    config: &Config,
    q: &Search,
    total: usize,
    hits: &[Hit],
    json: bool,
) -> anyhow::Result<ExitCode> {
    if json {
        super::print_json(&SearchJson {
            query: &q.query,
            total,
            hits: hits
                .iter()
                .map(|h| HitJson {
                    contact: &h.contact,
                    path: &h.path,
                    line: h.line,
                    date: h.date.map(ymd),
                    title: &h.title,
                    snippet: &h.snippet,
                    score: h.score,
                    contact_path: &h.contact_path,
                    highlights: h.highlights.iter().map(|r| [r.start, r.end]).collect(),
                })
                .collect(),
        })?;
    } else {
        super::print_text(config, &text(hits))?;
    }
    if !config.quiet {
        let shown = hits.len();
        let line = if total == 0 {
            "no conversation matches".to_string()
        } else if shown < total {
            format!("{shown} of {total} matches (--limit N shows more)")
        } else {
            let noun = if total == 1 { "match" } else { "matches" };
            format!("{total} {noun}")
        };
        report::notice(line);
    }
    Ok(ExitCode::SUCCESS)
}

/// Hits for a terminal: date, contact and title; where; the snippet, matched words in bold.
fn text(hits: &[Hit]) -> String {
    const BOLD: anstyle::Style = anstyle::Style::new().bold();
    const DIM: anstyle::Style = anstyle::Style::new().dimmed();
    const MATCH: anstyle::Style = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Yellow)));
    let mut out = String::new();
    for (n, h) in hits.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let date = h.date.map_or_else(|| "----------".to_string(), ymd);
        let _ = write!(out, "{BOLD}{date}  {}{BOLD:#}", h.contact);
        if !h.title.is_empty() {
            let _ = write!(out, "  {}", h.title);
        }
        out.push('\n');
        let _ = writeln!(out, "  {DIM}{}:{}{DIM:#}", h.path, h.line);
        if !h.snippet.is_empty() {
            let mut line = String::from("  ");
            let mut pos = 0;
            for r in &h.highlights {
                line.push_str(&h.snippet[pos..r.start]);
                let _ = write!(line, "{MATCH}{}{MATCH:#}", &h.snippet[r.clone()]);
                pos = r.end;
            }
            line.push_str(&h.snippet[pos..]);
            let _ = writeln!(out, "{line}");
        }
    }
    out
}
