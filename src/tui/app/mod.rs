//! The app: all state, and the two ways it changes: `handle_action` (what a person asked for) and
//! `handle_message` (what happened). No terminal is needed: tests build an `App`, feed it keys and messages, and
//! draw it on a `TestBackend`.

pub mod areas;
pub mod auth;
mod auth_dialog_state;
mod auth_dialogs;
pub mod auth_fields;
pub mod auth_state;
mod auth_tokens;
pub mod body;
pub mod clipboard;
pub mod cookies;
pub mod dialogs;
pub mod draft;
pub mod export;
mod file_ops;
mod files;
pub mod history;
pub mod history_diff;
mod history_keys;
pub mod history_state;
mod input;
mod modal;
mod open;
mod parts;
pub mod problems;
pub mod response;
mod search;
mod send;
mod setup;
pub mod shell;
pub mod slot;
mod target;
pub mod titles;
pub mod tree;
mod tree_ops;
pub mod trust_review;
mod types;
pub mod viewer;
pub mod workspace;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

pub use dialogs::{Confirm, ConfirmPurpose, EnvPicker, Modal, PaletteItem, PaletteState, Prompt, PromptPurpose};
pub use draft::{Field, FieldEdit, OpenRequest, RequestTab};
pub use slot::{DoneState, Failure, RequestState, Slot};
pub use viewer::{HighlightWindow, Hit, ResponseTab, ResponseView, Search};

use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::jobs::JobKind;
use super::keymap::Context;
use super::keymap::KeyCombo;
use super::message::Message;
use crate::core::collection::Collection;
use crate::core::history::Entry;
use crate::core::http::{Exchange, HttpError};
pub use crate::tui::events::Level;
use crate::tui::events::TokenAction;
use history::{EntryPurpose, HistoryEvent};
pub use response::Responses;
pub use shell::Shell;
use tree::TreeState;
pub use types::{AppOptions, Areas, Effect, Notice, Pane};
pub use workspace::Workspace;

pub struct App {
    /// The folder, its collections, chosen environments and problems.
    pub workspace: Workspace,
    /// The collection tree pane.
    pub tree: TreeState,
    pub focus: Pane,
    /// The request editor: the open request, as the file says and as edited.
    pub open: Option<OpenRequest>,
    /// The response viewer: each request's latest send (several can be in flight), keyed by request file.
    pub responses: Responses,
    /// History: database path, settings, counts, the entry on display.
    pub history: history_state::HistoryState,
    /// Stored auth: token status, the auth step's context, pending failures.
    pub auth: auth_state::AuthState,
    /// What the panes share: dialog, notice, settings, areas, jobs, the send session.
    pub shell: Shell,
}

impl App {
    /// Everything the app needs from `opts` (the config, theme, keys, history and token folders are read here);
    /// `tx` is where background jobs answer.
    pub fn new(opts: AppOptions, tx: UnboundedSender<Message>) -> App {
        setup::build(opts, tx)
    }

    /// Something changed since the last draw.
    pub fn take_redraw(&mut self) -> bool {
        std::mem::take(&mut self.shell.redraw)
    }

    pub fn request_redraw(&mut self) {
        self.shell.redraw = true;
    }

    pub fn take_effect(&mut self) -> Option<Effect> {
        self.shell.effect.take()
    }

    pub fn demo_running(&self) -> Option<String> {
        self.shell.demo_url.lock().ok().and_then(|g| g.clone())
    }

    pub fn context(&self) -> Context {
        self.focus.context()
    }

    pub fn is_dirty(&self) -> bool {
        self.open.as_ref().is_some_and(|o| o.is_dirty())
    }

    /// The collection that the header and the environment switcher are about.
    pub fn current_collection(&self) -> Option<usize> {
        self.open
            .as_ref()
            .map(|o| o.collection)
            .or_else(|| self.tree.selected_row().map(|r| r.collection))
            .or(if self.workspace.collections.is_empty() { None } else { Some(0) })
    }

    /// What happened in the background (or on the terminal); then the results of any job that ran inline.
    pub fn handle_message(&mut self, msg: Message) {
        self.dispatch(msg);
        self.settle();
    }

    /// Applies the messages of jobs that ran inline (synchronous tests), in order, until none are left.
    pub(crate) fn settle(&mut self) {
        while let Some(m) = self.shell.jobs.take_inline() {
            self.dispatch(m);
        }
    }

    fn dispatch(&mut self, msg: Message) {
        match msg {
            Message::Input(ev) => self.handle_event(ev),
            Message::Job(done) => {
                if let Some(m) = self.shell.jobs.finish(done) {
                    self.dispatch(m);
                }
            }
            Message::Prepared {
                id,
                line,
                warnings,
                secrets,
            } => self.responses.on_prepared(id, line, warnings, secrets, &mut self.shell),
            Message::Http { id, result, elapsed } => {
                let path = self.responses.path_of(id);
                self.responses.on_http(id, *result, elapsed, &mut self.shell);
                if let Some(path) = path {
                    self.auth.after_send(&path, &mut self.shell);
                }
            }
            Message::History(HistoryEvent::Loaded { purpose, result }) => match result {
                Ok((entry, file)) => self.use_entry(purpose, *entry, file),
                Err(e) => self.shell.notify(Level::Error, format!("Cannot read that history entry: {e}")),
            },
            Message::History(HistoryEvent::Restored {
                path,
                entry,
                def,
                masked,
                resend,
            }) => {
                if history_keys::apply_restored(self.open.as_mut(), &path, entry, *def, masked, &mut self.shell) {
                    self.set_focus(Pane::Request);
                    if resend {
                        self.send_open();
                    }
                }
            }
            Message::History(ev) => self.history.update(ev, &self.workspace, self.open.as_ref(), &mut self.shell),
            Message::Auth(ev) => self.auth.update(ev, &mut self.shell),
            Message::Cookies(ev) => modal::on_cookies(ev, &mut self.shell),
            Message::Checked { root, diagnostics } => {
                self.workspace.problems.checked(root, diagnostics);
                if !self.workspace.problems.checking() {
                    crate::tui::memory::release_free_memory();
                }
                self.shell.redraw = true;
            }
            Message::TrustReview(review) => modal::on_trust_review(review, &mut self.shell),
            Message::Notice(level, text) => self.shell.notify(level, text),
            Message::Formatted { id } => {
                let current = self.open.as_ref().map(|o| o.draft.path.as_path());
                self.responses.on_formatted(current, id, &mut self.shell)
            }
            Message::Highlighted { id, window } => self.responses.on_highlighted(id, *window, &mut self.shell),
            Message::SearchHits {
                id,
                search,
                hits,
                done,
                capped,
            } => {
                let current = self.open.as_ref().map(|o| o.draft.path.clone());
                self.responses
                    .on_search_hits(current.as_deref(), id, search, hits, done, capped, &mut self.shell)
            }
            Message::BodySaved { to, result } => Responses::on_body_saved(&to, result, &mut self.shell),
            Message::CurlReady { path, reveal, result } => {
                let current = self.open.as_ref().map(|o| o.draft.path.as_path());
                export::on_curl_ready(current, path, reveal, result, &mut self.shell)
            }
            Message::PollFiles => {
                // Collections are checked off the start-up path: at the first file poll, after the first frame.
                self.workspace
                    .problems
                    .check_stale(&self.workspace.collections, &mut self.shell.jobs);
                if let Some(open) = self.open.as_ref() {
                    open.poll(&mut self.shell);
                }
            }
            Message::WorkspaceLoaded(collections) => self.workspace_loaded(collections),
            Message::DiskChanged { path, stamp } => self.on_disk_changed(&path, stamp),
            Message::Tick => {
                if self.is_animating() {
                    self.shell.redraw = true;
                }
            }
            Message::ExpireNotice(id) => {
                if self.shell.notice.as_ref().is_some_and(|n| n.id == id) {
                    self.shell.notice = None;
                    self.shell.redraw = true;
                }
            }
            Message::Terminate(signal) => {
                self.shell.terminated_by = Some(signal);
                self.responses.cancel_all();
                self.shell.quit = true;
            }
        }
        self.upkeep();
    }

    /// Background reads that follow what is on screen (history count, token status); cheap when nothing changed.
    pub(super) fn upkeep(&mut self) {
        self.history
            .upkeep(&self.workspace, self.open.as_ref(), &self.responses, &mut self.shell);
        self.auth.upkeep(&self.workspace, self.open.as_ref(), &mut self.shell);
    }

    pub fn handle_action(&mut self, action: Action) {
        self.shell.redraw = true;
        // An error stays on the status line until the person does something next (the rest fade by themselves).
        if self.shell.notice.as_ref().is_some_and(|n| n.level == Level::Error) {
            self.shell.notice = None;
        }
        match action {
            Action::Quit => self.request_quit(),
            Action::Help => self.shell.modal = Some(Modal::Help { scroll: 0 }),
            Action::Palette => modal::open_palette(&self.workspace, &mut self.shell),
            Action::SwitchEnv => modal::open_env_picker(&self.workspace, self.current_collection(), &mut self.shell),
            Action::NextPane => self.cycle_focus(1),
            Action::PrevPane => self.cycle_focus(-1),
            Action::FocusTree => self.set_focus(Pane::Tree),
            Action::FocusRequest => self.set_focus(Pane::Request),
            Action::FocusResponse => self.set_focus(Pane::Response),
            Action::Send => self.send_open(),
            Action::Cancel => self.cancel(),
            Action::Save => self.save(),
            Action::ReloadWorkspace => self.reload_workspace(),
            Action::History => self.history.open_view(&self.workspace, self.open.as_ref(), false, &mut self.shell),
            Action::HistoryAll => self.history.open_view(&self.workspace, self.open.as_ref(), true, &mut self.shell),
            Action::FetchToken => self
                .auth
                .token_action(TokenAction::Fetch, &self.workspace, self.open.as_ref(), &mut self.shell),
            Action::RefreshToken => self
                .auth
                .token_action(TokenAction::Refresh, &self.workspace, self.open.as_ref(), &mut self.shell),
            Action::ForgetToken => self
                .auth
                .token_action(TokenAction::Forget, &self.workspace, self.open.as_ref(), &mut self.shell),
            Action::StoreSecret => self.shell.modal = Some(Modal::Secret(auth::SecretPrompt::new())),
            Action::CopyCurl | Action::CopyCurlSecrets => {
                self.end_field_edit();
                export::copy_curl(self.open_target(), action == Action::CopyCurlSecrets, &mut self.shell)
            }
            Action::Cookies => modal::open_cookies(&self.workspace, self.open.as_ref(), &mut self.shell),
            Action::NewCollection => tree_ops::prompt_new_collection(&self.workspace, &mut self.shell),
            Action::Problems => self.shell.modal = Some(Modal::Problems(problems::ProblemsView::default())),
            other => match self.focus {
                Pane::Tree => self.tree_action(other),
                Pane::Request => match self.open.as_mut() {
                    Some(open) => open.action(other, &mut self.shell),
                    None if other == Action::Open => self.set_focus(Pane::Tree),
                    None => {}
                },
                Pane::Response => {
                    let current = self.open.as_ref().map(|o| o.draft.path.clone());
                    self.responses.action(current.as_deref(), other, &mut self.shell)
                }
            },
        }
        self.upkeep();
        self.settle();
    }

    pub fn set_focus(&mut self, pane: Pane) {
        if self.focus != pane {
            self.finish_text_inputs();
        }
        self.focus = pane;
        self.shell.redraw = true;
    }

    fn cycle_focus(&mut self, delta: isize) {
        let order = [Pane::Tree, Pane::Request, Pane::Response];
        let i = order.iter().position(|p| *p == self.focus).unwrap_or(0) as isize;
        let next = order[(i + delta).rem_euclid(order.len() as isize) as usize];
        self.set_focus(next);
    }

    /// Closes any field being edited, keeping what was typed.
    fn finish_text_inputs(&mut self) {
        if self.tree.filter_input.take().is_some() {
            self.tree.rebuild(&self.workspace.collections);
        }
        self.end_field_edit();
        if let Some(slot) = self.open.as_ref().and_then(|o| self.responses.slots.get_mut(&o.draft.path)) {
            slot.view.search_input = None;
        }
    }

    fn request_quit(&mut self) {
        if self.is_dirty() {
            if let Some(open) = self.open.as_ref() {
                open.confirm_unsaved(dialogs::AfterUnsaved::Quit, &self.workspace, &mut self.shell);
            }
        } else {
            self.responses.cancel_all();
            self.shell.quit = true;
        }
    }

    /// Esc outside a field: cancel the send of the open request, or clear the tree filter.
    fn cancel(&mut self) {
        let path = self.open.as_ref().map(|o| o.draft.path.clone());
        if let Some(path) = &path {
            if let Some(Slot {
                state: RequestState::Sending { cancel, .. },
                ..
            }) = self.responses.slots.get(path)
            {
                cancel.cancel();
                return;
            }
        }
        if self.focus == Pane::Tree && !self.tree.filter.is_empty() {
            self.tree.set_filter(&self.workspace.collections, "");
            return;
        }
        if self.focus == Pane::Response {
            if let Some(slot) = self.responses.slots.get_mut(&path.unwrap_or_default()) {
                if slot.view.search.take().is_some() {
                    return;
                }
            }
        }
        if self.shell.areas.narrow && self.focus == Pane::Tree && self.open.is_some() {
            self.set_focus(Pane::Request);
        }
    }

    /// The collection of the open request.
    pub fn open_collection(&self) -> Option<&Collection> {
        self.workspace.collections.get(self.open.as_ref()?.collection)
    }

    /// The slot of the open request, if it was ever sent.
    pub fn current_slot(&self) -> Option<&Slot> {
        self.responses.get(self.current_path())
    }

    /// The file of the open request: the response viewer shows its slot.
    pub fn current_path(&self) -> Option<&Path> {
        self.open.as_ref().map(|o| o.draft.path.as_path())
    }

    /// True while something on screen moves by itself (a spinner), so the loop should tick.
    pub fn is_animating(&self) -> bool {
        self.responses.is_animating()
    }

    fn current_slot_mut(&mut self) -> Option<&mut Slot> {
        let path = self.open.as_ref()?.draft.path.clone();
        self.responses.get_mut(Some(&path))
    }

    /// A history entry was loaded: its request becomes the open one (unless that would drop unsaved edits), then the
    /// entry is shown read-only in the viewer, restored into the editor, or restored and sent.
    fn use_entry(&mut self, purpose: EntryPurpose, entry: Entry, file: Option<PathBuf>) {
        let Some(path) = self.open_for_entry(&entry, file) else { return };
        if matches!(self.shell.modal, Some(Modal::History(_))) {
            self.shell.modal = None;
        }
        match purpose {
            EntryPurpose::Open => {
                let (result, elapsed) = history_keys::entry_result(&entry);
                self.show_result(result, elapsed);
                if let Some(slot) = self.responses.slots.get(&path) {
                    self.history.viewing = Some(history::Viewing {
                        slot: slot.id,
                        path,
                        id: entry.id,
                        created_ms: entry.created_ms,
                    });
                }
                self.set_focus(Pane::Response);
            }
            EntryPurpose::Restore | EntryPurpose::Resend => {
                if let Some(open) = self.open.as_ref() {
                    let resend = purpose == EntryPurpose::Resend;
                    history_keys::restore_entry(&entry, path, resend, open, &self.workspace, &mut self.shell);
                }
            }
        }
    }

    /// The request an entry belongs to becomes the open one (if it can without losing unsaved work).
    fn open_for_entry(&mut self, entry: &Entry, file: Option<PathBuf>) -> Option<PathBuf> {
        let Some(file) = file else {
            let what = entry.source.request_path.clone().unwrap_or_else(|| "an ad hoc request".into());
            self.shell.notify(
                Level::Warning,
                format!(
                    "Entry #{} came from {what}, which is not in this workspace: `apix history show {}` prints it",
                    entry.id, entry.id
                ),
            );
            return None;
        };
        if self.current_path() == Some(file.as_path()) {
            return Some(file);
        }
        if self.is_dirty() {
            self.shell.notify(
                Level::Warning,
                "The open request has unsaved changes: save (Ctrl-S) or undo them first, then pick the entry again",
            );
            return None;
        }
        self.open_now(&file, false);
        (self.current_path() == Some(file.as_path())).then_some(file)
    }

    /// Leaves the field being edited in the request editor, keeping its text.
    pub(super) fn end_field_edit(&mut self) {
        if let Some(open) = self.open.as_mut() {
            open.end_edit(&mut self.shell);
        }
    }

    /// The result of `Effect::ExternalEditor`: the body of the open request.
    pub fn editor_finished(&mut self, result: Result<String, String>) {
        OpenRequest::editor_finished(self.open.as_mut(), result, &mut self.shell);
    }

    /// Tree-pane actions; Enter on a request opens it (asking about unsaved edits first).
    fn tree_action(&mut self, action: Action) {
        if let Some(path) = self.tree.action(action, &self.workspace, self.open.as_ref(), &mut self.shell) {
            self.open_request(&path, true);
        }
    }

    /// A tree prompt was answered: the file operation, then every pane hears what moved, and the tree shows it.
    fn run_prompt(&mut self, purpose: PromptPurpose, text: &str) {
        if purpose == PromptPurpose::SaveBody {
            let current = self.open.as_ref().map(|o| o.draft.path.as_path());
            return self.responses.save_body(current, text, &mut self.shell);
        }
        let Some(result) = self.workspace.run_file_prompt(&purpose, text) else {
            return;
        };
        let (path, is_request) = match result {
            Ok(made) => made,
            Err(e) => return self.shell.notify(Level::Error, e.to_string()),
        };
        if let PromptPurpose::NewCollection { .. } = purpose {
            let name = self.workspace.added(&path, &mut self.shell);
            self.tree.rebuild(&self.workspace.collections);
            self.tree.reveal(&self.workspace.collections, &path);
            self.set_focus(Pane::Tree);
            let (new, env) = (
                self.shell.keymap.label(Context::Tree, Action::NewRequest),
                self.shell.keymap.label(Context::Tree, Action::SwitchEnv),
            );
            let said = format!("Created the collection {name}: {new} adds a request, {env} switches environment");
            return self.shell.notify(Level::Success, said);
        }
        let Some(ci) = self.workspace.collection_of(&path) else { return };
        let moved = matches!(purpose, PromptPurpose::Rename { .. } | PromptPurpose::Move { .. });
        if let PromptPurpose::Rename { path: from } | PromptPurpose::Move { path: from } = &purpose {
            self.moved(from, &path);
        }
        self.reload_collection(ci);
        if let (true, true, Some(def)) = (is_request, moved, self.workspace.find_def(&path)) {
            if let Some(open) = self.open.as_mut().filter(|o| o.draft.path == path) {
                open.original = def.clone();
                open.draft = def;
                open.stamp = crate::tui::message::FileStamp::read(&path);
            }
        }
        self.tree.reveal(&self.workspace.collections, &path);
        let verb = match purpose {
            PromptPurpose::NewRequest { .. } | PromptPurpose::NewFolder { .. } | PromptPurpose::NewCollection { .. } => "Created",
            PromptPurpose::Rename { .. } => "Renamed to",
            PromptPurpose::Duplicate { .. } => "Duplicated as",
            PromptPurpose::Move { .. } | PromptPurpose::SaveBody => "Moved to",
        };
        self.shell.notify(Level::Success, format!("{verb} {}", self.workspace.rel(&path)));
        if is_request && matches!(purpose, PromptPurpose::NewRequest { .. } | PromptPurpose::Duplicate { .. }) {
            self.open_request(&path, true);
        }
    }

    /// Requests under `from` are now under `to`: the editor, the viewer and history follow.
    fn moved(&mut self, from: &Path, to: &Path) {
        if let Some(open) = self.open.as_mut() {
            open.follow_move(from, to);
        }
        self.responses.follow_move(from, to);
        self.history.follow_move(from, to, &mut self.shell);
    }

    /// The confirmed delete of a request file or folder.
    fn delete_now(&mut self, path: &Path) {
        let Some(ci) = self.workspace.collection_of(path) else { return };
        if let Err(e) = self.workspace.delete(path) {
            return self.shell.notify(Level::Error, format!("Not deleted: {e}"));
        }
        if self.current_path().is_some_and(|p| p.starts_with(path)) {
            self.open = None;
        }
        self.responses.forget_under(path);
        self.reload_collection(ci);
        self.shell.notify(Level::Success, format!("Deleted {}", self.workspace.rel(path)));
    }

    /// The open request as a background prepare needs it.
    fn open_target(&self) -> Option<target::SendTarget> {
        Some(target::SendTarget::of(&self.workspace, self.open.as_ref()?))
    }

    /// Ctrl-R: send the open draft (unsaved edits included) in the background.
    pub(super) fn send_open(&mut self) {
        self.send_open_trusting(None);
    }

    /// [`send_open`](Self::send_open) after the user said yes to `trust`.
    pub(super) fn send_open_trusting(&mut self, trust: Option<crate::core::pipeline::TrustQuestion>) {
        self.end_field_edit();
        let Some(target) = self.open_target() else {
            let hint = "Open a request first: select it in the tree and press Enter";
            return self.shell.notify(Level::Info, hint);
        };
        self.responses.start_send(target, trust, &mut self.shell);
        if self.shell.areas.narrow && self.focus == Pane::Tree {
            self.focus = Pane::Response;
        }
    }

    /// Shows a finished exchange (or failure) for the open request as if it had just been sent, formatting the
    /// body right away. For previews of history entries and for tests and snapshots with hand-made exchanges.
    pub fn show_result(&mut self, result: Result<Exchange, HttpError>, elapsed: Duration) {
        self.show_result_with(result, elapsed, body::LiveDoc::new());
    }

    /// [`show_result`](Self::show_result) with a body document already fed while the body arrived (benchmarks).
    pub fn show_result_with(&mut self, result: Result<Exchange, HttpError>, elapsed: Duration, body: Arc<body::LiveDoc>) {
        let Some(open) = self.open.as_ref() else { return };
        let (path, line) = (open.draft.path.clone(), format!("{} {}", open.draft.method, open.draft.url));
        self.responses.show_result(path, line, result, elapsed, body, &mut self.shell);
        self.settle();
    }

    /// Opens `path`, asking first if the current request has unsaved changes.
    pub fn open_request(&mut self, path: &Path, focus: bool) {
        if self.current_path() == Some(path) {
            if focus {
                self.set_focus(Pane::Request);
            }
        } else if let Some(open) = self.open.as_ref().filter(|o| o.is_dirty()) {
            open.confirm_unsaved(
                dialogs::AfterUnsaved::Open(path.to_path_buf(), focus),
                &self.workspace,
                &mut self.shell,
            );
        } else {
            self.open_now(path, focus);
        }
    }

    fn open_now(&mut self, path: &Path, focus: bool) {
        let Some(ci) = self.workspace.collection_of(path) else { return };
        let Some(def) = self.workspace.find_def(path) else {
            let key = self.shell.keymap.label(Context::Tree, Action::Problems);
            let name = self.workspace.rel(path);
            return self
                .shell
                .notify(Level::Error, format!("{name} could not be loaded; {key} in the tree says why"));
        };
        self.end_field_edit();
        let mut open = OpenRequest::new(ci, def, crate::tui::message::FileStamp::read(path));
        if let Some(previous) = self.open.as_ref() {
            open.tab = previous.tab;
        }
        self.open = Some(open);
        // Once per session per collection: what it reads from outside itself, if something needs trust.
        if let Some(c) = self.workspace.collections.get(ci) {
            if self.auth.reviewed.insert(c.root.clone()) {
                trust_review::start(c, &self.shell.session.trust, &mut self.shell.jobs);
            }
        }
        self.tree.reveal(&self.workspace.collections, path);
        if focus {
            self.set_focus(Pane::Request);
        }
        self.shell.redraw = true;
    }

    /// Ctrl-S: asks first when the file changed on disk meanwhile.
    fn save(&mut self) {
        self.end_field_edit();
        match self.open.as_ref() {
            None => self.shell.notify(Level::Info, "Nothing to save: no request is open"),
            Some(open) if open.changed_on_disk() => open.confirm_disk_change(true, &self.workspace, &mut self.shell),
            Some(_) => {
                self.save_now();
            }
        }
    }

    /// Writes the open request. Returns true on success.
    fn save_now(&mut self) -> bool {
        let Some(open) = self.open.as_mut() else { return false };
        match open.write() {
            Ok(def) => {
                self.workspace.saved(open.collection, &def, &mut self.shell);
                self.tree.rebuild(&self.workspace.collections);
                let name = self.workspace.rel(&def.path);
                self.shell.notify(Level::Success, format!("Saved {name}"));
                true
            }
            Err(e) => {
                self.shell.notify(Level::Error, format!("Not saved: {e}"));
                false
            }
        }
    }

    /// Ctrl-L: every collection read again, in the background.
    fn reload_workspace(&mut self) {
        self.shell.effect.get_or_insert(Effect::Repaint);
        self.workspace.start_reload(&mut self.shell);
        if self.shell.jobs.is_running((JobKind::Reload, 0)) {
            self.shell.notify(Level::Info, "Reading the collections again…");
        }
    }

    /// The collections as read again; the open draft is kept (closed if its collection went away).
    fn workspace_loaded(&mut self, collections: Vec<Collection>) {
        let n = self.workspace.reloaded(collections, &mut self.shell);
        if let Some(open) = self.open.as_mut() {
            match self.workspace.collection_of(&open.draft.path) {
                Some(ci) => open.collection = ci,
                None => self.open = None,
            }
        }
        self.tree.rebuild(&self.workspace.collections);
        let said = format!("Reloaded {} collection(s), {n} requests", self.workspace.collections.len());
        self.shell.notify(Level::Success, said);
    }

    fn reload_collection(&mut self, ci: usize) {
        self.workspace.reload_collection(ci, &mut self.shell);
        self.tree.rebuild(&self.workspace.collections);
    }

    /// Reads the open file again, dropping the draft.
    fn reload_open_from_disk(&mut self) {
        let Some(open) = self.open.as_ref() else { return };
        let (ci, path) = (open.collection, open.draft.path.clone());
        self.reload_collection(ci);
        match (self.workspace.find_def(&path), self.open.as_mut()) {
            (Some(def), Some(open)) => open.reloaded(def),
            (Some(_), None) => {}
            (None, _) => {
                let name = self.workspace.rel(&path);
                let said = format!("{name} no longer loads; run `apix check` to see why (your edits are gone)");
                self.shell.notify(Level::Error, said);
            }
        }
    }

    /// The disk poll's answer for the open file.
    fn on_disk_changed(&mut self, path: &Path, stamp: Option<crate::tui::message::FileStamp>) {
        let Some(open) = self.open.as_mut() else { return };
        match open.disk_changed(path, stamp, &self.workspace, &mut self.shell) {
            files::DiskChange::None => {}
            files::DiskChange::Ask => open.confirm_disk_change(false, &self.workspace, &mut self.shell),
            files::DiskChange::Reload => {
                self.reload_open_from_disk();
                let name = self.workspace.rel(path);
                self.shell.notify(Level::Info, format!("{name} changed on disk; reloaded"));
            }
        }
    }

    /// A key while a dialog is up; then what the dialog decided.
    fn modal_key(&mut self, key: crossterm::event::KeyEvent) {
        let around = modal::Around {
            ws: &mut self.workspace,
            history: &mut self.history,
            open: self.open.as_ref(),
            slot: self.open.as_ref().and_then(|o| self.responses.slots.get(&o.draft.path)),
            context: self.focus.context(),
            focus: self.focus,
        };
        match modal::handle_key(key, around, &mut self.shell) {
            modal::DialogOutcome::Done => {}
            modal::DialogOutcome::Action(action, pane) => {
                if let Some(pane) = pane {
                    self.set_focus(pane);
                }
                self.handle_action(action);
            }
            modal::DialogOutcome::Open(path) => self.open_request(&path, true),
            modal::DialogOutcome::Prompted(purpose, text) => self.run_prompt(purpose, &text),
            modal::DialogOutcome::Confirmed(purpose, choice) => self.confirmed(purpose, choice),
            modal::DialogOutcome::Trusted(question) => self.send_open_trusting(Some(question)),
        }
    }

    /// A confirmation's answer (delete, copy with secrets, unsaved edits, a file changed on disk).
    fn confirmed(&mut self, purpose: ConfirmPurpose, choice: char) {
        match (purpose, choice) {
            (ConfirmPurpose::Delete(path), 'y') => self.delete_now(&path),
            (ConfirmPurpose::CopySecrets, 'y') => {
                self.end_field_edit();
                export::copy_curl_now(self.open_target(), true, &mut self.shell)
            }
            (ConfirmPurpose::Unsaved(after), 's') if self.save_now() => self.after_unsaved(after),
            (ConfirmPurpose::Unsaved(after), 'd') => {
                if let Some(open) = self.open.as_mut() {
                    open.draft = open.original.clone();
                    open.editing = None;
                }
                self.after_unsaved(after);
            }
            (ConfirmPurpose::DiskChanged { .. }, 'r') => {
                self.reload_open_from_disk();
                self.shell.notify(Level::Info, "Reloaded from disk");
            }
            (ConfirmPurpose::DiskChanged { path, saving }, 'k') => {
                if let Some(open) = self.open.as_mut().filter(|o| o.draft.path == path) {
                    open.keep_mine();
                }
                if saving {
                    self.save_now();
                } else {
                    let said = "Kept your version; Ctrl-S will write it over the file on disk";
                    self.shell.notify(Level::Info, said);
                }
            }
            _ => {}
        }
    }

    fn after_unsaved(&mut self, after: dialogs::AfterUnsaved) {
        match after {
            dialogs::AfterUnsaved::Quit => {
                self.responses.cancel_all();
                self.shell.quit = true;
            }
            dialogs::AfterUnsaved::Open(path, focus) => {
                self.open_now(&path, focus);
                if !focus {
                    self.set_focus(Pane::Tree);
                }
            }
        }
    }

    pub fn handle_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.handle_key(k),
            Event::Mouse(m) => self.handle_mouse(m),
            Event::Paste(text) => self.handle_paste(&text),
            Event::Resize(..) => self.shell.redraw = true,
            _ => {}
        }
    }

    /// A key: the dialog on top, else the field being edited, else the keymap of the focused pane.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.shell.redraw = true;
        if self.shell.modal.is_some() {
            self.modal_key(key);
            self.upkeep();
        } else if self.text_field_key(&key) {
            self.upkeep();
        } else if let Some(action) = self.shell.keymap.lookup(self.context(), KeyCombo::from_event(&key)) {
            self.handle_action(action);
        }
        self.settle();
    }

    fn handle_paste(&mut self, text: &str) {
        self.shell.redraw = true;
        if let Some(input) = self.shell.modal.as_mut().and_then(|m| m.input_mut()) {
            input.insert_str(text);
            modal::after_input(&mut self.history, &mut self.shell);
        } else if let Some(input) = self.tree.filter_input.as_mut() {
            input.insert_str(text);
            let f = input.text();
            self.tree.set_filter(&self.workspace.collections, &f);
        } else if let Some(open) = self.open.as_mut().filter(|o| o.editing.is_some()) {
            if let Some(edit) = open.editing.as_mut() {
                edit.input.insert_str(text);
            }
            open.apply_edit();
        } else if let Some(input) = self.current_slot_mut().and_then(|s| s.view.search_input.as_mut()) {
            input.insert_str(text);
        }
    }

    /// Gives the key to the field being edited, if any. Returns true when it was used up.
    fn text_field_key(&mut self, key: &KeyEvent) -> bool {
        let outcome = if self.tree.filter_input.is_some() {
            self.tree.filter_key(key, &self.workspace, &self.shell.keymap)
        } else if let Some(open) = self.open.as_mut().filter(|o| o.editing.is_some()) {
            open.field_key(key, &mut self.shell)
        } else if self.focus == Pane::Response {
            let current = self.open.as_ref().map(|o| o.draft.path.as_path());
            match self.responses.search_key(current, key, &mut self.shell) {
                Some(outcome) => outcome,
                None => return false,
            }
        } else {
            return false;
        };
        match outcome {
            input::FieldKey::Used => {}
            input::FieldKey::Through(action) => self.handle_action(action),
            input::FieldKey::Open(path) => self.open_request(&path, true),
        }
        true
    }

    /// A click focuses and selects; the wheel scrolls whatever is under the pointer.
    fn handle_mouse(&mut self, m: MouseEvent) {
        let pos = Position::new(m.column, m.row);
        if self.shell.modal.is_some() {
            return;
        }
        let areas = self.shell.areas;
        let inside = |r: Option<Rect>| r.is_some_and(|r| r.contains(pos));
        let tree_visible = !areas.narrow || self.focus == Pane::Tree;
        let pane = if tree_visible && inside(areas.tree) {
            Pane::Tree
        } else if inside(Some(areas.request)) {
            Pane::Request
        } else if inside(Some(areas.response)) {
            Pane::Response
        } else {
            return;
        };
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.shell.redraw = true;
                self.set_focus(pane);
                self.click(pane, pos);
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                self.shell.redraw = true;
                let down = m.kind == MouseEventKind::ScrollDown;
                let previous = self.focus;
                self.focus = pane;
                for _ in 0..3 {
                    self.handle_action(if down { Action::Down } else { Action::Up });
                }
                if pane == Pane::Tree || previous != Pane::Tree || !areas.narrow {
                    self.focus = previous;
                }
            }
            _ => {}
        }
    }

    fn click(&mut self, pane: Pane, pos: Position) {
        let areas = self.shell.areas;
        match pane {
            Pane::Tree => {
                let Some(area) = areas.tree else { return };
                if let Some(path) = self.tree.click(pos, area, &self.workspace) {
                    self.open_request(&path, true);
                }
            }
            Pane::Request => {
                let titles = titles::request_tab_titles(self.open.as_ref(), self.open_collection());
                if let Some(open) = self.open.as_mut() {
                    open.click(pos, areas.request_tabs, &titles);
                }
            }
            Pane::Response => {
                let current = self.open.as_ref().map(|o| o.draft.path.as_path());
                self.responses.click(current, pos, areas.response_tabs);
            }
        }
    }

    /// The layout step for a frame of `area`: where each pane goes, scroll positions fitted to the new size, and
    /// highlight jobs for the windows that will show. `view::draw` then draws without changing anything.
    pub fn layout(&mut self, area: Rect) {
        let areas = Areas::compute(area, self.focus);
        self.shell.areas = areas;
        if let Some(t) = areas.tree {
            self.tree.keep_visible(t.height.saturating_sub(3) as usize);
        }
        if let Some(open) = self.open.as_mut() {
            open.fit(areas.request_body.height as usize);
        }
        let current = self.open.as_ref().map(|o| o.draft.path.as_path());
        self.responses.fit(current, areas.response_body.height as usize, &mut self.shell);
        // Jobs the layout started that ran inline (synchronous tests) are applied before drawing.
        self.settle();
    }

    /// `$EDITOR` closed on `path` (opened from the tree): the file is read again, and whether it loads now is said.
    pub fn file_edited(&mut self, path: &Path, result: Result<(), String>) {
        self.shell.redraw = true;
        if let Err(e) = result {
            return self.shell.notify(Level::Error, e);
        }
        let Some(ci) = self.workspace.collection_of(path) else { return };
        self.reload_collection(ci);
        let name = self.workspace.rel(path);
        if self.workspace.find_def(path).is_some() {
            self.tree.reveal(&self.workspace.collections, path);
            self.shell.notify(Level::Success, format!("Read {name} again: it loads"));
        } else {
            let key = self.shell.keymap.label(Context::Tree, Action::Open);
            self.shell
                .notify(Level::Warning, format!("{name} is still broken: {key} on it shows why"));
        }
    }
}
