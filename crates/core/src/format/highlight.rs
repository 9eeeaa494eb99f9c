//! syntect highlighting for XML, HTML and YAML bodies, UI-free and per line.
//!
//! syntect runs at a few MB/s at best (~0.3 MB/s for YAML with fancy-regex), so it only ever
//! sees visible lines: `SyntaxHighlighter::highlight_lines` (in `cache`) for a one-off list of lines, and
//! `HighlightCache` to highlight any window of a long document.

use syntect::highlighting::{FontStyle, HighlightIterator, HighlightState, Highlighter, Style};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference};

use super::kind::BodyKind;
use super::theme::syntax_set;
pub use super::theme::{Rgb, DEFAULT_THEME};

/// Longer lines are shown unstyled and not parsed: syntect's regexes on a multi-megabyte line
/// (minified XML) would freeze the UI.
pub const MAX_HIGHLIGHT_LINE: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyledSpan {
    pub text: String,
    /// `None`: the terminal's default colour.
    pub fg: Option<Rgb>,
    pub bold: bool,
    pub italic: bool,
}

impl StyledSpan {
    /// Text in the terminal's default style.
    pub fn plain(text: &str) -> Self {
        StyledSpan {
            text: text.to_string(),
            fg: None,
            bold: false,
            italic: false,
        }
    }
}

pub(crate) fn syntax_for(kind: &BodyKind) -> Option<&'static SyntaxReference> {
    let ext = match kind {
        BodyKind::Json => "json",
        BodyKind::Xml => "xml",
        BodyKind::Html => "html",
        BodyKind::Yaml => "yaml",
        BodyKind::Text | BodyKind::Binary(_) | BodyKind::Image(_) => return None,
    };
    syntax_set().find_syntax_by_extension(ext)
}

/// Parses `line` and applies its scope changes to `stack`, without computing styles.
pub(crate) fn advance(parse: &mut ParseState, stack: &mut ScopeStack, line: &str, syntax: &SyntaxReference) {
    if line.len() > MAX_HIGHLIGHT_LINE {
        return;
    }
    match parse.parse_line(&with_newline(line), syntax_set()) {
        Ok(ops) => {
            for (_, op) in &ops {
                let _ = stack.apply(op);
            }
        }
        Err(_) => reset(parse, stack, syntax),
    }
}

pub(crate) fn reset(parse: &mut ParseState, stack: &mut ScopeStack, syntax: &SyntaxReference) {
    *parse = ParseState::new(syntax);
    *stack = ScopeStack::new();
}

fn with_newline(line: &str) -> String {
    let mut s = String::with_capacity(line.len() + 1);
    s.push_str(line);
    s.push('\n');
    s
}

pub(crate) fn highlight_line(
    parse: &mut ParseState,
    hstate: &mut HighlightState,
    highlighter: &Highlighter<'_>,
    line: &str,
    syntax: &SyntaxReference,
) -> Vec<StyledSpan> {
    if line.len() > MAX_HIGHLIGHT_LINE {
        return vec![StyledSpan::plain(line)];
    }
    let text = with_newline(line);
    let ops = match parse.parse_line(&text, syntax_set()) {
        Ok(ops) => ops,
        Err(_) => {
            let mut stack = ScopeStack::new();
            reset(parse, &mut stack, syntax);
            *hstate = HighlightState::new(highlighter, stack);
            return vec![StyledSpan::plain(line)];
        }
    };
    let mut spans: Vec<StyledSpan> = Vec::new();
    for (style, piece) in HighlightIterator::new(hstate, &ops, &text, highlighter) {
        let piece = piece.strip_suffix('\n').unwrap_or(piece);
        if piece.is_empty() {
            continue;
        }
        let span = styled(style, piece);
        match spans.last_mut() {
            Some(last) if (last.fg, last.bold, last.italic) == (span.fg, span.bold, span.italic) => last.text.push_str(piece),
            _ => spans.push(span),
        }
    }
    spans
}

fn styled(style: Style, text: &str) -> StyledSpan {
    StyledSpan {
        text: text.to_string(),
        fg: Some(style.foreground.into()),
        bold: style.font_style.contains(FontStyle::BOLD),
        italic: style.font_style.contains(FontStyle::ITALIC),
    }
}
