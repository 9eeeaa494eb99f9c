//! The auth overlays and their keys: the trust prompt for a `{{cmd.…}}` source, the OAuth flow dialog (URL or
//! device code, a field for a pasted redirect), and the keyring prompt (name, then a masked value).

use std::fmt;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc::UnboundedSender;

use super::modal::Modal;
use super::{App, Level};
use crate::tui::text_input::{InputOutcome, TextArea};

/// "Collection X wants to run `cmd` to get secret NAME. Trust it on this machine? [y/N]"
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustPrompt {
    /// A command to run for a secret, or files to send from outside the collection's folder.
    pub question: crate::core::pipeline::TrustQuestion,
    /// The request that was being sent.
    pub path: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowKind {
    Browser {
        url: String,
        redirect_uri: String,
        opened: bool,
    },
    Device {
        uri: String,
        code: String,
        complete: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct FlowDialog {
    pub kind: FlowKind,
    /// Where a pasted redirect URL goes (the flow listens on it as well as on its loopback port).
    pub paste: Option<(TextArea, UnboundedSender<String>)>,
}

impl FlowDialog {
    pub fn browser(url: String, redirect_uri: String, opened: bool, paste: Option<UnboundedSender<String>>) -> FlowDialog {
        FlowDialog {
            kind: FlowKind::Browser { url, redirect_uri, opened },
            paste: paste.map(|tx| (TextArea::single(""), tx)),
        }
    }

    pub fn device(uri: String, code: String, complete: Option<String>) -> FlowDialog {
        FlowDialog {
            kind: FlowKind::Device { uri, code, complete },
            paste: None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SecretStage {
    Name,
    Value,
}

/// The keyring prompt. Its value is never drawn, logged or printed by `Debug`.
#[derive(Clone)]
pub struct SecretPrompt {
    pub stage: SecretStage,
    pub name: TextArea,
    pub value: TextArea,
}

impl fmt::Debug for SecretPrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretPrompt")
            .field("stage", &self.stage)
            .field("name", &self.name.text())
            .field("value", &"••••••")
            .finish()
    }
}

impl SecretPrompt {
    pub fn new() -> SecretPrompt {
        SecretPrompt {
            stage: SecretStage::Name,
            name: TextArea::single(""),
            value: TextArea::single(""),
        }
    }

    pub fn input_mut(&mut self) -> &mut TextArea {
        match self.stage {
            SecretStage::Name => &mut self.name,
            SecretStage::Value => &mut self.value,
        }
    }

    /// How many characters the value has (what the masked field shows).
    pub fn value_len(&self) -> usize {
        self.value.text().chars().count()
    }
}

impl Default for SecretPrompt {
    fn default() -> Self {
        SecretPrompt::new()
    }
}

fn valid_secret_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

impl App {
    pub(super) fn trust_key(&mut self, prompt: TrustPrompt, key: KeyEvent) {
        match key.code {
            KeyCode::Char('y' | 'Y') => self.answer_trust(prompt, true),
            KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => self.answer_trust(prompt, false),
            _ => self.modal = Some(Modal::Trust(prompt)),
        }
    }

    pub(super) fn flow_key(&mut self, mut d: FlowDialog, key: KeyEvent) {
        if key.code == KeyCode::Esc {
            self.cancel_flow();
            self.notify(Level::Info, "Login cancelled");
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
                    self.notify(Level::Info, "Checking the pasted URL…");
                }
            }
        }
        self.modal = Some(Modal::AuthFlow(d));
    }

    pub(super) fn open_secret_prompt(&mut self) {
        self.modal = Some(Modal::Secret(SecretPrompt::new()));
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
                        self.notify(Level::Warning, "A secret name uses letters, digits and - _ . (e.g. github_token)");
                    }
                    self.modal = Some(Modal::Secret(p));
                }
                SecretStage::Value => {
                    let value = p.value.text();
                    if value.is_empty() {
                        self.notify(Level::Warning, "Type the secret's value, or Esc to cancel");
                        self.modal = Some(Modal::Secret(p));
                        return;
                    }
                    let name = p.name.text().trim().to_string();
                    self.notify(Level::Info, format!("Storing `{name}` in the OS keyring…"));
                    self.store_secret(name, value);
                }
            },
            _ => self.modal = Some(Modal::Secret(p)),
        }
    }
}
