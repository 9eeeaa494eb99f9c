//! The auth overlays and their keys: the trust prompt for a `{{cmd.…}}` source, the OAuth flow dialog (URL or
//! device code, a field for a pasted redirect), and the keyring prompt (name, then a masked value).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use super::auth_dialog_state::*;
use super::modal::Modal;
use super::{App, Level};
use crate::tui::text_input::{InputOutcome, TextArea};

impl App {
    pub(super) fn trust_key(&mut self, prompt: TrustPrompt, key: KeyEvent) {
        match key.code {
            KeyCode::Char('y' | 'Y') => self.answer_trust(prompt, true),
            KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => self.answer_trust(prompt, false),
            _ => self.shell.modal = Some(Modal::Trust(prompt)),
        }
    }

    pub(super) fn flow_key(&mut self, mut d: FlowDialog, key: KeyEvent) {
        if key.code == KeyCode::Esc {
            self.cancel_flow();
            self.shell.notify(Level::Info, "Login cancelled");
            return;
        }
        if key.code == KeyCode::Char('o') && key.modifiers.contains(KeyModifiers::CONTROL) {
            if let FlowKind::Browser { url, opened, .. } = &mut d.kind {
                *opened = crate::core::auth::oauth::open_browser(url);
            }
        } else if let Some((input, tx)) = d.paste.as_mut() {
            if input.handle_key(&key) == InputOutcome::Commit {
                let line = input.text();
                if !line.trim().is_empty() {
                    let _ = tx.send(line);
                    *input = TextArea::single("");
                    self.shell.notify(Level::Info, "Checking the pasted URL…");
                }
            }
        }
        self.shell.modal = Some(Modal::AuthFlow(d));
    }

    pub(super) fn open_secret_prompt(&mut self) {
        self.shell.modal = Some(Modal::Secret(SecretPrompt::new()));
    }

    pub(super) fn secret_key(&mut self, mut p: SecretPrompt, key: KeyEvent) {
        match p.input_mut().handle_key(&key) {
            InputOutcome::Leave => {}
            InputOutcome::Commit => match p.stage {
                SecretStage::Name => {
                    let name = p.name.text().trim().to_string();
                    if valid_secret_name(&name) {
                        p.stage = SecretStage::Value;
                    } else {
                        self.shell
                            .notify(Level::Warning, "A secret name uses letters, digits and - _ . (e.g. github_token)");
                    }
                    self.shell.modal = Some(Modal::Secret(p));
                }
                SecretStage::Value => {
                    let value = p.value.text();
                    if value.is_empty() {
                        self.shell.notify(Level::Warning, "Type the secret's value, or Esc to cancel");
                        self.shell.modal = Some(Modal::Secret(p));
                        return;
                    }
                    let name = p.name.text().trim().to_string();
                    self.shell.notify(Level::Info, format!("Storing `{name}` in the OS keyring…"));
                    self.store_secret(name, value);
                }
            },
            _ => self.shell.modal = Some(Modal::Secret(p)),
        }
    }
}
