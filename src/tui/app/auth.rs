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

use super::modal::Modal;
use super::slot::RequestState;
use super::{App, Level};
use crate::core::auth::AuthErrorKind;
use crate::core::pipeline::TrustKind;
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;

pub use super::auth_dialogs::{FlowDialog, FlowKind, SecretPrompt, SecretStage, TrustPrompt};
pub use super::auth_state::*;
pub use crate::tui::events::AuthEvent;
pub use crate::tui::events::{TokenAction, TokenView};

impl App {
    /// Esc in a flow dialog: stop the login (a token action, or the open request's send).
    pub(super) fn cancel_flow(&mut self) {
        self.shell.jobs.cancel((JobKind::TokenAction, 0));
        if let Some(RequestState::Sending { cancel, .. }) = self.current_slot().map(|s| &s.state) {
            cancel.cancel();
        }
    }

    /// After `on_http`: the token status may have changed; a login dialog of the send is over.
    pub(super) fn after_send(&mut self, path: &Path) {
        self.auth.tokens.remove(path);
        if matches!(self.shell.modal, Some(Modal::AuthFlow(_))) {
            self.shell.modal = None;
        }
    }

    pub(super) fn on_auth(&mut self, ev: AuthEvent) {
        self.shell.redraw = true;
        match ev {
            AuthEvent::Token { path, env, view } => {
                self.auth.tokens.insert(path, (env, view));
            }
            AuthEvent::TokenDone { path, action, result } => {
                if matches!(self.shell.modal, Some(Modal::AuthFlow(_))) {
                    self.shell.modal = None;
                }
                self.auth.tokens.remove(&path);
                match (action, result) {
                    (TokenAction::Forget, Ok(_)) => self.shell.notify(Level::Success, "Forgot the cached token"),
                    (_, Ok(Some(s))) => self.shell.notify(Level::Success, format!("Token ready: {}", s.summary())),
                    (_, Ok(None)) => {}
                    (_, Err(e)) if e.kind == AuthErrorKind::Cancelled => self.shell.notify(Level::Info, "Login cancelled"),
                    (_, Err(e)) => self.shell.notify(Level::Error, format!("Token not obtained: {e}")),
                }
            }
            AuthEvent::Browser {
                url,
                redirect_uri,
                opened,
                paste,
            } => self.shell.modal = Some(Modal::AuthFlow(FlowDialog::browser(url, redirect_uri, opened, paste))),
            AuthEvent::DeviceCode { uri, code, complete } => {
                self.shell.modal = Some(Modal::AuthFlow(FlowDialog::device(uri, code, complete)));
            }
            AuthEvent::Note(text) => self.shell.notify(Level::Info, text),
            AuthEvent::SecretStored { name, result } => match result {
                Ok(store) => self.shell.notify(
                    Level::Success,
                    format!(
                        "Stored secret `{name}` in {}: use {{{{keyring.{name}}}}} in a request",
                        store.describe()
                    ),
                ),
                Err((message, hint)) => self
                    .shell
                    .notify(Level::Error, format!("Secret `{name}` not stored: {message}. {hint}")),
            },
        }
    }

    /// The trust prompt's answer: yes trusts (a command, or files from outside the folder) and sends; no runs
    /// nothing.
    pub(super) fn answer_trust(&mut self, prompt: TrustPrompt, yes: bool) {
        if !yes {
            let not = match &prompt.question.kind {
                TrustKind::Command { command, .. } => format!("`{command}` was not run"),
                TrustKind::OutsideFile { path, .. } => format!("{} was not read", path.display()),
            };
            self.shell
                .notify(Level::Info, format!("Not sent: {not} (trust it later with `apix trust`)"));
            return;
        }
        if self.open.as_ref().is_none_or(|o| o.draft.path != prompt.path) {
            return;
        }
        let running = match &prompt.question.kind {
            TrustKind::Command { command, .. } => format!("Trusted `{command}` for this collection; running it…"),
            TrustKind::OutsideFile { .. } => "Trusted this collection to send files from outside its folder; sending…".into(),
        };
        self.shell.notify(Level::Info, running);
        self.send_open_trusting(Some(prompt.question));
    }

    /// Stores a secret in the OS keyring off the UI thread.
    pub(super) fn store_secret(&mut self, name: String, value: String) {
        let key = self.shell.jobs.unique_key();
        self.shell.jobs.blocking((JobKind::Keyring, key), move |_| {
            let result = crate::core::template::sources::keyring_set(&name, &value).map_err(|e| (e.message, e.hint));
            Message::Auth(AuthEvent::SecretStored { name, result })
        });
    }
}
