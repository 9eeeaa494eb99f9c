//! The response viewer's state per request: which tab, where it is scrolled, the search and its hits, the
//! highlighted window. Plain state: the viewer's logic is in `response.rs` and `search.rs`, its drawing in the view.

pub use crate::tui::events::{HighlightWindow, Hit};
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

/// A search of the body: hits arrive in batches from a background scan (small bodies are scanned at once).
#[derive(Debug, Clone)]
pub struct Search {
    pub query: String,
    pub hits: Vec<Hit>,
    pub current: usize,
    /// More matches exist than were collected.
    pub capped: bool,
    /// Which scan the hits come from (a new search or a re-formatted body starts another).
    pub id: u64,
    /// The scan is still going.
    pub running: bool,
    /// The view already moved to the first match.
    pub(super) jumped: bool,
    pub(crate) cancel: tokio_util::sync::CancellationToken,
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

impl ResponseView {
    /// The view for a new send of the same request: keep the tab, forget the rest.
    pub fn reset(self) -> ResponseView {
        if let Some(s) = &self.search {
            s.cancel.cancel();
        }
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
