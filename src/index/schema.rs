//! The tantivy schema, defined once, with its version, and the text analyzers it uses.
//!
//! Documents are of two kinds: one per interaction (a log entry, or a mention in a meeting or
//! daily note) and one per contact (its name, aliases, properties and the text outside its
//! log). Every document carries the path it was made from, so a file's documents are
//! replaced together.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer, TextAnalyzer,
};

use super::tokenizer::WordTokenizer;

/// Bumped whenever the schema, the analyzers or what goes into a document change: an index
/// of another version is rebuilt from the vault.
pub const SCHEMA_VERSION: u32 = 2;

/// Prose: words (each CJK character its own word), lower case, accents folded, English stems.
pub const PROSE: &str = "kith_prose";
/// Names: like prose, without stemming.
pub const NAMES: &str = "kith_names";
/// Tags: the whole tag, lower case.
pub const TAGS: &str = "kith_tags";

/// Document kinds, in the `kind` field.
pub const KIND_INTERACTION: &str = "interaction";
pub const KIND_CONTACT: &str = "contact";

/// Every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub kind: Field,
    /// Where the document's text is written (relative, with `/`): the unit of replacement.
    pub path: Field,
    /// The contact's note.
    pub contact_path: Field,
    /// A hash of `contact_path`, fast: for grouping hits by contact.
    pub contact_key: Field,
    /// The contact's name and aliases.
    pub contact: Field,
    pub line: Field,
    pub date: Field,
    pub title: Field,
    pub body: Field,
    pub tag: Field,
    /// Contact documents: the `interests` property.
    pub interests: Field,
    /// Contact documents: every other property, as `key: value` text.
    pub properties: Field,
}

fn text(analyzer: &str, stored: bool) -> TextOptions {
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored { opts.set_stored() } else { opts }
}

/// The schema and its fields.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        kind: b.add_text_field("kind", STRING),
        path: b.add_text_field("path", STRING | STORED),
        contact_path: b.add_text_field("contact_path", STRING | STORED),
        contact_key: b.add_u64_field("contact_key", FAST),
        contact: b.add_text_field("contact", text(NAMES, true)),
        line: b.add_u64_field("line", STORED),
        date: b.add_date_field("date", INDEXED | STORED | FAST),
        title: b.add_text_field("title", text(PROSE, true)),
        body: b.add_text_field("body", text(PROSE, true)),
        tag: b.add_text_field("tag", text(TAGS, true)),
        interests: b.add_text_field("interests", text(PROSE, false)),
        properties: b.add_text_field("properties", text(PROSE, false)),
    };
    (b.build(), fields)
}

/// Registers kith's analyzers on an index.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(
        PROSE,
        TextAnalyzer::builder(WordTokenizer::default())
            .filter(RemoveLongFilter::limit(64))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
    );
    manager.register(
        NAMES,
        TextAnalyzer::builder(WordTokenizer::default())
            .filter(RemoveLongFilter::limit(64))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    );
    manager.register(
        TAGS,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(RemoveLongFilter::limit(256))
            .filter(LowerCaser)
            .build(),
    );
}
