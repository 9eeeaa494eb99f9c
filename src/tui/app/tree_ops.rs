//! The tree pane's keys: moving, expanding, filtering, and creating, renaming, duplicating, moving and deleting
//! requests and folders (all through the core's file operations).

use std::path::{Path, PathBuf};

use super::modal::{Confirm, ConfirmPurpose, Modal, Prompt, PromptPurpose};
use super::slot::RequestState;
use super::tree::RowKind;
use super::{App, Level};
use crate::core::collection::{
    create_folder, create_request, delete_path, duplicate_request, file_name_for, move_into, move_path, RequestDef,
};
use crate::tui::action::Action;
use crate::tui::text_input::TextArea;

impl App {
    pub(super) fn tree_action(&mut self, action: Action) {
        let half = (self.shell.areas.tree.map(|a| a.height).unwrap_or(10) as isize / 2).max(1);
        match action {
            Action::Up => self.tree.move_by(-1),
            Action::Down => self.tree.move_by(1),
            Action::Top => self.tree.selected = 0,
            Action::Bottom => self.tree.selected = self.tree.rows.len().saturating_sub(1),
            Action::HalfPageDown | Action::PageDown => self.tree.move_by(half),
            Action::HalfPageUp | Action::PageUp => self.tree.move_by(-half),
            Action::Left => self.tree.collapse(&self.workspace.collections),
            Action::Right => self.tree.expand(&self.workspace.collections),
            Action::Open => {
                let Some(row) = self.tree.selected_row().cloned() else { return };
                match row.kind {
                    RowKind::Request { .. } => self.open_request(&row.path, true),
                    RowKind::Broken => {
                        let why = self.workspace.collections[row.collection]
                            .diagnostics
                            .iter()
                            .find(|d| d.path == row.path && d.is_error())
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "it could not be loaded".into());
                        self.shell.notify(Level::Error, why);
                    }
                    _ => self.tree.toggle(&self.workspace.collections),
                }
            }
            Action::Filter => {
                let current = self.tree.filter.clone();
                self.tree.filter_input = Some(TextArea::single(&current));
            }
            Action::NewRequest => self.prompt_new(false),
            Action::NewFolder => self.prompt_new(true),
            Action::Rename => self.prompt_for_selected(PromptKind::Rename),
            Action::Duplicate => self.prompt_for_selected(PromptKind::Duplicate),
            Action::Move => self.prompt_for_selected(PromptKind::Move),
            Action::Delete => self.confirm_delete(),
            _ => {}
        }
    }

    /// The folder new things go into: the selected folder, or the one holding the selected request.
    fn target_folder(&self) -> Option<PathBuf> {
        let row = self.tree.selected_row()?;
        if row.is_container() {
            Some(row.path.clone())
        } else {
            row.path.parent().map(Path::to_path_buf)
        }
    }

    fn prompt_new(&mut self, folder: bool) {
        let Some(dir) = self.target_folder() else {
            self.shell.notify(Level::Info, "Select a collection or folder first");
            return;
        };
        let place = self.workspace.rel(&dir);
        let (title, purpose) = if folder {
            ("New folder", PromptPurpose::NewFolder { parent: dir })
        } else {
            ("New request", PromptPurpose::NewRequest { folder: dir })
        };
        self.shell.modal = Some(Modal::Prompt(Prompt {
            title: title.into(),
            help: format!("Name it (in {place}); Enter creates, Esc cancels"),
            input: TextArea::single(""),
            purpose,
        }));
    }

    fn prompt_for_selected(&mut self, kind: PromptKind) {
        let Some(row) = self.tree.selected_row().cloned() else { return };
        if row.kind == RowKind::Collection || row.kind == RowKind::Broken {
            self.shell.notify(
                Level::Info,
                "Collections and broken files are renamed and moved in your file manager",
            );
            return;
        }
        if self.is_dirty() && self.open.as_ref().is_some_and(|o| o.draft.path.starts_with(&row.path)) {
            self.shell.notify(Level::Warning, "Save (Ctrl-S) or discard your changes first");
            return;
        }
        let root = self.workspace.collections[row.collection].root.clone();
        let (title, help, text, purpose) = match kind {
            PromptKind::Rename => (
                "Rename",
                "New name (the file is renamed to match); Enter renames".to_string(),
                row.name.clone(),
                PromptPurpose::Rename { path: row.path.clone() },
            ),
            PromptKind::Duplicate if row.is_request() => (
                "Duplicate",
                "Name of the copy; Enter creates it next to the original".to_string(),
                format!("{} copy", row.name),
                PromptPurpose::Duplicate { path: row.path.clone() },
            ),
            PromptKind::Duplicate => {
                self.shell.notify(Level::Info, "Only requests can be duplicated");
                return;
            }
            PromptKind::Move => {
                let current = row
                    .path
                    .parent()
                    .and_then(|p| p.strip_prefix(&root).ok())
                    .map(|p| p.display().to_string());
                (
                    "Move",
                    format!(
                        "Folder to move it to, relative to {} (empty for the top)",
                        self.workspace.rel(&root)
                    ),
                    current.unwrap_or_default(),
                    PromptPurpose::Move { path: row.path.clone() },
                )
            }
        };
        self.shell.modal = Some(Modal::Prompt(Prompt {
            title: title.into(),
            help,
            input: TextArea::single(&text),
            purpose,
        }));
    }

    fn confirm_delete(&mut self) {
        let Some(row) = self.tree.selected_row().cloned() else { return };
        if row.kind == RowKind::Collection {
            self.shell
                .notify(Level::Info, "Whole collections are deleted in your file manager, not here");
            return;
        }
        let what = if row.is_container() {
            "folder and everything in it"
        } else {
            "request file"
        };
        self.shell.modal = Some(Modal::Confirm(Confirm {
            title: "Delete?".into(),
            lines: vec![
                format!("Delete the {what}: {}", self.workspace.rel(&row.path)),
                "This cannot be undone from apix.".into(),
            ],
            choices: vec![('y', "yes, delete it".into()), ('c', "cancel (Esc)".into())],
            purpose: ConfirmPurpose::Delete(row.path),
        }));
    }

    pub(super) fn delete_now(&mut self, path: &Path) {
        let Some(ci) = self.workspace.collection_of(path) else { return };
        match delete_path(path) {
            Ok(()) => {
                if self.open.as_ref().is_some_and(|o| o.draft.path.starts_with(path)) {
                    self.open = None;
                }
                // A send of a deleted request ends here (cancelled), not in a spinner that runs forever.
                for (_, slot) in self.responses.slots.iter().filter(|(p, _)| p.starts_with(path)) {
                    if let RequestState::Sending { cancel, .. } = &slot.state {
                        cancel.cancel();
                    }
                }
                self.responses.slots.retain(|p, _| !p.starts_with(path));
                self.reload_collection(ci);
                self.shell.notify(Level::Success, format!("Deleted {}", self.workspace.rel(path)));
            }
            Err(e) => self.shell.notify(Level::Error, format!("Not deleted: {e}")),
        }
    }

    pub(super) fn run_prompt(&mut self, purpose: PromptPurpose, text: &str) {
        if purpose == PromptPurpose::SaveBody {
            return self
                .responses
                .save_body(self.open.as_ref().map(|o| o.draft.path.as_path()), text, &mut self.shell);
        }
        let result = match &purpose {
            PromptPurpose::NewRequest { folder } => {
                let path = folder.join(file_name_for(text));
                let mut def = RequestDef::new(path.clone(), text);
                def.url = "{{base_url}}/".into();
                create_request(&def).map(|()| (path, true))
            }
            PromptPurpose::NewFolder { parent } => {
                let path = parent.join(file_name_for(text).trim_end_matches(".toml"));
                create_folder(&path).map(|()| (path, false))
            }
            PromptPurpose::Rename { path } => self.rename(path, text),
            PromptPurpose::Duplicate { path } => {
                let Some(def) = self.find_def(path) else { return };
                let to = path.with_file_name(file_name_for(text));
                duplicate_request(&def, &to, text).map(|()| (to, true))
            }
            PromptPurpose::Move { path } => {
                let Some(ci) = self.workspace.collection_of(path) else { return };
                let root = self.workspace.collections[ci].root.clone();
                move_into(&root, path, text).map(|to| (to, path.extension().is_some()))
            }
            PromptPurpose::SaveBody => return,
        };
        match result {
            Ok((path, is_request)) => {
                let Some(ci) = self.workspace.collection_of(&path) else { return };
                // Keep the open request pointing at its file after a rename or move.
                if let PromptPurpose::Rename { path: from } | PromptPurpose::Move { path: from } = &purpose {
                    self.follow_move(from, &path);
                    self.history.follow_move(from, &path, &mut self.shell);
                }
                self.reload_collection(ci);
                if is_request {
                    if let PromptPurpose::Rename { .. } | PromptPurpose::Move { .. } = &purpose {
                        if let Some(def) = self.find_def(&path) {
                            if let Some(open) = self.open.as_mut().filter(|o| o.draft.path == path) {
                                open.original = def.clone();
                                open.draft = def;
                                open.stamp = crate::tui::message::FileStamp::read(&path);
                            }
                        }
                    }
                }
                self.tree.reveal(&self.workspace.collections, &path);
                let verb = match purpose {
                    PromptPurpose::NewRequest { .. } | PromptPurpose::NewFolder { .. } => "Created",
                    PromptPurpose::Rename { .. } => "Renamed to",
                    PromptPurpose::Duplicate { .. } => "Duplicated as",
                    PromptPurpose::Move { .. } | PromptPurpose::SaveBody => "Moved to",
                };
                self.shell.notify(Level::Success, format!("{verb} {}", self.workspace.rel(&path)));
                if is_request && matches!(purpose, PromptPurpose::NewRequest { .. } | PromptPurpose::Duplicate { .. }) {
                    self.open_request(&path, true);
                }
            }
            Err(e) => self.shell.notify(Level::Error, e.to_string()),
        }
    }

    fn rename(&mut self, path: &Path, name: &str) -> Result<(PathBuf, bool), crate::core::collection::SaveError> {
        if path.is_dir() {
            let to = path.with_file_name(file_name_for(name).trim_end_matches(".toml"));
            return move_path(path, &to).map(|()| (to, false));
        }
        let to = path.with_file_name(file_name_for(name));
        if to != path {
            move_path(path, &to)?;
        }
        if let Some(mut def) = self.find_def(path) {
            def.path = to.clone();
            def.name = name.to_string();
            crate::core::collection::save_request(&def)?;
        }
        Ok((to, true))
    }

    fn find_def(&self, path: &Path) -> Option<RequestDef> {
        let ci = self.workspace.collection_of(path)?;
        self.workspace.collections[ci].find_request(path).cloned()
    }

    fn follow_move(&mut self, from: &Path, to: &Path) {
        if let Some(open) = self.open.as_mut() {
            if let Ok(rest) = open.draft.path.strip_prefix(from) {
                let new = if rest.as_os_str().is_empty() {
                    to.to_path_buf()
                } else {
                    to.join(rest)
                };
                open.draft.path = new.clone();
                open.original.path = new;
            }
        }
        let moved: Vec<PathBuf> = self.responses.slots.keys().filter(|p| p.starts_with(from)).cloned().collect();
        for p in moved {
            if let (Some(slot), Ok(rest)) = (self.responses.slots.remove(&p), p.strip_prefix(from)) {
                let new = if rest.as_os_str().is_empty() {
                    to.to_path_buf()
                } else {
                    to.join(rest)
                };
                self.responses.slots.insert(new, slot);
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum PromptKind {
    Rename,
    Duplicate,
    Move,
}
