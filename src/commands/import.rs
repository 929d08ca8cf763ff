//! `kith import vcard FILE...` / `kith import linkedin FILE`: new contact notes from an
//! address book. Prints what was done to each contact (or, with `--dry-run`, what would be),
//! and a summary on stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use crate::config::{Config, UsageError};
use crate::core::import::Item;
use crate::core::import::plan::{self, Matched, Planned};
use crate::core::import::template::Template;
use crate::core::problem::Severity;
use crate::import::{Carry, Done, Format};
use crate::report;

/// What `kith import` was asked.
#[derive(Debug, Clone)]
pub struct Request {
    pub format: Format,
    pub files: Vec<PathBuf>,
    pub merge: bool,
    pub dry_run: bool,
    pub json: bool,
}

pub fn run(config: &Config, request: &Request) -> anyhow::Result<ExitCode> {
    let template = template(config)?;
    let vault = crate::index::model(config)?;
    let mut gathered = crate::import::gather(request.format, &request.files);
    let folder = crate::import::folder(config);
    // Without contact folders a note is a contact by its tag, so a new one carries it.
    if folder.is_empty()
        && let Some(tag) = config.rules.contacts.tags.first()
    {
        gathered
            .contacts
            .iter_mut()
            .for_each(|c| c.tags.insert(0, tag.clone()));
    }
    let taken = crate::import::taken_paths(config, &folder);
    let planned = plan::plan(&vault, gathered.contacts, &folder, &taken);
    super::release(vault);
    let how = Carry {
        template: &template,
        merge: request.merge,
        dry_run: request.dry_run,
    };
    let (done, synced) = crate::import::carry_out(config, &planned, &how);
    for p in &gathered.problems {
        report::problem(config, p);
    }
    if request.json {
        super::print_json(&as_json(request, &planned, &done, &gathered.problems))?;
    } else {
        super::print_text(config, &as_text(request, &planned, &done))?;
    }
    report::note(config, summary(request, &done, gathered.problems.len()));
    if let Err(e) = &synced {
        report::error(e);
    }
    let failed = synced.is_err()
        || done.iter().any(|d| matches!(d, Done::Failed { .. }))
        || gathered
            .problems
            .iter()
            .any(|p| p.severity == Severity::Error);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The template of new notes: the user's, when `[import] template` names one.
pub(crate) fn template(config: &Config) -> Result<Template, UsageError> {
    match &config.import_template {
        None => Ok(Template::Default {
            log_heading: config.log_heading.clone(),
        }),
        Some(path) => std::fs::read_to_string(path)
            .map(Template::User)
            .map_err(|e| {
                UsageError(format!(
                    "cannot read the import template {} (`[import] template` in kith.toml): {e}",
                    path.display()
                ))
            }),
    }
}

/// Where a planned contact came from, and the others folded into it.
fn origin(request: &Request, p: &Planned) -> String {
    let mut text = crate::import::shown(&request.files, &p.contact.source);
    for (source, matched) in &p.folded {
        let item = match source.item {
            Item::Card(n) => format!("card {n}"),
            Item::Row(n) => format!("row {n}"),
        };
        let file = if source.file == p.contact.source.file {
            item
        } else {
            crate::import::shown(&request.files, source)
        };
        text.push_str(&format!(
            ", {file} (same {} {})",
            matched.kind(),
            matched.value()
        ));
    }
    text
}

fn as_text(request: &Request, planned: &[Planned], done: &[Done]) -> String {
    let would = request.dry_run;
    let mut out = String::new();
    for (p, d) in planned.iter().zip(done) {
        let from = origin(request, p);
        let line = match d {
            Done::Created { path } if would => format!("would create {path} from {from}"),
            Done::Created { path } => format!("created {path} from {from}"),
            Done::Merged {
                path,
                keys,
                matched,
            } => format!(
                "{} {} to {path} from {from} (same {} {})",
                if would { "would add" } else { "added" },
                keys.join(", "),
                matched.kind(),
                matched.value()
            ),
            Done::Skipped {
                path,
                matched,
                reason,
            } => {
                let tail = reason.as_deref().map_or_else(
                    || {
                        if request.merge {
                            "; it has every property".to_string()
                        } else {
                            String::new()
                        }
                    },
                    |r| format!("; not merged: {r}"),
                );
                format!(
                    "{} {from}: {path} has the same {} {}{tail}",
                    if would { "would skip" } else { "skipped" },
                    matched.kind(),
                    matched.value()
                )
            }
            Done::Failed { error } => format!("failed {from}: {error}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `created 3 notes, merged 1, skipped 2 (1 same email, 1 same name); 2 problems`.
fn summary(request: &Request, done: &[Done], problems: usize) -> String {
    let count = |f: &dyn Fn(&Done) -> bool| done.iter().filter(|d| f(d)).count();
    let created = count(&|d| matches!(d, Done::Created { .. }));
    let merged = count(&|d| matches!(d, Done::Merged { .. }));
    let failed = count(&|d| matches!(d, Done::Failed { .. }));
    let mut reasons: Vec<String> = Vec::new();
    for kind in ["uid", "email", "name"] {
        let n = count(&|d| matches!(d, Done::Skipped { matched, .. } if matched.kind() == kind));
        if n > 0 {
            reasons.push(format!("{n} same {kind}"));
        }
    }
    let skipped = count(&|d| matches!(d, Done::Skipped { .. }));
    let notes = crate::core::render::plural(created as i64, "note");
    let mut text = if request.dry_run {
        format!("dry run, nothing written: would create {notes}, merge {merged}, skip {skipped}")
    } else {
        format!("created {notes}, merged {merged}, skipped {skipped}")
    };
    if !reasons.is_empty() {
        text.push_str(&format!(" ({})", reasons.join(", ")));
    }
    if failed > 0 {
        text.push_str(&format!(", failed {failed}"));
    }
    if problems > 0 {
        text.push_str(&format!(
            "; {}",
            crate::core::render::plural(problems as i64, "problem")
        ));
    }
    text
}

fn as_json(
    request: &Request,
    planned: &[Planned],
    done: &[Done],
    problems: &[crate::core::problem::Problem],
) -> serde_json::Value {
    let source = |s: &crate::core::import::Source| {
        let file = request.files.get(s.file).map(|f| f.display().to_string());
        match s.item {
            Item::Card(n) => json!({ "file": file, "line": s.line, "card": n }),
            Item::Row(n) => json!({ "file": file, "line": s.line, "row": n }),
        }
    };
    let (mut created, mut merged, mut skipped, mut failed) = (vec![], vec![], vec![], vec![]);
    for (p, d) in planned.iter().zip(done) {
        let from: Vec<serde_json::Value> = std::iter::once(&p.contact.source)
            .chain(p.folded.iter().map(|(s, _)| s))
            .map(source)
            .collect();
        let name = &p.contact.name;
        let matching = |path: &str, matched: &Matched| json!({ "path": path, "name": name, "from": from, "matched": matched.kind(), "value": matched.value() });
        match d {
            Done::Created { path } => {
                created.push(json!({ "path": path, "name": name, "from": from }))
            }
            Done::Merged {
                path,
                matched,
                keys,
            } => {
                let mut entry = matching(path, matched);
                entry["added"] = json!(keys);
                merged.push(entry);
            }
            Done::Skipped {
                path,
                matched,
                reason,
            } => {
                let mut entry = matching(path, matched);
                entry["reason"] = json!(reason);
                skipped.push(entry);
            }
            Done::Failed { error } => {
                failed.push(json!({ "name": name, "from": from, "error": error }))
            }
        }
    }
    json!({
        "dry_run": request.dry_run,
        "created": created,
        "merged": merged,
        "skipped": skipped,
        "failed": failed,
        "problems": problems,
    })
}
