//! The checks behind the fuzz targets in `fuzz/` and the regression tests that replay what
//! they found: one `check_*` function per target, taking the fuzzer's bytes. Each turns the
//! bytes into input for one part of kith, runs it, and panics when kith panics or breaks a
//! promise it makes about its output (a line out of range, a byte of a note changed that an
//! edit should have kept). Here rather than in `fuzz/` so that `cargo test` runs the same
//! checks on the saved inputs without a nightly toolchain.
//!
//! Not part of kith's interface: hidden from the docs, and free to change with the targets.

mod config;
mod edit;
mod grammars;
mod import;
mod note;
mod query;

pub use config::check_config;
pub use edit::{check_log_append, check_task_close};
pub use grammars::{check_cadence, check_dates};
pub use import::{check_linkedin, check_merge, check_vcard};
pub use note::check_note;
pub use query::check_query;

/// A target's check: panics when the input shows a bug.
pub type Check = fn(&[u8]);

/// Every target, by the name of its file in `fuzz/fuzz_targets/`.
pub const TARGETS: [(&str, Check); 10] = [
    ("note", check_note),
    ("cadence", check_cadence),
    ("dates", check_dates),
    ("config", check_config),
    ("query", check_query),
    ("vcard", check_vcard),
    ("linkedin", check_linkedin),
    ("log_append", check_log_append),
    ("task_close", check_task_close),
    ("merge", check_merge),
];

/// The check of the target named `name`, if there is one.
pub fn check_of(name: &str) -> Option<Check> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// What separates the texts of an input that holds several (two NUL bytes: rare in notes,
/// easy for a fuzzer to write, and visible in a hex dump of a saved input).
const SEPARATOR: &[u8] = b"\0\0";

/// The fuzzer's bytes, read from the front: a few numbers first, then texts.
struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    /// The next byte, 0 when none is left.
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// The next text: up to the next [`SEPARATOR`], or the rest. Not UTF-8 is read as
    /// UTF-8 with replacement characters.
    fn text(&mut self) -> String {
        let end = memchr::memmem::find(self.data, SEPARATOR).unwrap_or(self.data.len());
        let text = String::from_utf8_lossy(&self.data[..end]).into_owned();
        self.data = self.data.get(end + SEPARATOR.len()..).unwrap_or_default();
        text
    }

    /// Whether a separator was read and more may follow.
    fn more(&self) -> bool {
        !self.data.is_empty()
    }
}

/// `data` as text, as [`Input::text`] reads it but without looking for separators.
fn lossy(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The number of lines of `text` as kith counts them: a line break starts a line.
fn line_count(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1
}

/// Whether `part` is a slice of `whole` (a suffix or piece handed back, not a copy).
fn is_slice_of(part: &str, whole: &str) -> bool {
    let (p, w) = (part.as_ptr() as usize, whole.as_ptr() as usize);
    p >= w && p + part.len() <= w + whole.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_read_as_numbers_then_texts() {
        let mut input = Input::new(b"\x07a\0\0b\xff\0\0");
        assert_eq!(input.byte(), 7);
        assert_eq!(input.text(), "a");
        assert!(input.more());
        assert_eq!(input.text(), "b\u{fffd}");
        assert!(!input.more());
        assert_eq!(input.text(), "");
        assert_eq!(input.byte(), 0);
    }

    #[test]
    fn every_target_takes_empty_input() {
        for (name, check) in TARGETS {
            check(b"");
            assert!(check_of(name).is_some());
        }
    }
}
