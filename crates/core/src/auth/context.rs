//! What the auth step may do besides talking to servers: reach the user, cache tokens, wait for a browser.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long the authorization-code flow waits for the browser's redirect.
pub const DEFAULT_REDIRECT_TIMEOUT: Duration = Duration::from_secs(120);

/// What the auth step may do besides talking to servers.
#[derive(Clone)]
pub struct AuthContext {
    /// How to reach the user for flows that need them (a browser, a device code). `None`: interactive grants fail
    /// with `NeedsLogin` unless a cached or refreshable token exists.
    pub interaction: Option<Arc<dyn Interaction>>,
    /// Where tokens are cached (default: `data_dir()/tokens`).
    pub token_dir: PathBuf,
    pub redirect_timeout: Duration,
    /// Fetch a new token even when the cache holds a valid one (`apix auth login`).
    pub force_new: bool,
}

impl Default for AuthContext {
    fn default() -> Self {
        AuthContext {
            interaction: None,
            token_dir: super::tokens::default_dir(),
            redirect_timeout: DEFAULT_REDIRECT_TIMEOUT,
            force_new: false,
        }
    }
}

impl AuthContext {
    pub fn interactive(interaction: Arc<dyn Interaction>) -> Self {
        AuthContext {
            interaction: Some(interaction),
            ..Default::default()
        }
    }
}

/// How a flow reaches the user. The CLI prints and reads the terminal; the TUI shows a dialog; tests approve over
/// HTTP. Callbacks must return quickly (spawn work if needed).
pub trait Interaction: Send + Sync {
    /// Authorization code: the user must open `url` and approve. The redirect comes back to `redirect_uri`.
    fn open_authorization(&self, url: &str, redirect_uri: &str);
    /// Device flow: the user enters `user_code` at `verification_uri` (or opens `complete`, which includes it).
    fn show_device_code(&self, verification_uri: &str, user_code: &str, complete: Option<&str>);
    /// Lines the user pastes (a redirected URL, when the browser runs on another machine). None: not offered.
    fn pasted_redirects(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<String>> {
        None
    }
    /// Progress worth a line ("token obtained, valid for 1h").
    fn note(&self, _message: &str) {}
}
