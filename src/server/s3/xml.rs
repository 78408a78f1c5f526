//! The `<CORSConfiguration>` XML wire format (spec §2.1): a streaming parser that keeps every
//! value's place, and the writer that produces what GetBucketCors returns.
//!
//! Decisions, each following how a schema-validating XML parser (S3's) behaves:
//! * The namespace is optional; when present it must be S3's (`xmlns` other than
//!   `http://s3.amazonaws.com/doc/2006-03-01/` does not validate → `MalformedXML`).
//! * Element order inside a rule is free (spec §2.1: botocore writes dict order and it works).
//! * Unknown elements, a second `ID` or `MaxAgeSeconds`, text between elements, child elements
//!   inside a value → `MalformedXML` at the offending place.
//! * Only the five predefined entities and numeric character references are resolved; a DOCTYPE
//!   is refused outright, so no entity from a DTD can ever be expanded (no XXE, no "billion
//!   laughs").
//! * String values are kept verbatim, whitespace included (XML Schema `xs:string` does not
//!   collapse whitespace; spec §2.1 "Values are stored verbatim"); `MaxAgeSeconds` is an
//!   `xs:int`, whose whitespace the schema collapses, so it is trimmed. UNVERIFIED: whether S3
//!   trims string values written on their own lines.
//! * Attributes other than namespace declarations do not validate → `MalformedXML`
//!   (UNVERIFIED: no evidence either way; the schema declares none).
//!
//! The parser never recurses and its state is at most three elements deep (anything deeper is
//! an unknown element and fails at once), so no input can exhaust the stack.

use super::validate::{check_rule_count, check_rule_schema, malformed};
use super::{CorsRule, SpanIndex, Spanned};
use crate::error::{Error, Span};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::borrow::Cow;

/// S3's XML namespace (botocore's `xmlNamespace` for the payload).
pub const S3_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// The elements of a `CORSRule`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Id,
    AllowedOrigin,
    AllowedMethod,
    AllowedHeader,
    ExposeHeader,
    MaxAgeSeconds,
}

impl Field {
    fn from_name(name: &[u8]) -> Option<Field> {
        Some(match name {
            b"ID" => Field::Id,
            b"AllowedOrigin" => Field::AllowedOrigin,
            b"AllowedMethod" => Field::AllowedMethod,
            b"AllowedHeader" => Field::AllowedHeader,
            b"ExposeHeader" => Field::ExposeHeader,
            b"MaxAgeSeconds" => Field::MaxAgeSeconds,
            _ => return None,
        })
    }
}

/// The value element being read. Places are byte offsets, turned into a span only for the
/// one place the value keeps (or an error names).
struct OpenValue {
    field: Field,
    /// Where the element starts.
    element: usize,
    /// Where its text starts, once there is text.
    text_start: Option<usize>,
    /// Where an empty value would be: just after the start tag.
    after_start: usize,
    text: String,
}

/// Where the reader is in the document.
enum State {
    BeforeRoot,
    InRoot { span: Span },
    InRule { root: Span },
    InValue { root: Span },
    AfterRoot,
}

/// Parses the XML form. Schema errors come out in document order, as a validating parser
/// streaming through the document meets them.
pub fn parse(text: &str, index: &SpanIndex<'_>) -> Result<Vec<CorsRule>, Error> {
    let mut reader = NsReader::from_str(text);
    {
        let config = reader.config_mut();
        config.check_comments = true;
        config.check_end_names = true;
        config.trim_text(false);
    }
    let mut state = State::BeforeRoot;
    let mut rules: Vec<CorsRule> = Vec::new();
    let mut rule: Option<CorsRule> = None;
    let mut value: Option<OpenValue> = None;
    let mut lists = RuleLists::default();
    let mut first_event = true;
    // Without a carriage return anywhere, no text needs its line ends normalized (XML 1.0
    // §2.11), so each text is the input's own slice.
    let has_carriage_return = memchr::memchr(b'\r', text.as_bytes()).is_some();
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        // Spans are counted only where one is kept or reported.
        let here = || index.span(offset);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(offset);
                return Err(not_well_formed(&e.to_string(), index.span(at)));
            }
        };
        let was_first = std::mem::replace(&mut first_event, false);
        match event {
            Event::Decl(_) => {
                if !was_first || offset != 0 {
                    return Err(not_well_formed(
                        "the <?xml ...?> declaration may only appear at the very start of the document",
                        here(),
                    ));
                }
            }
            Event::DocType(_) => {
                return Err(Error::syntax(
                    "a <!DOCTYPE> is not accepted: a CORS configuration has no DTD, and cors-sim never expands entities from one",
                    Some(here()),
                ));
            }
            Event::PI(_) | Event::Comment(_) => {}
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                // Only a prefixed name needs resolving: `check_attributes` refuses a default
                // namespace other than S3's where it is declared, so an unprefixed element is
                // either in no namespace or in S3's.
                let in_schema = start.name().prefix().is_none()
                    || namespace_check(&reader.resolve_element(start.name()).0)
                        .map_err(|m| resolve_error(m, here()))?;
                if !in_schema {
                    // An element in another namespace is outside S3's schema.
                    return Err(malformed(Some(here())));
                }
                check_attributes(start, here)?;
                let name = start.local_name();
                let name = name.as_ref();
                match state {
                    State::BeforeRoot => {
                        if name != b"CORSConfiguration" {
                            return Err(malformed(Some(here())));
                        }
                        if empty {
                            check_rule_count(0, Some(here()))?;
                        }
                        state = State::InRoot { span: here() };
                    }
                    State::InRoot { span: root } => {
                        if name != b"CORSRule" {
                            return Err(malformed(Some(here())));
                        }
                        let new_rule = CorsRule::empty(Some(here()));
                        if empty {
                            check_rule_schema(&new_rule)?;
                        }
                        rule = Some(new_rule);
                        state = State::InRule { root };
                    }
                    State::InRule { root } => {
                        let field =
                            Field::from_name(name).ok_or_else(|| malformed(Some(here())))?;
                        let current = rule.as_ref().ok_or_else(|| malformed(Some(here())))?;
                        let repeated = match field {
                            Field::Id => current.id.is_some(),
                            Field::MaxAgeSeconds => current.max_age_seconds.is_some(),
                            _ => false,
                        };
                        if repeated {
                            // "A CORSRule can have at most one MaxAgeSeconds element" (spec §2.1);
                            // the schema allows one ID too.
                            return Err(malformed(Some(here())));
                        }
                        let after = usize::try_from(reader.buffer_position()).unwrap_or(offset);
                        let open = OpenValue {
                            field,
                            element: offset,
                            text_start: None,
                            after_start: if empty { offset } else { after },
                            text: String::new(),
                        };
                        if empty {
                            let r = rule.as_mut().ok_or_else(|| malformed(Some(here())))?;
                            store(r, &mut lists, open, index)?;
                        } else {
                            value = Some(open);
                            state = State::InValue { root };
                        }
                    }
                    State::InValue { .. } => return Err(malformed(Some(here()))),
                    State::AfterRoot => {
                        return Err(not_well_formed(
                            "a document has exactly one root element",
                            here(),
                        ))
                    }
                }
                if empty {
                    // An empty element closes at once.
                    state = match state {
                        State::InRoot { .. } if name == b"CORSConfiguration" => State::AfterRoot,
                        State::InRule { root } if name == b"CORSRule" => {
                            if let Some(r) = rule.take() {
                                rules.push(r);
                            }
                            State::InRoot { span: root }
                        }
                        other => other,
                    };
                }
            }
            Event::End(_) => {
                state = match state {
                    State::InValue { root } => {
                        let open = value.take().ok_or_else(|| malformed(Some(here())))?;
                        let r = rule.as_mut().ok_or_else(|| malformed(Some(here())))?;
                        store(r, &mut lists, open, index)?;
                        State::InRule { root }
                    }
                    State::InRule { root } => {
                        let mut done = rule.take().ok_or_else(|| malformed(Some(here())))?;
                        lists.move_into(&mut done);
                        check_rule_schema(&done)?;
                        rules.push(done);
                        State::InRoot { span: root }
                    }
                    State::InRoot { span } => {
                        check_rule_count(rules.len(), Some(span))?;
                        State::AfterRoot
                    }
                    State::BeforeRoot | State::AfterRoot => {
                        return Err(not_well_formed(
                            "a closing tag without its opening tag",
                            here(),
                        ))
                    }
                };
            }
            Event::Text(t) => {
                // The indentation between elements is most of a document's text events: it
                // needs neither decoding nor a span.
                if !matches!(state, State::InValue { .. })
                    && t.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    continue;
                }
                let content = match borrowed_text(text, offset, &t) {
                    Some(raw) if !has_carriage_return => Cow::Borrowed(raw),
                    _ => t
                        .xml10_content()
                        .map_err(|e| not_well_formed(&e.to_string(), here()))?,
                };
                text_event(&state, value.as_mut(), &content, offset, index)?;
            }
            Event::CData(c) => {
                let content = c
                    .decode()
                    .map_err(|e| not_well_formed(&e.to_string(), here()))?;
                // A CDATA section is text even when it is blank, so it cannot sit between
                // elements.
                if !matches!(state, State::InValue { .. }) {
                    return Err(misplaced_text(&state, here()));
                }
                text_event(&state, value.as_mut(), &content, offset, index)?;
            }
            Event::GeneralRef(r) => {
                let ch = resolve_reference(&r, here)?;
                let mut buf = [0u8; 4];
                let piece: &str = ch.encode_utf8(&mut buf);
                if !matches!(state, State::InValue { .. }) {
                    return Err(misplaced_text(&state, here()));
                }
                text_event(&state, value.as_mut(), piece, offset, index)?;
            }
            Event::Eof => break,
        }
    }
    match state {
        State::AfterRoot => Ok(rules),
        State::BeforeRoot => Err(not_well_formed(
            "the document has no root element",
            index.span(text.len()),
        )),
        _ => Err(not_well_formed(
            "the document ends before its elements are closed",
            index.span(text.len()),
        )),
    }
}

/// The text event `raw` as the slice of the input it was read from, when it is one: the input
/// is a `&str`, so that slice needs no second UTF-8 check. Entity references are events of
/// their own, so the slice holds none.
fn borrowed_text<'t>(text: &'t str, offset: usize, raw: &[u8]) -> Option<&'t str> {
    let slice = text.get(offset..offset.checked_add(raw.len())?)?;
    (slice.as_ptr() == raw.as_ptr()).then_some(slice)
}

/// `Ok` when an element is in no namespace or in S3's, the schema's error otherwise, and a
/// description for an undeclared prefix (a well-formedness error under XML namespaces).
fn namespace_check(ns: &ResolveResult<'_>) -> Result<bool, String> {
    match ns {
        ResolveResult::Unbound => Ok(true),
        ResolveResult::Bound(n) => Ok(n.as_ref() == S3_NAMESPACE.as_bytes()),
        ResolveResult::Unknown(prefix) => Err(format!(
            "the namespace prefix {:?} is not declared",
            String::from_utf8_lossy(prefix)
        )),
    }
}

fn resolve_error(message: String, here: Span) -> Error {
    not_well_formed(&message, here)
}

/// Only namespace declarations may appear as attributes.
fn check_attributes(start: &BytesStart<'_>, here: impl Fn() -> Span) -> Result<(), Error> {
    // Most tags have no attribute: nothing but (at most) XML whitespace follows their name.
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    if start.attributes_raw().iter().all(blank) {
        return Ok(());
    }
    for attr in start.attributes().with_checks(true) {
        let attr = attr.map_err(|e| not_well_formed(&e.to_string(), here()))?;
        let key = attr.key.as_ref();
        let is_namespace = key == b"xmlns" || key.starts_with(b"xmlns:");
        if !is_namespace {
            return Err(malformed(Some(here())));
        }
        if key == b"xmlns"
            && attr.value.as_ref() != S3_NAMESPACE.as_bytes()
            && !attr.value.is_empty()
        {
            // A default namespace other than S3's puts every element outside the schema.
            return Err(malformed(Some(here())));
        }
    }
    Ok(())
}

/// Adds text to the open value, or refuses non-blank text where the schema has none.
fn text_event(
    state: &State,
    value: Option<&mut OpenValue>,
    content: &str,
    offset: usize,
    index: &SpanIndex<'_>,
) -> Result<(), Error> {
    match (state, value) {
        (State::InValue { .. }, Some(open)) => {
            if open.text_start.is_none() {
                open.text_start = Some(offset);
            }
            if open.text.is_empty() {
                // Most values are one text event: one allocation of their exact size.
                open.text = content.to_owned();
            } else {
                open.text.push_str(content);
            }
            Ok(())
        }
        _ => {
            let blank = content
                .chars()
                .all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
            if blank {
                return Ok(());
            }
            let lead = content.len() - content.trim_start().len();
            Err(misplaced_text(state, index.span(offset + lead)))
        }
    }
}

fn misplaced_text(state: &State, here: Span) -> Error {
    match state {
        State::BeforeRoot | State::AfterRoot => {
            not_well_formed("text outside the root element", here)
        }
        _ => malformed(Some(here)),
    }
}

/// `&lt;`, `&gt;`, `&amp;`, `&apos;`, `&quot;` and `&#N;` / `&#xN;`; nothing else exists
/// without a DTD.
fn resolve_reference(r: &BytesRef<'_>, here: impl Fn() -> Span) -> Result<char, Error> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            _ => Err(not_well_formed(
                "a character reference that names no valid character",
                here(),
            )),
        };
    }
    let name: &[u8] = r.as_ref();
    match name {
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"amp" => Ok('&'),
        b"apos" => Ok('\''),
        b"quot" => Ok('"'),
        other => Err(not_well_formed(
            &format!(
                "the entity &{}; is not defined (only &lt; &gt; &amp; &apos; &quot; and numeric character references exist without a DTD)",
                String::from_utf8_lossy(other)
            ),
            here(),
        )),
    }
}

/// The list values of the rule being read. They grow here, and each rule gets its lists in
/// one allocation of their final size when it closes, instead of each list doubling its way
/// up (a rule near S3's size limit holds hundreds of origins).
#[derive(Default)]
struct RuleLists {
    allowed_origins: Vec<Spanned<String>>,
    allowed_methods: Vec<Spanned<String>>,
    allowed_headers: Vec<Spanned<String>>,
    expose_headers: Vec<Spanned<String>>,
}

impl RuleLists {
    fn move_into(&mut self, rule: &mut CorsRule) {
        // Not `mem::take`: the rule gets a vector of its exact size, and the list keeps its
        // capacity for the next rule.
        #[allow(clippy::drain_collect)]
        fn exact(list: &mut Vec<Spanned<String>>) -> Vec<Spanned<String>> {
            list.drain(..).collect()
        }
        rule.allowed_origins = exact(&mut self.allowed_origins);
        rule.allowed_methods = exact(&mut self.allowed_methods);
        rule.allowed_headers = exact(&mut self.allowed_headers);
        rule.expose_headers = exact(&mut self.expose_headers);
    }
}

/// Moves a finished value into its rule, or into the rule's lists.
fn store(
    rule: &mut CorsRule,
    lists: &mut RuleLists,
    open: OpenValue,
    index: &SpanIndex<'_>,
) -> Result<(), Error> {
    let span = Some(index.span(open.text_start.unwrap_or(open.after_start)));
    let text = open.text;
    match open.field {
        Field::Id => rule.id = Some(Spanned::new(text, span)),
        Field::AllowedOrigin => lists.allowed_origins.push(Spanned::new(text, span)),
        Field::AllowedMethod => lists.allowed_methods.push(Spanned::new(text, span)),
        Field::AllowedHeader => lists.allowed_headers.push(Spanned::new(text, span)),
        Field::ExposeHeader => lists.expose_headers.push(Spanned::new(text, span)),
        Field::MaxAgeSeconds => {
            let n = parse_xs_int(&text)
                .ok_or_else(|| malformed(span.or(Some(index.span(open.element)))))?;
            rule.max_age_seconds = Some(Spanned::new(n, span));
        }
    }
    Ok(())
}

/// An `xs:int` lexical value: optional sign, at least one digit, surrounding whitespace
/// collapsed. Range is checked by the schema stage; here only "is it a number that fits i64".
pub fn parse_xs_int(text: &str) -> Option<i64> {
    let t = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    t.parse::<i64>().ok()
}

fn not_well_formed(detail: &str, here: Span) -> Error {
    Error::syntax(
        format!(
            "the XML is not well-formed: {detail} (S3 answers 400 MalformedXML to such a document)"
        ),
        Some(here),
    )
}

/// The configuration as XML, the way GetBucketCors returns it and botocore sends it: S3's
/// namespace, no whitespace, members in the order of the API's `CORSRule` shape. Used for
/// GetBucketCors answers and to measure the document S3 would receive from a JSON paste.
pub fn to_xml(rules: &[CorsRule]) -> String {
    let mut out = String::new();
    write_xml(rules, &mut |piece| out.push_str(piece));
    out
}

/// The length in bytes of [`to_xml`]'s document, without building it: the size check of a
/// JSON paste needs only the number.
pub fn xml_len(rules: &[CorsRule]) -> usize {
    let mut len = 0;
    write_xml(rules, &mut |piece| len += piece.len());
    len
}

/// Hands [`to_xml`]'s document to `out` piece by piece.
fn write_xml(rules: &[CorsRule], out: &mut impl FnMut(&str)) {
    out("<CORSConfiguration xmlns=\"");
    out(S3_NAMESPACE);
    out("\">");
    for rule in rules {
        out("<CORSRule>");
        if let Some(id) = &rule.id {
            element(out, "ID", &id.value);
        }
        for v in &rule.allowed_headers {
            element(out, "AllowedHeader", &v.value);
        }
        for v in &rule.allowed_methods {
            element(out, "AllowedMethod", &v.value);
        }
        for v in &rule.allowed_origins {
            element(out, "AllowedOrigin", &v.value);
        }
        for v in &rule.expose_headers {
            element(out, "ExposeHeader", &v.value);
        }
        if let Some(age) = &rule.max_age_seconds {
            element(out, "MaxAgeSeconds", &age.value.to_string());
        }
        out("</CORSRule>");
    }
    out("</CORSConfiguration>");
}

fn element(out: &mut impl FnMut(&str), name: &str, value: &str) {
    out("<");
    out(name);
    out(">");
    write_escaped(value, out);
    out("</");
    out(name);
    out(">");
}

/// Escapes text for an XML element the way ordinary XML writers (and S3's captured bodies,
/// "resource's CORS spec") do: only `&`, `<`, `>`, plus `\r` so that it survives parsing;
/// quotes need no escape in element text.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    write_escaped(value, &mut |piece| out.push_str(piece));
    out
}

/// [`escape`] piece by piece: runs of plain text go out whole.
fn write_escaped(value: &str, out: &mut impl FnMut(&str)) {
    let mut plain = 0;
    for (i, b) in value.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out(&value[plain..i]);
        out(entity);
        plain = i + 1;
    }
    out(&value[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn parse_text(text: &str) -> Result<Vec<CorsRule>, Error> {
        parse(text, &SpanIndex::new(text))
    }

    fn sp(line: u32, column: u32) -> Option<Span> {
        Some(Span { line, column })
    }

    #[test]
    fn reads_every_element_with_its_place() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <!-- a comment -->
  <CORSRule>
    <MaxAgeSeconds> 3000 </MaxAgeSeconds>
    <ID>first</ID>
    <AllowedOrigin>https://a.example</AllowedOrigin>
    <AllowedOrigin>http://*.b.example</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>x-amz-*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
  </CORSRule>
  <CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod></CORSRule>
</CORSConfiguration>
"#;
        let rules = parse_text(text).unwrap();
        assert_eq!(rules.len(), 2);
        let r = &rules[0];
        assert_eq!(r.span, sp(4, 3));
        assert_eq!(r.id.as_ref().unwrap().value, "first");
        assert_eq!(r.id.as_ref().unwrap().span, sp(6, 9));
        assert_eq!(r.max_age_seconds.as_ref().unwrap().value, 3000);
        assert_eq!(r.max_age_seconds.as_ref().unwrap().span, sp(5, 20));
        assert_eq!(r.allowed_origins[1].value, "http://*.b.example");
        assert_eq!(r.allowed_origins[1].span, sp(8, 20));
        assert_eq!(r.allowed_methods[1].value, "PUT");
        assert_eq!(r.allowed_methods[1].span, sp(9, 54));
        assert_eq!(r.allowed_headers[0].value, "x-amz-*");
        assert_eq!(r.expose_headers[0].value, "ETag");
        assert_eq!(rules[1].allowed_methods[0].value, "HEAD");
        assert_eq!(rules[1].span, sp(13, 3));
    }

    #[test]
    fn entities_cdata_and_character_references_are_resolved() {
        let text = "<CORSConfiguration><CORSRule><AllowedOrigin>https://a&amp;b&#46;example<![CDATA[<x>]]></AllowedOrigin><AllowedMethod>G&#x45;T</AllowedMethod></CORSRule></CORSConfiguration>";
        let rules = parse_text(text).unwrap();
        assert_eq!(rules[0].allowed_origins[0].value, "https://a&b.example<x>");
        assert_eq!(rules[0].allowed_methods[0].value, "GET");
    }

    #[test]
    fn values_are_kept_verbatim() {
        let text = "<CORSConfiguration><CORSRule><AllowedOrigin> http://test.com:80 </AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-AMZ-server-SIDE-encryption</AllowedHeader></CORSRule></CORSConfiguration>";
        let rules = parse_text(text).unwrap();
        assert_eq!(rules[0].allowed_origins[0].value, " http://test.com:80 ");
        assert_eq!(
            rules[0].allowed_headers[0].value,
            "x-AMZ-server-SIDE-encryption"
        );
    }

    #[test]
    fn empty_value_elements_are_empty_strings() {
        let text = "<CORSConfiguration><CORSRule><AllowedOrigin/><AllowedMethod></AllowedMethod></CORSRule></CORSConfiguration>";
        let rules = parse_text(text).unwrap();
        assert_eq!(rules[0].allowed_origins[0].value, "");
        assert_eq!(rules[0].allowed_methods[0].value, "");
        // The empty method points where its text would be.
        assert_eq!(rules[0].allowed_methods[0].span, sp(1, 61));
    }

    #[test]
    fn schema_violations_are_malformed_xml_at_the_place() {
        let cases = [
            ("<CORSConfiguration/>", sp(1, 1)),
            ("<CORSConfiguration>\n</CORSConfiguration>", sp(1, 1)),
            ("<Cors><CORSRule/></Cors>", sp(1, 1)),
            ("<CORSConfiguration><CORSRule/></CORSConfiguration>", sp(1, 20)),
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>",
                sp(1, 20),
            ),
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethods>GET</AllowedMethods></CORSRule></CORSConfiguration>",
                sp(1, 62),
            ),
            (
                "<CORSConfiguration><CORSRule><MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds></CORSRule></CORSConfiguration>",
                sp(1, 62),
            ),
            (
                "<CORSConfiguration><CORSRule><MaxAgeSeconds>a</MaxAgeSeconds></CORSRule></CORSConfiguration>",
                sp(1, 45),
            ),
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin><b/></AllowedOrigin></CORSRule></CORSConfiguration>",
                sp(1, 45),
            ),
            (
                "<CORSConfiguration>text<CORSRule/></CORSConfiguration>",
                sp(1, 20),
            ),
            (
                "<CORSConfiguration xmlns=\"http://example.com/\"><CORSRule/></CORSConfiguration>",
                sp(1, 1),
            ),
            (
                "<CORSConfiguration id=\"1\"><CORSRule/></CORSConfiguration>",
                sp(1, 1),
            ),
        ];
        for (text, span) in cases {
            let e = parse_text(text).unwrap_err();
            assert_eq!(e.code(), Some("MalformedXML"), "{text}: {e}");
            assert_eq!(e.span, span, "{text}");
        }
    }

    #[test]
    fn well_formedness_errors_are_located_syntax_errors() {
        let cases = [
            ("<CORSConfiguration><CORSRule></CORSConfiguration>", "not well-formed"),
            ("<CORSConfiguration>", "ends before"),
            (
                "<!DOCTYPE x [<!ENTITY e \"boom\">]><CORSConfiguration/>",
                "DOCTYPE",
            ),
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin>&e;</AllowedOrigin></CORSRule></CORSConfiguration>",
                "&e; is not defined",
            ),
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration><CORSConfiguration/>",
                "exactly one root",
            ),
            ("<p:CORSConfiguration/>", "not declared"),
            ("<CORSConfiguration><!-- a -- b --></CORSConfiguration>", "not well-formed"),
        ];
        for (text, needle) in cases {
            let e = parse_text(text).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Syntax, "{text}: {e}");
            assert!(e.message.contains(needle), "{text}: {}", e.message);
            assert!(e.span.is_some(), "{text}");
        }
    }

    #[test]
    fn prefixed_s3_namespace_is_accepted() {
        let text = "<s3:CORSConfiguration xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:CORSRule><s3:AllowedOrigin>*</s3:AllowedOrigin><s3:AllowedMethod>GET</s3:AllowedMethod></s3:CORSRule></s3:CORSConfiguration>";
        assert_eq!(parse_text(text).unwrap().len(), 1);
    }

    #[test]
    fn elements_in_another_declared_namespace_are_malformed() {
        // The prefix is declared, so the document is well-formed, but the element is outside
        // S3's schema; an unprefixed element under S3's default namespace is inside it.
        let text = "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\" xmlns:o=\"http://example.com/\"><CORSRule><o:AllowedOrigin>*</o:AllowedOrigin></CORSRule></CORSConfiguration>";
        let e = parse_text(text).unwrap_err();
        assert_eq!(e.code(), Some("MalformedXML"), "{e}");
        assert_eq!(e.span, sp(1, 108));
        let undeclared = "<CORSConfiguration><CORSRule><o:AllowedOrigin>*</o:AllowedOrigin></CORSRule></CORSConfiguration>";
        let e = parse_text(undeclared).unwrap_err();
        assert!(e.message.contains("\"o\" is not declared"), "{}", e.message);
        assert_eq!(e.span, sp(1, 30));
    }

    #[test]
    fn line_ends_inside_values_are_normalized_as_xml_requires() {
        // XML 1.0 §2.11: CR LF and a lone CR are read as LF, wherever the document has one.
        let text = "<CORSConfiguration>\r\n<CORSRule>\r\n<AllowedOrigin>a\r\nb\rc</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
        let rules = parse_text(text).unwrap();
        assert_eq!(rules[0].allowed_origins[0].value, "a\nb\nc");
        assert_eq!(rules[0].allowed_origins[0].span, sp(3, 16));
        let lf = "<CORSConfiguration><CORSRule><AllowedOrigin>a\nb</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
        assert_eq!(parse_text(lf).unwrap()[0].allowed_origins[0].value, "a\nb");
    }

    #[test]
    fn whitespace_after_a_tag_name_is_not_an_attribute() {
        let text = "<CORSConfiguration\n  ><CORSRule\t><AllowedOrigin >*</AllowedOrigin><AllowedMethod\r\n>GET</AllowedMethod></CORSRule ></CORSConfiguration>";
        assert_eq!(parse_text(text).unwrap().len(), 1);
        let e = parse_text("<CORSConfiguration><CORSRule ><AllowedOrigin x=\"1\">*</AllowedOrigin></CORSRule></CORSConfiguration>").unwrap_err();
        assert_eq!(e.code(), Some("MalformedXML"), "{e}");
        assert_eq!(e.span, sp(1, 31));
    }

    #[test]
    fn each_rule_keeps_its_own_lists_in_document_order() {
        let text = "<CORSConfiguration><CORSRule><AllowedOrigin>a</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedOrigin>b</AllowedOrigin><AllowedHeader>h</AllowedHeader></CORSRule><CORSRule><AllowedMethod>PUT</AllowedMethod><AllowedOrigin>c</AllowedOrigin><ExposeHeader>ETag</ExposeHeader></CORSRule></CORSConfiguration>";
        let rules = parse_text(text).unwrap();
        let values =
            |list: &[Spanned<String>]| list.iter().map(|v| v.value.clone()).collect::<Vec<_>>();
        assert_eq!(values(&rules[0].allowed_origins), ["a", "b"]);
        assert_eq!(values(&rules[0].allowed_methods), ["GET"]);
        assert_eq!(values(&rules[0].allowed_headers), ["h"]);
        assert!(rules[0].expose_headers.is_empty());
        assert_eq!(values(&rules[1].allowed_origins), ["c"]);
        assert_eq!(values(&rules[1].allowed_methods), ["PUT"]);
        assert!(rules[1].allowed_headers.is_empty());
        assert_eq!(values(&rules[1].expose_headers), ["ETag"]);
    }

    #[test]
    fn xs_int_accepts_sign_and_whitespace_only() {
        assert_eq!(parse_xs_int(" +0300\n"), Some(300));
        assert_eq!(parse_xs_int("-1"), Some(-1));
        for bad in ["", "+", "3.0", "1e3", "0x10", "3 0", "99999999999999999999"] {
            assert_eq!(parse_xs_int(bad), None, "{bad}");
        }
    }

    #[test]
    fn written_xml_parses_back_to_the_same_values() {
        let text = "<CORSConfiguration><CORSRule><ID>a&lt;b</ID><AllowedOrigin>https://x</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>5</MaxAgeSeconds></CORSRule></CORSConfiguration>";
        let rules = parse_text(text).unwrap();
        let written = to_xml(&rules);
        assert!(written.starts_with("<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule><ID>a&lt;b</ID><AllowedHeader>*</AllowedHeader>"), "{written}");
        let again = parse_text(&written).unwrap();
        let values = |r: &CorsRule| {
            (
                r.id_text().map(str::to_string),
                r.allowed_origins[0].value.clone(),
                r.max_age_seconds.as_ref().map(|a| a.value),
            )
        };
        assert_eq!(values(&rules[0]), values(&again[0]));
    }
}
