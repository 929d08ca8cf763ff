//! Queries: `kith search` (interactions) and `kith who` (contacts), over an opened index.
//!
//! The query text is tantivy's syntax over title, body, contact and tags with every term
//! required; `date:` takes plain `YYYY-MM-DD` dates (rewritten to the RFC 3339 form tantivy
//! wants, and checked to exist). A query tantivy cannot parse is a [`QueryError`], which the
//! command reports as a usage error.

use std::collections::HashMap;
use std::ops::{Bound, Range};

use jiff::civil::Date;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, Order, Score, SegmentReader, TantivyDocument, Term};

use super::Searchable;
use super::docs::{contact_key, from_tantivy, to_tantivy};
use super::schema::{KIND_CONTACT, KIND_INTERACTION};
use crate::core::dates::{DateError, parse_date};

/// A query that cannot be run: the user's to fix (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Score,
    /// Newest first.
    Date,
}

/// A search, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub query: String,
    /// A contact's note path.
    pub contact: Option<String>,
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub tag: Option<String>,
    pub limit: usize,
    pub sort: Sort,
}

/// One interaction found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub contact: String,
    pub contact_path: String,
    /// Where the interaction is written.
    pub path: String,
    pub line: u64,
    pub date: Option<Date>,
    pub title: String,
    /// Plain text on one line.
    pub snippet: String,
    /// Byte ranges of the matched words in `snippet`.
    pub highlights: Vec<Range<usize>>,
    pub score: f32,
}

/// One contact found by `who`.
#[derive(Debug, Clone, PartialEq)]
pub struct WhoHit {
    pub contact_path: String,
    pub score: f32,
    /// Where the topic matched: `interests`, `tags`, `properties`, `body`, `conversations`.
    pub matched: Vec<&'static str>,
    /// How many interactions matched.
    pub conversations: u32,
}

/// Rewrites `YYYY-MM-DD` in `date:` clauses to RFC 3339, checking that each date exists.
pub fn rewrite_dates(query: &str) -> Result<String, QueryError> {
    let mut out = String::with_capacity(query.len() + 32);
    let mut rest = query;
    while let Some(at) = rest.find("date:") {
        let boundary = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        out.push_str(&rest[..at + 5]);
        rest = &rest[at + 5..];
        if !boundary {
            continue;
        }
        // The clause: up to whitespace, or to the closing bracket of a range.
        let bracketed = rest.starts_with(['[', '{']);
        let end = if bracketed {
            rest.find([']', '}']).map_or(rest.len(), |i| i + 1)
        } else {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        };
        let clause = &rest[..end];
        let mut i = 0;
        let bytes = clause.as_bytes();
        while i < clause.len() {
            let candidate = clause.get(i..i + 10).filter(|c| {
                c.len() == 10
                    && c.bytes().enumerate().all(|(k, b)| {
                        if k == 4 || k == 7 {
                            b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    })
            });
            let starts = i == 0 || !bytes[i - 1].is_ascii_digit();
            if let (Some(c), true) = (candidate, starts) {
                match parse_date(c) {
                    Ok(d) if !(1678..=2261).contains(&d.year()) => {
                        return Err(QueryError(format!(
                            "`{c}`: dates in queries must be between 1678 and 2261"
                        )));
                    }
                    Ok(_) => {}
                    Err(DateError::Impossible) => {
                        return Err(QueryError(format!("`{c}` is not a real date")));
                    }
                    Err(DateError::NotADate) => {
                        return Err(QueryError(format!("`{c}` is not a date (YYYY-MM-DD)")));
                    }
                }
                // A date alone is a term, which the query parser reads only quoted (the
                // time has colons); in a range it is read as it is.
                let alone = clause.len() == 10;
                if alone {
                    out.push('"');
                }
                out.push_str(c);
                if !clause[i + 10..].starts_with('T') {
                    out.push_str("T00:00:00Z");
                }
                if alone {
                    out.push('"');
                }
                i += 10;
            } else {
                let ch = clause[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&clause[i..i + ch]);
                i += ch;
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Ok(out)
}

fn parser(s: &Searchable, fields: &[Field]) -> QueryParser {
    let mut p = QueryParser::for_index(&s.index, fields.to_vec());
    p.set_conjunction_by_default();
    p
}

fn parse(s: &Searchable, text: &str, fields: &[Field]) -> Result<Box<dyn Query>, QueryError> {
    let text = rewrite_dates(text)?;
    let mut p = parser(s, fields);
    let f = &s.fields;
    p.set_field_boost(f.title, 2.0);
    p.set_field_boost(f.contact, 1.5);
    p.parse_query(&text)
        .map_err(|e| QueryError(format!("cannot read the query `{text}`: {}", describe(&e))))
}

/// A parser error in words.
fn describe(e: &tantivy::query::QueryParserError) -> String {
    use tantivy::query::QueryParserError as E;
    match e {
        E::SyntaxError(_) => {
            "a syntax error (unbalanced quotes, brackets or parentheses?)".to_string()
        }
        E::FieldDoesNotExist(field) => {
            format!("there is no field `{field}` (fields: title, body, contact, tag, date)")
        }
        E::DateFormatError(_) => "a date must be YYYY-MM-DD".to_string(),
        other => other.to_string(),
    }
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

/// Runs a search; returns the number of matching interactions and the hits.
pub fn search(s: &Searchable, q: &Search) -> Result<(usize, Vec<Hit>), QueryError> {
    let f = &s.fields;
    let user = parse(s, &q.query, &[f.title, f.body, f.contact, f.tag])?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, user.box_clone()),
        // Every document is an interaction or a contact: leaving out the (few) contacts
        // is cheaper than intersecting with every interaction (same hits, same order; the
        // scores lose the kind term's constant share).
        (Occur::MustNot, term_query(f.kind, KIND_CONTACT)),
    ];
    if let Some(path) = &q.contact {
        clauses.push((Occur::Must, term_query(f.contact_path, path)));
    }
    if let Some(tag) = &q.tag {
        let tag = crate::core::tags::normalize(tag.trim_start_matches('#'));
        clauses.push((Occur::Must, term_query(f.tag, &tag)));
    }
    if q.since.is_some() || q.until.is_some() {
        let bound = |d: Option<Date>| match d {
            Some(d) => Bound::Included(Term::from_field_date(f.date, to_tantivy(d))),
            None => Bound::Unbounded,
        };
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(bound(q.since), bound(q.until))),
        ));
    }
    let query = BooleanQuery::new(clauses);
    let searcher = s.reader.searcher();
    let limit = q.limit.clamp(1, (searcher.num_docs() as usize).max(1));
    let run = |e: tantivy::TantivyError| QueryError(format!("the search failed: {e}"));
    let (total, found): (usize, Vec<(Score, DocAddress)>) = match q.sort {
        Sort::Score => searcher
            .search(
                &query,
                &(Count, TopDocs::with_limit(limit).order_by_score()),
            )
            .map_err(run)?,
        Sort::Date => {
            let (total, by_date): (usize, Vec<(Option<tantivy::DateTime>, DocAddress)>) = searcher
                .search(
                    &query,
                    &(
                        Count,
                        TopDocs::with_limit(limit)
                            .order_by_fast_field::<tantivy::DateTime>("date", Order::Desc),
                    ),
                )
                .map_err(run)?;
            let mut scored = Vec::with_capacity(by_date.len());
            for (_, addr) in by_date {
                let score = query.explain(&searcher, addr).map_or(0.0, |e| e.value());
                scored.push((score, addr));
            }
            (total, scored)
        }
    };
    let snippets = SnippetGenerator::create(&searcher, &*user, f.body)
        .ok()
        .map(|mut g| {
            g.set_max_num_chars(200);
            g
        });
    let mut hits = Vec::with_capacity(found.len());
    for (score, addr) in found {
        let doc: TantivyDocument = searcher.doc(addr).map_err(run)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let (snippet, highlights) = match &snippets {
            Some(g) => {
                let snip = g.snippet_from_doc(&doc);
                if snip.fragment().trim().is_empty() {
                    one_line(&lead(&text(f.body), 200), &[])
                } else {
                    one_line(snip.fragment(), snip.highlighted())
                }
            }
            None => one_line(&lead(&text(f.body), 200), &[]),
        };
        hits.push(Hit {
            contact: text(f.contact),
            contact_path: text(f.contact_path),
            path: text(f.path),
            line: doc.get_first(f.line).and_then(|v| v.as_u64()).unwrap_or(0),
            date: doc
                .get_first(f.date)
                .and_then(|v| v.as_datetime())
                .and_then(from_tantivy),
            title: text(f.title),
            snippet,
            highlights,
            score,
        });
    }
    // Equal keys come in the index's own order, which depends on how its segments were
    // written: break ties by path, line and contact so that the same vault gives the same list.
    let tie = |a: &Hit, b: &Hit| {
        (&a.path, a.line, &a.contact_path).cmp(&(&b.path, b.line, &b.contact_path))
    };
    match q.sort {
        Sort::Score => hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| tie(a, b))),
        Sort::Date => hits.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| tie(a, b))),
    }
    Ok((total, hits))
}

/// The first `max` characters of a text.
fn lead(text: &str, max: usize) -> String {
    let t = text.trim_start();
    match t.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

/// A fragment on one line (runs of whitespace become one space), with its highlight ranges
/// moved to match.
fn one_line(fragment: &str, highlights: &[Range<usize>]) -> (String, Vec<Range<usize>>) {
    let mut out = String::with_capacity(fragment.len());
    let mut map = vec![0usize; fragment.len() + 1];
    let mut last_space = true;
    for (i, c) in fragment.char_indices() {
        map[i] = out.len();
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    map[fragment.len()] = out.len();
    // Bytes inside a character map to where that character went.
    for i in 1..map.len() {
        if !fragment.is_char_boundary(i.min(fragment.len())) {
            map[i] = map[i - 1];
        }
    }
    let trimmed_end = out.trim_end().len();
    out.truncate(trimmed_end);
    let ranges = highlights
        .iter()
        .filter(|r| r.end <= fragment.len() && r.start < r.end)
        .map(|r| map[r.start].min(trimmed_end)..map[r.end].min(trimmed_end))
        .filter(|r| r.start < r.end)
        .collect();
    (out, ranges)
}

/// Sums scores of matching documents per contact.
struct PerContact;

struct PerContactSegment {
    keys: Column<u64>,
    sums: HashMap<u64, (Score, u32)>,
}

impl Collector for PerContact {
    type Fruit = HashMap<u64, (Score, u32)>;
    type Child = PerContactSegment;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(PerContactSegment {
            keys: segment.fast_fields().u64("contact_key")?,
            sums: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Self::Fruit = HashMap::new();
        for fruit in fruits {
            for (k, (s, n)) in fruit {
                let e = all.entry(k).or_default();
                e.0 += s;
                e.1 += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for PerContactSegment {
    type Fruit = HashMap<u64, (Score, u32)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(key) = self.keys.first(doc) {
            let e = self.sums.entry(key).or_default();
            e.0 += score;
            e.1 += 1;
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.sums
    }
}

/// Contacts whose contact document or interactions match `topic`, best first. `contacts`
/// are every contact's path (from the manifest), to name the keys found.
pub fn who(s: &Searchable, topic: &str, contacts: &[String]) -> Result<Vec<WhoHit>, QueryError> {
    let f = &s.fields;
    let searcher = s.reader.searcher();
    let run = |e: tantivy::TantivyError| QueryError(format!("the search failed: {e}"));
    let all_fields = [f.interests, f.tag, f.properties, f.body, f.title];
    // Make sure the whole query parses before running the parts.
    let whole = parse(s, topic, &all_fields)?;
    let of_kind = |q: Box<dyn Query>, kind: &str| -> BooleanQuery {
        BooleanQuery::new(vec![
            (Occur::Must, q),
            (Occur::Must, term_query(f.kind, kind)),
        ])
    };
    let sums = |q: &dyn Query| searcher.search(q, &PerContact).map_err(run);
    let contact_scores = sums(&of_kind(whole.box_clone(), KIND_CONTACT))?;
    let conversation_scores = sums(&of_kind(whole, KIND_INTERACTION))?;
    // Which part of the contact matched.
    let parts: [(&'static str, Field); 4] = [
        ("interests", f.interests),
        ("tags", f.tag),
        ("properties", f.properties),
        ("body", f.body),
    ];
    let mut matched: HashMap<u64, Vec<&'static str>> = HashMap::new();
    for (name, field) in parts {
        if let Ok(q) = parse(s, topic, &[field]) {
            for key in sums(&of_kind(q, KIND_CONTACT))?.into_keys() {
                matched.entry(key).or_default().push(name);
            }
        }
    }
    let mut hits: Vec<WhoHit> = Vec::new();
    for path in contacts {
        let key = contact_key(path);
        let own = contact_scores.get(&key).map(|&(s, _)| s);
        let talk = conversation_scores.get(&key).copied();
        if own.is_none() && talk.is_none() {
            continue;
        }
        let mut m = matched.remove(&key).unwrap_or_default();
        if own.is_some() && m.is_empty() {
            m.push("name");
        }
        if talk.is_some() {
            m.push("conversations");
        }
        hits.push(WhoHit {
            contact_path: path.clone(),
            // The contact's own note counts double: it says what they care about.
            score: 2.0 * own.unwrap_or(0.0) + talk.map_or(0.0, |(s, _)| s),
            matched: m,
            conversations: talk.map_or(0, |(_, n)| n),
        });
    }
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.contact_path.cmp(&b.contact_path))
    });
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An index in memory with a few documents of both kinds.
    fn small() -> Searchable {
        let (schema, f) = super::super::schema::build();
        let index = tantivy::Index::create_in_ram(schema);
        let s = super::super::sync::searchable(index).unwrap();
        let mut w: tantivy::IndexWriter = s.index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (i, (contact, body)) in [
            ("Ada", "berlin offsite compilers"),
            ("Kurt Gödel", "café logic 東京"),
        ]
        .iter()
        .enumerate()
        {
            let mut d = TantivyDocument::new();
            d.add_text(f.kind, KIND_INTERACTION);
            d.add_text(f.path, format!("p{i}.md"));
            d.add_text(f.contact_path, format!("p{i}.md"));
            d.add_u64(f.contact_key, contact_key(&format!("p{i}.md")));
            d.add_text(f.contact, contact);
            d.add_date(f.date, to_tantivy(Date::constant(2026, 1, 1 + i as i8)));
            d.add_text(f.body, body);
            d.add_text(f.tag, "ask");
            w.add_document(d).unwrap();
            let mut c = TantivyDocument::new();
            c.add_text(f.kind, KIND_CONTACT);
            c.add_text(f.path, format!("p{i}.md"));
            c.add_u64(f.contact_key, contact_key(&format!("p{i}.md")));
            c.add_text(f.contact, contact);
            c.add_text(f.interests, body);
            w.add_document(c).unwrap();
        }
        w.commit().unwrap();
        s.reader.reload().unwrap();
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// No query text makes search or who panic: it runs or is a QueryError.
        #[test]
        fn any_query_runs_or_is_refused(q in "[a-z\\\"'()\\[\\]{}:*~^+\\-!<>=/ 0-9TOANDR東é.]{0,40}") {
            let s = small();
            let search = Search { query: q.clone(), limit: 5, ..Search::default() };
            let _ = super::search(&s, &search);
            let _ = super::search(&s, &Search { sort: Sort::Date, ..search });
            let _ = who(&s, &q, &["p0.md".to_string(), "p1.md".to_string()]);
        }
    }

    #[test]
    fn search_and_who_on_a_small_index() {
        let s = small();
        let q = Search {
            query: "godel".into(),
            limit: 5,
            ..Search::default()
        };
        // The contact's own document names him too, and is not a conversation.
        let (total, hits) = super::search(&s, &q).unwrap();
        assert_eq!(total, 1);
        assert_eq!(hits[0].contact, "Kurt Gödel");
        assert_eq!(hits[0].date, Some(Date::constant(2026, 1, 2)));
        let (total, _) = super::search(
            &s,
            &Search {
                query: "東京".into(),
                limit: 5,
                ..Search::default()
            },
        )
        .unwrap();
        assert_eq!(total, 1);
        let w = who(&s, "logic", &["p0.md".to_string(), "p1.md".to_string()]).unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].contact_path, "p1.md");
        assert_eq!(w[0].matched, ["interests", "conversations"]);
    }

    #[test]
    fn dates_in_date_clauses_are_rewritten_and_checked() {
        assert_eq!(
            rewrite_dates("berlin date:[2026-01-01 TO 2026-02-01]").unwrap(),
            "berlin date:[2026-01-01T00:00:00Z TO 2026-02-01T00:00:00Z]"
        );
        assert_eq!(
            rewrite_dates("date:>=2026-03-01 rust").unwrap(),
            "date:>=2026-03-01T00:00:00Z rust"
        );
        // Dates outside date: clauses are words.
        assert_eq!(
            rewrite_dates("2026-01-01 update").unwrap(),
            "2026-01-01 update"
        );
        assert_eq!(
            rewrite_dates("update:2026-01-01").unwrap(),
            "update:2026-01-01"
        );
        assert_eq!(
            rewrite_dates("date:2026-10-02 coffee").unwrap(),
            "date:\"2026-10-02T00:00:00Z\" coffee"
        );
        assert!(rewrite_dates("date:2026-02-30").is_err());
        assert!(rewrite_dates("date:[2026-13-01 TO *]").is_err());
        assert_eq!(rewrite_dates("date:").unwrap(), "date:");
        assert_eq!(rewrite_dates("date:é").unwrap(), "date:é");
    }

    #[test]
    fn fragments_become_one_line_with_highlights_kept() {
        let (text, hl) = one_line("a  Gödel\n\n talk ", &[3..9, 12..16]);
        assert_eq!(text, "a Gödel talk");
        assert_eq!(&text[hl[0].clone()], "Gödel");
        assert_eq!(&text[hl[1].clone()], "talk");
    }
}
