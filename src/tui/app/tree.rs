//! The sidebar: collections, folders and requests flattened into rows, with expand/collapse and a fuzzy filter.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::core::collection::{Collection, Folder, Node};

use super::super::fuzzy::Fuzzy;
use super::super::text_input::TextArea;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    Collection,
    Folder,
    Request {
        method: String,
    },
    /// A file that did not load; its diagnostics say why.
    Broken,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub depth: u16,
    pub kind: RowKind,
    pub name: String,
    pub path: PathBuf,
    pub collection: usize,
    pub expanded: bool,
}

impl TreeRow {
    pub fn is_request(&self) -> bool {
        matches!(self.kind, RowKind::Request { .. })
    }

    pub fn is_container(&self) -> bool {
        matches!(self.kind, RowKind::Collection | RowKind::Folder)
    }
}

#[derive(Debug, Clone, Default)]
pub struct TreeState {
    pub expanded: HashSet<PathBuf>,
    pub rows: Vec<TreeRow>,
    pub selected: usize,
    pub scroll: usize,
    pub filter: String,
    /// Present while the filter is being typed.
    pub filter_input: Option<TextArea>,
    /// Fuzzy scores of the requests matching the filter.
    scores: HashMap<PathBuf, u32>,
}

impl TreeState {
    pub fn new(workspace: &[Collection]) -> TreeState {
        let mut t = TreeState::default();
        for c in workspace {
            t.expanded.insert(c.root.clone());
        }
        t.rebuild(workspace);
        t
    }

    pub fn selected_row(&self) -> Option<&TreeRow> {
        self.rows.get(self.selected)
    }

    /// Recomputes the rows, keeping the selection on the same path when it is still visible.
    pub fn rebuild(&mut self, workspace: &[Collection]) {
        let keep = self.selected_row().map(|r| r.path.clone());
        self.rows.clear();
        let keep_set = if self.filter.trim().is_empty() {
            self.scores.clear();
            None
        } else {
            let (set, scores) = matching_paths(workspace, &self.filter);
            self.scores = scores;
            Some(set)
        };
        for (ci, c) in workspace.iter().enumerate() {
            if let Some(set) = &keep_set {
                if !set.contains(&c.root) {
                    continue;
                }
            }
            let expanded = keep_set.is_some() || self.expanded.contains(&c.root);
            self.rows.push(TreeRow {
                depth: 0,
                kind: RowKind::Collection,
                name: c.name.clone(),
                path: c.root.clone(),
                collection: ci,
                expanded,
            });
            if expanded {
                self.push_children(&c.tree, ci, 1, keep_set.as_ref());
            }
        }
        if let Some(p) = keep {
            self.select_path(&p);
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    fn push_children(&mut self, folder: &Folder, ci: usize, depth: u16, keep: Option<&HashSet<PathBuf>>) {
        for child in &folder.children {
            if let Some(set) = keep {
                if !set.contains(child.path()) {
                    continue;
                }
            }
            match child {
                Node::Folder(f) => {
                    let expanded = keep.is_some() || self.expanded.contains(&f.path);
                    self.rows.push(TreeRow {
                        depth,
                        kind: RowKind::Folder,
                        name: f.name.clone(),
                        path: f.path.clone(),
                        collection: ci,
                        expanded,
                    });
                    if expanded {
                        self.push_children(f, ci, depth + 1, keep);
                    }
                }
                Node::Request(r) => self.rows.push(TreeRow {
                    depth,
                    kind: RowKind::Request { method: r.method.clone() },
                    name: r.name.clone(),
                    path: r.path.clone(),
                    collection: ci,
                    expanded: false,
                }),
                Node::Broken(p) => self.rows.push(TreeRow {
                    depth,
                    kind: RowKind::Broken,
                    name: p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    path: p.clone(),
                    collection: ci,
                    expanded: false,
                }),
            }
        }
    }

    pub fn select_path(&mut self, path: &Path) -> bool {
        match self.rows.iter().position(|r| r.path == path) {
            Some(i) => {
                self.selected = i;
                true
            }
            None => false,
        }
    }

    /// Expands every folder on the way to `path` (so it becomes visible) and selects it.
    pub fn reveal(&mut self, workspace: &[Collection], path: &Path) {
        for c in workspace {
            if path.starts_with(&c.root) {
                for anc in path.ancestors().skip(1) {
                    self.expanded.insert(anc.to_path_buf());
                    if anc == c.root {
                        break;
                    }
                }
            }
        }
        self.rebuild(workspace);
        self.select_path(path);
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    /// Right / l: expand a folder, or step into it when already expanded.
    pub fn expand(&mut self, workspace: &[Collection]) {
        let Some(row) = self.selected_row().cloned() else { return };
        if !row.is_container() {
            return;
        }
        if row.expanded {
            self.move_by(1);
        } else {
            self.expanded.insert(row.path);
            self.rebuild(workspace);
        }
    }

    /// Left / h: collapse a folder, or go to the parent.
    pub fn collapse(&mut self, workspace: &[Collection]) {
        let Some(row) = self.selected_row().cloned() else { return };
        if row.is_container() && row.expanded && self.filter.is_empty() {
            self.expanded.remove(&row.path);
            self.rebuild(workspace);
            return;
        }
        if row.depth == 0 {
            return;
        }
        if let Some(i) = self.rows[..self.selected].iter().rposition(|r| r.depth < row.depth) {
            self.selected = i;
        }
    }

    pub fn toggle(&mut self, workspace: &[Collection]) {
        let Some(row) = self.selected_row().cloned() else { return };
        if row.expanded {
            self.expanded.remove(&row.path);
        } else {
            self.expanded.insert(row.path);
        }
        self.rebuild(workspace);
    }

    pub fn set_filter(&mut self, workspace: &[Collection], filter: &str) {
        self.filter = filter.to_string();
        self.rebuild(workspace);
        // Land on the best matching request, the thing a filter is for (ties: the first in the tree).
        let best = self
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| self.scores.get(&r.path).map(|s| (*s, i)))
            .max_by_key(|(s, i)| (*s, std::cmp::Reverse(*i)));
        if let Some((_, i)) = best {
            self.selected = i;
        }
    }

    pub fn keep_visible(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + height {
            self.scroll = self.selected + 1 - height;
        }
        self.scroll = self.scroll.min(self.rows.len().saturating_sub(1));
    }
}

/// The label a request is matched by: "Demo API users Get user".
pub fn request_label(c: &Collection, path: &Path, name: &str) -> String {
    let mut parts = vec![c.name.clone()];
    for f in c.folder_chain(path).iter().skip(1) {
        parts.push(f.name.clone());
    }
    parts.push(name.to_string());
    parts.join(" › ")
}

/// Paths of the requests matching `filter` and of every folder above them, and each request's score. The
/// request's own name counts most; its folders and method help narrow down.
fn matching_paths(workspace: &[Collection], filter: &str) -> (HashSet<PathBuf>, HashMap<PathBuf, u32>) {
    let mut fuzzy = Fuzzy::new(filter);
    let mut out = HashSet::new();
    let mut scores = HashMap::new();
    for c in workspace {
        for r in c.requests() {
            let label = request_label(c, &r.path, &r.name);
            if let Some(score) = fuzzy.score(&label) {
                let own = fuzzy.score(&r.name).unwrap_or(0);
                scores.insert(r.path.clone(), score + own * 2);
                out.insert(r.path.clone());
                for anc in r.path.ancestors().skip(1) {
                    out.insert(anc.to_path_buf());
                    if anc == c.root {
                        break;
                    }
                }
            }
        }
    }
    (out, scores)
}
