//! The heavy work, on a thread beside the message loop: reading each vault's model (from the
//! index's cache when it is fresh), following its files on disk, patching the open notes'
//! unsaved text into it, and publishing diagnostics. Edits wait for a pause in typing;
//! a burst of disk events is one batch. Each result goes back to the loop as a new
//! [`Snapshot`]. It must not answer requests: the loop does, from the snapshots.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{Message, Notification};
use lsp_types::{Diagnostic, PublishDiagnosticsParams, Url};

use super::diagnostics;
use super::snapshot::Snapshot;
use crate::config::{Config, Flags};
use crate::core::model::{self, Change, Links, Prepared, Vault};
use crate::core::problem::Problem;
use crate::index::Need;
use crate::watch::events::{Batch, follow_folders, new_watcher, watch_folders};

/// How long typing must pause before the open notes are read again.
pub(crate) const TYPING_PAUSE: Duration = Duration::from_millis(250);
/// How long disk events must pause before a batch is followed.
const DISK_PAUSE: Duration = Duration::from_millis(100);
/// Diagnostics are brought up to date at least this often while typing goes on.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// An open note's text, as the editor last sent it.
#[derive(Debug, Clone)]
pub(crate) struct OpenText {
    pub root: PathBuf,
    pub uri: Url,
    /// Relative to the root, with `/`.
    pub rel: String,
    pub version: i32,
    pub text: Arc<str>,
    /// When the editor sent it: typing pauses are counted from there.
    pub at: Instant,
}

/// What the loop (and the watches) ask of the worker.
pub(crate) enum Job {
    /// Read this vault and watch it.
    Load {
        config: Arc<Config>,
    },
    Opened(OpenText),
    Edited(OpenText),
    Closed {
        root: PathBuf,
        uri: Url,
    },
    /// A note of this vault was saved.
    Saved {
        root: PathBuf,
    },
    /// A file-system event in this vault.
    Fs {
        root: PathBuf,
        event: notify::Result<notify::Event>,
    },
    /// The server is done.
    Stop,
}

/// What the worker tells the loop.
pub(crate) enum Event {
    Ready {
        root: PathBuf,
        snapshot: Arc<Snapshot>,
    },
    Failed {
        root: PathBuf,
    },
}

/// The model of a vault's notes as they are on disk.
struct Disk {
    vault: Arc<Vault>,
    /// Every note (path, is a contact), sorted by path.
    notes: Vec<(String, bool)>,
    links: Arc<Links>,
}

/// What the worker keeps of one vault.
struct Kept {
    config: Arc<Config>,
    disk: Option<Disk>,
    open: BTreeMap<Url, OpenText>,
    watcher: Option<notify::RecommendedWatcher>,
    batch: Batch,
    verdicts: diagnostics::Verdicts,
}

/// What a round of jobs asks for.
#[derive(Default)]
struct Round {
    /// Vaults whose disk model must be read again.
    reread: BTreeSet<PathBuf>,
    /// Vaults whose snapshot and diagnostics must be made again.
    remake: BTreeSet<PathBuf>,
    /// Notes opened or edited (the others' diagnostics stand unless their vault is read
    /// again).
    touched: BTreeSet<Url>,
    /// When the latest edit was sent, while typing goes on.
    typing: Option<Instant>,
    disk_events: bool,
}

impl Round {
    /// How long to wait for more jobs before working: until typing has paused, or a burst of
    /// disk events is over; nothing for the rest.
    fn pause(&self) -> Duration {
        match self.typing {
            Some(last) => (last + TYPING_PAUSE).saturating_duration_since(Instant::now()),
            None if self.disk_events => DISK_PAUSE,
            None => Duration::ZERO,
        }
    }
}

/// The worker: jobs in, snapshots and diagnostics out.
pub(crate) struct Worker {
    jobs: Receiver<Job>,
    /// For the watches, which send their events as jobs.
    again: Sender<Job>,
    events: Sender<Event>,
    out: Sender<Message>,
    flags: Flags,
    vaults: HashMap<PathBuf, Kept>,
}

impl Worker {
    pub(crate) fn new(
        (jobs, again): (Receiver<Job>, Sender<Job>),
        events: Sender<Event>,
        out: Sender<Message>,
        flags: Flags,
    ) -> Worker {
        Worker {
            jobs,
            again,
            events,
            out,
            flags,
            vaults: HashMap::new(),
        }
    }

    /// Runs until the loop hangs up.
    pub(crate) fn run(mut self) {
        while let Ok(first) = self.jobs.recv() {
            if matches!(first, Job::Stop) {
                return;
            }
            let mut round = Round::default();
            self.take(first, &mut round);
            let started = Instant::now();
            while started.elapsed() <= MAX_WAIT {
                match self.jobs.recv_timeout(round.pause()) {
                    Ok(Job::Stop) => return,
                    Ok(job) => self.take(job, &mut round),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            self.work(round);
        }
    }

    /// Notes what a job asks for.
    fn take(&mut self, job: Job, round: &mut Round) {
        match job {
            Job::Load { config } => {
                let root = config.vault.clone();
                self.vaults.entry(root.clone()).or_insert_with(|| Kept {
                    config,
                    disk: None,
                    open: BTreeMap::new(),
                    watcher: None,
                    batch: Batch::default(),
                    verdicts: diagnostics::Verdicts::new(),
                });
                round.reread.insert(root);
            }
            Job::Opened(text) | Job::Edited(text) if !self.vaults.contains_key(&text.root) => {
                drop(text);
            }
            Job::Opened(text) => {
                round.remake.insert(text.root.clone());
                round.touched.insert(text.uri.clone());
                self.keep_text(text);
            }
            Job::Edited(text) => {
                round.typing = round.typing.max(Some(text.at));
                round.remake.insert(text.root.clone());
                round.touched.insert(text.uri.clone());
                self.keep_text(text);
            }
            Job::Closed { root, uri } => {
                if let Some(kept) = self.vaults.get_mut(&root) {
                    kept.open.remove(&uri);
                    round.remake.insert(root);
                }
            }
            Job::Saved { root } => {
                round.reread.insert(root);
            }
            Job::Stop => {}
            Job::Fs { root, event } => {
                if let Some(kept) = self.vaults.get_mut(&root) {
                    match event {
                        Ok(event) => kept.batch.add(&kept.config, &event),
                        Err(_) => kept.batch.rescan = true,
                    }
                    round.disk_events = true;
                    round.reread.insert(root);
                }
            }
        }
    }

    fn keep_text(&mut self, text: OpenText) {
        if let Some(kept) = self.vaults.get_mut(&text.root) {
            kept.open.insert(text.uri.clone(), text);
        }
    }

    /// Does what the round asks: reads the vaults again, then makes their snapshots and
    /// diagnostics.
    fn work(&mut self, round: Round) {
        for root in &round.reread {
            self.reread(root);
        }
        for root in round.reread.union(&round.remake) {
            let all = round.reread.contains(root);
            self.remake(root, |uri| all || round.touched.contains(uri));
        }
    }

    /// Reads a vault's model from disk again (the config too when `kith.toml` changed), and
    /// watches it from the first time on.
    fn reread(&mut self, root: &PathBuf) {
        let again = self.again.clone();
        let Some(kept) = self.vaults.get_mut(root) else {
            return;
        };
        let batch = std::mem::take(&mut kept.batch);
        if batch.config {
            reload_config(kept, &self.flags);
        }
        kept.verdicts.clear();
        match read_disk(&kept.config) {
            Ok(disk) => kept.disk = Some(disk),
            Err(err) => {
                crate::report::error(format_args!("{}: {err:#}", root.display()));
                let _ = self.events.send(Event::Failed { root: root.clone() });
                return;
            }
        }
        match &mut kept.watcher {
            Some(watcher) => {
                if let Err(err) = follow_folders(watcher, &kept.config, &batch.paths) {
                    crate::report::warning(&kept.config, format_args!("{err:#}"));
                }
            }
            None => kept.watcher = start_watch(&kept.config, again),
        }
    }

    /// Makes a vault's snapshot from its disk model and open notes, hands it to the loop,
    /// and publishes the diagnostics of the open notes `publish` names.
    fn remake(&mut self, root: &PathBuf, publish: impl Fn(&Url) -> bool) {
        let Some(kept) = self.vaults.get_mut(root) else {
            return;
        };
        let Some(disk) = &kept.disk else {
            return;
        };
        let config = &kept.config;
        let on_disk = Arc::new(Snapshot {
            config: Arc::clone(config),
            vault: Arc::clone(&disk.vault),
            links: Arc::clone(&disk.links),
        });
        let unsaved: Vec<&OpenText> = kept
            .open
            .values()
            .filter(|t| diagnostics::is_read(config, &t.rel) && differs(config, t))
            .collect();
        // Diagnostics first: a note's problems are its own, so the unsaved ones need only
        // the note and where its links go, not the model patched.
        for text in kept.open.values().filter(|t| publish(&t.uri)) {
            let own = unsaved
                .iter()
                .any(|t| t.uri == text.uri)
                .then(|| own_problems(&on_disk, text));
            let found = (text.rel.as_str(), &*text.text);
            let diagnostics =
                diagnostics::of_note(&on_disk, found, own.as_ref(), &mut kept.verdicts);
            publish_diagnostics(&self.out, text, diagnostics);
        }
        let snapshot = if unsaved.is_empty() {
            on_disk
        } else {
            Arc::new(overlay(config, disk, &unsaved).unwrap_or_else(|| Snapshot::clone(&on_disk)))
        };
        let _ = self.events.send(Event::Ready {
            root: root.clone(),
            snapshot,
        });
    }
}

/// Sends the diagnostics of an open note's text, with its version.
fn publish_diagnostics(out: &Sender<Message>, text: &OpenText, diagnostics: Vec<Diagnostic>) {
    let params = PublishDiagnosticsParams {
        uri: text.uri.clone(),
        diagnostics,
        version: Some(text.version),
    };
    let note = Notification::new("textDocument/publishDiagnostics".to_string(), params);
    let _ = out.send(Message::Notification(note));
}

/// The config read again after `kith.toml` changed; an invalid one is reported and the last
/// good one kept.
fn reload_config(kept: &mut Kept, flags: &Flags) {
    let root = kept.config.vault.clone();
    let flags = Flags {
        vault: Some(root.clone()),
        ..flags.clone()
    };
    match Config::load(&flags, &root, kept.config.today) {
        Ok(config) => kept.config = Arc::new(config),
        Err(err) => crate::report::error(format_args!("{err}; the last good config is kept")),
    }
}

/// Watches every folder of the vault kith reads; events come back as jobs.
fn start_watch(config: &Config, jobs: Sender<Job>) -> Option<notify::RecommendedWatcher> {
    let root = config.vault.clone();
    let started = new_watcher(move |event| {
        let _ = jobs.send(Job::Fs {
            root: root.clone(),
            event,
        });
    })
    .and_then(|mut watcher| watch_folders(&mut watcher, config, &config.vault).map(|()| watcher));
    match started {
        Ok(watcher) => Some(watcher),
        Err(err) => {
            crate::report::warning(
                config,
                format_args!("{err:#}; changes made outside the editor are not seen"),
            );
            None
        }
    }
}

/// The vault's model as it is on disk, through the index (its cache when fresh). When the
/// index folder cannot be used, the vault is read directly.
fn read_disk(config: &Config) -> anyhow::Result<Disk> {
    let (vault, notes) = match crate::index::refresh(config, Need::ModelAndNotes) {
        Ok(fresh) => {
            let notes = fresh
                .manifest
                .notes()
                .into_iter()
                .map(|(path, contact)| (path.to_string(), contact))
                .collect();
            (fresh.vault, notes)
        }
        Err(err) if err.downcast_ref::<crate::config::UsageError>().is_some() => return Err(err),
        Err(err) => {
            crate::report::warning(
                config,
                format_args!("the index cannot be used ({err:#}); reading the vault"),
            );
            let vault = crate::vault::load(config);
            let notes = notes_walked(config, &vault);
            (vault, notes)
        }
    };
    let borrowed: Vec<(&str, bool)> = notes.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let links = Links::of(&vault, &borrowed);
    Ok(Disk {
        vault: Arc::new(vault),
        notes,
        links: Arc::new(links),
    })
}

/// Every note of the vault (path, is a contact), sorted, from a walk.
fn notes_walked(config: &Config, vault: &Vault) -> Vec<(String, bool)> {
    let mut notes: Vec<(String, bool)> = crate::vault::walk(config)
        .filter_map(|found| match found {
            crate::vault::Found::Note(file) if file.rel != config.due_note => Some(file.rel),
            _ => None,
        })
        .map(|rel| {
            let contact = vault
                .contacts
                .binary_search_by(|c| c.path.as_str().cmp(&rel))
                .is_ok();
            (rel, contact)
        })
        .collect();
    notes.sort();
    notes
}

/// The problems of an open note's unsaved text, as `kith check` would give them once saved.
fn own_problems(snapshot: &Snapshot, text: &OpenText) -> Vec<Problem> {
    let config = &snapshot.config;
    crate::vault::parse_note(config, &text.rel, &text.text)
        .map(|note| diagnostics::own_problems(snapshot, model::prepare(note, &config.rules)))
        .unwrap_or_default()
}

/// The model with the unsaved text of open notes patched in; `None` when the model refuses
/// the patch (a contact renamed or made in unsaved text would move links in notes not read):
/// the disk model stands then.
fn overlay(config: &Arc<Config>, disk: &Disk, unsaved: &[&OpenText]) -> Option<Snapshot> {
    let on_disk = |rel: &str| {
        disk.notes
            .binary_search_by(|(p, _)| p.as_str().cmp(rel))
            .is_ok()
    };
    let read: Vec<Prepared> = unsaved
        .iter()
        .filter_map(|t| crate::vault::parse_note(config, &t.rel, &t.text))
        .map(|note| model::prepare(note, &config.rules))
        .collect();
    let gone: Vec<&str> = unsaved
        .iter()
        .map(|t| t.rel.as_str())
        .filter(|rel| on_disk(rel))
        .collect();
    let before: Vec<(&str, bool)> = disk.notes.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let new: Vec<(String, bool)> = read
        .iter()
        .filter(|p| !on_disk(&p.note.path))
        .map(|p| (p.note.path.clone(), p.contact.is_some()))
        .collect();
    let mut after = before.clone();
    after.extend(new.iter().map(|(p, c)| (p.as_str(), *c)));
    after.sort();
    let mut vault = Vault::clone(&disk.vault);
    // Kept as they are when no note comes or goes: copying them costs less than folding
    // every path and name again.
    let mut links = Links::clone(&disk.links);
    let change = Change {
        gone: &gone,
        read,
        before: &before,
        after: &after,
    };
    match model::patch(&mut vault, change, &mut links) {
        Ok(()) => Some(Snapshot {
            config: Arc::clone(config),
            vault: Arc::new(vault),
            links: Arc::new(links),
        }),
        Err(why) => {
            crate::report::detail(config, format_args!("unsaved text not patched in: {why}"));
            None
        }
    }
}

/// Whether an open note's text is not what its file holds (or it has no file yet).
fn differs(config: &Config, text: &OpenText) -> bool {
    match std::fs::read(config.vault.join(&text.rel)) {
        Ok(bytes) => bytes != text.text.as_bytes(),
        Err(_) => true,
    }
}
