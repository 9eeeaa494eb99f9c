//! Decoding bodies to text with the declared charset (encoding_rs), counting replacements so the
//! UI can say "3 invalid byte sequences replaced" instead of silently showing U+FFFD.

use encoding_rs::{DecoderResult, Encoding, UTF_8};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    pub text: String,
    /// The encoding actually used, by its canonical name ("UTF-8", "windows-1252", …).
    pub charset: String,
    /// Number of invalid sequences replaced with U+FFFD.
    pub replaced: usize,
}

/// The `charset` parameter of a Content-Type header, without quotes.
pub fn content_type_charset(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches('"').trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// Decodes `body` as text. A byte order mark wins over the declared charset (as browsers do);
/// otherwise the `charset=` parameter is used, and UTF-8 when it is missing or unknown.
pub fn decode_text(body: &[u8], content_type: Option<&str>) -> DecodedText {
    let (encoding, body) = match Encoding::for_bom(body) {
        Some((encoding, bom_len)) => (encoding, &body[bom_len..]),
        None => {
            let declared = content_type
                .and_then(content_type_charset)
                .and_then(|label| Encoding::for_label_no_replacement(label.as_bytes()));
            (declared.unwrap_or(UTF_8), body)
        }
    };
    if encoding == UTF_8 {
        if let Ok(text) = std::str::from_utf8(body) {
            return DecodedText {
                text: text.to_string(),
                charset: encoding.name().to_string(),
                replaced: 0,
            };
        }
    }
    let (text, replaced) = decode_counting(encoding, body);
    DecodedText {
        text,
        charset: encoding.name().to_string(),
        replaced,
    }
}

fn decode_counting(encoding: &'static Encoding, mut src: &[u8]) -> (String, usize) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder.max_utf8_buffer_length_without_replacement(src.len()).unwrap_or(src.len());
    let mut text = String::with_capacity(capacity);
    let mut replaced = 0;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(src, &mut text, true);
        src = src.get(read..).unwrap_or_default();
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let more = decoder
                    .max_utf8_buffer_length_without_replacement(src.len())
                    .unwrap_or(src.len())
                    .max(16);
                text.reserve(more);
            }
            DecoderResult::Malformed(_, _) => {
                replaced += 1;
                text.push('\u{FFFD}');
            }
        }
    }
    (text, replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_parameter() {
        assert_eq!(content_type_charset("text/html; charset=ISO-8859-1"), Some("ISO-8859-1".into()));
        assert_eq!(content_type_charset("text/html;CHARSET=\"utf-8\" ; q=1"), Some("utf-8".into()));
        assert_eq!(content_type_charset("application/json"), None);
        assert_eq!(content_type_charset("text/plain; charset="), None);
        assert_eq!(content_type_charset("charset=utf-8"), None);
    }

    #[test]
    fn decodes_declared_charsets() {
        let d = decode_text(b"caf\xe9", Some("text/plain; charset=iso-8859-1"));
        assert_eq!((d.text.as_str(), d.charset.as_str(), d.replaced), ("café", "windows-1252", 0));
        let d = decode_text(b"\x82\xa0", Some("text/plain; charset=Shift_JIS"));
        assert_eq!(d.text, "あ");
        let d = decode_text("日本".as_bytes(), None);
        assert_eq!((d.text.as_str(), d.charset.as_str(), d.replaced), ("日本", "UTF-8", 0));
        let d = decode_text(b"ok", Some("text/plain; charset=no-such-charset"));
        assert_eq!((d.text.as_str(), d.charset.as_str()), ("ok", "UTF-8"));
    }

    #[test]
    fn boms_win() {
        let d = decode_text(b"\xef\xbb\xbfhi", Some("text/plain; charset=latin1"));
        assert_eq!((d.text.as_str(), d.charset.as_str()), ("hi", "UTF-8"));
        let d = decode_text(b"\xff\xfeh\x00i\x00", None);
        assert_eq!((d.text.as_str(), d.charset.as_str()), ("hi", "UTF-16LE"));
        let d = decode_text(b"\xfe\xff\x00h\x00i", None);
        assert_eq!(d.text, "hi");
    }

    #[test]
    fn counts_replacements() {
        let d = decode_text(b"a\xffb\xc3(c\xe6\x97", None);
        assert_eq!(d.text, "a\u{FFFD}b\u{FFFD}(c\u{FFFD}");
        assert_eq!(d.replaced, 3);
        let d = decode_text(b"\xff\xfeh\x00\x00\xd8", None);
        assert_eq!((d.text.as_str(), d.replaced), ("h\u{FFFD}", 1));
        // Large input with errors spread out exercises the OutputFull path.
        let mut big = Vec::new();
        for _ in 0..10_000 {
            big.extend_from_slice(b"abc\x80");
        }
        assert_eq!(decode_text(&big, None).replaced, 10_000);
    }
}
