//! The tree pane's keys: moving, expanding, filtering, and creating, renaming, duplicating, moving and deleting
//! requests and folders (all through the core's file operations).

use std::path::{Path, PathBuf};

use super::dialogs::{Confirm, ConfirmPurpose, FolderPicker, Modal, Prompt, PromptPurpose};
use super::draft::OpenRequest;
use super::shell::Shell;
use super::tree::{RowKind, TreeState};
use super::workspace::Workspace;
use crate::tui::action::Action;
use crate::tui::events::Level;
use crate::tui::text_input::TextArea;

impl TreeState {
    /// An action in the tree pane. Returns the request to open, when Enter chose one (the App opens it: that may
    /// ask about unsaved edits first).
    pub(super) fn action(&mut self, action: Action, ws: &Workspace, open: Option<&OpenRequest>, shell: &mut Shell) -> Option<PathBuf> {
        let half = (shell.areas.tree.map(|a| a.height).unwrap_or(10) as isize / 2).max(1);
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = self.rows.len().saturating_sub(1),
            Action::HalfPageDown | Action::PageDown => self.move_by(half),
            Action::HalfPageUp | Action::PageUp => self.move_by(-half),
            Action::Left => self.collapse(&ws.collections),
            Action::Right => self.expand(&ws.collections),
            Action::Open => {
                let row = self.selected_row().cloned()?;
                match row.kind {
                    RowKind::Request { .. } => return Some(row.path),
                    RowKind::Broken => {
                        // The whole error, wrapped, with its place and hint: the Problems panel on this file.
                        let all = ws.problems.all();
                        match all.iter().position(|d| d.path == row.path && d.is_error()) {
                            Some(selected) => shell.modal = Some(Modal::Problems(super::problems::ProblemsView { selected })),
                            None => shell.notify(Level::Error, format!("{} could not be loaded", ws.rel(&row.path))),
                        }
                    }
                    _ => self.toggle(&ws.collections),
                }
            }
            Action::Filter => {
                let current = self.filter.clone();
                self.filter_input = Some(TextArea::single(&current));
            }
            Action::ExternalEditor => match self.selected_row() {
                // The file itself: how a broken one gets fixed without leaving apix.
                Some(row) if matches!(row.kind, RowKind::Broken | RowKind::Request { .. }) => {
                    shell.effect = Some(super::types::Effect::EditFile { path: row.path.clone() });
                }
                _ => shell.notify(Level::Info, "Select a request file: e opens it in $EDITOR"),
            },
            Action::NewRequest => self.prompt_new(false, ws, shell),
            Action::NewFolder => self.prompt_new(true, ws, shell),
            Action::Rename => self.prompt_for_selected(PromptKind::Rename, ws, open, shell),
            Action::Duplicate => self.prompt_for_selected(PromptKind::Duplicate, ws, open, shell),
            Action::Move => self.prompt_for_selected(PromptKind::Move, ws, open, shell),
            Action::Delete => self.confirm_delete(ws, shell),
            _ => {}
        }
        None
    }

    /// The folder new things go into: the selected folder, or the one holding the selected request.
    fn target_folder(&self) -> Option<PathBuf> {
        let row = self.selected_row()?;
        if row.is_container() {
            Some(row.path.clone())
        } else {
            row.path.parent().map(Path::to_path_buf)
        }
    }

    fn prompt_new(&mut self, folder: bool, ws: &Workspace, shell: &mut Shell) {
        let Some(dir) = self.target_folder() else {
            if ws.collections.is_empty() {
                return prompt_new_collection(ws, shell);
            }
            shell.notify(Level::Info, "Select a collection or folder first (↑↓ in the tree)");
            return;
        };
        let place = ws.rel(&dir);
        let (title, purpose) = if folder {
            ("New folder", PromptPurpose::NewFolder { parent: dir })
        } else {
            ("New request", PromptPurpose::NewRequest { folder: dir })
        };
        shell.modal = Some(Modal::Prompt(Prompt {
            title: title.into(),
            help: format!("Name it (in {place}); Enter creates, Esc cancels"),
            input: TextArea::single(""),
            purpose,
        }));
    }

    fn prompt_for_selected(&mut self, kind: PromptKind, ws: &Workspace, open: Option<&OpenRequest>, shell: &mut Shell) {
        let Some(row) = self.selected_row().cloned() else { return };
        if row.kind == RowKind::Collection || row.kind == RowKind::Broken {
            shell.notify(
                Level::Info,
                "Collections and broken files are renamed and moved in your file manager",
            );
            return;
        }
        if open.is_some_and(|o| o.is_dirty() && o.draft.path.starts_with(&row.path)) {
            shell.notify(Level::Warning, "Save (Ctrl-S) or discard your changes first");
            return;
        }
        let root = ws.collections[row.collection].root.clone();
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
                shell.notify(Level::Info, "Only requests can be duplicated");
                return;
            }
            PromptKind::Move => {
                // The collection's folders to pick from (not the one moving, nor anything inside it).
                let mut folders = vec![String::new()];
                collect_folders(&ws.collections[row.collection].tree, &root, &row.path, &mut folders);
                shell.modal = Some(Modal::FolderPicker(FolderPicker::new(row.path.clone(), folders)));
                return;
            }
        };
        shell.modal = Some(Modal::Prompt(Prompt {
            title: title.into(),
            help,
            input: TextArea::single(&text),
            purpose,
        }));
    }

    fn confirm_delete(&mut self, ws: &Workspace, shell: &mut Shell) {
        let Some(row) = self.selected_row().cloned() else { return };
        if row.kind == RowKind::Collection {
            shell.notify(Level::Info, "Whole collections are deleted in your file manager, not here");
            return;
        }
        let what = if row.is_container() {
            "folder and everything in it"
        } else {
            "request file"
        };
        shell.modal = Some(Modal::Confirm(Confirm {
            title: "Delete?".into(),
            lines: vec![
                format!("Delete the {what}: {}", ws.rel(&row.path)),
                "This cannot be undone from apix.".into(),
            ],
            choices: vec![('y', "yes, delete it".into()), ('c', "cancel (Esc)".into())],
            purpose: ConfirmPurpose::Delete(row.path),
        }));
    }
}

/// Every folder under `folder` (paths relative to `root`), except `moving` and what is inside it.
fn collect_folders(folder: &crate::core::collection::Folder, root: &Path, moving: &Path, out: &mut Vec<String>) {
    for child in &folder.children {
        if let crate::core::collection::Node::Folder(f) = child {
            if f.path.starts_with(moving) {
                continue;
            }
            if let Ok(rel) = f.path.strip_prefix(root) {
                out.push(rel.display().to_string());
            }
            collect_folders(f, root, moving, out);
        }
    }
}

/// Asks for the name of a new collection, made in the folder apix was opened on.
pub(super) fn prompt_new_collection(ws: &Workspace, shell: &mut Shell) {
    shell.modal = Some(Modal::Prompt(Prompt {
        title: "New collection".into(),
        help: format!(
            "Name it (a folder in {} with collection.toml, a local environment and .gitignore); Enter creates",
            ws.dir.display()
        ),
        input: TextArea::single(""),
        purpose: PromptPurpose::NewCollection { dir: ws.dir.clone() },
    }));
}

#[derive(Debug, Clone, Copy)]
enum PromptKind {
    Rename,
    Duplicate,
    Move,
}
