//! The runnable examples of the user documentation (`README.md` and `docs/*.md`) run, and
//! print what the documentation says they print.
//!
//! The convention: a fenced block with the info string `console` holds examples. Each line
//! starting with `$ ` is a command, `kith ARGS...` (no pipes, no variables), run from the root
//! of a fresh copy of `sample-vault/` with `--today 2026-11-23` added right after `kith`; the
//! commands of one block share one copy, in order. The lines after a command, up to the next
//! `$ ` line or the end of the block, are what it prints on stdout and stderr, as a terminal
//! shows them without colours: `...` stands for any number of lines, every other line must
//! be there, in that order, exactly (trailing white space ignored). A command that must fail
//! ends with a comment `# exit N`; any other must exit 0. Blocks with other info strings are
//! not run.

use std::io::Read as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{TODAY, kith_command, sample_vault};

/// Longest one documented command may take before it counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The expected-output line that stands for any number of lines.
const ELLIPSIS: &str = "...";

/// One `$ ` line of a console block and the lines after it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Example {
    /// The line of the `$ ` line in its file, from 1.
    line: usize,
    /// The command as written, after `$ `.
    command: String,
    expected: Vec<String>,
}

/// A console block: examples that share one copy of the sample vault.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    /// The line of the opening fence, from 1.
    line: usize,
    examples: Vec<Example>,
}

/// The console blocks of a Markdown text, in order. Panics on a console block whose first
/// line is not a command: its output would otherwise be checked against nothing.
fn console_blocks(file: &str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    while let Some((start, line)) = lines.next() {
        let Some(fence) = Fence::open(line) else {
            continue;
        };
        let body = lines
            .by_ref()
            .take_while(|(_, line)| !fence.closes(line))
            .map(|(n, line)| (n, fence.unindent(line)));
        if fence.info != "console" {
            body.for_each(drop);
            continue;
        }
        let mut examples: Vec<Example> = Vec::new();
        for (n, line) in body {
            if let Some(command) = line.strip_prefix("$ ") {
                examples.push(Example {
                    line: n,
                    command: command.to_owned(),
                    expected: Vec::new(),
                });
            } else if let Some(example) = examples.last_mut() {
                example.expected.push(line.to_owned());
            } else {
                panic!("{file}:{n}: a console block must start with a `$ ` line, not `{line}`");
            }
        }
        blocks.push(Block {
            line: start,
            examples,
        });
    }
    blocks
}

/// An opening code fence: ```` ``` ```` or `~~~` (three or more), its indent and the first
/// word of its info string.
struct Fence<'a> {
    indent: usize,
    mark: char,
    len: usize,
    info: &'a str,
}

impl<'a> Fence<'a> {
    fn open(line: &'a str) -> Option<Fence<'a>> {
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        let mark = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let len = rest.len() - rest.trim_start_matches(mark).len();
        let info = rest[len..].split_whitespace().next().unwrap_or("");
        (len >= 3 && !(mark == '`' && info.contains('`'))).then_some(Fence {
            indent,
            mark,
            len,
            info,
        })
    }

    /// A closing fence: the same mark, at least as long, nothing after it.
    fn closes(&self, line: &str) -> bool {
        let rest = line.trim_start_matches(' ');
        let len = rest.len() - rest.trim_start_matches(self.mark).len();
        len >= self.len && rest[len..].trim().is_empty()
    }

    /// A line of the block without the fence's indent.
    fn unindent<'l>(&self, line: &'l str) -> &'l str {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        &line[spaces.min(self.indent)..]
    }
}

/// A parsed command line: the words, and the exit code its `# exit N` comment expects.
#[derive(Debug, PartialEq, Eq)]
struct Command {
    words: Vec<String>,
    code: i32,
}

/// Splits a command line into words the way a POSIX shell would for the simple commands the
/// documentation writes: white space separates words, single quotes keep everything,
/// double quotes keep everything but `\"` and `\\`, a backslash outside quotes keeps the next
/// character, and an unquoted `#` at the start of a word begins a comment. Pipes,
/// redirections, variables and command lists are refused, as is a command that is not
/// `kith` or a comment other than `# exit N`.
fn parse_command(line: &str) -> Result<Command, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut comment = None;
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '#' if word.is_none() => {
                comment = Some(line[i + 1..].trim());
                break;
            }
            '\'' => {
                let word = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, c)) => word.push(c),
                        None => return Err("an unclosed single quote".into()),
                    }
                }
            }
            '"' => {
                let word = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, c @ ('"' | '\\'))) => word.push(c),
                            Some((_, c)) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("an unclosed double quote".into()),
                        },
                        Some((_, c @ ('$' | '`'))) => {
                            return Err(format!("`{c}` inside double quotes"));
                        }
                        Some((_, c)) => word.push(c),
                        None => return Err("an unclosed double quote".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some((_, c)) => word.get_or_insert_default().push(c),
                None => return Err("a backslash at the end of the line".into()),
            },
            '|' | '&' | ';' | '<' | '>' | '(' | ')' | '$' | '`' => {
                return Err(format!(
                    "an unquoted `{c}`: examples are simple `kith` commands"
                ));
            }
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    if words.first().map(String::as_str) != Some("kith") {
        return Err("the command is not `kith ...`".into());
    }
    let code = match comment {
        None => 0,
        Some(comment) => comment
            .strip_prefix("exit ")
            .and_then(|code| code.trim().parse().ok())
            .ok_or_else(|| format!("the comment `# {comment}` is not `# exit N`"))?,
    };
    Ok(Command { words, code })
}

/// Whether `actual` is `expected` with each `...` line standing for any number of lines,
/// trailing white space ignored.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    // can[j]: the expected lines so far can match the first j actual lines.
    let mut can = vec![false; actual.len() + 1];
    can[0] = true;
    for line in expected {
        let line = line.trim_end();
        if line == ELLIPSIS {
            for j in 1..can.len() {
                can[j] |= can[j - 1];
            }
        } else {
            for j in (1..can.len()).rev() {
                can[j] = can[j - 1] && actual[j - 1].trim_end() == line;
            }
            can[0] = false;
        }
    }
    can[actual.len()]
}

/// What one run printed, stdout and stderr through one pipe as a terminal interleaves them,
/// and its exit code (`None` when it was killed after [`TIMEOUT`]).
fn run(cwd: &Path, scratch: &Path, command: &Command) -> (String, Option<i32>) {
    let (mut reader, writer) = std::io::pipe().expect("a pipe");
    let mut cmd = kith_command(scratch);
    cmd.current_dir(cwd)
        .env("NO_COLOR", "1")
        .args(["--today", TODAY])
        .args(&command.words[1..])
        .stdin(Stdio::null())
        .stdout(writer.try_clone().expect("a second end of the pipe"))
        .stderr(writer);
    let mut child = cmd.spawn().expect("kith starts");
    // The command holds the writing ends too: without dropping it, reading never ends.
    drop(cmd);
    let reading = std::thread::spawn(move || {
        let mut out = Vec::new();
        reader.read_to_end(&mut out).expect("read kith's output");
        out
    });
    let deadline = Instant::now() + TIMEOUT;
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait for kith") {
            break status.code();
        }
        if Instant::now() > deadline {
            child.kill().expect("kill kith");
            child.wait().expect("reap kith");
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = reading.join().expect("the reading thread");
    (String::from_utf8_lossy(&out).into_owned(), code)
}

/// The Markdown files whose examples run, README.md and docs/*.md: their paths from the
/// crate's root, as the failures name them, and their text.
fn documentation() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("list docs/")
        .map(|entry| entry.expect("a docs/ entry").file_name())
        .filter_map(|name| name.to_str().map(|name| format!("docs/{name}")))
        .filter(|name| name.ends_with(".md"))
        .collect();
    docs.sort();
    docs.insert(0, "README.md".to_owned());
    docs.into_iter()
        .map(|name| {
            let text =
                std::fs::read_to_string(root.join(&name)).expect("read a documentation file");
            (name, text)
        })
        .collect()
}

/// The failure report of one example, or `None` when it did what the documentation says.
fn check(file: &str, example: &Example, cwd: &Path, scratch: &Path) -> Option<String> {
    let failure = |why: &str, actual: &str| {
        let expected = example.expected.join("\n");
        Some(format!(
            "{file}:{}: $ {}\n{why}\n--- expected\n{expected}\n--- actual\n{}\n---",
            example.line,
            example.command,
            actual.trim_end()
        ))
    };
    let command = match parse_command(&example.command) {
        Ok(command) => command,
        Err(why) => return failure(&format!("cannot run it: {why}"), ""),
    };
    let (out, code) = run(cwd, scratch, &command);
    let Some(code) = code else {
        return failure(&format!("no exit after {TIMEOUT:?}"), &out);
    };
    if code != command.code {
        return failure(&format!("exit {code}, expected {}", command.code), &out);
    }
    let lines: Vec<&str> = out.trim_end().lines().collect();
    let mut expected = example.expected.clone();
    while expected.last().is_some_and(|line| line.trim().is_empty()) {
        expected.pop();
    }
    if !matches(&expected, &lines) {
        return failure("the output differs", &out);
    }
    None
}

#[test]
fn documented_examples_print_what_the_documentation_says() {
    let mut commands = 0;
    let mut failures = Vec::new();
    for (file, text) in documentation() {
        for block in console_blocks(&file, &text) {
            assert!(
                !block.examples.is_empty(),
                "{file}:{}: a console block without a command",
                block.line
            );
            let v = sample_vault();
            for example in &block.examples {
                commands += 1;
                failures.extend(check(&file, example, v.root(), v.scratch()));
            }
        }
    }
    assert!(
        commands >= 20,
        "only {commands} documented commands: is the scanner finding the console blocks?"
    );
    assert!(
        failures.is_empty(),
        "{} of {commands} documented commands do not do what the documentation says:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_scanner_finds_console_blocks_only() {
    let text = "\
# Title

```sh
kith due
```

```console
$ kith due
Due this week
...
kith: done
$ kith show s    # exit 1
kith: `s` matches more than one contact:
```

~~~~ console
$ kith search '\"eu ai act\"' --tag ask
```
~~~~

```text
$ kith check
```
";
    let blocks = console_blocks("test.md", text);
    let example = |line, command: &str, expected: &[&str]| Example {
        line,
        command: command.into(),
        expected: expected.iter().map(|line| line.to_string()).collect(),
    };
    assert_eq!(
        blocks,
        [
            Block {
                line: 7,
                examples: vec![
                    example(8, "kith due", &["Due this week", "...", "kith: done"]),
                    example(
                        12,
                        "kith show s    # exit 1",
                        &["kith: `s` matches more than one contact:"]
                    ),
                ],
            },
            Block {
                line: 16,
                examples: vec![example(
                    17,
                    "kith search '\"eu ai act\"' --tag ask",
                    &["```"]
                )],
            },
        ]
    );
    let words = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    assert_eq!(
        parse_command("kith show s    # exit 1"),
        Ok(Command {
            words: words(&["kith", "show", "s"]),
            code: 1
        })
    );
    assert_eq!(
        parse_command(r#"kith search '"eu ai act"' "date:>=2026" a\ b"#),
        Ok(Command {
            words: words(&["kith", "search", "\"eu ai act\"", "date:>=2026", "a b"]),
            code: 0
        })
    );
    assert!(parse_command("kith due | head").is_err());
    assert!(parse_command("KITH_VAULT=x kith due").is_err());
    assert!(parse_command("kith due # exits 1").is_err());
    assert!(parse_command("kith search 'open").is_err());
}

#[test]
fn ellipsis_stands_for_any_number_of_lines() {
    let expected = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let actual = ["a", "b  ", "c", "d"];
    assert!(matches(&expected(&["a", "b", "c", "d  "]), &actual));
    assert!(matches(&expected(&["a", "...", "d"]), &actual));
    assert!(matches(
        &expected(&["...", "b", "...", "d", "..."]),
        &actual
    ));
    assert!(matches(&expected(&["a", "...", "b", "c", "d"]), &actual));
    assert!(!matches(&expected(&["a", "c", "d"]), &actual));
    assert!(!matches(&expected(&["a", "b"]), &actual));
    assert!(!matches(&expected(&["b", "...", "d"]), &actual));
    assert!(!matches(&expected(&["...", "d", "c"]), &actual));
    assert!(matches(&expected(&["..."]), &[]));
    assert!(!matches(&expected(&["a"]), &[]));
}
