//! Stored auth's state in the app: the auth context the sends use (with the TUI as the user's side of a flow),
//! token status per request, the collections reviewed for trust. Plain data; the behaviour is in `auth.rs`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::UnboundedSender;

use crate::core::auth::{oauth::open_browser, AuthContext, Interaction};
use crate::tui::message::Message;

pub use super::auth_dialog_state::{FlowDialog, FlowKind, SecretPrompt, SecretStage, TrustPrompt};
pub use crate::tui::events::AuthEvent;
pub use crate::tui::events::{TokenAction, TokenView};

/// The TUI as the user's side of an OAuth flow: callbacks become messages (they must return at once).
pub struct TuiInteraction {
    pub(super) tx: UnboundedSender<Message>,
    pub(super) paste: Mutex<Option<UnboundedSender<String>>>,
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
    /// Collections whose outside reads were reviewed this session (asked at most once each).
    pub reviewed: std::collections::HashSet<PathBuf>,
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
            reviewed: Default::default(),
        }
    }
}
