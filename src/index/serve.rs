//! Searches answered by `kith watch`: while it runs, the watcher listens on a Unix socket in
//! the index folder and answers `kith search` from an index reader it keeps open, so that a
//! search costs its query, not opening the index. The protocol is one JSON line each way.
//!
//! The watcher is a shortcut, never the only way: whatever goes wrong (no socket, a watcher
//! that does not take the connection at once or answer within [`PATIENCE`], another kith
//! build, another config, an index it cannot read or that is being rebuilt) the reader falls
//! back to searching the index itself. Query errors are the user's and are answered as such.
//!
//! The socket sits in a folder only its owner can enter (`<index_dir>/watch/`), so no other
//! user of the machine can ask. Unix only; elsewhere every search opens the index.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::search::{Hit, QueryError, Search, Sort};
use crate::core::dates::ymd;

/// Bumped when a request or an answer changes shape.
const PROTOCOL: u32 = 2;
/// The folder in the index folder holding the socket, and the socket's name.
const FOLDER: &str = "watch";
const SOCKET: &str = "socket";
/// How long a reader waits for the watcher's answer (a stopped or busy watcher) before
/// searching itself, and how long the watcher waits for a request.
const PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);
/// The longest request the watcher reads.
const MAX_REQUEST: u64 = 64 * 1024;

/// The socket's path for an index folder.
fn socket_path(index_dir: &Path) -> PathBuf {
    index_dir.join(FOLDER).join(SOCKET)
}

/// A search as sent to the watcher (a contact's search is not sent: naming the contact
/// needs the model, so the reader does it all itself).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Request {
    protocol: u32,
    kith: String,
    /// The asking executable (see `Build`): only the same build answers, so that a kith
    /// reinstalled while a watcher runs never gets answers from the old one.
    build: Build,
    /// The config's hash the index must have been made with.
    config: u64,
    query: String,
    since: Option<String>,
    until: Option<String>,
    tag: Option<String>,
    limit: usize,
    newest_first: bool,
}

impl Request {
    fn new(q: &Search, config: u64, build: Build) -> Request {
        Request {
            protocol: PROTOCOL,
            kith: env!("CARGO_PKG_VERSION").to_string(),
            build,
            config,
            query: q.query.clone(),
            since: q.since.map(ymd),
            until: q.until.map(ymd),
            tag: q.tag.clone(),
            limit: q.limit,
            newest_first: q.sort == Sort::Date,
        }
    }

    /// The search asked for, or why it cannot be run here.
    fn search(&self) -> Result<Search, String> {
        Ok(Search {
            query: self.query.clone(),
            contact: None,
            since: date(self.since.as_deref())?,
            until: date(self.until.as_deref())?,
            tag: self.tag.clone(),
            limit: self.limit,
            sort: if self.newest_first {
                Sort::Date
            } else {
                Sort::Score
            },
        })
    }
}

/// An executable's identity: device, inode, size and modification time (ns) of the file it
/// was started from, all 0 when that cannot be known (and then nobody answers).
type Build = [u64; 4];

/// This process's executable.
#[cfg(unix)]
fn this_build() -> Build {
    std::env::current_exe()
        .map(|exe| build_of(&exe))
        .unwrap_or_default()
}

/// The identity of the executable at `path`.
#[cfg(unix)]
fn build_of(path: &Path) -> Build {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path)
        .map(|m| {
            let ns = m
                .mtime()
                .wrapping_mul(1_000_000_000)
                .wrapping_add(m.mtime_nsec());
            [m.dev(), m.ino(), m.len(), ns as u64]
        })
        .unwrap_or_default()
}

fn date(text: Option<&str>) -> Result<Option<Date>, String> {
    text.map(|t| {
        t.parse::<Date>()
            .map_err(|e| format!("bad date {t:?}: {e}"))
    })
    .transpose()
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Answer {
    Hits {
        total: usize,
        hits: Vec<WireHit>,
    },
    /// The query cannot be run: the user's to fix.
    Query(String),
    /// The watcher cannot answer this one (the reader searches itself).
    Unavailable(String),
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct WireHit {
    contact: String,
    contact_path: String,
    path: String,
    line: u64,
    date: Option<String>,
    title: String,
    snippet: String,
    highlights: Vec<[usize; 2]>,
    score: f32,
}

impl From<&Hit> for WireHit {
    fn from(h: &Hit) -> WireHit {
        WireHit {
            contact: h.contact.clone(),
            contact_path: h.contact_path.clone(),
            path: h.path.clone(),
            line: h.line,
            date: h.date.map(ymd),
            title: h.title.clone(),
            snippet: h.snippet.clone(),
            highlights: h.highlights.iter().map(|r| [r.start, r.end]).collect(),
            score: h.score,
        }
    }
}

impl WireHit {
    fn hit(self) -> Option<Hit> {
        Some(Hit {
            contact: self.contact,
            contact_path: self.contact_path,
            path: self.path,
            line: self.line,
            date: date(self.date.as_deref()).ok()?,
            title: self.title,
            snippet: self.snippet,
            highlights: self.highlights.iter().map(|[a, b]| *a..*b).collect(),
            score: self.score,
        })
    }
}

/// What the watcher answered: the hits, or a query error; `None` when it did not (the
/// reader then searches itself).
pub type Answered = Option<Result<(usize, Vec<Hit>), QueryError>>;

/// What came of asking the watcher (the front's view: it tells the engine whether to ask
/// again).
#[derive(Debug)]
pub enum Asked {
    /// Its answer: the hits, or the query's error.
    Answer(Result<(usize, Vec<Hit>), QueryError>),
    /// No watcher to ask, or one that declined (another build, config or index state): the
    /// engine, a file of its own, may still be answered.
    Declined,
    /// A watcher took the request and did not answer in time (stopped, or busy): asking
    /// again would only wait again.
    Silent,
}

impl Asked {
    fn answered(self) -> Answered {
        match self {
            Asked::Answer(answer) => Some(answer),
            Asked::Declined | Asked::Silent => None,
        }
    }
}

fn hits(answer: Answer) -> Answered {
    match answer {
        Answer::Hits { total, hits } => {
            let hits = hits.into_iter().map(WireHit::hit).collect::<Option<_>>()?;
            Some(Ok((total, hits)))
        }
        Answer::Query(message) => Some(Err(QueryError(message))),
        Answer::Unavailable(_) => None,
    }
}

#[cfg(unix)]
pub use unix::{Server, ask, ask_for};

#[cfg(not(unix))]
pub use elsewhere::{Server, ask, ask_for};

#[cfg(unix)]
mod unix {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use tantivy::Index;

    use super::*;
    use crate::config::Config;
    use crate::index::Searchable;

    /// The watcher's end: a thread answering on the socket, for as long as this lives (the
    /// socket is removed when it is dropped).
    pub struct Server {
        path: PathBuf,
        /// The socket's device and inode, so that only this one is removed.
        socket: (u64, u64),
        config: Arc<AtomicU64>,
    }

    impl Server {
        /// Listens on the index folder's socket (one left by a killed watcher is replaced:
        /// the caller holds the watch lock) and answers from `tantivy_dir`'s index, made
        /// with the config whose hash is `config`.
        pub fn start(
            index_dir: &Path,
            tantivy_dir: PathBuf,
            config: u64,
        ) -> std::io::Result<Server> {
            let folder = index_dir.join(FOLDER);
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&folder)?;
            // A folder made by someone else's umask, or an older kith: only its owner enters.
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o700))?;
            let path = super::socket_path(index_dir);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            let listener = UnixListener::bind(&path)?;
            let socket = identity(&path)?;
            let config = Arc::new(AtomicU64::new(config));
            let shared = Arc::clone(&config);
            let build = super::this_build();
            std::thread::Builder::new()
                .name("kith-search".into())
                .spawn(move || listen(&listener, &tantivy_dir, &shared, build))?;
            Ok(Server {
                path,
                socket,
                config,
            })
        }

        /// The config the index is now made with (after every batch).
        pub fn made_with(&self, config: u64) {
            self.config.store(config, Ordering::Release);
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            // Only the socket this watcher made: not one a later watcher put in its place
            // (after the index folder was removed from under this one, say).
            if identity(&self.path).is_ok_and(|id| id == self.socket) {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }

    fn identity(path: &Path) -> std::io::Result<(u64, u64)> {
        use std::os::unix::fs::MetadataExt as _;
        let m = std::fs::symlink_metadata(path)?;
        Ok((m.dev(), m.ino()))
    }

    /// The reader the watcher answers from, reloaded whenever the index commits.
    struct Reader {
        dir: PathBuf,
        open: Option<(Searchable, Option<Stamp>)>,
    }

    /// `meta.json` as last seen: a hash of its bytes (every commit writes a new opstamp, so
    /// two commits never look alike, whatever the file system's clock).
    type Stamp = u64;

    fn meta(dir: &Path) -> Option<Vec<u8>> {
        std::fs::read(dir.join("meta.json")).ok()
    }

    fn stamp(meta: &[u8]) -> Stamp {
        xxhash_rust::xxh3::xxh3_64(meta)
    }

    /// The part of `meta.json` read here: the commit's payload.
    #[derive(Deserialize)]
    struct Meta {
        payload: Option<String>,
    }

    /// Whether `meta.json` names a commit of kith's: an index just created for a rebuild,
    /// empty until the rebuild commits, does not.
    fn committed(meta: &[u8]) -> bool {
        serde_json::from_slice::<Meta>(meta)
            .ok()
            .and_then(|m| m.payload)
            .is_some_and(|p| crate::index::committed_generation(&p).is_some())
    }

    impl Reader {
        /// The reader, reloaded if the index committed since; an error while the index is
        /// being rebuilt or written under the reload (a local search then waits its turn).
        fn current(&mut self) -> Result<&Searchable, String> {
            let before = meta(&self.dir);
            let stamped = before.as_deref().map(stamp);
            if let Some((_, seen)) = &self.open
                && stamped.is_some()
                && *seen == stamped
            {
                return Ok(&self.open.as_ref().expect("matched above").0);
            }
            let s = match self.open.take() {
                Some((s, _)) if s.reader.reload().is_ok() => s,
                _ => {
                    let index = Index::open_in_dir(&self.dir).map_err(|e| e.to_string())?;
                    crate::index::searchable(index).map_err(|e| e.to_string())?
                }
            };
            // Trusted only if meta.json named a kith commit and did not change meanwhile;
            // otherwise looked at again next time.
            let settled = before.as_deref().is_some_and(committed)
                && meta(&self.dir).as_deref().map(stamp) == stamped;
            self.open = Some((s, if settled { stamped } else { None }));
            if !settled {
                return Err("the index is being written".into());
            }
            Ok(&self.open.as_ref().expect("set above").0)
        }
    }

    fn listen(listener: &UnixListener, dir: &Path, config: &AtomicU64, build: Build) {
        let mut reader = Reader {
            dir: dir.to_path_buf(),
            open: None,
        };
        // Opened now rather than at the first search (a few ms).
        let _ = reader.current();
        for stream in listener.incoming() {
            match stream {
                Ok(stream) => {
                    let _ = answer(stream, &mut reader, config, build);
                }
                // Out of file descriptors, say: not a reason to spin.
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
            }
        }
    }

    fn answer(
        stream: UnixStream,
        reader: &mut Reader,
        config: &AtomicU64,
        build: Build,
    ) -> std::io::Result<()> {
        stream.set_read_timeout(Some(PATIENCE))?;
        stream.set_write_timeout(Some(PATIENCE))?;
        let mut line = String::new();
        BufReader::new((&stream).take(MAX_REQUEST)).read_line(&mut line)?;
        let answer = match serde_json::from_str::<Request>(&line) {
            Err(e) => Answer::Unavailable(format!("bad request: {e}")),
            Ok(r)
                if r.protocol != PROTOCOL
                    || r.kith != env!("CARGO_PKG_VERSION")
                    || r.build != build
                    || build == Build::default() =>
            {
                Answer::Unavailable(format!(
                    "this is another kith {}",
                    env!("CARGO_PKG_VERSION")
                ))
            }
            Ok(r) if r.config != config.load(Ordering::Acquire) => {
                Answer::Unavailable("the index was made with another config".into())
            }
            Ok(r) => match (r.search(), reader.current()) {
                (Err(e), _) | (_, Err(e)) => Answer::Unavailable(e),
                (Ok(q), Ok(s)) => match crate::index::search::search(s, &q) {
                    Ok((total, hits)) => Answer::Hits {
                        total,
                        hits: hits.iter().map(WireHit::from).collect(),
                    },
                    Err(e) => Answer::Query(e.0),
                },
            },
        };
        let mut out = serde_json::to_vec(&answer).map_err(std::io::Error::other)?;
        out.push(b'\n');
        (&stream).write_all(&out)
    }

    /// Connects without waiting: a watcher whose queue is full (stopped with Ctrl-Z while
    /// searches kept coming) would otherwise hang the search for as long as it is stopped.
    fn connect(path: &Path) -> Option<UnixStream> {
        use socket2::{Domain, SockAddr, Socket, Type};
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None).ok()?;
        socket.set_nonblocking(true).ok()?;
        socket.connect(&SockAddr::unix(path).ok()?).ok()?;
        socket.set_nonblocking(false).ok()?;
        Some(UnixStream::from(std::os::fd::OwnedFd::from(socket)))
    }

    /// Asks a running watcher for `q`'s hits. `None`: no watcher answered (search yourself).
    pub fn ask(config: &Config, q: &Search) -> Answered {
        ask_as(config, q, super::this_build()).answered()
    }

    /// [`ask`] on behalf of the executable at `engine`: answered only by a watcher started
    /// from that file (the `kith` front asks for the `kith-engine` it would run).
    pub fn ask_for(config: &Config, q: &Search, engine: &Path) -> Asked {
        ask_as(config, q, super::build_of(engine))
    }

    fn ask_as(config: &Config, q: &Search, build: Build) -> Asked {
        if q.contact.is_some() || build == Build::default() {
            return Asked::Declined;
        }
        let sent = || {
            let dir = crate::index::index_dir(config).ok()?;
            let stream = connect(&super::socket_path(&dir))?;
            stream.set_write_timeout(Some(PATIENCE)).ok()?;
            let request = Request::new(q, crate::index::config_hash(config), build);
            let mut request = serde_json::to_vec(&request).ok()?;
            request.push(b'\n');
            (&stream).write_all(&request).ok()?;
            Some(stream)
        };
        let Some(stream) = sent() else {
            return Asked::Declined;
        };
        let Some(line) = read_answer(&stream) else {
            return Asked::Silent;
        };
        match serde_json::from_slice(&line).ok().and_then(super::hits) {
            Some(answer) => Asked::Answer(answer),
            None => Asked::Declined,
        }
    }

    /// How long a reader polls for the answer (yielding the processor between looks) before
    /// it sleeps on the socket.
    pub(super) const POLL: std::time::Duration = std::time::Duration::from_millis(5);

    /// The answer's line. For its first [`POLL`] the reader looks and yields instead of
    /// sleeping: an answer takes about half a millisecond, and a processor that went idle
    /// meanwhile takes long to wake on a virtual machine (polling made the whole search
    /// 0.2–0.4 ms faster on the benchmark machine). Yielding, not spinning, so that the
    /// watcher gets the processor if it is woken on this one.
    /// Then it sleeps on the socket until [`PATIENCE`] has passed in all, however the answer
    /// trickles in. `None`: no whole line in time.
    pub(super) fn read_answer(stream: &UnixStream) -> Option<Vec<u8>> {
        let mut line = Vec::with_capacity(8192);
        let mut chunk = [0u8; 8192];
        let started = std::time::Instant::now();
        let deadline = started + POLL + PATIENCE;
        stream.set_nonblocking(true).ok()?;
        let mut polling = true;
        loop {
            if !polling {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    return None;
                }
                stream.set_read_timeout(Some(left)).ok()?;
            }
            match (&*stream).read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => {
                    line.extend_from_slice(&chunk[..n]);
                    if line.last() == Some(&b'\n') {
                        return Some(line);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && polling => {
                    if started.elapsed() < POLL {
                        std::thread::yield_now();
                    } else {
                        polling = false;
                        stream.set_nonblocking(false).ok()?;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    }
}

#[cfg(not(unix))]
mod elsewhere {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::config::Config;

    /// No socket here: every search opens the index.
    pub struct Server;

    impl Server {
        pub fn start(_: &Path, _: PathBuf, _: u64) -> std::io::Result<Server> {
            Err(std::io::Error::other(
                "searches through the watcher need Unix sockets",
            ))
        }

        pub fn made_with(&self, _: u64) {}
    }

    pub fn ask(_: &Config, _: &Search) -> Answered {
        None
    }

    pub fn ask_for(_: &Config, _: &Search, _: &Path) -> Asked {
        Asked::Declined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit() -> Hit {
        Hit {
            contact: "Ada Lovelace".into(),
            contact_path: "People/Ada Lovelace.md".into(),
            path: "Daily/2026-11-22.md".into(),
            line: 3,
            date: Some(Date::constant(2026, 11, 22)),
            title: "coffee".into(),
            snippet: "Engines and \"looms\"".into(),
            highlights: vec![0..7, 12..19],
            score: 1.25,
        }
    }

    #[test]
    fn hits_and_searches_cross_the_wire_unchanged() {
        let mut undated = hit();
        undated.date = None;
        for h in [hit(), undated] {
            let wire = serde_json::to_string(&Answer::Hits {
                total: 7,
                hits: vec![WireHit::from(&h)],
            })
            .unwrap();
            let back = hits(serde_json::from_str(&wire).unwrap());
            assert_eq!(back.unwrap().unwrap(), (7, vec![h]));
        }
        let q = Search {
            query: "engines date:>=2026-01-01".into(),
            contact: None,
            since: Some(Date::constant(2026, 1, 2)),
            until: None,
            tag: Some("work".into()),
            limit: 3,
            sort: Sort::Date,
        };
        let r: Request = serde_json::from_slice(
            &serde_json::to_vec(&Request::new(&q, 9, [1, 2, 3, 4])).unwrap(),
        )
        .unwrap();
        assert_eq!((r.config, r.build), (9, [1, 2, 3, 4]));
        let back = r.search().unwrap();
        assert_eq!(
            (
                back.query, back.since, back.until, back.tag, back.limit, back.sort
            ),
            (q.query, q.since, q.until, q.tag, q.limit, q.sort)
        );
    }

    /// A contact's note of `tier` with these log entries.
    #[cfg(unix)]
    fn note(tier: &str, entries: &[&str]) -> String {
        format!("---\ntier: {tier}\n---\n## Log\n{}\n", entries.join("\n"))
    }

    /// A vault of two contacts with its index built, its index folder beside it.
    #[cfg(unix)]
    fn indexed() -> (tempfile::TempDir, crate::config::Config) {
        use crate::config::{Color, Config, Flags};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        std::fs::create_dir_all(root.join("People")).unwrap();
        let index = dir.path().join("index");
        std::fs::write(
            root.join("kith.toml"),
            format!("index_dir = {:?}\n", index.to_str().unwrap()),
        )
        .unwrap();
        std::fs::write(
            root.join("People/Ada Lovelace.md"),
            note(
                "A",
                &[
                    "- 2026-01-02 coffee: Engines in Berlin.",
                    "- 2026-03-04 call: Looms.",
                ],
            ),
        )
        .unwrap();
        std::fs::write(
            root.join("People/Bob Kahn.md"),
            note("B", &["- 2026-02-03 lunch: Packets, Berlin again."]),
        )
        .unwrap();
        let flags = Flags {
            vault: Some(root.clone()),
            today: Some(Date::constant(2026, 11, 23)),
            verbose: 0,
            quiet: true,
            color: Color::Never,
        };
        let config = Config::load(&flags, &root, Date::constant(2026, 11, 23)).unwrap();
        let need = crate::index::Need {
            model: false,
            index: true,
            rebuild: false,
            lists: false,
        };
        crate::index::refresh(&config, need).unwrap();
        (dir, config)
    }

    fn berlin() -> Search {
        Search {
            query: "berlin".into(),
            limit: 10,
            ..Search::default()
        }
    }

    /// A watcher's server for `config`'s index.
    #[cfg(unix)]
    fn start(config: &crate::config::Config) -> std::io::Result<Server> {
        let index_dir = crate::index::index_dir(config).unwrap();
        Server::start(
            &index_dir,
            index_dir.join(crate::index::TANTIVY_DIR),
            crate::index::config_hash(config),
        )
    }

    #[cfg(unix)]
    #[test]
    fn the_watcher_answers_as_the_index_would_and_steps_aside_when_it_cannot() {
        use std::os::unix::fs::PermissionsExt as _;
        let (_dir, config) = indexed();
        let index_dir = crate::index::index_dir(&config).unwrap();
        let local = |q: &Search| {
            let need = crate::index::Need {
                model: false,
                index: true,
                rebuild: false,
                lists: false,
            };
            let fresh = crate::index::refresh(&config, need).unwrap();
            crate::index::search::search(fresh.index.as_ref().unwrap(), q)
        };
        let berlin = berlin();
        // No watcher: nobody answers.
        assert!(ask(&config, &berlin).is_none());
        let server = start(&config).unwrap();
        let folder = index_dir.join(FOLDER);
        assert_eq!(
            folder.metadata().unwrap().permissions().mode() & 0o777,
            0o700
        );
        let newest = Search {
            query: "berlin OR looms".into(),
            since: Some(Date::constant(2026, 1, 3)),
            limit: 1,
            sort: Sort::Date,
            ..Search::default()
        };
        for q in [&berlin, &newest] {
            let answered = ask(&config, q).expect("answered").unwrap();
            assert_eq!(answered, local(q).unwrap());
        }
        assert_eq!(ask(&config, &berlin).unwrap().unwrap().0, 2);
        // The index commits a change: the next answer has it.
        std::fs::write(
            config.vault.join("People/Bob Kahn.md"),
            note(
                "B",
                &[
                    "- 2026-02-03 lunch: Packets, Berlin again.",
                    "- 2026-04-05 call: Berlin.",
                ],
            ),
        )
        .unwrap();
        assert_eq!(local(&berlin).unwrap().0, 3);
        assert_eq!(ask(&config, &berlin).unwrap().unwrap().0, 3);
        assert_eq!(ask(&config, &newest).unwrap().unwrap().1[0].title, "call");
        // A query the user must fix is an answer, the same as the index's own.
        let bad = Search {
            query: "date:2026-02-30".into(),
            limit: 10,
            ..Search::default()
        };
        let refused = ask(&config, &bad).expect("answered").unwrap_err();
        assert_eq!(refused.0, local(&bad).unwrap_err().0);
        // Another build of kith (reinstalled while the watcher runs): not answered.
        let raw = |build: Build| {
            use std::io::{BufRead as _, Write as _};
            let stream = std::os::unix::net::UnixStream::connect(socket_path(&index_dir)).unwrap();
            let request = Request::new(&berlin, crate::index::config_hash(&config), build);
            let mut line = serde_json::to_vec(&request).unwrap();
            line.push(b'\n');
            (&stream).write_all(&line).unwrap();
            let mut line = String::new();
            std::io::BufReader::new(&stream)
                .read_line(&mut line)
                .unwrap();
            serde_json::from_str::<Answer>(&line).unwrap()
        };
        assert!(matches!(raw(this_build()), Answer::Hits { total: 3, .. }));
        let mut other = this_build();
        other[3] ^= 1;
        assert!(matches!(raw(other), Answer::Unavailable(_)));
        // A rebuild starts from an empty index and commits at the end: in between the
        // watcher does not answer (it would say "no matches").
        let store = crate::index::Store::open(&config).unwrap();
        drop(crate::index::create_index(&store).unwrap());
        assert!(ask(&config, &berlin).is_none());
        assert_eq!(local(&berlin).unwrap().0, 3);
        assert_eq!(ask(&config, &berlin).unwrap().unwrap().0, 3);
        // A contact's search needs the model: the reader does it itself.
        let of_ada = Search {
            contact: Some("People/Ada Lovelace.md".into()),
            ..berlin.clone()
        };
        assert!(ask(&config, &of_ada).is_none());
        // An index made with another config: the reader searches itself.
        server.made_with(crate::index::config_hash(&config) ^ 1);
        assert!(ask(&config, &berlin).is_none());
        server.made_with(crate::index::config_hash(&config));
        assert!(ask(&config, &berlin).is_some());
        // Gone with the watcher, socket and all.
        drop(server);
        assert!(!socket_path(&index_dir).exists());
        assert!(ask(&config, &berlin).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn an_answer_is_read_whole_however_late_and_in_however_many_pieces() {
        use std::io::Write as _;
        let (ours, mut theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_read_timeout(Some(PATIENCE)).unwrap();
        let writer = std::thread::spawn(move || {
            theirs.write_all(b"{\"query\":").unwrap();
            // Past the polling: the rest comes while the reader sleeps on the socket.
            std::thread::sleep(unix::POLL * 3);
            theirs.write_all(b"\"late\"}\n").unwrap();
            theirs
        });
        let line = unix::read_answer(&ours);
        assert_eq!(line.as_deref(), Some(&b"{\"query\":\"late\"}\n"[..]));
        // A line cut short by the watcher closing its end is no answer.
        let mut theirs = writer.join().unwrap();
        theirs.write_all(b"{\"query\"").unwrap();
        drop(theirs);
        assert_eq!(unix::read_answer(&ours), None);
    }

    #[cfg(unix)]
    #[test]
    fn an_answer_trickling_in_is_given_up_on_after_the_patience_in_all() {
        use std::io::Write as _;
        let (ours, mut theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        // A byte every 100 ms, never a whole line: each read alone is well within PATIENCE
        // (for 3 s at most: a reader that never gives up then fails the test, not hangs it).
        let writer = std::thread::spawn(move || {
            for _ in 0..30 {
                if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                if theirs.write_all(b"x").is_err() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        let started = std::time::Instant::now();
        assert_eq!(unix::read_answer(&ours), None);
        let took = started.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        writer.join().unwrap();
        assert!(took >= PATIENCE, "gave up after {took:?}");
        assert!(took < PATIENCE * 3, "still reading after {took:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_watcher_that_takes_no_connection_does_not_hang_a_search() {
        let (_dir, config) = indexed();
        let index_dir = crate::index::index_dir(&config).unwrap();
        // A socket whose queue is full and never read (a watcher stopped with Ctrl-Z).
        std::fs::create_dir_all(index_dir.join(FOLDER)).unwrap();
        let path = socket_path(&index_dir);
        let listener =
            socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        listener
            .bind(&socket2::SockAddr::unix(&path).unwrap())
            .unwrap();
        listener.listen(1).unwrap();
        let mut queued = Vec::new();
        loop {
            let s = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None);
            let s = s.unwrap();
            s.set_nonblocking(true).unwrap();
            if s.connect(&socket2::SockAddr::unix(&path).unwrap()).is_err() {
                break;
            }
            queued.push(s);
            assert!(queued.len() < 64, "the queue never filled");
        }
        assert!(!queued.is_empty());
        let berlin = berlin();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(ask(&config, &berlin).is_none()));
        let answered = rx.recv_timeout(std::time::Duration::from_secs(5));
        assert_eq!(answered, Ok(true), "the search waited on the full queue");
    }

    #[cfg(unix)]
    #[test]
    fn a_watcher_removes_its_own_socket_only() {
        let (_dir, config) = indexed();
        let index_dir = crate::index::index_dir(&config).unwrap();
        let berlin = berlin();
        let first = start(&config).unwrap();
        // A second watcher takes the folder over (the first one's socket was removed).
        std::fs::remove_file(socket_path(&index_dir)).unwrap();
        let second = start(&config).unwrap();
        drop(first);
        assert!(socket_path(&index_dir).exists());
        assert_eq!(ask(&config, &berlin).unwrap().unwrap().0, 2);
        drop(second);
        assert!(!socket_path(&index_dir).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_left_by_a_killed_watcher_is_no_answer_and_is_replaced() {
        let (_dir, config) = indexed();
        let index_dir = crate::index::index_dir(&config).unwrap();
        let berlin = berlin();
        // A socket nobody listens on (as `kill -9` leaves it).
        std::fs::create_dir_all(index_dir.join(FOLDER)).unwrap();
        drop(std::os::unix::net::UnixListener::bind(socket_path(&index_dir)).unwrap());
        assert!(socket_path(&index_dir).exists());
        assert!(ask(&config, &berlin).is_none());
        let _server = start(&config).unwrap();
        assert_eq!(ask(&config, &berlin).unwrap().unwrap().0, 2);
    }

    #[test]
    fn query_errors_are_answers_and_the_rest_means_search_yourself() {
        let e = hits(Answer::Query("no such field".into()))
            .unwrap()
            .unwrap_err();
        assert_eq!(e.0, "no such field");
        assert!(hits(Answer::Unavailable("another config".into())).is_none());
        let mut bad = WireHit::from(&hit());
        bad.date = Some("2026-02-30".into());
        assert!(
            hits(Answer::Hits {
                total: 1,
                hits: vec![bad]
            })
            .is_none()
        );
    }
}
