//! A problem found while reading the vault: `path:line: severity: message`.
//!
//! Problems never stop a run; they are collected, sorted and shown at the end.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::text::OneLine;

/// How bad a problem is: an `error` means a note (or part of it) could not be read; a
/// `warning` means a value was wrong and its default was used instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem, at a path relative to the vault root (with `/`), on a 1-based line when one
/// is known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Problem {
    pub path: String,
    pub line: Option<usize>,
    pub severity: Severity,
    pub message: String,
}

impl Problem {
    pub fn error(path: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(
        path: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            line,
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

/// One problem on one line: a control character in the path or the message (a line break
/// in a file name, an escape in a value quoted back) is shown escaped (`\n`, `\u{1b}`), so
/// that every problem stays one line and none can move the cursor or colour the terminal.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, message) = (OneLine(&self.path), OneLine(&self.message));
        match self.line {
            Some(line) => write!(f, "{path}:{line}: {}: {message}", self.severity),
            None => write!(f, "{path}: {}: {message}", self.severity),
        }
    }
}

/// Sorts problems the way `kith check` lists them: by path, then line, then the rest.
pub fn sort(problems: &mut [Problem]) {
    problems.sort_by(|a, b| {
        (
            a.path.as_str(),
            a.line.unwrap_or(0),
            a.severity,
            a.message.as_str(),
        )
            .cmp(&(
                b.path.as_str(),
                b.line.unwrap_or(0),
                b.severity,
                b.message.as_str(),
            ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_path_line_severity_message() {
        let p = Problem::error("People/Bad.md", Some(3), "front-matter is not valid YAML");
        assert_eq!(
            p.to_string(),
            "People/Bad.md:3: error: front-matter is not valid YAML"
        );
        let w = Problem::warning("a.md", None, "x");
        assert_eq!(w.to_string(), "a.md: warning: x");
    }

    #[test]
    fn control_characters_are_escaped_so_a_problem_stays_one_line() {
        let p = Problem::warning(
            "People/New\nline\t\u{1b}[31m.md",
            Some(2),
            "unknown tier `Z\r\nfake.md:1: error: x`",
        );
        assert_eq!(
            p.to_string(),
            r"People/New\nline\t\u{1b}[31m.md:2: warning: unknown tier `Z\r\nfake.md:1: error: x`"
        );
        // Everything else, backslashes and letters beyond ASCII included, as it is.
        let p = Problem::error("People/Zoë\\ Back:slash .md", None, "x");
        assert_eq!(p.to_string(), "People/Zoë\\ Back:slash .md: error: x");
    }

    #[test]
    fn sorts_by_path_then_line() {
        let mut v = vec![
            Problem::warning("b.md", Some(1), "x"),
            Problem::warning("a.md", Some(9), "x"),
            Problem::error("a.md", Some(2), "y"),
        ];
        sort(&mut v);
        let order: Vec<_> = v.iter().map(|p| (p.path.as_str(), p.line)).collect();
        assert_eq!(
            order,
            [("a.md", Some(2)), ("a.md", Some(9)), ("b.md", Some(1))]
        );
    }
}
