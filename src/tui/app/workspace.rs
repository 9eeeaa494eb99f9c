//! The folder apix was opened on: its collections, the environment chosen in each, and what `apix check` finds in
//! them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::problems::Problems;
use crate::core::collection::{Collection, Environment};

pub struct Workspace {
    pub dir: PathBuf,
    pub collections: Vec<Collection>,
    /// Selected environment per collection root.
    pub envs: HashMap<PathBuf, Option<String>>,
    /// What `apix check` finds in each collection (marked in the tree, listed with `p`).
    pub problems: Problems,
}

impl Workspace {
    /// The collection holding `path`.
    pub fn collection_of(&self, path: &Path) -> Option<usize> {
        self.collections.iter().position(|c| path.starts_with(&c.root))
    }

    pub fn env_name(&self, collection: usize) -> Option<&str> {
        let c = self.collections.get(collection)?;
        self.envs.get(&c.root)?.as_deref()
    }

    pub fn environment(&self, collection: usize) -> Option<&Environment> {
        let name = self.env_name(collection)?;
        self.collections.get(collection)?.environment(name)
    }

    /// A path as people read it: relative to the folder apix was opened on.
    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.dir).unwrap_or(path).display().to_string()
    }
}
