//! Overlays that take the keyboard: help, the command palette, the environment switcher, name prompts and
//! confirmations.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::auth_state::AuthState;
pub use super::dialogs::*;
use super::export;
use super::tree::request_label;
use super::{App, Level, Pane};
use crate::tui::action::Action;
use crate::tui::keymap::{Context, KeyCombo};
use crate::tui::text_input::{InputOutcome, TextArea};

impl App {
    pub(super) fn open_palette(&mut self) {
        let mut items: Vec<PaletteItem> = Action::ALL
            .iter()
            .filter(|a| a.in_palette())
            .map(|a| PaletteItem::Action(*a))
            .collect();
        for c in &self.workspace.collections {
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
        self.shell.modal = Some(Modal::Palette(state));
    }

    pub(super) fn open_env_picker(&mut self) {
        let Some(ci) = self.current_collection() else {
            self.shell
                .notify(Level::Info, "No collection is loaded, so there are no environments");
            return;
        };
        let c = &self.workspace.collections[ci];
        let selected = match self.workspace.env_name(ci) {
            Some(name) => c.environments.iter().position(|e| e.name == name).map(|i| i + 1).unwrap_or(0),
            None => 0,
        };
        self.shell.modal = Some(Modal::Env(EnvPicker { collection: ci, selected }));
    }

    /// A text field in a modal changed.
    pub(super) fn after_modal_input(&mut self) {
        if let Some(Modal::Palette(p)) = self.shell.modal.as_mut() {
            p.refilter();
        }
        if let Some(Modal::History(h)) = self.shell.modal.as_mut() {
            h.searching = true;
            self.history.schedule_search(&mut self.shell);
        }
    }

    /// Opens the Cookies dialog on the open request's collection and environment.
    pub(super) fn open_cookies(&mut self) {
        let place = self.open.as_ref().and_then(|o| {
            let c = self.workspace.collections.get(o.collection)?;
            Some((c.root.clone(), self.workspace.env_name(o.collection).map(str::to_string)))
        });
        let Some((root, env)) = place else {
            self.shell
                .notify(Level::Info, "Open a request first: cookies are kept per collection and environment");
            return;
        };
        match super::cookies::CookiesDialog::open(root, env, &mut self.shell.jobs, &self.shell.session) {
            Some(d) => self.shell.modal = Some(Modal::Cookies(d)),
            None => self.shell.notify(Level::Info, "Cookies are off for this session"),
        }
    }

    /// A cookie job's answer: to the dialog when it is open; a notice either way.
    pub(super) fn route_cookies(&mut self, ev: super::cookies::CookieEvent) {
        let notice = match self.shell.modal.as_mut() {
            Some(Modal::Cookies(d)) => d.update(ev),
            _ => super::cookies::CookiesDialog::notice_of(ev),
        };
        if let Some((level, text)) = notice {
            self.shell.notify(level, text);
        }
        self.shell.redraw = true;
    }

    /// A collection's review: shown unless another dialog is up (a send asks when it needs the trust).
    pub(super) fn route_trust_review(&mut self, review: Option<Box<super::trust_review::TrustReview>>) {
        if let (Some(r), None) = (review, &self.shell.modal) {
            self.shell.modal = Some(Modal::TrustReview(r));
            self.shell.redraw = true;
        }
    }

    pub(super) fn modal_key(&mut self, key: KeyEvent) {
        let Some(modal) = self.shell.modal.take() else { return };
        match modal {
            Modal::Help { scroll } => {
                let combo = KeyCombo::from_event(&key);
                let action = self.shell.keymap.lookup(self.context(), combo);
                self.shell.modal = match (key.code, action) {
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
            Modal::Palette(p) => self.palette_key(p, key),
            Modal::Env(e) => self.env_key(e, key),
            Modal::Prompt(p) => self.prompt_key(p, key),
            Modal::Confirm(c) => self.confirm_key(c, key),
            Modal::History(h) => {
                let context = self.context();
                self.history
                    .key(h, key, context, &self.workspace, self.open.as_ref(), &mut self.shell)
            }
            Modal::Diff(d) => super::history_state::HistoryState::diff_key(d, key, self.context(), &mut self.shell),
            Modal::Trust(t) => {
                let current = self.open.as_ref().map(|o| o.draft.path.as_path());
                if let Some(question) = AuthState::trust_key(t, key, current, &mut self.shell) {
                    self.send_open_trusting(Some(question));
                }
            }
            Modal::AuthFlow(f) => {
                let current = self.open.as_ref().and_then(|o| self.responses.slots.get(&o.draft.path));
                AuthState::flow_key(f, key, current, &mut self.shell)
            }
            Modal::Secret(s) => AuthState::secret_key(s, key, &mut self.shell),
            Modal::Cookies(mut d) => {
                if d.handle_key(key, &mut self.shell.jobs, &self.shell.session) {
                    self.shell.modal = Some(Modal::Cookies(d));
                }
            }
            Modal::TrustReview(r) => match super::trust_review::handle_key(r, key, &self.shell.session.trust, &mut self.shell.jobs) {
                super::trust_review::ReviewOutcome::Stay(r) => self.shell.modal = Some(Modal::TrustReview(r)),
                super::trust_review::ReviewOutcome::Close(notice) => {
                    if let Some((level, text)) = notice {
                        self.shell.notify(level, text);
                    }
                }
            },
            Modal::Problems(mut v) => match v.handle_key(key, &self.workspace.problems) {
                super::problems::ProblemsOutcome::Stay => self.shell.modal = Some(Modal::Problems(v)),
                super::problems::ProblemsOutcome::Close => {}
                super::problems::ProblemsOutcome::Open(path) => {
                    let is_request = self
                        .workspace
                        .collection_of(&path)
                        .is_some_and(|ci| self.workspace.collections[ci].find_request(&path).is_some());
                    if is_request {
                        self.open_request(&path, true);
                    } else {
                        self.shell.modal = Some(Modal::Problems(v));
                    }
                }
            },
        }
    }

    fn palette_key(&mut self, mut p: PaletteState, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Up => p.selected = p.selected.saturating_sub(1),
            KeyCode::Char('k' | 'p') if ctrl => p.selected = p.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Tab => p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1)),
            KeyCode::Char('j' | 'n') if ctrl => p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1)),
            KeyCode::Enter => {
                let item = p.matches.get(p.selected).and_then(|i| p.items.get(*i)).cloned();
                match item {
                    Some(PaletteItem::Action(a)) => {
                        if let Some(ctx) = self.shell.keymap.home_context(a) {
                            self.set_focus(match ctx {
                                Context::Tree => Pane::Tree,
                                Context::Request => Pane::Request,
                                Context::Response => Pane::Response,
                                Context::Global => self.focus,
                            });
                        }
                        self.handle_action(a);
                    }
                    Some(PaletteItem::Request { path, .. }) => self.open_request(&path, true),
                    None => {}
                }
                return;
            }
            _ => match p.input.handle_key(&key) {
                InputOutcome::Leave => return,
                InputOutcome::Handled => p.refilter(),
                _ => {}
            },
        }
        self.shell.modal = Some(Modal::Palette(p));
    }

    fn env_key(&mut self, mut e: EnvPicker, key: KeyEvent) {
        let count = self
            .workspace
            .collections
            .get(e.collection)
            .map(|c| c.environments.len())
            .unwrap_or(0)
            + 1;
        let action = self.shell.keymap.lookup(self.context(), KeyCombo::from_event(&key));
        match (key.code, action) {
            (KeyCode::Esc, _) | (_, Some(Action::SwitchEnv | Action::Quit)) => return,
            (_, Some(Action::Up)) => e.selected = e.selected.saturating_sub(1),
            (_, Some(Action::Down)) => e.selected = (e.selected + 1).min(count - 1),
            (KeyCode::Enter, _) => {
                let Some(c) = self.workspace.collections.get(e.collection) else {
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
                self.workspace.envs.insert(root, name);
                self.shell.notify(Level::Success, said);
                return;
            }
            _ => {}
        }
        self.shell.modal = Some(Modal::Env(e));
    }

    fn prompt_key(&mut self, mut p: Prompt, key: KeyEvent) {
        match p.input.handle_key(&key) {
            InputOutcome::Leave => {}
            InputOutcome::Commit => {
                let text = p.input.text().trim().to_string();
                if text.is_empty() {
                    self.shell.modal = Some(Modal::Prompt(p));
                    self.shell.notify(Level::Warning, "Type a name, or Esc to cancel");
                    return;
                }
                self.run_prompt(p.purpose, &text);
            }
            _ => self.shell.modal = Some(Modal::Prompt(p)),
        }
    }

    fn confirm_key(&mut self, c: Confirm, key: KeyEvent) {
        let choice = match key.code {
            KeyCode::Esc => 'c',
            KeyCode::Char(ch) if key.modifiers.is_empty() || key.modifiers == KeyModifiers::SHIFT => ch.to_ascii_lowercase(),
            _ => {
                self.shell.modal = Some(Modal::Confirm(c));
                return;
            }
        };
        if !c.choices.iter().any(|(k, _)| *k == choice) {
            self.shell.modal = Some(Modal::Confirm(c));
            return;
        }
        match (c.purpose, choice) {
            (_, 'c') => {}
            (ConfirmPurpose::Delete(path), 'y') => self.delete_now(&path),
            (ConfirmPurpose::CopySecrets, 'y') => {
                self.end_field_edit();
                export::copy_curl_now(self.open_target(), true, &mut self.shell)
            }
            (ConfirmPurpose::Unsaved(after), 's') if self.save_now() => self.after_unsaved(after),
            (ConfirmPurpose::Unsaved(after), 'd') => {
                if let Some(open) = self.open.as_mut() {
                    open.draft = open.original.clone();
                    open.editing = None;
                }
                self.after_unsaved(after);
            }
            (ConfirmPurpose::DiskChanged { .. }, 'r') => {
                self.reload_open_from_disk();
                self.shell.notify(Level::Info, "Reloaded from disk");
            }
            (ConfirmPurpose::DiskChanged { path, saving }, 'k') => {
                if let Some(open) = self.open.as_mut().filter(|o| o.draft.path == path) {
                    open.keep_mine();
                }
                if saving {
                    self.save_now();
                } else {
                    self.shell
                        .notify(Level::Info, "Kept your version; Ctrl-S will write it over the file on disk");
                }
            }
            _ => {}
        }
    }

    fn after_unsaved(&mut self, after: AfterUnsaved) {
        match after {
            AfterUnsaved::Quit => {
                self.responses.cancel_all();
                self.shell.quit = true;
            }
            AfterUnsaved::Open(path, focus) => {
                self.open_now(&path, focus);
                if !focus {
                    self.set_focus(Pane::Tree);
                }
            }
        }
    }
}
