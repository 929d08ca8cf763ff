//! `kith lsp` at the protocol level: an in-memory client talks to the server running in
//! this process (initialize, open a note, ask, check the answer), one test drives the real
//! binary over stdio, and a property test types at random into an open note.

use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::Url;
use serde_json::{Value, json};

use crate::common::{TODAY, TestVault, lines};

/// How long any answer may take before a test gives up (the machine may be busy).
const PATIENCE: Duration = Duration::from_secs(60);

/// An editor's side of the protocol, with the server running on a thread of this process.
struct Client {
    conn: Connection,
    server: Option<JoinHandle<()>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    inbox: Vec<Notification>,
}

impl Client {
    /// A server with `--today 2026-11-23`, initialized with `folder` as the workspace.
    fn start(folder: Option<&Path>) -> Client {
        let (server_side, client_side) = Connection::memory();
        let flags = kith::config::Flags {
            today: Some(Date::constant(2026, 11, 23)),
            quiet: true,
            ..kith::config::Flags::default()
        };
        let server = std::thread::spawn(move || {
            kith::lsp::serve(&server_side, flags).expect("the server ends cleanly");
        });
        let mut client = Client {
            conn: client_side,
            server: Some(server),
            next_id: 0,
            inbox: Vec::new(),
        };
        let folders = folder.map(|f| json!([{"uri": url(f), "name": "vault"}]));
        let capabilities = json!({
            "workspace": {"workspaceEdit": {
                "documentChanges": true, "resourceOperations": ["create"]
            }}
        });
        client.request(
            "initialize",
            json!({"capabilities": capabilities, "workspaceFolders": folders}),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&self, message: Message) {
        self.conn.sender.send(message).expect("the server listens");
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    /// Sends a request and waits for its response (an error response is returned as the
    /// error object).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.to_string(),
            params,
        )));
        loop {
            match self.receive() {
                Message::Response(Response {
                    id: got,
                    response_result,
                }) if got == id => {
                    return match response_result {
                        Ok(result) => result,
                        Err(e) => json!({"error": e.code, "message": e.message}),
                    };
                }
                Message::Notification(n) => self.inbox.push(n),
                _ => {}
            }
        }
    }

    fn receive(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(PATIENCE)
            .expect("the server answers in time")
    }

    fn open(&self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": url(path), "languageId": "markdown", "version": 1, "text": text
            }}),
        );
    }

    /// Replaces the whole text of an open note.
    fn replace(&self, path: &Path, text: &str, version: i32) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": url(path), "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    /// The diagnostics published for `path` at `version` or later, once they come.
    fn diagnostics(&mut self, path: &Path, version: i32) -> Vec<Value> {
        let uri = url(path);
        let wanted = |n: &Notification| {
            n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == json!(uri)
                && n.params["version"]
                    .as_i64()
                    .is_some_and(|v| v >= i64::from(version))
        };
        let mut found = self.inbox.iter().rev().find(|n| wanted(n)).cloned();
        self.inbox.clear();
        let started = Instant::now();
        while found.is_none() && started.elapsed() < PATIENCE {
            if let Message::Notification(n) = self.receive()
                && wanted(&n)
            {
                found = Some(n);
            }
        }
        let note = found.expect("diagnostics come");
        note.params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn at(&mut self, method: &str, path: &Path, line: u32, character: u32) -> Value {
        let mut params = json!({"textDocument": {"uri": url(path)},
                                "position": {"line": line, "character": character}});
        if method == "textDocument/references" {
            params["context"] = json!({"includeDeclaration": true});
        }
        self.request(method, params)
    }

    fn stop(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer, Value::Null);
        self.notify("exit", Value::Null);
        if let Some(server) = self.server.take() {
            server
                .join()
                .expect("the server thread ends without a panic");
        }
    }
}

fn url(path: &Path) -> String {
    Url::from_file_path(path)
        .expect("an absolute path")
        .to_string()
}

/// A vault with Ada (overdue, with a promise and a birthday), Zoë (due soon) and a meeting
/// note that links them in every way a note can.
fn people() -> TestVault {
    let v = TestVault::new();
    v.file("kith.toml", "index_dir = \"../index\"\n");
    v.file(
        "People/Ada Lovelace.md",
        &lines(&[
            "---",
            "aliases: [Countess]",
            "tier: A",
            "cadence: 6w",
            "birthday: 1990-12-10",
            "---",
            "# Ada Lovelace",
            "",
            "## Log",
            "- 2026-09-01 coffee: talked about *engines* and #give",
            "- 2026-10-01 call: the Bernoulli numbers",
            "",
            "- [ ] send her the paper 📅 2026-11-30",
        ]),
    );
    v.file(
        "People/Zoë Ångström.md",
        &lines(&[
            "---",
            "tier: B",
            "cadence: 2mo",
            "---",
            "# Zoë",
            "",
            "## Log",
            "- 2026-10-01 lunch",
        ]),
    );
    v.file(
        "Meetings/2026-08-20 Sync.md",
        &lines(&[
            "# Sync",
            "",
            "- met [[Ada Lovelace]] and [[Ada Lovelace|her]], the [[Countess]]",
            "- with [Zoë](../People/Zo%C3%AB%20%C3%85ngstr%C3%B6m.md) and [[Sophie Wilson]]",
            "- and [[Ada Lovelac]] and [[project ideas]]",
        ]),
    );
    v
}

/// The meeting note of [`people`].
const MEETING: &str = "Meetings/2026-08-20 Sync.md";

/// The vault of [`people`], a server on it, and its meeting note open.
fn meeting_open() -> (TestVault, Client, std::path::PathBuf) {
    let v = people();
    let c = Client::start(Some(v.root()));
    let note = v.path(MEETING);
    c.open(&note, &v.read(MEETING));
    (v, c, note)
}

fn hover_text(answer: &Value) -> String {
    answer["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no hover: {answer}"))
        .to_string()
}

#[test]
fn hover_on_every_kind_of_link_tells_who_the_contact_is() {
    let (_v, mut c, note) = meeting_open();
    let card = hover_text(&c.at("textDocument/hover", &note, 2, 10));
    insta::assert_snapshot!("lsp_hover_ada", card);
    for character in [30, 55] {
        assert_eq!(
            hover_text(&c.at("textDocument/hover", &note, 2, character)),
            card
        );
    }
    let zoe = hover_text(&c.at("textDocument/hover", &note, 3, 10));
    assert!(zoe.starts_with("**Zoë Ångström**"), "{zoe}");
    // Its range is the link's, in UTF-16 units.
    let answer = c.at("textDocument/hover", &note, 2, 10);
    assert_eq!(
        answer["range"],
        json!({"start": {"line": 2, "character": 6}, "end": {"line": 2, "character": 22}})
    );
    for (line, character) in [(0, 3), (3, 58), (4, 12), (99, 0), (99, 999)] {
        assert_eq!(
            c.at("textDocument/hover", &note, line, character),
            Value::Null
        );
    }
    c.stop();
}

#[test]
fn completion_offers_contacts_due_first_and_property_values() {
    let v = people();
    let mut c = Client::start(Some(v.root()));
    let note = v.path("Meetings/2026-11-21 Notes.md");
    let text = "met [[zo\nsaw [[love\nand [[\n";
    c.open(&note, text);
    let labels = |answer: &Value| -> Vec<String> {
        answer["items"]
            .as_array()
            .unwrap_or_else(|| panic!("no items: {answer}"))
            .iter()
            .map(|i| i["label"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let zo = c.at("textDocument/completion", &note, 0, 8);
    assert_eq!(labels(&zo), ["Zoë Ångström"]);
    assert_eq!(zo["items"][0]["textEdit"]["newText"], "Zoë Ångström]]");
    assert_eq!(
        zo["items"][0]["textEdit"]["range"]["start"],
        json!({"line": 0, "character": 6})
    );
    let love = c.at("textDocument/completion", &note, 1, 10);
    assert_eq!(labels(&love), ["Ada Lovelace"]);
    assert_eq!(love["items"][0]["detail"], "tier A · overdue 11 days");
    let all = c.at("textDocument/completion", &note, 2, 6);
    assert_eq!(labels(&all), ["Ada Lovelace", "Zoë Ångström"], "due first");
    let alias = c.at("textDocument/completion", &note, 2, 6);
    assert!(
        alias["items"][1]["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("tier B · due "))
    );

    let ada = v.path("People/Ada Lovelace.md");
    let mut own = v.read("People/Ada Lovelace.md");
    own = own
        .replace("tier: A", "tier: ")
        .replace("cadence: 6w", "status: d");
    c.open(&ada, &own);
    let tiers = c.at("textDocument/completion", &ada, 2, 6);
    assert_eq!(tiers.as_array().map(Vec::len), Some(3), "{tiers}");
    assert_eq!(tiers[0]["label"], "A");
    assert_eq!(tiers[0]["detail"], "every 6w");
    let status = c.at("textDocument/completion", &ada, 3, 9);
    assert_eq!(status[1]["label"], "dormant");
    assert_eq!(status[1]["textEdit"]["range"]["start"]["character"], 8);
    assert_eq!(c.at("textDocument/completion", &ada, 6, 3), Value::Null);
    c.stop();
}

/// The problems `kith check --json` reports for one file: (line, severity, message).
fn checked(v: &TestVault, rel: &str) -> Vec<(i64, String, String)> {
    let run = v.kith(&["check", "--json"]);
    let mut out: Vec<(i64, String, String)> = run.json()["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| p["path"] == rel)
        .map(|p| {
            let line = p["line"].as_i64().unwrap_or(1);
            (
                line,
                p["severity"].as_str().unwrap_or("").to_string(),
                p["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The diagnostics from kith's check, as (1-based line, severity, message).
fn from_check(diagnostics: &[Value]) -> Vec<(i64, String, String)> {
    let mut out: Vec<(i64, String, String)> = diagnostics
        .iter()
        .filter(|d| d.get("code").is_none())
        .map(|d| {
            let severity = if d["severity"] == 1 {
                "error"
            } else {
                "warning"
            };
            let line = d["range"]["start"]["line"].as_i64().unwrap_or(0) + 1;
            (
                line,
                severity.to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn diagnostics_are_kith_checks_problems_and_follow_unsaved_text() {
    let v = people();
    let rel = "People/Bad.md";
    let bad = lines(&[
        "---",
        "tier: Z",
        "cadence: sometimes",
        "---",
        "- [ ] call 📅 2026-02-30",
        "- 2026-13-01 lunch",
    ]);
    v.file(rel, &bad);
    let mut c = Client::start(Some(v.root()));
    let path = v.path(rel);
    c.open(&path, &bad);
    let got = c.diagnostics(&path, 1);
    let expected = checked(&v, rel);
    assert!(expected.len() >= 3, "{expected:?}");
    assert_eq!(from_check(&got), expected);

    // Unsaved text: the cadence fixed, a new problem typed.
    let typed = bad
        .replace("sometimes", "6w")
        .replace("tier: Z", "tier: A\nstatus: gone");
    c.replace(&path, &typed, 2);
    let unsaved = from_check(&c.diagnostics(&path, 2));
    assert!(
        unsaved.iter().all(|(_, _, m)| !m.contains("sometimes")),
        "{unsaved:?}"
    );
    assert!(
        unsaved
            .iter()
            .any(|(l, _, m)| *l == 3 && m.contains("gone")),
        "{unsaved:?}"
    );
    // Saved: the same as kith check.
    v.file(rel, &typed);
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": url(&path)}}),
    );
    let saved = from_check(&c.diagnostics(&path, 2));
    assert_eq!(saved, checked(&v, rel));

    // Links that look like a contact's name.
    let meeting = v.path(MEETING);
    c.open(&meeting, &v.read(MEETING));
    let links: Vec<(Value, String)> = c
        .diagnostics(&meeting, 1)
        .iter()
        .map(|d| {
            (
                d["range"].clone(),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                json!({"start": {"line": 3, "character": 61}, "end": {"line": 3, "character": 78}}),
                "no contact is named `Sophie Wilson` yet".to_string()
            ),
            (
                json!({"start": {"line": 4, "character": 6}, "end": {"line": 4, "character": 21}}),
                "no note is named `Ada Lovelac`; did you mean Ada Lovelace?".to_string()
            ),
        ]
    );
    c.stop();
}

/// Applies one text edit (as a JSON value) to a text.
fn apply(text: &str, edit: &Value) -> String {
    let offset = |at: &Value| -> usize {
        let line = at["line"].as_u64().unwrap_or(0) as usize;
        let character = at["character"].as_u64().unwrap_or(0) as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[start..];
        let mut units = 0;
        for (i, ch) in rest.char_indices() {
            if units >= character || ch == '\n' {
                return start + i;
            }
            units += ch.len_utf16();
        }
        text.len()
    };
    let (a, b) = (
        offset(&edit["range"]["start"]),
        offset(&edit["range"]["end"]),
    );
    format!(
        "{}{}{}",
        &text[..a],
        edit["newText"].as_str().unwrap_or(""),
        &text[b..]
    )
}

#[test]
fn code_actions_log_a_conversation_and_create_a_contact() {
    let (v, mut c, note) = meeting_open();
    let range = |line: u32, character: u32| json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character}});
    let ask = |c: &mut Client, line, character| {
        c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": url(&note)}, "range": range(line, character), "context": {"diagnostics": []}}),
        )
    };
    let log = ask(&mut c, 2, 10);
    assert_eq!(
        log[0]["title"],
        "Log a conversation with Ada Lovelace today"
    );
    let change = &log[0]["edit"]["documentChanges"][0];
    assert_eq!(
        change["textDocument"]["uri"],
        url(&v.path("People/Ada Lovelace.md"))
    );
    let before = v.read("People/Ada Lovelace.md");
    let after = apply(&before, &change["edits"][0]);
    assert_eq!(
        after,
        before.replace(
            "- 2026-10-01 call: the Bernoulli numbers\n",
            "- 2026-10-01 call: the Bernoulli numbers\n- 2026-11-23 note\n"
        )
    );

    let create = ask(&mut c, 3, 75);
    assert_eq!(
        create[0]["title"],
        "Create a contact note for Sophie Wilson"
    );
    let ops = &create[0]["edit"]["documentChanges"];
    let made = v.path("People/Sophie Wilson.md");
    assert_eq!(
        ops[0],
        json!({"kind": "create", "uri": url(&made), "options": {"overwrite": false, "ignoreIfExists": true}})
    );
    assert_eq!(ops[1]["edits"][0]["newText"], "# Sophie Wilson\n\n## Log\n");
    assert_eq!(ask(&mut c, 0, 2), json!([]));
    c.stop();
}

#[test]
fn definition_references_symbols_and_hints_lead_to_contacts() {
    let (v, mut c, note) = meeting_open();
    let ada = url(&v.path("People/Ada Lovelace.md"));
    let definition = c.at("textDocument/definition", &note, 2, 40);
    assert_eq!(definition["uri"], ada);
    let references = c.at("textDocument/references", &note, 2, 10);
    let places: Vec<(String, i64)> = references
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap_or("").to_string(),
                l["range"]["start"]["line"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (ada.clone(), 0),
            (url(&note), 2),
            (ada.clone(), 9),
            (ada.clone(), 10)
        ]
    );
    let symbols = c.request("workspace/symbol", json!({"query": "ANGSTROM"}));
    assert_eq!(symbols[0]["name"], "Zoë Ångström");
    assert_eq!(symbols.as_array().map(Vec::len), Some(1));

    let own = v.path("People/Ada Lovelace.md");
    c.open(&own, &v.read("People/Ada Lovelace.md"));
    let hints = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": url(&own)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}}}),
    );
    assert_eq!(
        hints,
        json!([{"position": {"line": 6, "character": 14}, "label": "overdue 11 days", "paddingLeft": true}])
    );
    c.stop();
}

#[test]
fn files_outside_any_vault_get_nothing_and_several_vaults_answer_at_once() {
    let first = people();
    let second = TestVault::new();
    second.file(".obsidian/app.json", "{}");
    second.file("kith.toml", "index_dir = \"../index\"\n");
    second.file("People/Grace Hopper.md", "# Grace\n");
    let outside = tempfile::tempdir().expect("temp dir");
    let loose = outside.path().join("loose.md");
    std::fs::write(&loose, "[[Ada Lovelace]]\n").expect("write");
    let mut c = Client::start(None);
    c.open(&loose, "[[Ada Lovelace]]\n");
    assert_eq!(c.at("textDocument/hover", &loose, 0, 4), Value::Null);
    let a = first.path(MEETING);
    let b = second.path("Notes.md");
    c.open(&a, &first.read(MEETING));
    c.open(&b, "met [[Grace Hopper]]\n");
    assert!(hover_text(&c.at("textDocument/hover", &a, 2, 10)).starts_with("**Ada Lovelace**"));
    assert!(hover_text(&c.at("textDocument/hover", &b, 0, 8)).starts_with("**Grace Hopper**"));
    // Odd requests get errors, never a crash.
    let bad = c.request("textDocument/hover", json!({"nothing": true}));
    assert_eq!(bad["error"], -32602);
    let unknown = c.request("kith/unknown", json!({}));
    assert_eq!(unknown["error"], -32601);
    c.stop();
}

#[test]
fn notes_written_by_another_program_are_seen() {
    let (v, mut c, note) = meeting_open();
    assert_eq!(c.at("textDocument/definition", &note, 3, 75), Value::Null);
    v.file("People/Sophie Wilson.md", "# Sophie\n");
    let started = Instant::now();
    let mut found = Value::Null;
    while found.is_null() && started.elapsed() < PATIENCE {
        std::thread::sleep(Duration::from_millis(100));
        found = c.at("textDocument/definition", &note, 3, 75);
    }
    assert_eq!(found["uri"], url(&v.path("People/Sophie Wilson.md")));
    c.stop();
}

/// Reads one framed message from the real server's stdout.
fn read_frame(out: &mut impl std::io::BufRead) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        out.read_line(&mut line).expect("a header line");
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    std::io::Read::read_exact(out, &mut body).expect("a body");
    serde_json::from_slice(&body).expect("JSON")
}

#[test]
fn the_binary_speaks_the_protocol_on_stdio() {
    use std::io::Write as _;
    let v = people();
    let mut cmd = crate::common::kith_command(v.scratch());
    cmd.args(["lsp", "--today", TODAY])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("kith lsp starts");
    let mut input = child.stdin.take().expect("stdin");
    let mut output = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut send = |value: Value| {
        let body = value.to_string();
        write!(input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        input.flush().expect("flush");
    };
    let note = v.path(MEETING);
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    assert!(read_frame(&mut output)["result"]["capabilities"]["hoverProvider"] == true);
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": url(&note), "languageId": "markdown", "version": 1, "text": v.read(MEETING)}}}),
    );
    send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": url(&note)}, "position": {"line": 2, "character": 10}}}),
    );
    let hover = loop {
        let message = read_frame(&mut output);
        if message["id"] == 2 {
            break message;
        }
    };
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|t| t.starts_with("**Ada Lovelace**"))
    );
    // An editor that cannot create files in an edit gets the new note as an edit of it.
    send(
        json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/codeAction", "params": {
        "textDocument": {"uri": url(&note)},
        "range": {"start": {"line": 3, "character": 65}, "end": {"line": 3, "character": 65}},
        "context": {"diagnostics": []}}}),
    );
    let actions = loop {
        let message = read_frame(&mut output);
        if message["id"] == 3 {
            break message;
        }
    };
    let made = url(&v.path("People/Sophie Wilson.md"));
    assert_eq!(
        actions["result"][0]["edit"]["changes"][&made][0]["newText"],
        "# Sophie Wilson\n\n## Log\n"
    );
    send(json!({"jsonrpc": "2.0", "id": 4, "method": "shutdown"}));
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = child.wait().expect("kith lsp ends");
    assert!(status.success(), "{status}");
}

mod typing {
    use proptest::prelude::*;

    use super::*;

    /// An edit: insert a piece at a fraction of the text, or delete a span there.
    #[derive(Debug, Clone)]
    enum Edit {
        Insert(f64, &'static str),
        Delete(f64, usize),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let pieces = prop::sample::select(vec![
            "[[",
            "]]",
            "[[Ada",
            "Lovelace]]",
            "\n",
            "---\n",
            "tier: Z\n",
            "- [ ] x 📅 2026-02-30\n",
            "- 2026-11-01 met ",
            "#give ",
            "é",
            "😀",
            "|",
            "\r\n",
            "cadence: 1x\n",
            " ",
        ]);
        prop_oneof![
            (0.0..1.0f64, pieces).prop_map(|(at, p)| Edit::Insert(at, p)),
            (0.0..1.0f64, 0usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
        ]
    }

    /// The edit as the protocol's range change, applied to `text` too.
    fn change(text: &mut String, edit: &Edit) -> Value {
        let boundary = |at: f64| {
            let mut i = (text.len() as f64 * at) as usize;
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let (start, end, new) = match edit {
            Edit::Insert(at, piece) => (boundary(*at), boundary(*at), *piece),
            Edit::Delete(at, n) => {
                let start = boundary(*at);
                let mut end = (start + n).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                (start, end, "")
            }
        };
        let position = |offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count();
            let column: usize = before
                .rsplit('\n')
                .next()
                .unwrap_or("")
                .chars()
                .map(char::len_utf16)
                .sum();
            json!({"line": line, "character": column})
        };
        let range = json!({"start": position(start), "end": position(end)});
        text.replace_range(start..end, new);
        json!({"range": range, "text": new})
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn typing_never_breaks_the_server_and_saving_agrees_with_check_and_show(
            edits in prop::collection::vec(edit(), 1..25)
        ) {
            let v = people();
            let rel = "People/Ada Lovelace.md";
            let path = v.path(rel);
            let mut text = v.read(rel);
            let mut c = Client::start(Some(v.root()));
            c.open(&path, &text);
            for (i, edit) in edits.iter().enumerate() {
                let version = i32::try_from(i).unwrap_or(0) + 2;
                let change = change(&mut text, edit);
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": url(&path), "version": version}, "contentChanges": [change]}),
                );
                let _ = c.at("textDocument/hover", &path, (i % 12) as u32, (i * 7 % 40) as u32);
                let _ = c.at("textDocument/completion", &path, (i % 12) as u32, (i * 5 % 30) as u32);
            }
            let last = i32::try_from(edits.len()).unwrap_or(0) + 1;
            v.file(rel, &text);
            c.notify("textDocument/didSave", json!({"textDocument": {"uri": url(&path)}}));
            let saved = from_check(&c.diagnostics(&path, last));
            prop_assert_eq!(saved, checked(&v, rel));
            // Hover agrees with `kith show` once the saved note is read.
            let shown = v.show("Ada Lovelace");
            let expected = match shown["last_contact"].as_str() {
                Some(day) => format!("Last contact {day}"),
                None => "Never contacted".to_string(),
            };
            let meeting = v.path(MEETING);
            let mut card = String::new();
            for _ in 0..200 {
                card = hover_text(&c.at("textDocument/hover", &meeting, 2, 10));
                if card.contains(&expected) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            prop_assert!(card.contains(&expected), "{card}\nwanted: {expected}");
            c.stop();
        }
    }
}
