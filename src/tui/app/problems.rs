//! The problems `apix check` reports, in the TUI: checked off the UI thread (a second after start, and after every
//! reload or save), marked in the tree (`!` on the file, its folders and its collection) and listed in a panel
//! (`p` in the tree, or the palette) where Enter opens the request a problem is in. One analysis, in the core
//! (`core::check`), for both front ends.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};

use super::modal::Modal;
use super::App;
use crate::core::check::check;
use crate::core::collection::{Diagnostic, Severity};
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;

/// What is known of each collection's problems.
#[derive(Debug, Default)]
pub struct Problems {
    by_root: HashMap<PathBuf, Vec<Diagnostic>>,
    /// Collections to check again (by root).
    stale: HashSet<PathBuf>,
}

impl Problems {
    /// The worst problem in `path` or below it (a folder, a collection), if any.
    pub fn worst_under(&self, path: &Path) -> Option<Severity> {
        let mut worst = None;
        for d in self.by_root.values().flatten().filter(|d| d.path.starts_with(path)) {
            if d.is_error() {
                return Some(Severity::Error);
            }
            worst = Some(Severity::Warning);
        }
        worst
    }

    /// Every problem, errors first, in a stable order.
    pub fn all(&self) -> Vec<&Diagnostic> {
        let mut roots: Vec<&PathBuf> = self.by_root.keys().collect();
        roots.sort();
        let list: Vec<&Diagnostic> = roots.iter().flat_map(|r| self.by_root[*r].iter()).collect();
        let mut out: Vec<&Diagnostic> = list.iter().copied().filter(|d| d.is_error()).collect();
        out.extend(list.iter().copied().filter(|d| !d.is_error()));
        out
    }

    /// What loading already found (shown until the full check answers).
    pub fn seed(&mut self, root: &Path, diagnostics: Vec<Diagnostic>) {
        self.by_root.insert(root.to_path_buf(), diagnostics);
        self.stale.insert(root.to_path_buf());
    }

    pub fn mark_stale(&mut self, root: &Path) {
        self.stale.insert(root.to_path_buf());
    }
}

/// The panel's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProblemsView {
    pub selected: usize,
}

impl App {
    /// Checks every collection marked stale, each as a job of its own.
    pub(super) fn check_stale_collections(&mut self) {
        let stale: Vec<PathBuf> = self.problems.stale.drain().collect();
        for root in stale {
            let Some(c) = self.workspace.iter().find(|c| c.root == root).cloned() else {
                self.problems.by_root.remove(&root);
                continue;
            };
            let key = self.workspace.iter().position(|w| w.root == root).unwrap_or_default() as u64;
            self.jobs.blocking((JobKind::Check, key), move |_| Message::Checked {
                diagnostics: check(&c),
                root: c.root,
            });
        }
    }

    pub(super) fn on_checked(&mut self, root: PathBuf, diagnostics: Vec<Diagnostic>) {
        self.problems.by_root.insert(root, diagnostics);
        self.redraw = true;
    }

    pub(super) fn open_problems(&mut self) {
        self.modal = Some(Modal::Problems(ProblemsView::default()));
    }

    pub(super) fn problems_key(&mut self, mut v: ProblemsView, key: KeyEvent) {
        let count = self.problems.all().len();
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('p') => return,
            KeyCode::Up | KeyCode::Char('k') => v.selected = v.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => v.selected = (v.selected + 1).min(count.saturating_sub(1)),
            KeyCode::Enter => {
                let path = self.problems.all().get(v.selected).map(|d| d.path.clone());
                if let Some(path) = path.filter(|p| self.collection_of(p).is_some_and(|ci| self.workspace[ci].find_request(p).is_some())) {
                    self.open_request(&path, true);
                    return;
                }
            }
            _ => {}
        }
        self.modal = Some(Modal::Problems(v));
    }
}
