//! What the watcher waits for: file-system events from notify, gathered into batches (a
//! burst of saves is one batch), Ctrl-C or SIGTERM, and the moments to look at the date.
//!
//! Events are hints, never the truth: a batch names paths (both ends of a rename, folders
//! created or moved), and the index stats them. Folders are watched one by one: dot-folders
//! and ignored folders are not watched at all, and a folder that appears is watched as soon
//! as a batch names it.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};

use crate::config::Config;
use crate::report;

/// A batch never waits longer than this for quiet (a sync client that never stops writing
/// still gets its changes followed).
const MAX_BATCH: Duration = Duration::from_secs(1);

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// What the watcher does next.
pub enum Next {
    /// Changes, gathered until quiet; `then_stop` when Ctrl-C came during the batch (it is
    /// finished first).
    Batch { batch: Batch, then_stop: bool },
    /// Nothing happened for a while: time to look at the date.
    Quiet,
    /// Ctrl-C or SIGTERM.
    Stop,
}

/// What a batch of events asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Paths relative to the root that may have changed (notes or folders).
    pub paths: BTreeSet<String>,
    /// The event queue overflowed, or a watch failed: walk everything.
    pub rescan: bool,
    /// `kith.toml` changed.
    pub config: bool,
    /// How many events it gathers.
    pub events: usize,
}

impl Batch {
    /// Adds what one event says. Paths outside the vault, in dot-folders or ignored folders,
    /// and `kith.toml` (which sets `config`) are not note paths.
    pub fn add(&mut self, config: &Config, event: &notify::Event) {
        self.events += 1;
        if event.need_rescan() {
            self.rescan = true;
        }
        // Reads (kith's own among them) change nothing.
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        let removed = matches!(event.kind, notify::EventKind::Remove(_));
        for path in &event.paths {
            let Ok(rel) = path.strip_prefix(&config.vault) else {
                continue;
            };
            if !removed && is_unnamed_file(path) {
                continue;
            }
            // `\` separates folders on Windows only; elsewhere it is a letter of a name.
            let rel = rel.to_str().map(|r| {
                if cfg!(windows) {
                    r.replace('\\', "/")
                } else {
                    r.to_string()
                }
            });
            let Some(rel) = rel else {
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

/// Whether `path` is how Linux names a file made without a name (`O_TMPFILE`, as kith's
/// writer stages a note): `#` and its inode number, under which nothing can be found.
fn is_unnamed_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix('#'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && std::fs::symlink_metadata(path).is_err()
}

/// The message for a system limit on watches, with the command that raises it.
fn watch_limit() -> anyhow::Error {
    anyhow::anyhow!(
        "the system's limit on watched folders is too low for this vault (inotify \
         max_user_watches); raise it with `sudo sysctl fs.inotify.max_user_watches=524288` \
         (add `fs.inotify.max_user_watches=524288` to /etc/sysctl.conf to keep it), then \
         start kith watch again"
    )
}

/// The events of a watched vault.
pub struct Events {
    rx: mpsc::Receiver<Msg>,
    watcher: notify::RecommendedWatcher,
    debounce: Duration,
    /// How often to look at the date (`None`: it cannot change).
    date_check: Option<Duration>,
}

impl Events {
    /// Watches every folder kith reads, and Ctrl-C and SIGTERM.
    pub fn start(
        config: &Config,
        debounce: Duration,
        date_check: Option<Duration>,
    ) -> anyhow::Result<Events> {
        let (tx, rx) = mpsc::channel::<Msg>();
        let stop = tx.clone();
        ctrlc::set_handler(move || {
            let _ = stop.send(Msg::Stop);
        })
        .map_err(|e| anyhow::anyhow!("cannot catch Ctrl-C: {e}"))?;
        let mut watcher = new_watcher(move |event| {
            let _ = tx.send(Msg::Fs(event));
        })?;
        watch_folders(&mut watcher, config, &config.vault)?;
        Ok(Events {
            rx,
            watcher,
            debounce,
            date_check,
        })
    }

    /// Waits for the next thing to do.
    pub fn next(&mut self, config: &Config) -> anyhow::Result<Next> {
        let first = match self.date_check {
            None => self
                .rx
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
            Some(every) => self.rx.recv_timeout(every),
        };
        let mut events = match first {
            Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(Next::Stop),
            Err(mpsc::RecvTimeoutError::Timeout) => return Ok(Next::Quiet),
            Ok(Msg::Fs(event)) => vec![event],
        };
        // Wait for quiet: a burst of saves is one batch.
        let opened = Instant::now();
        let mut then_stop = false;
        while opened.elapsed() <= MAX_BATCH {
            match self.rx.recv_timeout(self.debounce) {
                Ok(Msg::Fs(event)) => events.push(event),
                Ok(Msg::Stop) => {
                    then_stop = true;
                    break;
                }
                Err(_) => break,
            }
        }
        let mut batch = Batch::default();
        for event in events {
            match event {
                Ok(event) => batch.add(config, &event),
                Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                    return Err(watch_limit());
                }
                Err(e) => {
                    report::warning(config, format_args!("{e}; looking at the whole vault"));
                    batch.rescan = true;
                }
            }
        }
        Ok(Next::Batch { batch, then_stop })
    }

    /// Watches the folders that appeared among `paths`, and lets go of those that went.
    pub fn follow_folders(
        &mut self,
        config: &Config,
        paths: &BTreeSet<String>,
    ) -> anyhow::Result<()> {
        follow_folders(&mut self.watcher, config, paths)
    }
}

/// A watcher of changes that calls `handler` with each event (not yet watching anything).
pub fn new_watcher(
    handler: impl notify::EventHandler,
) -> anyhow::Result<notify::RecommendedWatcher> {
    notify::RecommendedWatcher::new(
        handler,
        notify::Config::default()
            .with_follow_symlinks(false)
            // Changes only: with opens, every program reading the vault would wake the
            // watcher once per file, and wait for it.
            .with_event_kinds(notify::EventKindMask::CORE),
    )
    .map_err(|e| anyhow::anyhow!("cannot watch the vault: {e}"))
}

/// Watches the folders that appeared among `paths` (relative to the root), and lets go of
/// those that went.
pub fn follow_folders(
    watcher: &mut notify::RecommendedWatcher,
    config: &Config,
    paths: &BTreeSet<String>,
) -> anyhow::Result<()> {
    for rel in paths {
        let abs = config.vault.join(rel);
        if abs.is_dir() {
            watch_folders(watcher, config, &abs)?;
        } else if !abs.exists() {
            let _ = watcher.unwatch(&abs);
        }
    }
    Ok(())
}

/// Watches every folder kith reads below `start`.
pub fn watch_folders(
    watcher: &mut notify::RecommendedWatcher,
    config: &Config,
    start: &Path,
) -> anyhow::Result<()> {
    for folder in crate::vault::folders(config, start) {
        match watcher.watch(&folder, RecursiveMode::NonRecursive) {
            Ok(()) => {}
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                return Err(watch_limit());
            }
            // A folder that vanished meanwhile: its parent's events say so.
            Err(_) if !folder.exists() => {}
            Err(e) => anyhow::bail!("cannot watch {}: {e}", folder.display()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Flags;
    use jiff::civil::Date;
    use notify::event::{CreateKind, EventKind, ModifyKind, RemoveKind, RenameMode};

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
        // kith staging a note in a file without a name; a folder that is called so is not.
        std::fs::create_dir(root.join("#12")).unwrap();
        batch.add(
            &c,
            &event(EventKind::Create(CreateKind::File), &["#10053676", "#12"]),
        );
        batch.add(&c, &event(EventKind::Remove(RemoveKind::Folder), &["#13"]));
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
            ["#12", "#13", "People/Ada.md", "Projects"]
        );
        assert!(batch.config);
        assert!(!batch.rescan);
        let overflow = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        batch.add(&c, &overflow);
        assert!(batch.rescan);
    }
}
