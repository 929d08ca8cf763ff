//! kith keeps professional relationships alive from a plain Markdown vault.
//!
//! The data flows one way. The shell ([`vault`]) walks the vault and reads bytes; the pure
//! [`core`] turns each note into values (properties, interactions, links, tasks, problems),
//! builds the [`core::model::Vault`] of contacts, schedules the week
//! ([`core::schedule`]) and renders it ([`core::render`]); [`write`] is the one way kith
//! writes a file. [`commands`] glue a [`config::Config`] to both halves; the `kith` binary
//! only parses arguments and turns results into exit codes.
//!
//! The [`index`] keeps, outside the vault, a tantivy index of every interaction and contact
//! with the vault model beside it: commands ask it for a fresh model (it stats every note and
//! re-reads only what changed) instead of reading the vault each time.

pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod core;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod index;
pub mod lsp;
pub mod man;
pub mod progress;
pub mod report;
pub mod ticks;
pub mod vault;
pub mod watch;
pub mod write;
