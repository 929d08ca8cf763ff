//! Helpers for the binary-level tests: a vault in a temporary folder, and a way to run
//! `kith` against it with a fixed `--today`, capturing stdout, stderr and the exit code.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The day every test runs on unless it says otherwise (a Monday, ISO week 2026-W48).
pub const TODAY: &str = "2026-11-23";

/// Joins lines with `\n` and ends the text with one, so that line `i` of a note is
/// `lines[i - 1]`.
pub fn lines(lines: &[&str]) -> String {
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The `kith` binary with an environment that cannot leak into a test: no `KITH_VAULT`, no
/// colour variables, caches inside `scratch`.
pub fn kith_bin(scratch: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(kith_command(scratch))
}

/// [`kith_bin`] as a [`std::process::Command`], for a test that spawns kith or chooses where
/// its output goes.
pub fn kith_command(scratch: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kith"));
    for var in [
        "KITH_VAULT",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "TERM",
        "CI",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("KITH_INDEX_DIR", scratch.join("index"));
    cmd.env("XDG_CACHE_HOME", scratch.join("cache"));
    cmd.current_dir(scratch);
    cmd
}

/// What one run of kith did.
#[derive(Debug, Clone)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    pub fn from(cmd: &mut assert_cmd::Command) -> Run {
        let out = cmd.output().expect("kith runs");
        Run {
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            code: out.status.code().unwrap_or(-1),
        }
    }

    /// Asserts exit 0 and returns the run.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "kith failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the exit code and returns the run.
    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Stdout parsed as JSON: the whole of stdout must be one JSON value.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON value ({e})\nstdout:\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A vault in a temporary folder: `<tmp>/vault`, with `<tmp>` as scratch space for caches
/// and for working folders outside the vault.
pub struct TestVault {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl Default for TestVault {
    fn default() -> Self {
        Self::new()
    }
}

impl TestVault {
    pub fn new() -> Self {
        Self::named("vault")
    }

    /// A vault whose root folder is called `name` (spaces, letters beyond ASCII...).
    pub fn named(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join(name);
        std::fs::create_dir(&root).expect("create the vault folder");
        TestVault { dir, root }
    }

    /// The same vault reached through a symbolic link `<tmp>/<link>` to its root folder:
    /// from now on kith is given the link, and the files are written through it.
    #[cfg(unix)]
    pub fn through_link(mut self, link: &str) -> Self {
        let at = self.dir.path().join(link);
        std::os::unix::fs::symlink(&self.root, &at).expect("link to the vault");
        self.root = at;
        self
    }

    /// The vault root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary folder holding the vault (outside it).
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (and its folders) below the root.
    pub fn file(&self, rel: &str, text: &str) -> &Self {
        self.bytes(rel, text.as_bytes())
    }

    pub fn bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, bytes).expect("write a file");
        self
    }

    /// Moves the times of the files written in the last minute an hour back, as if the vault
    /// had rested since: kith reads a note written moments before again on its next run (its
    /// time cannot yet tell a later save apart), which tests that count reads must not see.
    pub fn settle(&self) -> &Self {
        let now = std::time::SystemTime::now();
        let recent = now - std::time::Duration::from_secs(60);
        let mut folders = vec![self.root.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("read a folder").flatten() {
                let path = entry.path();
                let meta = entry.metadata().expect("a file's metadata");
                if meta.is_dir() {
                    folders.push(path);
                    continue;
                }
                let modified = meta.modified().expect("a file's time");
                if modified > recent {
                    let file = std::fs::File::options()
                        .write(true)
                        .open(&path)
                        .expect("open a file");
                    file.set_modified(modified - std::time::Duration::from_secs(3600))
                        .expect("set a file's time");
                }
            }
        }
        self
    }

    pub fn dir(&self, rel: &str) -> &Self {
        std::fs::create_dir_all(self.root.join(rel)).expect("create a folder");
        self
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read a file")
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).exists()
    }

    /// `kith` with the test environment, run from the scratch folder, nothing else.
    pub fn bare(&self) -> assert_cmd::Command {
        kith_bin(self.scratch())
    }

    /// `kith --vault <root> --today <today> ARGS...`.
    pub fn kith_on(&self, today: &str, args: &[&str]) -> Run {
        let mut cmd = self.bare();
        cmd.arg("--vault").arg(&self.root).args(["--today", today]);
        cmd.args(args);
        Run::from(&mut cmd)
    }

    /// `kith --vault <root> --today 2026-11-23 ARGS...`.
    pub fn kith(&self, args: &[&str]) -> Run {
        self.kith_on(TODAY, args)
    }

    /// `kith due --json` on `today`, which must succeed.
    #[track_caller]
    pub fn due_on(&self, today: &str) -> Value {
        self.kith_on(today, &["due", "--json"]).ok().json()
    }

    /// `kith due --json` on 2026-11-23, which must succeed.
    #[track_caller]
    pub fn due(&self) -> Value {
        self.due_on(TODAY)
    }

    /// `kith show NAME --json`, which must succeed.
    #[track_caller]
    pub fn show(&self, name: &str) -> Value {
        self.kith(&["show", name, "--json"]).ok().json()
    }
}

/// For each object of a JSON array, the values of `keys`, as one JSON array: a table to
/// compare with `assert_eq!`.
#[track_caller]
pub fn pick(array: &Value, keys: &[&str]) -> Vec<Value> {
    let items = array
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {array}"));
    items
        .iter()
        .map(|item| Value::Array(keys.iter().map(|k| item[*k].clone()).collect()))
        .collect()
}

/// The values of one key of each object of a JSON array, as strings.
#[track_caller]
pub fn column(array: &Value, key: &str) -> Vec<String> {
    pick(array, &[key])
        .into_iter()
        .map(|row| match &row[0] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// The part of a Markdown text from the line `heading` to the next `## ` heading.
pub fn section<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    let start = text
        .match_indices(heading)
        .find(|(i, _)| {
            (*i == 0 || text.as_bytes()[i - 1] == b'\n')
                && text[i + heading.len()..].starts_with(['\n', '\r'])
        })
        .map(|(i, _)| i)?;
    let after = start + heading.len();
    let end = text[after..]
        .find("\n## ")
        .map_or(text.len(), |i| after + i + 1);
    Some(&text[start..end])
}

/// A vault holding a copy of `sample-vault/`.
pub fn sample_vault() -> TestVault {
    let v = TestVault::new();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault"),
        v.root(),
    );
    v
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("list a folder") {
        let entry = entry.expect("a folder entry");
        let kind = entry.file_type().expect("a file type");
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}
