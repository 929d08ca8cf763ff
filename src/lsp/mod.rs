//! `kith lsp`: a language server over stdio that brings the vault's model to the editor's
//! cursor: who a linked person is to you (hover), names as you type a link (completion),
//! `kith check`'s problems as you write (diagnostics), logging a conversation or making a
//! contact's note (code actions), and the way to a contact's note and conversations.
//!
//! The [`server`] loop reads the editor's messages and answers every request from the
//! current [`snapshot`] of the note's vault ([`vaults`]), never waiting on the disk; the
//! [`worker`] beside it reads the models (through the index), follows the disk, patches the
//! open notes' unsaved text ([`documents`]) into the model and publishes diagnostics. One
//! file per feature: [`hover`], [`completion`], [`diagnostics`], [`actions`], [`navigation`]
//! and [`hints`]; [`links`] finds the link under the cursor, [`describe`] words where a
//! contact stands, and [`transport`] frames the messages on stdin and stdout (which carries
//! nothing else).
//!
//! Like the rest of the shell it reads the vault and never writes it: the code actions are
//! edits the editor applies.

mod actions;
mod completion;
mod describe;
mod diagnostics;
mod documents;
mod hints;
mod hover;
mod links;
mod navigation;
mod server;
mod snapshot;
mod transport;
mod vaults;
mod worker;

pub use server::serve;
pub use transport::{IoThreads, stdio};
