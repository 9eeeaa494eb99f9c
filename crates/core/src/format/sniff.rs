//! Deciding how to show a body: declared content type first, then magic bytes, then a look at
//! the content itself when the type is missing or generic.

use super::json::Reindenter;
pub use super::kind::{BinaryInfo, BodyKind, ImageInfo};
use super::magic::detect_magic;

const OCTET_STREAM: BinaryInfo = BinaryInfo {
    mime: "application/octet-stream",
    description: "binary data",
};

/// How much of the body the content heuristics look at.
const SAMPLE: usize = 8 * 1024;
/// How much of a `{`/`[` body is validated before calling it JSON.
const JSON_SAMPLE: usize = 64 * 1024;

/// Classifies a response body. A body that starts with a known binary signature is never shown
/// as text, even when mislabelled (e.g. gzip served as `application/json`).
pub fn sniff(content_type: Option<&str>, body: &[u8]) -> BodyKind {
    let magic = detect_magic(body);
    let essence = content_type.map(media_type).unwrap_or_default();
    if let Some(kind) = declared(&essence, body) {
        return match (kind, magic) {
            (BodyKind::Image(_), Some(found @ BodyKind::Image(_))) => found,
            (kind @ BodyKind::Image(_), _) => kind,
            (_, Some(found)) => found,
            (kind, None) => kind,
        };
    }
    magic.unwrap_or_else(|| from_content(body))
}

/// The lowercase `type/subtype` without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// The kind implied by a declared media type, or `None` when it is missing or generic.
fn declared(essence: &str, body: &[u8]) -> Option<BodyKind> {
    let (top, sub) = essence.split_once('/')?;
    let kind = match (top, sub) {
        (_, "x-ndjson" | "ndjson" | "jsonl" | "x-jsonlines" | "json-seq") => BodyKind::Text,
        ("application" | "text", "json") => BodyKind::Json,
        (_, s) if s.ends_with("+json") => BodyKind::Json,
        ("text", "html") | ("application", "xhtml+xml") => BodyKind::Html,
        ("image", "svg+xml") => BodyKind::Xml,
        ("application" | "text", "xml") => BodyKind::Xml,
        (_, s) if s.ends_with("+xml") => BodyKind::Xml,
        (_, "yaml" | "x-yaml") => BodyKind::Yaml,
        (_, s) if s.ends_with("+yaml") => BodyKind::Yaml,
        ("text", "plain") if looks_like_json(body) => BodyKind::Json,
        ("text", _) => BodyKind::Text,
        (
            "application",
            "javascript" | "x-javascript" | "ecmascript" | "x-www-form-urlencoded" | "graphql" | "sql" | "toml" | "x-sh" | "csv",
        ) => BodyKind::Text,
        ("image", sub) => BodyKind::Image(ImageInfo {
            format: image_format(sub),
            width: None,
            height: None,
        }),
        ("audio" | "video" | "font", _) => BodyKind::Binary(BinaryInfo {
            mime: "application/octet-stream",
            description: match top {
                "audio" => "audio data",
                "video" => "video data",
                _ => "font data",
            },
        }),
        _ => return None,
    };
    Some(kind)
}

fn image_format(sub: &str) -> &'static str {
    match sub {
        "png" | "apng" => "PNG",
        "jpeg" | "jpg" | "pjpeg" => "JPEG",
        "gif" => "GIF",
        "webp" => "WebP",
        "avif" => "AVIF",
        "bmp" | "x-ms-bmp" => "BMP",
        "tiff" => "TIFF",
        "x-icon" | "vnd.microsoft.icon" => "ICO",
        _ => "image",
    }
}

/// Looks at the content when the type says nothing useful.
fn from_content(body: &[u8]) -> BodyKind {
    // UTF-16 text has NUL bytes but is text (charset decoding handles it).
    if body.starts_with(b"\xff\xfe") || body.starts_with(b"\xfe\xff") {
        return BodyKind::Text;
    }
    let sample = &body[..body.len().min(SAMPLE)];
    if !is_text(sample) {
        return BodyKind::Binary(OCTET_STREAM);
    }
    let start = sample.strip_prefix(b"\xef\xbb\xbf").unwrap_or(sample).trim_ascii_start();
    match start.first() {
        Some(b'{' | b'[') if looks_like_json(body) => BodyKind::Json,
        Some(b'<') => markup_kind(start),
        _ if start.starts_with(b"---") || start.starts_with(b"%YAML") => BodyKind::Yaml,
        _ => BodyKind::Text,
    }
}

/// No NUL bytes, and valid UTF-8 or at least few control characters (legacy 8-bit encodings).
fn is_text(sample: &[u8]) -> bool {
    if sample.contains(&0) {
        return false;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        // Only a character cut by the end of the sample.
        Err(e) if e.error_len().is_none() => true,
        Err(_) => {
            let controls = sample
                .iter()
                .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
                .count();
            controls * 20 < sample.len()
        }
    }
}

/// Starts with `{` or `[` and the first 64 KiB contain no JSON syntax error.
fn looks_like_json(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    if !matches!(body.trim_ascii_start().first(), Some(b'{' | b'[')) {
        return false;
    }
    let mut r = Reindenter::new(0);
    let mut scratch = Vec::new();
    let sample = &body[..body.len().min(JSON_SAMPLE)];
    if r.feed(sample, &mut scratch).is_err() {
        return false;
    }
    // A sample cut short can only be judged on what it contains.
    sample.len() < body.len() || r.finish(&mut scratch).is_ok()
}

fn markup_kind(start: &[u8]) -> BodyKind {
    let head = &start[..start.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head.starts_with("<!doctype html") || ["<html", "<head", "<body"].iter().any(|t| head.contains(t)) {
        BodyKind::Html
    } else {
        BodyKind::Xml
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types() {
        assert_eq!(sniff(Some("application/json; charset=utf-8"), b"{}"), BodyKind::Json);
        assert_eq!(sniff(Some("application/problem+json"), b"{}"), BodyKind::Json);
        assert_eq!(sniff(Some("application/vnd.api+json"), b"not json"), BodyKind::Json);
        assert_eq!(sniff(Some("application/x-ndjson"), b"{}\n{}"), BodyKind::Text);
        assert_eq!(sniff(Some("Text/HTML"), b"<p>"), BodyKind::Html);
        assert_eq!(sniff(Some("application/atom+xml"), b"<feed/>"), BodyKind::Xml);
        assert_eq!(sniff(Some("image/svg+xml"), b"<svg/>"), BodyKind::Xml);
        assert_eq!(sniff(Some("application/x-yaml"), b"a: 1"), BodyKind::Yaml);
        assert_eq!(sniff(Some("text/csv"), b"a,b"), BodyKind::Text);
        assert_eq!(sniff(Some("text/plain"), b" [1, 2]"), BodyKind::Json);
        assert_eq!(sniff(Some("text/plain"), b"[1, 2"), BodyKind::Text);
        assert_eq!(sniff(Some("text/plain"), b"{oops}"), BodyKind::Text);
    }

    #[test]
    fn magic_wins_over_a_wrong_textual_type() {
        let gz = b"\x1f\x8b\x08\x00\x00\x00\x00\x00";
        assert!(matches!(
            sniff(Some("application/json"), gz),
            BodyKind::Binary(BinaryInfo {
                mime: "application/gzip",
                ..
            })
        ));
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x03";
        let expected = BodyKind::Image(ImageInfo {
            format: "PNG",
            width: Some(2),
            height: Some(3),
        });
        assert_eq!(sniff(Some("image/jpeg"), png), expected);
        assert_eq!(sniff(Some("application/octet-stream"), png), expected);
        assert_eq!(sniff(None, png), expected);
        assert_eq!(expected.label(), "PNG image, 2×3");
        assert_eq!(
            sniff(Some("image/webp"), b"garbage"),
            BodyKind::Image(ImageInfo {
                format: "WebP",
                width: None,
                height: None
            })
        );
    }

    #[test]
    fn content_heuristics() {
        assert_eq!(sniff(None, b"  {\"a\": [1, 2]}\n"), BodyKind::Json);
        assert_eq!(sniff(Some("application/octet-stream"), b"[1,2]"), BodyKind::Json);
        assert_eq!(sniff(None, b"\xef\xbb\xbf{\"a\":1}"), BodyKind::Json);
        assert_eq!(sniff(None, b"{not json"), BodyKind::Text);
        assert_eq!(sniff(None, b"<?xml version=\"1.0\"?><a/>"), BodyKind::Xml);
        assert_eq!(sniff(None, b"<!DOCTYPE html><html></html>"), BodyKind::Html);
        assert_eq!(sniff(None, b"---\na: 1\n"), BodyKind::Yaml);
        assert_eq!(sniff(None, b"hello world"), BodyKind::Text);
        assert_eq!(sniff(None, b""), BodyKind::Text);
        assert_eq!(sniff(None, b"caf\xe9 latin-1 text"), BodyKind::Text);
        assert_eq!(sniff(None, b"\xff\xfeh\x00i\x00"), BodyKind::Text);
        assert_eq!(sniff(None, b"abc\x00def"), BodyKind::Binary(OCTET_STREAM));
        assert_eq!(
            sniff(Some("application/x-whatever"), b"\x01\x02\x03\x04\x05\x81\x82"),
            BodyKind::Binary(OCTET_STREAM)
        );
        // A large JSON document is judged on its first 64 KiB.
        let big = format!("[{}1]", "1,".repeat(100_000));
        assert_eq!(sniff(None, big.as_bytes()), BodyKind::Json);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut x: u32 = 1;
        for len in 0..300 {
            let body: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect();
            for ct in [None, Some("text/plain"), Some("image/png"), Some(";;"), Some("/")] {
                let _ = sniff(ct, &body);
            }
        }
    }
}
