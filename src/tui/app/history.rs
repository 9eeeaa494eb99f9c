//! History in the TUI. Every send is recorded after it completes; the history view lists, searches, opens, restores
//! and compares entries. All database work runs in `spawn_blocking` jobs that answer with `Message::History`: the
//! app state only holds what they returned, so drawing never touches the database.
//!
//! ```text
//!  send job: pipeline record (blocking) ─▶ Recorded ─▶ counts, open view re-listed
//!  Ctrl-H ─▶ List job ─▶ Listed{generation}      (a newer list or search wins; older answers are dropped)
//!  /text ─debounce─▶ SearchDue{generation} ─▶ List job
//!  Enter / r / Ctrl-R ─▶ Get job ─▶ Loaded{purpose} ─▶ response viewer (read-only) / editor (unsaved) / send
//!  c ─▶ Diff job ─▶ Compared ─▶ diff view
//! ```

use std::path::{Path, PathBuf};

pub use super::history_state::*;
use super::modal::Modal;
use super::App;
use crate::core::history::{Entry, HistoryStore, Query};
pub use crate::tui::events::{EntryPurpose, HistoryEvent};
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;
use crate::tui::text_input::TextArea;

impl App {
    /// Runs `job` off the UI thread with the database path; it answers with a history event.
    fn history_job(&mut self, job: impl FnOnce(&Path) -> HistoryEvent + Send + 'static) {
        let db = self.history.db.clone();
        let key = self.shell.jobs.unique_key();
        self.shell
            .jobs
            .blocking((JobKind::History, key), move |_| Message::History(job(&db)));
    }

    fn request_key(&self, path: &Path) -> Option<RequestKey> {
        let ci = self.workspace.collection_of(path)?;
        let c = &self.workspace.collections[ci];
        let def = match self.open.as_ref().filter(|o| o.draft.path == path) {
            Some(o) => o.original.clone(),
            None => c.find_request(path)?.clone(),
        };
        Some(RequestKey::of(c, &def))
    }

    /// Keeps the "history (N)" count of the open request current (cheap when nothing changed).
    pub(super) fn history_upkeep(&mut self) {
        let path = self.open.as_ref().map(|o| o.draft.path.clone());
        if path == self.history.counted_for {
            return;
        }
        self.history.counted_for = path.clone();
        if let Some(path) = path {
            self.count_history(&path);
        }
        if let Some(v) = &self.history.viewing {
            if self.responses.slots.get(&v.path).map(|s| s.id) != Some(v.slot) {
                self.history.viewing = None;
            }
        }
    }

    pub(super) fn count_history(&mut self, path: &Path) {
        let Some(key) = self.request_key(path) else { return };
        let path = path.to_path_buf();
        self.history_job(move |db| {
            let count = match open_existing(db) {
                Ok(Some(mut s)) => s
                    .list(&Query {
                        request: Some(key.to_ref()),
                        limit: COUNT_LIMIT + 1,
                        ..Query::default()
                    })
                    .map(|l| l.len())
                    .unwrap_or(0),
                _ => 0,
            };
            HistoryEvent::Counted { path, count }
        });
    }

    /// Ctrl-H: the open request's history (or everything when no request is open); again: toggles the scope.
    pub(super) fn open_history(&mut self, all: bool) {
        let scope = match self.open.as_ref() {
            Some(o) if !all => Scope::Request {
                path: o.draft.path.clone(),
                name: o.draft.name.clone(),
            },
            _ => Scope::All,
        };
        let view = HistoryView {
            scope,
            entries: Vec::new(),
            selected: 0,
            marked: Vec::new(),
            search: TextArea::single(""),
            searching: false,
            loading: true,
            error: None,
            generation: 0,
        };
        self.shell.modal = Some(Modal::History(Box::new(view)));
        self.relist_history();
    }

    /// Lists the entries of the open history view again (scope, search), newest answer wins.
    pub(super) fn relist_history(&mut self) {
        self.history.generation += 1;
        let generation = self.history.generation;
        let Some(Modal::History(view)) = self.shell.modal.as_mut() else {
            return;
        };
        view.generation = generation;
        view.loading = true;
        let search = view.search.text().trim().to_string();
        let request = match &view.scope {
            Scope::Request { path, .. } => {
                let path = path.clone();
                match self.request_key(&path) {
                    Some(k) => Some(k),
                    None => {
                        let gone = format!("{} is no longer in the workspace", self.workspace.rel(&path));
                        if let Some(Modal::History(view)) = self.shell.modal.as_mut() {
                            view.loading = false;
                            view.error = Some(gone);
                        }
                        return;
                    }
                }
            }
            Scope::All => None,
        };
        self.history_job(move |db| {
            let result = open_existing(db).and_then(|store| match store {
                Some(mut s) => s.list(&Query {
                    request: request.map(|k| k.to_ref()),
                    search: (!search.is_empty()).then_some(search),
                    limit: LIST_LIMIT,
                    ..Query::default()
                }),
                None => Ok(Vec::new()),
            });
            HistoryEvent::Listed {
                generation,
                result: result.map_err(|e| say(&e)),
            }
        });
    }

    /// Typing in the search field: list again once typing pauses.
    pub(super) fn schedule_history_search(&mut self) {
        self.history.generation += 1;
        let generation = self.history.generation;
        if let Some(Modal::History(view)) = self.shell.modal.as_mut() {
            view.generation = generation;
            view.loading = true;
        }
        self.shell.jobs.debounce(
            (JobKind::HistoryDebounce, 0),
            SEARCH_DEBOUNCE,
            Message::History(HistoryEvent::SearchDue { generation }),
        );
    }

    /// Loads entry `id` for `purpose`; the answer names the workspace request it belongs to.
    pub(super) fn load_history_entry(&mut self, id: i64, purpose: EntryPurpose) {
        let roots: Vec<PathBuf> = self.workspace.collections.iter().map(|c| c.root.clone()).collect();
        self.history_job(move |db| {
            let result = HistoryStore::open(db).and_then(|s| s.get(id)).map(|entry| {
                let file = locate(&entry, &roots);
                (Box::new(entry), file)
            });
            HistoryEvent::Loaded {
                purpose,
                result: result.map_err(|e| say(&e)),
            }
        });
    }

    /// Compares two entries (older first), or the last two of the view's request.
    pub(super) fn compare_history(&mut self, pair: Option<(i64, i64)>, request: Option<PathBuf>) {
        let key = request.and_then(|p| self.request_key(&p));
        self.history_job(move |db| {
            let result = HistoryStore::open(db).and_then(|mut s| {
                let pair = match (pair, key) {
                    (Some(p), _) => Some(p),
                    (None, Some(k)) => s.last_two(&k.to_ref())?,
                    (None, None) => None,
                };
                match pair {
                    Some((a, b)) => s.diff(a, b).map(Some),
                    None => Ok(None),
                }
            });
            HistoryEvent::Compared {
                result: match result {
                    Ok(Some(c)) => Ok(Box::new(c)),
                    Ok(None) => {
                        Err("this request has fewer than two entries to compare: send it again, or mark two entries with Space".into())
                    }
                    Err(e) => Err(say(&e)),
                },
            }
        });
    }

    /// After apix renamed or moved a request file or folder: its history follows.
    pub(super) fn history_follow_move(&mut self, from: &Path, to: &Path) {
        let (from, to) = (from.to_path_buf(), to.to_path_buf());
        self.history.counted_for = None;
        self.history_job(move |db| HistoryEvent::Renamed {
            result: match open_existing(db) {
                Ok(Some(mut s)) => s.rename(&from, &to).map_err(|e| say(&e)),
                Ok(None) => Ok(0),
                Err(e) => Err(say(&e)),
            },
        });
    }
}

/// The request file of `entry` inside one of the workspace's collection roots (compared canonically).
fn locate(entry: &Entry, roots: &[PathBuf]) -> Option<PathBuf> {
    let collection = entry.source.collection.as_deref()?;
    let rel = entry.source.request_path.as_deref()?;
    let canonical = Path::new(collection);
    let root = roots
        .iter()
        .find(|r| std::fs::canonicalize(r).is_ok_and(|c| c == canonical) || r.as_path() == canonical)?;
    let file = root.join(rel);
    file.is_file().then_some(file)
}
