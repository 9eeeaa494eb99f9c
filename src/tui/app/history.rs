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

use super::dialogs::Modal;
use super::draft::OpenRequest;
pub use super::history_state::*;
use super::response::Responses;
use super::shell::Shell;
use super::workspace::Workspace;
use crate::core::history::{Entry, HistoryStore, Query};
pub use crate::tui::events::{EntryPurpose, HistoryEvent};
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;
use crate::tui::text_input::TextArea;

impl HistoryState {
    /// Runs `job` off the UI thread with the database path; it answers with a history event.
    fn job(&self, shell: &mut Shell, job: impl FnOnce(&Path) -> HistoryEvent + Send + 'static) {
        let db = self.db.clone();
        let key = shell.jobs.unique_key();
        shell.jobs.blocking((JobKind::History, key), move |_| Message::History(job(&db)));
    }

    fn request_key(ws: &Workspace, open: Option<&OpenRequest>, path: &Path) -> Option<RequestKey> {
        let ci = ws.collection_of(path)?;
        let c = &ws.collections[ci];
        let def = match open.filter(|o| o.draft.path == path) {
            Some(o) => o.original.clone(),
            None => c.find_request(path)?.clone(),
        };
        Some(RequestKey::of(c, &def))
    }

    /// Keeps the "history (N)" count of the open request current (cheap when nothing changed).
    pub(super) fn upkeep(&mut self, ws: &Workspace, open: Option<&OpenRequest>, responses: &Responses, shell: &mut Shell) {
        let path = open.map(|o| o.draft.path.clone());
        if path == self.counted_for {
            return;
        }
        self.counted_for = path.clone();
        if let Some(path) = path {
            self.count(ws, open, &path, shell);
        }
        if let Some(v) = &self.viewing {
            if responses.slots.get(&v.path).map(|s| s.id) != Some(v.slot) {
                self.viewing = None;
            }
        }
    }

    pub(super) fn count(&mut self, ws: &Workspace, open: Option<&OpenRequest>, path: &Path, shell: &mut Shell) {
        let Some(key) = Self::request_key(ws, open, path) else { return };
        let path = path.to_path_buf();
        self.job(shell, move |db| {
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
    pub(super) fn open_view(&mut self, ws: &Workspace, open: Option<&OpenRequest>, all: bool, shell: &mut Shell) {
        let scope = match open {
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
        shell.modal = Some(Modal::History(Box::new(view)));
        self.relist(ws, open, shell);
    }

    /// Lists the entries of the open history view again (scope, search), newest answer wins.
    pub(super) fn relist(&mut self, ws: &Workspace, open: Option<&OpenRequest>, shell: &mut Shell) {
        self.generation += 1;
        let generation = self.generation;
        let Some(Modal::History(view)) = shell.modal.as_mut() else {
            return;
        };
        view.generation = generation;
        view.loading = true;
        let search = view.search.text().trim().to_string();
        let request = match &view.scope {
            Scope::Request { path, .. } => {
                let path = path.clone();
                match Self::request_key(ws, open, &path) {
                    Some(k) => Some(k),
                    None => {
                        let gone = format!("{} is no longer in the workspace", ws.rel(&path));
                        if let Some(Modal::History(view)) = shell.modal.as_mut() {
                            view.loading = false;
                            view.error = Some(gone);
                        }
                        return;
                    }
                }
            }
            Scope::All => None,
        };
        self.job(shell, move |db| {
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
    pub(super) fn schedule_search(&mut self, shell: &mut Shell) {
        self.generation += 1;
        let generation = self.generation;
        if let Some(Modal::History(view)) = shell.modal.as_mut() {
            view.generation = generation;
            view.loading = true;
        }
        shell.jobs.debounce(
            (JobKind::HistoryDebounce, 0),
            SEARCH_DEBOUNCE,
            Message::History(HistoryEvent::SearchDue { generation }),
        );
    }

    /// Loads entry `id` for `purpose`; the answer names the workspace request it belongs to.
    pub(super) fn load_entry(&mut self, ws: &Workspace, id: i64, purpose: EntryPurpose, shell: &mut Shell) {
        let roots: Vec<PathBuf> = ws.collections.iter().map(|c| c.root.clone()).collect();
        self.job(shell, move |db| {
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
    pub(super) fn compare(
        &mut self,
        ws: &Workspace,
        open: Option<&OpenRequest>,
        pair: Option<(i64, i64)>,
        request: Option<PathBuf>,
        shell: &mut Shell,
    ) {
        let key = request.and_then(|p| Self::request_key(ws, open, &p));
        self.job(shell, move |db| {
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
    pub(super) fn follow_move(&mut self, from: &Path, to: &Path, shell: &mut Shell) {
        let (from, to) = (from.to_path_buf(), to.to_path_buf());
        self.counted_for = None;
        self.job(shell, move |db| HistoryEvent::Renamed {
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
