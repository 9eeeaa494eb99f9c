//! Response bodies as documents of lines. Formatting (JSON re-indenting, charset decoding) runs in `spawn_blocking`;
//! until it is done the viewer shows a plain preview of the first part, so the first screen is readable at once.

use bytes::Bytes;

use crate::core::format::{decode_text, reindent, sniff, BodyKind};

/// Bodies are previewed as plain text up to this size while the full document is prepared.
const PREVIEW_BYTES: usize = 64 * 1024;

/// Text split into lines, with the byte offset of each line start: any line is an O(1) slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextDoc {
    pub text: String,
    starts: Vec<usize>,
    pub kind: BodyKind,
    /// Still being formatted in the background (this is a preview).
    pub pending: bool,
    /// Something worth saying above the body ("not valid JSON at 3:14 …", "2 invalid byte sequences replaced").
    pub note: Option<String>,
}

impl TextDoc {
    pub fn new(text: String, kind: BodyKind, note: Option<String>) -> TextDoc {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()));
        if starts.len() > 1 && starts.last() == Some(&text.len()) {
            // A trailing newline does not make an extra empty line.
            starts.pop();
        }
        TextDoc {
            text,
            starts,
            kind,
            pending: false,
            note,
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Line `i` without its line terminator.
    pub fn line(&self, i: usize) -> Option<&str> {
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map(|e| e - 1).unwrap_or(self.text.len());
        let line = self.text.get(start..end.max(start))?;
        let line = line.strip_suffix('\n').unwrap_or(line);
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// The line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn line_start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(self.text.len())
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1)
}

/// What the Body tab shows.
#[derive(Debug, Clone)]
pub enum BodyDoc {
    Empty,
    Text(std::sync::Arc<TextDoc>),
    /// Binary data and images: a summary line and a hex dump of the bytes.
    Hex {
        kind: BodyKind,
    },
}

impl BodyDoc {
    pub fn is_pending(&self) -> bool {
        matches!(self, BodyDoc::Text(d) if d.pending)
    }
}

/// The immediate view of a body, and whether a full formatting job should follow.
pub fn preview(content_type: Option<&str>, body: &Bytes) -> (BodyDoc, bool) {
    if body.is_empty() {
        return (BodyDoc::Empty, false);
    }
    let kind = sniff(content_type, body);
    if !kind.is_text() {
        return (BodyDoc::Hex { kind }, false);
    }
    let small = body.len() <= PREVIEW_BYTES;
    if small && kind != BodyKind::Json {
        return (BodyDoc::Text(std::sync::Arc::new(format_text(content_type, body, kind))), false);
    }
    let head = &body[..body.len().min(PREVIEW_BYTES)];
    let mut doc = TextDoc::new(String::from_utf8_lossy(head).into_owned(), BodyKind::Text, None);
    doc.pending = true;
    (BodyDoc::Text(std::sync::Arc::new(doc)), true)
}

/// The full document: JSON re-indented (never parsed into a tree), other text decoded with its charset.
/// Meant for `spawn_blocking`.
pub fn format_full(content_type: Option<&str>, body: &Bytes) -> TextDoc {
    let kind = sniff(content_type, body);
    if kind == BodyKind::Json {
        return match reindent(body, 2) {
            Ok(pretty) => {
                let text = match String::from_utf8(pretty) {
                    Ok(s) => s,
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                };
                TextDoc::new(text, BodyKind::Json, None)
            }
            Err(e) => {
                let mut doc = format_text(content_type, body, BodyKind::Text);
                doc.note = Some(format!(
                    "Not valid JSON at line {}, column {}: {}. Shown as received.",
                    e.line, e.column, e.message
                ));
                doc
            }
        };
    }
    format_text(content_type, body, kind)
}

fn format_text(content_type: Option<&str>, body: &Bytes, kind: BodyKind) -> TextDoc {
    let decoded = decode_text(body, content_type);
    let note = (decoded.replaced > 0).then(|| {
        format!(
            "{} invalid byte sequence{} replaced with � (decoded as {}).",
            decoded.replaced,
            if decoded.replaced == 1 { "" } else { "s" },
            decoded.charset
        )
    });
    TextDoc::new(decoded.text, kind, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_slices() {
        let d = TextDoc::new("a\r\nbb\n\nccc\n".into(), BodyKind::Text, None);
        assert_eq!(d.line_count(), 4);
        assert_eq!(d.line(0), Some("a"));
        assert_eq!(d.line(2), Some(""));
        assert_eq!(d.line(3), Some("ccc"));
        assert_eq!(d.line(4), None);
        assert_eq!(d.line_of(4), 1);
    }

    #[test]
    fn json_is_reindented_and_bad_json_says_where() {
        let d = format_full(Some("application/json"), &Bytes::from_static(b"{\"a\":[1,2]}"));
        assert_eq!(d.kind, BodyKind::Json);
        assert_eq!(d.line(1), Some("  \"a\": ["));
        let d = format_full(Some("application/json"), &Bytes::from_static(b"{\"a\":\n  nope}"));
        assert!(d.note.unwrap_or_default().starts_with("Not valid JSON at line 2"));
    }

    #[test]
    fn binary_bodies_become_hex() {
        let (doc, more) = preview(Some("application/octet-stream"), &Bytes::from_static(&[0, 1, 2, 0xff, 0xfe]));
        assert!(matches!(doc, BodyDoc::Hex { .. }));
        assert!(!more);
    }
}
