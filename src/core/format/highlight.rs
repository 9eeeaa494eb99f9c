//! syntect highlighting for XML, HTML and YAML bodies, UI-free and windowed.
//!
//! syntect needs the parser state of the previous line, so highlighting line N naively costs
//! parsing lines 0..N (~3 MB/s). [`HighlightCache`] stores the parser state every
//! [`CHECKPOINT_INTERVAL`] lines as it goes, so a scrolled window costs at most that many
//! extra lines. Checkpoints hold the parse state and scope stack (not theme styles), so they
//! stay valid when the theme changes.

use syntect::highlighting::{FontStyle, HighlightIterator, HighlightState, Highlighter, Style, Theme};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference};

use super::sniff::BodyKind;
use super::theme::{syntax_set, theme};
pub use super::theme::{Rgb, DEFAULT_THEME};

/// Lines between two stored parser checkpoints.
pub const CHECKPOINT_INTERVAL: usize = 256;
/// Longer lines are shown unstyled and not parsed: syntect's regexes on a multi-megabyte line
/// (minified XML) would freeze the UI.
pub const MAX_HIGHLIGHT_LINE: usize = 16 * 1024;
/// A window further than this many lines past the last checkpoint is highlighted from a fresh
/// parser state started a little before it: approximate, but instant. See
/// [`HighlightCache::extend_checkpoints`] to make it exact in the background.
pub const MAX_CATCH_UP_LINES: usize = 20_000;
const RESYNC_CONTEXT: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyledSpan {
    pub text: String,
    /// `None`: the terminal's default colour.
    pub fg: Option<Rgb>,
    pub bold: bool,
    pub italic: bool,
}

impl StyledSpan {
    fn plain(text: &str) -> Self {
        StyledSpan {
            text: text.to_string(),
            fg: None,
            bold: false,
            italic: false,
        }
    }
}

/// Entry point for highlighting with the bundled syntaxes and themes (loaded lazily, shared
/// process-wide, so this handle is free to create and copy).
#[derive(Debug, Clone, Copy, Default)]
pub struct SyntaxHighlighter;

impl SyntaxHighlighter {
    pub fn new() -> Self {
        SyntaxHighlighter
    }

    /// Highlights `lines` (without line terminators) from a fresh parser state.
    pub fn highlight_lines(&self, kind: &BodyKind, lines: &[&str], theme_name: &str) -> Vec<Vec<StyledSpan>> {
        let mut cache = HighlightCache::new(kind, theme_name);
        cache.window(&|i| lines.get(i).map(|s| s.to_string()), 0, lines.len())
    }
}

fn syntax_for(kind: &BodyKind) -> Option<&'static SyntaxReference> {
    let ext = match kind {
        BodyKind::Json => "json",
        BodyKind::Xml => "xml",
        BodyKind::Html => "html",
        BodyKind::Yaml => "yaml",
        BodyKind::Text | BodyKind::Binary(_) | BodyKind::Image(_) => return None,
    };
    syntax_set().find_syntax_by_extension(ext)
}

/// Parser checkpoints for one document, so any window can be highlighted without starting
/// from line 0. Create one per document (and body kind); `set_theme` keeps the checkpoints.
#[derive(Debug, Clone)]
pub struct HighlightCache {
    syntax: Option<&'static SyntaxReference>,
    theme: &'static Theme,
    /// `checkpoints[k]` is the state before line `k * CHECKPOINT_INTERVAL`.
    checkpoints: Vec<(ParseState, ScopeStack)>,
}

impl HighlightCache {
    pub fn new(kind: &BodyKind, theme_name: &str) -> Self {
        HighlightCache {
            syntax: syntax_for(kind),
            theme: theme(theme_name),
            checkpoints: Vec::new(),
        }
    }

    pub fn set_theme(&mut self, theme_name: &str) {
        self.theme = theme(theme_name);
    }

    /// Number of lines from the start of the document whose parser state is known exactly.
    pub fn checkpointed_lines(&self) -> usize {
        self.checkpoints.len().saturating_sub(1) * CHECKPOINT_INTERVAL
    }

    /// Highlights lines `start..start + count` (fewer at the end of the document). `all_lines(i)`
    /// returns line `i` without its terminator, or `None` past the end.
    pub fn window(&mut self, all_lines: &dyn Fn(usize) -> Option<String>, start: usize, count: usize) -> Vec<Vec<StyledSpan>> {
        let Some(syntax) = self.syntax else {
            return (start..start.saturating_add(count))
                .map_while(all_lines)
                .map(|line| vec![StyledSpan::plain(&line)])
                .collect();
        };
        if self.checkpoints.is_empty() {
            self.checkpoints.push((ParseState::new(syntax), ScopeStack::new()));
        }
        let k = (start / CHECKPOINT_INTERVAL).min(self.checkpoints.len() - 1);
        let (mut line_no, mut parse, mut stack, exact) = if start - k * CHECKPOINT_INTERVAL > MAX_CATCH_UP_LINES {
            let from = start - RESYNC_CONTEXT;
            (from, ParseState::new(syntax), ScopeStack::new(), false)
        } else {
            let (p, s) = self.checkpoints[k].clone();
            (k * CHECKPOINT_INTERVAL, p, s, true)
        };
        while line_no < start {
            let Some(line) = all_lines(line_no) else {
                return Vec::new();
            };
            advance(&mut parse, &mut stack, &line, syntax);
            line_no += 1;
            if exact {
                self.checkpoint(line_no, &parse, &stack);
            }
        }
        let highlighter = Highlighter::new(self.theme);
        let mut hstate = HighlightState::new(&highlighter, stack);
        let mut out = Vec::with_capacity(count.min(4096));
        while line_no < start.saturating_add(count) {
            let Some(line) = all_lines(line_no) else {
                break;
            };
            out.push(highlight_line(&mut parse, &mut hstate, &highlighter, &line, syntax));
            line_no += 1;
            if exact {
                self.checkpoint(line_no, &parse, &hstate.path);
            }
        }
        out
    }

    /// Parses up to `max_lines` more lines past the last checkpoint (call it when idle so far
    /// windows become exact). Returns `true` once the end of the document has been reached.
    pub fn extend_checkpoints(&mut self, all_lines: &dyn Fn(usize) -> Option<String>, max_lines: usize) -> bool {
        let Some(syntax) = self.syntax else {
            return true;
        };
        let (mut parse, mut stack) = match self.checkpoints.last() {
            Some(last) => last.clone(),
            None => (ParseState::new(syntax), ScopeStack::new()),
        };
        if self.checkpoints.is_empty() {
            self.checkpoints.push((parse.clone(), stack.clone()));
        }
        let mut line_no = self.checkpointed_lines();
        for _ in 0..max_lines {
            let Some(line) = all_lines(line_no) else {
                return true;
            };
            advance(&mut parse, &mut stack, &line, syntax);
            line_no += 1;
            self.checkpoint(line_no, &parse, &stack);
        }
        false
    }

    fn checkpoint(&mut self, line_no: usize, parse: &ParseState, stack: &ScopeStack) {
        if line_no % CHECKPOINT_INTERVAL == 0 && line_no / CHECKPOINT_INTERVAL == self.checkpoints.len() {
            self.checkpoints.push((parse.clone(), stack.clone()));
        }
    }
}

/// Parses `line` and applies its scope changes to `stack`, without computing styles.
fn advance(parse: &mut ParseState, stack: &mut ScopeStack, line: &str, syntax: &SyntaxReference) {
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

fn reset(parse: &mut ParseState, stack: &mut ScopeStack, syntax: &SyntaxReference) {
    *parse = ParseState::new(syntax);
    *stack = ScopeStack::new();
}

fn with_newline(line: &str) -> String {
    let mut s = String::with_capacity(line.len() + 1);
    s.push_str(line);
    s.push('\n');
    s
}

fn highlight_line(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml_doc(lines: usize) -> Vec<String> {
        (0..lines)
            .map(|i| match i % 4 {
                0 => format!("item{i}:"),
                1 => format!("  name: \"value {i}\" # comment"),
                2 => "  text: |".to_string(),
                _ => format!("    block scalar line {i}"),
            })
            .collect()
    }

    fn text_of(line: &[StyledSpan]) -> String {
        line.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn highlights_yaml_xml_html() {
        let h = SyntaxHighlighter::new();
        let out = h.highlight_lines(&BodyKind::Yaml, &["key: \"value\"", "n: 12"], DEFAULT_THEME);
        assert_eq!(out.len(), 2);
        assert_eq!(text_of(&out[0]), "key: \"value\"");
        assert!(out[0].len() > 1, "several styles on a YAML line: {:?}", out[0]);
        let xml = h.highlight_lines(&BodyKind::Xml, &["<a href=\"x\">t</a>"], "no-such-theme");
        assert!(xml[0].len() > 2);
        let html = h.highlight_lines(&BodyKind::Html, &["<p class=\"x\">hi</p>"], DEFAULT_THEME);
        assert_eq!(text_of(&html[0]), "<p class=\"x\">hi</p>");
        let plain = h.highlight_lines(&BodyKind::Text, &["just text", ""], DEFAULT_THEME);
        assert_eq!(plain, vec![vec![StyledSpan::plain("just text")], vec![StyledSpan::plain("")]]);
    }

    #[test]
    fn windows_match_a_full_pass() {
        let doc = yaml_doc(2000);
        let refs: Vec<&str> = doc.iter().map(String::as_str).collect();
        let full = SyntaxHighlighter::new().highlight_lines(&BodyKind::Yaml, &refs, DEFAULT_THEME);
        let lines = |i: usize| doc.get(i).cloned();
        let mut cache = HighlightCache::new(&BodyKind::Yaml, DEFAULT_THEME);
        for (start, count) in [(1000, 60), (10, 5), (1500, 600), (255, 3), (0, 1), (1999, 10)] {
            let window = cache.window(&lines, start, count);
            let end = (start + count).min(doc.len());
            assert_eq!(window, full[start..end], "window at {start}");
        }
        assert_eq!(cache.checkpointed_lines(), 1792);
        assert!(cache.window(&lines, 5000, 10).is_empty());
        assert!(cache.extend_checkpoints(&lines, 10_000));
    }

    #[test]
    fn far_windows_resync_and_long_lines_stay_plain() {
        let doc = yaml_doc(MAX_CATCH_UP_LINES + 1000);
        let lines = |i: usize| doc.get(i).cloned();
        let mut cache = HighlightCache::new(&BodyKind::Yaml, DEFAULT_THEME);
        let far = cache.window(&lines, MAX_CATCH_UP_LINES + 500, 4);
        assert_eq!(far.len(), 4);
        assert_eq!(cache.checkpointed_lines(), 0);
        assert!(!cache.extend_checkpoints(&lines, 1000));
        assert_eq!(cache.checkpointed_lines(), 768);
        let long = format!("key: {}", "x".repeat(MAX_HIGHLIGHT_LINE));
        let out = SyntaxHighlighter::new().highlight_lines(&BodyKind::Xml, &[&long, "<a/>"], DEFAULT_THEME);
        assert_eq!(out[0], vec![StyledSpan::plain(&long)]);
    }
}
