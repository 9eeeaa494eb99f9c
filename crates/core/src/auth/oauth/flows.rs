//! The grants, each one `oauth2` request over [`Http`]. Every function returns the token as it will be cached.

use std::time::Duration;

use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, DeviceAuthorizationUrl, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, RedirectUrl, RefreshToken, Scope, StandardDeviceAuthorizationResponse, TokenResponse, TokenUrl,
};

use super::http::{ErrorContext, Http};
use super::loopback::Loopback;
use super::Interaction;
use crate::auth::error::{AuthError, AuthErrorKind};
use crate::auth::tokens::{unix_now, StoredToken, TokenKey};
use crate::collection::{ClientAuth, OAuth2Auth};
use crate::http::SendOptions;

type Client = BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn bad_url(key: &str, value: &str) -> AuthError {
    AuthError::new(
        AuthErrorKind::Config,
        "oauth2 configuration",
        format!("has a `{key}` that is not a URL: `{value}`"),
    )
    .check(format!("check `{key}` in [auth] (and the variables it uses)"))
}

fn client(config: &OAuth2Auth) -> Result<Client, AuthError> {
    let token_url = TokenUrl::new(config.token_url.clone()).map_err(|_| bad_url("token_url", &config.token_url))?;
    let mut c = BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_token_uri(token_url)
        .set_auth_type(match config.client_auth {
            ClientAuth::Basic => AuthType::BasicAuth,
            ClientAuth::Body => AuthType::RequestBody,
        });
    if let Some(s) = config.client_secret.as_ref().filter(|s| !s.is_empty()) {
        c = c.set_client_secret(ClientSecret::new(s.clone()));
    }
    Ok(c)
}

fn scopes(config: &OAuth2Auth) -> Vec<Scope> {
    config.scopes.iter().map(|s| Scope::new(s.clone())).collect()
}

fn ectx(config: &OAuth2Auth, key: &TokenKey, refreshing: bool) -> ErrorContext {
    ErrorContext {
        environment: key.environment.clone(),
        grant: config.grant.as_str(),
        refreshing,
    }
}

fn stored(resp: &BasicTokenResponse, config: &OAuth2Auth, key: &TokenKey, previous_refresh: Option<&str>) -> StoredToken {
    let now = unix_now();
    StoredToken {
        access_token: resp.access_token().secret().clone(),
        token_type: match resp.token_type().as_ref() {
            "bearer" => "Bearer".to_string(),
            other => other.to_string(),
        },
        // A provider that does not rotate refresh tokens keeps the old one valid.
        refresh_token: resp
            .refresh_token()
            .map(|r| r.secret().clone())
            .or_else(|| previous_refresh.map(str::to_string)),
        expires_at: resp.expires_in().map(|d| now + d.as_secs()),
        obtained_at: now,
        scopes: resp
            .scopes()
            .map(|v| v.iter().map(|s| s.to_string()).collect())
            .unwrap_or_else(|| config.scopes.clone()),
        grant: config.grant.as_str().to_string(),
        token_url: config.token_url.clone(),
        client_id: config.client_id.clone(),
        collection: key.collection.clone(),
        environment: key.environment.clone(),
    }
}

pub async fn client_credentials(config: &OAuth2Auth, key: &TokenKey, opts: &SendOptions) -> Result<StoredToken, AuthError> {
    let http = Http::new(opts)?;
    let resp = client(config)?
        .exchange_client_credentials()
        .add_scopes(scopes(config))
        .request_async(&http.caller())
        .await
        .map_err(|e| http.error("token endpoint", &config.token_url, e, &ectx(config, key, false)))?;
    Ok(stored(&resp, config, key, None))
}

pub async fn refresh(config: &OAuth2Auth, key: &TokenKey, opts: &SendOptions, refresh_token: &str) -> Result<StoredToken, AuthError> {
    let http = Http::new(opts)?;
    let rt = RefreshToken::new(refresh_token.to_string());
    let resp = client(config)?
        .exchange_refresh_token(&rt)
        .request_async(&http.caller())
        .await
        .map_err(|e| {
            let mut err = http.error("token endpoint", &config.token_url, e, &ectx(config, key, true));
            err.step = "token refresh at the token endpoint".into();
            err
        })?;
    Ok(stored(&resp, config, key, Some(refresh_token)))
}

/// Authorization code with PKCE (S256): the user approves in a browser; the redirect lands on a loopback port (or
/// the user pastes it); the code is exchanged with the verifier.
pub async fn authorization_code(
    config: &OAuth2Auth,
    key: &TokenKey,
    opts: &SendOptions,
    ui: &dyn Interaction,
    timeout: Duration,
) -> Result<StoredToken, AuthError> {
    let auth_url_text = config.auth_url.clone().unwrap_or_default();
    let auth_url = AuthUrl::new(auth_url_text.clone()).map_err(|_| bad_url("auth_url", &auth_url_text))?;
    let loopback = Loopback::bind(config.redirect_port.unwrap_or(0)).await?;
    let redirect = loopback.redirect_uri();
    let redirect_url = RedirectUrl::new(redirect.clone()).map_err(|_| bad_url("redirect_port", &redirect))?;
    let c = client(config)?.set_auth_uri(auth_url).set_redirect_uri(redirect_url);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = c
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes(config))
        .set_pkce_challenge(challenge)
        .url();
    let pasted = ui.pasted_redirects();
    ui.open_authorization(url.as_str(), &redirect);
    let pairs = loopback.wait(timeout, pasted, state.secret()).await?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if let Some(error) = get("error") {
        let desc = get("error_description").map(|d| format!(" ({d})")).unwrap_or_default();
        return Err(
            AuthError::new(AuthErrorKind::Denied, "authorization", format!("was denied: {error}{desc}"))
                .check("approve the request in the browser, or check that this client may ask for these scopes"),
        );
    }
    if get("state").as_deref() != Some(state.secret().as_str()) {
        return Err(AuthError::new(
            AuthErrorKind::Protocol,
            "authorization",
            "redirect carried a state that does not match this login",
        )
        .check("start the login again; an old browser tab may have answered"));
    }
    let Some(code) = get("code") else {
        return Err(AuthError::new(AuthErrorKind::Protocol, "authorization", "redirect carried no code"));
    };
    let http = Http::new(opts)?;
    let resp = c
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http.caller())
        .await
        .map_err(|e| http.error("token endpoint", &config.token_url, e, &ectx(config, key, false)))?;
    Ok(stored(&resp, config, key, None))
}

/// Device authorization (RFC 8628): show a code, poll the token endpoint until the user approves elsewhere.
pub async fn device_code(config: &OAuth2Auth, key: &TokenKey, opts: &SendOptions, ui: &dyn Interaction) -> Result<StoredToken, AuthError> {
    let device_url_text = config.device_url.clone().unwrap_or_default();
    let device_url = DeviceAuthorizationUrl::new(device_url_text.clone()).map_err(|_| bad_url("device_url", &device_url_text))?;
    let c = client(config)?.set_device_authorization_url(device_url);
    let http = Http::new(opts)?;
    let details: StandardDeviceAuthorizationResponse = c
        .exchange_device_code()
        .add_scopes(scopes(config))
        .request_async(&http.caller())
        .await
        .map_err(|e| http.error("device authorization endpoint", &device_url_text, e, &ectx(config, key, false)))?;
    ui.show_device_code(
        details.verification_uri().as_str(),
        details.user_code().secret(),
        details.verification_uri_complete().map(|u| u.secret().as_str()),
    );
    let resp = c
        .exchange_device_access_token(&details)
        .request_async(&http.caller(), tokio::time::sleep, None)
        .await
        .map_err(|e| {
            let mut err = http.error("token endpoint", &config.token_url, e, &ectx(config, key, false));
            if err.kind == AuthErrorKind::Denied {
                err.step = "device authorization".into();
            }
            err
        })?;
    Ok(stored(&resp, config, key, None))
}
