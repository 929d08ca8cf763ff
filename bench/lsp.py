#!/usr/bin/env python3
"""Measure `kith lsp` the way an editor uses it, over stdio.

    python3 bench/lsp.py --vault DIR [--kith target/release/kith] [--today 2026-11-23]
                         [--runs 200] [--starts 5]

What is measured, with the index cache warm (a `kith check` runs first, in a private
KITH_INDEX_DIR):

- first answer: from spawning the server to the answer to a hover sent at once after the
  handshake and the opening of a meeting note (the server answers once the vault is read);
  the median of --starts starts;
- hover and completion: the time from sending a request to its response, --runs of each
  (hovers on every link of a few meeting notes; completions after `[[` and one to three
  letters of contacts' names, and after a bare `[[`);
- diagnostics: from an edit of an open note to the diagnostics for that version, minus the
  pause the server waits for typing to stop (250 ms), for a contact's note and a meeting note;
- memory: the server's resident set (VmRSS) and its peak (VmHWM) at the end;
- idle CPU: the CPU time the server uses in 10 s with nothing to do.

Stdlib only; Linux (/proc). Latencies are reported as median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import queue
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TYPING_PAUSE_MS = 250.0


class Server:
    """A `kith lsp` process and the messages it sends, read on a thread."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        self.inbox: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            self.inbox.put((time.perf_counter(), json.loads(body)))

    def send(self, message: dict) -> None:
        message["jsonrpc"] = "2.0"
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params) -> tuple[float, dict]:
        """Sends a request; returns the milliseconds to its response, and the response."""
        self.next_id += 1
        wanted = self.next_id
        sent = time.perf_counter()
        self.send({"id": wanted, "method": method, "params": params})
        while True:
            at, message = self.inbox.get(timeout=120)
            if message.get("id") == wanted and "method" not in message:
                return (at - sent) * 1000, message

    def wait_diagnostics(self, uri: str, version: int) -> float:
        """Waits for diagnostics of `uri` at `version`; returns when they came."""
        while True:
            at, message = self.inbox.get(timeout=120)
            params = message.get("params") or {}
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and (params.get("version") or 0) >= version
            ):
                return at

    def drain(self) -> None:
        while not self.inbox.empty():
            self.inbox.get_nowait()

    def stop(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", {})
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()


def uri_of(path: pathlib.Path) -> str:
    return pathlib.Path(path).absolute().as_uri()


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def links(text: str) -> list[tuple[int, int]]:
    """The (line, character) inside each wikilink of a text."""
    out = []
    for n, line in enumerate(text.split("\n")):
        for m in re.finditer(r"\[\[[^\]]+\]\]", line):
            out.append((n, utf16(line[: m.start() + 3])))
    return out


def handshake(server: Server, vault: pathlib.Path) -> None:
    server.request(
        "initialize",
        {"capabilities": {}, "workspaceFolders": [{"uri": uri_of(vault), "name": "vault"}]},
    )
    server.notify("initialized", {})


def open_note(server: Server, path: pathlib.Path, version: int = 1) -> str:
    uri = uri_of(path)
    text = path.read_text(encoding="utf-8")
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}},
    )
    return text


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"median {statistics.median(values):.2f} ms, p95 {p95:.2f} ms (n={len(values)})"


def first_answers(argv, env, vault, meeting, starts) -> list[float]:
    times = []
    for _ in range(starts):
        server = Server(argv, env)
        handshake(server, vault)
        text = open_note(server, meeting)
        line, character = links(text)[0]
        params = {"textDocument": {"uri": uri_of(meeting)}, "position": {"line": line, "character": character}}
        _, answer = server.request("textDocument/hover", params)
        times.append((time.perf_counter() - server.started) * 1000)
        assert answer.get("result"), f"no hover: {answer}"
        server.stop()
    return times


def hovers(server, notes, runs) -> list[float]:
    places = []
    for path, text in notes:
        places += [(path, at) for at in links(text)]
    out = []
    for i in range(runs):
        path, (line, character) = places[i % len(places)]
        params = {"textDocument": {"uri": uri_of(path)}, "position": {"line": line, "character": character}}
        took, _ = server.request("textDocument/hover", params)
        out.append(took)
    return out


def completions(server, vault, names, runs) -> list[float]:
    path = vault / "Meetings" / "bench completion.md"
    prefixes = [""] + [n[: random.randint(1, 3)] for n in random.sample(names, min(len(names), runs))]
    text = "\n".join(f"met [[{p}" for p in prefixes) + "\n"
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri_of(path), "languageId": "markdown", "version": 1, "text": text}},
    )
    out = []
    for i in range(runs):
        n = i % len(prefixes)
        params = {
            "textDocument": {"uri": uri_of(path)},
            "position": {"line": n, "character": utf16(f"met [[{prefixes[n]}")},
        }
        took, answer = server.request("textDocument/completion", params)
        assert answer.get("result") is not None, answer
        out.append(took)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri_of(path)}})
    return out


def diagnostics(server, path, text, rounds) -> list[float]:
    uri = uri_of(path)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    open_note(server, path, 1)
    server.wait_diagnostics(uri, 1)
    out = []
    lines = text.split("\n")
    for version in range(2, rounds + 2):
        end = {"line": len(lines) - 1, "character": utf16(lines[-1])}
        change = {"range": {"start": end, "end": end}, "text": "x"}
        server.drain()
        sent = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        came = server.wait_diagnostics(uri, version)
        lines[-1] += "x"
        out.append((came - sent) * 1000 - TYPING_PAUSE_MS)
    return out


def proc_status(pid: int) -> dict[str, str]:
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vault", required=True, type=pathlib.Path)
    parser.add_argument("--kith", default="target/release/kith")
    parser.add_argument("--today", default="2026-11-23")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    random.seed(19)
    vault = args.vault.absolute()
    kith = str(pathlib.Path(args.kith).absolute())
    index = tempfile.mkdtemp(prefix="kith-lsp-bench-")
    env = dict(os.environ, KITH_INDEX_DIR=index)
    env.pop("KITH_VAULT", None)
    subprocess.run([kith, "--vault", str(vault), "--today", args.today, "check"],
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    argv = [kith, "lsp", "--today", args.today]
    meetings = sorted((vault / "Meetings").glob("*.md"))[:5]
    people = sorted((vault / "People").glob("*.md"))
    names = [p.stem for p in people]
    contact = people[len(people) // 2]

    print(f"kith lsp on {vault} ({len(people)} contacts), cache warm; {' '.join(argv)}")
    starts = first_answers(argv, env, vault, meetings[0], args.starts)
    print(f"first answer after start: {ms(starts)}")

    server = Server(argv, env)
    handshake(server, vault)
    notes = [(m, open_note(server, m)) for m in meetings]
    hovers(server, notes[:1], 1)
    print(f"hover: {ms(hovers(server, notes, args.runs))}")
    print(f"completion: {ms(completions(server, vault, names, args.runs))}")
    rounds = max(5, args.runs // 10)
    contact_text = contact.read_text(encoding="utf-8")
    print(f"diagnostics after the pause, contact note: {ms(diagnostics(server, contact, contact_text, rounds))}")
    print(f"diagnostics after the pause, meeting note: {ms(diagnostics(server, meetings[1], notes[1][1], rounds))}")
    status = proc_status(server.proc.pid)
    print(f"memory: VmRSS {status.get('VmRSS')}, peak VmHWM {status.get('VmHWM')}")
    time.sleep(2)
    before = cpu_seconds(server.proc.pid)
    time.sleep(10)
    idle = cpu_seconds(server.proc.pid) - before
    print(f"idle CPU: {idle * 1000:.0f} ms in 10 s")
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
