//! ANSI colouring of pretty-printed JSON for the CLI, built on the line tokenizer.

use super::tokens::{tokenize_json_line, JsonTokenKind};

/// SGR parameters (the part between `ESC[` and `m`) per token kind; an empty string means
/// "no styling". Basic 16-colour codes so every terminal theme stays readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsiPalette {
    pub key: String,
    pub string: String,
    pub number: String,
    pub boolean: String,
    pub null: String,
    pub punct: String,
    pub other: String,
}

impl Default for AnsiPalette {
    /// Keys blue bold, strings green, numbers cyan, booleans and null magenta, punctuation dim.
    fn default() -> Self {
        AnsiPalette {
            key: "1;34".into(),
            string: "32".into(),
            number: "36".into(),
            boolean: "35".into(),
            null: "35".into(),
            punct: "2".into(),
            other: String::new(),
        }
    }
}

impl AnsiPalette {
    /// No escape codes at all (for `NO_COLOR`, pipes and files).
    pub fn none() -> Self {
        AnsiPalette {
            key: String::new(),
            string: String::new(),
            number: String::new(),
            boolean: String::new(),
            null: String::new(),
            punct: String::new(),
            other: String::new(),
        }
    }

    fn code(&self, kind: JsonTokenKind) -> &str {
        match kind {
            JsonTokenKind::Key => &self.key,
            JsonTokenKind::String => &self.string,
            JsonTokenKind::Number => &self.number,
            JsonTokenKind::Bool => &self.boolean,
            JsonTokenKind::Null => &self.null,
            JsonTokenKind::Punct => &self.punct,
            JsonTokenKind::Other => &self.other,
            JsonTokenKind::Whitespace => "",
        }
    }

    fn is_plain(&self) -> bool {
        [
            &self.key,
            &self.string,
            &self.number,
            &self.boolean,
            &self.null,
            &self.punct,
            &self.other,
        ]
        .iter()
        .all(|c| c.is_empty())
    }
}

/// Colours `pretty` (re-indented JSON, or any text: unknown tokens pass through unstyled).
/// Every styled token is reset right after it, so a cut-off output never leaks colour.
pub fn highlight_json_ansi(pretty: &str, palette: &AnsiPalette) -> String {
    if palette.is_plain() {
        return pretty.to_string();
    }
    let mut out = String::with_capacity(pretty.len() * 2);
    for line in pretty.split_inclusive('\n') {
        for token in tokenize_json_line(line) {
            let text = line.get(token.range).unwrap_or_default();
            let code = palette.code(token.kind);
            if code.is_empty() {
                out.push_str(text);
            } else {
                out.push_str("\x1b[");
                out.push_str(code);
                out.push('m');
                out.push_str(text);
                out.push_str("\x1b[0m");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip_sgr(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn default_palette_colours_tokens() {
        let pretty = "{\n  \"a\": \"x\",\n  \"n\": [1, true, null]\n}";
        let out = highlight_json_ansi(pretty, &AnsiPalette::default());
        assert!(out.contains("\x1b[1;34m\"a\"\x1b[0m"));
        assert!(out.contains("\x1b[32m\"x\"\x1b[0m"));
        assert!(out.contains("\x1b[36m1\x1b[0m"));
        assert!(out.contains("\x1b[35mtrue\x1b[0m"));
        assert!(out.contains("\x1b[35mnull\x1b[0m"));
        assert!(out.contains("\x1b[2m{\x1b[0m"));
        assert_eq!(strip_sgr(&out), pretty);
    }

    #[test]
    fn none_palette_is_identity() {
        let text = "{\n  \"é\": 1\n}\nnot json ☃";
        assert_eq!(highlight_json_ansi(text, &AnsiPalette::none()), text);
        assert_eq!(strip_sgr(&highlight_json_ansi(text, &AnsiPalette::default())), text);
    }
}
