//! The auth overlays and their keys: the trust prompt for a `{{cmd.…}}` source, the OAuth flow dialog (URL or
//! device code, a field for a pasted redirect), and the keyring prompt (name, then a masked value).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use super::auth_dialog_state::*;
use std::path::Path;

use super::auth_state::AuthState;
use super::dialogs::Modal;
use super::shell::Shell;
use super::slot::Slot;
use crate::core::pipeline::TrustQuestion;
use crate::tui::events::Level;
use crate::tui::text_input::{InputOutcome, TextArea};

impl AuthState {
    /// Keys of the trust prompt; a yes gives back the question to trust before sending `current`.
    pub(super) fn trust_key(prompt: TrustPrompt, key: KeyEvent, current: Option<&Path>, shell: &mut Shell) -> Option<TrustQuestion> {
        match key.code {
            KeyCode::Char('y' | 'Y') => Self::answer_trust(prompt, true, current, shell),
            KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => Self::answer_trust(prompt, false, current, shell),
            _ => {
                shell.modal = Some(Modal::Trust(prompt));
                None
            }
        }
    }

    pub(super) fn flow_key(mut d: FlowDialog, key: KeyEvent, current: Option<&Slot>, shell: &mut Shell) {
        if key.code == KeyCode::Esc {
            Self::cancel_flow(current, shell);
            shell.notify(Level::Info, "Login cancelled");
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
                    shell.notify(Level::Info, "Checking the pasted URL…");
                }
            }
        }
        shell.modal = Some(Modal::AuthFlow(d));
    }

    pub(super) fn secret_key(mut p: SecretPrompt, key: KeyEvent, shell: &mut Shell) {
        match p.input_mut().handle_key(&key) {
            InputOutcome::Leave => {}
            InputOutcome::Commit => match p.stage {
                SecretStage::Name => {
                    let name = p.name.text().trim().to_string();
                    if valid_secret_name(&name) {
                        p.stage = SecretStage::Value;
                    } else {
                        shell.notify(Level::Warning, "A secret name uses letters, digits and - _ . (e.g. github_token)");
                    }
                    shell.modal = Some(Modal::Secret(p));
                }
                SecretStage::Value => {
                    let value = p.value.text();
                    if value.is_empty() {
                        shell.notify(Level::Warning, "Type the secret's value, or Esc to cancel");
                        shell.modal = Some(Modal::Secret(p));
                        return;
                    }
                    let name = p.name.text().trim().to_string();
                    shell.notify(Level::Info, format!("Storing `{name}` in the OS keyring…"));
                    Self::store_secret(name, value, shell);
                }
            },
            _ => shell.modal = Some(Modal::Secret(p)),
        }
    }
}
