//! OAuth 2.0 with the `oauth2` crate's types and flows over our own HTTP client: client credentials, authorization
//! code with PKCE (browser or pasted URL, loopback redirect), device authorization, and refresh tokens.
//!
//! [`ensure_token`] is what a send uses: a fresh cached token as is; an expired one refreshed first; otherwise a new
//! grant (client credentials silently; interactive grants only when the front end can reach the user).

pub mod flows;
pub mod http;
pub mod loopback;

use crate::collection::{OAuth2Auth, OAuthGrant};
use crate::http::SendOptions;

use super::context::AuthContext;
pub use super::context::Interaction;
use super::error::{in_env, AuthError, AuthErrorKind};
use super::tokens::{self, unix_now, StoredToken, TokenKey};

/// A usable token for `config`: cached, refreshed, or newly obtained (and cached).
pub async fn ensure_token(config: &OAuth2Auth, key: &TokenKey, opts: &SendOptions, ctx: &AuthContext) -> Result<StoredToken, AuthError> {
    let dir = &ctx.token_dir;
    if !ctx.force_new {
        if let Some(cached) = tokens::load(dir, key) {
            if cached.is_fresh(unix_now()) {
                return Ok(cached);
            }
            if let Some(refresh) = cached.refresh_token.clone() {
                match flows::refresh(config, key, opts, &refresh).await {
                    Ok(token) => {
                        tokens::save(dir, key, &token)?;
                        return Ok(token);
                    }
                    // A refused refresh token is dead: drop it and fall through to a new grant.
                    Err(e) if e.kind == AuthErrorKind::Rejected => {
                        tokens::forget(dir, key)?;
                        match &ctx.interaction {
                            None if config.grant != OAuthGrant::ClientCredentials => return Err(e),
                            // Say why a login starts, rather than opening a browser out of the blue.
                            Some(ui) => ui.note(&format!("{e}; the stored token was removed, so a new login starts")),
                            None => {}
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    let token = match (config.grant, &ctx.interaction) {
        (OAuthGrant::ClientCredentials, _) => flows::client_credentials(config, key, opts).await?,
        (OAuthGrant::AuthorizationCode, Some(ui)) => {
            flows::authorization_code(config, key, opts, ui.as_ref(), ctx.redirect_timeout).await?
        }
        (OAuthGrant::DeviceCode, Some(ui)) => flows::device_code(config, key, opts, ui.as_ref()).await?,
        (grant, None) => return Err(needs_login(grant, key)),
    };
    tokens::save(dir, key, &token)?;
    Ok(token)
}

/// Refreshes now, whatever the expiry says (the "refresh" action).
pub async fn refresh_now(config: &OAuth2Auth, key: &TokenKey, opts: &SendOptions, ctx: &AuthContext) -> Result<StoredToken, AuthError> {
    let Some(cached) = tokens::load(&ctx.token_dir, key) else {
        return Err(needs_login(config.grant, key));
    };
    let Some(refresh) = cached.refresh_token else {
        return Err(AuthError::new(
            AuthErrorKind::NeedsLogin,
            "token refresh",
            "is not possible: the provider gave no refresh token",
        )
        .check("fetch a new token instead (`apix auth login`)"));
    };
    let token = match flows::refresh(config, key, opts, &refresh).await {
        Ok(t) => t,
        Err(e) if e.kind == AuthErrorKind::Rejected => {
            // The refresh token is dead: keeping it would only make `auth status` call it refreshable.
            tokens::forget(&ctx.token_dir, key)?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    tokens::save(&ctx.token_dir, key, &token)?;
    Ok(token)
}

fn needs_login(grant: OAuthGrant, key: &TokenKey) -> AuthError {
    AuthError::new(
        AuthErrorKind::NeedsLogin,
        "oauth2",
        format!(
            "has no valid token for the {} grant{}",
            grant.as_str(),
            in_env(key.environment.as_deref())
        ),
    )
    .check("log in first: `apix auth login REQUEST_FILE` (or fetch a token from the TUI's Auth tab)")
}

/// Opens `url` in the system browser; false when there is none to open (e.g. over SSH).
pub fn open_browser(url: &str) -> bool {
    if std::env::var_os("SSH_CONNECTION").is_some() || std::env::var_os("SSH_TTY").is_some() {
        return false;
    }
    let candidates: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else if cfg!(windows) {
        &[("rundll32", &["url.dll,FileProtocolHandler"])]
    } else {
        &[("xdg-open", &[]), ("gio", &["open"]), ("sensible-browser", &[])]
    };
    for (cmd, args) in candidates {
        let spawned = std::process::Command::new(cmd)
            .args(*args)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if spawned.is_ok() {
            return true;
        }
    }
    false
}
