//! Cutting a vCard file into cards as it is read, so that memory holds one card at a time:
//! each card's lines from `BEGIN:VCARD` to `END:VCARD`, without the payloads of photos,
//! logos, sounds and keys (kith never copies them, and they are most of a card's bytes).

use std::io::BufRead;

/// The longest line kept, and the largest card without its photos: more is no contact.
const MAX_LINE: usize = 1 << 20;
const MAX_CARD: usize = 4 << 20;

/// Properties whose values are binary payloads.
const BINARY: [&str; 4] = ["PHOTO", "LOGO", "SOUND", "KEY"];

/// One card of a file, or why a card could not be had.
#[derive(Debug)]
pub enum Piece {
    /// A whole card's bytes; `number` counts the file's cards from 1, `line` is where it
    /// begins.
    Card {
        bytes: Vec<u8>,
        number: usize,
        line: usize,
    },
    /// A card that the file ends inside.
    Unterminated { number: usize, line: usize },
    /// A card too large to be a contact, even without its photos.
    TooLarge { number: usize, line: usize },
}

/// What a file held besides its cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    Cards,
    Empty,
    /// Not text (it has NUL bytes), or text with no `BEGIN:VCARD`.
    Binary,
    NoCards,
}

/// Reads `input` card by card, calling `each` with every piece; says what the file held.
pub fn split(mut input: impl BufRead, mut each: impl FnMut(Piece)) -> std::io::Result<Contents> {
    let mut line = Vec::new();
    let mut state = State::default();
    let mut line_no = 0;
    let mut seen_bytes = false;
    let mut nul = false;
    loop {
        line.clear();
        let (read, cut) = read_line(&mut input, &mut line)?;
        if read == 0 {
            break;
        }
        line_no += 1;
        seen_bytes = true;
        nul |= line.contains(&0);
        state.line(&line, cut, line_no, &mut each);
    }
    if let Some(card) = state.card.take() {
        each(Piece::Unterminated {
            number: card.number,
            line: card.line,
        });
    }
    Ok(match (state.cards, seen_bytes, nul) {
        (0, false, _) => Contents::Empty,
        (0, true, true) => Contents::Binary,
        (0, true, false) => Contents::NoCards,
        _ => Contents::Cards,
    })
}

#[derive(Default)]
struct State {
    cards: usize,
    card: Option<Open>,
}

/// The card being read.
struct Open {
    bytes: Vec<u8>,
    number: usize,
    line: usize,
    /// Cards nested in this one (a 2.1 `AGENT`).
    depth: usize,
    /// Inside a binary property's payload.
    in_payload: bool,
    too_large: bool,
}

impl State {
    fn line(&mut self, raw: &[u8], cut: bool, line_no: usize, each: &mut impl FnMut(Piece)) {
        let text = trim(raw);
        let Some(card) = &mut self.card else {
            if text.eq_ignore_ascii_case(b"BEGIN:VCARD") {
                self.cards += 1;
                self.card = Some(Open {
                    bytes: raw.to_vec(),
                    number: self.cards,
                    line: line_no,
                    depth: 0,
                    in_payload: false,
                    too_large: false,
                });
            }
            return;
        };
        if card.in_payload {
            // A payload goes on in folded lines, or (in 2.1) in lines of bare base64.
            if raw.first().is_some_and(|b| *b == b' ' || *b == b'\t') || !raw.contains(&b':') {
                return;
            }
            card.in_payload = false;
        }
        if text.eq_ignore_ascii_case(b"END:VCARD") && card.depth == 0 {
            card.bytes.extend_from_slice(raw);
            let done = self.card.take();
            if let Some(card) = done {
                each(if card.too_large {
                    Piece::TooLarge {
                        number: card.number,
                        line: card.line,
                    }
                } else {
                    Piece::Card {
                        bytes: card.bytes,
                        number: card.number,
                        line: card.line,
                    }
                });
            }
            return;
        }
        if text.eq_ignore_ascii_case(b"BEGIN:VCARD") {
            card.depth += 1;
        } else if text.eq_ignore_ascii_case(b"END:VCARD") {
            card.depth -= 1;
        }
        if is_binary(text) {
            card.in_payload = true;
            return;
        }
        card.too_large |= cut || card.bytes.len() + raw.len() > MAX_CARD;
        if !card.too_large {
            card.bytes.extend_from_slice(raw);
        }
    }
}

/// Whether a line starts a property with a binary payload (`PHOTO;ENCODING=b:...`,
/// `item1.LOGO:...`).
fn is_binary(line: &[u8]) -> bool {
    let end = line
        .iter()
        .position(|b| *b == b';' || *b == b':')
        .unwrap_or(line.len());
    let name = &line[..end];
    let name = match name.iter().rposition(|b| *b == b'.') {
        Some(dot) => &name[dot + 1..],
        None => name,
    };
    BINARY
        .iter()
        .any(|b| name.eq_ignore_ascii_case(b.as_bytes()))
}

/// A line without its line break, leading BOM and surrounding white space.
fn trim(line: &[u8]) -> &[u8] {
    let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
    line.trim_ascii()
}

/// Reads one line (with its `\n`) into `buf`, keeping at most [`MAX_LINE`] bytes of it:
/// the bytes read, and whether the line was cut.
fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    let mut read = 0;
    let mut cut = false;
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((read, cut));
        }
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = MAX_LINE.saturating_sub(buf.len());
        cut |= chunk.len() > room;
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        read += n;
        input.consume(n);
        if done {
            return Ok((read, cut));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &[u8]) -> (Vec<Piece>, Contents) {
        let mut out = Vec::new();
        let contents = split(input, |p| out.push(p)).expect("reads from memory");
        (out, contents)
    }

    #[test]
    fn cuts_cards_and_drops_payloads() {
        let input = b"\xef\xbb\xbfBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nPHOTO;ENCODING=b:AAAA\r\n BBBB\r\nEMAIL:a@b.c\r\nEND:VCARD\r\nbegin:vcard\nFN:Bo\nitem1.photo;ENCODING=BASE64:\nQUJD\nREVG\n\nend:vcard\n";
        let (cards, contents) = pieces(input);
        assert_eq!(contents, Contents::Cards);
        let texts: Vec<String> = cards
            .iter()
            .map(|p| match p {
                Piece::Card { bytes, .. } => String::from_utf8_lossy(bytes).into_owned(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "\u{feff}BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEMAIL:a@b.c\r\nEND:VCARD\r\n",
                "begin:vcard\nFN:Bo\nend:vcard\n"
            ]
        );
        assert!(matches!(
            cards[1],
            Piece::Card {
                number: 2,
                line: 8,
                ..
            }
        ));
    }

    #[test]
    fn reports_a_card_that_never_ends() {
        let (cards, _) = pieces(b"BEGIN:VCARD\nFN:Ada\nEND:VCARD\nBEGIN:VCARD\nFN:Cut");
        assert!(matches!(
            cards[1],
            Piece::Unterminated { number: 2, line: 4 }
        ));
    }

    #[test]
    fn tells_empty_binary_and_cardless_files_apart() {
        assert_eq!(pieces(b"").1, Contents::Empty);
        assert_eq!(pieces(b"\x00\x01\x02PK").1, Contents::Binary);
        assert_eq!(pieces(b"First Name,Last Name\n").1, Contents::NoCards);
    }

    #[test]
    fn a_huge_line_is_cut_not_held() {
        let mut input = b"BEGIN:VCARD\nNOTE:".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE * 3));
        input.extend_from_slice(b"\nEND:VCARD\n");
        let (cards, _) = pieces(&input);
        assert!(matches!(cards[0], Piece::TooLarge { number: 1, line: 1 }));
    }
}
