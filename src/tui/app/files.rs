//! Request files on disk, for the editor and the workspace: saving, reloading, and noticing when the open file
//! changed behind our back. apix never overwrites a file silently: a change on disk is reported, and the person
//! chooses reload or keep-mine. The App strings these together (`open_request`, `save`, `on_disk_changed`).

use std::path::Path;

use super::dialogs::{AfterUnsaved, Confirm, ConfirmPurpose, Modal};
use super::draft::OpenRequest;
use super::shell::Shell;
use super::workspace::Workspace;
use crate::core::collection::{load_collection, load_workspace, save_request, Collection, Folder, Node, RequestDef, SaveError};
use crate::tui::events::Level;
use crate::tui::jobs::JobKind;
use crate::tui::message::{FileStamp, Message};

/// What a change of the open file on disk asks for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum DiskChange {
    /// Nothing to do (already known, ignored, or being asked about).
    None,
    /// No unsaved edits: read the file again.
    Reload,
    /// Unsaved edits: ask which version wins.
    Ask,
}

impl Workspace {
    /// Ctrl-L: reads every collection again (new files from a `git pull`, say), off the UI thread (5,000 request
    /// files take about 60 ms); the answer is `Message::WorkspaceLoaded`.
    pub(super) fn start_reload(&self, shell: &mut Shell) {
        let dir = self.dir.clone();
        shell
            .jobs
            .blocking((JobKind::Reload, 0), move |_| Message::WorkspaceLoaded(load_workspace(&dir)));
    }

    /// The collections as read again replace the loaded ones. Returns the number of requests.
    pub(super) fn reloaded(&mut self, collections: Vec<Collection>, shell: &mut Shell) -> usize {
        self.collections = collections;
        for c in &self.collections {
            if !self.envs.contains_key(&c.root) {
                self.envs.insert(c.root.clone(), c.default_environment().map(|e| e.name.clone()));
            }
        }
        for c in &self.collections {
            self.problems.mark_stale(&c.root);
        }
        self.problems.check_stale(&self.collections, &mut shell.jobs);
        self.collections.iter().map(|c| c.requests().len()).sum()
    }

    /// A collection just made in `path` joins the workspace (its default environment chosen, checked like the
    /// others). Returns its name.
    pub(super) fn added(&mut self, path: &Path, shell: &mut Shell) -> String {
        let c = load_collection(path);
        let name = c.name.clone();
        self.envs.insert(c.root.clone(), c.default_environment().map(|e| e.name.clone()));
        self.problems.seed(&c.root, c.diagnostics.clone());
        self.problems.mark_stale(&c.root);
        self.collections.push(c);
        self.problems.check_stale(&self.collections, &mut shell.jobs);
        name
    }

    /// Reloads one collection after a change made through apix (create, rename, delete…).
    pub(super) fn reload_collection(&mut self, ci: usize, shell: &mut Shell) {
        if let Some(c) = self.collections.get_mut(ci) {
            *c = load_collection(&c.root.clone());
            self.problems.mark_stale(&c.root);
        }
        self.problems.check_stale(&self.collections, &mut shell.jobs);
    }

    /// `def` was saved: the loaded collection takes it, and is checked again.
    pub(super) fn saved(&mut self, ci: usize, def: &RequestDef, shell: &mut Shell) {
        if let Some(c) = self.collections.get_mut(ci) {
            replace_request(&mut c.tree, def);
            self.problems.mark_stale(&c.root);
        }
        self.problems.check_stale(&self.collections, &mut shell.jobs);
    }
}

impl OpenRequest {
    /// The file changed on disk since it was loaded (and not to a version the person chose to ignore).
    pub(super) fn changed_on_disk(&self) -> bool {
        let on_disk = FileStamp::read(&self.draft.path);
        on_disk.is_some() && on_disk != self.stamp && on_disk != self.ignored
    }

    /// Writes the draft through the core (only changed fields are rewritten); returns what was saved.
    pub(super) fn write(&mut self) -> Result<RequestDef, SaveError> {
        save_request(&self.draft)?;
        self.original = self.draft.clone();
        self.stamp = FileStamp::read(&self.draft.path);
        self.ignored = None;
        Ok(self.draft.clone())
    }

    /// The file as loaded again replaces the draft.
    pub(super) fn reloaded(&mut self, def: RequestDef) {
        self.stamp = FileStamp::read(&def.path);
        self.original = def.clone();
        self.draft = def;
        self.editing = None;
        self.cursor = self.cursor.min(self.item_count());
        self.ignored = None;
    }

    /// About once a second (from the loop's timer): compares the file with what was loaded, off the UI thread.
    pub(super) fn poll(&self, shell: &mut Shell) {
        let name = (JobKind::DiskPoll, 0);
        if shell.jobs.is_running(name) {
            return;
        }
        let path = self.draft.path.clone();
        let (known, ignored) = (self.stamp, self.ignored);
        shell.jobs.blocking(name, move |_| {
            let stamp = FileStamp::read(&path);
            let changed = stamp != known && (stamp.is_none() || stamp != ignored);
            let stamp = if changed { stamp } else { known };
            Message::DiskChanged { path, stamp }
        });
    }

    /// The poll found `stamp` for `path`. A deleted file is said once (Ctrl-S writes it back).
    pub(super) fn disk_changed(&mut self, path: &Path, stamp: Option<FileStamp>, ws: &Workspace, shell: &mut Shell) -> DiskChange {
        if self.draft.path != path || stamp == self.stamp || (stamp.is_some() && stamp == self.ignored) {
            return DiskChange::None;
        }
        let asking = matches!(
            shell.modal,
            Some(Modal::Confirm(Confirm {
                purpose: ConfirmPurpose::DiskChanged { .. },
                ..
            }))
        );
        if asking {
            return DiskChange::None;
        }
        shell.redraw = true;
        if stamp.is_none() {
            if self.ignored.is_none() {
                let name = ws.rel(path);
                shell.notify(
                    Level::Warning,
                    format!("{name} was deleted or moved on disk; Ctrl-S writes your version back"),
                );
            }
            self.stamp = None;
            return DiskChange::None;
        }
        if self.is_dirty() {
            DiskChange::Ask
        } else {
            DiskChange::Reload
        }
    }

    /// "keep mine": remember the disk version we chose to ignore, so we do not ask again for it.
    pub(super) fn keep_mine(&mut self) {
        self.ignored = FileStamp::read(&self.draft.path);
    }

    /// Asks what to do with the unsaved edits before `after` (quit, or open another request).
    pub(super) fn confirm_unsaved(&self, after: AfterUnsaved, ws: &Workspace, shell: &mut Shell) {
        let name = ws.rel(&self.draft.path);
        let (title, verb) = match &after {
            AfterUnsaved::Quit => ("Quit with unsaved changes?", "quit"),
            AfterUnsaved::Open(..) => ("Unsaved changes", "switch"),
        };
        shell.modal = Some(Modal::Confirm(Confirm {
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

    /// Asks which version wins when the file changed on disk and there are unsaved edits (`saving`: on Ctrl-S).
    pub(super) fn confirm_disk_change(&self, saving: bool, ws: &Workspace, shell: &mut Shell) {
        let path = &self.draft.path;
        let name = ws.rel(path);
        let mut lines = vec![format!("{name} changed on disk since you opened it (another editor, a git pull?).")];
        lines.push("You also have unsaved changes here. Which version do you want?".into());
        shell.modal = Some(Modal::Confirm(Confirm {
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
