//! History's state in the app: the database and settings, counts per request, the entry on display, and the
//! history view's list and search. Plain data and helpers; the behaviour is in `history.rs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::core::collection::{Collection, RequestDef};
use crate::core::history::{self, HistoryConfig, HistoryError, HistoryStore, RequestRef, Summary};
pub use crate::tui::events::{EntryPurpose, HistoryEvent};
use crate::tui::text_input::TextArea;

/// Entries listed at once in the view (the newest).
pub const LIST_LIMIT: usize = 200;
/// Counted for the "history (N)" hint; more shows as "N+".
pub const COUNT_LIMIT: usize = 999;
/// How long typing must pause before a search runs.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(150);

/// What the app keeps about history between views.
pub struct HistoryState {
    pub db: PathBuf,
    pub config: Arc<HistoryConfig>,
    /// Entries per request file (up to [`COUNT_LIMIT`]), for the hint in the response pane.
    pub counts: HashMap<PathBuf, usize>,
    /// The request whose count was last asked for.
    pub(super) counted_for: Option<PathBuf>,
    /// The entry shown read-only in the response pane.
    pub viewing: Option<Viewing>,
    pub(super) generation: u64,
}

impl HistoryState {
    pub fn new(db: PathBuf, config: HistoryConfig) -> HistoryState {
        HistoryState {
            db,
            config: Arc::new(config),
            counts: HashMap::new(),
            counted_for: None,
            viewing: None,
            generation: 0,
        }
    }
}

/// A history entry on display in the response pane (valid while the pane's slot is still `slot`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewing {
    pub slot: u64,
    pub path: PathBuf,
    pub id: i64,
    pub created_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One request's history (following renames).
    Request {
        path: PathBuf,
        name: String,
    },
    All,
}

/// The history view (a full-screen overlay).
#[derive(Debug, Clone)]
pub struct HistoryView {
    pub scope: Scope,
    pub entries: Vec<Summary>,
    pub selected: usize,
    /// Entries marked with Space for Compare, oldest mark first.
    pub marked: Vec<i64>,
    pub search: TextArea,
    /// The search field has the keyboard.
    pub searching: bool,
    pub loading: bool,
    pub error: Option<String>,
    pub generation: u64,
}

impl HistoryView {
    pub fn selected_entry(&self) -> Option<&Summary> {
        self.entries.get(self.selected)
    }
}

pub(super) fn say(e: &HistoryError) -> String {
    match e.hint() {
        Some(h) => format!("{e} ({h})"),
        None => e.to_string(),
    }
}

/// How a request of the workspace is named to a job (the `RequestRef` itself is built in the job: it touches disk).
#[derive(Debug, Clone)]
pub(super) struct RequestKey {
    pub(super) root: PathBuf,
    pub(super) def: RequestDef,
    /// Another request of the collection has the same fingerprint: do not follow renames by fingerprint.
    pub(super) twins: bool,
}

impl RequestKey {
    pub(super) fn of(c: &Collection, def: &RequestDef) -> RequestKey {
        let fp = history::fingerprint(def);
        let twins = c.requests().into_iter().filter(|d| history::fingerprint(d) == fp).count() > 1;
        RequestKey {
            root: c.root.clone(),
            def: def.clone(),
            twins,
        }
    }

    pub(super) fn to_ref(&self) -> RequestRef {
        let mut r = RequestRef::from_def(&self.root, &self.def);
        if self.twins {
            r.fingerprint = None;
        }
        r
    }
}

/// Opens the database for reading; `None` when there is none yet (reading never creates it).
pub(super) fn open_existing(db: &Path) -> Result<Option<HistoryStore>, HistoryError> {
    if !db.exists() {
        return Ok(None);
    }
    HistoryStore::open(db).map(Some)
}
