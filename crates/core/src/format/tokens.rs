//! A line-at-a-time JSON tokenizer for syntax highlighting.
//!
//! After re-indentation no string spans lines, so any visible line can be tokenized on its own
//! without looking at the rest of the document: highlighting costs O(visible text), not O(body).
//! The tokenizer is lenient: anything it does not understand becomes [`JsonTokenKind::Other`].

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonTokenKind {
    /// An object key: a string followed (after optional spaces) by `:`.
    Key,
    String,
    Number,
    Bool,
    Null,
    /// `{ } [ ] , :`
    Punct,
    Whitespace,
    /// Anything unexpected (invalid JSON shown as text).
    Other,
}

/// A token; `range` is a byte range of the line, always on `char` boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonToken {
    pub kind: JsonTokenKind,
    pub range: Range<usize>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_punct(b: u8) -> bool {
    matches!(b, b'{' | b'}' | b'[' | b']' | b',' | b':')
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Splits `line` into tokens covering it completely, in order. Never panics.
pub fn tokenize_json_line(line: &str) -> Vec<JsonToken> {
    let bytes = line.as_bytes();
    let n = bytes.len();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < n {
        let start = i;
        let b = bytes[i];
        let kind = if is_space(b) {
            while i < n && is_space(bytes[i]) {
                i += 1;
            }
            JsonTokenKind::Whitespace
        } else if is_punct(b) {
            i += 1;
            JsonTokenKind::Punct
        } else if b == b'"' {
            i = string_end(bytes, i);
            let mut j = i;
            while j < n && matches!(bytes[j], b' ' | b'\t') {
                j += 1;
            }
            if j < n && bytes[j] == b':' {
                JsonTokenKind::Key
            } else {
                JsonTokenKind::String
            }
        } else if b == b'-' || b.is_ascii_digit() {
            i += 1;
            while i < n && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                i += 1;
            }
            if i < n && is_word_byte(bytes[i]) {
                i = other_end(bytes, i);
                JsonTokenKind::Other
            } else {
                JsonTokenKind::Number
            }
        } else if let Some((len, kind)) = literal_at(&bytes[i..]) {
            i += len;
            kind
        } else {
            i = other_end(bytes, i);
            JsonTokenKind::Other
        };
        // Every branch consumes at least one byte, and stops on an ASCII byte or the end, so
        // ranges stay on char boundaries.
        tokens.push(JsonToken { kind, range: start..i });
    }
    tokens
}

/// Index just past the string starting at `start` (a `"`), or the end of the line if it is not
/// closed. Escapes skip one byte; the end is always a `"` or the line end, so a char boundary.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `true`, `false` or `null` not followed by more word characters.
fn literal_at(rest: &[u8]) -> Option<(usize, JsonTokenKind)> {
    let (len, kind) = if rest.starts_with(b"true") {
        (4, JsonTokenKind::Bool)
    } else if rest.starts_with(b"false") {
        (5, JsonTokenKind::Bool)
    } else if rest.starts_with(b"null") {
        (4, JsonTokenKind::Null)
    } else {
        return None;
    };
    match rest.get(len) {
        Some(&b) if is_word_byte(b) => None,
        _ => Some((len, kind)),
    }
}

/// End of a run of unrecognised text: up to the next space, punctuation or quote.
fn other_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() && !is_space(bytes[i]) && !is_punct(bytes[i]) && bytes[i] != b'"' {
        i += 1;
    }
    // Only ASCII bytes stop the run, so `i` is on a char boundary.
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use JsonTokenKind::*;

    fn kinds(line: &str) -> Vec<(JsonTokenKind, &str)> {
        tokenize_json_line(line).into_iter().map(|t| (t.kind, &line[t.range])).collect()
    }

    #[test]
    fn pretty_lines() {
        assert_eq!(
            kinds("  \"name\": \"x\\\"y\","),
            vec![
                (Whitespace, "  "),
                (Key, "\"name\""),
                (Punct, ":"),
                (Whitespace, " "),
                (String, "\"x\\\"y\""),
                (Punct, ",")
            ]
        );
        assert_eq!(
            kinds("    -12.5e+3, true, false, null"),
            vec![
                (Whitespace, "    "),
                (Number, "-12.5e+3"),
                (Punct, ","),
                (Whitespace, " "),
                (Bool, "true"),
                (Punct, ","),
                (Whitespace, " "),
                (Bool, "false"),
                (Punct, ","),
                (Whitespace, " "),
                (Null, "null"),
            ]
        );
        assert_eq!(kinds("{}"), vec![(Punct, "{"), (Punct, "}")]);
        assert_eq!(
            kinds("\"日本\" : 1"),
            vec![(Key, "\"日本\""), (Whitespace, " "), (Punct, ":"), (Whitespace, " "), (Number, "1")]
        );
    }

    #[test]
    fn odd_lines() {
        assert_eq!(
            kinds("nullx trueish"),
            vec![(Other, "nullx"), (Whitespace, " "), (Other, "trueish")]
        );
        assert_eq!(kinds("12abc"), vec![(Other, "12abc")]);
        assert_eq!(kinds("\"open"), vec![(String, "\"open")]);
        assert_eq!(kinds("\"esc\\"), vec![(String, "\"esc\\")]);
        assert_eq!(kinds("é€😀,x"), vec![(Other, "é€😀"), (Punct, ","), (Other, "x")]);
        assert!(kinds("").is_empty());
    }

    #[test]
    fn never_panics_and_covers_the_line() {
        let samples = [
            "\"\\é\"",
            "\\",
            "\"\\",
            "-",
            "--",
            "é",
            "\u{0}\u{1}",
            "<html>",
            "{\"a\":[1,2,{\"b\":null}]}",
            "\"😀\\😀\":",
            "  ]  ",
            "1e",
            "tru",
            "n",
            "\"a\"\t:",
            "\u{feff}{",
            "'single'",
        ];
        let mut all: Vec<std::string::String> = samples.iter().map(|s| s.to_string()).collect();
        // Every prefix and suffix (on char boundaries) of every sample.
        for s in samples {
            for (i, _) in s.char_indices() {
                all.push(s[..i].to_string());
                all.push(s[i..].to_string());
            }
        }
        for line in &all {
            let tokens = tokenize_json_line(line);
            let mut pos = 0;
            for t in &tokens {
                assert_eq!(t.range.start, pos, "{line:?}");
                assert!(t.range.end > t.range.start);
                assert!(line.get(t.range.clone()).is_some(), "not on a char boundary: {line:?}");
                pos = t.range.end;
            }
            assert_eq!(pos, line.len());
        }
    }
}
