//! Stored auth in the TUI: the send-time auth step (Digest, SigV4, OAuth 2.0 tokens), the user's side of OAuth flows
//! (a dialog with the URL or the device code, a field to paste a redirect), token status and the fetch / refresh /
//! forget actions, and the trust prompt for `{{cmd.…}}` sources. Everything slow runs in background tasks that
//! answer with `Message::Auth`.
//!
//! ```text
//!  Send job: prepare ─Trust error─▶ trust prompt ─y─▶ Send job that records the trust first
//!            pipeline: authorize ─▶ HTTP ─▶ Http (an auth failure is a `SendError::Auth`, said in its own words)
//!  F / R / X ─▶ Token job (prepare, then login / refresh / logout) ─TokenDone─▶ Auth tab status
//! ```

use std::path::Path;

use super::dialogs::Modal;
use super::shell::Shell;
use super::slot::{RequestState, Slot};
use crate::core::auth::AuthErrorKind;
use crate::core::pipeline::TrustKind;
use crate::core::pipeline::TrustQuestion;
use crate::tui::events::Level;
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;

pub use super::auth_dialogs::{FlowDialog, FlowKind, SecretPrompt, SecretStage, TrustPrompt};
pub use super::auth_state::*;
pub use crate::tui::events::AuthEvent;
pub use crate::tui::events::{TokenAction, TokenView};

impl AuthState {
    /// Esc in a flow dialog: stop the login (a token action, or the open request's send).
    pub(super) fn cancel_flow(current: Option<&Slot>, shell: &mut Shell) {
        shell.jobs.cancel((JobKind::TokenAction, 0));
        if let Some(RequestState::Sending { cancel, .. }) = current.map(|s| &s.state) {
            cancel.cancel();
        }
    }

    /// After `on_http`: the token status may have changed; a login dialog of the send is over.
    pub(super) fn after_send(&mut self, path: &Path, shell: &mut Shell) {
        self.tokens.remove(path);
        if matches!(shell.modal, Some(Modal::AuthFlow(_))) {
            shell.modal = None;
        }
    }

    pub(super) fn update(&mut self, ev: AuthEvent, shell: &mut Shell) {
        shell.redraw = true;
        match ev {
            AuthEvent::Token { path, env, view } => {
                self.tokens.insert(path, (env, view));
            }
            AuthEvent::TokenDone { path, action, result } => {
                if matches!(shell.modal, Some(Modal::AuthFlow(_))) {
                    shell.modal = None;
                }
                self.tokens.remove(&path);
                match (action, result) {
                    (TokenAction::Forget, Ok(_)) => shell.notify(Level::Success, "Forgot the cached token"),
                    (_, Ok(Some(s))) => shell.notify(Level::Success, format!("Token ready: {}", s.summary())),
                    (_, Ok(None)) => {}
                    (_, Err(e)) if e.kind == AuthErrorKind::Cancelled => shell.notify(Level::Info, "Login cancelled"),
                    (_, Err(e)) => {
                        // The whole error to read (a token endpoint's answer does not fit the status line).
                        let text = e.to_string();
                        shell.modal = Some(Modal::Message {
                            title: "Token not obtained".into(),
                            text,
                        });
                        shell.notify(Level::Error, "Token not obtained (the dialog says why)");
                    }
                }
            }
            AuthEvent::Browser {
                url,
                redirect_uri,
                opened,
                paste,
            } => shell.modal = Some(Modal::AuthFlow(FlowDialog::browser(url, redirect_uri, opened, paste))),
            AuthEvent::DeviceCode { uri, code, complete } => {
                shell.modal = Some(Modal::AuthFlow(FlowDialog::device(uri, code, complete)));
            }
            AuthEvent::Note(text) => shell.notify(Level::Info, text),
            AuthEvent::SecretStored { name, result } => match result {
                Ok(store) => shell.notify(
                    Level::Success,
                    format!(
                        "Stored secret `{name}` in {}: use {{{{keyring.{name}}}}} in a request",
                        store.describe()
                    ),
                ),
                Err((message, hint)) => shell.notify(Level::Error, format!("Secret `{name}` not stored: {message}. {hint}")),
            },
        }
    }

    /// The trust prompt's answer: yes gives back the question to trust before sending the open request `current`
    /// (a command, or files from outside the folder); no runs nothing.
    pub(super) fn answer_trust(prompt: TrustPrompt, yes: bool, current: Option<&Path>, shell: &mut Shell) -> Option<TrustQuestion> {
        if !yes {
            let not = match &prompt.question.kind {
                TrustKind::Command { command, .. } => format!("`{command}` was not run"),
                TrustKind::OutsideFile { path, .. } => format!("{} was not read", path.display()),
            };
            shell.notify(Level::Info, format!("Not sent: {not} (trust it later with `apix trust`)"));
            return None;
        }
        if current != Some(prompt.path.as_path()) {
            return None;
        }
        let running = match &prompt.question.kind {
            TrustKind::Command { command, .. } => format!("Trusted `{command}` for this collection; running it…"),
            TrustKind::OutsideFile { .. } => "Trusted this collection to send files from outside its folder; sending…".into(),
        };
        shell.notify(Level::Info, running);
        Some(prompt.question)
    }

    /// Stores a secret in the OS keyring off the UI thread.
    pub(super) fn store_secret(name: String, value: String, shell: &mut Shell) {
        let key = shell.jobs.unique_key();
        shell.jobs.blocking((JobKind::Keyring, key), move |_| {
            let result = crate::core::template::sources::keyring_set(&name, &value).map_err(|e| (e.message, e.hint));
            Message::Auth(AuthEvent::SecretStored { name, result })
        });
    }
}
