//! Bad input: the one kind of "wrong" that is an `Err`.
//!
//! A blocked request is a verdict in the [`Trace`](crate::Trace), and a lint finding is data
//! beside a value; only input we cannot use becomes an [`Error`], always with a place in the
//! text when there is one, and with the provider's own error code where the provider would
//! reject the same input (S3's `MalformedXML`, `InvalidRequest`, …).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A 1-based line and column in a pasted text (columns count characters, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Span {
    /// The line and column of byte offset `offset` in `text` (clamped to the text).
    pub fn at_offset(text: &str, offset: usize) -> Span {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Span {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value and where it was written in the pasted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it starts.
    pub span: Option<Span>,
}

/// The number of characters in UTF-8 `bytes`: those that do not continue a sequence.
fn char_count(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        bytes.len()
    } else {
        bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
    }
}

/// Turns byte offsets into spans and back. Parsers ask for a span per value of a 64 KB
/// document, almost always at increasing offsets, so the index counts on from its previous
/// answer (one pass over the text in all); only a step backwards searches the line starts,
/// which are found on first need, since most parses never step back.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    /// The last answer as (byte offset, 1-based line, 1-based column).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    /// An index over `text`; nothing is scanned until a span is asked for.
    pub fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex {
            text,
            line_starts: std::cell::OnceCell::new(),
            last: std::cell::Cell::new((0, 1, 1)),
        }
    }

    /// The byte offset where each line starts.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// The span of byte `offset` (clamped to the text and to a character boundary).
    pub fn span(&self, offset: usize) -> Span {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (last_offset, mut line, mut column) = self.last.get();
        if offset >= last_offset {
            // Forward: count the lines and characters between the previous answer and this one.
            let between = &self.text.as_bytes()[last_offset..offset];
            match memchr::memrchr(b'\n', between) {
                None => column += char_count(between),
                Some(last_newline) => {
                    // The steps are short, from one value to the next, with usually one line
                    // break: looking for another before the last is cheaper than counting.
                    let before = &between[..last_newline];
                    line += 1;
                    if memchr::memchr(b'\n', before).is_some() {
                        line += memchr::memchr_iter(b'\n', before).count();
                    }
                    column = 1 + char_count(&between[last_newline + 1..]);
                }
            }
        } else {
            let starts = self.line_starts();
            line = starts.partition_point(|&s| s <= offset).max(1);
            let line_start = starts.get(line - 1).copied().unwrap_or(0);
            column = self
                .text
                .get(line_start..offset)
                .map_or(0, |s| s.chars().count())
                + 1;
        }
        self.last.set((offset, line, column));
        Span {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of `span`, or `None` when the span is not in the text.
    pub fn offset(&self, span: Span) -> Option<usize> {
        let line_start = *self
            .line_starts()
            .get(usize::try_from(span.line).ok()?.checked_sub(1)?)?;
        let col = usize::try_from(span.column).ok()?.checked_sub(1)?;
        let line = &self.text[line_start..];
        let within = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
        Some(line_start + within)
    }

    /// The spaces and tabs that start the line holding `offset`.
    pub fn indent(&self, offset: usize) -> &'a str {
        let text = self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }
}

/// What kind of input was wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The text is not well-formed JSON or XML.
    Syntax,
    /// Well-formed, but the provider would reject it; `code` is the provider's own error code.
    Invalid {
        /// For S3: `MalformedXML`, `InvalidRequest`, …
        code: String,
    },
    /// The scenario (request, browser, server choice) cannot be simulated as written.
    Scenario,
    /// The input is larger than cors-sim accepts.
    TooLarge,
}

/// Input that cannot be used, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// A message a person can act on.
    pub message: String,
    /// Where in the text, when the text has a place for it.
    pub span: Option<Span>,
    /// Which text the span refers to: `config` or `scenario`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
}

impl Error {
    /// A syntax error at `span`.
    pub fn syntax(message: impl Into<String>, span: Option<Span>) -> Error {
        Error {
            kind: ErrorKind::Syntax,
            message: message.into(),
            span,
            input: None,
        }
    }

    /// A provider validation error with the provider's own code.
    pub fn invalid(code: &str, message: impl Into<String>, span: Option<Span>) -> Error {
        Error {
            kind: ErrorKind::Invalid { code: code.into() },
            message: message.into(),
            span,
            input: None,
        }
    }

    /// A scenario that cannot be simulated.
    pub fn scenario(message: impl Into<String>, span: Option<Span>) -> Error {
        Error {
            kind: ErrorKind::Scenario,
            message: message.into(),
            span,
            input: None,
        }
    }

    /// Input over a size limit.
    pub fn too_large(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::TooLarge,
            message: message.into(),
            span: None,
            input: None,
        }
    }

    /// Names the text the span refers to.
    pub fn in_input(mut self, input: &str) -> Error {
        self.input = Some(input.to_string());
        self
    }

    /// The provider error code, when the provider would reject this input.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Invalid { code } => Some(code),
            _ => None,
        }
    }

    /// A `serde_json` error, located.
    pub fn from_json(e: &serde_json::Error) -> Error {
        let span = (e.line() > 0).then(|| Span {
            line: u32::try_from(e.line()).unwrap_or(u32::MAX),
            // serde_json reports column 0 at the very start of a line; editors count from 1.
            column: u32::try_from(e.column().max(1)).unwrap_or(u32::MAX),
        });
        // serde_json appends " at line L column C"; the span carries that already.
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        let kind = if e.is_syntax() || e.is_eof() {
            ErrorKind::Syntax
        } else {
            ErrorKind::Scenario
        };
        Error {
            kind,
            message,
            span,
            input: None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(input) = &self.input {
            write!(f, "{input}")?;
            if self.span.is_some() {
                f.write_str(":")?;
            } else {
                f.write_str(": ")?;
            }
        }
        if let Some(span) = self.span {
            write!(f, "{span}: ")?;
        }
        if let ErrorKind::Invalid { code } = &self.kind {
            write!(f, "{code}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_lines_and_character_columns() {
        let text = "ab\ncé\nx";
        assert_eq!(Span::at_offset(text, 0), Span { line: 1, column: 1 });
        assert_eq!(Span::at_offset(text, 3), Span { line: 2, column: 1 });
        // 'é' is two bytes; the column after it is 3 characters in.
        assert_eq!(Span::at_offset(text, 6), Span { line: 2, column: 3 });
        assert_eq!(Span::at_offset(text, 999), Span { line: 3, column: 2 });
    }

    #[test]
    fn the_line_index_agrees_with_at_offset_both_ways() {
        let text = "a\n  é<x>\n\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            if text.is_char_boundary(offset) {
                let span = index.span(offset);
                assert_eq!(span, Span::at_offset(text, offset));
                assert_eq!(index.offset(span), Some(offset));
            }
        }
        // Backwards and jumping around, as error paths ask, give the same answers.
        for offset in (0..=text.len()).rev().chain([3, 0, 9, 2, 12]) {
            if text.is_char_boundary(offset) {
                assert_eq!(
                    index.span(offset),
                    Span::at_offset(text, offset),
                    "{offset}"
                );
            }
        }
        assert_eq!(index.indent(5), "  ");
    }

    #[test]
    fn display_names_input_place_and_code() {
        let e = Error::invalid(
            "InvalidRequest",
            "Found unsupported HTTP method in CORS config. Unsupported method is PATCH",
            Some(Span { line: 4, column: 7 }),
        )
        .in_input("cors.xml");
        assert_eq!(
            e.to_string(),
            "cors.xml:4:7: InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is PATCH"
        );
    }
}
