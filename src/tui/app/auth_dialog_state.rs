//! The auth dialogs' state: the trust question, the OAuth flow dialog (URL or device code, a pasted redirect) and
//! the keyring prompt. Plain data; keys are handled in `auth_dialogs.rs`.

use std::fmt;
use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use crate::tui::text_input::TextArea;

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

pub(super) fn valid_secret_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}
