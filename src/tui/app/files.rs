//! Opening, saving and reloading request files, and noticing when one changed on disk behind our back. apix never
//! overwrites a file silently: a change on disk is reported, and the person chooses reload or keep-mine.

use std::path::Path;

use super::draft::OpenRequest;
use super::modal::{AfterUnsaved, Confirm, ConfirmPurpose, Modal};
use super::{App, Level, Pane};
use crate::core::collection::{load_collection, load_workspace, save_request, Folder, Node, RequestDef};
use crate::tui::jobs::JobKind;
use crate::tui::message::{FileStamp, Message};

impl App {
    /// Opens `path`, asking first if the current request has unsaved changes.
    pub fn open_request(&mut self, path: &Path, focus: bool) {
        if self.open.as_ref().is_some_and(|o| o.draft.path == path) {
            if focus {
                self.set_focus(Pane::Request);
            }
            return;
        }
        if self.is_dirty() {
            self.confirm_unsaved(AfterUnsaved::Open(path.to_path_buf(), focus));
            return;
        }
        self.open_now(path, focus);
    }

    pub(super) fn open_now(&mut self, path: &Path, focus: bool) {
        let Some(ci) = self.workspace.collection_of(path) else { return };
        let Some(def) = self.workspace.collections[ci].find_request(path).cloned() else {
            self.shell.notify(
                Level::Error,
                format!(
                    "{} could not be loaded; {} in the tree says why",
                    self.workspace.rel(path),
                    self.shell
                        .keymap
                        .label(crate::tui::keymap::Context::Tree, crate::tui::action::Action::Problems)
                ),
            );
            return;
        };
        self.end_field_edit();
        let tab = self.open.as_ref().map(|o| o.tab);
        let mut open = OpenRequest::new(ci, def, FileStamp::read(path));
        if let Some(tab) = tab {
            open.tab = tab;
        }
        self.open = Some(open);
        // Once per session per collection: what it reads from outside itself, if something needs trust.
        if let Some(c) = self.workspace.collections.get(ci) {
            if self.auth.reviewed.insert(c.root.clone()) {
                super::trust_review::start(c, &self.shell.session.trust, &mut self.shell.jobs);
            }
        }
        self.tree.reveal(&self.workspace.collections, path);
        if focus {
            self.set_focus(Pane::Request);
        }
        self.shell.redraw = true;
    }

    pub(super) fn confirm_unsaved(&mut self, after: AfterUnsaved) {
        let Some(open) = self.open.as_ref() else { return };
        let name = self.workspace.rel(&open.draft.path);
        let (title, verb) = match &after {
            AfterUnsaved::Quit => ("Quit with unsaved changes?", "quit"),
            AfterUnsaved::Open(..) => ("Unsaved changes", "switch"),
        };
        self.shell.modal = Some(Modal::Confirm(Confirm {
            title: title.into(),
            lines: vec![format!("{name} has changes that are not saved.")],
            choices: vec![
                ('s', format!("save, then {verb}")),
                ('d', format!("discard them and {verb}")),
                ('c', "cancel (Esc)".into()),
            ],
            purpose: ConfirmPurpose::Unsaved(after),
        }));
    }

    /// Ctrl-S.
    pub(super) fn save(&mut self) {
        self.end_field_edit();
        let Some(open) = self.open.as_ref() else {
            self.shell.notify(Level::Info, "Nothing to save: no request is open");
            return;
        };
        let path = open.draft.path.clone();
        let on_disk = FileStamp::read(&path);
        if on_disk.is_some() && on_disk != open.stamp && on_disk != open.ignored {
            self.confirm_disk_change(&path, true);
            return;
        }
        self.save_now();
    }

    /// Writes the draft through the core (only changed fields are rewritten). Returns true on success.
    pub(super) fn save_now(&mut self) -> bool {
        let Some(open) = self.open.as_mut() else { return false };
        match save_request(&open.draft) {
            Ok(()) => {
                open.original = open.draft.clone();
                open.stamp = FileStamp::read(&open.draft.path);
                let def = open.draft.clone();
                let ci = open.collection;
                open.ignored = None;
                if let Some(c) = self.workspace.collections.get_mut(ci) {
                    replace_request(&mut c.tree, &def);
                    self.workspace.problems.mark_stale(&c.root);
                }
                self.workspace
                    .problems
                    .check_stale(&self.workspace.collections, &mut self.shell.jobs);
                self.tree.rebuild(&self.workspace.collections);
                self.shell
                    .notify(Level::Success, format!("Saved {}", self.workspace.rel(&def.path)));
                true
            }
            Err(e) => {
                self.shell.notify(Level::Error, format!("Not saved: {e}"));
                false
            }
        }
    }

    /// Ctrl-L: read every collection again (new files from a `git pull`, say). The open draft is kept.
    pub(super) fn reload_workspace(&mut self) {
        self.workspace.collections = load_workspace(&self.workspace.dir);
        for c in &self.workspace.collections {
            if !self.workspace.envs.contains_key(&c.root) {
                self.workspace
                    .envs
                    .insert(c.root.clone(), c.default_environment().map(|e| e.name.clone()));
            }
        }
        if let Some(open) = self.open.as_mut() {
            match self.workspace.collections.iter().position(|c| open.draft.path.starts_with(&c.root)) {
                Some(ci) => open.collection = ci,
                None => self.open = None,
            }
        }
        for c in &self.workspace.collections {
            self.workspace.problems.mark_stale(&c.root);
        }
        self.workspace
            .problems
            .check_stale(&self.workspace.collections, &mut self.shell.jobs);
        self.tree.rebuild(&self.workspace.collections);
        let n = self.workspace.collections.iter().map(|c| c.requests().len()).sum::<usize>();
        self.shell.notify(
            Level::Success,
            format!("Reloaded {} collection(s), {n} requests", self.workspace.collections.len()),
        );
    }

    /// Reloads one collection after a change made through apix (create, rename, delete…).
    pub(super) fn reload_collection(&mut self, ci: usize) {
        if let Some(c) = self.workspace.collections.get_mut(ci) {
            *c = load_collection(&c.root.clone());
            self.workspace.problems.mark_stale(&c.root);
        }
        self.workspace
            .problems
            .check_stale(&self.workspace.collections, &mut self.shell.jobs);
        self.tree.rebuild(&self.workspace.collections);
    }

    /// Reads the open file again, dropping the draft.
    pub(super) fn reload_open_from_disk(&mut self) {
        let Some(open) = self.open.as_ref() else { return };
        let (ci, path) = (open.collection, open.draft.path.clone());
        self.reload_collection(ci);
        match self.workspace.collections.get(ci).and_then(|c| c.find_request(&path)).cloned() {
            Some(def) => {
                if let Some(open) = self.open.as_mut() {
                    open.original = def.clone();
                    open.draft = def;
                    open.stamp = FileStamp::read(&path);
                    open.editing = None;
                    open.cursor = open.cursor.min(open.item_count());
                    open.ignored = None;
                }
            }
            None => self.shell.notify(
                Level::Error,
                format!(
                    "{} no longer loads; run `apix check` to see why (your edits are gone)",
                    self.workspace.rel(&path)
                ),
            ),
        }
    }

    /// About once a second (from the loop's timer): compare the open file with what we loaded, off the UI thread.
    pub(super) fn poll_files(&mut self) {
        let name = (JobKind::DiskPoll, 0);
        if self.shell.jobs.is_running(name) {
            return;
        }
        let Some(open) = self.open.as_ref() else { return };
        let path = open.draft.path.clone();
        let known = open.stamp;
        let ignored = open.ignored;
        self.shell.jobs.blocking(name, move |_| {
            let stamp = FileStamp::read(&path);
            let changed = stamp != known && (stamp.is_none() || stamp != ignored);
            let stamp = if changed { stamp } else { known };
            Message::DiskChanged { path, stamp }
        });
    }

    pub(super) fn on_disk_changed(&mut self, path: &Path, stamp: Option<FileStamp>) {
        let Some(open) = self.open.as_ref() else { return };
        if open.draft.path != path || stamp == open.stamp || (stamp.is_some() && stamp == open.ignored) {
            return;
        }
        if matches!(
            self.shell.modal,
            Some(Modal::Confirm(Confirm {
                purpose: ConfirmPurpose::DiskChanged { .. },
                ..
            }))
        ) {
            return;
        }
        self.shell.redraw = true;
        let name = self.workspace.rel(path);
        if stamp.is_none() {
            if self.open.as_ref().is_some_and(|o| o.ignored.is_none()) {
                self.shell.notify(
                    Level::Warning,
                    format!("{name} was deleted or moved on disk; Ctrl-S writes your version back"),
                );
            }
            if let Some(open) = self.open.as_mut() {
                open.stamp = None;
            }
            return;
        }
        if !self.is_dirty() {
            self.reload_open_from_disk();
            self.shell.notify(Level::Info, format!("{name} changed on disk; reloaded"));
            return;
        }
        self.confirm_disk_change(path, false);
    }

    fn confirm_disk_change(&mut self, path: &Path, saving: bool) {
        let name = self.workspace.rel(path);
        let mut lines = vec![format!("{name} changed on disk since you opened it (another editor, a git pull?).")];
        lines.push("You also have unsaved changes here. Which version do you want?".into());
        self.shell.modal = Some(Modal::Confirm(Confirm {
            title: "File changed on disk".into(),
            lines,
            choices: vec![
                ('r', "reload the file (drop my edits)".into()),
                (
                    'k',
                    if saving {
                        "keep mine and save over it".into()
                    } else {
                        "keep mine (Ctrl-S will overwrite it)".into()
                    },
                ),
                ('c', "decide later (Esc)".into()),
            ],
            purpose: ConfirmPurpose::DiskChanged {
                path: path.to_path_buf(),
                saving,
            },
        }));
    }

    /// "keep mine": remember the disk version we chose to ignore, so we do not ask again for it.
    pub(super) fn keep_mine(&mut self, path: &Path) {
        if let Some(open) = self.open.as_mut() {
            open.ignored = FileStamp::read(path);
        }
    }
}

/// Puts `def` in place of the request with the same path.
pub(super) fn replace_request(folder: &mut Folder, def: &RequestDef) -> bool {
    for child in &mut folder.children {
        let found = match child {
            Node::Request(r) if r.path == def.path => {
                *r = def.clone();
                true
            }
            Node::Folder(f) if def.path.starts_with(&f.path) => replace_request(f, def),
            _ => false,
        };
        if found {
            return true;
        }
    }
    false
}
