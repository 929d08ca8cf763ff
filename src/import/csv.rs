//! Reading LinkedIn's `Connections.csv` row by row: the notes before its header are passed
//! over, a BOM and Windows-1252 text are accepted, and a quote that never closes (which
//! makes the rest of the file one field) is found and reported rather than imported.

use std::io::Read;

use crate::core::import::linkedin::{self, Columns};
use crate::core::import::{Incoming, Item, Source, vcard};
use crate::core::problem::Problem;

/// What a CSV file gave.
#[derive(Debug, Default)]
pub struct Rows {
    pub contacts: Vec<Incoming>,
    pub problems: Vec<Problem>,
}

/// Reads the connections of `input`, the file shown as `shown`, the `file`-th of the
/// import.
pub fn read(input: impl Read, shown: &str, file: usize) -> Rows {
    let mut quotes = QuoteCount {
        inner: input,
        quotes: 0,
    };
    let mut out = Rows::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&mut quotes);
    let mut columns: Option<Columns> = None;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    let mut last_had_newline = false;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                out.problems.push(Problem::error(
                    shown,
                    line,
                    format!("cannot be read further: {e}"),
                ));
                return out;
            }
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let fields: Vec<String> = record.iter().map(|f| vcard::decode(f).0).collect();
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        let Some(cols) = &columns else {
            columns = Columns::of_header(&fields);
            if let Some(cols) = &columns
                && !cols.missing().is_empty()
            {
                out.problems.push(Problem::warning(
                    shown,
                    Some(line),
                    format!(
                        "the header has no column {}; those are left empty",
                        cols.missing().join(", ")
                    ),
                ));
            }
            continue;
        };
        rows += 1;
        last_had_newline = fields.iter().any(|f| f.contains('\n'));
        let source = Source {
            file,
            item: Item::Row(rows),
            line,
        };
        match linkedin::read(cols, &fields, source) {
            Ok(row) => {
                for w in row.warnings {
                    out.problems.push(Problem::warning(
                        shown,
                        Some(line),
                        format!("row {rows}: {w}"),
                    ));
                }
                out.contacts.push(row.contact);
            }
            Err(why) => out.problems.push(Problem::warning(
                shown,
                Some(line),
                format!("row {rows} {why}"),
            )),
        }
    }
    if columns.is_none() {
        out.problems.push(Problem::error(
            shown,
            None,
            "has no LinkedIn header (a row naming First Name and Last Name); is it Connections.csv?",
        ));
    } else if quotes.quotes % 2 == 1 && last_had_newline {
        let cut = out.contacts.pop_if(|c| c.source.item == Item::Row(rows));
        let line = cut.map(|c| c.source.line);
        out.problems.push(Problem::error(
            shown,
            line,
            format!("row {rows}: a quote opens here and never closes, so the rest of the file is one field; this row and any after it were not imported"),
        ));
    }
    out
}

/// A reader that counts the double quotes that pass through it.
struct QuoteCount<R> {
    inner: R,
    quotes: usize,
}

impl<R: Read> Read for QuoteCount<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.quotes += memchr::memchr_iter(b'"', &buf[..n]).count();
        Ok(n)
    }
}
