//! Reading LinkedIn's `Connections.csv` row by row: the notes before its header are passed
//! over, a BOM and Windows-1252 text are accepted, and a quote that never closes (which
//! makes the rest of the file one field) is found and reported rather than imported.

use crate::core::import::linkedin::{self, Columns};
use crate::core::import::{Incoming, Item, Source, vcard};
use crate::core::problem::Problem;

/// What a CSV file gave.
#[derive(Debug, Default)]
pub struct Rows {
    pub contacts: Vec<Incoming>,
    pub problems: Vec<Problem>,
}

/// Reads the connections in `bytes`, the file shown as `shown`, the `file`-th of the import.
pub fn read(bytes: &[u8], shown: &str, file: usize) -> Rows {
    let mut reading = Reading {
        shown,
        file,
        columns: None,
        rows: 0,
        out: Rows::default(),
    };
    let mut lines = Lines::new(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut last_had_newline = false;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| lines.at(p.byte()));
                let why = format!("cannot be read further: {e}");
                reading.out.problems.push(Problem::error(shown, line, why));
                return reading.out;
            }
        }
        let line = lines.at(record.position().map_or(0, |p| p.byte()));
        let fields: Vec<String> = record.iter().map(|f| vcard::decode(f).0).collect();
        last_had_newline = fields.iter().any(|f| f.contains('\n'));
        reading.record(&fields, line);
    }
    let unclosed = memchr::memchr_iter(b'"', bytes).count() % 2 == 1 && last_had_newline;
    reading.end(unclosed)
}

/// A file being read: its header once found, and the rows so far.
struct Reading<'a> {
    shown: &'a str,
    file: usize,
    columns: Option<Columns>,
    rows: usize,
    out: Rows,
}

impl Reading<'_> {
    /// Takes one record: the header while none is found, else a row.
    fn record(&mut self, fields: &[String], line: usize) {
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        let Some(columns) = &self.columns else {
            self.columns = Columns::of_header(&fields);
            if let Some(missing) = self.columns.as_ref().map(Columns::missing)
                && !missing.is_empty()
            {
                let why = format!(
                    "the header has no column {}; those are left empty",
                    missing.join(", ")
                );
                self.warn(line, why);
            }
            return;
        };
        self.rows += 1;
        let rows = self.rows;
        let source = Source {
            file: self.file,
            item: Item::Row(rows),
            line,
        };
        match linkedin::read(columns, &fields, source) {
            Ok(row) => {
                for w in row.warnings {
                    self.warn(line, format!("row {rows}: {w}"));
                }
                self.out.contacts.push(row.contact);
            }
            Err(why) => self.warn(line, format!("row {rows} {why}")),
        }
    }

    fn warn(&mut self, line: usize, message: String) {
        let problem = Problem::warning(self.shown, Some(line), message);
        self.out.problems.push(problem);
    }

    /// The rows read, with an error for a file without a header, or whose last row holds
    /// the rest of the file because a quote in it never closes (that row is left out).
    fn end(mut self, unclosed: bool) -> Rows {
        if self.columns.is_none() {
            self.out.problems.push(Problem::error(
                self.shown,
                None,
                "has no LinkedIn header (a row naming First Name and Last Name); is it Connections.csv?",
            ));
        } else if unclosed {
            let rows = self.rows;
            let cut = self
                .out
                .contacts
                .pop_if(|c| c.source.item == Item::Row(rows));
            self.out.problems.push(Problem::error(
                self.shown,
                cut.map(|c| c.source.line),
                format!(
                    "row {rows}: a quote opens here and never closes, so the rest of the file \
                     is one field; this row and any after it were not imported"
                ),
            ));
        }
        self.out
    }
}

/// Line numbers of byte offsets, counted as the rows come, in order.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the row the CSV reader says starts at `byte`: where the reader stood
    /// when it began the row, before the line breaks and blank lines it passed over (which
    /// its own line count misses).
    fn at(&mut self, byte: u64) -> usize {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while self
            .bytes
            .get(start)
            .is_some_and(|b| *b == b'\r' || *b == b'\n')
        {
            start += 1;
        }
        if start > self.offset {
            self.line += memchr::memchr_iter(b'\n', &self.bytes[self.offset..start]).count();
            self.offset = start;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_by_their_real_lines() {
        let csv = b"\xef\xbb\xbfNotes:\r\n\"two\r\nlines\"\r\n\r\nFirst Name,Last Name\r\n\r\nAda,Lovelace\r\n,\r\n\r\n\r\nGrace,Hopper\r\n";
        let rows = read(csv, "c.csv", 0);
        let lines: Vec<usize> = rows.contacts.iter().map(|c| c.source.line).collect();
        assert_eq!(lines, [7, 11]);
        let lines: Vec<Option<usize>> = rows.problems.iter().map(|p| p.line).collect();
        // The header lacks columns; the third row has no name.
        assert_eq!(lines, [Some(5), Some(8)]);
    }
}
