//! `kith watch`: keeps the due note and the index fresh on every change under the vault, and
//! when the date changes.
//!
//! Events are hints, never the truth: each batch names paths (both ends of a rename, folders
//! created or moved), and those paths — a folder with everything below it — are stat'ed and
//! compared with the manifest; a lost event queue means a full freshness walk. Folders are
//! watched one by one (dot-folders and ignored folders are not watched at all), and a folder
//! that appears is watched and walked at once, so notes saved into it before its watch was in
//! place are not missed.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use notify::{RecursiveMode, Watcher as _};

use super::WatchOptions;
use crate::config::{Config, Flags};
use crate::core::model::Vault;
use crate::index::{Hint, Watched};
use crate::write::{self, Outcome};

/// A batch never waits longer than this for quiet (a sync client that never stops writing
/// still gets its changes followed).
const MAX_BATCH: Duration = Duration::from_secs(1);

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// What a batch of events asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Batch {
    /// Paths relative to the root that may have changed (notes or folders).
    pub paths: BTreeSet<String>,
    /// The event queue overflowed, or a watch failed: walk everything.
    pub rescan: bool,
    /// `kith.toml` changed.
    pub config: bool,
}

impl Batch {
    /// Adds what one event says. Paths outside the vault, in dot-folders or ignored folders,
    /// and `kith.toml` (which sets `config`) are not note paths.
    pub(crate) fn add(&mut self, config: &Config, event: &notify::Event) {
        if event.need_rescan() {
            self.rescan = true;
        }
        // Reads (kith's own among them) change nothing.
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        for path in &event.paths {
            let Ok(rel) = path.strip_prefix(&config.vault) else {
                continue;
            };
            let Some(rel) = rel.to_str().map(|r| r.replace('\\', "/")) else {
                self.rescan = true; // a name that is not UTF-8: let the walk report it
                continue;
            };
            if rel.is_empty() {
                continue;
            }
            if rel == crate::config::CONFIG_FILE {
                self.config = true;
            } else if !crate::vault::excluded(config, &rel) {
                self.paths.insert(rel);
            }
        }
    }
}

/// The message for a system limit on watches, with the command that raises it.
fn watch_limit() -> String {
    "the system's limit on watched folders is too low for this vault (inotify \
     max_user_watches); raise it with `sudo sysctl fs.inotify.max_user_watches=524288` (add \
     `fs.inotify.max_user_watches=524288` to /etc/sysctl.conf to keep it), then start kith \
     watch again"
        .to_string()
}

/// Watches every folder kith reads below `start`.
fn watch_folders(
    watcher: &mut notify::RecommendedWatcher,
    config: &Config,
    start: &Path,
) -> anyhow::Result<()> {
    for folder in crate::vault::folders(config, start) {
        match watcher.watch(&folder, RecursiveMode::NonRecursive) {
            Ok(()) => {}
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                anyhow::bail!(watch_limit());
            }
            // A folder that vanished meanwhile: its parent's events say so.
            Err(_) if !folder.exists() => {}
            Err(e) => {
                return Err(e)
                    .map_err(|e| anyhow::anyhow!("cannot watch {}: {e}", folder.display()));
            }
        }
    }
    Ok(())
}

/// Where the watcher reads the date.
enum Clock {
    /// `--today`: never changes.
    Fixed,
    /// The local date of the system's clock.
    System,
    /// A file holding the date (tests).
    File(std::path::PathBuf),
}

impl Clock {
    /// Today's date, or `None` when it cannot change or be read.
    fn today(&self) -> Option<Date> {
        match self {
            Clock::Fixed => None,
            Clock::System => Some(jiff::ZonedDateTime::now().date()),
            Clock::File(path) => std::fs::read_to_string(path).ok()?.trim().parse().ok(),
        }
    }
}

/// Brings the index up to date in a child process (`kith index`): the peak memory of a
/// large update (every note's documents in flight) then goes back to the system with the
/// child, instead of staying with the watcher for as long as it runs. Whatever the child
/// could not do, the watcher does itself next (and reports).
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

/// The due note's state, so that kith's own writes are known when their events come back.
struct DueNote {
    /// xxh3 of the bytes kith last wrote or found up to date.
    last: Option<u64>,
    /// What the last week keeps for the next.
    memo: crate::core::schedule::Memo,
}

impl DueNote {
    /// Computes the week and writes the note when its bytes change.
    fn write(&mut self, config: &Config, vault: &mut Vault) -> String {
        let started = Instant::now();
        let week = super::due::week(config, vault, &mut self.memo);
        let scheduled = started.elapsed();
        let note = crate::core::render::due_note(&week, vault);
        let rendered = started.elapsed();
        // Not synced: rewritten on every change, and a flush would wait behind the index.
        let outcome = write::write_generated_as(
            &config.vault,
            &config.due_note,
            &note,
            write::Durability::Unsynced,
        );
        if config.verbose > 0 {
            eprintln!(
                "kith: due note: week {scheduled:?}, rendered {:?}, written {:?}",
                rendered - scheduled,
                started.elapsed() - rendered
            );
        }
        if outcome.is_ok() {
            self.last = Some(xxhash_rust::xxh3::xxh3_64(note.as_bytes()));
        }
        match outcome {
            Ok(Outcome::Written) => format!("wrote {}", config.due_note),
            Ok(Outcome::Unchanged) => format!("{} unchanged", config.due_note),
            Err(e) => format!("due note not written: {e}"),
        }
    }

    /// [`DueNote::write`] from the model the watcher keeps.
    fn write_kept(&mut self, config: &Config, watch: &mut Watched) -> String {
        self.write(config, &mut watch.fresh.vault)
    }

    /// Whether the note on disk is the one kith wrote last.
    fn is_own(&self, config: &Config) -> bool {
        let Some(last) = self.last else {
            return false;
        };
        std::fs::read(config.vault.join(&config.due_note))
            .is_ok_and(|bytes| xxhash_rust::xxh3::xxh3_64(&bytes) == last)
    }
}

pub fn run(
    mut config: Config,
    flags: &Flags,
    cwd: &Path,
    options: WatchOptions,
) -> anyhow::Result<ExitCode> {
    let WatchOptions {
        debounce,
        clock_file,
        date_check,
    } = options;
    let clock = match (flags.today, clock_file) {
        (Some(_), _) => Clock::Fixed,
        (None, Some(file)) => Clock::File(file),
        (None, None) => Clock::System,
    };
    if let Some(today) = clock.today() {
        config.today = today;
    }
    let fixed_today = matches!(clock, Clock::Fixed);
    let (tx, rx) = mpsc::channel::<Msg>();
    {
        let tx = tx.clone();
        ctrlc::set_handler(move || {
            let _ = tx.send(Msg::Stop);
        })
        .map_err(|e| anyhow::anyhow!("cannot catch Ctrl-C: {e}"))?;
    }
    // Watches first, so that nothing saved while the index is brought up to date is missed.
    let mut watcher = notify::RecommendedWatcher::new(
        move |event| {
            let _ = tx.send(Msg::Fs(event));
        },
        notify::Config::default()
            .with_follow_symlinks(false)
            // Changes only: with opens (notify 8 watched them always), every program reading
            // the vault would wake the watcher once per file, and wait for it.
            .with_event_kinds(notify::EventKindMask::CORE),
    )
    .map_err(|e| anyhow::anyhow!("cannot watch the vault: {e}"))?;
    if let Err(e) = watch_folders(&mut watcher, &config, &config.vault.clone()) {
        eprintln!("kith: error: {e:#}");
        return Ok(ExitCode::from(1));
    }
    if !crate::index::is_current(&config) {
        index_in_child(&config);
    }
    let mut watch = match Watched::start(&config)? {
        Ok(w) => w,
        Err(other) => {
            let who = other
                .pid
                .map_or_else(String::new, |pid| format!(" (process {pid})"));
            eprintln!(
                "kith: error: kith watch is already running for this vault{who}; index at {}",
                other.dir.display()
            );
            return Ok(ExitCode::from(1));
        }
    };
    let mut due = DueNote {
        last: None,
        memo: Default::default(),
    };
    let wrote = due.write_kept(&config, &mut watch);
    if !config.quiet {
        eprintln!(
            "kith: watching {}: {} contacts, {} problems; index at {}; {wrote}",
            config.vault.display(),
            watch.fresh.vault.contacts.len(),
            watch.fresh.vault.problems.len(),
            watch.dir().display(),
        );
    }

    let mut stop = false;
    while !stop {
        let first = if fixed_today {
            rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        } else {
            rx.recv_timeout(date_check)
        };
        let mut events = match first {
            Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some(now) = clock.today().filter(|now| *now != config.today) {
                    let started = Instant::now();
                    config.today = now;
                    let wrote = due.write_kept(&config, &mut watch);
                    if !config.quiet {
                        eprintln!(
                            "kith: it is {now}: {wrote} ({} ms)",
                            started.elapsed().as_millis()
                        );
                    }
                }
                continue;
            }
            Ok(Msg::Fs(event)) => vec![event],
        };
        // Wait for quiet: a burst of saves is one batch.
        let opened = Instant::now();
        loop {
            match rx.recv_timeout(debounce) {
                Ok(Msg::Fs(event)) => events.push(event),
                Ok(Msg::Stop) => {
                    stop = true; // finish this batch first
                    break;
                }
                Err(_) => break,
            }
            if opened.elapsed() > MAX_BATCH {
                break;
            }
        }
        let started = Instant::now();
        let mut batch = Batch::default();
        let count = events.len();
        let idle = |config: &Config| {
            if config.verbose > 0 {
                eprintln!("kith: {count} events, no note changed");
            }
        };
        for event in events {
            match event {
                Ok(event) => batch.add(&config, &event),
                Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                    eprintln!("kith: error: {}", watch_limit());
                    return Ok(ExitCode::from(1));
                }
                Err(e) => {
                    if !config.quiet {
                        eprintln!("kith: warning: {e}; looking at the whole vault");
                    }
                    batch.rescan = true;
                }
            }
        }
        if batch.config {
            match Config::load(flags, cwd, config.today) {
                Ok(new) if new.index_dir != config.index_dir || new.vault != config.vault => {
                    eprintln!(
                        "kith: warning: kith.toml moves the index; restart kith watch to use it (keeping the last config)"
                    );
                }
                Ok(mut new) => {
                    new.today = config.today;
                    config = new;
                    batch.rescan = true;
                    if !config.quiet {
                        eprintln!("kith: kith.toml reloaded");
                    }
                }
                Err(e) => eprintln!("kith: error: {e}; keeping the last good config"),
            }
        }
        // kith's own due note coming back.
        if batch.paths.contains(&config.due_note) && due.is_own(&config) {
            batch.paths.remove(&config.due_note);
        }
        if batch.paths.is_empty() && !batch.rescan {
            idle(&config);
            continue;
        }
        // Folders that appeared are watched (and walked, below); gone ones let go.
        for rel in &batch.paths {
            let abs = config.vault.join(rel);
            if abs.is_dir() {
                if let Err(e) = watch_folders(&mut watcher, &config, &abs) {
                    eprintln!("kith: error: {e:#}");
                    return Ok(ExitCode::from(1));
                }
            } else if !abs.exists() {
                let _ = watcher.unwatch(&abs);
            }
        }
        let hint = if batch.rescan {
            Hint::Everything
        } else {
            Hint::Paths(std::mem::take(&mut batch.paths))
        };
        // A laptop waking from sleep: the first change may come before the date check.
        let yesterday = config.today;
        if let Some(now) = clock.today() {
            config.today = now;
        }
        let new_day = config.today != yesterday;
        // The due note is written as soon as the model is patched, before the index and
        // the caches.
        let mut wrote: Option<(String, Duration)> = None;
        let mut on_model = |vault: &mut Vault| {
            wrote = Some((due.write(&config, vault), started.elapsed()));
        };
        let mut changes = watch.follow(&config, &hint, &mut on_model);
        if matches!(&changes, Ok(c) if c.stale) {
            // Another kith is writing the index: look again once it is done.
            std::thread::sleep(Duration::from_millis(500));
            changes = watch.follow(&config, &Hint::Everything, &mut on_model);
        }
        let what = match &changes {
            // Events that changed nothing kith reads (a folder touched, a file not a note).
            Ok(c)
                if c.is_empty()
                    && c.touched == 0
                    && c.unreadable == 0
                    && !batch.config
                    && !new_day =>
            {
                idle(&config);
                continue;
            }
            Ok(c) => super::index::describe(c),
            Err(e) => format!("error: {e:#}"),
        };
        let (wrote, due_at) = match wrote {
            Some(done) => done,
            // The model may be what an error left: the due note stays as it is.
            None if changes.is_err() => ("due note not written".to_string(), started.elapsed()),
            None => (due.write_kept(&config, &mut watch), started.elapsed()),
        };
        if !config.quiet {
            eprintln!(
                "kith: {what}; {wrote} after {} ms, index and caches after {} ms",
                due_at.as_millis(),
                started.elapsed().as_millis()
            );
        }
    }
    drop(watcher);
    drop(watch);
    if !config.quiet {
        eprintln!("kith: watch stopped");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, EventKind, ModifyKind, RenameMode};

    fn config(root: &Path) -> Config {
        let flags = Flags {
            vault: Some(root.to_path_buf()),
            today: Some(Date::constant(2026, 11, 23)),
            verbose: 0,
            quiet: true,
            color: crate::config::Color::Never,
        };
        Config::load(&flags, root, Date::constant(2026, 11, 23)).unwrap()
    }

    #[test]
    fn events_name_paths_and_the_rest_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let c = config(&root);
        let mut batch = Batch::default();
        let event = |kind, paths: &[&str]| {
            let mut e = notify::Event::new(kind);
            for p in paths {
                e = e.add_path(root.join(p));
            }
            e
        };
        // An atomic save: the temporary file renamed over the note (both ends named).
        batch.add(
            &c,
            &event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["People/.Ada.md.swp", "People/Ada.md"],
            ),
        );
        batch.add(
            &c,
            &event(EventKind::Create(CreateKind::Folder), &["Projects"]),
        );
        batch.add(
            &c,
            &event(EventKind::Any, &[".obsidian/workspace.json", ".git/index"]),
        );
        batch.add(&c, &event(EventKind::Any, &["kith.toml"]));
        // Reading a note (kith's own reads too) is no change.
        batch.add(
            &c,
            &event(
                EventKind::Access(notify::event::AccessKind::Open(
                    notify::event::AccessMode::Read,
                )),
                &["People/Bob.md"],
            ),
        );
        let mut outside = notify::Event::new(EventKind::Any);
        outside = outside.add_path(std::env::temp_dir().join("elsewhere.md"));
        batch.add(&c, &outside);
        assert_eq!(
            batch.paths.iter().map(String::as_str).collect::<Vec<_>>(),
            ["People/Ada.md", "Projects"]
        );
        assert!(batch.config);
        assert!(!batch.rescan);
        let overflow = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        batch.add(&c, &overflow);
        assert!(batch.rescan);
    }
}
