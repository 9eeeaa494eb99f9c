//! The dialogs on top of the panes: help, the command palette, the environment switcher, name prompts,
//! confirmations, and the routing of each dialog's keys to its own component (history, auth, cookies, trust review,
//! problems). A dialog never reaches into a pane: what it decides comes back as a [`DialogOutcome`] the App carries
//! out.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::auth_state::AuthState;
use super::cookies::{CookieEvent, CookiesDialog};
pub use super::dialogs::*;
use super::draft::OpenRequest;
use super::history_state::HistoryState;
use super::problems::ProblemsOutcome;
use super::shell::Shell;
use super::slot::Slot;
use super::tree::request_label;
use super::trust_review::{self, ReviewOutcome, TrustReview};
use super::types::Pane;
use super::workspace::Workspace;
use crate::core::pipeline::TrustQuestion;
use crate::tui::action::Action;
use crate::tui::events::Level;
use crate::tui::keymap::{Context, KeyCombo};
use crate::tui::text_input::{InputOutcome, TextArea};

/// What a dialog's key asks of the rest of the app.
#[derive(Debug)]
pub(super) enum DialogOutcome {
    /// Nothing beyond the dialog itself.
    Done,
    /// Run an action (from the palette), in `pane` first when it belongs to one.
    Action(Action, Option<Pane>),
    /// Open a request (from the palette or the problems list).
    Open(PathBuf),
    /// A prompt was answered with this text.
    Prompted(PromptPurpose, String),
    /// A confirmation was answered with this choice (never 'c', cancel).
    Confirmed(ConfirmPurpose, char),
    /// The trust prompt said yes: send the open request, trusting this first.
    Trusted(TrustQuestion),
}

/// What the dialogs may read and change besides the Shell.
pub(super) struct Around<'a> {
    pub ws: &'a mut Workspace,
    pub history: &'a mut HistoryState,
    pub open: Option<&'a OpenRequest>,
    /// The slot of the open request (a login dialog's Esc cancels its send).
    pub slot: Option<&'a Slot>,
    pub context: Context,
    pub focus: Pane,
}

/// The command palette: every action, then every request of the workspace.
pub(super) fn open_palette(ws: &Workspace, shell: &mut Shell) {
    let mut items: Vec<PaletteItem> = Action::ALL
        .iter()
        .filter(|a| a.in_palette())
        .map(|a| PaletteItem::Action(*a))
        .collect();
    for c in &ws.collections {
        for r in c.requests() {
            items.push(PaletteItem::Request {
                path: r.path.clone(),
                label: request_label(c, &r.path, &r.name),
                method: r.method.clone(),
            });
        }
    }
    let mut state = PaletteState {
        input: TextArea::single(""),
        items,
        matches: Vec::new(),
        selected: 0,
    };
    state.refilter();
    shell.modal = Some(Modal::Palette(state));
}

/// The environment switcher on collection `ci` (the one on display).
pub(super) fn open_env_picker(ws: &Workspace, ci: Option<usize>, shell: &mut Shell) {
    let Some(ci) = ci else {
        shell.notify(Level::Info, "No collection is loaded, so there are no environments");
        return;
    };
    let c = &ws.collections[ci];
    let selected = match ws.env_name(ci) {
        Some(name) => c.environments.iter().position(|e| e.name == name).map(|i| i + 1).unwrap_or(0),
        None => 0,
    };
    shell.modal = Some(Modal::Env(EnvPicker { collection: ci, selected }));
}

/// A text field in a dialog changed (typed or pasted).
pub(super) fn after_input(history: &mut HistoryState, shell: &mut Shell) {
    if let Some(Modal::Palette(p)) = shell.modal.as_mut() {
        p.refilter();
    }
    if let Some(Modal::FolderPicker(f)) = shell.modal.as_mut() {
        f.refilter();
    }
    if let Some(Modal::History(h)) = shell.modal.as_mut() {
        h.searching = true;
        history.schedule_search(shell);
    }
}

/// The Cookies dialog on the open request's collection and environment.
pub(super) fn open_cookies(ws: &Workspace, open: Option<&OpenRequest>, shell: &mut Shell) {
    let place = open.and_then(|o| {
        let c = ws.collections.get(o.collection)?;
        Some((c.root.clone(), ws.env_name(o.collection).map(str::to_string)))
    });
    let Some((root, env)) = place else {
        shell.notify(Level::Info, "Open a request first: cookies are kept per collection and environment");
        return;
    };
    match CookiesDialog::open(root, env, &mut shell.jobs, &shell.session) {
        Some(d) => shell.modal = Some(Modal::Cookies(d)),
        None => shell.notify(Level::Info, "Cookies are off for this session"),
    }
}

/// A cookie job's answer: to the dialog when it is open; a notice either way.
pub(super) fn on_cookies(ev: CookieEvent, shell: &mut Shell) {
    let notice = match shell.modal.as_mut() {
        Some(Modal::Cookies(d)) => d.update(ev),
        _ => CookiesDialog::notice_of(ev),
    };
    if let Some((level, text)) = notice {
        shell.notify(level, text);
    }
    shell.redraw = true;
}

/// A collection's review: shown unless another dialog is up (a send asks when it needs the trust).
pub(super) fn on_trust_review(review: Option<Box<TrustReview>>, shell: &mut Shell) {
    if let (Some(r), None) = (review, &shell.modal) {
        shell.modal = Some(Modal::TrustReview(r));
        shell.redraw = true;
    }
}

/// A key while a dialog is up: the dialog on top handles it, and says what else must happen.
pub(super) fn handle_key(key: KeyEvent, at: Around<'_>, shell: &mut Shell) -> DialogOutcome {
    let Some(modal) = shell.modal.take() else {
        return DialogOutcome::Done;
    };
    match modal {
        Modal::Help { scroll } => {
            let action = shell.keymap.lookup(at.context, KeyCombo::from_event(&key));
            shell.modal = match (key.code, action) {
                (KeyCode::Esc, _) | (KeyCode::Char('q'), _) | (_, Some(Action::Help)) => None,
                (_, Some(Action::Down)) => Some(Modal::Help { scroll: scroll + 1 }),
                (_, Some(Action::Up)) => Some(Modal::Help {
                    scroll: scroll.saturating_sub(1),
                }),
                (_, Some(Action::PageDown | Action::HalfPageDown)) => Some(Modal::Help { scroll: scroll + 10 }),
                (_, Some(Action::PageUp | Action::HalfPageUp)) => Some(Modal::Help {
                    scroll: scroll.saturating_sub(10),
                }),
                (_, Some(Action::Top)) => Some(Modal::Help { scroll: 0 }),
                _ => Some(Modal::Help { scroll }),
            };
        }
        Modal::Palette(p) => return palette_key(p, key, at.focus, shell),
        Modal::Env(e) => env_key(e, key, at.ws, at.context, shell),
        Modal::Prompt(p) => return prompt_key(p, key, shell),
        Modal::Confirm(c) => return confirm_key(c, key, shell),
        Modal::History(h) => at.history.key(h, key, at.context, at.ws, at.open, shell),
        Modal::Diff(d) => HistoryState::diff_key(d, key, at.context, shell),
        Modal::Trust(t) => {
            let current = at.open.map(|o| o.draft.path.as_path());
            if let Some(question) = AuthState::trust_key(t, key, current, shell) {
                return DialogOutcome::Trusted(question);
            }
        }
        Modal::AuthFlow(f) => AuthState::flow_key(f, key, at.slot, shell),
        Modal::Secret(s) => AuthState::secret_key(s, key, shell),
        Modal::Cookies(mut d) => {
            if d.handle_key(key, &mut shell.jobs, &shell.session) {
                shell.modal = Some(Modal::Cookies(d));
            }
        }
        Modal::TrustReview(r) => match trust_review::handle_key(r, key, &shell.session.trust, &mut shell.jobs) {
            ReviewOutcome::Stay(r) => shell.modal = Some(Modal::TrustReview(r)),
            ReviewOutcome::Close(notice) => {
                if let Some((level, text)) = notice {
                    shell.notify(level, text);
                }
            }
        },
        Modal::FolderPicker(f) => return folder_key(f, key, shell),
        Modal::Message { title, text } => {
            if !matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
                shell.modal = Some(Modal::Message { title, text });
            }
        }
        Modal::Problems(mut v) => match v.handle_key(key, &at.ws.problems) {
            ProblemsOutcome::Stay => shell.modal = Some(Modal::Problems(v)),
            ProblemsOutcome::Close => {}
            ProblemsOutcome::Open(path) => {
                if at.ws.find_def(&path).is_some() {
                    return DialogOutcome::Open(path);
                }
                shell.modal = Some(Modal::Problems(v));
            }
        },
    }
    DialogOutcome::Done
}

fn palette_key(mut p: PaletteState, key: KeyEvent, focus: Pane, shell: &mut Shell) -> DialogOutcome {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Up => p.selected = p.selected.saturating_sub(1),
        KeyCode::Char('k' | 'p') if ctrl => p.selected = p.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Tab => p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1)),
        KeyCode::Char('j' | 'n') if ctrl => p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1)),
        KeyCode::Enter => {
            let item = p.matches.get(p.selected).and_then(|i| p.items.get(*i)).cloned();
            return match item {
                Some(PaletteItem::Action(a)) => {
                    let pane = shell.keymap.home_context(a).map(|ctx| match ctx {
                        Context::Tree => Pane::Tree,
                        Context::Request => Pane::Request,
                        Context::Response => Pane::Response,
                        Context::Global => focus,
                    });
                    DialogOutcome::Action(a, pane)
                }
                Some(PaletteItem::Request { path, .. }) => DialogOutcome::Open(path),
                None => DialogOutcome::Done,
            };
        }
        _ => match p.input.handle_key(&key) {
            InputOutcome::Leave => return DialogOutcome::Done,
            InputOutcome::Handled => p.refilter(),
            _ => {}
        },
    }
    shell.modal = Some(Modal::Palette(p));
    DialogOutcome::Done
}

fn folder_key(mut f: FolderPicker, key: KeyEvent, shell: &mut Shell) -> DialogOutcome {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let last = f.matches.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc => return DialogOutcome::Done,
        KeyCode::Up => f.selected = f.selected.saturating_sub(1),
        KeyCode::Char('k' | 'p') if ctrl => f.selected = f.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Tab => f.selected = (f.selected + 1).min(last),
        KeyCode::Char('j' | 'n') if ctrl => f.selected = (f.selected + 1).min(last),
        KeyCode::Enter => {
            if let Some(folder) = f.chosen().map(str::to_string) {
                return DialogOutcome::Prompted(PromptPurpose::Move { path: f.path }, folder);
            }
            shell.notify(Level::Info, "No folder matches: change the filter, or Esc");
        }
        _ => {
            if f.input.handle_key(&key) == InputOutcome::Handled {
                f.refilter();
            }
        }
    }
    shell.modal = Some(Modal::FolderPicker(f));
    DialogOutcome::Done
}

fn env_key(mut e: EnvPicker, key: KeyEvent, ws: &mut Workspace, context: Context, shell: &mut Shell) {
    let count = ws.collections.get(e.collection).map(|c| c.environments.len()).unwrap_or(0) + 1;
    let action = shell.keymap.lookup(context, KeyCombo::from_event(&key));
    match (key.code, action) {
        (KeyCode::Esc, _) | (_, Some(Action::SwitchEnv | Action::Quit)) => return,
        (_, Some(Action::Up)) => e.selected = e.selected.saturating_sub(1),
        (_, Some(Action::Down)) => e.selected = (e.selected + 1).min(count - 1),
        (KeyCode::Enter, _) => {
            let Some(c) = ws.collections.get(e.collection) else {
                return;
            };
            let name = e
                .selected
                .checked_sub(1)
                .and_then(|i| c.environments.get(i))
                .map(|env| env.name.clone());
            let root = c.root.clone();
            let cname = c.name.clone();
            let said = match &name {
                Some(n) => format!("Environment `{n}` selected for {cname}"),
                None => format!("No environment for {cname}: only collection and folder variables apply"),
            };
            ws.envs.insert(root, name);
            shell.notify(Level::Success, said);
            return;
        }
        _ => {}
    }
    shell.modal = Some(Modal::Env(e));
}

fn prompt_key(mut p: Prompt, key: KeyEvent, shell: &mut Shell) -> DialogOutcome {
    match p.input.handle_key(&key) {
        InputOutcome::Leave => {}
        InputOutcome::Commit => {
            let text = p.input.text().trim().to_string();
            if !text.is_empty() {
                return DialogOutcome::Prompted(p.purpose, text);
            }
            shell.modal = Some(Modal::Prompt(p));
            shell.notify(Level::Warning, "Type a name, or Esc to cancel");
        }
        _ => shell.modal = Some(Modal::Prompt(p)),
    }
    DialogOutcome::Done
}

fn confirm_key(c: Confirm, key: KeyEvent, shell: &mut Shell) -> DialogOutcome {
    let choice = match key.code {
        KeyCode::Esc => 'c',
        KeyCode::Char(ch) if key.modifiers.is_empty() || key.modifiers == KeyModifiers::SHIFT => ch.to_ascii_lowercase(),
        _ => {
            shell.modal = Some(Modal::Confirm(c));
            return DialogOutcome::Done;
        }
    };
    if !c.choices.iter().any(|(k, _)| *k == choice) {
        shell.modal = Some(Modal::Confirm(c));
        return DialogOutcome::Done;
    }
    match choice {
        'c' => DialogOutcome::Done,
        _ => DialogOutcome::Confirmed(c.purpose, choice),
    }
}
