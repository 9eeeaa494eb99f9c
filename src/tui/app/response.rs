//! Reading a response: tabs, scrolling (vertical and horizontal), wrap, search with n/N, the raw error detail.
//! Syntax highlighting for XML/HTML/YAML keeps its parser checkpoints here so a scrolled window is cheap.

use super::body::{BodyDoc, TextDoc};
use super::send::RequestState;
use super::{App, Level};
use crate::core::format::{hex_line_count, BodyKind, HighlightCache, StyledSpan};
use crate::tui::action::Action;
use crate::tui::text_input::TextArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseTab {
    Body,
    Headers,
    Timing,
    Redirects,
}

impl ResponseTab {
    pub const ALL: [ResponseTab; 4] = [ResponseTab::Body, ResponseTab::Headers, ResponseTab::Timing, ResponseTab::Redirects];

    pub fn step(self, delta: isize) -> ResponseTab {
        let i = ResponseTab::ALL.iter().position(|t| *t == self).unwrap_or(0) as isize;
        ResponseTab::ALL[(i + delta).rem_euclid(4) as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub line: usize,
    /// Byte range within the line.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    pub hits: Vec<Hit>,
    pub current: usize,
    /// More matches exist than were collected.
    pub capped: bool,
}

/// Highlighted lines for the visible window of a syntect-highlighted body.
#[derive(Debug, Clone)]
pub struct HighlightWindow {
    pub cache: HighlightCache,
    pub start: usize,
    pub lines: Vec<Vec<StyledSpan>>,
}

#[derive(Debug, Clone)]
pub struct ResponseView {
    pub tab: ResponseTab,
    pub scroll: usize,
    pub hscroll: usize,
    /// Show the raw error detail under a failure.
    pub detail: bool,
    pub search: Option<Search>,
    pub search_input: Option<TextArea>,
    pub highlight: Option<HighlightWindow>,
}

impl Default for ResponseView {
    fn default() -> Self {
        ResponseView {
            tab: ResponseTab::Body,
            scroll: 0,
            hscroll: 0,
            detail: false,
            search: None,
            search_input: None,
            highlight: None,
        }
    }
}

const MAX_HITS: usize = 100_000;

impl ResponseView {
    /// The view for a new send of the same request: keep the tab, forget the rest.
    pub fn reset(self) -> ResponseView {
        ResponseView {
            tab: self.tab,
            ..ResponseView::default()
        }
    }

    pub fn set_tab(&mut self, tab: ResponseTab) {
        if self.tab != tab {
            self.tab = tab;
            self.scroll = 0;
            self.hscroll = 0;
        }
    }
}

/// All matches of `query` in `doc` (smart case: case-insensitive unless the query has a capital letter).
pub fn find_all(doc: &TextDoc, query: &str) -> (Vec<Hit>, bool) {
    let mut hits = Vec::new();
    if query.is_empty() {
        return (hits, false);
    }
    let sensitive = query.chars().any(|c| c.is_uppercase());
    let needle: Vec<u8> = if sensitive {
        query.as_bytes().to_vec()
    } else {
        query.to_lowercase().into_bytes()
    };
    let hay = doc.text.as_bytes();
    let n = needle.len();
    if n == 0 || n > hay.len() {
        return (hits, false);
    }
    let first = needle[0];
    let eq = |a: u8, b: u8| if sensitive { a == b } else { a.to_ascii_lowercase() == b };
    let mut i = 0;
    while i + n <= hay.len() {
        if eq(hay[i], first) && hay[i..i + n].iter().zip(&needle).all(|(a, b)| eq(*a, *b)) {
            let line = doc.line_of(i);
            let ls = doc.line_start(line);
            hits.push(Hit {
                line,
                start: i - ls,
                end: i - ls + n,
            });
            if hits.len() >= MAX_HITS {
                return (hits, true);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    (hits, false)
}

impl App {
    /// Lines in the current response tab (for scroll limits).
    pub fn response_line_count(&self) -> usize {
        let Some(slot) = self.current_slot() else { return 0 };
        let RequestState::Done(done) = &slot.state else {
            return if slot.view.detail { 40 } else { 0 };
        };
        let r = &done.exchange.response;
        match slot.view.tab {
            ResponseTab::Body => {
                let extra = crate::tui::view::body::preamble_lines(done).len();
                extra
                    + match &done.body {
                        BodyDoc::Empty => 1,
                        BodyDoc::Text(doc) => doc.line_count(),
                        BodyDoc::Hex { .. } => hex_line_count(r.body.len()),
                    }
            }
            ResponseTab::Headers => r.headers.len() + done.exchange.request.headers.len() + 4,
            ResponseTab::Timing => 12,
            ResponseTab::Redirects => r.redirects.len() + 2,
        }
    }

    pub(super) fn response_action(&mut self, action: Action) {
        let height = (self.areas.response_body.height as usize).max(1);
        let max = self.response_line_count().saturating_sub(height);
        let wrap = self.wrap;
        match action {
            Action::Search => {
                if let Some(slot) = self.current_slot_mut() {
                    let previous = slot.view.search.as_ref().map(|s| s.query.clone()).unwrap_or_default();
                    slot.view.set_tab(ResponseTab::Body);
                    slot.view.search_input = Some(TextArea::single(&previous));
                }
                return;
            }
            Action::SearchNext | Action::SearchPrev => {
                self.step_search(if action == Action::SearchNext { 1 } else { -1 });
                return;
            }
            Action::ToggleWrap => {
                self.wrap = !self.wrap;
                if let Some(slot) = self.current_slot_mut() {
                    slot.view.hscroll = 0;
                }
                let state = if self.wrap { "on" } else { "off" };
                self.notify(Level::Info, format!("Line wrap {state}"));
                return;
            }
            _ => {}
        }
        let Some(slot) = self.current_slot_mut() else { return };
        let v = &mut slot.view;
        match action {
            Action::Up => v.scroll = v.scroll.saturating_sub(1),
            Action::Down => v.scroll = (v.scroll + 1).min(max),
            Action::Top => v.scroll = 0,
            Action::Bottom => v.scroll = max,
            Action::HalfPageDown => v.scroll = (v.scroll + height / 2).min(max),
            Action::HalfPageUp => v.scroll = v.scroll.saturating_sub(height / 2),
            Action::PageDown => v.scroll = (v.scroll + height).min(max),
            Action::PageUp => v.scroll = v.scroll.saturating_sub(height),
            Action::Left | Action::PrevTab => v.set_tab(v.tab.step(-1)),
            Action::Right | Action::NextTab => v.set_tab(v.tab.step(1)),
            Action::ScrollLeft => v.hscroll = v.hscroll.saturating_sub(8),
            Action::ScrollRight if !wrap => v.hscroll += 8,
            Action::ToggleDetail => {
                if matches!(slot.state, RequestState::Failed(_)) {
                    slot.view.detail = !slot.view.detail;
                }
            }
            _ => {}
        }
    }

    fn current_text_doc(&self) -> Option<std::sync::Arc<TextDoc>> {
        match &self.current_slot()?.state {
            RequestState::Done(d) => match &d.body {
                BodyDoc::Text(doc) => Some(doc.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// Enter in the search field.
    pub(super) fn run_search(&mut self) {
        let query = match self.current_slot_mut().and_then(|s| s.view.search_input.take()) {
            Some(input) => input.text(),
            None => return,
        };
        if query.is_empty() {
            if let Some(s) = self.current_slot_mut() {
                s.view.search = None;
            }
            return;
        }
        let Some(doc) = self.current_text_doc() else {
            self.notify(Level::Info, "Search works on text bodies");
            return;
        };
        let (hits, capped) = find_all(&doc, &query);
        let preamble = self.current_preamble_len();
        let Some(slot) = self.current_slot_mut() else { return };
        let scroll = slot.view.scroll.saturating_sub(preamble);
        let current = hits.iter().position(|h| h.line >= scroll).unwrap_or(0);
        let count = hits.len();
        slot.view.search = Some(Search {
            query: query.clone(),
            hits,
            current,
            capped,
        });
        if count == 0 {
            self.notify(Level::Warning, format!("No match for `{query}`"));
        } else {
            self.step_search(0);
        }
    }

    /// The body was re-formatted: the old hits point at the preview's lines.
    pub(super) fn run_search_again(&mut self) {
        let Some(query) = self.current_slot().and_then(|s| s.view.search.as_ref()).map(|s| s.query.clone()) else {
            return;
        };
        if let Some(s) = self.current_slot_mut() {
            s.view.search_input = Some(TextArea::single(&query));
        }
        self.run_search();
    }

    fn current_preamble_len(&self) -> usize {
        match self.current_slot().map(|s| &s.state) {
            Some(RequestState::Done(d)) => crate::tui::view::body::preamble_lines(d).len(),
            _ => 0,
        }
    }

    fn step_search(&mut self, delta: isize) {
        let height = (self.areas.response_body.height as usize).max(1);
        let preamble = self.current_preamble_len();
        let Some(slot) = self.current_slot_mut() else { return };
        let Some(search) = slot.view.search.as_mut() else {
            self.notify(Level::Info, "Press / to search the body");
            return;
        };
        if search.hits.is_empty() {
            return;
        }
        let n = search.hits.len() as isize;
        search.current = (search.current as isize + delta).rem_euclid(n) as usize;
        let hit = search.hits[search.current];
        let total = search.hits.len();
        let index = search.current + 1;
        let capped = if search.capped { "+" } else { "" };
        let line = hit.line + preamble;
        if line < slot.view.scroll || line >= slot.view.scroll + height {
            slot.view.scroll = line.saturating_sub(height / 3);
        }
        if !self.wrap {
            let col = hit.start;
            let width = self.areas.response_body.width.saturating_sub(8) as usize;
            if let Some(slot) = self.current_slot_mut() {
                if col < slot.view.hscroll || col >= slot.view.hscroll + width.max(1) {
                    slot.view.hscroll = col.saturating_sub(width / 3);
                }
            }
        }
        self.notify(Level::Info, format!("Match {index} of {total}{capped}"));
    }

    /// Highlights the visible window of an XML/HTML/YAML body (syntect), reusing parser checkpoints.
    pub(crate) fn prepare_highlight(&mut self, height: usize) {
        let theme = self.styles.syntax_theme.clone();
        let no_color = self.styles.json_colors().is_none();
        let Some(path) = self.open.as_ref().map(|o| o.draft.path.clone()) else {
            return;
        };
        let Some(slot) = self.slots.get_mut(&path) else { return };
        let RequestState::Done(done) = &slot.state else { return };
        let BodyDoc::Text(doc) = &done.body else { return };
        if no_color || !matches!(doc.kind, BodyKind::Xml | BodyKind::Html | BodyKind::Yaml) || slot.view.tab != ResponseTab::Body {
            return;
        }
        let preamble = crate::tui::view::body::preamble_lines(done).len();
        let start = slot.view.scroll.saturating_sub(preamble);
        let count = height + 1;
        if let Some(w) = &slot.view.highlight {
            if w.start == start && w.lines.len() >= count.min(doc.line_count().saturating_sub(start)) {
                return;
            }
        }
        let mut cache = match slot.view.highlight.take() {
            Some(w) => w.cache,
            None => HighlightCache::new(&doc.kind, &theme),
        };
        let doc = doc.clone();
        let lines = cache.window(&|i| doc.line(i).map(str::to_string), start, count);
        slot.view.highlight = Some(HighlightWindow { cache, start, lines });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_is_smart_case() {
        let doc = TextDoc::new("Alpha beta\nalpha ALPHA\n".into(), BodyKind::Text, None);
        assert_eq!(find_all(&doc, "alpha").0.len(), 3);
        let (hits, _) = find_all(&doc, "ALPHA");
        assert_eq!(
            hits,
            vec![Hit {
                line: 1,
                start: 6,
                end: 11
            }]
        );
    }
}
