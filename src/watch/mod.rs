//! `kith watch`: keeps the due note, the index and the calendar of `[export] ics` fresh on
//! every change under the vault, and when the date changes.
//!
//! One loop: wait for the next batch of changes ([`events`]), reload `kith.toml` when it
//! changed, apply the batch (the index patches the model it keeps, the due note is written
//! from it at once, then the index and the caches, then the calendar), and between batches
//! look at the date ([`clock`]). Nothing here decides what a note means; it only says when to look again.

mod calendar;
mod clock;
mod due_note;
pub(crate) mod events;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clock::Clock;
use due_note::DueNote;
use events::{Batch, Events, Next};

use crate::config::{Config, Flags};
use crate::core::model::Vault;
use crate::core::problem::Problem;
use crate::core::text::OneLine;
use crate::index::{AlreadyWatched, Changes, Hint, Watched};
use crate::report;

/// How many problems that appeared or went away a batch names, one line each.
const MAX_PROBLEM_LINES: usize = 10;

/// `kith watch`'s options.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long to wait after a change for more before acting.
    pub debounce: Duration,
    /// For tests: a file holding the local date (YYYY-MM-DD), read instead of the clock.
    pub clock_file: Option<PathBuf>,
    /// How often the date is looked at.
    pub date_check: Duration,
}

/// A running watcher.
pub struct Watcher {
    config: Config,
    /// What `kith.toml` is reloaded with.
    flags: Flags,
    cwd: PathBuf,
    clock: Clock,
    events: Events,
    index: Watched,
    due: DueNote,
}

impl Watcher {
    /// Watches the vault's folders, brings the index up to date and writes the due note; or
    /// says which watcher already holds the vault.
    pub fn start(
        mut config: Config,
        flags: &Flags,
        cwd: &Path,
        options: Options,
    ) -> anyhow::Result<Result<Watcher, AlreadyWatched>> {
        let clock = Clock::of(flags.today, options.clock_file);
        if let Some(today) = clock.today() {
            config.today = today;
        }
        // Watches first, so that nothing saved while the index is brought up to date is missed.
        let events = Events::start(&config, options.debounce, clock.checks(options.date_check))?;
        if !crate::index::is_current(&config) {
            index_in_child(&config);
        }
        let index = match Watched::start(&config)? {
            Ok(index) => index,
            Err(other) => return Ok(Err(other)),
        };
        let mut watcher = Watcher {
            config,
            flags: flags.clone(),
            cwd: cwd.to_path_buf(),
            clock,
            events,
            index,
            due: DueNote::default(),
        };
        let wrote = watcher
            .due
            .write(&watcher.config, &mut watcher.index.fresh.vault);
        let vault = &watcher.index.fresh.vault;
        let wrote = wrote + &calendar::tail(&watcher.config, vault);
        report::note(
            &watcher.config,
            format_args!(
                "watching {}: {} contacts, {} problems; index at {}; {wrote}",
                watcher.config.vault.display(),
                vault.contacts.len(),
                vault.problems.len(),
                watcher.index.dir().display(),
            ),
        );
        Ok(Ok(watcher))
    }

    /// Follows changes until Ctrl-C or SIGTERM (the batch in progress is finished first).
    pub fn run(mut self) -> anyhow::Result<()> {
        loop {
            match self.events.next(&self.config)? {
                Next::Stop => break,
                Next::Quiet => self.roll_date(),
                Next::Batch { batch, then_stop } => {
                    self.apply(batch)?;
                    if then_stop {
                        break;
                    }
                }
            }
        }
        report::note(&self.config, "watch stopped");
        Ok(())
    }

    /// Writes the due note for a new day (after midnight, or a laptop waking).
    fn roll_date(&mut self) {
        let Some(now) = self.clock.today().filter(|now| *now != self.config.today) else {
            return;
        };
        let started = Instant::now();
        self.config.today = now;
        let wrote = self.due.write(&self.config, &mut self.index.fresh.vault);
        let wrote = wrote + &calendar::tail(&self.config, &self.index.fresh.vault);
        report::note(
            &self.config,
            format_args!(
                "it is {now}: {wrote} ({} ms)",
                started.elapsed().as_millis()
            ),
        );
    }

    /// Takes in a changed `kith.toml`: the next update walks the whole vault with it. An
    /// invalid one, or one that moves the index, keeps the last good config.
    fn reload_config(&mut self, batch: &mut Batch) {
        match Config::load(&self.flags, &self.cwd, self.config.today) {
            Ok(new) if new.index_dir != self.config.index_dir || new.vault != self.config.vault => {
                report::warning(
                    &self.config,
                    "kith.toml moves the index; restart kith watch to use it (keeping the last config)",
                );
            }
            Ok(mut new) => {
                new.today = self.config.today;
                self.config = new;
                batch.rescan = true;
                report::note(&self.config, "kith.toml reloaded");
            }
            Err(e) => report::error(format_args!("{e}; keeping the last good config")),
        }
    }

    /// Follows one batch: the index brings the model up to date, the due note is written
    /// from it at once, then the index and the caches are written.
    fn apply(&mut self, mut batch: Batch) -> anyhow::Result<()> {
        let started = Instant::now();
        if batch.config {
            self.reload_config(&mut batch);
        }
        // kith's own due note coming back; else the user ticked boxes in it (or edited it):
        // the ticks are carried out, and the note is written anew.
        let mut due_edited = false;
        if batch.paths.contains(&self.config.due_note) {
            if self.due.is_own(&self.config) {
                batch.paths.remove(&self.config.due_note);
            } else {
                due_edited = true;
                let carried = crate::ticks::carry_out(&self.config, &self.index.fresh.vault);
                batch.paths.extend(carried.edited);
            }
        }
        calendar::leave_out(&self.config, &mut batch.paths);
        if batch.paths.is_empty() && !batch.rescan {
            self.idle(&batch);
            return Ok(());
        }
        self.events.follow_folders(&self.config, &batch.paths)?;
        let hint = if batch.rescan {
            Hint::Everything
        } else {
            Hint::Paths(std::mem::take(&mut batch.paths))
        };
        // A laptop waking from sleep: the first change may come before the date check.
        let yesterday = self.config.today;
        if let Some(now) = self.clock.today() {
            self.config.today = now;
        }
        let new_day = self.config.today != yesterday;
        let problems_before = self.index.fresh.vault.problems.clone();
        let (changes, wrote) = self.follow(&hint, started);
        let what = match &changes {
            // Events that changed nothing kith reads (a folder touched, a file not a note).
            Ok(c)
                if c.is_empty()
                    && c.touched == 0
                    && c.unreadable == 0
                    && !due_edited
                    && !batch.config
                    && !new_day =>
            {
                self.idle(&batch);
                return Ok(());
            }
            Ok(c) => format!("{}{c}", named(c)),
            Err(e) => format!("error: {e:#}"),
        };
        let (wrote, due_at) = match wrote {
            Some(done) => done,
            // The model may be what an error left: the due note stays as it is.
            None if changes.is_err() => ("due note not written".to_string(), started.elapsed()),
            None => (
                self.due.write(&self.config, &mut self.index.fresh.vault),
                started.elapsed(),
            ),
        };
        let indexed = started.elapsed();
        // The calendar last: neither the due note nor the index waits for it.
        let calendar = match changes {
            Ok(_) => calendar::tail(&self.config, &self.index.fresh.vault),
            Err(_) => String::new(),
        };
        report::note(
            &self.config,
            format_args!(
                "{what}; {wrote} after {} ms, index and caches after {} ms{calendar}",
                due_at.as_millis(),
                indexed.as_millis()
            ),
        );
        if changes.is_ok() {
            self.report_problems(&problems_before);
        }
        Ok(())
    }

    /// The problems that appeared or went away with the last batch, a line each.
    fn report_problems(&self, before: &[Problem]) {
        let after = &self.index.fresh.vault.problems;
        let lines: Vec<String> = after
            .iter()
            .filter(|p| !before.contains(p))
            .map(|p| format!("new problem: {p}"))
            .chain(
                before
                    .iter()
                    .filter(|p| !after.contains(p))
                    .map(|p| format!("problem gone: {p}")),
            )
            .collect();
        for line in lines.iter().take(MAX_PROBLEM_LINES) {
            report::note(&self.config, line);
        }
        if lines.len() > MAX_PROBLEM_LINES {
            report::note(
                &self.config,
                format_args!(
                    "and {} more (run `kith check`)",
                    lines.len() - MAX_PROBLEM_LINES
                ),
            );
        }
    }

    /// Brings the index up to date with `hint`, writing the due note as soon as the model is
    /// (what was written, and when).
    fn follow(
        &mut self,
        hint: &Hint,
        started: Instant,
    ) -> (anyhow::Result<Changes>, Option<(String, Duration)>) {
        let mut wrote: Option<(String, Duration)> = None;
        let (config, due) = (&self.config, &mut self.due);
        let mut on_model = |vault: &mut Vault| {
            wrote = Some((due.write(config, vault), started.elapsed()));
        };
        let mut changes = self.index.follow(config, hint, &mut on_model);
        if matches!(&changes, Ok(c) if c.stale) {
            // Another kith is writing the index: look again once it is done.
            std::thread::sleep(Duration::from_millis(500));
            changes = self.index.follow(config, &Hint::Everything, &mut on_model);
        }
        (changes, wrote)
    }

    /// With `-v`: a batch that changed no note.
    fn idle(&self, batch: &Batch) {
        report::detail(
            &self.config,
            format_args!("{} events, no note changed", batch.events),
        );
    }
}

/// The notes a batch changed, as its line on stderr begins: `People/Ada.md: `, or the first
/// few and how many more (each on the line, control characters escaped).
fn named(changes: &Changes) -> String {
    if changes.named.is_empty() {
        return String::new();
    }
    let all = changes.added + changes.updated + changes.moved + changes.removed;
    let more = all.saturating_sub(changes.named.len());
    let named: Vec<String> = changes
        .named
        .iter()
        .map(|path| OneLine(path).to_string())
        .collect();
    let mut out = named.join(", ");
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out.push_str(": ");
    out
}

/// Brings the index up to date in a child process (`kith index`): the peak memory of a
/// large update then goes back to the system with the child, instead of staying with the
/// watcher for as long as it runs. Whatever the child could not do, the watcher does itself
/// next (and reports).
fn index_in_child(config: &Config) {
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut child = std::process::Command::new(exe);
    child.arg("--vault").arg(&config.vault);
    if config.quiet {
        child.arg("--quiet");
    }
    for _ in 0..config.verbose {
        child.arg("--verbose");
    }
    let _ = child
        .arg("index")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status();
}
