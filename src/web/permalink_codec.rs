//! The permalink's encoding, without the browser: pure functions, tested natively.
//!
//! A fragment is `&`-separated `key=value` pairs:
//! - `v1=` the inputs as JSON, raw-deflated, in unpadded base64url (the current form);
//! - `s=` the inputs as percent-encoded JSON (the first form, still read, never written);
//! - `embed=1` the compact layout for an `<iframe>`, and `readonly=1` its config is not editable.
//!
//! Decoding is bounded: a fragment longer than [`MAX_FRAGMENT`] bytes is refused before any
//! work, and inflating stops at [`MAX_JSON`] bytes of output, so a hostile link costs at most a
//! few milliseconds and never more memory than that.

use super::state::Inputs;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use std::fmt;

/// The longest fragment decoded, in bytes.
pub const MAX_FRAGMENT: usize = 64 * 1024;
/// The most JSON a `v1` payload may inflate to, in bytes.
pub const MAX_JSON: usize = 512 * 1024;
/// The deflate level written (the inputs are small; the best ratio costs nothing).
const LEVEL: u8 = 9;

/// base64url without padding when written; padding optional when read.
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a fragment could not be opened; its `Display` is the sentence shown in the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The fragment is longer than [`MAX_FRAGMENT`].
    TooLong(usize),
    /// The payload inflates to more than [`MAX_JSON`].
    TooLarge,
    /// The payload is not base64url.
    Base64,
    /// The payload is not a complete raw deflate stream.
    Deflate,
    /// The `s=` payload is not valid percent-encoded UTF-8, or the JSON is not UTF-8.
    Encoding,
    /// The JSON is not the inputs' shape.
    Json(String),
    /// A `vN=` this version of cors-sim does not know.
    UnknownVersion(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLong(n) => write!(
                f,
                "the link is too long ({n} bytes after #; at most {MAX_FRAGMENT})"
            ),
            DecodeError::TooLarge => write!(
                f,
                "the simulation it holds is larger than {} KiB",
                MAX_JSON / 1024
            ),
            DecodeError::Base64 => write!(f, "it is not valid base64url (was it cut or altered?)"),
            DecodeError::Deflate => {
                write!(
                    f,
                    "its compressed data is incomplete or corrupt (was it cut?)"
                )
            }
            DecodeError::Encoding => write!(f, "its text is not valid UTF-8"),
            DecodeError::Json(e) => write!(f, "it does not describe a simulation ({e})"),
            DecodeError::UnknownVersion(v) => write!(
                f,
                "it was made by a newer or unknown version of cors-sim (format {v})"
            ),
        }
    }
}

/// What a fragment asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fragment {
    /// The compact layout for an `<iframe>`.
    pub embed: bool,
    /// The config cannot be edited.
    pub readonly: bool,
    /// The inputs, when the fragment holds some: `None` for no state (the example), an error
    /// when it holds state that could not be read.
    pub inputs: Option<Result<Inputs, DecodeError>>,
}

impl Fragment {
    /// The flags alone, as written before the state (`embed=1&readonly=1&`), or empty.
    pub fn flags_prefix(&self) -> String {
        let mut s = String::new();
        if self.embed {
            s.push_str("embed=1&");
        }
        if self.readonly {
            s.push_str("readonly=1&");
        }
        s
    }
}

/// Reads a fragment (with or without its leading `#`). Never panics; bounded in time and memory.
pub fn decode_fragment(hash: &str) -> Fragment {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let mut out = Fragment::default();
    if hash.is_empty() {
        return out;
    }
    if hash.len() > MAX_FRAGMENT {
        // Still honour the layout flags if they lead, so an embed shows its error compactly.
        for pair in hash[..256.min(hash.len())].split('&') {
            flag(&mut out, pair);
        }
        out.inputs = Some(Err(DecodeError::TooLong(hash.len())));
        return out;
    }
    for pair in hash.split('&') {
        if flag(&mut out, pair) || out.inputs.is_some() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        out.inputs = match key {
            "v1" => Some(decode_v1(value)),
            "s" => Some(decode_legacy(value)),
            k if is_version_key(k) => Some(Err(DecodeError::UnknownVersion(k.to_string()))),
            _ => None,
        };
    }
    out
}

/// Sets a layout flag from `pair`; whether it was one.
fn flag(out: &mut Fragment, pair: &str) -> bool {
    let (key, value) = pair.split_once('=').unwrap_or((pair, "1"));
    let on = !matches!(value, "0" | "false");
    match key {
        "embed" => out.embed = on,
        "readonly" => out.readonly = on,
        _ => return false,
    }
    true
}

/// `v` followed by digits: a format version.
fn is_version_key(k: &str) -> bool {
    k.len() > 1 && k.starts_with('v') && k[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Decodes a `v1` payload: base64url, raw deflate, JSON.
pub fn decode_v1(payload: &str) -> Result<Inputs, DecodeError> {
    if payload.len() > MAX_FRAGMENT {
        return Err(DecodeError::TooLong(payload.len()));
    }
    let bytes = B64
        .decode(payload.trim_end_matches('='))
        .map_err(|_| DecodeError::Base64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_JSON).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => DecodeError::TooLarge,
            _ => DecodeError::Deflate,
        },
    )?;
    let json = String::from_utf8(json).map_err(|_| DecodeError::Encoding)?;
    from_json(&json)
}

/// Decodes the first form: percent-encoded JSON.
pub fn decode_legacy(payload: &str) -> Result<Inputs, DecodeError> {
    if payload.len() > MAX_FRAGMENT {
        return Err(DecodeError::TooLong(payload.len()));
    }
    let bytes = percent_decode(payload).ok_or(DecodeError::Encoding)?;
    let json = String::from_utf8(bytes).map_err(|_| DecodeError::Encoding)?;
    from_json(&json)
}

/// `%XX` decoding (as `decodeURIComponent`, which wrote them: no `+` for space).
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The inputs from JSON: an object whose known fields have the right types (missing ones take
/// the example's values; unknown ones are ignored, so older links keep opening).
pub fn from_json(json: &str) -> Result<Inputs, DecodeError> {
    // Read straight into `Inputs` (no `serde_json::Value` in between: one deserializer per
    // type keeps the wasm smaller); anything but an object is only checked for being JSON.
    if !json.trim_start().starts_with('{') {
        serde_json::from_str::<serde::de::IgnoredAny>(json)
            .map_err(|e| DecodeError::Json(e.to_string()))?;
        return Err(DecodeError::Json("not a JSON object".into()));
    }
    serde_json::from_str(json).map_err(|e| DecodeError::Json(e.to_string()))
}

/// The `v1` payload for `inputs` (without `v1=`).
pub fn encode_v1(inputs: &Inputs) -> String {
    let json = serde_json::to_string(inputs).unwrap_or_default();
    B64.encode(miniz_oxide::deflate::compress_to_vec(
        json.as_bytes(),
        LEVEL,
    ))
}

/// The fragment (without `#`) for `inputs` and the flags of `flags`: the example's state is
/// left out, so the plain address stays plain.
pub fn encode_fragment(inputs: &Inputs, flags: &Fragment) -> String {
    let mut s = flags.flags_prefix();
    if serde_json::to_string(inputs).ok() != serde_json::to_string(&Inputs::example()).ok() {
        s.push_str("v1=");
        s.push_str(&encode_v1(inputs));
    }
    s.trim_end_matches('&').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Browser;
    use std::time::Instant;

    fn edited() -> Inputs {
        let mut i = Inputs::example();
        i.method = "patch".into();
        i.browser = Browser::Safari;
        i.headers = "X-Ünïcode: ✓ & = # %".into();
        i
    }

    fn err(hash: &str) -> DecodeError {
        decode_fragment(hash)
            .inputs
            .expect("state")
            .expect_err("an error")
    }

    #[test]
    fn the_fuzz_seeds_open() {
        // fuzz/seeds/permalink/: the permalink fuzz target starts from these.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/permalink");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).expect("seeds") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("text");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let f = decode_fragment(&text);
            match name.as_str() {
                "flags-only.txt" => assert!(f.embed && f.inputs.is_none()),
                "unknown-version.txt" => assert!(matches!(
                    f.inputs,
                    Some(Err(DecodeError::UnknownVersion(_)))
                )),
                _ => assert!(matches!(f.inputs, Some(Ok(_))), "{name}: {f:?}"),
            }
            n += 1;
        }
        assert!(n >= 3);
    }

    #[test]
    fn v1_round_trips_and_is_smaller_than_the_json() {
        let i = edited();
        let frag = encode_fragment(&i, &Fragment::default());
        assert!(frag.starts_with("v1="), "{frag}");
        assert!(frag[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(frag.len() < serde_json::to_string(&i).unwrap().len());
        let back = decode_fragment(&format!("#{frag}"));
        assert_eq!(back.inputs, Some(Ok(i)));
        assert!(!back.embed && !back.readonly);
    }

    #[test]
    fn flags_round_trip_with_and_without_state() {
        let flags = Fragment {
            embed: true,
            readonly: true,
            inputs: None,
        };
        assert_eq!(
            encode_fragment(&Inputs::example(), &flags),
            "embed=1&readonly=1"
        );
        let f = decode_fragment(&encode_fragment(&edited(), &flags));
        assert!(f.embed && f.readonly);
        assert_eq!(f.inputs, Some(Ok(edited())));
        let f = decode_fragment("#embed=1");
        assert!(f.embed && !f.readonly && f.inputs.is_none());
        assert!(!decode_fragment("#embed=0").embed);
        // Flags may come after the state too.
        let f = decode_fragment(&format!("v1={}&embed", encode_v1(&edited())));
        assert!(f.embed);
        assert_eq!(f.inputs, Some(Ok(edited())));
    }

    #[test]
    fn the_example_has_an_empty_fragment_and_no_fragment_is_no_state() {
        assert_eq!(
            encode_fragment(&Inputs::example(), &Fragment::default()),
            ""
        );
        assert_eq!(decode_fragment(""), Fragment::default());
        assert_eq!(decode_fragment("#"), Fragment::default());
        assert_eq!(decode_fragment("#unrelated=1").inputs, None);
    }

    #[test]
    fn the_first_form_is_still_read() {
        // As the first version wrote it: encodeURIComponent of the JSON.
        let json = serde_json::to_string(&edited()).unwrap();
        let mut enc = String::new();
        for b in json.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                enc.push(b as char);
            } else {
                enc.push_str(&format!("%{b:02X}"));
            }
        }
        assert_eq!(
            decode_fragment(&format!("#s={enc}")).inputs,
            Some(Ok(edited()))
        );
        assert_eq!(
            decode_fragment("#s=%7B%22method%22%3A%22GET%22%7D")
                .inputs
                .unwrap()
                .unwrap()
                .url,
            Inputs::example().url
        );
        assert!(matches!(err("#s=%7B%22method"), DecodeError::Json(_)));
        assert_eq!(err("#s=%E2%28"), DecodeError::Encoding);
        assert_eq!(err("#s=%G0"), DecodeError::Encoding);
        assert_eq!(err("#s=%4"), DecodeError::Encoding);
    }

    #[test]
    fn invalid_base64_is_refused() {
        assert_eq!(err("#v1=not*base64!"), DecodeError::Base64);
        assert_eq!(err("#v1=A"), DecodeError::Base64);
    }

    #[test]
    fn truncated_or_corrupt_deflate_is_refused() {
        let full = miniz_oxide::deflate::compress_to_vec(
            serde_json::to_string(&edited()).unwrap().as_bytes(),
            9,
        );
        let cut = B64.encode(&full[..full.len() / 2]);
        assert_eq!(err(&format!("#v1={cut}")), DecodeError::Deflate);
        assert_eq!(err("#v1="), DecodeError::Deflate);
        assert_eq!(err("#v1=AAAAAAAA"), DecodeError::Deflate);
        let mut bad = full.clone();
        bad[0] = 0xff; // reserved block type 3
        assert_eq!(
            err(&format!("#v1={}", B64.encode(&bad))),
            DecodeError::Deflate
        );
    }

    #[test]
    fn wrong_json_shapes_are_refused() {
        let v1 = |json: &str| {
            format!(
                "#v1={}",
                B64.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9))
            )
        };
        for json in [
            "[1, 2]",
            "\"PUT\"",
            "42",
            "null",
            "{\"method\": 7}",
            "{\"browser\": \"lynx\"}",
            "{",
            "",
        ] {
            assert!(
                matches!(err(&v1(json)), DecodeError::Json(_)),
                "{json}: {:?}",
                err(&v1(json))
            );
        }
        let latin1 = format!(
            "#v1={}",
            B64.encode(miniz_oxide::deflate::compress_to_vec(
                b"{\"method\": \"\xe9\"}",
                9
            ))
        );
        assert_eq!(err(&latin1), DecodeError::Encoding);
        // Unknown fields are ignored.
        assert_eq!(
            decode_fragment(&v1("{\"method\": \"GET\", \"future\": 1}"))
                .inputs
                .unwrap()
                .unwrap()
                .method,
            "GET"
        );
    }

    #[test]
    fn unknown_versions_are_named() {
        assert_eq!(err("#v2=abc"), DecodeError::UnknownVersion("v2".into()));
        assert_eq!(
            err("#embed=1&v99=x"),
            DecodeError::UnknownVersion("v99".into())
        );
        assert!(err("#v2=abc").to_string().contains("unknown version"));
    }

    #[test]
    fn a_too_long_fragment_is_refused_before_any_work_but_keeps_its_flags() {
        let huge = format!("#embed=1&v1={}", "A".repeat(MAX_FRAGMENT + 1));
        let f = decode_fragment(&huge);
        assert!(f.embed);
        assert!(matches!(f.inputs, Some(Err(DecodeError::TooLong(_)))));
        assert!(matches!(
            decode_v1(&"A".repeat(MAX_FRAGMENT + 1)),
            Err(DecodeError::TooLong(_))
        ));
        assert!(matches!(
            err(&format!("#s={}", "%20".repeat(MAX_FRAGMENT))),
            DecodeError::TooLong(_)
        ));
    }

    #[test]
    fn a_deflate_bomb_stops_at_the_limit_quickly() {
        // 64 MiB of spaces compresses to about 64 KiB; a denser bomb: nested JSON whitespace.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 16 * 1024 * 1024], 9);
        let payload = B64.encode(&bomb);
        assert!(payload.len() <= MAX_FRAGMENT, "{}", payload.len());
        let started = Instant::now();
        assert_eq!(err(&format!("#v1={payload}")), DecodeError::TooLarge);
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        // Just under the limit is fine (whitespace around an object).
        let mut ok = vec![b' '; MAX_JSON - 2];
        ok.extend_from_slice(b"{}");
        let payload = B64.encode(miniz_oxide::deflate::compress_to_vec(&ok, 9));
        assert_eq!(
            decode_fragment(&format!("v1={payload}")).inputs,
            Some(Ok(Inputs::example()))
        );
        ok.push(b' ');
        let payload = B64.encode(miniz_oxide::deflate::compress_to_vec(&ok, 9));
        assert_eq!(err(&format!("v1={payload}")), DecodeError::TooLarge);
    }

    #[test]
    fn messages_are_sentences_for_the_page() {
        for e in [
            DecodeError::TooLong(70000),
            DecodeError::TooLarge,
            DecodeError::Base64,
            DecodeError::Deflate,
            DecodeError::Encoding,
            DecodeError::Json("x".into()),
            DecodeError::UnknownVersion("v2".into()),
        ] {
            let s = e.to_string();
            assert!(!s.is_empty() && !s.ends_with('.'), "{s}");
        }
    }
}
