//! What S3 puts on the wire apart from CORS: error bodies (spec §4.2), request ids, and the
//! synthetic metadata of the object a scenario names.
//!
//! The core is pure, so every "random" value is derived from the request with a fixed hash:
//! the same request always gets the same `x-amz-request-id`, and the same key the same `ETag`.

use super::xml::escape;
use crate::http::Request;

/// `Last-Modified` of every simulated object: a fixed instant (no clock in the core).
pub const LAST_MODIFIED: &str = "Mon, 06 Jan 2025 12:00:00 GMT";

/// The `Vary` value S3 sends on every successful CORS evaluation, exactly [REC ×all].
pub const VARY: &str = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

/// FNV-1a, 64 bits: small, stable across platforms and releases. Each part is followed by
/// 0xff (a byte UTF-8 never contains), so `["ab", "c"]` and `["a", "bc"]` differ.
struct Fnv1a(u64);

impl Fnv1a {
    fn new(seed: u64) -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325_u64 ^ seed)
    }

    fn part(mut self, part: &str) -> Fnv1a {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }
}

fn fnv1a(seed: u64, parts: &[&str]) -> u64 {
    parts.iter().fold(Fnv1a::new(seed), |h, p| h.part(p)).0
}

/// `x-amz-id-2`'s 48 bytes: a deterministic stream from a seed (SplitMix64).
fn bytes_from(mut state: u64) -> [u8; 48] {
    let mut out = [0u8; 48];
    for chunk in out.chunks_exact_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        chunk.copy_from_slice(&z.to_be_bytes());
    }
    out
}

/// Appends `n` as 16 hex digits (`digits` is the upper- or lowercase alphabet). Every S3
/// answer carries two of these, so they are written without the formatting machinery.
fn push_hex(out: &mut String, n: u64, digits: &[u8; 16]) {
    for shift in (0..16).rev() {
        let nibble = usize::try_from((n >> (shift * 4)) & 0xf).unwrap_or(0);
        out.push(char::from(digits[nibble]));
    }
}

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// `x-amz-request-id` (16 uppercase hex digits, like S3's) and `x-amz-id-2` (64 base64
/// characters), both derived from the request.
pub fn request_ids(request: &Request) -> (String, String) {
    let mut h = Fnv1a::new(0).part(&request.method).part(&request.url);
    for (n, v) in request.headers.iter() {
        h = h.part(n).part(v);
    }
    let mut request_id = String::with_capacity(16);
    push_hex(&mut request_id, h.0, UPPER_HEX);
    let id2 = base64(&bytes_from(h.0));
    (request_id, id2)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                let idx = usize::try_from((n >> shift) & 63).unwrap_or(0);
                out.push(char::from(*ALPHABET.get(idx).unwrap_or(&b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The `ETag` of an object: a quoted 32-hex-digit MD5-looking digest of bucket and key.
pub fn etag(bucket: &str, key: &str) -> String {
    let mut out = String::with_capacity(34);
    out.push('"');
    push_hex(&mut out, fnv1a(1, &[bucket, key]), LOWER_HEX);
    push_hex(&mut out, fnv1a(2, &[bucket, key]), LOWER_HEX);
    out.push('"');
    out
}

/// The size of an object, stable per key, between 1 KB and 100 KB.
pub fn object_size(bucket: &str, key: &str) -> u64 {
    1024 + fnv1a(3, &[bucket, key]) % (99 * 1024)
}

/// The `Content-Type` S3 would return: whatever the uploader set, which for the console, the
/// CLI and the SDKs' upload helpers is guessed from the extension; S3's own default is
/// `binary/octet-stream`.
pub fn content_type_for_key(key: &str) -> &'static str {
    // Extensions this long or longer name no type below; a stack buffer avoids a lowercase copy.
    let mut buf = [0u8; 8];
    let ext = match key.rsplit_once('.') {
        Some((_, e)) if e.len() <= buf.len() => {
            let lower = &mut buf[..e.len()];
            lower.copy_from_slice(e.as_bytes());
            lower.make_ascii_lowercase();
            std::str::from_utf8(lower).unwrap_or("")
        }
        _ => "",
    };
    match ext {
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "js" | "mjs" => "text/javascript",
        "json" => "application/json",
        "map" => "application/json",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "xml" => "application/xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "wasm" => "application/wasm",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "m3u8" => "application/vnd.apple.mpegurl",
        "ts" => "video/mp2t",
        _ => "binary/octet-stream",
    }
}

/// An S3 REST error body, children in the order the captures show (spec §4.2, CAP
/// versitygw#2083, amplify#3267): `Code`, `Message`, the operation's extra elements
/// (`Key`, `BucketName`, `Method`, `ResourceType`, …), `RequestId`, `HostId`.
pub fn error_xml(
    code: &str,
    message: &str,
    extra: &[(&str, &str)],
    ids: &(String, String),
) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
    push_element(&mut out, "Code", code);
    push_element(&mut out, "Message", message);
    for (name, value) in extra {
        push_element(&mut out, name, value);
    }
    push_element(&mut out, "RequestId", &ids.0);
    push_element(&mut out, "HostId", &ids.1);
    out.push_str("</Error>");
    out
}

fn push_element(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&escape(value));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// The HTML error page of the website endpoint ("Returns an HTML document" for errors, UG
/// WebsiteEndpoints "Key differences").
pub fn website_error_html(
    status_line: &str,
    code: &str,
    message: &str,
    extra: &[(&str, &str)],
    ids: &(String, String),
) -> String {
    let mut items = format!(
        "<li>Code: {}</li>\n<li>Message: {}</li>\n",
        escape(code),
        escape(message)
    );
    for (name, value) in extra {
        items.push_str(&format!("<li>{}: {}</li>\n", escape(name), escape(value)));
    }
    items.push_str(&format!(
        "<li>RequestId: {}</li>\n<li>HostId: {}</li>\n",
        escape(&ids.0),
        escape(&ids.1)
    ));
    format!(
        "<html>\n<head><title>{status_line}</title></head>\n<body>\n<h1>{status_line}</h1>\n<ul>\n{items}</ul>\n<hr/>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HeaderList;

    fn req(method: &str, url: &str) -> Request {
        Request {
            method: method.into(),
            url: url.into(),
            headers: HeaderList::new(),
        }
    }

    #[test]
    fn ids_are_deterministic_and_shaped_like_s3s() {
        let a = request_ids(&req("GET", "https://b.s3.amazonaws.com/k"));
        let b = request_ids(&req("GET", "https://b.s3.amazonaws.com/k"));
        let c = request_ids(&req("PUT", "https://b.s3.amazonaws.com/k"));
        assert_eq!(a, b);
        assert_ne!(a.0, c.0);
        assert_eq!(a.0.len(), 16);
        assert!(a
            .0
            .bytes()
            .all(|x| x.is_ascii_hexdigit() && !x.is_ascii_lowercase()));
        assert_eq!(a.1.len(), 64);
    }

    #[test]
    fn base64_matches_the_rfc_vectors() {
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn error_body_has_the_captured_shape() {
        let ids = ("RID".to_string(), "HID".to_string());
        assert_eq!(
            error_xml("AccessForbidden", "a <b>", &[("Method", "GET"), ("ResourceType", "OBJECT")], &ids),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessForbidden</Code><Message>a &lt;b&gt;</Message><Method>GET</Method><ResourceType>OBJECT</ResourceType><RequestId>RID</RequestId><HostId>HID</HostId></Error>"
        );
    }

    #[test]
    fn metadata_is_stable_per_key() {
        assert_eq!(etag("b", "k"), etag("b", "k"));
        assert_ne!(etag("b", "k"), etag("b", "k2"));
        assert_eq!(etag("b", "k").len(), 34);
        let size = object_size("b", "k");
        assert!((1024..=100 * 1024).contains(&size));
        assert_eq!(content_type_for_key("photos/cat.PNG"), "image/png");
        assert_eq!(content_type_for_key("noext"), "binary/octet-stream");
    }
}
