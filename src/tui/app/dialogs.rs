//! The overlays' state: which dialog is up (help, palette, environment switcher, prompts, confirmations, history,
//! diff, trust, login, keyring, cookies, problems) and what each holds. Plain data; keys are handled in `modal.rs`.

use std::path::PathBuf;

use crate::tui::action::Action;
use crate::tui::fuzzy::Fuzzy;
use crate::tui::text_input::TextArea;

#[derive(Debug, Clone)]
pub enum Modal {
    Help {
        scroll: usize,
    },
    Palette(PaletteState),
    Env(EnvPicker),
    Prompt(Prompt),
    Confirm(Confirm),
    History(Box<super::history_state::HistoryView>),
    Diff(Box<super::history_diff::DiffView>),
    Trust(super::auth_dialog_state::TrustPrompt),
    AuthFlow(super::auth_dialog_state::FlowDialog),
    Secret(super::auth_dialog_state::SecretPrompt),
    Cookies(super::cookies::CookiesDialog),
    TrustReview(Box<super::trust_review::TrustReview>),
    Problems(super::problems::ProblemsView),
    /// Something to read in full (an error that does not fit the status line); any of Esc, Enter, q closes it.
    Message {
        title: String,
        text: String,
    },
    /// `m`: the folder to move a request or folder into, picked from the collection's folders.
    FolderPicker(FolderPicker),
}

/// The collection's folders (relative to its root; "" is the top), filtered as you type.
#[derive(Debug, Clone)]
pub struct FolderPicker {
    /// What moves.
    pub path: PathBuf,
    pub input: TextArea,
    pub folders: Vec<String>,
    /// Indices into `folders`, best match first.
    pub matches: Vec<usize>,
    pub selected: usize,
}

impl FolderPicker {
    pub fn new(path: PathBuf, folders: Vec<String>) -> FolderPicker {
        let mut p = FolderPicker {
            path,
            input: TextArea::single(""),
            folders,
            matches: Vec::new(),
            selected: 0,
        };
        p.refilter();
        p
    }

    /// How a folder is listed: its path, or the top of the collection.
    pub fn label(folder: &str) -> String {
        if folder.is_empty() {
            "(top of the collection)".into()
        } else {
            folder.to_string()
        }
    }

    pub fn refilter(&mut self) {
        let query = self.input.text();
        let mut fuzzy = Fuzzy::new(&query);
        let mut scored: Vec<(u32, usize)> = self
            .folders
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((fuzzy.score(&FolderPicker::label(f))?, i)))
            .collect();
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        self.matches = scored.into_iter().map(|(_, i)| i).collect();
        self.selected = 0;
    }

    /// The folder under the cursor.
    pub fn chosen(&self) -> Option<&str> {
        self.folders.get(*self.matches.get(self.selected)?).map(String::as_str)
    }
}

impl Modal {
    pub fn input_mut(&mut self) -> Option<&mut TextArea> {
        match self {
            Modal::Palette(p) => Some(&mut p.input),
            Modal::Prompt(p) => Some(&mut p.input),
            Modal::History(h) => Some(&mut h.search),
            Modal::AuthFlow(f) => f.paste.as_mut().map(|(input, _)| input),
            Modal::Secret(s) => Some(s.input_mut()),
            Modal::FolderPicker(f) => Some(&mut f.input),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteItem {
    Action(Action),
    Request { path: PathBuf, label: String, method: String },
}

#[derive(Debug, Clone)]
pub struct PaletteState {
    pub input: TextArea,
    pub items: Vec<PaletteItem>,
    /// Indices into `items`, best match first.
    pub matches: Vec<usize>,
    pub selected: usize,
}

impl PaletteState {
    pub fn item_text(item: &PaletteItem) -> String {
        match item {
            PaletteItem::Action(a) => a.description().to_string(),
            PaletteItem::Request { label, method, .. } => format!("{method} {label}"),
        }
    }

    pub fn refilter(&mut self) {
        let query = self.input.text();
        let mut fuzzy = Fuzzy::new(&query);
        let mut scored: Vec<(u32, usize)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let full = fuzzy.score(&PaletteState::item_text(item))?;
                // A query that matches the request's own name (the last part of the label) beats one that only
                // matches across method, folders and name: "get user" must find "Get user" before "List users".
                let name_bonus = match item {
                    PaletteItem::Request { label, .. } => {
                        let name = label.rsplit(" › ").next().unwrap_or(label);
                        fuzzy.score(name).map(|s| s.saturating_mul(2)).unwrap_or(0)
                    }
                    PaletteItem::Action(_) => 0,
                };
                Some((full.saturating_add(name_bonus), i))
            })
            .collect();
        // Stable: equal scores keep actions first, then requests in tree order.
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        self.matches = scored.into_iter().map(|(_, i)| i).collect();
        self.selected = 0;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvPicker {
    pub collection: usize,
    /// 0 is "no environment"; `i > 0` is environment `i - 1`.
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    NewRequest { folder: PathBuf },
    NewFolder { parent: PathBuf },
    NewCollection { dir: PathBuf },
    Rename { path: PathBuf },
    Duplicate { path: PathBuf },
    Move { path: PathBuf },
    SaveBody,
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub title: String,
    pub help: String,
    pub input: TextArea,
    pub purpose: PromptPurpose,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterUnsaved {
    Quit,
    /// Open this request next (and focus it).
    Open(PathBuf, bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmPurpose {
    Delete(PathBuf),
    Unsaved(AfterUnsaved),
    DiskChanged {
        path: PathBuf,
        saving: bool,
    },
    /// `Y`: copy the request as curl with its secrets.
    CopySecrets,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    /// Key and what it does.
    pub choices: Vec<(char, String)>,
    pub purpose: ConfirmPurpose,
}
