//! The message loop: the initialize handshake, then every request answered from the current
//! snapshot of the note's vault, and every change of an open note passed to the worker. It
//! never waits on the disk or the model: a request for a vault still loading is kept and
//! answered once the vault is ready. Requests it does not know get an error, never a panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, CompletionOptions, CompletionParams,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, GotoDefinitionParams, HoverParams, HoverProviderCapability,
    InitializeParams, InlayHintParams, OneOf, PublishDiagnosticsParams, ReferenceParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url, WorkspaceSymbolParams,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::actions::EditSupport;
use super::documents::{Document, Documents};
use super::snapshot::{Snapshot, Today};
use super::vaults::{Located, State, Vaults};
use super::worker::{Event, Job, OpenText, Worker};
use super::{actions, completion, hints, hover, navigation};
use crate::config::Flags;

/// What a request gets.
enum Answer {
    Value(Value),
    /// The vault at this root is loading: answer once it is ready.
    Wait(PathBuf),
    Error(ErrorCode, String),
}

/// Runs the server on a connection until the editor says `exit` or hangs up. `flags.vault`,
/// when set, must be absolute.
pub fn serve(connection: &Connection, flags: Flags) -> anyhow::Result<()> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| anyhow::anyhow!("the editor did not start the protocol: {e}"))?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "kith".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| anyhow::anyhow!("the editor did not finish the handshake: {e}"))?;
    let (jobs, jobs_in) = crossbeam_channel::unbounded();
    let (events_out, events) = crossbeam_channel::unbounded();
    let worker = Worker::new(
        (jobs_in, jobs.clone()),
        events_out,
        connection.sender.clone(),
        flags.clone(),
    );
    let handle = std::thread::Builder::new()
        .name("lsp-worker".to_string())
        .spawn(move || worker.run())?;
    let mut server = Server {
        out: connection.sender.clone(),
        jobs,
        today: flags.today.map_or(Today::Clock, Today::Fixed),
        vaults: Vaults::new(flags.clone()),
        documents: Documents::default(),
        waiting: Vec::new(),
        support: EditSupport::of(&init.capabilities),
        shut_down: false,
    };
    server.open_folders(&init, flags.vault.as_deref());
    server.run(&connection.receiver, &events);
    let _ = server.jobs.send(Job::Stop);
    let _ = handle.join();
    Ok(())
}

/// What the server offers.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["[".to_string(), ":".to_string()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

struct Server {
    out: Sender<Message>,
    jobs: Sender<Job>,
    today: Today,
    vaults: Vaults,
    documents: Documents,
    /// Requests waiting for a vault to be ready, with its root.
    waiting: Vec<(PathBuf, Request)>,
    support: EditSupport,
    /// `shutdown` came: only `exit` is expected now.
    shut_down: bool,
}

impl Server {
    /// Loads the vaults of the folders the editor opened (and of `--vault`) at once, so that
    /// the first question finds them ready.
    fn open_folders(&mut self, init: &InitializeParams, fixed: Option<&Path>) {
        let mut folders: Vec<PathBuf> = init
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        folders.extend(init.root_uri.as_ref().and_then(|u| u.to_file_path().ok()));
        folders.extend(fixed.map(Path::to_path_buf));
        let today = self.today.date();
        for folder in folders {
            let located = self.vaults.locate_folder(&folder, today);
            self.root_of(located);
        }
    }

    /// The root of a located vault, asking the worker to load it when it is new.
    fn root_of(&mut self, located: Located) -> Option<PathBuf> {
        match located {
            Located::Known(root) => Some(root),
            Located::New(config) => {
                let root = config.vault.clone();
                let _ = self.jobs.send(Job::Load { config });
                Some(root)
            }
            Located::Outside => None,
        }
    }

    fn run(&mut self, messages: &Receiver<Message>, events: &Receiver<Event>) {
        loop {
            select! {
                recv(messages) -> message => match message {
                    Ok(Message::Request(request)) => self.request(request),
                    Ok(Message::Notification(n)) if n.method == "exit" => return,
                    Ok(Message::Notification(n)) => self.notification(n),
                    Ok(Message::Response(_)) => {}
                    Err(_) => return,
                },
                recv(events) -> event => {
                    if let Ok(event) = event {
                        self.event(event);
                    }
                },
            }
        }
    }

    fn event(&mut self, event: Event) {
        let (root, state) = match event {
            Event::Ready { root, snapshot } => (root, State::Ready(snapshot)),
            Event::Failed { root } => (root, State::Failed),
        };
        self.vaults.set(root.clone(), state);
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|(r, _)| *r == root);
        self.waiting = later;
        for (_, request) in now {
            self.request(request);
        }
    }

    fn request(&mut self, request: Request) {
        if self.shut_down {
            let why = "the server is shutting down".to_string();
            return self.respond(request.id, Answer::Error(ErrorCode::InvalidRequest, why));
        }
        let id = request.id.clone();
        let answer = self.answer(&request);
        match answer {
            Answer::Wait(root) => self.waiting.push((root, request)),
            answer => self.respond(id, answer),
        }
    }

    fn respond(&self, id: RequestId, answer: Answer) {
        let response = match answer {
            Answer::Value(value) => Response::new_ok(id, value),
            Answer::Error(code, message) => Response::new_err(id, code as i32, message),
            Answer::Wait(_) => return,
        };
        let _ = self.out.send(Message::Response(response));
    }

    /// The answer to a request, by its method.
    fn answer(&mut self, request: &Request) -> Answer {
        use lsp_types::request::{
            CodeActionRequest, Completion, GotoDefinition, HoverRequest, InlayHintRequest,
            References, Shutdown, WorkspaceSymbolRequest,
        };
        let params = &request.params;
        let today = self.today.date();
        match request.method.as_str() {
            Shutdown::METHOD => {
                self.shut_down = true;
                Answer::Value(Value::Null)
            }
            HoverRequest::METHOD => self.on_note(params, |p: HoverParams| {
                let at = p.text_document_position_params;
                (
                    at.text_document.uri,
                    move |s: &Snapshot, rel: &str, doc: &Document, _| {
                        to_value(hover::hover(s, rel, doc, at.position, today))
                    },
                )
            }),
            Completion::METHOD => self.on_note(params, |p: CompletionParams| {
                let at = p.text_document_position;
                (
                    at.text_document.uri,
                    move |s: &Snapshot, rel: &str, doc: &Document, _| {
                        to_value(completion::complete(s, rel, doc, at.position, today))
                    },
                )
            }),
            GotoDefinition::METHOD => self.on_note(params, |p: GotoDefinitionParams| {
                let at = p.text_document_position_params;
                (
                    at.text_document.uri,
                    move |s: &Snapshot, rel: &str, doc: &Document, _| {
                        to_value(navigation::definition(s, rel, doc, at.position))
                    },
                )
            }),
            References::METHOD => self.on_note(params, |p: ReferenceParams| {
                let at = p.text_document_position;
                let with_note = p.context.include_declaration;
                (
                    at.text_document.uri,
                    move |s: &Snapshot, rel: &str, doc: &Document, _| {
                        to_value(navigation::references(s, rel, doc, at.position, with_note))
                    },
                )
            }),
            InlayHintRequest::METHOD => self.on_note(params, |p: InlayHintParams| {
                (
                    p.text_document.uri,
                    move |s: &Snapshot, rel: &str, doc: &Document, _| {
                        to_value(hints::hints(s, rel, doc, p.range, today))
                    },
                )
            }),
            CodeActionRequest::METHOD => self.on_note(params, |p: CodeActionParams| {
                (
                    p.text_document.uri,
                    move |s: &Snapshot, rel: &str, doc: &Document, open| {
                        to_value(actions::actions(s, (rel, doc), p.range, today, open))
                    },
                )
            }),
            WorkspaceSymbolRequest::METHOD => match parse::<WorkspaceSymbolParams>(params) {
                Ok(p) => match self.vaults.ready() {
                    (_, Some(loading)) => Answer::Wait(loading),
                    (ready, None) => to_value(navigation::symbols(&ready, &p.query)),
                },
                Err(answer) => answer,
            },
            method => Answer::Error(
                ErrorCode::MethodNotFound,
                format!("kith does not answer {method}"),
            ),
        }
    }

    /// Answers a request about one note: `ask` reads its parameters into the note's address
    /// and what to do with the note's snapshot, path in the vault and text.
    fn on_note<P, F>(&mut self, params: &Value, ask: impl FnOnce(P) -> (Url, F)) -> Answer
    where
        P: DeserializeOwned,
        F: FnOnce(&Snapshot, &str, &Document, (EditSupport, &Documents)) -> Answer,
    {
        let (uri, then) = match parse::<P>(params) {
            Ok(p) => ask(p),
            Err(answer) => return answer,
        };
        let Ok(path) = uri.to_file_path() else {
            return Answer::Value(Value::Null);
        };
        let today = self.today.date();
        let located = self.vaults.locate(&path, today);
        let Some(root) = self.root_of(located) else {
            return Answer::Value(Value::Null);
        };
        let snapshot = match self.vaults.state(&root) {
            Some(State::Ready(snapshot)) => Arc::clone(snapshot),
            Some(State::Loading) => return Answer::Wait(root),
            Some(State::Failed) | None => return Answer::Value(Value::Null),
        };
        let Some(rel) = snapshot.rel_of(&path) else {
            return Answer::Value(Value::Null);
        };
        let read;
        let doc = match self.documents.get(&uri) {
            Some(doc) => doc,
            None => match std::fs::read_to_string(&path) {
                Ok(text) => {
                    read = Document::new(text, 0);
                    &read
                }
                Err(_) => return Answer::Value(Value::Null),
            },
        };
        then(&snapshot, &rel, doc, (self.support, &self.documents))
    }

    fn notification(&mut self, n: Notification) {
        use lsp_types::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
        };
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<DidOpenTextDocumentParams>(&n.params) {
                    let doc = p.text_document;
                    self.documents.open(doc.uri.clone(), doc.text, doc.version);
                    self.tell_worker(&doc.uri, Job::Opened);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<DidChangeTextDocumentParams>(&n.params) {
                    let doc = p.text_document;
                    if self
                        .documents
                        .change(&doc.uri, p.content_changes, doc.version)
                    {
                        self.tell_worker(&doc.uri, Job::Edited);
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = parse::<DidSaveTextDocumentParams>(&n.params) {
                    let root = self.open_root(&p.text_document.uri);
                    if let Some(root) = root {
                        let _ = self.jobs.send(Job::Saved { root });
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<DidCloseTextDocumentParams>(&n.params) {
                    self.close(p.text_document.uri);
                }
            }
            _ => {}
        }
    }

    /// The root of the vault holding an open note's file.
    fn open_root(&mut self, uri: &Url) -> Option<PathBuf> {
        let path = uri.to_file_path().ok()?;
        let today = self.today.date();
        let located = self.vaults.locate(&path, today);
        self.root_of(located)
    }

    /// Passes an open note's text to the worker, as a job `make` makes.
    fn tell_worker(&mut self, uri: &Url, make: fn(OpenText) -> Job) {
        let Some(root) = self.open_root(uri) else {
            return;
        };
        let Some(path) = uri.to_file_path().ok() else {
            return;
        };
        let (Some(rel), Some(doc)) = (
            super::snapshot::rel_in(&root, &path),
            self.documents.get(uri),
        ) else {
            return;
        };
        let text = OpenText {
            root,
            uri: uri.clone(),
            rel,
            version: doc.version,
            text: Arc::from(doc.text.as_str()),
            at: std::time::Instant::now(),
        };
        let _ = self.jobs.send(make(text));
    }

    fn close(&mut self, uri: Url) {
        self.documents.close(&uri);
        if let Some(root) = self.open_root(&uri) {
            let _ = self.jobs.send(Job::Closed {
                root,
                uri: uri.clone(),
            });
        }
        let cleared = PublishDiagnosticsParams {
            uri,
            diagnostics: Vec::new(),
            version: None,
        };
        let method = lsp_types::notification::PublishDiagnostics::METHOD.to_string();
        let _ = self
            .out
            .send(Message::Notification(Notification::new(method, cleared)));
    }
}

/// A request's parameters, or the error that says they are not what the method takes.
fn parse<P: DeserializeOwned>(params: &Value) -> Result<P, Answer> {
    P::deserialize(params).map_err(|e| Answer::Error(ErrorCode::InvalidParams, e.to_string()))
}

fn to_value(value: impl serde::Serialize) -> Answer {
    Answer::Value(serde_json::to_value(value).unwrap_or(Value::Null))
}
