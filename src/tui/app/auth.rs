//! Stored auth in the TUI: the send-time auth step (Digest, SigV4, OAuth 2.0 tokens), the user's side of OAuth flows
//! (a dialog with the URL or the device code, a field to paste a redirect), token status and the fetch / refresh /
//! forget actions, and the trust prompt for `{{cmd.…}}` sources. Everything slow runs in background tasks that
//! answer with `Message::Auth`.
//!
//! ```text
//!  Send ─(collection has [commands])─▶ Warm job: prepare off the UI thread ─Warmed─▶ Send again (outputs cached)
//!                                                   └─Untrusted─▶ trust prompt ─y─▶ trust + Warm job
//!  send task: authorize(prepared) ─▶ send ─▶ Http   (an auth failure is said in its own words, see `after_send`)
//!  F / R / X ─▶ Token job (prepare, then login / refresh / logout) ─TokenDone─▶ Auth tab status
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::modal::Modal;
use super::send::{Failure, RequestState};
use super::{App, Level};
use crate::core::auth::{self, oauth::open_browser, AuthContext, AuthError, AuthErrorKind, Interaction, TokenStatus};
use crate::core::collection::{Collection, Environment, RequestDef};
use crate::core::http::{prepare, HttpError, PrepareContext, PrepareError, Prepared};
use crate::core::template::{DemoUrlFn, ResolveFailure};
use crate::tui::message::Message;

pub use super::auth_dialogs::{FlowDialog, FlowKind, SecretPrompt, SecretStage, TrustPrompt};
pub use super::auth_tokens::{TokenAction, TokenView};

/// Answers of background auth work and requests from running flows.
#[derive(Debug)]
pub enum AuthEvent {
    /// A request of a collection with commands was prepared off the UI thread.
    Warmed {
        path: PathBuf,
        result: Result<(), Box<PrepareError>>,
    },
    Token {
        path: PathBuf,
        env: Option<String>,
        view: TokenView,
    },
    TokenDone {
        path: PathBuf,
        action: TokenAction,
        result: Result<Option<TokenStatus>, AuthError>,
    },
    /// The auth step of send `id` failed (its `Message::Http` follows).
    SendFailed {
        id: u64,
        error: AuthError,
    },
    Browser {
        url: String,
        redirect_uri: String,
        opened: bool,
        paste: Option<UnboundedSender<String>>,
    },
    DeviceCode {
        uri: String,
        code: String,
        complete: Option<String>,
    },
    Note(String),
    SecretStored {
        name: String,
        result: Result<crate::core::template::sources::KeyringStore, (String, String)>,
    },
}

/// The TUI as the user's side of an OAuth flow: callbacks become messages (they must return at once).
pub struct TuiInteraction {
    tx: UnboundedSender<Message>,
    paste: Mutex<Option<UnboundedSender<String>>>,
    pub browser: bool,
}

impl TuiInteraction {
    fn send(&self, ev: AuthEvent) {
        let _ = self.tx.send(Message::Auth(ev));
    }
}

impl Interaction for TuiInteraction {
    fn open_authorization(&self, url: &str, redirect_uri: &str) {
        let opened = self.browser && open_browser(url);
        let paste = self.paste.lock().ok().and_then(|g| g.clone());
        self.send(AuthEvent::Browser {
            url: url.to_string(),
            redirect_uri: redirect_uri.to_string(),
            opened,
            paste,
        });
    }

    fn show_device_code(&self, verification_uri: &str, user_code: &str, complete: Option<&str>) {
        self.send(AuthEvent::DeviceCode {
            uri: verification_uri.to_string(),
            code: user_code.to_string(),
            complete: complete.map(str::to_string),
        });
    }

    fn pasted_redirects(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<String>> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        if let Ok(mut g) = self.paste.lock() {
            *g = Some(tx);
        }
        Some(rx)
    }

    fn note(&self, message: &str) {
        self.send(AuthEvent::Note(message.to_string()));
    }
}

pub struct AuthState {
    pub ctx: AuthContext,
    /// Token status per request file, with the environment it was read for.
    pub tokens: HashMap<PathBuf, (Option<String>, TokenView)>,
    /// Auth failures of sends whose `Message::Http` has not arrived yet, by send id.
    failures: HashMap<u64, AuthError>,
    /// The request whose commands just ran off the UI thread: its next prepare finds their outputs cached.
    warmed: Option<PathBuf>,
    /// The running token action, to cancel from its dialog.
    pub(super) action_cancel: Option<CancellationToken>,
}

impl AuthState {
    pub fn new(tx: UnboundedSender<Message>, token_dir: PathBuf) -> AuthState {
        let ui = Arc::new(TuiInteraction {
            tx,
            paste: Mutex::new(None),
            browser: std::env::var_os("APIX_NO_BROWSER").is_none(),
        });
        AuthState {
            ctx: AuthContext {
                token_dir,
                ..AuthContext::interactive(ui)
            },
            tokens: HashMap::new(),
            failures: HashMap::new(),
            warmed: None,
            action_cancel: None,
        }
    }
}

/// The auth step of one send: runs in the send task, before `http::send`.
pub struct AuthStep {
    ctx: AuthContext,
    tx: UnboundedSender<Message>,
    id: u64,
}

impl AuthStep {
    /// Applies the request's pending auth. False when it failed: then the send is over, and this has already told
    /// the app (the failure in full, then the usual `Message::Http`; a cancelled auth step is a cancelled send).
    pub async fn authorize(&self, prepared: &mut Prepared, cancel: &CancellationToken, path: &Path, started: Instant) -> bool {
        let error = match auth::authorize(prepared, &self.ctx, cancel.clone()).await {
            Ok(()) => return true,
            Err(e) if e.kind == AuthErrorKind::Cancelled => HttpError::Cancelled,
            Err(e) => {
                let detail = format!("auth: {e}");
                let _ = self.tx.send(Message::Auth(AuthEvent::SendFailed { id: self.id, error: e }));
                HttpError::Other { detail }
            }
        };
        let _ = self.tx.send(Message::Http {
            id: self.id,
            path: path.to_path_buf(),
            result: Box::new(Err(error)),
            elapsed: started.elapsed(),
        });
        false
    }
}

/// Everything a background prepare needs, owned.
pub(super) struct PrepareJob {
    collection: Collection,
    environment: Option<Environment>,
    def: RequestDef,
    demo: DemoUrlFn,
}

impl PrepareJob {
    pub(super) fn run(&self) -> Result<Prepared, PrepareError> {
        let ctx = PrepareContext {
            collection: Some(&self.collection),
            environment: self.environment.as_ref(),
            overrides: &[],
            demo_url: Some(self.demo.clone()),
            masked_preview: false,
        };
        prepare(&ctx, &self.def)
    }
}

/// The trust question for an untrusted `{{cmd.…}}` source, if that is what stopped a prepare.
pub fn untrusted(e: &PrepareError) -> Option<(String, String, PathBuf)> {
    let PrepareError::Template(t) = e else { return None };
    match &t.failure {
        ResolveFailure::Untrusted { name, command, collection } => Some((name.clone(), command.clone(), collection.clone())),
        _ => None,
    }
}

impl App {
    pub(super) fn auth_step(&self, id: u64) -> AuthStep {
        AuthStep {
            ctx: self.auth.ctx.clone(),
            tx: self.tx.clone(),
            id,
        }
    }

    pub(super) fn prepare_job(&self, path: &Path) -> Option<PrepareJob> {
        let open = self.open.as_ref().filter(|o| o.draft.path == path)?;
        Some(PrepareJob {
            collection: self.workspace.get(open.collection)?.clone(),
            environment: self.environment(open.collection).cloned(),
            def: open.draft.clone(),
            demo: self.demo.clone(),
        })
    }

    /// Called first by `send_open`: a request of a collection that declares `[commands]` is prepared off the UI
    /// thread first (a command may take up to a minute); the send starts again when that is done. True: wait.
    pub(super) fn prepare_commands_first(&mut self) -> bool {
        let Some(open) = self.open.as_ref() else { return false };
        let path = open.draft.path.clone();
        if self.auth.warmed.take().as_ref() == Some(&path) {
            return false;
        }
        let has_commands = self
            .workspace
            .get(open.collection)
            .is_some_and(|c| !c.defaults().commands.is_empty());
        if !has_commands {
            return false;
        }
        let Some(job) = self.prepare_job(&path) else { return false };
        self.spawn_warm(path, job, None);
        true
    }

    /// Prepares in the background (trusting `trust` = (collection, command) first) and reports `Warmed`.
    fn spawn_warm(&mut self, path: PathBuf, job: PrepareJob, trust: Option<(PathBuf, String)>) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let tx = self.tx.clone();
        handle.spawn(async move {
            let work = tokio::task::spawn_blocking(move || {
                if let Some((collection, command)) = trust {
                    let store = crate::core::template::trust::TrustStore::default();
                    if let Err(e) = store.trust(&collection, &command) {
                        return Err(format!("cannot record the trust in {}: {e}", store.path.display()));
                    }
                }
                Ok(job.run().map(|_| ()).map_err(Box::new))
            });
            let ev = match work.await {
                Ok(Ok(result)) => AuthEvent::Warmed { path, result },
                Ok(Err(problem)) => AuthEvent::Note(problem),
                Err(_) => return,
            };
            let _ = tx.send(Message::Auth(ev));
        });
    }

    /// Esc in a flow dialog: stop the login (a token action, or the open request's send).
    pub(super) fn cancel_flow(&mut self) {
        if let Some(c) = self.auth.action_cancel.take() {
            c.cancel();
        }
        if let Some(RequestState::Sending { cancel, .. }) = self.current_slot().map(|s| &s.state) {
            cancel.cancel();
        }
    }

    /// After `on_http`: an auth failure replaces the generic panel with its own words; token status may have changed.
    pub(super) fn after_send(&mut self, id: u64, path: &Path) {
        self.auth.tokens.remove(path);
        if matches!(self.modal, Some(Modal::AuthFlow(_))) {
            self.modal = None;
        }
        let Some(error) = self.auth.failures.remove(&id) else { return };
        let Some(slot) = self.slots.get_mut(path).filter(|s| s.id == id) else {
            return;
        };
        let RequestState::Failed(old) = &slot.state else { return };
        let hint = match error.kind {
            AuthErrorKind::NeedsLogin => Some(format!(
                "No usable token: press {} (Auth tab) to fetch one, then send again",
                self.keymap
                    .label(crate::tui::keymap::Context::Request, crate::tui::action::Action::FetchToken)
            )),
            _ => error.check.clone(),
        };
        let failure = Failure {
            title: "auth failed".into(),
            message: format!("{} {}", error.step, error.problem),
            hint,
            request_line: old.request_line.clone(),
            elapsed: old.elapsed,
            detail: format!("{error:#?}"),
        };
        slot.state = RequestState::Failed(Box::new(failure));
    }

    pub(super) fn on_auth(&mut self, ev: AuthEvent) {
        self.redraw = true;
        match ev {
            AuthEvent::Warmed { path, result } => match result {
                Ok(()) if self.open.as_ref().is_some_and(|o| o.draft.path == path) => {
                    self.auth.warmed = Some(path);
                    self.send_open();
                }
                Ok(()) => {}
                Err(e) => match untrusted(&e) {
                    Some((name, command, collection)) => {
                        self.modal = Some(Modal::Trust(TrustPrompt {
                            name,
                            command,
                            collection,
                            path,
                        }))
                    }
                    None => self.show_prepare_failure(&path, &e),
                },
            },
            AuthEvent::Token { path, env, view } => {
                self.auth.tokens.insert(path, (env, view));
            }
            AuthEvent::TokenDone { path, action, result } => {
                self.auth.action_cancel = None;
                if matches!(self.modal, Some(Modal::AuthFlow(_))) {
                    self.modal = None;
                }
                self.auth.tokens.remove(&path);
                match (action, result) {
                    (TokenAction::Forget, Ok(_)) => self.notify(Level::Success, "Forgot the cached token"),
                    (_, Ok(Some(s))) => self.notify(Level::Success, format!("Token ready: {}", s.summary())),
                    (_, Ok(None)) => {}
                    (_, Err(e)) if e.kind == AuthErrorKind::Cancelled => self.notify(Level::Info, "Login cancelled"),
                    (_, Err(e)) => self.notify(Level::Error, format!("Token not obtained: {e}")),
                }
            }
            AuthEvent::SendFailed { id, error } => {
                self.auth.failures.insert(id, error);
            }
            AuthEvent::Browser {
                url,
                redirect_uri,
                opened,
                paste,
            } => self.modal = Some(Modal::AuthFlow(FlowDialog::browser(url, redirect_uri, opened, paste))),
            AuthEvent::DeviceCode { uri, code, complete } => {
                self.modal = Some(Modal::AuthFlow(FlowDialog::device(uri, code, complete)));
            }
            AuthEvent::Note(text) => self.notify(Level::Info, text),
            AuthEvent::SecretStored { name, result } => match result {
                Ok(store) => self.notify(
                    Level::Success,
                    format!(
                        "Stored secret `{name}` in {}: use {{{{keyring.{name}}}}} in a request",
                        store.describe()
                    ),
                ),
                Err((message, hint)) => self.notify(Level::Error, format!("Secret `{name}` not stored: {message}. {hint}")),
            },
        }
    }

    fn show_prepare_failure(&mut self, path: &Path, e: &PrepareError) {
        let failure = Failure::from_prepare(e);
        self.notify(Level::Error, format!("Not sent: {}", failure.message));
        let id = self.next_id();
        let view = self.slots.remove(path).map(|s| s.view.reset()).unwrap_or_default();
        self.slots.insert(
            path.to_path_buf(),
            super::Slot {
                id,
                state: RequestState::Failed(Box::new(failure)),
                view,
            },
        );
    }

    /// The trust prompt's answer: yes trusts the command and sends; no runs nothing.
    pub(super) fn answer_trust(&mut self, prompt: TrustPrompt, yes: bool) {
        if !yes {
            self.notify(
                Level::Info,
                format!("Not sent: `{}` was not run (trust it later with `apix trust`)", prompt.command),
            );
            return;
        }
        let Some(job) = self.prepare_job(&prompt.path) else { return };
        self.notify(
            Level::Info,
            format!("Trusted `{}` for this collection; running it…", prompt.command),
        );
        self.spawn_warm(prompt.path, job, Some((prompt.collection, prompt.command)));
    }

    /// Stores a secret in the OS keyring off the UI thread.
    pub(super) fn store_secret(&mut self, name: String, value: String) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let tx = self.tx.clone();
        handle.spawn(async move {
            let n = name.clone();
            let result = tokio::task::spawn_blocking(move || crate::core::template::sources::keyring_set(&n, &value))
                .await
                .unwrap_or_else(|_| {
                    Err(crate::core::template::sources::SourceError {
                        message: "the keyring call stopped unexpectedly".into(),
                        hint: String::new(),
                    })
                })
                .map_err(|e| (e.message, e.hint));
            let _ = tx.send(Message::Auth(AuthEvent::SecretStored { name, result }));
        });
    }
}
