//! Zed's extension for kith: starts `kith lsp` (found on PATH) for Markdown files. The server
//! finds each file's vault itself.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Kith;

impl zed::Extension for Kith {
    fn new() -> Self {
        Kith
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("kith")
            .ok_or_else(|| "kith is not on PATH: install it first (see docs/install.md)".to_string())?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".to_string()],
            env: Vec::new(),
        })
    }
}

zed::register_extension!(Kith);
