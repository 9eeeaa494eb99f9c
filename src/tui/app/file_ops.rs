//! What the tree's prompts do on disk: create, rename, duplicate, move and delete requests and folders, through the
//! core's file operations. The App then tells every pane what moved or went away (`App::moved`, `App::deleted`).

use std::path::{Path, PathBuf};

use super::dialogs::PromptPurpose;
use super::workspace::Workspace;
use crate::core::collection::{
    create_collection, create_folder, create_request, delete_path, duplicate_request, file_name_for, move_into, move_path, RequestDef,
    SaveError,
};

/// The file a prompt created, renamed or moved, and whether it is a request (else a folder).
pub type Made = (PathBuf, bool);

impl Workspace {
    /// Carries out the tree prompt `purpose` with the name or folder typed. None when there is nothing to do (the
    /// request or collection is no longer in the workspace).
    pub(super) fn run_file_prompt(&self, purpose: &PromptPurpose, text: &str) -> Option<Result<Made, SaveError>> {
        Some(match purpose {
            PromptPurpose::NewRequest { folder } => {
                let path = folder.join(file_name_for(text));
                let mut def = RequestDef::new(path.clone(), text);
                def.url = "{{base_url}}/".into();
                create_request(&def).map(|()| (path, true))
            }
            PromptPurpose::NewCollection { dir } => create_collection(dir, text).map(|path| (path, false)),
            PromptPurpose::NewFolder { parent } => {
                let path = parent.join(file_name_for(text).trim_end_matches(".toml"));
                create_folder(&path, text).map(|()| (path, false))
            }
            PromptPurpose::Rename { path } => self.rename(path, text),
            PromptPurpose::Duplicate { path } => {
                let def = self.find_def(path)?;
                let to = path.with_file_name(file_name_for(text));
                duplicate_request(&def, &to, text).map(|()| (to, true))
            }
            PromptPurpose::Move { path } => {
                let ci = self.collection_of(path)?;
                let root = self.collections[ci].root.clone();
                move_into(&root, path, text).map(|to| (to, path.extension().is_some()))
            }
            PromptPurpose::SaveBody => return None,
        })
    }

    /// Deletes a request file or a folder with everything in it.
    pub(super) fn delete(&self, path: &Path) -> Result<(), SaveError> {
        delete_path(path)
    }

    fn rename(&self, path: &Path, name: &str) -> Result<Made, SaveError> {
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

    /// The request at `path` as loaded.
    pub(super) fn find_def(&self, path: &Path) -> Option<RequestDef> {
        let ci = self.collection_of(path)?;
        self.collections[ci].find_request(path).cloned()
    }
}
