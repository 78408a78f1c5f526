//! An ordered header list, as the Fetch standard defines it.
//!
//! <https://fetch.spec.whatwg.org/#concept-header-list>: a list of (name, value) pairs where the
//! same name may appear more than once, looked up case-insensitively. We keep the original
//! spelling and the line order because the raw-HTTP view shows them, and because engines differ
//! on repeated lines (Firefox counts `Access-Control-Allow-Origin` *lines*; Chrome combines them).

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The most lines one header list of the input may hold (a request's, a literal response's).
///
/// cors-sim's own bound, not a browser's: no real request comes near it, and it keeps the
/// quadratic corners of the model (each line checked against each allowed name) cheap.
pub const MAX_HEADERS: usize = 100;

/// The longest header name or value of the input, in bytes.
///
/// Also cors-sim's own bound, no larger than what the servers it models accept: S3 limits a
/// PUT request's whole header to 8 KB (S3 User Guide, "Working with object metadata"; not
/// checked against a recording), so a longer value could never reach a real bucket.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// Why a header line cannot be added to a list that already holds `count` lines, if it cannot.
pub fn header_limit_error(count: usize, name: &str, value: &str) -> Option<String> {
    if count >= MAX_HEADERS {
        return Some(format!(
            "more than {MAX_HEADERS} header lines; cors-sim accepts at most {MAX_HEADERS}"
        ));
    }
    for (what, text) in [("name", name), ("value", value)] {
        if text.len() > MAX_HEADER_BYTES {
            let shown: String = name.chars().take(40).collect();
            return Some(format!(
                "the {what} of header {shown:?} is {} bytes; cors-sim accepts at most {MAX_HEADER_BYTES}",
                text.len()
            ));
        }
    }
    None
}

/// HTTP whitespace: <https://fetch.spec.whatwg.org/#http-whitespace>.
pub fn is_http_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' ')
}

/// Strips leading and trailing HTTP whitespace, the "normalize" step that
/// <https://fetch.spec.whatwg.org/#concept-header-value-normalize> applies to every value.
pub fn normalize_value(value: &str) -> &str {
    value.trim_matches(is_http_whitespace)
}

/// An RFC 9110 `tchar`: <https://fetch.spec.whatwg.org/#token> reuses it for methods and names.
pub fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// True when `s` is a non-empty RFC 9110 token.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// An ordered, case-insensitive list of header lines, repeated names kept.
///
/// Names and values are `Cow<'static, str>` because almost every line the models write has a
/// literal name (`Access-Control-Allow-Origin`, `x-amz-request-id`, …) and often a literal value
/// (`AmazonS3`, `true`): those lines cost no allocation. Copying them was one in ten of the
/// allocations of one simulated request (docs/PERFORMANCE.md).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderList {
    lines: Vec<(Cow<'static, str>, Cow<'static, str>)>,
}

impl HeaderList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty list with room for `lines` lines (a response the models build has a known
    /// number of them, so it is allocated once).
    pub fn with_capacity(lines: usize) -> Self {
        HeaderList {
            lines: Vec::with_capacity(lines),
        }
    }

    /// Appends one header line, keeping any earlier line of the same name.
    pub fn append(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<Cow<'static, str>>,
    ) {
        self.lines.push((name.into(), value.into()));
    }

    /// Gives `name` exactly one line with `value`: the first existing line keeps its place (and
    /// spelling) and the others go; without one, a line is appended.
    pub fn set(&mut self, name: &'static str, value: impl Into<Cow<'static, str>>) {
        let value = value.into();
        match self
            .lines
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(first) => {
                self.lines[first].1 = value;
                let mut i = 0;
                self.lines.retain(|(n, _)| {
                    i += 1;
                    i - 1 == first || !n.eq_ignore_ascii_case(name)
                });
            }
            None => self.append(name, value),
        }
    }

    /// Removes every line called `name` (case-insensitively).
    pub fn remove(&mut self, name: &str) {
        self.lines.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// Whether any line is called `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.lines.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Every value of `name`, one per line, in order.
    pub fn get_all<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.lines
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// How many lines are called `name`.
    pub fn count(&self, name: &str) -> usize {
        self.get_all(name).count()
    }

    /// The combined value of `name`: every line's normalized value joined with `", "`, or `None`
    /// when no line has that name. This is Fetch's "get" (<https://fetch.spec.whatwg.org/#concept-header-list-get>),
    /// and also what Chromium's `GetNormalizedHeader` returns.
    ///
    /// Borrowed when the name has one line, which is almost always: the models ask for Origin,
    /// Range or Access-Control-Request-Method of every request they see.
    pub fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        let mut values = self.get_all(name);
        let first = normalize_value(values.next()?);
        let Some(second) = values.next() else {
            return Some(Cow::Borrowed(first));
        };
        let mut combined = format!("{first}, {}", normalize_value(second));
        for value in values {
            combined.push_str(", ");
            combined.push_str(normalize_value(value));
        }
        Some(Cow::Owned(combined))
    }

    /// The lines, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.lines.iter().map(|(n, v)| (n.as_ref(), v.as_ref()))
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when there is no line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The distinct names, lowercased, in first-appearance order.
    pub fn lowercase_names(&self) -> Vec<String> {
        self.lowercase_names_where(|_| true)
    }

    /// The distinct names for which `keep` (given the name as written) holds, lowercased, in
    /// first-appearance order. Only kept names are copied.
    pub fn lowercase_names_where(&self, mut keep: impl FnMut(&str) -> bool) -> Vec<String> {
        self.distinct_names()
            .filter(|n| keep(n))
            .map(str::to_ascii_lowercase)
            .collect()
    }

    /// Each name once (compared without case), as first written, in first-appearance order:
    /// for sentences that list names without keeping a copy of each.
    pub fn distinct_names(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().enumerate().filter_map(|(i, (n, _))| {
            let seen = self.lines[..i]
                .iter()
                .any(|(earlier, _)| earlier.eq_ignore_ascii_case(n));
            (!seen).then_some(n.as_ref())
        })
    }

    /// The same list with repeated names folded into one line each (first position kept, values
    /// joined with `", "`), which is how Chromium and WebKit hold request headers
    /// (browser-cors.md §2 item 3).
    pub fn combined(&self) -> HeaderList {
        let mut out = HeaderList::new();
        for (name, value) in &self.lines {
            if let Some(existing) = out
                .lines
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                let combined = existing.1.to_mut();
                combined.push_str(", ");
                combined.push_str(value);
            } else {
                out.append(name.clone(), value.clone());
            }
        }
        out
    }
}

impl<N: Into<Cow<'static, str>>, V: Into<Cow<'static, str>>> FromIterator<(N, V)> for HeaderList {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        HeaderList {
            lines: iter
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        }
    }
}

/// Serialized as the contract's list of `[name, value]` pairs (design.md §4.1).
impl Serialize for HeaderList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.lines.len()))?;
        for (n, v) in &self.lines {
            seq.serialize_element(&[n, v])?;
        }
        seq.end()
    }
}

/// Accepts either a list of `[name, value]` pairs (repeats allowed, order kept) or an object
/// whose values are a string or a list of strings (one header line each), as design.md §4.1 says.
impl<'de> Deserialize<'de> for HeaderList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeaderListVisitor;

        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }

        impl<'de> Visitor<'de> for HeaderListVisitor {
            type Value = HeaderList;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of [name, value] pairs or an object of header values")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HeaderList, A::Error> {
                let mut list = HeaderList::new();
                while let Some(pair) = seq.next_element::<Vec<String>>()? {
                    match <[String; 2]>::try_from(pair) {
                        Ok([n, v]) => {
                            if let Some(e) = header_limit_error(list.len(), &n, &v) {
                                return Err(de::Error::custom(e));
                            }
                            list.append(n, v)
                        }
                        Err(pair) => {
                            return Err(de::Error::invalid_length(
                                pair.len(),
                                &"a [name, value] pair of two strings",
                            ))
                        }
                    }
                }
                Ok(list)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HeaderList, A::Error> {
                let mut list = HeaderList::new();
                while let Some((name, value)) = map.next_entry::<String, OneOrMany>()? {
                    let values = match value {
                        OneOrMany::One(v) => vec![v],
                        OneOrMany::Many(vs) => vs,
                    };
                    for v in values {
                        if let Some(e) = header_limit_error(list.len(), &name, &v) {
                            return Err(de::Error::custom(e));
                        }
                        list.append(name.clone(), v);
                    }
                }
                Ok(list)
            }
        }

        deserializer.deserialize_any(HeaderListVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_combines_lines_with_comma_space() {
        let mut h = HeaderList::new();
        h.append("Access-Control-Allow-Origin", " * ");
        h.append("access-control-allow-origin", "https://a.example");
        assert_eq!(
            h.get("ACCESS-CONTROL-ALLOW-ORIGIN").as_deref(),
            Some("*, https://a.example")
        );
        assert_eq!(h.count("access-control-allow-origin"), 2);
        assert_eq!(h.get("vary"), None);
    }

    #[test]
    fn both_json_shapes_keep_order_and_repeats() {
        let pairs: HeaderList =
            serde_json::from_str(r#"[["X-A","1"],["x-b","2"],["X-A","3"]]"#).unwrap();
        let object: HeaderList = serde_json::from_str(r#"{"X-A":["1","3"],"x-b":"2"}"#).unwrap();
        assert_eq!(pairs.get("x-a").as_deref(), Some("1, 3"));
        assert_eq!(object.get("x-a").as_deref(), Some("1, 3"));
        assert_eq!(
            serde_json::to_string(&pairs).unwrap(),
            r#"[["X-A","1"],["x-b","2"],["X-A","3"]]"#
        );
    }

    #[test]
    fn a_pair_of_three_is_rejected() {
        let err = serde_json::from_str::<HeaderList>(r#"[["a","b","c"]]"#).unwrap_err();
        assert!(err.to_string().contains("pair"), "{err}");
    }

    #[test]
    fn set_keeps_the_first_line_in_place() {
        let mut h: HeaderList = [("A", "1"), ("b", "2"), ("a", "3"), ("C", "4")]
            .into_iter()
            .collect();
        h.set("a", "x");
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            vec![("A", "x"), ("b", "2"), ("C", "4")]
        );
        h.set("D", "5");
        assert_eq!(h.get("d").as_deref(), Some("5"));
    }

    #[test]
    fn combined_folds_repeats_in_first_position() {
        let h: HeaderList = [("Accept", "a"), ("X", "1"), ("accept", "b")]
            .into_iter()
            .collect();
        let c = h.combined();
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            vec![("Accept", "a, b"), ("X", "1")]
        );
    }
}
