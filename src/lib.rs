//! kith keeps professional relationships alive from a plain Markdown vault.
//!
//! The data flows one way. The shell ([`vault`]) walks the vault and reads bytes; the pure
//! [`core`] turns each note into values (properties, interactions, links, tasks, problems),
//! builds the [`core::model::Vault`] of contacts, schedules the week
//! ([`core::schedule`]) and renders it ([`core::render`]); [`write`] is the one way kith
//! writes a file. [`commands`] glue a [`config::Config`] to both halves; the binary only
//! parses arguments and turns results into exit codes.
//!
//! The seam for the index (a later part): [`vault::load`] hands out every note's text and
//! its parsed form once, so an indexer can consume the same stream the scheduler does.

pub mod cli;
pub mod commands;
pub mod config;
pub mod core;
pub mod vault;
pub mod write;
