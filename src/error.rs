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
