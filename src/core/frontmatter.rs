//! Front-matter: finding it, parsing its YAML within a budget, and reading typed, lenient
//! properties out of it.
//!
//! The block opens when the note's first line is `---` and closes at the next line that is
//! `---` or `...`. Its YAML is parsed by `serde-saphyr` with a tight budget (depth, anchors,
//! aliases, nodes), so an alias bomb or a 20,000-level nesting is refused as invalid YAML
//! instead of costing gigabytes or the stack. Nothing here reads files.

use std::fmt;

use jiff::civil::Date;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::dates::{DateError, parse_date};

/// The largest front-matter block that is parsed; a larger one is reported and ignored.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// Where the front-matter is in a note's text (after any BOM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split<'a> {
    /// The note does not open with `---`.
    None,
    /// A closed block: its YAML text, the 1-based line of the YAML's first line (2), and the
    /// byte offset where the body starts.
    Closed { yaml: &'a str, body_offset: usize },
    /// The note opens with `---` but no line closes it.
    Unclosed,
}

/// Finds the front-matter block at the start of `text`.
pub fn split(text: &str) -> Split<'_> {
    let first_end = match text.find('\n') {
        Some(i) => i,
        None => return Split::None,
    };
    if text[..first_end].trim_end() != "---" {
        return Split::None;
    }
    let yaml_start = first_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == "---" || line == "..." {
            let body_offset = (line_end + 1).min(text.len());
            return Split::Closed {
                yaml: &text[yaml_start..pos],
                body_offset,
            };
        }
        if line_end == text.len() {
            break;
        }
        pos = line_end + 1;
    }
    Split::Unclosed
}

/// A YAML value, as far as properties need one.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// A short name of the value's type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Yaml::Null => "nothing",
            Yaml::Bool(_) => "a true/false value",
            Yaml::Int(_) | Yaml::Float(_) => "a number",
            Yaml::Str(_) => "text",
            Yaml::Seq(_) => "a list",
            Yaml::Map(_) => "a mapping",
        }
    }

    /// The value as one text, when it is a scalar.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Yaml::Str(s) => Some(s.clone()),
            Yaml::Int(n) => Some(n.to_string()),
            Yaml::Float(x) => Some(x.to_string()),
            Yaml::Bool(b) => Some(b.to_string()),
            Yaml::Null | Yaml::Seq(_) | Yaml::Map(_) => None,
        }
    }

    /// The value as JSON, for `kith show --json`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(*b),
            Yaml::Int(n) => Value::from(*n),
            Yaml::Float(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
            Yaml::Str(s) => Value::String(s.clone()),
            Yaml::Seq(items) => Value::Array(items.iter().map(Yaml::to_json).collect()),
            Yaml::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Every scalar inside the value, as text (for search and display).
    pub fn flatten_text(&self, out: &mut Vec<String>) {
        match self {
            Yaml::Seq(items) => items.iter().for_each(|i| i.flatten_text(out)),
            Yaml::Map(entries) => entries.iter().for_each(|(_, v)| v.flatten_text(out)),
            other => out.extend(other.as_text()),
        }
    }
}

struct YamlVisitor;

impl<'de> Visitor<'de> for YamlVisitor {
    type Value = Yaml;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Yaml, E> {
        Ok(Yaml::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Yaml, E> {
        Ok(Yaml::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Yaml, E> {
        Ok(i64::try_from(v).map_or(Yaml::Float(v as f64), Yaml::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Yaml, E> {
        Ok(i64::try_from(v).map_or(Yaml::Float(v as f64), Yaml::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Yaml, E> {
        Ok(i64::try_from(v).map_or(Yaml::Float(v as f64), Yaml::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Yaml, E> {
        Ok(Yaml::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Yaml, E> {
        Ok(Yaml::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Yaml, E> {
        Ok(Yaml::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Yaml, E> {
        Ok(Yaml::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_none<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }
    fn visit_unit<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        Yaml::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        Yaml::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Yaml::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Yaml, Yaml>()? {
            entries.push((key_text(&k), v));
        }
        Ok(Yaml::Map(entries))
    }
}

fn key_text(key: &Yaml) -> String {
    key.as_text().unwrap_or_else(|| key.kind().to_string())
}

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YamlVisitor)
    }
}

/// One property as written: its key, value and the 1-based line of its value within the
/// YAML text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RawProperty {
    pub key: String,
    #[serde(with = "yaml_cache")]
    pub value: Yaml,
    pub line: usize,
}

/// Serde for a [`Yaml`] value in kith's own cache (a binary format that cannot read
/// self-describing data the way [`Yaml`]'s own `Deserialize` does for YAML text).
mod yaml_cache {
    use super::Yaml;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum Repr {
        Null,
        Bool(bool),
        Int(i64),
        Float(f64),
        Str(String),
        Seq(Vec<Repr>),
        Map(Vec<(String, Repr)>),
    }

    fn to_repr(y: &Yaml) -> Repr {
        match y {
            Yaml::Null => Repr::Null,
            Yaml::Bool(b) => Repr::Bool(*b),
            Yaml::Int(i) => Repr::Int(*i),
            Yaml::Float(f) => Repr::Float(*f),
            Yaml::Str(s) => Repr::Str(s.clone()),
            Yaml::Seq(v) => Repr::Seq(v.iter().map(to_repr).collect()),
            Yaml::Map(m) => Repr::Map(m.iter().map(|(k, v)| (k.clone(), to_repr(v))).collect()),
        }
    }

    fn from_repr(r: Repr) -> Yaml {
        match r {
            Repr::Null => Yaml::Null,
            Repr::Bool(b) => Yaml::Bool(b),
            Repr::Int(i) => Yaml::Int(i),
            Repr::Float(f) => Yaml::Float(f),
            Repr::Str(s) => Yaml::Str(s),
            Repr::Seq(v) => Yaml::Seq(v.into_iter().map(from_repr).collect()),
            Repr::Map(m) => Yaml::Map(m.into_iter().map(|(k, v)| (k, from_repr(v))).collect()),
        }
    }

    pub fn serialize<S: Serializer>(y: &Yaml, s: S) -> Result<S::Ok, S::Error> {
        to_repr(y).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Yaml, D::Error> {
        Repr::deserialize(d).map(from_repr)
    }
}

/// The top level of a front-matter block: a mapping of properties, in order.
struct TopLevel(Vec<RawProperty>);

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping of properties")
    }
    fn visit_unit<E>(self) -> Result<TopLevel, E> {
        Ok(TopLevel(Vec::new()))
    }
    fn visit_none<E>(self) -> Result<TopLevel, E> {
        Ok(TopLevel(Vec::new()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut props = Vec::new();
        while let Some(key) = map.next_key::<Yaml>()? {
            let value: Yaml = map.next_value()?;
            props.push(RawProperty {
                key: key_text(&key),
                line: 0,
                value,
            });
        }
        Ok(TopLevel(props))
    }
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopLevelVisitor)
    }
}

/// The top-level keys of a YAML block and their 1-based lines: a line that starts at column
/// 0 with `key:` (or a quoted key). Cheaper than asking the parser for spans.
fn key_lines(yaml: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let Some(first) = line.chars().next() else {
            continue;
        };
        if first.is_whitespace() || matches!(first, '#' | '-' | '?' | ':') {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        let key = line[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
        out.push((key, i + 1));
    }
    out
}

/// Why a front-matter block could not be read: a message and the 1-based line within the
/// YAML text, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 16;
    budget.max_aliases = 100;
    budget.max_anchors = 100;
    budget.max_nodes = 10_000;
    budget.max_events = 50_000;
    budget.max_total_scalar_bytes = 2 * MAX_FRONT_MATTER_BYTES;
    budget.max_recorded_anchor_events = 10_000;
    budget.max_recorded_anchor_bytes = 2 * MAX_FRONT_MATTER_BYTES;
    budget.max_documents = 1;
    budget.max_merge_keys = 100;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 10_000;
    options.alias_limits.max_replay_stack_depth = 16;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    options.strict_booleans = true;
    // `1e999` is read as text rather than refusing the whole block.
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::AsString;
    options.with_snippet = false;
    options
}

/// A plain or quoted scalar of the simple subset, or `None` when it needs the full parser.
fn simple_scalar(text: &str) -> Option<Yaml> {
    // Only plain printable text: control characters and Unicode line breaks or spaces are
    // the full parser's to judge.
    if text
        .chars()
        .any(|c| c.is_control() || (c.is_whitespace() && c != ' '))
    {
        return None;
    }
    let t = text.trim_matches(' ');
    if t.is_empty() {
        return Some(Yaml::Null);
    }
    if let Some(inner) = t.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        if inner.contains(['"', '\\']) {
            return None;
        }
        return Some(Yaml::Str(inner.to_string()));
    }
    if let Some(inner) = t.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        if inner.replace("''", "").contains('\'') {
            return None;
        }
        return Some(Yaml::Str(inner.replace("''", "'")));
    }
    // A comment after a plain scalar.
    let t = match t.find(" #") {
        Some(i) => t[..i].trim_end(),
        None => t,
    };
    if t.contains(": ") || t.ends_with(':') || t.contains('\t') || t.contains(" #") {
        return None;
    }
    match t {
        "true" => return Some(Yaml::Bool(true)),
        "false" => return Some(Yaml::Bool(false)),
        "null" | "~" => return Some(Yaml::Null),
        _ => {}
    }
    // Other spellings of booleans and nulls (YAML 1.1's yes/no/on/off, True, NULL): the full
    // parser decides. Only short words can be one.
    let lower = if t.len() <= 5 {
        t.to_ascii_lowercase()
    } else {
        String::new()
    };
    if matches!(
        lower.as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) {
        return None;
    }
    let first = t.chars().next()?;
    if first.is_ascii_digit() {
        let b = t.as_bytes();
        if b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || b[0] != b'0') && b.len() < 19 {
            return t.parse().ok().map(Yaml::Int);
        }
        let is_date = |b: &[u8]| {
            b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        };
        // A date, or text after a leading number or date (`2019-11-25 joined`,
        // `10 Downing Street`), is text; any other number form needs the full parser.
        let head = t.split(' ').next().unwrap_or(t).as_bytes();
        let text_after_number =
            t.contains(' ') && (head.iter().all(u8::is_ascii_digit) || is_date(head));
        return (is_date(b) || text_after_number).then(|| Yaml::Str(t.to_string()));
    }
    if "!&*|>%@`{}[],#?-+.'\":".contains(first) {
        return None;
    }
    Some(Yaml::Str(t.to_string()))
}

/// A flow sequence of simple scalars on one line: `[a, "b c", 'd']`.
fn simple_flow_seq(text: &str) -> Option<Yaml> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    if inner.contains(['[', ']', '{', '}']) {
        return None;
    }
    if inner.trim().is_empty() {
        return Some(Yaml::Seq(Vec::new()));
    }
    let mut items = Vec::new();
    let mut rest = inner;
    loop {
        let t = rest.trim_start();
        let (item, after) = if let Some(q) = t.strip_prefix(['"', '\'']) {
            let quote = t.chars().next()?;
            let close = q.find(quote)?;
            (&t[..close + 2], &q[close + 1..])
        } else {
            match t.find(',') {
                Some(i) => (&t[..i], &t[i..]),
                None => (t, ""),
            }
        };
        let value = simple_scalar(item)?;
        if value == Yaml::Null {
            return None;
        }
        items.push(value);
        let after = after.trim_start();
        if after.is_empty() {
            break;
        }
        rest = after.strip_prefix(',')?;
        if rest.trim().is_empty() {
            break;
        }
    }
    Some(Yaml::Seq(items))
}

/// Reads the simple front-matter most notes have (`key: scalar`, `key: [a, b]`, and block
/// lists of scalars) without the full YAML parser, with each key's line. Anything else —
/// anchors, aliases, tags, block scalars, nested mappings, escapes — returns `None`, and the
/// full, budgeted parser reads the block instead.
fn parse_simple(yaml: &str) -> Option<Vec<RawProperty>> {
    if yaml.chars().any(|c| {
        ((c.is_control() || c.is_whitespace()) && !matches!(c, ' ' | '\n' | '\r'))
            || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
    }) {
        return None;
    }
    // A lone carriage return is a line break to YAML; leave such text to the full parser.
    let bytes = yaml.as_bytes();
    if memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n')) {
        return None;
    }
    let lines: Vec<&str> = yaml.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut props: Vec<RawProperty> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        if line.starts_with([' ', '\t']) || line.starts_with("---") || line.starts_with("...") {
            return None;
        }
        let colon = line.find(':')?;
        let key = &line[..colon];
        let key_ok = key
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'))
            && !key.ends_with(' ');
        let rest = &line[colon + 1..];
        if !key_ok || !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let value_text = rest.trim();
        let key_line = i + 1;
        i += 1;
        let value = if value_text.is_empty() || value_text.starts_with('#') {
            // A block list may follow, indented or not.
            let mut items = Vec::new();
            let mut indent: Option<usize> = None;
            while i < lines.len() {
                let l = lines[i];
                let t = l.trim();
                if t.is_empty() || t.starts_with('#') {
                    i += 1;
                    continue;
                }
                let lead = l.len() - l.trim_start_matches(' ').len();
                if l[lead..].starts_with('\t') {
                    return None;
                }
                let item = if t == "-" {
                    ""
                } else if let Some(item) = t.strip_prefix("- ") {
                    item
                } else if lead == 0 {
                    break;
                } else {
                    return None;
                };
                if *indent.get_or_insert(lead) != lead {
                    return None;
                }
                let value = if item.trim_start().starts_with('[') {
                    simple_flow_seq(item)?
                } else {
                    simple_scalar(item)?
                };
                if matches!(value, Yaml::Seq(_)) || item.trim_start().starts_with("- ") {
                    return None;
                }
                items.push(value);
                i += 1;
            }
            if items.is_empty() {
                Yaml::Null
            } else {
                Yaml::Seq(items)
            }
        } else if value_text.starts_with('[') {
            simple_flow_seq(value_text)?
        } else {
            let v = simple_scalar(value_text)?;
            // A plain scalar continued on indented lines needs the full parser.
            if lines
                .get(i)
                .is_some_and(|l| l.starts_with([' ', '\t']) && !l.trim().is_empty())
            {
                return None;
            }
            v
        };
        props.push(RawProperty {
            key: key.to_string(),
            value,
            line: key_line,
        });
    }
    Some(props)
}

/// Keeps the last property of each key (as the YAML reader's last-wins rule does).
fn last_wins(mut props: Vec<RawProperty>) -> Vec<RawProperty> {
    let mut keys: Vec<&str> = props.iter().map(|p| p.key.as_str()).collect();
    keys.sort_unstable();
    if keys.windows(2).all(|w| w[0] != w[1]) {
        return props;
    }
    let mut seen = std::collections::HashSet::new();
    props.reverse();
    props.retain(|p| seen.insert(p.key.clone()));
    props.reverse();
    props
}

/// The properties of a note's text (BOM stripped), their lines counted in the whole file;
/// none when the front-matter is missing, unclosed or not valid YAML (reading the note
/// reports those).
pub fn properties_of(text: &str) -> Vec<RawProperty> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Split::Closed { yaml, .. } = split(text) else {
        return Vec::new();
    };
    let mut props = parse_yaml(yaml).unwrap_or_default();
    for p in &mut props {
        p.line += 1; // the YAML starts on the file's second line
    }
    props
}

/// Parses a front-matter block's YAML into its properties, in order.
pub fn parse_yaml(yaml: &str) -> Result<Vec<RawProperty>, YamlError> {
    if yaml.len() <= MAX_FRONT_MATTER_BYTES
        && let Some(props) = parse_simple(yaml)
    {
        return Ok(last_wins(props));
    }
    parse_yaml_full(yaml)
}

/// Parses a front-matter block with the full, budgeted YAML parser.
pub fn parse_yaml_full(yaml: &str) -> Result<Vec<RawProperty>, YamlError> {
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        return Err(YamlError {
            message: format!(
                "front-matter is larger than {} KiB; its properties were ignored",
                MAX_FRONT_MATTER_BYTES / 1024
            ),
            line: None,
        });
    }
    if yaml.trim().is_empty() {
        return Ok(Vec::new());
    }
    match serde_saphyr::from_str_with_options::<TopLevel>(yaml, options()) {
        Ok(TopLevel(props)) => {
            let mut props = last_wins(props);
            let lines = key_lines(yaml);
            for p in &mut props {
                p.line = lines
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == p.key)
                    .map_or(1, |(_, line)| *line);
            }
            Ok(props)
        }
        Err(err) => {
            let line = err
                .location()
                .and_then(|l| usize::try_from(l.line()).ok())
                .filter(|&l| l > 0);
            let text = err.to_string();
            let first = text.lines().next().unwrap_or("invalid YAML").trim();
            // The parser's own positions count from the block, not the file: the problem's
            // line says where it is.
            let first = first.split(" at line ").next().unwrap_or(first).trim();
            Err(YamlError {
                message: format!("front-matter is not valid YAML: {first}"),
                line,
            })
        }
    }
}

/// A birthday: the year may be unknown (`--07-14` or `07-14`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Birthday {
    pub year: Option<i16>,
    pub month: i8,
    pub day: i8,
}

/// Parses a birthday property value.
pub fn parse_birthday(text: &str) -> Result<Birthday, String> {
    let t = text.trim();
    let bad =
        || format!("`{t}` is not a birthday (use YYYY-MM-DD, or --MM-DD when the year is unknown)");
    match parse_date(t) {
        Ok(d) => {
            return Ok(Birthday {
                year: Some(d.year()),
                month: d.month(),
                day: d.day(),
            });
        }
        Err(DateError::Impossible) => return Err(format!("`{t}` is not a real date")),
        Err(DateError::NotADate) => {}
    }
    let md = t.strip_prefix("--").unwrap_or(t);
    let b = md.as_bytes();
    if b.len() != 5 || b[2] != b'-' || !b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let month: i8 = md[..2].parse().map_err(|_| bad())?;
    let day: i8 = md[3..].parse().map_err(|_| bad())?;
    // 2000 is a leap year, so 29 February is accepted when the year is unknown.
    Date::new(2000, month, day).map_err(|_| format!("`{t}` is not a real day of the year"))?;
    Ok(Birthday {
        year: None,
        month,
        day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let text = "---\nname: Ada\n---\nbody\n";
        assert_eq!(
            split(text),
            Split::Closed {
                yaml: "name: Ada\n",
                body_offset: 18
            }
        );
        assert_eq!(&text[18..], "body\n");
        let crlf = "---\r\nname: Ada\r\n...\r\nbody";
        assert_eq!(
            split(crlf),
            Split::Closed {
                yaml: "name: Ada\r\n",
                body_offset: 21
            }
        );
        assert_eq!(split("---\nname: Ada\n"), Split::Unclosed);
        assert_eq!(split("---"), Split::None);
        assert_eq!(split("# Title\n---\n"), Split::None);
        assert_eq!(
            split("---\n---"),
            Split::Closed {
                yaml: "",
                body_offset: 7
            }
        );
        assert_eq!(split(""), Split::None);
    }

    #[test]
    fn parses_properties_in_order_with_lines() {
        let props = parse_yaml("name: Ada\ntags:\n  - person\n  - rust\nage: 36\n").expect("yaml");
        let keys: Vec<_> = props.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["name", "tags", "age"]);
        assert_eq!(props[0].value, Yaml::Str("Ada".into()));
        assert_eq!(props[0].line, 1);
        assert_eq!(
            props[1].value,
            Yaml::Seq(vec![Yaml::Str("person".into()), Yaml::Str("rust".into())])
        );
        assert_eq!(props[2].value, Yaml::Int(36));
        assert_eq!(props[2].line, 5);
    }

    #[test]
    fn dates_stay_text_and_yes_stays_text() {
        let props = parse_yaml("birthday: 1990-05-01\nanswer: yes\nempty:\n").expect("yaml");
        assert_eq!(props[0].value, Yaml::Str("1990-05-01".into()));
        assert_eq!(props[1].value, Yaml::Str("yes".into()));
        assert_eq!(props[2].value, Yaml::Null);
    }

    #[test]
    fn rejects_invalid_yaml_with_a_line() {
        let err = parse_yaml("name: Ada\ntags: [a, b\nx: y\n").expect_err("invalid");
        assert!(err.message.starts_with("front-matter is not valid YAML"));
        assert!(err.line.is_some());
        assert!(parse_yaml("- a\n- b\n").is_err(), "a list is not a mapping");
        assert!(parse_yaml("just text").is_err());
    }

    #[test]
    fn refuses_alias_bombs_and_deep_nesting() {
        let bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n\
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n\
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n\
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n\
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
        assert!(parse_yaml(bomb).is_err());
        let deep = format!("a: {}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(parse_yaml(&deep).is_err());
        let block: String = (0..3000)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect();
        assert!(parse_yaml(&format!("a:\n{block}")).is_err());
    }

    #[test]
    fn simple_reader_agrees_with_the_full_parser() {
        let cases = [
            "name: Ada Lovelace\ntier: A\n",
            "tags: [person, rust, \"data eng\"]\ninterests:\n  - compilers\n  - 'poetry'\n",
            "birthday: 1815-12-10\nage: 36\nactive: true\nempty:\nnothing: null\n",
            "aliases:\n- Ada\n- Countess\nrole: Mathematician # a comment\n",
            "milestones:\n  - \"2019-11-25 joined Stripe\"\n  - 2021-03-01 promoted\n",
            "# comment\n\nname: 'O''Brien'\ncompany: Acme, Inc.\n",
            "tags: []\nlist:\n  -\n  - x\n",
            "name: Zoë Ångström\nlocation: Malmö\n",
        ];
        for yaml in cases {
            let fast = parse_simple(yaml).map(last_wins);
            assert!(fast.is_some(), "simple reader refused: {yaml:?}");
            assert_eq!(fast, parse_yaml_full(yaml).ok(), "{yaml:?}");
        }
        // Outside the subset: the simple reader steps aside.
        for yaml in [
            "a: &x 1\nb: *x\n",
            "a: |\n  text\n",
            "a:\n  b: 1\n",
            "a: \"esc\\n\"\n",
            "a: 0755\n",
            "a: 1.5\n",
            "a: -3\n",
            "a: yes\n",
            "a: True\n",
            "a: 2026-11-20T10:30\n",
            "a: long\n  continued\n",
            "a: b: c\n",
            "a: {x: 1}\n",
        ] {
            assert!(parse_simple(yaml).is_none(), "{yaml:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Wherever the simple reader answers, it answers what the full parser does.
        #[test]
        fn simple_reader_never_disagrees(
            lines in proptest::collection::vec(
                proptest::prelude::prop_oneof![
                    "[a-z_]{1,8}: [A-Za-z0-9 ,.'\"#:-]{0,16}",
                    "[a-z_]{1,8}: \\[[a-z0-9 ,'\"]{0,16}\\]",
                    "[a-z_]{1,8}:",
                    " {0,3}- [A-Za-z0-9 ,.'\"#:\\[\\]-]{0,16}",
                    "# [a-z ]{0,10}",
                    "",
                    "[a-z]{1,4}: (true|false|null|~|yes|No|0|007|12|-1|1.5|2026-02-30|2026-11-20)",
                ],
                0..8,
            )
        ) {
            let yaml = lines.join("\n") + "\n";
            if let Some(fast) = parse_simple(&yaml) {
                let full = parse_yaml_full(&yaml);
                proptest::prop_assert_eq!(Some(last_wins(fast)), full.ok(), "{:?}", yaml);
            }
        }
    }

    #[test]
    fn birthdays_with_and_without_year() {
        assert_eq!(
            parse_birthday("1988-02-29"),
            Ok(Birthday {
                year: Some(1988),
                month: 2,
                day: 29
            })
        );
        assert_eq!(
            parse_birthday("--07-14"),
            Ok(Birthday {
                year: None,
                month: 7,
                day: 14
            })
        );
        assert_eq!(
            parse_birthday("02-29"),
            Ok(Birthday {
                year: None,
                month: 2,
                day: 29
            })
        );
        assert!(parse_birthday("1987-02-29").is_err());
        assert!(parse_birthday("--13-01").is_err());
        assert!(parse_birthday("July 14").is_err());
    }
}
