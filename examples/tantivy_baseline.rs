//! The baseline for `kith index`: a plain tantivy pipeline over the same documents, for
//! benchmarks.
//!
//! ```text
//! cargo run --release --example tantivy_baseline -- dump VAULT DOCS.jsonl
//! cargo run --release --example tantivy_baseline -- index DOCS.jsonl INDEX_DIR
//! cargo run --release --example tantivy_baseline -- parse DOCS.jsonl
//! ```
//!
//! `dump` writes the documents `kith index` makes for VAULT, one JSON object a line (run it
//! once, untimed). `index` is the baseline: it streams those documents into a new index in
//! INDEX_DIR with kith's schema and analyzers, tantivy's default writer (its default number
//! of threads, a 50 MB budget, the default merge policy), commits and waits for the merges —
//! what a program that had the documents already would do, and nothing else. `parse` only
//! reads and parses the JSON, to show how much of the baseline's time that is.

use std::io::{BufRead as _, BufReader, BufWriter, Write as _};
use std::path::Path;
use std::process::ExitCode;

use kith::config::{Config, Flags};
use kith::index::{docs, schema};
use kith::vault::{self, Found};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["dump", vault, out] => dump(Path::new(vault), Path::new(out)),
        ["index", docs, dir] => index(Path::new(docs), Path::new(dir)),
        ["parse", docs] => parse(Path::new(docs)),
        _ => Err("usage: tantivy_baseline dump VAULT DOCS.jsonl | index DOCS.jsonl DIR | parse DOCS.jsonl".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tantivy_baseline: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Writes the documents kith makes for the vault at `root`, as JSON lines.
fn dump(root: &Path, out: &Path) -> Result<()> {
    let flags = Flags {
        vault: Some(root.to_path_buf()),
        ..Flags::default()
    };
    let config = Config::load(&flags, root, jiff::civil::Date::constant(2026, 11, 23))?;
    let model = vault::load(&config);
    let sources = docs::Sources::new(&model);
    let (schema, fields) = schema::build();
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    let mut count = 0;
    for found in vault::walk(&config) {
        let Found::Note(file) = found else { continue };
        let Ok(text) = vault::read_note(&file) else {
            continue;
        };
        for doc in sources.documents(&file.rel, &text, &fields) {
            use tantivy::Document as _;
            writeln!(w, "{}", doc.to_json(&schema))?;
            count += 1;
        }
    }
    w.flush()?;
    eprintln!(
        "tantivy_baseline: {count} documents written to {}",
        out.display()
    );
    Ok(())
}

/// Indexes the documents of `docs` into a new index in `dir`.
fn index(docs: &Path, dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let (schema, _) = schema::build();
    let index = tantivy::Index::create_in_dir(dir, schema.clone())?;
    schema::register(&index);
    let mut writer: tantivy::IndexWriter = index.writer(50_000_000)?;
    for line in BufReader::new(std::fs::File::open(docs)?).lines() {
        writer.add_document(tantivy::TantivyDocument::parse_json(&schema, &line?)?)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Reads and parses the documents of `docs`, and nothing else.
fn parse(docs: &Path) -> Result<()> {
    let (schema, _) = schema::build();
    let mut count = 0usize;
    for line in BufReader::new(std::fs::File::open(docs)?).lines() {
        let doc = tantivy::TantivyDocument::parse_json(&schema, &line?)?;
        count += usize::from(doc.field_values().next().is_some());
    }
    eprintln!("tantivy_baseline: {count} documents parsed");
    Ok(())
}
