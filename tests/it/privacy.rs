//! kith keeps what it reads to itself: no command opens a network connection or runs a
//! program, and nothing a note says makes kith read or write outside the vault. The system
//! calls are watched with `strace` where it is installed (these tests say so and pass
//! without it elsewhere).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{TODAY, TestVault, lines};

/// Whether `strace` can trace a child here: it is installed, ptrace is allowed, and its log
/// shows the one call it was asked for, in the form [`is_call`] reads.
fn strace_works() -> bool {
    let log = tempfile::NamedTempFile::new().expect("a temporary file");
    let ran = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=execve", "-o"])
        .arg(log.path())
        .arg("true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let trace = std::fs::read_to_string(log.path()).unwrap_or_default();
    ran && trace.lines().filter(|l| is_call(l)).count() == 1
}

/// Runs kith with `args` under strace, tracing `calls`; gives the trace's lines.
fn traced(v: &TestVault, calls: &str, args: &[&str]) -> Vec<String> {
    let log = v.scratch().join("strace.log");
    let status = Command::new("strace")
        .args(["-f", "-qq", "-e"])
        .arg(format!("trace={calls}"))
        .arg("-o")
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_kith"))
        .arg("--vault")
        .arg(v.root())
        .args(["--today", TODAY])
        .args(args)
        .env("KITH_INDEX_DIR", v.scratch().join("index"))
        .env_remove("KITH_VAULT")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .current_dir(v.scratch())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("strace runs");
    assert!(status.code().is_some(), "kith {args:?} was killed");
    std::fs::read_to_string(&log)
        .expect("the trace")
        .lines()
        .map(str::to_string)
        .collect()
}

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "People/Ada Lovelace.md",
        &lines(&[
            "---",
            "tier: A",
            "email: ada@example.org",
            "---",
            "## Log",
            "- 2026-10-01 coffee: engines #give",
            "- [ ] Send the notes 📅 2026-11-25",
        ]),
    );
    v.file(
        "Meetings/2026-11-02 Sync.md",
        "Talked with [[Ada Lovelace]] about the engine.\n",
    );
    std::fs::write(
        v.scratch().join("cards.vcf"),
        "BEGIN:VCARD\nVERSION:3.0\nFN:Grace Hopper\nEND:VCARD\n",
    )
    .expect("write the cards");
    v
}

/// Whether a line of strace's log shows a system call (`[PID] name(...`), rather than a
/// signal, an exit, or a thread strace lost sight of at its end (`PID ???( <detached ...>`).
/// The PID is there with `-f` on most versions of strace, not all.
fn is_call(line: &str) -> bool {
    let call = line.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
    call.split_once('(').is_some_and(|(name, _)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
}

#[test]
fn no_command_opens_a_connection_or_runs_a_program() {
    if !strace_works() {
        eprintln!("strace is not available here: nothing to check");
        return;
    }
    let v = vault();
    let commands: [&[&str]; 11] = [
        &["check"],
        &["due", "--write"],
        &["show", "ada"],
        &["search", "engine"],
        &["who", "engines"],
        &["index", "--rebuild"],
        &["log", "ada", "call: about the notes"],
        &["import", "vcard", "cards.vcf"],
        &["export", "ics"],
        &["completions", "bash"],
        &["man"],
    ];
    for args in commands {
        let trace = traced(&v, "%network,execve,execveat,fork,vfork", args);
        let calls: Vec<&String> = trace.iter().filter(|l| is_call(l)).collect();
        // One call: the exec of kith itself.
        assert_eq!(calls.len(), 1, "kith {args:?} made these calls: {trace:#?}");
        assert!(calls[0].contains("execve("), "{calls:?}");
    }
}

#[test]
fn notes_cannot_lead_kith_outside_the_vault() {
    let v = vault();
    let outside = v.scratch().join("outside");
    std::fs::create_dir_all(outside.join("People")).expect("a folder outside");
    let secret = "---\ntier: A\n---\n## Log\n- 2026-11-01 call: zanzibar-secret\n";
    std::fs::write(outside.join("People/Secret.md"), secret).expect("a note outside");
    let abs = outside.join("People/Secret.md");
    v.file(
        "Notes/Paths.md",
        &lines(&[
            "---",
            "date: 2026-11-10",
            "aliases: [../outside/People/Secret]",
            "related: \"[[../../outside/People/Secret]]\"",
            "---",
            "[[../outside/People/Secret]] [[../../outside/People/Secret|s]] ![[../outside/People/Secret]]",
            "[s](../outside/People/Secret.md) [s](../../outside/People/Secret.md)",
            &format!("[s]({}) [s](file://{})", abs.display(), abs.display()),
        ]),
    );
    let check = |args: &[&str]| {
        let run = v.kith(args);
        assert!(
            !run.stdout.contains("zanzibar") && !run.stderr.contains("zanzibar"),
            "kith {args:?} read a note outside the vault:\n{}\n{}",
            run.stdout,
            run.stderr
        );
        run
    };
    check(&["check"]);
    check(&["due", "--write", "--json"]);
    check(&["search", "zanzibar"]);
    check(&["show", "secret"]).code(1);
    assert_eq!(
        std::fs::read_to_string(outside.join("People/Secret.md")).expect("read"),
        secret
    );
    if strace_works() {
        let outside = outside.display().to_string();
        for args in [
            &["due", "--write"][..],
            &["search", "zanzibar"],
            &["index", "--rebuild"],
        ] {
            let trace = traced(&v, "%file", args);
            let touched: Vec<&String> = trace.iter().filter(|l| l.contains(&outside)).collect();
            assert!(
                touched.is_empty(),
                "kith {args:?} touched the outside: {touched:#?}"
            );
        }
    }
}

#[test]
fn the_config_cannot_point_kith_outside_the_vault() {
    let v = vault();
    for (config, says) in [
        ("due_note = \"../Due.md\"\n", "due_note"),
        ("due_note = \"/tmp/Due.md\"\n", "due_note"),
        ("index_dir = \"Index\"\n", "inside the vault"),
    ] {
        v.file("kith.toml", config);
        let run = v.kith(&["due", "--write"]);
        assert_eq!(run.code, 2, "{config}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{config}: {}", run.stderr);
        assert!(!Path::new(&v.scratch().join("Due.md")).exists());
    }
}
