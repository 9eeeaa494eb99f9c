//! A small OAuth 2.0 provider for tests and the demo: authorization code with PKCE (approves at once, without a
//! browser; `decision=deny` in the authorization URL refuses), client credentials, refresh tokens (rotated), device
//! authorization (approve with `GET /oauth/device/verify?user_code=…`), and a protected resource. Tokens live
//! `?ttl=N` seconds (default 300) as set on the token URL, so expiry is testable.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::Extension;
use axum::http::header::{AUTHORIZATION, HOST, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::problem::{json_response, Params, Problem};
use super::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PUBLIC_CLIENT_ID};

#[derive(Debug, Clone)]
struct Grant {
    client_id: String,
    scopes: Vec<String>,
}

#[derive(Debug, Clone)]
enum DeviceState {
    Pending,
    Approved,
    Denied,
}

#[derive(Debug, Default)]
struct Inner {
    /// code → (grant, redirect_uri, PKCE challenge)
    codes: HashMap<String, (Grant, String, String)>,
    access: HashMap<String, (Grant, Instant)>,
    refresh: HashMap<String, Grant>,
    /// device_code → (grant, user_code, state, expires)
    devices: HashMap<String, (Grant, String, DeviceState, Instant)>,
}

#[derive(Debug, Clone, Default)]
pub struct Provider(Arc<Mutex<Inner>>);

impl Provider {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn random() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(status, &json!({ "error": error, "error_description": description }))
}

fn form(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn scopes_of(s: Option<&str>) -> Vec<String> {
    s.unwrap_or_default().split_whitespace().map(str::to_string).collect()
}

/// The authenticated client: HTTP Basic (form-encoded id and secret, RFC 6749 §2.3.1) or the form body.
/// The authenticated client id, or why client authentication failed (an `invalid_client` description).
fn client(headers: &HeaderMap, f: &[(String, String)]) -> Result<String, &'static str> {
    let invalid = |d: &'static str| Err(d);
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    let (id, secret) = match basic.as_deref().and_then(|b| b.split_once(':')) {
        Some((i, s)) => (decode(i).unwrap_or_default(), decode(s)),
        None => (
            get(f, "client_id").unwrap_or_default().to_string(),
            get(f, "client_secret").map(str::to_string),
        ),
    };
    match id.as_str() {
        DEMO_CLIENT_ID if secret.as_deref() == Some(DEMO_CLIENT_SECRET) => Ok(id),
        DEMO_CLIENT_ID => invalid("client authentication failed: wrong or missing client_secret"),
        DEMO_PUBLIC_CLIENT_ID => Ok(id),
        "" => invalid("client authentication failed: no client_id"),
        _ => invalid("client authentication failed: unknown client_id"),
    }
}

fn issue(p: &Provider, grant: Grant, ttl: u64) -> Response {
    let (access, refresh) = (format!("at-{}", random()), format!("rt-{}", random()));
    let scope = grant.scopes.join(" ");
    p.with(|i| {
        i.access
            .insert(access.clone(), (grant.clone(), Instant::now() + Duration::from_secs(ttl)));
        i.refresh.insert(refresh.clone(), grant);
    });
    json_response(
        StatusCode::OK,
        &json!({ "access_token": access, "token_type": "Bearer", "expires_in": ttl, "refresh_token": refresh, "scope": scope }),
    )
}

/// `POST /oauth/token?ttl=N`.
pub async fn token(Extension(p): Extension<Provider>, headers: HeaderMap, params: Params, body: Bytes) -> Response {
    let ttl: u64 = params.get("ttl").and_then(|t| t.parse().ok()).unwrap_or(300).clamp(1, 86_400);
    let f = form(&body);
    let client_id = match client(&headers, &f) {
        Ok(c) => c,
        Err(d) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", d),
    };
    let bad_grant = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", d);
    match get(&f, "grant_type").unwrap_or_default() {
        "client_credentials" if client_id == DEMO_CLIENT_ID => {
            let scopes = scopes_of(get(&f, "scope"));
            if scopes.iter().any(|s| s == "forbidden") {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", "scope `forbidden` is not available");
            }
            issue(&p, Grant { client_id, scopes }, ttl)
        }
        "refresh_token" => match p.with(|i| i.refresh.remove(get(&f, "refresh_token").unwrap_or_default())) {
            Some(g) if g.client_id == client_id => issue(&p, g, ttl),
            _ => bad_grant("the refresh token is unknown, already used or revoked"),
        },
        "authorization_code" => {
            let code = get(&f, "code").unwrap_or_default();
            let Some((g, redirect, challenge)) = p.with(|i| i.codes.remove(code)) else {
                return bad_grant("the authorization code is unknown or already used");
            };
            let verifier = get(&f, "code_verifier").unwrap_or_default();
            let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if g.client_id != client_id || get(&f, "redirect_uri") != Some(redirect.as_str()) || computed != challenge {
                return bad_grant("the code verifier, client or redirect_uri does not match the authorization");
            }
            issue(&p, g, ttl)
        }
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let code = get(&f, "device_code").unwrap_or_default().to_string();
            let state = p.with(|i| i.devices.get(&code).cloned());
            match state {
                None => bad_grant("unknown device_code"),
                Some((_, _, _, exp)) if exp < Instant::now() => {
                    oauth_error(StatusCode::BAD_REQUEST, "expired_token", "the device code expired")
                }
                Some((_, _, DeviceState::Pending, _)) => {
                    oauth_error(StatusCode::BAD_REQUEST, "authorization_pending", "waiting for the user")
                }
                Some((_, _, DeviceState::Denied, _)) => {
                    p.with(|i| i.devices.remove(&code));
                    oauth_error(StatusCode::BAD_REQUEST, "access_denied", "the user refused the request")
                }
                Some((g, _, DeviceState::Approved, _)) => {
                    p.with(|i| i.devices.remove(&code));
                    issue(&p, g, ttl)
                }
            }
        }
        "" => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "missing grant_type"),
        other => oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            &format!("client {client_id} may not use the {other} grant"),
        ),
    }
}

fn loopback_redirect(uri: &str) -> bool {
    uri.starts_with("http://127.0.0.1:") || uri.starts_with("http://localhost:") || uri.starts_with("http://[::1]:")
}

/// `GET /oauth/authorize`: approves at once (a test needs no browser) unless `decision=deny`.
pub async fn authorize(Extension(p): Extension<Provider>, params: Params) -> Response {
    let redirect = params.get("redirect_uri").unwrap_or_default().to_string();
    let client_id = params.get("client_id").unwrap_or_default().to_string();
    if ![DEMO_CLIENT_ID, DEMO_PUBLIC_CLIENT_ID].contains(&client_id.as_str()) {
        return Problem::bad_request(format!("unknown client_id `{client_id}`")).into_response();
    }
    if !loopback_redirect(&redirect) {
        return Problem::bad_request("redirect_uri must be a loopback URL (http://127.0.0.1:PORT/...)").into_response();
    }
    let state = params.get("state").unwrap_or_default().to_string();
    let Ok(mut target) = url::Url::parse(&redirect) else {
        return Problem::bad_request("redirect_uri is not a URL").into_response();
    };
    {
        let mut q = target.query_pairs_mut();
        let challenge = params.get("code_challenge").unwrap_or_default().to_string();
        if params.get("decision") == Some("deny") {
            q.append_pair("error", "access_denied")
                .append_pair("error_description", "the user refused access");
        } else if challenge.is_empty() || params.get("code_challenge_method") != Some("S256") {
            q.append_pair("error", "invalid_request")
                .append_pair("error_description", "PKCE with S256 is required");
        } else {
            let code = random();
            let grant = Grant {
                client_id,
                scopes: scopes_of(params.get("scope")),
            };
            p.with(|i| i.codes.insert(code.clone(), (grant, redirect.clone(), challenge)));
            q.append_pair("code", &code);
        }
        q.append_pair("state", &state);
    }
    (StatusCode::FOUND, [(LOCATION, target.to_string())]).into_response()
}

/// `POST /oauth/device`: starts a device authorization (interval 1 s, 5 minutes to approve; `?expires_in=N` for
/// less, to try what happens when nobody approves in time).
pub async fn device(Extension(p): Extension<Provider>, params: Params, headers: HeaderMap, body: Bytes) -> Response {
    let lifetime: u64 = params.num("expires_in", 300, 1, 300).unwrap_or(300);
    let f = form(&body);
    let client_id = match client(&headers, &f) {
        Ok(c) => c,
        Err(d) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", d),
    };
    let device_code = random();
    let user_code = format!("{}-{}", &random()[..4], &random()[..4]).to_ascii_uppercase();
    let grant = Grant {
        client_id,
        scopes: scopes_of(get(&f, "scope")),
    };
    let expires = Instant::now() + Duration::from_secs(lifetime);
    p.with(|i| {
        i.devices
            .insert(device_code.clone(), (grant, user_code.clone(), DeviceState::Pending, expires))
    });
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let verify = format!("http://{host}/oauth/device/verify");
    json_response(
        StatusCode::OK,
        &json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verify,
            "verification_uri_complete": format!("{verify}?user_code={user_code}"),
            "expires_in": lifetime,
            "interval": 1,
        }),
    )
}

/// `GET /oauth/device/verify?user_code=X[&decision=deny]`: what the user does on the other device.
pub async fn device_verify(Extension(p): Extension<Provider>, params: Params) -> Response {
    let code = params.get("user_code").unwrap_or_default().to_string();
    let deny = params.get("decision") == Some("deny");
    let found = p.with(|i| {
        let entry = i.devices.values_mut().find(|(_, u, _, _)| *u == code);
        entry
            .map(|e| e.2 = if deny { DeviceState::Denied } else { DeviceState::Approved })
            .is_some()
    });
    if !found {
        return Problem::bad_request(format!("no pending device authorization with user code `{code}`")).into_response();
    }
    json_response(StatusCode::OK, &json!({ "user_code": code, "approved": !deny }))
}

/// `GET /oauth/protected`: 200 with a live access token from this provider, 401 otherwise.
pub async fn protected(Extension(p): Extension<Provider>, headers: HeaderMap) -> Response {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let challenge = |e: &str| format!("Bearer realm=\"apix demo\", error=\"{e}\"");
    match p.with(|i| i.access.get(&token).cloned()) {
        Some((g, exp)) if exp > Instant::now() => json_response(
            StatusCode::OK,
            &json!({ "authenticated": true, "scheme": "oauth2", "client_id": g.client_id, "scopes": g.scopes }),
        ),
        Some(_) => Problem::new(StatusCode::UNAUTHORIZED, "the access token expired")
            .header(axum::http::header::WWW_AUTHENTICATE, challenge("invalid_token"))
            .into_response(),
        None => Problem::new(StatusCode::UNAUTHORIZED, "missing or unknown access token")
            .header(axum::http::header::WWW_AUTHENTICATE, challenge("invalid_token"))
            .into_response(),
    }
}
