//! Pasted JSON read into a tree that keeps where every value starts, in one of two dialects.
//!
//! [`Dialect::Python`] is how the AWS CLI reads `--cors-configuration`: Python's `json`
//! module (`json.loads`, spec §2.2). What it accepts and refuses, and its messages, follow
//! CPython's `Lib/json/decoder.py`, `Lib/json/scanner.py` and its C scanner:
//! * whitespace is only space, tab, line feed and carriage return;
//! * strings refuse raw control characters (`strict=True` is the default): "Invalid control
//!   character at";
//! * escapes are `\" \\ \/ \b \f \n \r \t \uXXXX`, a surrogate pair combined into one
//!   character;
//! * numbers follow `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`, and `NaN`, `Infinity` and
//!   `-Infinity` are read too (`parse_constant`'s default);
//! * a repeated key is kept as written here; the reader of the tree keeps the last value, as a
//!   Python `dict` does;
//! * messages are CPython's ("Expecting ',' delimiter", "Illegal trailing comma before end of
//!   array", "Extra data", …), placed at the byte where Python stops.
//!
//! One departure: a lone surrogate escape (`"\ud800"`) is refused, since Python reads it but
//! botocore cannot then encode the request, and a Rust string cannot hold it.
//!
//! [`Dialect::Lenient`] is for the configurations people copy from consoles, templates and
//! docs (API Gateway, CloudFront, Lambda URL): the same JSON, plus `//` and `/* */` comments
//! and trailing commas, and without Python's `NaN` and `Infinity`. Its messages are the same.
//!
//! Containers nest at most [`MAX_DEPTH`] deep, checked as they open, so the recursive descent
//! never goes deeper than that whatever the input.

use std::borrow::Cow;

/// Deeper than any shape cors-sim reads (a CloudFormation template is 8 levels deep) by a wide
/// margin.
pub const MAX_DEPTH: usize = 64;

/// Which JSON a text is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Python's `json.loads`, as the AWS CLI reads S3 configurations.
    Python,
    /// JSON with comments and trailing commas, as pasted from consoles and templates.
    Lenient,
}

/// Where and why the text is not JSON.
#[derive(Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// CPython's message, or cors-sim's for the two limits.
    pub message: String,
    /// The byte where reading stopped.
    pub offset: usize,
}

/// A JSON value and the byte offset where it starts.
#[derive(Debug)]
pub enum Value<'a> {
    Object(Object<'a>),
    Array(Array<'a>),
    StringLit(StringLit<'a>),
    NumberLit(NumberLit<'a>),
    BooleanLit(BooleanLit),
    NullKeyword(NullKeyword),
}

impl Value<'_> {
    /// The byte offset of the value's first character.
    pub fn start(&self) -> usize {
        match self {
            Value::Object(v) => v.start,
            Value::Array(v) => v.start,
            Value::StringLit(v) => v.start,
            Value::NumberLit(v) => v.start,
            Value::BooleanLit(v) => v.start,
            Value::NullKeyword(v) => v.start,
        }
    }
}

/// `{...}`: its members in the order written, repeated keys included.
#[derive(Debug)]
pub struct Object<'a> {
    pub start: usize,
    pub properties: Vec<Property<'a>>,
}

/// One `"name": value` member.
#[derive(Debug)]
pub struct Property<'a> {
    pub name: Cow<'a, str>,
    /// Where the key's opening quote is.
    pub name_start: usize,
    pub value: Value<'a>,
}

/// `[...]`.
#[derive(Debug)]
pub struct Array<'a> {
    pub start: usize,
    pub elements: Vec<Value<'a>>,
}

/// A string, borrowed from the text unless it has escapes.
#[derive(Debug)]
pub struct StringLit<'a> {
    pub start: usize,
    pub value: Cow<'a, str>,
}

/// A number as written (`NaN`, `Infinity` and `-Infinity` included).
#[derive(Debug)]
pub struct NumberLit<'a> {
    pub start: usize,
    pub value: &'a str,
}

/// `true` or `false`.
#[derive(Debug)]
pub struct BooleanLit {
    pub start: usize,
    pub value: bool,
}

/// `null`.
#[derive(Debug)]
pub struct NullKeyword {
    pub start: usize,
}

/// Reads the one JSON value `text` holds.
pub fn parse(text: &str, dialect: Dialect) -> Result<Value<'_>, SyntaxError> {
    if text.starts_with('\u{feff}') {
        return Err(SyntaxError {
            message: "Unexpected UTF-8 BOM (decode using utf-8-sig)".to_owned(),
            offset: 0,
        });
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        dialect,
    };
    let value = reader.value()?;
    reader.skip_whitespace()?;
    if reader.pos < reader.bytes.len() {
        return Err(reader.error("Extra data", reader.pos));
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    dialect: Dialect,
}

impl<'a> Reader<'a> {
    fn error(&self, message: &str, offset: usize) -> SyntaxError {
        SyntaxError {
            message: message.to_owned(),
            offset,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// JSON's four whitespace characters, and nothing else (`json.decoder.WHITESPACE`); in the
    /// lenient dialect, comments too.
    fn skip_whitespace(&mut self) -> Result<(), SyntaxError> {
        loop {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
                self.pos += 1;
            }
            if self.dialect != Dialect::Lenient
                || self.peek() != Some(b'/')
                || !self.skip_comment()?
            {
                return Ok(());
            }
        }
    }

    /// Skips the `//` or `/* */` comment at the reader's position; `false` when the `/` starts
    /// none. Kept out of the whitespace loop, which runs between every two tokens.
    #[inline(never)]
    fn skip_comment(&mut self) -> Result<bool, SyntaxError> {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(b"//") {
            self.pos += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        } else if rest.starts_with(b"/*") {
            let end = memchr::memmem::find(&rest[2..], b"*/")
                .ok_or_else(|| self.error("Unterminated comment starting at", self.pos))?;
            self.pos += 2 + end + 2;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// After a comma, whether the container closes at once: a trailing comma, refused with
    /// Python's message (3.13's; earlier versions said "Expecting value" or "Expecting
    /// property name enclosed in double quotes") or let through in the lenient dialect.
    fn trailing_comma(&self, close: u8, comma: usize) -> Result<bool, SyntaxError> {
        if self.peek() != Some(close) {
            return Ok(false);
        }
        match self.dialect {
            Dialect::Lenient => Ok(true),
            Dialect::Python if close == b']' => {
                Err(self.error("Illegal trailing comma before end of array", comma))
            }
            Dialect::Python => {
                Err(self.error("Illegal trailing comma before end of object", comma))
            }
        }
    }

    fn value(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.skip_whitespace()?;
        let start = self.pos;
        let rest = &self.bytes[start..];
        match self.peek() {
            Some(b'{') => self.object(start).map(Value::Object),
            Some(b'[') => self.array(start).map(Value::Array),
            Some(b'"') => Ok(Value::StringLit(StringLit {
                start,
                value: self.string()?,
            })),
            Some(b'-' | b'0'..=b'9') => self.number(start),
            _ if rest.starts_with(b"true") => self.keyword(4, |start| {
                Value::BooleanLit(BooleanLit { start, value: true })
            }),
            _ if rest.starts_with(b"false") => self.keyword(5, |start| {
                Value::BooleanLit(BooleanLit {
                    start,
                    value: false,
                })
            }),
            _ if rest.starts_with(b"null") => {
                self.keyword(4, |start| Value::NullKeyword(NullKeyword { start }))
            }
            _ if self.dialect == Dialect::Python && rest.starts_with(b"NaN") => self.constant(3),
            _ if self.dialect == Dialect::Python && rest.starts_with(b"Infinity") => {
                self.constant(8)
            }
            _ => Err(self.error("Expecting value", start)),
        }
    }

    fn keyword(
        &mut self,
        len: usize,
        make: impl FnOnce(usize) -> Value<'a>,
    ) -> Result<Value<'a>, SyntaxError> {
        let start = self.pos;
        self.pos += len;
        Ok(make(start))
    }

    /// `NaN`, `Infinity` or `-Infinity`, which Python reads as floats.
    fn constant(&mut self, len: usize) -> Result<Value<'a>, SyntaxError> {
        let start = self.pos;
        self.pos += len;
        Ok(Value::NumberLit(NumberLit {
            start,
            value: &self.text[start..self.pos],
        }))
    }

    /// Opens the container at `start`, refusing one deeper than [`MAX_DEPTH`]; `true` when it
    /// closes at once (`{}`, `[]`).
    fn open(&mut self, start: usize, close: u8) -> Result<bool, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                &format!("the JSON nests deeper than {MAX_DEPTH} levels; no CORS configuration shape is that deep"),
                start,
            ));
        }
        self.pos += 1;
        self.skip_whitespace()?;
        if self.peek() != Some(close) {
            return Ok(false);
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(true)
    }

    /// After a member or element: `true` when the container closes, `false` after the comma
    /// before the next one.
    fn next_member(&mut self, close: u8) -> Result<bool, SyntaxError> {
        self.skip_whitespace()?;
        match self.peek() {
            Some(b) if b == close => {}
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_whitespace()?;
                if !self.trailing_comma(close, comma)? {
                    return Ok(false);
                }
            }
            _ => return Err(self.error("Expecting ',' delimiter", self.pos)),
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(true)
    }

    fn object(&mut self, start: usize) -> Result<Object<'a>, SyntaxError> {
        let mut properties = Vec::new();
        if self.open(start, b'}')? {
            return Ok(Object { start, properties });
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.error(
                    "Expecting property name enclosed in double quotes",
                    self.pos,
                ));
            }
            let name_start = self.pos;
            let name = self.string()?;
            self.skip_whitespace()?;
            if self.peek() != Some(b':') {
                return Err(self.error("Expecting ':' delimiter", self.pos));
            }
            self.pos += 1;
            let value = self.value()?;
            properties.push(Property {
                name,
                name_start,
                value,
            });
            if self.next_member(b'}')? {
                return Ok(Object { start, properties });
            }
        }
    }

    fn array(&mut self, start: usize) -> Result<Array<'a>, SyntaxError> {
        let mut elements = Vec::new();
        if self.open(start, b']')? {
            return Ok(Array { start, elements });
        }
        loop {
            elements.push(self.value()?);
            if self.next_member(b']')? {
                return Ok(Array { start, elements });
            }
        }
    }

    /// `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?` (`json.scanner.NUMBER_RE`), or `-Infinity`.
    fn number(&mut self, start: usize) -> Result<Value<'a>, SyntaxError> {
        let digits = |bytes: &[u8], from: usize| {
            bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let bytes = self.bytes;
        let mut end = start;
        if bytes[end] == b'-' {
            end += 1;
            if self.dialect == Dialect::Python && bytes[end..].starts_with(b"Infinity") {
                self.pos = end + 8;
                return Ok(Value::NumberLit(NumberLit {
                    start,
                    value: &self.text[start..self.pos],
                }));
            }
        }
        match bytes.get(end) {
            Some(b'0') => end += 1,
            Some(b'1'..=b'9') => end += digits(bytes, end),
            _ => return Err(self.error("Expecting value", start)),
        }
        if bytes.get(end) == Some(&b'.') && digits(bytes, end + 1) > 0 {
            end += 1 + digits(bytes, end + 1);
        }
        if let Some(b'e' | b'E') = bytes.get(end) {
            let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
            let exponent = digits(bytes, end + 1 + sign);
            if exponent > 0 {
                end += 1 + sign + exponent;
            }
        }
        self.pos = end;
        Ok(Value::NumberLit(NumberLit {
            start,
            value: &self.text[start..end],
        }))
    }

    /// A string from its opening quote (`json.decoder.py_scanstring`).
    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        let quote = self.pos;
        let content = quote + 1;
        let bytes = self.bytes;
        let mut i = content;
        // Most strings have no escape: they are the text's own slice.
        loop {
            match bytes.get(i) {
                None => return Err(self.error("Unterminated string starting at", quote)),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(&self.text[content..i]));
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return Err(self.error("Invalid control character at", i)),
                Some(_) => i += 1,
            }
        }
        let mut out = String::with_capacity(i - content + 16);
        out.push_str(&self.text[content..i]);
        loop {
            match bytes.get(i) {
                None => return Err(self.error("Unterminated string starting at", quote)),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let escape = i;
                    let decoded = match bytes.get(i + 1) {
                        None => return Err(self.error("Unterminated string starting at", quote)),
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let (c, len) = self.unicode_escape(escape)?;
                            i += len;
                            out.push(c);
                            continue;
                        }
                        Some(_) => return Err(self.error("Invalid \\escape", escape)),
                    };
                    out.push(decoded);
                    i += 2;
                }
                Some(&b) if b < 0x20 => return Err(self.error("Invalid control character at", i)),
                Some(_) => {
                    // Copy the run up to the next quote, backslash or control character.
                    let run = bytes[i..]
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .unwrap_or(bytes.len() - i);
                    out.push_str(&self.text[i..i + run]);
                    i += run;
                }
            }
        }
    }

    /// `\uXXXX` at `escape`, with the low half of a surrogate pair when one follows; returns
    /// the character and how many bytes the escape(s) took.
    fn unicode_escape(&self, escape: usize) -> Result<(char, usize), SyntaxError> {
        let hex = |at: usize| -> Option<u32> {
            let digits = self.bytes.get(at..at + 4)?;
            if !digits.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
        };
        // Python places this error at the `u`.
        let invalid = || self.error("Invalid \\uXXXX escape", escape + 1);
        let high = hex(escape + 2).ok_or_else(invalid)?;
        let lone = || {
            self.error(
                "a lone surrogate escape: Python reads it, but botocore cannot encode it in the request",
                escape,
            )
        };
        match high {
            0xD800..=0xDBFF => {
                let next = escape + 6;
                if self.bytes.get(next..next + 2) != Some(b"\\u") {
                    return Err(lone());
                }
                let low =
                    hex(next + 2).ok_or_else(|| self.error("Invalid \\uXXXX escape", next + 1))?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(lone());
                }
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                Ok((char::from_u32(c).ok_or_else(invalid)?, 12))
            }
            0xDC00..=0xDFFF => Err(lone()),
            c => Ok((char::from_u32(c).ok_or_else(invalid)?, 6)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> (String, usize) {
        let e = parse(text, Dialect::Python).unwrap_err();
        (e.message, e.offset)
    }

    fn string(text: &str) -> String {
        match parse(text, Dialect::Python).unwrap() {
            Value::StringLit(s) => s.value.into_owned(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_keep_their_starts() {
        let text = " {\"a\": [1, -2.5e+3, \"x\", true, false, null], \"b\": {}}";
        let Value::Object(obj) = parse(text, Dialect::Python).unwrap() else {
            panic!()
        };
        assert_eq!(obj.start, 1);
        assert_eq!(obj.properties[0].name, "a");
        assert_eq!(obj.properties[0].name_start, 2);
        let Value::Array(list) = &obj.properties[0].value else {
            panic!()
        };
        let starts: Vec<usize> = list.elements.iter().map(Value::start).collect();
        assert_eq!(starts, [8, 11, 20, 25, 31, 38]);
        assert!(matches!(&list.elements[1], Value::NumberLit(n) if n.value == "-2.5e+3"));
        assert!(matches!(&list.elements[4], Value::BooleanLit(b) if !b.value));
        assert_eq!(obj.properties[1].value.start(), 50);
    }

    #[test]
    fn strings_decode_escapes_and_pairs() {
        assert_eq!(string(r#""plain""#), "plain");
        assert_eq!(
            string(r#""a\"b\\c\/d\b\f\n\r\t""#),
            "a\"b\\c/d\u{8}\u{c}\n\r\t"
        );
        assert_eq!(string(r#""\u00e9t\u00C9 \ud83d\ude00""#), "étÉ 😀");
        assert_eq!(string("\"caf\u{e9} \\n\""), "caf\u{e9} \n");
    }

    #[test]
    fn python_constants_are_numbers() {
        for text in ["NaN", "Infinity", "-Infinity"] {
            assert!(
                matches!(parse(text, Dialect::Python).unwrap(), Value::NumberLit(n) if n.value == text),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_are_cpythons_at_the_place_python_stops() {
        let cases: [(&str, &str, usize); 23] = [
            ("", "Expecting value", 0),
            ("  ", "Expecting value", 2),
            ("[1 2]", "Expecting ',' delimiter", 3),
            ("[1,]", "Illegal trailing comma before end of array", 2),
            (
                "{\"a\": 1,}",
                "Illegal trailing comma before end of object",
                7,
            ),
            ("{\"a\" 1}", "Expecting ':' delimiter", 5),
            (
                "{a: 1}",
                "Expecting property name enclosed in double quotes",
                1,
            ),
            ("{\"a\": 1 \"b\": 2}", "Expecting ',' delimiter", 8),
            ("[1] [2]", "Extra data", 4),
            ("\"abc", "Unterminated string starting at", 0),
            ("[\"a\tb\"]", "Invalid control character at", 3),
            ("\"\\x\"", "Invalid \\escape", 1),
            ("\"\\u12\"", "Invalid \\uXXXX escape", 2),
            ("[\"\\ud83d\\uZZZZ\"]", "Invalid \\uXXXX escape", 9),
            (
                "\u{feff}[]",
                "Unexpected UTF-8 BOM (decode using utf-8-sig)",
                0,
            ),
            ("{\"a\":1", "Expecting ',' delimiter", 6),
            ("[\"a\"\"b\"]", "Expecting ',' delimiter", 4),
            ("[1.]", "Expecting ',' delimiter", 2),
            ("\"a\\\"", "Unterminated string starting at", 0),
            ("[01]", "Expecting ',' delimiter", 2),
            ("[-]", "Expecting value", 1),
            ("[.5]", "Expecting value", 1),
            ("// comment\n{}", "Expecting value", 0),
        ];
        for (text, message, offset) in cases {
            assert_eq!(error(text), (message.to_owned(), offset), "{text:?}");
        }
    }

    #[test]
    fn only_jsons_four_whitespace_characters_separate_tokens() {
        assert!(parse(" \t\r\n[ 1 ,\n2 ]\r\n", Dialect::Python).is_ok());
        for text in ["\u{c}[]", "[\u{b}1]", "[1]\u{a0}", "\u{feff}[]"] {
            assert!(parse(text, Dialect::Python).is_err(), "{text:?}");
        }
    }

    #[test]
    fn accepts_exactly_what_another_strict_reader_accepts() {
        // serde_json reads RFC 8259 as Python does, apart from NaN and Infinity (left out of
        // the pieces below) and numbers beyond f64 (skipped): random texts from JSON's pieces
        // must be accepted or refused by both alike.
        let pieces = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            " ",
            "\n",
            "\t",
            "\r",
            "\u{c}",
            "\"",
            "\\",
            "a",
            "é",
            "0",
            "1",
            "-",
            "+",
            ".",
            "e",
            "E",
            "true",
            "false",
            "null",
            "tru",
            "\\u00e9",
            "\\ud83d",
            "\\ude00",
            "\\n",
            "\\x",
            "\u{1}",
            "\"k\"",
            "\"v\":",
            "[1, 2]",
            "{\"a\": [\"b\"]}",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap_or(0)
        };
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..200_000 {
            let len = 1 + next(10);
            let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            if matches!(&theirs, Err(e) if e.to_string().contains("out of range")) {
                continue;
            }
            assert_eq!(
                parse(&text, Dialect::Python).is_ok(),
                theirs.is_ok(),
                "{text:?}: {theirs:?}"
            );
            if theirs.is_ok() {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
        // Both outcomes were exercised many times.
        assert!(accepted > 1_000 && refused > 1_000, "{accepted} {refused}");
    }

    #[test]
    fn the_lenient_dialect_skips_comments_and_trailing_commas_only() {
        let text =
            "// a note\n{\"a\": [1, 2,], /* b */ \"b\": {\"c\": \"//not a comment\",},}\n// end";
        let Value::Object(obj) = parse(text, Dialect::Lenient).unwrap() else {
            panic!()
        };
        assert_eq!(obj.start, 10);
        assert_eq!(obj.properties.len(), 2);
        assert_eq!(obj.properties[1].name_start, 33);
        let Value::Object(b) = &obj.properties[1].value else {
            panic!()
        };
        assert!(
            matches!(&b.properties[0].value, Value::StringLit(s) if s.value == "//not a comment")
        );
        assert!(parse(text, Dialect::Python).is_err());
        let lenient_errors: [(&str, &str, usize); 5] = [
            ("[1] /* open", "Unterminated comment starting at", 4),
            ("[NaN]", "Expecting value", 1),
            ("[-Infinity]", "Expecting value", 1),
            ("[1,,]", "Expecting value", 3),
            (
                "{/ \"a\": 1}",
                "Expecting property name enclosed in double quotes",
                1,
            ),
        ];
        for (text, message, offset) in lenient_errors {
            let e = parse(text, Dialect::Lenient).unwrap_err();
            assert_eq!(
                (e.message.as_str(), e.offset),
                (message, offset),
                "{text:?}"
            );
        }
    }

    #[test]
    fn lone_surrogates_are_refused() {
        for text in [
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800x""#,
            r#""\ud800\u0041""#,
        ] {
            let (message, offset) = error(text);
            assert!(message.contains("lone surrogate"), "{text}: {message}");
            assert_eq!(offset, 1, "{text}");
        }
    }

    #[test]
    fn nesting_stops_at_the_limit_without_recursing_further() {
        let deep = "[".repeat(100_000);
        let (message, offset) = error(&deep);
        assert!(message.contains("nests deeper than 64"), "{message}");
        assert_eq!(offset, MAX_DEPTH);
        let inside = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&inside, Dialect::Python).is_ok());
        let objects = format!(
            "{}1{}",
            "{\"a\":".repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(error(&objects).1, 5 * MAX_DEPTH);
    }
}
