//! `kith log NAME [TEXT]`: adds a conversation to a contact's log, in the note's own style,
//! and prints where (`path:line`). The text comes from the argument, else standard input,
//! else an editor.

use std::io::{IsTerminal as _, Read as _};
use std::process::ExitCode;

use anyhow::Context as _;
use jiff::civil::Date;

use crate::config::Config;
use crate::core::edit::{NewEntry, append_log};
use crate::report;

pub fn run(
    config: &Config,
    name: &str,
    text: Option<String>,
    date: Option<Date>,
    title: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let vault = crate::index::model(config)?;
    let contact = match super::find_contact(config, &vault, name) {
        Ok(i) => vault.contacts[i].path.clone(),
        Err(code) => return Ok(code),
    };
    super::release(vault);
    let text = match text {
        Some(text) => text,
        None if !std::io::stdin().is_terminal() => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read the text from standard input")?;
            text
        }
        None => {
            let editor = ["VISUAL", "EDITOR"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
                .unwrap_or_else(|| "vi".to_string());
            report::notice(format_args!(
                "logging a conversation with {contact}: write it in {editor}, save and quit \
                 (an empty text logs nothing)"
            ));
            from_editor(&editor)?
        }
    };
    if text.trim().is_empty() {
        report::notice("nothing to log: the text is empty; nothing was written");
        return Ok(ExitCode::from(1));
    }
    let entry = NewEntry {
        date: date.unwrap_or(config.today),
        title,
        text: &text,
    };
    // The edit may be tried again (the note changed meanwhile): the last try's refusal counts.
    let refused = std::cell::Cell::new(None);
    let written = crate::write::edit(&config.vault, &contact, |note| {
        let appended = append_log(note, &config.log_heading, &entry);
        refused.set(appended.as_ref().err().cloned());
        appended.ok().map(|a| (a.text, a.line))
    });
    match (written, refused.into_inner()) {
        (Ok(_), Some(why)) => {
            report::error(format_args!("{contact}:{}: {why}", why.line));
            Ok(ExitCode::from(1))
        }
        (Ok(Some(line)), None) => {
            super::print_text(config, &format!("{contact}:{line}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        (Ok(None), None) => Ok(ExitCode::SUCCESS),
        (Err(e), _) => {
            report::error(e);
            Ok(ExitCode::from(1))
        }
    }
}

/// The text written in `editor` (`$VISUAL`, else `$EDITOR`, else `vi`) on a temporary file
/// outside the vault, as `git commit` asks for its message.
fn from_editor(editor: &str) -> anyhow::Result<String> {
    let path = std::env::temp_dir().join(format!("kith-log-{}.md", std::process::id()));
    std::fs::write(&path, "").with_context(|| format!("cannot create {}", path.display()))?;
    // Through the shell, so that an editor given with its options (`code --wait`) works.
    let status = if cfg!(unix) {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path)
            .status()
    } else {
        std::process::Command::new(editor).arg(&path).status()
    };
    let text = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    let status = status.with_context(|| format!("cannot run the editor `{editor}`"))?;
    if !status.success() {
        anyhow::bail!("the editor `{editor}` failed ({status}); nothing was written");
    }
    text.with_context(|| format!("cannot read {}", path.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_editor_writes_the_text_and_a_failing_one_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("editor.sh");
        std::fs::write(
            &script,
            "#!/bin/sh\nprintf 'walk: in the park\\n' > \"$1\"\n",
        )
        .expect("write the editor");
        // With its arguments, as `code --wait` is given.
        let text = from_editor(&format!("sh {}", script.display())).expect("edited");
        assert_eq!(text, "walk: in the park\n");
        let err = from_editor("false").expect_err("failed");
        assert!(err.to_string().contains("nothing was written"), "{err}");
    }
}
