#!/usr/bin/env python3
"""Time whole `kith` processes against baselines measured in the same run.

    python3 bench/bench.py --vault DIR [--runs 10] [--kith target/release/kith]
                           [--today 2026-11-23] [--out FILE.md] [--only TEXT]

Each command runs once as a warm-up, then --runs times. For each run the wall time (from spawn to
reap) and the child's peak RSS (ru_maxrss from os.wait4, which on Linux covers the child and the
descendants it waited for) are measured. The table gives the median, min and max wall time and the
largest peak RSS over the measured runs. Stdout of measured commands goes to /dev/null; stderr is
kept only to show when a command fails. Stdlib only; Linux (ru_maxrss in KiB).

Why a helper process: on Linux a forked child starts with its parent's RSS high-water mark, and
exec keeps it, so a child spawned straight from this script would never report less than this
script's own RSS. Each run therefore goes through a minimal `python3 -I -S` helper that spawns the
command, times it and reaps it with os.wait4; the helper's RSS (measured with /bin/true and shown
in the report as the floor) is the least any command can report.

To add a command, append to the list built in `commands()`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field


@dataclass
class Command:
    name: str  # shown in the table
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)  # exit codes that are not failures (check exits 1 on errors)
    note: str = ""
    before: object = None  # called (untimed) before every run, e.g. to edit a note
    after: object = None  # called once when the command's runs are done


@dataclass
class Result:
    cmd: Command
    wall_ms: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)
    skipped: str = ""
    stderr_tail: str = ""


def clear_index(_i: int = 0) -> None:
    """Empties the benchmark's index folder: the next kith run starts as after a fresh clone."""
    base = os.environ["KITH_INDEX_DIR"]
    for name in os.listdir(base):
        shutil.rmtree(os.path.join(base, name), ignore_errors=True)


def commands(args: argparse.Namespace) -> list[list[Command]]:
    """The commands to time, in groups: the commands of a group are measured in rounds
    (interleaved run by run), so that their ratio compares runs of the same minute."""
    vault = args.vault
    kith = [args.kith, "--vault", vault, "--today", args.today]
    rg = shutil.which("rg")
    no_rg = "skipped: rg not installed (apt-get install ripgrep)"

    def rg_cmd(name: str, argv: list[str]) -> Command:
        return Command(name, [rg, *argv] if rg else [], ok_codes=(0, 1), note=no_rg)

    groups: list[list[Command]] = []
    groups.append([rg_cmd("rg --count-matches -F coffee (baseline)",
                          ["--count-matches", "-F", "coffee", vault])])
    groups.append([Command(
        "read every .md file (baseline: find + xargs cat)",
        ["bash", "-c", 'find "$1" -name "*.md" -type f -print0 | xargs -0 cat > /dev/null',
         "bash", vault])])
    # A fresh clone: nothing in the index folder.
    groups.append([Command("kith due, first run (empty index folder: every note read and parsed)",
                           kith + ["due"], before=clear_index)])
    cold = Command("kith index, cold (empty index folder: every note parsed and indexed)",
                   kith + ["index"], before=clear_index)
    if args.docs:
        groups.append([cold, Command(
            "plain tantivy pipeline over the same documents (baseline: tantivy_baseline index)",
            [args.baseline, "index", args.docs, os.path.join(tempfile.gettempdir(), "kith-bench-baseline")])])
    else:
        groups.append([cold])
    groups.append([Command("kith index (nothing changed)", kith + ["index"])])
    groups.append([Command("kith due (unchanged vault, from the cache)", kith + ["due"])])
    groups.append([Command("kith due --json (unchanged vault)", kith + ["due", "--json"])])
    groups.append([Command("kith check (unchanged vault)", kith + ["check"], ok_codes=(0, 1))])
    # The calendar export needs the same model as `kith due`, which is its baseline.
    groups.append([
        Command("kith export ics (8 weeks, unchanged vault)", kith + ["export", "ics"]),
        Command("kith due (baseline for the export)", kith + ["due"]),
    ])
    for words in (["berlin"], ["coffee", "berlin"]):
        pattern = ".*".join(words) if len(words) > 1 else words[0]
        groups.append([
            Command(f"kith search {' '.join(words)}", kith + ["search", *words]),
            rg_cmd(f"rg -i -w {pattern} (baseline for the search)", ["-i", "-w", pattern, vault]),
        ])
    groups.append([Command("kith who rust", kith + ["who", "rust"])])
    # One edited note: a line appended to a contact's log before each run, removed after.
    people = os.path.join(vault, "People")
    target = None
    if os.path.isdir(people):
        names = sorted(n for n in os.listdir(people) if n.endswith(".md"))
        target = os.path.join(people, names[len(names) // 2]) if names else None
    if target:
        with open(target, "rb") as f:
            original = f.read()

        def edit(i: int, target=target, original=original) -> None:
            with open(target, "wb") as f:
                f.write(original + f"- 2026-11-20 call: benchmark edit {i} #bench\n".encode())

        def restore(target=target, original=original) -> None:
            with open(target, "wb") as f:
                f.write(original)
            subprocess.run(kith + ["-q", "index"], stdout=subprocess.DEVNULL, check=False)

        groups.append([Command(f"kith index after one edited note ({os.path.basename(target)})",
                               kith + ["index"], before=edit, after=restore)])

        # kith log into that note: with the cache warm (brought up to date, untimed, before
        # each run), and right after another log (the cache then has one note to patch).
        name = os.path.basename(target)[:-3]

        def warm(_i: int) -> None:
            subprocess.run(kith + ["-q", "due"], stdout=subprocess.DEVNULL, check=False)

        groups.append([Command(f"kith log {name} TEXT (warm cache)",
                               kith + ["log", name, "bench: a conversation #bench"],
                               before=warm, after=restore)])
        groups.append([Command(f"kith log {name} TEXT (right after another log)",
                               kith + ["log", name, "bench: a conversation #bench"],
                               after=restore)])
    groups.append([import_command(args)])
    return groups


def write_vcards(path: str, count: int) -> None:
    """`count` vCard 3.0 cards, as a phone or Google Contacts exports them: names, emails,
    numbers, an address, a birthday, a note, and a small photo on every tenth."""
    firsts = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"]
    lasts = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
             "Perlman", "Berners-Lee"]
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 400 + "\r\n"
    with open(path, "w", encoding="utf-8", newline="") as f:
        for i in range(count):
            first, last = firsts[i % 10], lasts[(i // 10) % 10]
            f.write("BEGIN:VCARD\r\nVERSION:3.0\r\n"
                    f"FN:{first} {last} {i}\r\nN:{last} {i};{first};;;\r\n"
                    f"EMAIL;TYPE=INTERNET:{first.lower()}.{i}@example.org\r\n"
                    f"TEL;TYPE=CELL:+44 7700 {i:06d}\r\nORG:Company {i % 300}\r\n"
                    f"TITLE:Engineer\r\nADR;TYPE=work:;;{i} Main St;City {i % 50};;;UK\r\n"
                    f"BDAY:19{60 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}\r\n"
                    f"NOTE:Met at event {i % 20}\\, talked about work.\r\n"
                    + (photo if i % 10 == 0 else "") + "END:VCARD\r\n")


def import_command(args: argparse.Namespace) -> Command:
    """`kith import vcard` of 5,000 cards into a copy of the vault (every new note flushed before
    kith exits); before each run the notes of the last one are removed and the cache made warm."""
    work = tempfile.mkdtemp(prefix="kith-bench-import-")
    vault = os.path.join(work, "vault")
    print("bench: copying the vault for the import (untimed) ...", file=sys.stderr, flush=True)
    shutil.copytree(args.vault, vault, symlinks=True)
    cards = os.path.join(work, "contacts.vcf")
    write_vcards(cards, 5000)
    kith = [args.kith, "--vault", vault, "--today", args.today]
    folder = os.path.join(vault, "People")
    existing = set(os.listdir(folder)) if os.path.isdir(folder) else set()

    def reset(_i: int) -> None:
        if os.path.isdir(folder):
            for name in set(os.listdir(folder)) - existing:
                os.remove(os.path.join(folder, name))
        subprocess.run(kith + ["-q", "due"], stdout=subprocess.DEVNULL, check=False)

    return Command("kith import vcard, 5,000 cards (every note created and flushed)",
                   kith + ["-q", "import", "vcard", cards], before=reset,
                   after=lambda: shutil.rmtree(work, ignore_errors=True))


# Runs argv[2:], writes "maxrss_kib wall_ns exit_code" to the fd named by argv[1].
HELPER = r"""
import os, sys, time
fd = int(sys.argv[1])
t0 = time.perf_counter_ns()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
t1 = time.perf_counter_ns()
os.write(fd, b"%d %d %d" % (usage.ru_maxrss, t1 - t0, os.waitstatus_to_exitcode(status)))
"""


def run_once(argv: list[str], stderr_file) -> tuple[float, int, int]:
    """Returns (wall ms, peak RSS KiB, exit code) of one run of argv."""
    stderr_file.seek(0)
    stderr_file.truncate()
    r, w = os.pipe()
    try:
        helper = subprocess.Popen([sys.executable, "-I", "-S", "-c", HELPER, str(w), *argv],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=stderr_file, pass_fds=(w,))
        os.close(w)
        w = -1
        report = b""
        while chunk := os.read(r, 4096):
            report += chunk
        helper.wait()
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
    if helper.returncode != 0 or not report:
        stderr_file.seek(0)
        tail = stderr_file.read()[-400:].decode("utf-8", "replace")
        raise RuntimeError(f"could not run {shlex.join(argv)}: {tail.strip()}")
    rss, ns, code = (int(x) for x in report.split())
    return ns / 1e6, rss, code


def skipped(cmd: Command) -> str:
    """Why `cmd` cannot run here ("" when it can)."""
    if not cmd.argv:
        return cmd.note or "skipped"
    if shutil.which(cmd.argv[0]) is None and not os.access(cmd.argv[0], os.X_OK):
        return f"skipped: {cmd.argv[0]} not found"
    return ""


def run_into(res: Result, i: int, err, warm_up: bool) -> None:
    """Runs `res.cmd` once (its `before` hook first) and records the run unless `warm_up`."""
    cmd = res.cmd
    if cmd.before:
        cmd.before(i)
    ms, rss, code = run_once(cmd.argv, err)
    if code not in cmd.ok_codes:
        err.seek(0)
        res.stderr_tail = err.read()[-800:].decode("utf-8", "replace").strip()
    if warm_up:
        return
    res.wall_ms.append(ms)
    res.rss_kib.append(rss)
    res.codes.add(code)


def measure(cmd: Command, runs: int) -> Result:
    res = Result(cmd)
    res.skipped = skipped(cmd)
    if res.skipped:
        return res
    with tempfile.TemporaryFile() as err:
        for i in range(runs + 1):
            run_into(res, i, err, warm_up=i == 0)
    if cmd.after:
        cmd.after()
    return res


def measure_rounds(cmds: list[Command], runs: int) -> list[Result]:
    """`measure` for several commands at once: one warm-up each, then `runs` rounds in which
    each runs once, the order turning by one every round. A machine that gets faster or
    slower during the measurement then moves them all alike, which is what a ratio of their
    medians needs (measured one after the other, a minute apart, they drifted by up to 30%)."""
    results = [Result(c) for c in cmds]
    live = []
    for res in results:
        res.skipped = skipped(res.cmd)
        if not res.skipped:
            live.append(res)
    with tempfile.TemporaryFile() as err:
        for i in range(runs + 1):
            for k in range(len(live)):
                run_into(live[(i + k) % len(live)], i, err, warm_up=i == 0)
    for res in live:
        if res.cmd.after:
            res.cmd.after()
    return results


def vault_size(vault: str) -> tuple[int, int, int]:
    """(.md files, all files, bytes of all files), skipping nothing: what is on disk."""
    md = files = size = 0
    for root, _dirs, names in os.walk(vault):
        for n in names:
            p = os.path.join(root, n)
            if os.path.islink(p):
                continue
            files += 1
            size += os.path.getsize(p)
            if n.endswith(".md"):
                md += 1
    return md, files, size


def nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 0


def kith_version(kith: str) -> str:
    try:
        out = subprocess.run([kith, "--version"], capture_output=True, text=True, timeout=10)
        text = out.stdout.strip() or out.stderr.strip()
        return text.splitlines()[0] if text else "unknown"
    except OSError as e:
        return f"unavailable ({e.strerror})"
    except subprocess.TimeoutExpired:
        return "unavailable (timeout)"


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def bench_watch(args: argparse.Namespace) -> list[str]:
    """`kith watch` on the vault: idle CPU and memory, save-to-due-note latency over
    `--watch-edits` saves of one contact note, and `kith search` beside `rg` while it runs.

    Every save changes the due note: the contact is one the note asks to check in with, the
    odd saves append an entry dated today (which takes it off the list) and the even ones
    put the note back as it was (which puts it back). The latency is from the end of the
    write to the due note's bytes changing on disk (its stat polled every millisecond);
    the batch time is to the watcher's stderr line, printed once the index and the caches
    are written too."""
    import json
    import queue
    import signal
    import threading
    import time

    base = [args.kith, "--vault", args.vault, "--today", args.today]
    rg_argv = ["rg", "-i", "-w", "berlin", args.vault]
    # rg before the watcher starts too: a watcher that asks for open events (as kith did with
    # notify 8) is woken by every file rg opens, which slows rg down; the two must agree.
    rg_alone = measure(Command("rg -i -w berlin (no watcher)", rg_argv, ok_codes=(0, 1)), args.runs)
    proc = subprocess.Popen(base + ["watch"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True)
    lines_q: queue.Queue[tuple[float, str]] = queue.Queue()

    def read_lines() -> None:
        for line in proc.stderr:
            lines_q.put((time.monotonic(), line))

    threading.Thread(target=read_lines, daemon=True).start()

    def wait(pred, timeout: float = 120.0) -> tuple[float, str]:
        end = time.monotonic() + timeout
        while True:
            at, line = lines_q.get(timeout=max(0.01, end - time.monotonic()))
            if pred(line):
                return at, line

    def cpu_ticks() -> int:
        fields = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def rss_mib() -> float:
        for line in open(f"/proc/{proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    due_path = os.path.join(args.vault, "Due this week.md")

    def due_stat() -> tuple[int, int, int]:
        st = os.stat(due_path)
        return st.st_ino, st.st_mtime_ns, st.st_size

    out = []
    try:
        wait(lambda l: "kith: watching" in l, 900)
        before = cpu_ticks()
        time.sleep(5)
        idle_cpu_ms = (cpu_ticks() - before) * 1000 / os.sysconf("SC_CLK_TCK")
        idle_rss = rss_mib()
        due = json.loads(subprocess.run(base + ["due", "--json"], check=True,
                                        capture_output=True, text=True).stdout)
        pick = next(c for c in due["check_ins"] if c["reason"] == "overdue")
        note = os.path.join(args.vault, pick["path"])
        with open(note, "rb") as f:
            original = f.read()
        latencies, batches = [], []
        try:
            for i in range(args.watch_edits):
                seen = due_stat()
                with open(due_path, "rb") as f:
                    due_before = f.read()
                with open(note, "wb") as f:
                    if i % 2 == 0:
                        f.write(original.rstrip(b"\n") + b"\n"
                                + f"- {args.today} call: watch bench edit {i}\n".encode())
                    else:
                        f.write(original)
                start = time.monotonic()
                deadline = start + 30
                while True:
                    now = due_stat()
                    if now != seen:
                        with open(due_path, "rb") as f:
                            if f.read() != due_before:
                                break
                        seen = now
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"edit {i}: the due note did not change in 30 s")
                    time.sleep(0.001)
                latencies.append((time.monotonic() - start) * 1000)
                at, _ = wait(lambda l: "updated 1" in l)
                batches.append((at - start) * 1000)
                time.sleep(0.05)
        finally:
            with open(note, "rb") as f:
                restore = f.read() != original
            if restore:
                with open(note, "wb") as f:
                    f.write(original)
        if restore:
            wait(lambda l: "updated 1" in l)

        def pct(xs: list[float], q: float) -> float:
            xs = sorted(xs)
            return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]

        # Ticks: a check-in ticked in the due note and saved, as an editor saves it; timed to
        # the due note written anew without it (the contact's note logged in between).
        due = json.loads(subprocess.run(base + ["due", "--json"], check=True,
                                        capture_output=True, text=True).stdout)
        ticked_notes = {}
        tick_latencies = []
        for c in due["check_ins"][1:1 + args.watch_ticks]:
            path = os.path.join(args.vault, c["path"])
            with open(path, "rb") as f:
                ticked_notes[path] = f.read()
            with open(due_path, encoding="utf-8") as f:
                note = f.read()
            link = "[[" + os.path.basename(c["path"])[:-3]
            lines = note.split("\n")
            at = next((i for i, l in enumerate(lines) if l.startswith("- [ ] " + link)), None)
            if at is None:
                continue
            lines[at] = "- [x] " + lines[at][len("- [ ] "):]
            ticked = "\n".join(lines)
            seen = due_stat()
            with open(due_path, "w", encoding="utf-8") as f:
                f.write(ticked)
            start = time.monotonic()
            deadline = start + 30
            while True:
                now = due_stat()
                if now != seen:
                    with open(due_path, encoding="utf-8") as f:
                        if "- [x] " + link not in f.read():
                            break
                    seen = now
                if time.monotonic() > deadline:
                    raise RuntimeError("a tick was not followed in 30 s")
                time.sleep(0.001)
            tick_latencies.append((time.monotonic() - start) * 1000)
            time.sleep(0.15)
        for path, original in ticked_notes.items():
            with open(path, "wb") as f:
                f.write(original)
        if ticked_notes:
            time.sleep(1.0)

        busy_rss = rss_mib()
        time.sleep(5)
        after_rss = rss_mib()
        # Interleaved, so that the ratio compares runs made in the same minute. `true` is the
        # least any command costs through this harness: no search can beat it, so rg's time
        # over it is the most any speed-up against rg can be on this machine.
        kith_search, rg_search, empty = measure_rounds([
            Command("kith search berlin (watcher running)", base + ["search", "berlin"]),
            Command("rg -i -w berlin", rg_argv, ok_codes=(0, 1)),
            Command("true", ["true"]),
        ], args.runs)
        ks = statistics.median(kith_search.wall_ms)
        floor = statistics.median(empty.wall_ms)
        out.append("")
        out.append(f"`kith watch` ({args.watch_edits} saves of `{pick['path']}`, a contact due "
                   "for a check-in: an entry dated today added, then taken out again; each save "
                   "changes the due note):")
        out.append("")
        out.append("| measure | value |")
        out.append("|---|---:|")
        out.append(f"| save → due note rewritten, p50 | {pct(latencies, 0.5):.0f} ms |")
        out.append(f"| save → due note rewritten, p95 | {pct(latencies, 0.95):.0f} ms |")
        out.append(f"| save → due note rewritten, max | {max(latencies):.0f} ms |")
        out.append(f"| save → batch done (index and caches written), p50 | {pct(batches, 0.5):.0f} ms |")
        out.append(f"| save → batch done, p95 | {pct(batches, 0.95):.0f} ms |")
        if tick_latencies:
            out.append(f"| tick in the due note → logged and due note rewritten, p50 | {pct(tick_latencies, 0.5):.0f} ms |")
            out.append(f"| tick → due note rewritten, p95 ({len(tick_latencies)} ticks) | {pct(tick_latencies, 0.95):.0f} ms |")
        out.append(f"| idle CPU over 5 s | {idle_cpu_ms:.0f} ms |")
        out.append(f"| RSS idle after start | {idle_rss:.1f} MiB |")
        out.append(f"| RSS right after the saves | {busy_rss:.1f} MiB |")
        out.append(f"| RSS idle 5 s after the saves | {after_rss:.1f} MiB |")
        out.append(f"| kith search berlin, watcher running (median) | {ks:.1f} ms |")
        out.append(f"| `true` through the same harness (median: the floor of any command) | {floor:.1f} ms |")
        if rg_search.skipped or rg_alone.skipped or not rg_search.wall_ms or not rg_alone.wall_ms:
            out.append("| rg | not run: rg not installed (apt-get install ripgrep) |")
        else:
            rs = statistics.median(rg_search.wall_ms)
            ra = statistics.median(rg_alone.wall_ms)
            out.append(f"| rg -i -w berlin, watcher running (median) | {rs:.0f} ms |")
            out.append(f"| rg -i -w berlin, before the watcher started (median) | {ra:.0f} ms |")
            out.append(f"| speed-up against rg with / without the watcher running | {rs / ks:.1f}× / {ra / ks:.1f}× |")
            out.append(f"| the most any command could reach here (rg / `true`, with / without) | {rs / floor:.0f}× / {ra / floor:.0f}× |")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vault", required=True, help="vault directory (e.g. from examples/gen_vault.rs)")
    ap.add_argument("--runs", type=int, default=10, help="measured runs per command (after 1 warm-up)")
    ap.add_argument("--kith", default="target/release/kith", help="kith binary")
    ap.add_argument("--baseline", default="target/release/examples/tantivy_baseline",
                    help="the plain tantivy pipeline (examples/tantivy_baseline.rs)")
    ap.add_argument("--today", default="2026-11-23", help="passed to kith as --today")
    ap.add_argument("--out", help="also write the Markdown report to this file")
    ap.add_argument("--gen-cmd", help="how the vault was made, recorded in the report, e.g. "
                    "'cargo run --release --example gen_vault -- --out /tmp/benchvault'")
    ap.add_argument("--watch-edits", type=int, default=50,
                    help="edits for the `kith watch` latency (0: skip the watch benchmark)")
    ap.add_argument("--watch-ticks", type=int, default=20,
                    help="check-ins ticked in the due note while the watcher runs")
    ap.add_argument("--watch-only", action="store_true",
                    help="run the `kith watch` benchmark alone (with its search and rg runs)")
    ap.add_argument("--only", metavar="TEXT",
                    help="time only the groups with a command whose name holds TEXT "
                    "(e.g. 'export ics'); the watch benchmark is skipped")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not os.path.isdir(args.vault):
        ap.error(f"--vault {args.vault}: not a directory")
    if not os.access(args.kith, os.X_OK) and shutil.which(args.kith) is None:
        ap.error(f"--kith {args.kith}: not found (cargo build --release, or pass --kith PATH)")
    args.vault = os.path.abspath(args.vault)
    if not os.environ.get("KITH_INDEX_DIR"):
        # The index goes to a folder of its own, not the user's cache.
        os.environ["KITH_INDEX_DIR"] = tempfile.mkdtemp(prefix="kith-bench-index-")

    if args.watch_only:
        if args.watch_edits < 1:
            ap.error("--watch-only needs --watch-edits of at least 1")
        print("\n".join(bench_watch(args)))
        return 0

    has_baseline = bool(args.baseline) and os.access(args.baseline, os.X_OK)
    args.docs = os.path.join(tempfile.gettempdir(), "kith-bench-docs.jsonl") if has_baseline else None
    groups = commands(args)
    if args.only:
        groups = [g for g in groups if any(args.only in c.name for c in g)]
        if not groups:
            ap.error(f"--only {args.only!r}: no command's name holds it")
        args.watch_edits = 0
    if has_baseline and any(args.docs in c.argv for g in groups for c in g):
        print("bench: writing the baseline's documents (untimed) ...", file=sys.stderr, flush=True)
        subprocess.run([args.baseline, "dump", args.vault, args.docs], check=True,
                       stderr=subprocess.DEVNULL)
    elif not has_baseline and not args.only:
        print(f"bench: no baseline at {args.baseline} (cargo build --release --examples); "
              "the cold index is timed alone", file=sys.stderr)
    results = []
    for group in groups:
        print(f"bench: {' / '.join(c.name for c in group)} ...", file=sys.stderr, flush=True)
        results.extend(measure_rounds(group, args.runs) if len(group) > 1
                       else [measure(group[0], args.runs)])

    with tempfile.TemporaryFile() as err:
        floor_kib = max(run_once(["true"], err)[1] for _ in range(3))
    md, files, size = vault_size(args.vault)
    lines = []
    lines.append(f"Vault: `{args.vault}`: {md} notes (.md), {files} files, {size / 1e6:.1f} MB. "
                 f"CPUs (nproc): {nproc()}. Runs per command: {args.runs} (after 1 warm-up; "
                 f"page cache warm). Peak RSS floor of the harness: {floor_kib / 1024:.1f} MiB "
                 f"(no command can report less).")
    lines.append(f"Date: {datetime.date.today().isoformat()}. Host: {platform.system()} "
                 f"{platform.release()} {platform.machine()}. kith: {kith_version(args.kith)} "
                 f"(`{args.kith}`), `--today {args.today}`.")
    lines.append("")
    lines.append("| command | median ms | min ms | max ms | peak RSS MiB |")
    lines.append("|---|---:|---:|---:|---:|")
    notes = []
    for r in results:
        if r.skipped:
            lines.append(f"| {cell(r.cmd.name)} | – | – | – | – |")
            notes.append(f"- {r.cmd.name}: {r.skipped}")
            continue
        lines.append(f"| {cell(r.cmd.name)} | {statistics.median(r.wall_ms):.0f} | {min(r.wall_ms):.0f} | "
                     f"{max(r.wall_ms):.0f} | {max(r.rss_kib) / 1024:.1f} |")
        codes = ", ".join(str(c) for c in sorted(r.codes))
        bad = sorted(c for c in r.codes if c not in r.cmd.ok_codes)
        if bad or r.codes != {0}:
            notes.append(f"- {r.cmd.name}: exit status {codes}"
                         + (" (FAILED)" if bad else " (expected)"))
        if r.stderr_tail:
            notes.append("  stderr: " + r.stderr_tail.replace("\n", " / ")[:400])
    lines.append("")
    if notes:
        lines.extend(notes)
        lines.append("")
    if args.watch_edits > 0:
        print("bench: kith watch ...", file=sys.stderr, flush=True)
        lines.extend(bench_watch(args))
        lines.append("")
    lines.append("Commands measured (stdout to /dev/null):")
    lines.append("")
    for r in results:
        if r.cmd.argv:
            lines.append(f"- `{shlex.join(r.cmd.argv)}`")
    lines.append("")
    repro = ["python3", "bench/bench.py", "--vault", args.vault, "--runs", str(args.runs),
             "--kith", args.kith, "--today", args.today]
    if args.out:
        repro += ["--out", args.out]
    if args.only:
        repro += ["--only", args.only]
    if args.gen_cmd:
        repro += ["--gen-cmd", args.gen_cmd]
        lines.append(f"Vault made with: `{args.gen_cmd}`")
        lines.append("")
    lines.append(f"Reproduce: `{shlex.join(repro)}`")
    report = "\n".join(lines) + "\n"

    sys.stdout.write(report)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(report)
    return 1 if any(c not in r.cmd.ok_codes for r in results for c in r.codes) else 0


if __name__ == "__main__":
    sys.exit(main())
