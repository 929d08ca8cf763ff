//! Flags and `kith.toml` become one [`Config`], once. Commands and the core never see clap
//! types or TOML.
//!
//! An invalid config is a usage error (exit 2) whose message names the file, the line and
//! the key.

use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::core::cadence::Cadence;
use crate::core::calendar::ics::Alarm;
use crate::core::calendar::{DEFAULT_WEEKS, MAX_WEEKS};
use crate::core::dates::parse_weekday;
use crate::core::model::{Rules, Tier};
use crate::core::tags;

/// The config file's name, at the vault root.
pub const CONFIG_FILE: &str = "kith.toml";

/// A usage or configuration error: the binary exits 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

/// What was typed on the command line that every command shares (no clap types).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub vault: Option<PathBuf>,
    pub today: Option<Date>,
    pub verbose: u8,
    pub quiet: bool,
    pub color: Color,
}

/// Everything a command needs to know, resolved once.
#[derive(Debug, Clone)]
pub struct Config {
    /// The vault root (absolute).
    pub vault: PathBuf,
    /// Where the config was read from, when there is one.
    pub config_file: Option<PathBuf>,
    /// The config file's bytes as read and parsed (empty without one): what the index's
    /// config hash is made from, so that it names the config in use even if the file
    /// changes afterwards.
    pub config_bytes: Vec<u8>,
    /// Today: `--today`, else the local date.
    pub today: Date,
    /// The due note, relative to the root, with `/`.
    pub due_note: String,
    /// Where `kith log` appends.
    pub log_heading: String,
    /// The `ignore` globs (relative to the root, `*` does not cross `/`).
    pub ignore: GlobSet,
    /// The template folders Obsidian is configured with (relative to the root, with `/`):
    /// never read, since a template is not a person.
    pub templates: Vec<String>,
    /// The index folder from the config, if set.
    pub index_dir: Option<PathBuf>,
    /// The note template `kith import` makes new contacts from (`[import] template`), if set.
    pub import_template: Option<PathBuf>,
    /// The scheduling rules.
    pub rules: Rules,
    /// `[export]`: the calendar `kith watch` keeps, and what `kith export ics` does by
    /// default.
    pub export: Export,
    pub verbose: u8,
    pub quiet: bool,
    pub color: Color,
}

/// `[export]` in kith.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The calendar file `kith watch` keeps fresh, if any.
    pub ics: Option<IcsFile>,
    /// How many weeks a calendar spans.
    pub weeks: u16,
    /// A display alarm on each event, at this time of its day.
    pub alarm: Option<Alarm>,
}

impl Default for Export {
    fn default() -> Self {
        Self {
            ics: None,
            weeks: DEFAULT_WEEKS,
            alarm: None,
        }
    }
}

/// Where `[export] ics` puts the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsFile {
    /// Absolute: a relative path in kith.toml is taken from the vault root.
    pub path: PathBuf,
    /// As kith.toml writes it, for messages.
    pub shown: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    due_note: Option<Spanned<String>>,
    week_start: Option<Spanned<String>>,
    default_tier: Option<Spanned<String>>,
    log_heading: Option<Spanned<String>>,
    ignore: Option<Vec<Spanned<String>>>,
    index_dir: Option<String>,
    contacts: Option<RawContacts>,
    tiers: Option<toml::Table>,
    exchange: Option<RawExchange>,
    introductions: Option<RawIntroductions>,
    import: Option<RawImport>,
    export: Option<RawExport>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImport {
    template: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExport {
    ics: Option<Spanned<String>>,
    weeks: Option<Spanned<u64>>,
    alarm: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContacts {
    folders: Option<Vec<String>>,
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    cadence: Option<String>,
    max: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExchange {
    ask_tags: Option<Vec<String>>,
    give_tags: Option<Vec<String>>,
    streak: Option<Spanned<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntroductions {
    min_shared: Option<Spanned<usize>>,
    max: Option<usize>,
}

/// The template folders of the vault's Obsidian settings: the core Templates plugin's
/// `folder` and Templater's `templates_folder`. Settings that cannot be read name none.
fn template_folders(vault: &Path) -> Vec<String> {
    let setting = |file: &str, key: &str| -> Option<String> {
        let text = std::fs::read_to_string(vault.join(".obsidian").join(file)).ok()?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        let folder = value.get(key)?.as_str()?.replace('\\', "/");
        let folder = folder.trim().trim_start_matches("./").trim_matches('/');
        (!folder.is_empty()).then(|| folder.to_string())
    };
    let mut folders: Vec<String> = [
        ("templates.json", "folder"),
        ("plugins/templater-obsidian/data.json", "templates_folder"),
    ]
    .into_iter()
    .filter_map(|(file, key)| setting(file, key))
    .collect();
    folders.sort();
    folders.dedup();
    folders
}

impl Config {
    /// Whether any path is skipped besides dot-files (`ignore` globs, template folders): a
    /// walk with nothing to skip need not spell out each path to ask.
    pub fn may_skip(&self) -> bool {
        !self.ignore.is_empty() || !self.templates.is_empty()
    }

    /// Whether kith never reads the path (relative to the root, with `/`; a folder or a
    /// file): matched by an `ignore` glob, or in a template folder.
    pub fn skips(&self, rel: &str) -> bool {
        (!self.ignore.is_empty() && self.ignore.is_match(rel))
            || self.templates.iter().any(|t| {
                rel == t
                    || (rel.starts_with(t.as_str()) && rel.as_bytes().get(t.len()) == Some(&b'/'))
            })
    }
}

/// `path` with its `.` and `..` parts taken out by reading it, not the file system
/// (`/notes/../idx` is `/idx`): a folder beside the vault must not look inside it.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(part);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Finds the vault root: `--vault` (or `$KITH_VAULT`, which `cli` folds into the flag), else
/// the nearest ancestor of `cwd` holding `kith.toml` or `.obsidian/`. Without either, there
/// is no vault: guessing the current folder would read (and index) whatever is there.
pub fn discover_vault(flag: Option<&Path>, cwd: &Path) -> Result<PathBuf, UsageError> {
    if let Some(dir) = flag {
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            cwd.join(dir)
        };
        if !dir.is_dir() {
            return Err(UsageError(format!(
                "the vault folder {} does not exist or is not a folder",
                dir.display()
            )));
        }
        return Ok(dir);
    }
    for dir in cwd.ancestors() {
        if dir.join(CONFIG_FILE).is_file() || dir.join(".obsidian").is_dir() {
            return Ok(dir.to_path_buf());
        }
    }
    Err(UsageError(format!(
        "no vault found: {} and the folders above it hold no kith.toml or .obsidian/ folder. \
         Name the vault with --vault DIR or the KITH_VAULT variable, or make this folder one \
         with `kith init`",
        cwd.display()
    )))
}

/// Where a config error is: the file, a line and a key.
struct At<'a> {
    file: &'a str,
    text: &'a str,
}

impl At<'_> {
    /// The 1-based line holding byte `offset`, counted only for an error (a `LineIndex`
    /// would run memchr's CPU feature detection on every start, a tenth of a millisecond
    /// on some virtual machines, for a file that is almost never wrong).
    fn line_of(&self, offset: usize) -> usize {
        let before = self
            .text
            .as_bytes()
            .get(..offset)
            .unwrap_or(self.text.as_bytes());
        before.iter().filter(|&&b| b == b'\n').count() + 1
    }

    fn error(&self, span: Option<std::ops::Range<usize>>, key: &str, message: &str) -> UsageError {
        match span {
            Some(span) => UsageError(format!(
                "{}:{}: invalid config: key `{key}`: {message}",
                self.file,
                self.line_of(span.start)
            )),
            None => UsageError(format!(
                "{}: invalid config: key `{key}`: {message}",
                self.file
            )),
        }
    }
}

/// The dotted key on the line holding `offset`: the last table header above it, and the key
/// before `=` on its line.
fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim();
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    if line.starts_with('[') {
        return line
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_string();
    }
    let key = line
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"');
    match table {
        Some(t) if !key.is_empty() => format!("{t}.{key}"),
        Some(t) => t,
        None => key.to_string(),
    }
}

/// Reads and validates a config text. `file` names it in messages.
pub fn parse_config(text: &str, file: &str) -> Result<ConfigFile, UsageError> {
    let at = At { file, text };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let span = e.span();
        let key = span
            .clone()
            .map(|s| key_at(text, s.start))
            .unwrap_or_default();
        let message = e.message().trim().to_string();
        if key.is_empty() {
            match span {
                Some(s) => UsageError(format!(
                    "{file}:{}: invalid config: {message}",
                    at.line_of(s.start)
                )),
                None => UsageError(format!("{file}: invalid config: {message}")),
            }
        } else {
            at.error(span, &key, &message)
        }
    })?;
    let mut rules = Rules::default();

    let due_note = match raw.due_note {
        Some(s) => {
            let value = s.get_ref().trim().replace('\\', "/");
            let bad = value.is_empty()
                || value.starts_with('/')
                || Path::new(&value).is_absolute()
                || value.split('/').any(|p| p == ".." || p.is_empty());
            if bad {
                return Err(at.error(
                    Some(s.span()),
                    "due_note",
                    "must be a path inside the vault, relative to its root (e.g. \"Due this week.md\")",
                ));
            }
            value
        }
        None => "Due this week.md".to_string(),
    };
    if let Some(s) = raw.week_start {
        rules.week_start = parse_weekday(s.get_ref()).ok_or_else(|| {
            at.error(
                Some(s.span()),
                "week_start",
                &format!("`{}` is not a day name (monday … sunday)", s.get_ref()),
            )
        })?;
    }
    if let Some(table) = raw.tiers {
        rules.tiers = read_tiers(text, &at, table)?;
        if rules.tiers.is_empty() {
            return Err(at.error(None, "tiers", "at least one tier is needed"));
        }
    }
    if let Some(s) = raw.default_tier {
        let tier = rules.tier(s.get_ref()).ok_or_else(|| {
            let names: Vec<&str> = rules.tiers.iter().map(|t| t.name.as_str()).collect();
            at.error(
                Some(s.span()),
                "default_tier",
                &format!(
                    "`{}` is not one of the tiers ({})",
                    s.get_ref(),
                    names.join(", ")
                ),
            )
        })?;
        rules.default_tier = tier.name.clone();
    }
    let mut ignore = GlobSetBuilder::new();
    for pattern in raw.ignore.unwrap_or_default() {
        let glob = globset::GlobBuilder::new(pattern.get_ref().trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| at.error(Some(pattern.span()), "ignore", &e.kind().to_string()))?;
        ignore.add(glob);
    }
    let ignore = ignore
        .build()
        .map_err(|e| at.error(None, "ignore", &e.to_string()))?;
    if let Some(c) = raw.contacts {
        if let Some(folders) = c.folders {
            rules.contacts.folders = folders
                .iter()
                .map(|f| {
                    f.trim()
                        .replace('\\', "/")
                        .trim_start_matches("./")
                        .trim_matches('/')
                        .trim_start_matches('.')
                        .to_string()
                })
                .collect();
        }
        if let Some(t) = c.tags {
            rules.contacts.tags = t.iter().map(|t| tags::normalize(t)).collect();
        }
    }
    if let Some(x) = raw.exchange {
        if let Some(t) = x.ask_tags {
            rules.ask_tags = t.iter().map(|t| tags::normalize(t)).collect();
        }
        if let Some(t) = x.give_tags {
            rules.give_tags = t.iter().map(|t| tags::normalize(t)).collect();
        }
        if let Some(s) = x.streak {
            if *s.get_ref() == 0 {
                return Err(at.error(Some(s.span()), "exchange.streak", "must be at least 1"));
            }
            rules.streak = *s.get_ref();
        }
    }
    if let Some(i) = raw.introductions {
        if let Some(s) = i.min_shared {
            if *s.get_ref() == 0 {
                return Err(at.error(
                    Some(s.span()),
                    "introductions.min_shared",
                    "must be at least 1",
                ));
            }
            rules.min_shared = *s.get_ref();
        }
        if let Some(m) = i.max {
            rules.max_introductions = m;
        }
    }
    let export = match raw.export {
        Some(raw) => read_export(&at, raw, &due_note)?,
        None => RawExportFile::default(),
    };
    let log_heading = match raw.log_heading {
        Some(h) => read_log_heading(&at, h)?,
        None => "Log".to_string(),
    };
    Ok(ConfigFile {
        due_note,
        log_heading,
        ignore,
        index_dir: raw.index_dir.map(PathBuf::from),
        import_template: raw.import.and_then(|i| i.template).map(PathBuf::from),
        rules,
        export,
    })
}

/// `[export]` as kith.toml writes it, checked; the calendar's path still as written.
#[derive(Debug, Clone, Default)]
pub struct RawExportFile {
    pub ics: Option<String>,
    pub weeks: Option<u16>,
    pub alarm: Option<Alarm>,
}

/// The heading `kith log` writes under: one line of text, kept as its words are.
fn read_log_heading(at: &At<'_>, heading: Spanned<String>) -> Result<String, UsageError> {
    let span = heading.span();
    let text = heading.into_inner();
    if let Some(fault) = log_heading_fault(&text) {
        return Err(at.error(Some(span), "log_heading", fault));
    }
    Ok(text.trim().to_string())
}

/// Why `text` cannot be the log heading, if it cannot.
pub(crate) fn log_heading_fault(text: &str) -> Option<&'static str> {
    if text.trim().is_empty() || text.chars().any(char::is_control) {
        Some("must be one line of text, such as \"Log\"")
    } else if text.contains("%%") {
        Some("must not hold `%%`, which opens a comment in Obsidian that would hide the log")
    } else {
        None
    }
}

/// Reads `[export]`: a calendar path that names an `.ics` file other than the due note
/// (`~` is not expanded, as in no path of the config), 1 to 520 weeks, an alarm in a day.
fn read_export(at: &At<'_>, raw: RawExport, due_note: &str) -> Result<RawExportFile, UsageError> {
    let ics = match raw.ics {
        Some(s) => {
            let value = s.get_ref().trim();
            let problem = if value.starts_with('~') {
                Some("`~` is not expanded: write the whole path, or one relative to the vault")
            } else if !value.to_ascii_lowercase().ends_with(".ics") || value.len() <= 4 {
                Some(
                    "must name an .ics file (e.g. \"kith.ics\"), relative to the vault root or absolute",
                )
            } else if value.replace('\\', "/") == due_note {
                Some("is the due note's path")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(at.error(Some(s.span()), "export.ics", problem));
            }
            Some(value.to_string())
        }
        None => None,
    };
    let weeks = match raw.weeks {
        Some(s) => Some(
            u16::try_from(*s.get_ref())
                .ok()
                .filter(|w| (1..=MAX_WEEKS).contains(w))
                .ok_or_else(|| {
                    at.error(
                        Some(s.span()),
                        "export.weeks",
                        &format!("must be from 1 to {MAX_WEEKS}"),
                    )
                })?,
        ),
        None => None,
    };
    let alarm = match raw.alarm {
        Some(s) => Some(
            Alarm::parse(s.get_ref()).map_err(|e| at.error(Some(s.span()), "export.alarm", &e))?,
        ),
        None => None,
    };
    Ok(RawExportFile { ics, weeks, alarm })
}

/// Reads `[tiers.*]` in the order they are written (their priority).
fn read_tiers(text: &str, at: &At<'_>, table: toml::Table) -> Result<Vec<Tier>, UsageError> {
    let defaults = Rules::default().tiers;
    let mut tiers: Vec<(usize, Tier)> = Vec::new();
    for (name, value) in table {
        let raw: RawTier = value.try_into().map_err(|e: toml::de::Error| {
            at.error(
                header_span(text, &name),
                &format!("tiers.{name}"),
                e.message().trim(),
            )
        })?;
        let header = header_span(text, &name);
        let cadence = match &raw.cadence {
            Some(s) => Cadence::parse(s).map_err(|e| {
                // The `cadence` key after the tier's header.
                let span = header.clone().and_then(|h| {
                    text[h.start..]
                        .find("cadence")
                        .map(|i| h.start + i..h.start + i + 1)
                });
                at.error(span, &format!("tiers.{name}.cadence"), &e.to_string())
            })?,
            None => match defaults.iter().find(|t| t.name == name) {
                Some(t) => t.cadence,
                None => {
                    return Err(at.error(
                        header.clone(),
                        &format!("tiers.{name}"),
                        "a tier needs a `cadence` (e.g. cadence = \"3mo\")",
                    ));
                }
            },
        };
        let position = header.map_or(usize::MAX, |s| s.start);
        let max = raw
            .max
            .or_else(|| defaults.iter().find(|t| t.name == name).and_then(|t| t.max));
        tiers.push((position, Tier { name, cadence, max }));
    }
    tiers.sort_by_key(|(pos, _)| *pos);
    let mut tiers: Vec<Tier> = tiers.into_iter().map(|(_, t)| t).collect();
    // Every key is optional: default tiers the file does not mention stay, after its own.
    for default in defaults {
        if !tiers.iter().any(|t| t.name == default.name) {
            tiers.push(default);
        }
    }
    Ok(tiers)
}

/// Where a tier is first written: `[tiers.NAME]`, or `NAME =` inside `[tiers]`.
fn header_span(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let forms = [
        format!("[tiers.{name}]"),
        format!("[tiers.\"{name}\"]"),
        format!("tiers.{name}."),
        format!("tiers.{name} "),
        format!("tiers.{name}="),
    ];
    let mut best: Option<usize> = None;
    for form in &forms {
        if let Some(i) = text.find(form.as_str()) {
            best = Some(best.map_or(i, |b: usize| b.min(i)));
        }
    }
    if best.is_none() {
        // Inside a `[tiers]` table: a line starting with the name.
        let table = text.find("[tiers]")?;
        let mut offset = table;
        for line in text[table..].split_inclusive('\n') {
            let t = line.trim_start();
            if t.starts_with(name) && t[name.len()..].trim_start().starts_with(['=', '.']) {
                best = Some(offset);
                break;
            }
            offset += line.len();
        }
    }
    best.map(|b| b..b + 1)
}

/// The parts of a config that come from `kith.toml`.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub due_note: String,
    pub log_heading: String,
    pub ignore: GlobSet,
    pub index_dir: Option<PathBuf>,
    pub import_template: Option<PathBuf>,
    pub rules: Rules,
    pub export: RawExportFile,
}

impl Default for ConfigFile {
    fn default() -> Self {
        Self {
            due_note: "Due this week.md".to_string(),
            log_heading: "Log".to_string(),
            ignore: GlobSet::empty(),
            index_dir: None,
            import_template: None,
            rules: Rules::default(),
            export: RawExportFile::default(),
        }
    }
}

impl Config {
    /// Resolves flags, the vault and its `kith.toml` into one config. `today` is the local
    /// date, used when `--today` is not given.
    pub fn load(flags: &Flags, cwd: &Path, today: Date) -> Result<Config, UsageError> {
        let vault = discover_vault(flags.vault.as_deref(), cwd)?;
        let path = vault.join(CONFIG_FILE);
        let (file, config_file, config_bytes) = match std::fs::read(&path) {
            Ok(bytes) => {
                let text = std::str::from_utf8(&bytes).map_err(|_| {
                    UsageError(format!(
                        "{}: invalid config: not UTF-8 text",
                        path.display()
                    ))
                })?;
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                let file = parse_config(text, &path.display().to_string())?;
                (file, Some(path), bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (ConfigFile::default(), None, Vec::new())
            }
            Err(e) => {
                return Err(UsageError(format!(
                    "{}: cannot read the config: {e}",
                    path.display()
                )));
            }
        };
        // Relative to the vault, as every path in the config is (never to wherever kith
        // happens to run).
        let index_dir = file.index_dir.map(|dir| lexical(&vault.join(dir)));
        let import_template = file.import_template.map(|t| lexical(&vault.join(t)));
        let export = Export {
            ics: file.export.ics.map(|shown| IcsFile {
                path: lexical(&vault.join(&shown)),
                shown,
            }),
            weeks: file.export.weeks.unwrap_or(DEFAULT_WEEKS),
            alarm: file.export.alarm,
        };
        let templates = template_folders(&vault);
        Ok(Config {
            vault,
            config_file,
            config_bytes,
            today: flags.today.unwrap_or(today),
            due_note: file.due_note,
            log_heading: file.log_heading,
            ignore: file.ignore,
            templates,
            index_dir,
            import_template,
            rules: file.rules,
            export,
            verbose: flags.verbose,
            quiet: flags.quiet,
            color: flags.color,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, String> {
        parse_config(text, "kith.toml").map_err(|e| e.0)
    }

    #[test]
    fn empty_config_gives_the_defaults() {
        let c = parse("").expect("valid");
        assert_eq!(c.due_note, "Due this week.md");
        let names: Vec<_> = c.rules.tiers.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(c.rules.default_tier, "B");
        assert_eq!(c.rules.tiers[0].max, Some(15));
    }

    #[test]
    fn tiers_keep_their_written_order() {
        let c = parse(
            "[tiers.inner]\ncadence = \"2w\"\n[tiers.close]\ncadence = \"1mo\"\nmax = 5\n[tiers.wide]\ncadence = \"1y\"\n",
        )
        .expect("valid");
        let names: Vec<_> = c.rules.tiers.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["inner", "close", "wide", "A", "B", "C"]);
        assert_eq!(c.rules.default_tier, "B");
        assert_eq!(c.rules.tiers[1].max, Some(5));
        // Changing one key of a default tier keeps the others.
        let c = parse("[tiers.A]\nmax = 0\n").expect("valid");
        let tiers: Vec<_> = c
            .rules
            .tiers
            .iter()
            .map(|t| (t.name.as_str(), t.cadence.to_string(), t.max))
            .collect();
        assert_eq!(
            tiers,
            [
                ("A", "6w".to_string(), Some(0)),
                ("B", "3mo".to_string(), None),
                ("C", "6mo".to_string(), None)
            ]
        );
        // The file's order is the priority, then the defaults it leaves out.
        let c = parse("[tiers.C]\n[tiers.A]\n").expect("valid");
        let names: Vec<_> = c.rules.tiers.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["C", "A", "B"]);
    }

    #[test]
    fn the_log_heading_is_one_line() {
        for bad in [
            "log_heading = \"Log\\nMore\"",
            "log_heading = \"  \"",
            "log_heading = \"a\\tb\"",
        ] {
            let e = parse(&format!("due_note = \"Due.md\"\n{bad}\n")).expect_err(bad);
            assert!(
                e.starts_with("kith.toml:2: invalid config: key `log_heading`: must be one line"),
                "{e}"
            );
        }
        let e = parse("log_heading = \"Log %% hidden\"\n").expect_err("a comment");
        assert!(e.contains("must not hold `%%`"), "{e}");
        let c = parse("log_heading = \" Conversations \"\n").expect("valid");
        assert_eq!(c.log_heading, "Conversations");
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let e = parse("due_note = \"Due.md\"\nweek_start = \"someday\"\n").expect_err("bad");
        assert!(
            e.starts_with("kith.toml:2: invalid config: key `week_start`"),
            "{e}"
        );
        let e = parse("[tiers.A]\ncadence = \"0w\"\n").expect_err("bad");
        assert!(
            e.starts_with("kith.toml:2: invalid config: key `tiers.A.cadence`"),
            "{e}"
        );
        let e = parse("week_strat = \"monday\"\n").expect_err("bad");
        assert!(
            e.starts_with("kith.toml:1:") && e.contains("week_strat"),
            "{e}"
        );
        let e = parse("[exchange]\nstreak = \"three\"\n").expect_err("bad");
        assert!(
            e.starts_with("kith.toml:2:") && e.contains("exchange.streak"),
            "{e}"
        );
        let e = parse("default_tier = \"Z\"\n").expect_err("bad");
        assert!(
            e.starts_with("kith.toml:1:") && e.contains("default_tier"),
            "{e}"
        );
        let e = parse("due_note = \"../outside.md\"\n").expect_err("bad");
        assert!(e.contains("due_note"), "{e}");
        let e = parse("ignore = [\"a/[b\"]\n").expect_err("bad");
        assert!(e.starts_with("kith.toml:1:") && e.contains("ignore"), "{e}");
        let e = parse("week_start = \n").expect_err("bad");
        assert!(e.starts_with("kith.toml:1:"), "{e}");
    }

    #[test]
    fn export_names_an_ics_file_weeks_and_an_alarm() {
        let c = parse("").expect("valid");
        assert_eq!(
            (c.export.ics, c.export.weeks, c.export.alarm),
            (None, None, None)
        );
        let c = parse("[export]\nics = \"Calendars/kith.ICS\"\nweeks = 12\nalarm = \"8h30m\"\n")
            .expect("valid");
        assert_eq!(c.export.ics.as_deref(), Some("Calendars/kith.ICS"));
        assert_eq!(c.export.weeks, Some(12));
        assert_eq!(
            c.export.alarm.map(|a| a.to_string()).as_deref(),
            Some("8h30m")
        );
        for (text, key, says) in [
            (
                "[export]\nics = \"~/Dropbox/kith.ics\"\n",
                "export.ics",
                "not expanded",
            ),
            (
                "[export]\nics = \"Due this week.md\"\n",
                "export.ics",
                ".ics file",
            ),
            ("[export]\nics = \".ics\"\n", "export.ics", ".ics file"),
            ("[export]\nweeks = 0\n", "export.weeks", "from 1 to 520"),
            ("[export]\nweeks = 521\n", "export.weeks", "from 1 to 520"),
            (
                "[export]\nalarm = \"24h\"\n",
                "export.alarm",
                "24 hours or more",
            ),
            (
                "[export]\ncalendar = \"x.ics\"\n",
                "export.calendar",
                "unknown field",
            ),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.starts_with("kith.toml:2: invalid config: key `"), "{e}");
            assert!(e.contains(key) && e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn the_calendar_path_is_taken_from_the_vault_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join(CONFIG_FILE),
            "[export]\nics = \"Calendars/../kith.ics\"\n",
        )
        .unwrap();
        let c = load(root);
        let ics = c.export.ics.expect("a calendar");
        assert_eq!(ics.path, root.join("kith.ics"));
        assert_eq!(ics.shown, "Calendars/../kith.ics");
        assert_eq!(c.export.weeks, DEFAULT_WEEKS);
    }

    #[test]
    fn normalises_folders_and_tags() {
        let c =
            parse("[contacts]\nfolders = [\"./Network/\", \"Clients\"]\ntags = [\"#Contact\"]\n")
                .expect("valid");
        assert_eq!(c.rules.contacts.folders, ["Network", "Clients"]);
        assert_eq!(c.rules.contacts.tags, ["contact"]);
    }

    #[test]
    fn paths_are_read_without_dots() {
        for (path, read) in [
            ("/notes/../idx", "/idx"),
            ("/notes/./idx", "/notes/idx"),
            ("notes/../../idx", "../idx"),
            ("/notes/a/b/../../c", "/notes/c"),
        ] {
            assert_eq!(lexical(Path::new(path)), Path::new(read), "{path}");
        }
    }

    #[test]
    fn ignore_globs_do_not_cross_folders() {
        let c = parse("ignore = [\"Templates/*\"]\n").expect("valid");
        assert!(c.ignore.is_match("Templates/a.md"));
        assert!(!c.ignore.is_match("Templates/sub/a.md"));
    }

    fn load(root: &Path) -> Config {
        let flags = Flags {
            vault: Some(root.to_path_buf()),
            ..Flags::default()
        };
        Config::load(&flags, root, Date::constant(2026, 11, 23)).unwrap()
    }

    #[test]
    fn the_config_hash_names_the_config_as_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let none = load(root);
        assert!(none.config_file.is_none() && none.config_bytes.is_empty());
        let path = root.join(CONFIG_FILE);
        std::fs::write(&path, "due_note = \"Due.md\"\n").unwrap();
        let first = load(root);
        assert_eq!(first.config_bytes, std::fs::read(&path).unwrap());
        let hash = crate::index::config_hash(&first);
        assert_ne!(hash, crate::index::config_hash(&none));
        // The file changes after the load: the loaded config's hash does not.
        std::fs::write(&path, "due_note = \"Due.md\"\n# edited\n").unwrap();
        assert_eq!(crate::index::config_hash(&first), hash);
        assert_ne!(crate::index::config_hash(&load(root)), hash);
    }
}
