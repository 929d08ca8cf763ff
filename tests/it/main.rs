//! The integration tests, as one test binary: each module used to be a binary of its own,
//! and each linked the whole of kith and tantivy. Run one module with
//! `cargo test --test it cli::` (or `completions::`, `concurrent::`, `crash::`, `docs::`,
//! `export::`, `fuzz_regressions::`, `hostile::`, `hostile_fs::`, `import::`, `index::`,
//! `log::`, `lsp::`, `privacy::`, `properties::`, `watch::`).

mod cli;
mod common;
mod completions;
mod concurrent;
mod crash;
mod docs;
mod export;
mod fuzz_regressions;
mod hostile;
mod hostile_fs;
mod import;
mod index;
mod log;
mod lsp;
mod privacy;
mod properties;
mod watch;
