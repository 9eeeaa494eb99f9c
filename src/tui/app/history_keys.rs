//! Keys of the history view and the diff view, and what an entry does once it is loaded: open it read-only in the
//! response viewer, restore it into the editor (unsaved), or send it again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent};

use super::dialogs::Modal;
use super::draft::OpenRequest;
use super::history::{EntryPurpose, HistoryEvent, HistoryView, Scope};
use super::history_diff::DiffView;
use super::history_state::HistoryState;
use super::shell::Shell;
use super::target::SendTarget;
use super::workspace::Workspace;
use crate::core::collection::{Body, RequestDef};
use crate::core::history::{Comparison, Entry, RecordOutcome};
use crate::core::http::{self, HttpError, PreparedBody};
use crate::core::pipeline::Mode;
use crate::core::template::MASK;
use crate::tui::action::Action;
use crate::tui::events::Level;
use crate::tui::jobs::JobKind;
use crate::tui::keymap::{Context, KeyCombo};
use crate::tui::message::Message;
use crate::tui::text_input::InputOutcome;

impl HistoryState {
    /// Answers of history jobs: counts, lists (the newest wins), comparisons. A loaded entry or a restored draft
    /// concerns the editor and the viewer too: the App routes those (`Loaded`, `Restored`) itself.
    pub(super) fn update(&mut self, ev: HistoryEvent, ws: &Workspace, open: Option<&OpenRequest>, shell: &mut Shell) {
        shell.redraw = true;
        match ev {
            HistoryEvent::Recorded { path, result } => match result {
                Ok(RecordOutcome::Recorded { .. }) => {
                    if open.is_some_and(|o| o.draft.path == path) {
                        self.count(ws, open, &path, shell);
                    }
                    if matches!(shell.modal, Some(Modal::History(_))) {
                        self.relist(ws, open, shell);
                    }
                }
                Ok(_) => {}
                Err(e) => shell.notify(Level::Warning, format!("The send was not recorded in history: {e}")),
            },
            HistoryEvent::Counted { path, count } => {
                self.counts.insert(path, count);
            }
            HistoryEvent::SearchDue { generation } => {
                if matches!(&shell.modal, Some(Modal::History(v)) if v.generation == generation) {
                    self.relist(ws, open, shell);
                }
            }
            HistoryEvent::Listed { generation, result } => {
                let Some(Modal::History(view)) = shell.modal.as_mut() else {
                    return;
                };
                if view.generation != generation {
                    return;
                }
                view.loading = false;
                match result {
                    Ok(entries) => {
                        view.entries = entries;
                        view.error = None;
                        view.selected = view.selected.min(view.entries.len().saturating_sub(1));
                    }
                    Err(e) => view.error = Some(e),
                }
            }
            HistoryEvent::Compared { result } => match result {
                Ok(c) => Self::show_comparison(*c, shell),
                Err(e) => shell.notify(Level::Warning, format!("Cannot compare: {e}")),
            },
            HistoryEvent::Loaded { .. } | HistoryEvent::Restored { .. } => {}
            HistoryEvent::Renamed { result } => {
                if let Err(e) = result {
                    shell.notify(Level::Warning, format!("The history did not follow the rename: {e}"));
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn key(
        &mut self,
        mut view: Box<HistoryView>,
        key: KeyEvent,
        context: Context,
        ws: &Workspace,
        open: Option<&OpenRequest>,
        shell: &mut Shell,
    ) {
        let action = shell.keymap.lookup(context, KeyCombo::from_event(&key));
        if view.searching {
            match view.search.handle_key(&key) {
                InputOutcome::Handled => {
                    shell.modal = Some(Modal::History(view));
                    self.schedule_search(shell);
                    return;
                }
                InputOutcome::Commit | InputOutcome::Leave => {
                    view.searching = false;
                    shell.modal = Some(Modal::History(view));
                    return;
                }
                InputOutcome::Ignored => {}
            }
        }
        let last = view.entries.len().saturating_sub(1);
        match (key.code, action) {
            (KeyCode::Esc, _) | (KeyCode::Char('q'), _) => return,
            (KeyCode::Char('/'), _) => view.searching = true,
            (KeyCode::Tab, _) | (_, Some(Action::History)) => {
                let all = matches!(view.scope, Scope::Request { .. });
                self.open_view(ws, open, all || open.is_none(), shell);
                if let Some(Modal::History(new)) = shell.modal.as_mut() {
                    new.search = view.search.clone();
                }
                self.relist(ws, open, shell);
                return;
            }
            (KeyCode::Char(' '), _) => {
                if let Some(id) = view.selected_entry().map(|e| e.id) {
                    if let Some(i) = view.marked.iter().position(|m| *m == id) {
                        view.marked.remove(i);
                    } else {
                        view.marked.push(id);
                        if view.marked.len() > 2 {
                            view.marked.remove(0);
                        }
                    }
                    view.selected = (view.selected + 1).min(last);
                }
            }
            (KeyCode::Enter, _) => return self.take_entry(ws, view, shell, EntryPurpose::Open),
            (KeyCode::Char('r'), _) => return self.take_entry(ws, view, shell, EntryPurpose::Restore),
            (_, Some(Action::Send)) => return self.take_entry(ws, view, shell, EntryPurpose::Resend),
            (KeyCode::Char('c'), _) => {
                let pair = match view.marked.as_slice() {
                    [a, b] => Some((*a.min(b), *a.max(b))),
                    _ => None,
                };
                let request = match &view.scope {
                    Scope::Request { path, .. } => Some(path.clone()),
                    Scope::All => None,
                };
                if pair.is_none() && request.is_none() {
                    shell.notify(Level::Info, "Mark two entries with Space, then press c to compare them");
                } else {
                    self.compare(ws, open, pair, request, shell);
                }
            }
            (_, Some(Action::Up)) => view.selected = view.selected.saturating_sub(1),
            (_, Some(Action::Down)) => view.selected = (view.selected + 1).min(last),
            (_, Some(Action::Top)) => view.selected = 0,
            (_, Some(Action::Bottom)) => view.selected = last,
            (_, Some(Action::PageDown | Action::HalfPageDown)) => view.selected = (view.selected + 10).min(last),
            (_, Some(Action::PageUp | Action::HalfPageUp)) => view.selected = view.selected.saturating_sub(10),
            _ => {}
        }
        shell.modal = Some(Modal::History(view));
    }

    /// Loads the selected entry for `purpose`; the view stays open until it arrives (unless it opens elsewhere).
    fn take_entry(&mut self, ws: &Workspace, view: Box<HistoryView>, shell: &mut Shell, purpose: EntryPurpose) {
        let id = view.selected_entry().map(|e| e.id);
        shell.modal = Some(Modal::History(view));
        match id {
            Some(id) => self.load_entry(ws, id, purpose, shell),
            None => shell.notify(Level::Info, "No entry selected"),
        }
    }

    pub(super) fn diff_key(mut d: Box<DiffView>, key: KeyEvent, context: Context, shell: &mut Shell) {
        let action = shell.keymap.lookup(context, KeyCombo::from_event(&key));
        let max = d.lines.len().saturating_sub(1);
        match (key.code, action) {
            (KeyCode::Esc, _) | (KeyCode::Char('q'), _) => {
                shell.modal = d.back.take().map(Modal::History);
                return;
            }
            (_, Some(Action::Up)) => d.scroll = d.scroll.saturating_sub(1),
            (_, Some(Action::Down)) => d.scroll = (d.scroll + 1).min(max),
            (_, Some(Action::Top)) => d.scroll = 0,
            (_, Some(Action::Bottom)) => d.scroll = max,
            (_, Some(Action::PageDown | Action::HalfPageDown)) => d.scroll = (d.scroll + 10).min(max),
            (_, Some(Action::PageUp | Action::HalfPageUp)) => d.scroll = d.scroll.saturating_sub(10),
            _ => {}
        }
        shell.modal = Some(Modal::Diff(d));
    }

    pub(super) fn show_comparison(c: Comparison, shell: &mut Shell) {
        let back = match shell.modal.take() {
            Some(Modal::History(v)) => Some(v),
            other => {
                shell.modal = other;
                None
            }
        };
        shell.modal = Some(Modal::Diff(Box::new(DiffView::new(c, back))));
    }
}

/// Puts the request as sent into the open draft, off the UI thread (the draft is prepared to see what it already
/// produces, which may read the keyring). What the draft produces is kept as written (its `{{templates}}`), as are
/// its name, auth, options and docs. Answers with `HistoryEvent::Restored`.
pub(super) fn restore_entry(entry: &Entry, path: PathBuf, resend: bool, open: &OpenRequest, ws: &Workspace, shell: &mut Shell) {
    let restored = entry.to_request_def();
    let draft = open.draft.clone();
    let collection = ws.collections.get(open.collection);
    let inherited: Vec<(String, String)> = collection
        .map(|c| {
            c.folder_chain(&draft.path)
                .iter()
                .flat_map(|f| f.defaults.headers.iter().filter(|h| h.enabled))
                .map(|h| (h.name.to_ascii_lowercase(), h.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    // A collection with commands is not prepared for this (no command runs to restore an entry).
    let target = collection
        .is_some_and(|c| c.defaults().commands.is_empty())
        .then(|| SendTarget::of(ws, open));
    let session = shell.session.clone();
    let (id, key) = (entry.id, shell.jobs.unique_key());
    shell.jobs.blocking((JobKind::History, key), move |_| {
        let current = target.and_then(|t| t.prepare(&session, Mode::Send).ok()).map(|r| r.prepared);
        let merged = merge(&draft, restored, current.as_ref(), &inherited);
        let masked = merged.headers.iter().filter(|h| h.value.contains(MASK)).count() + usize::from(merged.url.contains(MASK));
        Message::History(HistoryEvent::Restored {
            path,
            entry: id,
            def: Box::new(merged),
            masked,
            resend,
        })
    });
}

/// The restored draft arrived: it replaces the draft of `open` if that is still the request it was made for.
/// Returns false when the request was closed or another opened meanwhile.
pub(super) fn apply_restored(
    open: Option<&mut OpenRequest>,
    path: &Path,
    entry: i64,
    def: RequestDef,
    masked: usize,
    shell: &mut Shell,
) -> bool {
    let Some(open) = open.filter(|o| o.draft.path == path) else {
        return false;
    };
    open.draft = def;
    open.editing = None;
    open.cursor = 0;
    let mut said = format!("Restored entry #{entry} into the editor (unsaved; Ctrl-S saves)");
    if masked > 0 {
        said.push_str(&format!(
            "; {masked} masked value(s) came back as {MASK}: type them again or use a {{{{secret}}}} reference"
        ));
    }
    shell.notify(if masked > 0 { Level::Warning } else { Level::Info }, said);
    true
}

/// The exchange of an entry, for the response viewer (an error entry shows its error).
pub(super) fn entry_result(entry: &Entry) -> (Result<crate::core::http::Exchange, HttpError>, Duration) {
    let result = match entry.to_exchange() {
        Some(x) => Ok(x),
        None => Err(HttpError::Other {
            detail: entry.error.clone().unwrap_or_else(|| "no response was recorded".into()),
        }),
    };
    (result, Duration::from_micros(entry.timings.total_us))
}

/// The restored request on top of the draft: method, URL, headers and body as sent, except where the draft's own
/// text produces exactly what was sent (then its template stays). Headers the collection adds, auth headers and
/// masked values the draft can produce itself are left out.
fn merge(draft: &RequestDef, restored: RequestDef, current: Option<&http::Prepared>, inherited: &[(String, String)]) -> RequestDef {
    let mut out = draft.clone();
    out.method = restored.method;
    let same_url = current.is_some_and(|p| p.url.as_str() == restored.url);
    if !same_url {
        out.url = restored.url;
        out.query.clear();
    }
    let sent_by_auth = |name: &str| {
        let n = name.to_ascii_lowercase();
        n == "authorization" || n.starts_with("x-amz-")
    };
    let mut headers = Vec::new();
    for h in restored.headers {
        let lower = h.name.to_ascii_lowercase();
        if inherited.iter().any(|(n, v)| *n == lower && *v == h.value) {
            continue;
        }
        let own = draft.headers.iter().find(|d| d.name.eq_ignore_ascii_case(&h.name));
        match own {
            // The draft's template (or its masked secret reference) made this header: keep it as written.
            Some(d) if d.value.contains("{{") || h.value.contains(MASK) => headers.push(d.clone()),
            Some(_) => headers.push(h),
            None if sent_by_auth(&h.name) && h.value.contains(MASK) => {}
            None => headers.push(h),
        }
    }
    out.headers = headers;
    let same_body = match (current.map(|p| &p.body), &restored.body) {
        (Some(PreparedBody::Bytes(b)), Body::Json(t)) => b == t.as_bytes(),
        (Some(PreparedBody::Bytes(b)), Body::Text { text, .. }) => b == text.as_bytes(),
        (Some(PreparedBody::Empty), Body::None) => true,
        _ => false,
    };
    if !same_body && !matches!((&draft.body, &restored.body), (Body::Multipart(_) | Body::File { .. }, Body::None)) {
        out.body = restored.body;
    }
    out
}
