//! Stored auth: the send-time step between `prepare` and `send`, one module per scheme, the token cache, and the
//! secret sources beyond `{{env.NAME}}` (OS keyring, trusted commands).
//!
//! `prepare` stays synchronous and free of network I/O: it resolves every auth field and leaves what needs the
//! network in `Prepared::pending_auth`. [`authorize`] then does that work (a Digest challenge, a SigV4 signature
//! over the final request, an OAuth 2.0 token from the cache, a refresh or a flow), sets the header, adds every
//! credential it used to `Prepared::secrets` so it is masked wherever shown, and clears `pending_auth`.

pub mod context;
pub mod digest;
pub mod error;
pub mod literal;
pub mod net;
pub mod oauth;
pub mod sigv4;
pub mod tokens;

use tokio_util::sync::CancellationToken;

use crate::http::{PendingAuth, Prepared};

pub use context::Interaction;
pub use context::{AuthContext, DEFAULT_REDIRECT_TIMEOUT};
pub use error::{AuthError, AuthErrorKind};
pub use tokens::TokenStatus;
pub use tokens::{StoredToken, TokenKey};

/// Does the send-time auth work for `prepared` (nothing when `pending_auth` is empty). Cancelling stops it
/// promptly (a flow waiting for a browser included).
pub async fn authorize(prepared: &mut Prepared, ctx: &AuthContext, cancel: CancellationToken) -> Result<(), AuthError> {
    let Some(pending) = prepared.pending_auth.clone() else {
        return Ok(());
    };
    let work = async {
        match &pending {
            PendingAuth::Digest { username, password } => digest::authorize(prepared, username, password).await,
            PendingAuth::Aws(aws) => sigv4::authorize(prepared, aws).await,
            PendingAuth::OAuth2 {
                config,
                collection,
                environment,
            } => {
                let key = TokenKey::new(collection.as_deref(), environment.as_deref(), config);
                let token = oauth::ensure_token(config, &key, &prepared.options, ctx).await?;
                apply_token(prepared, &token);
                Ok(())
            }
        }
    };
    let result = tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(AuthError::cancelled()),
        r = work => r,
    };
    match result {
        Ok(()) => {
            prepared.pending_auth = None;
            prepared.secrets.sort();
            prepared.secrets.dedup();
            Ok(())
        }
        Err(e) => Err(e.masked(&prepared.secrets)),
    }
}

/// Sets `Authorization: Bearer …` from a token and marks every part of it secret.
pub fn apply_token(prepared: &mut Prepared, token: &StoredToken) {
    prepared.headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    let scheme = if token.token_type.eq_ignore_ascii_case("bearer") || token.token_type.is_empty() {
        "Bearer".to_string()
    } else {
        token.token_type.clone()
    };
    prepared
        .headers
        .push(("Authorization".into(), format!("{scheme} {}", token.access_token)));
    prepared.secrets.push(token.access_token.clone());
    prepared.secrets.extend(token.refresh_token.clone());
}

/// The OAuth 2.0 config and cache key of a prepared request, when its auth is OAuth 2.0.
pub fn oauth_of(prepared: &Prepared) -> Option<(crate::collection::OAuth2Auth, TokenKey)> {
    match &prepared.pending_auth {
        Some(PendingAuth::OAuth2 {
            config,
            collection,
            environment,
        }) => Some((config.clone(), TokenKey::new(collection.as_deref(), environment.as_deref(), config))),
        _ => None,
    }
}

fn not_oauth(prepared: &Prepared) -> AuthError {
    let kind = prepared.pending_auth.as_ref().map(|p| p.type_name()).unwrap_or("not a flow");
    AuthError::new(
        AuthErrorKind::Config,
        "oauth2",
        format!("is not this request's auth (it is {kind})"),
    )
    .check("token actions work on requests whose effective auth is type = \"oauth2\"")
}

/// The cached token's status (never the token), or `None` when nothing is cached.
pub fn token_status(prepared: &Prepared, ctx: &AuthContext) -> Option<TokenStatus> {
    let (_, key) = oauth_of(prepared)?;
    tokens::load(&ctx.token_dir, &key).map(|t| t.status())
}

/// Fetches a new token now, whatever the cache holds (the "fetch" action; `apix auth login`).
pub async fn login(prepared: &Prepared, ctx: &AuthContext, cancel: CancellationToken) -> Result<TokenStatus, AuthError> {
    let (config, key) = oauth_of(prepared).ok_or_else(|| not_oauth(prepared))?;
    let ctx = AuthContext {
        force_new: true,
        ..ctx.clone()
    };
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(AuthError::cancelled()),
        r = oauth::ensure_token(&config, &key, &prepared.options, &ctx) => r.map(|t| t.status()),
    }
    .map_err(|e| e.masked(&prepared.secrets))
}

/// Uses the refresh token now (the "refresh" action).
pub async fn refresh(prepared: &Prepared, ctx: &AuthContext, cancel: CancellationToken) -> Result<TokenStatus, AuthError> {
    let (config, key) = oauth_of(prepared).ok_or_else(|| not_oauth(prepared))?;
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(AuthError::cancelled()),
        r = oauth::refresh_now(&config, &key, &prepared.options, ctx) => r.map(|t| t.status()),
    }
    .map_err(|e| e.masked(&prepared.secrets))
}

/// Forgets the cached token (the "forget" action; `apix auth logout`). False when none was cached.
pub fn logout(prepared: &Prepared, ctx: &AuthContext) -> Result<bool, AuthError> {
    let (_, key) = oauth_of(prepared).ok_or_else(|| not_oauth(prepared))?;
    tokens::forget(&ctx.token_dir, &key)
}
