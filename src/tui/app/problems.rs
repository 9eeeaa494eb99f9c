//! The problems `apix check` reports, in the TUI: checked off the UI thread (once the first frame is up, and after every
//! reload or save), marked in the tree (`!` on the file, its folders and its collection) and listed in a panel
//! (`p` in the tree, or the palette) where Enter opens the request a problem is in. One analysis, in the core
//! (`core::check`), for both front ends.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};

use crate::core::check::check;
use crate::core::collection::{Collection, Diagnostic, Severity};
use crate::tui::jobs::{JobKind, Jobs};
use crate::tui::message::Message;

/// What is known of each collection's problems.
#[derive(Debug, Default)]
pub struct Problems {
    by_root: HashMap<PathBuf, Vec<Diagnostic>>,
    /// Collections to check again (by root).
    stale: HashSet<PathBuf>,
    /// Checks started and not answered yet.
    running: usize,
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

impl Problems {
    /// Checks every collection marked stale, each as a job of its own.
    pub fn check_stale(&mut self, workspace: &[Collection], jobs: &mut Jobs<Message>) {
        for root in std::mem::take(&mut self.stale) {
            let Some(i) = workspace.iter().position(|c| c.root == root) else {
                self.by_root.remove(&root);
                continue;
            };
            let c = workspace[i].clone();
            self.running += 1;
            jobs.blocking((JobKind::Check, i as u64), move |_| Message::Checked {
                diagnostics: check(&c),
                root: c.root,
            });
        }
    }

    /// A check's answer.
    pub fn checked(&mut self, root: PathBuf, diagnostics: Vec<Diagnostic>) {
        self.by_root.insert(root, diagnostics);
        self.running = self.running.saturating_sub(1);
    }

    /// True until every collection has been checked once since it last changed.
    pub fn checking(&self) -> bool {
        self.running > 0 || !self.stale.is_empty()
    }
}

/// What a key in the panel asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemsOutcome {
    Stay,
    Close,
    /// Open the file this problem is in (if it is a request).
    Open(PathBuf),
}

impl ProblemsView {
    pub fn handle_key(&mut self, key: KeyEvent, problems: &Problems) -> ProblemsOutcome {
        let all = problems.all();
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('p') => ProblemsOutcome::Close,
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                ProblemsOutcome::Stay
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(all.len().saturating_sub(1));
                ProblemsOutcome::Stay
            }
            KeyCode::Enter => match all.get(self.selected) {
                Some(d) => ProblemsOutcome::Open(d.path.clone()),
                None => ProblemsOutcome::Stay,
            },
            _ => ProblemsOutcome::Stay,
        }
    }
}
