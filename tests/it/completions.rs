//! `kith completions SHELL`, the answers kith gives the shells' scripts on every TAB
//! (contact names included), and `kith man`.

use std::path::Path;
use std::process::Command;

use crate::common::{Run, TestVault, sample_vault};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

/// Whether a program can be run (a shell, `man`): tests that need one skip without it.
fn present(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// The words a shell passes kith on a TAB after `line` (the last word is the one being
/// completed), as fish, PowerShell and zsh do: `COMPLETE=<shell> kith -- WORDS`, the index
/// of the word being completed in `_CLAP_COMPLETE_INDEX`.
fn tab(cmd: &mut assert_cmd::Command, shell: &str, line: &[&str]) -> Run {
    cmd.env("COMPLETE", shell)
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", (line.len() - 1).to_string())
        .arg("--")
        .args(line);
    Run::from(cmd)
}

/// The candidates of a TAB: one a line, without the help text some shells show.
fn candidates(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .map(|line| line.split('\t').next().unwrap_or_default().to_string())
        .filter(|value| !value.is_empty())
        .collect()
}

#[test]
fn every_shell_gets_a_script_that_calls_kith_on_path() {
    let v = TestVault::new();
    for shell in SHELLS {
        let run = Run::from(v.bare().args(["completions", shell])).ok();
        assert!(run.stdout.contains("kith"), "{shell}: {}", run.stdout);
        // Never the binary that printed it: the script must outlive a build folder.
        assert!(
            !run.stdout.contains(env!("CARGO_BIN_EXE_kith")),
            "{shell}: {}",
            run.stdout
        );
        assert!(run.stderr.is_empty(), "{shell}: {}", run.stderr);
        // What the scripts' own way of asking prints, and kith's one line more at most.
        let asked = Run::from(v.bare().env("COMPLETE", shell)).ok();
        assert!(run.stdout.starts_with(asked.stdout.trim_end()), "{shell}");
    }
    for (shell, check) in [("bash", "-n"), ("zsh", "-n"), ("fish", "--no-execute")] {
        if !present(shell) {
            continue;
        }
        let script = v.scratch().join(format!("kith.{shell}"));
        let run = Run::from(v.bare().args(["completions", shell])).ok();
        std::fs::write(&script, run.stdout).expect("write the script");
        let out = Command::new(shell)
            .arg(check)
            .arg(&script)
            .output()
            .expect("run the shell");
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Run::from(v.bare().args(["completions", "tcsh"])).code(2);
}

#[test]
fn contact_names_complete_from_the_vault_found_as_commands_find_it() {
    let v = sample_vault();
    let inside = |shell: &str, line: &[&str]| {
        let mut cmd = v.bare();
        cmd.current_dir(v.path("People"));
        let run = tab(&mut cmd, shell, line).ok();
        assert!(run.stderr.is_empty(), "{line:?}: {}", run.stderr);
        candidates(&run)
    };
    // Case and accents aside, the name or any word of it.
    assert_eq!(inside("fish", &["kith", "show", "zo"]), ["Zoë Ångström"]);
    assert_eq!(inside("zsh", &["kith", "show", "ang"]), ["Zoë Ångström"]);
    assert_eq!(
        inside("bash", &["kith", "search", "coffee", "--contact", "mar"]),
        ["Anne-Marie Dubois", "Marcus Bell", "Marta Ruiz"]
    );
    // An alias, when it is what was typed, with the name beside it.
    assert_eq!(inside("fish", &["kith", "log", "pe"]), ["Pepe"]);
    let mut cmd = v.bare();
    let run = tab(cmd.current_dir(v.root()), "fish", &["kith", "log", "pe"]).ok();
    assert_eq!(run.stdout, "Pepe\tJosé Núñez\n");

    // $KITH_VAULT, from anywhere.
    let mut cmd = v.bare();
    cmd.env("KITH_VAULT", v.root());
    let run = tab(&mut cmd, "fish", &["kith", "show", "'Zoë Å"]).ok();
    assert_eq!(candidates(&run), ["Zoë Ångström"]);

    // No vault: no names, no error, nothing on stderr.
    let n = TestVault::new();
    n.file("People/Cy.md", "");
    let mut cmd = n.bare();
    let run = tab(cmd.current_dir(n.root()), "bash", &["kith", "show", "c"]).ok();
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
}

#[test]
fn bash_inserts_a_name_with_spaces_as_one_word() {
    if !present("bash") {
        return;
    }
    let v = sample_vault();
    let script = v.scratch().join("kith.bash");
    let run = Run::from(v.bare().args(["completions", "bash"])).ok();
    std::fs::write(&script, run.stdout).expect("write the script");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kith"))
        .parent()
        .expect("the binary's folder");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("a PATH");
    // What bash does on `kith log zo<TAB>`: the function fills COMPREPLY, and the options
    // kith set make readline quote what it inserts.
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(
            "source \"$1\"; COMP_WORDS=(kith log zo); COMP_CWORD=2; COMP_TYPE=9; \
             _clap_complete_kith kith zo log; printf '%s\\n' \"${COMPREPLY[@]}\"; \
             complete -p kith",
        )
        .arg("bash")
        .arg(&script)
        .env("PATH", path)
        .env("KITH_INDEX_DIR", v.scratch().join("index"))
        .current_dir(v.root())
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"Zoë Ångström"), "{stdout}");
    assert!(
        lines.last().is_some_and(|l| l.contains("-o filenames")),
        "{stdout}"
    );
}

#[test]
fn the_manual_page_holds_every_command() {
    let v = TestVault::new();
    let run = Run::from(v.bare().arg("man")).ok();
    assert!(run.stdout.starts_with(".TH KITH 1 "), "{}", run.stdout);
    for sub in kith::cli::command().get_subcommands() {
        if sub.is_hide_set() {
            continue;
        }
        let heading = format!("\n.SS \"kith {}\"\n", sub.get_name());
        assert!(
            run.stdout.contains(&heading),
            "no section for {}",
            sub.get_name()
        );
        let page = Run::from(v.bare().args(["man", sub.get_name()])).ok();
        let title = format!(".TH KITH-{} 1 ", sub.get_name().to_uppercase());
        assert!(page.stdout.starts_with(&title), "{}", page.stdout);
    }
    let none = Run::from(v.bare().args(["man", "nope"])).code(2);
    assert!(none.stdout.is_empty());
    assert!(
        none.stderr.contains("no command `nope`") && none.stderr.contains("show"),
        "{}",
        none.stderr
    );

    if present("man") {
        let page = v.scratch().join("kith.1");
        std::fs::write(&page, &run.stdout).expect("write the page");
        let out = Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .expect("run man");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("COMMANDS") && text.contains("kith search"),
            "{text}"
        );
    }
}
