//! Everything the TUI draws goes through here: text from servers (bodies, headers, reason phrases, errors) and from
//! cloned files (names, URLs, keys) with control, bidi and invisible format characters shown visibly by the core's
//! one sanitiser (`\x1b`, `\u{202e}`, …), so nothing drawn can act on the terminal or disguise what it says.
//! ratatui would drop a control character silently and pass a bidi override through; this shows both.

use std::borrow::Cow;

use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;

use crate::core::sanitize::visible_line;

/// A span with its text made visible (borrowed unchanged when it is clean, the common case).
pub fn span(mut s: Span<'_>) -> Span<'_> {
    if let Cow::Owned(v) = visible_line(&s.content) {
        s.content = Cow::Owned(v);
    }
    s
}

/// A line with every span made visible.
pub fn line(mut l: Line<'_>) -> Line<'_> {
    l.spans = l.spans.into_iter().map(span).collect();
    l
}

/// Text with every span made visible.
pub fn text<'a>(t: impl Into<Text<'a>>) -> Text<'a> {
    let mut t = t.into();
    t.lines = t.lines.into_iter().map(line).collect();
    t
}

/// A paragraph of visible text: the way every view builds one.
pub fn para<'a>(t: impl Into<Text<'a>>) -> Paragraph<'a> {
    Paragraph::new(text(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_shown_and_clean_text_is_borrowed() {
        let t = text(Line::from(vec![
            Span::raw("ok "),
            Span::raw("\u{1b}]2;pwned\u{7}"),
            Span::raw("\u{202e}moc"),
        ]));
        let shown: String = t.lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(!shown.chars().any(crate::core::sanitize::is_unsafe), "{shown:?}");
        assert!(shown.contains("\\x1b]2;pwned\\x07"), "{shown}");
        assert!(shown.contains("\\u{202e}moc"), "{shown}");
        assert!(matches!(t.lines[0].spans[0].content, Cow::Borrowed(_)));
    }
}
