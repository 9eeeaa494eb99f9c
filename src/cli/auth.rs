//! `apix auth login|status|refresh|logout FILE`, the trust prompt for `{{cmd.NAME}}` sources, and the terminal side
//! of interactive OAuth flows (print or open the URL, show the device code, read a pasted redirect).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};
use tokio_util::sync::CancellationToken;

use crate::core::auth::{self, oauth::open_browser, AuthContext, AuthError, AuthErrorKind, Interaction};
use crate::core::collection::{collection_root_of, load_collection, Collection, RequestDef};
use crate::core::pipeline::{self, Mode, Session};

#[derive(Debug, Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub action: AuthAction,
}

#[derive(Debug, Args)]
pub struct Target {
    /// A request file whose effective auth is OAuth 2.0.
    pub file: PathBuf,
    /// Environment (tokens are cached per collection and environment).
    #[arg(long, short)]
    pub env: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AuthAction {
    /// Fetch a new token (client credentials, browser login or device code) and cache it.
    Login {
        #[command(flatten)]
        target: Target,
        /// Print the authorization URL instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Show the cached token's status: valid until, scopes, refreshable (never the token).
    Status {
        #[command(flatten)]
        target: Target,
    },
    /// Use the refresh token now.
    Refresh {
        #[command(flatten)]
        target: Target,
    },
    /// Forget the cached token.
    Logout {
        #[command(flatten)]
        target: Target,
    },
}

/// Prints an auth failure (the step, what to check) and returns the exit code.
pub fn report(e: &AuthError) -> i32 {
    errln!("error: {e}");
    if e.kind == AuthErrorKind::NeedsLogin {
        errln!("  hint: run `apix auth login FILE` with the request file (and --env) you are sending");
    }
    1
}

/// Asks on the terminal; `None` when there is no terminal to ask on.
pub fn tty_prompt(question: &str) -> Option<bool> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    err!("{question}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    Some(matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// The terminal as the user's side of a flow.
pub struct Terminal {
    pub browser: bool,
}

impl Interaction for Terminal {
    fn open_authorization(&self, url: &str, redirect_uri: &str) {
        errln!("Sign in at:\n  {url}");
        if self.browser && open_browser(url) {
            errln!("(opened in your browser)");
        }
        errln!("Waiting for the redirect to {redirect_uri}.");
        if std::io::stdin().is_terminal() {
            errln!("If the browser runs on another machine (SSH), paste the URL it ends on here and press Enter.");
        }
    }

    fn show_device_code(&self, verification_uri: &str, user_code: &str, complete: Option<&str>) {
        errln!("On any device, open {verification_uri} and enter the code: {user_code}");
        if let Some(c) = complete {
            errln!("  (or open {c})");
        }
        errln!("Waiting for approval…");
    }

    fn pasted_redirects(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<String>> {
        if !std::io::stdin().is_terminal() {
            return None;
        }
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Some(rx)
    }

    fn note(&self, message: &str) {
        errln!("{message}");
    }
}

/// What `apix send` passes to the auth step: interactive flows only on a terminal.
pub fn send_context() -> AuthContext {
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        AuthContext::interactive(Arc::new(Terminal { browser: true }))
    } else {
        AuthContext::default()
    }
}

/// Loads the collection around `file` and picks the environment as `apix send` does.
pub fn load_target(file: &Path, env: Option<&str>) -> Result<(Collection, RequestDef, Option<String>), i32> {
    let fail = |msg: String| {
        errln!("error: {msg}");
        1
    };
    let abs = std::fs::canonicalize(file).map_err(|e| fail(format!("cannot open {}: {e}", file.display())))?;
    let root = collection_root_of(&abs).ok_or_else(|| {
        fail(format!(
            "{} is not inside a collection (no collection.toml above it)",
            file.display()
        ))
    })?;
    let c = load_collection(&root);
    let def = c.find_request(&abs).cloned().ok_or_else(|| {
        fail(format!(
            "{} is not a loadable request of {} (run `apix check`)",
            file.display(),
            root.display()
        ))
    })?;
    let env_name = match env {
        Some(n) if c.environment(n).is_none() => return Err(fail(format!("no environment `{n}` in collection {}", c.name))),
        Some(n) => Some(n.to_string()),
        None => c.default_environment().map(|e| e.name.clone()),
    };
    Ok((c, def, env_name))
}

pub fn run(args: AuthArgs) -> i32 {
    let (target, no_browser) = match &args.action {
        AuthAction::Login { target, no_browser } => (target, *no_browser),
        AuthAction::Status { target } | AuthAction::Refresh { target } | AuthAction::Logout { target } => (target, false),
    };
    let (collection, def, env_name) = match load_target(&target.file, target.env.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut session = Session::default();
    session.demo = Some(crate::embedded::provider());
    let target = pipeline::Target {
        collection: Some(&collection),
        environment: env_name.as_deref(),
        overrides: &[],
        def: &def,
    };
    let prepared = match session.prepare(&target, Mode::Send, &mut |q| tty_prompt(&q.question())) {
        Ok(r) => r.prepared,
        Err(e) => {
            errln!("error: {e}");
            if let Some(f) = e.fix() {
                errln!("  hint: {}", f.text());
            }
            return 1;
        }
    };
    let env_label = env_name.map(|e| format!(" (environment `{e}`)")).unwrap_or_default();
    let auth_ctx = AuthContext::interactive(Arc::new(Terminal { browser: !no_browser }));
    let rt = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let cancel = CancellationToken::new();
    let result = rt.block_on(async {
        let c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                c.cancel();
            }
        });
        match &args.action {
            AuthAction::Login { .. } => auth::login(&prepared, &auth_ctx, cancel.clone())
                .await
                .map(|s| format!("token obtained{env_label}: {}", s.summary())),
            AuthAction::Refresh { .. } => auth::refresh(&prepared, &auth_ctx, cancel.clone())
                .await
                .map(|s| format!("token refreshed{env_label}: {}", s.summary())),
            AuthAction::Status { .. } => match (auth::oauth_of(&prepared), auth::token_status(&prepared, &auth_ctx)) {
                (None, _) => Err(AuthError::new(AuthErrorKind::Config, "oauth2", "is not this request's auth")
                    .check("status applies to requests whose effective auth is type = \"oauth2\"")),
                (Some((cfg, _)), Some(s)) => Ok(format!("oauth2 {}{env_label}: {}", cfg.grant.as_str(), s.summary())),
                (Some((cfg, _)), None) => Ok(format!(
                    "oauth2 {}{env_label}: no token cached (`apix auth login` fetches one; a send does too)",
                    cfg.grant.as_str()
                )),
            },
            AuthAction::Logout { .. } => auth::logout(&prepared, &auth_ctx).map(|had| {
                if had {
                    format!("forgot the cached token{env_label}")
                } else {
                    format!("no token was cached{env_label}")
                }
            }),
        }
    });
    match result {
        Ok(line) => {
            outln!("{line}");
            0
        }
        Err(e) => report(&e),
    }
}
