//! The `query` target: the input as what a user types after `kith search` and `kith who`,
//! run on a small index made once per process from three notes, the way `kith index`
//! makes it.
//!
//! Input: a byte of flags (1: sort by date, 2: only one contact's conversations, 4: only
//! those tagged `ask`, 8: since 2026-10-01, 16: until 2026-11-15), then the query.
//!
//! Checked: a query runs or is refused with a message, never a panic; a search finds no
//! more hits than its limit and its total; every hit's highlights lie on character
//! boundaries of its snippet, which is one line; `date:` rewriting leaves a query without
//! `date:` as it is; the index's word splitting gives tokens on character boundaries.

use std::sync::OnceLock;

use jiff::civil::Date;
use tantivy::tokenizer::{TokenStream, Tokenizer};

use super::{Input, lossy};
use crate::core::model::{self, Rules};
use crate::core::note;
use crate::index::Searchable;
use crate::index::docs::{Sources, contact_key};
use crate::index::search::{Search, Sort, rewrite_dates, search, who};
use crate::index::tokenizer::WordTokenizer;

/// The notes indexed: two contacts with logs in several scripts, and a meeting note.
const NOTES: [(&str, &str); 3] = [
    (
        "People/Ada Lovelace.md",
        "---\ntags: [person, rust]\ninterests: [compilers, Berlin]\n---\n## Log\n\
         - 2026-10-01 Coffee: berlin offsite, compilers #ask\n\
         - 2026-11-20 Call: the café in 東京, Gödel's logic #give\n",
    ),
    (
        "People/Kurt Gödel.md",
        "---\ncompany: IAS\n---\n### 2026-09-15 Walk\nLogic and 山田太郎 on a long walk.\n",
    ),
    (
        "Meetings/2026-11-12 Product offsite.md",
        "With [[Ada Lovelace]] and [[Kurt Gödel]]: pricing, hiring. #ask\n",
    ),
];

/// The index of [`NOTES`], with the paths of its contacts.
fn index() -> &'static (Searchable, Vec<String>) {
    static INDEX: OnceLock<(Searchable, Vec<String>)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let rules = Rules::default();
        let parsed = NOTES
            .iter()
            .map(|(p, t)| note::parse(p, t, &rules.contacts))
            .collect();
        let vault = model::build(parsed, &rules);
        let (schema, fields) = crate::index::schema::build();
        let index = tantivy::Index::create_in_ram(schema);
        let s = crate::index::searchable(index).expect("an index in memory opens");
        let mut writer: tantivy::IndexWriter = s
            .index
            .writer_with_num_threads(1, 15_000_000)
            .expect("an index in memory takes a writer");
        let sources = Sources::new(&vault);
        for (path, text) in NOTES {
            for doc in sources.documents(path, text, &fields) {
                writer.add_document(doc).expect("a document is added");
            }
        }
        writer.commit().expect("the index commits");
        s.reader.reload().expect("the reader reloads");
        let contacts = vault.contacts.iter().map(|c| c.path.clone()).collect();
        (s, contacts)
    })
}

/// Checks the `query` target's input.
pub fn check_query(data: &[u8]) {
    let mut input = Input::new(data);
    let flags = input.byte();
    let query = lossy(input.data);
    let (s, contacts) = index();

    if !query.contains("date:")
        && let Ok(rewritten) = rewrite_dates(&query)
    {
        assert_eq!(rewritten, query, "a query without date: is rewritten");
    }

    let mut tokenizer = WordTokenizer::default();
    let mut tokens = tokenizer.token_stream(&query);
    while tokens.advance() {
        let t = tokens.token();
        assert_eq!(
            query.get(t.offset_from..t.offset_to),
            Some(t.text.as_str()),
            "a token is not the text at its offsets"
        );
    }

    let limit = 3;
    let q = Search {
        query: query.clone(),
        contact: (flags & 2 != 0).then(|| contacts[0].clone()),
        since: (flags & 8 != 0).then(|| Date::constant(2026, 10, 1)),
        until: (flags & 16 != 0).then(|| Date::constant(2026, 11, 15)),
        tag: (flags & 4 != 0).then(|| "#Ask".to_string()),
        limit,
        sort: if flags & 1 == 0 {
            Sort::Score
        } else {
            Sort::Date
        },
    };
    if let Ok((total, hits)) = search(s, &q) {
        assert!(
            hits.len() <= limit.min(total),
            "{total} found, {} hits",
            hits.len()
        );
        for hit in &hits {
            assert!(!hit.snippet.contains('\n'), "{hit:?}");
            for h in &hit.highlights {
                assert!(hit.snippet.get(h.clone()).is_some(), "{hit:?}");
            }
        }
    }
    if let Ok(found) = who(s, &query, contacts) {
        for hit in found {
            assert!(contacts.contains(&hit.contact_path), "{hit:?}");
            let _ = contact_key(&hit.contact_path);
        }
    }
}
