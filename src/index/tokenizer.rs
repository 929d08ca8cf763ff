//! Words for the index: runs of letters and digits (any script), except that each CJK
//! character (Han, kana, Hangul) is a word of its own, since those scripts do not put spaces
//! between words. A query for `山田` becomes the phrase `山 田`, which finds `山田太郎`.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    pos: usize,
    token: &'a mut Token,
}

/// Characters written without spaces between words: each one is a token.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // Hiragana, Katakana
        | 0x3400..=0x4DBF     // CJK Extension A
        | 0x4E00..=0x9FFF     // CJK Unified Ideographs
        | 0xAC00..=0xD7AF     // Hangul syllables
        | 0xF900..=0xFAFF     // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9D     // half-width Katakana
        | 0x20000..=0x3134F   // CJK Extensions B–G
    )
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            pos: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        let rest = &self.text[self.pos..];
        let mut chars = rest.char_indices();
        // Skip to the next letter or digit.
        let (start, first) = loop {
            match chars.next() {
                Some((i, c)) if c.is_alphanumeric() => break (i, c),
                Some(_) => {}
                None => {
                    self.pos = self.text.len();
                    return false;
                }
            }
        };
        let end = if is_cjk(first) {
            start + first.len_utf8()
        } else {
            let mut end = rest.len();
            for (i, c) in chars {
                if !c.is_alphanumeric() || is_cjk(c) {
                    end = i;
                    break;
                }
            }
            end
        };
        self.token.offset_from = self.pos + start;
        self.token.offset_to = self.pos + end;
        self.token.text.push_str(&rest[start..end]);
        self.pos += end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, usize, usize)> {
        let mut t = WordTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            let tok = s.token();
            out.push((tok.text.clone(), tok.offset_from, tok.offset_to));
        }
        out
    }

    #[test]
    fn splits_latin_words_and_cjk_characters() {
        assert_eq!(
            words("Gödel, met 山田太郎 at café-42"),
            vec![
                ("Gödel".to_string(), 0, 6),
                ("met".to_string(), 8, 11),
                ("山".to_string(), 12, 15),
                ("田".to_string(), 15, 18),
                ("太".to_string(), 18, 21),
                ("郎".to_string(), 21, 24),
                ("at".to_string(), 25, 27),
                ("café".to_string(), 28, 33),
                ("42".to_string(), 34, 36),
            ]
        );
        assert!(words("  ,.;").is_empty());
        assert_eq!(
            words("ab山"),
            vec![("ab".into(), 0, 2), ("山".into(), 2, 5)]
        );
    }
}
