//! Windowed syntect highlighting of long documents.
//!
//! syntect needs the parser state of the previous line, so highlighting line N naively costs
//! parsing lines 0..N. [`HighlightCache`] stores the parser state every [`CHECKPOINT_INTERVAL`]
//! lines as it goes, so a window far down costs at most that many extra lines. It also keeps
//! the per-line results around the last window, so scrolling by a line highlights one line.
//! Checkpoints hold the parse state and scope stack (the `HighlightState` is rebuilt from the
//! scope stack), so they stay valid when the theme changes.

use std::collections::BTreeMap;

use syntect::highlighting::{HighlightState, Highlighter, Theme};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference};

use super::highlight::{advance, highlight_line, syntax_for, StyledSpan};
use super::kind::BodyKind;
use super::theme::theme;

/// Lines between two stored parser checkpoints.
pub const CHECKPOINT_INTERVAL: usize = 256;
/// A window further than this many lines past the last checkpoint is highlighted from a fresh
/// parser state started a little before it: approximate, but fast. Call
/// [`HighlightCache::extend_checkpoints`] when idle to make far windows exact.
pub const MAX_CATCH_UP_LINES: usize = 20_000;
const RESYNC_CONTEXT: usize = 64;
/// Per-line results are kept this many lines around the last window.
const MEMO_MARGIN: usize = 512;

#[derive(Debug, Clone)]
struct LineState {
    parse: ParseState,
    stack: ScopeStack,
}

impl LineState {
    fn new(syntax: &SyntaxReference) -> Self {
        LineState {
            parse: ParseState::new(syntax),
            stack: ScopeStack::new(),
        }
    }
}

#[derive(Debug, Clone)]
struct MemoLine {
    /// `None` for lines only parsed on the way to a window.
    spans: Option<Vec<StyledSpan>>,
    /// The state after this line.
    after: LineState,
}

/// Highlights windows of one document (one body kind, fixed content). Create a new cache when
/// the document changes; [`set_theme`](Self::set_theme) keeps the checkpoints.
#[derive(Debug, Clone)]
pub struct HighlightCache {
    syntax: Option<&'static SyntaxReference>,
    theme: &'static Theme,
    /// `checkpoints[k]` is the state before line `k * CHECKPOINT_INTERVAL`.
    checkpoints: Vec<LineState>,
    memo: BTreeMap<usize, MemoLine>,
    /// Lines run through syntect so far (for tests and diagnostics).
    parsed: u64,
}

impl HighlightCache {
    /// Unknown theme names fall back to [`DEFAULT_THEME`](super::theme::DEFAULT_THEME).
    pub fn new(kind: &BodyKind, theme_name: &str) -> Self {
        HighlightCache {
            syntax: syntax_for(kind),
            theme: theme(theme_name),
            checkpoints: Vec::new(),
            memo: BTreeMap::new(),
            parsed: 0,
        }
    }

    pub fn set_theme(&mut self, theme_name: &str) {
        self.theme = theme(theme_name);
        self.memo.clear();
    }

    /// Number of lines from the start of the document whose parser state is known exactly.
    pub fn checkpointed_lines(&self) -> usize {
        self.checkpoints.len().saturating_sub(1) * CHECKPOINT_INTERVAL
    }

    /// Highlights lines `start..start + count` (fewer at the end of the document), resuming from
    /// the nearest known state at or before `start`. `all_lines(i)` returns line `i` without its
    /// terminator, or `None` past the end.
    pub fn window(&mut self, all_lines: &dyn Fn(usize) -> Option<String>, start: usize, count: usize) -> Vec<Vec<StyledSpan>> {
        let end = start.saturating_add(count);
        let Some(syntax) = self.syntax else {
            return (start..end)
                .map_while(all_lines)
                .map(|line| vec![StyledSpan::plain(&line)])
                .collect();
        };
        if count == 0 {
            return Vec::new();
        }
        if self.checkpoints.is_empty() {
            self.checkpoints.push(LineState::new(syntax));
        }
        let k = (start / CHECKPOINT_INTERVAL).min(self.checkpoints.len() - 1);
        if start - k * CHECKPOINT_INTERVAL > MAX_CATCH_UP_LINES {
            return self.approximate_window(all_lines, start, end, syntax);
        }
        // The nearest known state: a checkpoint, or the state after a memoized line.
        let (mut line_no, mut state) = (k * CHECKPOINT_INTERVAL, None);
        if let Some((&l, _)) = self.memo.range(..start).next_back() {
            if l + 1 > line_no {
                line_no = l + 1;
            }
        }
        let highlighter = Highlighter::new(self.theme);
        let mut hstate: Option<HighlightState> = None;
        let mut out = Vec::with_capacity(count.min(4096));
        while line_no < end {
            if line_no >= start {
                if let Some(spans) = self.memo.get(&line_no).and_then(|m| m.spans.clone()) {
                    out.push(spans);
                    line_no += 1;
                    state = None;
                    hstate = None;
                    self.checkpoint(line_no, None);
                    continue;
                }
            }
            let Some(line) = all_lines(line_no) else {
                break;
            };
            // Materialise the state lazily: memo hits above need none.
            let mut current = match state.take() {
                Some(s) => s,
                None => self.state_before(line_no, syntax),
            };
            self.parsed += 1;
            let spans = if line_no < start {
                advance(&mut current.parse, &mut current.stack, &line, syntax);
                None
            } else {
                let hs = hstate.get_or_insert_with(|| HighlightState::new(&highlighter, current.stack.clone()));
                let spans = highlight_line(&mut current.parse, hs, &highlighter, &line, syntax);
                current.stack = hs.path.clone();
                out.push(spans.clone());
                Some(spans)
            };
            self.memo.insert(
                line_no,
                MemoLine {
                    spans,
                    after: current.clone(),
                },
            );
            line_no += 1;
            self.checkpoint(line_no, Some(&current));
            state = Some(current);
        }
        let keep = start.saturating_sub(MEMO_MARGIN)..end.saturating_add(MEMO_MARGIN);
        self.memo.retain(|line, _| keep.contains(line));
        out
    }

    /// The exact state before `line_no`, from the memo or the checkpoint it is on.
    fn state_before(&self, line_no: usize, syntax: &SyntaxReference) -> LineState {
        if let Some(m) = line_no.checked_sub(1).and_then(|l| self.memo.get(&l)) {
            return m.after.clone();
        }
        match self.checkpoints.get(line_no / CHECKPOINT_INTERVAL) {
            Some(c) if line_no.is_multiple_of(CHECKPOINT_INTERVAL) => c.clone(),
            // Unreachable by construction: `window` starts on a checkpoint or after a memo line.
            _ => LineState::new(syntax),
        }
    }

    /// Highlights from a fresh state a little before `start`, without touching the caches.
    fn approximate_window(
        &mut self,
        all_lines: &dyn Fn(usize) -> Option<String>,
        start: usize,
        end: usize,
        syntax: &SyntaxReference,
    ) -> Vec<Vec<StyledSpan>> {
        let mut s = LineState::new(syntax);
        for line_no in start.saturating_sub(RESYNC_CONTEXT)..start {
            let Some(line) = all_lines(line_no) else {
                return Vec::new();
            };
            advance(&mut s.parse, &mut s.stack, &line, syntax);
        }
        let highlighter = Highlighter::new(self.theme);
        let mut hs = HighlightState::new(&highlighter, s.stack);
        (start..end)
            .map_while(all_lines)
            .map(|line| highlight_line(&mut s.parse, &mut hs, &highlighter, &line, syntax))
            .collect()
    }

    /// Parses up to `max_lines` more lines past the last checkpoint (call it when idle so far
    /// windows become exact). Returns `true` once the end of the document has been reached.
    pub fn extend_checkpoints(&mut self, all_lines: &dyn Fn(usize) -> Option<String>, max_lines: usize) -> bool {
        let Some(syntax) = self.syntax else {
            return true;
        };
        if self.checkpoints.is_empty() {
            self.checkpoints.push(LineState::new(syntax));
        }
        let mut line_no = self.checkpointed_lines();
        let mut s = self.state_before(line_no, syntax);
        for _ in 0..max_lines {
            let Some(line) = all_lines(line_no) else {
                return true;
            };
            advance(&mut s.parse, &mut s.stack, &line, syntax);
            self.parsed += 1;
            line_no += 1;
            self.checkpoint(line_no, Some(&s));
        }
        false
    }

    /// Stores the state before `line_no` if it is the next checkpoint. `state: None` means
    /// "the state after the memoized line `line_no - 1`".
    fn checkpoint(&mut self, line_no: usize, state: Option<&LineState>) {
        if !line_no.is_multiple_of(CHECKPOINT_INTERVAL) || line_no / CHECKPOINT_INTERVAL != self.checkpoints.len() {
            return;
        }
        let state = match state {
            Some(s) => Some(s.clone()),
            None => self.memo.get(&(line_no - 1)).map(|m| m.after.clone()),
        };
        if let Some(s) = state {
            self.checkpoints.push(s);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::highlight::MAX_HIGHLIGHT_LINE;
    use crate::format::theme::DEFAULT_THEME;

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
    fn long_lines_stay_plain() {
        let long = format!("<a>{}</a>", "x".repeat(MAX_HIGHLIGHT_LINE));
        let out = SyntaxHighlighter::new().highlight_lines(&BodyKind::Xml, &[&long, "<a/>"], DEFAULT_THEME);
        assert_eq!(out[0], vec![StyledSpan::plain(&long)]);
        assert!(out[1].len() > 1);
    }

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

    #[test]
    fn windows_match_a_full_pass() {
        let doc = yaml_doc(2000);
        let refs: Vec<&str> = doc.iter().map(String::as_str).collect();
        let full = SyntaxHighlighter::new().highlight_lines(&BodyKind::Yaml, &refs, DEFAULT_THEME);
        let lines = |i: usize| doc.get(i).cloned();
        let mut cache = HighlightCache::new(&BodyKind::Yaml, DEFAULT_THEME);
        let windows = [
            (1000, 60),
            (10, 5),
            (1500, 600),
            (255, 3),
            (0, 1),
            (1999, 10),
            (1001, 60),
            (999, 60),
            (1040, 60),
        ];
        for (start, count) in windows {
            let window = cache.window(&lines, start, count);
            let end = (start + count).min(doc.len());
            assert_eq!(window, full[start..end], "window at {start}");
        }
        assert_eq!(cache.checkpointed_lines(), 1792);
        assert!(cache.window(&lines, 5000, 10).is_empty());
        assert!(cache.extend_checkpoints(&lines, 10_000));
        // A new theme keeps checkpoints but re-styles.
        cache.set_theme("InspiredGitHub");
        let other = cache.window(&lines, 1000, 5);
        assert_eq!(other.len(), 5);
        assert_ne!(other, full[1000..1005]);
    }

    #[test]
    fn scrolling_by_a_line_parses_one_line() {
        let doc = yaml_doc(3000);
        let lines = |i: usize| doc.get(i).cloned();
        let mut cache = HighlightCache::new(&BodyKind::Yaml, DEFAULT_THEME);
        cache.window(&lines, 2000, 60);
        assert_eq!(cache.parsed, 2060);
        cache.window(&lines, 2001, 60);
        assert_eq!(cache.parsed, 2061);
        cache.window(&lines, 2000, 60);
        assert_eq!(cache.parsed, 2061);
        cache.window(&lines, 1999, 60);
        assert_eq!(cache.parsed, 2062);
        cache.window(&lines, 1990, 60);
        assert_eq!(cache.parsed, 2071);
        // Jumping back to a checkpointed region costs at most the distance to a checkpoint.
        cache.window(&lines, 300, 60);
        assert_eq!(cache.parsed, 2071 + 44 + 60);
    }

    #[test]
    fn far_windows_resync() {
        let doc = yaml_doc(MAX_CATCH_UP_LINES + 1000);
        let lines = |i: usize| doc.get(i).cloned();
        let mut cache = HighlightCache::new(&BodyKind::Yaml, DEFAULT_THEME);
        let far = cache.window(&lines, MAX_CATCH_UP_LINES + 500, 4);
        assert_eq!(far.len(), 4);
        assert_eq!(cache.checkpointed_lines(), 0);
        assert!(!cache.extend_checkpoints(&lines, 1000));
        assert_eq!(cache.checkpointed_lines(), 768);
        let plain = HighlightCache::new(&BodyKind::Text, DEFAULT_THEME).window(&lines, 3, 2);
        assert_eq!(plain, vec![vec![StyledSpan::plain(&doc[3])], vec![StyledSpan::plain(&doc[4])]]);
    }
}
